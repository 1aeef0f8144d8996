// A Messenger customer's edit of a message they sent (a `message_edit` event), through the real server: what the agent
// holding the conversation sees (once, however often Meta delivers it), what the customer sees (nothing), the
// transcript, and an edit of a message the store never had; and a reaction Meta delivers before its message.
import { afterEach, describe, expect, it } from 'vitest';
import { agentToken, cleanupDirs, recordingLog, visitor } from '../../helpers.ts';
import { IG_ACCOUNT, IGSID, PAGE_ID, PSID, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const running: MessengerServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
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

async function server(options: Partial<Parameters<typeof startMessenger>[0]>): Promise<MessengerServer> {
  const started = await startMessenger({ flows: { 'inbound.yaml': orderFlow }, ...options });
  running.push(started);
  return started;
}

/** Meta's event for the customer's edit of the message `mid`, as its webhook reference shows it. */
const editEvent = (mid: string, text: string, count: number) => ({
  sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950500000 + count, message_edit: { mid, text, num_edit: count },
});

/** The agent's web chat lines that say `part`, waiting until there is one. */
async function linesSaying(agent: ReturnType<typeof visitor>, part: string): Promise<string[]> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const found = (await agent.messages()).map((m) => m.text).filter((line) => line.includes(part));
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the agent was not told "${part}"`);
}

describe('Messenger: a customer edits a message', () => {
  it('shows Lina, who holds the conversation, the corrected order number once, however often Meta delivers the edit; the customer hears nothing', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await settled(messenger);
    expect((await messenger.post(batch([textEvent('My order is A-1243', { mid: 'm_ORDER1' })]))).status).toBe(200);
    await linesSaying(lina, 'My order is A-1243');
    await settled(messenger);
    const toCustomer = messenger.graph.saidTo(PSID).length;

    const fixed = batch([editEvent('m_ORDER1', 'My order is A-1234', 1)]);
    expect((await messenger.post(fixed)).status).toBe(200);
    expect((await messenger.post(fixed)).status).toBe(200);
    expect((await messenger.post(batch([textEvent('thanks')]))).status).toBe(200);
    await linesSaying(lina, ': thanks');
    await settled(messenger);
    const lines = (await lina.messages()).map((m) => m.text);
    const edits = lines.filter((line) => line.includes('edited a message'));
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    // Before her next message: the agent reads the correction where it happened.
    expect(lines.indexOf(edits[0]!)).toBeLessThan(lines.findIndex((line) => line.endsWith(': thanks')));
    expect(messenger.graph.saidTo(PSID).slice(toCustomer)).toEqual([]);

    const transcript = await messenger.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => [m.from, m.text, m.edit?.of])).toEqual([
      ['contact', '[edited "My order is A-1243"] My order is A-1234', 'm_ORDER1'],
    ]);

    // Lina's console shows the conversation with the message as sent and, after it, its edit.
    const login = await fetch(`${messenger.app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-lina') }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const inConsole = (await (await fetch(`${messenger.app.url}/agent/api/conversations/1/messages`, { headers: { cookie } })).json()) as { messages: { from: string; text: string }[] };
    expect(inConsole.messages.filter((m) => m.from === 'contact').map((m) => m.text)).toEqual([
      'hello', 'My order is A-1243', '[edited "My order is A-1243"] My order is A-1234', 'thanks',
    ]);
  });

  it('tells Lina, when a message is edited twice, what each edit changed from', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('My order is A-1243', { mid: 'm_ORDER2' })]))).status).toBe(200);
    await settled(messenger);
    expect((await messenger.post(batch([editEvent('m_ORDER2', 'My order is A-1235', 1)]))).status).toBe(200);
    expect((await messenger.post(batch([editEvent('m_ORDER2', 'My order is A-1234', 2)]))).status).toBe(200);
    await linesSaying(lina, 'My order is A-1234 (was');
    const told = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('edited a message'));
    expect(told.map((line) => line.replace(/^#1 .*edited a message: /, ''))).toEqual([
      'My order is A-1235 (was "My order is A-1243")',
      'My order is A-1234 (was "My order is A-1235")',
    ]);
    const transcript = await messenger.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.from === 'contact').map((m) => m.text)).toEqual([
      'My order is A-1243', '[edited "My order is A-1243"] My order is A-1235', '[edited "My order is A-1235"] My order is A-1234',
    ]);
  });

  it('keeps an edit of an answer the bot already took in the transcript only: nothing is asked again, the flow goes on', async () => {
    const messenger = await server({});
    expect((await messenger.post(batch([textEvent('Hi')]))).status).toBe(200);
    await settled(messenger);
    expect((await messenger.post(batch([textEvent('A-1243', { mid: 'm_ANSWER' })]))).status).toBe(200);
    await settled(messenger);
    expect((await messenger.post(batch([editEvent('m_ANSWER', 'A-1234', 1)]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('no, thanks')]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi! What is your order number?', 'Thanks, checking order A-1243. Anything else?', 'Noted.']);
    const transcript = await messenger.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => m.text)).toEqual(['[edited "A-1243"] A-1234']);
  });

  it('logs an edit of a message the store never had, answers 200 and keeps nothing', async () => {
    const { log, lines } = recordingLog();
    const messenger = await server({ log });
    expect((await messenger.post(batch([textEvent('Hi')]))).status).toBe(200);
    await settled(messenger);
    expect((await messenger.post(batch([editEvent('m_FROM_LAST_YEAR', 'fixed', 2)]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi! What is your order number?']);
    expect((await messenger.app.store.messagesOfConversation(1)).filter((m) => m.edit !== undefined)).toEqual([]);
    expect(lines.some((line) => String(line.msg).includes('an edit of a message the store does not have') && line.of === 'm_FROM_LAST_YEAR')).toBe(true);
  });

  it('on Instagram Direct too (the same event, `object: instagram`): Lina sees the correction once; the customer hears nothing', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team, config: { INSTAGRAM: '1' } });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    const ig = (events: Record<string, unknown>[]) => batch(events, { object: 'instagram' });
    expect((await messenger.post(ig([textEvent('My order is A-1243', { from: IGSID, to: IG_ACCOUNT, mid: 'ig_m_ORDER' })]))).status).toBe(200);
    await linesSaying(lina, 'My order is A-1243');
    await settled(messenger);
    const toCustomer = messenger.graph.saidTo(IGSID).length;
    const fixed = ig([{ sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: 1763950600000, message_edit: { mid: 'ig_m_ORDER', text: 'My order is A-1234', num_edit: 1 } }]);
    expect((await messenger.post(fixed)).status).toBe(200);
    expect((await messenger.post(fixed)).status).toBe(200);
    await linesSaying(lina, 'My order is A-1234 (was');
    await settled(messenger);
    const edits = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('edited a message'));
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    expect(messenger.graph.saidTo(IGSID).slice(toCustomer)).toEqual([]);
    const [contact] = await messenger.app.store.contacts();
    expect(contact?.identities).toEqual([{ channel: 'instagram', id: IGSID }]);
  });
});

describe('Messenger: a customer\'s reaction that Meta delivers before the message it reacts to', () => {
  it('shows Lina what it answers, right after the message, once however often Meta delivers it', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    messenger.graph.addProfile(PSID, { name: 'Layla Haddad' });
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await linesSaying(lina, 'hello');
    const reaction = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950500000, reaction: { reaction: 'other', emoji: '👆', action: 'react', mid: 'm_BROKEN' } };
    expect((await messenger.post(batch([reaction]))).status).toBe(200);
    expect((await messenger.post(batch([reaction]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('Order 4521 arrived broken', { mid: 'm_BROKEN' })]))).status).toBe(200);
    expect((await messenger.post(batch([reaction]))).status).toBe(200);
    await linesSaying(lina, '👆');
    await settled(messenger);
    const lines = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('Order 4521'));
    expect(lines).toEqual(['#1 Layla Haddad: Order 4521 arrived broken', '#1 Layla Haddad reacted 👆 to "Order 4521 arrived broken"']);
  });
});
