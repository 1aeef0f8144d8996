// Files posted in a Telegram team desk, against the fake Bot API: only those that go to a customer are fetched from
// Telegram (getFile, then the download). One in a topic opened by hand, from someone not in team.yaml, or from a
// colleague in the topic of a conversation another agent holds reaches no customer: it is not fetched, and an agent
// is told once where to write, as for text.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { DESK, SARA, deskMessages, inTopic, isolated, outsideTopics, takenByOmar as takeByOmar } from './desk-topics.ts';

const { setUp } = telegramServers();
const takenByOmar = (language = '') => takeByOmar(setUp, language);

let nextFile = 1;
/** `update` carrying a photo (`file_id` returned) instead of text, as Telegram sends one. */
function withPhoto(update: Record<string, any>): string {
  const fileId = `desk-photo-${nextFile++}`;
  delete update.message.text;
  update.message.photo = [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 90, height: 90, file_size: 12 }];
  return fileId;
}

const told = 'that reached no customer: this topic is not a conversation\'s. Write in the conversation\'s own topic (it opens with its card); /list in your chat with the bot shows yours.';

describe('a file posted in a team desk', () => {
  it('in a topic an agent opened by hand is not fetched; they are told once, there, where to write', async () => {
    const { app, api } = await takenByOmar();
    const before = deskMessages(api).length;
    const photo = outsideTopics({ id: OMAR, name: 'Omar' }, '', 999);
    api.addFile(withPhoto(photo), Buffer.from('a receipt'), { path: 'photos/hand.jpg' });
    expect(await post(app, photo)).toBe(200);
    await eventually(() => deskMessages(api).length > before);
    const voice = outsideTopics({ id: OMAR, name: 'Omar' }, '', 999);
    delete voice.message.text;
    voice.message.voice = { file_id: 'desk-voice', file_unique_id: 'u-desk-voice', duration: 2, mime_type: 'audio/ogg', file_size: 10 };
    api.addFile('desk-voice', Buffer.from('OggS voice'), { path: 'voice/hand.oga' });
    expect(await post(app, voice)).toBe(200);
    // The next thing the desk hears comes after both: nothing more was said about the voice message.
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/note 1 sent the receipt in the wrong topic'))).toBe(200);
    await eventually(() => deskMessages(api).length > before + 1);
    expect(deskMessages(api).slice(before)).toEqual([
      { text: `Omar, ${told}`, topic: 999, answers: photo.message.message_id },
      { text: 'Note added to #1 (only agents see it).', topic: 55, answers: undefined },
    ]);
    expect(api.callsOf('getFile')).toEqual([]);
    expect(api.downloads).toEqual([]);
    expect(api.callsOf('sendPhoto').concat(api.callsOf('sendVoice'))).toEqual([]);
  }, 30_000);

  it('by someone not in team.yaml is not fetched, even in a conversation\'s topic, and nobody hears of it', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    const before = deskMessages(api).length;
    const photo = inTopic({ id: 4242, name: 'Visitor' }, '');
    api.addFile(withPhoto(photo), Buffer.from('not ours'), { path: 'photos/visitor.jpg' });
    expect(await post(app, photo)).toBe(200);
    const document = outsideTopics({ id: 4242, name: 'Visitor' }, '', 999);
    delete document.message.text;
    document.message.document = { file_id: 'visitor-doc', file_unique_id: 'u-visitor-doc', file_name: 'list.pdf', mime_type: 'application/pdf', file_size: 10 };
    api.addFile('visitor-doc', Buffer.from('%PDF-1.4'), { path: 'documents/list.pdf' });
    expect(await post(app, document)).toBe(200);
    // Omar's own photo in the topic after them does reach Layla: the visitor's went nowhere, and was never fetched.
    const omars = inTopic({ id: OMAR, name: 'Omar' }, '');
    api.addFile(withPhoto(omars), Buffer.from('the refund receipt'), { path: 'photos/omar.jpg' });
    expect(await post(app, omars)).toBe(200);
    await eventually(() => api.callsOf('sendPhoto').length === 1);
    expect(api.downloads).toEqual(['photos/omar.jpg']);
    expect(api.callsOf('sendPhoto').map((call) => String(call.params.chat_id))).toEqual([String(LAYLA)]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect(deskMessages(api).slice(before)).toEqual([]);
  }, 30_000);

  it('by a colleague in the topic of a conversation another agent holds is not fetched; the topic says so, in Arabic for language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    const inDesk = api.sentTo(DESK).length;
    const photo = inTopic({ id: SARA, name: 'Sara' }, '');
    api.addFile(withPhoto(photo), Buffer.from('a receipt'), { path: 'photos/sara.jpg' });
    expect(await post(app, photo)).toBe(200);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      `${isolated('Sara')}، لم تُرسل هذه الرسالة إلى ${isolated('Layla')}: المحادثة #1 مع ${isolated('Omar')}. اطلب من ${isolated('Omar')} أن يحوّلها إليك (${isolated('/transfer 1 Sara')} هنا أو في دردشته مع البوت).`,
    ]);
    expect(api.callsOf('getFile')).toEqual([]);
    expect(api.callsOf('sendPhoto')).toEqual([]);
  }, 30_000);

  it('by a colleague, as the holder passes the conversation to them, reaches the customer: its transaction decides, not the check before it', async () => {
    const { app, api } = await takenByOmar();
    expect(await post(app, textNow(SARA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(SARA).length === 1);
    // Omar's /transfer to Sara commits between the check that finds Omar holding #1 (so Sara's photo would reach no
    // one, and is not fetched) and the transaction that stores her photo, in which she holds it.
    const read = app.store.conversation.bind(app.store);
    let racing = true;
    app.store.conversation = async (id) => {
      const seen = await read(id);
      if (racing && new Error().stack?.includes('reachesCustomer')) {
        racing = false;
        expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, '/transfer Sara'))).toBe(200);
        expect(await read(1)).toMatchObject({ stage: 'assigned', agentId: 'sara' });
      }
      return seen;
    };
    const inDesk = api.sentTo(DESK).length;
    const photo = inTopic({ id: SARA, name: 'Sara' }, '');
    api.addFile(withPhoto(photo), Buffer.from('the refund receipt'), { path: 'photos/sara.jpg' });
    expect(await post(app, photo)).toBe(200);
    expect(racing).toBe(false);
    await eventually(() => api.callsOf('sendPhoto').length === 1);
    expect(api.callsOf('sendPhoto').map((call) => String(call.params.chat_id))).toEqual([String(LAYLA)]);
    expect(api.downloads).toEqual(['photos/sara.jpg']);
    // The topic heard Omar pass it on, and nothing about a photo that was not sent.
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual(['#1 is now with Sara.']);
  }, 30_000);
});
