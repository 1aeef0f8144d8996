// An admin erases a customer (data protection) on process A while, on process B, the agent who holds her writes a
// plain message meant for her and she writes again, at the same moment; another customer waits in the queue for the
// agent's only seat. Two Switchboard processes on one PostgreSQL, Telegram webhooks, the fake Bot API. What each
// person sees: the waiting customer never gets the words meant for the erased one (nor, later, the agent's Reply on
// her last words); the agent is told of the erase exactly once; the agent never holds more than his seat; the waiting
// customer gets the seat; and the erased customer's data stays gone: her late message is erased with her, or, once the
// erase is done, opens a new contact of its own with nothing of the old one (as a customer who writes after asking to
// be forgotten is a new customer to the business), who is told to wait like anyone else. Also: the erase asked of both
// processes at once, and an erase whose process is cut off between its first transaction and the delete.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockKey } from '../../src/store/postgres/pool.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, allSent, FakeBotApi, handoverDataDir, makeDatabase, post, quiet, sleep, startApp, takeDown, until } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 10);
const ADMIN_TOKEN = 'erase-race-admin-token-0123456789abcdef';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Support }\n    queued: "Please wait for an agent."\n';
const team = `teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 1\n`;
const WAIT = 'Please wait for an agent.';
const REACHED_NO_ONE = 'That reached no one';

const apps: Switchboard[] = [];
let api: FakeBotApi;
let db: { name: string; url: string } | undefined;

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  api = await FakeBotApi.start();
  const dir = await handoverDataDir(flow, team);
  apps.push(await startApp(dir, db.url, api, { ADMIN_TOKEN }), await startApp(dir, db.url, api, { ADMIN_TOKEN }));
  expect(await post(apps[1]!.url, text(AGENT_CHAT, 'Omar', '/online'))).toBe(200);
  await until('Omar online', () => api.sentTo(AGENT_CHAT).length > 0);
}, 60_000);

afterAll(() => takeDown(apps, api, db), 60_000);

let updateId = 800_000;
/** A private Telegram message from `chat` (`name`) saying `body`; with `replyTo`, Telegram's Reply on that message of the bot's. */
function text(chat: number, name: string, body: string, replyTo?: { message_id: number; text: string }): Record<string, unknown> {
  const person = { id: chat, first_name: name };
  const date = Math.floor(Date.now() / 1000);
  const reply = replyTo && { ...replyTo, date, chat: { ...person, type: 'private' }, from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' } };
  return {
    update_id: updateId++,
    message: { message_id: api.takeMessageId(), date, chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body, ...(reply ? { reply_to_message: reply } : {}) },
  };
}

function erase(app: Switchboard, contactId: string): Promise<number> {
  return fetch(`${app.url}/api/contacts/${contactId}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

/** Layla, held by Omar (his only seat), and Sheena queued behind her: their contact ids and Layla's conversation. */
async function laylaHeldSheenaWaiting(a: Switchboard, layla: number, sheena: number, round: string): Promise<{ laylaId: string; sheenaId: string; first: number }> {
  // Omar's seat free, whatever a test before left.
  await closeAll(a);
  expect(await post(a.url, text(layla, 'Layla', `hello ${round}`))).toBe(200);
  const laylaId = (await a.store.contactByIdentity('telegram', String(layla)))!.id;
  let first = 0;
  await until('Layla assigned to Omar', async () => {
    const open = (await a.store.openConversations()).find((c) => c.contactId === laylaId);
    first = open?.id ?? 0;
    return open?.stage === 'assigned';
  });
  await until('Omar shown her card', () => api.sentTo(AGENT_CHAT).some((t) => t.startsWith(`#${first} · new conversation`)));
  expect(await post(a.url, text(sheena, 'Sheena', `hi ${round}`))).toBe(200);
  await until('Sheena told to wait', () => api.sentTo(sheena).includes(WAIT));
  const sheenaId = (await a.store.contactByIdentity('telegram', String(sheena)))!.id;
  await allSent(db!.url);
  return { laylaId, sheenaId, first };
}

/** Closes whatever is open (a close frees Omar's seat for the next queued one: again until nothing is open). */
async function closeAll(a: Switchboard): Promise<void> {
  for (let open = await a.store.openConversations(); open.length > 0; open = await a.store.openConversations()) {
    for (const c of open) await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: c.id } as never).catch(() => {});
  }
  // The close notices have gone out.
  await allSent(db!.url);
}

/** Whether `chat` was sent anything containing `words`, or has it stored to go out. */
async function wasSent(app: Switchboard, contactId: string, chat: number, words: string): Promise<boolean> {
  const stored = (await app.store.messagesOfContact(contactId)).filter((m) => m.direction === 'out');
  return stored.some((m) => m.text.includes(words)) || api.sentTo(chat).some((t) => t.includes(words));
}

/**
 * After the erase: Omar picks Sheena (/use), as he is asked to, then answers Layla's last words with his app's Reply
 * on their relay, if it reached him: his answer must not reach Sheena, and he must be told it reached no one.
 */
async function replyOnLastWords(b: Switchboard, sheenaId: string, sheena: number, relay: { message_id: number; text: string }, words: string): Promise<string[]> {
  const problems: string[] = [];
  const held = (await b.store.openConversations()).find((c) => c.contactId === sheenaId);
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', `/use ${held!.id}`))).toBe(200);
  await until('Omar told he writes to Sheena', () => api.sentTo(AGENT_CHAT).some((t) => t.startsWith(`Your messages now go to #${held!.id}`)));
  const before = api.sentTo(AGENT_CHAT).length;
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', words, relay))).toBe(200);
  await quiet(api);
  if (await wasSent(b, sheenaId, sheena, words)) problems.push(`his Reply on Layla's last words ("${relay.text}") reached Sheena: "${words}"`);
  if (!api.sentTo(AGENT_CHAT).slice(before).some((t) => t.startsWith(REACHED_NO_ONE))) problems.push(`after his Reply on Layla's last words he was not told it reached no one: ${JSON.stringify(api.sentTo(AGENT_CHAT).slice(before))}`);
  return problems;
}

it.skipIf(!databaseUrl)('an erase on one process while the agent and the erased customer write on the other: no words reach the waiting customer, one notice, one seat', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const problems: string[] = [];
  const shapes: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const layla = 61_000 + round;
    const sheena = 62_000 + round;
    const { laylaId, sheenaId, first } = await laylaHeldSheenaWaiting(a, layla, sheena, String(round));
    const agentBefore = api.sentTo(AGENT_CHAT).length;
    const forLayla = `for-layla-${round}: your refund of 240 EUR left our bank`;
    const late = `late-${round}: are you still there?`;

    // Omar's seats, sampled through the race from the database.
    let sampling = true;
    let most = 0;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, (await b.store.openConversations()).filter((c) => c.stage === 'assigned' && c.agentId === 'omar').length);
        await sleep(5);
      }
    })();
    const jitters = [0, 1, 2].map(() => Math.random() * 40);
    const statuses = await Promise.all([
      sleep(jitters[0]!).then(() => erase(a, laylaId)),
      sleep(jitters[1]!).then(() => post(b.url, text(AGENT_CHAT, 'Omar', forLayla))),
      sleep(jitters[2]!).then(() => post(b.url, text(layla, 'Layla', late))),
    ]);
    await until('Sheena given the freed seat', async () => (await a.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'assigned'), 10_000).catch(() => {});
    // The erase's notice to Omar goes out from A's outbox: on a loaded machine later than the quiet spell below
    // (600 ms without a send) may take to begin. Counted after it (exactly once), so a notice never sent still fails.
    await until('Omar told of the erase', () => api.sentTo(AGENT_CHAT).slice(agentBefore).some((t) => t.startsWith(`#${first} was erased by admin`)), 10_000).catch(() => {});
    await quiet(api);
    sampling = false;
    await sampler;

    const agent = api.sentTo(AGENT_CHAT).slice(agentBefore);
    const now = await a.store.contactByIdentity('telegram', String(layla));
    const lateStored = now ? (await a.store.messagesOfContact(now.id)).filter((m) => m.direction === 'in' && m.text === late) : [];
    const refused = agent.some((t) => t.startsWith(REACHED_NO_ONE));
    const toLayla = api.sentTo(layla).includes(forLayla);
    const shape = `omar's words ${toLayla ? 'reached Layla before the erase' : refused ? 'refused' : 'went nowhere'}, her late words ${now ? 'opened a new contact' : 'erased with her'}`;
    shapes[shape] = (shapes[shape] ?? 0) + 1;
    const say = (what: string) => problems.push(`round ${round} (jitters ${jitters.map((j) => j.toFixed(0)).join('/')}, ${shape}): ${what}\n   Omar saw ${JSON.stringify(agent)}\n   Layla saw ${JSON.stringify(api.sentTo(layla))}\n   Sheena saw ${JSON.stringify(api.sentTo(sheena))}`);

    if (statuses.some((s) => s !== 200)) say(`statuses ${statuses.join(', ')} (erase, Omar, Layla)`);
    if (await wasSent(a, sheenaId, sheena, `for-layla-${round}`)) say('Sheena got the words meant for Layla');
    const notices = agent.filter((t) => t.startsWith(`#${first} was erased by admin`)).length;
    if (notices !== 1) say(`Omar told of the erase ${notices} times`);
    if (most > 1) say(`Omar held ${most} conversations with max_open 1`);
    const sheenas = (await a.store.openConversations()).find((c) => c.contactId === sheenaId);
    // Her late words landing on B between the delete and A's giving the seat to the queue open a new conversation
    // that finds the freed seat: it queues behind Sheena, who waited, and the seat is hers (first in, first out).
    const jumped = now !== undefined && (await a.store.conversationsOfContacts([now.id])).some((c) => c.status === 'open' && c.stage === 'assigned');
    if (jumped) say('Layla\'s late words opened a conversation that took the seat Sheena waited for');
    if (sheenas?.stage !== 'assigned' || sheenas.agentId !== 'omar') say(`Sheena, who waited, did not get the freed seat: ${JSON.stringify(sheenas)}`);
    else if (!api.sentTo(sheena).some((t) => t.includes('has joined the conversation'))) say('Sheena was not told Omar joined');
    // Nothing of the old Layla: her conversation, her contact, her first words.
    if (await a.store.conversation(first)) say(`her conversation #${first} is still there`);
    if ((await a.store.contacts()).some((c) => c.id === laylaId)) say('her contact is still there');
    if ((await a.store.messagesOfContact(laylaId)).length > 0) say('messages of her contact are still there');
    if (now) {
      const kept = await a.store.messagesOfContact(now.id);
      if (kept.some((m) => m.text.includes(`hello ${round}`))) say('her new contact carries her erased words');
      if (lateStored.length !== 1) say(`her late words stored ${lateStored.length} times under her new contact`);
      const conversations = await a.store.conversationsOfContacts([now.id]);
      if (conversations.some((c) => c.id === first)) say('her new contact has her erased conversation');
      if (!api.sentTo(layla).includes(WAIT)) say('writing again after the erase, she was not told to wait like any new customer');
    }

    // Omar answers her last words with a Reply, when their relay reached him.
    const relay = api.messagesTo(AGENT_CHAT).find((m) => m.text.startsWith(`#${first} `) && m.text.includes(late));
    if (relay && sheenas?.stage === 'assigned') {
      for (const problem of await replyOnLastWords(b, sheenaId, sheena, relay, `about-late-${round}: it was refunded`)) say(problem);
    } else if (sheenas) {
      // He chooses Sheena all the same, so that his next round starts with no erase waiting for his choice.
      expect(await post(b.url, text(AGENT_CHAT, 'Omar', `/use ${sheenas.id}`))).toBe(200);
    }
    await closeAll(a);
  }
  console.log('erase race shapes', shapes);
  expect(problems).toEqual([]);
}, 600_000);

it.skipIf(!databaseUrl)('her last words on their way to Omar (a slow Telegram) when she is erased: his Reply on them, once he writes to Sheena, does not reach Sheena', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const layla = 63_000;
  const sheena = 63_001;
  const { laylaId, sheenaId, first } = await laylaHeldSheenaWaiting(a, layla, sheena, 'slow');
  const release = api.hold('sendMessage');
  expect(await post(b.url, text(layla, 'Layla', 'Did the refund go out?'))).toBe(200);
  // Her words are stored, and their relay to Omar is on its way.
  await until('her words stored', async () => (await a.store.messagesOfContact(laylaId)).some((m) => m.text === 'Did the refund go out?'));
  await sleep(200);
  expect(await erase(a, laylaId)).toBe(200);
  release();
  await quiet(api);
  const relay = api.messagesTo(AGENT_CHAT).find((m) => m.text === `#${first} Layla: Did the refund go out?`);
  expect(relay, JSON.stringify(api.sentTo(AGENT_CHAT))).toBeDefined();
  expect(api.sentTo(AGENT_CHAT).filter((t) => t.startsWith(`#${first} was erased by admin`))).toHaveLength(1);
  await until('Sheena given the freed seat', async () => (await a.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'assigned'));
  expect(await replyOnLastWords(b, sheenaId, sheena, relay!, 'Yes, 240 EUR left our bank today.')).toEqual([]);
  // What he writes to Sheena himself still reaches her.
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', 'Hello Sheena, I am Omar.'))).toBe(200);
  await until('Sheena gets his words', () => api.sentTo(sheena).includes('Hello Sheena, I am Omar.'));
  await closeAll(a);
}, 120_000);

it.skipIf(!databaseUrl)('the erase asked of both processes at once (a double click behind a load balancer): Omar is told once, Sheena gets the seat', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  for (let round = 0; round < 3; round++) {
    const layla = 64_000 + round;
    const sheena = 64_100 + round;
    const { laylaId, sheenaId, first } = await laylaHeldSheenaWaiting(a, layla, sheena, `twice-${round}`);
    const before = api.sentTo(AGENT_CHAT).length;
    const statuses = await Promise.all([erase(a, laylaId), sleep(round * 5).then(() => erase(b, laylaId))]);
    expect(statuses.every((s) => s === 200 || s === 404), String(statuses)).toBe(true);
    await until('Sheena given the freed seat', async () => (await a.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'assigned'));
    await quiet(api);
    const agent = api.sentTo(AGENT_CHAT).slice(before);
    expect(agent.filter((t) => t.startsWith(`#${first} was erased by admin`)), JSON.stringify(agent)).toHaveLength(1);
    expect((await a.store.openConversations()).filter((c) => c.stage === 'assigned' && c.agentId === 'omar')).toHaveLength(1);
    await closeAll(a);
  }
}, 120_000);

it.skipIf(!databaseUrl)('the erase cut off in the middle (its process\'s connection killed before the delete), then asked again of the other process: told once, nothing of her left, Sheena never gets his words', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const layla = 65_000;
  const sheena = 65_001;
  const { laylaId, sheenaId, first } = await laylaHeldSheenaWaiting(a, layla, sheena, 'cut');
  const before = api.sentTo(AGENT_CHAT).length;
  // The delete waits on the contact's lock, held here; the session waiting for it is then killed, as a process is.
  const holder = new pg.Client({ connectionString: db!.url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey('switchboard', `contact:${laylaId}`)]);
  const first_ = erase(a, laylaId);
  let waiting: number | undefined;
  await until('the erase waiting on the contact\'s lock', async () => {
    const rows = (await holder.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event = 'advisory' AND pid <> pg_backend_pid() AND datname = current_database()")).rows;
    waiting = rows[0]?.pid;
    return waiting !== undefined;
  });
  await holder.query('SELECT pg_terminate_backend($1)', [waiting]);
  await holder.query('ROLLBACK');
  await holder.end();
  const failed = await first_;
  expect(failed).toBe(503);
  // Meanwhile Omar writes to her, plainly: the erase did not happen, so she is still his customer and gets it (not
  // refused as if she were gone), and Sheena never does. He picks her first: his messages went last to a conversation
  // of the test before, closed by the admin since, and the first plain message after such a close is held back.
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', `/use ${first}`))).toBe(200);
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', 'Layla, your refund of 240 EUR left our bank.'))).toBe(200);
  await until('Layla gets his words', () => api.sentTo(layla).includes('Layla, your refund of 240 EUR left our bank.'));
  await quiet(api);
  expect(api.sentTo(AGENT_CHAT).slice(before).filter((t) => t.startsWith(REACHED_NO_ONE))).toEqual([]);
  expect(await wasSent(b, sheenaId, sheena, '240 EUR')).toBe(false);

  expect(await erase(b, laylaId)).toBe(200);
  await until('Sheena given the freed seat', async () => (await a.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'assigned'));
  await quiet(api);
  const agent = api.sentTo(AGENT_CHAT).slice(before);
  expect(agent.filter((t) => t.startsWith(`#${first} was erased by admin`)), JSON.stringify(agent)).toHaveLength(1);
  expect(await a.store.contactByIdentity('telegram', String(layla))).toBeUndefined();
  expect(await a.store.messagesOfContact(laylaId)).toEqual([]);
  expect(await a.store.conversation(first)).toBeUndefined();
  expect(await wasSent(b, sheenaId, sheena, '240 EUR')).toBe(false);
  await closeAll(a);
}, 120_000);

it.skipIf(!databaseUrl)('a conversation of hers opened on the other process while the erase ran (after it read hers, before its delete): Omar who took it is told once, and Sheena gets his seat', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const layla = 66_000;
  const sheena = 66_001;
  const { laylaId, sheenaId, first } = await laylaHeldSheenaWaiting(a, layla, sheena, 'opened');
  // Her conversation closed; Sheena takes the seat, and that one is closed too: Layla has only a closed conversation.
  await closeAll(a);
  const store = a.store;
  const real = store.eraseContact.bind(store);
  let opened = 0;
  // Right before the delete, after the admin's erase read her conversations (#first, closed): she writes again on B,
  // and Omar takes her new conversation.
  store.eraseContact = async (contactId, options) => {
    store.eraseContact = real;
    expect(await post(b.url, text(layla, 'Layla', 'hello once more'))).toBe(200);
    await until('her new conversation assigned to Omar', async () => {
      const open = (await b.store.openConversations()).find((c) => c.contactId === laylaId);
      opened = open?.id ?? 0;
      return open?.stage === 'assigned';
    });
    await until('Omar shown its card', () => api.sentTo(AGENT_CHAT).some((t) => t.startsWith(`#${opened} · new conversation`)));
    expect(await post(b.url, text(sheena, 'Sheena', 'me again'))).toBe(200);
    await until('Sheena waits', async () => (await b.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'queued'));
    return real(contactId, options);
  };
  const before = api.sentTo(AGENT_CHAT).length;
  expect(await erase(a, laylaId)).toBe(200);
  await until('Sheena given the freed seat', async () => (await a.store.openConversations()).some((c) => c.contactId === sheenaId && c.stage === 'assigned'));
  await quiet(api);
  const agent = api.sentTo(AGENT_CHAT).slice(before);
  expect(opened).toBeGreaterThan(first);
  expect(agent.filter((t) => t.startsWith(`#${opened} was erased by admin`)), JSON.stringify(agent)).toHaveLength(1);
  expect(await a.store.conversation(opened)).toBeUndefined();
  expect(await a.store.contactByIdentity('telegram', String(layla))).toBeUndefined();
  // His next plain message, which may be meant for her, waits for his choice: Sheena never gets it.
  expect(await post(b.url, text(AGENT_CHAT, 'Omar', 'Layla, your parcel is on its way.'))).toBe(200);
  await until('Omar told it reached no one', () => api.sentTo(AGENT_CHAT).slice(before).some((t) => t.startsWith(REACHED_NO_ONE)));
  expect(await wasSent(b, sheenaId, sheena, 'parcel')).toBe(false);
  await closeAll(a);
}, 120_000);
