// Attachments through the Telegram adapter against the fake Bot API: files customers send fetched into the media
// store before delivery (or delivered with the reason they were not), locations and contact cards, and attachments
// going out with the send method Telegram expects, their bytes uploaded.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../../src/channels/telegram/index.ts';
import type { Channel, ChannelHost, InboundMessage, MediaStore } from '../../../src/types.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { cleanupDirs, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';

const TOKEN = '123456:TEST-token';
const SECRET = 's3cret';
const MB = 1024 * 1024;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

async function bytesOf(media: MediaStore, ref: string | undefined): Promise<Buffer> {
  const found = await media.get(ref ?? '');
  if (!found) throw new Error(`no media ${ref}`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of found.bytes()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A started channel in webhook mode, with the updates it delivered and a way to post one as Telegram does. */
async function receiving(options: { maxBytes?: number; host?: (deliver: ChannelHost['deliver']) => ChannelHost; log?: Logger } = {}) {
  const api = await FakeBotApi.start();
  cleanup.push(() => api.close());
  const channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log: options.log ?? quietLog, webhookSecret: SECRET, fileRetryMs: 5 });
  cleanup.push(() => channel.stop());
  const app = express();
  channel.mount?.(app);
  const server: Server = await new Promise((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
  cleanup.push(() => new Promise((done) => { server.closeAllConnections(); server.close(done); }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  const got: InboundMessage[] = [];
  const deliver = async (message: InboundMessage) => {
    got.push(message);
  };
  const host = options.host?.(deliver) ?? hostFor(deliver, { maxBytes: options.maxBytes ?? 20 * MB });
  await channel.start(host);
  const post = async (update: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) });
    await res.arrayBuffer();
    return res.status;
  };
  return { api, host, got, post };
}

describe('files customers send', () => {
  it('stores the largest size of a photo in the media store before delivering it, the caption as the text', async () => {
    const { api, host, got, post } = await receiving();
    const jpeg = Buffer.from('\xff\xd8\xff\xe0 a receipt, twice', 'latin1');
    api.addFile('AgACAgQAAxkBAAIBFWdQ-large', jpeg, { path: 'photos/file_7.jpg' });
    expect(await post(fixture('private-photo'))).toBe(200);

    expect(api.callsOf('getFile').map((call) => call.params.file_id)).toEqual(['AgACAgQAAxkBAAIBFWdQ-large']);
    expect(api.downloads).toEqual(['photos/file_7.jpg']);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toBe('The receipt, charged twice');
    expect(got[0]!.attachments).toEqual([
      { kind: 'image', mime: 'image/jpeg', size: jpeg.byteLength, caption: 'The receipt, charged twice', ref: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(await bytesOf(host.media, got[0]!.attachments![0]!.ref)).toEqual(jpeg);
    expect((await host.media.get(got[0]!.attachments![0]!.ref!))!.media).toMatchObject({ mime: 'image/jpeg', size: jpeg.byteLength });
  });

  it('stores a voice note as audio marked voice, without text', async () => {
    const { api, host, got, post } = await receiving();
    const ogg = Buffer.from('OggS voice note bytes');
    api.addFile('AwACAgQAAxkBAAIBFmdQ-voice', ogg, { path: 'voice/file_8.oga' });
    expect(await post(fixture('private-voice'))).toBe(200);

    expect(got[0]!.text).toBeUndefined();
    expect(got[0]!.attachments).toEqual([{ kind: 'audio', mime: 'audio/ogg', size: ogg.byteLength, voice: true, ref: expect.any(String) }]);
    expect(await bytesOf(host.media, got[0]!.attachments![0]!.ref)).toEqual(ogg);
  });

  it('delivers a photo Telegram says is over the limit with the reason it was not kept, without downloading it', async () => {
    const { api, got, post } = await receiving({ maxBytes: 20 * MB });
    const update = fixture('private-photo');
    update.message.photo[1].file_size = 25 * MB;
    api.addFile('AgACAgQAAxkBAAIBFWdQ-large', Buffer.from('never fetched'));
    expect(await post(update)).toBe(200);

    expect(api.callsOf('getFile')).toEqual([]);
    expect(api.downloads).toEqual([]);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toBe('The receipt, charged twice');
    expect(got[0]!.attachments).toEqual([{ kind: 'image', mime: 'image/jpeg', size: 25 * MB, caption: 'The receipt, charged twice', refused: 'the file is larger than 20 MB', refusal: { kind: 'tooLarge', limitBytes: 20 * MB } }]);
  });

  it('delivers a file that turns out larger than the limit while downloading with the reason, and keeps none of it', async () => {
    const { api, got, post } = await receiving({ maxBytes: 1024 });
    const update = fixture('private-document');
    delete update.message.document.file_size;
    api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', Buffer.alloc(4096, 1), { size: 100 });
    expect(await post(update)).toBe(200);

    expect(got[0]!.attachments).toEqual([{ kind: 'document', mime: 'application/pdf', name: 'invoice-2025-11.pdf', refused: 'the file is larger than 1 KB', refusal: { kind: 'tooLarge', limitBytes: 1024 } }]);
  });

  it('delivers the message with the reason when getFile fails, asking only once for a file Telegram refuses', async () => {
    const { api, got, post } = await receiving();
    expect(await post(fixture('private-document'))).toBe(200);

    expect(api.callsOf('getFile')).toHaveLength(1);
    expect(got).toHaveLength(1);
    expect(got[0]!.attachments).toEqual([
      { kind: 'document', mime: 'application/pdf', name: 'invoice-2025-11.pdf', size: 48211, refused: 'the file could not be downloaded from Telegram', refusal: { kind: 'notFetched' } },
    ]);
  });

  it('tries a failing download three times in all, and keeps the file when a later try works', async () => {
    const { log, lines } = recordingLog();
    const { api, got, post } = await receiving({ log });
    const pdf = Buffer.from('%PDF-1.7 invoice');
    api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', pdf, { path: 'documents/file_9.pdf' });
    api.failDownloads(3, 502);
    const first = fixture('private-document');
    expect(await post(first)).toBe(200);
    expect(api.downloads).toHaveLength(3);
    expect(got[0]!.attachments![0]!.refused).toBe('the file could not be downloaded from Telegram');

    api.failDownloads(1, 503);
    const second = fixture('private-document');
    second.update_id += 1;
    second.message.message_id += 1;
    expect(await post(second)).toBe(200);
    expect(api.downloads).toHaveLength(5);
    expect(got[1]!.attachments).toEqual([{ kind: 'document', mime: 'application/pdf', name: 'invoice-2025-11.pdf', size: pdf.byteLength, ref: expect.any(String) }]);
    // The file URL holds the token: no log line may show it.
    expect(lines.filter((line) => line.msg === 'Telegram file not kept')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('keeps only the last part of a document name with path separators', async () => {
    const { api, host, got, post } = await receiving();
    for (const [index, name] of ['../../etc/passwd', 'C:\\Users\\me\\invoice.pdf'].entries()) {
      const update = fixture('private-document');
      update.update_id += index;
      update.message.message_id += index;
      update.message.document.file_name = name;
      api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', Buffer.from('bytes'));
      expect(await post(update)).toBe(200);
    }
    expect(got.map((message) => message.attachments![0]!.name)).toEqual(['passwd', 'invoice.pdf']);
    expect((await host.media.get(got[0]!.attachments![0]!.ref!))!.media.name).toBe('passwd');
  });

  it("keeps a document name in its real order: a customer's direction override dropped, an Arabic name kept", async () => {
    const { api, host, got, post } = await receiving();
    for (const [index, name] of ['invoice\u202Efdp.exe', 'فاتورة.pdf'].entries()) {
      const update = fixture('private-document');
      update.update_id += index;
      update.message.message_id += index;
      update.message.document.file_name = name;
      api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', Buffer.from('bytes'));
      expect(await post(update)).toBe(200);
    }
    expect(got.map((message) => message.attachments![0]!.name)).toEqual(['invoicefdp.exe', 'فاتورة.pdf']);
    expect((await host.media.get(got[0]!.attachments![0]!.ref!))!.media.name).toBe('invoicefdp.exe');
  });

  it('delivers a venue and a contact card as attachments, with nothing to download', async () => {
    const { api, got, post } = await receiving();
    expect(await post(fixture('private-venue'))).toBe(200);
    expect(await post(fixture('private-contact'))).toBe(200);

    expect(got.map((message) => message.attachments)).toEqual([
      [{ kind: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store Downtown', address: '1 Sheikh Mohammed bin Rashid Blvd, Dubai' } }],
      [{ kind: 'contact', contact: { name: 'Karim Haddad', phone: '+971501234567' } }],
    ]);
    expect(api.callsOf('getFile')).toEqual([]);
  });

  it('does not acknowledge a message whose file the media store fails to write, so Telegram sends it again', async () => {
    const { api, got, post } = await receiving({
      host: (deliver) => {
        const host = hostFor(deliver);
        const media: MediaStore = {
          maxBytes: host.media.maxBytes,
          get: (ref) => host.media.get(ref),
          delete: (ref) => host.media.delete(ref),
          put: async () => {
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
        };
        return { ...host, media };
      },
    });
    api.addFile('AwACAgQAAxkBAAIBFmdQ-voice', Buffer.from('OggS'));
    expect(await post(fixture('private-voice'))).toBe(500);
    expect(got).toEqual([]);
  });
});

describe('attachments sent', () => {
  async function sending() {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const channel: Channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log: quietLog, webhookSecret: SECRET });
    cleanup.push(() => channel.stop());
    const host = hostFor(async () => undefined, { maxBytes: 20 * MB });
    await channel.start(host);
    return { api, channel, media: host.media };
  }

  it('sends a stored document with sendDocument, uploading its bytes and name, the text as its caption', async () => {
    const { api, channel, media } = await sending();
    const pdf = Buffer.from('%PDF-1.7 your invoice');
    const stored = await media.put(pdf, { mime: 'application/pdf', name: 'invoice.pdf' });
    const id = await channel.send('5001', { text: 'Your invoice', attachments: [{ kind: 'document', mime: 'application/pdf', ref: stored.ref, name: 'invoice.pdf' }] });

    expect(api.calls.filter((call) => call.method.startsWith('send')).map((call) => call.method)).toEqual(['sendDocument']);
    const [call] = api.callsOf('sendDocument');
    expect(call!.params).toMatchObject({ chat_id: 5001, caption: 'Your invoice' });
    expect(call!.files).toEqual([{ field: 'document', name: 'invoice.pdf', bytes: pdf }]);
    expect(id).toBe(`5001:${(call!.result as { message_id: number }).message_id}`);
  });

  it("sends a document relayed to an agent under its real name: a direction override dropped, an Arabic name kept", async () => {
    const { api, channel, media } = await sending();
    // Stored without a name, named by the message (as one stored before names were cleaned where they come in).
    for (const name of ['invoice\u202Efdp.exe', 'فاتورة.pdf']) {
      const stored = await media.put(Buffer.from('MZ'), { mime: 'application/octet-stream' });
      await channel.send('5001', { text: '#1 Layla', attachments: [{ kind: 'document', mime: 'application/octet-stream', ref: stored.ref, name }] });
    }
    expect(api.callsOf('sendDocument').map((call) => call.files[0]!.name)).toEqual(['invoicefdp.exe', 'فاتورة.pdf']);
  });

  it('sends a photo with sendPhoto and a voice note with sendVoice, into a desk topic when addressed to one', async () => {
    const { api, channel, media } = await sending();
    const jpeg = Buffer.from('\xff\xd8\xff\xe0 photo', 'latin1');
    const ogg = Buffer.from('OggS voice');
    const photo = await media.put(jpeg, { mime: 'image/jpeg' });
    const voice = await media.put(ogg, { mime: 'audio/ogg' });
    await channel.send('-1001234567890/55', {
      text: '',
      attachments: [{ kind: 'image', mime: 'image/jpeg', ref: photo.ref }, { kind: 'audio', mime: 'audio/ogg', voice: true, ref: voice.ref }],
    });

    expect(api.callsOf('sendMessage')).toEqual([]);
    const [sentPhoto] = api.callsOf('sendPhoto');
    const [sentVoice] = api.callsOf('sendVoice');
    expect(sentPhoto!.params).toMatchObject({ chat_id: -1001234567890, message_thread_id: 55 });
    expect(sentPhoto!.params.caption).toBeUndefined();
    expect(sentPhoto!.files.map((file) => [file.field, file.bytes])).toEqual([['photo', jpeg]]);
    expect(sentVoice!.files.map((file) => [file.field, file.bytes])).toEqual([['voice', ogg]]);
  });

  it('sends a location with sendLocation, a named place as a venue, and a contact card with sendContact', async () => {
    const { api, channel } = await sending();
    await channel.send('5001', {
      text: 'Our shops',
      attachments: [
        { kind: 'location', location: { latitude: 25.2, longitude: 55.27 } },
        { kind: 'location', location: { latitude: 25.19, longitude: 55.28, name: 'Acme Store', address: '1 Blvd, Dubai' } },
        { kind: 'contact', contact: { name: 'Acme Support', phone: '+97141234567' } },
      ],
    });

    // Nothing here takes a caption: the text goes first, on its own.
    expect(api.calls.filter((call) => call.method.startsWith('send')).map((call) => call.method)).toEqual(['sendMessage', 'sendLocation', 'sendVenue', 'sendContact']);
    expect(api.sentTo(5001)).toEqual(['Our shops']);
    expect(api.callsOf('sendLocation')[0]!.params).toMatchObject({ latitude: 25.2, longitude: 55.27 });
    expect(api.callsOf('sendVenue')[0]!.params).toMatchObject({ latitude: 25.19, longitude: 55.28, title: 'Acme Store', address: '1 Blvd, Dubai' });
    expect(api.callsOf('sendContact')[0]!.params).toMatchObject({ phone_number: '+97141234567', first_name: 'Acme Support' });
  });

  it('sends a text too long for a caption as a message before the file, with the keyboard on the last call', async () => {
    const { api, channel, media } = await sending();
    const stored = await media.put(Buffer.from('%PDF'), { mime: 'application/pdf', name: 'terms.pdf' });
    const text = 'word '.repeat(300).trim();
    await channel.send('5001', { text, choices: [{ id: 'ok', title: 'OK' }], attachments: [{ kind: 'document', ref: stored.ref }] });

    expect(api.calls.filter((call) => call.method.startsWith('send')).map((call) => call.method)).toEqual(['sendMessage', 'sendDocument']);
    expect(api.sentTo(5001)).toEqual([text]);
    const [document] = api.callsOf('sendDocument');
    expect(document!.params.caption).toBeUndefined();
    expect(document!.params.reply_markup).toEqual({ inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] });
    expect(api.messagesTo(5001)[0]!.reply_markup).toBeUndefined();
  });

  it('writes a line in place of an attachment that was refused or is no longer stored', async () => {
    const { api, channel } = await sending();
    await channel.send('9001', {
      text: '#1 Layla: here is the receipt',
      attachments: [
        { kind: 'image', mime: 'image/jpeg', refused: 'the file is larger than 20 MB' },
        { kind: 'document', name: 'contract.pdf', ref: '0123456789abcdef0123456789abcdef' },
      ],
    });

    expect(api.sentTo(9001)).toEqual([
      '#1 Layla: here is the receipt\n[a photo that could not be kept: the file is larger than 20 MB]\n[a document (contract.pdf) that is no longer in the media store]',
    ]);
  });

  it('writes those lines in its reader\'s language: Arabic for a message whose reader reads Arabic', async () => {
    const { api, channel } = await sending();
    await channel.send('5001', {
      text: 'تفضلي',
      language: 'ar',
      attachments: [
        { kind: 'audio', voice: true, refused: 'the file is larger than 20 MB', refusal: { kind: 'tooLarge', limitBytes: 20 * MB } },
        { kind: 'video', refused: 'HTTP 418' },
        { kind: 'document', name: 'contract.pdf', ref: '0123456789abcdef0123456789abcdef' },
        { kind: 'location' },
        { kind: 'contact', contact: { name: 'Acme Support' } },
      ],
    });

    expect(api.sentTo(5001)).toEqual([[
      'تفضلي',
      '[تعذّر حفظ رسالة صوتية: الملف أكبر من 20 ميغابايت]',
      '[تعذّر حفظ فيديو: «\u2068HTTP 418\u2069»]',
      '[تعذّر إرسال المستند \u2068contract.pdf\u2069: لم يعد الملف محفوظًا لدينا]',
      '[تعذّر إرسال موقع: ليست له إحداثيات]',
      '[بطاقة جهة اتصال: \u2068Acme Support\u2069، بلا رقم هاتف]',
    ].join('\n')]);
  });

  it('resumes a message with a file after the calls already made when the outbox tries it again', async () => {
    const { api, channel, media } = await sending();
    const stored = await media.put(Buffer.from('%PDF'), { mime: 'application/pdf', name: 'terms.pdf' });
    const message = { id: 12, text: 'x'.repeat(2000), attachments: [{ kind: 'document' as const, ref: stored.ref }] };
    api.fail('sendDocument', 1, { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    await expect(channel.send('5001', message)).rejects.toMatchObject({ name: 'ChannelSendError', permanent: false });
    await channel.send('5001', message);

    expect(api.sentTo(5001)).toEqual(['x'.repeat(2000)]);
    expect(api.callsOf('sendDocument').map((call) => call.status)).toEqual([500, 200]);
    expect(api.callsOf('sendDocument')[1]!.files[0]!.bytes).toEqual(Buffer.from('%PDF'));
  });
});
