// An admin raises an agent's max_open in the dashboard's Team page while customers wait: once the save is answered
// the customers it seated have heard the agent joined, and the admin reads how many were seated, in English and in
// Arabic. A real server on the embedded store, Telegram webhooks to it, the fake Bot API, Chromium. Skipped, saying
// so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, start } from '../../helpers.ts';
import { hasChromium, inChromium, replaceText, shot, signIn, withChromium, withPage } from '../../admin-ui/scenario.ts';
import { AGENT_CHAT, FakeBotApi, SECRET, handoverDataDir, post, quiet, until, update } from '../../store/postgres-two-apps.ts';
import { ADMIN_TOKEN } from './client.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Support }\n    queued: "You are number {{queue.position}} in line."\n';
const team = (maxOpen: number) => `teams:\n  - name: Support\n    strategy: round_robin\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: ${maxOpen}\n`;
const JOINED = '\u2068Omar\u2069 has joined the conversation.';
/** Four customers' Telegram chats, in the order they write: the first is with Omar, the others wait. */
const CUSTOMERS = [74_001, 74_002, 74_003, 74_004];

describe.skipIf(!hasChromium)(inChromium('the Team page says how many waiting customers a save seated'), () => {
  let browser: Browser;
  let app: Switchboard;
  let api: FakeBotApi;
  withChromium(async () => {
    api = await FakeBotApi.start();
    app = await start(await handoverDataDir(flow, team(1)), {
      adminToken: ADMIN_TOKEN,
      config: { TELEGRAM_BOT_TOKEN: '123456:team-room-dashboard', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
    });
    return {
      stop: async () => {
        await app.stop();
        await api.close();
        await cleanupDirs();
      },
    };
  }, (running) => ({ browser } = running));

  /** Who heard Omar joined, by now: each customer's count of the line. */
  const heard = () => CUSTOMERS.map((chat) => api.sentTo(chat).filter((text) => text === JOINED).length);

  /** On the Team page: team.yaml with Omar's max_open at `maxOpen`, published; the notice the admin reads. */
  async function publish(page: Page, maxOpen: number, button: string): Promise<{ text: string; heard: number[] }> {
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('tr[data-agent="omar"]').waitFor();
    await page.locator('.editor .cm-content').waitFor();
    await replaceText(page, team(maxOpen));
    await page.getByRole('button', { name: button, exact: true }).click();
    const notice = page.locator('.notice.ok');
    await notice.waitFor();
    // What the customers had received when the admin read it.
    const then = heard();
    return { text: await notice.innerText(), heard: then };
  }

  it('seats the customers waiting longest, and tells the admin how many once they have heard it', async () => {
    expect(await post(app.url, update(AGENT_CHAT, '/online'))).toBe(200);
    await until('Omar online', () => api.sentTo(AGENT_CHAT).length > 0);
    for (const chat of CUSTOMERS) {
      expect(await post(app.url, update(chat, 'hello'))).toBe(200);
      await until(`${chat} answered`, () => api.sentTo(chat).length > 0);
    }
    await quiet(api);
    expect(heard()).toEqual([1, 0, 0, 0]);

    await withPage(browser, 'team-seated-en', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, ADMIN_TOKEN);
      const saved = await publish(page, 3, 'Publish');
      expect(saved.heard).toEqual([1, 1, 1, 0]);
      expect(saved.text).toMatch(/^Published version \S+\. 2 waiting customers are now with an agent\.$/);
      await page.locator('tr[data-agent="omar"]', { hasText: '3 / 3' }).waitFor();
      await shot(page, 'team-seated-en');
    });

    await withPage(browser, 'team-seated-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${app.url}/admin`);
      await page.locator('#token').waitFor();
      await page.locator('button.lang').click();
      await page.locator('#token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
      const saved = await publish(page, 4, 'نشر');
      expect(saved.heard).toEqual([1, 1, 1, 1]);
      expect(saved.text).toMatch(/^نُشر الإصدار \S+\. أصبح عميل منتظر واحد مع موظف\.$/);
      await page.locator('tr[data-agent="omar"]', { hasText: '4 / 4' }).waitFor();
      await shot(page, 'team-seated-ar');
    });
  }, 120_000);
});
