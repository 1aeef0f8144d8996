// The agent console's "Yours" list names each conversation's team when the agent works in more than one: on the
// shipped flow, a route titled as its team (Billing → Billing) is no topic, so nothing else on the row tells Omar
// (Billing and Support) which team a customer came from. A real server on the shipped data, web chat customers,
// Chromium. Skipped, saying so, where Chromium is not installed.
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';

afterAll(cleanupDirs);

describe.skipIf(!hasChromium)(inChromium('the agent console names the team on each row of Yours'), () => {
  let browser: Browser;
  let app: Switchboard;
  withChromium(async () => {
    app = await start(await shippedDataDir());
    await app.intents.ready();
    return app;
  }, (running) => ({ browser } = running));

  it('shows Omar (Billing, Support) the team of each conversation he holds', async () => {
    await withPage(browser, 'console-held-team', { viewport: { width: 1100, height: 800 } }, async (page) => {
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', agentToken('agent-omar'));
      await page.click('#signin-button');
      await page.click('#online');
      await page.locator('#result:not(:empty)').waitFor();
      for (const [who, need] of [['Dina', 'I was charged twice this month'], ['Fadi', 'the app crashes when I log in']] as const) {
        const customer = visitor(app.url, `held-team-${who}`, who);
        for (const text of ['hello', `${who.toLowerCase()}@example.com`, need]) expect((await customer.say(text)).status).toBe(202);
        await page.locator('#held li', { hasText: who }).waitFor({ timeout: 20_000 });
      }
      const excerpt = (who: string) => page.locator('#held li', { hasText: who }).locator('.excerpt').innerText();
      // Before: 'I was charged twice this month' alone, and the same for Support's customer: no team anywhere.
      await expect.poll(() => excerpt('Dina'), { timeout: 10_000 }).toBe('Billing · I was charged twice this month');
      await expect.poll(() => excerpt('Fadi'), { timeout: 10_000 }).toBe('Support · the app crashes when I log in');
      await shot(page, 'console-held-team');
      // Away: the next Billing customer goes to Lina.
      await page.click('#away');
      await expect.poll(() => page.locator('#status-now').innerText(), { timeout: 10_000 }).toBe('away');
    });
    await withPage(browser, 'console-held-team-one', { viewport: { width: 1100, height: 800 } }, async (page) => {
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', agentToken('agent-lina'));
      await page.click('#signin-button');
      await page.click('#online');
      await page.locator('#result:not(:empty)').waitFor();
      const customer = visitor(app.url, 'held-team-Hala', 'Hala');
      for (const text of ['hello', 'hala@example.com', 'I was charged twice this month']) expect((await customer.say(text)).status).toBe(202);
      const row = page.locator('#held li', { hasText: 'Hala' });
      await row.waitFor({ timeout: 20_000 });
      // Lina works in Billing alone: her row is as it was.
      await expect.poll(() => row.locator('.excerpt').innerText(), { timeout: 10_000 }).toBe('I was charged twice this month');
    });
  }, 120_000);
});
