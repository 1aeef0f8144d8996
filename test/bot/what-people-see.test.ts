// What customers hear at each moment of their conversation, in their language; what an operator reads in the
// log; and how a flood from one sender is held at the door.
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimited } from '../../src/types.ts';
import { logLifecycle } from '../../src/bot/lifecycle-log.ts';
import { cleanupDirs, recordingLog } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Billing }
    queued: "You are number {{queue.position}} in line."
  - say: "Back with the bot. Anything else?"
`;

const team = `
teams:
  - name: Billing
  - name: Sales
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 1
  - name: Sara
    telegram: 9002
    teams: [Sales]
`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

async function setUp(flows: Record<string, string> = { 'inbound.yaml': flow }) {
  clock = new Date('2026-11-24T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam(flows, team);
  const h = await harness(dir, [customers, agents], { now, autoCloseAfterMs: 3_600_000 });
  const customer = (id: string, text: string, name = 'Layla') => h.send('whatsapp', id, text, { from: { id, name } });
  const agent = (id: string, text: string) => h.send('telegram', id, text, { from: { id, name: 'agent' } });
  return { h, customers, agents, customer, agent };
}

describe('customer notices', () => {
  it('tells the customer through the whole cycle: place in line, who joined, moved team, back with the bot, closed with the shared note, closed by inactivity', async () => {
    const { h, customers, customer, agent } = await setUp();
    await agent('9001', '/online');
    await customer('a', 'hi', 'Ann');
    await customer('a', 'refund please');
    expect(customers.textsTo('a').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    // Omar is full (max_open 1): Layla and Sam wait, second and third.
    await customer('b', 'hi', 'Layla');
    await customer('b', 'my invoice');
    advance(1_000);
    await customer('c', 'hi', 'Sam');
    await customer('c', 'also an invoice');
    expect(customers.textsTo('b').at(-1)).toBe('You are number 1 in line.');
    expect(customers.textsTo('c').at(-1)).toBe('You are number 2 in line.');

    // Omar closes Ann's with a note in quotes: she reads it. Layla gets Omar; Sam moves up, and is told once the minute passed.
    advance(2 * 60_000);
    const ann = (await h.store.openConversations({ stage: 'assigned', agentId: 'omar' }))[0]!;
    await agent('9001', `/close ${ann.id} "Your refund of 20 EUR is on its way."`);
    expect(customers.textsTo('a').at(-1)).toBe('This conversation is now closed. \u2068Your refund of 20 EUR is on its way.\u2069 Write to us any time.');
    expect(customers.textsTo('b').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    expect(customers.textsTo('c').at(-1)).toBe('You are now number 1 in line.');

    // Omar moves Layla to Sales (Sara is offline): she is told, and then handed back to the bot.
    const layla = (await h.store.openConversations({ stage: 'assigned', agentId: 'omar' }))[0]!;
    await agent('9001', `/transfer ${layla.id} Sales`);
    expect(customers.textsTo('b').at(-1)).toBe('Your conversation was passed to our Sales team. You are number 1 in line.');
    await agent('9002', '/online');
    await agent('9002', `/handback ${layla.id}`);
    expect(customers.textsTo('b').slice(-3)).toEqual(['\u2068Sara\u2069 has joined the conversation.', 'You are back with our assistant.', 'Back with the bot. Anything else?']);

    // Sam, with Omar now; Omar answers, and nobody writes for an hour: auto-closed, and told.
    const sam = (await h.store.openConversations({ stage: 'assigned', agentId: 'omar' }))[0]!;
    expect(customers.textsTo('c').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    await agent('9001', 'Looking into it now.');
    advance(3_600_000 + 1);
    await h.runtime.sweep();
    await h.outbox.drain();
    expect((await h.store.conversation(sam.id))?.closedBy).toBe('auto');
    expect(customers.textsTo('c').at(-1)).toBe('This conversation was closed after a while without news. Write to us any time.');
    await h.close();
  });

  it('tells a customer whose place improved within the minute after they were placed, once that minute is over, even when the line moves no more', async () => {
    const { h, customers, customer, agent } = await setUp();
    await agent('9001', '/online');
    await customer('a', 'hi', 'Ann');
    await customer('a', 'refund please');
    await customer('b', 'hi', 'Layla');
    await customer('b', 'my invoice');
    await customer('c', 'hi', 'Sam');
    await customer('c', 'also an invoice');
    expect(customers.textsTo('c').at(-1)).toBe('You are number 2 in line.');

    // 30 s on, Omar closes Ann's: Layla gets him, Sam is first now, and the minute's limit holds his notice back.
    advance(30_000);
    await agent('9001', '/close');
    expect(customers.textsTo('b').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    const told = customers.textsTo('c').length;
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(customers.textsTo('c')).toHaveLength(told);

    // Nobody else moves; the check after the minute tells him, once.
    advance(31_000);
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(customers.textsTo('c').slice(told)).toEqual(['You are now number 1 in line.']);
    advance(60_000);
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(customers.textsTo('c').slice(told)).toEqual(['You are now number 1 in line.']);
    await h.close();
  });

  it('tells a customer queued by an assign step without queued: text that someone will answer, and their place, in their language', async () => {
    const unworded = flow.replace('    queued: "You are number {{queue.position}} in line."\n', '');
    const { customers, customer } = await setUp({ 'inbound.yaml': unworded });
    await customer('a', 'hi', 'Ann');
    await customer('a', 'refund please');
    expect(customers.textsTo('a')).toEqual(['What do you need?', 'Someone from our team will answer you here; you are number 1 in line.']);
    await customer('b', 'مرحبا', 'ليلى');
    await customer('b', 'أريد استرداد المبلغ');
    expect(customers.textsTo('b').at(-1)).toBe('سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك 2 في قائمة الانتظار.');
  });

  it('uses the flow\'s own words, and says nothing for a moment it leaves empty; a note without quotes stays among agents', async () => {
    const worded = `${flow}notices:\n  assigned: "{{agent.name}} is with you now, {{contact.name}}."\n  closed: ""\n`;
    const { customers, customer, agent, h } = await setUp({ 'inbound.yaml': worded });
    await agent('9001', '/online');
    await customer('a', 'hi', 'Ann');
    await customer('a', 'refund please');
    expect(customers.textsTo('a').at(-1)).toBe('\u2068Omar\u2069 is with you now, Ann.');
    const before = customers.textsTo('a').length;
    await agent('9001', '/close internal: refund done');
    expect(customers.textsTo('a')).toHaveLength(before);
    await h.close();
  });

  it('speaks Arabic to a customer who writes in Arabic, and keeps a returning customer\'s first message', async () => {
    const { customers, customer, agent, h } = await setUp();
    await agent('9001', '/online');
    await customer('a', 'مرحبا', 'Amira');
    expect((await h.store.contactByIdentity('whatsapp', 'a'))?.language).toBe('ar');
    await customer('a', 'أريد استرداد المبلغ');
    expect(customers.textsTo('a').at(-1)).toBe('انضم \u2068Omar\u2069 إلى المحادثة.');
    await agent('9001', '/close');
    await customer('a', 'I was charged twice again');
    const [reopened] = await h.store.openConversations();
    expect(reopened?.fields.first_message).toBe('I was charged twice again');
    await h.close();
  });

  it('learns Arabic from what a customer writes to the bot, not from one Arabic sentence to an agent in an English conversation', async () => {
    const { customers, customer, agent, h } = await setUp();
    await agent('9001', '/online');
    await customer('k', 'hi', 'Karim');
    await customer('k', 'I was charged twice');
    expect(customers.textsTo('k').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    // To Omar, a line in Arabic: relayed as it is, and the bot's next words stay English.
    await customer('k', 'شكرا جزيلا');
    expect((await h.store.contactByIdentity('whatsapp', 'k'))?.language).toBeUndefined();
    await agent('9001', '/close');
    expect(customers.textsTo('k').at(-1)).toBe('This conversation is now closed. Write to us any time.');
    // To the bot, in Arabic: from then on the bot speaks Arabic.
    await customer('k', 'مرحبا، عندي سؤال آخر');
    expect((await h.store.contactByIdentity('whatsapp', 'k'))?.language).toBe('ar');
    await h.close();
  });
});

describe('the operator\'s log', () => {
  it('has one info line per lifecycle event, with ids and never what anybody wrote', async () => {
    const { h, customer, agent } = await setUp();
    const { log, lines } = recordingLog();
    logLifecycle(h.bus, log);
    await agent('9001', '/online');
    await customer('a', 'hi', 'Ann');
    await customer('a', 'my secret order 4521');
    await agent('9001', '/close');
    const info = lines.filter((line) => line.level === 30).map((line) => [line.msg, line.conversation, line.agent ?? line.by]);
    expect(info).toEqual([
      ['agent online', undefined, 'omar'],
      ['conversation opened', 1, undefined],
      ['conversation assigned', 1, 'omar'],
      ['conversation closed', 1, 'omar'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('order 4521');
    await h.close();
  });

  it('says why an agent went away: set by themselves, or for having no console connected', async () => {
    const { h, agent } = await setUp();
    const { log, lines } = recordingLog();
    logLifecycle(h.bus, log);
    const omar = h.directory.agent('omar')!;
    await agent('9001', '/online');
    await h.runtime.act(omar, { kind: 'status', status: 'away', because: 'noConsole', stillDue: async () => true });
    await agent('9001', '/online');
    await agent('9001', '/away');
    const statuses = lines.filter((line) => line.agent === 'omar' && line.status !== undefined).map((line) => [line.msg, line.reason]);
    expect(statuses).toEqual([
      ['agent online', 'agent'],
      ['agent away', 'noConsole'],
      ['agent online', 'agent'],
      ['agent away', 'agent'],
    ]);
    await h.close();
  });

  it('tells a queued customer who writes again their place, not at every message, and the agent who takes them reads what they wrote', async () => {
    const { h, customers, agents, customer, agent } = await setUp();
    await agent('9001', '/online');
    await customer('a', 'hi', 'Ann');
    await customer('a', 'refund please');
    await customer('b', 'hi', 'Layla');
    await customer('b', 'my invoice');
    advance(1_000);
    await customer('c', 'مرحبا', 'Amira');
    await customer('c', 'فاتورتي');
    expect(customers.textsTo('b').at(-1)).toBe('You are number 1 in line.');
    const told = { b: customers.textsTo('b').length, c: customers.textsTo('c').length };

    // A minute later the line has not moved: what they write waits, and nothing is said yet.
    advance(60_000);
    await customer('b', 'the invoice is INV-88');
    expect(customers.textsTo('b')).toHaveLength(told.b);

    // Ten minutes without news: "hello?" is answered with where they stand, once, in each one's language.
    advance(10 * 60_000);
    await customer('b', 'hello?');
    await customer('b', 'anyone?');
    await customer('c', 'مرحبا؟');
    expect(customers.textsTo('b').slice(told.b)).toEqual(['You are still number 1 in line. Someone from our team will answer you here as soon as they can.']);
    expect(customers.textsTo('c').slice(told.c)).toEqual(['ما زال ترتيبك 2 في قائمة الانتظار. سيرد عليك أحد أعضاء فريقنا هنا في أقرب وقت.']);

    // Omar closes Ann's: Layla's card carries what she wrote while she waited.
    await agent('9001', '/close');
    expect(customers.textsTo('b').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    const card = agents.textsTo('9001').join('\n');
    expect(card).toContain('the invoice is INV-88');
    expect(card).toContain('anyone?');
    await h.close();
  });
});

describe('a flood from one sender', () => {
  it('refuses a customer\'s messages past 30 a minute with the time to wait, storing none of them, and lets them in again later', async () => {
    const { h, customers } = await setUp();
    const outcomes: string[] = [];
    let retryAfterMs = 0;
    for (let n = 0; n < 40; n++) {
      try {
        await h.runtime.deliver({ channel: 'whatsapp', id: `flood-${n}`, from: { id: 'f', name: 'Flo' }, text: `message ${n}`, at: clock.toISOString() });
        outcomes.push('stored');
      } catch (error) {
        expect(error).toBeInstanceOf(RateLimited);
        retryAfterMs = (error as RateLimited).retryAfterMs;
        outcomes.push('refused');
      }
    }
    const stored = outcomes.filter((outcome) => outcome === 'stored').length;
    console.log(`one sender, 40 messages at once: ${stored} stored, ${40 - stored} refused (retry after ${retryAfterMs} ms)`);
    expect(stored).toBe(30);
    expect(retryAfterMs).toBeGreaterThan(0);
    const contact = await h.store.contactByIdentity('whatsapp', 'f');
    expect((await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in')).toHaveLength(30);
    // One conversation for all of it.
    expect(await h.store.openConversations()).toHaveLength(1);
    expect(customers.sent.length).toBeGreaterThan(0);
    // Once the time asked has passed, the next message is let in.
    advance(retryAfterMs);
    await h.runtime.deliver({ channel: 'whatsapp', id: 'flood-later', from: { id: 'f', name: 'Flo' }, text: 'still there?', at: clock.toISOString() });
    expect((await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in')).toHaveLength(31);
    await h.close();
  });
});
