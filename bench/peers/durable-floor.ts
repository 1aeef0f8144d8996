// The floor for a server that keeps what it is told before it says so: the baseline's work (express parses the
// update, replies go out through an undici Pool) plus the least a durable bot must do. Each update is appended to
// a journal with the chat's step, the journal is synced (one write and one fdatasync for every update waiting, as
// Switchboard's embedded store groups its commits), then the webhook is answered 200 and the flow's replies are
// sent, and each send's outcome is appended without a sync of its own (it rides on the next one). No flow, no
// indexes, no validation beyond the secret: whatever Switchboard costs above this is its own logic, not durability.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BOT_TOKEN, WEBHOOK_SECRET, customerSays, repliesPerStep } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

const apiRoot = process.env.BOT_API_ROOT as string;
const pool = new Pool(apiRoot, { connections: 64, pipelining: 1 });
const dir = mkdtempSync(join(tmpdir(), 'durable-floor-'));
const journal = await open(join(dir, 'journal.jsonl'), 'a');

let waiting: { line: string; durable: boolean; done: () => void }[] = [];
let writing = false;
let unsynced = false;

/** Appends `line`; a durable one resolves once it and every line before it are synced. */
function append(line: string, durable: boolean): Promise<void> {
  return new Promise((done) => {
    waiting.push({ line, durable, done });
    if (!writing) void drain();
  });
}

async function drain(): Promise<void> {
  writing = true;
  while ((await new Promise((resolve) => setImmediate(resolve)), waiting.length > 0)) {
    const batch = waiting;
    waiting = [];
    writeSync(journal.fd, Buffer.from(batch.map((entry) => entry.line).join(''), 'utf8'));
    unsynced = true;
    if (batch.some((entry) => entry.durable)) {
      await journal.datasync();
      unsynced = false;
    }
    for (const entry of batch) entry.done();
  }
  writing = false;
}
// Outcomes not yet synced are synced 20 ms later at the latest, as Switchboard's are.
setInterval(() => {
  if (unsynced && !writing) void append('', true);
}, 20).unref();

const steps = new Map<number, number>();
const app = express();
app.post('/webhooks/telegram', express.json(), async (req, res) => {
  if (req.get('x-telegram-bot-api-secret-token') !== WEBHOOK_SECRET) {
    res.status(401).end();
    return;
  }
  const update = req.body as { update_id: number; message: { chat: { id: number }; text: string } };
  const chat = update.message.chat.id;
  const step = Math.max(0, customerSays.indexOf(update.message.text as (typeof customerSays)[number]));
  steps.set(chat, step);
  await append(`${JSON.stringify({ update, step })}\n`, true);
  res.status(200).json({ ok: true });
  for (let reply = 0; reply < (repliesPerStep[step] ?? 1); reply++) {
    const answer = await pool.request({
      path: `/bot${BOT_TOKEN}/sendMessage`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chat, text: `Step ${step}, reply ${reply}: ${update.message.text}` }),
    });
    const sent = (await answer.body.json()) as { result?: { message_id?: number } };
    void append(`${JSON.stringify({ chat, update: update.update_id, reply, sent: sent.result?.message_id })}\n`, false);
  }
});
const server = app.listen(0, '127.0.0.1', () => {
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.close();
    await pool.close();
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
