// What an admin sees on the dashboard, in Chromium, for a conversation the server would refuse to hand back: its flow
// ended at the step that handed it over, so the bot has nothing more to say in it. Hand back shows disabled, with the
// server's reason beside it (its words, in the page's language), rather than a button that would only be refused.
// WhatsApp runs on a fake Graph API. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, signIn, withPage } from '../admin-ui/scenario.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { linaHoldsLayla, stopCloudsAfterEach } from './lina-on-cloud.ts';
import { readShown } from './shipped-in-chromium.ts';

stopCloudsAfterEach();

const WHY = 'The flow that handed #1 over (inbound) ends there: the bot has nothing more to say in it; it cannot be handed back. Close it, or transfer it.';

describe.skipIf(!hasChromium)(inChromium('Hand back on the dashboard'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows Hand back disabled, with the server\'s reason, for a conversation whose flow ended at the step that handed it over', async () => {
    // Lina's inbound flow is one assign step: Layla's #1 comes to Lina, and nothing of the flow is left after it.
    const { cloud } = await linaHoldsLayla();

    await withPage(browser, 'dashboard-hand-back', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, cloud.app.url, ADMIN_TOKEN, 'Nadia');
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      const button = page.getByRole('button', { name: 'Hand back to the bot' });
      await button.waitFor({ timeout: 20_000 });
      await expect.poll(() => readShown(page, '#no-hand-back').catch(() => ''), { timeout: 20_000 }).toBe(WHY);
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('aria-describedby')).toBe('no-hand-back');
      await shot(page, 'dashboard-hand-back-withheld');
    });

    // The reason is the server's, in each language; asked anyway (a page from before), the hand back is refused and Lina keeps Layla.
    const admin = adminClient(cloud.app.url);
    const shown = await admin.get<{ conversation: { noHandBack?: { en: string; ar: string } } }>('/conversations/1');
    expect(shown.body.conversation.noHandBack).toEqual({
      en: WHY,
      ar: 'المسار الذي سلّم المحادثة #1 (\u2068inbound\u2069) ينتهي عند تلك الخطوة: ليس لدى البوت ما يقوله بعدها؛ لا يمكن إعادتها إلى البوت. أغلقها أو حوّلها.',
    });
    const asked = await admin.post('/conversations/1/handback', {}, { 'x-requested-with': 'switchboard' });
    expect(asked.status).toBe(409);
    expect(await cloud.app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'lina' });
  }, 120_000);
});
