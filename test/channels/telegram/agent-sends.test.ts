// What an agent sends from their own Telegram, as each customer receives it: Omar, on Telegram, holds Layla's
// conversation on Telegram, Sheena's on WhatsApp Cloud and Dana's on the web chat (one server, the fake Bot API and
// Graph API), and sends what people send from Telegram: words that link elsewhere, a caption with a link, stickers, a
// GIF. Each customer gets what their app can show, in order, once; what cannot go is told to Omar, in his language.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { nextUpdateId, omarHoldsThree, telegram } from './omar-holds-three.ts';
import { LAYLA, OMAR, post, telegramServers } from './harness.ts';
import { SHEENA, settled } from '../whatsapp-cloud/harness.ts';
import { SARA, deskMessages, inTopic, takenByOmar } from '../../handover/desk-topics.ts';

const servers = telegramServers();
const desk = (options: { language?: string } = {}) => omarHoldsThree(servers, options);

describe('an agent on Telegram sends words that link elsewhere', () => {
  it('each customer gets the address the words link to (WhatsApp, Telegram, web chat), in a text and in a caption', async () => {
    const { api, cloud, omar, danaGot } = await desk();
    // Telegram's "Add link" on "this form": the address is in the message's entities, not in its text.
    const form = { text: 'Please fill in this form to get your refund.', entities: [{ type: 'bold', offset: 0, length: 6 }, { type: 'text_link', offset: 15, length: 9, url: 'https://acme.example/refund' }] };
    const withForm = 'Please fill in this form (https://acme.example/refund) to get your refund.';
    await omar({ text: '/use 1' });
    await omar(form);
    await eventually(() => api.sentTo(LAYLA).includes(withForm));
    await omar({ text: '/use 2' });
    await omar(form);
    // The bold word in WhatsApp's markup (agent-formatting.test.ts).
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe(`*Please*${withForm.slice('Please'.length)}`);
    await omar({ text: '/use 3' });
    // A link that shows its address already is left as it is.
    await omar({ text: 'Track it on https://acme.example/track or here.', entities: [{ type: 'url', offset: 12, length: 26 }, { type: 'text_link', offset: 42, length: 4, url: 'https://acme.example/track/4521' }] });
    await eventually(async () => (await danaGot()).length === 1);
    expect((await danaGot()).map((m) => m.text)).toEqual(['Track it on https://acme.example/track or here (https://acme.example/track/4521).']);

    // A photo whose caption links: Sheena's WhatsApp shows the address under the photo.
    api.addFile('receipt', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'));
    await omar({ text: '/use 2' });
    await omar({ photo: [{ file_id: 'receipt', file_unique_id: 'r', width: 800, height: 600, file_size: 13 }], caption: 'Your receipt; the refund policy is here.', caption_entities: [{ type: 'text_link', offset: 35, length: 4, url: 'https://acme.example/policy' }] });
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'image', image: { caption: 'Your receipt; the refund policy is here (https://acme.example/policy).' } });
  });
});

describe('an agent on Telegram sends stickers', () => {
  /** Telegram's three kinds of sticker: a still WebP, an animated .tgs, a video WebM. */
  const stickers = (api: FakeBotApi) => {
    api.addFile('still', Buffer.from('RIFF....WEBPVP8 still'));
    api.addFile('animated', Buffer.from('\x1f\x8b tgs', 'latin1'));
    api.addFile('video', Buffer.from('\x1aE\xdf\xa3 webm', 'latin1'));
    const sticker = (id: string, moving: { is_animated?: boolean; is_video?: boolean }) => ({
      sticker: { file_id: id, file_unique_id: `u-${id}`, type: 'regular', width: 512, height: 512, emoji: '👍', is_animated: false, is_video: false, ...moving, file_size: 20 },
    });
    return [sticker('still', {}), sticker('animated', { is_animated: true }), sticker('video', { is_video: true })];
  };

  it('each customer gets those their app shows; Omar is told of each one that did not go, rather than the customer getting a file named "file"', async () => {
    const { api, cloud, omar, danaGot, toldOmar } = await desk();
    const [still, animated, video] = stickers(api);
    const notShown = (id: number) => `#${id}: your animated sticker was not sent to the customer: their app shows only still stickers. Send a picture, or write it to them instead.`;

    await omar({ text: '/use 2' });
    let told = api.sentTo(OMAR).length;
    for (const sticker of [still!, animated!, video!]) await omar(sticker);
    await eventually(() => toldOmar(told).length === 2);
    expect(cloud.graph.sentTo(SHEENA).filter((body) => body.type !== 'text').map((body) => body.type)).toEqual(['sticker']);
    expect(toldOmar(told)).toEqual([notShown(2), notShown(2)]);

    // The web chat plays a video sticker; an animated one would be a download.
    await omar({ text: '/use 3' });
    told = api.sentTo(OMAR).length;
    for (const sticker of [still!, animated!, video!]) await omar(sticker);
    await eventually(() => toldOmar(told).length === 1).catch(() => { throw new Error(JSON.stringify(api.sentTo(OMAR))); });
    await eventually(async () => (await danaGot()).length === 2);
    expect((await danaGot()).map((m) => m.attachments?.map((a) => a.mime))).toEqual([['image/webp'], ['video/webm']]);
    expect(toldOmar(told)).toEqual([notShown(3)]);

    // Telegram shows all three.
    await omar({ text: '/use 1' });
    told = api.sentTo(OMAR).length;
    for (const sticker of [still!, animated!, video!]) await omar(sticker);
    await eventually(() => api.callsOf('sendSticker').length === 3);
    expect(api.callsOf('sendSticker').map((call) => call.params.chat_id)).toEqual([LAYLA, LAYLA, LAYLA]);
    expect(toldOmar(told)).toEqual([]);
  });

  it('tells an Arabic agent in Arabic', async () => {
    const { api, cloud, omar, toldOmar } = await desk({ language: '    language: ar\n' });
    const [, animated] = stickers(api);
    await omar({ text: '/use 2' });
    const told = api.sentTo(OMAR).length;
    await omar(animated!);
    await eventually(() => toldOmar(told).length === 1).catch(() => { throw new Error(JSON.stringify(api.sentTo(OMAR))); });
    expect(toldOmar(told)).toEqual(['المحادثة #2: لم يُرسل ملصقك المتحرك إلى العميل: لا يعرض تطبيقه إلا الملصقات الثابتة. أرسل صورة، أو اكتب له ما تريد بدلًا منه.']);
    expect(cloud.graph.sentTo(SHEENA).filter((body) => body.type !== 'text')).toEqual([]);
  });
});

describe('an agent on Telegram sends a GIF', () => {
  it('each customer gets a GIF that plays (a video on WhatsApp and the web chat, an animation on Telegram), not a document to download', async () => {
    const { api, cloud, omar, danaGot } = await desk();
    api.addFile('gif', Buffer.from('\x00\x00\x00\x18ftypmp42 thumbs up', 'latin1'));
    // Telegram sends a GIF as `animation`, and as a `document` too for clients that do not know animations.
    const gif = { file_id: 'gif', file_unique_id: 'u-gif', file_name: 'thumbs-up.gif.mp4', mime_type: 'video/mp4', file_size: 30 };
    const update = { animation: { ...gif, width: 320, height: 240, duration: 2 }, document: gif, caption: 'Done!' };
    for (const id of [2, 3, 1]) {
      await omar({ text: `/use ${id}` });
      await omar(update);
    }
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'video', video: { caption: 'Done!' } });
    await eventually(async () => (await danaGot()).length === 1);
    expect((await danaGot())[0]).toMatchObject({ text: 'Done!', attachments: [{ kind: 'video', mime: 'video/mp4', animation: true }] });
    await eventually(() => api.callsOf('sendAnimation').length === 1);
    expect(api.callsOf('sendAnimation')[0]!.params).toMatchObject({ chat_id: LAYLA, caption: 'Done!' });
    expect(api.callsOf('sendDocument')).toEqual([]);
  });
});

describe('an agent edits what they wrote in a team desk\'s topic', () => {
  /** Telegram's edited_message for `message` (an update posted before), now saying `text`. */
  const edited = (message: Record<string, any>, text: string) => ({
    update_id: nextUpdateId(), edited_message: { ...message.message, text, edit_date: message.message.date + 30 },
  });

  it('sends Layla the correction once, as a reply to what she got, however often Telegram delivers the edit', async () => {
    const { app, api } = await takenByOmar(servers.setUp);
    const wrong = inTopic({ id: OMAR, name: 'Omar' }, 'Your refund is 50 EUR.');
    expect(await post(app, wrong)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Your refund is 50 EUR.'));
    const got = api.messagesTo(LAYLA).find((message) => message.text === 'Your refund is 50 EUR.')!;
    const edit = edited(wrong, 'Your refund is 15 EUR.');
    expect(await post(app, edit)).toBe(200);
    expect(await post(app, edit)).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((said) => said.startsWith('Correction')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.sentTo(LAYLA).filter((said) => said.startsWith('Correction'))).toEqual(['Correction: Your refund is 15 EUR.']);
    const correction = api.callsOf('sendMessage').find((call) => String(call.params.text).startsWith('Correction'))!;
    expect(correction.params).toMatchObject({ chat_id: String(LAYLA), reply_parameters: { message_id: got.message_id } });
  });

  it('tells the topic, in the team\'s language, that an edit of a colleague\'s conversation or of a command reached no one', async () => {
    const { app, api } = await takenByOmar(servers.setUp, '    language: ar\n');
    const before = deskMessages(api).length;
    // Sara's words in Omar's conversation never went to Layla: nor does her edit of them.
    const sara = inTopic({ id: SARA, name: 'Sara' }, 'I can take this one');
    expect(await post(app, sara)).toBe(200);
    await eventually(() => deskMessages(api).length === before + 1);
    expect(await post(app, edited(sara, 'I can take this one, Omar'))).toBe(200);
    await eventually(() => deskMessages(api).length === before + 2);
    expect(deskMessages(api).at(-1)).toMatchObject({ topic: 55, text: 'لم تعد المحادثة #1 معك (إنها مع \u2068Omar\u2069): لم يصل تعديلك إلى العميل.' });
    // Omar's note, edited: not carried out again, and nothing reaches Layla.
    const note = inTopic({ id: OMAR, name: 'Omar' }, '/note 1 refund asked on Monday');
    expect(await post(app, note)).toBe(200);
    await eventually(() => deskMessages(api).length === before + 3);
    expect(await post(app, edited(note, '/note 1 refund asked on Tuesday'))).toBe(200);
    await eventually(() => deskMessages(api).length === before + 4);
    expect(deskMessages(api).at(-1)).toMatchObject({ topic: 55, text: 'لا يُنفَّذ الأمر المعدَّل: أرسله مجددًا في رسالة جديدة.' });
    expect(api.sentTo(LAYLA).join('\n')).not.toMatch(/Sara|refund asked/);
  });
});

describe('an agent on Telegram shares their live location', () => {
  it('the customer gets where he is now, and Omar is told it will not move for them (a plain location says nothing)', async () => {
    const { api, cloud, omar, toldOmar } = await desk();
    await omar({ text: '/use 2' });
    const told = api.sentTo(OMAR).length;
    await omar({ location: { latitude: 25.2, longitude: 55.27 } });
    await omar({ location: { latitude: 25.21, longitude: 55.28, live_period: 900, heading: 90 } });
    await eventually(() => toldOmar(told).length === 1).catch(() => { throw new Error(JSON.stringify(api.sentTo(OMAR))); });
    expect(cloud.graph.sentTo(SHEENA).slice(-2)).toMatchObject([{ type: 'location', location: { latitude: 25.2, longitude: 55.27 } }, { type: 'location', location: { latitude: 25.21, longitude: 55.28 } }]);
    expect(toldOmar(told)).toEqual(['#2: the customer got your location as it is now, once: it does not move for them as you move. Send it again later if they need to know where you are.']);
  });
});

describe('an agent on Telegram sends an album', () => {
  it('reaches Sheena on WhatsApp in the order he sent it, the caption on the first photo, when Telegram posts its updates at once and the first photo is the largest', async () => {
    const { api, cloud, omar } = await desk();
    await omar({ text: '/use 2' });
    const sizes = [2_000_000, 10, 300_000, 10];
    sizes.forEach((size, index) => api.addFile(`album-${index}`, Buffer.alloc(size, index + 1)));
    const updates = sizes.map((size, index) => telegram(OMAR, {
      media_group_id: 'receipts', photo: [{ file_id: `album-${index}`, file_unique_id: `u-album-${index}`, width: 800, height: 600, file_size: size }],
      ...(index === 0 ? { caption: 'Your four receipts' } : {}),
    }));
    // Telegram's webhook makes several requests at once: each photo's comes in while the first one's file is on its way.
    const release = api.hold('getFile');
    const posted: Promise<number>[] = [];
    for (const update of updates) {
      posted.push(post(cloud.app, update));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    release();
    expect(await Promise.all(posted)).toEqual([200, 200, 200, 200]);
    await settled(cloud, SHEENA);
    const sent = await cloud.app.store.messagesOfConversation(2);
    expect(sent.filter((message) => message.direction === 'out' && message.from === 'agent').map((message) => message.relayOf))
      .toEqual(updates.map((update) => `${OMAR}:${update.message.message_id}`));
    const images = cloud.graph.sentTo(SHEENA).filter((body) => body.type === 'image');
    expect(images.map((body) => body.image.caption)).toEqual(['Your four receipts', undefined, undefined, undefined]);
  });
});

describe('an agent on Telegram sends a poll or a dice', () => {
  it('reaches no customer, and Omar is told which conversation it did not reach and what to do', async () => {
    const { api, cloud, omar, toldOmar } = await desk();
    await omar({ text: '/use 2' });
    const told = api.sentTo(OMAR).length;
    const before = cloud.graph.sentTo(SHEENA).length;
    await omar({ poll: { id: 'p1', question: 'Was this helpful?', options: [{ text: 'Yes', voter_count: 0 }, { text: 'No', voter_count: 0 }], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } });
    await omar({ dice: { emoji: '🎲', value: 4 } });
    await eventually(() => toldOmar(told).length === 2);
    expect(toldOmar(told)).toEqual([
      '#2: your poll was not sent to the customer: only words, files, places and contact cards reach them. Write it to them instead.',
      '#2: your dice was not sent to the customer: only words, files, places and contact cards reach them. Write it to them instead.',
    ]);
    expect(cloud.graph.sentTo(SHEENA).length).toBe(before);
  });

  it('says so in the desk topic, in the team\'s language', async () => {
    const { app, api } = await takenByOmar(servers.setUp, '    language: ar\n');
    const before = deskMessages(api).length;
    const dice = inTopic({ id: OMAR, name: 'Omar' }, '');
    delete dice.message.text;
    dice.message.dice = { emoji: '🎲', value: 6 };
    expect(await post(app, dice)).toBe(200);
    await eventually(() => deskMessages(api).length === before + 1);
    expect(deskMessages(api).at(-1)).toMatchObject({ topic: 55, text: 'المحادثة #1: لم يُرسل نرد إلى العميل: لا يصله إلا النص والملفات والمواقع وبطاقات جهات الاتصال. اكتب له ما تريد بدلًا منه.' });
  });
});

describe('an agent on Telegram sends paid media with a caption', () => {
  for (const [language, said] of [
    ['', '#2: your paid media was not sent to the customer: only words, files, places and contact cards reach them. Write it to them instead.'],
    ['    language: ar\n', 'المحادثة #2: لم يُرسل وسائط مدفوعة إلى العميل: لا يصله إلا النص والملفات والمواقع وبطاقات جهات الاتصال. اكتب له ما تريد بدلًا منه.'],
  ] as const) {
    it(`has the caption reach the customer, and Omar is told once that the media did not${language ? ' (in Arabic)' : ''}`, async () => {
      const { api, cloud, omar, toldOmar } = await desk({ language });
      await omar({ text: '/use 2' });
      const told = api.sentTo(OMAR).length;
      await omar({ paid_media: { star_count: 25, paid_media: [{ type: 'preview', width: 800, height: 600 }] }, caption: 'The full catalogue, as promised.' });
      await eventually(() => cloud.graph.saidTo(SHEENA).includes('The full catalogue, as promised.'));
      await eventually(() => toldOmar(told).length > 0);
      await settled(cloud, SHEENA);
      expect(toldOmar(told)).toEqual([said]);
    });
  }
});

describe('an agent on Telegram writes a command as a photo\'s caption', () => {
  it('does nothing, and says so, rather than carry out the command and drop the photo without a word', async () => {
    const { api, cloud, omar } = await desk();
    api.addFile('receipt', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'));
    const before = cloud.graph.sentTo(SHEENA).length;
    await omar({ photo: [{ file_id: 'receipt', file_unique_id: 'r', width: 800, height: 600, file_size: 13 }], caption: '/close 2 refunded' });
    const refused = 'Nothing was sent or done: a command does not go with a file. Send the file on its own for the customer, then /close again.';
    await eventually(() => api.sentTo(OMAR).includes(refused)).catch(() => {
      // On the code before: "Closed #2 (refunded)." and the receipt reached no one.
      throw new Error(`Omar was not told; he has ${JSON.stringify(api.sentTo(OMAR).slice(-2))}`);
    });
    expect((await cloud.app.store.conversation(2))?.status).toBe('open');
    expect(cloud.graph.sentTo(SHEENA).length).toBe(before);
  });
});

describe('an agent in a team desk\'s topic sends a photo whose caption is a command', () => {
  it('does nothing, and the topic says so in the team\'s language, as his chat with the bot does, rather than close and drop the photo', async () => {
    for (const [language, said] of [
      ['', 'Nothing was sent or done: a command does not go with a file. Send the file on its own for the customer, then /close again.'],
      ['    language: ar\n', 'لم يُرسَل شيء ولم يُنفَّذ شيء: لا يُرسَل أمر مع ملف. أرسل الملف وحده إلى العميل، ثم أعد إرسال \u2068/close\u2069.'],
    ] as const) {
      const { app, api } = await takenByOmar(servers.setUp, language);
      api.addFile('receipt', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'));
      const before = deskMessages(api).length;
      const laylaGot = api.callsOf('sendPhoto').length + api.callsOf('sendDocument').length;
      const photo = inTopic({ id: OMAR, name: 'Omar' }, '');
      delete photo.message.text;
      Object.assign(photo.message, { photo: [{ file_id: 'receipt', file_unique_id: 'r', width: 800, height: 600, file_size: 13 }], caption: '/close refunded' });
      expect(await post(app, photo)).toBe(200);
      await eventually(() => deskMessages(api).length > before).catch(() => {
        throw new Error(`the topic was not told; conversation #1 is ${JSON.stringify(app.store.conversation(1))}`);
      });
      // On the code before: "Closed #1 (refunded)." in the topic, and the receipt reached no one.
      expect(deskMessages(api).slice(before)).toEqual([{ topic: 55, text: said, answers: undefined }]);
      expect((await app.store.conversation(1))?.status).toBe('open');
      expect(api.callsOf('sendPhoto').length + api.callsOf('sendDocument').length).toBe(laylaGot);
    }
  });
});

describe('an agent in a team desk\'s topic sends an album whose first photo has a command as its caption', () => {
  it('holds the whole album, and the topic is told once, rather than Layla getting the photos after the first', async () => {
    const { app, api } = await takenByOmar(servers.setUp);
    const before = deskMessages(api).length;
    const toLayla = () => api.calls.filter((call) => String(call.params.chat_id) === String(LAYLA)).length;
    const laylaGot = toLayla();
    // Telegram posts an album's updates at once, the captioned first photo first.
    const updates = [0, 1, 2].map((index) => {
      api.addFile(`held-${index}`, Buffer.from(`\xff\xd8\xff\xe0 receipt ${index}`, 'latin1'));
      const photo = inTopic({ id: OMAR, name: 'Omar' }, '');
      delete photo.message.text;
      Object.assign(photo.message, {
        media_group_id: 'closing', photo: [{ file_id: `held-${index}`, file_unique_id: `u-held-${index}`, width: 800, height: 600, file_size: 15 }],
        ...(index === 0 ? { caption: '/close refunded' } : {}),
      });
      return photo;
    });
    expect(await Promise.all(updates.map((update) => post(app, update)))).toEqual([200, 200, 200]);
    // A last plain message, so that whatever the album set off has left before it is read.
    expect(await post(app, inTopic({ id: OMAR, name: 'Omar' }, 'Thanks for waiting'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Thanks for waiting'));
    // On the code before: Layla got the album's two other photos, then the text.
    expect(api.calls.filter((call) => String(call.params.chat_id) === String(LAYLA)).slice(laylaGot).map((call) => call.method)).toEqual(['sendMessage']);
    expect(toLayla()).toBe(laylaGot + 1);
    expect(deskMessages(api).slice(before).map((said) => said.text)).toEqual(['Nothing was sent or done: a command does not go with a file. Send the file on its own for the customer, then /close again.']);
  });
});

describe('an agent on Telegram sends an album whose first photo has a command as its caption', () => {
  it('holds the whole album, and tells Omar once, rather than send Sheena the photos after the first', async () => {
    const { api, cloud, omar, toldOmar } = await desk();
    await omar({ text: '/use 2' });
    const told = api.sentTo(OMAR).length;
    const before = cloud.graph.sentTo(SHEENA).length;
    // Telegram posts an album's updates at once, the captioned first photo first.
    const updates = [0, 1, 2].map((index) => {
      api.addFile(`held-${index}`, Buffer.from(`\xff\xd8\xff\xe0 receipt ${index}`, 'latin1'));
      return telegram(OMAR, {
        media_group_id: 'closing', photo: [{ file_id: `held-${index}`, file_unique_id: `u-held-${index}`, width: 800, height: 600, file_size: 15 }],
        ...(index === 0 ? { caption: '/close 2 refunded' } : {}),
      });
    });
    expect(await Promise.all(updates.map((update) => post(cloud.app, update)))).toEqual([200, 200, 200]);
    await eventually(() => toldOmar(told).length > 0);
    // A last plain message, so that whatever the album set off has left before it is read.
    await omar({ text: 'Thanks for waiting' });
    await eventually(() => cloud.graph.sentTo(SHEENA).length > before);
    // On the code before: Sheena got the album's two other photos, then the text.
    expect(cloud.graph.sentTo(SHEENA).slice(before).map((body) => body.type)).toEqual(['text']);
    expect(toldOmar(told)).toEqual(['Nothing was sent or done: a command does not go with a file. Send the file on its own for the customer, then /close again.']);
    expect((await cloud.app.store.conversation(2))?.status).toBe('open');
  });
});

describe('an agent on Telegram edits a numbered message so that it starts with another conversation\'s number', () => {
  it('sends Sheena no correction meant for Dana, and tells Omar why, as for a new message numbered for one and sent to another', async () => {
    const { api, cloud, omar, toldOmar } = await desk();
    const wrote = telegram(OMAR, { text: '#2 Your refund is on its way' });
    expect(await post(cloud.app, wrote)).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).some((body) => body.text?.body === 'Your refund is on its way'));
    const before = cloud.graph.sentTo(SHEENA).length;
    const told = api.sentTo(OMAR).length;
    const edit = { update_id: nextUpdateId(), edited_message: { ...wrote.message, text: '#3 Your order has shipped', edit_date: wrote.message.date + 30 } };
    expect(await post(cloud.app, edit)).toBe(200);
    // A last message for Sheena, so that whatever the edit set off has left before it is read.
    await omar({ text: '#2 Anything else?' });
    await eventually(() => cloud.graph.sentTo(SHEENA).length > before);
    // On the code before: Sheena got "Correction: #3 Your order has shipped", Dana's number and all.
    expect(cloud.graph.sentTo(SHEENA).slice(before).map((body) => body.text?.body)).toEqual(['Anything else?']);
    expect(toldOmar(told)).toEqual([
      'Your edit was not sent: it starts with #3 (Dana) but changes a message that went to #2 (Sheena Nelson), who still has it as it was. Write to Dana in a new message, or edit it again without the number.',
    ]);
  });
});
