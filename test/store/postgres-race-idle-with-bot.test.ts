// BOT_IDLE_CLOSE_AFTER on PostgreSQL, two processes: a conversation whose customer left the bot's question
// unanswered closes once, whichever process checks, and their next message opens a new conversation the flow greets.
// A customer who writes as the check runs loses nothing: their message is in an open conversation, either the one it
// kept open or a new one; one who stays silent is closed by that check.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { TIMELINES, type TimelineEvent } from '../../src/bot/timeline.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { deliverToAll, FakeBotApi, handoverDataDir, handoverFlow, makeDatabase, quiet, startApp, takeDown, teamYaml, update } from './postgres-two-apps.ts';

let db: { name: string; url: string };
let api: FakeBotApi;
const apps: Switchboard[] = [];
let clock = Date.parse('2026-12-04T10:00:00Z');
const now = (): Date => new Date(clock);
const HOUR = 3_600_000;

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(handoverFlow, teamYaml());
  for (let i = 0; i < 2; i++) apps.push(await startApp(dir, db.url, api, { BOT_IDLE_CLOSE_AFTER: 24 * HOUR }, { now }));
}, 60_000);

afterAll(() => takeDown(apps, api, db), 60_000);

async function conversationsOf(app: Switchboard, chat: number) {
  const contact = await app.store.contactByIdentity('telegram', String(chat));
  return (await app.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
}

it.skipIf(!databaseUrl)('closes a conversation left with the bot once, though both processes check at once; the next message opens a new one', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const chat = 64_001;
  expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
  await quiet(api);
  expect(api.sentTo(chat)).toEqual(['What do you need?']);
  clock += 24 * HOUR;
  await Promise.all([a.runtime.sweep(), b.runtime.sweep()]);
  const [left] = await conversationsOf(a, chat);
  expect(left).toMatchObject({ status: 'closed', closedBy: 'auto', stage: 'bot' });
  const timeline = await a.store.doc<TimelineEvent[]>(TIMELINES, String(left!.id));
  expect(timeline?.filter((event) => event.type === 'closed')).toHaveLength(1);

  clock += 24 * HOUR;
  expect(await deliverToAll([b.url], update(chat, 'where is my order?'))).toEqual([200]);
  await quiet(api);
  expect(api.sentTo(chat)).toEqual(['What do you need?', 'What do you need?']);
  const [, fresh] = await conversationsOf(a, chat);
  expect(fresh).toMatchObject({ status: 'open', fields: { first_message: 'where is my order?' } });
}, 60_000);

it.skipIf(!databaseUrl)('keeps in an open conversation the message of a customer who writes as the check closes theirs', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const chats = [64_101, 64_102, 64_103, 64_104, 64_105, 64_106];
  const silent = 64_199;
  for (const chat of [...chats, silent]) expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
  await quiet(api);
  clock += 24 * HOUR;
  // Each customer writes as the check runs; one process checks while the other takes their messages.
  const written = Promise.all(chats.map((chat) => deliverToAll([b.url], update(chat, `late ${chat}`))));
  await Promise.all([a.runtime.sweep(), written]);
  await quiet(api);
  for (const chat of chats) {
    const contact = await a.store.contactByIdentity('telegram', String(chat));
    const late = (await a.store.messagesOfContact(contact!.id)).find((message) => message.text === `late ${chat}`);
    const holding = await a.store.conversation(late!.conversationId!);
    expect(holding?.status, `late ${chat}`).toBe('open');
  }
  expect((await conversationsOf(a, silent)).map((conversation) => conversation.status)).toEqual(['closed']);
}, 60_000);
