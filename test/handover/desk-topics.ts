// The Telegram desk of the Billing team (Omar and Sara) against the fake Bot API, shared by the desk tests: messages
// in its topics and outside them, what the bot said in the group, and Layla's conversation taken by Omar in its topic.
import { expect } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, fixture, post, textNow, type TelegramSetUp } from '../channels/telegram/harness.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import type { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';

export const DESK = -1001234567890;
export const SARA = 9002;
export const isolated = (text: string) => `\u2068${text}\u2069`;

export const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
/** Billing's desk with Omar and Sara; `language`, a line under the team (`    language: ar\n`); `more`, what follows the agents. */
export const team = (language = '', more = '') => `
teams:
  - name: Billing
    telegram_desk: "${DESK}"
${language}agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
${more}`;

let nextMessage = 70_000;
/** `who`'s message in Layla's topic (55) of the desk group. */
export function inTopic(who: { id: number; name: string }, text: string): Record<string, any> {
  const update = fixture('forum-topic-message');
  update.update_id = nextMessage;
  Object.assign(update.message, { message_id: nextMessage++, message_thread_id: 55, chat: { ...update.message.chat, id: DESK }, from: { id: who.id, is_bot: false, first_name: who.name }, text });
  return update;
}

/** `who`'s message in the desk group outside any conversation's topic: its General topic, or a topic opened by hand. */
export function outsideTopics(who: { id: number; name: string }, text: string, topic?: number): Record<string, any> {
  const update = inTopic(who, text);
  if (topic === undefined) {
    delete update.message.message_thread_id;
    delete update.message.is_topic_message;
  } else update.message.message_thread_id = topic;
  return update;
}

/** The bot's messages in the desk group: their text, the topic they went to (none: General) and the message they answer. */
export function deskMessages(api: { callsOf(method: string): { params: Record<string, any>; status?: number }[] }) {
  return api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(DESK)).map(({ params }) => ({
    text: params.text as string, topic: params.message_thread_id as number | undefined,
    answers: (typeof params.reply_parameters === 'string' ? JSON.parse(params.reply_parameters) : params.reply_parameters)?.message_id as number | undefined,
  }));
}

/** Layla's conversation in the desk, taken by Omar writing in its topic. */
export async function takenByOmar(
  setUp: (mode: TelegramSetUp) => Promise<{ app: Switchboard; api: FakeBotApi }>, language = '',
  options: { teamFile?: string; flows?: Record<string, string>; now?: () => Date } = {},
) {
  const { app, api } = await setUp({ webhook: true, flows: options.flows ?? { 'inbound.yaml': assignFlow }, team: options.teamFile ?? team(language), ...(options.now ? { now: options.now } : {}) });
  expect(await post(app, textNow(LAYLA, 'I was charged twice'))).toBe(200);
  await eventually(() => api.sentTo(DESK).length === 1);
  expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'Looking into it now'))).toBe(200);
  await eventually(() => api.sentTo(LAYLA).includes('Looking into it now'));
  // The topic is told Omar took it ("Omar took #1."), sent apart from Layla's lines: what each test counts of the
  // desk's messages starts after it (its card, then that line).
  await eventually(() => api.sentTo(DESK).length === 2);
  return { app, api };
}
