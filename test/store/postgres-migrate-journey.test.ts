// An operator's move: Switchboard on the embedded store with customers in each state (one closed, one with the agent,
// one queued, one asked a question of the flow), stopped, `npm run migrate-store`, then STORE=postgres on the copy.
// The dashboard shows every conversation as before, lifecycle included, the reports give the same figures, and each
// customer goes on where they were.
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { start } from '../helpers.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, FakeBotApi, handoverDataDir, makeDatabase, post, quiet, SECRET, takeDown, update } from './postgres-two-apps.ts';

const team = `teams:\n  - name: Support\n    strategy: least_open\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 1\n`;
const apps: Switchboard[] = [];
let api: FakeBotApi;
let db: { name: string; url: string } | undefined;
afterAll(() => takeDown(apps, api, db), 60_000);

const boot = async (dir: string, store: Record<string, unknown>) => {
  const app = await start(dir, { adminToken: ADMIN_TOKEN, config: { TELEGRAM_BOT_TOKEN: '123456:two-apps', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, ...store } as never });
  apps.push(app);
  return app;
};

/**
 * The reports and every conversation as an admin opens it (its messages, fields and lifecycle), but for the waits,
 * which grow as the clock runs.
 */
async function dashboard(url: string): Promise<unknown> {
  const admin = adminClient(url);
  const { queue: _waits, generatedAt: _at, ...report } = (await admin.get('/reports')).body;
  const { conversations } = (await admin.get<{ conversations: { id: number }[] }>('/conversations')).body;
  const opened = [];
  for (const { id } of conversations) {
    const { status, body } = await admin.get<{ conversation: { waitingSeconds?: number } }>(`/conversations/${id}`);
    delete body.conversation?.waitingSeconds;
    opened.push({ status, body });
  }
  return { report, opened };
}

it.skipIf(!databaseUrl)('after the copy the dashboard shows every conversation and its lifecycle as before, and each customer goes on where they were', async () => {
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(undefined, team);
  const a = await boot(dir, { STORE: 'lowdb' });
  const [asked, held, queued, closed] = [72_001, 72_002, 72_003, 72_004];
  expect(await post(a.url, update(AGENT_CHAT, '/online'))).toBe(200);
  await quiet(api);
  await post(a.url, update(closed, 'hello'));
  await post(a.url, update(closed, 'refund please'));
  await quiet(api);
  await post(a.url, update(AGENT_CHAT, '/close'));
  await quiet(api);
  await post(a.url, update(held, 'hello 🌙 مرحبا'));
  await post(a.url, update(held, 'my invoice'));
  await quiet(api);
  await post(a.url, update(queued, 'hi'));
  await post(a.url, update(queued, 'billing'));
  await post(a.url, update(asked, 'hey'));
  await quiet(api);
  const before = await dashboard(a.url);
  await a.stop();
  apps.pop();
  const lines: string[] = [];
  expect(await migrateStore([], { DATA_DIR: dir, DATABASE_URL: db.url }, (line) => lines.push(line))).toBe(0);
  expect(lines.join('\n')).toContain('copied 4 contacts, 4 conversations');

  const b = await boot(dir, { STORE: 'postgres', DATABASE_URL: db.url });
  expect(await dashboard(b.url)).toEqual(before);
  await quiet(api);
  await post(b.url, update(asked, 'my order is late'));
  await post(b.url, update(held, 'still there?'));
  await quiet(api);
  // The question she was asked takes her answer; Omar's customer reaches him in his chat.
  expect(api.sentTo(asked)).toEqual(['What do you need?', 'Please wait.']);
  expect(api.sentTo(AGENT_CHAT).at(-1)).toBe('#2 Layla: still there?');
}, 120_000);
