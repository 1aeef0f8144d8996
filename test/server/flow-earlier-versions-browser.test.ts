// What the dashboard's Flows list tells an admin about the customers a publish does not reach: they finish on the
// version they started on, and a flow whose file was removed on disk still runs for them. Against a real Switchboard,
// in Chromium, in English and Arabic; screenshots go to test-results/admin-ui/. Skipped, saying so, without Chromium.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { hasChromium, inChromium, launch, shot } from '../admin-ui/scenario.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

describe.skipIf(!hasChromium)(inChromium('customers on an earlier version of a flow, in the dashboard, in Chromium'), () => {
  let browser: Browser;
  const running: Switchboard[] = [];

  beforeAll(async () => {
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const app of running) await app.stop();
    await cleanupDirs();
  });

  const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

  for (const [locale, width, words] of [
    ['en', 1280, { earlier: '2 still on an earlier version, which they finish on', removed: 'File removed', running: 'Customers who started on it finish on the version they began' }],
    ['ar', 390, { earlier: 'ما زالت 2 على إصدار سابق وتُكمل عليه', removed: 'الملف محذوف', running: 'يُكمل العملاء الذين بدؤوا عليه على الإصدار الذي بدؤوا به' }],
  ] as const) {
    it(`says how many customers finish on an earlier version, and keeps a removed flow listed while they do (${locale}, ${width} px)`, async () => {
      const data = await shippedDataDir();
      const app = await start(data, { adminToken: ADMIN_TOKEN });
      running.push(app);
      await visitor(app.url, `layla-${locale}`, 'Layla').say('hi');
      await visitor(app.url, `laila-${locale}`, 'ليلى').say('مرحبا');
      const admin = adminClient(app.url);
      const { version, source } = (await admin.get<{ version: string; source: string }>('/flows/inbound')).body;
      expect((await admin.put('/flows/inbound', { source: source.replace('How can we help you today?', 'What can we do for you today?'), baseVersion: version })).status).toBe(200);
      // A third customer begins on the version just published.
      await visitor(app.url, `sam-${locale}`, 'Sam').say('hi');
      const inbound = async () => (await admin.get<{ flows: { name: string; openConversations: number; onThisVersion?: number }[] }>('/flows')).body.flows.find((flow) => flow.name === 'inbound');
      await expect.poll(async () => (await inbound())?.openConversations, { timeout: 15_000 }).toBe(3);

      const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${app.url}/admin`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.locator('form button[type="submit"]').click();
      await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
      await page.goto(`${app.url}/admin#/flows`);
      await page.locator('tr[data-flow="inbound"] .on-earlier').waitFor();
      expect(await read(page, 'tr[data-flow="inbound"] .on-earlier')).toBe(words.earlier);
      // Before: the row of the version just published said 3, two of the customers being on the one before it.
      expect(await read(page, 'tr[data-flow="inbound"] .on-this')).toBe('1');
      await shot(page, `flow-earlier-versions-${locale}`);

      // Removed on disk: the flow stays listed while its customers finish on it.
      await rm(join(data, 'flows', 'inbound.yaml'));
      await app.flows.reload();
      await page.reload();
      await page.locator('tr[data-flow="inbound"] .badge', { hasText: words.removed }).waitFor();
      expect(await read(page, 'tr[data-flow="inbound"] .on-this')).toBe('3');
      expect(await read(page, 'tr[data-flow="inbound"]')).toContain(words.running);
      expect(await page.locator('tr[data-flow="inbound"] a').getAttribute('href')).toBe('#/flows/inbound/history');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `flow-removed-still-running-${locale}`);
      // Its history is where the admin finds the versions the customers finish on, and may bring one back.
      await page.locator('tr[data-flow="inbound"] a').click();
      await page.locator('.history').waitFor();
      await shot(page, `flow-removed-history-${locale}`);
      await context.close();
    }, 90_000);
  }
});
