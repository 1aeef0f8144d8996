// AUTO_CLOSE_AFTER closes a conversation its agent let sit. A conversation that reaches another agent (a
// transfer, or a hand back and a new assignment) must not be closed minutes after that agent got it because the
// previous agent's last message is old. Two processes on one PostgreSQL, the periodic check on the other one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, deliverToAll, FakeBotApi, handoverDataDir, makeDatabase, sleep, startApp, takeDown, update } from './postgres-two-apps.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Please wait."
  - ask: "Back with the bot. Anything else?"
    save: conversation.more
  - assign: { team: Support }
    queued: "Please wait."
`;
const team = `teams:\n  - name: Support\n    strategy: round_robin\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 5\n  - name: Sara\n    telegram: 9002\n    teams: [Support]\n    max_open: 5\n`;
let db: { name: string; url: string };
let api: FakeBotApi;
const apps: Switchboard[] = [];
let clock = Date.parse('2026-12-04T10:00:00Z');
const now = (): Date => new Date(clock);
const MIN = 60_000;

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(flow, team);
  apps.push(await startApp(dir, db.url, api, { AUTO_CLOSE_AFTER: 30 * MIN }, { now }));
  apps.push(await startApp(dir, db.url, api, { AUTO_CLOSE_AFTER: 30 * MIN }, { now }));
}, 60_000);

afterAll(() => takeDown(apps, api, db), 60_000);

const plain = (texts: string[]) => texts.map((t) => t.replace(/[\u2066-\u2069]/g, ''));

it.skipIf(!databaseUrl)('does not auto-close a conversation a colleague took over a minute ago', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  expect(await deliverToAll([b.url], update(AGENT_CHAT, '/online'))).toEqual([200]);
  expect(await deliverToAll([b.url], update(9002, '/online'))).toEqual([200]);
  const chat = 63_001;
  expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
  expect(await deliverToAll([a.url], update(chat, 'a refund'))).toEqual([200]);
  await sleep(300);
  const contact = await a.store.contactByIdentity('telegram', String(chat));
  const conversation = (await a.store.openConversations()).find((c) => c.contactId === contact?.id)!;
  expect(conversation.agentId).toBe('omar');
  expect(await deliverToAll([b.url], update(AGENT_CHAT, 'Hello, looking into it'))).toEqual([200]);
  clock += 29 * MIN;
  expect(await deliverToAll([b.url], update(AGENT_CHAT, `/transfer ${conversation.id} Sara`))).toEqual([200]);
  await sleep(300);
  expect((await a.store.conversation(conversation.id))?.agentId).toBe('sara');
  clock += 2 * MIN;
  await a.runtime.sweep();
  await b.runtime.sweep();
  await sleep(500);
  expect((await a.store.conversation(conversation.id))?.status).toBe('open');
}, 60_000);

it.skipIf(!databaseUrl)('does not auto-close a conversation assigned again a minute after a hand back', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const chat = 63_002;
  expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
  expect(await deliverToAll([a.url], update(chat, 'a refund'))).toEqual([200]);
  await sleep(300);
  const contact = await a.store.contactByIdentity('telegram', String(chat));
  const conversation = (await a.store.openConversations()).find((c) => c.contactId === contact?.id)!;
  const holder = conversation.agentId === 'omar' ? AGENT_CHAT : 9002;
  expect(await deliverToAll([b.url], update(holder, `/use ${conversation.id}`))).toEqual([200]);
  expect(await deliverToAll([b.url], update(holder, 'Hello, done I think'))).toEqual([200]);
  clock += 20 * MIN;
  expect(await deliverToAll([b.url], update(holder, `/handback ${conversation.id}`))).toEqual([200]);
  clock += 10 * MIN;
  expect(await deliverToAll([a.url], update(chat, 'yes, one more thing'))).toEqual([200]);
  await sleep(300);
  expect((await a.store.conversation(conversation.id))?.stage).toBe('assigned');
  clock += 1 * MIN;
  await b.runtime.sweep();
  await a.runtime.sweep();
  await sleep(500);
  expect((await a.store.conversation(conversation.id))?.status).toBe('open');
}, 60_000);
