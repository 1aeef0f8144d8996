// The dashboard's live feed outlives no sign-in: a tab left open on the queue board while the admin signs out in
// another tab (or the sign-in's 12 hours pass) stops following the changes and shows the sign-in form by itself,
// without a click, instead of going on showing customers' conversations as they come. Against a real Switchboard
// (its heartbeat made short), in Chromium; screenshots go to test-results/admin-ui/. Skipped, saying so, without Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { hasChromium, inChromium, launch, shot } from '../admin-ui/scenario.ts';

const TOKEN = 'session-live-token-0123456789abcdef';

describe.skipIf(!hasChromium)(inChromium('the live feed of a sign-in that ended, in Chromium'), () => {
  let browser: Browser;
  let app: Switchboard;

  beforeAll(async () => {
    browser = await launch();
    app = await start(await shippedDataDir(), { adminToken: TOKEN, adminHeartbeatMs: 500 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  it('ends the stream of a signed-out session: the idle tab shows the sign-in form by itself', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1100, height: 800 } });
    const idle = await context.newPage();
    await idle.goto(`${app.url}/admin`);
    await idle.fill('#token', TOKEN);
    await idle.locator('form button[type="submit"]').click();
    await idle.goto(`${app.url}/admin#/queue`);
    await idle.locator('.live.on').waitFor();

    // The raw stream of this sign-in, as a script holding its cookie would read it.
    const cookie = (await context.cookies()).map((each) => `${each.name}=${each.value}`).join('; ');
    const stream = await fetch(`${app.url}/api/events`, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const ended = (async () => {
      const reader = stream.body!.getReader();
      while (!(await reader.read()).done) { /* heartbeats */ }
      return 'ended';
    })();

    const other = await context.newPage();
    await other.goto(`${app.url}/admin#/queue`);
    await other.locator('header button.secondary').click();
    await other.locator('#token').waitFor();

    // The stream the cookie opened ends; the idle tab, touched by no one, asks for the sign-in again.
    expect(await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still streaming'), 20_000))])).toBe('ended');
    await idle.locator('#token').waitFor({ timeout: 30_000 });
    expect(await idle.locator('.live.on').isVisible()).toBe(false);
    await shot(idle, 'session-ended-idle-tab-en');
    await context.close();
  }, 90_000);
});
