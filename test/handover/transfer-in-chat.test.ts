// An agent's /transfer without a conversation number in their private chat with the bot (Telegram, against the fake
// Bot API): it passes on the conversation the message is about, as /close and /handback do there (the only one they
// hold, the one picked with /use); holding several and naming none, nothing moves and they are told the numbers to
// choose from, in their language.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { SARA, assignFlow, isolated } from './desk-topics.ts';

const { setUp } = telegramServers();
const KARIM = 5002;

/** Billing without a desk: Omar (`language`, a line under him) and Sara work from their private chats. */
const team = (language = '') => `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
${language}  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
`;

/** Omar and Sara online, Omar first: the conversations coming in go to him (least open: Sara gets the next ones after). */
async function bothOnline(language = '') {
  const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team(language) });
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length === 1);
  return { app, api };
}

/** `customer` writes and the conversation comes to Omar (his card), who is the only one online then. */
async function toOmar(app: Parameters<typeof post>[0], api: { sentTo(chat: number): string[] }, customer: number, name: string, id: number) {
  const update = textNow(customer, 'I was charged twice') as { message: { chat: { first_name: string }; from: { first_name: string } } };
  update.message.chat.first_name = name;
  update.message.from.first_name = name;
  expect(await post(app, update)).toBe(200);
  await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith(`#${id} `)));
  await eventually(() => api.sentTo(customer).at(-1) === `${isolated('Omar')} has joined the conversation.`);
}

/** Omar sends `text` in his chat and waits for the bot's answer there. */
async function omarSays(app: Parameters<typeof post>[0], api: { sentTo(chat: number): string[] }, text: string): Promise<string | undefined> {
  const before = api.sentTo(OMAR).length;
  expect(await post(app, textNow(OMAR, text))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length > before);
  return api.sentTo(OMAR)[before];
}

async function saraOnline(app: Parameters<typeof post>[0], api: { sentTo(chat: number): string[] }) {
  expect(await post(app, textNow(SARA, '/online'))).toBe(200);
  await eventually(() => api.sentTo(SARA).length === 1);
}

describe('/transfer without a number in the agent\'s private chat', () => {
  it('passes on the only conversation they hold: the colleague gets its card, the customer hears who joined', async () => {
    const { app, api } = await bothOnline();
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await saraOnline(app, api);
    expect(await omarSays(app, api, '/transfer Sara')).toBe('#1 is now with Sara.');
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara' });
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1 ')));
    await eventually(() => api.sentTo(LAYLA).at(-1) === `${isolated('Sara')} has joined the conversation.`);
  }, 30_000);

  it('holding several, moves none and names them; with one picked by /use, passes that one on', async () => {
    const { app, api } = await bothOnline();
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await toOmar(app, api, KARIM, 'Karim', 2);
    await saraOnline(app, api);
    expect(await omarSays(app, api, '/transfer Sara')).toBe('You hold #1, #2: reply to one of their messages, or pick one with /use N.');
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(await app.store.conversation(2)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(await omarSays(app, api, '/use 2')).toBe('Your messages now go to #2 (Karim).');
    expect(await omarSays(app, api, '/transfer Sara')).toBe('#2 is now with Sara.');
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(await app.store.conversation(2)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
    await eventually(() => api.sentTo(KARIM).at(-1) === `${isolated('Sara')} has joined the conversation.`);
  }, 30_000);

  it('tells an agent with language: ar, holding several, the numbers to choose from in Arabic; holding none, how to take one', async () => {
    const { app, api } = await bothOnline('    language: ar\n');
    expect(await omarSays(app, api, '/transfer Sara')).toBe(`ليست معك أي محادثة الآن. يعرض ${isolated('/list')} قائمة الانتظار، ويستلم ${isolated('/claim N')} محادثة منها.`);
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await toOmar(app, api, KARIM, 'Karim', 2);
    expect(await omarSays(app, api, '/transfer Sara')).toBe(`معك المحادثات #1، #2: ردّ على إحدى رسائلها، أو اختر واحدة بالأمر ${isolated('/use N')}.`);
    expect(await app.store.conversation(2)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  }, 30_000);
});
