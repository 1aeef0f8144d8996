// What the other side sees when a customer sends the worst their app can (a voice note that cannot be fetched, a poll,
// a quote of an earlier message, a forwarded text) to an agent who answers from Telegram, against the fake Bot API:
// nothing is dropped without the agent being told, in the agent's language, and a customer waiting for an agent
// learns what will not reach one.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, post, textNow, telegramServers } from '../channels/telegram/harness.ts';

const { setUp } = telegramServers();
const isolated = (text: string) => `\u2068${text}\u2069`;

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';
const team = (language = '') => `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
${language}`;

/** Omar online (reading `language`), and Layla's "hello" in his hands as #1. */
async function laylaWithOmar(language = '') {
  const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team(language) });
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length === 1);
  expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1')));
  // Layla is told Omar joined, which leaves by the outbox after Omar's card: counted before what each test sends her.
  await eventually(() => api.sentTo(LAYLA).some((text) => text.includes('has joined the conversation')));
  /** Posts Layla's message with `fields` instead of a text, and resolves once Omar got `count` more messages. */
  const fromLayla = async (fields: Record<string, unknown>, count = 1) => {
    const update = textNow(LAYLA, '') as { update_id: number; message: Record<string, unknown> };
    delete update.message.text;
    Object.assign(update.message, fields);
    const before = api.sentTo(OMAR).length;
    expect(await post(app, update)).toBe(200);
    await eventually(() => api.sentTo(OMAR).length >= before + count);
    return { update, toOmar: api.sentTo(OMAR).slice(before) };
  };
  return { app, api, fromLayla };
}

describe('a customer\'s file that did not arrive', () => {
  it('is named for the agent as a person names it: a voice message, a photo', async () => {
    const { fromLayla } = await laylaWithOmar();
    // Neither file is on Telegram's servers any more: both are delivered with the reason.
    const voice = await fromLayla({ voice: { file_id: 'AwAC-gone-voice', file_unique_id: 'gone-1', duration: 3, mime_type: 'audio/ogg' } });
    expect(voice.toOmar).toEqual([expect.stringMatching(/^#1 Layla: \[a voice message was not received: .+\]$/)]);
    const photo = await fromLayla({ photo: [{ file_id: 'AgAC-gone-photo', file_unique_id: 'gone-2', width: 90, height: 90 }] });
    expect(photo.toOmar).toEqual([expect.stringMatching(/^#1 Layla: \[a photo was not received: .+\]$/)]);
  }, 30_000);
});

describe('a kind of message nothing here can show (a poll, a story)', () => {
  it('is named to the agent, who is told to ask for it; the customer hears nothing from the bot while the agent holds it', async () => {
    const { api, fromLayla } = await laylaWithOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const { toOmar } = await fromLayla({ poll: { id: '5001', question: 'Which refund?', options: [{ text: 'Card' }, { text: 'Voucher' }], is_anonymous: false, type: 'regular' } });
    expect(toOmar).toEqual(['#1 Layla: [a message that cannot be shown here (poll): ask the customer to write it]']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  }, 30_000);

  it('is named in Arabic to an agent with language: ar', async () => {
    const { fromLayla } = await laylaWithOmar('    language: ar');
    const { toOmar } = await fromLayla({ story: { chat: { id: 777, type: 'channel', title: 'Acme' }, id: 12 } });
    expect(toOmar).toEqual([`#1 Layla: ${isolated('[رسالة لا يمكن عرضها هنا (قصة): اطلب من العميل كتابتها]')}`]);
  }, 30_000);

  it('sent while the customer waits in the queue, tells them it will not reach the agent', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team() });
    // Omar is offline: Layla waits in the queue.
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Please wait.'));
    const dice = textNow(LAYLA, '') as { message: Record<string, unknown> };
    delete dice.message.text;
    dice.message.dice = { emoji: '🎲', value: 4 };
    expect(await post(app, dice)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    expect(api.sentTo(LAYLA)).toEqual(['Please wait.', 'Sorry, that kind of message can\'t be shown to our team. Could you write it instead?']);
  }, 30_000);
});

describe('a customer\'s reply to an earlier message (their app\'s Reply)', () => {
  /** Layla's text, quoting the message `quoted` (its message_id in her chat). */
  const replyFromLayla = (text: string, quoted: number) => {
    const update = textNow(LAYLA, text) as { message: Record<string, unknown> };
    update.message.reply_to_message = { message_id: quoted, date: 1763950000, chat: { id: LAYLA, type: 'private', first_name: 'Layla' } };
    return update;
  };

  it('shows the agent the message it answers: the agent\'s own question, or the customer\'s earlier message, quoted there too', async () => {
    const { app, api } = await laylaWithOmar();
    expect(await post(app, textNow(OMAR, 'I refunded the second charge. Did that fix it?'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('I refunded the second charge. Did that fix it?'));
    const asked = api.messagesTo(LAYLA).find((m) => m.text === 'I refunded the second charge. Did that fix it?')!;
    expect(await post(app, replyFromLayla('No, still charged twice', asked.message_id))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('still charged twice'));
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla, replying to "I refunded the second charge. Did that fix it?": No, still charged twice');

    // Her own "hello", which Omar has on his card: quoted in his chat as well.
    const hello = textNow(LAYLA, 'My order is A-1243') as { message: { message_id: number } };
    expect(await post(app, hello)).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1) === '#1 Layla: My order is A-1243');
    const relayed = api.messagesTo(OMAR).at(-1)!;
    expect(await post(app, replyFromLayla('this one, sorry', hello.message.message_id))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('this one, sorry'));
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla, replying to "My order is A-1243": this one, sorry');
    const call = api.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === String(OMAR)).at(-1)!;
    expect(call.params.reply_parameters).toMatchObject({ message_id: relayed.message_id });

    // A message the transcript does not have (older than it): still a reply, which the agent can ask about.
    expect(await post(app, replyFromLayla('yes that', 12))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('yes that'));
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla, replying to a message: yes that');
  }, 30_000);

  it('is worded in Arabic for an agent with language: ar', async () => {
    const { app, api } = await laylaWithOmar('    language: ar');
    expect(await post(app, textNow(OMAR, 'Did that fix it?'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Did that fix it?'));
    const asked = api.messagesTo(LAYLA).find((m) => m.text === 'Did that fix it?')!;
    expect(await post(app, replyFromLayla('لا، ما زال مخصومًا مرتين', asked.message_id))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('مرتين'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`#1 ${isolated('Layla')} ردًا على «${isolated('Did that fix it?')}»: ${isolated('لا، ما زال مخصومًا مرتين')}`);
  }, 30_000);
});

describe('a forwarded message', () => {
  it('is marked for the agent as forwarded, so another\'s words are not read as the customer\'s', async () => {
    const { fromLayla } = await laylaWithOmar();
    const { toOmar } = await fromLayla({
      text: 'Your payment of 49.00 EUR to ACME failed. Reply STOP to opt out.',
      forward_origin: { type: 'hidden_user', sender_user_name: 'Bank Alerts', date: 1763940000 },
    });
    expect(toOmar).toEqual(['#1 Layla, forwarded: Your payment of 49.00 EUR to ACME failed. Reply STOP to opt out.']);
  }, 30_000);

  it('is marked in Arabic for an agent with language: ar', async () => {
    const { fromLayla } = await laylaWithOmar('    language: ar');
    const { toOmar } = await fromLayla({ text: 'Payment failed', forward_origin: { type: 'user', sender_user: { id: 42, is_bot: false, first_name: 'Sam' }, date: 1763940000 } });
    expect(toOmar).toEqual([`#1 ${isolated('Layla')} (رسالة محوّلة): Payment failed`]);
  }, 30_000);
});

describe('what an agent with language: ar reads of a customer\'s messages', () => {
  it('names on the card, in Arabic, a kind nothing here can show that the customer sent while waiting in the queue', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team('    language: ar') });
    // Omar is offline: Layla waits in the queue, and sends a poll there.
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Please wait.'));
    const poll = textNow(LAYLA, '') as { message: Record<string, unknown> };
    delete poll.message.text;
    poll.message.poll = { id: '5002', question: 'Which refund?', options: [{ text: 'Card' }, { text: 'Voucher' }], is_anonymous: false, type: 'regular' };
    expect(await post(app, poll)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);

    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1')));
    const card = api.sentTo(OMAR).find((text) => text.startsWith('#1'))!;
    expect(card.split('\n')).toContain(`› ${isolated('[رسالة لا يمكن عرضها هنا (استطلاع رأي): اطلب من العميل كتابتها]')}`);
    expect(card).not.toContain('cannot be shown');
  }, 30_000);

  it('names in Arabic the file a customer\'s reply quotes', async () => {
    const { app, api, fromLayla } = await laylaWithOmar('    language: ar');
    const { update } = await fromLayla({ photo: [{ file_id: 'AgAC-gone-photo', file_unique_id: 'gone-3', width: 90, height: 90 }] });
    const reply = textNow(LAYLA, 'this one') as { message: Record<string, unknown> };
    reply.message.reply_to_message = { message_id: (update.message as { message_id: number }).message_id, date: 1763950000, chat: { id: LAYLA, type: 'private', first_name: 'Layla' } };
    expect(await post(app, reply)).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('this one'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`#1 ${isolated('Layla')} ردًا على «${isolated('[صورة]')}»: this one`);
  }, 30_000);
});

describe('a customer\'s text of only invisible characters', () => {
  it('reaches no agent, as one of only spaces does', async () => {
    const { app, api } = await laylaWithOmar();
    const before = api.sentTo(OMAR).length;
    expect(await post(app, textNow(LAYLA, '\u200b\u200d'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'and now?'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('and now?')));
    expect(api.sentTo(OMAR).slice(before)).toEqual(['#1 Layla: and now?']);
  }, 30_000);
});

describe('a customer\'s edit that leaves nothing to read (only invisible characters)', () => {
  /** Telegram's update for Layla's `sent` message edited to say `now`. */
  const edited = (sent: { message: Record<string, unknown> }, now: string) =>
    ({ update_id: Number(sent.message.message_id) + 500_000, edited_message: { ...sent.message, text: now, edit_date: Number(sent.message.date) + 30 } });

  it('reaches the agent as the message taken back, not as an empty edit', async () => {
    const { app, api } = await laylaWithOmar();
    const card = textNow(LAYLA, 'My card is 4111 1111 1111 1111') as { message: Record<string, unknown> };
    expect(await post(app, card)).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1) === '#1 Layla: My card is 4111 1111 1111 1111');
    expect(await post(app, edited(card, '\u200b'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1) !== '#1 Layla: My card is 4111 1111 1111 1111');
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla deleted a message: "My card is 4111 1111 1111 1111"');
  }, 30_000);

  it('is worded in Arabic for an agent with language: ar', async () => {
    const { app, api } = await laylaWithOmar('    language: ar');
    const order = textNow(LAYLA, 'Cancel order 4521') as { message: Record<string, unknown> };
    expect(await post(app, order)).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('Cancel order 4521'));
    const before = api.sentTo(OMAR).length;
    expect(await post(app, edited(order, '\u2060 \u200d'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > before);
    expect(api.sentTo(OMAR).slice(before)).toEqual([`#1 حذف من ${isolated('Layla')} لرسالة: «${isolated('Cancel order 4521')}»`]);
  }, 30_000);
});
