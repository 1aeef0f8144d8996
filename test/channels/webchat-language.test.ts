// The language of a web chat page whose link chooses one (`?lang=ar`, an embed's `data-lang="ar"`) is the chat's:
// the bot greets and asks in it even when the visitor writes Latin letters, as a Telegram app's language does. A page
// in the browser's language chooses nothing, and the bot goes by the visitor's words. Skipped in Chromium, saying
// so, where Chromium is not installed; the API's part runs everywhere.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

const ARABIC = /\p{Script=Arabic}/u;
const running: Switchboard[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
  await cleanupDirs();
});

async function shipped(): Promise<Switchboard> {
  const app = await start(await shippedDataDir());
  running.push(app);
  return app;
}

/** Starts a session with `body`, says `text`, and answers what the bot said first. */
async function firstReply(app: Switchboard, body: Record<string, unknown>, text: string): Promise<string> {
  const made = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(made.status).toBe(201);
  const { session, token } = (await made.json()) as { session: string; token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  expect((await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers, body: JSON.stringify({ text }) })).status).toBe(202);
  for (let tries = 0; tries < 100; tries++) {
    const { messages } = (await (await fetch(`${app.url}/webchat/${session}/messages`, { headers })).json()) as { messages: { from: string; text: string }[] };
    const said = messages.find((message) => message.from === 'bot');
    if (said) return said.text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the bot said nothing');
}

describe('the language of a web chat page that chooses one', () => {
  it('is the contact\'s: the bot answers "hello" in Arabic on an Arabic page, in English on a page that chose none, and Arabic words in Arabic', async () => {
    const app = await shipped();
    const arabic = await firstReply(app, { name: 'Layla', language: 'ar' }, 'hello');
    expect(arabic).toMatch(ARABIC);
    expect(arabic).toContain('Layla');
    expect(await firstReply(app, { name: 'Sam' }, 'hello')).not.toMatch(ARABIC);
    expect(await firstReply(app, { name: 'Huda' }, 'مرحبا')).toMatch(ARABIC);
  });

  it('refuses a language that is no language tag, and starts nothing', async () => {
    const app = await shipped();
    const res = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: 'arabic please' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ kind: 'badRequest', error: expect.stringContaining('language must be a language tag') });
  });
});

describe.skipIf(!hasChromium)(hasChromium ? 'the web chat page\'s language in Chromium' : `the web chat page's language in Chromium: SKIPPED, no Chromium at ${CHROMIUM}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('greets a visitor of /?lang=ar in Arabic though their browser is English and they write "hi"; an English browser on the plain link in English', async () => {
    const app = await shipped();
    const greeting = async (path: string) => {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 400, height: 700 } });
      const page = await context.newPage();
      await page.goto(`${app.url}${path}`);
      await page.fill('#name', 'Layla');
      await page.click('#start');
      await page.fill('#text', 'hi');
      await page.press('#text', 'Enter');
      // What the bot wrote, not the bubble's "Bot" (in the page's language).
      const said = page.locator('.msg.bot .text').first();
      await said.waitFor();
      const text = await said.innerText();
      await page.screenshot({ path: `/tmp/switchboard-webchat-language${path.replace(/\W+/g, '-')}.png` });
      await context.close();
      return text;
    };
    expect(await greeting('/?lang=ar')).toMatch(ARABIC);
    expect(await greeting('/')).not.toMatch(ARABIC);
  }, 60_000);
});
