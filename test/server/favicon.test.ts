// The product's icon: every page links a small SVG icon, and /favicon.ico, which browsers ask for by themselves,
// answers without an error, so no page logs a failed request for it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { CHROMIUM, hasChromium, launch } from '../admin-ui/scenario.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';

const TOKEN = 'favicon-test-admin-token-0123456789';
const running: Switchboard[] = [];

afterEach(async () => {
  for (const app of running.splice(0)) await app.stop();
  await cleanupDirs();
});

describe('the favicon', () => {
  it('answers /favicon.ico without a 404, and serves a small SVG icon that the pages link', async () => {
    const app = await start(await shippedDataDir(), { adminToken: TOKEN });
    running.push(app);
    const ico = await fetch(`${app.url}/favicon.ico`);
    expect(ico.status).toBe(204);
    const svg = await fetch(`${app.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const body = await svg.text();
    expect(body).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(body.length).toBeLessThan(1024);
    for (const path of ['/', '/?embed=1', '/agent', '/admin']) {
      expect(await (await fetch(`${app.url}${path}`)).text(), path).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    }
  });

  it.skipIf(!hasChromium)(`logs no failed request on the web chat, the agent console and the dashboard in Chromium${hasChromium ? '' : `: SKIPPED, no Chromium at ${CHROMIUM}`}`, async () => {
    const app = await start(await shippedDataDir(), { adminToken: TOKEN });
    running.push(app);
    const browser = await launch();
    try {
      for (const path of ['/', '/agent', '/admin']) {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on('response', (response) => { if (response.status() >= 400 && !response.url().includes('/api/session') && !response.url().includes('/agent/api/state')) failed.push(`${response.status()} ${response.url()}`); });
        page.on('console', (message) => { if (message.type() === 'error' && !/401/.test(message.text())) failed.push(message.text()); });
        await page.goto(`${app.url}${path}`);
        await page.waitForLoadState('networkidle');
        expect(failed, path).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
