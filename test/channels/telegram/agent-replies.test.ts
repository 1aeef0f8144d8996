// An agent on Telegram answers one customer message in particular (Telegram's Reply on the relay of it, in his chat
// with the bot or in a team desk's topic), through the real server and the fake Bot API, Graph API and Bot Framework:
// the customer gets the answer as a reply to their own message where their app shows quotes (WhatsApp's `context`,
// Telegram's `reply_parameters`, the web chat's `quote`), else with a short quote of it on a line before, in their
// language (Messenger, Bot Framework Web Chat). A reply to a relay never quotes one customer's message to another, and
// a reply to anything but a relay of the customer's message in the conversation (a card, an old notice) goes plain.
// A reply to a relay of a conversation closed since, or of a customer erased since, reaches no one (the agent is told);
// a restart between the relay and the reply changes nothing.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, post, telegramServers } from './harness.ts';
import { messagesBody, settled, startCloud, text as cloudText, type CloudServer } from '../whatsapp-cloud/harness.ts';
import { PAGE_ID, PSID, batch, startMessenger, textEvent } from '../messenger/harness.ts';
import { startBotFramework, webchatText } from '../botframework/harness.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n    max_open: 5\n';

const LAYLA_WA = '966501234567';
const SHEENA_WA = '16505551234';

const servers = telegramServers();

/** The fake Bot API for Omar's app beside a Meta channel, stopped after the test; the configuration that uses it. */
async function omarsTelegram(): Promise<{ api: FakeBotApi; config: Record<string, string> }> {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  return { api, config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET } };
}

let nextUpdate = 500_000;
let nextMessage = 50_000;
/** A private Telegram message from `chat` saying `body`; with `replyTo`, Telegram's Reply on that message of the bot's. */
function telegramText(chat: number, body: string, replyTo?: { message_id: number; text: string }): Record<string, unknown> {
  const person = { id: chat, first_name: chat === OMAR ? 'Omar' : 'Layla' };
  const date = Math.floor(Date.now() / 1000);
  const reply = replyTo && { ...replyTo, date, chat: { ...person, type: 'private' }, from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' } };
  return {
    update_id: nextUpdate++,
    message: { message_id: nextMessage++, date, chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body, ...(reply ? { reply_to_message: reply } : {}) },
  };
}

/** The message the bot sent Omar saying `said` (or starting with it, with `prefix`), once it came. */
async function inOmarsChat(api: FakeBotApi, said: string, prefix = false): Promise<{ message_id: number; text: string }> {
  const find = () => api.messagesTo(OMAR).find((message) => (prefix ? message.text.startsWith(said) : message.text === said));
  await eventually(() => find() !== undefined).catch((error: unknown) => {
    throw new Error(`Omar was not sent ${JSON.stringify(said)}; he has ${JSON.stringify(api.sentTo(OMAR))}`, { cause: error });
  });
  return find()!;
}

/** Omar online on Telegram. */
async function omarOnline(app: Parameters<typeof post>[0], api: FakeBotApi): Promise<{ message_id: number; text: string }> {
  expect(await post(app, telegramText(OMAR, '/online'))).toBe(200);
  return inOmarsChat(api, 'You are online', true);
}

/** WhatsApp Cloud customers, Omar online on Telegram. */
async function cloudWithOmar(extra: Record<string, string> = {}): Promise<{ cloud: CloudServer; api: FakeBotApi; online: { message_id: number; text: string } }> {
  const { api, config } = await omarsTelegram();
  const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, config: { ...config, ...extra } });
  servers.stopAfterTest(cloud);
  return { cloud, api, online: await omarOnline(cloud.app, api) };
}

/** `body` from the WhatsApp customer `from` (named `name`); resolves to its wamid. */
async function onWhatsApp(cloud: CloudServer, from: string, name: string, body: string): Promise<string> {
  const message = cloudText(body, { from });
  expect((await cloud.post(messagesBody([message], { from, name }))).status).toBe(200);
  return message.id as string;
}

describe('an agent on Telegram replies to one message of a customer\'s', () => {
  it('reaches Layla on WhatsApp as a reply to her own message (context.message_id: her wamid); his next message goes plain', async () => {
    const { cloud, api } = await cloudWithOmar();
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    const refund = await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'When will my refund arrive?');
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'Can I change my address?');
    const relay = await inOmarsChat(api, '#1 Layla: When will my refund arrive?');
    await inOmarsChat(api, '#1 Layla: Can I change my address?');

    expect(await post(cloud.app, telegramText(OMAR, 'It left our bank yesterday.', relay))).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA_WA).includes('It left our bank yesterday.'));
    expect(cloud.graph.sentTo(LAYLA_WA).at(-1)).toMatchObject({ to: LAYLA_WA, type: 'text', text: { body: 'It left our bank yesterday.' }, context: { message_id: refund } });

    expect(await post(cloud.app, telegramText(OMAR, 'Yes: send me the new one.'))).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA_WA).includes('Yes: send me the new one.'));
    expect(cloud.graph.sentTo(LAYLA_WA).at(-1)).not.toHaveProperty('context');
    // The transcript keeps which message the answer replies to.
    const answer = (await cloud.app.store.messagesOfConversation(1)).find((m) => m.direction === 'out' && m.text === 'It left our bank yesterday.');
    expect(answer).toMatchObject({ from: 'agent', replyTo: refund, quote: '"When will my refund arrive?"' });
  });

  it('on the first part of a relay too long for one Telegram message: reaches Layla on WhatsApp as a reply to it, while he holds two conversations', async () => {
    const { cloud, api } = await cloudWithOmar();
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'hi');
    await inOmarsChat(api, '#2 · new conversation', true);
    // Telegram takes 4,096 characters a message: the relay of this goes out in two.
    const story = `My order went missing. ${'It was supposed to arrive on Monday, and nobody answers the phone. '.repeat(70)}`;
    const long = await onWhatsApp(cloud, LAYLA_WA, 'Layla', story);
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'Are you there?');
    await inOmarsChat(api, '#1 Layla: Are you there?');
    const parts = api.messagesTo(OMAR).filter((message) => message.text.includes('nobody answers the phone'));
    expect(parts.length).toBe(2);
    expect(parts[0]!.text.startsWith('#1 Layla: My order went missing.')).toBe(true);

    expect(await post(cloud.app, telegramText(OMAR, 'I found it: it arrives tomorrow.', parts[0]))).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA_WA).includes('I found it: it arrives tomorrow.'));
    expect(cloud.graph.sentTo(LAYLA_WA).at(-1)).toMatchObject({ type: 'text', text: { body: 'I found it: it arrives tomorrow.' }, context: { message_id: long } });
  });

  it('reaches Layla on Telegram as a reply to her own message (reply_parameters: her message id)', async () => {
    const { app, api } = await servers.setUp({ webhook: true, team, flows: { 'inbound.yaml': assignFlow } });
    await omarOnline(app, api);
    expect(await post(app, telegramText(LAYLA, 'hello'))).toBe(200);
    await inOmarsChat(api, '#1 · new conversation', true);
    const refund = telegramText(LAYLA, 'When will my refund arrive?');
    expect(await post(app, refund)).toBe(200);
    expect(await post(app, telegramText(LAYLA, 'Can I change my address?'))).toBe(200);
    const relay = await inOmarsChat(api, '#1 Layla: When will my refund arrive?');
    await inOmarsChat(api, '#1 Layla: Can I change my address?');

    expect(await post(app, telegramText(OMAR, 'It left our bank yesterday.', relay))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('It left our bank yesterday.'));
    const answer = api.callsOf('sendMessage').find((call) => call.params.text === 'It left our bank yesterday.')!;
    expect(answer.params).toMatchObject({ chat_id: String(LAYLA), reply_parameters: { message_id: (refund.message as { message_id: number }).message_id } });
  });

  it('from a team desk\'s topic: reaches Layla on Telegram as a reply to her own message; a message in the topic that replies to no relay goes plain', async () => {
    const DESK = -1001234567890;
    const { app, api } = await servers.setUp({ webhook: true, team: team.replace('  - name: Billing\n', `  - name: Billing\n    telegram_desk: "${DESK}"\n`), flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, telegramText(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((said) => said.startsWith('#1 ·')));
    const refund = telegramText(LAYLA, 'When will my refund arrive?');
    expect(await post(app, refund)).toBe(200);
    expect(await post(app, telegramText(LAYLA, 'Can I change my address?'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: Can I change my address?'));
    const relay = api.messagesTo(DESK).find((message) => message.text === '#1 Layla: When will my refund arrive?')!;
    /** Omar's message in the topic (55), a Reply on `to` (Telegram makes every topic message a reply to its first). */
    const inTopic = (body: string, to: { message_id: number; text?: string }) => {
      const update = telegramText(OMAR, body) as { message: Record<string, unknown> };
      const group = { id: DESK, type: 'supergroup', title: 'Acme support desk', is_forum: true };
      Object.assign(update.message, { chat: group, message_thread_id: 55, is_topic_message: true, reply_to_message: { ...to, date: 1763950000, chat: group } });
      return update;
    };

    expect(await post(app, inTopic('It left our bank yesterday.', relay))).toBe(200);
    expect(await post(app, inTopic('Yes: send me the new one.', { message_id: 55 }))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Yes: send me the new one.'));
    const sent = (said: string) => api.callsOf('sendMessage').find((call) => call.params.text === said)!.params;
    expect(sent('It left our bank yesterday.')).toMatchObject({ chat_id: String(LAYLA), reply_parameters: { message_id: (refund.message as { message_id: number }).message_id } });
    expect(sent('Yes: send me the new one.')).not.toHaveProperty('reply_parameters');
  });

  it('reaches Layla on Messenger, which shows no quotes, with a short quote of her message on the line before', async () => {
    const { api, config } = await omarsTelegram();
    const messenger = await startMessenger({ flows: { 'inbound.yaml': assignFlow }, team, config });
    servers.stopAfterTest(messenger);
    messenger.graph.addProfile(PSID, { name: 'Layla' });
    await omarOnline(messenger.app, api);
    const now = Date.now();
    expect((await messenger.post(batch([textEvent('hello', { timestamp: now })]))).status).toBe(200);
    await inOmarsChat(api, '#1 · new conversation', true);
    const long = 'When will my refund arrive? I paid twice for order 4521 on Monday, once by card and once by transfer.';
    expect((await messenger.post(batch([textEvent(long, { timestamp: now + 1 })]))).status).toBe(200);
    const second = 'm_ADDRESS1';
    expect((await messenger.post(batch([textEvent('Can I change my address?', { timestamp: now + 2, mid: second })]))).status).toBe(200);
    const relay = await inOmarsChat(api, `#1 Layla: ${long}`);
    const address = await inOmarsChat(api, '#1 Layla: Can I change my address?');

    const answer = telegramText(OMAR, 'It left our bank yesterday.', relay);
    expect(await post(messenger.app, answer)).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).some((said) => said.endsWith('It left our bank yesterday.')));
    expect(messenger.graph.saidTo(PSID).at(-1)).toBe('In reply to "When will my refund arrive? I paid twice for order 4521 on…":\nIt left our bank yesterday.');
    expect(messenger.graph.sentTo(PSID).at(-1)!.message).not.toHaveProperty('reply_to');
    // Omar fixes his answer: the correction names his words, not the line before them.
    const edited = { update_id: nextUpdate++, edited_message: { ...(answer.message as object), text: 'It left our bank this morning.', edit_date: Math.floor(Date.now() / 1000) + 30 } };
    expect(await post(messenger.app, edited)).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).some((said) => said.startsWith('Correction')));
    expect(messenger.graph.saidTo(PSID).at(-1)).toBe('Correction: It left our bank this morning. (instead of "It left our bank yesterday.")');

    // Layla fixes her second question: a reply to the relay of it names it as her app shows it now.
    const edit = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: now + 3, message_edit: { mid: second, text: 'Can I change my delivery address?', num_edit: 1 } };
    expect((await messenger.post(batch([edit]))).status).toBe(200);
    await inOmarsChat(api, '#1 Layla edited a message', true);
    expect(await post(messenger.app, telegramText(OMAR, 'Yes: send me the new one.', address))).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).some((said) => said.endsWith('Yes: send me the new one.')));
    expect(messenger.graph.saidTo(PSID).at(-1)).toBe('In reply to "Can I change my delivery address?":\nYes: send me the new one.');
  });

  it('reaches Amira on Web Chat (Bot Framework, no quotes) naming her message in Arabic, her language', async () => {
    const { api, config } = await omarsTelegram();
    const bf = await startBotFramework({ flows: { 'inbound.yaml': assignFlow }, team, config });
    servers.stopAfterTest(bf);
    await omarOnline(bf.app, api);
    const webchat = bf.service.serviceUrl('webchat');
    expect((await bf.post(webchatText('مرحبا', webchat))).status).toBe(200);
    await inOmarsChat(api, '#1 · new conversation', true);
    expect((await bf.post(webchatText('متى يصل المبلغ المسترد؟', webchat))).status).toBe(200);
    const relay = await inOmarsChat(api, '#1 Amira: \u2068متى يصل المبلغ المسترد؟\u2069');

    expect(await post(bf.app, telegramText(OMAR, 'It left our bank yesterday.', relay))).toBe(200);
    const toAmira = () => bf.service.sentTo('Dz1FxXAbC1e-us').map((sent) => sent.activity.text as string);
    await eventually(() => toAmira().some((said) => said.endsWith('It left our bank yesterday.')));
    expect(toAmira().at(-1)).toBe('ردًا على «\u2068متى يصل المبلغ المسترد؟\u2069»:\nIt left our bank yesterday.');
  });

  it('reaches Dana on the web chat with a short quote of her message above the answer', async () => {
    const { app, api } = await servers.setUp({ webhook: true, team, flows: { 'inbound.yaml': assignFlow } });
    await omarOnline(app, api);
    const dana = visitor(app.url, 'dana', 'Dana');
    await dana.say('hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    await dana.say('When will my refund arrive?');
    await dana.say('Can I change my address?');
    const relay = await inOmarsChat(api, '#1 Dana: When will my refund arrive?');
    await inOmarsChat(api, '#1 Dana: Can I change my address?');

    expect(await post(app, telegramText(OMAR, 'It left our bank yesterday.', relay))).toBe(200);
    expect(await post(app, telegramText(OMAR, 'Yes: send me the new one.'))).toBe(200);
    let fromOmar: { text: string; quote?: string }[] = [];
    for (let waited = 0; waited < 3000 && fromOmar.length < 2; waited += 25) {
      fromOmar = (await dana.messages()).filter((m) => m.from === 'agent').map((m) => ({ text: m.text, ...(m.quote !== undefined ? { quote: m.quote } : {}) }));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(fromOmar).toEqual([{ text: 'It left our bank yesterday.', quote: '"When will my refund arrive?"' }, { text: 'Yes: send me the new one.' }]);
  });

  it('never quotes one customer\'s message to another; a reply to a card or to an old notice goes plain', async () => {
    const { cloud, api, online } = await cloudWithOmar();
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    const laylas = await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'When will my refund arrive?');
    const toLayla = await inOmarsChat(api, '#1 Layla: When will my refund arrive?');
    await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'hi');
    const sheenasCard = await inOmarsChat(api, '#2 · new conversation', true);
    const sheenas = await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'Is my order shipped?');
    const toSheena = await inOmarsChat(api, '#2 Sheena: Is my order shipped?');

    // Each answer goes to the customer whose message it quotes, quoting that one message.
    expect(await post(cloud.app, telegramText(OMAR, 'Tomorrow.', toLayla))).toBe(200);
    expect(await post(cloud.app, telegramText(OMAR, 'Yes, this morning.', toSheena))).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA_WA).includes('Yes, this morning.') && cloud.graph.saidTo(LAYLA_WA).includes('Tomorrow.'));
    const quoted = (to: string) => cloud.graph.sentTo(to).filter((m) => m.context).map((m) => [m.text.body, m.context.message_id]);
    expect(quoted(LAYLA_WA)).toEqual([['Tomorrow.', laylas]]);
    expect(quoted(SHEENA_WA)).toEqual([['Yes, this morning.', sheenas]]);

    // A reply to Sheena's card (a bot message, not a relay): to Sheena, plain.
    expect(await post(cloud.app, telegramText(OMAR, 'Hi Sheena, Omar here.', sheenasCard))).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA_WA).includes('Hi Sheena, Omar here.'));
    expect(cloud.graph.sentTo(SHEENA_WA).at(-1)).not.toHaveProperty('context');

    // Layla's conversation closed, and a new one of hers with Omar: a reply to the relay from the closed one does not
    // reach her, quoted or not (Omar is told, and where she writes now); a reply to "You are online" (no conversation)
    // goes to her, plain.
    expect(await post(cloud.app, telegramText(OMAR, '/close 2'))).toBe(200);
    expect(await post(cloud.app, telegramText(OMAR, '/close 1'))).toBe(200);
    await inOmarsChat(api, 'Closed #1', true);
    expect(await post(cloud.app, telegramText(OMAR, 'Anything else?', toLayla))).toBe(200);
    const closedOne = (await inOmarsChat(api, '#1 was closed by you on ', true)).text;
    expect(closedOne).toMatch(/^#1 was closed by you on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: that did not reach the customer\.$/);
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'one more thing');
    await inOmarsChat(api, '#3 · new conversation', true);
    // What her new conversation tells Layla ("Omar has joined the conversation.") leaves apart from Omar's card.
    await settled(cloud);
    const laylaHad = cloud.graph.sentTo(LAYLA_WA).length;
    expect(await post(cloud.app, telegramText(OMAR, 'About your refund again…', toLayla))).toBe(200);
    await inOmarsChat(api, `${closedOne} They write in #3 now: reply to one of its messages.`);
    expect(await post(cloud.app, telegramText(OMAR, 'Go ahead.', online))).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA_WA).includes('Go ahead.'));
    expect(cloud.graph.sentTo(LAYLA_WA).slice(laylaHad).map((m) => [m.text?.body, m.context])).toEqual([['Go ahead.', undefined]]);
  });

  it('after a restart between the relay and his Reply (embedded store), on either part of a long relay: reaches Layla as a reply to the message he answered', async () => {
    const { cloud, api } = await cloudWithOmar();
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'hi');
    await inOmarsChat(api, '#2 · new conversation', true);
    const refund = await onWhatsApp(cloud, LAYLA_WA, 'Layla', `When will my refund arrive? ${'I paid twice for order 4521 on Monday, once by card and once by transfer. '.repeat(60)}`);
    await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'Is my order shipped?');
    await inOmarsChat(api, '#2 Sheena: Is my order shipped?');
    const [first, last] = api.messagesTo(OMAR).filter((message) => message.text.includes('I paid twice'));

    await cloud.restart();
    expect(await post(cloud.app, telegramText(OMAR, 'It left our bank yesterday.', first))).toBe(200);
    expect(await post(cloud.app, telegramText(OMAR, 'Both payments, yes.', last!))).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA_WA).includes('Both payments, yes.'));
    const answers = cloud.graph.sentTo(LAYLA_WA).slice(-2).map((m) => [m.text?.body, m.context?.message_id]);
    expect(answers).toEqual([['It left our bank yesterday.', refund], ['Both payments, yes.', refund]]);
    expect(cloud.graph.saidTo(SHEENA_WA).filter((said) => said.includes('bank') || said.includes('payments'))).toEqual([]);
  });

  it('to a customer erased (data-protection) since the relay: reaches no one, not the other customer he holds, and he is told', async () => {
    const { cloud, api } = await cloudWithOmar({ ADMIN_TOKEN });
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'hello');
    await inOmarsChat(api, '#1 · new conversation', true);
    // Long enough for two Telegram messages: his Reply may be on either part.
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', `When will my refund arrive? ${'I paid twice for order 4521 on Monday, once by card and once by transfer. '.repeat(60)}`);
    await onWhatsApp(cloud, LAYLA_WA, 'Layla', 'Are you there?');
    await inOmarsChat(api, '#1 Layla: Are you there?');
    const [first, relay] = api.messagesTo(OMAR).filter((message) => message.text.includes('I paid twice'));
    await onWhatsApp(cloud, SHEENA_WA, 'Sheena', 'hi');
    await inOmarsChat(api, '#2 · new conversation', true);
    const layla = (await cloud.app.store.contacts()).find((contact) => contact.name === 'Layla')!;
    expect((await adminClient(cloud.app.url).delete(`/contacts/${layla.id}`)).status).toBe(200);
    await inOmarsChat(api, '#1 was erased by admin (data protection)', true);
    // What her conversation told Sheena ("Omar has joined the conversation.") left apart from Omar's card.
    await settled(cloud);

    const sheenaHad = cloud.graph.sentTo(SHEENA_WA).length;
    const omarHad = api.sentTo(OMAR).length;
    expect(await post(cloud.app, telegramText(OMAR, 'Layla, your refund of 240 EUR left our bank.', first))).toBe(200);
    const unknown = 'That reached no one: the message you replied to was about a customer whose data has been erased since.';
    await eventually(() => api.sentTo(OMAR).length > omarHad);
    expect(api.sentTo(OMAR).slice(omarHad)).toEqual([unknown]);
    // Nor does a /close on it close the conversation he holds, Sheena's.
    expect(await post(cloud.app, telegramText(OMAR, '/close', relay!))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > omarHad + 1);
    expect(api.sentTo(OMAR).slice(omarHad)).toEqual([unknown, unknown]);
    await settled(cloud);
    expect(cloud.graph.sentTo(SHEENA_WA).slice(sheenaHad)).toEqual([]);
    expect((await cloud.app.store.conversation(2))?.status).toBe('open');
  });
});
