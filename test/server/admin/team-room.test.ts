// An admin raises an agent's max_open from the dashboard (PUT /api/team) while customers wait: the customers waiting
// longest hear the agent joined right after the save and the agent gets their cards, up to the new max_open; the
// save is answered once they were told, saying how many were seated, or that a seating that failed is left to the
// periodic check. A real server on the embedded store, Telegram webhooks to it, the fake Bot API.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import type { Store } from '../../../src/store/types.ts';
import { cleanupDirs, start } from '../../helpers.ts';
import { AGENT_CHAT, FakeBotApi, SECRET, handoverDataDir, post, quiet, until, update } from '../../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Support }\n    queued: "You are number {{queue.position}} in line."\n';
const team = (maxOpen: number) => `teams:\n  - name: Support\n    strategy: round_robin\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: ${maxOpen}\n`;
const JOINED = '\u2068Omar\u2069 has joined the conversation.';
const CUSTOMERS = [73_001, 73_002, 73_003, 73_004];

let app: Switchboard;
let api: FakeBotApi;

beforeAll(async () => {
  api = await FakeBotApi.start();
  app = await start(await handoverDataDir(flow, team(1)), {
    adminToken: ADMIN_TOKEN,
    config: { TELEGRAM_BOT_TOKEN: '123456:team-room', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await api?.close();
  await cleanupDirs();
});

it('max_open raised from the dashboard seats the customers waiting longest at once; the agent gets their cards', async () => {
  expect(await post(app.url, update(AGENT_CHAT, '/online'))).toBe(200);
  await until('Omar online', () => api.sentTo(AGENT_CHAT).length > 0);
  for (const chat of CUSTOMERS) {
    expect(await post(app.url, update(chat, 'hello'))).toBe(200);
    await until(`${chat} answered`, () => api.sentTo(chat).length > 0);
  }
  await quiet(api);
  expect(api.sentTo(CUSTOMERS[3]!).at(-1)).toBe('You are number 3 in line.');

  const admin = adminClient(app.url);
  const current = await admin.get<{ version: string }>('/team');
  expect((await admin.put('/team', { source: team(3), baseVersion: current.body.version })).status).toBe(200);
  await until('the two waiting longest seated', () => api.sentTo(CUSTOMERS[2]!).includes(JOINED), 5_000);
  await quiet(api);

  const conversationOf = async (chat: number) => {
    const contact = await app.store.contactByIdentity('telegram', String(chat));
    return (await app.store.openConversations()).find((c) => c.contactId === contact?.id)!;
  };
  const seated = await Promise.all(CUSTOMERS.map(conversationOf));
  expect(seated.map((c) => c.agentId)).toEqual(['omar', 'omar', 'omar', undefined]);
  for (const [i, chat] of CUSTOMERS.entries()) {
    expect(api.sentTo(chat).filter((text) => text === JOINED)).toHaveLength(i < 3 ? 1 : 0);
    expect(api.sentTo(AGENT_CHAT).filter((text) => text.startsWith(`#${seated[i]!.id} `))).toHaveLength(i < 3 ? 1 : 0);
  }
}, 60_000);

/** A customer who writes now and waits in Support's queue. */
async function queues(chat: number): Promise<void> {
  expect(await post(app.url, update(chat, 'hello'))).toBe(200);
  await until(`${chat} told their place`, () => api.sentTo(chat).some((text) => text.startsWith('You are number')));
}

/** Publishes team.yaml with Omar's max_open at `maxOpen`, from the version in service; the answer. */
async function save(maxOpen: number) {
  const admin = adminClient(app.url);
  const current = await admin.get<{ version: string }>('/team');
  return admin.put<{ version: string; seated: number; seatingLeft: boolean }>('/team', { source: team(maxOpen), baseVersion: current.body.version });
}

it('answers the save once the customers it seated were told, and says how many', async () => {
  // Omar holds 3 (the test before), and 73_004 waits; one more comes.
  await queues(73_005);
  await quiet(api);

  const answer = await save(5);
  // What the customers had received when the admin got the answer.
  const told = [CUSTOMERS[3]!, 73_005].map((chat) => api.sentTo(chat).filter((text) => text === JOINED).length);
  expect(answer.status).toBe(200);
  expect(told).toEqual([1, 1]);
  expect(answer.body).toMatchObject({ seated: 2, seatingLeft: false });
  expect(answer.body.version).toMatch(/\S/);
}, 60_000);

it('says a seating that failed is left to the periodic check, saves the file all the same, and the check seats them', async () => {
  await queues(73_006);
  await quiet(api);
  // The store refuses the drain of Omar's queue (a database gone for a moment): the file is saved all the same.
  const store = app.store as Store & { transaction: Store['transaction'] };
  const transaction = store.transaction.bind(store);
  store.transaction = ((key, work, options) => key.startsWith('agent:') ? Promise.reject(new Error('the database is restarting')) : transaction(key, work, options)) as Store['transaction'];
  let answer: Awaited<ReturnType<typeof save>>;
  try {
    answer = await save(6);
  } finally {
    delete (store as Partial<Store>).transaction;
  }
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ seated: 0, seatingLeft: true });
  expect(app.directory.agent('omar')?.maxOpen).toBe(6);
  expect(api.sentTo(73_006)).not.toContain(JOINED);

  await app.runtime.sweep();
  await until('73_006 seated by the check', () => api.sentTo(73_006).includes(JOINED), 5_000);
}, 60_000);
