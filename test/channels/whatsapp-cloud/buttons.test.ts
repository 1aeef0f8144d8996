// Reply buttons as a WhatsApp customer meets them once the question is behind them, through the real server and the
// fake Graph API: WhatsApp keeps an answered question's buttons pressable, and a press while in line is answered.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { SHEENA, clock, fixture, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Which team?", ar: "أي فريق؟" }
    expect: choice
    choices:
      - { id: Billing, title: { en: Billing, ar: الفواتير } }
      - { id: Support, title: { en: Support, ar: الدعم } }
      - { id: Sales, title: { en: Sales, ar: المبيعات } }
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
`;
const team = 'teams:\n  - name: Billing\n  - name: Support\n  - name: Sales\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing, Support, Sales]\n';

/** The customer presses the reply button `id` (titled `title`) of the bot's message `wamid`. */
function press(wamid: string, id: string, title: string, from: string): Record<string, unknown> {
  const body = fixture('button-reply');
  const message = body.entry[0].changes[0].value.messages[0];
  Object.assign(message, { from, id: `wamid.PRESS-${from}-${id}-${Math.random()}`, context: { from: '15550783881', id: wamid } });
  message.interactive.button_reply = { id, title };
  body.entry[0].changes[0].value.contacts[0].wa_id = from;
  return body;
}

describe('a reply button pressed after its question was answered', () => {
  it('tells a customer in line their place at once, in their language, where before the press met silence', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team });
    running.push(cloud);
    const LAYLA = '201001234567';
    const cases: [string, string, string, string][] = [
      [SHEENA, 'hello', 'billing', 'You are still number 1 in line.'],
      [LAYLA, 'مرحبا', 'الفواتير', 'ما زال ترتيبك 2 في قائمة الانتظار.'],
    ];
    for (const [from, hello, typed, still] of cases) {
      expect((await cloud.post(messagesBody([text(hello, { from })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 1);
      const question = cloud.graph.sent.find((sent) => sent.body.to === from)!;
      expect(question.body.interactive.action.buttons).toHaveLength(3);
      // Typed instead of pressed: the buttons stay in WhatsApp, pressable.
      expect((await cloud.post(messagesBody([text(typed, { from })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 2);
      const contact = await cloud.app.store.contactByIdentity('whatsapp-cloud', from);
      expect((await cloud.app.store.conversations()).find((c) => c.contactId === contact?.id)).toMatchObject({ stage: 'queued', team: 'Billing' });

      // Seconds after she was told her place: a message typed now would wait silently for the agent (STILL_QUEUED_AFTER_MS).
      expect((await cloud.post(press(question.id, 'Sales', 'Sales', from))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 3);
      expect(cloud.graph.saidTo(from)[2]).toContain(still);
      await settled(cloud);
    }
    // The press waits for the agent who takes them, and moved nobody.
    expect((await cloud.app.store.conversations()).map((c) => [c.stage, c.team])).toEqual([['queued', 'Billing'], ['queued', 'Billing']]);
    // Kept as a press that answered nothing, as on every channel: the agent console shows it so, and the agent's card
    // leaves it out (before: "Sales" read as the customer's words, as if she asked to move to Sales).
    const presses = (await Promise.all((await cloud.app.store.conversations()).map((c) => cloud.app.store.messagesOfConversation(c.id)))).flat().filter((m) => m.choice === 'Sales');
    expect(presses.map((m) => m.oldPress)).toEqual([true, true]);
  });

  it('answers presses in a row once, not the same line at every press, and again a minute later, in their language', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team, now: time.now });
    running.push(cloud);
    const LAYLA = '201001234567';
    for (const [from, hello, typed, still] of [[SHEENA, 'hello', 'billing', 'You are still number 1 in line.'], [LAYLA, 'مرحبا', 'الفواتير', 'ما زال ترتيبك 2 في قائمة الانتظار.']] as const) {
      const stamped = (body: Record<string, any>) => {
        body.entry[0].changes[0].value.messages[0].timestamp = time.seconds();
        return body;
      };
      expect((await cloud.post(messagesBody([text(hello, { from, timestamp: time.seconds() })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 1);
      const question = cloud.graph.sent.find((sent) => sent.body.to === from)!;
      expect((await cloud.post(messagesBody([text(typed, { from, timestamp: time.seconds() })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 2);

      // Sales, then Support, then Sales again, seconds apart: the first press is answered; the others, which the
      // customer presses with that answer just above them, are not answered with it again (before: three times).
      for (const id of ['Sales', 'Support', 'Sales']) {
        time.advance(5_000);
        expect((await cloud.post(stamped(press(question.id, id, id, from)))).status).toBe(200);
        await settled(cloud);
      }
      await eventually(() => cloud.graph.sentTo(from).length >= 3);
      await settled(cloud);
      expect(cloud.graph.saidTo(from).slice(2).map((said) => said.slice(0, still.length))).toEqual([still]);

      // A minute later, a press is answered again.
      time.advance(60_000);
      expect((await cloud.post(stamped(press(question.id, 'Support', 'Support', from)))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 4);
      expect(cloud.graph.saidTo(from)[3]).toContain(still);
      await settled(cloud);
    }
  });
});

/** The customer picks row `id` (titled `title`) of the list the bot sent as `wamid`. */
function pick(wamid: string, id: string, title: string, from: string): Record<string, unknown> {
  const body = fixture('list-reply');
  const message = body.entry[0].changes[0].value.messages[0];
  Object.assign(message, { from, id: `wamid.PICK-${from}-${id}-${Math.random()}`, context: { from: '15550783881', id: wamid } });
  message.interactive.list_reply = { id, title };
  body.entry[0].changes[0].value.contacts[0].wa_id = from;
  return body;
}

describe('a button of an earlier question, on WhatsApp', () => {
  const questions = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Which plan are you on?", ar: "ما هي باقتك؟" }
    expect: choice
    choices:
      - { id: basic, title: { en: Basic, ar: أساسية } }
      - { id: pro, title: { en: Pro, ar: احترافية } }
    save: conversation.plan
  - ask: { en: "Where are you?", ar: "أين أنت؟" }
    expect: choice
    choices:
      - { id: north, title: { en: North, ar: الشمال } }
      - { id: south, title: { en: South, ar: الجنوب } }
      - { id: east, title: { en: East, ar: الشرق } }
      - { id: west, title: { en: West, ar: الغرب } }
    save: conversation.region
  - ask: { en: "What is your order number?", ar: "ما رقم طلبك؟" }
    save: conversation.order
  - close: "answered"
`;
  const survey = `flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: { en: "How did we do?", ar: "كيف كانت خدمتنا؟" }
    expect: choice
    choices:
      - { id: great, title: { en: Great, ar: ممتازة } }
      - { id: poor, title: { en: Poor, ar: سيئة } }
    save: conversation.rating
  - say: { en: "Thank you!", ar: "شكرًا لك!" }
`;
  const WORDS = {
    en: { hello: 'hello', region: 'Where are you?', order: 'What is your order number?', rating: 'How did we do?', answered: 'That button is from a question you already answered.', earlier: 'That button is from an earlier conversation.', plan: 'Which plan are you on?', closed: 'This conversation is closed: write to us here any time.', pro: 'Pro', south: 'South', poor: 'Poor' },
    ar: { hello: 'مرحبا', region: 'أين أنت؟', order: 'ما رقم طلبك؟', rating: 'كيف كانت خدمتنا؟', answered: 'هذا الزر من سؤال سبق أن أجبت عنه.', earlier: 'هذا الزر من محادثة سابقة.', plan: 'ما هي باقتك؟', closed: 'هذه المحادثة مغلقة، ويسعدنا تواصلك معنا هنا في أي وقت.', pro: 'احترافية', south: 'الجنوب', poor: 'سيئة' },
  };

  it('takes an old reply button or list row as no answer, in English and Arabic, and a closing survey\'s again an hour later opens nothing', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': questions, 'survey.yaml': survey }, now: time.now });
    running.push(cloud);
    const LAYLA = '201001234567';
    for (const [from, language] of [[SHEENA, 'en'], [LAYLA, 'ar']] as const) {
      const words = WORDS[language];
      const sent = () => cloud.graph.sent.filter((message) => message.body.to === from);
      const said = () => cloud.graph.saidTo(from);
      // Sent now, as the server's clock reads it: a press older than the close would be taken as written before it.
      const now = (body: Record<string, any>) => {
        body.entry[0].changes[0].value.messages[0].timestamp = time.seconds();
        return body;
      };
      const next = async (count: number) => {
        await eventually(() => said().length === count);
        await settled(cloud);
        return said();
      };
      expect((await cloud.post(messagesBody([text(words.hello, { from, timestamp: time.seconds() })], { from }))).status).toBe(200);
      await next(1);
      const plan = sent()[0]!;
      expect((await cloud.post(now(press(plan.id, 'basic', language === 'ar' ? 'أساسية' : 'Basic', from)))).status).toBe(200);
      await next(2);
      const region = sent()[1]!;
      expect(region.body.interactive.type).toBe('list');

      // The plan question's button, pressed again under the list. Before: "Please pick one of the options", a try spent.
      expect((await cloud.post(now(press(plan.id, 'pro', words.pro, from)))).status).toBe(200);
      expect((await next(4)).slice(2)).toEqual([words.answered, words.region]);
      expect(sent()[3]!.body.interactive.type).toBe('list');
      expect((await cloud.post(now(pick(region.id, 'north', 'North', from)))).status).toBe(200);
      await next(5);
      // The list picked from twice: before, "South" (its title, which WhatsApp sends) became the order number.
      expect((await cloud.post(now(pick(region.id, 'south', words.south, from)))).status).toBe(200);
      expect((await next(7)).slice(5)).toEqual([words.answered, words.order]);
      expect((await cloud.post(messagesBody([text('A-1234', { from, timestamp: time.seconds() })], { from }))).status).toBe(200);
      await next(8);
      expect(said().at(-1)).toBe(words.rating);
      const rating = sent().at(-1)!;
      expect((await cloud.post(now(press(rating.id, 'great', 'Great', from)))).status).toBe(200);
      await next(9);

      // An hour later, the survey's other button. Before: a new conversation, asked the plan again.
      time.advance(60 * 60 * 1000);
      expect((await cloud.post(now(press(rating.id, 'poor', words.poor, from)))).status).toBe(200);
      expect((await next(10)).at(-1)).toBe(`${words.answered} ${words.closed}`);
      const contact = await cloud.app.store.contactByIdentity('whatsapp-cloud', from);
      const conversations = (await cloud.app.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
      expect(conversations.map((conversation) => [conversation.status, conversation.fields])).toEqual([
        ['closed', expect.objectContaining({ plan: 'basic', region: 'north', order: 'A-1234', rating: 'great' })],
      ]);

      // Back the next day, a new conversation asks the plan again; the old conversation's Pro, scrolled up to, is no
      // answer to it. Before: "That button is from a question you already answered.", as if of this conversation.
      time.advance(24 * 60 * 60 * 1000);
      expect((await cloud.post(messagesBody([text(words.hello, { from, timestamp: time.seconds() })], { from }))).status).toBe(200);
      expect((await next(11)).at(-1)).toBe(words.plan);
      expect((await cloud.post(now(press(plan.id, 'pro', words.pro, from)))).status).toBe(200);
      expect((await next(13)).slice(11)).toEqual([words.earlier, words.plan]);
      const [, latest] = (await cloud.app.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
      expect(latest).toMatchObject({ status: 'open' });
      expect(latest!.fields.plan).toBeUndefined();
    }
  });
});

describe('a closing survey\'s button pressed in the second of the close', () => {
  it('is the survey\'s answer, where before WhatsApp\'s whole-second stamp, earlier than the close, opened a new conversation', async () => {
    const time = clock();
    const inbound = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
  - close: "answered"
`;
    const survey = `flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do?"
    expect: choice
    choices: [{ id: great, title: Great }, { id: poor, title: Poor }]
    save: conversation.rating
  - say: "Thank you!"
`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': inbound, 'survey.yaml': survey }, now: time.now });
    running.push(cloud);
    const next = async (count: number) => {
      await eventually(() => cloud.graph.saidTo(SHEENA).length === count);
      await settled(cloud);
      return cloud.graph.saidTo(SHEENA);
    };
    expect((await cloud.post(messagesBody([text('hello', { timestamp: time.seconds() })]))).status).toBe(200);
    await next(1);
    // The order number comes 700 ms into a second: the flow closes then, and asks the survey's question.
    time.advance(700);
    expect((await cloud.post(messagesBody([text('A-1234', { timestamp: time.seconds() })]))).status).toBe(200);
    expect((await next(2)).at(-1)).toBe('How did we do?');
    const rating = cloud.graph.sent.filter((message) => message.body.to === SHEENA).at(-1)!;
    // Great, tapped at once: WhatsApp stamps it with the close's second, before the close by the server's clock.
    time.advance(200);
    const tap: Record<string, any> = press(rating.id, 'great', 'Great', SHEENA);
    tap.entry[0].changes[0].value.messages[0].timestamp = time.seconds();
    expect((await cloud.post(tap)).status).toBe(200);
    // Before: "What is your order number?", a new conversation, and the rating lost.
    expect((await next(3)).at(-1)).toBe('Thank you!');
    const contact = await cloud.app.store.contactByIdentity('whatsapp-cloud', SHEENA);
    const conversations = (await cloud.app.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
    expect(conversations.map((conversation) => [conversation.status, conversation.fields])).toEqual([
      ['closed', expect.objectContaining({ order: 'A-1234', rating: 'great' })],
    ]);
  });
});

describe('choices whose titles are longer than WhatsApp takes', () => {
  const long = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: billing, title: Billing }
      - { id: refund, title: "Refund of a cancelled order" }
      - { id: sales, title: Sales }
    save: conversation.topic
  - say: "Topic: {{conversation.topic}}"
`;

  it('shows them all as a numbered list, no title cut and none left out, and takes the number typed as the list writes it', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': long } });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 1);
    // 27 characters: more than a reply button's 20 or a list row's 24.
    expect(cloud.graph.saidTo(SHEENA)[0]).toBe('Which team?\n\n1. Billing\n2. Refund of a cancelled order\n3. Sales');
    // Before: "Please pick one of the options (you can also type its number)."
    expect((await cloud.post(messagesBody([text('2.')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    expect(cloud.graph.saidTo(SHEENA)[1]).toBe('Topic: refund');
  });
});
