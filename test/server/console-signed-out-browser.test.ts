// An agent console tab left open while the agent signs out elsewhere (another tab, a script with the cookie): the
// server ends its streams at their next heartbeat, and the tab, by itself, shows the sign-in form saying it was signed
// out (English, Arabic), instead of going on showing customers' messages. Against a real Switchboard (its heartbeats
// made short), in Chromium, the console's own 15 s look taken away so that only the streams' end can tell it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('an agent console whose sign-in ended elsewhere, in Chromium', () => {
  let browser: Browser;
  let app: Switchboard;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    app = await start(await shippedDataDir(), { consoleHeartbeatMs: 300 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  for (const [locale, said] of [
    ['en', 'You were signed out (sign in at /agent (or send Authorization: Bearer <your webchat_token>)).'],
    ['ar', 'سُجّل خروجك (سجّل الدخول مجددًا).'],
  ] as const) {
    it(`shows the sign-in form by itself, saying why (${locale})`, async () => {
      const context = await browser.newContext({ locale, viewport: { width: 1100, height: 800 } });
      const page = await context.newPage();
      // Without its 15 s look, the console learns of the sign-out only from its streams.
      await page.addInitScript(() => {
        const every = window.setInterval;
        window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => (ms === 15_000 ? 0 : every(handler, ms, ...rest))) as typeof window.setInterval;
      });
      // The streams opened (200) and the console's looks at /state, in the order they were answered.
      const answered: ('stream' | 'look')[] = [];
      page.on('response', (response) => {
        if (/\/events/.test(response.url()) && response.status() === 200) answered.push('stream');
        if (response.url().endsWith('/agent/api/state')) answered.push('look');
      });
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', agentToken('agent-omar'));
      await page.click('#signin-button');
      await page.locator('#app').waitFor();
      await expect.poll(() => answered.filter((each) => each === 'stream').length, { timeout: 20_000 }).toBe(2);
      // The look the opened feed asks for (150 ms after it opens), answered before the sign-out, and the page quiet.
      await expect.poll(() => answered.lastIndexOf('look') > answered.lastIndexOf('stream'), { timeout: 20_000 }).toBe(true);
      await page.waitForLoadState('networkidle').catch(() => undefined);

      const cookie = (await context.cookies()).map((each) => `${each.name}=${each.value}`).join('; ');
      expect((await fetch(`${app.url}/agent/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);

      await page.locator('#signin').waitFor({ timeout: 20_000 });
      expect(await page.locator('#signin-error').innerText()).toBe(said);
      expect(await page.locator('#app').isVisible()).toBe(false);
      await page.screenshot({ path: `test-results/console-signed-out-elsewhere-${locale}.png` });
      await context.close();
    }, 60_000);
  }
});
