// What the two floors share (durable-floor.ts, pg-floor.ts): the baseline's webhook, which keeps each update
// before it answers 200, then sends the flow's replies for the update's step through an undici Pool and records
// each one sent. No flow, no indexes, no validation beyond the secret.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { BOT_TOKEN, WEBHOOK_SECRET, customerSays, repliesPerStep } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

export interface FloorUpdate {
  update_id: number;
  message: { chat: { id: number }; text: string };
}

export interface FloorStorage {
  /** Resolves once `update` (at `step` of the flow) is kept. */
  keep(update: FloorUpdate, step: number): Promise<void>;
  /** Records a reply sent; it need not be kept before the next one goes. */
  sent(update: FloorUpdate, reply: number, messageId: number | undefined): Promise<void> | void;
  close(): Promise<void>;
}

export function serveFloor(storage: FloorStorage): void {
  const pool = new Pool(process.env.BOT_API_ROOT as string, { connections: 64, pipelining: 1 });
  const app = express();
  app.post('/webhooks/telegram', express.json(), async (req, res) => {
    if (req.get('x-telegram-bot-api-secret-token') !== WEBHOOK_SECRET) {
      res.status(401).end();
      return;
    }
    const update = req.body as FloorUpdate;
    const step = Math.max(0, customerSays.indexOf(update.message.text as (typeof customerSays)[number]));
    await storage.keep(update, step);
    res.status(200).json({ ok: true });
    for (let reply = 0; reply < (repliesPerStep[step] ?? 1); reply++) {
      const answer = await pool.request({
        path: `/bot${BOT_TOKEN}/sendMessage`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: update.message.chat.id, text: `Step ${step}, reply ${reply}: ${update.message.text}` }),
      });
      const sent = (await answer.body.json()) as { result?: { message_id?: number } };
      await storage.sent(update, reply, sent.result?.message_id);
    }
  });
  const server = app.listen(0, '127.0.0.1', () => {
    serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
      server.close();
      await pool.close();
      await storage.close();
    });
  });
}
