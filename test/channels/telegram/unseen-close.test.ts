// An agent's /close in Telegram at the moment the customer writes again, against the fake Bot API: the customer's
// words reach the agent's chat (or the team desk's topic) after the /close, or are still on their way to it, and the
// close is refused with them quoted, the conversation staying open; a /close sent once they were shown closes.
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { eventually } from '../../helpers.ts';
import type { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, fixture, post, teamFile, telegramServers } from './harness.ts';

const { setUp } = telegramServers();

const SAMI = 5002;
const REFUSED = 'Layla wrote in #1 what your chat had not shown you when you sent /close: "wait, one more thing". Nothing was closed: read it, then close again.';
const CLOSED_NOTICE = /now closed/;

let nextUpdate = 1;
/**
 * A private text message from `chat`, numbered as Telegram numbers it when it is sent (`messageId`, by default now):
 * after every message the bot sent before it, before every one it sends after.
 */
function text(api: FakeBotApi, chat: number, body: string, messageId = api.takeMessageId()): Record<string, unknown> {
  const name = chat === OMAR ? 'Omar' : chat === LAYLA ? 'Layla' : 'Sami';
  return {
    update_id: nextUpdate++,
    message: {
      message_id: messageId, date: 1763950000,
      chat: { id: chat, type: 'private', first_name: name },
      from: { id: chat, is_bot: false, first_name: name },
      text: body,
    },
  };
}

/** `chat` writes, picks Billing, and the conversation comes to Omar, who is online: its card is in his chat. */
async function toOmar(app: Switchboard, api: FakeBotApi, chat: number, id: number): Promise<void> {
  expect(await post(app, text(api, chat, 'hello'))).toBe(200);
  await eventually(() => api.sentTo(chat).length === 2);
  const pressed = fixture('callback-query');
  pressed.callback_query.id = `pressed-${chat}`;
  Object.assign(pressed.callback_query.from, { id: chat, first_name: chat === LAYLA ? 'Layla' : 'Sami' });
  pressed.callback_query.message.chat.id = chat;
  pressed.callback_query.message.message_id = api.messagesTo(chat)[1]!.message_id;
  pressed.update_id = nextUpdate++;
  expect(await post(app, pressed)).toBe(200);
  await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith(`#${id}`)));
  // The customer is told Omar joined, after his card: what each test counts of the customer's messages starts after it.
  await eventually(() => api.sentTo(chat).some((t) => t.includes('has joined the conversation')));
}

async function statusOf(app: Switchboard, id: number): Promise<string | undefined> {
  return (await app.store.conversation(id))?.status;
}

describe('an agent\'s /close in Telegram as the customer writes again', () => {
  it('is refused when the customer\'s words reached Omar\'s chat after his /close; the customer stays with him, and a /close after them closes', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, text(api, OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    await toOmar(app, api, LAYLA, 1);
    await toOmar(app, api, SAMI, 2);

    // Omar sends "/close 2" (Telegram numbers it now); Layla's words in #1 come into his chat after it: they are not
    // #2's, which closes.
    const closeTwo = api.takeMessageId();
    expect(await post(app, text(api, LAYLA, 'are you still there?'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: are you still there?'));
    expect(await post(app, text(api, OMAR, '/close 2', closeTwo))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('Closed #2.'));

    // Omar sends "/close 1"; Layla wrote at the same moment, and the relay of her words came into his chat after
    // his /close, before the bot got it.
    const closeOne = api.takeMessageId();
    expect(await post(app, text(api, LAYLA, 'wait, one more thing'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: wait, one more thing'));
    const toLayla = api.sentTo(LAYLA).length;
    expect(await post(app, text(api, OMAR, '/close 1', closeOne))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes(REFUSED));
    // On the code before: 'Closed #1.', and Layla's last words sat in a closed transcript.
    expect(api.sentTo(OMAR).slice(-2)).toEqual(['#1 Layla: wait, one more thing', REFUSED]);
    expect(await statusOf(app, 1)).toBe('open');

    // Layla is still with Omar: her next words go to him, not to a new conversation the bot greets.
    expect(await post(app, text(api, LAYLA, 'my order is A-1234'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: my order is A-1234'));
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);

    // Having read them, Omar closes again: his /close comes after every relay in his chat.
    expect(await post(app, text(api, OMAR, '/close 1 refunded'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('Closed #1 (refunded).'));
    await eventually(() => api.sentTo(LAYLA).some((t) => CLOSED_NOTICE.test(t)));
    expect(await statusOf(app, 1)).toBe('closed');
  });

  it('is refused while the relay of the customer\'s words is still on its way to Omar, whose chat then shows them before the refusal', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, text(api, OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    await toOmar(app, api, LAYLA, 1);
    const toLayla = api.sentTo(LAYLA).length;

    // Layla's words are stored, and their relay waits on its way to Telegram when Omar's /close is handled.
    const release = api.hold('sendMessage');
    expect(await post(app, text(api, LAYLA, 'wait, one more thing'))).toBe(200);
    expect(await post(app, text(api, OMAR, '/close'))).toBe(200);
    // On the code before: closed here, and Layla got the closing notice after her last words.
    expect(await statusOf(app, 1)).toBe('open');
    release();
    await eventually(() => api.sentTo(OMAR).includes(REFUSED));
    expect(api.sentTo(OMAR).slice(-2)).toEqual(['#1 Layla: wait, one more thing', REFUSED]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);

    expect(await post(app, text(api, OMAR, '/close'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('Closed #1.'));
    await eventually(() => api.sentTo(LAYLA).some((t) => CLOSED_NOTICE.test(t)));
    expect(await statusOf(app, 1)).toBe('closed');
  });

  it('in a team desk\'s topic, is refused when the customer\'s words came into the topic after the /close; the topic stays open until the next /close', async () => {
    const DESK = -1001234567890;
    const { app, api } = await setUp({ webhook: true, team: teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`) });
    const inTopic = (body: string, messageId = api.takeMessageId()) => {
      const update = fixture('forum-topic-message');
      update.update_id = nextUpdate++;
      Object.assign(update.message, { message_id: messageId, message_thread_id: 55, chat: { ...update.message.chat, id: DESK }, text: body });
      return update;
    };
    expect(await post(app, text(api, LAYLA, 'hello'))).toBe(200);
    expect(await post(app, text(api, LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((t) => t.startsWith('#1')));
    expect(await post(app, inTopic('Looking into it now'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Looking into it now'));

    const closing = api.takeMessageId();
    expect(await post(app, text(api, LAYLA, 'wait, one more thing'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: wait, one more thing'));
    expect(await post(app, inTopic('/close refunded', closing))).toBe(200);
    const refused = 'Layla wrote in #1 what this topic had not shown you when you sent /close: "wait, one more thing". Nothing was closed: read it, then close again.';
    await eventually(() => api.sentTo(DESK).includes(refused));
    // On the code before: closed, and the topic with it.
    expect(await statusOf(app, 1)).toBe('open');
    expect(api.callsOf('closeForumTopic')).toEqual([]);

    expect(await post(app, inTopic('/close refunded'))).toBe(200);
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'omar', closingNote: 'refunded' });
    expect(api.sentTo(DESK).at(-1)).toBe('Closed #1 (refunded).');
  });
});
