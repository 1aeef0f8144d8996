// A conversation nobody moved, as the admin reads its timeline in Chromium on a real Switchboard: one whose customer
// Omar left unanswered for UNANSWERED_PASS_ON_AFTER went to Sara, and the timeline says from whom and why, in English
// and in Arabic, not "after a while without news" (the customer had not gone quiet: they waited for Omar). Screenshots
// go to test-results/admin-ui/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown as read } from './shipped-in-chromium.ts';

const HOUR = 3_600_000;
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "You are number {{queue.position}} in line."\n';
const agent = (name: string) => `  - name: ${name}\n    webchat: agent-${name.toLowerCase()}\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n`;

describe.skipIf(!hasChromium)(inChromium('a conversation passed on by the unanswered rule, on the dashboard'), () => {
  let browser: Browser;
  let app: Switchboard;
  // The server's clock runs `ahead` ms ahead of the real one: the check that passes the customer on comes 2 h later.
  const clock = { ahead: 0 };
  withChromium(
    async () => {
      const dir = await dataDirWith({ 'inbound.yaml': flow });
      await writeFile(join(dir, 'team.yaml'), `teams:\n  - name: Billing\nagents:\n${agent('Omar')}${agent('Sara')}`);
      const running = await start(dir, { adminToken: ADMIN_TOKEN, now: () => new Date(Date.now() + clock.ahead), config: { UNANSWERED_PASS_ON_AFTER: 2 * HOUR } });
      return { app: running, stop: async () => { await running.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, app } = { browser: running.browser, app: running.server.app }),
  );

  it('says the conversation went to Sara from Omar because the customer waited too long for his answer', () => withPage(browser, 'dashboard-passed-on', { viewport: { width: 1280, height: 900 } }, async (page) => {
    const [omar, sara, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla')];
    await omar.say('/online');
    await layla.say('My invoice is wrong');
    await expect.poll(async () => (await omar.messages()).some((message) => message.text.includes('My invoice is wrong')), { timeout: 15_000 }).toBe(true);
    await sara.say('/online');
    clock.ahead = 2 * HOUR + 60_000;
    await app.runtime.sweep();
    await expect.poll(async () => (await app.store.conversation(1))?.agentId, { timeout: 15_000 }).toBe('sara');

    await page.goto(`${app.url}/admin#/conversations/1`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    const moved = page.locator('.events li', { hasText: 'transferred' });
    await expect.poll(() => moved.count(), { timeout: 15_000 }).toBe(1);
    expect((await moved.innerText()).replace(/[\u2066-\u2069]/g, '')).toMatch(/transferred · to Sara · from Omar: the customer waited too long for their answer$/);
    await shot(page, 'dashboard-passed-on-en');

    await page.locator('header button.lang, button.lang').first().click();
    await expect.poll(async () => (await read(page, '.events')).includes('من Omar: طال انتظار العميل لرده')).toBe(true);
    expect(await read(page, '.events')).not.toContain('بعد فترة من عدم النشاط');
    await shot(page, 'dashboard-passed-on-ar');
  }), 90_000);
});
