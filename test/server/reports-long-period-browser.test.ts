// A period longer than the reports draw by day (366 days) picked on the Reports page: the charts start later than
// the period and the page says from when, and that the figures and tables count all of it. Against a real
// Switchboard, in Chromium, in English and Arabic; screenshots go to test-results/admin-ui/. Skipped, saying so,
// without Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { hasChromium, inChromium, launch, shot } from '../admin-ui/scenario.ts';

const TOKEN = 'long-period-token-0123456789abcdef';

describe.skipIf(!hasChromium)(inChromium('a period of more than a year on the Reports page, in Chromium'), () => {
  let browser: Browser;
  let app: Switchboard;

  beforeAll(async () => {
    browser = await launch();
    app = await start(await shippedDataDir(), { adminToken: TOKEN, now: () => new Date('2026-12-07T10:00:00Z') });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  for (const [locale, width, words] of [
    ['en', 1280, { from: 'The charts draw the last 366 days of the period, from Dec 7, 2025', whole: 'count the whole period' }],
    ['ar', 390, { from: 'ترسم الرسوم البيانية آخر 366 يومًا من الفترة، من 7 ديسمبر 2025', whole: 'تحسب الفترة كلها' }],
  ] as const) {
    it(`says from which day the charts draw, and only when they start after the period (${locale}, ${width} px)`, async () => {
      const context = await browser.newContext({ locale, viewport: { width, height: 1000 }, timezoneId: 'UTC' });
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date('2026-12-07T10:00:00Z'));
      await page.goto(`${app.url}/admin`);
      await page.fill('#token', TOKEN);
      await page.locator('form button[type="submit"]').click();
      await page.goto(`${app.url}/admin#/reports`);
      await page.locator('.figures').waitFor();
      // The last 14 days: drawn whole, nothing said.
      await page.locator('.chart').first().waitFor();
      expect(await page.locator('.charts-from').count()).toBe(0);

      await page.locator('input[name=from]').fill('2024-06-01');
      const asked = page.waitForResponse((res) => res.url().includes('/api/reports?') && res.url().includes('from=2024-06-01'));
      await page.locator('form.filters button[type=submit]').click();
      await asked;
      const said = page.locator('.charts-from');
      await said.waitFor();
      const text = (await said.innerText()).replace(/[\u2066-\u2069]/g, '');
      expect(text).toContain(words.from);
      expect(text).toContain(words.whole);
      await shot(page, `reports-long-period-${locale}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await context.close();
    }, 90_000);
  }
});
