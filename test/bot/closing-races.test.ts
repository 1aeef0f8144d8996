// A close (an agent's /close, the agent console's, the dashboard's) at the moment the customer writes again: their
// message is relayed to the people before the close, or opens a new conversation that the flow greets. Never kept,
// unanswered, in the conversation that closed.
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/types.ts';
import type { Message } from '../../src/store/types.ts';
import { cleanupDirs, eventually } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness, pickTeamFlow, type Harness } from './harness.ts';

afterEach(cleanupDirs);

const DESK = '-100500';

const team = (desk: boolean) => `
teams:
  - name: Billing
    strategy: least_open${desk ? `\n    telegram_desk: "${DESK}"` : ''}
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 100
`;

const flow = pickTeamFlow;

const GREETING = 'Which team?';
const CLOSED = 'This conversation is now closed. Write to us any time.';
const NADIA = { kind: 'admin', name: 'Nadia' } as const;

let seq = 0;
const at = () => new Date().toISOString();

async function setUp(options: { desk?: boolean; flows?: Record<string, string> } = {}) {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  let topics = 0;
  // The team's desk: a Telegram group with a topic per conversation.
  const telegram: Channel = { ...agents.channel, openThread: async (group) => `${group}/${++topics}`, closeThread: async () => {} };
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow, ...options.flows }, team(options.desk === true));
  const h = await harness(dir, [customers, { ...agents, channel: telegram }], { latency: true, contactRate: { capacity: 1_000, perMs: 60_000 } });
  return { h, customers, agents };
}

/** The conversation the customer is in now (their latest). */
async function latestOf(h: Harness, customer: string) {
  const contact = await h.store.contactByIdentity('whatsapp', customer);
  return (await h.store.conversations()).filter((conversation) => conversation.contactId === contact?.id).at(-1)!;
}

async function messagesOf(h: Harness, customer: string): Promise<Message[]> {
  const contact = await h.store.contactByIdentity('whatsapp', customer);
  return h.store.messagesOfContact(contact!.id);
}

/**
 * Runs `trials` closes of a customer's conversation against their message `text`, written as the close is made: in
 * even trials it arrives right after the close (it has just closed), in odd ones at the same moment (either
 * transaction may commit first). Returns what went wrong in each trial: the message kept in the closed conversation
 * after its close, unanswered. An agent's /close may instead be refused, while the relay of the message has not gone
 * out: the conversation stays open, with the message relayed to the people.
 */
async function race(
  h: Harness, customers: ReturnType<typeof fakeChannel>, trials: number, prepare: (customer: string) => Promise<number>,
  closeIt: (id: number) => Promise<unknown>, text: string,
  sawIt: (id: number, customer: string) => boolean,
): Promise<string[]> {
  const lost: string[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const customer = `c${++seq}`;
    const id = await prepare(customer);
    const written = at();
    const closing = closeIt(id);
    if (trial % 2 === 0) await closing;
    else await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
    await Promise.all([closing, h.runtime.deliver({ channel: 'whatsapp', id: `late-${seq}`, from: { id: customer, name: 'Layla' }, text, at: written })]);
    await h.outbox.drain();
    const messages = await messagesOf(h, customer);
    const late = messages.find((message) => message.direction === 'in' && message.channelMessageId === `late-${seq}`)!;
    const notice = messages.find((message) => message.text === CLOSED);
    const seen = customers.textsTo(customer);
    if (!notice) {
      const still = await h.store.conversation(id);
      if (still?.status !== 'open' || late.conversationId !== id || !sawIt(id, customer)) lost.push(`trial ${trial}: the close of #${id} did not happen, and "${text}" was not seen in it`);
    } else if (late.id < notice.id) {
      // Before the close: the people had it in the conversation they closed.
      if (late.conversationId !== id || !sawIt(id, customer)) lost.push(`trial ${trial}: "${text}" stored before the close, but not seen: ${JSON.stringify(seen)}`);
    } else {
      const now = await latestOf(h, customer);
      const greeted = seen.at(-1) === GREETING && seen.lastIndexOf(CLOSED) < seen.lastIndexOf(GREETING);
      if (late.conversationId === id || now.status !== 'open' || !greeted) {
        lost.push(`trial ${trial}: "${text}" after the close went to #${late.conversationId} (closed #${id}); the customer saw ${JSON.stringify(seen)}`);
      }
    }
  }
  return lost;
}

describe('a close at the moment the customer writes again', () => {
  it('greets, in a new conversation, a customer who writes as the dashboard closes their conversation in the queue', async () => {
    const { h, customers } = await setUp();
    const lost = await race(h, customers, 16, async (customer) => {
      await h.send('whatsapp', customer, 'hi', { from: { id: customer, name: 'Layla' } });
      await h.send('whatsapp', customer, 'Billing', { from: { id: customer, name: 'Layla' } });
      const queued = await latestOf(h, customer);
      expect(queued).toMatchObject({ status: 'open', stage: 'queued' });
      return queued.id;
    }, (id) => h.runtime.act(NADIA, { kind: 'close', conversationId: id }), 'are you there?', () => true);
    // On the code before: the message went into the closed conversation, to the queue step of its flow, and the
    // customer heard nothing more ('You are number 1 in line.', then the closing notice, then silence).
    expect(lost).toEqual([]);
    await h.close();
  });

  it('greets, in a new conversation, a customer who answers the flow\'s question as the dashboard closes the conversation', async () => {
    const { h, customers } = await setUp();
    const lost = await race(h, customers, 16, async (customer) => {
      await h.send('whatsapp', customer, 'hi', { from: { id: customer, name: 'Layla' } });
      const asked = await latestOf(h, customer);
      expect(asked).toMatchObject({ status: 'open', stage: 'bot' });
      return asked.id;
    }, (id) => h.runtime.act(NADIA, { kind: 'close', conversationId: id }), 'Billing', (_, customer) => customers.textsTo(customer).includes('You are number 1 in line.'));
    // On the code before: 'Billing' answered the question of the closed conversation, whose flow then asked for a
    // queue that a closed conversation does not join: nothing more was said to the customer.
    expect(lost).toEqual([]);
    await h.close();
  });

  it('relays to the desk topic, or greets in a new conversation, a customer who writes as an agent sends /close in the topic', async () => {
    const { h, customers, agents } = await setUp({ desk: true });
    const topics = new Map<number, string>();
    const lost = await race(h, customers, 16, async (customer) => {
      await h.send('whatsapp', customer, 'hi', { from: { id: customer, name: 'Layla' } });
      await h.send('whatsapp', customer, 'Billing', { from: { id: customer, name: 'Layla' } });
      const { id } = await latestOf(h, customer);
      // The topic opens after the commit that queued the conversation.
      await eventually(async () => (await h.store.conversation(id))?.deskThread !== undefined);
      const thread = (await h.store.conversation(id))!.deskThread!.address;
      topics.set(id, thread);
      return id;
    }, (id) => h.runtime.deliver({ channel: 'telegram', id: `close-${id}`, from: { id: '9001', name: 'Omar' }, text: '/close', place: topics.get(id)!, at: at() }),
    'are you there?', (id) => agents.textsTo(topics.get(id)!).includes(`#${id} Layla: are you there?`));
    // On the code before: the message went into the closed conversation, to the queue step of its flow; nobody in
    // the topic saw it and the customer heard nothing more.
    expect(lost).toEqual([]);
    await h.close();
  });

  it('relays to the agent, or greets in a new conversation, a customer who writes as the agent holding them closes (command, console, dashboard)', async () => {
    // This one held on the code before too: a conversation an agent holds has its flow over, so the next message
    // opens a new conversation; one stored first is relayed to the agent before "Closed #N.".
    const { h, customers, agents } = await setUp();
    await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
    const omar = h.directory.agent('omar')!;
    const closes = [
      (id: number) => h.runtime.deliver({ channel: 'telegram', id: `close-${id}`, from: { id: '9001', name: 'Omar' }, text: `/close ${id}`, at: at() }),
      (id: number) => h.runtime.act(omar, { kind: 'close', conversationId: id }),
      (id: number) => h.runtime.act(NADIA, { kind: 'close', conversationId: id }),
    ];
    for (const closeIt of closes) {
      const lost = await race(h, customers, 8, async (customer) => {
        await h.send('whatsapp', customer, 'hi', { from: { id: customer, name: 'Layla' } });
        await h.send('whatsapp', customer, 'Billing', { from: { id: customer, name: 'Layla' } });
        const held = await latestOf(h, customer);
        expect(held).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });
        return held.id;
      }, closeIt, 'one more thing', (id) => agents.textsTo('9001').includes(`#${id} Layla: one more thing`));
      expect(lost).toEqual([]);
    }
    await h.close();
  }, 30_000);

  it('relays to the agent, or greets in a new conversation, a customer who writes as the agent closes, rather than take it as their rating', async () => {
    const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thank you for rating us {{conversation.rating}}."
`;
    const { h, customers, agents } = await setUp({ flows: { 'survey.yaml': survey } });
    await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
    const lost = await race(h, customers, 16, async (customer) => {
      await h.send('whatsapp', customer, 'hi', { from: { id: customer, name: 'Layla' } });
      await h.send('whatsapp', customer, 'Billing', { from: { id: customer, name: 'Layla' } });
      return (await latestOf(h, customer)).id;
    }, (id) => h.runtime.deliver({ channel: 'telegram', id: `close-${id}`, from: { id: '9001', name: 'Omar' }, text: `/close ${id}`, at: at() }),
    'one more thing', (id) => agents.textsTo('9001').includes(`#${id} Layla: one more thing`));
    // On the code before: written before the rating question was asked, 'one more thing' was taken as the rating
    // ('Please answer with a number.'), and neither Omar nor a new conversation had it.
    expect(lost).toEqual([]);

    // A rating given after the question still counts.
    await h.send('whatsapp', 'rater', 'hi', { from: { id: 'rater', name: 'Layla' } });
    await h.send('whatsapp', 'rater', 'Billing', { from: { id: 'rater', name: 'Layla' } });
    const { id } = await latestOf(h, 'rater');
    await h.send('telegram', '9001', `/close ${id}`, { from: { id: '9001', name: 'Omar' } });
    await h.send('whatsapp', 'rater', '5', { from: { id: 'rater', name: 'Layla' } });
    expect(customers.textsTo('rater').slice(-2)).toEqual(['How did we do, from 1 to 5?', 'Thank you for rating us 5.']);
    expect(await latestOf(h, 'rater')).toMatchObject({ id, fields: { rating: 5 } });
    await h.close();
  });
});
