// The floor for a server that keeps what it is told in PostgreSQL before it says so, on the database DATABASE_URL
// names: the durable floor's work with its journal replaced by one INSERT a update (a transaction of its own,
// committed as the database is configured to) before the webhook is answered 200, and one INSERT a reply sent with
// `synchronous_commit` off (as Switchboard's outbox bookkeeping). No locks, no reads, no flow: whatever
// Switchboard on PostgreSQL costs above this is its own work, not the database's round trips.
import express from 'express';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Pool } from 'undici';
import { BOT_TOKEN, WEBHOOK_SECRET, customerSays, repliesPerStep } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

const apiRoot = process.env.BOT_API_ROOT as string;
const pool = new Pool(apiRoot, { connections: 64, pipelining: 1 });
const durable = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const lazy = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, options: '-c synchronous_commit=off' });
await durable.query('DROP SCHEMA IF EXISTS bench_floor CASCADE');
await durable.query('CREATE SCHEMA bench_floor');
await durable.query('CREATE TABLE bench_floor.updates (update_id bigint PRIMARY KEY, chat bigint NOT NULL, step int NOT NULL, data jsonb NOT NULL)');
await durable.query('CREATE TABLE bench_floor.sent (id bigserial PRIMARY KEY, update_id bigint NOT NULL, reply int NOT NULL, message_id bigint)');

const app = express();
app.post('/webhooks/telegram', express.json(), async (req, res) => {
  if (req.get('x-telegram-bot-api-secret-token') !== WEBHOOK_SECRET) {
    res.status(401).end();
    return;
  }
  const update = req.body as { update_id: number; message: { chat: { id: number }; text: string } };
  const chat = update.message.chat.id;
  const step = Math.max(0, customerSays.indexOf(update.message.text as (typeof customerSays)[number]));
  await durable.query('INSERT INTO bench_floor.updates (update_id, chat, step, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [update.update_id, chat, step, JSON.stringify(update)]);
  res.status(200).json({ ok: true });
  for (let reply = 0; reply < (repliesPerStep[step] ?? 1); reply++) {
    const answer = await pool.request({
      path: `/bot${BOT_TOKEN}/sendMessage`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chat, text: `Step ${step}, reply ${reply}: ${update.message.text}` }),
    });
    const sent = (await answer.body.json()) as { result?: { message_id?: number } };
    await lazy.query('INSERT INTO bench_floor.sent (update_id, reply, message_id) VALUES ($1, $2, $3)', [update.update_id, reply, sent.result?.message_id ?? null]);
  }
});
const server = app.listen(0, '127.0.0.1', () => {
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.close();
    await pool.close();
    await durable.query('DROP SCHEMA IF EXISTS bench_floor CASCADE');
    await Promise.all([durable.end(), lazy.end()]);
  });
});
