// What an agent sees in the agent console, in Chromium, for a conversation of theirs the server would refuse to hand
// back: its flow ended at the step that handed it over, so the bot has nothing more to say in it. Hand back to the bot
// shows disabled, with the server's reason beside it (its words, in the page's language), as the dashboard shows it,
// rather than a button that would only be refused. WhatsApp runs on a fake Graph API. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { agentToken } from '../helpers.ts';
import { linaHoldsLayla, stopCloudsAfterEach } from './lina-on-cloud.ts';
import { readShown } from './shipped-in-chromium.ts';

stopCloudsAfterEach();

const WHY = 'The flow that handed #1 over (inbound) ends there: the bot has nothing more to say in it; it cannot be handed back. Close it, or transfer it.';

describe.skipIf(!hasChromium)(inChromium('Hand back in the agent console'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows Hand back disabled, with the server\'s reason, for a conversation whose flow ended at the step that handed it over', async () => {
    // Lina's inbound flow is one assign step: Layla's #1 comes to Lina, and nothing of the flow is left after it.
    const { cloud, lina } = await linaHoldsLayla();

    await withPage(browser, 'console-hand-back', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', agentToken('agent-lina'));
      await page.click('#signin-button');
      await page.locator('#app').waitFor();
      await page.locator('#held li').first().click({ timeout: 20_000 });
      const button = page.getByRole('button', { name: 'Hand back to the bot' });
      await button.waitFor({ timeout: 20_000 });
      await expect.poll(() => readShown(page, '#no-hand-back').catch(() => ''), { timeout: 20_000 }).toBe(WHY);
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('aria-describedby')).toBe('no-hand-back');
      // Close and Transfer, which the reason points to, are offered.
      expect(await page.getByRole('button', { name: 'Close', exact: true }).isEnabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Transfer', exact: true }).isEnabled()).toBe(true);
      await shot(page, 'console-hand-back-withheld');
    });

    // The reason is the server's, in the console's language: Arabic for an Arabic page.
    const state = await fetch(`${cloud.app.url}/agent/api/state`, { headers: { authorization: `Bearer ${agentToken('agent-lina')}`, 'accept-language': 'ar' } });
    expect(state.status).toBe(200);
    const { held } = await state.json() as { held: { id: number; noHandBack?: string }[] };
    expect(held).toEqual([expect.objectContaining({
      id: 1,
      noHandBack: 'المسار الذي سلّم المحادثة #1 (\u2068inbound\u2069) ينتهي عند تلك الخطوة: ليس لدى البوت ما يقوله بعدها؛ لا يمكن إعادتها إلى البوت. أغلقها أو حوّلها.',
    })]);
    expect(await cloud.app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'lina' });
  }, 120_000);
});
