// The Telegram channel end to end against a fake Bot API on 127.0.0.1 (reached through TELEGRAM_API_ROOT):
// webhooks and long polling, buttons, the handover to an agent in Telegram, refusals, 429s, long texts, and
// malformed updates (a fuzzing of the real fixtures).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, fixture, flow, teamFile, post, telegramServers } from './harness.ts';

const { setUp, stopAfterTest } = telegramServers();

let nextUpdate = 1;
let nextMessage = 1000;
/** A private text message from `chat`, in the shape of private-text.json. */
function text(chat: number, body: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    update_id: nextUpdate++,
    message: {
      message_id: nextMessage++, date: 1763950000,
      chat: { id: chat, type: 'private', first_name: chat === OMAR ? 'Omar' : 'Layla' },
      from: { id: chat, is_bot: false, first_name: chat === OMAR ? 'Omar' : 'Layla' },
      text: body, ...extra,
    },
  };
}

describe('Telegram channel, webhook mode', () => {
  it('takes a customer from the first message through a button to Omar in Telegram, his quoted reply back, and /close', async () => {
    const { app, api } = await setUp({ webhook: true, publicUrl: 'https://bot.example.com' });

    // At start: the webhook registers itself with the secret, and agents get the commands in their menu.
    await eventually(() => api.callsOf('setWebhook').length === 1 && api.callsOf('setMyCommands').length === 1);
    expect(api.callsOf('setWebhook')[0]!.params).toMatchObject({ url: 'https://bot.example.com/webhooks/telegram', secret_token: SECRET });
    const commands = api.callsOf('setMyCommands')[0]!.params;
    expect(commands.scope).toEqual({ type: 'chat', chat_id: '9001' });
    expect((commands.commands as { command: string }[]).map((c) => c.command)).toEqual(expect.arrayContaining(['online', 'close', 'claim']));
    expect(api.calls.every((call) => call.token === TOKEN)).toBe(true);

    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));

    // Layla's first message (the fixture as Telegram sends it): greeted by name, asked with an inline keyboard.
    expect(await post(app, fixture('private-text'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    const [greeting, question] = api.messagesTo(LAYLA);
    expect(greeting!.text).toBe('Hi Layla!');
    expect(question).toMatchObject({
      text: 'Which team?',
      reply_markup: { inline_keyboard: [[{ text: 'Billing', callback_data: 'billing' }], [{ text: 'Sales', callback_data: 'sales' }]] },
    });
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect(layla).toMatchObject({ name: 'Layla', language: 'ar' });

    // She presses "Billing": the query is answered, the keyboard removed, and Omar gets the card.
    const pressed = fixture('callback-query');
    pressed.callback_query.message.message_id = question!.message_id;
    expect(await post(app, pressed)).toBe(200);
    await eventually(() => api.callsOf('answerCallbackQuery').length === 1 && api.callsOf('editMessageReplyMarkup').length === 1);
    expect(api.callsOf('answerCallbackQuery')[0]!.params).toMatchObject({ callback_query_id: '4382bfdwdsb323b2d9' });
    expect(api.callsOf('editMessageReplyMarkup')[0]!.params).toMatchObject({
      chat_id: LAYLA, message_id: question!.message_id, reply_markup: { inline_keyboard: [] },
    });
    await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#1') && t.includes('Layla')));

    // Her next message is relayed to Omar; he replies quoting it (agent-reply-to.json) and she gets his text.
    expect(await post(app, text(LAYLA, 'I was charged twice'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: I was charged twice'));
    const relayed = api.messagesTo(OMAR).find((m) => m.text === '#1 Layla: I was charged twice')!;
    const reply = fixture('agent-reply-to');
    reply.message.reply_to_message.message_id = relayed.message_id;
    expect(await post(app, reply)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Sorry about that, Layla. I have refunded the second charge.'));

    expect(await post(app, text(OMAR, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('Closed #1')));
    const conversations = (await app.store.conversations()).filter((c) => c.contactId === layla!.id);
    expect(conversations.map((c) => [c.status, c.agentId])).toEqual([['closed', 'omar']]);
  });

  it('asks Telegram for reactions, and relays a customer\'s 👍 to the agent who asked "Did that fix it?", quoting it; taking it back says nothing; the agent\'s 🔥 goes on her message and comes off', async () => {
    const { app, api } = await setUp({ webhook: true, publicUrl: 'https://bot.example.com' });
    await eventually(() => api.callsOf('setWebhook').length === 1);
    expect(api.callsOf('setWebhook')[0]!.params.allowed_updates).toContain('message_reaction');
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    const pressed = fixture('callback-query');
    pressed.callback_query.message.message_id = api.messagesTo(LAYLA)[1]!.message_id;
    expect(await post(app, pressed)).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1')));
    expect(await post(app, text(OMAR, 'I refunded the second charge. Did that fix it?'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('I refunded the second charge. Did that fix it?'));
    const asked = api.messagesTo(LAYLA).find((m) => m.text === 'I refunded the second charge. Did that fix it?')!;
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    const reaction = (old: string[], now: string[]) => ({
      update_id: nextUpdate++,
      message_reaction: {
        chat: { id: LAYLA, type: 'private', first_name: 'Layla' }, message_id: asked.message_id, user: { id: LAYLA, is_bot: false, first_name: 'Layla' },
        date: 1763950100 + nextUpdate, old_reaction: old.map((emoji) => ({ type: 'emoji', emoji })), new_reaction: now.map((emoji) => ({ type: 'emoji', emoji })),
      },
    });
    expect(await post(app, reaction([], ['👍']))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual(['#1 Layla reacted 👍 to "I refunded the second charge. Did that fix it?"']);
    // Taken back: Omar gets no blank line; nor does Layla hear anything, then or now.
    expect(await post(app, reaction(['👍'], []))).toBe(200);
    expect(await post(app, text(LAYLA, 'yes thanks'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: yes thanks'));
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual(['#1 Layla reacted 👍 to "I refunded the second charge. Did that fix it?"', '#1 Layla: yes thanks']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);

    // Omar's 🔥 on the relay of "yes thanks" in his chat goes on her own message; taking it back takes it off.
    const thanks = api.messagesTo(OMAR).find((m) => m.text === '#1 Layla: yes thanks')!;
    const omarReacts = (old: string[], now: string[]) => ({
      update_id: nextUpdate++,
      message_reaction: {
        chat: { id: OMAR, type: 'private', first_name: 'Omar' }, message_id: thanks.message_id, user: { id: OMAR, is_bot: false, first_name: 'Omar' },
        date: 1763950200 + nextUpdate, old_reaction: old.map((emoji) => ({ type: 'emoji', emoji })), new_reaction: now.map((emoji) => ({ type: 'emoji', emoji })),
      },
    });
    const yesThanks = nextMessage - 1;
    expect(await post(app, omarReacts([], ['🔥']))).toBe(200);
    await eventually(() => api.callsOf('setMessageReaction').length === 1);
    expect(await post(app, omarReacts(['🔥'], []))).toBe(200);
    await eventually(() => api.callsOf('setMessageReaction').length === 2);
    expect(api.callsOf('setMessageReaction').map((call) => call.params)).toEqual([
      { chat_id: String(LAYLA), message_id: yesThanks, reaction: [{ type: 'emoji', emoji: '🔥' }] },
      { chat_id: String(LAYLA), message_id: yesThanks, reaction: [] },
    ]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual(['#1 Layla reacted 👍 to "I refunded the second charge. Did that fix it?"', '#1 Layla: yes thanks']);
  });

  it('takes an album (four photo updates sharing media_group_id) sent while a question waits as one wrong answer: asked again once', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    for (const n of [1, 2, 3, 4]) {
      api.addFile(`album-photo-${n}`, Buffer.from(`\xff\xd8\xff photo ${n}`, 'latin1'), { path: `photos/album_${n}.jpg` });
      expect(await post(app, {
        update_id: nextUpdate++,
        message: {
          message_id: nextMessage++, date: 1763950000, chat: { id: LAYLA, type: 'private', first_name: 'Layla' }, from: { id: LAYLA, is_bot: false, first_name: 'Layla' },
          media_group_id: '13712345678901234', photo: [{ file_id: `album-photo-${n}`, file_unique_id: `u${n}`, width: 1280, height: 960 }],
        },
      })).toBe(200);
    }
    const [contact] = await app.store.contacts();
    // Every reply stored with the album's messages has gone out before its webhook calls were answered, or goes now.
    const busy = async () => (await app.store.messagesOfContact(contact!.id)).some((m) => m.status === 'pending' || m.status === 'sending');
    for (let waited = 0; await busy(); waited += 20) {
      if (waited > 5000) throw new Error('replies still being sent after 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?', 'Please pick one of the options (you can also type its number).']);
    expect(api.messagesTo(LAYLA)[2]!.reply_markup).toBeDefined();
    const photos = (await app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in' && m.attachments);
    expect(photos.map((m) => m.attachments![0]!.kind)).toEqual(['image', 'image', 'image', 'image']);
  });

  it('refuses a forged or missing secret with 401: nothing stored, no Bot API call', async () => {
    const { app, api } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setMyCommands').length === 1);
    const before = api.calls.length;
    expect(await post(app, fixture('private-text'), 'forged')).toBe(401);
    expect(await post(app, fixture('private-text'), null)).toBe(401);
    expect(await post(app, fixture('private-text'), '')).toBe(401);
    expect(await post(app, '{not json', 'forged')).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.calls.length).toBe(before);
    expect(await app.store.contactByIdentity('telegram', String(LAYLA))).toBeUndefined();
  });

  it('answers 400 to malformed bodies and 200 with a logged ignore to unknown kinds of updates', async () => {
    const { app, api } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setMyCommands').length === 1);
    const before = api.calls.length;
    expect(await post(app, '{"update_id": 1, "message": ')).toBe(400);
    expect(await post(app, '[1, 2]')).toBe(400);
    expect(await post(app, '"text"')).toBe(400);
    expect(await post(app, { message: { text: 'no update_id' } })).toBe(400);
    expect(await post(app, { update_id: 77, poll: { id: '1', question: '?', options: [] } })).toBe(200);
    expect(await post(app, { update_id: 78, edited_message: { message_id: 1, chat: { id: LAYLA, type: 'private' }, text: 'edit' } })).toBe(200);
    expect(await post(app, { update_id: 79, message: { message_id: 3, chat: { id: LAYLA, type: 'private' }, date: 1, sticker: {} } })).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.calls.length).toBe(before);
    expect(await app.store.contactByIdentity('telegram', String(LAYLA))).toBeUndefined();
  });

  it('answers a webhook request the same whichever way it is read: the fast path for plain JSON, express for the rest', async () => {
    const { app } = await setUp({ webhook: true });
    /** Status, JSON body and the headers a client acts on; `?via=express` is not the fast route's exact path. */
    const answer = async (path: string, headers: Record<string, string>, body: string): Promise<unknown[]> => {
      const res = await fetch(`${app.url}${path}`, { method: 'POST', headers, body });
      return [res.status, await res.json(), res.headers.get('retry-after'), res.headers.get('content-type'), res.headers.get('x-frame-options'), res.headers.get('content-security-policy')];
    };
    const json = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
    const cases: [headers: Record<string, string>, body: string][] = [
      [json, '{"update_id": 1, "nonsense": true}'],
      [{ ...json, 'content-type': 'application/json; charset=UTF-8' }, JSON.stringify({ update_id: 2 })],
      [json, '{not json'],
      [json, '"a string"'],
      [json, ' [1, 2]'],
      [json, '{"no_update_id": 1}'],
      [json, `\ufeff${JSON.stringify({ update_id: 3 })}`],
      [json, ' '.repeat(1024 * 1024 + 1)],
      [{ ...json, 'x-telegram-bot-api-secret-token': 'wrong' }, JSON.stringify({ update_id: 4 })],
      [{ 'content-type': 'text/plain', 'x-telegram-bot-api-secret-token': SECRET }, JSON.stringify({ update_id: 5 })],
      [{ ...json, 'content-type': 'application/json; charset=latin1' }, JSON.stringify({ update_id: 6 })],
    ];
    for (const [headers, body] of cases) {
      const fast = await answer('/webhooks/telegram', headers, body);
      expect(fast, `${headers['content-type']} ${String(body).slice(0, 40)}`).toEqual(await answer('/webhooks/telegram?via=express', headers, body));
      expect(fast[4]).toBe('DENY');
    }
    // A message, answered 200 without express (which would have added an ETag).
    const res = await fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers: json, body: JSON.stringify(text(LAYLA, 'hi')) });
    expect([res.status, res.headers.get('etag')]).toEqual([200, null]);
  });

  it('answers 200 to a message dated 1e13 and to one it cannot decode, and the bot answers what follows', async () => {
    const { log, lines } = recordingLog();
    const { app, api } = await setUp({ webhook: true, log });
    // Whose message this is cannot be known: refused, acknowledged, nothing stored.
    expect(await post(app, text(LAYLA, 'hello', { message_id: 1e300 }))).toBe(200);
    expect(await app.store.contactByIdentity('telegram', String(LAYLA))).toBeUndefined();
    // A date past what a Date can hold: the message itself is fine, so it is answered.
    expect(await post(app, text(LAYLA, 'hello', { date: 1e13 }))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect((await app.store.messagesOfContact(layla!.id, 0)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hello']);
    const sami = 5002;
    expect(await post(app, { update_id: nextUpdate++, message: { message_id: nextMessage++, date: 1763950000, chat: { id: sami, type: 'private' }, from: { id: sami, is_bot: false, first_name: 'Sami' }, text: 'hi' } })).toBe(200);
    await eventually(() => api.sentTo(sami).length === 2);
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?']);
    expect(api.sentTo(sami)).toEqual(['Hi Sami!', 'Which team?']);
    expect(lines.filter((line) => line.msg === 'Telegram update refused')).toHaveLength(1);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('acts once on the same update delivered twice', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, fixture('private-text'))).toBe(200);
    expect(await post(app, fixture('private-text'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?']);
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    const inbound = (await app.store.messagesOfContact(layla!.id, 0)).filter((m) => m.direction === 'in');
    expect(inbound).toHaveLength(1);
  });

  it('ignores messages from groups and supergroups the bot was added to', async () => {
    const { app, api } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setMyCommands').length === 1);
    const before = api.calls.length;
    expect(await post(app, fixture('forum-topic-message'))).toBe(200);
    expect(await post(app, {
      update_id: 90, message: { message_id: 5, date: 1, chat: { id: -4001, type: 'group', title: 'Friends' }, from: { id: LAYLA, is_bot: false, first_name: 'Layla' }, text: 'hi bot' },
    })).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.calls.length).toBe(before);
    expect(await app.store.contactByIdentity('telegram', String(LAYLA))).toBeUndefined();
    expect(await app.store.contactByIdentity('telegram', String(OMAR))).toBeUndefined();
  });

  it('honours a 429 retry_after on sendMessage: sent once, after the wait, and in order', async () => {
    const { app, api } = await setUp({ webhook: true });
    api.fail('sendMessage', 1);
    const started = Date.now();
    expect(await post(app, fixture('private-text'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const attempts = api.callsOf('sendMessage').map((call) => [call.status, call.params.text]);
    expect(attempts).toEqual([[429, 'Hi Layla!'], [200, 'Hi Layla!'], [200, 'Which team?']]);
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    const statuses = async () => (await app.store.messagesOfContact(layla!.id, 0)).filter((m) => m.direction === 'out').map((m) => [m.text, m.status]);
    // The outcome is recorded once the Bot API has answered: a moment after the fake API saw the call.
    for (let tries = 0; tries < 100 && !(await statuses()).every(([, status]) => status === 'sent'); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await statuses()).toEqual([['Hi Layla!', 'sent'], ['Which team?', 'sent']]);
  });

  it('keeps the customer\'s message when the Bot API is down, and sends the reply once it is back', async () => {
    const { app, api } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setMyCommands').length === 1);
    const port = Number(new URL(api.url).port);
    await api.close();
    expect(await post(app, fixture('private-text'))).toBe(200);
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect((await app.store.messagesOfContact(layla!.id, 0)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([fixture('private-text').message.text]);
    // Connection refused: the outbox tries again 1 s later, then 5 s after that. The API is back before the first
    // retry on a quiet machine; on a loaded one it may come back only after it, and the second one sends the replies.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const back = await FakeBotApi.start(port);
    stopAfterTest({ stop: () => back.close() });
    await eventually(() => back.sentTo(LAYLA).length === 2, 10_000);
    expect(back.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?']);
  });

  it('saves a /start deep-link payload as the referral and answers as to a first message', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, text(LAYLA, '/start summer-ad'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    const layla = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect(layla?.fields.referral).toBe('summer-ad');
  });

  it('closes nothing on a /close with a number mistyped ("/close 0", "/close 1.", "/close 1 2"): Layla is not told her conversation closed', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1 ·')) && api.sentTo(LAYLA).some((t) => t.includes('has joined')));
    const toLayla = api.sentTo(LAYLA).length;
    for (const typed of ['0', '1.']) {
      expect(await post(app, text(OMAR, `/close ${typed}`))).toBe(200);
      await eventually(() => api.sentTo(OMAR).includes(`"${typed}" is not a conversation number; write it like /close 42 refunded.`));
    }
    expect(await post(app, text(OMAR, '/close 1 2'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('/close closes one conversation at a time, and nothing was closed: send /close 1, then /close 2.'));
    // On the code before: "Closed #1 (0)." and Layla read that her conversation was closed.
    expect((await app.store.openConversations()).map((c) => c.id)).toEqual([1]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  });

  it('carries out an Arabic agent\'s command that starts with a right-to-left mark, rather than send it and its note to the customer', async () => {
    const { app, api } = await setUp({ webhook: true, team: `${teamFile}    language: ar\n` });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1 ·')) && api.sentTo(LAYLA).some((t) => t.includes('has joined')));
    const toLayla = api.sentTo(LAYLA).length;
    expect(await post(app, text(OMAR, '\u200f/إغلاق ١ اشتباه احتيال'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('أُغلقت المحادثة #1')));
    // On the code before: Layla read "/إغلاق ١ اشتباه احتيال" (the team's note, "suspected fraud"), and #1 stayed open.
    expect((await app.store.openConversations()).map((c) => c.id)).toEqual([]);
    await eventually(() => api.sentTo(LAYLA).length > toLayla);
    expect(api.sentTo(LAYLA).slice(toLayla).join('\n')).not.toContain('احتيال');
  });
});

describe('Telegram channel, /start while the bot waits for an answer', () => {
  const emailFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Welcome to Acme!"
  - ask: "What is your email address?"
    expect: email
    save: contact.email
    retries: 1
    invalid: "That doesn't look like an email address. Could you check it?"
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, we are on it."
`;
  const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
`;

  it('asks the question again as it stands, spending no retry, and greets a customer who sends /start while the closing survey waits', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': emailFlow, 'survey.yaml': survey } });
    const said = async (count: number) => {
      await eventually(() => api.sentTo(LAYLA).length >= count);
      return api.sentTo(LAYLA);
    };
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await said(2)).toEqual(['Welcome to Acme!', 'What is your email address?']);

    // Sent twice (the chat reopened from the bot's profile, say): neither is a wrong email, though one retry only is
    // left (a second wrong answer would move on without the email).
    expect(await post(app, text(LAYLA, '/start'))).toBe(200);
    expect(await post(app, text(LAYLA, '/start@AcmeBot'))).toBe(200);
    expect((await said(4)).slice(2)).toEqual(['What is your email address?', 'What is your email address?']);
    expect(await post(app, text(LAYLA, 'layla at example'))).toBe(200);
    expect(await post(app, text(LAYLA, 'layla@example.com'))).toBe(200);
    // A deep link tapped while asked what they need is not their need either; its payload is still kept.
    expect(await post(app, text(LAYLA, '/start summer-ad'))).toBe(200);
    expect(await post(app, text(LAYLA, 'My parcel is late'))).toBe(200);
    expect((await said(9)).slice(4)).toEqual([
      "That doesn't look like an email address. Could you check it?",
      'What can we help you with?',
      'What can we help you with?',
      'Thanks, we are on it.',
      'How did we do, from 1 to 5?',
    ]);
    const contact = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect(contact?.fields).toMatchObject({ email: 'layla@example.com', referral: 'summer-ad' });
    const [first] = await app.store.conversations();
    expect(first).toMatchObject({ status: 'closed', fields: { need: 'My parcel is late' } });

    // The flow's end closed the conversation and the survey asks for a rating: /start is none, it starts over.
    expect(await post(app, text(LAYLA, '/start'))).toBe(200);
    expect((await said(11)).slice(9)).toEqual(['Welcome to Acme!', 'What is your email address?']);
    const conversations = await app.store.conversations();
    expect(conversations.map((conversation) => conversation.status)).toEqual(['closed', 'open']);
    expect(conversations[0]!.fields.rating).toBeUndefined();
  });

  it('takes /help and /settings, the commands Telegram users send any bot, as no answer: the question is asked again, no retry spent, no need saved', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': emailFlow } });
    const said = async (count: number) => {
      await eventually(() => api.sentTo(LAYLA).length >= count);
      return api.sentTo(LAYLA);
    };
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await said(2)).toEqual(['Welcome to Acme!', 'What is your email address?']);

    // Before, each read "That doesn't look like an email address" and the second moved on without asking it again.
    expect(await post(app, text(LAYLA, '/help'))).toBe(200);
    expect(await post(app, text(LAYLA, '/settings@AcmeBot'))).toBe(200);
    expect((await said(4)).slice(2)).toEqual(['What is your email address?', 'What is your email address?']);
    expect(await post(app, text(LAYLA, 'layla@example.com'))).toBe(200);
    // Asked what she needs, /help is not her need (before, it became it and went to the agent's card).
    expect(await post(app, text(LAYLA, '/help'))).toBe(200);
    expect(await post(app, text(LAYLA, 'My parcel is late'))).toBe(200);
    expect((await said(7)).slice(4)).toEqual(['What can we help you with?', 'What can we help you with?', 'Thanks, we are on it.']);
    const [conversation] = await app.store.conversations();
    expect(conversation).toMatchObject({ fields: { need: 'My parcel is late' } });
    expect((await app.store.contactByIdentity('telegram', String(LAYLA)))?.fields).toMatchObject({ email: 'layla@example.com' });
    // What she wrote stays in the transcript as she wrote it.
    const texts = (await app.store.messagesOfConversation(conversation!.id)).filter((message) => message.from === 'contact').map((message) => message.text);
    expect(texts).toEqual(['hello', '/help', '/settings@AcmeBot', 'layla@example.com', '/help', 'My parcel is late']);
  });

  it.each([
    { asked: 'the email', command: '/cancel@AcmeBot', before: [] as string[] },
    { asked: 'the need', command: '/stop', before: ['layla@example.com'] },
  ])('ends the questions at /cancel or /stop typed to $asked: she is told she waits for a person, and nothing is saved of it', async ({ command, before }) => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': emailFlow } });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 2);
    for (const answer of before) expect(await post(app, text(LAYLA, answer))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 2 + before.length);
    // Before: /cancel read "That doesn't look like an email address" and spent the retry; /stop became her need.
    expect(await post(app, text(LAYLA, command))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 3 + before.length);
    expect(api.sentTo(LAYLA).at(-1)).toBe('All right, no more questions. Someone from our team will answer you here; you are number 1 in line.');
    const [conversation] = await app.store.conversations();
    expect(conversation).toMatchObject({ status: 'open', stage: 'queued', team: 'Billing' });
    expect(conversation!.fields.need).toBeUndefined();
    const contact = await app.store.contactByIdentity('telegram', String(LAYLA));
    expect(contact?.fields.email).toBe(before.length > 0 ? 'layla@example.com' : undefined);
    // Kept in the transcript for the agent who takes her, as no answer to anything.
    const last = (await app.store.messagesOfConversation(conversation!.id)).filter((message) => message.from === 'contact').at(-1);
    expect(last).toMatchObject({ text: command });
    expect(last?.answers).toBeUndefined();
  });

  it('ends the questions at «/إلغاء» in Arabic, to an Arabic speaker', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': emailFlow } });
    const arabic = { from: { id: LAYLA, is_bot: false, first_name: 'ليلى', language_code: 'ar' } };
    expect(await post(app, text(LAYLA, 'مرحبا', arabic))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 2);
    expect(await post(app, text(LAYLA, '/إلغاء', arabic))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length >= 3);
    expect(api.sentTo(LAYLA).at(-1)).toBe('حسنًا، لا مزيد من الأسئلة. سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك 1 في قائمة الانتظار.');
    expect((await app.store.conversations())[0]).toMatchObject({ stage: 'queued' });
  });
});

describe('Telegram channel, long polling', () => {
  it('takes updates from getUpdates, advances the offset past what was stored, and mounts no webhook', async () => {
    const { app, api } = await setUp({ webhook: false });
    api.push(fixture('private-text'));
    await eventually(() => api.sentTo(LAYLA).length === 2);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    expect(api.callsOf('setWebhook')).toHaveLength(0);
    await eventually(() => api.callsOf('getUpdates').some((call) => call.params.offset === 810000002));
    const offsets = api.callsOf('getUpdates').map((call) => call.params.offset);
    expect(offsets[0]).toBeUndefined();

    const pressed = fixture('callback-query');
    pressed.callback_query.message.message_id = api.messagesTo(LAYLA)[1]!.message_id;
    api.push(pressed);
    await eventually(() => api.callsOf('answerCallbackQuery').length === 1);
    await eventually(() => api.callsOf('getUpdates').some((call) => call.params.offset === 810000003));

    expect(await post(app, fixture('private-text'))).toBe(404);
  });

  it('gives an agent added to team.yaml while running the commands menu, without a restart', async () => {
    const { app, api, dir } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setMyCommands').length === 1);
    await writeFile(join(dir, 'team.yaml'), `${teamFile}  - name: Sara\n    telegram: 9002\n    teams: [Billing]\n`);
    await app.directory.reload();
    await eventually(() => api.callsOf('setMyCommands').length === 2);
    expect(api.callsOf('setMyCommands').map((call) => (call.params.scope as { chat_id: string }).chat_id)).toEqual(['9001', '9002']);
  });

  it('runs a team desk: a topic per conversation with its card, customer messages in it, the first agent to write claims it, /close closes the topic', async () => {
    const DESK = -1001234567890;
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`) });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 1 && api.callsOf('sendMessage').some((c) => String(c.params.chat_id) === String(DESK)));
    const topic = api.callsOf('createForumTopic')[0]!.params;
    expect(topic).toMatchObject({ chat_id: String(DESK), name: '#1 Layla · Billing' });
    const card = api.callsOf('sendMessage').find((c) => String(c.params.chat_id) === String(DESK))!;
    expect(card.params.message_thread_id).toBe(55);
    expect(String(card.params.text)).toMatch(/^#1/);
    expect(String(card.params.text)).toMatch(/Whoever writes here first takes it/);
    // Nothing reached Omar's private chat: the team works in the desk.
    expect(api.sentTo(OMAR)).toEqual([]);

    expect(await post(app, text(LAYLA, 'are you there?'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: are you there?'));

    const inTopic = fixture('forum-topic-message');
    inTopic.update_id = nextUpdate++;
    Object.assign(inTopic.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...inTopic.message.chat, id: DESK }, text: 'Looking into it now' });
    expect(await post(app, inTopic)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Looking into it now'));
    expect((await app.store.conversation(1))).toMatchObject({ stage: 'assigned', agentId: 'omar', deskThread: { channel: 'telegram', address: `${DESK}/55` } });
    // The topic's line leaves by the outbox apart from Layla's: it may come after hers.
    await eventually(() => api.sentTo(DESK).includes('Omar took #1.'));

    // A stranger in the group is not an agent: not relayed, not stored.
    const stranger = fixture('forum-topic-message');
    stranger.update_id = nextUpdate++;
    Object.assign(stranger.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...stranger.message.chat, id: DESK }, from: { id: 4242, is_bot: false, first_name: 'Eve' }, text: 'psst' });
    expect(await post(app, stranger)).toBe(200);

    const close = fixture('forum-topic-message');
    close.update_id = nextUpdate++;
    Object.assign(close.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...close.message.chat, id: DESK }, text: '/close refunded' });
    expect(await post(app, close)).toBe(200);
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
    expect(api.callsOf('closeForumTopic')[0]!.params).toMatchObject({ chat_id: String(DESK), message_thread_id: 55 });
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'omar', closingNote: 'refunded' });
    expect(api.sentTo(LAYLA)).not.toContain('psst');
  });

  it('tells the customer a closing note shared in a desk topic with the styles the agent gave it', async () => {
    const DESK = -1001234567890;
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`) });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 1);
    const inTopic = (said: Record<string, unknown>) => {
      const update = fixture('forum-topic-message');
      update.update_id = nextUpdate++;
      Object.assign(update.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...update.message.chat, id: DESK }, ...said });
      return post(app, update);
    };
    expect(await inTopic({ text: 'Looking into it now' })).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Looking into it now'));
    const typed = '/close "Your refund is on its way"';
    expect(await inTopic({ text: typed, entities: [{ type: 'bold', offset: typed.indexOf('on its way'), length: 'on its way'.length }] })).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((said) => said.includes('Your refund is on its way')));
    const notice = api.callsOf('sendMessage').map((call) => call.params as { chat_id: unknown; text: string; entities?: unknown }).find((said) => String(said.chat_id) === String(LAYLA) && said.text.includes('Your refund is on its way'))!;
    expect(notice.entities).toEqual([{ type: 'bold', offset: notice.text.indexOf('on its way'), length: 'on its way'.length }]);
  });

  it('confirms an agent\'s /online and /close before the cards of the conversations they let in', async () => {
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('max_open: 3', 'max_open: 1') });
    const NOUR = 7002;
    for (const customer of [LAYLA, NOUR]) {
      expect(await post(app, text(customer, 'hello'))).toBe(200);
      expect(await post(app, text(customer, 'Billing'))).toBe(200);
    }
    // The webhook answers once the update's transaction is stored: both wait in Billing's queue, Omar being away.
    expect((await app.store.openConversations({ stage: 'queued' })).length).toBe(2);
    const order = (pattern: RegExp) => api.sentTo(OMAR).findIndex((t) => pattern.test(t));
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => order(/#1 ·/) >= 0);
    // Found by a helper: the card came first, as the confirmation was said once the action (and its drain) was done.
    expect(order(/You are online/), JSON.stringify(api.sentTo(OMAR))).toBe(order(/#1 ·/) - 1);
    expect(await post(app, text(OMAR, '/close 1'))).toBe(200);
    await eventually(() => order(/#2 ·/) >= 0);
    expect(order(/Closed #1/), JSON.stringify(api.sentTo(OMAR))).toBe(order(/#2 ·/) - 1);
  });

  it('tells the customer the agent joined before the agent\'s first words, when an agent takes a desk conversation by writing in its topic', async () => {
    const DESK = -1001234567890;
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`) });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.callsOf('sendMessage').some((c) => String(c.params.chat_id) === String(DESK)));
    const inTopic = fixture('forum-topic-message');
    inTopic.update_id = nextUpdate++;
    Object.assign(inTopic.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...inTopic.message.chat, id: DESK }, text: 'Looking into it now' });
    expect(await post(app, inTopic)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Looking into it now') && api.sentTo(LAYLA).some((t) => /has joined/.test(t)));
    const sent = api.sentTo(LAYLA);
    // Found by a helper: the notice came after the words, as the transaction's notices were added at its end.
    expect(sent.findIndex((t) => /has joined/.test(t)), JSON.stringify(sent)).toBe(sent.indexOf('Looking into it now') - 1);
  });
});

describe('Telegram channel, malformed updates', () => {
  /** A small seeded generator (mulberry32), so a failing run can be replayed from its seed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // JSON has no Infinity: this marker is replaced by the literal 1e999, which JSON.parse reads as Infinity.
  const INFINITY = '__infinity__';
  let deep: unknown = 'bottom';
  for (let level = 0; level < 2000; level++) deep = { a: deep, b: [level] };
  const nasty: unknown[] = [
    1e13, -1e13, 1e308, -1e308, 2 ** 53, -1, 0, 0.5, INFINITY, '', '1763950000', '-1001234567890', 'x'.repeat(50_000),
    'y'.repeat(5_000), '\ud800', '/start ' + ' '.repeat(10_000) + 'x y', null, true, false, [], {}, [[[[1]]]], deep,
    { toString: 1, valueOf: 1 }, JSON.parse('{"__proto__": {"polluted": true}}'), { id: 5001, type: 'private' }, ['private'],
  ];

  /** Every path to a value inside `value` down to six levels, the empty path (the whole value) included. */
  function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null || at.length >= 6) return [at];
    return [at, ...Object.entries(value).flatMap(([key, child]) => paths(child, [...at, Array.isArray(value) ? Number(key) : key]))];
  }

  function mutate(update: Record<string, any>, next: () => number): void {
    const pick = <T,>(items: T[]): T => items[Math.floor(next() * items.length)]!;
    // A copy, so that later mutations inside an inserted value do not change the list.
    const nastyValue = () => JSON.parse(JSON.stringify(pick(nasty))) as unknown;
    const candidates = paths(update).filter((candidate) => candidate.length > 0);
    if (candidates.length === 0) return;
    const path = pick(candidates);
    const parent = path.slice(0, -1).reduce((value: any, key) => value[key], update);
    const key = path.at(-1)!;
    const roll = next();
    if (roll < 0.15 && !Array.isArray(parent)) delete parent[key];
    else if (roll < 0.25) parent[key] = [parent[key]];
    else if (roll < 0.3) parent[`${key}_${Math.floor(next() * 1000)}`] = nastyValue();
    else parent[key] = nastyValue();
  }

  it('answers every one of 400 randomly broken copies of the real fixtures with 200 or 400, never 500, and keeps answering', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20251124);
    const next = random(seed);
    const { log, lines } = recordingLog();
    const { app, api } = await setUp({ webhook: true, log });
    const names = [
      'private-text', 'callback-query', 'agent-reply-to', 'forum-topic-message',
      'private-photo', 'private-voice', 'private-document', 'private-venue', 'private-contact',
    ];
    for (let round = 0; round < 400; round++) {
      const update = fixture(names[Math.floor(next() * names.length)]!);
      update.update_id = 900_000 + round;
      if (update.message) update.message.message_id = 50_000 + round;
      const mutations = 1 + Math.floor(next() * 3);
      for (let count = 0; count < mutations; count++) mutate(update, next);
      const body = JSON.stringify(update).replaceAll(`"${INFINITY}"`, '1e999');
      const status = await post(app, body);
      expect([200, 400], `seed ${seed}, round ${round}: ${body.slice(0, 300)}`).toContain(status);
    }
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);

    const nadia = 5555;
    expect(await post(app, { update_id: 1, message: { message_id: 1, date: 1763950000, chat: { id: nadia, type: 'private' }, from: { id: nadia, is_bot: false, first_name: 'Nadia' }, text: 'hello' } })).toBe(200);
    await eventually(() => api.sentTo(nadia).length === 2);
    expect(api.sentTo(nadia)).toEqual(['Hi Nadia!', 'Which team?']);
  });
});
