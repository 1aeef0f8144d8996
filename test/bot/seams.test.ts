// The channel seams at runtime level: files relayed both ways, delivery statuses, send errors that mean
// something, and the agent action API that the chat commands use too.
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelSendError, type Channel, type OutboundMessage } from '../../src/types.ts';
import { cleanupDirs, eventually } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness, type FakeChannel } from './harness.ts';

afterEach(cleanupDirs);

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 5
`;

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - assign: { team: Billing }
    queued: "Please wait for an agent."
  - say: "Thanks for waiting. Anything else?"
  - ask: "Anything else?"
    save: conversation.more
`;

const photo = { kind: 'image' as const, mime: 'image/jpeg', size: 2048, name: 'receipt.jpg', ref: 'a'.repeat(32) };

/** A channel whose sends follow a script of outcomes; records every attempt with its time. */
function scriptedChannel(name: string, outcomes: (Error | undefined)[]) {
  const attempts: { to: string; message: OutboundMessage; at: number }[] = [];
  const sent: { to: string; message: OutboundMessage }[] = [];
  const channel: Channel = {
    name,
    async start() {},
    async stop() {},
    async send(to, message) {
      attempts.push({ to, message, at: Date.now() });
      const outcome = outcomes.shift();
      if (outcome) throw outcome;
      sent.push({ to, message });
      return `${name}-${sent.length}`;
    },
  };
  return { channel, attempts, sent, textsTo: (to: string) => sent.filter((s) => s.to === to).map((s) => s.message.text) };
}

async function withAgent(customers: FakeChannel | ReturnType<typeof scriptedChannel>, options: Parameters<typeof harness>[2] = {}) {
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
  const h = await harness(dir, [customers as FakeChannel, agents], options);
  await h.send('telegram', '9001', '/online');
  await h.send('whatsapp', 'c1', 'hi');
  await h.send('whatsapp', 'c1', 'layla@example.com');
  const [conversation] = await h.store.openConversations();
  return { h, agents, conversation: conversation! };
}

describe('files relayed both ways', () => {
  it('relays a customer\'s photo to the agent with its caption, and an agent\'s file to the customer', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    await h.send('whatsapp', 'c1', 'this is the receipt', { attachments: [photo] });
    const relayed = agents.sent.at(-1)!;
    expect(relayed.message.text).toBe(`#${conversation.id} Layla: this is the receipt`);
    expect(relayed.message.attachments).toEqual([photo]);

    const invoice = { kind: 'document' as const, mime: 'application/pdf', size: 900, name: 'invoice.pdf', ref: 'b'.repeat(32) };
    await h.send('telegram', '9001', 'Here is your corrected invoice', { attachments: [invoice] });
    expect(customers.sent.at(-1)?.message).toMatchObject({ text: 'Here is your corrected invoice', attachments: [invoice] });
    // In the transcript with their files: the customer's, its copy relayed to the agent, the agent's.
    const transcript = await h.store.messagesOfConversation(conversation.id);
    expect(transcript.filter((m) => m.attachments).map((m) => [m.from, m.attachments?.[0]?.name])).toEqual([['contact', 'receipt.jpg'], ['bot', 'receipt.jpg'], ['agent', 'invoice.pdf']]);
    await h.close();
  });

  it('tells the customer politely when their file was too large, and the agent what did not arrive', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    await h.send('whatsapp', 'c1', '', { text: undefined, attachments: [{ kind: 'video', mime: 'video/mp4', name: 'unboxing.mp4', refused: 'the file is larger than 20 MB' }] });
    expect(customers.textsTo('c1').at(-1)).toBe('Sorry, your file could not be received (the file is larger than 20 MB). Could you send a smaller one, or describe it?');
    expect(agents.textsTo('9001').at(-1)).toBe(`#${conversation.id} Layla: [unboxing.mp4 was not received: the file is larger than 20 MB]`);
    expect(agents.sent.at(-1)?.message.attachments).toBeUndefined();
    await h.close();
  });

  it('apologises once for an album whose photos were too large, in the customer\'s language, while the agent sees each', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    const tooLarge = (n: number) => ({ kind: 'image' as const, mime: 'image/jpeg', name: `photo-${n}.jpg`, refused: 'the file is larger than 20 MB' });
    const before = customers.textsTo('c1').length;
    for (const n of [1, 2, 3]) await h.send('whatsapp', 'c1', '', { text: undefined, album: 'album-1', attachments: [tooLarge(n)] });
    expect(customers.textsTo('c1').slice(before)).toEqual(['Sorry, one or more of the files you sent could not be received (the file is larger than 20 MB). Could you send smaller ones, or describe them?']);
    expect(agents.textsTo('9001').slice(-3)).toEqual([1, 2, 3].map((n) => `#${conversation.id} Layla: [photo-${n}.jpg was not received: the file is larger than 20 MB]`));
    // Another album is another apology; an Arabic speaker's is in Arabic.
    const contact = (await h.store.contact(conversation.contactId))!;
    await h.store.transaction('test', async (tx) => tx.putContact({ ...contact, language: 'ar' }));
    await h.send('whatsapp', 'c1', '', { text: undefined, album: 'album-2', attachments: [tooLarge(4)] });
    await h.send('whatsapp', 'c1', '', { text: undefined, album: 'album-2', attachments: [tooLarge(5)] });
    await h.send('whatsapp', 'c1', '', { text: undefined, attachments: [tooLarge(6)] });
    expect(customers.textsTo('c1').slice(before + 1)).toEqual(['عذرًا، تعذّر استلام ملف أو أكثر مما أرسلته. هل يمكنك إرسال ملفات أصغر أو وصفها؟', 'عذرًا، تعذّر استلام صورتك. هل يمكنك إرسال صورة أصغر أو وصفها؟']);
    await h.close();
  });

  it('tells an agent a file of theirs that was not kept, and sends the customer nothing for it', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    const before = customers.sent.length;
    await h.send('telegram', '9001', '', { text: undefined, attachments: [{ kind: 'document', name: 'huge.zip', refused: 'the file is larger than 20 MB' }] });
    expect(customers.sent).toHaveLength(before);
    expect(agents.textsTo('9001').at(-1)).toBe(`#${conversation.id}: not sent to the customer. [huge.zip was not received: the file is larger than 20 MB]`);
    await h.close();
  });
});

describe('delivery statuses', () => {
  it('records delivered and read, never going back, and tells the agent of a message that failed', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    await h.send('telegram', '9001', 'Your refund is on its way');
    const wireId = customers.sent.at(-1)!.id;
    const at = new Date().toISOString();
    const events: string[] = [];
    h.bus.on('message.status', ({ status }) => events.push(status));
    await h.runtime.report({ channel: 'whatsapp', messageId: wireId, status: 'read', at });
    await h.runtime.report({ channel: 'whatsapp', messageId: wireId, status: 'delivered', at });
    expect((await h.store.messageByChannelId('whatsapp', wireId))?.delivery).toBe('read');
    expect(events).toEqual(['read']);

    await h.runtime.report({ channel: 'whatsapp', messageId: wireId, status: 'failed', reason: 'the customer\'s number is no longer on WhatsApp', at });
    await h.outbox.drain();
    expect(await h.store.messageByChannelId('whatsapp', wireId)).toMatchObject({ status: 'failed', error: 'the customer\'s number is no longer on WhatsApp' });
    expect(agents.textsTo('9001').at(-1)).toBe(`#${conversation.id}: your message to Layla was not delivered ("Your refund is on its way"): the channel said "the customer's number is no longer on WhatsApp"`);
    // A status about a message not sent from here changes nothing.
    await h.runtime.report({ channel: 'whatsapp', messageId: 'somebody-else', status: 'failed', at });
    await h.close();
  });
});

describe('a status that arrives before its message\'s id is recorded', () => {
  it('is recorded once the id is', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, conversation } = await withAgent(customers);
    const send = customers.channel.send.bind(customers.channel);
    let reported: Promise<void> | undefined;
    customers.channel.send = async (to, message) => {
      const id = await send(to, message);
      // The channel's receipt comes in before `send` has even returned the id.
      reported = h.runtime.report({ channel: 'whatsapp', messageId: id, status: 'delivered', at: new Date().toISOString() });
      return id;
    };
    await h.send('telegram', '9001', 'On its way');
    await reported;
    const sent = (await h.store.messagesOfConversation(conversation.id)).find((m) => m.text === 'On its way');
    expect(sent).toMatchObject({ status: 'sent', delivery: 'delivered' });
    await h.close();
  });
});

describe('send errors that mean something', () => {
  it('does not retry a permanent refusal, records its reason and tells the agent who wrote it', async () => {
    const customers = scriptedChannel('whatsapp', []);
    const { h, agents, conversation } = await withAgent(customers);
    customers.attempts.length = 0;
    // The next send is refused for good.
    (customers as unknown as { channel: Channel }).channel.send = ((send) => async (to: string, message: OutboundMessage) => {
      if (message.text === 'Are you there?') {
        customers.attempts.push({ to, message, at: Date.now() });
        throw new ChannelSendError('Forbidden: bot was blocked by the user', { permanent: true });
      }
      return send(to, message);
    })(customers.channel.send.bind(customers.channel));
    await h.send('telegram', '9001', 'Are you there?');
    // The agent is told once the failure is recorded, in a transaction of its own.
    await eventually(() => agents.textsTo('9001').at(-1)?.includes('was not delivered') === true);
    expect(customers.attempts.filter((a) => a.message.text === 'Are you there?')).toHaveLength(1);
    const stored = (await h.store.messagesOfConversation(conversation.id)).find((m) => m.text === 'Are you there?');
    expect(stored).toMatchObject({ status: 'failed', error: 'Forbidden: bot was blocked by the user' });
    expect(agents.textsTo('9001').at(-1)).toBe(`#${conversation.id}: your message to Layla was not delivered ("Are you there?"): the channel said "Forbidden: bot was blocked by the user"`);
    await h.close();
  });

  it('tells the agent once when their message waits long for the customer\'s channel, then that it went; a short wait, nothing', async () => {
    const customers = scriptedChannel('whatsapp', []);
    // A wait of 300 ms counts as long here (30 s by default).
    const { h, agents, conversation } = await withAgent(customers, { longWaitMs: 300 });
    const refusals = new Map([['Your refund is on its way', 2], ['One more thing', 1]]);
    customers.channel.send = ((send) => async (to: string, message: OutboundMessage) => {
      const left = refusals.get(message.text) ?? 0;
      if (left > 0) {
        refusals.set(message.text, left - 1);
        customers.attempts.push({ to, message, at: Date.now() });
        // The refund's first refusal asks for no wait (the outbox's own 5 ms), its second for 400 ms: long.
        throw new ChannelSendError('Too Many Requests: retry after 1', { permanent: false, retryAfterMs: message.text === 'Your refund is on its way' && left === 1 ? 400 : 0 });
      }
      return send(to, message);
    })(customers.channel.send.bind(customers.channel));
    const toldOf = (text: string) => agents.textsTo('9001').filter((told) => told.includes(`("${text}")`));

    await h.send('telegram', '9001', 'Your refund is on its way');
    await eventually(() => toldOf('Your refund is on its way').length === 2);
    expect(customers.textsTo('c1').filter((text) => text === 'Your refund is on its way')).toHaveLength(1);
    expect(toldOf('Your refund is on its way')).toEqual([
      `#${conversation.id}: your message to Layla has not gone yet ("Your refund is on its way"): the channel said "Too Many Requests: retry after 1". It is sent again by itself for up to 24 hours; you will be told whether it goes.`,
      `#${conversation.id}: your message to Layla went after all ("Your refund is on its way").`,
    ]);

    // Refused once and sent 5 ms later: the agent hears nothing of it.
    await h.send('telegram', '9001', 'One more thing');
    await eventually(() => customers.textsTo('c1').includes('One more thing'));
    await h.send('whatsapp', 'c1', 'thanks');
    await eventually(() => agents.textsTo('9001').some((told) => told.includes('thanks')));
    expect(toldOf('One more thing')).toEqual([]);
    await h.close();
  });

  it('tries an agent\'s message again through hours of its channel down, until it is a day old, then tells the agent it was not delivered', async () => {
    let shift = 0;
    const now = () => new Date(Date.now() + shift);
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers, { now });
    let attempts = 0;
    customers.channel.send = async () => {
      attempts++;
      throw new Error('connection refused');
    };
    const notDelivered = () => agents.textsTo('9001').filter((told) => told.includes('was not delivered'));
    await h.runtime.deliver({ channel: 'telegram', id: 'omar-refund', from: { id: '9001' }, text: 'Your refund is on its way', at: now().toISOString() });

    // 23 hours on it is still tried, and the agent has not been told it failed.
    shift = 23 * 3_600_000;
    const before = attempts;
    await eventually(() => attempts >= before + 3);
    expect(notDelivered()).toEqual([]);

    // A day old, it is given up: marked failed, and the agent told in the channel's words.
    shift = 24 * 3_600_000 + 60_000;
    await eventually(() => notDelivered().length === 1);
    expect(notDelivered()).toEqual([`#${conversation.id}: your message to Layla was not delivered ("Your refund is on its way"): the channel said "connection refused"`]);
    const [mine] = (await h.store.messagesOfContact(conversation.contactId)).filter((message) => message.text === 'Your refund is on its way');
    expect(mine?.status).toBe('failed');
    await h.close();
  });

  it('waits as long as the channel asks before trying again, without holding up other recipients', async () => {
    const customers = scriptedChannel('whatsapp', []);
    const agents = fakeChannel('telegram');
    const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
    const h = await harness(dir, [customers as unknown as FakeChannel, agents]);
    // Seconds, not a fraction of one: the other customer's reply must leave within it, and on a busy runner (its
    // commits synced to a disk other test files share) that can take a few hundred milliseconds.
    const floodWaitMs = 2_000;
    let floodOnce = true;
    const send = customers.channel.send.bind(customers.channel);
    customers.channel.send = async (to, message) => {
      if (to === 'slow' && floodOnce) {
        floodOnce = false;
        customers.attempts.push({ to, message, at: Date.now() });
        throw new ChannelSendError('Too Many Requests: retry after 2', { permanent: false, retryAfterMs: floodWaitMs });
      }
      return send(to, message);
    };
    const slowAttempts = () => customers.attempts.filter((a) => a.to === 'slow');
    const slow = h.send('whatsapp', 'slow', 'hi');
    await h.runtime.deliver({ channel: 'whatsapp', id: 'fast-1', from: { id: 'fast', name: 'Sam' }, text: 'hi', at: new Date().toISOString() });
    // The other customer's reply leaves while the first one waits out its flood wait: before its second attempt.
    while (customers.textsTo('fast').length === 0 && slowAttempts().length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(customers.textsTo('fast')).toEqual(['What is your email address?']);
    expect(customers.textsTo('slow')).toEqual([]);
    await slow;
    expect(customers.textsTo('slow')).toEqual(['What is your email address?']);
    const [flooded, retried] = slowAttempts();
    // A timer may fire a millisecond before Date.now() shows its delay has passed.
    expect(retried!.at - flooded!.at).toBeGreaterThanOrEqual(floodWaitMs - 5);
    await h.close();
  });
  it('does not try again early when the channel asks for a wait longer than a timer holds', async () => {
    const customers = scriptedChannel('whatsapp', []);
    const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
    const h = await harness(dir, [customers as unknown as FakeChannel, fakeChannel('telegram')]);
    customers.channel.send = async (to, message) => {
      customers.attempts.push({ to, message, at: Date.now() });
      // Telegram's retry_after of 1e400 parses as Infinity; 10^10 s is past what setTimeout holds.
      throw new ChannelSendError('Too Many Requests: retry after a long time', { permanent: false, retryAfterMs: to === 'far' ? 1e13 : Infinity });
    };
    for (const who of ['far', 'never']) await h.runtime.deliver({ channel: 'whatsapp', id: `${who}-1`, from: { id: who, name: 'Sam' }, text: 'hi', at: new Date().toISOString() });
    await eventually(() => customers.attempts.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(customers.attempts.map((a) => a.to).sort()).toEqual(['far', 'never']);
    await h.close();
  });
});

describe('the agent action API', () => {
  it('closes, transfers, notes and hands back through act(), which the chat commands use too', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    const omar = h.directory.agent('omar')!;
    const note = await h.runtime.act(omar, { kind: 'note', conversationId: conversation.id, text: 'VIP customer' });
    expect(note).toMatchObject({ ok: true, message: `Note added to #${conversation.id} (only agents see it).`, conversationId: conversation.id });
    // The command says the same, because it is the same action.
    await h.send('telegram', '9001', `/note ${conversation.id} called back`);
    expect(agents.textsTo('9001').at(-1)).toBe(note.message);
    expect((await h.store.messagesOfConversation(conversation.id)).filter((m) => m.from === 'note').map((m) => m.text)).toEqual(['VIP customer', 'called back']);

    const refused = await h.runtime.act(omar, { kind: 'close', conversationId: 999 });
    expect(refused).toMatchObject({ ok: false, message: '#999 is not an open conversation.', conversationId: 999 });

    // Handing back: the flow goes on after its assign step, and the bot speaks again.
    const handedBack = await h.runtime.act(omar, { kind: 'handBack', conversationId: conversation.id });
    expect(handedBack.ok).toBe(true);
    await h.outbox.drain();
    expect(await h.store.conversation(conversation.id)).toMatchObject({ stage: 'bot', status: 'open' });
    expect(customers.textsTo('c1').slice(-2)).toEqual(['Thanks for waiting. Anything else?', 'Anything else?']);
    await h.send('whatsapp', 'c1', 'no, all good');
    expect((await h.store.conversation(conversation.id))?.fields.more).toBe('no, all good');

    const away = await h.runtime.act(omar, { kind: 'status', status: 'away' });
    expect(away.message).toBe('You are away: no new conversations until you are online again (/online).');
    await h.close();
  });

  it('hands back with /handback from the agent\'s app', async () => {
    const customers = fakeChannel('whatsapp');
    const { h, agents, conversation } = await withAgent(customers);
    await h.send('telegram', '9001', '/handback');
    expect(agents.textsTo('9001').at(-1)).toBe(`#${conversation.id} is back with the bot.`);
    expect(customers.textsTo('c1').at(-1)).toBe('Anything else?');
    await h.close();
  });
});
