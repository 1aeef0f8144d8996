// The Reports page in Chromium against the fake admin API, as an admin reads it: what resolution time is over and
// what it leaves out. Screenshots go to test-results/admin-ui/. Skipped, saying so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { FLOW } from './flows.ts';
import { CHROMIUM, hasChromium, launch, shot, signIn, withPage } from './scenario.ts';

const title = hasChromium
  ? 'the Reports page in Chromium'
  : `the Reports page in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

/** Signs in (in Arabic when asked) and opens Reports once its charts are drawn. */
async function reports(page: Page, fake: FakeApi, arabic = false): Promise<void> {
  await signIn(page, fake.url, fake.token);
  if (arabic) await page.locator('button.lang').click();
  await page.goto(`${fake.url}/admin#/reports`);
  await page.locator('.figures').waitFor();
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;

  beforeAll(async () => {
    browser = await launch();
    fake = await startFakeApi({ flows: { inbound: FLOW } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fake?.stop();
  });

  it('says resolution time is over the conversations a person closed, and how many the bot and inactivity closed', async () => {
    fake.setReport({ total: { closed: 17, resolved: 12, closedByBot: 3, autoClosed: 2, resolution: { count: 12, median: 1500, p90: 4000 } } });
    await withPage(browser, 'reports-resolution', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake);
      const resolution = page.locator('.figure', { hasText: 'Resolution (median)' });
      expect(await resolution.innerText()).toBe('25 min\nResolution (median)\nover 12 closed by an agent or admin');
      expect(await page.locator('.not-resolved').innerText()).toBe('Resolution time leaves out 3 closed by the bot (a flow\u2019s close) and 2 closed after inactivity.');
      await shot(page, 'reports-resolution-en');
    });
    await withPage(browser, 'reports-resolution-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake, true);
      expect(await page.locator('.figure', { hasText: 'مدة الحل' }).innerText()).toContain('من 12 أغلقها موظف أو مشرف');
      expect(await page.locator('.not-resolved').innerText()).toContain('3 أغلقها البوت');
      await shot(page, 'reports-resolution-ar');
    });
  }, 60_000);
});
