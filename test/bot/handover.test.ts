// The handover end to end at runtime level: customers on one fake channel, agents on another.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/shared/log.ts';
import { cleanupDirs, recordingLog } from '../helpers.ts';
import { queueOf } from '../../src/handover/assignment/queue.ts';
import { buildReport } from '../../src/handover/reports.ts';
import { dataDirWithTeam, fakeChannel, harness, type FakeChannel, type Harness } from './harness.ts';

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
    timeout: 10m
    on_timeout: goto:late
  - id: late
    say: "Sorry, nobody is free right now. We will email you."
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
    max_open: 2
  - name: Sara
    telegram: 9002
    teams: [Billing, Support]
    max_open: 1
`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

interface Desk {
  h: Harness;
  customers: FakeChannel;
  agents: FakeChannel;
  /** A customer on WhatsApp writes. */
  customer(id: string, text: string, name?: string): Promise<void>;
  /** An agent on Telegram writes (9001 Omar, 9002 Sara). */
  agent(id: string, text: string, replyTo?: string): Promise<void>;
  /** The conversation the customer is in now. */
  conversationOf(id: string): Promise<number>;
}

async function desk(options: { autoCloseAfterMs?: number; teamYaml?: string; flows?: Record<string, string>; latency?: boolean; log?: Logger; customersSeeQuotes?: boolean } = {}): Promise<Desk> {
  clock = new Date('2026-11-24T09:00:00Z');
  const customers = fakeChannel('whatsapp', { quotes: options.customersSeeQuotes ?? false });
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow, ...options.flows }, options.teamYaml ?? team);
  const h = await harness(dir, [customers, agents], { now, ...(options.autoCloseAfterMs ? { autoCloseAfterMs: options.autoCloseAfterMs } : {}), ...(options.latency ? { latency: true } : {}), ...(options.log ? { log: options.log } : {}) });
  return {
    h, customers, agents,
    customer: (id, text, name = 'Layla') => h.send('whatsapp', id, text, { from: { id, name } }),
    agent: (id, text, replyTo) => h.send('telegram', id, text, { from: { id, name: 'agent' }, ...(replyTo ? { replyTo } : {}) }),
    async conversationOf(id) {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      return (await h.store.conversations()).filter((c) => c.contactId === contact?.id).at(-1)!.id;
    },
  };
}

/**
 * Reads team.yaml again and waits for what the change does, which runs after the reload on its own: conversations
 * put back in a queue or given to someone, and the messages that say so sent.
 */
async function reloadTeam(d: Desk): Promise<void> {
  const room = await d.h.runtime.roomGivenBy(() => d.h.directory.reload());
  await room.within(10_000);
  await d.h.outbox.drain();
}

/** Omar and Sara online, and q1's Billing conversation with one of them: its id, who holds it (id, Telegram chat), who does not. */
async function heldByOne(d: Desk): Promise<{ id: number; holder: string; mine: string; other: string; colleague: string }> {
  await d.agent('9001', '/online');
  await d.agent('9002', '/online');
  await d.customer('q1', 'hi');
  await d.customer('q1', 'Billing');
  const id = await d.conversationOf('q1');
  const holder = (await d.h.store.conversation(id))!.agentId!;
  return holder === 'omar' ? { id, holder, mine: '9001', other: '9002', colleague: 'Sara' } : { id, holder, mine: '9002', other: '9001', colleague: 'Omar' };
}

describe('handover', () => {
  it('corrects an agent\'s edited reply as a quote of it where the customer\'s channel shows quotes, and names what it corrects where it does not', async () => {
    for (const customersSeeQuotes of [false, true]) {
      const d = await desk({ customersSeeQuotes });
      await d.agent('9001', '/online');
      await d.customer('+1555', 'hello');
      await d.customer('+1555', 'Billing');
      const edit = (id: string, of: string, text: string) => d.h.send('telegram', '9001', text, { id, from: { id: '9001', name: 'agent' }, edit: { of } });
      await d.h.send('telegram', '9001', 'Your refund is 50 EUR', { id: 'reply-1', from: { id: '9001', name: 'agent' } });
      const got = d.customers.sent.find((sent) => sent.message.text === 'Your refund is 50 EUR')!;
      await edit('edit-1', 'reply-1', 'Your refund is 15 EUR');
      await edit('edit-2', 'reply-1', 'Your refund is 16 EUR');
      const corrections = d.customers.sent.slice(d.customers.sent.indexOf(got) + 1);
      expect(corrections.map((sent) => [sent.message.text, sent.message.replyTo])).toEqual(customersSeeQuotes
        ? [['Correction: Your refund is 15 EUR', got.id], ['Correction: Your refund is 16 EUR', got.id]]
        // Each correction names what the customer had until then, since nothing on the screen points at it.
        : [['Correction: Your refund is 15 EUR (instead of "Your refund is 50 EUR")', got.id], ['Correction: Your refund is 16 EUR (instead of "Your refund is 15 EUR")', got.id]]);
      await d.h.close();
    }
  });

  it('queues when nobody is online, assigns when an agent comes online, relays both ways, and closes', async () => {
    const d = await desk();
    await d.customer('+1555', 'hello');
    await d.customer('+1555', 'Billing');
    expect(d.customers.textsTo('+1555')).toEqual(['Which team?', 'You are number 1 in line.']);
    const id = await d.conversationOf('+1555');
    expect((await d.h.store.conversation(id))?.stage).toBe('queued');

    await d.agent('9001', '/online');
    const card = d.agents.textsTo('9001').find((text) => text.includes(`#${id}`));
    expect(card).toContain('Layla');
    expect(card).toMatch(/Billing/);
    expect((await d.h.store.conversation(id))).toMatchObject({ stage: 'assigned', agentId: 'omar' });

    await d.customer('+1555', 'I was charged twice');
    expect(d.agents.textsTo('9001').at(-1)).toBe(`#${id} Layla: I was charged twice`);
    await d.agent('9001', 'Sorry about that, I have refunded the second charge.');
    expect(d.customers.textsTo('+1555').at(-1)).toBe('Sorry about that, I have refunded the second charge.');
    // The bot said nothing to the customer while Omar held the conversation.
    expect(d.customers.textsTo('+1555')).toEqual(['Which team?', 'You are number 1 in line.', '\u2068Omar\u2069 has joined the conversation.', 'Sorry about that, I have refunded the second charge.']);

    await d.agent('9001', '/close refunded');
    const closed = await d.h.store.conversation(id);
    expect(closed).toMatchObject({ status: 'closed', closedBy: 'omar', closingNote: 'refunded' });
    await d.customer('+1555', 'one more thing');
    const next = await d.conversationOf('+1555');
    expect(next).not.toBe(id);
    expect(d.customers.textsTo('+1555').at(-1)).toBe('Which team?');
    await d.h.close();
  });

  it('never assigns above max_open, keeps the queue first in first out, and refills when capacity frees', async () => {
    const d = await desk();
    await d.agent('9001', '/online');
    for (const who of ['a', 'b', 'c', 'd']) {
      await d.customer(who, 'hi');
      await d.customer(who, 'Billing');
      advance(1000);
    }
    const [a, b, c, dd] = await Promise.all(['a', 'b', 'c', 'd'].map((who) => d.conversationOf(who)));
    expect((await d.h.store.conversation(a!))?.agentId).toBe('omar');
    expect((await d.h.store.conversation(b!))?.agentId).toBe('omar');
    expect((await d.h.store.conversation(c!))?.stage).toBe('queued');
    expect(d.customers.textsTo('d').at(-1)).toBe('You are number 2 in line.');
    await d.agent('9001', `/close ${a}`);
    expect((await d.h.store.conversation(c!))).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect((await d.h.store.conversation(dd!))?.stage).toBe('queued');
    await d.h.close();
  });

  it('assigns to online agents only, least open first, and round robin in turn', async () => {
    const d = await desk({ teamYaml: team.replace('max_open: 1', 'max_open: 5').replace('strategy: least_open', 'strategy: least_open') });
    await d.agent('9002', '/online');
    await d.customer('x1', 'hi');
    await d.customer('x1', 'Billing');
    expect((await d.h.store.conversation(await d.conversationOf('x1')))?.agentId).toBe('sara');
    await d.agent('9001', '/online');
    await d.customer('x2', 'hi');
    await d.customer('x2', 'Billing');
    // Omar holds none, Sara one: least open picks Omar.
    expect((await d.h.store.conversation(await d.conversationOf('x2')))?.agentId).toBe('omar');
    await d.agent('9001', '/away');
    await d.customer('x3', 'hi');
    await d.customer('x3', 'Billing');
    expect((await d.h.store.conversation(await d.conversationOf('x3')))?.agentId).toBe('sara');
    await d.h.close();
  });

  it('keeps capacity when 100 conversations ask for an agent at the same moment', async () => {
    const d = await desk();
    await d.agent('9001', '/online');
    await d.agent('9002', '/online');
    const who = Array.from({ length: 100 }, (_, n) => `p${n}`);
    await Promise.all(who.map((id) => d.customer(id, 'hi')));
    await Promise.all(who.map((id) => d.customer(id, 'Billing')));
    const conversations = await d.h.store.conversations();
    expect(conversations).toHaveLength(100);
    const assigned = conversations.filter((c) => c.stage === 'assigned');
    expect(assigned.filter((c) => c.agentId === 'omar')).toHaveLength(2);
    expect(assigned.filter((c) => c.agentId === 'sara')).toHaveLength(1);
    expect(conversations.filter((c) => c.stage === 'queued')).toHaveLength(97);
    // Each assigned conversation's card went to exactly one agent.
    for (const conversation of assigned) {
      const cards = d.agents.sent.filter((s) => s.message.text.startsWith(`#${conversation.id} `) || s.message.text.includes(`#${conversation.id}\n`) || s.message.text.includes(`#${conversation.id} ·`));
      expect(new Set(cards.map((s) => s.to)).size).toBe(1);
    }
    await d.h.close();
  });

  it('tells each of 12 customers queuing at once their own place in line, in the order they are served, then only better places', async () => {
    for (const latency of [false, true]) {
      const d = await desk({ ...(latency ? { latency } : {}) });
      const who = Array.from({ length: 12 }, (_, n) => `w${n}`);
      await Promise.all(who.map((id) => d.customer(id, 'hi')));
      await Promise.all(who.map((id) => d.customer(id, 'Billing')));
      const told = new Map(who.map((id) => [id, d.customers.textsTo(id).filter((text) => /in line/.test(text))]));
      // Each was told once, and the queue's order (the one agents take them in) is the order of the places told.
      const line = queueOf('Billing', await d.h.store.openConversations());
      const contacts = new Map((await d.h.store.contacts()).map((contact) => [contact.id, contact.identities[0]!.id]));
      expect(line.map((conversation) => told.get(contacts.get(conversation.contactId)!)), latency ? 'with read latency' : 'without').toEqual(
        line.map((_, index) => [`You are number ${index + 1} in line.`]),
      );
      // As agents take them, each customer hears only better places, never one better than their true place, and no
      // two waiting customers last heard the same one.
      const numbers = (id: string) => d.customers.textsTo(id).flatMap((text) => /number (\d+) in line/.exec(text)?.slice(1).map(Number) ?? []);
      for (let step = 0; step < 9; step++) {
        advance(61_000);
        if (step === 0) await d.agent('9001', '/online');
        else {
          const held = await d.h.store.openConversations({ stage: 'assigned', agentId: 'omar' });
          await d.agent('9001', `/close ${held[0]!.id}`);
        }
        const waiting = queueOf('Billing', await d.h.store.openConversations());
        const last = waiting.map((conversation) => numbers(contacts.get(conversation.contactId)!));
        for (const [index, heard] of last.entries()) {
          expect(heard, `step ${step}`).toEqual([...heard].sort((x, y) => y - x));
          expect(new Set(heard).size).toBe(heard.length);
          expect(heard.at(-1)).toBeGreaterThanOrEqual(index + 1);
        }
        expect(new Set(last.map((heard) => heard.at(-1))).size, `step ${step}`).toBe(last.length);
        if (step > 0) expect(last.map((heard) => heard.at(-1)), `step ${step}`).toEqual(last.map((_, index) => index + 1));
      }
      await d.h.close();
    }
  });

  it('places a queued customer whose placing never ran (the process stopped right after the commit) at the periodic check', async () => {
    const d = await desk();
    await d.customer('s1', 'hi');
    await d.customer('s1', 'Billing');
    await d.customer('s2', 'hi');
    const id = await d.conversationOf('s2');
    // Queued as the assign step queues, and the process gone before its placing.
    await d.h.store.transaction('test', async (tx) => {
      const conversation = (await tx.conversation(id))!;
      Object.assign(conversation, { stage: 'queued', team: 'Billing', queuedAt: clock.toISOString(), awaitingPlace: { text: ['You are number ', ' in line.'] } });
      tx.putConversation(conversation);
    });
    await d.h.runtime.sweep();
    await d.h.outbox.drain();
    expect(d.customers.textsTo('s2').at(-1)).toBe('You are number 2 in line.');
    expect((await d.h.store.conversation(id))).toMatchObject({ queueNotice: { position: 2 } });
    expect((await d.h.store.conversation(id))?.awaitingPlace).toBeUndefined();
    await d.h.close();
  });

  it('targets the quoted conversation, the only one held, or the one picked with /use, and asks otherwise', async () => {
    const d = await desk();
    await d.agent('9001', '/online');
    await d.customer('k1', 'hi', 'Kim');
    await d.customer('k1', 'Billing');
    await d.agent('9001', 'only one held: goes to Kim');
    expect(d.customers.textsTo('k1').at(-1)).toBe('only one held: goes to Kim');

    await d.customer('l1', 'hi', 'Lena');
    await d.customer('l1', 'Billing');
    const [kim, lena] = [await d.conversationOf('k1'), await d.conversationOf('l1')];
    await d.agent('9001', 'which one?');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(new RegExp(`You hold #${kim}, #${lena}: reply to one of their messages, or pick one with /use N`));

    await d.customer('l1', 'Lena here');
    await d.customer('k1', 'Kim here');
    const quoted = d.agents.idOf('9001', /Lena here/)!;
    await d.agent('9001', 'answer for Lena', quoted);
    // Lena's channel here shows no quotes: the answer names the message of hers it answers.
    expect(d.customers.textsTo('l1').at(-1)).toBe('In reply to "Lena here":\nanswer for Lena');
    expect(d.customers.textsTo('k1').at(-1)).not.toMatch(/answer for Lena/);

    await d.agent('9001', `/use ${kim}`);
    await d.agent('9001', 'for Kim via /use');
    expect(d.customers.textsTo('k1').at(-1)).toBe('for Kim via /use');
    await d.h.close();
  });

  it('answers every command, and every bad form with one line, changing nothing', async () => {
    const d = await desk();
    await d.agent('9001', 'hello?');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/You hold no conversation/);
    await d.agent('9001', '/clsoe');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/Unknown command \/clsoe\. Did you mean \/close\?/);
    await d.agent('9001', '/claim abc');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/"abc" is not a conversation number/);
    await d.agent('9001', '/claim');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/\/claim needs a conversation number/);
    await d.agent('9001', '/help');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/\/transfer/);

    const { id, holder, mine, other } = await heldByOne(d);

    await d.agent(other, `/close ${id}`);
    expect(d.agents.textsTo(other).at(-1)).toMatch(new RegExp(`#${id} is not yours`));
    expect((await d.h.store.conversation(id))?.status).toBe('open');

    await d.agent(mine, `/transfer ${id} Accounting`);
    expect(d.agents.textsTo(mine).at(-1)).toMatch(/no team or agent named "Accounting"/);
    expect((await d.h.store.conversation(id))?.agentId).toBe(holder);

    await d.agent(mine, `/note ${id} customer is a VIP`);
    expect(d.customers.textsTo('q1').join('\n')).not.toContain('VIP');
    const transcript = await d.h.store.messagesOfConversation(id);
    expect(transcript.find((m) => m.from === 'note')?.text).toBe('customer is a VIP');

    await d.agent(mine, '/list');
    expect(d.agents.textsTo(mine).at(-1)).toMatch(new RegExp(`#${id} Layla`));

    await d.agent(mine, `/transfer ${id} Support`);
    const moved = await d.h.store.conversation(id);
    expect(moved?.team).toBe('Support');
    expect(moved?.agentId).toBe(holder === 'sara' ? undefined : 'sara');
    await d.h.close();
  });

  it('tells an agent who is passed a conversation someone held before who passed it on, not that it is new', async () => {
    const d = await desk();
    const { id, mine, other: theirs, colleague } = await heldByOne(d);
    expect(d.agents.textsTo(mine).find((text) => text.startsWith(`#${id} ·`))).toMatch(new RegExp(`^#${id} · new conversation for Billing`));
    await d.agent(mine, `/transfer ${id} ${colleague}`);
    // Found by a helper: the colleague's card said "new conversation" for one an agent had held.
    const passer = colleague === 'Sara' ? 'Omar' : 'Sara';
    expect(d.agents.textsTo(theirs).find((text) => text.startsWith(`#${id} ·`))).toMatch(new RegExp(`^#${id} · passed on by ${passer} from Billing\n`));
    await d.h.close();
  });

  it('lets an agent claim a queued conversation of their team', async () => {
    const d = await desk();
    await d.customer('c1', 'hi');
    await d.customer('c1', 'Support');
    const id = await d.conversationOf('c1');
    await d.agent('9001', `/claim ${id}`);
    expect(d.agents.textsTo('9001').at(-1)).toMatch(/Support, which is not one of your teams/);
    await d.agent('9002', `/claim #${id}`);
    expect((await d.h.store.conversation(id))).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    await d.h.close();
  });

  it('closes a conversation after AUTO_CLOSE_AFTER without agent activity', async () => {
    const d = await desk({ autoCloseAfterMs: 24 * 3_600_000 });
    await d.agent('9001', '/online');
    await d.customer('z1', 'hi');
    await d.customer('z1', 'Billing');
    const id = await d.conversationOf('z1');
    await d.agent('9001', 'looking into it');
    advance(23 * 3_600_000);
    await d.h.runtime.sweep();
    expect((await d.h.store.conversation(id))?.status).toBe('open');
    advance(2 * 3_600_000);
    await d.h.runtime.sweep();
    await d.h.outbox.drain();
    expect((await d.h.store.conversation(id))).toMatchObject({ status: 'closed', closedBy: 'auto' });
    expect(d.agents.textsTo('9001').at(-1)).toMatch(new RegExp(`#${id} was closed after 24 h without activity`));
    await d.h.close();
  });

  it('moves on with on_timeout when nobody takes a queued conversation in time', async () => {
    const d = await desk();
    await d.customer('t1', 'hi');
    await d.customer('t1', 'Billing');
    advance(11 * 60_000);
    await d.h.runtime.sweep();
    await d.h.outbox.drain();
    expect(d.customers.textsTo('t1').at(-1)).toBe('Sorry, nobody is free right now. We will email you.');
    expect((await d.h.store.conversation(await d.conversationOf('t1')))?.stage).toBe('bot');
    await d.h.close();
  });

  it('puts the conversations of an agent removed from team.yaml back in the queue, to the next free agent', async () => {
    const d = await desk();
    await d.agent('9001', '/online');
    await d.customer('r1', 'hi');
    await d.customer('r1', 'Billing');
    const id = await d.conversationOf('r1');
    expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
    await d.agent('9002', '/online');
    await writeFile(join(d.h.dir, 'team.yaml'), team.replace(/  - name: Omar[\s\S]*?max_open: 2\n/, ''));
    await reloadTeam(d);
    await d.h.runtime.stop();
    expect((await d.h.store.conversation(id))).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    // The customer hears why before who has them now: "Sara has joined" alone read as Omar's colleague barging in.
    expect(d.customers.textsTo('r1').slice(-2)).toEqual(['The agent who was helping you is no longer available.', '\u2068Sara\u2069 has joined the conversation.']);
    await d.h.close();
  });

  it('tells an agent removed from team.yaml, where they last wrote from and in their language, where each customer they held went', async () => {
    const d = await desk({ teamYaml: team.replace('teams: [Billing]\n    max_open: 2', 'teams: [Billing]\n    max_open: 2\n    language: ar') });
    await d.agent('9001', '/online');
    for (const who of ['r1', 'r2']) {
      await d.customer(who, 'hi');
      await d.customer(who, 'Billing');
    }
    const [r1, r2] = [await d.conversationOf('r1'), await d.conversationOf('r2')];
    expect(await d.h.store.conversation(r2)).toMatchObject({ agentId: 'omar' });
    // Sara has room for one: she takes r1; r2 goes back to Billing's queue.
    await d.agent('9002', '/online');
    await writeFile(join(d.h.dir, 'team.yaml'), team.replace(/  - name: Omar[\s\S]*?max_open: 2\n/, ''));
    await reloadTeam(d);
    expect(await d.h.store.conversation(r1)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(await d.h.store.conversation(r2)).toMatchObject({ stage: 'queued' });
    const told = d.agents.textsTo('9001').slice(-2);
    expect(told).toEqual([
      `أُسندت المحادثة #${r1} إلى \u2068Sara\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
      `أُعيدت المحادثة #${r2} إلى قائمة انتظار فريق \u2068Billing\u2069: لم تعد موظفًا في team.yaml، ولن يصل شيء مما تكتبه إلى \u2068Layla\u2069.`,
    ]);
    await d.h.close();
  });

  it('puts the customers of an agent removed from team.yaml behind those already waiting, and tells them their place', async () => {
    const d = await desk();
    await d.agent('9001', '/online');
    // Omar answers a; b he never answers. Then c and d queue behind them and are told their places.
    for (const who of ['a', 'b']) {
      await d.customer(who, 'hi');
      await d.customer(who, 'Billing');
    }
    const [a, b] = [await d.conversationOf('a'), await d.conversationOf('b')];
    await d.agent('9001', 'Hello a, let me look.', d.agents.idOf('9001', new RegExp(`#${a}\\b`)));
    expect(d.customers.textsTo('a').at(-1)).toBe('Hello a, let me look.');
    for (const who of ['c', 'd']) {
      advance(60_000);
      await d.customer(who, 'hi');
      await d.customer(who, 'Billing');
    }
    expect(d.customers.textsTo('c').at(-1)).toBe('You are number 1 in line.');
    expect(d.customers.textsTo('d').at(-1)).toBe('You are number 2 in line.');

    advance(10 * 60_000);
    await writeFile(join(d.h.dir, 'team.yaml'), team.replace(/  - name: Omar[\s\S]*?max_open: 2\n/, ''));
    await reloadTeam(d);
    // c and d keep the places they were told; b, never answered, has waited longer than a, who was being helped.
    const line = queueOf('Billing', await d.h.store.openConversations());
    expect(line.map((conversation) => conversation.id)).toEqual([await d.conversationOf('c'), await d.conversationOf('d'), b, a]);
    expect(d.customers.textsTo('b').at(-1)).toBe('The agent who was helping you is no longer available. You are number 3 in line for the next one.');
    expect(d.customers.textsTo('a').at(-1)).toBe('The agent who was helping you is no longer available. You are number 4 in line for the next one.');
    expect(d.customers.textsTo('c').at(-1)).toBe('You are number 1 in line.');

    // The next free agent takes the customer who has waited longest for an answer.
    await d.agent('9002', '/online');
    expect(await d.h.store.conversation(await d.conversationOf('c'))).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    expect(await d.h.store.conversation(a)).toMatchObject({ stage: 'queued' });
    await d.h.close();
  });

  it('never leaves a customer in the queue of a team no agent is in: the first team with agents takes them, and a transfer there is refused', async () => {
    // Support is listed, but its only agent was moved to Billing.
    const d = await desk({ teamYaml: team.replace('teams: [Billing, Support]', 'teams: [Billing]') });
    await d.customer('s1', 'hi');
    await d.customer('s1', 'Support');
    const id = await d.conversationOf('s1');
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'queued', team: 'Billing' });
    expect(d.customers.textsTo('s1').at(-1)).toBe('You are number 1 in line.');
    await d.agent('9001', '/online');
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });

    await d.agent('9001', `/transfer ${id} Support`);
    expect(d.agents.textsTo('9001').at(-1)).toBe(`Support has no agents in team.yaml; #${id} stays with you.`);
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar', team: 'Billing' });
    const admin = await d.h.runtime.act({ kind: 'admin', name: 'Nadia' }, { kind: 'transfer', conversationId: id, team: 'Support' });
    expect(admin).toMatchObject({ ok: false, message: `Support has no agents in team.yaml; #${id} was not moved.` });
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await d.h.close();
  });

  it('refuses to hand a customer back to a bot that has no flow for them, and keeps them with the agent', async () => {
    const d = await desk({ flows: { 'inbound.yaml': flow.replace('conversation.opened', 'conversation.closed') } });
    await d.agent('9001', '/online');
    await d.customer('h1', 'my card was declined');
    const id = await d.conversationOf('h1');
    await d.agent('9001', '/handback');
    expect(d.agents.textsTo('9001').at(-1)).toBe(`The bot has no flow to go on with in #${id} (no flow starts on conversation.opened); it stays with you.`);
    expect(d.customers.textsTo('h1')).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    const admin = await d.h.runtime.act({ kind: 'admin', name: 'Nadia' }, { kind: 'handBack', conversationId: id });
    expect(admin).toMatchObject({ ok: false, message: `The bot has no flow to go on with in #${id} (no flow starts on conversation.opened); it was not moved.` });
    await d.customer('h1', 'hello?');
    expect(d.agents.textsTo('9001').at(-1)).toBe(`#${id} Layla: hello?`);
    await d.h.close();
  });

  it('passes customers waiting for a team whose agents were all removed from team.yaml to the first team with agents', async () => {
    const d = await desk();
    await d.customer('w1', 'hi');
    await d.customer('w1', 'Support');
    const id = await d.conversationOf('w1');
    expect(d.customers.textsTo('w1').at(-1)).toBe('You are number 1 in line.');
    // Sara, Support's only agent, leaves.
    await writeFile(join(d.h.dir, 'team.yaml'), team.replace(/  - name: Sara[\s\S]*?max_open: 1\n/, ''));
    await reloadTeam(d);
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'queued', team: 'Billing' });
    expect(d.customers.textsTo('w1').at(-1)).toBe('Your conversation was passed to our Billing team. You are number 1 in line.');
    // The reports count it passed on, from Support's queue, and nobody's doing: before, they had no trace of it.
    const report = buildReport({ conversations: await d.h.store.conversations(), agents: [], teams: [{ name: 'Billing', strategy: 'least_open' }, { name: 'Support', strategy: 'round_robin' }], now: new Date() });
    expect(report.total).toMatchObject({ handOvers: 1, handOversByAdmin: 0 });
    expect(report.teams.Support).toMatchObject({ handOvers: 1 });
    await d.agent('9001', '/online');
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await d.h.close();
  });

  it('asks a closed conversation\'s satisfaction question after the agent closes it, and takes the answer', async () => {
    const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thank you for rating us {{conversation.rating}}."
`;
    const d = await desk({ flows: { 'survey.yaml': survey } });
    await d.agent('9001', '/online');
    await d.customer('s1', 'hi');
    await d.customer('s1', 'Billing');
    const id = await d.conversationOf('s1');
    await d.agent('9001', '/close solved');
    expect(d.customers.textsTo('s1').at(-1)).toBe('How did we do, from 1 to 5?');
    await d.customer('s1', '5');
    expect(d.customers.textsTo('s1').at(-1)).toBe('Thank you for rating us 5.');
    expect(await d.conversationOf('s1')).toBe(id);
    expect((await d.h.store.conversation(id))?.fields.rating).toBe(5);
    await d.h.close();
  });

  it('hands a conversation no flow greets to the first team: the customer hears they wait, the agent who comes online sees their words', async () => {
    const { log, lines } = recordingLog();
    // The only opening flow has a typo: refused at load, so no flow starts when a customer writes.
    const d = await desk({ flows: { 'inbound.yaml': flow.replace('ask: "Which team?"', 'aks: "Which team?"') }, log });
    await d.customer('n1', 'my order never came');
    await d.customer('n2', 'مرحبا، طلبي لم يصل', 'Huda');
    expect(d.customers.textsTo('n1')).toEqual(['Thanks for your message. Someone from our team will answer you here; you are number 1 in line.']);
    expect(d.customers.textsTo('n2')).toEqual(['شكرًا لرسالتك. سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك 2 في قائمة الانتظار.']);
    const id = await d.conversationOf('n1');
    expect(await d.h.store.conversation(id)).toMatchObject({ status: 'open', stage: 'queued', team: 'Billing' });
    const error = lines.find((line) => line.level === 50 && /no flow starts on conversation\.opened/.test(String(line.msg)));
    expect(error?.msg).toContain('goes to team Billing');
    // Why, as the log line of the refused file and /healthz say it: file, line and column.
    expect(error?.refused).toEqual(['flows/inbound.yaml:5:5: unknown step kind "aks" (did you mean "ask"?)']);

    await d.agent('9001', '/online');
    const card = d.agents.textsTo('9001').find((text) => text.includes(`#${id}`));
    expect(card).toContain('my order never came');
    expect(d.customers.textsTo('n1').at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');
    await d.customer('n1', 'order 4521');
    expect(d.agents.textsTo('9001').at(-1)).toBe(`#${id} Layla: order 4521`);
    await d.h.close();
  });

  it('answers a customer whose conversation opened, in an earlier version, with no flow and was left with the bot', async () => {
    const d = await desk();
    await d.customer('old', 'hi');
    const id = await d.conversationOf('old');
    // As such a conversation was stored: open, with the bot, no flow.
    await d.h.store.transaction('test', async (tx) => {
      const conversation = (await tx.conversation(id))!;
      delete conversation.flow;
      tx.putConversation(conversation);
    });
    await d.customer('old', 'is anyone there?');
    expect(d.customers.textsTo('old')).toEqual(['Which team?', 'Which team?']);
    await d.customer('old', 'Billing');
    expect(d.customers.textsTo('old').at(-1)).toBe('You are number 1 in line.');
    expect(await d.conversationOf('old')).toBe(id);
    await d.h.close();
  });

  it('gives a conversation no flow greets straight to an online agent of the first team', async () => {
    const d = await desk({ flows: { 'inbound.yaml': flow.replace('conversation.opened', 'conversation.closed') } });
    await d.agent('9001', '/online');
    await d.customer('n1', 'hello?');
    const id = await d.conversationOf('n1');
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar', team: 'Billing' });
    expect(d.customers.textsTo('n1')).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
    expect(d.agents.textsTo('9001').some((text) => text.includes(`#${id}`) && text.includes('hello?'))).toBe(true);
    await d.h.close();
  });
});
