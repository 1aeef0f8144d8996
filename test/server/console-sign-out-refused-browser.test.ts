// An agent who signs out of the console while Switchboard cannot reach its store (a database restarting): the sign-out
// cannot be kept, so it is not done, and the console says so in the agent's language (English, Arabic), staying open,
// instead of showing the sign-in form ("Signed out.") over a sign-in that still opens everything. Once the store is
// back, the same click signs out. A real Switchboard in Chromium; screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withPage } from '../admin-ui/scenario.ts';
import { agentToken } from '../helpers.ts';
import { readShown, withShippedSwitchboard } from './shipped-in-chromium.ts';

describe.skipIf(!hasChromium)(inChromium('signing out of the console while the store is out of reach'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  for (const [locale, said] of [
    ['en', 'You are still signed in: Switchboard cannot do this right now (it is starting, or cannot reach its store); nothing was done. Try again in 5 s.'],
    ['ar', 'ما زلت مسجّل الدخول: يتعذّر على Switchboard تنفيذ هذا الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه)؛ لم يُنفَّذ شيء. أعد المحاولة بعد 5 ثوانٍ.'],
  ] as const) {
    it(`says the agent is still signed in, and signs out once the store is back (${locale})`, () => withPage(browser, `console-sign-out-refused-${locale}`, { locale, viewport: { width: 1100, height: 720 } }, async (page) => {
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', agentToken('agent-lina'));
      await page.click('#signin-button');
      await page.locator('#app').waitFor();
      await page.evaluate(() => { document.getElementById('result')!.textContent = ''; });

      const real = app.store.transaction;
      app.store.transaction = (() => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'))) as typeof real;
      try {
        const answered = page.waitForResponse((response) => response.url().endsWith('/agent/logout'));
        await page.click('#logout');
        const refused = await answered;
        expect(refused.status()).toBe(503);
        expect(await refused.json()).toEqual({ error: 'you are still signed in: Switchboard cannot reach its store to keep your sign-out; nothing was done, try again shortly', kind: 'unavailable' });
        await expect.poll(() => readShown(page, '#result')).toBe(said);
        expect(await page.locator('#app').isVisible()).toBe(true);
        expect(await page.locator('#signin').isVisible()).toBe(false);
        await shot(page, `console-sign-out-refused-${locale}`);
      } finally {
        app.store.transaction = real;
      }
      // The sign-in indeed still holds.
      const cookie = (await page.context().cookies()).map((each) => `${each.name}=${each.value}`).join('; ');
      expect((await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).status).toBe(200);

      await page.click('#logout');
      await page.locator('#signin').waitFor();
      expect((await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).status).toBe(401);
    }));
  }
});
