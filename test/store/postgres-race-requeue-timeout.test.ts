// An assign step's `timeout` counts from when the conversation entered THAT step's queue. FORMAT.md: "if nobody
// takes it within `timeout`, it goes on by `on_timeout` (a `say`, another `assign` to a different team, …)". Two
// processes on one PostgreSQL; the periodic check runs on either (its lease), on a controllable clock.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { deliverToAll, FakeBotApi, handoverDataDir, makeDatabase, sleep, startApp, takeDown, teamYaml, update } from './postgres-two-apps.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Support is busy; please wait."
    timeout: 10m
    on_timeout: goto:sales
  - say: "Back with the bot."
  - close: true
  - id: sales
    assign: { team: Sales }
    queued: "Moved you to Sales; please wait up to 10 minutes."
    timeout: 10m
    on_timeout: goto:late
  - id: late
    say: "Sorry, nobody is free right now."
`;

let db: { name: string; url: string };
let api: FakeBotApi;
const apps: Switchboard[] = [];
let clock = Date.parse('2026-12-04T10:00:00Z');
const now = (): Date => new Date(clock);

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(flow, teamYaml());
  apps.push(await startApp(dir, db.url, api, {}, { now }));
  apps.push(await startApp(dir, db.url, api, {}, { now }));
}, 60_000);

afterAll(() => takeDown(apps, api, db), 60_000);

it.skipIf(!databaseUrl)('gives the second assign step its own 10 minutes, not what is left of the first one', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const chat = 50_001;
  expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
  expect(await deliverToAll([b.url], update(chat, 'a refund'))).toEqual([200]);
  // In Support's queue (told so after the commit that queued it) before the clock moves on.
  await expect.poll(() => api.sentTo(chat).at(-1)).toBe('Support is busy; please wait.');
  clock += 11 * 60_000;
  await a.runtime.sweep();
  await b.runtime.sweep();
  await expect.poll(() => api.sentTo(chat).at(-1)).toBe('Moved you to Sales; please wait up to 10 minutes.');
  const contact = await a.store.contactByIdentity('telegram', String(chat));
  const open = (await a.store.openConversations()).find((c) => c.contactId === contact?.id);
  expect(open).toMatchObject({ stage: 'queued', team: 'Sales' });
  // One minute in the Sales queue: the periodic check must leave it there.
  clock += 60_000;
  await a.runtime.sweep();
  await b.runtime.sweep();
  await sleep(500);
  expect(api.sentTo(chat)).not.toContain('Sorry, nobody is free right now.');
  expect((await a.store.conversation(open!.id))?.stage).toBe('queued');
}, 60_000);
