// The web chat on a phone (390 × 844, touch) in a real browser (Debian's Chromium driven by playwright-core), as a
// customer holds it: reading earlier messages while new ones come, writing with the on-screen keyboard open. Skipped, saying so, where Chromium is not
// installed. A failing test leaves screenshots in /tmp/switchboard-phone-*.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the web chat on a phone, in Chromium'
  : `the web chat on a phone, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
const contexts: BrowserContext[] = [];
const chats: WebchatHarness[] = [];

async function phone(): Promise<Page> {
  const made = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  contexts.push(made);
  return made.newPage();
}

/** Runs a test body; if it fails, every open page is saved to /tmp/switchboard-phone-<name>-failed-<n>.png first. */
async function shooting(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const pages = contexts.flatMap((each) => each.pages());
    await Promise.all(pages.map((page, n) => page.screenshot({ path: `/tmp/switchboard-phone-${name}-failed-${n}.png` }).catch(() => undefined)));
    throw error;
  }
}

/** Opens the chat (`query`: ?lang=…), gives a name, says hello, and answers with the session the page made. */
async function startChat(page: Page, chat: WebchatHarness, query = ''): Promise<string> {
  const before = new Set(chat.sessions.keys());
  await page.goto(`${chat.url}/${query}`);
  await page.fill('#name', 'Layla');
  await page.click('#start');
  await page.fill('#text', 'hello');
  await page.click('#send-button');
  await page.locator('.msg.contact:not(.pending)').waitFor();
  return [...chat.sessions.keys()].find((session) => !before.has(session))!;
}

/** Whether the bubble holding `text` is inside the visible part of the messages. */
function inView(page: Page, text: string): Promise<boolean> {
  return page.locator('.msg', { hasText: text }).evaluate((bubble) => {
    const log = document.getElementById('log')!.getBoundingClientRect();
    const box = bubble.getBoundingClientRect();
    return box.bottom > log.top && box.top < log.bottom;
  });
}

describe.skipIf(!hasChromium)(title, () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((each) => each.close()));
    await Promise.all(chats.splice(0).map((chat) => chat.stop()));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('leaves a customer reading earlier messages where they are when new ones come, counts those on a button, marks them read only once they are down to them, in English and Arabic', () => shooting('new-below', async () => {
    const chat = await webchatHarness({ openSessions: false });
    chats.push(chat);
    for (const [query, one, two] of [['', '1 new message', '2 new messages'], ['?lang=ar', 'رسالة جديدة', 'رسالتان جديدتان']] as const) {
      const page = await phone();
      // The ids the page marks read (POST …/read), and whether Layla had tapped her way down to the newest by then.
      let tapped = false;
      const marked: { ids: number[]; tapped: boolean }[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/read')) marked.push({ ids: (request.postDataJSON() as { ids: number[] }).ids, tapped });
      });
      const session = await startChat(page, chat, query);
      for (let n = 1; n <= 30; n++) await chat.say(session, 'agent', `Line ${n}: the details of your order, one by one`);
      await page.locator('.msg', { hasText: 'Line 30:' }).waitFor();
      expect(await inView(page, 'Line 30:')).toBe(true);
      await expect.poll(() => page.locator('#new-below').isVisible()).toBe(false);

      // Layla scrolls back to read the first lines; the agent writes meanwhile.
      await page.locator('.msg', { hasText: 'Line 3:' }).scrollIntoViewIfNeeded();
      await page.locator('#log').evaluate((log) => { log.scrollTop = 0; });
      await chat.say(session, 'agent', 'Your refund was sent today');
      await page.locator('#new-below', { hasText: one }).waitFor();
      expect(await inView(page, 'Line 1:')).toBe(true);
      expect(await inView(page, 'Your refund')).toBe(false);
      await chat.say(session, 'agent', 'Anything else?');
      await page.locator('#new-below', { hasText: two }).waitFor();
      expect(await inView(page, 'Line 1:')).toBe(true);
      await page.screenshot({ path: `/tmp/switchboard-phone-new-below${query ? '-ar' : ''}.png` });

      tapped = true;
      await page.locator('#new-below').tap();
      await expect.poll(() => inView(page, 'Anything else?')).toBe(true);
      const cameBelow = chat.messages.filter((message) => message.address === session && /Your refund|Anything else/.test(message.text)).map((message) => message.id);
      await expect.poll(() => cameBelow.every((id) => marked.some((each) => each.ids.includes(id)))).toBe(true);
      expect(marked.filter((each) => cameBelow.some((id) => each.ids.includes(id))).every((each) => each.tapped)).toBe(true);
      await expect.poll(() => page.locator('#new-below').isVisible()).toBe(false);

      // At the newest message, the next one comes into view by itself, with no button.
      await chat.say(session, 'agent', 'Have a good day');
      await expect.poll(() => inView(page, 'Have a good day')).toBe(true);
      expect(await page.locator('#new-below').isVisible()).toBe(false);
    }
  }), 120_000);

  it('keeps the box, Send and the newest message above the on-screen keyboard, and takes the whole screen again once it closes', () => shooting('keyboard', async () => {
    const chat = await webchatHarness({ openSessions: false });
    chats.push(chat);
    const page = await phone();
    // Chromium shows no keyboard here: as a phone's does, it makes the part of the window shown (the visual viewport)
    // shorter, and says so with a resize; the window itself keeps its height.
    await page.addInitScript(() => {
      const viewport = window.visualViewport!;
      let covered = 0;
      Object.defineProperty(viewport, 'height', { configurable: true, get: () => window.innerHeight - covered });
      Object.assign(window, { keyboard: (height: number) => { covered = height; viewport.dispatchEvent(new Event('resize')); } });
    });
    const session = await startChat(page, chat);
    for (let n = 1; n <= 20; n++) await chat.say(session, 'agent', `Line ${n}: the details of your order, one by one`);
    await page.locator('.msg', { hasText: 'Line 20:' }).waitFor();

    await page.locator('#text').tap();
    await page.evaluate(() => (window as unknown as { keyboard(height: number): void }).keyboard(340));
    const shown = 844 - 340;
    const bottomOf = (selector: string) => page.locator(selector).evaluate((element) => element.getBoundingClientRect().bottom);
    await expect.poll(() => bottomOf('#send-button')).toBeLessThanOrEqual(shown);
    expect(await bottomOf('#text')).toBeLessThanOrEqual(shown);
    await expect.poll(() => inView(page, 'Line 20:')).toBe(true);
    expect(await page.locator('header').evaluate((header) => header.getBoundingClientRect().top)).toBe(0);
    await page.screenshot({ path: '/tmp/switchboard-phone-keyboard.png' });
    await page.locator('#text').fill('Thank you');
    await page.locator('#send-button').tap();
    await page.locator('.msg.contact', { hasText: 'Thank you' }).waitFor();
    await expect.poll(() => inView(page, 'Thank you')).toBe(true);

    await page.evaluate(() => (window as unknown as { keyboard(height: number): void }).keyboard(0));
    await expect.poll(() => bottomOf('#send-button')).toBeGreaterThan(shown + 200);
  }), 120_000);
});
