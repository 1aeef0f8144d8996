// The agent console in Chromium, its 5 s and 15 s looks switched off: the marks under an agent's reply to a WhatsApp
// customer (sent, delivered, read) change as WhatsApp reports them, told by the console's live stream alone.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs } from '../helpers.ts';
import { LAYLA, LINA_FLOW, LINA_TEAM } from './lina-on-cloud.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let cloud: CloudServer | undefined;

describe.skipIf(!existsSync(CHROMIUM))('the agent console\'s delivery marks in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    await cleanupDirs();
  });

  it('marks Lina\'s reply sent, delivered, then read as WhatsApp reports each, without the console\'s periodic looks', async () => {
    cloud = await startCloud({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM });
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    // Without its 5 s look at the transcript (and its 15 s one at the lists), the console shows a change only as told.
    await page.addInitScript(() => {
      const every = window.setInterval;
      window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => (ms === 5_000 || ms === 15_000 ? 0 : every(handler, ms, ...rest))) as typeof window.setInterval;
    });
    await page.goto(`${cloud.app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.click('#online');
    await page.locator('#result:not(:empty)').waitFor();
    expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await page.locator('#held li', { hasText: 'Layla' }).click();
    await page.locator('.msg.contact', { hasText: 'Is my order on its way?' }).waitFor();

    await page.fill('#reply-text', 'Yes, it left yesterday.');
    await page.press('#reply-text', 'Enter');
    const mark = page.locator('.msg.agent', { hasText: 'Yes, it left yesterday.' }).locator('.mark');
    // 20 s: a loaded machine. Sent may show at the console's own look after its send; delivered and read only as told.
    await expect.poll(() => mark.getAttribute('title'), { timeout: 20_000 }).toBe('sent');
    await expect.poll(() => cloud!.graph.saidTo(LAYLA).includes('Yes, it left yesterday.'), { timeout: 20_000 }).toBe(true);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === LAYLA).at(-1)!.id;
    const status = (state: string) => ({ id: wamid, status: state, timestamp: '1763950330', recipient_id: LAYLA });

    expect((await cloud.post(messagesBody([], { statuses: [status('delivered')] }))).status).toBe(200);
    await expect.poll(() => mark.getAttribute('title'), { timeout: 20_000 }).toBe('delivered');
    expect(await mark.textContent()).toBe('✓✓');
    expect((await cloud.post(messagesBody([], { statuses: [status('read')] }))).status).toBe(200);
    await expect.poll(() => mark.getAttribute('title'), { timeout: 20_000 }).toBe('read');
    await page.screenshot({ path: 'test-results/console-marks-live.png' });
  }, 90_000);
});
