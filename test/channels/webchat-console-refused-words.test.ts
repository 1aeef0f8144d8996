// What the agent console in Chromium says when the server refuses a sign-in: the console's own words for the answer's
// `kind` (a wrong token, a text that is no token, too many attempts with the wait, Switchboard starting) in the
// agent's language, never the server's English on an Arabic console. Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

const LINA_TOKEN = 'lina-console-token-0123456789';

/** Switchboard starting: the console counts down to its next try by itself (read within the first seconds). */
const STARTING_AR = /^تعذّر تسجيل دخولك الآن \(يجري تشغيل Switchboard، أو تعذّر عليه الوصول إلى مخزنه\)\. ستُعاد المحاولة تلقائيًا بعد (\d+ ثوانٍ|ثانيتين|ثانية)…$/;
const STARTING_EN = /^Switchboard cannot sign you in right now \(it is starting, or cannot reach its store\)\. Trying again by itself in \d s…$/;

/**
 * Opens the console at its sign-in. The web chat alone has no console API (src/server/agent-console.ts): its state is
 * answered as that API answers an agent not signed in.
 */
async function openConsole(page: Page, url: string): Promise<void> {
  await page.route('**/agent/api/state', (route) => route.fulfill({ status: 401, json: { error: 'sign in at /agent (or send Authorization: Bearer <your webchat_token>)', kind: 'unauthorized' } }));
  await page.goto(`${url}/agent`);
  await page.locator('#token').waitFor();
}

/** Signs in with `token` and waits for the console to say why it was refused. */
async function signInRefused(page: Page, token: string): Promise<string> {
  await page.evaluate(() => {
    document.getElementById('signin-error')!.textContent = '';
  });
  await page.fill('#token', token);
  await page.click('#signin-button');
  await page.waitForFunction(() => document.getElementById('signin-error')?.textContent !== '');
  return page.locator('#signin-error').innerText();
}

describe.skipIf(!hasChromium)(inChromium('the agent console\'s words for a refused sign-in'), () => {
  let browser: Browser;
  let chat: WebchatHarness;
  let starting = false;
  // Three sign-in attempts an hour from an address: the fourth waits 20 minutes.
  withChromium(
    () => webchatHarness({
      agents: [{ id: 'agent-lina', name: 'Lina', session: 'agent-lina', token: LINA_TOKEN }],
      loginRate: { count: 3, perMs: 3_600_000 },
      starting: () => starting,
    }),
    (running) => ({ browser, server: chat } = running),
  );

  it('says in Arabic on an Arabic console why it did not sign the agent in, never the server\'s English', () => withPage(browser, 'console-sign-in-refused-ar', { locale: 'ar', viewport: { width: 1024, height: 640 } }, async (page) => {
    await openConsole(page, chat.url);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');

    // A token no agent has: 401 unauthorized.
    expect(await signInRefused(page, 'not-a-token-at-all-0123456789')).toBe('لا يفتح هذا الرمز حساب أي موظف.');
    await shot(page, 'console-sign-in-wrong-token-ar');
    // What is no token at all: longer than any (400 badRequest from the sign-in), or a body that is not JSON (400
    // badRequest from the server itself; made here by changing what the page sends).
    expect(await signInRefused(page, 'x'.repeat(600))).toBe('هذا ليس رمز تسجيل دخول: الصق \u2068webchat_token\u2069 من \u2068team.yaml\u2069 كما هو.');
    await shot(page, 'console-sign-in-not-a-token-ar');
    await page.route('**/agent/login', (route) => route.continue({ postData: '{"token": ' }));
    expect(await signInRefused(page, LINA_TOKEN)).toBe('هذا ليس رمز تسجيل دخول: الصق \u2068webchat_token\u2069 من \u2068team.yaml\u2069 كما هو.');
    await page.unroute('**/agent/login');

    // Switchboard starting (503 unavailable, counted as no attempt).
    starting = true;
    try {
      expect(await signInRefused(page, LINA_TOKEN)).toMatch(STARTING_AR);
      await shot(page, 'console-sign-in-starting-ar');
    } finally {
      starting = false;
    }

    // Past the address's attempts (the refused ones counted), even with the right token: 429, the wait in the console's words.
    expect(await signInRefused(page, LINA_TOKEN)).toBe('محاولات كثيرة؛ أعد المحاولة بعد 20 دقيقة.');
    await shot(page, 'console-sign-in-too-many-ar');
    expect(await page.locator('#app').isHidden()).toBe(true);
  }));

  it('says in English on an English console why it did not sign the agent in, in the console\'s words', () => withPage(browser, 'console-sign-in-refused-en', { locale: 'en-US', viewport: { width: 1024, height: 640 } }, async (page) => {
    await openConsole(page, chat.url);
    expect(await signInRefused(page, LINA_TOKEN)).toBe('Too many attempts; try again in 20 min.');
    starting = true;
    try {
      expect(await signInRefused(page, LINA_TOKEN)).toMatch(STARTING_EN);
    } finally {
      starting = false;
    }
  }));

  it('words a refused sign-in again, and keeps it, when the agent switches the console\'s language', () => withPage(browser, 'console-sign-in-refused-switch', { locale: 'en-US', viewport: { width: 1024, height: 640 } }, async (page) => {
    await openConsole(page, chat.url);
    const language = page.locator('#signin button.lang');
    // Switchboard starting: the console's own words, said again in the language the agent switches to, and back.
    starting = true;
    try {
      expect(await signInRefused(page, LINA_TOKEN)).toMatch(STARTING_EN);
    } finally {
      starting = false;
    }
    await language.click();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#signin-error').innerText()).toMatch(STARTING_AR);
    await shot(page, 'console-sign-in-refused-switched-ar');
    await language.click();
    expect(await page.locator('#signin-error').innerText()).toMatch(STARTING_EN);

    // Switchboard out of reach, on an Arabic console switched to English.
    await language.click();
    await page.route('**/agent/login', (route) => route.abort());
    expect(await signInRefused(page, LINA_TOKEN)).toBe('تعذّر الوصول إلى Switchboard؛ تحقّق من الاتصال.');
    await page.unroute('**/agent/login');
    await language.click();
    expect(await page.locator('#signin-error').innerText()).toBe('Switchboard cannot be reached; check the connection.');
    await shot(page, 'console-sign-in-unreachable-switched-en');
  }));
});
