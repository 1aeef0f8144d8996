// What an admin sees on the dashboard, in Chromium, while a channel is down and its customers get no answer: a banner
// above every page, in the admin's language, naming the channel, since when, what its customers meet meanwhile and what
// to do (for WhatsApp Web, a link to the QR code), the server's own words last; told by the live stream, and gone once
// the channel is back. WhatsApp Web runs on a fake client (no browser), Telegram on a fake Bot API.
// Screenshots go to test-results/admin-ui/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, launch, shot, signInLive, withPage } from '../admin-ui/scenario.ts';
import { FakeWhatsApp } from '../channels/whatsapp-web/fake-client.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { flow, post, SECRET, teamFile, textNow, TOKEN } from '../channels/telegram/harness.ts';
import { builtDashboard, cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

/** What a person reads in `selector` (the isolates that keep Latin words in place are invisible, so left out). */
const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

async function serve(config: Record<string, unknown>, whatsapp?: FakeWhatsApp, timings: { retryMs?: number; maxRetryMs?: number; downAfterMs?: number } = {}, team = teamFile, telegram?: { probeMs: number }): Promise<Switchboard> {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN, ...config },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
    // The banners look at the channels every 200 ms (2 s in service): a wait that shows nothing changed covers as many looks in a tenth of the time.
    adminChannelsLookMs: 200,
    dashboardDir: await builtDashboard(),
    ...(whatsapp ? { whatsappWeb: { createClient: whatsapp.create, retryMs: 30, maxRetryMs: 120, readyTimeoutMs: 10_000, deliverRetryMs: 10, root: false, ...timings } } : {}),
    ...(telegram ? { telegram } : {}),
  });
  running.push(app);
  return app;
}

describe.skipIf(!hasChromium)(inChromium('the dashboard while a channel is down'), () => {
  // One Chromium for the file; each test's page is its own (withPage: a context of its own).
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('says above every page, in Arabic and in English, that WhatsApp Web cannot start or is logged out, since when, what customers meet, with the QR code a click away; gone once it is ready', async () => {
    const whatsapp = new FakeWhatsApp();
    whatsapp.initializeError = new Error('Failed to launch the browser process! spawn /usr/bin/chromium ENOENT');
    const app = await serve({ WHATSAPP_WEB: '1' }, whatsapp);
    await withPage(browser, 'dashboard-whatsapp-down', { locale: 'ar', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="whatsapp-web"]');
      // Chromium does not start: said at once, with the server's words.
      await banner.waitFor({ timeout: 10_000 });
      const starting = await read(page, 'main .channel-down');
      expect(starting).toContain('واتساب ويب غير متصل: لا تستطيع قناة واتساب الإرسال ولا الاستقبال.');
      expect(starting).toMatch(/منذ .+ لا يتلقى العملاء الذين يكتبون عبر WhatsApp Web أي رد من البوت ولا من الوكلاء/);
      expect(starting).toContain('تحقّق من أن Chromium مثبّت في CHROMIUM_PATH');
      expect(await read(page, '.channel-down code')).toContain('could not start: Failed to launch the browser process!');
      await shot(page, 'dashboard-whatsapp-cannot-start-ar');

      // Chromium is there again: WhatsApp Web starts and is linked; the banner goes, with no reload.
      whatsapp.initializeError = undefined;
      await expect.poll(() => whatsapp.clients.some((client) => client.initialized), { timeout: 10_000 }).toBe(true);
      whatsapp.current.link();
      await banner.waitFor({ state: 'detached', timeout: 10_000 });

      // Logged out from the phone: told on the page the admin is on, and the QR code a click away.
      await page.goto(`${app.url}/admin#/team`);
      whatsapp.current.emit('disconnected', 'LOGOUT');
      await banner.waitFor({ timeout: 10_000 });
      const arabic = await read(page, 'main .channel-down');
      expect(arabic).toContain('واتساب ويب غير مربوط بهاتفك');
      expect(arabic).toContain('اربطه من جديد من هاتف العمل (واتساب ← الأجهزة المرتبطة ← ربط جهاز) بمسح رمز QR.');
      await shot(page, 'dashboard-whatsapp-logged-out-ar');

      await page.locator('header button.lang').click();
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('WhatsApp Web is not linked to your phone: the WhatsApp channel can neither send nor receive.');
      expect(english).toMatch(/Since .+, customers who write on WhatsApp Web get no answer from the bot or from agents/);
      expect(english).toContain('link it again from the business phone');
      await shot(page, 'dashboard-whatsapp-logged-out-en');
      await banner.getByRole('link', { name: 'Open the QR code to scan' }).click();
      await page.waitForURL(/#\/whatsapp$/);

      // Scanned: gone.
      whatsapp.current.link();
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
      await shot(page, 'dashboard-whatsapp-back-en');
    });
  }, 90_000);

  it('says nothing while WhatsApp Web starts as it does at every start (and /healthz stays 200), and says it is not linked once it shows a QR code', async () => {
    const whatsapp = new FakeWhatsApp();
    const app = await serve({ WHATSAPP_WEB: '1' }, whatsapp);
    await withPage(browser, 'dashboard-whatsapp-starting', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await expect.poll(() => whatsapp.clients[0]?.initialized, { timeout: 10_000 }).toBe(true);
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="whatsapp-web"]');
      // Chromium and WhatsApp Web are loading: not down; the stream has said so at least once by now (looked at every 200 ms).
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { channels: Record<string, unknown> }).channels['whatsapp-web']).toMatchObject({ up: false, down: false, state: 'starting' });
      await page.waitForTimeout(1_000);
      expect(await banner.count()).toBe(0);
      await shot(page, 'dashboard-whatsapp-starting-en');

      // It needs a scan: that is down, said at once.
      whatsapp.current.emit('qr', '2@first-qr');
      await banner.waitFor({ timeout: 10_000 });
      expect(await read(page, 'main .channel-down')).toContain('WhatsApp Web is not linked to your phone');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      whatsapp.current.link();
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
    });
  }, 90_000);

  it('shows one banner that stays as it is while WhatsApp Web reconnects past its grace, in Arabic, not redrawn by a countdown', async () => {
    const whatsapp = new FakeWhatsApp();
    // The connection drops; the next client starts 30 s later, the session counting as down after 1 s of it.
    const app = await serve({ WHATSAPP_WEB: '1' }, whatsapp, { retryMs: 30_000, maxRetryMs: 30_000, downAfterMs: 1_000 });
    await expect.poll(() => whatsapp.clients[0]?.initialized, { timeout: 10_000 }).toBe(true);
    whatsapp.current.link();
    await withPage(browser, 'dashboard-whatsapp-reconnecting', { locale: 'ar', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="whatsapp-web"]');
      expect(await banner.count()).toBe(0);

      whatsapp.current.emit('disconnected', 'NAVIGATION');
      await banner.waitFor({ timeout: 10_000 });
      expect(await read(page, 'main .channel-down')).toContain('واتساب ويب غير متصل: لا تستطيع قناة واتساب الإرسال ولا الاستقبال.');
      expect(await read(page, '.channel-down code')).toContain('disconnected (NAVIGATION); starting again');
      // What a screen reader follows: nothing in the banner changes while nothing does (the stream looks every 200 ms:
      // a countdown in seconds would change the banner within 1.5 s).
      await page.evaluate(() => {
        const seen = window as unknown as { bannerChanges: string[] };
        seen.bannerChanges = [];
        const inBanner = (node: Node) => (node instanceof Element ? node : node.parentElement)?.closest('.channel-down') !== null;
        new MutationObserver((changes) => {
          for (const change of changes) {
            const replaced = [...change.addedNodes, ...change.removedNodes].some((node) => node instanceof Element && node.matches('.channel-down'));
            if (inBanner(change.target) || replaced) seen.bannerChanges.push(`${change.type}: ${change.target.textContent ?? ''}`);
          }
        }).observe(document.querySelector('main')!, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await page.waitForTimeout(1_500);
      expect(await page.evaluate(() => (window as unknown as { bannerChanges: string[] }).bannerChanges)).toEqual([]);
      expect(await read(page, '.channel-down code')).toBe('disconnected (NAVIGATION); starting again');
      await shot(page, 'dashboard-whatsapp-reconnecting-ar');
    });
  }, 90_000);

  it('says, in English and in Arabic, that Telegram refuses the bot’s token while replies to Telegram customers fail, and stops once Telegram takes them again', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const app = await serve({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET });
    await withPage(browser, 'dashboard-telegram-down', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="telegram"]');
      expect(await banner.count()).toBe(0);

      // The token was revoked: the bot's answer to Layla is refused.
      api.fail('sendMessage', 1_000, { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
      expect(await post(app, textNow(5001, 'hello'))).toBe(200);
      await banner.waitFor({ timeout: 10_000 });
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('Telegram refuses the bot’s token: the Telegram channel can neither send nor receive.');
      expect(english).toMatch(/Since .+, customers who write on Telegram get no answer from the bot or from agents/);
      expect(english).toContain('check TELEGRAM_BOT_TOKEN against the token @BotFather gives for this bot');
      expect(await read(page, '.channel-down code')).toBe('401: Unauthorized');
      await shot(page, 'dashboard-telegram-token-en');

      await page.locator('header button.lang').click();
      const arabic = await read(page, 'main .channel-down');
      expect(arabic).toContain('يرفض تيليجرام رمز البوت (token): لا تستطيع قناة تيليجرام الإرسال ولا الاستقبال.');
      expect(arabic).toContain('قارن TELEGRAM_BOT_TOKEN بالرمز الذي يعطيه @BotFather لهذا البوت');
      await shot(page, 'dashboard-telegram-token-ar');

      // The token fixed: the next answer goes, and the banner with it.
      api.recover('sendMessage');
      expect(await post(app, textNow(5002, 'hello'))).toBe(200);
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
    });
  }, 90_000);

  it('says, in English and in Arabic, that the bot was removed from a team’s Telegram desk group, naming it, and stops once it is back', async () => {
    const DESK = -1001234567890;
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const team = teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"`);
    const app = await serve({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET }, undefined, {}, team);
    const bot = { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' };
    let update = 990_000;
    const membership = (was: string, now: string) => ({
      update_id: update++,
      my_chat_member: {
        chat: { id: DESK, title: 'Billing desk', type: 'supergroup', is_forum: true }, from: { id: 8001, is_bot: false, first_name: 'Nadia' },
        date: Math.floor(Date.now() / 1000), old_chat_member: { user: bot, status: was }, new_chat_member: { user: bot, status: now },
      },
    });
    await withPage(browser, 'dashboard-telegram-desk', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="telegram"]');
      expect(await banner.count()).toBe(0);

      // An admin of the group removed the bot.
      expect(await post(app, membership('administrator', 'left'))).toBe(200);
      await banner.waitFor({ timeout: 10_000 });
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('The bot was removed from a team’s Telegram desk group: that team gets no new conversations there.');
      expect(english).toMatch(/Since .+, the team’s new conversations get no topic in the group and wait in its queue/);
      expect(english).toContain('add the bot back to the group named below as an admin that can manage topics');
      expect(english).not.toContain('customers who write on Telegram get no answer');
      expect(await read(page, '.channel-down code')).toContain('"Billing desk" (-1001234567890)');
      await shot(page, 'dashboard-telegram-desk-en');

      await page.locator('header button.lang').click();
      const arabic = await read(page, 'main .channel-down');
      expect(arabic).toContain('أُزيل البوت من مجموعة مكتب أحد الفرق على تيليجرام');
      expect(arabic).toContain('أعد إضافة البوت إلى المجموعة المذكورة أدناه');
      await shot(page, 'dashboard-telegram-desk-ar');

      // Added back as an admin: the banner goes.
      expect(await post(app, membership('left', 'administrator'))).toBe(200);
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
    });
  }, 90_000);

  it('says, in English and in Arabic, that Telegram has not taken the bot’s webhook while setWebhook fails, and stops once it takes it', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    api.fail('setWebhook', 1_000, { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    // setWebhook is tried again 100 ms after the first failure, doubling (1 s by default): the next try after Telegram
    // takes it comes within seconds, not the back-off's 16 or 30 s.
    const app = await serve({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://bot.example.com' }, undefined, {}, teamFile, { probeMs: 100 });
    await withPage(browser, 'dashboard-telegram-webhook', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="telegram"]');
      await banner.waitFor({ timeout: 10_000 });
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('Telegram has not taken the bot’s webhook yet: the Telegram channel receives no messages.');
      expect(english).toContain('that PUBLIC_URL is this server’s public HTTPS address');
      expect(await read(page, '.channel-down code')).toBe('the webhook is not registered yet: 502: Bad Gateway');
      await shot(page, 'dashboard-telegram-webhook-en');

      await page.locator('header button.lang').click();
      const arabic = await read(page, 'main .channel-down');
      expect(arabic).toContain('لم يقبل تيليجرام عنوان الـ webhook الخاص بالبوت بعد: لا تستقبل قناة تيليجرام أي رسالة.');
      expect(arabic).toContain('وأن PUBLIC_URL هو عنوان HTTPS العام لهذا الخادم');
      await shot(page, 'dashboard-telegram-webhook-ar');

      // Telegram takes it at the next try: the banner goes.
      api.recover('setWebhook');
      await banner.waitFor({ state: 'detached', timeout: 40_000 });
    });
  }, 90_000);

  it('says, in English and in Arabic, that Telegram refuses the webhook address and that PUBLIC_URL must be fixed, with Telegram’s words', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    api.fail('setWebhook', 1_000, { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' } });
    const app = await serve({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'http://bot.example.com' });
    await withPage(browser, 'dashboard-telegram-webhook-refused', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="telegram"]');
      await banner.waitFor({ timeout: 10_000 });
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('Telegram refuses the bot’s webhook address: the Telegram channel receives no messages until it is fixed.');
      expect(english).toContain('set PUBLIC_URL to this server’s public HTTPS address, as the internet reaches it (https://, on port 443, 80, 88 or 8443), and restart Switchboard.');
      expect(english).not.toContain('Switchboard tries again by itself');
      expect(await read(page, '.channel-down code')).toContain('(400: Bad Request: bad webhook: HTTPS url must be provided for webhook)');
      await shot(page, 'dashboard-telegram-webhook-refused-en');

      await page.locator('header button.lang').click();
      const arabic = await read(page, 'main .channel-down');
      expect(arabic).toContain('يرفض تيليجرام عنوان الـ webhook الخاص بالبوت: لا تستقبل قناة تيليجرام أي رسالة حتى يُصحَّح.');
      expect(arabic).toContain('اضبط PUBLIC_URL على عنوان HTTPS العام لهذا الخادم');
      await shot(page, 'dashboard-telegram-webhook-refused-ar');
    });
    expect(api.callsOf('setWebhook')).toHaveLength(1);
  }, 90_000);

  it('says Telegram refuses the bot’s token, not that the webhook is not taken yet, when setWebhook is refused for the token', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const unauthorized = { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    api.fail('setWebhook', 1_000, unauthorized);
    api.fail('getMe', 1_000, unauthorized);
    const app = await serve({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://bot.example.com' });
    await withPage(browser, 'dashboard-telegram-webhook-token', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInLive(page, app.url, ADMIN_TOKEN);
      const banner = page.locator('main .channel-down[data-channel="telegram"]');
      await banner.waitFor({ timeout: 10_000 });
      const english = await read(page, 'main .channel-down');
      expect(english).toContain('Telegram refuses the bot’s token: the Telegram channel can neither send nor receive.');
      expect(english).toContain('check TELEGRAM_BOT_TOKEN against the token @BotFather gives for this bot');
      expect(await read(page, '.channel-down code')).toBe('401: Unauthorized');
      await shot(page, 'dashboard-telegram-webhook-token-en');
    });
  }, 90_000);
});
