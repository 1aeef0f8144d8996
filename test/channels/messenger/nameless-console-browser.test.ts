// Two Messenger customers whose profiles Meta does not hand over, in the agent console's queue, in Chromium: each is
// "Customer" and the start of their contact id, as on the agents' cards, so the agent tells them apart; in Arabic
// too; on the dashboard, each is "Unnamed contact" and the same tag. Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../../admin-ui/scenario.ts';
import { agentToken, cleanupDirs } from '../../helpers.ts';
import { ADMIN_TOKEN } from '../../server/admin/client.ts';
import { metaError } from '../meta/fake-graph-api.ts';
import { PSID, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const OTHER = '6789012345670002';

/** What a person reads in `selector`, each match (the isolates that keep Latin words in place are invisible). */
const readAll = async (page: Page, selector: string) => (await page.locator(selector).allInnerTexts()).map((text) => text.replace(/[\u2066-\u2069]/g, '').trim());

describe.skipIf(!hasChromium)(inChromium('nameless Messenger customers in the agent console'), () => {
  let browser: Browser;
  let messenger: MessengerServer;
  withChromium(
    async () => {
      const started = await startMessenger({ flows: { 'inbound.yaml': assignFlow }, team, config: { ADMIN_TOKEN } });
      return { messenger: started, stop: async () => { await started.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, server: { messenger } } = running),
  );

  it('shows each in the queue as "Customer" and the start of their contact id, in English and Arabic', async () => {
    messenger.graph.failProfiles(2, metaError(400, 100, 'Unsupported get request'));
    messenger.graph.addProfile(PSID, { name: 'Layla Haddad' });
    messenger.graph.addProfile(OTHER, { name: 'Omar Said' });
    expect((await messenger.post(batch([textEvent('my order is late')]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('I was charged twice', { from: OTHER })]))).status).toBe(200);
    await settled(messenger);
    const contacts = await messenger.app.store.contacts();
    const tags = [PSID, OTHER].map((psid) => contacts.find((contact) => contact.identities[0]!.id === psid)!.id.slice(0, 4));
    for (const [locale, customer] of [['en-US', 'Customer'], ['ar', 'العميل']] as const) {
      await withPage(browser, `console-nameless-${locale}`, { locale, viewport: { width: 1100, height: 700 } }, async (page) => {
        await page.goto(`${messenger.app.url}/agent`);
        await page.fill('#token', agentToken('agent-lina'));
        await page.click('#signin-button');
        await page.locator('#app').waitFor();
        await page.locator('li[data-id] .name').nth(1).waitFor();
        expect((await readAll(page, 'li[data-id] .name')).sort()).toEqual(tags.map((tag) => `${customer} ${tag}`).sort());
        await shot(page, `console-nameless-${locale}`);
      });
    }

    // The admin reads the same tags on the dashboard's contacts, not two "Unnamed contact" alike.
    for (const [locale, unnamed] of [['en-US', 'Unnamed contact'], ['ar', 'جهة اتصال بلا اسم']] as const) {
      await withPage(browser, `dashboard-nameless-${locale}`, { locale, viewport: { width: 1100, height: 700 } }, async (page) => {
        await page.goto(`${messenger.app.url}/admin`);
        await page.locator('#token').fill(ADMIN_TOKEN);
        await page.locator('form button[type="submit"]').first().click();
        await page.locator('nav a[href="#/contacts"]').click();
        await page.locator('.rows .row .who').nth(1).waitFor();
        expect((await readAll(page, '.rows .row .who')).sort()).toEqual(tags.map((tag) => `${unnamed} ${tag}`).sort());
        await shot(page, `dashboard-nameless-${locale}`);
      });
    }
  }, 60_000);
});
