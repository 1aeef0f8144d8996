// Webhook mode: Telegram POSTs each update to /webhooks/telegram with the secret given to setWebhook in the
// X-Telegram-Bot-Api-Secret-Token header. An update is answered 200 once stored (or refused for good, since any
// other answer makes Telegram send it again, for ever), and 5xx when it was not stored, so it comes back. A 503 (not
// started, the store out of reach, a customer writing too fast) says how long to wait in Retry-After, which Telegram
// waits exactly (instead of its own backoff, up to 60-120 s): see UNAVAILABLE_RETRY_AFTER_MS. Each refusal says what
// it is (`kind`, as the Meta webhook's), for the logs and whoever reads them. The webhook is registered at start, and
// again until Telegram takes it: a registration lost at boot would leave the bot deaf for good. One Telegram refused
// for its address (a 400) or for the bot's token (a 401, a 404) is tried again only every 10 minutes: the operator
// fixes PUBLIC_URL or TELEGRAM_BOT_TOKEN and restarts.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type Request, type Response } from 'express';
import type { Api } from 'grammy';
import { DeliveryRefused, type FastRoutes } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { INTERNAL_ERROR, NOT_JSON, retryAfter, UNAVAILABLE_RETRY_AFTER_MS, type WebhookRefusal } from '../../shared/refusals.ts';
import { sameSecret } from '../../shared/secret.ts';
import { MAX_PROBE_MS, PROBE_MS, refusedForGood, refusesToken } from './health.ts';
import { ALLOWED_UPDATES } from './receive.ts';

export const WEBHOOK_PATH = '/webhooks/telegram';

export interface WebhookOptions {
  secret: string;
  log: Logger;
  /** Receives one update (receive.ts), or undefined while the channel is not started. */
  receiver: () => ((update: unknown) => Promise<string | undefined>) | undefined;
}

/** What a webhook request is answered: a status, a JSON body, and how long to wait before sending it again. */
interface Answer {
  status: number;
  body: { ok: true; refused?: string } | WebhookRefusal;
  retryAfter?: string;
}

/** The answer to a parsed webhook body: refused, or handed to the channel (and stored, ignored or refused for good). */
async function answerUpdate(body: unknown, options: WebhookOptions): Promise<Answer> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Number.isSafeInteger((body as { update_id?: unknown }).update_id)) {
    return { status: 400, body: { error: 'expected a Telegram update: a JSON object with an update_id', kind: 'badRequest' } };
  }
  const receive = options.receiver();
  if (!receive) return { status: 503, body: { error: 'the Telegram channel is not started', kind: 'unavailable' }, retryAfter: retryAfter(UNAVAILABLE_RETRY_AFTER_MS) };
  let refused: string | undefined;
  try {
    refused = await receive(body);
  } catch (error) {
    if (error instanceof DeliveryRefused) return { status: 503, body: { error: error.message, kind: 'unavailable' }, retryAfter: retryAfter(error.retryAfterMs) };
    options.log.error({ err: String(error), update: (body as { update_id: number }).update_id }, 'Telegram update could not be stored');
    return { status: 500, body: { error: 'not stored; please retry', kind: 'internal' } };
  }
  return { status: 200, body: { ok: true, ...(refused !== undefined ? { refused } : {}) } };
}

/** The largest body taken, as express.json's `limit`. */
const BODY_LIMIT = 1024 * 1024;
/** The content types express.json reads as UTF-8 JSON without a question: the fast path takes only these. */
const plainJson = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Mounts POST /webhooks/telegram on `app`, and, when `fast` is given, the same route answered without express for a
 * well-formed update (the right secret, a JSON body of a stated length within the limit, no content encoding): an
 * update costs no router, body parser or ETag then. Every other request goes through express, as before.
 *
 *     mountWebhook(app, { secret, log, receiver: () => (started ? receive : undefined) }, fast);
 *     await keepRegistering(api, 'https://bot.example.com', secret, { signal, failed });
 */
export function mountWebhook(app: Express, options: WebhookOptions, fast?: FastRoutes): void {
  const { log } = options;

  function checkSecret(req: Request, res: Response, next: () => void): void {
    if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), options.secret)) {
      log.warn({ ip: req.ip }, 'Telegram webhook refused: wrong or missing secret token');
      res.status(401).json({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token', kind: 'unauthorized' } satisfies WebhookRefusal);
      return;
    }
    next();
  }

  async function onUpdate(req: Request, res: Response): Promise<void> {
    const answer = await answerUpdate(req.body, options);
    res.status(answer.status);
    if (answer.retryAfter !== undefined) res.set('retry-after', answer.retryAfter);
    res.json(answer.body);
  }

  // The secret is checked before the body is read: a stranger's request costs no parsing.
  app.post(WEBHOOK_PATH, checkSecret, express.json({ limit: '1mb' }), onUpdate);
  fast?.post(WEBHOOK_PATH, (req, res, viaExpress) => {
    const { headers } = req;
    const length = Number(headers['content-length']);
    const secret = headers['x-telegram-bot-api-secret-token'];
    const encoding = headers['content-encoding'];
    if (
      !plainJson.test(headers['content-type'] ?? '') ||
      !(length > 0 && length <= BODY_LIMIT) ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
      !sameSecret(typeof secret === 'string' ? secret : undefined, options.secret)
    ) {
      viaExpress();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      const raw = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
      // express.json's decoder drops a byte order mark.
      const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      try {
        // As express.json (strict): an object or an array, nothing else.
        if (!/^[\x20\x09\x0a\x0d]*[{[]/.test(text)) throw new SyntaxError('not an object or array');
        body = JSON.parse(text);
      } catch {
        answerFast(res, { status: 400, body: NOT_JSON });
        return;
      }
      answerUpdate(body, options).then(
        (answer) => answerFast(res, answer),
        (error: unknown) => {
          log.error({ err: error, path: WEBHOOK_PATH }, 'request failed');
          answerFast(res, { status: 500, body: INTERNAL_ERROR });
        },
      );
    });
  });
}

/** Writes `answer` as express's `res.json` would (bar the ETag, which no webhook sender reads). */
function answerFast(res: ServerResponse, answer: Answer): void {
  const json = JSON.stringify(answer.body);
  res.statusCode = answer.status;
  if (answer.retryAfter !== undefined) res.setHeader('retry-after', answer.retryAfter);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(json));
  res.end(json);
}

/** Where Telegram is told to send updates: `${publicUrl}/webhooks/telegram`. */
function webhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}

/** How long a webhook Telegram refused for its address (a 400) or for the token (a 401, a 404) waits before it is tried again. */
export const REFUSED_RETRY_MS = 10 * 60_000;

export interface KeepRegisteringOptions {
  /** Aborted when the channel stops: no more tries. */
  signal: AbortSignal;
  /** Told each failed try, with the URL tried and the pause before the next, before the pause. */
  failed: (error: unknown, url: string, retryInMs: number) => void;
  /** The pause before the second try (default 1 s), doubled after each failed one up to 30 s. */
  retryMs?: number;
  /** The pause after Telegram refused the URL itself (a 400, see `refusedForGood`) or the token (default 10 minutes). */
  refusedRetryMs?: number;
}

/**
 * Tells Telegram to send updates to `${publicUrl}/webhooks/telegram` with `secret`, trying again after each failure
 * (Telegram out of reach at boot, a 5xx) until Telegram takes it: without it no update ever comes. A URL Telegram
 * refuses (a 400), or a token it refuses (a 401, a 404), is tried again only after `refusedRetryMs`. Resolves to the
 * URL, or undefined once stopped.
 *
 *     const url = await keepRegistering(api, 'https://bot.example.com', secret, { signal, failed: (e) => log.warn(e) });
 */
export async function keepRegistering(api: Api, publicUrl: string, secret: string, options: KeepRegisteringOptions): Promise<string | undefined> {
  const { signal } = options;
  const url = webhookUrl(publicUrl);
  let delay = options.retryMs ?? PROBE_MS;
  while (!signal.aborted) {
    let pause = delay;
    try {
      await api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }, signal as Parameters<Api['setWebhook']>[2]);
      return url;
    } catch (error) {
      if (signal.aborted) return undefined;
      // The same URL, or the same token, gets the same answer: asking every 30 s would only fill the log. A host not
      // resolved yet may be.
      if (refusedForGood(error) || refusesToken(error)) pause = options.refusedRetryMs ?? REFUSED_RETRY_MS;
      else delay = Math.min(delay * 2, MAX_PROBE_MS);
      options.failed(error, url, pause);
    }
    await sleep(pause, undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}
