// The races of test/bot/transfer-races.test.ts across two processes on one PostgreSQL database (where a conflict is a
// version check at commit): the customer writes on one process while her agent's /transfer, or an agent's /claim of
// her queued conversation, is taken on the other, at varied moments. Whoever has her after it reads her message once
// (on the card or relayed); it is stored once; an agent who does not have her is never sent it after she left them.
// The agent's process reaches the database through a link that holds each statement DELAY_MS, so its transaction is
// open long enough for the customer's message, on the other process, to land at any point of it; in even rounds her
// message is placed, taken while the agent's transaction waits after its read of the recent messages for the card.
// (On PostgreSQL this held before the intake's write of b0fb4c11 too: the message's transaction puts the conversation
// anyway, and PostgreSQL gives every put a new version, unchanged or not, so the claim or transfer runs again.)
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageColumns } from '../../src/store/postgres/rows.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { SlowLink } from './postgres-link.ts';
import { allSent, deliverToAll, FakeBotApi, handoverDataDir, makeDatabase, quiet, sleep, startApp, takeDown, update } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 20);
const DELAY_MS = 15;
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Support }
    queued: "Please wait."
`;
const team = `teams:\n  - name: Support\n    strategy: least_open\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Support]\n    max_open: 50\n  - name: Sara\n    telegram: 9002\n    teams: [Support]\n    max_open: 50\n`;
const apps: Switchboard[] = [];
let db: { name: string; url: string } | undefined;
let fakeApi: FakeBotApi | undefined;
let link: SlowLink | undefined;
beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  fakeApi = await FakeBotApi.start();
  link = await SlowLink.open(databaseUrl);
  const dir = await handoverDataDir(flow, team);
  // a: the agents' process, behind the slow link; b: the customer's.
  apps.push(await startApp(dir, link.url(db.name), fakeApi), await startApp(dir, db.url, fakeApi));
}, 60_000);
afterAll(async () => {
  await takeDown(apps, fakeApi, db);
  await link?.close();
}, 60_000);

/** How long the agent's last command took on the slow process (ms); where the customer's message is aimed. */
const took: number[] = [];
/**
 * What the agent's transaction reads for the card it sends, the conversation's recent messages, as it goes over the
 * wire: the name of its prepared statement (src/store/postgres/pool.ts), in its Parse and in each Bind.
 */
const RECENT_MESSAGES = `sb_${createHash('sha1').update(`SELECT * FROM (SELECT ${messageColumns} FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) recent ORDER BY id`).digest('hex').slice(0, 20)}`;

/**
 * The agent's command on the slow process, the customer's message on the other. Odd rounds: her message at a random
 * moment of the agent's command, each statement of which takes DELAY_MS longer. Even rounds: placed, her message
 * taken while the agent's transaction waits after reading the recent messages for its card.
 */
async function race(round: number, agent: () => Promise<number[]>, customer: () => Promise<number[]>): Promise<'placed' | 'random' | 'not placed'> {
  if (round % 2 === 0) {
    const hold = link!.holdAfter(RECENT_MESSAGES);
    const done = agent();
    const reached = await Promise.race([hold.reached.then(() => true), done.then(() => false)]);
    if (reached) expect(await customer()).toEqual([200]);
    hold.release();
    expect(await done).toEqual([200]);
    if (reached) return 'placed';
    link!.holdAfter('\0 nothing \0');
    expect(await customer()).toEqual([200]);
    return 'not placed';
  }
  link!.delayMs = DELAY_MS;
  const span = took.at(-1) ?? DELAY_MS * 20;
  try {
    const started = Date.now();
    await Promise.all([agent().then(() => took.push(Date.now() - started)), sleep(Math.random() * span).then(customer)]);
  } finally {
    link!.delayMs = 0;
  }
  return 'random';
}

const plain = (texts: string[]) => texts.map((t) => t.replace(/[\u2066-\u2069]/g, ''));
const chatOf = { omar: 9001, sara: 9002 } as const;
const nameOf = { omar: 'Omar', sara: 'Sara' } as const;

/** How many messages the database holds from `chat` with `text`. */
async function stored(app: Switchboard, conversationId: number, text: string): Promise<number> {
  return (await app.store.messagesOfConversation(conversationId)).filter((m) => m.direction === 'in' && m.text === text).length;
}

async function openConversation(app: Switchboard, chat: number): Promise<number> {
  const contact = await app.store.contactByIdentity('telegram', String(chat));
  return (await app.store.openConversations()).find((c) => c.contactId === contact?.id)!.id;
}

it.skipIf(!databaseUrl)('an agent who claims her as she writes in the queue reads her message once', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = fakeApi!;
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const chat = 65_000 + round;
    // Nobody online: she waits in the queue.
    expect(await deliverToAll([a.url], update(chat, `r${round} my invoice is wrong`))).toEqual([200]);
    const id = await openConversation(a, chat);
    await allSent(db!.url);
    const before = { 9001: api.sentTo(9001).length, 9002: api.sentTo(9002).length };
    const text = `r${round}-claim-while`;
    const how = await race(round, () => deliverToAll([a.url], update(9001, `/claim ${id}`)), () => deliverToAll([b.url], update(chat, text)));
    await quiet(api);
    const conversation = await a.store.conversation(id);
    const toOmar = plain(api.sentTo(9001).slice(before[9001]));
    const toSara = plain(api.sentTo(9002).slice(before[9002]));
    const onCard = toOmar.filter((t) => t.startsWith(`#${id} · `) && t.includes(text)).length;
    const relayed = toOmar.filter((t) => !t.startsWith(`#${id} · `) && t.includes(text)).length;
    const outcome = `${how}: ${onCard ? 'on the card' : relayed ? 'relayed' : 'lost'}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const say = (what: string) => problems.push(`round ${round}: ${what}\n  holder ${conversation?.agentId}\n  Omar ${JSON.stringify(toOmar)}\n  Sara ${JSON.stringify(toSara)}`);
    if (conversation?.stage !== 'assigned' || conversation.agentId !== 'omar') say('not Omar\'s');
    if (onCard + relayed !== 1) say(`Omar read it ${onCard + relayed} times (card ${onCard}, relayed ${relayed})`);
    if (toSara.some((t) => t.includes(text))) say('Sara was sent it');
    if ((await stored(a, id, text)) !== 1) say(`stored ${await stored(a, id, text)} times`);
    await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: id } as never);
  }
  console.log(`claim races: ${ROUNDS} rounds in ${Date.now() - started} ms, /claim took ${JSON.stringify(took.splice(0))} ms, outcomes ${JSON.stringify(outcomes)}`);
  expect(problems).toEqual([]);
}, 600_000);

it.skipIf(!databaseUrl)('a colleague her agent passes her to as she writes reads her message once, and her agent not after', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = fakeApi!;
  expect(await deliverToAll([a.url], update(9001, '/online'))).toEqual([200]);
  expect(await deliverToAll([b.url], update(9002, '/online'))).toEqual([200]);
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const chat = 66_000 + round;
    expect(await deliverToAll([a.url], update(chat, `r${round} my invoice is wrong`))).toEqual([200]);
    const id = await openConversation(a, chat);
    await allSent(db!.url);
    const first = await a.store.conversation(id);
    const from = first?.agentId as 'omar' | 'sara';
    expect(['omar', 'sara']).toContain(from);
    const to = from === 'omar' ? 'sara' : 'omar';
    const before = { 9001: api.sentTo(9001).length, 9002: api.sentTo(9002).length };
    const text = `r${round}-transfer-while`;
    const how = await race(round, () => deliverToAll([a.url], update(chatOf[from], `/transfer ${id} ${nameOf[to]}`)), () => deliverToAll([b.url], update(chat, text)));
    await quiet(api);
    const conversation = await a.store.conversation(id);
    const toOld = plain(api.sentTo(chatOf[from]).slice(before[chatOf[from]]));
    const toNew = plain(api.sentTo(chatOf[to]).slice(before[chatOf[to]]));
    const onCard = toNew.filter((t) => t.startsWith(`#${id} · `) && t.includes(text)).length;
    const relayed = toNew.filter((t) => !t.startsWith(`#${id} · `) && t.includes(text)).length;
    const toOldToo = toOld.some((t) => t.includes(text));
    const outcome = `${how}: ${onCard ? 'on the card' : relayed ? 'relayed to the colleague' : 'lost'}${toOldToo ? ' (and to the agent before)' : ''}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const say = (what: string) => problems.push(`round ${round}: ${what}\n  ${from} -> ${to}, holder ${conversation?.agentId}\n  ${from} ${JSON.stringify(toOld)}\n  ${to} ${JSON.stringify(toNew)}`);
    if (conversation?.stage !== 'assigned' || conversation.agentId !== to) say('not passed on');
    if (onCard + relayed !== 1) say(`the colleague read it ${onCard + relayed} times (card ${onCard}, relayed ${relayed})`);
    // Relayed to the agent she left only if it was stored while he had her: then it is on the colleague's card.
    if (toOldToo && !onCard) say('relayed to the agent before, not on the card');
    if ((await stored(a, id, text)) !== 1) say(`stored ${await stored(a, id, text)} times`);
    await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: id } as never);
  }
  console.log(`transfer races: ${ROUNDS} rounds in ${Date.now() - started} ms, /transfer took ${JSON.stringify(took.splice(0))} ms, outcomes ${JSON.stringify(outcomes)}`);
  expect(problems).toEqual([]);
}, 600_000);
