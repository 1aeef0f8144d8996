// What the customer sees when a flow runs past its last step without a `close` or an `assign`: the conversation
// closes as a `close` step would close it, so the customer's next message opens a new one and is answered, rather
// than being stored in a conversation nobody answers any more. Also when the last step is reached after a queue's
// timeout or an agent's hand back, by two messages at once, and by a `conversation.closed` flow (which must not
// close anything again).
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvents } from '../../src/bot/events.ts';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

// An admin's small flow: a greeting and a question, and no `close` after it.
const forgetsClose = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}! Leave us your order number and we will look into it."
  - ask: "What is your order number?"
    save: conversation.order
`;

const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thank you for rating us {{conversation.rating}}."
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 3
`;

const GREETING = 'Hi Layla! Leave us your order number and we will look into it.';
const QUESTION = 'What is your order number?';

let clock = new Date('2026-12-04T09:00:00Z');
const now = () => clock;
let seq = 0;

async function setUp(flows: Record<string, string>, options: { latency?: boolean } = {}) {
  clock = new Date('2026-12-04T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const h = await harness(await dataDirWithTeam(flows, team), [customers, agents], { now, ...options });
  const closed: DomainEvents['conversation.closed'][] = [];
  h.bus.on('conversation.closed', (event) => closed.push(event));
  const customer = (text: string) => h.send('whatsapp', 'layla', text, { from: { id: 'layla', name: 'Layla' } });
  const agent = (text: string) => h.send('telegram', '9001', text, { from: { id: '9001', name: 'Omar' } });
  const seen = () => customers.textsTo('layla');
  const conversations = async () => (await h.store.conversations()).sort((a, b) => a.id - b.id);
  return { h, customers, agents, customer, agent, seen, closed, conversations };
}

describe('a flow that runs past its last step', () => {
  it('closes the conversation, so the customer\'s next message opens a new one and the flow greets them again', async () => {
    const { h, customer, seen, closed, conversations } = await setUp({ 'inbound.yaml': forgetsClose });
    await customer('hi');
    expect(seen()).toEqual([GREETING, QUESTION]);
    await customer('A-1234');
    // The flow has nothing more to say: nothing new, and the conversation is over.
    expect(seen()).toEqual([GREETING, QUESTION]);
    await customer('hello? any news?');
    expect(seen()).toEqual([GREETING, QUESTION, GREETING, QUESTION]);
    const [first, second] = await conversations();
    expect(first).toMatchObject({ status: 'closed', closedBy: 'bot', fields: { order: 'A-1234' } });
    expect(first?.closingNote).toMatch(/flow "inbound" ended/);
    expect(second).toMatchObject({ status: 'open', stage: 'bot', fields: { first_message: 'hello? any news?' } });
    expect(closed.map((event) => event.conversation.id)).toEqual([first?.id]);
    // The message is in the conversation that answered it.
    const messages = await h.store.messagesOfContact(first!.contactId);
    expect(messages.find((message) => message.text === 'hello? any news?')?.conversationId).toBe(second?.id);
    await h.close();
  });

  it('answers the customer who sends two messages at once as the flow ends: one open conversation, greeted once more', async () => {
    const { h, customer, seen, conversations } = await setUp({ 'inbound.yaml': forgetsClose }, { latency: true });
    await customer('hi');
    await Promise.all([customer('A-1234'), customer('thanks!')]);
    expect(seen()).toEqual([GREETING, QUESTION, GREETING, QUESTION]);
    expect(await h.store.openConversations()).toHaveLength(1);
    const [first, second] = await conversations();
    expect(first).toMatchObject({ status: 'closed', fields: { order: 'A-1234' } });
    expect(second?.fields.first_message).toBe('thanks!');
    await h.close();
  });

  it('closes the conversation when the flow goes on past its last step after nobody took it from the queue', async () => {
    const waits = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
    queued: "You are number {{queue.position}} in line."
    timeout: 10m
  - say: "Sorry, nobody is free. We will write to you by email."
`;
    const { h, customer, seen, conversations } = await setUp({ 'inbound.yaml': waits });
    await customer('hi');
    expect(seen()).toEqual(['You are number 1 in line.']);
    clock = new Date(clock.getTime() + 10 * 60_000 + 1);
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(seen().at(-1)).toBe('Sorry, nobody is free. We will write to you by email.');
    expect((await conversations())[0]).toMatchObject({ status: 'closed', closedBy: 'bot' });
    await customer('still there?');
    expect(seen().at(-1)).toBe('You are number 1 in line.');
    expect(await h.store.openConversations()).toHaveLength(1);
    await h.close();
  });

  it('closes the conversation when an agent hands the customer back to a flow that has nothing more to do', async () => {
    const handsOver = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
  - say: "Thanks for talking to us!"
`;
    const { h, customer, agent, seen, closed, conversations } = await setUp({ 'inbound.yaml': handsOver });
    await agent('/online');
    await customer('hi');
    await agent('/handback');
    expect(seen().slice(-2)).toEqual(['You are back with our assistant.', 'Thanks for talking to us!']);
    expect((await conversations())[0]).toMatchObject({ status: 'closed', closedBy: 'bot' });
    expect(closed).toHaveLength(1);
    await customer('one more thing');
    expect(await h.store.openConversations()).toHaveLength(1);
    await h.close();
  });

  it('starts the conversation.closed flow once, as a close step would, and takes its answer in the closed conversation', async () => {
    const { h, customer, seen, closed, conversations } = await setUp({ 'inbound.yaml': forgetsClose, 'survey.yaml': survey });
    await customer('hi');
    await customer('A-1234');
    expect(seen().at(-1)).toBe('How did we do, from 1 to 5?');
    await customer('5');
    expect(seen().slice(-2)).toEqual(['How did we do, from 1 to 5?', 'Thank you for rating us 5.']);
    const all = await conversations();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'closed', closedBy: 'bot', fields: { rating: 5 } });
    expect(closed).toHaveLength(1);
    await h.close();
  });

  it('greets a customer who taps Get Started while the closing survey waits, rather than taking it as their rating', async () => {
    const { h, customer, seen, conversations } = await setUp({ 'inbound.yaml': forgetsClose, 'survey.yaml': survey });
    await customer('hi');
    await customer('A-1234');
    expect(seen().at(-1)).toBe('How did we do, from 1 to 5?');
    await h.send('whatsapp', 'layla', 'Get Started', { from: { id: 'layla', name: 'Layla' }, choice: 'GET_STARTED', menu: true });
    expect(seen().slice(-2)).toEqual([GREETING, QUESTION]);
    const all = await conversations();
    expect(all.map((conversation) => conversation.status)).toEqual(['closed', 'open']);
    expect(all[0]!.fields.rating).toBeUndefined();
    await h.close();
  });
});

describe('a flow stopped by an error', () => {
  it('hands the customer to the first team, told they wait, and the agent sees the answer the flow stopped on', async () => {
    // More steps in a row without waiting than one turn may run: the flow is stopped at the hundredth.
    const sets = Array.from({ length: 101 }, (_, n) => `  - set: { conversation.step: ${n} }`).join('\n');
    const spins = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
${sets}
  - say: "Thanks"
`;
    const { h, customer, agent, agents, seen, conversations } = await setUp({ 'inbound.yaml': spins });
    await customer('hi');
    await customer('A-1234');
    const waiting = 'Thanks for your message. Someone from our team will answer you here; you are number 1 in line.';
    expect(seen()).toEqual([QUESTION, waiting]);
    const [first] = await conversations();
    expect(first).toMatchObject({ status: 'open', stage: 'queued', team: 'Billing', flow: { done: true } });
    expect(first?.flow?.error).toMatch(/^flow "inbound" ran 100 steps without waiting/);
    await customer('hello?');
    // Still the same conversation, waiting: the flow does not start over.
    expect(seen()).toEqual([QUESTION, waiting]);
    await agent('/online');
    expect((await conversations())[0]).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    const card = agents.textsTo('9001').find((text) => text.includes(`#${first?.id}`));
    expect(card).toContain('A-1234');
    expect(card).toContain('hello?');
    await h.close();
  });
});

describe('a conversation.closed flow that runs past its last step', () => {
  it('neither reopens nor closes again the conversation an agent closed; the next message opens a new one', async () => {
    const inbound = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
`;
    const { h, customer, agent, seen, closed, conversations } = await setUp({ 'inbound.yaml': inbound, 'survey.yaml': survey });
    await agent('/online');
    await customer('hi');
    await agent('/close solved');
    const [atClose] = await conversations();
    expect(seen().at(-1)).toBe('How did we do, from 1 to 5?');
    await customer('4');
    expect(seen().at(-1)).toBe('Thank you for rating us 4.');
    const [after] = await conversations();
    expect(after).toMatchObject({ status: 'closed', closedBy: 'omar', closingNote: 'solved', closedAt: atClose?.closedAt, fields: { rating: 4 } });
    expect(closed).toHaveLength(1);
    await customer('hello again');
    expect(await h.store.openConversations()).toHaveLength(1);
    expect(await conversations()).toHaveLength(2);
    await h.close();
  });
});

describe('a conversation left open by an earlier version after its flow ended', () => {
  it('is closed by the customer\'s next message, which opens a new conversation and is answered', async () => {
    const { h, customer, seen, conversations } = await setUp({ 'inbound.yaml': forgetsClose, 'survey.yaml': survey });
    await customer('hi');
    // What the versions before this one left: the flow over, the conversation open with the bot.
    const [stranded] = await conversations();
    await h.store.transaction(`test-${++seq}`, async (tx) => {
      tx.putConversation({ ...stranded!, flow: { flow: 'inbound', version: stranded!.flow!.version, step: 2, done: true } });
    });
    await customer('hello? anyone?');
    expect(seen()).toEqual([GREETING, QUESTION, GREETING, QUESTION]);
    const [first, second] = await conversations();
    expect(first).toMatchObject({ status: 'closed', closedBy: 'bot' });
    expect(second).toMatchObject({ status: 'open', fields: { first_message: 'hello? anyone?' } });
    await h.close();
  });
});
