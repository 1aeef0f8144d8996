// People answering Messenger customers, through the real server: a person at the business writing from the Page Inbox
// takes the conversation over (the echo of their message), while the echoes of the bot's own messages change nothing;
// an agent's replies go out as RESPONSE within 24 hours of the customer's last message, tagged HUMAN_AGENT until 7
// days (not at all with MESSENGER_HUMAN_AGENT_TAG=off), and not at all after that (the agent is told why); Meta's
// code 2, which can mean the customer blocked the Page, is tried for minutes, not for a day.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, visitor } from '../../helpers.ts';
import { metaError } from '../meta/fake-graph-api.ts';
import { PAGE_ID, PSID, batch, clock, fixture, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const running: MessengerServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const orderFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi! What is your order number?"
    save: conversation.order
  - ask: "Thanks, checking order {{conversation.order}}. Anything else?"
    save: conversation.more
  - say: "Noted."
`;

async function server(options: Partial<Parameters<typeof startMessenger>[0]> = {}): Promise<MessengerServer> {
  const started = await startMessenger({ flows: { 'inbound.yaml': orderFlow }, ...options });
  running.push(started);
  return started;
}

/** Polls the agent's web chat until a message says `part`; resolves to it. */
async function toldInWebchat(agent: ReturnType<typeof visitor>, part: string): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const found = (await agent.messages()).map((m) => m.text).find((line) => line.includes(part));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the agent was not told "${part}"`);
}

describe('echoes', () => {
  it('takes the conversation over when a person writes from the Page Inbox: the bot says nothing more in it', async () => {
    const messenger = await server();
    expect((await messenger.post(batch([textEvent('Hi, my order never arrived 😕')]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi! What is your order number?']);

    expect((await messenger.post(fixture('echo'))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('شكراً! order #4521 🙏')]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi! What is your order number?']);

    const [conversation] = await messenger.app.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'assigned', takenOver: { channel: 'messenger' } });
    expect(conversation!.fields.order).toBeUndefined();
    const transcript = await messenger.app.store.messagesOfConversation(conversation!.id);
    expect(transcript.map((m) => [m.from, m.text, m.channelMessageId])).toEqual([
      ['contact', 'Hi, my order never arrived 😕', expect.any(String)],
      ['bot', 'Hi! What is your order number?', 'm_OUT0001'],
      ['agent', 'Thanks! Anything else?', 'm_echo0001'],
      ['contact', 'شكراً! order #4521 🙏', expect.any(String)],
    ]);
    // The echo delivered again changes nothing.
    expect((await messenger.post(fixture('echo'))).status).toBe(200);
    expect(await messenger.app.store.messagesOfConversation(conversation!.id)).toHaveLength(4);
  });

  it('ignores the echoes of its own messages, by their metadata or by their mid, and the flow goes on', async () => {
    const messenger = await server();
    expect((await messenger.post(batch([textEvent('Hi')]))).status).toBe(200);
    await settled(messenger);
    const [question] = messenger.graph.sent;
    const echo = (extra: Record<string, unknown>) => ({
      sender: { id: PAGE_ID }, recipient: { id: PSID }, timestamp: 1763950420000,
      message: { is_echo: true, app_id: 987654321, mid: question!.id, text: 'Hi! What is your order number?', ...extra },
    });
    expect((await messenger.post(batch([echo({ metadata: 'switchboard' })]))).status).toBe(200);
    // Without the metadata (an older send, say): its mid is one this process sent.
    expect((await messenger.post(batch([echo({})]))).status).toBe(200);

    expect((await messenger.post(batch([textEvent('#4521')]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi! What is your order number?', 'Thanks, checking order #4521. Anything else?']);
    const [conversation] = await messenger.app.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'bot' });
    expect(conversation!.takenOver).toBeUndefined();
  });
});

describe('the messaging window', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
  const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

  it('sends an agent\'s reply as RESPONSE at 23 hours, tagged HUMAN_AGENT at 25, and not at all after 8 days (the agent is told)', async () => {
    const time = clock();
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team, now: time.now, config: { AUTO_CLOSE_AFTER: 30 * DAY } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('My parcel is lost 📦')]))).status).toBe(200);
    await settled(messenger);

    time.advance(23 * HOUR);
    await lina.say('Looking into it now 🔍');
    await settled(messenger);
    time.advance(2 * HOUR);
    await lina.say('Found it: it ships tomorrow.');
    await settled(messenger);
    expect(messenger.graph.sentTo(PSID).map((body) => [body.messaging_type, body.tag, body.message.text])).toEqual([
      ['RESPONSE', undefined, '\u2068Lina\u2069 has joined the conversation.'],
      ['RESPONSE', undefined, 'Looking into it now 🔍'],
      ['MESSAGE_TAG', 'HUMAN_AGENT', 'Found it: it ships tomorrow.'],
    ]);
    // mark_seen and typing_on before the first reply after the customer's message, not before every one.
    expect(messenger.graph.senderActions).toEqual([{ to: PSID, action: 'mark_seen' }, { to: PSID, action: 'typing_on' }]);

    time.advance(7 * DAY);
    const callsBefore = messenger.graph.callsTo('/me/messages').length;
    await lina.say('هل ما زلت هنا؟ Are you still there?');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to the customer was not delivered ("هل ما زلت هنا؟ Are you still there?"): the customer\'s app takes no message from here until they write again. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    expect(messenger.graph.callsTo('/me/messages')).toHaveLength(callsBefore);
  });

  it('with MESSENGER_HUMAN_AGENT_TAG=off, sends no agent\'s reply after 24 hours, and the agent is told why', async () => {
    const time = clock();
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team, now: time.now, config: { AUTO_CLOSE_AFTER: 30 * DAY, MESSENGER_HUMAN_AGENT_TAG: 'off' } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('My parcel is lost 📦')]))).status).toBe(200);
    await settled(messenger);
    time.advance(25 * HOUR);
    const callsBefore = messenger.graph.callsTo('/me/messages').length;
    await lina.say('Found it: it ships tomorrow.');
    let told: string | undefined;
    await eventually(async () => (told = (await lina.messages()).map((m) => m.text).find((line) => line.includes('was not delivered'))) !== undefined, 15_000);
    expect(told).toBe(
      '#1: your message to the customer was not delivered ("Found it: it ships tomorrow."): the customer\'s app takes no message from here until they write again. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    expect(messenger.graph.callsTo('/me/messages')).toHaveLength(callsBefore);
    const [reply] = (await messenger.app.store.messagesOfConversation(1)).filter((m) => m.text === 'Found it: it ships tomorrow.');
    expect(reply).toMatchObject({ status: 'failed', error: expect.stringContaining('MESSENGER_HUMAN_AGENT_TAG=off') });
  });

  it('tries an agent\'s reply Meta answers with code 2 for minutes, not a day, then tells the agent the customer may have blocked the Page', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team, outbox: { retryDelaysMs: [5, 5, 5], longWaitMs: 1 } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('Where is my parcel?')]))).status).toBe(200);
    await settled(messenger);
    messenger.graph.fail(1_000_000, metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.'));
    await lina.say('It ships tomorrow.');
    let told: string | undefined;
    await eventually(async () => (told = (await lina.messages()).map((m) => m.text).find((line) => line.includes('was not delivered'))) !== undefined, 15_000);
    expect(told).toMatch(/^#1: your message to the customer was not delivered \("It ships tomorrow\."\): the customer's app kept refusing it with an unexpected error for several minutes, which can mean they blocked the business; if not, send it again later/);
    // Tried once and again after each of the three delays: no more.
    expect(messenger.graph.callsTo('/me/messages').filter((call) => call.status === 500)).toHaveLength(4);
    // Told once, at the first failure, not at each of the four.
    expect((await lina.messages()).map((m) => m.text).filter((line) => line.includes('has not gone yet'))).toEqual([
      '#1: your message to the customer has not gone yet ("It ships tomorrow."): their app refuses it with an unexpected error. It is sent again by itself for a few minutes; if it keeps being refused, that can mean they blocked the business. You will be told whether it goes.',
    ]);
  });

  it('tells the agent at the first code 2 that their reply is being tried again and may mean the customer blocked the Page, in Arabic too', async () => {
    // The next attempt waits a minute: what the agent hears meanwhile is told at the first failure.
    const arabic = team.replace('    teams: [Billing]\n', '    teams: [Billing]\n    language: ar\n');
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team: arabic, outbox: { retryDelaysMs: [60_000], longWaitMs: 120_000 } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('Where is my parcel?')]))).status).toBe(200);
    await settled(messenger);
    messenger.graph.fail(1_000_000, metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.'));
    await lina.say('It ships tomorrow.');
    let told: string | undefined;
    await eventually(async () => (told = (await lina.messages()).map((m) => m.text).find((line) => line.includes('لم تُرسَل'))) !== undefined, 15_000);
    expect(told).toBe(
      'المحادثة #1: لم تُرسَل رسالتك إلى \u2068العميل\u2069 بعد («\u2068It ships tomorrow.\u2069»): يرفضها تطبيقه بخطأ غير متوقع. يُعاد إرسالها تلقائيًا لبضع دقائق؛ وإن ظلّ يرفضها فقد يعني ذلك أنه حظر الشركة. وستعرف هل وصلت.',
    );
    expect(messenger.graph.callsTo('/me/messages').filter((call) => call.status === 500)).toHaveLength(1);
  });
});

describe('a message the customer unsent', () => {
  it('is told to the agent holding the conversation, whose app still shows it', async () => {
    const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
    const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('my card is 4111 1111 1111 1111', { mid: 'm_UNSENT1' })]))).status).toBe(200);
    await toldInWebchat(lina, 'my card is');
    const unsent = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950500000, message: { mid: 'm_UNSENT1', is_deleted: true } };
    expect((await messenger.post(batch([unsent]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'deleted')).toMatch(/^#1( \S.*)? deleted a message: "my card is 4111 1111 1111 1111"$/);
  });

  it('is told right after the message when Meta delivers the unsend first (the message\'s batch sent again later), once', async () => {
    const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
    const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    const unsent = batch([{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950500000, message: { mid: 'm_UNSENT2', is_deleted: true } }]);
    expect((await messenger.post(unsent)).status).toBe(200);
    expect((await messenger.post(unsent)).status).toBe(200);
    expect((await messenger.post(batch([textEvent('my card is 4111 1111 1111 1111', { mid: 'm_UNSENT2' })]))).status).toBe(200);
    expect((await messenger.post(unsent)).status).toBe(200);
    expect((await messenger.post(batch([textEvent('thanks')]))).status).toBe(200);
    await toldInWebchat(lina, 'thanks');
    const lines = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('4111'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^#1( \S.*)?: my card is 4111 1111 1111 1111$/);
    expect(lines[1]).toMatch(/^#1( \S.*)? deleted a message: "my card is 4111 1111 1111 1111"$/);
  });
});

describe('a customer\'s message longer than the 20,000 characters kept', () => {
  it('reaches the agent cut, and the agent is told they read only its start', async () => {
    const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
    const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('Here is the contract I signed:')]))).status).toBe(200);
    await settled(messenger);
    const contract = Array.from({ length: 1000 }, (_, i) => `Clause ${i + 1}: the tenant pays on the first day. `).join('');
    expect((await messenger.post(batch([textEvent(contract)]))).status).toBe(200);
    await settled(messenger);
    const relayed = await toldInWebchat(lina, 'Clause 1: the tenant');
    expect(relayed).toContain(`${contract.slice(19_940, 19_999)}…\n[the customer's message was cut: it has ${contract.length} characters, more than their channel keeps, and you read only its start. Ask them for the rest if it matters]`);
  });
});
