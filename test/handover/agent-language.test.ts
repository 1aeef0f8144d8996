// An agent whose team.yaml says `language: ar` reads the bot in Arabic in their messaging app (Telegram here, against
// the fake Bot API): the answers to their commands, the card that hands them a conversation, what an admin did to a
// conversation they held, and what did not reach the customer (a file, a message, an edit); names isolated so they keep
// their place. An agent without it reads English as before.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, fixture, post, textNow, telegramServers } from '../channels/telegram/harness.ts';
import type { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';

const { setUp } = telegramServers();
const ADMIN = 'agent-language-admin-token-0123456789';
const isolated = (text: string) => `\u2068${text}\u2069`;

const team = (language: string) => `
teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: least_open
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
${language}
  - name: Sara
    telegram: 9002
    teams: [Support]
`;

/** Layla writes, picks Billing with the flow's button, and the conversation comes to Omar, who is online. */
async function laylaToOmar(app: Switchboard, api: FakeBotApi, hello = 'hello'): Promise<void> {
  expect(await post(app, textNow(LAYLA, hello))).toBe(200);
  await eventually(() => api.sentTo(LAYLA).length === 2);
  const pressed = fixture('callback-query');
  pressed.callback_query.message.message_id = api.messagesTo(LAYLA)[1]!.message_id;
  expect(await post(app, pressed)).toBe(200);
  await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1')));
  // Layla is told Omar joined (her third message), which leaves by the outbox after Omar's card: what each test counts
  // of hers, or the next send it makes fail, comes after it.
  await eventually(() => api.sentTo(LAYLA).length === 3);
}

/** A document of 25 MB from `chat`: over the media store's limit, so it is not kept. */
function tooLargeFrom(chat: number): Record<string, unknown> {
  const update = textNow(chat, '') as { message: Record<string, unknown> };
  delete update.message.text;
  update.message.document = { file_name: 'huge.zip', mime_type: 'application/zip', file_id: `BQACAgQ-huge-${chat}`, file_unique_id: `huge-${chat}`, file_size: 25 * 1024 * 1024 };
  return update;
}

describe('an agent\'s language in their messaging app', () => {
  it('words the menu, the bot\'s answers, the conversation\'s card and an admin\'s move in Arabic for an agent with language: ar', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('    language: ar'), adminToken: ADMIN });
    // Omar's menu of commands in Telegram is described in Arabic; Sara's, in English.
    await eventually(() => api.callsOf('setMyCommands').length === 2);
    const menus = new Map(api.callsOf('setMyCommands').map((call) => [(call.params.scope as { chat_id: string }).chat_id, call.params.commands as { command: string; description: string }[]]));
    expect(menus.get('9001')!.find((command) => command.command === 'help')!.description).toBe('اعرض هذه الأوامر');
    expect(menus.get('9002')!.find((command) => command.command === 'help')!.description).toBe('Show these commands');
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    expect(api.sentTo(OMAR)[0]).toBe('أنت متصل الآن: ستصلك المحادثات الجديدة.');

    await laylaToOmar(app, api);
    const card = api.sentTo(OMAR).find((text) => text.startsWith('#1'))!;
    expect(card.split('\n')).toEqual([
      `#1 · محادثة جديدة لفريق ${isolated('Billing')}`,
      `${isolated('Layla')} عبر ${isolated('Telegram')}`,
      `${isolated('topic')}: ${isolated('billing')}`,
      '',
      `رسائل ${isolated('Layla')}:`,
      `› ${isolated('hello')}`,
      `› ${isolated('Billing')}`,
      '',
      `ردّ هنا للإجابة على ${isolated('Layla')}، وأرسل ${isolated('/close 1')} عند الانتهاء.`,
    ]);

    // /list, /help and a mistyped command: in Arabic, commands and names isolated.
    expect(await post(app, textNow(OMAR, '/list'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('أنت متصل.'));
    expect(api.sentTo(OMAR).at(-1)!.split('\n')).toEqual(['أنت متصل.', 'محادثاتك (1/3):', `  #1 ${isolated('Layla')} · ${isolated('Billing')}`, `قائمة انتظار ${isolated('Billing')}: فارغة.`]);
    expect(await post(app, textNow(OMAR, '/help'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('الأوامر'));
    expect(api.sentTo(OMAR).at(-1)).toContain(`${isolated('/claim N')} أو ${isolated('/استلام')} — استلم المحادثة N من قائمة الانتظار`);
    expect(await post(app, textNow(OMAR, '/clsoe'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('لا يوجد أمر'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`لا يوجد أمر ${isolated('/clsoe')}. هل تقصد ${isolated('/close')}؟ أرسل ${isolated('/help')} لعرض الأوامر.`);

    // A refusal, then an admin moving the conversation away: both in Arabic.
    expect(await post(app, textNow(OMAR, '/claim 7'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('#7')));
    expect(api.sentTo(OMAR).at(-1)).toMatch(/[\u0600-\u06ff]/);
    const moved = await fetch(`${app.url}/api/conversations/1/transfer`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'x-admin-name': 'Nadia', 'content-type': 'application/json' }, body: JSON.stringify({ team: 'Support' }) });
    expect(moved.status).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('نُقلت المحادثة #1')));
    expect(api.sentTo(OMAR).at(-1)).toBe(`نُقلت المحادثة #1 إلى فريق ${isolated('Support')} بواسطة ${isolated('Nadia')}.`);
  }, 30_000);

  it('takes the commands\' Arabic words from an agent on an Arabic keyboard: /متصل, /قائمة, /إغلاق ١, and suggests one mistyped', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('    language: ar') });
    expect(await post(app, textNow(OMAR, '/متصل'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    expect(api.sentTo(OMAR)[0]).toBe('أنت متصل الآن: ستصلك المحادثات الجديدة.');
    await laylaToOmar(app, api);

    expect(await post(app, textNow(OMAR, '/قائمه'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('أنت متصل.'));
    expect(api.sentTo(OMAR).at(-1)!.split('\n')[1]).toBe('محادثاتك (1/3):');
    expect(await post(app, textNow(OMAR, '/اغلاك'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('لا يوجد أمر'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`لا يوجد أمر ${isolated('/اغلاك')}. هل تقصد ${isolated('/إغلاق')}؟ أرسل ${isolated('/help')} لعرض الأوامر.`);
    expect((await app.store.conversation(1))?.status).toBe('open');

    expect(await post(app, textNow(OMAR, '/إغلاق ١ تم رد المبلغ'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.status === 'closed');
    expect((await app.store.conversation(1))?.closingNote).toBe('تم رد المبلغ');
    // Nothing of it reached Layla but the close.
    expect(api.sentTo(LAYLA).join('\n')).not.toMatch(/إغلاق|اغلاك|قائمه|متصل/);
  });

  it('tells an agent with language: ar of a customer\'s edit and reaction in Arabic, names and quotes isolated', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('    language: ar') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api);
    const typo = textNow(LAYLA, 'My order is A-1243') as { update_id: number; message: { date: number } };
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: My order is A-1243'));
    expect(await post(app, { update_id: typo.update_id + 500_000, edited_message: { ...typo.message, text: 'My order is A-1234', edit_date: typo.message.date + 30 } })).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('#1 تعديل'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`#1 تعديل من ${isolated('Layla')} لرسالة: ${isolated('My order is A-1234')} (كانت: «${isolated('My order is A-1243')}»)`);

    expect(await post(app, textNow(OMAR, 'Refunded. Did that fix it?'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Refunded. Did that fix it?'));
    const asked = api.messagesTo(LAYLA).find((m) => m.text === 'Refunded. Did that fix it?')!;
    expect(await post(app, {
      update_id: typo.update_id + 500_001,
      message_reaction: {
        chat: { id: LAYLA, type: 'private', first_name: 'Layla' }, message_id: asked.message_id, user: { id: LAYLA, is_bot: false, first_name: 'Layla' },
        date: typo.message.date + 60, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    })).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('#1 تفاعل'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`#1 تفاعل من ${isolated('Layla')}: 👍 على «${isolated('Refunded. Did that fix it?')}»`);
  }, 30_000);

  it('words what the bot says in a team desk\'s topics in the team\'s language: ar, whoever writes there', async () => {
    const DESK = -1001234567890;
    const desk = team('').replace('    strategy: least_open\n  - name: Support', `    strategy: least_open\n    telegram_desk: "${DESK}"\n    language: ar\n  - name: Support`);
    const { app, api } = await setUp({ webhook: true, team: desk });
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'Billing'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length === 1);
    const card = api.sentTo(DESK)[0]!.split('\n');
    expect(card[0]).toBe(`#1 · محادثة جديدة لفريق ${isolated('Billing')}`);
    expect(card.at(-1)).toBe('من يكتب هنا أولًا يستلمها.');
    // Layla corrects herself: the topic is told in Arabic too.
    const typo = textNow(LAYLA, 'My order is A-1243') as { update_id: number; message: { date: number } };
    expect(await post(app, typo)).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: My order is A-1243'));
    expect(await post(app, { update_id: typo.update_id + 500_000, edited_message: { ...typo.message, text: 'My order is A-1234', edit_date: typo.message.date + 30 } })).toBe(200);
    await eventually(() => api.sentTo(DESK).at(-1)!.startsWith('#1 تعديل'));
    expect(api.sentTo(DESK).at(-1)).toBe(`#1 تعديل من ${isolated('Layla')} لرسالة: ${isolated('My order is A-1234')} (كانت: «${isolated('My order is A-1243')}»)`);

    // Omar reads English in his own chat, but the topic is the team's: what the bot says there is in Arabic.
    let next = 0;
    const inTopic = (text: string) => {
      const update = fixture('forum-topic-message');
      update.update_id = 800_000 + next;
      Object.assign(update.message, { message_id: 80_000 + next++, message_thread_id: 55, chat: { ...update.message.chat, id: DESK }, text });
      return update;
    };
    expect(await post(app, inTopic('Looking into it now'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes(`أصبحت المحادثة #1 مع ${isolated('Omar')}.`));
    expect(await post(app, inTopic('/list'))).toBe(200);
    await eventually(() => api.sentTo(DESK).at(-1)!.startsWith('يعمل'));
    expect(api.sentTo(DESK).at(-1)).toBe(`يعمل ${isolated('/list')} في دردشتك الخاصة مع البوت، لا في موضوع الفريق. هنا اكتب إلى العميل، أو أرسل ${isolated('/close [ملاحظة]')} أو ${isolated('/transfer فريق|موظف')} أو ${isolated('/handback')} أو ${isolated('/note 1 ملاحظتك')}.`);
    expect(await post(app, inTopic('/close 7'))).toBe(200);
    await eventually(() => api.sentTo(DESK).at(-1)!.startsWith('هذا الموضوع'));
    expect(api.sentTo(DESK).at(-1)).toBe('هذا الموضوع للمحادثة #1؛ أغلق المحادثة #7 في موضوعها.');
    // A file of Omar's too large to keep: the topic reads that it was not sent in Arabic, though Omar reads English.
    const file = inTopic('');
    delete file.message.text;
    file.message.document = (tooLargeFrom(OMAR) as { message: { document: unknown } }).message.document;
    expect(await post(app, file)).toBe(200);
    await eventually(() => api.sentTo(DESK).at(-1)!.startsWith('المحادثة #1: لم يُرسل'));
    expect(api.sentTo(DESK).at(-1)).toBe(`المحادثة #1: لم يُرسل إلى العميل. [تعذّر استلام الملف ${isolated('huge.zip')}: الملف أكبر من 20 ميغابايت]`);
    expect(await post(app, inTopic('/close refunded'))).toBe(200);
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
    expect(api.sentTo(DESK).at(-1)).toBe(`أُغلقت المحادثة #1 (${isolated('refunded')}).`);
  }, 30_000);

  it('refuses a team language team.yaml has no words for, at its line', async () => {
    const { app } = await setUp({ webhook: true, team: team('').replace('    strategy: least_open\n  - name: Support', '    strategy: least_open\n    language: de\n  - name: Support') });
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(health)).toContain('team.yaml:5:5: \\"language\\" must be one of en, ar');
  }, 30_000);

  it('gives an agent their Telegram menu again in their new language when team.yaml is saved with it changed', async () => {
    const { app, api, dir } = await setUp({ webhook: true, team: team('') });
    await eventually(() => api.callsOf('setMyCommands').length === 2);
    const help = (call: { params: Record<string, unknown> }) => (call.params.commands as { command: string; description: string }[]).find((command) => command.command === 'help')!.description;
    const chat = (call: { params: Record<string, unknown> }) => (call.params.scope as { chat_id: string }).chat_id;
    await writeFile(join(dir, 'team.yaml'), team('    language: ar'));
    await app.directory.reload();
    await eventually(() => api.callsOf('setMyCommands').length === 3);
    const resent = api.callsOf('setMyCommands')[2]!;
    expect([chat(resent), help(resent)]).toEqual(['9001', 'اعرض هذه الأوامر']);
    // Back to English: Omar's menu again; Sara's, unchanged, is not sent again.
    await writeFile(join(dir, 'team.yaml'), team(''));
    await app.directory.reload();
    await eventually(() => api.callsOf('setMyCommands').length === 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.callsOf('setMyCommands').slice(3).map((call) => [chat(call), help(call)])).toEqual([['9001', 'Show these commands']]);
  }, 30_000);

  it('keeps English for an agent without a language, as before', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    expect(api.sentTo(OMAR)[0]).toBe('You are online: new conversations will come to you.');
    await laylaToOmar(app, api);
    expect(api.sentTo(OMAR).find((text) => text.startsWith('#1'))!.split('\n')[0]).toBe('#1 · new conversation for Billing');
  }, 30_000);

  it('tells an agent with language: ar in Arabic of a file of theirs the customer was not sent, of a customer\'s file that did not arrive, and of a message not delivered', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('    language: ar') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api);
    const toLayla = api.sentTo(LAYLA).length;

    expect(await post(app, tooLargeFrom(OMAR))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('المحادثة #1'));
    expect(api.sentTo(OMAR).at(-1)).toBe(`المحادثة #1: لم يُرسل إلى العميل. [تعذّر استلام الملف ${isolated('huge.zip')}: الملف أكبر من 20 ميغابايت]`);
    expect(api.sentTo(LAYLA)).toHaveLength(toLayla);

    expect(await post(app, tooLargeFrom(LAYLA))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('#1 Layla:'));
    // The relay isolates what it relays, as it does any right-to-left text.
    expect(api.sentTo(OMAR).at(-1)).toBe(`#1 Layla: ${isolated(`[تعذّر استلام الملف ${isolated('huge.zip')}: الملف أكبر من 20 ميغابايت]`)}`);
    // Layla is asked for a smaller file, sent apart from Omar's line: the failure set up next is not hers.
    await eventually(() => api.sentTo(LAYLA).at(-1)!.startsWith('Sorry, your file could not be received'));

    // Nothing reaches a customer who blocked the bot or is gone: he is told what is left to him, in Arabic too.
    const untilTheyWrite = `. لن يصل إليه شيء مما ترسله الآن؛ وإن كتب من جديد وصلتك رسالته هنا. أرسل ${isolated('/close 1')} إن لم يبق ما تفعله.`;
    api.fail('sendMessage', 1, { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    const sent = textNow(OMAR, 'Your refund is on its way') as { update_id: number; message: { date: number } };
    expect(await post(app, sent)).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('لم تُسلَّم'));
    // Why, in his words, not Telegram's English; Telegram's own words stay on the message, for admins.
    expect(api.sentTo(OMAR).at(-1)).toBe(`المحادثة #1: لم تُسلَّم رسالتك إلى ${isolated('Layla')} («${isolated('Your refund is on its way')}»): حظر العميل البوت${untilTheyWrite}`);
    const failedTo = async (text: string) => (await app.store.messagesOfConversation(1)).find((m) => m.text === text && m.direction === 'out');
    expect(await failedTo('Your refund is on its way')).toMatchObject({ status: 'failed', error: 'Forbidden: bot was blocked by the user' });
    const notDelivered = async (failure: { status: number; body: Record<string, unknown> }, text: string) => {
      const before = api.sentTo(OMAR).length;
      api.fail('sendMessage', 1, failure);
      expect(await post(app, textNow(OMAR, text))).toBe(200);
      await eventually(() => api.sentTo(OMAR).length > before && api.sentTo(OMAR).at(-1)!.includes('لم تُسلَّم'));
      return api.sentTo(OMAR).at(-1)!.split('»): ')[1];
    };
    expect(await notDelivered({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } }, 'Are you there?'))
      .toBe(`لم تعد دردشة العميل موجودة (ربما حُذف حسابه)${untilTheyWrite}`);
    // A text over Telegram's limit, and a person the bot may not write to first: his words too, where they were Telegram's English.
    expect(await notDelivered({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } }, 'Here is the whole policy'))
      .toBe('الرسالة أطول مما يقبله تطبيق العميل؛ أرسلها على أجزاء أقصر');
    expect(await notDelivered({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot can\'t initiate conversation with a user' } }, 'Still there?'))
      .toBe(`لا يقبل تطبيق العميل رسائل منّا حتى يكتب هو من جديد${untilTheyWrite}`);
    expect(await failedTo('Still there?')).toMatchObject({ status: 'failed', error: 'Forbidden: bot can\'t initiate conversation with a user', failure: 'writeFirst' });
    // What nothing better is known of is Telegram's own words, quoted as what it answered.
    expect(await notDelivered({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message thread not found' } }, 'Hello?'))
      .toBe(`ردّت القناة: «${isolated('Bad Request: message thread not found')}»`);
    expect(await failedTo('Hello?')).toMatchObject({ status: 'failed', error: 'Bad Request: message thread not found' });

    // His edit of it once the conversation is closed reaches no one, and he is told so in Arabic.
    expect(await post(app, textNow(OMAR, '/close 1'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1) === 'أُغلقت المحادثة #1.');
    expect(await post(app, { update_id: sent.update_id + 500_000, edited_message: { ...sent.message, text: 'Your refund is on its way today', edit_date: sent.message.date + 30 } })).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1) !== 'أُغلقت المحادثة #1.');
    expect(api.sentTo(OMAR).at(-1)).toMatch(/^أُغلقت المحادثة #1 بواسطتك في \u2068\d{4}-\d\d-\d\d\u2069 الساعة \u2068\d\d:\d\d UTC\u2069: لم يصل تعديلك إلى العميل\.$/);
  }, 30_000);

  it('tells an agent with language: ar how long their conversation went without activity when it closes by itself', async () => {
    let moved = 0;
    const { app, api } = await setUp({ webhook: true, team: team('    language: ar'), now: () => new Date(Date.now() + moved) });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api);
    expect(await post(app, textNow(OMAR, 'Looking into it'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'Looking into it');

    moved = 25 * 3_600_000;
    await app.runtime.sweep();
    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('تلقائيًا'));
    expect(api.sentTo(OMAR).at(-1)).toBe('أُغلقت المحادثة #1 تلقائيًا بعد 24 ساعة دون نشاط.');
  }, 30_000);

  it('names in Arabic, for a customer who writes Arabic, a photo of their agent\'s that is no longer kept when it is sent', async () => {
    const { app, api, dir } = await setUp({ webhook: true, team: team('') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api, 'مرحبا، تم خصم المبلغ مرتين');

    // Omar's photo is kept; Telegram fails its first send, and its bytes are gone before the outbox tries again.
    api.fail('sendPhoto', 1, { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    api.addFile('AgACAgQ-omar-photo', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { path: 'photos/omar.jpg' });
    const photo = textNow(OMAR, '') as { message: Record<string, unknown> };
    delete photo.message.text;
    photo.message.photo = [{ file_id: 'AgACAgQ-omar-photo', file_unique_id: 'omar-photo', file_size: 13, width: 90, height: 67 }];
    expect(await post(app, photo)).toBe(200);
    await eventually(() => api.callsOf('sendPhoto').length === 1);
    for (const file of await readdir(join(dir, 'media'))) if (!file.endsWith('.json')) await rm(join(dir, 'media', file));

    await eventually(() => api.sentTo(LAYLA).at(-1)!.startsWith('['), 5_000);
    expect(api.sentTo(LAYLA).at(-1)).toBe('[تعذّر إرسال صورة: لم يعد الملف محفوظًا لدينا]');
  }, 30_000);

  it('names in Arabic, for an agent with language: ar, a customer\'s photo that is no longer kept when it is relayed', async () => {
    const { app, api, dir } = await setUp({ webhook: true, team: team('    language: ar') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api);

    api.fail('sendPhoto', 1, { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    api.addFile('AgACAgQ-layla-photo', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { path: 'photos/layla.jpg' });
    const photo = textNow(LAYLA, '') as { message: Record<string, unknown> };
    delete photo.message.text;
    photo.message.photo = [{ file_id: 'AgACAgQ-layla-photo', file_unique_id: 'layla-photo', file_size: 13, width: 90, height: 67 }];
    expect(await post(app, photo)).toBe(200);
    await eventually(() => api.callsOf('sendPhoto').length === 1);
    for (const file of await readdir(join(dir, 'media'))) if (!file.endsWith('.json')) await rm(join(dir, 'media', file));

    await eventually(() => api.sentTo(OMAR).at(-1)!.includes('تعذّر إرسال'), 5_000);
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla:\n[تعذّر إرسال صورة: لم يعد الملف محفوظًا لدينا]');
  }, 30_000);

  it('tells an agent without a language in English of a file of theirs the customer was not sent', async () => {
    const { app, api } = await setUp({ webhook: true, team: team('') });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length === 1);
    await laylaToOmar(app, api);
    expect(await post(app, tooLargeFrom(OMAR))).toBe(200);
    await eventually(() => api.sentTo(OMAR).at(-1)!.startsWith('#1: not sent'));
    expect(api.sentTo(OMAR).at(-1)).toBe('#1: not sent to the customer. [huge.zip was not received: the file is larger than 20 MB]');
  }, 30_000);

  it('refuses a language team.yaml has no words for, at its line', async () => {
    const { app } = await setUp({ webhook: true, team: team('    language: fr') });
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(health)).toContain('team.yaml:11:5: \\"language\\" must be one of en, ar');
  }, 30_000);
});
