// What a customer sees of an agent's message, and an agent of a customer's: Omar, on Telegram, holds Layla's
// conversation on Telegram, Sheena's on WhatsApp Cloud and Dana's on the web chat (one server, the fake Bot API and
// Graph API). He styles his words as Telegram lets him (bold, italic, code, strikethrough, a spoiler: message entities):
// Layla's Telegram shows them, Sheena's WhatsApp in its own markup, Dana's web chat plain; a spoiler never shows to a
// customer whose app cannot hide it. His forwards read as forwarded, his round videos stay round on Telegram, and
// Layla's live location reaches him with a word that it does not move for him.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { nextUpdateId, omarHoldsThree, telegram } from './omar-holds-three.ts';
import { LAYLA, OMAR, post, telegramServers } from './harness.ts';
import { SHEENA, fixture, messagesBody, text as cloudText } from '../whatsapp-cloud/harness.ts';

const servers = telegramServers();
const desk = (options: { language?: string } = {}) => omarHoldsThree(servers, options);

// "مرحبا 👋 Layla, your refund is approved ✅ - the code is R-42, not R-24": an emoji is two UTF-16 units, as Telegram counts.
const greeting = 'مرحبا 👋 Layla, your refund is approved ✅ - the code is R-42, not R-24.';
const at = (words: string) => greeting.indexOf(words);
const styled = {
  text: greeting,
  entities: [
    { type: 'bold', offset: 0, length: at(' Layla') },
    { type: 'italic', offset: at('approved'), length: 'approved ✅'.length },
    { type: 'code', offset: at('R-42'), length: 4 },
    { type: 'strikethrough', offset: at('R-24'), length: 4 },
  ],
};

describe('an agent on Telegram styles their words', () => {
  it('Layla\'s Telegram shows them styled where Omar styled them, emoji and Arabic included; Sheena\'s WhatsApp in its markup; Dana\'s web chat plain', async () => {
    const { cloud, omar, danaGot, laylaGot } = await desk();
    await omar({ text: '/use 1' });
    await omar(styled);
    await eventually(() => laylaGot().some((got) => got.text === greeting));
    expect(laylaGot().find((got) => got.text === greeting)!.entities).toEqual([
      { type: 'bold', offset: 0, length: 8 },
      { type: 'italic', offset: at('approved'), length: 10 },
      { type: 'code', offset: at('R-42'), length: 4 },
      { type: 'strikethrough', offset: at('R-24'), length: 4 },
    ]);

    // Numbered for Layla's conversation: the number is not sent, and the styles stay on the words.
    const numbered = { text: `#1 ${greeting}`, entities: styled.entities.map((entity) => ({ ...entity, offset: entity.offset + 3 })) };
    const before = laylaGot().length;
    await omar(numbered);
    await eventually(() => laylaGot().length === before + 1);
    expect(laylaGot().at(-1)).toEqual(laylaGot().find((got) => got.text === greeting));

    await omar({ text: '/use 2' });
    await omar(styled);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('*مرحبا 👋* Layla, your refund is _approved ✅_ - the code is `R-42`, not ~R-24~.');

    await omar({ text: '/use 3' });
    await omar(styled);
    await eventually(async () => (await danaGot()).length === 1);
    expect((await danaGot())[0]!.text).toBe(greeting);
  });

  it('a closing note he styled reaches Sheena\'s WhatsApp in its markup, in the closing notice', async () => {
    const { cloud, omar } = await desk();
    const typed = '/close 2 "Your refund is on its way"';
    await omar({ text: typed, entities: [{ type: 'bold', offset: typed.indexOf('on its way'), length: 'on its way'.length }] });
    await eventually(() => cloud.graph.saidTo(SHEENA).some((got) => got.includes('Your refund')));
    expect(cloud.graph.saidTo(SHEENA).find((got) => got.includes('Your refund'))).toContain('Your refund is *on its way*.');
  });

  it('a link\'s address put in the text moves the styles after it', async () => {
    const { omar, laylaGot } = await desk();
    await omar({ text: '/use 1' });
    const text = 'Fill in this form, then reply done.';
    await omar({ text, entities: [{ type: 'text_link', offset: 13, length: 4, url: 'https://acme.example/refund' }, { type: 'bold', offset: 30, length: 4 }] });
    const sent = 'Fill in this form (https://acme.example/refund), then reply done.';
    await eventually(() => laylaGot().some((got) => got.text === sent));
    expect(laylaGot().find((got) => got.text === sent)!.entities).toEqual([{ type: 'bold', offset: sent.indexOf('done'), length: 4 }]);
  });
});

describe('a customer styles their words', () => {
  it('Omar\'s Telegram shows Layla\'s styles (her entities) and Sheena\'s (her WhatsApp markup) on the same words, after the relay\'s own', async () => {
    const { api, cloud } = await desk();
    const omarGot = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(OMAR)).map((call) => call.params as { text: string; entities?: unknown[] });
    expect(await post(cloud.app, telegram(LAYLA, styled))).toBe(200);
    await eventually(() => omarGot().some((got) => got.text.includes('R-42')));
    const fromLayla = omarGot().find((got) => got.text.includes('R-42'))!;
    // Her words are isolated (they start right to left) after "#1 Layla: ".
    expect(fromLayla.text).toBe(`#1 Layla: \u2068${greeting}\u2069`);
    const start = '#1 Layla: \u2068'.length;
    expect(fromLayla.entities).toEqual(styled.entities.map((entity) => ({ ...entity, offset: entity.offset + start })));

    const markup = 'Invoice *INV-7* is _wrong_ ~twice~: see ```line 3```; 5 * 3 is not 16, ask billing_team@acme.example';
    expect((await cloud.post(messagesBody([cloudText(markup, { from: SHEENA })]))).status).toBe(200);
    await eventually(() => omarGot().some((got) => got.text.includes('INV-7')));
    const words = 'Invoice INV-7 is wrong twice: see line 3; 5 * 3 is not 16, ask billing_team@acme.example';
    const fromSheena = omarGot().find((got) => got.text.includes('INV-7'))!;
    expect(fromSheena.text).toBe(`#2 Sheena Nelson: ${words}`);
    const at = (part: string) => fromSheena.text.indexOf(part);
    expect(fromSheena.entities).toEqual([
      { type: 'bold', offset: at('INV-7'), length: 5 },
      { type: 'italic', offset: at('wrong'), length: 5 },
      { type: 'strikethrough', offset: at('twice'), length: 5 },
      { type: 'pre', offset: at('line 3'), length: 6 },
    ]);
  });
});

describe('a person at the business styles an answer in the WhatsApp Business app', () => {
  it('Omar\'s Telegram shows their markup as styles, after the line saying where it came from', async () => {
    const { api, cloud } = await desk();
    const echo = fixture('business-app-echo');
    echo.entry[0].changes[0].value.message_echoes[0].text.body = '*Refund* sent, reference `R-42`; 5 * 3 is a typo';
    expect((await cloud.post(echo)).status).toBe(200);
    const relayed = '#2 Sheena Nelson: (answered from the business app) Refund sent, reference R-42; 5 * 3 is a typo';
    await eventually(() => api.callsOf('sendMessage').some((call) => call.params.text === relayed));
    expect(api.callsOf('sendMessage').find((call) => call.params.text === relayed)!.params.entities).toEqual([
      { type: 'bold', offset: relayed.indexOf('Refund'), length: 6 }, { type: 'code', offset: relayed.indexOf('R-42'), length: 4 },
    ]);
  });
});

describe('an agent on Telegram styles a caption', () => {
  it('the photo reaches Layla with its caption styled, and Sheena with it in WhatsApp\'s markup', async () => {
    const { api, cloud, omar } = await desk();
    api.addFile('receipt', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'));
    const photo = { photo: [{ file_id: 'receipt', file_unique_id: 'r', width: 800, height: 600, file_size: 13 }], caption: 'Your receipt: paid ✅ in full', caption_entities: [{ type: 'bold', offset: 14, length: 6 }] };
    await omar({ text: '/use 1' });
    await omar(photo);
    await eventually(() => api.callsOf('sendPhoto').length === 1);
    expect(api.callsOf('sendPhoto')[0]!.params).toMatchObject({ caption: 'Your receipt: paid ✅ in full', caption_entities: [{ type: 'bold', offset: 14, length: 6 }] });
    await omar({ text: '/use 2' });
    await omar(photo);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'image', image: { caption: 'Your receipt: *paid ✅* in full' } });
  });
});

describe('an agent on Telegram hides words in a spoiler', () => {
  const hidden = { text: 'Your new PIN is 4821.', entities: [{ type: 'spoiler', offset: 16, length: 4 }] };

  it('Layla\'s Telegram hides them too; Sheena\'s WhatsApp and Dana\'s web chat, which cannot, get nothing, and Omar is told why', async () => {
    const { api, cloud, omar, danaGot, laylaGot, toldOmar } = await desk();
    await omar({ text: '/use 1' });
    await omar(hidden);
    await eventually(() => laylaGot().some((got) => got.text === hidden.text));
    expect(laylaGot().find((got) => got.text === hidden.text)!.entities).toEqual([{ type: 'spoiler', offset: 16, length: 4 }]);

    for (const id of [2, 3]) {
      await omar({ text: `/use ${id}` });
      const told = api.sentTo(OMAR).length;
      await omar(hidden);
      await eventually(() => toldOmar(told).length === 1);
      expect(toldOmar(told)).toEqual([`#${id}: your message was not sent: it has hidden text (a spoiler), and the customer's app shows it plainly. Send it without the spoiler, or leave out what should stay hidden.`]);
    }
    expect(cloud.graph.saidTo(SHEENA).join('\n')).not.toContain('4821');
    expect(await danaGot()).toEqual([]);
  });

  it('tells an Arabic agent in Arabic', async () => {
    const { api, cloud, omar, toldOmar } = await desk({ language: '    language: ar\n' });
    await omar({ text: '/use 2' });
    const told = api.sentTo(OMAR).length;
    await omar(hidden);
    await eventually(() => toldOmar(told).length === 1);
    expect(toldOmar(told)).toEqual(['المحادثة #2: لم تُرسَل رسالتك: فيها نص مخفي، وتطبيق العميل يعرضه ظاهرًا. أرسل الرسالة دون إخفاء، أو احذف ما يجب أن يبقى مخفيًا.']);
    expect(cloud.graph.saidTo(SHEENA).join('\n')).not.toContain('4821');
  });

  it('an edit that hides words is not sent as a correction, which every app shows plainly', async () => {
    const { api, cloud, omar, laylaGot, toldOmar } = await desk();
    await omar({ text: '/use 1' });
    const first = telegram(OMAR, { text: 'Your new PIN is on its way.' });
    await omar(first.message);
    await eventually(() => laylaGot().some((got) => got.text === 'Your new PIN is on its way.'));
    const told = api.sentTo(OMAR).length;
    const edit = { update_id: nextUpdateId(), edited_message: { ...first.message, ...hidden, edit_date: first.message.date + 30 } };
    expect(await post(cloud.app, edit)).toBe(200);
    await eventually(() => toldOmar(told).length === 1);
    expect(toldOmar(told)).toEqual(["#1: your correction was not sent: it has hidden text (a spoiler), and a correction reaches the customer plainly. Send it without the spoiler, or leave out what should stay hidden."]);
    expect(laylaGot().map((got) => got.text).join('\n')).not.toContain('4821');
  });
});

describe('an agent on Telegram forwards a message to a customer', () => {
  // Telegram's forward of a message from the warehouse's channel: its words, and where they came from.
  const forward = {
    text: 'Parcel 4521 left our warehouse today.', entities: [{ type: 'bold', offset: 7, length: 4 }],
    forward_origin: { type: 'channel', chat: { id: -1001234, type: 'channel', title: 'Acme Warehouse' }, message_id: 88, date: 1_760_000_000 },
  };

  it('each customer reads that it is forwarded, in their language, without the name of whoever wrote it; its styles stay on its words', async () => {
    const { cloud, omar, danaGot, laylaGot } = await desk();
    await omar({ text: '/use 1' });
    await omar(forward);
    const forwarded = 'Forwarded message:\nParcel 4521 left our warehouse today.';
    await eventually(() => laylaGot().some((got) => got.text === forwarded));
    expect(laylaGot().find((got) => got.text === forwarded)!.entities).toEqual([{ type: 'italic', offset: 0, length: 18 }, { type: 'bold', offset: 26, length: 4 }]);

    await omar({ text: '/use 2' });
    await omar(forward);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('_Forwarded message:_\nParcel *4521* left our warehouse today.');

    await omar({ text: '/use 3' });
    await omar(forward);
    await eventually(async () => (await danaGot()).length === 1);
    expect((await danaGot())[0]!.text).toBe(forwarded);
    expect([...laylaGot().map((got) => got.text), ...cloud.graph.saidTo(SHEENA)].join('\n')).not.toContain('Acme Warehouse');

    // His own words, not forwarded, stay his.
    await omar({ text: '/use 1' });
    await omar({ text: 'It should reach you tomorrow.' });
    await eventually(() => laylaGot().at(-1)?.text === 'It should reach you tomorrow.');
  });

  it('a customer who reads Arabic reads it in Arabic, also above a forwarded photo without a caption', async () => {
    const { api, cloud, omar } = await desk();
    // Sheena's WhatsApp in Arabic, as the admin's contact page would set it.
    const sheena = (await cloud.app.store.conversation(2))!.contactId;
    await cloud.app.store.transaction(`contact:${sheena}`, async (tx) => {
      const contact = (await tx.contact(sheena))!;
      contact.language = 'ar';
      tx.putContact(contact);
    });
    await omar({ text: '/use 2' });
    await omar(forward);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('_رسالة محوَّلة:_\nParcel *4521* left our warehouse today.');
    api.addFile('label', Buffer.from('\xff\xd8\xff\xe0 label', 'latin1'));
    await omar({ photo: [{ file_id: 'label', file_unique_id: 'l', width: 800, height: 600, file_size: 11 }], forward_origin: forward.forward_origin });
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'image', image: { caption: '_رسالة محوَّلة_' } });
  });
});

describe('round videos and live locations', () => {
  it('an agent\'s round video reaches a customer on Telegram round (sendVideoNote), not as an ordinary video; elsewhere as a video', async () => {
    const { api, cloud, omar } = await desk();
    api.addFile('round', Buffer.from('\x00\x00\x00\x18ftypmp42 round hello', 'latin1'));
    const round = { video_note: { file_id: 'round', file_unique_id: 'u-round', length: 240, duration: 3, file_size: 31 } };
    await omar({ text: '/use 1' });
    await omar(round);
    await eventually(() => api.callsOf('sendVideoNote').length === 1);
    expect(String(api.callsOf('sendVideoNote')[0]!.params.chat_id)).toBe(String(LAYLA));
    expect(api.callsOf('sendVideo')).toEqual([]);
    await omar({ text: '/use 2' });
    await omar(round);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'video' });
  });

  it('a customer\'s live location reaches the agent with a word that it does not move for them, in their language', async () => {
    for (const [language, said] of [
      ['', '[a live location: where the customer was when they shared it; its moves do not reach you here. Ask them where they are now if it matters]'],
      ['    language: ar\n', '[موقع مباشر: حيث كان العميل حين شاركه؛ لا تصلك تحركاته هنا. اسأله أين هو الآن إن كان ذلك مهمًا]'],
    ] as const) {
      const { api, cloud } = await desk({ language });
      const told = api.sentTo(OMAR).length;
      expect(await post(cloud.app, telegram(LAYLA, { location: { latitude: 52.37, longitude: 4.89, live_period: 900 } }))).toBe(200);
      await eventually(() => api.callsOf('sendLocation').some((call) => String(call.params.chat_id) === String(OMAR)));
      await eventually(() => api.sentTo(OMAR).slice(told).some((text) => text.includes(said)));
      // A still pin says nothing of the kind.
      const before = api.sentTo(OMAR).length;
      expect(await post(cloud.app, telegram(LAYLA, { location: { latitude: 52.38, longitude: 4.9 } }))).toBe(200);
      await eventually(() => api.callsOf('sendLocation').filter((call) => String(call.params.chat_id) === String(OMAR)).length === 2);
      expect(api.sentTo(OMAR).slice(before).join('\n')).not.toContain(said);
    }
  });
});
