// The agent console in Chromium, light theme: under an agent's reply (the blue bubble), the read ✓✓ is told from the
// delivered ✓✓ by its colour, and both stand out against the bubble (WCAG AA, 4.5:1, for their small text), as the
// colours reach the screen: the mark's colour over the bubble's, through the opacity of what holds it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs } from '../helpers.ts';
import { LAYLA, LINA_FLOW, LINA_TEAM } from './lina-on-cloud.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

type Rgb = [number, number, number];
/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const [R, G, B] = [r, g, b].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)) as Rgb;
  return 0.2126 * R + 0.7152 * G + 0.0722 * B;
}
function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The hue of a colour, in degrees. */
function hue([r, g, b]: Rgb): number {
  const max = Math.max(r, g, b);
  const span = max - Math.min(r, g, b);
  if (span === 0) return 0;
  const h = max === r ? ((g - b) / span) % 6 : max === g ? (b - r) / span + 2 : (r - g) / span + 4;
  return (h * 60 + 360) % 360;
}

let browser: Browser;
let cloud: CloudServer | undefined;

describe.skipIf(!existsSync(CHROMIUM))('the agent console\'s read mark in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    await cleanupDirs();
  });

  it('shows read in a colour of its own under Lina\'s reply, readable on the blue bubble, as is delivered', async () => {
    cloud = await startCloud({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM });
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 }, colorScheme: 'light' })).newPage();
    await page.goto(`${cloud.app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.click('#online');
    await page.locator('#result:not(:empty)').waitFor();
    expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await page.locator('#held li', { hasText: 'Layla' }).click();
    await page.locator('.msg.contact', { hasText: 'Is my order on its way?' }).waitFor();

    const status = (id: string, state: string) => ({ id, status: state, timestamp: '1763950330', recipient_id: LAYLA });
    const replies = ['Yes, it left yesterday.', 'It arrives on Thursday.'];
    for (const reply of replies) {
      await page.fill('#reply-text', reply);
      await page.press('#reply-text', 'Enter');
      await expect.poll(() => cloud!.graph.saidTo(LAYLA).includes(reply), { timeout: 20_000 }).toBe(true);
    }
    const [first, second] = replies.map((reply) => cloud!.graph.sent.find((sent) => sent.body.to === LAYLA && sent.body.text?.body === reply)!.id);
    expect((await cloud.post(messagesBody([], { statuses: [status(first!, 'delivered'), status(second!, 'delivered'), status(first!, 'read')] }))).status).toBe(200);
    const mark = (reply: string) => page.locator('.msg.agent', { hasText: reply }).locator('.mark');
    await expect.poll(() => mark(replies[0]!).getAttribute('title'), { timeout: 20_000 }).toBe('read');
    await expect.poll(() => mark(replies[1]!).getAttribute('title'), { timeout: 20_000 }).toBe('delivered');
    await page.screenshot({ path: 'test-results/console-read-mark.png', clip: (await page.locator('.msg.agent').last().boundingBox().then((box) => ({ x: box!.x - 200, y: box!.y - 80, width: box!.width + 210, height: box!.height + 90 }))) });

    // The colour that reaches the screen: the mark's, blended through the opacity of it and what holds it, over the bubble's.
    const seen = (reply: string) => mark(reply).evaluate((element) => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      let opacity = 1;
      let node: Element | null = element;
      for (; node !== null && !node.classList.contains('msg'); node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
      const bubble = rgb(getComputedStyle(node!).backgroundColor);
      const color = rgb(getComputedStyle(element).color);
      return { mark: color.map((c, i) => Math.round(c * opacity + bubble[i]! * (1 - opacity))), bubble };
    });
    const read = await seen(replies[0]!);
    const delivered = await seen(replies[1]!);
    expect(read.bubble).toEqual([0x1f, 0x4f, 0xd1]);
    const [readMark, deliveredMark, bubble] = [read.mark, delivered.mark, read.bubble] as Rgb[];
    expect(contrast(readMark!, bubble!), `read ${readMark} on ${bubble}`).toBeGreaterThanOrEqual(4.5);
    expect(contrast(deliveredMark!, bubble!), `delivered ${deliveredMark} on ${bubble}`).toBeGreaterThanOrEqual(4.5);
    // Told apart by colour, not only by its title: not delivered's blue-white, nor a lighter shade of the bubble's blue.
    expect(readMark).not.toEqual(deliveredMark);
    expect(Math.hypot(...readMark!.map((c, i) => c - deliveredMark![i]!)), `read ${readMark}, delivered ${deliveredMark}`).toBeGreaterThanOrEqual(100);
    const apart = Math.abs(hue(readMark!) - hue(bubble!));
    expect(Math.min(apart, 360 - apart), `hue of read ${readMark} and of the bubble ${bubble}`).toBeGreaterThanOrEqual(60);
  }, 90_000);
});
