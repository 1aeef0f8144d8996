// What an admin sees on the dashboard, in Chromium, while agents' replies wait for their channel (WhatsApp's API
// down): a banner above every page, in the admin's language, saying how many wait (those behind the one being tried
// for the same customer too), on which channel, since when and
// what the channel last said; told by the live stream, and gone once they went. WhatsApp runs on a fake Graph API.
// Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, signInLive, withPage } from '../admin-ui/scenario.ts';
import { messagesBody, text as cloudText } from '../channels/whatsapp-cloud/harness.ts';
import { eventually, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { LAYLA, startLinaCloud, stopCloudsAfterEach } from './lina-on-cloud.ts';
import { readShown } from './shipped-in-chromium.ts';

const read = readShown;
stopCloudsAfterEach();

describe.skipIf(!hasChromium)(inChromium('the dashboard while replies wait for their channel'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says above every page, in Arabic and in English, how many replies wait for WhatsApp, since when and why; gone once they went', async () => {
    const cloud = await startLinaCloud({ outbox: { retryDelaysMs: [50, 200] } });
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('Is my order on its way?')), 15_000);
    await eventually(() => cloud.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), 15_000);

    // WhatsApp's API is down: Lina's answer waits.
    cloud.graph.fail(1_000_000, { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'AbCdEf' } } });
    await lina.say('Yes, it left yesterday.');
    // A second answer waits behind the first, for the same customer: counted too.
    await lina.say('It should reach you tomorrow.');

    await withPage(browser, 'dashboard-replies-waiting', { locale: 'ar', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, cloud.app.url, ADMIN_TOKEN);
      const banner = page.locator('main .waiting-replies');
      await expect.poll(() => banner.count().then((n) => (n > 0 ? read(page, 'main .waiting-replies') : '')), { timeout: 20_000 }).toContain('ردود لم تُرسل بعد: 2.');
      const ar = await read(page, 'main .waiting-replies');
      expect(ar).toMatch(/WhatsApp: 2، أولها ينتظر منذ .+\./);
      expect(await read(page, 'main .waiting-replies code')).toBe('Service temporarily unavailable (#2)');
      // Read right to left: the channel's name first (rightmost), then its figure, not "2 :WhatsApp".
      const placed = await page.locator('main .waiting-replies li[data-channel="whatsapp-cloud"]').evaluate((li) => {
        const text = li.firstChild as Text;
        const at = (word: string) => {
          const range = document.createRange();
          const start = text.data.indexOf(word);
          range.setStart(text, start);
          range.setEnd(text, start + word.length);
          return range.getBoundingClientRect();
        };
        const [name, figure] = [at('WhatsApp'), at('2')];
        return { nameLeft: name.left, figureRight: figure.right };
      });
      expect(placed.nameLeft).toBeGreaterThan(placed.figureRight);
      await shot(page, 'dashboard-replies-waiting-ar');

    });
    await withPage(browser, 'dashboard-replies-waiting-en', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, cloud.app.url, ADMIN_TOKEN);
      const banner = page.locator('main .waiting-replies');
      await banner.waitFor({ timeout: 20_000 });
      const en = await read(page, 'main .waiting-replies');
      expect(en).toContain('Replies not sent yet: 2. They wait for their channel and go by themselves once it takes them; their agents were told.');
      expect(en).toMatch(/WhatsApp: 2, the first waiting since .+\./);
      await shot(page, 'dashboard-replies-waiting-en');

      // WhatsApp is back: the answer goes, and the banner leaves with no reload.
      cloud.graph.recover();
      await eventually(() => cloud.graph.saidTo(LAYLA).includes('It should reach you tomorrow.'), 20_000);
      await banner.waitFor({ state: 'detached', timeout: 20_000 });
    });
  }, 120_000);
});
