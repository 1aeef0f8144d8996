// What a customer's message does while a `conversation.closed` flow (a satisfaction survey) waits for its answer:
// an answer, or a try at one ("five", "4/5", "⭐⭐⭐⭐"), goes to the survey in the closed conversation; anything
// plainly else is a new request, which opens a new conversation with it as `conversation.first_message`.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

// The need is taken from the first message when it says one, as the shipped inbound flow does.
const inbound = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - set: { conversation.need: "{{conversation.first_message}}" }
  - ask: "How can we help you today?"
    save: conversation.need
    skip_if_known: true
  - assign: { team: Billing }
    queued: "You are number {{queue.position}} in line."
`;

const numberSurvey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do, from 1 to 5?"
    expect: number
    save: conversation.rating
  - say: "Thank you for rating us {{conversation.rating}}."
`;

const buttonSurvey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do?"
    expect: choice
    choices: [Great, OK, Poor]
    save: conversation.rating
  - say: "Thank you!"
`;

const yesNoSurvey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: { en: "Would you recommend us?", ar: "هل تنصح بنا؟" }
    expect: choice
    choices:
      - { id: "yes", title: { en: "Yes", ar: "نعم" } }
      - { id: "no", title: { en: "No", ar: "لا" } }
    save: conversation.recommend
  - say: { en: "Thank you!", ar: "شكرًا لك!" }
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 10
`;

async function setUp(survey: string) {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const h = await harness(await dataDirWithTeam({ 'inbound.yaml': inbound, 'survey.yaml': survey }, team), [customers, agents]);
  await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
  const customer = (id: string, text: string, extra = {}) => h.send('whatsapp', id, text, { from: { id, name: 'Layla' }, ...extra });
  /** The customer's first conversation, with Omar, closed by him: the survey asks its question. */
  const closedWith = async (id: string) => {
    await customer(id, 'hi');
    await customer(id, 'my invoice is wrong');
    const [held] = await h.store.openConversations();
    await h.send('telegram', '9001', `/close ${held!.id}`, { from: { id: '9001', name: 'Omar' } });
    return held!.id;
  };
  const conversationsOf = async (id: string) => {
    const contact = await h.store.contactByIdentity('whatsapp', id);
    return (await h.store.conversations()).filter((conversation) => conversation.contactId === contact?.id).sort((a, b) => a.id - b.id);
  };
  return { h, customers, agents, customer, closedWith, conversationsOf };
}

describe('a customer writing while the closing survey waits for a rating', () => {
  it('opens a new conversation with a request written instead of the rating: told nothing of ratings, and Omar gets it', async () => {
    const { h, customers, agents, customer, closedWith, conversationsOf } = await setUp(numberSurvey);
    const first = await closedWith('layla');
    expect(customers.textsTo('layla').at(-1)).toBe('How did we do, from 1 to 5?');
    const seen = customers.textsTo('layla').length;
    await customer('layla', 'wait, I also have a problem with my invoice');
    expect(customers.textsTo('layla').slice(seen)).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
    const [closed, opened] = await conversationsOf('layla');
    expect(closed).toMatchObject({ id: first, status: 'closed', flow: { done: true } });
    expect(closed!.fields.rating).toBeUndefined();
    expect(opened).toMatchObject({
      status: 'open', stage: 'assigned', agentId: 'omar',
      fields: { first_message: 'wait, I also have a problem with my invoice', need: 'wait, I also have a problem with my invoice' },
    });
    expect(agents.textsTo('9001').find((text) => text.includes(`#${opened!.id}`))).toContain('wait, I also have a problem with my invoice');
    // The survey is over: a rating written now is the new conversation's, relayed to Omar.
    await customer('layla', '5');
    expect(agents.textsTo('9001').at(-1)).toBe(`#${opened!.id} Layla: 5`);
    expect(await conversationsOf('layla')).toHaveLength(2);
    await h.close();
  });

  it('asks the rating again when the customer tries to give it in words the question does not take, and takes a request after it as one', async () => {
    const { h, customers, customer, closedWith, conversationsOf } = await setUp(numberSurvey);
    const again = 'Please answer with a number, like 3.';
    // Written in Arabic, it is asked again in Arabic.
    for (const [id, tried, reasked] of [['a', 'five', again], ['b', '4 thanks', again], ['c', '5/5', again], ['d', '⭐⭐⭐⭐', again], ['e', '٤ من ٥', 'يُرجى الإجابة برقم، مثل 3.']] as const) {
      const first = await closedWith(id);
      await customer(id, tried);
      expect(customers.textsTo(id).at(-1), tried).toBe(reasked);
      await customer(id, '4');
      expect(customers.textsTo(id).at(-1)).toBe('Thank you for rating us 4.');
      const all = await conversationsOf(id);
      expect(all, tried).toHaveLength(1);
      expect(all[0]).toMatchObject({ id: first, status: 'closed', fields: { rating: 4 } });
    }
    // Asked again, the customer writes what they came back for: that is no rating either.
    await closedWith('f');
    await customer('f', 'five');
    await customer('f', 'never mind that, where is my refund?');
    const [closed, opened] = await conversationsOf('f');
    expect(closed!.fields.rating).toBeUndefined();
    expect(opened).toMatchObject({ status: 'open', stage: 'assigned', fields: { first_message: 'never mind that, where is my refund?' } });
    expect(customers.textsTo('f').slice(-2)).toEqual(['Please answer with a number, like 3.', '\u2068Omar\u2069 has joined the conversation.']);
    await h.close();
  });

  it('takes a pressed button or a typed title as the answer to a survey with buttons, and a question instead as a new request', async () => {
    const { h, customers, customer, closedWith, conversationsOf } = await setUp(buttonSurvey);
    await closedWith('pressed');
    await customer('pressed', 'Great', { choice: 'great' });
    await closedWith('typed');
    // A title said with a courtesy is that title: before, "great thanks" was answered "Please pick one of the options".
    await customer('typed', 'great thanks');
    await closedWith('retyped');
    await customer('retyped', 'great, I guess');
    expect(customers.textsTo('retyped').at(-1)).toBe('Please pick one of the options (you can also type its number).');
    await customer('retyped', 'ok');
    for (const [id, rating] of [['pressed', 'great'], ['typed', 'great'], ['retyped', 'ok']] as const) {
      expect(customers.textsTo(id).at(-1)).toBe('Thank you!');
      expect(await conversationsOf(id)).toMatchObject([{ status: 'closed', fields: { rating } }]);
    }

    await closedWith('asks');
    await customer('asks', 'can I also change my delivery address?');
    const [closed, opened] = await conversationsOf('asks');
    expect(closed!.fields.rating).toBeUndefined();
    expect(opened).toMatchObject({ status: 'open', fields: { first_message: 'can I also change my delivery address?' } });
    await h.close();
  });

  it('takes a button of the survey pressed hours later as its answer, where a rating typed that late opens a new conversation', async () => {
    let clock = new Date('2026-03-02T09:00:00Z');
    const customers = fakeChannel('whatsapp');
    const agents = fakeChannel('telegram');
    const h = await harness(await dataDirWithTeam({ 'inbound.yaml': inbound, 'survey.yaml': buttonSurvey }, team), [customers, agents], { now: () => clock });
    await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
    const later = async (id: string) => {
      await h.send('whatsapp', id, 'my invoice is wrong', { from: { id, name: 'Layla' } });
      const [held] = await h.store.openConversations();
      await h.send('telegram', '9001', `/close ${held!.id}`, { from: { id: '9001', name: 'Omar' } });
      expect(customers.textsTo(id).at(-1)).toBe('How did we do?');
      // The customer closed the tab and comes back three hours later: the question is still on their screen.
      clock = new Date(clock.getTime() + 3 * 3_600_000);
      return held!.id;
    };
    const conversationsOf = async (id: string) => {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      return (await h.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
    };

    const pressed = await later('pressed');
    await h.send('whatsapp', 'pressed', 'Great', { from: { id: 'pressed', name: 'Layla' }, choice: 'great' });
    expect(customers.textsTo('pressed').at(-1)).toBe('Thank you!');
    expect(await conversationsOf('pressed')).toMatchObject([{ id: pressed, status: 'closed', fields: { rating: 'great' } }]);

    // Typed that late, a word may be anything: a new request, as before.
    await later('typed');
    await h.send('whatsapp', 'typed', 'ok', { from: { id: 'typed', name: 'Layla' } });
    const [closed, opened] = await conversationsOf('typed');
    expect(closed!.fields.rating).toBeUndefined();
    expect(opened).toMatchObject({ status: 'open', fields: { first_message: 'ok' } });
    await h.close();
  });

  it('opens a new conversation with a photo sent instead of the rating, the photo in it', async () => {
    const { h, customer, closedWith, conversationsOf } = await setUp(numberSurvey);
    await closedWith('layla');
    await customer('layla', '', { text: undefined, attachments: [{ kind: 'image', mime: 'image/jpeg', ref: 'receipt' }] });
    const [closed, opened] = await conversationsOf('layla');
    expect(closed!.fields.rating).toBeUndefined();
    expect(opened).toMatchObject({ status: 'open' });
    const messages = await h.store.messagesOfContact(opened!.contactId);
    expect(messages.find((message) => message.attachments?.[0]?.ref === 'receipt')?.conversationId).toBe(opened!.id);
    await h.close();
  });

  it('takes «أكيد», "sure" or «أبدًا» as the answer to a yes-or-no survey, not as a new request greeted from the start', async () => {
    const { h, customers, customer, closedWith, conversationsOf } = await setUp(yesNoSurvey);
    for (const [id, typed, answer] of [['noura', 'أكيد', 'yes'], ['sam', 'sure', 'yes'], ['huda', 'أبدًا', 'no']] as const) {
      await closedWith(id);
      await customer(id, typed);
      expect(await conversationsOf(id), typed).toMatchObject([{ status: 'closed', fields: { recommend: answer } }]);
    }
    expect(customers.textsTo('noura').at(-1)).toBe('شكرًا لك!');
    expect(customers.textsTo('sam').at(-1)).toBe('Thank you!');
    await h.close();
  });
});
