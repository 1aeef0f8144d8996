// The answers the server itself gives, whatever the route: no such route, a body that is not JSON or too large, a
// server starting or out of its store, a failure. Each says why in English (`error`) and what it is (`kind`), named
// as the web chat names its own refusals, so a page can word it in its reader's language.

/** What the server's own answers are: `notFound` 404, `badRequest` 4xx, `tooLarge` 413, `unavailable` 503, `internal` 500. */
export type ServerRefusalKind = 'notFound' | 'badRequest' | 'tooLarge' | 'unavailable' | 'internal';

/** A refused request's answer: `error` says why in English (for whoever reads the API), `kind` what it is. */
export interface ServerRefusal {
  error: string;
  kind: ServerRefusalKind;
  /** The size limit a `tooLarge` body was over, in bytes. */
  maxBytes?: number;
}

/**
 * A webhook's own refusal: as the server's, or `unauthorized` (a signature, secret, token or verify token refused).
 * The sender (Meta, Telegram, the Bot Framework) reads the status (and Telegram a 503's Retry-After); `kind` is for the
 * logs and whoever reads them.
 *
 *     res.status(401).json({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token', kind: 'unauthorized' } satisfies WebhookRefusal);
 */
export interface WebhookRefusal {
  error: string;
  kind: ServerRefusalKind | 'unauthorized';
}

/**
 * A body that is not JSON. A route that reads JSON without express (Telegram's fast path) answers it too, so that
 * both ways answer the same.
 *
 *     res.status(400).json(NOT_JSON);
 */
export const NOT_JSON: ServerRefusal = { error: 'the body is not valid JSON', kind: 'badRequest' };

/**
 * A request that failed (a bug, a lost disk): nothing it asked for can be counted on, so its sender may send it again.
 *
 *     res.status(500).json(INTERNAL_ERROR);
 */
export const INTERNAL_ERROR: ServerRefusal = { error: 'internal error; nothing was acknowledged, please retry', kind: 'internal' };

/**
 * What every answer refused because the store is out of reach says (the database away, the disk full): the same words
 * whatever the route, naming no file, socket or host; why is in the store's own log line (and in /healthz).
 *
 *     res.status(503).json({ error: STORE_OUT_OF_REACH, kind: 'unavailable' });
 */
export const STORE_OUT_OF_REACH = 'the store is out of reach; nothing was done, try again shortly';

/**
 * How long a sender is asked to wait (`Retry-After`) when the server refuses for now and cannot know for how long:
 * the store out of reach (PostgreSQL restarting or failing over, the network dropping: the pool connects anew at each
 * request, so the store is back the moment PostgreSQL is, and nothing here can tell when that will be), a channel not
 * started yet, the bot stopping. A database restart or failover takes seconds, so a retry after 5 s usually finds it
 * back, and a sender retrying every 5 s costs nothing. Telegram reads the header (tdlib/telegram-bot-api's
 * WebhookActor): it sends the update again after exactly that, and never backs off further, where without it it sends
 * again at once, then after 2, 4, 8… up to 60-120 s, so a customer's message could arrive two minutes after the store
 * came back. Meta and the Bot Framework read only the status; the web chat page, the agent console and the dashboard
 * wait what the header says and tell their reader so. A refusal whose end the server knows (a customer's allowance of
 * messages coming back, start-up's next try at the database) says that wait instead.
 */
export const UNAVAILABLE_RETRY_AFTER_MS = 5_000;

/**
 * A wait as `Retry-After` writes it: whole seconds, rounded up, at least 1. Never a date or a fraction: Telegram reads
 * only digits, and would take anything else as no wait at all.
 *
 *     res.status(503).set('retry-after', retryAfter(refused.retryAfterMs)); // '2' for 1_200 ms
 */
export function retryAfter(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
