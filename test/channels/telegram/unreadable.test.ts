// Telegram sending what a real client sends that is not text (a dice, a poll, a forwarded story) while the bot
// waits for an answer, and a button of a question asked before a restart (graceful, and kill -9) pressed after it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { openStore } from '../../../src/store/index.ts';
import { cleanupDirs, dataDirWith, eventually, quietLog } from '../../helpers.ts';
import { spawnServer } from '../../server-process.ts';
import { FakeBotApi } from './fake-bot-api.ts';

const TOKEN = '123456:TEST-token';
const SECRET = 'webhook-secret-0123456789';
const LAYLA = 5001;
const OMAR = 9001;

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: billing, title: Billing }
      - { id: sales, title: Sales }
    save: conversation.topic
  - assign: { team: Billing }
`;

const teamFile = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 3
`;

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

async function start(dir: string, api: FakeBotApi): Promise<Switchboard> {
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 100_000, perMs: 60_000 } },
    log: quietLog, watch: false, sweepEveryMs: 0,
  });
  return app;
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

let nextUpdate = 1;
let nextMessage = 1000;
function message(chat: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    update_id: nextUpdate++,
    message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Layla' }, from: { id: chat, is_bot: false, first_name: 'Layla' }, ...fields },
  };
}
function press(chat: number, messageId: number, data: string): Record<string, unknown> {
  return {
    update_id: nextUpdate++,
    callback_query: { id: `q${nextUpdate}`, from: { id: chat, is_bot: false, first_name: 'Layla' }, message: { message_id: messageId, date: 1, chat: { id: chat, type: 'private' } }, chat_instance: '1', data },
  };
}
/**
 * Waits until Telegram's answer to every message sent so far is written in the store's journal: the kills below come
 * right after the question went out, not between Telegram's answer and that line (a kill there sends the message
 * again after the restart, the documented duplicate of a send in flight).
 */
async function allSendsWritten(dir: string, api: FakeBotApi): Promise<void> {
  const ids = [LAYLA, OMAR].flatMap((chat) => api.messagesTo(chat).map((message) => `"channelMessageId":"${chat}:${message.message_id}"`));
  await expect.poll(async () => {
    const journal = await readFile(join(dir, 'store', 'journal.jsonl'), 'utf8').catch(() => '');
    return ids.filter((id) => !journal.includes(id));
  }, { timeout: 10_000 }).toEqual([]);
}
/** Waits until every reply stored for the contact `contactId` went out (none pending or sending). */
async function allSent(app: Switchboard, contactId: string): Promise<void> {
  await expect.poll(async () => (await app.store.messagesOfContact(contactId)).filter((m) => m.direction === 'out' && (m.status === 'pending' || m.status === 'sending')), { timeout: 10_000 }).toEqual([]);
}

describe('Telegram: a question that never reached the customer', () => {
  it('is asked again when the customer writes after unblocking the bot, instead of taking their message as its answer', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const app = await start(await dataDirWith({ 'inbound.yaml': flow }), api);
    running.push(app);
    // The greeting leaves; the question is refused for good (the customer blocked the bot in between).
    api.fail('sendMessage', 1, { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } }, 1);
    expect(await post(app.url, message(LAYLA, { text: 'hi' }))).toBe(200);
    await expect.poll(async () => (await app.store.conversations())[0]?.flow?.waiting?.unseen).toBe(true);
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!']);
    expect(await post(app.url, message(LAYLA, { text: 'hello again' }))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?']);
  });
});

describe('Telegram: what is not text, while the bot waits', () => {
  it.each([
    ['a dice', 'dice', { dice: { emoji: '🎲', value: 4 } }],
    ['a poll', 'poll', { poll: { id: 'p1', question: 'Which?', options: [{ text: 'a', voter_count: 0 }, { text: 'b', voter_count: 0 }], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } }],
    ['a forwarded story', 'story', { story: { chat: { id: 42, type: 'private' }, id: 7 }, forward_origin: { type: 'user', date: 1, sender_user: { id: 42, is_bot: false, first_name: 'X' } } }],
  ])('%s gets an answer (like WhatsApp and Messenger), leaves the question waiting, and is named to the agent from the transcript', async (_what, kind, fields) => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    const app = await start(dir, api);
    running.push(app);
    expect(await post(app.url, message(OMAR, { text: '/online', chat: { id: OMAR, type: 'private' }, from: { id: OMAR, is_bot: false, first_name: 'Omar' } }))).toBe(200);
    expect(await post(app.url, message(LAYLA, { text: 'hi' }))).toBe(200);
    expect(await post(app.url, message(LAYLA, fields))).toBe(200);
    const contact = await app.store.contactByIdentity('telegram', String(LAYLA));
    // Every reply is stored with the update that caused it: once all went out, Telegram has them all, and no other.
    await allSent(app, contact!.id);
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?', 'Sorry, that kind of message cannot be read here. Could you write your answer?']);
    const inbound = (await app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => [m.text, m.unsupported])).toEqual([['hi', undefined], [`[a message of a kind that cannot be shown here: ${kind}]`, kind]]);
    // Not taken as an answer: the question still waits, and her answer to it takes her to Omar.
    expect((await app.store.openConversations())[0]?.flow?.waiting).toBeDefined();
    expect(await post(app.url, message(LAYLA, { text: 'Billing' }))).toBe(200);
    await allSent(app, contact!.id);
    // Omar reads it named, in his words, with what to do, among what she wrote.
    const card = api.sentTo(OMAR).find((text) => text.startsWith('#1 '));
    expect(card).toContain(`Layla wrote:\n› hi\n› [a message that cannot be shown here (${kind}): ask the customer to write it]\n› Billing\n`);
  });
});

describe('Telegram: a button of a question asked before a restart', () => {
  it('graceful stop and start: the old keyboard\'s button is taken by the question that waits', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    let app = await start(dir, api);
    expect(await post(app.url, message(OMAR, { text: '/online', chat: { id: OMAR, type: 'private' }, from: { id: OMAR, is_bot: false, first_name: 'Omar' } }))).toBe(200);
    expect(await post(app.url, message(LAYLA, { text: 'hi' }))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    const question = api.messagesTo(LAYLA)[1]!;
    await app.stop();
    app = await start(dir, api);
    running.push(app);
    expect(await post(app.url, press(LAYLA, question.message_id, 'billing'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((t) => /Omar/.test(t)));
    const [conversation] = await app.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'assigned', agentId: 'omar', fields: { topic: 'billing' } });
    expect(api.sentTo(LAYLA).filter((t) => t === 'Which team?')).toHaveLength(1);
  });

  it('kill -9 right after the question went out, and again while Omar holds it: nothing asked twice, nothing lost', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    const env = { DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET };
    let server = await spawnServer(env);
    try {
      expect(await post(server.url, message(OMAR, { text: '/online', chat: { id: OMAR, type: 'private' }, from: { id: OMAR, is_bot: false, first_name: 'Omar' } }))).toBe(200);
      // Omar's "You are online" is among the sends that must be written before the kill: had it not arrived yet, the
      // kill would leave it in doubt and it would be sent again.
      await eventually(() => api.sentTo(OMAR).length === 1, 10_000);
      expect(await post(server.url, message(LAYLA, { text: 'hi' }))).toBe(200);
      await eventually(() => api.sentTo(LAYLA).length === 2, 10_000);
      const question = api.messagesTo(LAYLA)[1]!;
      await allSendsWritten(dir, api);
      server.child.kill('SIGKILL');
      await server.exited;
      server = await spawnServer(env);
      expect(await post(server.url, press(LAYLA, question.message_id, 'billing'))).toBe(200);
      await eventually(() => api.sentTo(LAYLA).some((t) => /Omar/.test(t)), 10_000);
      await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#1')), 10_000);
      await allSendsWritten(dir, api);
      server.child.kill('SIGKILL');
      await server.exited;
      server = await spawnServer(env);
      const before = api.sentTo(LAYLA).length;
      expect(await post(server.url, message(LAYLA, { text: 'are you there?' }))).toBe(200);
      await eventually(() => api.sentTo(OMAR).some((t) => t.includes('are you there?')), 10_000);
      // Any reply to it was stored with it: once stopped, the store shows every one, sent or not.
      server.child.kill('SIGTERM');
      await server.exited;
      const store = await openStore({ dir: join(dir, 'store') });
      const contact = await store.contactByIdentity('telegram', String(LAYLA));
      const stored = (await store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'out').map((m) => m.text);
      await store.close();
      expect(stored).toEqual(api.sentTo(LAYLA));
      expect(api.sentTo(LAYLA).slice(before)).toEqual([]);
      expect(api.sentTo(LAYLA).filter((t) => t === 'Which team?')).toHaveLength(1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);
});
