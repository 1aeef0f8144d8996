// An agent's /transfer without a conversation number in their private chat with the bot (Telegram, against the fake
// Bot API): it passes on the conversation the message is about, as /close and /handback do there (the only one they
// hold, the one picked with /use); holding several and naming none, nothing moves and they are told the numbers to
// choose from, in their language. The next card says who passed it on only while that is how its agent got it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { SARA, assignFlow, isolated } from './desk-topics.ts';

const { setUp } = telegramServers();
const KARIM = 5002;

/** Billing without a desk: Omar (`language`, a line under him) and Sara (`saraLanguage`) work from their private chats. */
const team = (language = '', saraLanguage = '') => `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
${language}  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
${saraLanguage}`;

/** Omar answers Layla, she writes again, and he leaves a note: what the next agent's card shows of #1. */
async function saidLately(app: Parameters<typeof post>[0], api: { sentTo(chat: number): string[] }) {
  expect(await post(app, textNow(OMAR, 'Looking into it now'))).toBe(200);
  await eventually(() => api.sentTo(LAYLA).at(-1) === 'Looking into it now');
  expect(await post(app, textNow(LAYLA, 'It was on the 3rd, two payments of 40 EUR'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).some((text) => text.includes('two payments')));
  expect(await omarSays(app, api, '/note 1 one refund is on its way')).toBe('Note added to #1 (only agents see it).');
}

/** Omar and Sara online, Omar first: the conversations coming in go to him (least open: Sara gets the next ones after). */
async function bothOnline(language = '', saraLanguage = '') {
  const { app, api, dir } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team: team(language, saraLanguage), adminToken: ADMIN_TOKEN });
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  await eventually(() => api.sentTo(OMAR).length === 1);
  return { app, api, dir };
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

  it('takes the colleague named as a mention, with a leading "@": /transfer 1 @Sara', async () => {
    const { app, api } = await bothOnline();
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await saraOnline(app, api);
    expect(await omarSays(app, api, '/transfer 1 @Sara')).toBe('#1 is now with Sara.');
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara' });
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1 ')));
  }, 30_000);

  /** Omar answers Layla, notes, and passes #1 to Sara (`saraLines` under her in team.yaml): the card Sara gets. */
  async function cardSaraGets(saraLines = ''): Promise<string | undefined> {
    const { app, api } = await bothOnline('', saraLines);
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await saidLately(app, api);
    await saraOnline(app, api);
    expect(await omarSays(app, api, '/transfer Sara')).toBe('#1 is now with Sara.');
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1 ')));
    return api.sentTo(SARA).find((text) => text.startsWith('#1 '));
  }

  it('gives the colleague a card saying who passed it on, and what Layla and Omar said lately', async () => {
    expect(await cardSaraGets()).toBe([
      '#1 · passed on by Omar from Billing',
      'Layla on Telegram',
      'First message: I was charged twice',
      '',
      'Lately:',
      '› Layla: I was charged twice',
      '› Omar: Looking into it now',
      '› Layla: It was on the 3rd, two payments of 40 EUR',
      '› Omar (note): one refund is on its way',
      '',
      'Reply here to answer Layla. /close 1 when done.',
    ].join('\n'));
  }, 30_000);

  it('in Arabic for a colleague with language: ar', async () => {
    expect(await cardSaraGets('    language: ar\n')).toBe([
      `#1 · محادثة حوّلها ${isolated('Omar')} من فريق ${isolated('Billing')}`,
      `${isolated('Layla')} عبر ${isolated('Telegram')}`,
      `${isolated('الرسالة الأولى')}: ${isolated('I was charged twice')}`,
      '',
      'آخر ما دار فيها:',
      `› ${isolated('Layla')}: ${isolated('I was charged twice')}`,
      `› ${isolated('Omar')}: ${isolated('Looking into it now')}`,
      `› ${isolated('Layla')}: ${isolated('It was on the 3rd, two payments of 40 EUR')}`,
      `› ${isolated(`${isolated('Omar')} (ملاحظة)`)}: ${isolated('one refund is on its way')}`,
      '',
      `ردّ هنا للإجابة على ${isolated('Layla')}، وأرسل ${isolated('/close 1')} عند الانتهاء.`,
    ].join('\n'));
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

describe('who passed a conversation on, on the next card', () => {
  /** Omar passes #1 (Layla) to Sara, whose card says so; `omarCards` are the cards of #1 Omar got. */
  async function passedToSara() {
    const { app, api, dir } = await bothOnline();
    await toOmar(app, api, LAYLA, 'Layla', 1);
    await saraOnline(app, api);
    expect(await omarSays(app, api, '/transfer Sara')).toBe('#1 is now with Sara.');
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1 · passed on by Omar from Billing\n')));
    return { app, api, dir, omarCards: () => api.sentTo(OMAR).filter((text) => text.startsWith('#1 · ')) };
  }

  it('is not said to the agent who takes it from the queue after the one it was passed to left team.yaml', async () => {
    const { app, api, dir, omarCards } = await passedToSara();
    await writeFile(join(dir, 'team.yaml'), team().replace(/  - name: Sara[\s\S]*$/, ''));
    await app.directory.reload();
    await eventually(() => omarCards().length === 2);
    expect(omarCards()[1]!.split('\n')[0]).toBe('#1 · returning conversation for Billing');
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await eventually(() => api.sentTo(LAYLA).at(-1) === `${isolated('Omar')} has joined the conversation.`);
  }, 30_000);

  it('names the admin who gives it to another agent, not the agent who passed it on before', async () => {
    const { app, omarCards } = await passedToSara();
    const given = await adminClient(app.url).post('/conversations/1/assign', { agentId: 'omar' }, { 'x-admin-name': 'Nadia' });
    expect(given.status).toBe(200);
    await eventually(() => omarCards().length === 2);
    expect(omarCards()[1]!.split('\n')[0]).toBe('#1 · passed on by Nadia from Billing');
  }, 30_000);

  it('names the admin without the invisible characters their name came with', async () => {
    const { app, omarCards } = await passedToSara();
    const name = encodeURIComponent('\u200fNadia 😀\u202Eevil\u2066');
    expect((await adminClient(app.url).post('/conversations/1/assign', { agentId: 'omar' }, { 'x-admin-name': name })).status).toBe(200);
    await eventually(() => omarCards().length === 2);
    expect(omarCards()[1]!.split('\n')[0]).toBe('#1 · passed on by Nadia 😀evil from Billing');
  }, 30_000);

  it('is not said when the flow\'s queue timeout sends it on to another team', async () => {
    let now = Date.now();
    const flow = [
      'flow: inbound', 'trigger: { on: conversation.opened, source: contact }', 'steps:',
      '  - assign: { team: Billing }', '    timeout: 10m', '    on_timeout: goto:sales',
      '  - id: sales', '    assign: { team: Sales }', '',
    ].join('\n');
    const teams = `
teams:
  - name: Billing
  - name: Support
  - name: Sales
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
  - name: Sara
    telegram: ${SARA}
    teams: [Support, Sales]
`;
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team: teams, adminToken: ADMIN_TOKEN, now: () => new Date(now) });
    expect(await post(app, textNow(LAYLA, 'I was charged twice'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.stage === 'queued');
    // Waiting in Billing's queue, an admin passes it on to Support, where nobody takes it within the flow's timeout.
    const moved = await adminClient(app.url).post('/conversations/1/transfer', { team: 'Support' }, { 'x-admin-name': 'Nadia' });
    expect(moved.status).toBe(200);
    now += 11 * 60_000;
    await app.runtime.sweep();
    await eventually(async () => (await app.store.conversation(1))?.team === 'Sales');
    expect(await post(app, textNow(SARA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1 · ')));
    expect(api.sentTo(SARA).find((text) => text.startsWith('#1 · '))!.split('\n')[0]).toBe('#1 · new conversation for Sales');
  }, 30_000);
});
