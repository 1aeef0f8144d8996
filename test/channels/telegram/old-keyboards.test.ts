// Buttons a Telegram customer still sees once they mean nothing: a question answered by typing after a restart, and a
// question asked again with new buttons (/start), each leaving the earlier set pressable. The fake Bot API on
// 127.0.0.1 records the editMessageReplyMarkup calls that take them off.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import { LAYLA, OMAR, fixture, post, telegramServers, textNow } from './harness.ts';
import type { FakeBotApi } from './fake-bot-api.ts';

const { setUp } = telegramServers();

/** Which messages of Layla's chat had their buttons taken off, in order. */
const takenOff = (api: FakeBotApi) =>
  api.callsOf('editMessageReplyMarkup').filter((call) => call.params.chat_id === LAYLA).map((call) => [call.params.message_id, call.params.reply_markup]);

describe('Telegram buttons that mean nothing any more', () => {
  it('takes the buttons off a question answered by typing after a restart, and forgets them once gone', async () => {
    const first = await setUp({ webhook: true });
    expect(await post(first.app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => first.api.messagesTo(LAYLA).some((message) => message.reply_markup !== undefined));
    const question = first.api.messagesTo(LAYLA).find((message) => message.reply_markup !== undefined)!;
    expect(question.text).toBe('Which team?');
    await first.app.stop();

    // The server restarts; Layla types the answer under the old question instead of pressing.
    const { app, api } = await setUp({ webhook: true, dir: first.dir });
    expect(await post(app, textNow(LAYLA, 'Billing'))).toBe(200);
    await eventually(async () => (await app.store.openConversations())[0]?.fields.topic === 'billing');
    // Before: the keyboard was remembered in memory only, and stayed under the question after the restart.
    await eventually(() => takenOff(api).length === 1, 20_000);
    expect(takenOff(api)).toEqual([[question.message_id, { inline_keyboard: [] }]]);
    await eventually(async () => (await app.store.doc('open-keyboards', `telegram:${LAYLA}`)) === undefined);
  }, 60_000);

  it('takes the earlier buttons off when /start asks the same question again with new ones', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.messagesTo(LAYLA).filter((message) => message.reply_markup !== undefined).length === 1);
    const [asked] = api.messagesTo(LAYLA).filter((message) => message.reply_markup !== undefined);

    expect(await post(app, textNow(LAYLA, '/start'))).toBe(200);
    await eventually(() => api.messagesTo(LAYLA).filter((message) => message.reply_markup !== undefined).length === 2);
    const again = api.messagesTo(LAYLA).filter((message) => message.reply_markup !== undefined)[1]!;
    expect(again.text).toBe('Which team?');
    // Before: both sets stayed, the upper one refused when pressed. Now only the newest question has buttons.
    await eventually(() => takenOff(api).length === 1, 20_000);
    expect(takenOff(api)).toEqual([[asked!.message_id, { inline_keyboard: [] }]]);
    expect(await app.store.doc('open-keyboards', `telegram:${LAYLA}`)).toEqual({ message: String(again.message_id) });
  }, 60_000);

  it('forgets which message shows her buttons when an admin erases the customer', async () => {
    const { app, api } = await setUp({ webhook: true, adminToken: ADMIN_TOKEN });
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.messagesTo(LAYLA).some((message) => message.reply_markup !== undefined));
    await eventually(async () => (await app.store.doc('open-keyboards', `telegram:${LAYLA}`)) !== undefined);
    const layla = (await app.store.contacts())[0]!;
    expect((await adminClient(app.url).delete(`/contacts/${layla.id}`)).status).toBe(200);
    // Before: her chat id stayed in the store after the erase.
    expect(await app.store.doc('open-keyboards', `telegram:${LAYLA}`)).toBeUndefined();
  }, 60_000);

  it('answers a button of the question pressed while in line with her place, and leaves it off the agent\'s card', async () => {
    const { app, api } = await setUp({ webhook: true });
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.messagesTo(LAYLA).some((message) => message.reply_markup !== undefined));
    const question = api.messagesTo(LAYLA).find((message) => message.reply_markup !== undefined)!;
    const press = (data: string, id: string) => {
      const pressed = fixture('callback-query');
      pressed.update_id = Number(id.replace(/\D/g, ''));
      pressed.callback_query.id = id;
      pressed.callback_query.data = data;
      pressed.callback_query.message.message_id = question.message_id;
      return pressed;
    };
    // Telegram does not take the buttons off (a phone offline a moment): they stay under the question.
    api.fail('editMessageReplyMarkup', 1, { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' } });
    expect(await post(app, press('billing', 'q7001'))).toBe(200);
    await eventually(async () => (await app.store.openConversations())[0]?.stage === 'queued');
    const told = api.sentTo(LAYLA).length;
    await eventually(() => api.sentTo(LAYLA).length > told || api.sentTo(LAYLA).some((said) => /line|wait/i.test(said)));

    // She presses Sales under it: no answer, on Telegram as on every channel; she hears her place.
    const before = api.sentTo(LAYLA).length;
    expect(await post(app, press('sales', 'q7002'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).slice(before).some((said) => said.startsWith('You are still number 1 in line.')));
    expect((await app.store.openConversations())[0]).toMatchObject({ stage: 'queued', team: 'Billing', fields: { topic: 'billing' } });

    // Omar comes online and takes her: his card says what she wrote, not the press that answered nothing.
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));
    const card = api.sentTo(OMAR).find((said) => said.startsWith('#1 '))!;
    expect(card).toContain('› hello');
    // Before: "› Sales" on the card, as if she had asked for Sales.
    expect(card).not.toContain('› Sales');
  }, 60_000);
});
