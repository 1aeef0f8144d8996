// POST /api/messages: where the Bot Framework delivers activities. A request must prove with its JWT that a channel
// sent it (unless authentication is off for development): a stranger is answered 401 before anything is read into
// the store. An activity is answered 200 once stored (or deliberately ignored), 400 when it cannot be read, and
// 5xx when it was not stored, so that the channel tells the person their message did not go through; an invoke
// stored or ignored gets the quiet answer Teams expects (invokes.ts); a 503 carries
// Retry-After as every webhook's does. Each refusal says what it is (`kind`, as the Meta webhook's), for the logs and
// whoever reads them; the channel reads only the status.
import express, { type Express, type Request, type Response } from 'express';
import type { Activity } from 'botbuilder';
import { DeliveryRefused } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { retryAfter, UNAVAILABLE_RETRY_AFTER_MS, type WebhookRefusal } from '../../shared/refusals.ts';
import type { BotAdapter } from './auth.ts';
import { invokeAnswer } from './invokes.ts';

export const WEBHOOK_PATH = '/api/messages';

export interface WebhookOptions {
  adapter: BotAdapter;
  /** False only with BOTFRAMEWORK_NO_AUTH=1: requests without a token are then taken. */
  authenticated: boolean;
  log: Logger;
  /**
   * Receives one activity (receive.ts), resolving to why it was refused, if it was; undefined while not started.
   * `reply` answers in the activity's own conversation (a group chat told to write one to one).
   */
  receiver: () => ((activity: unknown, reply: (text: string) => Promise<unknown>) => Promise<string | undefined>) | undefined;
}

/**
 * Mounts POST /api/messages on `app`.
 *
 *     mountWebhook(app, { adapter, authenticated: true, log, receiver: () => (host ? receive : undefined) });
 */
export function mountWebhook(app: Express, options: WebhookOptions): void {
  const { adapter, log } = options;
  const refusals = new RefusalLines(REFUSAL_LINE_EVERY_MS);

  // No token, no reading: a stranger's request costs no parsing.
  function checkToken(req: Request, res: Response, next: () => void): void {
    if (options.authenticated && !/^Bearer \S+$/.test(req.get('authorization') ?? '')) {
      log.warn({ ip: req.ip }, 'Bot Framework activity refused: no Authorization bearer token');
      res.status(401).json({ error: 'a Bot Framework token is required (Authorization: Bearer …)', kind: 'unauthorized' } satisfies WebhookRefusal);
      return;
    }
    next();
  }

  async function onActivity(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      res.status(400).json({ error: 'expected a Bot Framework activity: a JSON object with a type', kind: 'badRequest' } satisfies WebhookRefusal);
      return;
    }
    const activity = body as Activity;
    const receive = options.receiver();
    if (!receive) {
      res.status(503).set('retry-after', retryAfter(UNAVAILABLE_RETRY_AFTER_MS)).json({ error: 'the Bot Framework channel is not started', kind: 'unavailable' } satisfies WebhookRefusal);
      return;
    }
    let authenticated: Awaited<ReturnType<BotAdapter['authenticate']>>;
    try {
      authenticated = await adapter.authenticate(activity, req.get('authorization') ?? '');
    } catch (error) {
      if (keysUnavailable(error)) {
        log.error({ err: describe(error) }, 'Bot Framework activity not checked: the signing keys could not be loaded');
        res.status(503).set('retry-after', retryAfter(UNAVAILABLE_RETRY_AFTER_MS)).json({ error: 'the Bot Framework\'s signing keys could not be loaded; please retry', kind: 'unavailable' } satisfies WebhookRefusal);
        return;
      }
      const more = refusals.take(Date.now());
      if (more !== undefined) log.warn({ ip: req.ip, err: describe(error).slice(0, 200), ...(more > 0 ? { moreRefusedSince: more } : {}) }, 'Bot Framework activity refused: its token does not prove a channel sent it');
      res.status(401).json({ error: 'the token does not prove a Bot Framework channel sent this activity', kind: 'unauthorized' } satisfies WebhookRefusal);
      return;
    }
    let refused: string | undefined;
    let invoke: Awaited<ReturnType<BotAdapter['turn']>>;
    try {
      invoke = await adapter.turn(authenticated, activity, async (context) => {
        refused = await receive(context.activity, (text) => context.sendActivity(text));
      });
    } catch (error) {
      if (error instanceof DeliveryRefused) {
        res.status(503).set('retry-after', retryAfter(error.retryAfterMs)).json({ error: error.message, kind: 'unavailable' } satisfies WebhookRefusal);
        return;
      }
      log.error({ err: describe(error), activity: activity.id }, 'Bot Framework activity could not be stored');
      res.status(500).json({ error: 'not stored; please retry', kind: 'internal' } satisfies WebhookRefusal);
      return;
    }
    if (refused !== undefined) {
      res.status(400).json({ error: refused, kind: 'badRequest' } satisfies WebhookRefusal);
      return;
    }
    // No invoke is handled in the turn (botbuilder then says 501): each gets the answer that shows nothing.
    if (activity.type === 'invoke') {
      res.status(200).json(invokeAnswer(activity.name));
      return;
    }
    if (invoke) {
      res.status(invoke.status).json(invoke.body ?? {});
      return;
    }
    res.status(200).end();
  }

  app.post(WEBHOOK_PATH, checkToken, express.json({ limit: '1mb' }), onActivity);
}

/** The signing keys could not be fetched (botbuilder says 500, or its fetch failed): not the caller's fault. */
function keysUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, name } = error as { statusCode?: unknown; name?: unknown };
  return (typeof statusCode === 'number' && statusCode >= 500) || name === 'FetchError';
}

/** At most one line a second about refused tokens: a stranger sending forged ones does not flood the log. */
const REFUSAL_LINE_EVERY_MS = 1_000;

/**
 * When a refusal gets its log line: the first at once, then one every `everyMs`, which counts those left unsaid.
 *
 *     const more = lines.take(Date.now()); // undefined: say nothing; else log it, with `more` refused since the last line
 */
class RefusalLines {
  #lastAt = -Infinity;
  #unsaid = 0;

  constructor(private readonly everyMs: number) {}

  take(now: number): number | undefined {
    if (now - this.#lastAt < this.everyMs) {
      this.#unsaid++;
      return undefined;
    }
    const more = this.#unsaid;
    this.#lastAt = now;
    this.#unsaid = 0;
    return more;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
