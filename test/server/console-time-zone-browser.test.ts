// What an agent reads in the agent console, in Chromium, of a conversation closed by an admin the moment before their
// own Close: who closed it and when, in the time zone of their browser (Riyadh here), as the console's messages' times
// are, not UTC. WhatsApp runs on a fake Graph API. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { agentToken } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { linaHoldsLayla, stopCloudsAfterEach } from './lina-on-cloud.ts';

stopCloudsAfterEach();

describe.skipIf(!hasChromium)(inChromium('Times in the agent console'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says when a conversation was closed in the browser\'s time zone', async () => {
    const { cloud } = await linaHoldsLayla();
    await withPage(browser, 'console-time-zone', { locale: 'en', timezoneId: 'Asia/Riyadh', viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', agentToken('agent-lina'));
      await page.click('#signin-button');
      await page.locator('#app').waitFor();
      await page.locator('#held li').first().click({ timeout: 20_000 });
      // Nadia closes #1 from the dashboard as Lina's Close leaves her browser.
      let closedAt: number | undefined;
      await page.route('**/agent/api/act', async (route) => {
        const res = await fetch(`${cloud.app.url}/api/conversations/1/close`, {
          method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia', 'content-type': 'application/json' }, body: JSON.stringify({ holder: 'lina' }),
        });
        expect(res.status).toBe(200);
        closedAt = Date.parse((await cloud.app.store.conversation(1))!.closedAt!);
        await route.continue();
      });
      await page.locator('#close-form button').click();
      await expect.poll(() => closedAt, { timeout: 20_000 }).toBeDefined();
      const riyadh = new Date(closedAt! + 3 * 3_600_000).toISOString();
      await page.getByText(`#1 was closed by Nadia on ${riyadh.slice(0, 10)} at ${riyadh.slice(11, 16)} Asia/Riyadh. Nothing was changed.`).waitFor({ timeout: 20_000 });
      await shot(page, 'console-time-zone-riyadh');
    });
  }, 120_000);
});
