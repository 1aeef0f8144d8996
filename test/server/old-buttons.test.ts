// A button of an earlier question pressed once the bot asks another (a second tab, a page that kept it, a client of
// the web chat API), pressed twice, or after the conversation closed: through the running server, on the web chat, in
// English and Arabic. It is no answer to the question asked now: the customer reads that it was answered, and the
// question waiting now again; after the close, no new conversation opens for it. One of a question the admin removed
// from the flow since, or one left when an agent took the conversation, is no longer asked.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { TEST_AGENT_TOKEN, cleanupDirs, dataDirWith, eventually, start, visitor, type ListedMessage } from '../helpers.ts';

const running: Switchboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  await cleanupDirs();
});

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Which plan are you on?", ar: "ما هي باقتك؟" }
    expect: choice
    choices:
      - { id: basic, title: { en: Basic, ar: أساسية } }
      - { id: pro, title: { en: Pro, ar: احترافية } }
    save: conversation.plan
  - ask: { en: "How urgent is it?", ar: "ما مدى الاستعجال؟" }
    expect: choice
    choices:
      - { id: today, title: { en: Today, ar: اليوم } }
      - { id: this-week, title: { en: This week, ar: هذا الأسبوع } }
    save: conversation.urgency
  - ask: { en: "What is your order number?", ar: "ما رقم طلبك؟" }
    save: conversation.order
  - say: { en: "Thanks: {{conversation.plan}}, {{conversation.urgency}}, {{conversation.order}}.", ar: "شكرًا: {{conversation.plan}}، {{conversation.urgency}}، {{conversation.order}}." }
  - close: "answered"
`;

const WORDS = {
  en: {
    hello: 'hello', plan: 'Which plan are you on?', urgent: 'How urgent is it?', order: 'What is your order number?',
    answered: 'That button is from a question you already answered.', gone: 'That button is from a question we no longer ask.', closed: 'This conversation is closed: write to us here any time.',
  },
  ar: {
    hello: 'مرحبا، عندي سؤال', plan: 'ما هي باقتك؟', urgent: 'ما مدى الاستعجال؟', order: 'ما رقم طلبك؟',
    answered: 'هذا الزر من سؤال سبق أن أجبت عنه.', gone: 'هذا الزر من سؤال لم نعد نطرحه.', closed: 'هذه المحادثة مغلقة، ويسعدنا تواصلك معنا هنا في أي وقت.',
  },
};

type Visitor = ReturnType<typeof visitor>;

/** The bot's last message saying `text`, once it is there. */
async function asked(person: Visitor, text: string): Promise<ListedMessage> {
  let found: ListedMessage | undefined;
  await eventually(async () => {
    found = (await person.messages()).filter((message) => message.from === 'bot' && message.text === text).at(-1);
    return found !== undefined;
  });
  return found!;
}

/** What the bot said after message `after`, once it said `last`. */
async function saidAfter(person: Visitor, after: number, last: string): Promise<string[]> {
  let said: string[] = [];
  await eventually(async () => {
    said = (await person.messages(after)).filter((message) => message.from === 'bot').map((message) => message.text);
    return said.at(-1) === last;
  });
  return said;
}

async function conversationsOf(app: Switchboard, session: string) {
  const contact = await app.store.contactByIdentity('webchat', session);
  return (await app.store.conversations()).filter((conversation) => conversation.contactId === contact?.id);
}

describe('a button of an earlier question, on the web chat', () => {
  for (const language of ['en', 'ar'] as const) {
    it(`is no answer to the question asked now, nor opens a new conversation after the close (${language})`, async () => {
      const app = await start(await dataDirWith({ 'inbound.yaml': flow }));
      running.push(app);
      const words = WORDS[language];
      const person = visitor(app.url, `old-buttons-${language}`, language === 'ar' ? 'ليلى' : 'Layla');
      const { session } = await person.credentials();
      await person.say(words.hello);
      const plan = await asked(person, words.plan);
      expect((await person.post({ choice: 'basic', replyTo: plan.id })).status).toBe(202);
      const urgent = await asked(person, words.urgent);

      // Scrolled up, she presses Pro under the plan question: before, "Please pick one of the options" (a retry spent).
      expect((await person.post({ choice: 'pro', replyTo: plan.id })).status).toBe(202);
      expect(await saidAfter(person, urgent.id, words.urgent)).toEqual([words.answered, words.urgent]);
      // The same from a client that sends the button alone, as pages did before (an old payload).
      const again = await asked(person, words.urgent);
      expect((await person.press('basic')).status).toBe(202);
      expect(await saidAfter(person, again.id, words.urgent)).toEqual([words.answered, words.urgent]);

      // The question asked now still takes its own button, from either asking of it.
      expect((await person.post({ choice: 'today', replyTo: urgent.id })).status).toBe(202);
      const order = await asked(person, words.order);
      // Pressed twice: the second press finds the order number asked; before, "Today" was no order number, asked again.
      expect((await person.post({ choice: 'today', replyTo: urgent.id })).status).toBe(202);
      expect(await saidAfter(person, order.id, words.order)).toEqual([words.answered, words.order]);
      await person.say('A-1234');
      await eventually(async () => (await conversationsOf(app, session))[0]?.status === 'closed');
      expect((await conversationsOf(app, session))[0]?.fields).toMatchObject({ plan: 'basic', urgency: 'today', order: 'A-1234' });

      // After the close: before, a new conversation, asked the plan from the start.
      const last = (await person.messages()).at(-1)!;
      expect((await person.post({ choice: 'pro', replyTo: plan.id })).status).toBe(202);
      expect(await saidAfter(person, last.id, `${words.answered} ${words.closed}`)).toEqual([`${words.answered} ${words.closed}`]);
      expect(await conversationsOf(app, session)).toHaveLength(1);
      // What she writes next is a new request, as ever.
      await person.say(words.hello);
      await eventually(async () => (await conversationsOf(app, session)).length === 2);
    }, 60_000);
  }

  for (const language of ['en', 'ar'] as const) {
    it(`says a question the admin removed from the flow is no longer asked, and goes on with the one asked now (${language})`, async () => {
      const data = await dataDirWith({ 'inbound.yaml': flow });
      const app = await start(data);
      running.push(app);
      const words = WORDS[language];
      const person = visitor(app.url, `removed-${language}`, language === 'ar' ? 'ليلى' : 'Layla');
      const { session } = await person.credentials();
      await person.say(words.hello);
      const plan = await asked(person, words.plan);
      expect((await person.post({ choice: 'basic', replyTo: plan.id })).status).toBe(202);
      const urgent = await asked(person, words.urgent);

      // The admin drops the plan question; Layla finishes on the version she started (what the flow promises).
      const before = app.flows.inService()[0]!.version;
      const plans = flow.indexOf('  - ask: { en: "Which plan');
      const without = flow.slice(0, plans) + flow.slice(flow.indexOf('  - ask: { en: "How urgent')).replace(/\{\{conversation\.plan\}\}(, |، )/g, '');
      await writeFile(join(data, 'flows', 'inbound.yaml'), without);
      await app.flows.reload();
      expect(app.flows.inService()[0]?.version).not.toBe(before);

      expect((await person.post({ choice: 'pro', replyTo: plan.id })).status).toBe(202);
      expect(await saidAfter(person, urgent.id, words.urgent)).toEqual([words.gone, words.urgent]);
      expect((await person.post({ choice: 'this-week', replyTo: urgent.id })).status).toBe(202);
      await asked(person, words.order);
      expect((await conversationsOf(app, session))[0]?.fields).toMatchObject({ plan: 'basic', urgency: 'this-week' });
    }, 60_000);
  }

  it('leaves a say\'s buttons, which the flow does not wait for, to answer the question asked after them', async () => {
    const sayFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Pick a topic, or tell us in your words."
    choices: [{ id: billing, title: Billing }, { id: sales, title: Sales }]
  - ask: "What do you need?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}."
`;
    const app = await start(await dataDirWith({ 'inbound.yaml': sayFlow }));
    running.push(app);
    const person = visitor(app.url, 'say-buttons', 'Mona');
    await person.say('hello');
    const topics = await asked(person, 'Pick a topic, or tell us in your words.');
    const question = await asked(person, 'What do you need?');
    expect((await person.post({ choice: 'billing', replyTo: topics.id })).status).toBe(202);
    const said = await saidAfter(person, question.id, 'Noted: billing.');
    expect(said).toEqual(['Noted: billing.']);
  }, 60_000);

  it('takes a question the flow came back to as asked afresh: the buttons of its earlier asking were answered', async () => {
    const loopFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: item
    ask: "Which item do you want to return?"
    expect: choice
    choices: [{ id: shoes, title: Shoes }, { id: hat, title: Hat }]
    save: conversation.item
  - ask: "Return another item?"
    expect: choice
    choices: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }]
    save: conversation.more
  - branch:
      - if: { conversation.more: "yes" }
        goto: item
      - else: done
  - id: done
    say: "Noted: {{conversation.item}}."
`;
    const app = await start(await dataDirWith({ 'inbound.yaml': loopFlow }));
    running.push(app);
    const person = visitor(app.url, 'loop-buttons', 'Huda');
    await person.say('hello');
    const first = await asked(person, 'Which item do you want to return?');
    expect((await person.post({ choice: 'shoes', replyTo: first.id })).status).toBe(202);
    const more = await asked(person, 'Return another item?');
    expect((await person.post({ choice: 'yes', replyTo: more.id })).status).toBe(202);
    /** The bot's first message saying `text` after message `after`, once it is there. */
    const askedAfter = async (after: number, text: string) => {
      let found: ListedMessage | undefined;
      await eventually(async () => {
        found = (await person.messages(after)).find((message) => message.from === 'bot' && message.text === text);
        return found !== undefined;
      });
      return found!;
    };
    const again = await askedAfter(more.id, 'Which item do you want to return?');
    // Shoes pressed again under the first asking (a second tab): before, it answered the second asking.
    expect((await person.post({ choice: 'shoes', replyTo: first.id })).status).toBe(202);
    expect(await saidAfter(person, again.id, 'Which item do you want to return?')).toEqual([WORDS.en.answered, 'Which item do you want to return?']);
    // The second asking takes its own buttons.
    expect((await person.post({ choice: 'hat', replyTo: again.id })).status).toBe(202);
    const last = await askedAfter(again.id, 'Return another item?');
    expect((await person.post({ choice: 'no', replyTo: last.id })).status).toBe(202);
    await asked(person, 'Noted: hat.');
  }, 60_000);

  for (const language of ['en', 'ar'] as const) {
    it(`says a question left when an agent took the conversation is no longer asked, and sends the agent nothing (${language})`, async () => {
      const data = await dataDirWith({ 'inbound.yaml': flow });
      await writeFile(join(data, 'team.yaml'), `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n    webchat_token: ${TEST_AGENT_TOKEN}\n    teams: [Billing]\n`);
      const app = await start(data);
      running.push(app);
      const words = WORDS[language];
      const person = visitor(app.url, `taken-${language}`, language === 'ar' ? 'ليلى' : 'Layla');
      const omar = visitor(app.url, 'agent-omar');
      await person.say(words.hello);
      const plan = await asked(person, words.plan);
      // Omar takes Layla's conversation while the bot waits for her plan.
      await omar.say('/online');
      const [conversation] = await conversationsOf(app, (await person.credentials()).session);
      await omar.say(`/claim ${conversation!.id}`);
      await eventually(async () => (await conversationsOf(app, (await person.credentials()).session))[0]?.stage === 'assigned');
      await eventually(async () => (await omar.messages()).some((message) => message.text.startsWith(`#${conversation!.id} · `)));
      // She is told, as ever, once the notice goes out.
      await eventually(async () => (await person.messages()).some((message) => message.from === 'bot' && message.text.includes('Omar')));
      const before = (await person.messages()).at(-1)!.id;
      const toOmar = (await omar.messages()).at(-1)!.id;

      // She presses Basic under the plan question still on her screen.
      expect((await person.post({ choice: 'basic', replyTo: plan.id })).status).toBe(202);
      const team = language === 'ar' ? 'اكتب رسالتك هنا وسيقرؤها فريقنا.' : 'Write your message here and our team will read it.';
      expect(await saidAfter(person, before, `${words.gone} ${team}`)).toEqual([`${words.gone} ${team}`]);
      // Omar's list shows the press last, marked as no answer, and does not count it unread (before: 'Basic', as if
      // chosen, and one more unread).
      const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TEST_AGENT_TOKEN }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      type Held = { id: number; unread: number; lastMessage?: { text: string; late?: true } };
      const held = async () => ((await (await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).json()) as { held: Held[] }).held.find((one) => one.id === conversation!.id);
      expect(await held()).toMatchObject({ unread: 1, lastMessage: { text: language === 'ar' ? 'أساسية' : 'Basic', late: true } });
      // What she writes next reaches Omar; the press did not.
      await person.say('my card was charged twice');
      await eventually(async () => (await omar.messages(toOmar)).some((message) => message.text.includes('my card was charged twice')));
      const relayed = (await omar.messages(toOmar)).map((message) => message.text);
      expect(relayed.some((text) => /Basic|أساسية/.test(text))).toBe(false);
      expect((await conversationsOf(app, (await person.credentials()).session))[0]?.fields.plan).toBeUndefined();
      expect(await held()).toMatchObject({ unread: 2, lastMessage: { text: 'my card was charged twice' } });
      expect((await held())!.lastMessage!.late).toBeUndefined();
      // Omar's console shows the press in the transcript marked as no answer (before: as if she had chosen Basic).
      const listed = (await (await fetch(`${app.url}/agent/api/conversations/${conversation!.id}/messages`, { headers: { cookie } })).json()) as { messages: { from: string; text: string; late?: true }[] };
      const customers = listed.messages.filter((message) => message.from === 'contact');
      expect(customers.filter((message) => message.late).map((message) => message.text)).toEqual([language === 'ar' ? 'أساسية' : 'Basic']);
      expect(customers.find((message) => message.text === 'my card was charged twice')?.late).toBeUndefined();
    }, 60_000);
  }
});

describe('a button of the flow\'s question pressed while in line, on the web chat', () => {
  const queued = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Sales]
    save: conversation.topic
  - assign: { team: Billing }
    queued: "Please wait for an agent."
`;

  it('answers nothing: the customer hears their place, the page shows it not taken, and the team stays', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': queued }));
    running.push(app);
    const person = visitor(app.url, 'pressed-in-line', 'Layla');
    const { session } = await person.credentials();
    await person.say('hello');
    const question = await asked(person, 'Which team?');
    expect((await person.post({ choice: 'billing', replyTo: question.id })).status).toBe(202);
    const waiting = await asked(person, 'Please wait for an agent.');

    // A second tab still shows the question: she presses Sales there.
    expect((await person.post({ choice: 'sales', replyTo: question.id })).status).toBe(202);
    const still = 'You are still number 1 in line. Someone from our team will answer you here as soon as they can.';
    expect(await saidAfter(person, waiting.id, still)).toEqual([still]);
    const listed = (await person.messages()) as (ListedMessage & { choice?: string; of?: number; late?: true })[];
    const presses = listed.filter((message) => message.from === 'contact' && message.choice !== undefined);
    // Before: the Sales press was listed as taken (the page marked Sales chosen under the question, Billing not).
    expect(presses.map((message) => [message.choice, message.of, message.late])).toEqual([['billing', question.id, undefined], ['sales', question.id, true]]);
    expect((await conversationsOf(app, session)).map((conversation) => [conversation.stage, conversation.team, conversation.fields.topic])).toEqual([['queued', 'Billing', 'billing']]);
  }, 60_000);
});
