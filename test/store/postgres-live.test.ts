// Live updates across processes on one PostgreSQL (LISTEN/NOTIFY): what one process commits reaches the dashboard's
// event stream served by another, and a web chat visitor whose stream another process serves gets the bot's reply.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';
import { streamEvents } from './postgres-two-apps.ts';

const ADMIN_TOKEN = 'live-admin-token-0123456789abcdef';
const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hello {{contact.name}}! What can we do for you?"
    save: conversation.need
`;
const database = `t_${randomBytes(6).toString('hex')}`;
const apps: Switchboard[] = [];
const streams: AbortController[] = [];
afterAll(async () => {
  for (const stream of streams) stream.abort();
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

/** The events of a server-sent event stream, as `{event, data}`, gathered until the test ends; `connected` once subscribed. */
function readEvents(url: string, headers: Record<string, string> = {}): { events: { event: string; data: Record<string, unknown> }[]; connected: Promise<void> } {
  const controller = new AbortController();
  streams.push(controller);
  return streamEvents(url, controller, headers);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 25) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it.skipIf(!databaseUrl)("wakes the other process's dashboard stream and web chat stream with what one process committed and sent", async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  for (let i = 0; i < 2; i++) {
    apps.push(await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN, WEBCHAT_OPEN_SESSIONS: '1' },
      log: quietLog,
      watch: false,
      sweepEveryMs: 0,
    }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];
  const { events: board, connected: boardConnected } = readEvents(`${b.url}/api/events`, { authorization: `Bearer ${ADMIN_TOKEN}` });
  const { events: chat, connected: chatConnected } = readEvents(`${b.url}/webchat/layla-live/events`);
  // The dashboard's stream keeps no history: Layla writes once both streams are subscribed, however long that takes.
  await Promise.all([boardConnected, chatConnected]);

  // Layla writes to process A, which stores her message, opens her conversation and sends the reply.
  const res = await fetch(`${a.url}/webchat/layla-live/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi there', name: 'Layla' }) });
  expect(res.status).toBe(202);
  const [conversation] = await a.store.conversations();
  await until(() => board.some((event) => event.event === 'conversation' && event.data.id === conversation?.id), "the conversation on process B's dashboard stream");
  await until(() => chat.some((event) => event.data.from === 'bot'), "the bot's reply on process B's web chat stream");
  expect(chat.map((event) => [event.data.from, event.data.text])).toEqual([['contact', 'hi there'], ['bot', 'Hello Layla! What can we do for you?']]);
}, 60_000);
