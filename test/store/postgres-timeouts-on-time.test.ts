// Two processes on one PostgreSQL: one at a time runs the timers (a lease). A customer whose messages reach the
// other one, queued with a short assign `timeout`, is moved on when it falls due, not at the holder's next periodic
// check; and when the holder stops, the other takes the timers over at once. The check runs here every 2 minutes,
// longer than the test, so what the customer reads on time was not its doing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { deliverToAll, FakeBotApi, handoverDataDir, makeDatabase, startApp, takeDown, teamYaml, until, update } from './postgres-two-apps.ts';

const CHECK_EVERY_MS = 120_000;

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Support is busy; we'll get back to you within 3 seconds."
    timeout: 3s
    on_timeout: goto:sorry
  - close: true
  - id: sorry
    say: "Sorry, nobody is free right now. We'll write back by email."
`;

let db: { name: string; url: string };
let api: FakeBotApi;
let dir: string;
const apps: Switchboard[] = [];

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flow, teamYaml());
  const holder = await startApp(dir, db.url, api, {}, { sweepEveryMs: CHECK_EVERY_MS });
  apps.push(holder);
  // The first started takes the lease at its start; the second then finds it held.
  await until('the first process holds the lease', async () => (await holder.store.doc('leases', 'sweeper')) !== undefined);
  apps.push(await startApp(dir, db.url, api, {}, { sweepEveryMs: CHECK_EVERY_MS }));
}, 120_000);

afterAll(() => takeDown(apps, api, db), 60_000);

const SORRY = 'Sorry, nobody is free right now. We\'ll write back by email.';

/** A Telegram customer who writes to `app` and is queued for Support. */
async function queuedThrough(app: Switchboard, chat: number): Promise<void> {
  expect(await deliverToAll([app.url], update(chat, 'hi'))).toEqual([200]);
  expect(await deliverToAll([app.url], update(chat, 'a refund please'))).toEqual([200]);
  await until('the customer is told they are queued', () => api.sentTo(chat).at(-1) === 'Support is busy; we\'ll get back to you within 3 seconds.');
}

it.skipIf(!databaseUrl)('moves on, at its timeout, a customer queued by the process that does not run the timers', async () => {
  const [holder, other] = apps as [Switchboard, Switchboard];
  const lease = await holder.store.doc('leases', 'sweeper');
  const chat = 60_001;
  await queuedThrough(other, chat);
  expect(api.sentTo(chat)).not.toContain(SORRY);
  await until('the customer is told nobody is free', () => api.sentTo(chat).includes(SORRY), 15_000);
  expect(api.sentTo(chat).filter((text) => text === SORRY)).toHaveLength(1);
  // The first process ran it: the lease stayed where it was.
  expect((await holder.store.doc<{ owner: string }>('leases', 'sweeper'))?.owner).toBe((lease as { owner: string }).owner);
}, 60_000);

it.skipIf(!databaseUrl)('hands the timers to the other process at once when the one running them stops', async () => {
  const [holder, other] = apps as [Switchboard, Switchboard];
  const chat = 60_002;
  await queuedThrough(holder, chat);
  await holder.stop();
  apps.splice(apps.indexOf(holder), 1);
  await until('the customer is told nobody is free', () => api.sentTo(chat).includes(SORRY), 15_000);
  expect(api.sentTo(chat).filter((text) => text === SORRY)).toHaveLength(1);
  expect(await other.store.doc('leases', 'sweeper')).toBeDefined();
}, 60_000);
