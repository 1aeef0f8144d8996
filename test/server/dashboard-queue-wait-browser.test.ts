// How long each queued customer has waited, as the admin reads it in Chromium on a real Switchboard with the shipped
// data: the conversations list says it on each queued row ("waiting 30 min", «ينتظر منذ 30 د»), counting on while the
// page stays open, and, filtered to the queue, puts the customer who has waited longest first; so does a queued
// conversation's details. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { join } from 'node:path';
import { hasChromium, inChromium, shot, SHOTS, withChromium, withPage } from '../admin-ui/scenario.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown as read } from './shipped-in-chromium.ts';

const MINUTE = 60_000;

describe.skipIf(!hasChromium)(inChromium('how long queued customers have waited, on the dashboard'), () => {
  let browser: Browser;
  let app: Switchboard;
  // The server's clock runs `behind` ms behind the real one while customers queue, then catches up: they have waited that long.
  const clock = { behind: 0 };
  withChromium(
    async () => {
      const running = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, now: () => new Date(Date.now() - clock.behind) });
      return { app: running, stop: async () => { await running.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, app } = { browser: running.browser, app: running.server.app }),
  );

  /** A customer of the shipped flow who ends in Billing's queue (nobody is online), `ago` ms ago. */
  async function queuedAgo(session: string, name: string, ago: number): Promise<void> {
    clock.behind = ago;
    const customer = visitor(app.url, session, name);
    for (const text of ['hello', `${session}@example.com`, 'I was charged twice']) expect((await customer.say(text)).status).toBe(202);
    await expect.poll(async () => (await app.store.openConversations({ stage: 'queued' })).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await customer.messages()).some((message) => /in line/.test(message.text)), { timeout: 15_000 }).toBe(true);
    clock.behind = 0;
  }

  it('says on each queued conversation how long its customer has waited, live, longest first in the queue, in English and Arabic', () => withPage(browser, 'dashboard-queue-wait', { viewport: { width: 1280, height: 900 } }, async (page) => {
    await queuedAgo('wait-sam', 'Sam', 30 * MINUTE);
    await queuedAgo('wait-lina', 'Lina', 5 * MINUTE);
    await queuedAgo('wait-omid', 'Omid', 0);

    await page.goto(`${app.url}/admin#/conversations`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    const row = (name: string) => page.locator('.rows .row', { hasText: name });
    await expect.poll(() => page.locator('.rows .row').count(), { timeout: 15_000 }).toBe(3);
    expect(await read(page, '.rows .row:has-text("Sam") .wait')).toBe('waiting 30 min');
    expect(await read(page, '.rows .row:has-text("Lina") .wait')).toBe('waiting 5 min');
    // Each row shows what the customer last said, as the agent console's list does (before: the bot's line that follows
    // it in every queued conversation, "Nobody on our Billing team is free right now…").
    expect(await read(page, '.rows .row:has-text("Sam") .last')).toBe('I was charged twice');
    // It counts on while the page stays open.
    const first = await row('Omid').locator('.wait').innerText();
    expect(first).toMatch(/^waiting \d+ s$/);
    await expect.poll(() => row('Omid').locator('.wait').innerText(), { timeout: 10_000 }).not.toBe(first);

    // The queue alone: the customer who has waited longest first.
    await page.selectOption('.filters select >> nth=1', 'queued');
    await page.locator('.filters button[type="submit"]').click();
    await expect.poll(async () => (await page.locator('.rows .row .who').allInnerTexts()).map((text) => text.replace(/[\u2066-\u2069]/g, '').replace(/^#\d+ · /, '')), { timeout: 10_000 }).toEqual(['Sam', 'Lina', 'Omid']);
    await shot(page, 'dashboard-queue-wait-en');

    // Sam's details say it too, counting on.
    await row('Sam').locator('a').click();
    await page.locator('dd.waiting').waitFor();
    expect(await read(page, 'dd.waiting')).toBe('30 min');

    // In Arabic.
    await page.locator('header button.lang, button.lang').first().click();
    await expect.poll(() => read(page, 'dd.waiting')).toBe('30 د');
    await page.goto(`${app.url}/admin#/conversations`);
    await expect.poll(() => page.locator('.rows .row .wait').count(), { timeout: 10_000 }).toBe(3);
    expect(await read(page, '.rows .row:has-text("Sam") .wait')).toBe('ينتظر منذ 30 د');
    await shot(page, 'dashboard-queue-wait-ar');
  }), 90_000);

  // A browser whose clock is off (a laptop 10 minutes fast or slow) still says how long the customer has really waited:
  // the page counts on the server's clock, not its own (before: Lina, queued 5 minutes ago by the test above, was
  // "waiting 15 min" 10 minutes fast, and a negative wait 10 minutes slow).
  for (const [off, name] of [[10 * MINUTE, 'fast'], [-10 * MINUTE, 'slow']] as const) {
    it(`says the real wait in a browser whose clock is 10 minutes ${name}`, () => withPage(browser, `dashboard-queue-wait-clock-${name}`, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.addInitScript((shift: number) => {
        const RealDate = Date;
        const realNow = Date.now.bind(Date);
        class ShiftedDate extends RealDate {
          constructor(...args: unknown[]) {
            if (args.length === 0) super(realNow() + shift);
            else super(...(args as [string]));
          }
          static override now(): number {
            return realNow() + shift;
          }
        }
        globalThis.Date = ShiftedDate as DateConstructor;
      }, off);
      await page.goto(`${app.url}/admin#/conversations`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.locator('form button[type="submit"]').click();
      // The page's clock is off indeed.
      expect(Math.abs(await page.evaluate(() => Date.now() - performance.timeOrigin - performance.now()) - off)).toBeLessThan(MINUTE);
      const wait = page.locator('.rows .row', { hasText: 'Lina' }).locator('.wait');
      await wait.waitFor({ timeout: 15_000 });
      await expect.poll(() => read(page, `.rows .row:has-text("Lina") .wait`), { timeout: 10_000 }).toBe('waiting 5 min');
      await row(page, 'Lina').locator('a').click();
      await page.locator('dd.waiting').waitFor();
      expect(await read(page, 'dd.waiting')).toBe('5 min');
      // The queue board counts on the same clock.
      await page.goto(`${app.url}/admin#/queue`);
      await expect.poll(() => read(page, `.conversation-card:has-text("Lina") .wait`), { timeout: 10_000 }).toBe('waiting 5 min');
      // With what she last said, as the conversations list and the agent console show.
      expect(await read(page, '.conversation-card:has-text("Lina") .last')).toBe('I was charged twice');
    }), 90_000);
  }

  it('counts every customer waiting on the queue board, in all and by team, and says which it shows, when more wait than it reads, in English and Arabic', () => withPage(browser, 'dashboard-queue-surge', { viewport: { width: 1280, height: 900 } }, async (page) => {
    // 250 more customers queued in Billing over the last hours (a surge), beside Sam, Lina and Omid (Billing too),
    // and 4 in Sales just now: they have waited least, so none of them is among the 200 shown.
    const before = (await app.store.openConversations({ stage: 'queued' })).length;
    await app.store.transaction('surge', async (tx) => {
      for (let n = 1; n <= 250; n++) {
        const at = new Date(Date.now() - (300 - n) * MINUTE).toISOString();
        const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
        tx.putContact({ id, identities: [{ channel: 'webchat', id: `surge-${n}` }], name: `Surge ${n}`, fields: {}, tags: [], createdAt: at, updatedAt: at });
        tx.putConversation({ id: 10_000 + n, contactId: id, channel: 'webchat', status: 'open', stage: 'queued', team: 'Billing', fields: {}, source: 'contact', openedAt: at, queuedAt: at });
      }
      for (let n = 1; n <= 4; n++) {
        const at = new Date().toISOString();
        const id = `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
        tx.putContact({ id, identities: [{ channel: 'webchat', id: `sales-${n}` }], name: `Sales ${n}`, fields: {}, tags: [], createdAt: at, updatedAt: at });
        tx.putConversation({ id: 20_000 + n, contactId: id, channel: 'webchat', status: 'open', stage: 'queued', team: 'Sales', fields: {}, source: 'contact', openedAt: at, queuedAt: at });
      }
    });
    const total = before + 254;
    await page.goto(`${app.url}/admin#/queue`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    // Before: "Waiting 200", and nothing said that more waited.
    await expect.poll(() => read(page, '.column.waiting h2 .count'), { timeout: 15_000 }).toBe(String(total));
    expect(await read(page, '.column.waiting .shown-of')).toBe(`The 200 who have waited longest are shown, of ${total}; the conversations list filtered to Waiting pages through them all.`);
    expect(await page.locator('.column.waiting .conversation-card').count()).toBe(200);
    expect(await read(page, '.column.waiting .conversation-card >> nth=0 >> .who')).toBe('Surge 1');
    // Each team counted in all too (before: "Billing 200" of 253, and Sales, none of them shown, not on the board).
    expect(await read(page, '.column.waiting .team-group[data-team="Billing"] h3')).toBe(`Billing ${before + 250}`);
    expect(await read(page, '.column.waiting .team-group[data-team="Sales"] h3')).toBe('Sales 4');
    expect(await read(page, '.column.waiting .team-group[data-team="Sales"] .none-shown')).toBe('None of them are among those shown here.');
    expect(await page.locator('.column.waiting .team-group[data-team="Sales"] .conversation-card').count()).toBe(0);
    await page.locator('.column.waiting .team-group[data-team="Sales"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'dashboard-queue-surge-teams-en.png') });
    await page.locator('header button.lang, button.lang').first().click();
    await expect.poll(() => read(page, '.column.waiting .shown-of')).toBe(`تظهر هنا 200 محادثة انتظر أصحابها أطول مدة من أصل ${total}؛ وتعرضها كلها قائمة المحادثات في مرحلة «في الانتظار».`);
    expect(await read(page, '.column.waiting .team-group[data-team="Billing"] h3')).toBe(`الفواتير ${before + 250}`);
    expect(await read(page, '.column.waiting .team-group[data-team="Sales"] .none-shown')).toBe('لا يظهر أيٌّ منهم بين المعروضين هنا.');
    // The top of the board, as the admin sees it first (the whole page is 200 cards long).
    await page.screenshot({ path: join(SHOTS, 'dashboard-queue-surge-ar.png') });
  }), 90_000);
});

const row = (page: import('playwright-core').Page, name: string) => page.locator('.rows .row', { hasText: name });
