// The shipped flow's clarifying question as a Telegram customer meets it, end to end against the fake Bot API with the
// shipped inbound flow, team.yaml and NLP data: a need the model is unsure of is asked about with an inline keyboard,
// and the customer who types instead of pressing, with a typo, an emoji, in Arabic, or in other words, is routed to
// the team they meant.
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { eventually } from '../../helpers.ts';
import type { FakeBotApi } from './fake-bot-api.ts';
import { OMAR, fixture, post, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();

const CLARIFY = 'Is this about billing, a technical problem, or a purchase?';
const CLARIFY_AR = 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟';

/** Brings `chat` to the clarifying question: greeted, email given, a need the model cannot place. */
async function toClarify(app: Switchboard, api: FakeBotApi, chat: number, words: { email: string; need: string; question: string }): Promise<void> {
  expect(await post(app, text(chat, words.need === 'عندي سؤال' ? 'مرحبا' : 'hello'))).toBe(200);
  expect(await post(app, text(chat, words.email))).toBe(200);
  expect(await post(app, text(chat, words.need))).toBe(200);
  await eventually(() => api.sentTo(chat).at(-1) === words.question, 30_000);
  expect(api.messagesTo(chat).at(-1)!.reply_markup).toMatchObject({ inline_keyboard: [[{ callback_data: 'billing' }], [{ callback_data: 'tech_support' }], [{ callback_data: 'sales' }]] });
}

async function conversationOf(app: Switchboard, chat: number) {
  const contact = await app.store.contactByIdentity('telegram', String(chat));
  return (await app.store.conversations()).find((conversation) => conversation.contactId === contact?.id);
}

describe('the clarifying question, on Telegram', () => {
  it('routes a customer who types the button\'s words with a typo, an emoji or in Arabic, or tells the need again in other words', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    const english = { email: 'a@example.com', need: 'I have a question about something', question: CLARIFY };
    const arabic = { email: 'b@example.com', need: 'عندي سؤال', question: CLARIFY_AR };
    const cases: [number, typeof english, string, string][] = [
      [7001, english, 'biling', 'Billing'],
      [7002, english, 'sales 🛒', 'Sales'],
      [7003, arabic, 'فواتير', 'Billing'],
      [7004, english, 'my card was charged twice this month', 'Billing'],
      [7005, english, 'the app crashes when I log in', 'Support'],
    ];
    for (const [chat, words, typed, team] of cases) {
      await toClarify(app, api, chat, words);
      const asked = api.sentTo(chat).length;
      expect(await post(app, text(chat, typed))).toBe(200);
      await eventually(async () => (await conversationOf(app, chat))?.stage === 'queued');
      // Before: the question again, and after a second miss the queue of Support, whatever the customer had meant.
      expect(await conversationOf(app, chat), typed).toMatchObject({ team });
      expect(api.sentTo(chat).slice(asked).filter((said) => said === words.question), typed).toEqual([]);
    }
  }, 120_000);

  it('takes a button of the question answered earlier as no answer: not for the agent holding the conversation, nor a new conversation after the close', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => /online/i.test(said)));
    const chat = 7101;
    await toClarify(app, api, chat, { email: 'c@example.com', need: 'I have a question about something', question: CLARIFY });
    const question = api.messagesTo(chat).at(-1)!;
    // Typed, not pressed: the keyboard is taken off the question too. Before: it stayed, inviting the presses below.
    expect(await post(app, text(chat, 'support'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));
    await eventually(() => api.callsOf('editMessageReplyMarkup').some((call) => call.params.chat_id === chat && call.params.message_id === question.message_id));
    // The presses below come from where Telegram could not take it off (a message too old to edit), or an app behind.
    let presses = 0;
    const press = (data: string) => {
      const pressed = fixture('callback-query');
      presses += 1;
      pressed.update_id += presses;
      pressed.callback_query.id = `${pressed.callback_query.id}-${presses}`;
      pressed.callback_query.from.id = chat;
      pressed.callback_query.message.chat.id = chat;
      pressed.callback_query.message.message_id = question.message_id;
      pressed.callback_query.data = data;
      return post(app, pressed);
    };

    // Omar holds it; she scrolls up and presses Billing. Before: Omar read "Billing", out of nowhere, and she nothing.
    const toOmar = api.sentTo(OMAR).length;
    expect(await press('billing')).toBe(200);
    await eventually(() => api.sentTo(chat).at(-1) === 'That button is from a question you already answered. Write your message here and our team will read it.');
    expect(api.sentTo(OMAR).slice(toOmar)).toEqual([]);
    expect(await app.store.conversation(1)).toMatchObject({ team: 'Support', stage: 'assigned' });

    expect(await post(app, text(OMAR, '/close 1'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.status === 'closed');
    // Days later she presses "Support" under that old question. Before: a new conversation, greeted and asked again.
    expect(await press('tech_support')).toBe(200);
    await eventually(() => api.sentTo(chat).at(-1) === 'That button is from a question you already answered. This conversation is closed: write to us here any time.');
    expect(await app.store.conversation(2)).toBeUndefined();
    const contact = await app.store.contactByIdentity('telegram', String(chat));
    const said = (await app.store.messagesOfContact(contact!.id)).filter((message) => message.direction === 'in' && message.choice !== undefined);
    // Kept in the conversation, as its title (not "tech_support", the button's id).
    expect(said.map((message) => [message.conversationId, message.text])).toEqual([[1, 'Billing'], [1, 'Support']]);

    // She writes again: a new conversation, and its question waits. The old question's Billing, pressed now, is of the
    // conversation before. Before: "That button is from a question you already answered.", as if of this one.
    const before = api.sentTo(chat).length;
    expect(await post(app, text(chat, 'hi'))).toBe(200);
    await eventually(async () => api.sentTo(chat).length > before && (await app.store.conversation(2))?.flow?.waiting !== undefined);
    const asked = api.sentTo(chat).at(-1)!;
    expect(await press('billing')).toBe(200);
    await eventually(() => api.sentTo(chat).at(-2) === 'That button is from an earlier conversation.');
    await eventually(() => api.sentTo(chat).at(-1) === asked);
    expect(await app.store.conversation(2)).toMatchObject({ status: 'open', stage: 'bot' });
    expect((await app.store.conversation(2))?.team).toBeUndefined();
  }, 120_000);

  it('asks a need that names no team with the keyboard, and gives the agent the second of two needs on the card', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    // Before: "I have a problem" went to Sales (0.57) and «عندي مشكلة» to Support (0.66), unasked.
    await toClarify(app, api, 7201, { email: 'd@example.com', need: 'I have a problem', question: CLARIFY });
    await toClarify(app, api, 7202, { email: 'e@example.com', need: 'عندي مشكلة', question: CLARIFY_AR });
    expect(await post(app, text(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => /online/i.test(said)));
    const chat = 7203;
    expect(await post(app, text(chat, 'hello'))).toBe(200);
    expect(await post(app, text(chat, 'f@example.com'))).toBe(200);
    expect(await post(app, text(chat, 'I was charged twice, and the app keeps crashing when I log in'))).toBe(200);
    await eventually(async () => (await conversationOf(app, chat))?.agentId === 'omar', 30_000);
    // Before: Billing, and Omar's card said nothing of the crashing app.
    expect(await conversationOf(app, chat)).toMatchObject({ team: 'Billing' });
    const id = (await conversationOf(app, chat))!.id;
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith(`#${id} `)));
    expect(api.sentTo(OMAR).find((said) => said.startsWith(`#${id} `))).toContain('Also asked: the app keeps crashing when I log in');
  }, 120_000);
});
