// The agent console in Chromium while its live stream is renewed by the server (every half CONSOLE_AWAY_AFTER): the
// console connects again by itself, so its agent stays online and sees a new customer's conversation live; closed,
// the agent is set away, keeps what they hold, and the console opened again shows them away and says why.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let browser: Browser;
const running: Switchboard[] = [];

async function statusOf(url: string, agent: string): Promise<string | undefined> {
  const { body } = await adminClient(url).get<{ agents: { id: string; status: string }[] }>('/agents');
  return body.agents.find((each) => each.id === agent)?.status;
}

describe.skipIf(!existsSync(CHROMIUM))('the agent console\'s presence in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 60_000);
  afterEach(async () => {
    for (const app of running.splice(0)) await app.stop();
    await cleanupDirs();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('stays online while the console is open, its stream renewed; closed, the agent is away and the console opened again says so and why', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 2_000 } });
    running.push(app);
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.click('#online');
    await page.locator('#result', { hasText: 'You are online' }).waitFor();

    // Five seconds: the stream ended four or five times, and the console connected again each time.
    await sleep(5_000);
    expect(await statusOf(app.url, 'lina')).toBe('online');
    // A customer's conversation comes to her and shows at once (the 15 s refresh has not come round).
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('I was charged twice this month');
    await layla.say('layla@example.com');
    await page.locator('#held li', { hasText: 'Layla' }).waitFor({ timeout: 5_000 });

    // She closes the tab: away within the grace, and Layla's conversation stays hers.
    await context.close();
    await expect.poll(() => statusOf(app.url, 'lina'), { timeout: 10_000, interval: 200 }).toBe('away');
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'lina' });

    // Opening the console again: it says away, with Layla still in her list; Online is one click.
    const again = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await again.goto(`${app.url}/agent`);
    await again.fill('#token', agentToken('agent-lina'));
    await again.click('#signin-button');
    await again.locator('#held li', { hasText: 'Layla' }).waitFor();
    expect(await again.locator('#status-now').innerText()).toBe('away');
    expect(await again.locator('#result').innerText()).toBe('You were set away: no console of yours was open for 2 seconds, so new customers wait in the queue. Press Online to take them.');
    await again.screenshot({ path: '/tmp/h48h-console-away.png' });
    await again.click('#online');
    await again.locator('#result', { hasText: 'You are online' }).waitFor();
    expect(await statusOf(app.url, 'lina')).toBe('online');
    await again.context().close();
  }, 60_000);

  it('shows a status set elsewhere (a chat command, the dashboard) at once, where it waited for the console\'s 15 s look', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    for (const [locale, away, online, saidOnline] of [['en', 'away', 'online', 'You are online'], ['ar', 'غير متاح', 'متصل', 'أنت متصل']] as const) {
      const context = await browser.newContext({ locale, viewport: locale === 'ar' ? { width: 390, height: 844 } : { width: 1280, height: 800 } });
      const page = await context.newPage();
      // Without its 15 s look, the console shows a change only as it is told one.
      await page.addInitScript(() => {
        const every = window.setInterval;
        window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => (ms === 15_000 ? 0 : every(handler, ms, ...rest))) as typeof window.setInterval;
      });
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', agentToken('agent-lina'));
      await page.click('#signin-button');
      await page.click('#online');
      // Her press answered before she is set away elsewhere: the second console opens on her already online, so
      // its status says so at once, while her press may still be on its way and, come after, set her online again.
      await page.locator('#result', { hasText: saidOnline }).waitFor();
      await page.locator('#status-now', { hasText: online }).waitFor();
      const lina = app.directory.agent('lina')!;
      // Set away elsewhere, as her /away in Telegram does; then online again.
      await app.runtime.act(lina, { kind: 'status', status: 'away' });
      // 20 s: CI runs its server lane beside this one, and only the live feed can show it here.
      await expect.poll(() => page.locator('#status-now').innerText(), { timeout: 20_000 }).toBe(away);
      // Her own "You are online" is no longer said beside it.
      expect(await page.locator('#result').innerText()).toBe('');
      await page.screenshot({ path: `test-results/console-status-live-${locale}.png` });
      await app.runtime.act(lina, { kind: 'status', status: 'online' });
      await expect.poll(() => page.locator('#status-now').innerText(), { timeout: 20_000 }).toBe(online);
      await context.close();
    }
  }, 60_000);
  it('keeps every one of seven console tabs up to date though the server lets a session hold five streams: one tab holds the streams for all, and the seventh loads at all', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    running.push(app);
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const refused: number[] = [];
    // The agent's session stream and the agents' feed: a browser opens 6 connections to a server at most, and a
    // seventh tab with streams of its own would not even load.
    const isStream = (url: string) => /\/webchat\/[^/]+\/events|\/agent\/api\/events/.test(url);
    // The streams open in the tabs still open (a closed tab's requests end without a word).
    const open = new Set<Request>();
    context.on('request', (request) => { if (isStream(request.url())) open.add(request); });
    context.on('requestfinished', (request) => void open.delete(request));
    context.on('requestfailed', (request) => void open.delete(request));
    const streams = () => [...open].filter((request) => !request.frame().page().isClosed()).length;
    context.on('response', (response) => { if (isStream(response.url()) && response.status() !== 200) refused.push(response.status()); });
    const first = await context.newPage();
    await first.goto(`${app.url}/agent`);
    await first.fill('#token', agentToken('agent-lina'));
    await first.click('#signin-button');
    await first.click('#online');
    await first.locator('#result', { hasText: 'You are online' }).waitFor();
    const pages = [first];
    for (let n = 1; n < 7; n++) {
      const page = await context.newPage();
      await page.goto(`${app.url}/agent`);
      await page.locator('#status-now', { hasText: 'online' }).waitFor();
      pages.push(page);
    }

    // A customer's conversation comes to Lina: every tab shows it at once (the 15 s look has not come round).
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('I was charged twice this month');
    await layla.say('layla@example.com');
    for (const page of pages) await page.locator('#held li', { hasText: 'Layla' }).waitFor({ timeout: 5_000 });
    // One of each for the seven tabs, none refused.
    expect([streams(), refused]).toEqual([2, []]);

    // The tab holding it closes: another takes it, and every tab left still hears what comes.
    await first.close();
    const hana = visitor(app.url, 'hana', 'Hana');
    await hana.say('I was charged twice for one order');
    await hana.say('hana@example.com');
    for (const page of pages.slice(1)) await page.locator('#held li', { hasText: 'Hana' }).waitFor({ timeout: 10_000 });
    expect([streams(), refused]).toEqual([2, []]);
    await pages[6]!.screenshot({ path: '/tmp/switchboard-console-tabs.png' });
    await context.close();
  }, 90_000);
});
