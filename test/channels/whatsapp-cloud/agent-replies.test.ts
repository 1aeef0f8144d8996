// An agent answering one customer message in particular from WhatsApp (their Reply on the relay of it: `context.id`)
// or from their own web chat session (a click quotes a relay), through the real server and the fake Graph API and Bot
// API: the customer gets the answer as a reply to their own message, Telegram's `reply_parameters` or WhatsApp's
// `context`.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from '../telegram/fake-bot-api.ts';
import { SECRET, TOKEN, post, telegramServers } from '../telegram/harness.ts';
import { SHEENA, messagesBody, settled, startCloud, text } from './harness.ts';

const OMAR = '15550001234';
const LAYLA = 5001;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

const servers = telegramServers();

let nextMessage = 70_000;
/** A private Telegram message from Layla saying `body`. */
function fromLayla(body: string): Record<string, any> {
  const person = { id: LAYLA, first_name: 'Layla' };
  return { update_id: nextMessage, message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body } };
}

describe('an agent replies to one message of a customer\'s', () => {
  it('from WhatsApp: Layla on Telegram gets the answer as a reply to her own message (reply_parameters)', async () => {
    const api = await FakeBotApi.start();
    servers.stopAfterTest({ stop: () => api.close() });
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET } });
    servers.stopAfterTest(cloud);
    const fromOmar = (message: Record<string, unknown>) => cloud.post(messagesBody([message], { from: OMAR, name: 'Omar' }));
    expect((await fromOmar(text('/online', { from: OMAR }))).status).toBe(200);
    expect(await post(cloud.app, fromLayla('hello'))).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.startsWith('#1 · new conversation')));
    const refund = fromLayla('When will my refund arrive?');
    expect(await post(cloud.app, refund)).toBe(200);
    expect(await post(cloud.app, fromLayla('Can I change my address?'))).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).includes('#1 Layla: Can I change my address?'));
    const relay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body === '#1 Layla: When will my refund arrive?')!;

    const answer = { ...text('It left our bank yesterday.', { from: OMAR }), context: { from: '15550783881', id: relay.id } };
    expect((await fromOmar(answer)).status).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('It left our bank yesterday.'));
    const sent = api.callsOf('sendMessage').find((call) => call.params.text === 'It left our bank yesterday.')!;
    expect(sent.params).toMatchObject({ chat_id: String(LAYLA), reply_parameters: { message_id: refund.message.message_id } });
  });

  it('from the web chat: Sheena on WhatsApp gets the answer as a reply to her own message (context.message_id)', async () => {
    const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    servers.stopAfterTest(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    const sheenaSays = async (body: string) => {
      const message = text(body);
      expect((await cloud.post(messagesBody([message]))).status).toBe(200);
      return message.id as string;
    };
    await sheenaSays('hello');
    const refund = await sheenaSays('When will my refund arrive?');
    await sheenaSays('Can I change my address?');
    let relay: number | undefined;
    for (let waited = 0; waited < 3000 && relay === undefined; waited += 25) {
      const messages = await lina.messages();
      if (messages.some((m) => m.text === '#1 Sheena Nelson: Can I change my address?')) relay = messages.find((m) => m.text === '#1 Sheena Nelson: When will my refund arrive?')?.id;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(relay).toBeDefined();

    expect((await lina.quote('It left our bank yesterday.', relay!)).status).toBe(202);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('It left our bank yesterday.'));
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'text', text: { body: 'It left our bank yesterday.' }, context: { message_id: refund } });
  });

  it('from WhatsApp, numbered for one customer while replying to another\'s message: reaches neither, and Omar is told why; a number matching the reply is not read to the customer', async () => {
    const LAYLA_WA = '966501234567';
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n    max_open: 5\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    servers.stopAfterTest(cloud);
    const says = async (from: string, name: string, message: Record<string, unknown>) => {
      expect((await cloud.post(messagesBody([message], { from, name }))).status).toBe(200);
      await settled(cloud, OMAR);
    };
    await says(OMAR, 'Omar', text('/online', { from: OMAR }));
    await says(LAYLA_WA, 'Layla', text('When will my refund arrive?', { from: LAYLA_WA }));
    await says(SHEENA, 'Sheena', text('Where is my order?', { from: SHEENA }));
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.startsWith('#2 · new conversation')));
    const toLayla = cloud.graph.saidTo(LAYLA_WA).length;
    const toSheena = cloud.graph.saidTo(SHEENA).length;
    const sheenasCard = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body.startsWith('#2 · new conversation'))!;

    // Omar means Layla (#1), but his Reply is on Sheena's card.
    await says(OMAR, 'Omar', { ...text('#1 Your refund left our bank yesterday.', { from: OMAR }), context: { from: '15550783881', id: sheenasCard.id } });
    await eventually(() => cloud.graph.saidTo(OMAR).includes(
      'Nothing was sent: your message starts with #1 (Layla) but replies to a message of #2 (Sheena). Send it again replying to one of Layla\'s messages, or to Sheena without the number.',
    ));
    // On the code before: Sheena read "#1 Your refund left our bank yesterday."
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual([]);
    expect(cloud.graph.saidTo(LAYLA_WA).slice(toLayla)).toEqual([]);

    await says(OMAR, 'Omar', { ...text('#2 It ships tomorrow.', { from: OMAR }), context: { from: '15550783881', id: sheenasCard.id } });
    await eventually(() => cloud.graph.saidTo(SHEENA).slice(toSheena).length > 0);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual(['It ships tomorrow.']);
  });
});

describe('an agent\'s message longer than WhatsApp brings here', () => {
  it('reaches the customer cut at 20,000 characters, and the agent is told it was cut and where it stopped', async () => {
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    servers.stopAfterTest(cloud);
    const fromOmar = (body: string) => cloud.post(messagesBody([text(body, { from: OMAR })], { from: OMAR, name: 'Omar' }));
    expect((await fromOmar('/online')).status).toBe(200);
    expect((await cloud.post(messagesBody([text('Can you send me the whole contract?')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.startsWith('#1 · new conversation')));

    // A contract pasted whole: WhatsApp takes 65,536 characters, the channel keeps 20,000.
    const contract = Array.from({ length: 1000 }, (_, i) => `Clause ${i + 1}: the tenant pays on the first day. `).join('');
    const kept = contract.slice(0, 19_999);
    expect((await fromOmar(contract)).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).join('').replace(/\s+/g, '').endsWith('…'));
    expect(cloud.graph.saidTo(SHEENA).slice(1).join('').replace(/\s+/g, '')).toBe(`${kept}…`.replace(/\s+/g, ''));
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.startsWith('#1: your message was cut')));
    const notice = cloud.graph.saidTo(OMAR).find((said) => said.startsWith('#1: your message was cut'))!;
    expect(notice).toContain(`it has ${contract.length} characters`);
    expect(notice).toContain(`the customer got it only up to "…${kept.slice(-40).trimStart()}"`);
    expect(notice).toContain('Send them the rest in another message.');
  });
});

describe('a customer\'s message longer than WhatsApp brings here', () => {
  it('reaches the agent cut at 20,000 characters, and the agent is told they read only its start', async () => {
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    servers.stopAfterTest(cloud);
    expect((await cloud.post(messagesBody([text('/online', { from: OMAR })], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('Here is the contract I signed:')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.startsWith('#1 · new conversation')));

    const contract = Array.from({ length: 1000 }, (_, i) => `Clause ${i + 1}: the tenant pays on the first day. `).join('');
    expect((await cloud.post(messagesBody([text(contract)]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).join('\n').includes('[the customer\'s message was cut'));
    const relayed = cloud.graph.saidTo(OMAR).join('\n');
    expect(relayed.replace(/\s+/g, '')).toContain(`${contract.slice(19_940, 19_999)}…`.replace(/\s+/g, ''));
    expect(relayed).toContain(`[the customer's message was cut: it has ${contract.length} characters, more than their channel keeps, and you read only its start. Ask them for the rest if it matters]`);
  });
});
