// Replies still waiting in the embedded store when Switchboard stops for the move (the Bot API was failing), then
// `npm run migrate-store`, then STORE=postgres: each is sent once, in order.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { spawnServer } from '../server-process.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const secret = 'migrate-secret';
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: again
    ask: "Noted {{conversation.need | nothing}}; next?"
    save: conversation.need
  - goto: again
`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let database = '';
afterAll(async () => {
  await cleanupDirs();
  if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

it.skipIf(!databaseUrl)('replies pending when the embedded store stopped are sent once each after the move', async () => {
  database = `mt_${randomBytes(5).toString('hex')}`;
  await sql(`CREATE DATABASE ${database}`);
  const dataDir = await dataDirWith({ 'inbound.yaml': flow });
  const down = await FakeBotApi.start();
  down.fail('sendMessage', 100_000, { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
  const env = { DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: '123456:mig', TELEGRAM_WEBHOOK_SECRET: secret };
  const first = await spawnServer({ ...env, TELEGRAM_API_ROOT: down.url, STORE: 'lowdb' });
  const chats = [7001, 7002, 7003];
  for (const chat of chats) {
    for (let n = 1; n <= 3; n++) {
      const update = { update_id: chat * 100 + n, message: { message_id: n, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'L' }, from: { id: chat, is_bot: false, first_name: 'L' }, text: `c${chat}-m${n}` } };
      const res = await fetch(`${first.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
      expect(res.status).toBe(200);
    }
  }
  await sleep(1500);
  first.child.kill('SIGTERM');
  await first.exited;
  await down.close();
  const lowdb = new LowdbStore({ dir: join(dataDir, 'store') });
  await lowdb.open();
  const outbound = [];
  for (const chat of chats) outbound.push(...(await lowdb.messagesOfAddress('telegram', String(chat))).filter((m) => m.direction === 'out'));
  await lowdb.close();
  const lines: string[] = [];
  expect(await migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line))).toBe(0);
  const up = await FakeBotApi.start();
  const second = await spawnServer({ ...env, TELEGRAM_API_ROOT: up.url, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database) });
  try {
    for (let i = 0; i < 100 && chats.some((chat) => up.sentTo(chat).length < 3); i++) await sleep(200);
    await sleep(2000);
    for (const chat of chats) {
      const expected = outbound.filter((m) => m.address === String(chat) && m.status !== 'sent').map((m) => m.text);
      expect(up.sentTo(chat)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
    await up.close();
  }
}, 90_000);
