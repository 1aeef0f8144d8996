// The Team page says who set an away agent away and why, in English and Arabic: Sara, whose console closed, was set
// away by Switchboard after CONSOLE_AWAY_AFTER; Lina pressed Away herself. A real server on the shipped data, the
// agents' consoles through their HTTP API, Chromium. Skipped, saying so, where Chromium is not installed.
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start } from '../../helpers.ts';
import { hasChromium, inChromium, shot, signIn, withChromium, withPage } from '../../admin-ui/scenario.ts';
import { follow } from '../follow-stream.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';
import type { Browser } from 'playwright-core';

const act = (url: string, session: string, status: 'online' | 'away') => fetch(`${url}/agent/api/act`, {
  method: 'POST',
  headers: { authorization: `Bearer ${agentToken(session)}`, 'content-type': 'application/json' },
  body: JSON.stringify({ action: { kind: 'status', status } }),
});

interface Listed { id: string; status: string; statusSince?: string; awayBecause?: string; awayAfterMs?: number }

describe.skipIf(!hasChromium)(inChromium('the Team page says why an agent is away'), () => {
  let browser: Browser;
  let app: Switchboard;
  withChromium(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { CONSOLE_AWAY_AFTER: 2_000 } });
    return {
      stop: async () => {
        await app.stop();
        await cleanupDirs();
      },
    };
  }, (running) => ({ browser } = running));

  const agents = async () => (await adminClient(app.url).get<{ agents: Listed[] }>('/agents')).body.agents;
  const agent = async (id: string) => (await agents()).find((each) => each.id === id) as Listed;

  it('says set away by Switchboard (no console for the grace) or by themselves, beside since when', async () => {
    // Sara's console streams while she goes online, then closes; Lina, online, presses Away.
    const stream = await follow(`${app.url}/webchat/agent-sara/events?token=${agentToken('agent-sara')}`);
    expect((await act(app.url, 'agent-sara', 'online')).status).toBe(200);
    stream.abort();
    expect((await act(app.url, 'agent-lina', 'online')).status).toBe(200);
    expect((await act(app.url, 'agent-lina', 'away')).status).toBe(200);
    await expect.poll(async () => (await agent('sara')).status, { timeout: 15_000, interval: 200 }).toBe('away');
    expect(await agent('sara')).toMatchObject({ awayBecause: 'noConsole', awayAfterMs: 2_000 });
    expect(await agent('lina')).toMatchObject({ status: 'away', awayBecause: 'agent' });
    expect(await agent('omar')).not.toHaveProperty('awayBecause');
    const since = new Date((await agent('sara')).statusSince!).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

    await withPage(browser, 'team-away-why-en', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, ADMIN_TOKEN);
      await page.goto(`${app.url}/admin#/team`);
      const sara = page.locator('tr[data-agent="sara"]');
      await sara.locator('.away-why').waitFor();
      expect(await sara.locator('.away-why').innerText()).toBe('Set away by Switchboard: no console of theirs was open for 2 seconds.');
      expect(await sara.locator('td[data-label="Status since"]').innerText()).toBe(since);
      expect(await page.locator('tr[data-agent="lina"] .away-why').innerText()).toBe('Set away by themselves.');
      expect(await page.locator('tr[data-agent="omar"] .away-why').count()).toBe(0);
      await shot(page, 'team-away-why-en');
    });

    await withPage(browser, 'team-away-why-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${app.url}/admin`);
      await page.locator('#token').waitFor();
      await page.locator('button.lang').click();
      await page.locator('#token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
      await page.goto(`${app.url}/admin#/team`);
      await page.locator('tr[data-agent="sara"] .away-why').waitFor();
      expect(await page.locator('tr[data-agent="sara"] .away-why').innerText()).toBe('جعله النظام «غير متاح»: مرّت ثانيتان دون أن تكون لوحته مفتوحة.');
      expect(await page.locator('tr[data-agent="lina"] .away-why').innerText()).toBe('جعل نفسه «غير متاح».');
      await shot(page, 'team-away-why-ar');
    });

    // Sara presses Online again: the reason goes with her Away.
    expect((await act(app.url, 'agent-sara', 'online')).status).toBe(200);
    expect(await agent('sara')).not.toHaveProperty('awayBecause');
  }, 120_000);
});
