// What the web chat page in Chromium says when the server refuses to start a chat or to take a message: the
// page's own words for the answer's `kind` (or, for an answer without one, its status) in the visitor's language,
// the server's English only quoted, for a kind the page has no words for. Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

/** Presses Start with `name` and waits for the page to say why it did not start. */
async function startRefused(page: Page, name: string): Promise<string> {
  await page.evaluate(() => {
    document.getElementById('hello-status')!.textContent = '';
  });
  await page.fill('#name', name);
  await page.click('#start');
  await page.waitForFunction(() => document.getElementById('hello-status')?.textContent !== '');
  return page.locator('#hello-status').innerText();
}

describe.skipIf(!hasChromium)(inChromium('the web chat page\'s words for a refusal'), () => {
  let browser: Browser;
  let chat: WebchatHarness;
  // One new chat an hour from an address; a session's second message within 8 s is refused (and sent once they are up).
  withChromium(
    () => webchatHarness({ limits: { sessionsPerAddress: { count: 1, perMs: 3_600_000 }, postsPerSession: { count: 1, perMs: 8_000 } } }),
    (running) => ({ browser, server: chat } = running),
  );

  it('says in Arabic on an Arabic page why a chat could not start, never the server\'s English', () => withPage(browser, 'webchat-start-refused-ar', { viewport: { width: 360, height: 640 } }, async (page) => {
    await page.goto(`${chat.url}/?lang=ar`);

    // A body the server does not take (a bug of the page's, made here by changing what it sends): 400 badRequest.
    await page.route('**/webchat/sessions', (route) => route.continue({ postData: JSON.stringify({ nom: 'ليلى' }) }));
    expect(await startRefused(page, 'ليلى')).toBe('تعذّر بدء المحادثة (لم تقبل الدردشة ما أرسلته هذه الصفحة؛ أعد تحميل الصفحة وحاول مرة أخرى).');
    await page.unroute('**/webchat/sessions');

    // Past the address's new chats (the refused one counted): 429 rateLimited, the wait in the page's words.
    expect(await startRefused(page, 'ليلى')).toBe('تعذّر بدء المحادثة (بدأت محادثات كثيرة من هذا الاتصال؛ حاول مرة أخرى بعد 60 دقيقة).');
    await shot(page, 'webchat-start-refused-ar');
    expect(chat.sessions.size).toBe(0);

    // The server itself, starting (503) or failing (500), as it answers (with their kind) and without a kind (a proxy's, say).
    const answers: { status: number; json: object }[] = [];
    await page.route('**/webchat/sessions', (route) => route.fulfill(answers.shift()!));
    for (const kind of [{ kind: 'unavailable' }, {}]) {
      answers.push({ status: 503, json: { error: 'Switchboard is starting; try again shortly', ...kind } });
      expect(await startRefused(page, 'ليلى')).toBe('تعذّر بدء المحادثة (الدردشة غير متاحة الآن؛ حاول مرة أخرى بعد قليل).');
    }
    for (const kind of [{ kind: 'internal' }, {}]) {
      answers.push({ status: 500, json: { error: 'internal error; nothing was acknowledged, please retry', ...kind } });
      expect(await startRefused(page, 'ليلى')).toBe('تعذّر بدء المحادثة (ردّ الخادم بالرمز 500).');
    }
    // A kind the page has no words for: the server's own words, quoted.
    answers.push({ status: 403, json: { error: 'new chats are closed tonight', kind: 'closed' } });
    expect(await startRefused(page, 'ليلى')).toBe('تعذّر بدء المحادثة («\u2068new chats are closed tonight\u2069»).');
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
  }));

  it('says in English on an English page why a chat could not start, in the page\'s words', () => withPage(browser, 'webchat-start-refused-en', { viewport: { width: 360, height: 640 } }, async (page) => {
    await page.goto(`${chat.url}/?lang=en`);
    expect(await startRefused(page, 'Layla')).toBe('The chat could not start (too many chats were started from this connection; try again in 60 min).');
  }));

  it('says in Arabic that a message sent too fast waits, and sends it once the server takes it again', () => withPage(browser, 'webchat-too-fast-ar', { viewport: { width: 360, height: 640 } }, async (page) => {
    // The address may start no more chats: this one is a session of the server's open ones (development).
    await page.route('**/webchat/sessions', (route) => route.fulfill({ status: 201, json: { session: 'v-fast-ar', token: 'any' } }));
    await page.goto(`${chat.url}/?lang=ar`);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    await page.fill('#text', 'مرحبا');
    await page.keyboard.press('Enter');
    await page.locator('.msg.contact:not(.pending)').waitFor();
    // An Arabic page in an English browser writes its times in Arabic too ("09:34 ص"), not "09:34 AM".
    expect(await page.locator('.msg.contact time').first().innerText()).toMatch(/^\d\d:\d\d [صم]$/);
    await page.fill('#text', 'أين طلبي؟');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('status')?.textContent !== '');
    // Shown alone, a sentence of its own: it ends with a full stop.
    expect(await page.locator('#status').innerText()).toMatch(/^رسائل كثيرة في وقت قصير؛ ستُرسل مجددًا بعد (ثانية|ثانيتين|\d+ (ثوانٍ|ثانية))\.$/);
    await shot(page, 'webchat-too-fast-ar');
    const sent = () => chat.delivered.filter((message) => message.from.id === 'v-fast-ar').map((message) => message.text);
    expect(sent()).toEqual(['مرحبا']);
    // After the wait the server asked for, the page sends it again by itself, once.
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '' && !document.querySelector('.msg.pending'), undefined, { timeout: 40_000 });
    expect(sent()).toEqual(['مرحبا', 'أين طلبي؟']);
  }), 60_000);

  for (const [lang, expected] of [
    ['ar', 'لم يُرسل receipt.png: لا توجد لدى الخادم مساحة لحفظ الملفات الآن؛ أرسله مرة أخرى لاحقًا'],
    ['en', 'receipt.png was not sent: the server has no room to keep files right now; send it again later'],
  ] as const) {
    it(`says on a page in ${lang} that a file was not sent because the server has no room for it, and does not send it over and over`, () => withPage(browser, `webchat-disk-full-${lang}`, { viewport: { width: 360, height: 640 } }, async (page) => {
      const session = `v-disk-full-${lang}`;
      await page.route('**/webchat/sessions', (route) => route.fulfill({ status: 201, json: { session, token: 'any' } }));
      let posts = 0;
      // The server's answer to a file its full disk has no room for (webchat-uploads.test.ts has the server give it).
      await page.route(`**/webchat/${session}/messages`, (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts += 1;
        return route.fulfill({ status: 507, json: { error: 'the server has no room to keep the file now (its disk is full); nothing of it was kept, try again later', kind: 'diskFull' } });
      });
      await page.goto(`${chat.url}/?lang=${lang}`);
      await page.fill('#name', lang === 'ar' ? 'ليلى' : 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
      await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
      await page.setInputFiles('#file', { name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n') });
      // Before: "the server answered 507", and the same file sent again four more times.
      await page.waitForFunction((text) => document.getElementById('status')?.textContent === text, expected, { timeout: 10_000 });
      await shot(page, `webchat-disk-full-${lang}`);
      expect(posts).toBe(1);
    }), 60_000);
  }

  it('says in English, as a sentence of its own, why a message waits while the server is unavailable, failing or busy, then sends it', () => withPage(browser, 'webchat-waits-en', { viewport: { width: 360, height: 640 } }, async (page) => {
    await page.route('**/webchat/sessions', (route) => route.fulfill({ status: 201, json: { session: 'v-waits-en', token: 'any' } }));
    await page.goto(`${chat.url}/?lang=en`);
    await page.fill('#name', 'Layla');
    await page.click('#start');
    await page.locator('#text').waitFor();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '');
    // The server starting (503), a proxy failing (502, no kind), then too many messages (429, no kind, "try in 1 s").
    const answers = [
      { status: 503, json: { error: 'Switchboard is starting; try again shortly', kind: 'unavailable' } },
      { status: 502, body: 'Bad Gateway' },
      { status: 429, headers: { 'retry-after': '1' }, json: { error: 'too many messages' } },
    ];
    await page.route('**/webchat/v-waits-en/messages', (route) => {
      const answer = answers.shift();
      return answer ? route.fulfill(answer) : route.continue();
    });
    const status = (text: string) => page.waitForFunction((expected) => document.getElementById('status')?.textContent === expected, text, { timeout: 10_000 });
    await page.fill('#text', 'Where is my order?');
    await page.keyboard.press('Enter');
    await status('The chat is not available right now; try again in a moment.');
    await shot(page, 'webchat-waits-en');
    await status('The server answered 502.');
    await status('Too many messages in a short time; sending it again in 1 s.');
    // Then the server takes it: sent once, the status line cleared.
    await page.waitForFunction(() => document.getElementById('status')?.textContent === '' && !document.querySelector('.msg.pending'), undefined, { timeout: 20_000 });
    expect(chat.delivered.filter((message) => message.from.id === 'v-waits-en').map((message) => message.text)).toEqual(['Where is my order?']);
  }), 60_000);
});
