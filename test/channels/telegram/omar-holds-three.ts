// Omar, on Telegram, holds Layla's conversation on Telegram (#1), Sheena's on WhatsApp Cloud (#2) and Dana's on the web
// chat (#3): one server, the fake Bot API and Graph API. For the tests of what an agent sends from Telegram
// (agent-sends, agent-formatting), and what each customer then gets.
import { expect } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, post, type telegramServers } from './harness.ts';
import { SHEENA, messagesBody, settled, startCloud, text as cloudText, type CloudServer } from '../whatsapp-cloud/harness.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: ${OMAR}\n    teams: [Billing]\n    max_open: 5\n${language}`;

let nextUpdate = 600_000;
let nextMessage = 60_000;
/** The next update's id, for an update built by hand (an edit). */
export function nextUpdateId(): number {
  return nextUpdate++;
}

/** A private Telegram message from `chat` with `fields` (text, entities, photo, sticker…), as Telegram sends it. */
export function telegram(chat: number, fields: Record<string, unknown>): Record<string, any> {
  const person = { id: chat, first_name: chat === OMAR ? 'Omar' : 'Layla' };
  return { update_id: nextUpdate++, message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, ...fields } };
}

/** Starts the three conversations, all given to Omar; `language`: a team.yaml line for him (`    language: ar\n`). */
export async function omarHoldsThree(servers: ReturnType<typeof telegramServers>, options: { language?: string } = {}) {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  const cloud: CloudServer = await startCloud({
    flows: { 'inbound.yaml': assignFlow }, team: team(options.language),
    config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
  });
  servers.stopAfterTest(cloud);
  const dana = visitor(cloud.app.url, 'dana', 'Dana');
  /** Omar sends `fields` from Telegram; resolves once what it set off has left, to the customers and to him. */
  const omar = async (fields: Record<string, unknown>) => {
    expect(await post(cloud.app, telegram(OMAR, fields))).toBe(200);
    await settled(cloud, SHEENA);
    const toOmar = () => cloud.app.store.messagesOfAddress('telegram', String(OMAR));
    await eventually(async () => (await toOmar()).every((message) => message.status !== 'pending' && message.status !== 'sending'));
  };
  const given = (id: number) => eventually(async () => (await cloud.app.store.conversation(id))?.agentId !== undefined);
  await omar({ text: '/online' });
  expect(await post(cloud.app, telegram(LAYLA, { text: 'Hello, my refund?' }))).toBe(200);
  await given(1);
  expect((await cloud.post(messagesBody([cloudText('Hello, my invoice?', { from: SHEENA })]))).status).toBe(200);
  await given(2);
  expect((await dana.say('Hello, my order?')).status).toBe(202);
  await given(3);
  await settled(cloud, SHEENA);
  /** What Dana's web chat shows from Omar. */
  const danaGot = async () => (await dana.messages()).filter((m) => m.from === 'agent');
  /** What Layla's Telegram was sent (text and entities), from the bot's calls. */
  const laylaGot = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA)).map((call) => ({ text: call.params.text, entities: call.params.entities }));
  /** What Omar was told since he had `from` messages from the bot. */
  const toldOmar = (from: number) => api.sentTo(OMAR).slice(from);
  return { api, cloud, omar, danaGot, laylaGot, toldOmar };
}
