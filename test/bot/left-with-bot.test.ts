// A customer who walks away from the bot's question (BOT_IDLE_CLOSE_AFTER): the conversation closes by itself, saying
// nothing, and their next message, days later, opens a new one that the flow greets, instead of answering the question
// asked long ago. Conversations with people keep their own rules (AUTO_CLOSE_AFTER, a queue's timeout).
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TIMELINES, type TimelineEvent } from '../../src/bot/timeline.ts';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness, pickTeamFlow, type Harness } from './harness.ts';

afterEach(cleanupDirs);

const HOUR = 3_600_000;
const GREETING = 'Hi Layla! Thanks for getting in touch.';
const EMAIL = 'What\'s your email address, in case we need to follow up?';
const NEED = 'How can we help you today?';

const team = `
teams:
  - name: Billing
  - name: Support
  - name: Sales
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing, Support, Sales]
    max_open: 5
`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

/** A runtime on the shipped inbound flow, closing conversations left with the bot after 24 h. */
async function setUp(dir?: string) {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const data = dir ?? (await dataDirWithTeam({ 'inbound.yaml': await readFile('data/flows/inbound.yaml', 'utf8') }, team));
  const h = await harness(data, [customers, agents], { now, botIdleCloseAfterMs: 24 * HOUR, autoCloseAfterMs: 30 * 24 * HOUR });
  const customer = (id: string, text: string) => h.send('whatsapp', id, text, { from: { id, name: 'Layla' } });
  return { dir: data, h, customers, agents, customer };
}

async function conversationsOf(h: Harness, customer: string) {
  const contact = await h.store.contactByIdentity('whatsapp', customer);
  return (await h.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
}

describe('a conversation the customer left with the bot', () => {
  it('closes after BOT_IDLE_CLOSE_AFTER without a word to them; their next message opens a new one, greeted from the start, their words its need', async () => {
    clock = new Date('2026-11-24T09:00:00Z');
    const { h, customers, customer } = await setUp();
    await customer('c1', 'hi');
    expect(customers.textsTo('c1')).toEqual([GREETING, EMAIL]);
    advance(24 * HOUR - 60_000);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1'))[0]?.status).toBe('open');

    advance(60_000);
    await h.runtime.sweep();
    await h.outbox.drain();
    const [left] = await conversationsOf(h, 'c1');
    expect(left).toMatchObject({ status: 'closed', stage: 'bot', closedBy: 'auto', closingNote: 'closed automatically after 24 h without an answer from the customer' });
    expect(customers.textsTo('c1')).toEqual([GREETING, EMAIL]);
    const timeline = await h.store.doc<TimelineEvent[]>(TIMELINES, String(left!.id));
    expect(timeline?.at(-1)).toMatchObject({ type: 'closed', by: { kind: 'inactivity' } });

    // Weeks later: not a bad email, nor saved as one; a new conversation, and the flow does not ask what they need.
    advance(21 * 24 * HOUR);
    await customer('c1', 'hi, where is my order?');
    const [, fresh] = await conversationsOf(h, 'c1');
    expect(fresh).toMatchObject({ status: 'open', stage: 'bot', fields: { first_message: 'hi, where is my order?' } });
    expect(customers.textsTo('c1')).toEqual([GREETING, EMAIL, GREETING, EMAIL]);
    await customer('c1', 'layla@example.com');
    // Routed on what they wrote first (no model here: the customer picks the team), never asked what they need.
    expect(customers.textsTo('c1').slice(4)).toEqual(['Is this about billing, a technical problem, or a purchase?']);
    expect((await h.store.conversation(fresh!.id))?.fields.need).toBe('hi, where is my order?');
    expect((await h.store.contactByIdentity('whatsapp', 'c1'))?.fields.email).toBe('layla@example.com');
    await h.close();
  });

  it('keeps open the conversation of a customer who writes as the check runs, and closes the others\' the same check found', async () => {
    clock = new Date('2026-11-24T09:00:00Z');
    const { h, customers, customer } = await setUp();
    await customer('c1', 'hi');
    await customer('c2', 'hi');
    advance(24 * HOUR + 1);
    // The check has listed both as due; Layla's answer reaches the bot before the check closes hers.
    const list = h.store.openConversations.bind(h.store);
    let answered = false;
    h.store.openConversations = async (filter) => {
      const found = await list(filter);
      if (filter?.stage === 'bot' && !answered) {
        answered = true;
        await customer('c1', 'layla@example.com');
      }
      return found;
    };
    await h.runtime.sweep();
    h.store.openConversations = list;
    expect(answered).toBe(true);
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['open']);
    expect(customers.textsTo('c1').at(-1)).toBe(NEED);
    expect((await conversationsOf(h, 'c2')).map((c) => c.status)).toEqual(['closed']);
    // Her answer started the wait again: a day after it, hers closes too.
    advance(24 * HOUR);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['closed']);
    await h.close();
  });

  it('counts from the time stored, across a restart', async () => {
    clock = new Date('2026-11-24T09:00:00Z');
    const first = await setUp();
    await first.customer('c1', 'hi');
    advance(23 * HOUR);
    await first.h.close();
    const { h } = await setUp(first.dir);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['open']);
    advance(HOUR);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['closed']);
    await h.close();
  });

  it('counts a conversation stored before the wait was kept from its newest message', async () => {
    clock = new Date('2026-11-24T09:00:00Z');
    const { h, customers, customer } = await setUp();
    await customer('c1', 'hi');
    advance(20 * HOUR);
    await customer('c1', 'not sure');
    expect(customers.textsTo('c1').at(-1)).toMatch(/doesn't look like an email address/);
    const [stored] = await conversationsOf(h, 'c1');
    await h.store.transaction('whatsapp:c1', async (tx) => {
      const old = (await tx.conversation(stored!.id))!;
      delete old.awaitingCustomerSince;
      tx.putConversation(old);
    });
    // A day after it opened, four hours after the customer's last words: open.
    advance(4 * HOUR);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['open']);
    advance(20 * HOUR);
    await h.runtime.sweep();
    expect((await conversationsOf(h, 'c1')).map((c) => c.status)).toEqual(['closed']);
    await h.close();
  });

  it('leaves queued and agent-held conversations to their own rules', async () => {
    clock = new Date('2026-11-24T09:00:00Z');
    const customers = fakeChannel('whatsapp');
    const dir = await dataDirWithTeam({ 'inbound.yaml': pickTeamFlow }, team.replace('max_open: 5', 'max_open: 1'));
    const h = await harness(dir, [customers, fakeChannel('telegram')], { now, botIdleCloseAfterMs: 24 * HOUR, autoCloseAfterMs: 30 * 24 * HOUR });
    await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
    for (const id of ['c1', 'c2', 'c3']) await h.send('whatsapp', id, 'hi', { from: { id, name: 'Layla' } });
    await h.send('whatsapp', 'c1', 'Billing', { from: { id: 'c1', name: 'Layla' } });
    await h.send('whatsapp', 'c2', 'Billing', { from: { id: 'c2', name: 'Layla' } });
    advance(25 * HOUR);
    await h.runtime.sweep();
    const found = await Promise.all(['c1', 'c2', 'c3'].map(async (id) => (await conversationsOf(h, id)).map((c) => [c.stage, c.status])));
    expect(found).toEqual([[['assigned', 'open']], [['queued', 'open']], [['bot', 'closed']]]);
    await h.close();
  });
});
