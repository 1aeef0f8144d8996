// Replies still waiting in the embedded store when Switchboard stops for the move (the Bot API was failing), then
// `npm run migrate-store`, then STORE=postgres: each is sent once, in order. (A helper's test, kept.)
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb.ts';
import type { Message } from '../../src/store/types.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs } from '../helpers.ts';
import { echoDataDir, postUpdate, sleep, startServerProcess, textUpdate } from '../reliability/processes.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

let database = '';
afterAll(async () => {
  await cleanupDirs();
  if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

it.skipIf(!databaseUrl)('replies pending when the embedded store stopped are sent once each after the move', async () => {
  database = `mt_${randomBytes(5).toString('hex')}`;
  await sql(`CREATE DATABASE ${database}`);
  const dataDir = await echoDataDir();
  const down = await FakeBotApi.start();
  down.fail('sendMessage', 100_000, { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
  const first = await startServerProcess(dataDir, down, { STORE: 'lowdb' });
  const chats = [7001, 7002, 7003];
  for (const chat of chats) {
    for (let n = 1; n <= 3; n++) expect(await postUpdate(first.url, textUpdate(chat, n, `c${chat}-m${n}`))).toBe(200);
  }
  // Their sends fail meanwhile, and wait to be tried again.
  await sleep(1500);
  first.child.kill('SIGTERM');
  await first.exited;
  await down.close();
  const lowdb = new LowdbStore({ dir: join(dataDir, 'store') });
  await lowdb.open();
  const outbound: Message[] = [];
  for (const chat of chats) outbound.push(...(await lowdb.messagesOfAddress('telegram', String(chat))).filter((m) => m.direction === 'out'));
  await lowdb.close();
  expect(await migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, () => {})).toBe(0);

  const up = await FakeBotApi.start();
  const second = await startServerProcess(dataDir, up, { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database) });
  try {
    for (let i = 0; i < 100 && chats.some((chat) => up.sentTo(chat).length < 3); i++) await sleep(200);
    // Time for a second send of any of them to show.
    await sleep(2000);
    for (const chat of chats) {
      const expected = outbound.filter((m) => m.address === String(chat) && m.status !== 'sent').map((m) => m.text);
      expect(expected.length).toBeGreaterThan(0);
      expect(up.sentTo(chat)).toEqual(expected);
    }
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
    await up.close();
  }
}, 90_000);
