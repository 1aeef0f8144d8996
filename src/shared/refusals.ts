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
 * The sender (Meta, Telegram, the Bot Framework) reads only the status; `kind` is for the logs and whoever reads them.
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
