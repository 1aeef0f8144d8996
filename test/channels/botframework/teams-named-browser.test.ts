// A customer writing from Microsoft Teams and one from Web Chat, both on the Bot Framework channel, as an agent reads
// them in the agent console and an admin on the dashboard (queue, conversations, a conversation's details), in
// Chromium: the Teams customer is on "Teams", the Web Chat one on "Bot Framework", in English and Arabic.
// Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../../admin-ui/scenario.ts';
import { agentToken, cleanupDirs } from '../../helpers.ts';
import { ADMIN_TOKEN } from '../../server/admin/client.ts';
import { ASSIGN_FLOW, fixture, settled, startBotFramework, webchatText, type BotFrameworkServer } from './harness.ts';

const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';

/** What a person reads in `selector`, each match (the isolates that keep Latin words in place are invisible). */
const readAll = async (page: Page, selector: string) => (await page.locator(selector).allInnerTexts()).map((text) => text.replace(/[\u2066-\u2069]/g, '').trim());

describe.skipIf(!hasChromium)(inChromium('a Teams customer in the agent console and on the dashboard'), () => {
  let browser: Browser;
  let bf: BotFrameworkServer;
  withChromium(
    async () => {
      const started = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team, config: { ADMIN_TOKEN } });
      return { bf: started, stop: async () => { await started.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, server: { bf } } = running),
  );

  it('names the Teams customer\'s channel "Teams" and the Web Chat one\'s "Bot Framework", in English and Arabic', async () => {
    // Jonas writes from Teams (#1), Amira from Web Chat (#2); both wait in Billing's queue.
    expect((await bf.post({ ...fixture('teams-message'), serviceUrl: bf.service.serviceUrl('teams'), text: 'My invoice is wrong' })).status).toBe(200);
    expect((await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')))).status).toBe(200);
    await settled(bf);
    expect((await bf.app.store.conversations()).map((conversation) => conversation.stage)).toEqual(['queued', 'queued']);

    for (const locale of ['en-US', 'ar'] as const) {
      await withPage(browser, `console-teams-${locale}`, { locale, viewport: { width: 1100, height: 700 } }, async (page) => {
        await page.goto(`${bf.app.url}/agent`);
        await page.fill('#token', agentToken('agent-lina'));
        await page.click('#signin-button');
        await page.locator('#app').waitFor();
        for (const [id, name, channel] of [[1, 'Jonas', 'Teams'], [2, 'Amira', 'Bot Framework']] as const) {
          await page.locator(`li[data-id="${id}"]`).first().click();
          await page.locator('#title', { hasText: name }).waitFor();
          expect((await readAll(page, '#title'))[0]!.split(' · ').at(-1)).toBe(channel);
          await shot(page, `console-teams-${locale}-${id}`);
        }
      });
    }

    for (const locale of ['en-US', 'ar'] as const) {
      await withPage(browser, `dashboard-teams-${locale}`, { locale, viewport: { width: 1100, height: 700 } }, async (page) => {
        await page.goto(`${bf.app.url}/admin`);
        await page.locator('#token').fill(ADMIN_TOKEN);
        await page.locator('form button[type="submit"]').first().click();
        // The queue board: each waiting customer's card names their channel.
        await page.locator('.conversation-card[data-id="2"]').waitFor();
        expect(await readAll(page, '.conversation-card[data-id="1"] .badge')).toEqual(['Teams']);
        expect(await readAll(page, '.conversation-card[data-id="2"] .badge')).toEqual(['Bot Framework']);
        await shot(page, `dashboard-teams-queue-${locale}`);
        // The conversations list.
        await page.goto(`${bf.app.url}/admin#/conversations`);
        await page.locator('.rows .row[data-id="2"]').waitFor();
        expect(await readAll(page, '.rows .row[data-id="1"] .badge')).toContain('Teams');
        expect(await readAll(page, '.rows .row[data-id="2"] .badge')).toContain('Bot Framework');
        expect(await readAll(page, '.rows .row[data-id="1"] .badge')).not.toContain('Bot Framework');
        await shot(page, `dashboard-teams-list-${locale}`);
        // A conversation's details: Channel is its fourth line.
        for (const [id, channel] of [[1, 'Teams'], [2, 'Bot Framework']] as const) {
          await page.goto(`${bf.app.url}/admin#/conversations/${id}`);
          await expect.poll(async () => (await readAll(page, '.details dd'))[3], { timeout: 10_000 }).toBe(channel);
          await shot(page, `dashboard-teams-details-${locale}-${id}`);
        }
      });
    }
  }, 120_000);
});
