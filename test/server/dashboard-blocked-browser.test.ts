// What an admin sees on the dashboard, in Chromium, in the timeline of a Telegram conversation whose customer blocked
// the bot: said in their language (English, Arabic), where before the timeline said nothing and only a failed reply
// would have told. Telegram runs on a fake Bot API. Screenshots go to test-results/admin-ui/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, launch, shot, signIn, withPage } from '../admin-ui/scenario.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { fixture, LAYLA, OMAR, post, SECRET, textNow, TOKEN } from '../channels/telegram/harness.ts';
import { builtDashboard, cleanupDirs, dataDirWith, eventually, quietLog } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown } from './shipped-in-chromium.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

describe.skipIf(!hasChromium)(inChromium('the dashboard\'s timeline of a customer who blocked the bot'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says the customer blocked the bot and that replies cannot reach them, in English and in Arabic', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': assignFlow });
    await writeFile(join(dir, 'team.yaml'), team);
    const app: Switchboard = await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
      log: quietLog, watch: false, sweepEveryMs: 0, dashboardDir: await builtDashboard(),
    });
    running.push(app);
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1')));
    const blocked = fixture('private-blocked');
    blocked.update_id = Number(textNow(LAYLA, '').update_id);
    expect(await post(app, blocked)).toBe(200);

    await withPage(browser, 'dashboard-blocked', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, ADMIN_TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/conversations/1`);
      await expect.poll(() => readShown(page, 'section.events'), { timeout: 20_000 }).toContain('the customer blocked the bot: replies cannot reach them');
      await shot(page, 'dashboard-blocked-en');
      await page.locator('header button.lang').click();
      await expect.poll(() => readShown(page, 'section.events'), { timeout: 20_000 }).toContain('حظر العميل البوت: لا يمكن أن تصله الردود');
      await shot(page, 'dashboard-blocked-ar');
    });
  }, 90_000);
});
