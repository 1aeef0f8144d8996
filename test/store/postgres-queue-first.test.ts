// First in, first out across two processes on one PostgreSQL: a seat is free while a customer waits (here the agent's
// customer erased by a process that stopped before giving the freed seat to the queue; an erase or a close on the
// other process does the same for a moment), and a new customer writes on the other process. The customer who waited
// gets the seat and hears the agent joined; the newcomer is told to wait. Telegram webhooks, the fake Bot API.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, FakeBotApi, handoverDataDir, makeDatabase, post, quiet, startApp, takeDown, until, update } from './postgres-two-apps.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Support }\n    queued: "You are number {{queue.position}} in line."\n';
const team = `teams:\n  - name: Support\n    strategy: round_robin\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 1\n`;
const JOINED = '\u2068Omar\u2069 has joined the conversation.';

const apps: Switchboard[] = [];
let api: FakeBotApi;
let db: { name: string; url: string } | undefined;

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(flow, team);
  apps.push(await startApp(dir, db.url, api), await startApp(dir, db.url, api));
}, 60_000);

afterAll(() => takeDown(apps, api, db), 60_000);

it.skipIf(!databaseUrl)('a customer writing on one process while a seat is free and another waits queues behind them; the one waiting gets the seat', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const [layla, sheena, nadia] = [71_001, 71_002, 71_003];
  expect(await post(a.url, update(AGENT_CHAT, '/online'))).toBe(200);
  await until('Omar online', () => api.sentTo(AGENT_CHAT).length > 0);
  expect(await post(a.url, update(layla, 'hello'))).toBe(200);
  await until('Layla with Omar', () => api.sentTo(layla).includes(JOINED));
  expect(await post(a.url, update(sheena, 'hi'))).toBe(200);
  await until('Sheena told her place', () => api.sentTo(sheena).includes('You are number 1 in line.'));

  await a.store.eraseContact((await a.store.contactByIdentity('telegram', String(layla)))!.id);
  const sheenaId = (await a.store.contactByIdentity('telegram', String(sheena)))!.id;
  // A free seat, and Sheena still waiting for it.
  expect((await a.store.openConversations()).find((c) => c.contactId === sheenaId)).toMatchObject({ stage: 'queued' });

  expect(await post(b.url, update(nadia, 'good morning'))).toBe(200);
  await quiet(api);
  expect(api.sentTo(sheena).at(-1)).toBe(JOINED);
  expect(api.sentTo(nadia)).toEqual(['You are number 1 in line.']);
  const nadiaId = (await a.store.contactByIdentity('telegram', String(nadia)))!.id;
  const open = await a.store.openConversations();
  expect(open.find((c) => c.contactId === sheenaId)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  expect(open.find((c) => c.contactId === nadiaId)).toMatchObject({ stage: 'queued' });
  expect(open.filter((c) => c.stage === 'assigned' && c.agentId === 'omar')).toHaveLength(1);
}, 120_000);
