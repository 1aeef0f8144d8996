// The Cloud API webhook. GET /webhooks/whatsapp is Meta's verification (hub.verify_token must be ours); every POST
// carries X-Hub-Signature-256, the HMAC-SHA256 of the raw body with the app secret, checked over the bytes as they
// came before anything is parsed. A batch is answered 200 once all of it is stored (or refused item by item for
// good, since any other answer makes Meta send it again for days), and 5xx when something was not stored.
import { createHmac } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { DeliveryRefused } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { sameSecret } from '../../shared/secret.ts';
import { decodeBatch, type Item } from './decode.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** History syncs may describe thousands of messages in one body. */
const MAX_BODY = '16mb';

export interface WebhookOptions {
  appSecret: string;
  verifyToken: string;
  phoneNumberId: string;
  log: Logger;
  now: () => Date;
  /** Receives one decoded batch (receive.ts), resolving to how many items were refused; undefined while not started. */
  receiver: () => ((items: readonly Item[]) => Promise<number>) | undefined;
}

/**
 * Mounts GET and POST /webhooks/whatsapp on `app`.
 *
 *     mountWebhook(app, { appSecret, verifyToken, phoneNumberId, log, now, receiver: () => (host ? receive : undefined) });
 */
export function mountWebhook(app: Express, options: WebhookOptions): void {
  const { log } = options;

  app.get(WEBHOOK_PATH, (req: Request, res: Response) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode !== 'subscribe' || typeof token !== 'string' || !sameSecret(token, options.verifyToken) || typeof challenge !== 'string') {
      log.warn({ ip: req.ip }, 'WhatsApp webhook verification refused: wrong mode or verify token');
      res.status(403).json({ error: 'wrong hub.mode or hub.verify_token' });
      return;
    }
    log.info('WhatsApp webhook verified');
    res.status(200).type('text/plain').set('x-content-type-options', 'nosniff').send(challenge);
  });

  async function onBatch(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const given = req.get('x-hub-signature-256');
    const expected = createHmac('sha256', options.appSecret).update(raw).digest('hex');
    const hex = given !== undefined && /^sha256=[0-9a-f]{64}$/i.test(given.trim()) ? given.trim().slice('sha256='.length).toLowerCase() : undefined;
    if (!sameSecret(hex, expected)) {
      log.warn({ ip: req.ip, signed: given !== undefined }, 'WhatsApp webhook refused: wrong or missing X-Hub-Signature-256');
      res.status(401).json({ error: 'wrong or missing X-Hub-Signature-256' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'the body is not valid JSON' });
      return;
    }
    const batch = decodeBatch(body, { phoneNumberId: options.phoneNumberId, receivedAt: options.now() });
    if (!batch.ok) {
      log.warn({ reason: batch.reason }, 'WhatsApp webhook refused: not a webhook batch');
      res.status(400).json({ error: batch.reason });
      return;
    }
    const receive = options.receiver();
    if (!receive) {
      res.status(503).set('retry-after', '5').json({ error: 'the WhatsApp Cloud channel is not started' });
      return;
    }
    let refused: number;
    try {
      refused = await receive(batch.items);
    } catch (error) {
      if (error instanceof DeliveryRefused) {
        res.status(503).set('retry-after', '5').json({ error: error.message });
        return;
      }
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'WhatsApp webhook batch not stored; Meta will send it again');
      res.status(500).json({ error: 'not stored; please retry' });
      return;
    }
    res.status(200).json({ ok: true, ...(refused > 0 ? { refused } : {}) });
  }

  // The raw bytes, whatever the content type says: the signature is over them, and JSON is parsed only after it.
  app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_BODY }), onBatch);
}
