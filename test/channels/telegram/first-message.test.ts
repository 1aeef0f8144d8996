// A new customer's first message as a Telegram customer meets it, end to end against the fake Bot API, with the
// shipped inbound flow, team.yaml and NLP data: one that says what they need is taken as their need (asked only for
// their email, then routed by their words to the team), while a plain greeting is asked what they need, as before.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { post, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();

const HELLO = 'Hi Layla! Thanks for getting in touch.';
const EMAIL = "What's your email address, in case we need to follow up?";
const NEED = 'How can we help you today?';

describe('a new customer\'s first message, on Telegram', () => {
  it('routes a newcomer who says what they need in their first message without asking it again; a plain hello is asked', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    const [buyer, greeter, arabic] = [6001, 6002, 6003];
    const say = async (chat: number, body: string) => expect(await post(app, text(chat, body))).toBe(200);
    const conversationOf = async (chat: number) => {
      const contact = await app.store.contactByIdentity('telegram', String(chat));
      return (await app.store.conversations()).find((conversation) => conversation.contactId === contact?.id);
    };

    await say(buyer, 'I would like to buy the premium plan, who can help?');
    await eventually(() => api.sentTo(buyer).length === 2);
    expect(api.sentTo(buyer)).toEqual([HELLO, EMAIL]);
    await say(buyer, 'layla@example.com');
    await eventually(() => api.sentTo(buyer).length === 3);
    // Before: "How can we help you today?", though she had said it.
    expect(api.sentTo(buyer)[2]).toBe("Nobody on our Sales team is free right now: you are number 1 in line. Stay here, we'll be with you shortly.");
    expect(await conversationOf(buyer)).toMatchObject({
      stage: 'queued', team: 'Sales', intent: 'sales',
      fields: { first_message: 'I would like to buy the premium plan, who can help?', need: 'I would like to buy the premium plan, who can help?' },
    });

    // "hello there!" says no need: asked, as a plain "hi" always was.
    await say(greeter, 'hello there!');
    await say(greeter, 'layla@example.com');
    await eventually(() => api.sentTo(greeter).length === 3);
    expect(api.sentTo(greeter)).toEqual([HELLO, EMAIL, NEED]);
    expect((await conversationOf(greeter))?.fields.first_message).toBeUndefined();

    // Arabic: a greeting before the need does not hide it.
    await say(arabic, 'السلام عليكم، تم خصم المبلغ مرتين من بطاقتي');
    await eventually(() => api.sentTo(arabic).length === 2);
    await say(arabic, 'layla@example.com');
    await eventually(() => api.sentTo(arabic).length === 3);
    expect(api.sentTo(arabic)[2]).not.toBe('كيف يمكننا مساعدتك اليوم؟');
    expect(await conversationOf(arabic)).toMatchObject({ team: 'Billing', intent: 'billing', fields: { need: 'السلام عليكم، تم خصم المبلغ مرتين من بطاقتي' } });
  }, 60_000);
});
