// What an admin in Riyadh sees on the dashboard, in Chromium (its time zone Asia/Riyadh), when a decision of theirs
// lands on a conversation a colleague closed since their screen showed it: the refusal says who closed it and when, on
// the admin's clock, as the Reports page counts the admin's days, not in UTC; the conversation view's Closed time too.
// WhatsApp runs on a fake Graph API. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, signIn, withPage } from '../admin-ui/scenario.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { linaHoldsLayla, stopCloudsAfterEach } from './lina-on-cloud.ts';
import { readShown } from './shipped-in-chromium.ts';

stopCloudsAfterEach();

/** The day (`2026-12-07`) and clock (`05:41`) a wall clock in Riyadh shows at ISO time `at`. */
function inRiyadh(at: string): { day: string; clock: string } {
  const shifted = new Date(Date.parse(at) + 3 * 3_600_000).toISOString();
  return { day: shifted.slice(0, 10), clock: shifted.slice(11, 16) };
}

describe.skipIf(!hasChromium)(inChromium('a decision on a conversation closed since, in the admin\'s time zone'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says when a colleague closed it on the admin\'s clock (Asia/Riyadh), not in UTC', async () => {
    const { cloud } = await linaHoldsLayla();

    await withPage(browser, 'dashboard-closed-since', { locale: 'en', timezoneId: 'Asia/Riyadh', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, cloud.app.url, ADMIN_TOKEN, 'Rania');
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      await page.locator('#transfer-to').waitFor({ timeout: 20_000 });

      // From now the page's looks at #1 hang (a slow network): it still shows it open with Lina.
      const stale = (url: URL) => url.pathname === '/api/conversations/1';
      await page.route(stale, () => undefined);
      // Nadia closes #1 from her own dashboard; Rania, whose screen still shows it open, transfers it.
      const closed = await adminClient(cloud.app.url).post('/conversations/1/close', { holder: 'lina' }, { 'x-admin-name': 'Nadia', 'x-requested-with': 'switchboard' });
      expect(closed.status).toBe(200);
      const closedAt = (await cloud.app.store.conversation(1))!.closedAt!;
      const { day, clock } = inRiyadh(closedAt);
      await page.locator('#transfer-to').fill('Billing');
      await page.getByRole('button', { name: 'Transfer', exact: true }).click();
      const refusal = page.locator('.notice.error', { hasText: 'was closed by' });
      await refusal.waitFor({ timeout: 20_000 });
      expect(await refusal.innerText()).toBe(`#1 was closed by Nadia on ${day} at ${clock} Asia/Riyadh. Nothing was changed.`);
      await shot(page, 'dashboard-closed-since-riyadh');

      // The conversation view says the same time: its Closed is on the admin's clock.
      await page.unroute(stale);
      await page.reload();
      const shownClosed = new Date(closedAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Riyadh' });
      await expect.poll(() => readShown(page, 'dl').catch(() => ''), { timeout: 20_000 }).toContain(shownClosed);
    });

    // A zone that is none is refused, saying what to send; nothing changes.
    const bad = await adminClient(cloud.app.url).post('/conversations/1/note?tz=Mars%2FOlympus', { text: 'hello' }, { 'x-requested-with': 'switchboard' });
    expect(bad).toMatchObject({ status: 422, body: { error: expect.stringContaining('tz: must be a time zone such as Asia/Riyadh or UTC') } });
  }, 120_000);
});
