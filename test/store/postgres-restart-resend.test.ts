// PostgreSQL restarts (pg_ctl restart -m fast) while process A holds a reply claimed `sending` (Telegram's flood
// control asked it to wait). After the restart, the periodic check runs on process B before A claimed anything
// again, and finds A's claim in doubt (A's instance lock went with the restart). The customer must get the reply
// once. (Found by a helper: B sent it at once and A again after its wait, 3 of 3 runs.) Needs PG_DATA_DIR (or
// PG_RESTART_COMMAND).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs } from '../helpers.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { restartCommand, restartPostgres } from './postgres-restart.ts';
import { dropDatabase, FakeBotApi, handoverDataDir, makeDatabase, post, sleep, startApp, until, update } from './postgres-two-apps.ts';

const canRestart = restartCommand() !== undefined;

let db: { name: string; url: string };
let api: FakeBotApi;
const apps: Switchboard[] = [];

beforeAll(async () => {
  if (!databaseUrl || !canRestart) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir();
  apps.push(await startApp(dir, db.url, api));
  apps.push(await startApp(dir, db.url, api));
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => {});
  await api?.close();
  if (db) await dropDatabase(db.name).catch(() => {});
  await cleanupDirs();
}, 60_000);

it.skipIf(!databaseUrl || !canRestart)('a reply waiting out flood control on process A is not sent again by process B after a PostgreSQL restart', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const chat = 81_000;
  // Telegram's flood control: wait 6 s before sending to this chat.
  api.fail('sendMessage', 1, { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 6', parameters: { retry_after: 6 } } });
  expect(await post(a.url, update(chat, 'hi'))).toBe(200);
  await until('A told to wait', () => api.callsOf('sendMessage').some((call) => call.status === 429));
  if (!process.env.ATTACK_NO_RESTART) await restartPostgres();
  // The periodic check on B (its timer, or as here called directly), once the database answers again.
  await until('B sweeps', async () => b.runtime.sweep().then(() => true, () => false), 20_000);
  await sleep(9_000);
  const sent = api.sentTo(chat);
  console.log('sent to the customer:', JSON.stringify(sent));
  expect(sent.filter((text) => text === 'What do you need?')).toHaveLength(1);
}, 90_000);
