// What the customer sees when a channel sends the worst it can (reactions, stale buttons, albums, Unicode
// in validated answers), and when the runtime restarts mid-conversation (an in-process stop and a new runtime over
// the same DATA_DIR, as after SIGTERM).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/types.ts';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 3
`;

const shippedLike = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "What's your email address?"
    expect: email
    save: contact.email
    skip_if_known: true
    retries: 2
  - set: { conversation.need: "{{conversation.first_message}}" }
  - ask: "How can we help you today?"
    save: conversation.need
    skip_if_known: true
  - assign: { team: Billing }
`;

let seq = 0;
const at = () => new Date().toISOString();

async function setUp(flow = shippedLike, dir?: string) {
  const wa = fakeChannel('whatsapp-cloud');
  const tg = fakeChannel('telegram');
  const data = dir ?? (await dataDirWithTeam({ 'inbound.yaml': flow }, team));
  const h = await harness(data, [wa, tg]);
  const deliver = (message: Partial<InboundMessage>) =>
    h.runtime.deliver({ channel: 'whatsapp-cloud', id: `w${++seq}`, from: { id: '447700900123', name: 'Layla' }, at: at(), ...message }).then(() => h.outbox.drain());
  const agent = (text: string) => h.runtime.deliver({ channel: 'telegram', id: `t${++seq}`, from: { id: '9001', name: 'Omar' }, text, at: at() }).then(() => h.outbox.drain());
  return { h, wa, tg, deliver, agent, dir: data };
}

describe('reactions, stale buttons', () => {
  it('a reaction to the closing notice is recorded, never answered: it opens no new conversation and greets nobody', async () => {
    const { h, wa, deliver, agent } = await setUp();
    await agent('/online');
    await deliver({ text: 'hi' });
    await deliver({ text: 'layla@example.com' });
    await deliver({ text: 'I was charged twice' });
    await agent('/close');
    const closing = wa.sent.at(-1)!;
    expect(closing.message.text).toMatch(/closed/);
    const sentBefore = wa.textsTo('447700900123').length;
    await deliver({ reaction: { emoji: '👍', to: closing.id } });
    expect(wa.textsTo('447700900123').slice(sentBefore)).toEqual([]);
    expect(await h.store.openConversations()).toEqual([]);
    await h.close();
  });

  it('a customer\'s reaction in a conversation an agent holds reaches the agent, quoting the message it answers; the customer hears nothing', async () => {
    const { h, wa, tg, deliver, agent } = await setUp();
    await agent('/online');
    await deliver({ text: 'hi' });
    await deliver({ text: 'layla@example.com' });
    await deliver({ text: 'I was charged twice' });
    await agent('I refunded the second charge. Did that fix it? It can take a day or two to show on your statement.');
    const question = wa.idOf('447700900123', /Did that fix it/)!;
    const toCustomer = wa.textsTo('447700900123').length;
    const toAgent = tg.textsTo('9001').length;
    await deliver({ reaction: { emoji: '👍', to: question } });
    expect(wa.textsTo('447700900123').slice(toCustomer)).toEqual([]);
    expect(tg.textsTo('9001').slice(toAgent)).toEqual(['#1 Layla reacted 👍 to "I refunded the second charge. Did that fix it? It can take…"']);
    // Taken back (WhatsApp's empty emoji, should a channel pass one on): no blank line for the agent.
    await deliver({ reaction: { emoji: '', to: question } });
    expect(tg.textsTo('9001').slice(toAgent)).toHaveLength(1);
    // A reaction to a message the transcript does not have yet waits for it (Meta may deliver it later): not told as
    // "reacted to a message", then told again; it comes right after the message, with its words.
    await deliver({ id: 'wamid.R-early', reaction: { emoji: '❤️', to: 'wamid.later' } });
    expect(tg.textsTo('9001').slice(toAgent + 1)).toEqual([]);
    await deliver({ id: 'wamid.later', text: 'Yes, thank you!' });
    expect(tg.textsTo('9001').slice(toAgent + 1)).toEqual(['#1 Layla: Yes, thank you!', '#1 Layla reacted ❤️ to "Yes, thank you!"']);
    expect(wa.textsTo('447700900123').slice(toCustomer)).toEqual([]);
    await h.close();
  });

  it('a reaction from someone who never wrote (to a message sent from elsewhere, say) greets nobody, opens nothing and keeps nothing', async () => {
    const { h, wa, deliver } = await setUp();
    await deliver({ reaction: { emoji: '👍', to: 'wamid.campaign' } });
    expect(wa.sent).toEqual([]);
    expect(await h.store.conversations()).toEqual([]);
    expect(await h.store.contactByIdentity('whatsapp-cloud', '447700900123')).toBeUndefined();
    await h.close();
  });

  it('a reaction from a contact with no conversation (known from a history sync) is kept in their transcript: nobody greeted, nothing opened', async () => {
    const { h, wa, deliver } = await setUp();
    await deliver({ id: 'wamid.old-question', history: true, text: 'Is the shop open on Sunday?' });
    const contact = (await h.store.contactByIdentity('whatsapp-cloud', '447700900123'))!;
    expect(contact).toBeDefined();
    await deliver({ id: 'wamid.reaction-1', reaction: { emoji: '🙏', to: 'wamid.old-question' } });
    await deliver({ id: 'wamid.reaction-1', reaction: { emoji: '🙏', to: 'wamid.old-question' } });
    expect(wa.sent).toEqual([]);
    expect(await h.store.conversations()).toEqual([]);
    const transcript = await h.store.messagesOfContact(contact.id);
    expect(transcript.map((message) => [message.text, message.conversationId])).toEqual([['Is the shop open on Sunday?', undefined], ['[reacted 🙏]', undefined]]);
    // Their first words still open a conversation and are greeted as usual.
    await deliver({ text: 'hi' });
    expect(wa.textsTo('447700900123')).toEqual(['Hi Layla!', 'What\'s your email address?']);
    await h.close();
  });

  it('a stale "No, that\'s all" button pressed after the conversation closed does not become the new conversation\'s need', async () => {
    const { h, wa, deliver, agent } = await setUp();
    await agent('/online');
    await deliver({ text: 'hi' });
    await deliver({ text: 'layla@example.com' });
    await deliver({ text: 'I was charged twice' });
    await agent('/close');
    // WhatsApp sends a reply button's title as text and its id as choice: here a button of a question long gone.
    await deliver({ text: 'No, that\'s all', choice: 'no' });
    const [open] = await h.store.openConversations();
    expect(open?.fields.need).not.toBe('No, that\'s all');
    await h.close();
  });
});

describe('a photo album (several photos sent at once, one album id)', () => {
  const photo = (n: number) => ({ attachments: [{ kind: 'image' as const, mime: 'image/jpeg', size: 1000, ref: `ph${n}` }] });

  it('sent while asked for an email counts as one invalid answer: one re-ask, the photos all in the transcript, then the typed email is taken', async () => {
    const { h, wa, deliver } = await setUp();
    await deliver({ text: 'hi' });
    expect(wa.textsTo('447700900123')).toEqual(['Hi Layla!', 'What\'s your email address?']);
    for (const n of [1, 2, 3, 4]) await deliver({ ...photo(n), album: 'album-1' });
    const reasked = wa.textsTo('447700900123').slice(2);
    expect(reasked).toHaveLength(1);
    expect(reasked[0]).toMatch(/email/i);
    const [conversation] = await h.store.conversations();
    const photos = (await h.store.messagesOfConversation(conversation!.id)).filter((m) => m.direction === 'in' && m.attachments);
    expect(photos.map((m) => m.attachments![0]!.ref)).toEqual(['ph1', 'ph2', 'ph3', 'ph4']);
    await deliver({ text: 'layla@example.com' });
    expect(wa.textsTo('447700900123').slice(3)).toEqual(['How can we help you today?']);
    await h.close();
  });

  it('two albums are two invalid answers: the second uses the last retry', async () => {
    const { h, wa, deliver } = await setUp();
    await deliver({ text: 'hi' });
    for (const n of [1, 2]) await deliver({ ...photo(n), album: 'album-1' });
    for (const n of [3, 4]) await deliver({ ...photo(n), album: 'album-2' });
    expect(wa.textsTo('447700900123').slice(2)).toHaveLength(2);
    await h.close();
  });

  it('that answers a photo question leaves the next question alone: the rest of the album is no answer to it', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Please send a photo of the damage."
    expect: image
    save: conversation.photo
  - ask: "What's your email address?"
    expect: email
    save: contact.email
`;
    const { h, wa, deliver } = await setUp(flow);
    await deliver({ text: 'hi' });
    for (const n of [1, 2, 3]) await deliver({ ...photo(n), album: 'album-1' });
    expect(wa.textsTo('447700900123')).toEqual(['Please send a photo of the damage.', 'What\'s your email address?']);
    const [conversation] = await h.store.conversations();
    expect(conversation!.fields.photo).toBe('media:ph1');
    await h.close();
  });

  it('that opens the conversation is greeted once and asked once: the rest of the album answers nothing', async () => {
    const { h, wa, deliver } = await setUp();
    for (const n of [1, 2, 3, 4]) await deliver({ ...photo(n), album: 'album-1' });
    expect(wa.textsTo('447700900123')).toEqual(['Hi Layla!', 'What\'s your email address?']);
    await h.close();
  });
});

describe('a returning Telegram customer who opens the bot again (/start, a deep link)', () => {
  it('is asked what they need: "/start" is not their need', async () => {
    const { h, tg, agent } = await setUp();
    const layla = (text: string) => h.runtime.deliver({ channel: 'telegram', id: `t${++seq}`, from: { id: '5001', name: 'Layla' }, text, at: at() }).then(() => h.outbox.drain());
    await agent('/online');
    await layla('/start');
    await layla('layla@example.com');
    await layla('I was charged twice');
    await agent('/close');
    await layla('/start');
    const [open] = await h.store.openConversations();
    expect(open?.fields.need).not.toBe('/start');
    expect(tg.textsTo('5001').at(-1)).toBe('How can we help you today?');
    await h.close();
  });
});

describe('Unicode in validated answers', () => {
  it('takes an order number typed in Arabic-Indic digits for a regex question (FORMAT.md: digits in any of these)', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Your order number?"
    expect: "regex:ORD-\\\\d{4}"
    save: conversation.order
  - ask: "Your 6-digit code?"
    expect: "regex:[0-9]{6}"
    save: conversation.code
  - say: "Thanks"
`;
    const { h, wa, deliver } = await setUp(flow);
    await deliver({ text: 'hi' });
    await deliver({ text: 'ORD-١٢٣٤' });
    await deliver({ text: '۱۲۳۴۵۶' });
    const [conversation] = await h.store.conversations();
    expect(conversation?.fields).toMatchObject({ order: 'ORD-1234', code: '123456' });
    expect(wa.textsTo('447700900123').at(-1)).toBe('Thanks');
    await h.close();
  });

  it('takes a phone number pasted with the bidi marks Android adds around it, and an email with a direction mark', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Your phone?"
    expect: phone
    save: contact.phone
  - ask: "Your email?"
    expect: email
    save: contact.email
  - say: "Thanks"
`;
    const { h, wa, deliver } = await setUp(flow);
    await deliver({ text: 'hi' });
    await deliver({ text: '\u202a+20 100 123 4567\u202c' });
    await deliver({ text: '\u200flayla@example.com' });
    const contact = await h.store.contactByIdentity('whatsapp-cloud', '447700900123');
    expect(contact?.fields).toMatchObject({ phone: '+201001234567', email: 'layla@example.com' });
    await h.close();
  });
});

describe('an email given in a sentence', () => {
  it.each([
    ['It\'s Layla@Example.com', 'layla@example.com'],
    ['my email is layla@example.com.', 'layla@example.com'],
    ['بريدي هو layla@example.com', 'layla@example.com'],
    ['email: <layla@example.com>, thanks!', 'layla@example.com'],
    ["it's o'brien@example.com", "o'brien@example.com"],
  ])('takes the email of an answer that says it in a sentence: %j', async (answer, saved) => {
    const { h, wa, deliver } = await setUp();
    await deliver({ text: 'hi' });
    await deliver({ text: answer });
    expect(wa.textsTo('447700900123')).toEqual(['Hi Layla!', 'What\'s your email address?', 'How can we help you today?']);
    const contact = await h.store.contactByIdentity('whatsapp-cloud', '447700900123');
    expect(contact?.fields.email).toBe(saved);
    await h.close();
  });

  it('asks again when an answer gives two different emails, not knowing which to keep', async () => {
    const { h, wa, deliver } = await setUp();
    await deliver({ text: 'hi' });
    await deliver({ text: 'layla@example.com or layla@work.example' });
    expect(wa.textsTo('447700900123').at(-1)).toBe("That's more than one email address. Please send just the one we should use.");
    const contact = await h.store.contactByIdentity('whatsapp-cloud', '447700900123');
    expect(contact?.fields.email).toBeUndefined();
    await h.close();
  });
});

describe('a restart mid-conversation', () => {
  it('mid-question: a new flow version published while stopped; the answer is taken by the question asked, nothing is asked again', async () => {
    const first = await setUp();
    await first.deliver({ text: 'hi' });
    expect(first.wa.textsTo('447700900123')).toEqual(['Hi Layla!', 'What\'s your email address?']);
    await first.h.close();
    // The admin publishes a new version while the server is down.
    await writeFile(join(first.dir, 'flows', 'inbound.yaml'), shippedLike.replace('How can we help you today?', 'What do you need (v2)?'));
    const second = await setUp(shippedLike, first.dir);
    await second.deliver({ text: ' Layla@Example.COM ' });
    expect(second.wa.textsTo('447700900123')).toEqual(['How can we help you today?']);
    const contact = await second.h.store.contactByIdentity('whatsapp-cloud', '447700900123');
    expect(contact?.fields.email).toBe('layla@example.com');
    await second.h.close();
  });

  it('an agent holds it: after a restart the customer\'s words reach the agent and the bot says nothing', async () => {
    const first = await setUp();
    await first.agent('/online');
    await first.deliver({ text: 'hi' });
    await first.deliver({ text: 'layla@example.com' });
    await first.deliver({ text: 'I was charged twice' });
    expect(first.wa.textsTo('447700900123').at(-1)).toMatch(/Omar.*joined/);
    await first.h.close();
    const second = await setUp(shippedLike, first.dir);
    await second.deliver({ text: 'hello? anyone?' });
    await second.deliver({ attachments: [{ kind: 'sticker', mime: 'image/webp', size: 100, ref: 'st1' }] });
    await second.deliver({ unsupported: 'poll' });
    expect(second.wa.textsTo('447700900123')).toEqual([]);
    const relayed = second.tg.textsTo('9001');
    expect(relayed.some((text) => text.includes('hello? anyone?'))).toBe(true);
    expect(relayed.some((text) => text.includes('poll'))).toBe(true);
    await second.h.close();
  });
});

describe('a restart while queued with an assign timeout', () => {
  it('the timeout still fires after the restart: the customer hears the on_timeout words, once', async () => {
    const timed = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Billing }
    queued: "You are number {{queue.position}} in line."
    timeout: 30m
    on_timeout: goto:no_agent
  - say: "unreachable"
  - id: no_agent
    say: "Sorry for the wait: nobody is free."
  - close: "no agent"
`;
    let clock = new Date('2026-11-24T09:00:00Z');
    const now = () => clock;
    const dir = await dataDirWithTeam({ 'inbound.yaml': timed }, team);
    let wa = fakeChannel('whatsapp-cloud');
    let h = await harness(dir, [wa, fakeChannel('telegram')], { now });
    await h.send('whatsapp-cloud', '447700900123', 'hi');
    await h.send('whatsapp-cloud', '447700900123', 'refund');
    expect(wa.textsTo('447700900123')).toEqual(['What do you need?', 'You are number 1 in line.']);
    await h.close();
    clock = new Date(clock.getTime() + 31 * 60_000);
    wa = fakeChannel('whatsapp-cloud');
    h = await harness(dir, [wa, fakeChannel('telegram')], { now });
    await h.runtime.sweep();
    await h.outbox.drain();
    await h.runtime.sweep();
    await h.outbox.drain();
    expect(wa.textsTo('447700900123').filter((t) => t.startsWith('Sorry for the wait'))).toHaveLength(1);
    expect(await h.store.openConversations()).toEqual([]);
    await h.close();
  });
});

describe('the language a customer\'s words give away', () => {
  it('digits typed in Arabic-Indic form in an English conversation do not switch the bot to Arabic', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your order number?", ar: "رقم طلبك؟" }
    expect: number
    save: conversation.order
  - ask: { en: "Anything else?", ar: "هل هناك شيء آخر؟" }
    save: conversation.more
`;
    const { h, wa, deliver } = await setUp(flow);
    await deliver({ text: 'hi, my parcel is late' });
    await deliver({ text: '١٢٣٤' });
    expect(wa.textsTo('447700900123')).toEqual(['Your order number?', 'Anything else?']);
    await h.close();
  });
});
