// An admin gives an agent more room in team.yaml while customers wait, with two processes on one PostgreSQL: both read
// the new file (the one the dashboard saved it on, then the other, told or watching) and both drain the agent's queue
// at once; the save is answered once the customers it seated were told, saying how many. The customers waiting longest
// are seated at once, each hears the agent joined once and the agent gets each card once; never more than max_open,
// never one conversation given twice. Telegram webhooks, the fake Bot API.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { adminClient, ADMIN_TOKEN } from '../server/admin/client.ts';
import { cleanupDirs } from '../helpers.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, FakeBotApi, dropDatabase, handoverDataDir, makeDatabase, post, quiet, startApp, until, update } from './postgres-two-apps.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Support }\n    queued: "You are number {{queue.position}} in line."\n';
const team = (maxOpen: number) => `teams:\n  - name: Support\n    strategy: round_robin\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: ${maxOpen}\n`;
const JOINED = '\u2068Omar\u2069 has joined the conversation.';
/** Ten customers' Telegram chats, in the order they write. */
const CUSTOMERS = Array.from({ length: 10 }, (_, i) => 72_001 + i);

const apps: Switchboard[] = [];
let api: FakeBotApi;
let db: { name: string; url: string } | undefined;
let dir = '';

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flow, team(1));
  for (let i = 0; i < 2; i++) apps.push(await startApp(dir, db.url, api, { ADMIN_TOKEN }));
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.stop();
  await api?.close();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}, 60_000);

/** Who holds each customer's conversation (undefined: still queued), in the order they wrote. */
async function holders(): Promise<(string | undefined)[]> {
  const open = await apps[0]!.store.openConversations();
  return Promise.all(CUSTOMERS.map(async (chat) => {
    const contact = await apps[0]!.store.contactByIdentity('telegram', String(chat));
    const conversation = open.find((c) => c.contactId === contact?.id);
    expect(conversation?.stage).toBe(conversation?.agentId === undefined ? 'queued' : 'assigned');
    return conversation?.agentId;
  }));
}

/** The first `seated` customers are with Omar, the rest wait; each seated one heard it once, and Omar got each card once. */
async function expectSeated(seated: number): Promise<void> {
  expect(await holders()).toEqual(CUSTOMERS.map((_, i) => (i < seated ? 'omar' : undefined)));
  expect((await apps[0]!.store.openConversations({ stage: 'assigned', agentId: 'omar' })).length).toBe(seated);
  const cards = api.sentTo(AGENT_CHAT);
  for (const [i, chat] of CUSTOMERS.entries()) {
    expect(api.sentTo(chat).filter((text) => text === JOINED)).toHaveLength(i < seated ? 1 : 0);
    const contact = await apps[0]!.store.contactByIdentity('telegram', String(chat));
    const id = (await apps[0]!.store.openConversations()).find((c) => c.contactId === contact?.id)!.id;
    expect(cards.filter((text) => text.startsWith(`#${id} `))).toHaveLength(i < seated ? 1 : 0);
  }
}

it.skipIf(!databaseUrl)('max_open raised from the dashboard seats the customers waiting longest at once, in both processes, once each', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  expect(await post(a.url, update(AGENT_CHAT, '/online'))).toBe(200);
  await until('Omar online', () => api.sentTo(AGENT_CHAT).length > 0);
  for (const [i, chat] of CUSTOMERS.entries()) {
    expect(await post(apps[i % 2]!.url, update(chat, 'hello'))).toBe(200);
    await until(`customer ${i + 1} answered`, () => api.sentTo(chat).length > 0);
  }
  await quiet(api);
  expect(api.sentTo(CUSTOMERS[9]!).at(-1)).toBe('You are number 9 in line.');
  await expectSeated(1);

  const admin = adminClient(a.url);
  const current = await admin.get<{ version: string }>('/team');
  const answer = await admin.put<{ seated: number; seatingLeft: boolean }>('/team', { source: team(3), baseVersion: current.body.version });
  // Answered once the process it was saved on seated them and they were told (the other reads the file after).
  expect([1, 2].map((i) => api.sentTo(CUSTOMERS[i]!).includes(JOINED))).toEqual([true, true]);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ seated: 2, seatingLeft: false });
  await until('the other process reading the new team.yaml', () => b.directory.agent('omar')?.maxOpen === 3);
  await quiet(api);
  await expectSeated(3);
}, 120_000);

it.skipIf(!databaseUrl)('both processes reloading a hand edit at once give each new seat once, and never more than max_open', async () => {
  for (const maxOpen of [5, 7, 9]) {
    await writeFile(join(dir, 'team.yaml'), team(maxOpen));
    await Promise.all(apps.map((app) => app.directory.reload()));
    await until(`max_open ${maxOpen} filled`, () => api.sentTo(CUSTOMERS[maxOpen - 1]!).includes(JOINED));
    await quiet(api);
    await expectSeated(maxOpen);
  }
}, 120_000);
