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
    expect(messenger.graph.sentTo(PSID)[3]!.message.quick_replies.map((reply: { payload: string }) => reply.payload)).toEqual(['today', 'this-week']);
    expect((await messenger.post(batch([quickReply('today', 'Today')]))).status).toBe(200);
    expect((await said(5)).at(-1)).toBe('What is your order number?');
    // Tapped twice: before, "Today" became the order number.
    expect((await messenger.post(batch([quickReply('today', 'Today')]))).status).toBe(200);
    expect((await said(7)).slice(5)).toEqual(['That button is from a question you already answered.', 'What is your order number?']);
    expect((await messenger.post(batch([textEvent('A-1234')]))).status).toBe(200);
    expect((await said(8)).at(-1)).toBe('Thanks: basic, today, A-1234.');
  });
});
