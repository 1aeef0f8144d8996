// Webhook mode: Telegram POSTs each update to /webhooks/telegram with the secret given to setWebhook in the
// X-Telegram-Bot-Api-Secret-Token header. An update is answered 200 once stored (or refused for good, since any
// other answer makes Telegram send it again, for ever), and 5xx when it was not stored, so it comes back.
import express, { type Express, type Request, type Response } from 'express';
import type { Api } from 'grammy';
import { DeliveryRefused } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { sameSecret } from '../../shared/secret.ts';
import { ALLOWED_UPDATES } from './receive.ts';

export const WEBHOOK_PATH = '/webhooks/telegram';

export interface WebhookOptions {
  secret: string;
  log: Logger;
  /** Receives one update (receive.ts), or undefined while the channel is not started. */
  receiver: () => ((update: unknown) => Promise<string | undefined>) | undefined;
}

/**
 * Mounts POST /webhooks/telegram on `app`.
 *
 *     mountWebhook(app, { secret, log, receiver: () => (started ? receive : undefined) });
 *     await registerWebhook(api, 'https://bot.example.com', secret);
 */
export function mountWebhook(app: Express, options: WebhookOptions): void {
  const { log } = options;

  function checkSecret(req: Request, res: Response, next: () => void): void {
    if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), options.secret)) {
      log.warn({ ip: req.ip }, 'Telegram webhook refused: wrong or missing secret token');
      res.status(401).json({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
      return;
    }
    next();
  }

  async function onUpdate(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Number.isSafeInteger((body as { update_id?: unknown }).update_id)) {
      res.status(400).json({ error: 'expected a Telegram update: a JSON object with an update_id' });
      return;
    }
    const receive = options.receiver();
    if (!receive) {
      res.status(503).json({ error: 'the Telegram channel is not started' });
      return;
    }
    let refused: string | undefined;
    try {
      refused = await receive(body);
    } catch (error) {
      if (error instanceof DeliveryRefused) {
        res.status(503).set('retry-after', '5').json({ error: error.message });
        return;
      }
      log.error({ err: String(error), update: (body as { update_id: number }).update_id }, 'Telegram update could not be stored');
      res.status(500).json({ error: 'not stored; please retry' });
      return;
    }
    res.status(200).json({ ok: true, ...(refused !== undefined ? { refused } : {}) });
  }

  // The secret is checked before the body is read: a stranger's request costs no parsing.
  app.post(WEBHOOK_PATH, checkSecret, express.json({ limit: '1mb' }), onUpdate);
}

/**
 * Tells Telegram to send updates to `${publicUrl}/webhooks/telegram` with `secret`; resolves to that URL.
 *
 *     const url = await registerWebhook(api, 'https://bot.example.com', secret);
 */
export async function registerWebhook(api: Api, publicUrl: string, secret: string): Promise<string> {
  const url = `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  await api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
  return url;
}
