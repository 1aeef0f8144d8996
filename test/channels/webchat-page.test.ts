// The web chat page in a real browser (Debian's Chromium driven by playwright-core): a picture chosen with the
// attach button shows inline, files from an agent show as a player or a download, a location as a map link, and a
// refusal from the server is shown to the visitor. Skipped, saying so, where Chromium is not installed.
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { deflateSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the web chat page in Chromium'
  : `the web chat page in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

/** A width×height RGB PNG with a diagonal gradient, so the screenshot shows whether it was drawn. */
function png(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, 90, (y * 255) / height], row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `port` whose `freezeStreams` makes the connections carrying an event stream go
 * dead without a close, as a network dropped between a phone and the server does: nothing more passes either way on
 * them, while new connections pass as before.
 */
async function freezingProxy(port: string): Promise<{ url: string; freezeStreams(): void; close(): Promise<void> }> {
  const pairs = new Set<{ client: Socket; server: Socket; stream: boolean }>();
  const proxy = createServer((client) => {
    const server = connect(Number(port), '127.0.0.1');
    const pair = { client, server, stream: false };
    pairs.add(pair);
    // A kept-alive connection may carry other requests first; once it carries a stream, it holds it till it ends.
    client.on('data', (chunk: Buffer) => {
      if (/^GET \/webchat\/[^ ]+\/events/m.test(chunk.toString('latin1'))) pair.stream = true;
    });
    client.pipe(server);
    server.pipe(client);
    const end = () => {
      client.destroy();
      server.destroy();
      pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    freezeStreams() {
      for (const pair of pairs) {
        if (!pair.stream) continue;
        pair.client.unpipe(pair.server);
        pair.server.unpipe(pair.client);
        pair.client.pause();
        pair.server.pause();
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let chat: WebchatHarness;

  beforeAll(async () => {
    // Playwright starts it headless with a fresh temporary --user-data-dir of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    chat = await webchatHarness({ maxBytes: 200 * 1024 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await chat?.stop();
  });

  it('uploads a picture chosen with the attach button and shows it inline, with what the agent sends and what the server refuses', async () => {
    const page = await browser.newPage({ viewport: { width: 640, height: 900 } });
    await page.goto(`${chat.url}/`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    const { session, token } = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { session: string; token: string });
    expect(chat.sessions.get(session)).toMatchObject({ name: 'Layla' });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');

    await page.fill('#text', 'my receipt');
    const chooser = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png(320, 200) });
    const thumb = page.locator('.msg.contact img.thumb');
    await thumb.waitFor();
    await page.waitForFunction(() => (document.querySelector('.msg.contact img.thumb') as HTMLImageElement | null)?.naturalWidth === 320);
    expect(await page.locator('.msg.contact').first().innerText()).toContain('my receipt');
    expect(await page.inputValue('#text')).toBe('');
    const [upload] = chat.delivered;
    expect(upload?.attachments?.[0]).toMatchObject({ kind: 'image', mime: 'image/png', name: 'receipt.png', caption: 'my receipt' });

    // Clicking the picture opens it whole.
    const popup = page.waitForEvent('popup');
    await thumb.click();
    const opened = await popup;
    // Its address opens that picture alone, for a day: the visitor's token is in no file's address.
    expect(opened.url()).toMatch(new RegExp(`^${chat.url}/webchat/${session}/media/${upload!.attachments![0]!.ref}\\?expires=\\d+&grant=[\\w-]{43}$`));
    expect(opened.url()).not.toContain(token);
    expect(await opened.evaluate(() => (document.querySelector('img') as HTMLImageElement | null)?.naturalWidth)).toBe(320);
    await opened.close();

    // What an agent sends: a voice note, a document, a place; and a file that was not kept.
    const voice = await chat.media.put(new Uint8Array(2048), { mime: 'audio/ogg', name: 'voice.ogg' });
    const invoice = await chat.media.put(new TextEncoder().encode('%PDF-1.4 invoice'), { mime: 'application/pdf', name: 'invoice.pdf' });
    await chat.say(session, 'agent', 'Here is your invoice', [
      { kind: 'audio', mime: 'audio/ogg', name: 'voice.ogg', size: voice.size, ref: voice.ref, voice: true },
      { kind: 'document', mime: 'application/pdf', name: 'invoice.pdf', size: invoice.size, ref: invoice.ref },
    ]);
    await chat.say(session, 'agent', 'Our shop', [{ kind: 'location', location: { latitude: 51.5072, longitude: -0.1276, name: 'Shop' } }]);
    await chat.say(session, 'agent', '', [{ kind: 'video', mime: 'video/mp4', name: 'tour.mp4', refused: 'the file is larger than 20 MB' }]);
    // A file without a name, by its kind: the line starts as a sentence does.
    await chat.say(session, 'agent', '', [{ kind: 'image', mime: 'image/jpeg', refused: 'the file could not be downloaded' }]);
    const agent = page.locator('.msg.agent');
    await agent.nth(3).waitFor();
    expect(await agent.nth(0).locator('audio[controls]').getAttribute('src')).toMatch(new RegExp(`^/webchat/${session}/media/${voice.ref}\\?expires=\\d+&grant=`));
    const download = agent.nth(0).locator('a[download]');
    expect(await download.innerText()).toBe('invoice.pdf (16 bytes)');
    expect(await download.getAttribute('href')).toMatch(new RegExp(`^/webchat/${session}/media/${invoice.ref}\\?expires=\\d+&grant=`));
    expect(await page.locator('[src*="token="], [href*="token="]').count()).toBe(0);
    // The download works, and the player's address gives the voice note (as a browser asks: no header).
    const downloading = page.waitForEvent('download');
    await download.click();
    expect(await (await downloading).failure()).toBeNull();
    const player = await fetch(`${chat.url}${await agent.nth(0).locator('audio').getAttribute('src')}`);
    expect([player.status, player.headers.get('content-type')]).toEqual([200, 'audio/ogg']);
    expect(await agent.nth(1).locator('a').getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=51.5072&mlon=-0.1276#map=16/51.5072/-0.1276');
    expect(await agent.nth(2).innerText()).toContain('tour.mp4 could not be kept: the file is larger than 20 MB');
    expect(await agent.nth(3).locator('.file.refused').innerText()).toBe('The image could not be kept: the file could not be downloaded');

    // A file dropped on the chat is sent too.
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['meeting notes'], 'notes.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    await page.locator('.msg.contact a[download]').waitFor();
    expect(await page.locator('.msg.contact a[download]').innerText()).toBe('notes.txt (13 bytes)');

    // Over the limit: the server's reason is shown, and the caption stays in the box.
    await page.fill('#text', 'the big one');
    const second = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await second).setFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.alloc(300 * 1024) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('larger than'));
    expect(await page.locator('#status').innerText()).toBe('scan.png was not sent: the file is larger than 200 KB, the largest this chat takes');
    expect(await page.inputValue('#text')).toBe('the big one');
    expect(chat.delivered).toHaveLength(2);

    // After a reload the picture still shows, and the invoice still downloads.
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('.msg.contact img.thumb') as HTMLImageElement | null)?.naturalWidth === 320);
    const again = page.waitForEvent('download');
    await page.locator('.msg.agent a[download]').first().click();
    const saved = await (await again).createReadStream();
    let bytes = '';
    for await (const chunk of saved) bytes += String(chunk);
    expect(bytes).toBe('%PDF-1.4 invoice');

    await page.screenshot({ path: '/tmp/switchboard-webchat-page.png', fullPage: true });
    await page.close();
  }, 60_000);

  it('refuses a file over the limit in the page, before sending any of it, in the same words as the server, in English and in Arabic', async () => {
    for (const [lang, said] of [
      ['en', 'video.mp4 was not sent: the file is larger than 200 KB, the largest this chat takes'],
      ['ar', 'لم يُرسل video.mp4: الملف أكبر من 200 كيلوبايت، وهو أقصى ما تقبله هذه الدردشة'],
    ] as const) {
      const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
      await page.goto(`${chat.url}/?lang=${lang}`);
      await page.fill('#name', 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
      await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
      const posted: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/messages')) posted.push(request.url());
      });
      const delivered = chat.delivered.length;
      await page.fill('#text', 'the whole tour');
      const chooser = page.waitForEvent('filechooser');
      await page.click('#attach');
      await (await chooser).setFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(2 * 1024 * 1024) });
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('video.mp4'));
      expect(await page.locator('#status').innerText()).toBe(said);
      // The caption waits in the box for a smaller file.
      expect(await page.inputValue('#text')).toBe('the whole tour');
      await page.screenshot({ path: `/tmp/switchboard-webchat-too-large-${lang}.png` });
      // On the code before: the page posted the 2 MB, and the server's 413 said the same words.
      expect(posted).toEqual([]);
      expect(chat.delivered.length).toBe(delivered);
      await page.close();
    }
  }, 60_000);

  it('keeps showing pictures and opening files in tabs left open past their addresses\' lifetime: new addresses come without a reload', async () => {
    // Addresses that open their file for 4 s stand for a day's.
    const short = await webchatHarness({ openSessions: false, fileLinkMs: 4_000 });
    const tabs = await browser.newContext({ viewport: { width: 640, height: 900 } });
    try {
      const [first, second] = [await tabs.newPage(), await tabs.newPage()];
      await first.goto(`${short.url}/`);
      await first.fill('#name', 'Layla');
      await first.click('#start');
      await first.locator('#text').waitFor();
      // The second tab does not hold the stream: it is told the messages by the first.
      await second.goto(`${short.url}/`);
      await second.locator('#text').waitFor();
      const [session] = [...short.sessions.keys()];
      const receipt = await short.media.put(png(320, 200), { mime: 'image/png', name: 'receipt.png' });
      const invoice = await short.media.put(new TextEncoder().encode('%PDF-1.4 invoice'), { mime: 'application/pdf', name: 'invoice.pdf' });
      await short.say(session!, 'agent', 'Your receipt and invoice', [
        { kind: 'image', mime: 'image/png', name: 'receipt.png', size: receipt.size, ref: receipt.ref },
        { kind: 'document', mime: 'application/pdf', name: 'invoice.pdf', size: invoice.size, ref: invoice.ref },
      ]);
      const given: string[] = [];
      for (const page of [first, second]) {
        await page.waitForFunction(() => (document.querySelector('.msg.agent img.thumb') as HTMLImageElement | null)?.naturalWidth === 320);
        given.push((await page.locator('.msg.agent img.thumb').getAttribute('src'))!);
      }
      const ranOut = Number(new URL(given[0]!, short.url).searchParams.get('expires')) * 1000;
      await first.waitForTimeout(ranOut + 1_500 - Date.now());

      for (const [n, page] of [first, second].entries()) {
        // Past the first addresses' end, without a reload: the picture is there, and what it and the link point at opens.
        const thumb = page.locator('.msg.agent img.thumb');
        expect(await thumb.getAttribute('src')).not.toBe(given[n]);
        const opens = await page.evaluate(async () => {
          const image = document.querySelector('.msg.agent img.thumb') as HTMLImageElement;
          const link = document.querySelector('.msg.agent a[download]') as HTMLAnchorElement;
          return { drawn: image.naturalWidth, picture: (await fetch(image.src)).status, document: (await fetch(link.href)).status };
        });
        expect(opens).toEqual({ drawn: 320, picture: 200, document: 200 });
        const downloading = page.waitForEvent('download');
        await page.locator('.msg.agent a[download]').click();
        expect(await (await downloading).failure()).toBeNull();
      }
      await second.screenshot({ path: '/tmp/switchboard-webchat-renewed-files.png' });
    } finally {
      await tabs.close();
      await short.stop();
    }
  }, 60_000);

  it('fits a 360 px phone in English and in Arabic: the Send button on the screen, nothing to scroll sideways, the header in the page\'s font', async () => {
    for (const lang of ['en', 'ar']) {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${chat.url}/?lang=${lang}`);
      await page.fill('#name', lang === 'ar' ? 'ليلى' : 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
      const send = (await page.locator('#send-button').boundingBox())!;
      expect(send.x).toBeGreaterThanOrEqual(0);
      expect(send.x + send.width).toBeLessThanOrEqual(360);
      // The header's buttons in the page's own font, as every other word on it.
      const fonts = await page.evaluate(() => [document.body, document.getElementById('rename')!].map((element) => getComputedStyle(element).fontFamily));
      expect(fonts[1]).toBe(fonts[0]);
      await page.screenshot({ path: `/tmp/switchboard-webchat-phone-${lang}.png` });
      await page.close();
    }
  }, 60_000);

  it('keeps the lines of a message: Shift+Enter and a pasted list start new lines, Enter sends', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${chat.url}/`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.locator('#text').pressSequentially('My order:');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.insertText('- 2 shoes\n- 1 bag');
    const oneLine = 44;
    expect((await page.locator('#text').boundingBox())!.height).toBeGreaterThan(oneLine);
    await page.keyboard.press('Enter');
    await page.locator('.msg.contact .mark.sent').waitFor();
    expect(chat.delivered.at(-1)?.text).toBe('My order:\n- 2 shoes\n- 1 bag');
    expect(await page.locator('.msg.contact .text').innerText()).toBe('My order:\n- 2 shoes\n- 1 bag');
    // Sent, the box is empty and one line high again.
    expect(await page.inputValue('#text')).toBe('');
    expect((await page.locator('#text').boundingBox())!.height).toBeLessThanOrEqual(oneLine);
    await page.screenshot({ path: '/tmp/switchboard-webchat-lines.png' });
    await page.close();
  }, 60_000);

  it('sends the other files dropped with one too large, and says which did not go, each on its own line', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 760 } });
    await page.goto(`${chat.url}/`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    const before = chat.delivered.length;
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['first page'], 'page-1.txt', { type: 'text/plain' }));
      transfer.items.add(new File([new Uint8Array(300 * 1024)], 'scan.pdf', { type: 'application/pdf' }));
      transfer.items.add(new File([new Uint8Array(0)], 'empty.txt', { type: 'text/plain' }));
      transfer.items.add(new File(['second page'], 'page-2.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
    await expect.poll(() => chat.delivered.length - before, { timeout: 20_000 }).toBe(2);
    // On the code before: page-1.txt went, and nothing after scan.pdf.
    expect(chat.delivered.slice(before).map((message) => message.attachments?.[0]?.name)).toEqual(['page-1.txt', 'page-2.txt']);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('empty.txt'));
    expect(await page.locator('#status').innerText()).toBe('scan.pdf was not sent: the file is larger than 200 KB, the largest this chat takes\nempty.txt was not sent: the file is empty');
    await page.screenshot({ path: '/tmp/switchboard-webchat-dropped-some-refused.png' });
    await page.close();
  }, 60_000);

  it('sends nothing for a box holding only a direction mark, as for one holding only spaces, rather than an empty-looking message to the agent', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 760 } });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    const before = chat.delivered.length;
    await page.fill('#text', '\u200f \u200b');
    await page.press('#text', 'Enter');
    await page.fill('#text', 'مرحبا');
    await page.press('#text', 'Enter');
    // Sent in order: once "مرحبا" is stored, anything sent before it is too.
    await page.locator('.msg.contact:has-text("مرحبا") .mark.sent').waitFor();
    // On the code before: an empty bubble, and an empty message for the agent, before "مرحبا".
    expect(chat.delivered.slice(before).map((message) => message.text)).toEqual(['مرحبا']);
    expect(await page.locator('.msg.contact').count()).toBe(1);
    await page.close();
  }, 60_000);

  it('links an address an agent writes without the punctuation after it, in Arabic as in English: every link opens the page meant', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 760 }, locale: 'ar' });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    const { session } = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { session: string });
    // An Arabic comma and question mark, guillemets, a right-to-left mark typed after a full stop, and a closing bracket
    // that is the address's own beside one that closes the sentence's.
    await chat.say(session, 'agent', 'راجع https://acme.example/refund، ثم اكتب لنا. هل قرأت https://acme.example/help؟');
    await chat.say(session, 'agent', 'الدليل «https://acme.example/guide» والنموذج https://acme.example/form.\u200f');
    await chat.say(session, 'agent', 'See the planet (https://en.wikipedia.org/wiki/Mercury_(planet)). And “https://acme.example/terms”!');
    const links = page.locator('.msg.agent .text a');
    await page.locator('.msg.agent').nth(2).waitFor();
    expect(await links.evaluateAll((all) => all.map((link) => (link as HTMLAnchorElement).href))).toEqual([
      'https://acme.example/refund', 'https://acme.example/help',
      'https://acme.example/guide', 'https://acme.example/form',
      'https://en.wikipedia.org/wiki/Mercury_(planet)', 'https://acme.example/terms',
    ]);
    // The punctuation stays in the sentence, outside the link.
    expect(await page.locator('.msg.agent .text').first().innerText()).toBe('راجع https://acme.example/refund، ثم اكتب لنا. هل قرأت https://acme.example/help؟');
    expect(await links.first().innerText()).toBe('https://acme.example/refund');
    await page.screenshot({ path: '/tmp/switchboard-webchat-links.png' });
    await page.close();
  }, 60_000);

  it('sends a picture chosen while the connection is lost once it is back, however long it was away', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 760 } });
    // The page's own clock, moved on by the test: a minute without a connection takes no minute here.
    await page.clock.install();
    await page.goto(`${chat.url}/`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    const before = chat.delivered.length;

    await page.context().setOffline(true);
    await page.fill('#text', 'the receipt');
    const chooser = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png(64, 48) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Offline; retrying…');
    // A minute offline, the page trying all along.
    for (let second = 0; second < 60; second += 5) await page.clock.runFor(5_000);
    expect(chat.delivered.length).toBe(before);
    expect(await page.locator('#status').innerText()).toBe('Offline; retrying…');

    // A reload would lose the file, which only the browser holds: it asks first, and staying keeps it on its way.
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => {
      resolve(dialog.type());
      void dialog.dismiss();
    }));
    // Offline, a reload not held back ends on the browser's error page (a rejection here): the file gone either way.
    const reloaded = page.reload({ timeout: 2_000 }).catch(() => undefined).then(() => 'reloaded without asking: the file is lost');
    expect(await Promise.race([asked, reloaded])).toBe('beforeunload');
    await reloaded;

    await page.context().setOffline(false);
    await page.clock.runFor(1_000);
    await page.locator('.msg.contact img.thumb').waitFor();
    expect(chat.delivered.slice(before).map((message) => [message.text, message.attachments?.[0]?.name])).toEqual([['the receipt', 'receipt.png']]);
    expect(await page.inputValue('#text')).toBe('');
    await page.screenshot({ path: '/tmp/switchboard-webchat-offline-upload.png' });
    await page.close();
  }, 60_000);

  it('on a slow network sends what the visitor sent in the order they sent it: words after a picture still on its way go after it, words before it first', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 760 } });
    await page.goto(`${chat.url}/`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    const before = chat.delivered.length;
    // A phone's slow upload: a file takes 2 s to reach the server, words go at once.
    let slowed = 0;
    await page.route('**/messages', async (route) => {
      if (route.request().method() === 'POST' && (route.request().headers()['content-type'] ?? '').startsWith('multipart/')) {
        slowed++;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      await route.continue();
    });
    const chooser = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png(64, 48) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('receipt.png'));
    await page.fill('#text', 'that is the receipt from Monday');
    await page.press('#text', 'Enter');
    await expect.poll(() => chat.delivered.length - before, { timeout: 20_000 }).toBe(2);
    // On the code before: the words reached the agent first, the picture they speak of after them.
    expect(chat.delivered.slice(before).map((message) => message.text ?? message.attachments?.[0]?.name)).toEqual(['receipt.png', 'that is the receipt from Monday']);
    expect(slowed).toBe(1);
    await page.locator('.msg.contact').nth(1).waitFor();
    expect(await page.locator('.msg.contact').evaluateAll((shown) => shown.map((one) => one.querySelector('img.thumb') ? 'picture' : one.textContent))).toEqual(['picture', expect.stringContaining('that is the receipt from Monday')]);

    // Now the words are slow (the server busy: 503 twice), and a picture is chosen right after them: it goes after them.
    await page.unroute('**/messages');
    let busy = 2;
    await page.route('**/messages', async (route) => {
      if (route.request().method() === 'POST' && (route.request().headers()['content-type'] ?? '').startsWith('application/json') && busy > 0) {
        busy--;
        await route.fulfill({ status: 503, contentType: 'application/json', headers: { 'retry-after': '1' }, body: JSON.stringify({ error: 'starting', kind: 'unavailable' }) });
        return;
      }
      await route.continue();
    });
    await page.fill('#text', 'and the one from Tuesday:');
    await page.press('#text', 'Enter');
    const again = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await again).setFiles({ name: 'tuesday.png', mimeType: 'image/png', buffer: png(64, 48) });
    await expect.poll(() => chat.delivered.length - before, { timeout: 20_000 }).toBe(4);
    // On the code before: the picture went while the words waited for the server, and came first.
    expect(chat.delivered.slice(before + 2).map((message) => message.text ?? message.attachments?.[0]?.name)).toEqual(['and the one from Tuesday:', 'tuesday.png']);
    await page.locator('.msg.contact img.thumb').nth(1).waitFor();
    await page.screenshot({ path: '/tmp/switchboard-webchat-slow-order.png' });
    await page.close();
  }, 60_000);

  it('shows an agent\'s answer that came while its event stream had gone silent: the page drops a stream that says nothing, not even a keep-alive, and connects again', async () => {
    const proxy = await freezingProxy(new URL(chat.url).port);
    const page = await browser.newPage({ viewport: { width: 390, height: 760 } });
    try {
      // The page's own clock, moved on by the test: minutes of silence take no minutes here.
      await page.clock.install();
      await page.goto(`${proxy.url}/`);
      await page.fill('#name', 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
      const { session } = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { session: string });
      await chat.say(session, 'agent', 'Hello Layla, checking your order.');
      await page.locator('.msg.agent', { hasText: 'checking your order' }).waitFor();

      // The phone moves between networks: the stream's connection goes dead without a close, as a router that forgot
      // it leaves it. The agent answers meanwhile.
      proxy.freezeStreams();
      await chat.say(session, 'agent', 'Your refund left today.');
      // Three of the server's keep-alives (a minute each in this harness) and a little more, without a word on the stream.
      for (let second = 0; second < 190; second += 10) await page.clock.runFor(10_000);
      await page.clock.runFor(5_000);
      await page.locator('.msg.agent', { hasText: 'Your refund left today.' }).waitFor();
      expect(await page.locator('.msg.agent .text').allInnerTexts()).toEqual(['Hello Layla, checking your order.', 'Your refund left today.']);
    } finally {
      await page.close();
      await proxy.close();
    }
  }, 60_000);

  it('words the widget\'s launcher in the chat\'s language while the title is the shipped one', async () => {
    const page = await browser.newPage();
    await page.setContent(`<html><body><script src="${chat.url}/widget.js" data-lang="ar"></script></body></html>`);
    const launcher = page.locator('button.switchboard-launcher');
    await launcher.waitFor();
    expect([await launcher.getAttribute('aria-label'), await launcher.getAttribute('title')]).toEqual(['تحدّث معنا', 'تحدّث معنا']);
    await page.close();
    // A title the business chose stays as it wrote it.
    const chosen = await browser.newPage();
    await chosen.setContent(`<html><body><script src="${chat.url}/widget.js" data-lang="ar" data-title="Acme"></script></body></html>`);
    await chosen.locator('button.switchboard-launcher').waitFor();
    expect(await chosen.locator('button.switchboard-launcher').getAttribute('aria-label')).toBe('Acme');
    await chosen.close();
  }, 60_000);

  it('says in Arabic on an Arabic chat why a file could not be kept or sent, and sizes in Arabic units', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    const { session } = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { session: string });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    // An agent's video that was not kept (over 20 MB), an unnamed one by its kind; one whose reason is the server's own, quoted.
    await chat.say(session, 'agent', '', [{ kind: 'video', mime: 'video/mp4', refused: 'the file is larger than 20 MB', refusal: { kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 } }]);
    await chat.say(session, 'agent', '', [{ kind: 'document', name: 'scan.pdf', refused: 'the file\'s server could not be reached' }]);
    const invoice = await chat.media.put(new Uint8Array(150 * 1024), { mime: 'application/pdf', name: 'invoice.pdf' });
    await chat.say(session, 'agent', 'الفاتورة', [{ kind: 'document', mime: 'application/pdf', name: 'invoice.pdf', size: invoice.size, ref: invoice.ref }]);
    const refused = page.locator('.msg.agent .file.refused');
    await refused.nth(1).waitFor();
    expect(await refused.nth(0).innerText()).toBe('تعذّر حفظ \u2068فيديو\u2069: الملف أكبر من 20 ميغابايت');
    expect(await refused.nth(1).innerText()).toBe('تعذّر حفظ \u2068scan.pdf\u2069: «\u2068the file\'s server could not be reached\u2069»');
    const download = page.locator('.msg.agent a[download]');
    await download.waitFor();
    expect(await download.innerText()).toBe('invoice.pdf (150 كيلوبايت)');

    // The visitor's file over the chat's limit (200 KB): why, in Arabic, with the limit in Arabic units.
    const chooser = page.waitForEvent('filechooser');
    await page.click('#attach');
    await (await chooser).setFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.alloc(300 * 1024) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('لم يُرسل'));
    expect(await page.locator('#status').innerText()).toBe('لم يُرسل scan.png: الملف أكبر من 200 كيلوبايت، وهو أقصى ما تقبله هذه الدردشة');

    // An empty file, a caption longer than the chat takes: why, in Arabic, not the server's English.
    const attach = async (name: string, buffer: Buffer) => {
      const chosen = page.waitForEvent('filechooser');
      await page.click('#attach');
      await (await chosen).setFiles({ name, mimeType: 'image/png', buffer });
      await page.waitForFunction((file) => document.getElementById('status')?.textContent?.startsWith(`لم يُرسل ${file}`), name);
      return page.locator('#status').innerText();
    };
    expect(await attach('empty.png', Buffer.alloc(0))).toBe('لم يُرسل empty.png: الملف فارغ');
    await page.fill('#text', 'ش'.repeat(20_001));
    expect(await attach('receipt.png', png(10, 10))).toBe('لم يُرسل receipt.png: النص أطول من 20,000 حرف، وهو أقصى ما تقبله هذه الدردشة');
    await page.screenshot({ path: '/tmp/switchboard-webchat-text-too-long-ar.png' });
    await page.fill('#text', '');
    // A refusal the page has no words for: the server's own, quoted.
    await page.route('**/messages', (route) => (route.request().method() === 'POST' ? route.fulfill({ status: 400, json: { error: 'uploads are closed for maintenance', kind: 'closed' } }) : route.fallback()));
    expect(await attach('later.png', png(10, 10))).toBe('لم يُرسل later.png: «\u2068uploads are closed for maintenance\u2069»');
    await page.unroute('**/messages');
    expect(chat.delivered.filter((message) => message.from.id === session)).toEqual([]);
    await page.screenshot({ path: '/tmp/switchboard-webchat-refused-ar.png' });
    await page.close();
  }, 60_000);

  it('lets a visitor who opened Change name go back to the chat without changing it', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'سامي');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.fill('#text', 'مرحبا');
    await page.keyboard.press('Enter');
    await page.locator('.msg.contact .mark.sent').waitFor();
    await page.click('#rename');
    await page.locator('#hello').waitFor();
    const cancel = page.locator('#cancel-rename');
    expect(await cancel.innerText()).toBe('إلغاء');
    await cancel.click();
    await page.locator('#chat').waitFor();
    expect(await page.locator('.msg.contact').innerText()).toContain('مرحبا');
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}').name)).toBe('سامي');
    // Starting out, there is nothing to go back to.
    const fresh = await browser.newPage();
    await fresh.goto(`${chat.url}/`);
    await fresh.locator('#hello').waitFor();
    expect(await fresh.locator('#cancel-rename').isVisible()).toBe(false);
    await fresh.close();
    await page.close();
  }, 60_000);

  it('asks before New visitor leaves a chat under way, and keeps it when the visitor says no', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'كريم');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.fill('#text', 'مرحبا');
    await page.click('#send-button');
    await page.locator('.msg.contact .mark.sent').waitFor();
    const asked: string[] = [];
    page.once('dialog', (dialog) => void (asked.push(dialog.message()), dialog.dismiss()));
    await page.click('#restart');
    expect(asked).toEqual(['هل تريد مغادرة هذه المحادثة؟ ستُغلق، ولن تصلك الردود عليها بعد الآن.']);
    expect(await page.locator('#chat').isVisible()).toBe(true);
    expect(await page.locator('.msg.contact').innerText()).toContain('مرحبا');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#restart');
    await page.locator('#hello').waitFor();
    expect(await page.inputValue('#name')).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('switchboard.chat'))).toBeNull();
    await page.close();
  }, 60_000);

  it('keeps a paste longer than a message may be, says so under the box in the page\'s language, and sends it only once short enough', async () => {
    for (const lang of ['en', 'ar']) {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`${chat.url}/?lang=${lang}`);
      await page.fill('#name', lang === 'ar' ? 'ليلى' : 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
      const sent = chat.delivered.length;
      await page.locator('#text').focus();
      await page.keyboard.insertText(`${'a'.repeat(20_040)}end`);
      // Nothing is cut: the whole paste stays in the box.
      expect((await page.inputValue('#text')).length).toBe(20_043);
      const line = page.locator('#too-long');
      await line.waitFor();
      expect(await line.innerText()).toBe(lang === 'ar'
        ? 'رسالتك 20,043 حرفًا، والحد الأقصى 20,000. اختصرها أو أرسلها على أجزاء.'
        : 'Your message is 20,043 characters long; the most is 20,000. Shorten it or send it in parts.');
      expect(await page.locator('#send-button').isDisabled()).toBe(true);
      // The line sits under the box, on the screen.
      const box = (await page.locator('#text').boundingBox())!;
      const said = (await line.boundingBox())!;
      expect(said.y).toBeGreaterThanOrEqual(box.y + box.height);
      expect(said.y + said.height).toBeLessThanOrEqual(740);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
      await page.keyboard.press('Enter');
      await page.screenshot({ path: `/tmp/switchboard-webchat-too-long-${lang}.png` });
      expect(chat.delivered.length).toBe(sent);
      expect((await page.inputValue('#text')).length).toBe(20_043);
      // Short enough again: the line goes, and it sends.
      await page.locator('#text').press('Control+Home');
      for (let n = 0; n < 43; n++) await page.keyboard.press('Delete');
      expect(await line.isVisible()).toBe(false);
      await page.keyboard.press('Enter');
      await page.locator('.msg.contact .mark.sent').waitFor();
      expect(chat.delivered.at(-1)?.text).toHaveLength(20_000);
      expect(chat.delivered.at(-1)?.text?.endsWith('end')).toBe(true);
      await page.close();
    }
  }, 60_000);

  it('words the default title and the first hint in the visitor\'s language only', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    expect(await page.locator('#title').innerText()).toBe('تحدّث معنا');
    expect(await page.title()).toBe('تحدّث معنا');
    const hint = () => page.locator('#log').evaluate((log) => getComputedStyle(log, '::before').content);
    expect(await hint()).toBe('"اكتب رسالتك في الأسفل للبدء."');
    await page.screenshot({ path: '/tmp/switchboard-webchat-title-ar.png' });
    await page.goto(`${chat.url}/?lang=en`);
    expect(await page.locator('#title').innerText()).toBe('Chat with us');
    expect(await hint()).toBe('"Write your message below to start."');
    await page.close();
  }, 60_000);
});
