// What a colleague reads when they write in the Telegram desk topic of a conversation another agent of their team
// holds, against the fake Bot API: their words do not reach the customer (who was told who is with them), and the
// topic says so at once, in the team's language, with what to do instead.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, post, telegramServers } from '../channels/telegram/harness.ts';
import { DESK, SARA, deskMessages, inTopic, isolated, outsideTopics, takenByOmar as takeByOmar } from './desk-topics.ts';

const { setUp } = telegramServers();
const takenByOmar = (language = '') => takeByOmar(setUp, language);

describe('a colleague writing in the desk topic of a conversation another agent holds', () => {
  it('does not reach the customer, and the topic tells them so and what to do', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'I refunded it already'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['Sara, that was not sent to Layla: #1 is with Omar. Ask Omar to pass it to you (/transfer 1 Sara, here or in their chat with the bot).']);
    // Omar's next words reach Layla, and Sara's never did.
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'Refund done.'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Refund done.'));
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Refund done.']);
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  }, 30_000);

  it('is told in Arabic in the topic of a team with language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'تم الاسترداد'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      `${isolated('Sara')}، لم تُرسل هذه الرسالة إلى ${isolated('Layla')}: المحادثة #1 مع ${isolated('Omar')}. اطلب من ${isolated('Omar')} أن يحوّلها إليك (${isolated('/transfer 1 Sara')} هنا أو في دردشته مع البوت).`,
    ]);
    expect(api.sentTo(LAYLA)).not.toContain('تم الاسترداد');
  }, 30_000);

  it('closes nothing with /close, nor passes it on with /transfer: the topic says who holds it and what to do instead', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/transfer 1 Sara'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk + 1);
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/list'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk + 2);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      'Sara, /close did nothing: #1 is with Omar, and only Omar can close it or pass it on. Ask Omar, or leave the team a note here: /note 1 your note.',
      'Sara, /transfer did nothing: #1 is with Omar, and only Omar can close it or pass it on. Ask Omar, or leave the team a note here: /note 1 your note.',
      'Sara, /list works in your private chat with the bot, not in a desk topic. Here #1 is with Omar: you can leave the team a note (/note 1 your note).',
    ]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });
    // Omar, who holds it, closes it from the topic as before; Layla heard nothing of Sara's commands.
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1 (refunded).'));
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed' });
    expect(api.sentTo(LAYLA).slice(toLayla).join('\n')).not.toMatch(/Sara/);
  }, 30_000);

  it('leaves a note for the team with /note, which never reaches the customer', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/note 1 she called the hotline too'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['Note added to #1 (only agents see it).']);
    const messages = await app.store.messagesOfConversation(1);
    expect(messages.filter((message) => message.from === 'note').map((message) => [message.agentId, message.text])).toEqual([['sara', 'she called the hotline too']]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  }, 30_000);

  it('is told in Arabic that /close did nothing, in the topic of a team with language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      `${isolated('Sara')}، لم يُنفَّذ ${isolated('/close')}: المحادثة #1 مع ${isolated('Omar')}، ولا يغلقها أو يحوّلها غيره. اطلب ذلك من ${isolated('Omar')}، أو اترك ملاحظة للفريق هنا: ${isolated('/note 1 ملاحظتك')}.`,
    ]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', agentId: 'omar' });
  }, 30_000);
});

describe('an agent writing in the desk group outside the topics the bot opened', () => {
  const told = 'that reached no customer: this topic is not a conversation\'s. Write in the conversation\'s own topic (it opens with its card); /list in your chat with the bot shows yours.';

  it('is answered once, under their message where they wrote, in the General topic as in a topic opened by hand; no customer hears it', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const before = deskMessages(api).length;
    const general = outsideTopics({ id: SARA, name: 'Sara' }, 'Layla, your refund is done');
    expect(await post(app, general)).toBe(200);
    await eventually(() => deskMessages(api).length > before);
    expect(deskMessages(api).slice(before)).toEqual([{ text: `Sara, ${told}`, topic: undefined, answers: general.message.message_id }]);
    // Telegram delivers it again, Sara goes on talking there, a service message comes: the desk hears one line, not a flood.
    expect(await post(app, general)).toBe(200);
    expect(await post(app, outsideTopics({ id: SARA, name: 'Sara' }, 'Omar, can you check #1?'))).toBe(200);
    const service = outsideTopics({ id: OMAR, name: 'Omar' }, '');
    delete service.message.text;
    service.message.pinned_message = { message_id: 1, date: 1763950000, chat: service.message.chat };
    expect(await post(app, service)).toBe(200);
    // Omar writes in a topic someone opened by hand: he is told there.
    const byHand = outsideTopics({ id: OMAR, name: 'Omar' }, 'Here is the refund list', 999);
    expect(await post(app, byHand)).toBe(200);
    await eventually(() => deskMessages(api).length > before + 1);
    expect(deskMessages(api).slice(before)).toEqual([
      { text: `Sara, ${told}`, topic: undefined, answers: general.message.message_id },
      { text: `Omar, ${told}`, topic: 999, answers: byHand.message.message_id },
    ]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', agentId: 'omar' });
  }, 30_000);

  it('is told once, in the topic of a conversation closed since, that the customer did not get it', async () => {
    const { app, api } = await takenByOmar();
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1 (refunded).'));
    // Layla is told it closed (sent apart from the desk's line): counted from there.
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'This conversation is now closed. Write to us any time.');
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'Layla, one more thing'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'and the invoice too'))).toBe(200);
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'She is gone, Sara'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk + 1);
    // Who closed it and when, by name: the whole team reads the topic.
    const closed = /^#1 was closed by Omar on \d{4}-\d\d-\d\d at \d\d:\d\d UTC$/;
    const [toSara, toOmar] = api.sentTo(DESK).slice(inDesk).map((said) => said.split(/: (?=#1)|\. (?=When)/));
    expect(toSara).toEqual(['Sara, that was not sent to Layla', expect.stringMatching(closed), 'When they write again, their new conversation gets a topic of its own.']);
    expect(toOmar).toEqual(['Omar, that was not sent to Layla', expect.stringMatching(closed), 'When they write again, their new conversation gets a topic of its own.']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  }, 30_000);

  it('answers each command about a conversation closed since, in its topic, with who closed it and when, in the team\'s language', async () => {
    const { app, api } = await takenByOmar();
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1 (refunded).'));
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/transfer 1 Sara'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk + 1);
    const closed = expect.stringMatching(/^#1 was closed by Omar on \d{4}-\d\d-\d\d at \d\d:\d\d UTC\. Nothing was changed\.$/);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([closed, closed]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed' });

    const arabic = await takenByOmar('    language: ar\n');
    expect(await post(arabic.app, inTopic({ id: OMAR, name: 'Omar' }, '/close'))).toBe(200);
    await eventually(() => arabic.api.sentTo(DESK).includes('أُغلقت المحادثة #1.'));
    const inArabicDesk = arabic.api.sentTo(DESK).length;
    expect(await post(arabic.app, inTopic({ id: SARA, name: 'Sara' }, '/close'))).toBe(200);
    await eventually(() => arabic.api.sentTo(DESK).length > inArabicDesk);
    expect(arabic.api.sentTo(DESK).slice(inArabicDesk)).toEqual([
      expect.stringMatching(/^أُغلقت المحادثة #1 بواسطة \u2068Omar\u2069 في \u2068\d{4}-\d\d-\d\d\u2069 الساعة \u2068\d\d:\d\d UTC\u2069\. لم يتغير شيء\.$/),
    ]);
  }, 60_000);

  it('says a command it does not know is unknown in the topic of a conversation closed since, and that it is closed, each time, in the team\'s language', async () => {
    const { app, api } = await takenByOmar();
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1.'));
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/foo'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/clsoe'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk + 1);
    const closed = '#1 was closed by Omar on \\d{4}-\\d\\d-\\d\\d at \\d\\d:\\d\\d UTC\\. Nothing was changed\\.';
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      expect.stringMatching(new RegExp(`^Unknown command /foo\\. Send /help for the list\\. ${closed}$`)),
      expect.stringMatching(new RegExp(`^Unknown command /clsoe\\. Did you mean /close\\? Send /help for the list\\. ${closed}$`)),
    ]);

    const arabic = await takenByOmar('    language: ar\n');
    expect(await post(arabic.app, inTopic({ id: OMAR, name: 'Omar' }, '/close'))).toBe(200);
    await eventually(() => arabic.api.sentTo(DESK).includes('أُغلقت المحادثة #1.'));
    const inArabicDesk = arabic.api.sentTo(DESK).length;
    expect(await post(arabic.app, inTopic({ id: SARA, name: 'Sara' }, '/foo'))).toBe(200);
    await eventually(() => arabic.api.sentTo(DESK).length > inArabicDesk);
    expect(arabic.api.sentTo(DESK).slice(inArabicDesk)).toEqual([
      expect.stringMatching(/^لا يوجد أمر \u2068\/foo\u2069\. أرسل \u2068\/help\u2069 لعرض الأوامر\. أُغلقت المحادثة #1 بواسطة \u2068Omar\u2069 في .+ لم يتغير شيء\.$/),
    ]);
  }, 60_000);

  it('says when it was closed in the team\'s time zone (timezone: under the team), the day Riyadh was on', async () => {
    const now = () => new Date('2026-12-06T23:41:00Z');
    const { app, api } = await takeByOmar(setUp, '    timezone: Asia/Riyadh\n', { now });
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1.'));
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['#1 was closed by Omar on 2026-12-07 at 02:41 Asia/Riyadh. Nothing was changed.']);
  }, 30_000);

  it('takes a note in the topic of a conversation closed since, and says /list and /online work in the private chat', async () => {
    const { app, api } = await takenByOmar();
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close refunded'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1 (refunded).'));
    const inDesk = api.sentTo(DESK).length;
    for (const [step, text] of [[1, '/note 1 the bank confirmed the refund'], [2, '/list'], [3, '/online']] as const) {
      expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, text))).toBe(200);
      await eventually(() => api.sentTo(DESK).length >= inDesk + step);
    }
    const closed = '#1 was closed by Omar on \\d{4}-\\d\\d-\\d\\d at \\d\\d:\\d\\d UTC';
    const inChat = (command: string) => expect.stringMatching(new RegExp(`^/${command} works in your private chat with the bot, not in a desk topic\\. ${closed}; you can still leave the team a note on it here \\(/note 1 your note\\)\\.$`));
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['Note added to #1 (only agents see it).', inChat('list'), inChat('online')]);
    const notes = (await app.store.messagesOfConversation(1)).filter((message) => message.from === 'note');
    expect(notes.map((note) => [note.agentId, note.text])).toEqual([['sara', 'the bank confirmed the refund']]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed' });
  }, 30_000);

  it('tells the topic who closed the conversation and when, of an edit after the close', async () => {
    const { app, api } = await takenByOmar();
    const said = inTopic({ id: OMAR, name: 'Omar' }, 'Your refund is 50 EUR');
    expect(await post(app, said)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Your refund is 50 EUR'));
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/close'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('Closed #1.'));
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    const edit = { update_id: said.update_id + 500_000, edited_message: { ...said.message, text: 'Your refund is 15 EUR', edit_date: said.message.date + 30 } };
    expect(await post(app, edit)).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      expect.stringMatching(/^#1 was closed by Omar on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: your edit did not reach the customer\.$/),
    ]);
    expect(api.sentTo(LAYLA).slice(toLayla).join('\n')).not.toMatch(/15 EUR/);
  }, 30_000);

  it('is told of a photo in the General topic too, which is not fetched; a person not in team.yaml is not answered', async () => {
    const { app, api } = await takenByOmar();
    const before = deskMessages(api).length;
    expect(await post(app, outsideTopics({ id: 4242, name: 'Visitor' }, 'hello?'))).toBe(200);
    const photo = outsideTopics({ id: SARA, name: 'Sara' }, '');
    delete photo.message.text;
    photo.message.photo = [{ file_id: 'general-photo', file_unique_id: 'u-general-photo', width: 90, height: 90, file_size: 900 }];
    expect(await post(app, photo)).toBe(200);
    await eventually(() => deskMessages(api).length > before);
    expect(deskMessages(api).slice(before)).toEqual([{ text: `Sara, ${told}`, topic: undefined, answers: photo.message.message_id }]);
    expect(api.callsOf('getFile')).toEqual([]);
  }, 30_000);

  it('is told in Arabic by the desk of a team with language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    const before = deskMessages(api).length;
    expect(await post(app, outsideTopics({ id: SARA, name: 'Sara' }, '/close 1'))).toBe(200);
    await eventually(() => deskMessages(api).length > before);
    expect(deskMessages(api).slice(before).map((message) => message.text)).toEqual([
      `${isolated('Sara')}، لم يصل هذا إلى أي عميل: هذا الموضوع ليس لمحادثة. اكتب في موضوع المحادثة نفسها (يبدأ ببطاقتها)؛ ويعرض ${isolated('/list')} في دردشتك مع البوت محادثاتك.`,
    ]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', agentId: 'omar' });
  }, 30_000);
});
