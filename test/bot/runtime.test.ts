// The runtime's invariants on a fake channel: one open conversation, order, dedup, resume after restart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { InboundMessage } from '../../src/types.ts';
import type { DomainEvents } from '../../src/bot/events.ts';
import type { Fanout } from '../../src/shared/fanout.ts';
import { cleanupDirs, dataDirWith, inboundFlow, recordingLog } from '../helpers.ts';
import { fakeChannel, harness } from './harness.ts';

let seq = 0;
function from(contact: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  return { channel: 'fake', id: `m${++seq}`, from: { id: contact, name: 'Layla' }, text, at: new Date().toISOString(), ...extra };
}

afterEach(cleanupDirs);

describe('runtime', () => {
  it('opens a conversation on a first message and runs the inbound flow until it waits', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    const opened: DomainEvents['conversation.opened'][] = [];
    h.bus.on('conversation.opened', (event) => opened.push(event));
    await h.runtime.deliver(from('u1', 'hello'));
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual(['Hi Layla!', 'What is your email address?']);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.source).toBe('contact');
    await h.close();
  });

  it('re-asks an invalid answer and saves a valid one on the contact', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    for (const text of ['hello', 'not-an-email', 'Layla@Example.com', 'my invoice']) await h.runtime.deliver(from('u1', text));
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual([
      'Hi Layla!', 'What is your email address?', "That doesn't look like an email address.",
      'What can we help you with?', 'Thanks, noted: my invoice',
    ]);
    const contact = await h.store.contactByIdentity('fake', 'u1');
    expect(contact?.fields.email).toBe('layla@example.com');
    await h.close();
  });

  it('never asks again for what the contact told in an earlier conversation', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    for (const text of ['hello', 'layla@example.com', 'my invoice']) await h.runtime.deliver(from('u1', text));
    const first = (await h.store.conversations()).find((c) => c.status === 'closed');
    expect(first?.closingNote).toBe('flow finished');
    await h.runtime.deliver(from('u1', 'hello again'));
    await h.outbox.drain();
    const texts = fake.textsTo('u1');
    expect(texts.slice(-2)).toEqual(['Hi Layla!', 'What can we help you with?']);
    expect(texts.filter((t) => t === 'What is your email address?')).toHaveLength(1);
    expect(await h.store.conversations()).toHaveLength(2);
    await h.close();
  });

  it('keeps one open conversation and the arrival order when a contact sends many messages at once', async () => {
    const fake = fakeChannel('fake');
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "first?"
    save: conversation.a
  - ask: "second?"
    save: conversation.b
  - ask: "third?"
    save: conversation.c
  - say: "{{conversation.a}} {{conversation.b}} {{conversation.c}}"
`;
    const h = await harness(await dataDirWith({ 'inbound.yaml': flow }), [fake]);
    const texts = ['hi', 'one', 'two', 'three', 'four', 'five'];
    await Promise.all(texts.map((text) => h.runtime.deliver(from('u1', text))));
    await h.outbox.drain();
    expect(await h.store.openConversations()).toHaveLength(1);
    const contact = await h.store.contactByIdentity('fake', 'u1');
    const stored = await h.store.messagesOfContact(contact!.id);
    expect(stored.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(texts);
    // The flow ends (and its conversation closes) at "three": "four" opens the next one, "five" answers it.
    expect(fake.textsTo('u1')).toEqual(['first?', 'second?', 'third?', 'one two three', 'first?', 'second?']);
    expect((await h.store.conversations()).map((c) => [c.status, c.fields])).toEqual([
      ['closed', { a: 'one', b: 'two', c: 'three' }],
      ['open', { first_message: 'four', a: 'five' }],
    ]);
    await h.close();
  });

  it('opens one conversation each for many contacts writing at the same moment', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    await Promise.all(Array.from({ length: 40 }, (_, n) => [h.runtime.deliver(from(`c${n}`, 'hi')), h.runtime.deliver(from(`c${n}`, 'again'))]).flat());
    const conversations = await h.store.conversations();
    expect(conversations).toHaveLength(40);
    expect(new Set(conversations.map((c) => c.contactId)).size).toBe(40);
    await h.close();
  });

  it('acts once on a message delivered twice', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    const message = from('u1', 'hello');
    await h.runtime.deliver(message);
    await Promise.all([h.runtime.deliver(message), h.runtime.deliver({ ...message })]);
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual(['Hi Layla!', 'What is your email address?']);
    const contact = await h.store.contactByIdentity('fake', 'u1');
    expect((await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
    await h.close();
  });

  it('resumes a conversation mid-flow after a restart, on the flow version it started with', async () => {
    const fake = fakeChannel('fake');
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    let h = await harness(dir, [fake]);
    await h.runtime.deliver(from('u1', 'hello'));
    await h.close();
    // While the bot is down, the admin publishes a different flow.
    await writeFile(join(dir, 'flows', 'inbound.yaml'), inboundFlow.replace('What can we help you with?', 'NEW QUESTION').replace('Hi {{contact.name | there}}!', 'NEW GREETING'));
    h = await harness(dir, [fake]);
    await h.runtime.deliver(from('u1', 'layla@example.com'));
    await h.outbox.drain();
    expect(fake.textsTo('u1').at(-1)).toBe('What can we help you with?');
    await h.runtime.deliver(from('u2', 'hello'));
    await h.outbox.drain();
    expect(fake.textsTo('u2')[0]).toBe('NEW GREETING');
    await h.close();
  });

  it('handles an empty message, a 10,000-character one, emoji only and Arabic without crashing', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    await h.runtime.deliver(from('u1', 'مرحبا، لدي مشكلة في الفاتورة'));
    await h.runtime.deliver({ ...from('u1', ''), text: undefined });
    await h.runtime.deliver(from('u1', '🙂🙂🙂'));
    await h.runtime.deliver(from('u1', 'layla@example.com'));
    await h.runtime.deliver(from('u1', 'x'.repeat(10_000)));
    await h.runtime.deliver(from('u1', 'الفاتورة خاطئة'));
    await h.outbox.drain();
    const texts = fake.textsTo('u1');
    expect(texts.filter((t) => t === "That doesn't look like an email address.")).toHaveLength(2);
    expect(texts.filter((t) => t.startsWith('Thanks, noted: '))[0]).toBe(`Thanks, noted: ${'x'.repeat(10_000)}`);
    expect(texts.slice(-2)).toEqual(['Hi Layla!', 'What can we help you with?']);
    const contact = await h.store.contactByIdentity('fake', 'u1');
    const inbound = (await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['مرحبا، لدي مشكلة في الفاتورة', '', '🙂🙂🙂', 'layla@example.com', 'x'.repeat(10_000), 'الفاتورة خاطئة']);
    await h.close();
  });

  it('stores a reply before sending it, and resends it after a restart if sending never happened', async () => {
    const fake = fakeChannel('fake');
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    let h = await harness(dir, [fake]);
    fake.failNextSends(100);
    await h.runtime.deliver(from('u1', 'hello'));
    await h.outbox.drain();
    expect(fake.sent).toHaveLength(0);
    const contact = await h.store.contactByIdentity('fake', 'u1');
    const failed = (await h.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'out');
    expect(failed.map((m) => [m.status, m.error])).toEqual([['failed', 'connection refused'], ['failed', 'connection refused']]);
    await h.close();

    // A reply left pending (the process died between storing and sending) goes out at the next start.
    fake.failNextSends(0);
    h = await harness(dir, [fake]);
    await h.store.transaction('test', async (tx) => {
      tx.addMessage({ contactId: contact!.id, conversationId: failed[0]!.conversationId!, channel: 'fake', address: 'u1', direction: 'out', from: 'bot', text: 'pending reply', at: new Date().toISOString(), status: 'pending' });
    });
    await h.close();
    h = await harness(dir, [fake]);
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual(['pending reply']);
    expect(await h.store.pendingOutbound()).toEqual([]);
    await h.close();
  });

  it('runs a conversation.closed flow and takes its answer without opening a new conversation', async () => {
    const fake = fakeChannel('fake');
    const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thanks for rating us {{conversation.rating}}."
`;
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow, 'survey.yaml': survey }), [fake]);
    for (const text of ['hello', 'layla@example.com', 'my invoice', '5']) await h.runtime.deliver(from('u1', text));
    await h.outbox.drain();
    expect(fake.textsTo('u1').slice(-2)).toEqual(['How did we do, 1 to 5?', 'Thanks for rating us 5.']);
    const conversations = await h.store.conversations();
    expect(conversations).toHaveLength(1);
    expect(conversations[0]?.fields.rating).toBe(5);
    await h.close();
  });

  it('keeps on the contact how they arrived (a deep-link payload), and a newer one replaces it', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    await h.runtime.deliver(from('u1', '/start', { referral: 'summer-ad' }));
    expect((await h.store.contactByIdentity('fake', 'u1'))?.fields.referral).toBe('summer-ad');
    await h.runtime.deliver(from('u1', 'layla@example.com'));
    await h.runtime.deliver(from('u1', '/start', { referral: 'newsletter' }));
    expect((await h.store.contactByIdentity('fake', 'u1'))?.fields).toEqual({ referral: 'newsletter', email: 'layla@example.com' });
    await h.close();
  });
  it('never sends again, at the periodic check, a reply its own process is sending (the embedded store: in doubt only at start)', async () => {
    const fake = fakeChannel('fake');
    let answer: (id: string) => void = () => {};
    const calls: string[] = [];
    const slow = { ...fake, channel: { ...fake.channel, send: (to: string, message: { text: string }) => (calls.push(message.text), new Promise<string>((resolve) => (answer = resolve))) } };
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [slow as unknown as typeof fake]);
    await h.runtime.deliver(from('u1', 'hello'));
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.runtime.sweep();
    expect(await h.store.outboundInDoubt()).toEqual([]);
    expect(calls).toEqual(['Hi Layla!']);
    answer('fake-1');
    while (calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    answer('fake-2');
    await h.outbox.drain();
    expect(calls).toEqual(['Hi Layla!', 'What is your email address?']);
    await h.close();
  });

  it('sends, at the next periodic check, replies whose claim failed while the store was away and nothing else came', async () => {
    const fake = fakeChannel('fake');
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fake]);
    const claim = h.store.claimOutbound.bind(h.store);
    let away = true;
    h.store.claimOutbound = async (limit) => {
      if (away) throw new StoreUnavailableError('the store is out of reach (a test)');
      return claim(limit);
    };
    await h.runtime.deliver(from('u1', 'hello'));
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual([]);
    // Back, and no other message comes to kick the outbox: the check is what sends them.
    away = false;
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(fake.textsTo('u1')).toEqual(['Hi Layla!', 'What is your email address?']);
    await h.close();
  });

  it("logs the wake-ups that fail while the store is away once, and once when the timeouts are acted on again", async () => {
    const { log, lines } = recordingLog();
    // The link to the other processes, back again and again while the store stays away (a flapping network).
    const reconnects: (() => void)[] = [];
    const fanout: Fanout = {
      publish: () => {},
      subscribe: (_topic, _listener, options) => {
        if (options?.reconnected) reconnects.push(options.reconnected);
        return () => {};
      },
      close: async () => {},
    };
    const h = await harness(await dataDirWith({ 'inbound.yaml': inboundFlow }), [fakeChannel('fake')], { log, fanout, sweepEveryMs: 3_600_000 });
    // The check at start has taken the timers' lease: the wake-ups below are the only ones asking for it.
    await expect.poll(() => h.store.doc('leases', 'sweeper')).toBeDefined();
    const transaction = h.store.transaction.bind(h.store);
    let away = true;
    let refused = 0;
    h.store.transaction = ((key: string, ...rest: unknown[]) => {
      if (away && key.startsWith('lease:')) {
        refused++;
        return Promise.reject(new StoreUnavailableError('the store is out of reach (a test)'));
      }
      return (transaction as (...args: unknown[]) => Promise<unknown>)(key, ...rest);
    }) as typeof h.store.transaction;
    for (let n = 0; n < 3; n++) for (const reconnected of reconnects) reconnected();
    expect(refused).toBe(3);
    away = false;
    for (const reconnected of reconnects) reconnected();
    // Stopping waits for every wake-up under way.
    await h.close();
    const said = lines.filter((line) => String(line.msg).includes('timeouts due'));
    expect(said).toEqual([
      expect.objectContaining({ level: 40, msg: 'could not act on the timeouts due; the next check tries again (logged again once it works)', err: 'the store is out of reach (a test)' }),
      expect.objectContaining({ level: 30, msg: 'the timeouts due are acted on again', attempts: 3 }),
    ]);
  });
});
