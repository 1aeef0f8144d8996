// Files in the web chat: multipart uploads into the media store, listed with a URL, served only to the sessions
// whose messages carry them; refusals keep nothing. The channel alone first, then through the whole server.
import { open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, inboundFlow, quietLog, shippedDataDir, start, visitor, type Credentials } from '../helpers.ts';
import { form, webchatHarness, type WebchatHarness } from './webchat-harness.ts';

afterEach(cleanupDirs);

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
/** Bytes written as a string, one character a byte. */
const bytesOf = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(text, 'latin1'));

interface Listed {
  id: number;
  from: string;
  text: string;
  attachments?: { kind: string; mime?: string; name?: string; size?: number; url?: string; refused?: string; location?: object; contact?: object }[];
}

/** A session by name (the harness's open sessions), or one with its token (the whole server). */
type Who = string | Credentials;
const sessionOf = (who: Who) => (typeof who === 'string' ? who : who.session);
const auth = (who: Who): Record<string, string> => (typeof who === 'string' ? {} : { authorization: `Bearer ${who.token}` });

async function upload(url: string, who: Who, body: FormData): Promise<{ status: number; error?: string; kind?: string; maxLength?: number }> {
  const res = await fetch(`${url}/webchat/${sessionOf(who)}/messages`, { method: 'POST', headers: auth(who), body });
  return { status: res.status, ...((await res.json()) as { error?: string; kind?: string; maxLength?: number }) };
}

async function listed(url: string, who: Who): Promise<Listed[]> {
  return ((await (await fetch(`${url}/webchat/${sessionOf(who)}/messages`, { headers: auth(who) })).json()) as { messages: Listed[] }).messages;
}

describe('web chat files', () => {
  let chat: WebchatHarness;
  afterEach(async () => chat?.stop());

  it('takes a file with its caption, lists it with a URL, and serves the same bytes and type back', async () => {
    chat = await webchatHarness();
    expect(await upload(chat.url, 'v-1', form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt', name: 'Layla', clientId: 'c-1' }))).toEqual({ status: 202, accepted: true });
    const [delivered] = chat.delivered;
    expect(delivered).toMatchObject({ id: 'v-1:c-1', from: { id: 'v-1', name: 'Layla' }, text: 'my receipt' });
    expect(delivered?.attachments).toEqual([{ kind: 'image', mime: 'image/png', size: png.length, name: 'receipt.png', ref: expect.any(String), caption: 'my receipt' }]);

    const [message] = await listed(chat.url, 'v-1');
    const ref = delivered!.attachments![0]!.ref!;
    expect(message).toMatchObject({ from: 'contact', text: 'my receipt', attachments: [{ kind: 'image', mime: 'image/png', name: 'receipt.png', size: png.length, url: `/webchat/v-1/media/${ref}` }] });
    const file = await fetch(`${chat.url}${message!.attachments![0]!.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toBe(`inline; filename="receipt.png"; filename*=UTF-8''receipt.png`);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
  });

  it('answers 404 for a file to every session whose messages do not carry it, as for a ref that never was', async () => {
    chat = await webchatHarness();
    await upload(chat.url, 'v-1', form({ bytes: png, type: 'image/png', name: 'receipt.png' }));
    const ref = chat.delivered[0]!.attachments![0]!.ref!;
    await fetch(`${chat.url}/webchat/v-2/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    for (const path of [`/webchat/v-2/media/${ref}`, `/webchat/nobody/media/${ref}`, `/webchat/v-1/media/${'0'.repeat(32)}`, '/webchat/v-1/media/..%2F..%2Fetc%2Fpasswd']) {
      const res = await fetch(`${chat.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: 'not found', kind: 'notFound' });
    }
  });

  it("serves a customer's file to the agent it was relayed to, and an agent's file to the customer", async () => {
    chat = await webchatHarness();
    await upload(chat.url, 'v-1', form({ bytes: png, type: 'image/png', name: 'receipt.png' }));
    const sent = chat.delivered[0]!.attachments!;
    // The runtime relays the customer's message to the agent's own web chat session, with the same ref.
    await chat.say('agent-omar', 'bot', '#1 Layla: (image)', sent);
    expect((await fetch(`${chat.url}/webchat/agent-omar/media/${sent[0]!.ref}`)).status).toBe(200);

    // The agent uploads in their session like anyone; the copy sent to the customer carries that ref.
    const pdf = new TextEncoder().encode('%PDF-1.4 invoice');
    expect((await upload(chat.url, 'agent-omar', form({ bytes: pdf, type: 'application/pdf', name: 'invoice.pdf' }, { text: 'your invoice' }))).status).toBe(202);
    const agents = chat.delivered[1]!.attachments!;
    expect(agents[0]).toMatchObject({ kind: 'document', mime: 'application/pdf', name: 'invoice.pdf', caption: 'your invoice' });
    await chat.say('v-1', 'agent', 'your invoice', agents);
    const [, fromAgent] = await listed(chat.url, 'v-1');
    expect(fromAgent).toMatchObject({ from: 'agent', text: 'your invoice', attachments: [{ kind: 'document', name: 'invoice.pdf', url: `/webchat/v-1/media/${agents[0]!.ref}` }] });
    const file = await fetch(`${chat.url}${fromAgent!.attachments![0]!.url}`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    expect(await file.text()).toBe('%PDF-1.4 invoice');
    expect((await fetch(`${chat.url}/webchat/v-2/media/${agents[0]!.ref}`)).status).toBe(404);
  });

  it('lists locations, contact cards and files whose bytes were refused', async () => {
    chat = await webchatHarness();
    await chat.say('v-1', 'agent', 'our shop', [{ kind: 'location', location: { latitude: 51.5, longitude: -0.12, name: 'Shop' } }]);
    await chat.say('v-1', 'agent', '', [{ kind: 'contact', contact: { name: 'Sara', phone: '+441234567890' } }]);
    await chat.say('v-1', 'agent', '', [{ kind: 'video', mime: 'video/mp4', name: 'tour.mp4', size: 90_000_000, refused: 'the file is larger than 20 MB' }]);
    expect((await listed(chat.url, 'v-1')).map((m) => m.attachments)).toEqual([
      [{ kind: 'location', location: { latitude: 51.5, longitude: -0.12, name: 'Shop' } }],
      [{ kind: 'contact', contact: { name: 'Sara', phone: '+441234567890' } }],
      [{ kind: 'video', mime: 'video/mp4', name: 'tour.mp4', size: 90_000_000, refused: 'the file is larger than 20 MB' }],
    ]);
  });

  it('tells the kind from the MIME type, and serves pictures and sound inline, anything else (SVG too) as a download', async () => {
    chat = await webchatHarness();
    const cases: [string, string, string, 'inline' | 'attachment'][] = [
      ['image/jpeg', 'photo.jpg', 'image', 'inline'],
      ['audio/ogg', 'note.ogg', 'audio', 'inline'],
      ['video/mp4', 'clip.mp4', 'video', 'attachment'],
      ['image/svg+xml', 'logo.svg', 'image', 'attachment'],
      ['text/html', 'page.html', 'document', 'attachment'],
      ['application/octet-stream', 'data.bin', 'document', 'attachment'],
    ];
    for (const [type, name, kind, disposition] of cases) {
      // A picture's bytes start as that picture does (a JPEG's FF D8 FF).
      const bytes = type === 'image/jpeg' ? '\xff\xd8\xff some bytes' : 'some bytes';
      expect((await upload(chat.url, 'v-1', form({ bytes: bytesOf(bytes), type, name }))).status, type).toBe(202);
      const attachment = chat.delivered.at(-1)!.attachments![0]!;
      expect(attachment.kind, type).toBe(kind);
      const res = await fetch(`${chat.url}/webchat/v-1/media/${attachment.ref}`);
      expect(res.headers.get('content-type'), type).toBe(type);
      expect(res.headers.get('content-disposition'), type).toBe(`${disposition}; filename="${name}"; filename*=UTF-8''${name}`);
      expect(res.headers.get('content-security-policy'), type).toMatch(/sandbox/);
      expect(Buffer.from(await res.arrayBuffer()).toString('latin1'), type).toBe(bytes);
    }
  });

  it('takes a file whose bytes are no picture of the type the sender claims as a download, never shown or served as a picture', async () => {
    chat = await webchatHarness();
    // A Windows program (MZ…) sent as "image/png", as a script can; then real pictures of each type the pages show.
    const program = bytesOf('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program cannot be run in DOS mode');
    const cases: [string, string, Uint8Array<ArrayBuffer>, string][] = [
      ['image/png', 'invoice.exe', program, 'application/octet-stream'],
      ['image/jpeg', 'photo.jpg', bytesOf('GIF89a not a jpeg'), 'application/octet-stream'],
      ['image/png', 'receipt.png', png, 'image/png'],
      ['image/jpeg', 'photo.jpg', bytesOf('\xff\xd8\xff\xe0 jfif'), 'image/jpeg'],
      ['image/gif', 'wave.gif', bytesOf('GIF89a frames'), 'image/gif'],
      ['image/webp', 'cat.webp', bytesOf('RIFF\x10\x00\x00\x00WEBPVP8 '), 'image/webp'],
      ['image/avif', 'cat.avif', bytesOf('\x00\x00\x00\x1cftypavif\x00\x00'), 'image/avif'],
      ['image/bmp', 'scan.bmp', bytesOf('BM\x36\x00'), 'image/bmp'],
    ];
    for (const [claimed, name, bytes, kept] of cases) {
      expect((await upload(chat.url, 'v-1', form({ bytes, type: claimed, name }))).status, name).toBe(202);
      const attachment = chat.delivered.at(-1)!.attachments![0]!;
      // Before: the program was listed as an image/png picture, which the chat and the console drew as one.
      expect([attachment.kind, attachment.mime], name).toEqual([kept === 'application/octet-stream' ? 'document' : 'image', kept]);
      expect((await listed(chat.url, 'v-1')).at(-1)?.attachments?.[0], name).toMatchObject({ kind: attachment.kind, mime: kept, name });
      const res = await fetch(`${chat.url}/webchat/v-1/media/${attachment.ref}`);
      expect(res.headers.get('content-type'), name).toBe(kept);
      expect(res.headers.get('content-disposition'), name).toMatch(kept === 'application/octet-stream' ? /^attachment;/ : /^inline;/);
      expect(new Uint8Array(await res.arrayBuffer()), name).toEqual(bytes);
    }
  });

  it('keeps only the last part of a file name, and a non-ASCII name exactly', async () => {
    chat = await webchatHarness();
    await upload(chat.url, 'v-1', form({ bytes: 'root:x:0:0', type: 'text/plain', name: '../../etc/passwd' }));
    await upload(chat.url, 'v-1', form({ bytes: 'x', type: 'text/plain', name: 'C:\\Users\\me\\فاتورة "1".txt' }));
    const [passwd, arabic] = chat.delivered.map((m) => m.attachments![0]!);
    expect(passwd?.name).toBe('passwd');
    expect(arabic?.name).toBe('فاتورة "1".txt');
    const res = await fetch(`${chat.url}/webchat/v-1/media/${arabic!.ref}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="______ _1_.txt"; filename*=UTF-8''${encodeURIComponent('فاتورة "1".txt')}`);
    expect(await chat.mediaFiles()).not.toContain('passwd');
  });

  it('shows a file name in its real order with its real extension: direction controls dropped, an Arabic name kept as sent', async () => {
    chat = await webchatHarness();
    // U+202E turns "invoice\u202Efdp.exe" into what reads as "invoiceexe.pdf": a program dressed as a PDF.
    for (const name of ['invoice\u202Efdp.exe', 'a\u2066\u202Bfdp.\u2069\u200Fexe', 'فاتورة.pdf']) {
      expect((await upload(chat.url, 'v-1', form({ bytes: 'MZ', type: 'application/octet-stream', name }))).status).toBe(202);
    }
    expect(chat.delivered.map((m) => m.attachments![0]!.name)).toEqual(['invoicefdp.exe', 'afdp.exe', 'فاتورة.pdf']);
    expect((await listed(chat.url, 'v-1')).map((m) => m.attachments![0]!.name)).toEqual(['invoicefdp.exe', 'afdp.exe', 'فاتورة.pdf']);
    const [exe, , arabic] = chat.delivered.map((m) => m.attachments![0]!);
    const disposition = (await fetch(`${chat.url}/webchat/v-1/media/${exe!.ref}`)).headers.get('content-disposition');
    expect(disposition).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
    expect((await fetch(`${chat.url}/webchat/v-1/media/${arabic!.ref}`)).headers.get('content-disposition')).toBe(`attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent('فاتورة.pdf')}`);
  });

  it('shows a file named before names were cleaned in its real order too: in the list and in its download', async () => {
    chat = await webchatHarness();
    const stored = await chat.media.put(new TextEncoder().encode('MZ'), { mime: 'application/octet-stream', name: 'invoice.exe' });
    // As an earlier release kept it: the metadata and the message with the U+202E of the name the customer gave.
    const metadata = join(chat.mediaDir, `${stored.ref}.json`);
    await writeFile(metadata, JSON.stringify({ ...JSON.parse(await readFile(metadata, 'utf8')), name: 'invoice\u202Efdp.exe' }));
    await chat.say('agent-omar', 'bot', '#1 Layla:', [{ kind: 'document', mime: 'application/octet-stream', name: 'invoice\u202Efdp.exe', ref: stored.ref }]);
    const [relayed] = await listed(chat.url, 'agent-omar');
    expect(relayed!.attachments![0]!.name).toBe('invoicefdp.exe');
    const res = await fetch(`${chat.url}${relayed!.attachments![0]!.url}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
  });

  it('takes the caption before or after the file, and a file without a caption', async () => {
    chat = await webchatHarness();
    const after = new FormData();
    after.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
    after.append('text', 'caption after the file');
    expect((await upload(chat.url, 'v-1', after)).status).toBe(202);
    expect((await upload(chat.url, 'v-1', form({ bytes: png, type: 'image/png', name: 'b.png' }, { text: '  ' }))).status).toBe(202);
    expect(chat.delivered.map((m) => [m.text, m.attachments![0]!.caption])).toEqual([['caption after the file', 'caption after the file'], [undefined, undefined]]);
    expect((await listed(chat.url, 'v-1')).map((m) => m.text)).toEqual(['caption after the file', '']);
  });

  it('refuses a file over the size limit with 413 and a reason, keeping no message and no bytes', async () => {
    chat = await webchatHarness({ maxBytes: 64 * 1024 });
    for (const size of [64 * 1024 + 1, 20 * 1024 * 1024]) {
      const res = await upload(chat.url, 'v-1', form({ bytes: new Uint8Array(size), type: 'image/png', name: 'big.png' }, { text: 'too big' }));
      expect(res, String(size)).toEqual({ status: 413, error: 'the file is larger than 64 KB, the largest this chat takes', kind: 'tooLarge', maxBytes: 64 * 1024 });
    }
    expect((await upload(chat.url, 'v-1', form({ bytes: new Uint8Array(64 * 1024), type: 'image/png', name: 'just.png' }))).status).toBe(202);
    expect(chat.delivered).toHaveLength(1);
    expect((await chat.mediaFiles()).sort()).toEqual([chat.delivered[0]!.attachments![0]!.ref, `${chat.delivered[0]!.attachments![0]!.ref}.json`].sort());
  });

  it('refuses a file its Content-Length says is over the limit before any of it is sent, in the same words', async () => {
    chat = await webchatHarness({ maxBytes: 64 * 1024 });
    const { port } = new URL(chat.url);
    // A phone starting a 50 MB upload: its headers and the file part's head, then it waits for an answer before
    // sending more (as a slow network makes it wait).
    const answer = await new Promise<{ status: number; body: string } | 'no answer'>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webchat/v-1/messages', headers: { 'content-type': 'multipart/form-data; boundary=big', 'content-length': String(50 * 1024 * 1024) } });
      const waited = setTimeout(() => {
        req.destroy();
        resolve('no answer');
      }, 5_000);
      req.on('error', () => undefined);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => {
          clearTimeout(waited);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.write('--big\r\ncontent-disposition: form-data; name="file"; filename="video.mp4"\r\ncontent-type: video/mp4\r\n\r\n');
    });
    // On the code before: no answer until 64 KB of the file had come.
    expect(answer).not.toBe('no answer');
    const { status, body } = answer as { status: number; body: string };
    expect({ status, ...JSON.parse(body) }).toEqual({ status: 413, error: 'the file is larger than 64 KB, the largest this chat takes', kind: 'tooLarge', maxBytes: 64 * 1024 });
    // A file at the limit, with the longest caption and name, still goes.
    const full = form({ bytes: new Uint8Array(64 * 1024), type: 'image/png', name: 'just.png' }, { text: 'x'.repeat(20_000), name: 'ش'.repeat(100) });
    expect((await upload(chat.url, 'v-1', full)).status).toBe(202);
    expect(chat.delivered).toHaveLength(1);
    expect(await chat.mediaFiles()).toHaveLength(2);
  });

  it('refuses an empty file, one of no valid MIME type, two files, no file and unknown fields with 400 and what it is, keeping nothing', async () => {
    chat = await webchatHarness();
    const two = form({ bytes: png, type: 'image/png', name: 'a.png' });
    two.append('file', new Blob([png], { type: 'image/png' }), 'b.png');
    const otherPart = new FormData();
    otherPart.append('picture', new Blob([png], { type: 'image/png' }), 'a.png');
    // What a visitor may do has a kind the page words in its language; what only a broken client sends is a badRequest.
    const cases: [string, FormData | string, RegExp, string][] = [
      ['empty file', form({ bytes: new Uint8Array(0), type: 'image/png', name: 'empty.png' }), /the file is empty/, 'empty'],
      ['no valid MIME type', form({ bytes: png, type: 'image/we|rd', name: 'a.png' }), /"image\/we\|rd" is not a MIME type/, 'fileType'],
      ['caption too long', form({ bytes: png, type: 'image/png', name: 'a.png' }, { text: 'x'.repeat(20_001) }), /text is longer than 20000/, 'textTooLong'],
      ['caption far too long', form({ bytes: png, type: 'image/png', name: 'a.png' }, { text: 'x'.repeat(80_001) }), /text is longer than/, 'textTooLong'],
      ['two files', two, /one file per message/, 'badRequest'],
      ['no file', form(undefined, { text: 'where is it' }), /no file: send it in a part named "file"/, 'badRequest'],
      ['file in another part', otherPart, /unknown file part "picture"/, 'badRequest'],
      ['unknown field', form({ bytes: png, type: 'image/png', name: 'a.png' }, { choice: 'yes' }), /unknown field "choice"/, 'badRequest'],
      ['name too long', form({ bytes: png, type: 'image/png', name: 'a.png' }, { name: 'x'.repeat(80_001) }), /name is longer than/, 'badRequest'],
      ['bad replyTo', form({ bytes: png, type: 'image/png', name: 'a.png' }, { replyTo: 'first' }), /replyTo/, 'badRequest'],
    ];
    for (const [label, body, reason, kind] of cases) {
      const res = await upload(chat.url, 'v-1', body as FormData);
      expect(res.status, label).toBe(400);
      expect(res.error, label).toMatch(reason);
      expect(res.kind, label).toBe(kind);
      expect(res.maxLength, label).toBe(kind === 'textTooLong' ? 20_000 : undefined);
    }
    const noBoundary = await fetch(`${chat.url}/webchat/v-1/messages`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    expect(noBoundary.status).toBe(400);
    expect(await noBoundary.json()).toEqual({ error: expect.stringMatching(/multipart\/form-data with a boundary/), kind: 'badRequest' });
    // A JSON message's refusals say what they are the same way.
    const posted = async (body: unknown) => {
      const res = await fetch(`${chat.url}/webchat/v-1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, ...((await res.json()) as object) };
    };
    expect(await posted({ text: 'x'.repeat(20_001) })).toEqual({ status: 400, error: 'text: text is longer than 20000 characters', kind: 'textTooLong', maxLength: 20_000 });
    expect(await posted({ text: 'hi', choice: 'yes' })).toEqual({ status: 400, error: 'send exactly one of "text" or "choice"', kind: 'badRequest' });
    expect(chat.delivered).toEqual([]);
    expect(await chat.mediaFiles()).toEqual([]);
  });

  it('keeps nothing of an upload the sender breaks off', async () => {
    chat = await webchatHarness();
    const { port } = new URL(chat.url);
    const sent = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webchat/v-1/messages', headers: { 'content-type': 'multipart/form-data; boundary=cut', 'content-length': '100000' } });
      req.on('error', () => resolve());
      req.write('--cut\r\ncontent-disposition: form-data; name="file"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n');
      req.write(new Uint8Array(5000), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 100));
    });
    await sent;
    for (let i = 0; i < 50 && (await chat.mediaFiles()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await chat.mediaFiles()).toEqual([]);
    expect(chat.delivered).toEqual([]);
  });
});

describe('web chat files through the whole server', () => {
  it('stores an upload in DATA_DIR/media and its message, and refuses what is over MAX_ATTACHMENT_MB with 413, keeping nothing', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, MAX_ATTACHMENT_MB: 1 }, log: quietLog, watch: false, sweepEveryMs: 0 });
    const media = join(dir, 'media');
    const layla = visitor(app.url, 'layla');
    const key = await layla.credentials();

    const huge = await upload(app.url, key, form({ bytes: new Uint8Array(3 * 1024 * 1024), type: 'video/mp4', name: 'huge.mp4' }, { text: 'look' }));
    expect(huge).toEqual({ status: 413, error: 'the file is larger than 1 MB, the largest this chat takes', kind: 'tooLarge', maxBytes: 1024 * 1024 });
    const empty = await upload(app.url, key, form({ bytes: new Uint8Array(0), type: 'image/png', name: 'empty.png' }));
    expect(empty).toEqual({ status: 400, error: 'the file is empty', kind: 'empty' });
    expect(await readdir(media).catch(() => [])).toEqual([]);
    expect(await app.store.messageCount()).toBe(0);

    expect((await upload(app.url, key, form({ bytes: png, type: 'image/png', name: '../../etc/passwd' }, { text: 'my receipt', name: 'Layla' }))).status).toBe(202);
    const [ref] = (await readdir(media)).filter((file) => !file.endsWith('.json'));
    expect(await readFile(join(media, ref!))).toEqual(Buffer.from(png));
    expect(JSON.parse(await readFile(join(media, `${ref}.json`), 'utf8'))).toMatchObject({ mime: 'image/png', name: 'passwd', size: png.length });
    expect((await layla.messages()).map((m) => [m.from, m.text])).toEqual([['contact', 'my receipt'], ['bot', 'Hi Layla!'], ['bot', 'What is your email address?']]);
    // JSON posts work as before.
    expect((await layla.say('layla@example.com')).status).toBe(202);

    // Another visitor, with a token of their own, gets the same 404 as for a file that never was.
    const omar = await visitor(app.url, 'omar').credentials();
    expect((await fetch(`${app.url}/webchat/${omar.session}/media/${ref}`, { headers: auth(omar) })).status).toBe(404);
    // Layla's token opens Layla's session only.
    expect((await fetch(`${app.url}/webchat/${omar.session}/media/${ref}`, { headers: auth(key) })).status).toBe(401);
    await app.stop();
  });

  it('refuses an upload the full disk has no room for with 507 diskFull, keeping no byte of it (also once its bytes were written), and takes it when sent again', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir }, log: quietLog, watch: false, sweepEveryMs: 0 });
    const media = join(dir, 'media');
    const layla = visitor(app.url, 'layla');
    const key = await layla.credentials();
    // The disk fills as the file's bytes fit but what it is (its .json) does not, as on a volume of a few MB left.
    const probe = await open(join(dir, 'probe'), 'w');
    const handle = Object.getPrototypeOf(probe) as { writeFile: (...args: unknown[]) => Promise<void>; write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    await rm(join(dir, 'probe'));
    const writeFile = handle.writeFile;
    const write = handle.write;
    let full = true;
    // First the disk has no room even for the file's bytes.
    let noRoomForBytes = true;
    const spy = vi.spyOn(handle, 'writeFile').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (!full) return writeFile.apply(this, args);
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    });
    const bytesSpy = vi.spyOn(handle, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (!noRoomForBytes) return write.apply(this, args);
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    });
    try {
      const noRoom = await upload(app.url, key, form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt', clientId: 'c-1' }));
      expect(noRoom).toEqual({ status: 507, kind: 'diskFull', error: 'the server has no room to keep the file now (its disk is full); nothing of it was kept, try again later' });
      expect(await readdir(media)).toEqual([]);
      noRoomForBytes = false;
      const refused = await upload(app.url, key, form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt', clientId: 'c-1' }));
      // Before: 500 'internal error', which the page showed as "the server answered 500" and sent five times over.
      expect(refused).toEqual({ status: 507, kind: 'diskFull', error: 'the server has no room to keep the file now (its disk is full); nothing of it was kept, try again later' });
      // Before: receipt's bytes stayed as <ref>.part, with an empty <ref>.json, for good: on a full disk, the room the
      // journal needed.
      expect(await readdir(media)).toEqual([]);
      expect(await app.store.messageCount()).toBe(0);
      full = false;
      expect((await upload(app.url, key, form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt', clientId: 'c-1' }))).status).toBe(202);
      expect((await readdir(media)).length).toBe(2);
      expect((await layla.messages()).map((m) => [m.from, m.text])).toContainEqual(['contact', 'my receipt']);
    } finally {
      spy.mockRestore();
      bytesSpy.mockRestore();
      await app.stop();
    }
  });

  it("lists a customer's picture with its URL for the customer and the agent holding the conversation, serves it to them alone, and an agent's file the same way back", async () => {
    const app = await start(await shippedDataDir());
    const omar = visitor(app.url, 'agent-omar');
    const layla = visitor(app.url, 'layla', 'Layla');
    const laylaKey = await layla.credentials();
    const omarKey = await omar.credentials();
    await omar.say('/online');
    await layla.say('hello');
    await layla.say('layla@example.com');
    // The NLP model routes the need to Billing, where Omar is online.
    await layla.say('I was charged twice');
    expect((await omar.messages()).at(-1)?.text).toMatch(/#1/);

    expect((await upload(app.url, laylaKey, form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt', name: 'Layla' }))).status).toBe(202);
    const sent = (await listed(app.url, laylaKey)).find((m) => m.attachments);
    expect(sent).toMatchObject({ from: 'contact', text: 'my receipt', attachments: [{ kind: 'image', mime: 'image/png', name: 'receipt.png', size: png.length, url: expect.stringMatching(`^/webchat/${laylaKey.session}/media/`) }] });
    const ref = new URL(sent!.attachments![0]!.url!, app.url).pathname.split('/').at(-1)!;
    expect(ref).toMatch(/^[0-9a-f]{32}$/);
    const file = await fetch(`${app.url}${sent!.attachments![0]!.url}`, { headers: auth(laylaKey) });
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);

    // The copy relayed to Omar's web chat session carries the same file.
    const relayed = (await listed(app.url, omarKey)).find((m) => m.attachments);
    expect(relayed?.attachments).toEqual([{ kind: 'image', mime: 'image/png', name: 'receipt.png', size: png.length, url: `/webchat/agent-omar/media/${ref}` }]);
    expect(new Uint8Array(await (await fetch(`${app.url}/webchat/agent-omar/media/${ref}`, { headers: auth(omarKey) })).arrayBuffer())).toEqual(png);
    const other = await visitor(app.url, 'omar-2').credentials();
    expect((await fetch(`${app.url}/webchat/${other.session}/media/${ref}`, { headers: auth(other) })).status).toBe(404);

    const pdf = new TextEncoder().encode('%PDF-1.4 refund');
    expect((await upload(app.url, omarKey, form({ bytes: pdf, type: 'application/pdf', name: 'refund.pdf' }, { text: 'your refund', replyTo: String(relayed!.id) }))).status).toBe(202);
    const answer = (await listed(app.url, laylaKey)).at(-1)!;
    expect(answer).toMatchObject({ from: 'agent', text: 'your refund', attachments: [{ kind: 'document', mime: 'application/pdf', name: 'refund.pdf' }] });
    expect(await (await fetch(`${app.url}${answer.attachments![0]!.url}`, { headers: auth(laylaKey) })).text()).toBe('%PDF-1.4 refund');
    await app.stop();
  });

  it("gives a visitor's file an address that opens that file alone, without the visitor's token: not the chat, not another file, not past its day, and an old ?token= link nothing", async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const layla = await visitor(app.url, 'layla-links', 'Layla').credentials();
    const pdf = new TextEncoder().encode('%PDF-1.4 order');
    expect((await upload(app.url, layla, form({ bytes: png, type: 'image/png', name: 'receipt.png' }, { text: 'my receipt' }))).status).toBe(202);
    expect((await upload(app.url, layla, form({ bytes: pdf, type: 'application/pdf', name: 'order.pdf' }))).status).toBe(202);
    const [picture, order] = (await listed(app.url, layla)).flatMap((message) => message.attachments ?? []).map((attachment) => new URL(attachment.url!, app.url));

    // What the page puts in an <img> or a download link: no token in it, and it opens by itself (a browser sends no header).
    for (const link of [picture!, order!]) {
      expect(link.href).not.toContain(layla.token);
      expect(link.search).toMatch(/^\?expires=\d+&grant=[A-Za-z0-9_-]{43}$/);
    }
    const shown = await fetch(picture!);
    expect(shown.status).toBe(200);
    expect(new Uint8Array(await shown.arrayBuffer())).toEqual(png);
    expect(await (await fetch(order!)).text()).toBe('%PDF-1.4 order');

    // Someone who got the picture's address (a proxy's log, a Referer, a copied link) has that picture and nothing else.
    const grant = picture!.search;
    const refused = [
      ['the order with the picture\'s grant', `${order!.pathname}${grant}`],
      ['the messages', `/webchat/${layla.session}/messages${grant}`],
      ['the event stream', `/webchat/${layla.session}/events${grant}`],
      ['its day stretched', `${picture!.pathname}${grant.replace(/expires=(\d+)/, (_all, at: string) => `expires=${Number(at) + 86_400}`)}`],
      ['another visitor\'s file place', `/webchat/${(await visitor(app.url, 'omar-links').credentials()).session}${picture!.pathname.slice(picture!.pathname.indexOf('/media/'))}${grant}`],
    ];
    for (const [label, path] of refused) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, label).toBe(401);
    }
    // A link made before (the token in the address, as pages put it) opens nothing: the token is a header's only.
    for (const path of [`${picture!.pathname}?token=${layla.token}`, `/webchat/${layla.session}/messages?token=${layla.token}`]) {
      const old = await fetch(`${app.url}${path}`);
      expect(old.status, path).toBe(401);
      expect(((await old.json()) as { error: string }).error, path).toMatch(/only as Authorization: Bearer <token>, never in an address/);
    }
    // The page, with its token in the header, still has every file.
    expect((await fetch(`${app.url}${order!.pathname}`, { headers: auth(layla) })).status).toBe(200);
    await app.stop();
  });

  it('answers 503 to an upload while the bot shuts down, keeping no message', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const late = await visitor(app.url, 'late').credentials();
    await app.runtime.stop();
    const res = await upload(app.url, late, form({ bytes: png, type: 'image/png', name: 'a.png' }));
    expect(res.status).toBe(503);
    expect(res.error).toMatch(/shutting down/);
    expect(await app.store.messageCount()).toBe(0);
    await app.stop();
  });
});
