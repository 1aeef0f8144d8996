// Quick replies of an earlier question, through the real server and the fake Graph API. Messenger names no message a
// quick reply was pressed under: a press (a double tap, a slow app showing the old ones) is of the question the bot
// last offered it with, and a question asked since does not take it as its answer.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { PSID, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const running: MessengerServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which plan are you on?"
    expect: choice
    choices: [{ id: basic, title: Basic }, { id: pro, title: Pro }]
    save: conversation.plan
  - ask: "How urgent is it?"
    expect: choice
    choices: [{ id: today, title: Today }, { id: this-week, title: This week }]
    save: conversation.urgency
  - ask: "What is your order number?"
    save: conversation.order
  - say: "Thanks: {{conversation.plan}}, {{conversation.urgency}}, {{conversation.order}}."
`;

let mid = 0;
/** The customer taps the quick reply `payload`, titled `title`: the title comes as its text, as Messenger sends it. */
function quickReply(payload: string, title: string): Record<string, unknown> {
  const event = textEvent(title, { mid: `m_QUICK${mid++}` });
  (event.message as Record<string, unknown>).quick_reply = { payload };
  return event;
}

describe('a quick reply of an earlier question, on Messenger', () => {
  // The presses here carry bare ids, as quick replies sent before their payloads named their message do.
  it('is no answer to the question asked since: the customer is told, and asked that question again', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': flow } });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(PSID).length === count);
      await settled(messenger);
      return messenger.graph.saidTo(PSID);
    };
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await said(1);
    expect((await messenger.post(batch([quickReply('basic', 'Basic')]))).status).toBe(200);
    expect((await said(2)).at(-1)).toBe('How urgent is it?');
    // Before: "Please pick one of the options", a try of the question spent.
    expect((await messenger.post(batch([quickReply('pro', 'Pro')]))).status).toBe(200);
    expect((await said(4)).slice(2)).toEqual(['That button is from a question you already answered.', 'How urgent is it?']);
    expect(messenger.graph.sentTo(PSID)[3]!.message.quick_replies.map((reply: { title: string }) => reply.title)).toEqual(['Today', 'This week']);
    expect((await messenger.post(batch([quickReply('today', 'Today')]))).status).toBe(200);
    expect((await said(5)).at(-1)).toBe('What is your order number?');
    // Tapped twice: before, "Today" became the order number.
    expect((await messenger.post(batch([quickReply('today', 'Today')]))).status).toBe(200);
    expect((await said(7)).slice(5)).toEqual(['That button is from a question you already answered.', 'What is your order number?']);
    expect((await messenger.post(batch([textEvent('A-1234')]))).status).toBe(200);
    expect((await said(8)).at(-1)).toBe('Thanks: basic, today, A-1234.');
  });

  it('of a yes/no question is no answer to the next yes/no question: its payload names the question it hangs on', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': yesNoFlow } });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(PSID).length === count);
      await settled(messenger);
      return messenger.graph.saidTo(PSID);
    };
    /** The quick reply titled `title` of the `index`th message the customer got, its payload as Messenger gave it. */
    const tap = (index: number, title: string) => {
      const reply = messenger.graph.sentTo(PSID)[index]!.message.quick_replies.find((offered: { title: string }) => offered.title === title);
      return messenger.post(batch([quickReply(reply.payload, title)]));
    };
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    expect(await said(1)).toEqual(['Did your refund arrive?']);
    expect((await tap(0, 'No')).status).toBe(200);
    expect((await said(2)).at(-1)).toBe('Shall we close this conversation?');
    // The first question's Yes, tapped on a slow app: before, it answered the second ("Refund: no, close: yes.").
    expect((await tap(0, 'Yes')).status).toBe(200);
    expect((await said(4)).slice(2)).toEqual(['That button is from a question you already answered.', 'Shall we close this conversation?']);
    expect((await tap(3, 'No')).status).toBe(200);
    expect((await said(5)).at(-1)).toBe('Refund: no, close: no.');
  });

  it('of an earlier, closed conversation answers nothing in the new one: the customer is told, and asked its question again', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': yesNoFlow } });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(PSID).length === count);
      await settled(messenger);
      return messenger.graph.saidTo(PSID);
    };
    const tap = (index: number, title: string) => {
      const reply = messenger.graph.sentTo(PSID)[index]!.message.quick_replies.find((offered: { title: string }) => offered.title === title);
      return messenger.post(batch([quickReply(reply.payload, title)]));
    };
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await said(1);
    expect((await tap(0, 'No')).status).toBe(200);
    await said(2);
    expect((await tap(1, 'No')).status).toBe(200);
    expect((await said(3)).at(-1)).toBe('Refund: no, close: no.');
    // The next day, a new conversation: its first question is the same yes/no as the first one of the old conversation.
    expect((await messenger.post(batch([textEvent('hello again')]))).status).toBe(200);
    expect((await said(4)).at(-1)).toBe('Did your refund arrive?');
    // The old conversation's first Yes, still on the screen: before, it answered the new question (and saved refund: yes).
    expect((await tap(0, 'Yes')).status).toBe(200);
    expect((await said(6)).slice(4)).toEqual(['That button is from an earlier conversation.', 'Did your refund arrive?']);
    const [latest] = (await messenger.app.store.conversations()).sort((a, b) => b.id - a.id);
    expect(latest!.fields.refund).toBeUndefined();
    expect((await tap(5, 'Yes')).status).toBe(200);
    expect((await said(7)).at(-1)).toBe('Shall we close this conversation?');
  });

  it('of a question asked long ago in a long conversation is no answer to the yes/no question asked now', async () => {
    const long = yesNoFlow.replace('  - ask: "Shall we close', `  - id: more
    ask: "Anything to add? Write done when finished."
    save: conversation.note
  - branch:
      - if: { conversation.note: { not: done } }
        goto: more
  - ask: "Shall we close`);
    const messenger = await startMessenger({ flows: { 'inbound.yaml': long }, config: { CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(PSID).length === count, 30_000);
      await settled(messenger);
      return messenger.graph.saidTo(PSID);
    };
    const tap = (index: number, title: string) => {
      const reply = messenger.graph.sentTo(PSID)[index]!.message.quick_replies.find((offered: { title: string }) => offered.title === title);
      return messenger.post(batch([quickReply(reply.payload, title)]));
    };
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await said(1);
    expect((await tap(0, 'No')).status).toBe(200);
    await said(2);
    // Thirty lines added: the refund question is now further back than the last fifty messages.
    for (let line = 1; line <= 30; line++) {
      expect((await messenger.post(batch([textEvent(`line ${line}`, { mid: `m_LINE${line}` })]))).status).toBe(200);
      await said(2 + line);
    }
    expect((await messenger.post(batch([textEvent('done', { mid: 'm_DONE' })]))).status).toBe(200);
    expect((await said(33)).at(-1)).toBe('Shall we close this conversation?');
    // The refund question's Yes, scrolled up to: before, it answered "Shall we close this conversation?".
    expect((await tap(0, 'Yes')).status).toBe(200);
    expect((await said(35)).slice(33)).toEqual(['That button is from a question you already answered.', 'Shall we close this conversation?']);
    expect((await tap(34, 'No')).status).toBe(200);
    expect((await said(36)).at(-1)).toBe('Refund: no, close: no.');
  }, 120_000);
});

const yesNoFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Did your refund arrive?"
    expect: choice
    choices: [{ id: yes, title: "Yes" }, { id: no, title: "No" }]
    save: conversation.refund
  - ask: "Shall we close this conversation?"
    expect: choice
    choices: [{ id: yes, title: "Yes" }, { id: no, title: "No" }]
    save: conversation.close
  - say: "Refund: {{conversation.refund}}, close: {{conversation.close}}."
`;

describe('a quick reply of the flow\'s question tapped while in line, on Messenger', () => {
  it('answers nothing: the customer hears their place, the team stays, and it is kept as no answer', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Which team?"\n    expect: choice\n    choices: [{ id: billing, title: Billing }, { id: sales, title: Sales }]\n    save: conversation.topic\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n' } });
    running.push(messenger);
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).length === 1);
    const offered = (title: string) => messenger.graph.sentTo(PSID)[0]!.message.quick_replies.find((reply: { title: string }) => reply.title === title).payload;
    expect((await messenger.post(batch([quickReply(offered('Billing'), 'Billing')]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).at(-1) === 'Please wait for an agent.');
    // A slow app still shows the quick replies: she taps Sales.
    expect((await messenger.post(batch([quickReply(offered('Sales'), 'Sales')]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).at(-1)?.startsWith('You are still number 1 in line.') === true);
    await settled(messenger);
    const [conversation] = await messenger.app.store.conversations();
    expect(conversation).toMatchObject({ stage: 'queued', team: 'Billing', fields: { topic: 'billing' } });
    // Before: kept as her words, "Sales" on the agent's card as if she asked to move to Sales.
    const presses = (await messenger.app.store.messagesOfConversation(conversation!.id)).filter((message) => message.choice !== undefined);
    expect(presses.map((message) => [message.choice, message.oldPress])).toEqual([['billing', undefined], ['sales', true]]);
  });
});
