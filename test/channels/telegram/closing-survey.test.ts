// A satisfaction survey (a `conversation.closed` flow) as a Telegram customer meets it, end to end against the fake
// Bot API, with the shipped inbound flow, team.yaml and NLP data: a rating is taken in the closed conversation, and
// a message that plainly is no rating ("wait, I also have a problem with my invoice") is a new request, routed to a
// team, rather than a wrong rating that is asked again and then dropped.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow as text } from './harness.ts';

const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thanks! You rated us {{conversation.rating}}."
`;

const { setUp } = telegramServers();

describe('a satisfaction survey after an agent closes, on Telegram', () => {
  it('takes a customer\'s new request written instead of a rating to a new conversation, routed to a team, and still takes a rating', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true, flows: { 'survey.yaml': survey } });
    const toLayla = (from: number) => api.sentTo(LAYLA).slice(from);
    const say = async (chat: number, body: string) => expect(await post(app, text(chat, body))).toBe(200);

    await say(OMAR, '/online');
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    await say(LAYLA, 'hi');
    await say(LAYLA, 'layla@example.com');
    await say(LAYLA, 'I was charged twice this month');
    await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#1')));
    await say(OMAR, '/close');
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'How did we do, from 1 to 5?');
    const closedAt = api.sentTo(LAYLA).length;

    await say(LAYLA, 'wait, I also have a problem with my invoice');
    await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#2')));
    // Before: "Please answer with a number, like 3." twice, then "Thanks! You rated us ." and nobody saw the request.
    await eventually(() => toLayla(closedAt).length === 2);
    expect(toLayla(closedAt)).toEqual(['Hi Layla! Thanks for getting in touch.', '\u2068Omar\u2069 has joined the conversation.']);
    const card = api.sentTo(OMAR).find((t) => t.includes('#2'));
    expect(card).toContain('wait, I also have a problem with my invoice');
    const [first, second] = (await app.store.conversations()).sort((a, b) => a.id - b.id);
    expect(first).toMatchObject({ id: 1, status: 'closed', flow: { flow: 'survey', done: true } });
    expect(first!.fields.rating).toBeUndefined();
    expect(second).toMatchObject({
      id: 2, status: 'open', stage: 'assigned', agentId: 'omar', team: 'Billing', intent: 'billing',
      fields: { first_message: 'wait, I also have a problem with my invoice', need: 'wait, I also have a problem with my invoice' },
    });
    const messages = await app.store.messagesOfContact(second!.contactId);
    expect(messages.find((message) => message.text === 'wait, I also have a problem with my invoice')?.conversationId).toBe(2);

    // Omar closes again: a rating typed with more words is asked again, then taken, in the closed conversation.
    await say(OMAR, '/close');
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'How did we do, from 1 to 5?');
    const askedAt = api.sentTo(LAYLA).length;
    await say(LAYLA, '4 thanks');
    await eventually(() => toLayla(askedAt).length === 1);
    await say(LAYLA, '4');
    await eventually(() => toLayla(askedAt).length === 2);
    expect(toLayla(askedAt)).toEqual(['Please answer with a number, like 3.', 'Thanks! You rated us 4.']);
    const all = await app.store.conversations();
    expect(all).toHaveLength(2);
    expect(all.find((conversation) => conversation.id === 2)).toMatchObject({ status: 'closed', fields: { rating: 4 } });
  }, 60_000);
});

