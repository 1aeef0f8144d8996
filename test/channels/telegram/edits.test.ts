// A customer's edit of a message they sent on Telegram (an `edited_message` update), against the fake Bot API: what
// the agent holding the conversation sees, what the customer sees (nothing), the transcript, and edits of messages
// the store never had. An agent's edits: agent-edits.test.ts.
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { eventually, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, fixture, teamFile, post, telegramServers, type TelegramSetUp } from './harness.ts';

const servers = telegramServers();
// With a webhook, a public URL: the bot registers it with Telegram (setWebhook), saying which updates it wants.
const setUp = (mode: TelegramSetUp) => servers.setUp({ ...(mode.webhook ? { publicUrl: 'https://bot.example.com' } : {}), ...mode });

let nextUpdate = 1;
let nextMessage = 1000;
function text(chat: number, body: string): Record<string, any> {
  const name = chat === OMAR ? 'Omar' : 'Layla';
  return {
    update_id: nextUpdate++,
    message: { message_id: nextMessage++, date: 1763950000, chat: { id: chat, type: 'private', first_name: name }, from: { id: chat, is_bot: false, first_name: name }, text: body },
  };
}

/** Telegram's update for `sent` (a `text` update) edited to say `now`, `after` seconds later. */
function edited(sent: Record<string, any>, now: string, after = 30): Record<string, any> {
  const { message } = sent;
  return { update_id: nextUpdate++, edited_message: { ...message, text: now, edit_date: message.date + after } };
}

/** Omar online, Layla through the flow's button, the conversation assigned to Omar. */
async function assigned(send: (update: Record<string, any>) => Promise<unknown>, api: FakeBotApi): Promise<void> {
  await send(text(OMAR, '/online'));
  await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
  await send(text(LAYLA, 'hello'));
  await eventually(() => api.sentTo(LAYLA).length === 2);
  const pressed = fixture('callback-query');
  pressed.update_id = nextUpdate++;
  pressed.callback_query.message.message_id = api.messagesTo(LAYLA)[1]!.message_id;
  await send(pressed);
  await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1')));
  // Layla is told Omar joined (her third message), which leaves by the outbox after Omar's card: what each test counts
  // of hers starts after it.
  await eventually(() => api.sentTo(LAYLA).length === 3);
}

describe('Telegram: a customer edits a message', () => {
  it('asks Telegram for edits and shows Omar, who holds the conversation, Layla\'s corrected order number once, however often Telegram delivers it', async () => {
    const { app, api } = await setUp({ webhook: true });
    await eventually(() => api.callsOf('setWebhook').length === 1);
    expect(api.callsOf('setWebhook')[0]!.params.allowed_updates).toContain('edited_message');
    await assigned((update) => post(app, update), api);
    const typo = text(LAYLA, 'My order is A-1243');
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: My order is A-1243'));
    const toLayla = api.sentTo(LAYLA).length;
    const toOmar = api.sentTo(OMAR).length;

    const fixed = edited(typo, 'My order is A-1234');
    expect(await post(app, fixed)).toBe(200);
    // Telegram delivers the same update again (no answer in time, a restart): Omar is told once.
    expect(await post(app, fixed)).toBe(200);
    expect(await post(app, text(LAYLA, 'thanks'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: thanks'));
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([
      '#1 Layla edited a message: My order is A-1234 (was "My order is A-1243")',
      '#1 Layla: thanks',
    ]);
    // In his chat the line quotes the relay of the message it corrects.
    const relayed = api.messagesTo(OMAR).find((m) => m.text === '#1 Layla: My order is A-1243')!;
    const notice = api.callsOf('sendMessage').find((call) => String(call.params.text).includes('edited a message'))!;
    expect(notice.params.reply_parameters).toMatchObject({ message_id: relayed.message_id });
    // Layla is not answered for correcting herself.
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);

    // The transcript keeps both versions: the message as sent, and the edit of it.
    const messages = await app.store.messagesOfConversation(1);
    const original = messages.find((m) => m.text === 'My order is A-1243')!;
    const edits = messages.filter((m) => m.edit !== undefined);
    expect(edits.map((m) => [m.from, m.text, m.edit?.of])).toEqual([['contact', '[edited "My order is A-1243"] My order is A-1234', original.channelMessageId]]);
  });

  it('shows Omar the newest edit last when Telegram\'s webhook requests bring an older edit after it: the older one is not relayed', async () => {
    const { app, api } = await setUp({ webhook: true });
    await assigned((update) => post(app, update), api);
    const typo = text(LAYLA, 'My order is A-1243');
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: My order is A-1243'));
    const toOmar = api.sentTo(OMAR).length;

    // Layla corrects it twice; the webhook's requests come in the other order.
    const second = edited(typo, 'My order is A-1234, sorry', 40);
    const first = edited(typo, 'My order is A-1234', 20);
    expect(await post(app, second)).toBe(200);
    expect(await post(app, first)).toBe(200);
    expect(await post(app, text(LAYLA, 'thanks'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: thanks'));
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([
      '#1 Layla edited a message: My order is A-1234, sorry (was "My order is A-1243")',
      '#1 Layla: thanks',
    ]);
  });

  it('shows the edit in the team desk\'s topic of a conversation waiting there, quoting the message it corrects', async () => {
    const DESK = -1001234567890;
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`) });
    expect(await post(app, text(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(LAYLA, 'Billing'))).toBe(200);
    // The topic's card first: a message written while the topic is being opened is shown in the card, not relayed.
    await eventually(() => api.sentTo(DESK).some((t) => t.startsWith('#1 ·')));
    const typo = text(LAYLA, 'My order is A-1243');
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: My order is A-1243'));
    const relayed = api.messagesTo(DESK).find((m) => m.text === '#1 Layla: My order is A-1243')!;
    expect(await post(app, edited(typo, 'My order is A-1234'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((t) => t.includes('edited a message')));
    const notice = api.callsOf('sendMessage').find((call) => String(call.params.text).includes('edited a message'))!;
    expect(notice.params).toMatchObject({
      chat_id: String(DESK), message_thread_id: 55, text: '#1 Layla edited a message: My order is A-1234 (was "My order is A-1243")',
      reply_parameters: { message_id: relayed.message_id },
    });
  });

  it('keeps an edit of a message from a closed conversation in that conversation: it opens none, and tells nobody', async () => {
    const { app, api } = await setUp({ webhook: true });
    await assigned((update) => post(app, update), api);
    const typo = text(LAYLA, 'My order is A-1243');
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: My order is A-1243'));
    expect(await post(app, text(OMAR, '/close 1 refunded'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('Closed #1')));
    // Layla is told it closed, sent apart from Omar's line: what is counted of hers starts after it.
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'This conversation is now closed. Write to us any time.');
    const toOmar = api.sentTo(OMAR).length;
    const toLayla = api.sentTo(LAYLA).length;

    expect(await post(app, edited(typo, 'My order is A-1234'))).toBe(200);
    // Omar's next command is answered after anything the edit would have told him.
    expect(await post(app, text(OMAR, '/list'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > toOmar);
    expect(api.sentTo(OMAR).slice(toOmar).some((t) => t.includes('edited'))).toBe(false);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect((await app.store.conversations()).map((c) => [c.id, c.status])).toEqual([[1, 'closed']]);
    expect((await app.store.messagesOfConversation(1)).filter((m) => m.edit !== undefined).map((m) => m.text)).toEqual(['[edited "My order is A-1243"] My order is A-1234']);
  });

  it('takes edits by long polling too', async () => {
    const { api } = await setUp({ webhook: false });
    await eventually(() => api.callsOf('getUpdates').length > 0);
    expect(api.callsOf('getUpdates')[0]!.params.allowed_updates).toContain('edited_message');
    await assigned(async (update) => api.push(update), api);
    const sent = fixture('private-text');
    sent.update_id = nextUpdate++;
    sent.message.message_id = 12;
    sent.message.text = 'My order is A-1243';
    api.push(sent);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: My order is A-1243'));
    api.push({ ...fixture('private-edited-text'), update_id: nextUpdate++ });
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla edited a message: My order is A-1234 (was "My order is A-1243")'));
  });

  it('keeps an edit made while the bot waits for an answer in the transcript only: the question is not asked again, the flow not re-run', async () => {
    const { app, api } = await setUp({ webhook: true });
    const first = text(LAYLA, 'helo');
    expect(await post(app, first)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    expect(await post(app, edited(first, 'hello'))).toBe(200);
    // Her next words are what the bot answers: one wrong answer to the question, one nudge (the edit was none).
    expect(await post(app, text(LAYLA, 'the invoice'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length > 2);
    expect(api.sentTo(LAYLA).slice(2)).toEqual(['Please pick one of the options (you can also type its number).']);
    const messages = await app.store.messagesOfConversation(1);
    expect(messages.filter((m) => m.edit !== undefined).map((m) => m.text)).toEqual(['[edited "helo"] hello']);
    const conversation = await app.store.conversation(1);
    expect(conversation).toMatchObject({ stage: 'bot', status: 'open' });
    expect(conversation?.fields.topic).toBeUndefined();
  });

  it('logs an edit of a message the store never had (older than it, or not the sender\'s), answers 200 and tells nobody', async () => {
    const { log, lines } = recordingLog();
    const { app, api } = await setUp({ webhook: true, log });
    await assigned((update) => post(app, update), api);
    const toOmar = api.sentTo(OMAR).length;
    const toLayla = api.sentTo(LAYLA).length;
    // Sent before Switchboard kept this chat.
    expect(await post(app, edited(text(LAYLA, 'old'), 'older than the store'))).toBe(200);
    // Omar's own message, "edited" as if Layla's: not hers to correct.
    const omars = text(OMAR, '/online');
    const forged = edited(omars, 'not hers');
    forged.edited_message.chat = { id: LAYLA, type: 'private', first_name: 'Layla' };
    forged.edited_message.from = { id: LAYLA, is_bot: false, first_name: 'Layla' };
    forged.edited_message.message_id = omars.message.message_id;
    expect(await post(app, forged)).toBe(200);
    expect(await post(app, text(LAYLA, 'still there?'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: still there?'));
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual(['#1 Layla: still there?']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect((await app.store.messagesOfConversation(1)).filter((m) => m.edit !== undefined)).toEqual([]);
    expect(lines.filter((line) => String(line.msg).includes('an edit of a message the store does not have'))).toHaveLength(2);
  });
});
