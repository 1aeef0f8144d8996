// An agent removed from team.yaml who keeps writing to the bot from their Telegram, through the real server, the admin
// API and the fake Bot API: a command or a "#1 …" as they used to write is answered, in the language team.yaml gave
// them, that they are no agent here any more (before, it opened a customer conversation with the flow's greeting and
// could reach an agent as a customer's words); anything else they write is a customer's, as anyone's.
import { expect, it } from 'vitest';
import { versionOf } from '../../../src/flows/versions.ts';
import { eventually } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from './harness.ts';

const { setUp } = telegramServers();

const SARA = 9002;
const team = (omar: boolean, language = 'en') => `teams:\n  - name: Billing\nagents:\n${omar ? `  - name: Omar\n    telegram: ${OMAR}\n    teams: [Billing]\n    language: ${language}\n` : ''}  - name: Sara\n    telegram: ${SARA}\n    teams: [Billing]\n`;

const TOLD = {
  en: 'You are no longer an agent here (team.yaml does not list you): this reached no customer and no command was carried out. What you write here without a command or a #number reaches us as a customer\'s message.',
  ar: 'لم تعد موظفًا هنا (لا يذكرك \u2068team.yaml\u2069): لم يصل هذا إلى أي عميل ولم يُنفَّذ أي أمر. ما تكتبه هنا دون أمر أو رقم محادثة يصلنا رسالةً من عميل.',
};

it.each(['en', 'ar'] as const)('tells an agent removed from team.yaml who writes a command or a numbered message that they are no agent here, in their language (%s); their other words are a customer\'s', async (language) => {
  const { app, api } = await setUp({ webhook: true, adminToken: ADMIN_TOKEN, team: team(true, language) });
  const admin = adminClient(app.url);
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  expect(await post(app, textNow(SARA, '/online'))).toBe(200);
  // Layla's conversation (#1), which Omar or Sara takes.
  expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
  await eventually(() => api.messagesTo(LAYLA).some((message) => message.text.startsWith('Which team?')));

  const saved = await admin.put('/team', { source: team(false), baseVersion: versionOf(team(true, language)) });
  expect(saved.status).toBe(200);
  const heard = api.messagesTo(OMAR).length;
  const toSara = api.messagesTo(SARA).length;

  for (const [index, written] of ['/close', '#1 here is your refund'].entries()) {
    expect(await post(app, textNow(OMAR, written))).toBe(200);
    await eventually(() => api.messagesTo(OMAR).length > heard + index);
    const since = api.messagesTo(OMAR).slice(heard).map((message) => message.text);
    // Told, not greeted by the flow as a new customer.
    expect(since.at(-1)).toBe(TOLD[language]);
    expect(since.some((text) => text.startsWith('Hi '))).toBe(false);
  }
  expect(api.messagesTo(OMAR).slice(heard).map((message) => message.text)).toEqual([TOLD[language], TOLD[language]]);
  // No conversation opened for him; Layla's alone is open, and nothing of his reached her or Sara.
  expect((await app.store.openConversations()).map((conversation) => conversation.id)).toEqual([1]);
  expect(api.messagesTo(LAYLA).some((message) => message.text.includes('refund'))).toBe(false);
  expect(api.messagesTo(SARA).slice(toSara).some((message) => message.text.includes('refund'))).toBe(false);

  // A plain message is a customer's: the flow greets him as it does anyone.
  expect(await post(app, textNow(OMAR, 'hello, I would like to buy something'))).toBe(200);
  await eventually(() => api.messagesTo(OMAR).some((message) => message.text.startsWith('Which team?')));
  expect((await app.store.openConversations()).length).toBe(2);
}, 60_000);
