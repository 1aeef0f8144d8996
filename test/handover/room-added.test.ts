// An admin gives agents more room in team.yaml (a higher max_open, a team more, an agent put back) while customers
// wait: the waiting customers are seated at once, longest-waiting first, up to the new room and no further; each hears
// the agent joined and the agent gets their card. A save that gives nobody room writes nothing. A save is told how
// many it seated once they were told, however its reload and the file watcher's interleave. End to end at runtime
// level over the embedded store: customers on WhatsApp, agents on Telegram.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from '../bot/harness.ts';
import type { Store } from '../../src/store/types.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Support]
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
    queued: "You are number {{queue.position}} in line."
`;

interface Room {
  omar: number;
  sara?: number;
  saraTeams?: string;
  strategy?: string;
}

const team = ({ omar, sara = 1, saraTeams = '[Support]', strategy = 'least_open' }: Room) => `
teams:
  - name: Billing
    strategy: ${strategy}
  - name: Support
    strategy: round_robin
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: ${omar}
${sara === 0 ? '' : `  - name: Sara
    telegram: 9002
    teams: ${saraTeams}
    max_open: ${sara}
`}`;

/** What a customer reads when `name` takes their conversation (the name set in Unicode isolates). */
const joined = (name: string) => `\u2068${name}\u2069 has joined the conversation.`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

async function desk(room: Room) {
  clock = new Date('2026-11-24T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team(room));
  const h = await harness(dir, [customers, agents], { now });
  const d = {
    h, customers, agents,
    agent: (id: string, text: string) => h.send('telegram', id, text, { from: { id, name: 'agent' } }),
    /** The customer's conversation, as the store has it. */
    async of(id: string) {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      return (await h.store.conversations()).filter((c) => c.contactId === contact?.id).at(-1)!;
    },
    /** `id` opens a conversation and picks `topic`, a second after the one before. */
    async comes(id: string, topic: string) {
      advance(1000);
      await h.send('whatsapp', id, 'hi', { from: { id, name: id } });
      await h.send('whatsapp', id, topic, { from: { id, name: id } });
    },
    /** team.yaml saved as an admin would, and read again; nothing else happens after it. */
    async save(next: Room) {
      await writeFile(join(dir, 'team.yaml'), team(next));
      await h.directory.reload();
    },
    /** Which of `ids` hold which agent, as the store has it (queued: undefined). */
    async holders(...ids: string[]) {
      return Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await d.of(id)).agentId] as const)));
    },
    /** Whether agent `chat` got the card of customer `id`'s conversation. */
    async cardOf(chat: string, id: string) {
      const number = (await d.of(id)).id;
      return agents.textsTo(chat).some((text) => text.startsWith(`#${number} `));
    },
  };
  return d;
}

it('max_open raised: the customers waiting longest take the new seats at once, hear the agent joined, and the agent gets their cards; no seat more', async () => {
  const d = await desk({ omar: 1 });
  await d.agent('9001', '/online');
  for (const who of ['a', 'b', 'c', 'd']) await d.comes(who, 'Billing');
  expect(d.customers.textsTo('d').at(-1)).toBe('You are number 3 in line.');

  await d.save({ omar: 3 });
  await eventually(() => d.customers.textsTo('c').includes(joined('Omar')));
  await d.h.outbox.drain();
  expect(d.customers.textsTo('b').at(-1)).toBe(joined('Omar'));
  expect(d.customers.textsTo('c').at(-1)).toBe(joined('Omar'));
  expect(await d.cardOf('9001', 'b')).toBe(true);
  expect(await d.cardOf('9001', 'c')).toBe(true);
  expect(await d.holders('a', 'b', 'c', 'd')).toEqual({ a: 'omar', b: 'omar', c: 'omar', d: undefined });
  expect(d.customers.textsTo('d')).not.toContain(joined('Omar'));
  expect(await d.cardOf('9001', 'd')).toBe(false);

  // The room is given once: a check, and a save that gives nobody room (another strategy), write no agent's state.
  const states = JSON.stringify([...(await d.h.store.docs('agents'))]);
  const sent = d.agents.textsTo('9001').length;
  await d.h.runtime.sweep();
  await d.save({ omar: 3, strategy: 'round_robin' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(JSON.stringify([...(await d.h.store.docs('agents'))])).toBe(states);
  expect(d.agents.textsTo('9001')).toHaveLength(sent);
  expect((await d.of('d')).stage).toBe('queued');
  await d.h.close();
});

it('a save told what it seated counts the room whichever reload reads the new file first, and a reload after it seats nobody again', async () => {
  const d = await desk({ omar: 1 });
  await d.agent('9001', '/online');
  for (const who of ['a', 'b', 'c', 'd']) await d.comes(who, 'Billing');

  // The file watcher's reload, queued before the save's own, reads the new file first: the save's finds nothing new.
  const room = await d.h.runtime.roomGivenBy(async () => {
    await writeFile(join(d.h.dir, 'team.yaml'), team({ omar: 3 }));
    void d.h.directory.reload();
    await d.h.directory.reload();
  });
  expect(await room.within(5_000)).toEqual({ seated: 2, left: false });
  // Answered once they were told.
  expect(['b', 'c', 'd'].map((who) => d.customers.textsTo(who).filter((text) => text === joined('Omar')).length)).toEqual([1, 1, 0]);

  // The watcher's reload after the save: the same file, nobody seated again, no agent's state written.
  const states = JSON.stringify([...(await d.h.store.docs('agents'))]);
  const again = await d.h.runtime.roomGivenBy(() => d.h.directory.reload());
  expect(await again.within(5_000)).toEqual({ seated: 0, left: false });
  expect(JSON.stringify([...(await d.h.store.docs('agents'))])).toBe(states);
  expect(['b', 'c'].map((who) => d.customers.textsTo(who).filter((text) => text === joined('Omar')).length)).toEqual([1, 1]);
  await d.h.close();
});

it('a seating that takes long does not hold the save: it is told the rest goes on, and it does', async () => {
  const d = await desk({ omar: 1 });
  await d.agent('9001', '/online');
  for (const who of ['a', 'b']) await d.comes(who, 'Billing');

  // The drain of Omar's queue waits half a second for the store (a database under load).
  const store = d.h.store as Store & { transaction: Store['transaction'] };
  const transaction = store.transaction.bind(store);
  store.transaction = (async (key, work, options) => {
    if (key.startsWith('agent:')) await new Promise((resolve) => setTimeout(resolve, 500));
    return transaction(key, work, options);
  }) as Store['transaction'];
  try {
    const room = await d.h.runtime.roomGivenBy(() => d.save({ omar: 2 }));
    expect(await room.within(50)).toEqual({ seated: 0, left: true });
    expect(d.customers.textsTo('b')).not.toContain(joined('Omar'));
    await eventually(() => d.customers.textsTo('b').includes(joined('Omar')));
  } finally {
    delete (store as Partial<Store>).transaction;
  }
  await d.h.close();
});

it('an agent added to a team takes the customer who has waited longest in its queue, up to their max_open', async () => {
  const d = await desk({ omar: 1, sara: 2 });
  await d.agent('9001', '/online');
  await d.agent('9002', '/online');
  for (const who of ['a', 'b', 'c', 'd']) await d.comes(who, 'Billing');
  await d.comes('s', 'Support');
  expect(await d.holders('a', 's')).toEqual({ a: 'omar', s: 'sara' });

  await d.save({ omar: 1, sara: 2, saraTeams: '[Support, Billing]' });
  await eventually(() => d.customers.textsTo('b').includes(joined('Sara')));
  await d.h.outbox.drain();
  expect(await d.cardOf('9002', 'b')).toBe(true);
  expect(await d.holders('b', 'c', 'd')).toEqual({ b: 'sara', c: undefined, d: undefined });
  expect(d.customers.textsTo('c')).not.toContain(joined('Sara'));
  await d.h.close();
});

it('an agent put back in team.yaml who was still online takes the customer who has waited longest at once', async () => {
  const d = await desk({ omar: 1, sara: 1, saraTeams: '[Billing]' });
  await d.agent('9001', '/online');
  await d.agent('9002', '/online');
  for (const who of ['a', 'b', 'c']) await d.comes(who, 'Billing');
  expect(await d.holders('a', 'b', 'c')).toEqual({ a: 'omar', b: 'sara', c: undefined });

  // Sara taken out: b goes back to the queue, ahead of nobody who was told a place (c waits first).
  await d.save({ omar: 1, sara: 0 });
  await eventually(() => d.customers.textsTo('b').at(-1)?.startsWith('The agent who was helping you is no longer available.') === true);
  expect(await d.holders('b', 'c')).toEqual({ b: undefined, c: undefined });

  // Put back: still online, she takes c, who has waited longest, at once.
  await d.save({ omar: 1, sara: 1, saraTeams: '[Billing]' });
  await eventually(() => d.customers.textsTo('c').includes(joined('Sara')));
  await d.h.outbox.drain();
  expect(await d.holders('b', 'c')).toEqual({ b: undefined, c: 'sara' });
  expect(await d.cardOf('9002', 'c')).toBe(true);
  await d.h.close();
});

it('max_open raised while the server was down: the customers waiting longest are seated as it starts', async () => {
  const d = await desk({ omar: 1 });
  await d.agent('9001', '/online');
  for (const who of ['a', 'b', 'c']) await d.comes(who, 'Billing');
  await d.h.close();

  await writeFile(join(d.h.dir, 'team.yaml'), team({ omar: 2 }));
  const h = await harness(d.h.dir, [d.customers, d.agents], { now });
  await h.outbox.drain();
  expect(d.customers.textsTo('b').at(-1)).toBe(joined('Omar'));
  const open = await h.store.openConversations();
  expect(open.filter((c) => c.stage === 'assigned' && c.agentId === 'omar')).toHaveLength(2);
  expect(open.filter((c) => c.stage === 'queued')).toHaveLength(1);
  expect(d.customers.textsTo('c')).not.toContain(joined('Omar'));

  // Started again with nothing changed: nobody is seated twice, no agent's state is written.
  const states = JSON.stringify([...(await h.store.docs('agents'))]);
  await h.close();
  const again = await harness(d.h.dir, [d.customers, d.agents], { now });
  await again.outbox.drain();
  expect(JSON.stringify([...(await again.store.docs('agents'))])).toBe(states);
  expect(d.customers.textsTo('b').filter((text) => text === joined('Omar'))).toHaveLength(1);
  await again.close();
});
