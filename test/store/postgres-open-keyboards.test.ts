// On PostgreSQL, a question's buttons are taken off whichever process takes the customer's typed answer: the process
// that sent the question keeps which message shows them in the database, not in its memory. Two Switchboard instances on
// one database, Telegram webhooks to either, and the fake Bot API.
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl, skipReason } from './postgres-helpers.ts';
import { FakeBotApi, handoverDataDir, makeDatabase, post, startApp, takeDown, until, update } from './postgres-two-apps.ts';

const LAYLA = 5001;
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Support, Sales]
    save: conversation.topic
  - say: "Routing you to {{conversation.topic}}."
`;

const apps: Switchboard[] = [];
let api: FakeBotApi | undefined;
let db: { name: string; url: string } | undefined;
afterEach(async () => {
  await takeDown(apps.splice(0), api, db);
  api = undefined;
  db = undefined;
}, 60_000);

describe.skipIf(!databaseUrl)(databaseUrl ? 'a Telegram question\'s buttons on PostgreSQL' : skipReason, () => {
  it('are taken off when another process takes the typed answer', async () => {
    db = await makeDatabase();
    api = await FakeBotApi.start();
    const dir = await handoverDataDir(flow);
    const first = await startApp(dir, db.url, api);
    apps.push(first);
    expect(await post(first.url, update(LAYLA, 'hello'))).toBe(200);
    await until('the question', () => api!.messagesTo(LAYLA).some((message) => message.reply_markup !== undefined));
    const question = api.messagesTo(LAYLA).find((message) => message.reply_markup !== undefined)!;

    // Another process, which sent her nothing, takes her typed answer.
    const second = await startApp(dir, db.url, api);
    apps.push(second);
    // Its id after the question's, as on Telegram, where a private chat's messages and the bot's share one count.
    expect(await post(second.url, update(LAYLA, 'sales', { message_id: api.takeMessageId() }))).toBe(200);
    await until('the answer taken', () => api!.sentTo(LAYLA).includes('Routing you to sales.'));
    // Before: only the process that sent the question knew of its buttons; they stayed under it.
    await until('the buttons taken off', () => api!.callsOf('editMessageReplyMarkup').length === 1);
    expect(api.callsOf('editMessageReplyMarkup')[0]!.params).toMatchObject({ chat_id: LAYLA, message_id: question.message_id, reply_markup: { inline_keyboard: [] } });
    await until('forgotten', async () => (await second.store.doc('open-keyboards', `telegram:${LAYLA}`)) === undefined);
  }, 90_000);
});
