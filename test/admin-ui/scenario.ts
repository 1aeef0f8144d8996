// What an admin does in the dashboard, as browser steps shared by the test against the fake API (ui.test.ts) and
// the end-to-end test against a real Switchboard (test/server/dashboard.test.ts): sign in, break a flow and see
// the problem at its line, fix and publish, watch a web chat conversation arrive on the queue board, open it,
// transfer it, see a chart drawn, roll the flow back; then the same pages on a phone, in Arabic. Screenshots go to
// test-results/admin-ui/ (always for the phone and Arabic pages, which a person should look at; and on failure).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { visitor } from '../helpers.ts';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SHOTS = join(process.cwd(), 'test-results', 'admin-ui');

/** A browser test's title: `what`, and where Chromium is missing, that it is skipped and how to install it. */
export function inChromium(what: string): string {
  return hasChromium ? what : `${what}: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;
}

/**
 * Inside a \`describe\`: Chromium and what \`start\` starts (a fake API, a server), up before its tests (handed to
 * \`started\`) and stopped after them.
 *
 *     let browser: Browser;
 *     let fake: FakeApi;
 *     withChromium(() => startFakeApi({ flows: { inbound: FLOW } }), (running) => ({ browser, server: fake } = running));
 */
export function withChromium<T extends { stop(): Promise<void> }>(start: () => Promise<T>, started: (running: { browser: Browser; server: T }) => void): void {
  let running: { browser: Browser; server: T } | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
    running = { browser, server: await start() };
    started(running);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await running?.server.stop();
  });
}

/** Debian's Chromium, headless, with the flags this closed network needs (STACK.md). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Runs `steps` on a new page; when they fail, a screenshot of the page is saved as `<name>-failure.png` beside the
 * others and the failure is thrown again with the screenshot's path and what the page logged.
 */
export async function withPage(browser: Browser, name: string, options: Parameters<Browser['newPage']>[0], steps: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser.newPage(options);
  const logged: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') logged.push(message.text()); });
  page.on('pageerror', (error) => logged.push(String(error)));
  // A customer's name is never markup: no script of theirs may open a dialog.
  page.on('dialog', (dialog) => {
    logged.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  try {
    await steps(page);
    expect(logged.filter((line) => line.startsWith('unexpected dialog'))).toEqual([]);
  } catch (error) {
    await mkdir(SHOTS, { recursive: true });
    const file = join(SHOTS, `${name}-failure.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nscreenshot: ${file}\npage errors: ${logged.join(' | ') || 'none'}`, { cause: error });
  } finally {
    await page.close();
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Replaces the editor's whole text, as pasting would (typing would auto-indent). */
export async function replaceText(page: Page, text: string): Promise<void> {
  await page.click('.editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

export async function signIn(page: Page, url: string, token: string, name?: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.locator('#token').fill(token);
  if (name !== undefined) await page.locator('#admin-name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
}

/** Signs in with `token` whatever language the page opens in, and waits until its live stream is connected. */
export async function signInLive(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.fill('#token', token);
  await page.locator('form button[type="submit"]').click();
  await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
  await page.locator('header .live.on').waitFor();
}

export interface ScenarioOptions {
  url: string;
  token: string;
  /** The flow the scenario edits, as it is now (its step on line 4 is broken, then fixed). */
  flow: { name: string };
  /** A flow text whose line 4 holds an unknown step kind; and the same text fixed. */
  broken: string;
  fixed: string;
  /** The team the conversation is transferred to. */
  transferTo: string;
}

/** The whole admin story on a desktop screen, in English. */
export async function adminStory(browser: Browser, options: ScenarioOptions): Promise<void> {
  await withPage(browser, 'admin-story', { viewport: { width: 1280, height: 900 } }, async (page) => {
    await signIn(page, options.url, options.token, 'Mona');
    expect(await page.evaluate(() => document.cookie)).not.toContain('sb_admin'); // http-only: no script reads it

    // A mistake on line 4 is shown at line 4 while typing, and publishing refuses it.
    await page.goto(`${options.url}/admin#/flows/${options.flow.name}`);
    await page.locator('.editor .cm-content').waitFor();
    await replaceText(page, options.broken);
    const problem = page.locator('.problems li[data-line="4"]');
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/line 4/);
    await page.locator('.cm-line').nth(3).locator('.cm-lintRange-error').waitFor();
    await page.locator('.cm-gutter-lint .cm-lint-marker-error').first().waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('.notice.error', { hasText: 'Not published' }).waitFor();
    // The problems are listed above the notice, once, in the admin's words.
    expect(await page.locator('.notice.error', { hasText: 'Not published' }).innerText()).toBe('Not published: fix the problems listed above first. Nothing was changed.');

    // Without its assign, the flow would end after its greeting: a warning at that line, which does not count as a problem.
    await replaceText(page, options.fixed.replace(/\n  - assign:[^\n]*\n    queued:[^\n]*\n/, '\n'));
    await page.locator('.editor-status', { hasText: 'No problems; 1 warning' }).waitFor();
    expect(await page.locator('.problems li.warning[data-line="4"]').innerText()).toMatch(/can run past its last step without close or assign/);
    await page.locator('.cm-gutter-lint .cm-lint-marker-warning').first().waitFor();

    // Fixed, the problems go away and it publishes.
    await replaceText(page, options.fixed);
    await page.locator('.editor-status', { hasText: 'No problems found' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('.notice.ok', { hasText: 'Published version' }).waitFor();

    // A visitor writes on the web chat; the conversation appears on the queue board by itself (live events).
    await page.goto(`${options.url}/admin#/queue`);
    await page.locator('.column.waiting h2').waitFor();
    await page.locator('.live.on').waitFor();
    const name = '<script>alert(1)</script> Layla';
    const layla = visitor(options.url, `dashboard-${Date.now()}`, name);
    expect((await layla.say('I was charged twice <b>help</b>')).status).toBe(202);
    const card = page.locator('.column.waiting .card', { hasText: 'Layla' });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('.who').innerText()).toBe(name);
    expect(await card.innerText()).toMatch(/waiting \d+ s/);
    await shot(page, 'queue-desktop-en');

    // Its transcript: the customer's text as text; then a transfer.
    await card.locator('a').click();
    await page.locator('.transcript .message.contact').first().waitFor();
    expect(await page.locator('.transcript .message.contact .text').first().innerText()).toBe('I was charged twice <b>help</b>');
    expect(await page.locator('h1 .who').innerText()).toBe(name);
    await page.locator('#transfer-to').fill(options.transferTo);
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.locator('.details .team', { hasText: options.transferTo }).waitFor();
    await page.locator('#note-text').fill('Refund checked <i>twice</i>');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.locator('.message.note', { hasText: 'Refund checked <i>twice</i>' });
    await note.waitFor();
    expect(await note.locator('.author').innerText()).toContain('Mona'); // who wrote it: the name given at sign-in
    await shot(page, 'transcript-desktop-en');

    // Reports: a chart is drawn (pixels on its canvas).
    await page.goto(`${options.url}/admin#/reports`);
    await page.locator('.chart canvas').first().waitFor();
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.chart canvas');
      if (!canvas || canvas.width === 0) return false;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) return true;
      return false;
    });
    expect(await page.locator('a', { hasText: 'Download CSV' }).getAttribute('href')).toMatch(/^\/api\/reports\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&tz=[\w%+-]+&lang=en$/);
    await shot(page, 'reports-desktop-en');

    // History: the first version beside the current one, and a rollback to it.
    await page.goto(`${options.url}/admin#/flows/${options.flow.name}/history`);
    const versions = page.locator('.versions li');
    await versions.nth(1).waitFor();
    // What the admin published carries the name given at sign-in.
    expect(await versions.first().innerText()).toContain('by Mona');
    const oldest = versions.last();
    const oldVersion = await oldest.getAttribute('data-version');
    await oldest.locator('button').click();
    await page.locator('.diff .cm-mergeView').waitFor();
    await shot(page, 'history-desktop-en');
    await page.getByRole('button', { name: `Roll back to version ${oldVersion}` }).click();
    await page.locator('.confirm').getByRole('button', { name: `Roll back to version ${oldVersion}` }).click();
    await page.locator('.notice.ok', { hasText: 'Rolled back' }).waitFor();
    await page.locator(`.versions li.current[data-version="${oldVersion}"]`).first().waitFor();
    await page.goto(`${options.url}/admin#/flows/${options.flow.name}`);
    await page.locator('.editor .cm-content').waitFor();
    expect(await page.locator('.editor .cm-content').innerText()).not.toContain('dashboard');

    // Signing out ends the session.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#token').waitFor();
    await page.reload();
    await page.locator('#token').waitFor();
  });
}

/**
 * The same pages on a phone-sized screen in Arabic: right to left, the menu folded, nothing wider than the screen.
 * The conversation it opens is its own (a visitor writes first): it needs nothing another test left.
 */
export async function phoneInArabic(browser: Browser, options: Pick<ScenarioOptions, 'url' | 'token' | 'flow'>): Promise<void> {
  const name = `سلمى ${Date.now() % 100_000}`;
  expect((await visitor(options.url, `phone-ar-${Date.now()}`, name).say('أين طلبي؟')).status).toBe(202);
  await withPage(browser, 'phone-ar', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }, async (page) => {
    await page.goto(`${options.url}/admin`);
    await page.locator('#token').waitFor();
    await page.locator('button.lang').click();
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    await page.locator('#token').fill(options.token);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.locator('.menu-button').waitFor();
    expect(await page.locator('nav').isVisible()).toBe(false);
    // A phone browser widens its layout to fit what overflows: nothing may be wider than the 390 px screen.
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= 390 && window.innerWidth === 390);
    await page.locator('h1', { hasText: 'قائمة الانتظار' }).waitFor();
    await shot(page, 'queue-phone-ar');
    expect(await fits()).toBe(true);

    await page.locator('.menu-button').click();
    await page.locator('nav a[href="#/flows"]').click();
    await page.locator('table.list').waitFor();
    await page.locator(`a[href="#/flows/${options.flow.name}"]`).click();
    await page.locator('.editor .cm-content').waitFor();
    // The YAML stays left to right inside the right-to-left page.
    expect(await page.locator('.editor').getAttribute('dir')).toBe('ltr');
    await shot(page, 'flow-phone-ar');
    expect(await fits()).toBe(true);

    await page.goto(`${options.url}/admin#/reports`);
    await page.locator('.chart canvas').first().waitFor();
    await shot(page, 'reports-phone-ar');
    expect(await fits()).toBe(true);

    // The intents page: its eval figures (or the note that they are being computed) in Arabic.
    await page.goto(`${options.url}/admin#/nlp`);
    await page.locator('.eval h2', { hasText: 'مدى نجاح الأمثلة في تعليم البوت' }).waitFor();
    await page.locator('table.list').waitFor();
    await shot(page, 'nlp-phone-ar');
    expect(await fits()).toBe(true);

    // Once the server holds it (a web chat message is answered 202 before the conversation is stored).
    await expect.poll(async () => ((await (await fetch(`${options.url}/api/conversations?q=${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${options.token}` } })).json()) as { conversations: unknown[] }).conversations.length, { timeout: 15_000 }).toBe(1);
    await page.goto(`${options.url}/admin#/conversations`);
    await page.locator('.rows .row a', { hasText: name }).click();
    await page.locator('.transcript .message.contact', { hasText: 'أين طلبي؟' }).waitFor();
    await shot(page, 'transcript-phone-ar');
    expect(await fits()).toBe(true);
  });
}
