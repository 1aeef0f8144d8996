// The invariants a store keeps under concurrency (ARCHITECTURE.md 1–4 and 6), attacked by customers and agents at
// once for hundreds of rounds. Transactions have the runtime's and the handover's shape (a key per customer, a key
// per agent), pause between their reads and writes so that they collide, and some deliveries arrive twice, on
// another key. Every agent's chat keeps a log of what changed its load and status; message ids follow commit order,
// so replaying a log shows the agent's state at every commit.
import { expect, it } from 'vitest';
import type { Conversation, Message, Store, Tx } from '../../../src/store/types.ts';
import { contact, dump } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { delay, pause } from './timing.ts';

const ROUNDS = 300;
const REOPEN_EVERY = 100;
const CUSTOMERS = Array.from({ length: 8 }, (_, n) => `visitor-${n}`);
/** `maxOpen` as team.yaml gives it; the status is the agent's document in the store. */
const AGENTS = [
  { id: 'omar', chat: '1001', maxOpen: 2, status: 'online' },
  { id: 'lina', chat: '1002', maxOpen: 3, status: 'online' },
  { id: 'sara', chat: '1003', maxOpen: 1, status: 'online' },
  { id: 'tom', chat: '1004', maxOpen: 2, status: 'away' },
] as const;
type Agent = (typeof AGENTS)[number];
const at = '2025-01-01T00:00:00.000Z';

interface AgentState {
  status: 'online' | 'away';
  assignments: number;
}

/** A customer message as its channel delivers it. */
interface Delivery {
  address: string;
  id: string;
  text: 'hello' | 'human' | 'bye';
}

/** What happens in one round: every customer's deliveries in order, repeats, and each agent's action. */
interface Round {
  deliveries: Delivery[][];
  /** Delivered again at the same time as the first time, by another key (another process, another webhook). */
  repeatedElsewhere: Delivery[];
  /** Delivered again on the customer's key, after the customer's other deliveries of the round. */
  repeatedInLine: Delivery[];
  agents: { agent: Agent; action: 'claim' | 'close' | 'toggle'; pick: number }[];
}

/** A seeded generator (mulberry32): every run plays the same rounds, only their timing differs. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plan(round: number, random: () => number): Round {
  const deliveries = CUSTOMERS.map((address) => {
    if (random() < 0.3) return [];
    return Array.from({ length: 1 + Math.floor(random() * 2) }, (_, k): Delivery => {
      const roll = random();
      return { address, id: `r${round}-${address}-${k}`, text: roll < 0.15 ? 'bye' : roll < 0.4 ? 'human' : 'hello' };
    });
  });
  const repeated = (chance: number, which: (own: Delivery[]) => Delivery | undefined): Delivery[] =>
    deliveries.flatMap((own) => (own.length > 0 && random() < chance ? [which(own) as Delivery] : []));
  return {
    deliveries,
    repeatedElsewhere: repeated(0.3, (own) => own[0]),
    repeatedInLine: repeated(0.1, (own) => own.at(-1)),
    agents: AGENTS.flatMap((agent): Round['agents'] => {
      const roll = random();
      const pick = random();
      if (roll < 0.45) return [{ agent, action: 'claim', pick }];
      if (roll < 0.8) return [{ agent, action: 'close', pick }];
      return roll < 0.92 ? [{ agent, action: 'toggle', pick }] : [];
    }),
  };
}

/** Between a transaction's reads and its writes: mostly a turn of the event loop, sometimes a millisecond. */
const meanwhile = (): Promise<void> => (Math.random() < 0.1 ? delay(1) : pause());

function agentOf(id: string | undefined): Agent {
  const agent = AGENTS.find((candidate) => candidate.id === id);
  if (!agent) throw new Error(`no agent ${id}`);
  return agent;
}

/** A line of the agent's log: a message to their chat with the bot, under no contact. */
function toAgent(agent: Agent, text: string, conversationId?: number): Omit<Message, 'id'> {
  return {
    ...(conversationId === undefined ? {} : { conversationId }),
    channel: 'telegram', address: agent.chat, agentId: agent.id, direction: 'out', from: 'bot', text, at, status: 'pending',
  };
}

function toCustomer(conversation: Conversation, address: string, text: string): Omit<Message, 'id'> {
  return { contactId: conversation.contactId, conversationId: conversation.id, channel: 'webchat', address, direction: 'out', from: 'bot', text, at, status: 'pending' };
}

/** The runtime's handling of one customer message: acted on once, in the contact's one open conversation. */
async function receive(tx: Tx, delivery: Delivery): Promise<void> {
  if (await tx.hasInbound('webchat', delivery.id)) return;
  const customer = (await tx.contactByIdentity('webchat', delivery.address)) ?? contact(await tx.newContactId(), 'webchat', delivery.address);
  customer.updatedAt = at;
  tx.putContact(customer);
  let current = await tx.openConversationOf(customer.id);
  await meanwhile();
  current ??= {
    id: await tx.newConversationId(), contactId: customer.id, channel: 'webchat', status: 'open', stage: 'bot', fields: {},
    source: 'contact', openedAt: at, flow: { flow: 'inbound', version: 'v1', step: 0 },
  };
  tx.putConversation(current);
  tx.addMessage({
    contactId: customer.id, conversationId: current.id, channel: 'webchat', address: delivery.address, direction: 'in', from: 'contact',
    text: delivery.text, channelMessageId: delivery.id, at,
  });
  if (delivery.text === 'bye') await close(tx, current, 'contact');
  else if (delivery.text === 'human' && current.stage === 'bot') await handOver(tx, current);
  else if (current.stage === 'bot' && current.flow) {
    current.flow.step += 1;
    tx.addMessage(toCustomer(current, delivery.address, `step ${current.flow.step}`));
  }
}

/** Auto-assignment: the least busy online agent under their `maxOpen`, else the queue. */
async function handOver(tx: Tx, conversation: Conversation): Promise<void> {
  let chosen: { agent: Agent; state: AgentState; load: number } | undefined;
  for (const agent of AGENTS) {
    const state = await tx.doc<AgentState>('agents', agent.id);
    if (state?.status !== 'online') continue;
    const load = await tx.countOpenConversations({ stage: 'assigned', agentId: agent.id });
    if (load < agent.maxOpen && (!chosen || load < chosen.load)) chosen = { agent, state, load };
  }
  await meanwhile();
  conversation.team = 'support';
  if (chosen) {
    assign(tx, conversation, chosen.agent, chosen.state);
  } else {
    conversation.stage = 'queued';
    conversation.queuedAt = at;
  }
}

/** Gives `conversation` (already put) to `agent`, whose document `state` the transaction read. */
function assign(tx: Tx, conversation: Conversation, agent: Agent, state: AgentState): void {
  conversation.stage = 'assigned';
  conversation.agentId = agent.id;
  conversation.assignedAt = at;
  if (conversation.flow) conversation.flow.done = true;
  // Each assignment writes the agent's document, as the handover does: two assignments to one agent, or one and a
  // status change, cannot both commit on what they read.
  state.assignments += 1;
  tx.putDoc('agents', agent.id, state);
  tx.addMessage(toAgent(agent, `assigned #${conversation.id}`, conversation.id));
}

/** Closes `conversation` (already put); an agent holding it is told, which lowers their load. */
async function close(tx: Tx, conversation: Conversation, by: string): Promise<void> {
  if (conversation.stage === 'assigned') tx.addMessage(toAgent(agentOf(conversation.agentId), `released #${conversation.id}`, conversation.id));
  conversation.status = 'closed';
  conversation.closedAt = at;
  conversation.closedBy = by;
  const customer = await tx.contact(conversation.contactId);
  const address = customer?.identities[0]?.id;
  if (address !== undefined) tx.addMessage(toCustomer(conversation, address, 'This conversation is closed.'));
}

/** An agent's own turn: take the oldest queued conversation, close one they hold, or go online or away. */
async function act(tx: Tx, { agent, action, pick }: Round['agents'][number]): Promise<void> {
  const state = (await tx.doc<AgentState>('agents', agent.id)) ?? { status: 'away', assignments: 0 };
  if (action === 'toggle') {
    await meanwhile();
    state.status = state.status === 'online' ? 'away' : 'online';
    tx.putDoc('agents', agent.id, state);
    tx.addMessage(toAgent(agent, `status ${state.status}`));
  } else if (action === 'claim') {
    if (state.status !== 'online') return;
    if ((await tx.countOpenConversations({ stage: 'assigned', agentId: agent.id })) >= agent.maxOpen) return;
    const [oldest] = await tx.openConversations({ stage: 'queued', team: 'support' });
    await meanwhile();
    if (!oldest) return;
    tx.putConversation(oldest);
    assign(tx, oldest, agent, state);
  } else {
    const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id });
    await meanwhile();
    const conversation = held[Math.floor(pick * held.length)];
    if (!conversation) return;
    tx.putConversation(conversation);
    await close(tx, conversation, agent.id);
  }
}

/** The outbox: claims and sends until nothing is claimable. */
async function sendOutbox(store: Store): Promise<void> {
  for (;;) {
    const claimed = await store.claimOutbound(16);
    if (claimed.length === 0) return;
    await Promise.all(claimed.map((message) => store.markDelivery(message.id, { channelMessageId: `wire-${message.id}` })));
  }
}

/** Replays an agent's log in id (commit) order: never assigned while away, never above `maxOpen`. Returns what they hold. */
async function replayLog(store: Store, agent: Agent): Promise<number[]> {
  let status: string | undefined;
  const held = new Set<number>();
  for (const line of await store.messagesOfAddress('telegram', agent.chat)) {
    const [what = '', value = ''] = line.text.split(' ');
    const conversationId = Number(value.slice(1));
    if (what === 'status') status = value;
    if (what === 'assigned') {
      expect(status, `${agent.id} was assigned #${conversationId} while ${status} (message ${line.id})`).toBe('online');
      held.add(conversationId);
      expect(held.size, `${agent.id} held ${[...held].join(', ')} after message ${line.id}`).toBeLessThanOrEqual(agent.maxOpen);
    }
    if (what === 'released') expect(held.delete(conversationId), `${agent.id} released #${conversationId}, not held`).toBe(true);
  }
  return [...held].sort((a, b) => a - b);
}

/** Everything the store holds that the rounds wrote, for comparing across a restart. */
function everything(store: Store): Promise<unknown> {
  return dump(store, ['agents'], [...CUSTOMERS.map((address): [string, string] => ['webchat', address]), ...AGENTS.map((agent): [string, string] => ['telegram', agent.chat])]);
}

/** The rounds of customers and agents on a store from `open`; `label` names the store in the figures printed. */
export function invariants(open: OpenStore, label: string): void {
  it(`keeps one open conversation per contact, each message once and in order, agents within capacity and online, across restarts, over ${ROUNDS} rounds of customers and agents at once`, async () => {
    const opened = await open();
    let store = opened.store;
    const random = seeded(20250101);
    const stats = { transactions: 0, runs: 0, repeats: 0 };
    const running = new Set<string>();
    /** A transaction counted, whose work checks it runs alone on its key. */
    const run = (key: string, work: (tx: Tx) => Promise<void>): Promise<void> => {
      stats.transactions += 1;
      return store.transaction(key, async (tx) => {
        stats.runs += 1;
        expect(running.has(key), `two transactions of ${key} ran at once`).toBe(false);
        running.add(key);
        try {
          await work(tx);
        } finally {
          running.delete(key);
        }
      });
    };

    await store.transaction('setup', async (tx) => {
      for (const agent of AGENTS) {
        tx.putDoc('agents', agent.id, { status: agent.status, assignments: 0 } satisfies AgentState);
        tx.addMessage(toAgent(agent, `status ${agent.status}`));
      }
    });
    const delivered = new Map<string, string[]>(CUSTOMERS.map((address) => [address, []]));
    const lastSeen = new Map<string, number>();

    for (let number = 1; number <= ROUNDS; number++) {
      const round = plan(number, random);
      const work: Promise<void>[] = [];
      round.deliveries.forEach((own) => {
        own.forEach((delivery, index) => {
          work.push(run(`webchat:${delivery.address}`, (tx) => receive(tx, delivery)));
          if (index === 0 && round.repeatedElsewhere.includes(delivery)) work.push(run(`redelivery:${delivery.address}`, (tx) => receive(tx, delivery)));
        });
      });
      for (const delivery of round.repeatedInLine) work.push(run(`webchat:${delivery.address}`, (tx) => receive(tx, delivery)));
      for (const turn of round.agents) work.push(run(`agent:${turn.agent.id}`, (tx) => act(tx, turn)));
      work.push(sendOutbox(store));
      await Promise.all(work);
      stats.repeats += round.repeatedElsewhere.length + round.repeatedInLine.length;

      // 1: at most one open conversation per contact.
      const openByContact = (await store.openConversations()).map((conversation) => conversation.contactId);
      expect(new Set(openByContact).size, `round ${number}`).toBe(openByContact.length);
      // 6: nobody holds more than maxOpen.
      for (const agent of AGENTS) {
        expect((await store.openConversations({ stage: 'assigned', agentId: agent.id })).length, `${agent.id}, round ${number}`).toBeLessThanOrEqual(agent.maxOpen);
      }
      // 2 and 3: this round's messages of each customer are there once each, in the order delivered.
      round.deliveries.forEach((own, index) => {
        const address = CUSTOMERS[index] as string;
        delivered.get(address)?.push(...own.map((delivery) => delivery.id));
      });
      for (const [index, address] of CUSTOMERS.entries()) {
        const since = await store.messagesOfAddress('webchat', address, lastSeen.get(address) ?? 0);
        const stored = since.filter((message) => message.direction === 'in').map((message) => message.channelMessageId);
        expect(stored, `${address}, round ${number}`).toEqual(round.deliveries[index]?.map((delivery) => delivery.id));
        lastSeen.set(address, since.at(-1)?.id ?? lastSeen.get(address) ?? 0);
      }

      // 4: everything committed is there after a restart, and the rounds go on from there.
      if (number % REOPEN_EVERY === 0) {
        const before = await everything(store);
        store = await opened.reopen();
        expect(await everything(store), `restart after round ${number}`).toEqual(before);
        expect(await store.outboundInDoubt()).toEqual([]);
      }
    }

    const conversations = await store.conversations();
    for (const address of CUSTOMERS) {
      const customer = await store.contactByIdentity('webchat', address);
      expect(conversations.filter((c) => c.contactId === customer?.id && c.status === 'open').length, address).toBeLessThanOrEqual(1);
      const inbound = (await store.messagesOfAddress('webchat', address)).filter((message) => message.direction === 'in');
      expect(inbound.map((message) => message.channelMessageId), address).toEqual(delivered.get(address));
    }
    for (const agent of AGENTS) {
      const held = (await store.openConversations({ stage: 'assigned', agentId: agent.id })).map((c) => c.id);
      expect(await replayLog(store, agent), agent.id).toEqual(held);
    }
    const conflicts = stats.runs - stats.transactions;
    expect(conflicts).toBeGreaterThan(0);
    expect(conversations.some((c) => c.stage === 'queued')).toBe(true);
    expect(conversations.filter((c) => c.closedBy !== undefined && c.closedBy !== 'contact').length).toBeGreaterThan(0);
    console.log(
      `${label}: ${ROUNDS} rounds, ${stats.transactions} transactions, ${conflicts} conflicts (work run again), ` +
        `${stats.repeats} repeated deliveries, ${conversations.length} conversations, ${await store.messageCount()} messages`,
    );
  });
}
