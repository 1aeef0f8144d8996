// The Team page says why an agent is offline when nothing reaches them any more, in English and Arabic: Omar, on
// WhatsApp, whose number Meta refuses for good (131026) as the bot relays his customer's message. A real server with the
// WhatsApp Cloud channel on a fake Graph API, the dashboard bundle, Chromium. Skipped, saying so, where Chromium is not
// installed.
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtDashboard, eventually } from '../../helpers.ts';
import { hasChromium, inChromium, shot, signIn, withChromium, withPage } from '../../admin-ui/scenario.ts';
import { metaError } from '../../channels/meta/fake-graph-api.ts';
import { fixture, messagesBody, settled, startCloud, text, type CloudServer } from '../../channels/whatsapp-cloud/harness.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const OMAR = '15550001234';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n`;

describe.skipIf(!hasChromium)(inChromium('the Team page says why nothing reaches an agent'), () => {
  let browser: Browser;
  let cloud: CloudServer;
  withChromium(async () => {
    cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team, config: { ADMIN_TOKEN }, dashboardDir: await builtDashboard() });
    return cloud;
  }, (running) => ({ browser } = running));

  it('names the app, since when and why (his number refused), beside Offline; nothing under Sara', async () => {
    expect((await cloud.post(messagesBody([text('/online', { from: OMAR })], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.includes('#1')));
    await settled(cloud, OMAR);
    cloud.graph.fail(1, metaError(400, 131026, '(#131026) Message undeliverable', 'Message failed to send because the recipient could not be reached.'));
    expect((await cloud.post(messagesBody([text('Hello? Is anyone there?')]))).status).toBe(200);
    const omar = async () => (await adminClient(cloud.app.url).get<{ agents: { id: string; status: string; unreachable?: { since: string }[] }[] }>('/agents')).body.agents.find((agent) => agent.id === 'omar')!;
    await expect.poll(async () => (await omar()).status, { timeout: 15_000, interval: 100 }).toBe('offline');
    const since = new Date((await omar()).unreachable![0]!.since).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

    await withPage(browser, 'team-unreachable-en', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, cloud.app.url, ADMIN_TOKEN);
      await page.goto(`${cloud.app.url}/admin#/team`);
      const row = page.locator('tr[data-agent="omar"]');
      await row.locator('.unreachable-why').waitFor();
      expect(await row.locator('.badge').innerText()).toBe('Offline');
      expect(await row.locator('.unreachable-why').innerText()).toBe(
        `Nothing reaches them on WhatsApp since ${since}: their app cannot receive messages (their number may not be on the app). Nothing is sent there until they write from it again.`,
      );
      expect(await page.locator('tr[data-agent="sara"] .unreachable-why').count()).toBe(0);
      await shot(page, 'team-unreachable-en');
      // The conversation's timeline says why it went back to the queue, whose it was.
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      const queued = page.locator('.events li', { hasText: 'nothing the bot sends reaches them' });
      await queued.waitFor();
      expect((await queued.innerText()).replace(/[\u2066-\u2069]/g, '')).toMatch(/ · from Omar: nothing the bot sends reaches them in their app any more \(see Team\)$/);
      await shot(page, 'team-unreachable-timeline-en');
    });

    await withPage(browser, 'team-unreachable-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${cloud.app.url}/admin`);
      await page.locator('#token').waitFor();
      await page.locator('button.lang').click();
      await page.locator('#token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
      await page.goto(`${cloud.app.url}/admin#/team`);
      const why = page.locator('tr[data-agent="omar"] .unreachable-why');
      await why.waitFor();
      expect(await why.innerText()).toContain('لا يصله شيء على WhatsApp منذ');
      expect(await why.innerText()).toContain('لا يستطيع تطبيقه استلام الرسائل');
      await shot(page, 'team-unreachable-ar');
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      const queued = page.locator('.events li', { hasText: 'لم يعد يصله شيء مما يرسله البوت' });
      await queued.waitFor();
      expect((await queued.innerText()).replace(/[\u2066-\u2069]/g, '')).toContain('من Omar: لم يعد يصله شيء مما يرسله البوت في تطبيقه');
    });
  }, 120_000);
});

describe.skipIf(!hasChromium)(inChromium('the Team page shows at once an app that no longer reaches an agent who stays online'), () => {
  let browser: Browser;
  let cloud: CloudServer;
  const both = team.replace(`    whatsapp: "+${OMAR}"\n`, `    whatsapp: "+${OMAR}"\n    webchat: agent-omar\n    webchat_token: test-token-0123456789abcdef\n`);
  withChromium(async () => {
    cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team: both, config: { ADMIN_TOKEN }, dashboardDir: await builtDashboard() });
    return cloud;
  }, (running) => ({ browser } = running));

  it('without a reload: Omar, on WhatsApp and the agent console, stays Online, and WhatsApp is named under it', async () => {
    expect((await cloud.post(messagesBody([text('/online', { from: OMAR })], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((said) => said.includes('#1')));
    await settled(cloud, OMAR);

    await withPage(browser, 'team-unreachable-live', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, cloud.app.url, ADMIN_TOKEN);
      await page.goto(`${cloud.app.url}/admin#/team`);
      const row = page.locator('tr[data-agent="omar"]');
      await row.locator('.badge', { hasText: 'Online' }).waitFor();
      expect(await row.locator('.unreachable-why').count()).toBe(0);

      cloud.graph.fail(1, metaError(400, 131026, '(#131026) Message undeliverable', 'Message failed to send because the recipient could not be reached.'));
      expect((await cloud.post(messagesBody([text('Hello? Is anyone there?')]))).status).toBe(200);
      await row.locator('.unreachable-why[data-channel="whatsapp-cloud"]').waitFor({ timeout: 20_000 });
      expect(await row.locator('.badge').innerText()).toBe('Online');
      expect(await row.locator('.unreachable-why').innerText()).toMatch(/^Nothing reaches them on WhatsApp since .+: their app cannot receive messages/);
      await shot(page, 'team-unreachable-live-en');
    });
  }, 120_000);
});
