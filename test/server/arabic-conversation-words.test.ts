// What an admin and an agent read of a conversation once they switch to Arabic, on a real Switchboard with the
// shipped flow and team: the dashboard's timeline names what the customer asked for by its route's title in the
// dashboard's language (the intent kept in brackets), as the conversation's details do; the agent console's line under
// its header does not stay in the language just left, and its header lists the agent's teams as Arabic lists them.
// Screenshots go to test-results/arabic/. Skipped, saying so, without Chromium.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { inChromium, hasChromium, launch } from '../admin-ui/scenario.ts';

const TOKEN = 'arabic-conversation-admin-token-0123456789';
const SHOTS = join(process.cwd(), 'test-results', 'arabic');

/** What a timeline entry says after its time. */
function moment(entry: ReturnType<Page['locator']>): Promise<string> {
  return entry.evaluate((li) => [...li.childNodes].slice(1).map((node) => node.textContent).join('').trim());
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)(inChromium('a conversation read in Arabic, in Chromium'), () => {
  let browser: Browser;
  let app: Switchboard;

  beforeAll(async () => {
    browser = await launch();
    app = await start(await shippedDataDir(), { adminToken: TOKEN });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  it('names in the dashboard\'s timeline what the customer asked for by its route\'s title, in Arabic, the intent in brackets', async () => {
    const layla = visitor(app.url, `timeline-layla-${Date.now()}`, 'Layla');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice']) expect((await layla.say(text)).status).toBe(202);
    const found = await (await fetch(`${app.url}/api/conversations?q=Layla`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { conversations: { id: number }[] };
    const id = found.conversations[0]!.id;
    const context = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/admin`);
    await page.fill('#token', TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
    await page.goto(`${app.url}/admin#/conversations/${id}`);
    const classified = page.locator('.events li', { hasText: 'صُنّفت' });
    await classified.waitFor({ timeout: 15_000 });
    // As the details above it say it: the route's title, the intent it stands for in brackets.
    expect(await moment(classified)).toBe('صُنّفت · الفواتير (billing)');
    expect(await page.locator('.details dd.intent').innerText()).toBe('الفواتير (billing)');
    await shot(page, 'conversation-timeline-route-title');
    // In English the title says no more than the intent: the intent is under the pointer.
    await page.locator('button.lang').click();
    const inEnglish = page.locator('.events li', { hasText: 'classified' });
    await inEnglish.locator('bdi', { hasText: 'Billing' }).waitFor();
    expect(await moment(inEnglish)).toBe('classified · Billing');
    expect(await inEnglish.locator('bdi[title="billing"]').innerText()).toBe('Billing');
    await context.close();
  }, 90_000);

  it('words the agent console\'s line under its header again after a switch of language, the server\'s answers too', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-sara'));
    await page.click('#signin-button');
    await page.click('#online');
    const result = page.locator('#result');
    await result.filter({ hasText: 'You are online' }).waitFor();
    // The server's answer, said again in Arabic from its inEachLanguage, not left in English under an Arabic header.
    await page.locator('#app > header button.lang').click();
    await page.locator('html[lang="ar"]').waitFor({ state: 'attached' });
    expect(await result.textContent()).toBe('أنت متصل الآن: ستصلك المحادثات الجديدة.');
    // The console's own words: said again in the language switched to, either way.
    await page.locator('#app > header button.lang').click();
    // Switchboard out of reach (until it answers again, the line stays).
    await page.route('**/agent/api/**', (route) => route.abort());
    await page.click('#away');
    await result.filter({ hasText: 'Switchboard cannot be reached; try again.' }).waitFor();
    await page.locator('#app > header button.lang').click();
    expect(await result.textContent()).toBe('تعذّر الوصول إلى Switchboard؛ أعد المحاولة.');
    expect(await result.getAttribute('class')).toContain('refused');
    await shot(page, 'console-result-after-switch');
    await page.locator('#app > header button.lang').click();
    expect(await result.textContent()).toBe('Switchboard cannot be reached; try again.');

    // A conversation of hers closed by an admin: what became of it, asked of the server again in Arabic.
    await page.unroute('**/agent/api/**');
    const omar = visitor(app.url, `gone-omar-${Date.now()}`, 'Omar');
    for (const text of ['hello', 'omar@example.com', 'the app crashes when I log in']) expect((await omar.say(text)).status).toBe(202);
    await page.locator('#held li', { hasText: 'Omar' }).waitFor({ timeout: 15_000 });
    const held = await (await fetch(`${app.url}/api/conversations?q=Omar`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { conversations: { id: number }[] };
    const id = held.conversations[0]!.id;
    expect((await fetch(`${app.url}/api/conversations/${id}/close`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    await result.filter({ hasText: `#${id}` }).waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toBe(`#${id} was closed by admin.`);
    await page.locator('#app > header button.lang').click();
    await result.filter({ hasText: 'أُغلقت' }).waitFor();
    expect(await result.textContent()).toBe(`أُغلقت المحادثة #${id} بواسطة \u2068admin\u2069.`);
    await context.close();
  }, 90_000);

  it('lists an agent\'s teams in the Arabic console as Arabic lists them, each name whole in the right-to-left line', async () => {
    const context = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-sara'));
    await page.click('#signin-button');
    const me = page.locator('#me');
    await me.filter({ hasText: 'Sara' }).waitFor();
    // The shipped teams' Arabic titles (h56d: agents read teams by their titles in their language).
    expect(await me.textContent()).toBe('Sara · الدعم الفني، المبيعات');
    expect(await me.locator('bdi').allTextContents()).toEqual(['Sara', 'الدعم الفني', 'المبيعات']);
    await page.locator('#app > header button.lang').click();
    expect(await me.textContent()).toBe('Sara · Support, Sales');
    await context.close();
  }, 60_000);
});
