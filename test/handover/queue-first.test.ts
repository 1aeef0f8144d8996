// First in, first out when a seat is free while customers wait (an erase or a close on another process freed it and
// the queue is not served yet; here, a customer of the agent erased by a process that stopped before giving the freed
// seat to the queue): a customer who comes in then, or a conversation transferred to the team, does not take the seat
// ahead of those waiting. The longest-waiting customer gets it and hears the agent joined; the newcomer queues behind
// and hears their place. (max_open raised in team.yaml seats the waiting customers itself: see room-added.test.ts.)
// End to end at runtime level over the embedded store: customers on WhatsApp, agents on Telegram.
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from '../bot/harness.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Support, Omar]
    save: conversation.topic
  - branch:
      - if: { conversation.topic: Omar }
        goto: omar
  - assign: { team: "{{conversation.topic}}" }
    queued: "You are number {{queue.position}} in line."
  - id: omar
    assign: { team: Billing, agent: Omar }
    queued: "You are number {{queue.position}} in line for Omar."
`;

const team = `
teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: round_robin
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 1
  - name: Sara
    telegram: 9002
    teams: [Support]
    max_open: 1
  - name: Lina
    telegram: 9003
    teams: [Support]
    max_open: 1
`;

/** What a customer reads when `name` takes their conversation (the name set in Unicode isolates). */
const joined = (name: string) => `\u2068${name}\u2069 has joined the conversation.`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

async function desk() {
  clock = new Date('2026-11-24T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
  const h = await harness(dir, [customers, agents], { now });
  const d = {
    h, customers, agents,
    customer: (id: string, text: string) => h.send('whatsapp', id, text, { from: { id, name: id } }),
    agent: (id: string, text: string) => h.send('telegram', id, text, { from: { id, name: 'agent' } }),
    /** The customer's conversation, as the store has it. */
    async of(id: string) {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      return (await h.store.conversations()).filter((c) => c.contactId === contact?.id).at(-1)!;
    },
    /** `id` opens a conversation and picks `topic`, a second after the one before. */
    async comes(id: string, topic: string) {
      advance(1000);
      await d.customer(id, 'hi');
      await d.customer(id, topic);
    },
    /**
     * `id`'s customer erased from the store, by a process that stopped before it gave the seat this freed to the queue
     * (`runtime.erased`): a seat free while customers wait.
     */
    async erasedBehindTheQueue(id: string) {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      await h.store.eraseContact(contact!.id);
    },
  };
  return d;
}

it('least_open: a customer arriving while a seat is free and another waits queues behind them; the one waiting gets the seat', async () => {
  const d = await desk();
  await d.agent('9001', '/online');
  await d.comes('a', 'Billing');
  await d.comes('b', 'Billing');
  expect(d.customers.textsTo('b').at(-1)).toBe('You are number 1 in line.');
  await d.erasedBehindTheQueue('a');
  // The seat is free, and b still waits for it.
  expect(await d.of('b')).toMatchObject({ stage: 'queued' });

  await d.comes('c', 'Billing');
  expect(d.customers.textsTo('b').at(-1)).toBe(joined('Omar'));
  expect(d.customers.textsTo('c').at(-1)).toBe('You are number 1 in line.');
  expect(d.customers.textsTo('c')).not.toContain(joined('Omar'));
  expect(await d.of('b')).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  expect(await d.of('c')).toMatchObject({ stage: 'queued' });
  // Omar got b's card, not c's.
  const [b, c] = [(await d.of('b')).id, (await d.of('c')).id];
  expect(d.agents.textsTo('9001').some((t) => t.startsWith(`#${b} `))).toBe(true);
  expect(d.agents.textsTo('9001').some((t) => t.startsWith(`#${c} `))).toBe(false);
  await d.h.close();
});

it('round_robin: the agent whose turn it is takes the longest-waiting customer; the newcomer is told their place behind those still waiting', async () => {
  const d = await desk();
  await d.agent('9002', '/online');
  await d.agent('9003', '/online');
  for (const who of ['a', 'b', 'c', 'd']) await d.comes(who, 'Support');
  expect(await d.of('a')).toMatchObject({ agentId: 'sara' });
  expect(await d.of('b')).toMatchObject({ agentId: 'lina' });
  expect(d.customers.textsTo('c').at(-1)).toBe('You are number 1 in line.');
  expect(d.customers.textsTo('d').at(-1)).toBe('You are number 2 in line.');
  await d.erasedBehindTheQueue('a');

  // Sara's turn, and the seat a freed: c, who waited longest, gets it; e waits behind d.
  await d.comes('e', 'Support');
  expect(d.customers.textsTo('c').at(-1)).toBe(joined('Sara'));
  expect(await d.of('c')).toMatchObject({ stage: 'assigned', agentId: 'sara' });
  expect(await d.of('d')).toMatchObject({ stage: 'queued' });
  expect(d.customers.textsTo('e').at(-1)).toBe('You are number 2 in line.');
  expect(await d.of('e')).toMatchObject({ stage: 'queued' });
  await d.h.close();
});

it('a customer asking for an agent by name does not take that agent\'s free seat ahead of the team\'s queue; one waiting for a busy agent by name does not hold back a free colleague', async () => {
  const d = await desk();
  await d.agent('9001', '/online');
  await d.comes('a', 'Billing');
  await d.comes('b', 'Billing');
  await d.erasedBehindTheQueue('a');
  await d.comes('c', 'Omar');
  expect(d.customers.textsTo('b').at(-1)).toBe(joined('Omar'));
  expect(d.customers.textsTo('c').at(-1)).toBe('You are number 1 in line for Omar.');
  expect(await d.of('c')).toMatchObject({ stage: 'queued', agentId: 'omar' });

  // c waits for Omar by name; Sara and Lina (Support) are free: a Support customer is not held back by c.
  await d.agent('9002', '/online');
  await d.comes('e', 'Support');
  expect(d.customers.textsTo('e').at(-1)).toBe(joined('Sara'));
  await d.h.close();
});

it('a conversation transferred to a team while a seat is free there goes behind the customers waiting in its queue', async () => {
  const d = await desk();
  await d.agent('9001', '/online');
  await d.agent('9002', '/online');
  await d.comes('a', 'Billing');
  await d.comes('b', 'Billing');
  await d.comes('x', 'Support');
  expect(await d.of('x')).toMatchObject({ agentId: 'sara' });
  await d.erasedBehindTheQueue('a');

  const x = (await d.of('x')).id;
  await d.agent('9002', `/transfer ${x} Billing`);
  expect(d.agents.textsTo('9002').at(-1)).toBe(`#${x} is transferred to Billing (waiting in its queue).`);
  expect(d.customers.textsTo('b').at(-1)).toBe(joined('Omar'));
  expect(d.customers.textsTo('x').at(-1)).toBe('Your conversation was passed to our Billing team. You are number 1 in line.');
  expect(await d.of('x')).toMatchObject({ stage: 'queued', team: 'Billing' });

  // Omar holds b: his one seat, no more.
  const held = (await d.h.store.openConversations({ stage: 'assigned', agentId: 'omar' })).map((c) => c.id);
  expect(held).toEqual([(await d.of('b')).id]);
  await d.h.close();
});
