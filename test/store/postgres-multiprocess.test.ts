// Two real Switchboard processes on one PostgreSQL database (a fresh one per test), sharing one DATA_DIR (flows,
// team.yaml, media), with the Telegram webhook delivered to both and the Bot API faked on 127.0.0.1. Every update is
// delivered to both processes at once, as a load balancer retrying on the other process would.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { spawnServer, type ServerProcess } from '../server-process.ts';
import { databaseUrl, skipReason, sql, urlOfDatabase } from './postgres-helpers.ts';

const secret = 'multi-process-secret';
const AGENT_CHAT = 9001;
const MAX_OPEN = 2;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Every reply names the message it answers, so the replies' order shows the order the messages were handled in.
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: again
    ask: "Noted {{conversation.need | nothing}}; next?"
    save: conversation.need
  - branch:
      - if: { conversation.need: human }
        goto: handover
  - goto: again
  - id: handover
    assign: { team: Support }
    queued: "All our agents are busy; you are number {{queue.position}} in line."
`;
const team = `teams:
  - name: Support
    strategy: least_open
agents:
  - name: Omar
    telegram: ${AGENT_CHAT}
    teams: [Support]
    max_open: ${MAX_OPEN}
`;

function startServer(dataDir: string, apiRoot: string, url: string): Promise<ServerProcess> {
  return spawnServer({
    DATA_DIR: dataDir, STORE: 'postgres', DATABASE_URL: url, TELEGRAM_BOT_TOKEN: '123456:multi-process', TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: secret, CONTACT_RATE_LIMIT: '100000/1m',
  });
}

let updateId = 1;
function update(chat: number, text: string, messageId: number): Record<string, unknown> {
  const from = { id: chat, is_bot: false, first_name: chat === AGENT_CHAT ? 'Omar' : 'Layla' };
  return { update_id: updateId++, message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: from.first_name }, from, text } };
}

async function post(server: ServerProcess, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${server.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Delivers `body` to both processes at once; both must acknowledge it. */
async function deliverToBoth(servers: ServerProcess[], body: Record<string, unknown>): Promise<void> {
  const statuses = await Promise.all(servers.map((server) => post(server, body)));
  expect(statuses).toEqual(servers.map(() => 200));
}

async function until(what: string, done: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  for (let waited = 0; !(await done()); waited += 50) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!databaseUrl)('two Switchboard processes on one PostgreSQL', () => {
  let database: string;
  let api: FakeBotApi;
  let servers: ServerProcess[] = [];
  let store: PostgresStore;

  beforeAll(async () => {
    database = `mp_${randomBytes(5).toString('hex')}`;
    await sql(`CREATE DATABASE ${database}`);
    const url = urlOfDatabase(database);
    api = await FakeBotApi.start();
    const dataDir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dataDir, 'team.yaml'), team);
    await mkdir(join(dataDir, 'nlp'));
    await writeFile(join(dataDir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong, a payment failed, charged for nothing]\n  tech_support: [the app crashes, I cannot log in, the page is blank, error on login, app freezes]\n');
    // Started together: the second waits for the first's migration instead of running it again.
    servers = await Promise.all([startServer(dataDir, api.url, url), startServer(dataDir, api.url, url)]);
    store = new PostgresStore({ url });
    await store.open();
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    await api?.close();
    await cleanupDirs();
    if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }, 60_000);

  afterEach(() => {
    for (const server of servers) expect(server.child.exitCode, 'a server process stopped').toBeNull();
  });

  it('migrates the schema once when both processes start together', async () => {
    const applied = await sql<{ version: number }>('SELECT version FROM switchboard.schema_migrations ORDER BY version', [], urlOfDatabase(database));
    expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it('handles 100 concurrent messages of one contact, each delivered to both: one conversation, one effect each, in order, each reply sent once', async () => {
    const chat = 5000;
    const texts = Array.from({ length: 100 }, (_, n) => `m${n + 1}`);
    await Promise.all(texts.map((text, n) => deliverToBoth(servers, update(chat, text, n + 1))));

    const contact = await store.contactByIdentity('telegram', String(chat));
    const conversations = (await store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
    expect(conversations).toHaveLength(1);
    const inbound = (await store.messagesOfAddress('telegram', String(chat))).filter((message) => message.direction === 'in');
    expect(inbound.map((message) => message.text).sort()).toEqual([...texts].sort());
    // The first message opened the conversation; each later one is the answer its reply names, in stored order.
    const expected = inbound.map((message, index) => (index === 0 ? 'Noted nothing; next?' : `Noted ${message.text}; next?`));
    await until('every reply', () => api.sentTo(chat).length >= expected.length);
    await sleep(300);
    expect(api.sentTo(chat)).toEqual(expected);
    expect(await store.pendingOutbound()).toEqual([]);
    console.log(`two processes: ${texts.length} messages of one contact delivered ${texts.length * 2} times: ${inbound.length} stored, ${api.sentTo(chat).length} replies sent`);
  }, 120_000);

  it('never assigns an agent more than max_open conversations when customers ask for a human through both processes', async () => {
    await post(servers[0] as ServerProcess, update(AGENT_CHAT, '/online', 1));
    await until('the agent online', async () => (await store.docs('agents')).size > 0 || api.sentTo(AGENT_CHAT).length > 0);
    const customers = Array.from({ length: 8 }, (_, n) => 6000 + n);
    await Promise.all(customers.map(async (chat) => {
      await deliverToBoth(servers, update(chat, 'hello', 1));
      await deliverToBoth(servers, update(chat, 'human', 2));
    }));
    await until('every customer assigned or queued', async () => {
      const open = await store.openConversations();
      return open.filter((conversation) => conversation.stage !== 'bot').length === customers.length;
    });
    // Capacity held across processes: exactly max_open assigned to the only agent, the others waiting in line.
    const assigned = await store.openConversations({ stage: 'assigned' });
    expect(assigned).toHaveLength(MAX_OPEN);
    expect(new Set(assigned.map((conversation) => conversation.agentId)).size).toBe(1);
    expect(await store.openConversations({ stage: 'queued' })).toHaveLength(customers.length - MAX_OPEN);
    for (const chat of customers) {
      const contact = await store.contactByIdentity('telegram', String(chat));
      expect((await store.conversations()).filter((conversation) => conversation.contactId === contact?.id)).toHaveLength(1);
      const sent = api.sentTo(chat);
      expect(new Set(sent).size, `chat ${chat}: a reply sent twice: ${JSON.stringify(sent)}`).toBe(sent.length);
    }
  }, 120_000);
});

describe.skipIf(Boolean(databaseUrl))('two Switchboard processes on one PostgreSQL', () => {
  it.skip(skipReason, () => {});
});
