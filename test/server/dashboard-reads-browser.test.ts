// The dashboard as an admin reads it, in Chromium on a real Switchboard with the shipped data, the server's clock
// set by the test: the Reports cards say a median time as the chart beside them draws it (1 min 45 s is "2 min" by a
// bar at 1.75, not "1 min"), and a conversation's Details name its intent by its route's title, as the Reports page
// names intents ("Billing", not billing). Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, signIn, withChromium, withPage } from '../admin-ui/scenario.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown as read } from './shipped-in-chromium.ts';

/** The chart of median resolution times. */
const resolutionChart = (page: Page) => page.locator('.chart', { has: page.locator('figcaption', { hasText: /Resolution, median|مدة الحل، الوسيط/ }) });

/** The tooltip's lines a chart draws on its canvas, as of its last drawing (recorded from before the page's scripts run). */
async function recordDrawnTexts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const drawn: Record<string, string[]> = {};
    (window as unknown as { drawn: typeof drawn }).drawn = drawn;
    const { fillText, clearRect } = CanvasRenderingContext2D.prototype;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, ...rest: [number, number, number?]) {
      (drawn[this.canvas.getAttribute('aria-label') ?? ''] ??= []).push(String(text));
      return fillText.call(this, text, ...rest);
    };
    CanvasRenderingContext2D.prototype.clearRect = function (...area: [number, number, number, number]) {
      drawn[this.canvas.getAttribute('aria-label') ?? ''] = [];
      return clearRect.apply(this, area);
    };
  });
}

const drawnTexts = (page: Page, chart: string) => page.evaluate((name) => (window as unknown as { drawn: Record<string, string[]> }).drawn[name] ?? [], chart);

/** Where the chart's one bar (slate, #475569) stands on its canvas, in CSS pixels from the canvas's corner: its middle. */
const barMiddle = (page: Page) => resolutionChart(page).locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
  const { width, height } = canvas;
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
  const slate = (x: number, y: number) => {
    const i = (y * width + x) * 4;
    return Math.abs(pixels[i]! - 0x47) < 24 && Math.abs(pixels[i + 1]! - 0x55) < 24 && Math.abs(pixels[i + 2]! - 0x69) < 24 && pixels[i + 3]! > 200;
  };
  const found: { x: number; y: number }[] = [];
  for (let x = 0; x < width; x += 2) for (let y = 0; y < height; y += 2) if (slate(x, y)) found.push({ x, y });
  const x = found.reduce((sum, point) => sum + point.x, 0) / found.length;
  const y = found.reduce((sum, point) => sum + point.y, 0) / found.length;
  return { x: x / devicePixelRatio, y: y / devicePixelRatio };
});

describe.skipIf(!hasChromium)(inChromium('the dashboard as an admin reads it'), () => {
  let browser: Browser;
  let app: Switchboard;
  // The server's clock, moved by the test: the conversations happened in the last half hour, today.
  const started = Date.now() - 30 * 60_000;
  let current = started;
  const at = (seconds: number) => (current = started + seconds * 1000);
  withChromium(
    async () => {
      const running = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, now: () => new Date(current) });
      return { app: running, stop: async () => { await running.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, app } = { browser: running.browser, app: running.server.app }),
  );

  it('says a median time in the Reports cards as the chart draws it, to the nearest minute: 1 min 45 s is "2 min", not "1 min"', async () => {
    // Layla's bill: Omar answers 1 min 45 s after she opened, and closes at 8 min 45 s.
    at(0);
    const omar = visitor(app.url, 'agent-omar');
    expect((await omar.say('/online')).status).toBe(202);
    const layla = visitor(app.url, 'reads-layla', 'Layla');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice']) expect((await layla.say(text)).status).toBe(202);
    await expect.poll(async () => (await app.store.openConversations({ stage: 'assigned' })).length, { timeout: 15_000 }).toBe(1);
    at(105);
    expect((await omar.say('Hello Layla, looking into it')).status).toBe(202);
    await expect.poll(async () => (await app.store.conversation(1))?.firstResponseAt, { timeout: 15_000 }).toBeDefined();
    at(525);
    expect((await omar.say('/close refunded')).status).toBe(202);
    await expect.poll(async () => (await app.store.conversation(1))?.status, { timeout: 15_000 }).toBe('closed');

    await withPage(browser, 'dashboard-reads-times', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await recordDrawnTexts(page);
      await signIn(page, app.url, ADMIN_TOKEN);
      await page.goto(`${app.url}/admin#/reports`);
      await page.locator('.figures').waitFor();
      // 1 min 45 s and 8 min 45 s, each to the nearest minute: they read "1 min" and "8 min" beside bars at 1.75 and 8.75.
      expect(await read(page, '.figure:has-text("First response (median)") .value')).toBe('2 min');
      expect(await read(page, '.figure:has-text("Resolution (median)") .value')).toBe('9 min');
      expect(await page.locator('.figures-table.agents tbody tr', { hasText: 'Omar' }).locator('td').allInnerTexts()).toEqual(expect.arrayContaining(['2 min', '9 min']));
      // The chart of resolutions is in minutes; its bar, pointed at, says the card's time.
      const chart = resolutionChart(page);
      await chart.locator('canvas').waitFor();
      expect(await read(page, '.chart:has-text("Resolution, median") figcaption')).toBe('Resolution, median (minutes)');
      await chart.locator('canvas').hover({ position: await barMiddle(page) });
      const title = (await chart.locator('canvas').getAttribute('aria-label'))!;
      await expect.poll(() => drawnTexts(page, title)).toContain('9 min');
      await shot(page, 'dashboard-reads-times-en');
    });
  }, 120_000);

  it('names the intent in a conversation\'s Details by its route\'s title, as the Reports page does, in English and Arabic', async () => {
    // Sam's bill, classified billing by the route titled Billing (الفواتير), with Billing's team.
    const sam = visitor(app.url, 'reads-sam', 'Sam');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice']) expect((await sam.say(text)).status).toBe(202);
    await expect.poll(async () => (await app.store.openConversations({})).find((conversation) => conversation.intent === 'billing')?.id, { timeout: 15_000 }).toBeDefined();
    const id = (await app.store.openConversations({})).find((conversation) => conversation.intent === 'billing')!.id;

    await withPage(browser, 'dashboard-reads-intent', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, ADMIN_TOKEN);
      await page.goto(`${app.url}/admin#/conversations/${id}`);
      await page.locator('dd.intent').waitFor();
      // It read "billing", the intent's id, because the title says the same as the team (Billing).
      expect(await read(page, 'dd.intent')).toBe('Billing');
      expect(await page.locator('dd.intent bdi').getAttribute('title')).toBe('billing');
      await shot(page, 'dashboard-reads-intent-en');
      await page.locator('button.lang').click();
      await expect.poll(() => read(page, 'dd.intent')).toBe('الفواتير (billing)');
      await shot(page, 'dashboard-reads-intent-ar');
    });
  }, 120_000);
});
