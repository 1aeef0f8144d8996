// The floor every server is measured against: express parses the Telegram update, one sendMessage goes out through
// an undici Pool with keep-alive, and the webhook is answered 200. No state, no flow.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { BOT_TOKEN, WEBHOOK_SECRET } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

const apiRoot = process.env.BOT_API_ROOT as string;
const pool = new Pool(apiRoot, { connections: 64, pipelining: 1 });
const app = express();
app.post('/webhooks/telegram', express.json(), async (req, res) => {
  if (req.get('x-telegram-bot-api-secret-token') !== WEBHOOK_SECRET) {
    res.status(401).end();
    return;
  }
  const update = req.body as { message: { chat: { id: number }; text: string } };
  const answer = await pool.request({
    path: `/bot${BOT_TOKEN}/sendMessage`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: update.message.chat.id, text: `You said: ${update.message.text}` }),
  });
  await answer.body.json();
  res.status(200).json({ ok: true });
});
const server = app.listen(0, '127.0.0.1', () => {
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.close();
    await pool.close();
  });
});
