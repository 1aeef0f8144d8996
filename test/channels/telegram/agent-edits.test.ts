// An agent's edit of a message they sent a customer, from their Telegram chat with the bot (an `edited_message`
// update), against the fake Bot API: what the customer receives (a correction replying to what they got, once however
// often Telegram delivers the edit), in their language, and what an edit of a command or after the close does (nothing
// for the customer, a short note for the agent).
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, fixture, post, teamFile, telegramServers } from './harness.ts';

const SARA = 9002;
const servers = telegramServers();
const setUp = (team?: string) => servers.setUp({ webhook: true, ...(team ? { team } : {}) });

let nextUpdate = 1;
let nextMessage = 1000;
function text(chat: number, body: string, language?: string): Record<string, any> {
  const name = chat === OMAR ? 'Omar' : 'Layla';
  const from = { id: chat, is_bot: false, first_name: name, ...(language ? { language_code: language } : {}) };
  return { update_id: nextUpdate++, message: { message_id: nextMessage++, date: 1763950000, chat: { id: chat, type: 'private', first_name: name }, from, text: body } };
}

/** Telegram's update for `sent` (a `text` update) edited to say `now`, `after` seconds later. */
function edited(sent: Record<string, any>, now: string, after = 30): Record<string, any> {
  const { message } = sent;
  return { update_id: nextUpdate++, edited_message: { ...message, text: now, edit_date: message.date + after } };
}

/** Omar online, Layla through the flow's button, the conversation assigned to Omar. */
async function assigned(app: Parameters<typeof post>[0], api: FakeBotApi, language?: string): Promise<void> {
  await post(app, text(OMAR, '/online'));
  await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
  await post(app, text(LAYLA, 'hello', language));
  await eventually(() => api.sentTo(LAYLA).length === 2);
  const pressed = fixture('callback-query');
  pressed.update_id = nextUpdate++;
  pressed.callback_query.message.message_id = api.messagesTo(LAYLA)[1]!.message_id;
  if (language) pressed.callback_query.from.language_code = language;
  await post(app, pressed);
  await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1')));
  // Layla is told Omar joined (her third message), which leaves by the outbox after Omar's card: what each test counts
  // of hers starts after it.
  await eventually(() => api.sentTo(LAYLA).length === 3);
}

/** Omar's reply `body` to Layla, once she has it; resolves to his update and the message she got. */
async function replied(app: Parameters<typeof post>[0], api: FakeBotApi, body: string) {
  const reply = text(OMAR, body);
  expect(await post(app, reply)).toBe(200);
  await eventually(() => api.sentTo(LAYLA).includes(body));
  return { reply, got: api.messagesTo(LAYLA).find((m) => m.text === body)! };
}

describe('Telegram: an agent edits a message the customer got', () => {
  it('sends Layla no blank correction when Omar blanks his message out (invisible characters), and tells him so', async () => {
    const { app, api } = await setUp();
    await assigned(app, api);
    const { reply } = await replied(app, api, 'Your refund is 50 EUR');
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;
    expect(await post(app, edited(reply, '\u200b'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([
      '#1: your edit leaves nothing to read, so nothing was sent; the customer still has your message as it was (a sent message cannot be taken back). Write a correction as a new message.',
    ]);
    await replied(app, api, 'Anything else?');
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Anything else?']);
  });

  it('sends Layla the correction once, as a reply to the message she got, however often Telegram delivers the edit; the transcript keeps it', async () => {
    const { app, api } = await setUp();
    await assigned(app, api);
    const { reply, got } = await replied(app, api, 'Your refund is 50 EUR');
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    const fixed = edited(reply, 'Your refund is 15 EUR');
    expect(await post(app, fixed)).toBe(200);
    // Telegram delivers the same update again (no answer in time, a restart): Layla is corrected once.
    expect(await post(app, fixed)).toBe(200);
    await replied(app, api, 'Anything else?');
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Correction: Your refund is 15 EUR', 'Anything else?']);
    const correction = api.callsOf('sendMessage').find((call) => call.params.text === 'Correction: Your refund is 15 EUR')!;
    expect(correction.params).toMatchObject({ chat_id: String(LAYLA), reply_parameters: { message_id: got.message_id } });
    // Omar is not answered for a correction that went out.
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([]);

    // Edited again: the next correction, still replying to the message Layla got; an edit to what she has says nothing.
    expect(await post(app, edited(reply, 'Your refund is 16 EUR', 60))).toBe(200);
    expect(await post(app, edited(reply, 'Your refund is 16 EUR', 90))).toBe(200);
    await replied(app, api, 'Bye');
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Correction: Your refund is 15 EUR', 'Anything else?', 'Correction: Your refund is 16 EUR', 'Bye']);
    const second = api.callsOf('sendMessage').find((call) => call.params.text === 'Correction: Your refund is 16 EUR')!;
    expect(second.params.reply_parameters).toMatchObject({ message_id: got.message_id });

    const transcript = await app.store.messagesOfConversation(1);
    const sentCopy = transcript.find((m) => m.text === 'Your refund is 50 EUR')!;
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => [m.from, m.agentId, m.text, m.edit?.text, m.replyTo])).toEqual([
      ['agent', 'omar', 'Correction: Your refund is 15 EUR', 'Your refund is 15 EUR', sentCopy.channelMessageId],
      ['agent', 'omar', 'Correction: Your refund is 16 EUR', 'Your refund is 16 EUR', sentCopy.channelMessageId],
    ]);
  });

  it('corrects in Arabic for a customer whose app speaks Arabic', async () => {
    const { app, api } = await setUp();
    await assigned(app, api, 'ar');
    const { reply } = await replied(app, api, 'Your refund is 50 EUR');
    expect(await post(app, edited(reply, 'Your refund is 15 EUR'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((t) => t.includes('15 EUR')));
    expect(api.sentTo(LAYLA).at(-1)).toBe('تصحيح: \u2068Your refund is 15 EUR\u2069');
  });

  it('carries out no edited command and sends the customer nothing; Omar is told the command did not run again', async () => {
    const { app, api } = await setUp();
    await assigned(app, api);
    const before = api.sentTo(OMAR).length;
    const list = text(OMAR, '/list');
    expect(await post(app, list)).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > before);
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    expect(await post(app, edited(list, '/close 1'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual(['An edited command is not carried out: send it again as a new message.']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect((await app.store.conversation(1))?.status).toBe('open');
  });

  it('sends no stray correction after the close, not even into Layla\'s next conversation, and tells Omar it did not reach her', async () => {
    const { app, api } = await setUp();
    await assigned(app, api);
    const { reply } = await replied(app, api, 'Your refund is 50 EUR');
    expect(await post(app, text(OMAR, '/close 1'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('Closed #1')));
    // Layla writes again: a new conversation, with the bot.
    expect(await post(app, text(LAYLA, 'one more thing'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'Which team?');
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    const fixed = edited(reply, 'Your refund is 15 EUR');
    expect(await post(app, fixed)).toBe(200);
    expect(await post(app, fixed)).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(await post(app, text(OMAR, '/list'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar + 1);
    // Told once, before the answer to his next command.
    // Who closed it and when: himself, a moment ago.
    expect(api.sentTo(OMAR)[toOmar]).toMatch(/^#1 was closed by you on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: your edit did not reach the customer\.$/);
    expect(api.sentTo(OMAR).filter((t) => t.includes('your edit'))).toHaveLength(1);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect((await app.store.messagesOfContact((await app.store.conversation(1))!.contactId)).filter((m) => m.edit !== undefined)).toEqual([]);
  });

  it('sends a customer on the web chat the correction with a short quote of the message it corrects', async () => {
    const { app, api } = await setUp();
    await post(app, text(OMAR, '/online'));
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    const dana = visitor(app.url, 'dana', 'Dana');
    await dana.say('hello');
    await dana.press('billing');
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1')));
    const reply = text(OMAR, 'Your refund is 50 EUR');
    expect(await post(app, reply)).toBe(200);
    expect(await post(app, edited(reply, 'Your refund is 15 EUR'))).toBe(200);
    let fromOmar: { text: string; quote?: string }[] = [];
    for (let waited = 0; waited < 3000 && fromOmar.length < 2; waited += 25) {
      fromOmar = (await dana.messages()).filter((m) => m.from === 'agent').map((m) => ({ text: m.text, ...(m.quote !== undefined ? { quote: m.quote } : {}) }));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(fromOmar).toEqual([{ text: 'Your refund is 50 EUR' }, { text: 'Correction: Your refund is 15 EUR', quote: '"Your refund is 50 EUR"' }]);
  });

  it('sends nothing for an edit of a message to a conversation Omar passed on to Sara, and tells him who has it', async () => {
    const team = teamFile.replace('    max_open: 3\n', `    max_open: 3\n  - name: Sara\n    telegram: ${SARA}\n    teams: [Billing]\n`);
    expect(team).toContain('Sara');
    const { app, api } = await setUp(team);
    await post(app, text(SARA, '/online'));
    await eventually(() => api.sentTo(SARA).some((t) => /online/i.test(t)));
    await assigned(app, api);
    const { reply } = await replied(app, api, 'Your refund is 50 EUR');
    expect(await post(app, text(OMAR, '/transfer 1 Sara'))).toBe(200);
    await eventually(() => api.sentTo(SARA).some((t) => t.startsWith('#1')));
    // Layla is told Sara joined, sent apart from Sara's card: what is counted of hers starts after it.
    await eventually(() => api.sentTo(LAYLA).at(-1) === '\u2068Sara\u2069 has joined the conversation.');
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    expect(await post(app, edited(reply, 'Your refund is 15 EUR'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).slice(toOmar).some((t) => t.includes('your edit')));
    expect(api.sentTo(OMAR).slice(toOmar).filter((t) => t.includes('your edit'))).toEqual(['#1 is not yours any more (Sara has it): your edit did not reach the customer.']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  });

  it('tells Omar that an edit of a message the bot never relayed (one it refused, one older than the store) reached nobody', async () => {
    const { app, api } = await setUp();
    await post(app, text(OMAR, '/online'));
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    // Nothing held: the bot said so, and sent it nowhere.
    const nowhere = text(OMAR, 'Your refund is 50 EUR');
    expect(await post(app, nowhere)).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('You hold no conversation')));
    const toOmar = api.sentTo(OMAR).length;
    expect(await post(app, edited(nowhere, 'Your refund is 15 EUR'))).toBe(200);
    expect(await post(app, edited(text(OMAR, 'from before the store'), 'still before it'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length >= toOmar + 2);
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([
      'Your edit was not sent to anyone: the bot has no record of that message going to a customer.',
      'Your edit was not sent to anyone: the bot has no record of that message going to a customer.',
    ]);
    expect(api.sentTo(LAYLA)).toEqual([]);
  });
});
