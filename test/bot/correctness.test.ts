// The core's invariants where agents' and customers' transactions race, and the errors that used to be logged and
// forgotten: each test here reproduces a bug of issue 8 and failed before its fix.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, OutboundMessage } from '../../src/types.ts';
import { EventBus } from '../../src/bot/events.ts';
import { Runtime } from '../../src/bot/runtime.ts';
import { quietLog } from '../helpers.ts';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness, pickTeamFlow, type FakeChannel } from './harness.ts';

afterEach(cleanupDirs);

const twoAgents = `
teams:
  - name: Billing
    strategy: least_open
  - name: Support
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 5
  - name: Sara
    telegram: 9002
    teams: [Billing]
    max_open: 5
`;

const pickTeam = pickTeamFlow;

let seq = 0;
const at = () => new Date().toISOString();

async function setup(flow = pickTeam, teamYaml = twoAgents, options: { latency?: boolean; contactRate?: { capacity: number; perMs: number } } = {}) {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, teamYaml);
  const h = await harness(dir, [customers, agents], options);
  return { dir, h, customers, agents };
}

describe('a contact\'s messages in order while their agent writes (invariant 3)', () => {
  it('stores and relays FIRST before SECOND in 30 trials of an agent reply racing two customer messages', async () => {
    const { h, agents } = await setup(pickTeam, twoAgents, { latency: true, contactRate: { capacity: 1_000, perMs: 60_000 } });
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'Billing');
    const expected: string[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const deliver = (channel: string, from: string, text: string) =>
        h.runtime.deliver({ channel, id: `race-${++seq}`, from: { id: from, name: 'Layla' }, text, at: at() });
      // The agent's transaction starts first; the customer's overlap it at a random point, so each side wins sometimes.
      const reply = deliver('telegram', '9001', `reply ${trial}`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
      await Promise.all([reply, deliver('whatsapp', 'c1', `FIRST ${trial}`), deliver('whatsapp', 'c1', `SECOND ${trial}`)]);
      expected.push(`FIRST ${trial}`, `SECOND ${trial}`);
    }
    await h.outbox.drain();
    const contact = await h.store.contactByIdentity('whatsapp', 'c1');
    const stored = (await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in' && /^(FIRST|SECOND)/.test(m.text));
    expect(stored.map((m) => m.text)).toEqual(expected);
    const relayed = agents.textsTo('9001').filter((text) => / (FIRST|SECOND) \d+$/.test(text)).map((text) => text.replace(/^#\d+ Layla: /, ''));
    expect(relayed).toEqual(expected);
    await h.close();
  });
});

describe('one writer per record: no stale copy written over a fresh one', () => {
  it('hands the conversations of an agent removed from team.yaml to a colleague at restart, card and all', async () => {
    const { dir, h, agents, customers } = await setup();
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'Billing');
    const contact = await h.store.contactByIdentity('whatsapp', 'c1');
    const id = (await h.store.openConversations())[0]!.id;
    expect(await h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await h.send('telegram', '9002', '/online');
    await h.close();

    // Omar leaves while the server is down.
    await writeFile(join(dir, 'team.yaml'), twoAgents.replace(/  - name: Omar[\s\S]*?max_open: 5\n/, ''));
    const restarted = await harness(dir, [customers, agents]);
    await restarted.outbox.drain();
    expect(await restarted.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(agents.textsTo('9002').some((text) => text.includes(`#${id}`) && text.includes('Layla'))).toBe(true);

    await restarted.send('whatsapp', 'c1', 'anyone there?');
    expect(await restarted.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(agents.textsTo('9002').at(-1)).toBe(`#${id} Layla: anyone there?`);
    expect(contact).toBeDefined();
    await restarted.close();
  });

  it('tells an agent removed from team.yaml while the server was down, as it starts, in their language, where each customer they held went', async () => {
    // Omar reads the bot in Arabic; Sara has room for one.
    const omarInArabic = twoAgents.replace('teams: [Billing]\n    max_open: 5\n  - name: Sara', 'teams: [Billing]\n    max_open: 5\n    language: ar\n  - name: Sara').replace(/(name: Sara[\s\S]*?max_open: )5/, '$11');
    const { dir, h, agents, customers } = await setup(pickTeam, omarInArabic);
    await h.send('telegram', '9001', '/online');
    for (const who of ['c1', 'c2']) {
      await h.send('whatsapp', who, 'hi');
      await h.send('whatsapp', who, 'Billing');
    }
    const [first, second] = (await h.store.openConversations()).map((conversation) => conversation.id).sort((a, b) => a - b) as [number, number];
    expect(await h.store.conversation(second)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await h.send('telegram', '9002', '/online');
    await h.close();

    // Omar leaves while the server is down: as it starts, Sara takes the first, the second waits in Billing's queue,
    // and Omar is told so, where he wrote from, in Arabic (before: he was told nothing, and his replies went nowhere).
    await writeFile(join(dir, 'team.yaml'), omarInArabic.replace(/  - name: Omar[\s\S]*?language: ar\n/, ''));
    const restarted = await harness(dir, [customers, agents]);
    await restarted.outbox.drain();
    expect(await restarted.store.conversation(first)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(await restarted.store.conversation(second)).toMatchObject({ stage: 'queued' });
    expect(agents.textsTo('9001').slice(-2)).toEqual([
      `أُسندت المحادثة #${first} إلى \u2068Sara\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
      `أُعيدت المحادثة #${second} إلى قائمة انتظار فريق \u2068Billing\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
    ]);
    // Once: the next check tells him nothing more.
    const told = agents.textsTo('9001').length;
    await restarted.runtime.sweep();
    await restarted.outbox.drain();
    expect(agents.textsTo('9001')).toHaveLength(told);
    await restarted.close();
  });

  it.each([
    ['where he last wrote from', false],
    ['where the bot last wrote to him, when nothing says where he wrote from (a console agent)', true],
  ])('tells an agent removed while the server was down from a store that never kept team.yaml\'s agents where each customer they held went: %s', async (_, noReplyTo) => {
    const { dir, h, agents, customers } = await setup(pickTeam, twoAgents.replace(/(name: Sara[\s\S]*?max_open: )5/, '$11'));
    await h.send('telegram', '9001', '/online');
    for (const who of ['c1', 'c2']) {
      await h.send('whatsapp', who, 'hi');
      await h.send('whatsapp', who, 'Billing');
    }
    const [first, second] = (await h.store.openConversations()).map((conversation) => conversation.id).sort((a, b) => a - b) as [number, number];
    await h.send('telegram', '9002', '/online');
    // A store of a version before `agents-on-file`: nothing says where Omar was, but where the bot reached him.
    const kept = await h.store.docs('agents-on-file');
    expect(kept.size).toBe(2);
    await h.store.transaction('agents-on-file', async (tx) => {
      for (const id of kept.keys()) tx.deleteDoc('agents-on-file', id);
      if (noReplyTo) {
        const { replyTo: _, ...state } = (await tx.doc<Record<string, unknown>>('agents', 'omar'))!;
        tx.putDoc('agents', 'omar', state);
      }
    });
    await h.close();

    await writeFile(join(dir, 'team.yaml'), twoAgents.replace(/  - name: Omar[\s\S]*?max_open: 5\n/, '').replace(/(name: Sara[\s\S]*?max_open: )5/, '$11'));
    const restarted = await harness(dir, [customers, agents]);
    await restarted.outbox.drain();
    expect(await restarted.store.conversation(first)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(await restarted.store.conversation(second)).toMatchObject({ stage: 'queued' });
    // Before, he was told nothing, and his replies went nowhere.
    expect(agents.textsTo('9001').slice(-2)).toEqual([
      `#${first} was passed to Sara: you are no longer an agent in team.yaml, and nothing more you write reaches Layla.`,
      `#${second} was passed back to Billing's queue: you are no longer an agent in team.yaml, and nothing more you write reaches Layla.`,
    ]);
    await restarted.close();
  });

  it('tells an agent removed while the server was down from a store that never kept team.yaml\'s agents in the language the bot wrote to them in', async () => {
    // Omar read the bot in Arabic (language: ar), in a store of a version before `agents-on-file`.
    const omarInArabic = twoAgents.replace('teams: [Billing]\n    max_open: 5\n  - name: Sara', 'teams: [Billing]\n    max_open: 5\n    language: ar\n  - name: Sara').replace(/(name: Sara[\s\S]*?max_open: )5/, '$11');
    const { dir, h, agents, customers } = await setup(pickTeam, omarInArabic);
    await h.send('telegram', '9001', '/online');
    for (const who of ['c1', 'c2']) {
      await h.send('whatsapp', who, 'hi');
      await h.send('whatsapp', who, 'Billing');
    }
    const [first, second] = (await h.store.openConversations()).map((conversation) => conversation.id).sort((a, b) => a - b) as [number, number];
    await h.send('telegram', '9002', '/online');
    const kept = await h.store.docs('agents-on-file');
    await h.store.transaction('agents-on-file', async (tx) => {
      for (const id of kept.keys()) tx.deleteDoc('agents-on-file', id);
    });
    await h.close();

    await writeFile(join(dir, 'team.yaml'), omarInArabic.replace(/  - name: Omar[\s\S]*?language: ar\n/, ''));
    const restarted = await harness(dir, [customers, agents]);
    await restarted.outbox.drain();
    expect(await restarted.store.conversation(first)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(await restarted.store.conversation(second)).toMatchObject({ stage: 'queued' });
    // Before, in English: his cards had been in Arabic, and nothing else says his language.
    expect(agents.textsTo('9001').slice(-2)).toEqual([
      `أُسندت المحادثة #${first} إلى \u2068Sara\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
      `أُعيدت المحادثة #${second} إلى قائمة انتظار فريق \u2068Billing\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
    ]);
    await restarted.close();
  });

  it('puts the email collected in the turn that assigns on the agent\'s card', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - assign: { team: Billing }
`;
    const { h, agents } = await setup(flow);
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'layla@example.com');
    const card = agents.textsTo('9001').find((text) => text.includes('Layla'));
    expect(card).toContain('layla@example.com');
    await h.close();
  });

  it('sends the card of a conversation assigned by a contact\'s very first message', async () => {
    const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
    const { h, agents } = await setup(flow);
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'I was charged twice');
    const id = (await h.store.openConversations())[0]!.id;
    expect(await h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(agents.textsTo('9001').some((text) => text.includes(`#${id}`) && text.includes('I was charged twice'))).toBe(true);
    await h.close();
  });
});

describe('no queue that nobody serves', () => {
  it('gives a conversation whose assign names no team to the default team (first in team.yaml)', async () => {
    const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "What do you need?"\n    save: conversation.need\n  - assign: { team: "{{conversation.team}}" }\n';
    const { h, agents } = await setup(flow);
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'something odd');
    const [conversation] = await h.store.openConversations();
    expect(conversation).toMatchObject({ team: 'Billing', stage: 'assigned', agentId: 'omar' });
    expect(agents.textsTo('9001').some((text) => text.includes(`#${conversation!.id}`))).toBe(true);
    await h.close();
  });
});

describe('errors that are retried, as the log says', () => {
  it('sends a reply once when recording its delivery fails after the send succeeded', async () => {
    const { h, customers } = await setup();
    const markDelivery = h.store.markDelivery.bind(h.store);
    let failures = 1;
    h.store.markDelivery = async (...args) => {
      if (failures-- > 0) throw new Error('disk hiccup');
      return markDelivery(...args);
    };
    await h.send('whatsapp', 'c1', 'hi');
    expect(customers.textsTo('c1')).toEqual(['Which team?']);
    const contact = await h.store.contactByIdentity('whatsapp', 'c1');
    const [reply] = (await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'out');
    expect(reply).toMatchObject({ status: 'sent', channelMessageId: customers.sent[0]!.id });
    await h.close();
  });

  it('opens a team desk\'s thread at the next check when opening it failed, then posts the card there', async () => {
    const teamYaml = twoAgents.replace('  - name: Billing\n    strategy: least_open', '  - name: Billing\n    strategy: least_open\n    telegram_desk: -100500');
    const sent: { to: string; message: OutboundMessage }[] = [];
    let failOpen = 1;
    const telegram: FakeChannel = fakeChannel('telegram');
    const desk: Channel = {
      ...telegram.channel,
      async send(to, message) {
        sent.push({ to, message });
        return `tg-${sent.length}`;
      },
      async openThread(group, title) {
        if (failOpen-- > 0) throw new Error('Bad Gateway');
        return `${group}/77:${title.split(' ')[0]}`;
      },
      async closeThread() {},
    };
    const customers = fakeChannel('whatsapp');
    const dir = await dataDirWithTeam({ 'inbound.yaml': pickTeam }, teamYaml);
    const h = await harness(dir, [customers, { ...telegram, channel: desk }]);
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'Billing');
    await h.send('telegram', '9001', 'Hello, how can I help?');
    const [conversation] = await h.store.openConversations();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await h.store.conversation(conversation!.id))?.deskThread).toBeUndefined();

    await h.runtime.sweep();
    await h.outbox.drain();
    expect((await h.store.conversation(conversation!.id))?.deskThread).toEqual({ channel: 'telegram', address: expect.stringMatching(/^-100500\/77:/) });
    expect(sent.some(({ to, message }) => to.startsWith('-100500/77') && message.text.includes(`#${conversation!.id}`))).toBe(true);
    await h.close().catch(() => {});
  });
});

describe('several processes on one store', () => {
  /** Two runtimes on one store ("processes") with a controllable clock; Omar online, holding c1's conversation, answered. */
  async function twoProcesses() {
    const clock = { now: new Date('2026-11-24T09:00:00Z') };
    const now = () => clock.now;
    const dir = await dataDirWithTeam({ 'inbound.yaml': pickTeam }, twoAgents);
    const h = await harness(dir, [fakeChannel('whatsapp'), fakeChannel('telegram')], { now, autoCloseAfterMs: 10_000 });
    const other = new Runtime({ store: h.store, flows: h.flows, directory: h.directory, bus: new EventBus(), outbox: h.outbox, log: quietLog, sweepEveryMs: 0, now, autoCloseAfterMs: 10_000 });
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'Billing');
    await h.send('telegram', '9001', 'Hello, how can I help?');
    const [conversation] = await h.store.openConversations();
    const later = (ms: number) => void (clock.now = new Date(clock.now.getTime() + ms));
    return { h, other, conversation: conversation!, later };
  }

  it('lets one process at a time run the timed checks (a lease), and the holder act', async () => {
    const { h, other, conversation, later } = await twoProcesses();
    await h.runtime.sweep();
    later(20_000);
    // The first process holds the lease (a minute): the second one's check does nothing.
    await other.sweep();
    expect((await h.store.conversation(conversation.id))?.status).toBe('open');
    await h.runtime.sweep();
    expect(await h.store.conversation(conversation.id)).toMatchObject({ status: 'closed', closedBy: 'auto' });
    // Once the holder stops renewing it, the lease passes to the other process.
    later(120_000);
    await h.send('whatsapp', 'c2', 'hi');
    await h.send('whatsapp', 'c2', 'Billing');
    const [second] = await h.store.openConversations();
    await h.send('telegram', '9001', `/use ${second!.id}`);
    await h.send('telegram', '9001', 'Hello, how can I help?');
    later(20_000);
    await other.sweep();
    expect(await h.store.conversation(second!.id)).toMatchObject({ status: 'closed', closedBy: 'auto' });
    await other.stop();
    await h.close();
  });

  it('hands the timed checks over at once when the process holding them stops (a rolling restart waits for no lease)', async () => {
    const { h, other: stopping, conversation, later } = await twoProcesses();
    await stopping.sweep();
    later(20_000);
    await stopping.stop();
    // The lease (a minute) was given up: the other process's next check closes the idle conversation. It waited for
    // the lease to run out before (found by a helper running two processes).
    await h.runtime.sweep();
    expect(await h.store.conversation(conversation.id)).toMatchObject({ status: 'closed', closedBy: 'auto' });
    await h.close();
  });

  it('keeps agents\' and desk threads\' messages out of the contacts: contacts() lists customers only', async () => {
    const { h, agents } = await setup();
    await h.send('telegram', '9001', '/online');
    await h.send('whatsapp', 'c1', 'hi');
    await h.send('whatsapp', 'c1', 'Billing');
    await h.send('telegram', '9001', 'Hello Layla');
    expect((await h.store.contacts()).map((contact) => contact.identities)).toEqual([[{ channel: 'whatsapp', id: 'c1' }]]);
    // The agent's side of the relay is kept by address.
    const mailbox = await h.store.messagesOfAddress('telegram', '9001');
    expect(mailbox.map((m) => m.text)).toEqual([...['/online', 'You are online: new conversations will come to you.'], ...agents.textsTo('9001').slice(1), 'Hello Layla']);
    await h.close();
  });
});
