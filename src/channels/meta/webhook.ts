// The webhook every Meta channel mounts. GET is Meta's verification (hub.verify_token must be ours); every POST
// carries X-Hub-Signature-256 (signature.ts), checked over the raw bytes before anything is parsed: 401 and nothing
// kept when it does not match, 400 for a body that is not a webhook batch. A batch is answered 200 once all of it is
// stored (or refused item by item for good, since any other answer makes Meta send it again for days), 500 when
// something was not stored (Meta sends it again), 503 while the runtime refuses messages, with Retry-After as every
// webhook says it (Meta reads only the status, on its own schedule). Each refusal says what it is (`kind`, as the
// server's own answers name theirs) for the logs and whoever reads them.
import express, { type Express, type Request, type Response } from 'express';
import { DeliveryRefused } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { NOT_JSON, retryAfter, UNAVAILABLE_RETRY_AFTER_MS, type WebhookRefusal } from '../../shared/refusals.ts';
import { sameSecret } from '../../shared/secret.ts';
import { parseJson } from './json.ts';
import { signatureMatches } from './signature.ts';

/** Large enough for a WhatsApp history sync, which may describe thousands of messages in one body. */
const MAX_BODY = '16mb';

/** A webhook body read: its items in Meta's order, or why it is no webhook batch of this channel. */
export type Decoded<Item> = { ok: true; items: Item[] } | { ok: false; reason: string };

export interface WebhookOptions<Item> {
  /** Where Meta posts, e.g. /webhooks/whatsapp. */
  path: string;
  /** The channel as log lines name it: `WhatsApp`, `Messenger`. */
  label: string;
  appSecret: string;
  verifyToken: string;
  log: Logger;
  /** Reads a body already parsed from JSON (no I/O). */
  decode(body: unknown): Decoded<Item>;
  /** Receives one decoded batch, resolving to how many items were refused; undefined while not started. */
  receiver(): ((items: readonly Item[]) => Promise<number>) | undefined;
}

/**
 * Mounts GET and POST `options.path` on `app`.
 *
 *     mountWebhook(app, { path: '/webhooks/whatsapp', label: 'WhatsApp', appSecret, verifyToken, log,
 *       decode: (body) => decodeBatch(body, context), receiver: () => (host ? receive : undefined) });
 */
export function mountWebhook<Item>(app: Express, options: WebhookOptions<Item>): void {
  const { log, label } = options;

  app.get(options.path, (req: Request, res: Response) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode !== 'subscribe' || typeof token !== 'string' || !sameSecret(token, options.verifyToken) || typeof challenge !== 'string') {
      log.warn({ ip: req.ip }, `${label} webhook verification refused: wrong mode or verify token`);
      res.status(403).json({ error: 'wrong hub.mode or hub.verify_token', kind: 'unauthorized' } satisfies WebhookRefusal);
      return;
    }
    log.info(`${label} webhook verified`);
    res.status(200).type('text/plain').set('x-content-type-options', 'nosniff').send(challenge);
  });

  async function onBatch(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const given = req.get('x-hub-signature-256');
    if (!signatureMatches(raw, given, options.appSecret)) {
      log.warn({ ip: req.ip, signed: given !== undefined }, `${label} webhook refused: wrong or missing X-Hub-Signature-256`);
      res.status(401).json({ error: 'wrong or missing X-Hub-Signature-256', kind: 'unauthorized' } satisfies WebhookRefusal);
      return;
    }
    let body: unknown;
    try {
      body = parseJson(raw.toString('utf8'));
    } catch {
      res.status(400).json(NOT_JSON);
      return;
    }
    const batch = options.decode(body);
    if (!batch.ok) {
      log.warn({ reason: batch.reason }, `${label} webhook refused: not a webhook batch`);
      res.status(400).json({ error: batch.reason, kind: 'badRequest' } satisfies WebhookRefusal);
      return;
    }
    const receive = options.receiver();
    if (!receive) {
      res.status(503).set('retry-after', retryAfter(UNAVAILABLE_RETRY_AFTER_MS)).json({ error: `the ${label} channel is not started`, kind: 'unavailable' } satisfies WebhookRefusal);
      return;
    }
    let refused: number;
    try {
      refused = await receive(batch.items);
    } catch (error) {
      if (error instanceof DeliveryRefused) {
        res.status(503).set('retry-after', retryAfter(error.retryAfterMs)).json({ error: error.message, kind: 'unavailable' } satisfies WebhookRefusal);
        return;
      }
      log.error({ err: error instanceof Error ? error.message : String(error) }, `${label} webhook batch not stored; Meta will send it again`);
      res.status(500).json({ error: 'not stored; please retry', kind: 'internal' } satisfies WebhookRefusal);
      return;
    }
    res.status(200).json({ ok: true, ...(refused > 0 ? { refused } : {}) });
  }

  // The raw bytes, whatever the content type says: the signature is over them, and JSON is parsed only after it.
  app.post(options.path, express.raw({ type: () => true, limit: MAX_BODY }), onBatch);
}
