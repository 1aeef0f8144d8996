// What an admin (dashboard) and an agent (console) see, in Chromium, while the embedded store cannot write (the disk
// full, as test/server/disk-full.test.ts makes it): the dashboard says it above every page, in the admin's language
// (what is wrong, since when, what Switchboard does, what to do), and the banner goes once the disk has room again;
// the console keeps what the agent wrote and says so, and signs them in by itself once the store writes again.
// Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../src/store/types.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { agentToken, cleanupDirs, fillableDisk, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

/** What a person reads in `selector` (the isolates that keep Latin words in place are invisible, so left out). */
const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

describe.skipIf(!hasChromium)(inChromium('pages while the disk is full'), () => {
  let browser: Browser;
  let app: Switchboard;
  let dir: string;
  withChromium(
    async () => {
      dir = await shippedDataDir();
      const started = await start(dir, { adminToken: ADMIN_TOKEN });
      return { app: started, stop: async () => { await started.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, server: { app } } = running),
  );
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Fills the disk, and has a visitor's start of a chat refused: the store finds out it cannot write. */
  async function fillDisk(): Promise<{ full: boolean }> {
    const disk = await fillableDisk(dir);
    disk.full = true;
    const res = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Nour' }) });
    expect(res.status).toBe(503);
    return disk;
  }

  it('the dashboard says above every page, in Arabic and in English, that the disk is full, since when, what Switchboard does and what to do; the banner goes once it writes again', () => withPage(browser, 'dashboard-disk-full', { locale: 'ar', viewport: { width: 1280, height: 900 } }, async (page) => {
    await page.goto(`${app.url}/admin`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
    await page.locator('header .live.on').waitFor();
    expect(await page.locator('.outage').count()).toBe(0);

    const disk = await fillDisk();
    // Told by the live stream, within its few seconds, on the page the admin is on: no page had to fail first.
    const banner = page.locator('main .notice.outage');
    await banner.waitFor({ timeout: 10_000 });
    const arabic = await read(page, 'main .notice.outage');
    expect(arabic).toContain('يتعذّر على Switchboard الكتابة على قرصه، فلا يستطيع حفظ أي شيء.');
    expect(arabic).toMatch(/منذ .+ يرفض كل ما يحتاج إلى مخزنه/);
    expect(arabic).toContain('وفّر مساحة على القرص الذي يحمل مجلد DATA_DIR');
    expect(arabic).toMatch(/المحاولة التالية بعد|تجري المحاولة الآن/);
    // The server's own words last, as it wrote them.
    expect(await read(page, '.outage code')).toMatch(/^could not (append|write) to .*\(ENOSPC: no space left on device, fdatasync\)$/);
    await shot(page, 'dashboard-disk-full-ar');
    await page.locator('.outage .outage-reason').screenshot({ path: 'test-results/admin-ui/dashboard-disk-full-reason-ar.png' });

    // On every page, and in English once the admin switches.
    await page.goto(`${app.url}/admin#/team`);
    await banner.waitFor();
    await page.locator('header button.lang').click();
    const english = await read(page, 'main .notice.outage');
    expect(english).toContain('Switchboard cannot write to its disk, so it cannot save anything.');
    expect(english).toMatch(/Since .+, it refuses everything that needs its store/);
    expect(english).toContain('make room on the disk that holds Switchboard’s DATA_DIR');
    expect(english).toMatch(/Next try in \d+ s\.|Trying again now…/);
    await shot(page, 'dashboard-disk-full-en');

    disk.full = false;
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    // And what the page could not read meanwhile, it reads now.
    await page.locator('main .notice.error').waitFor({ state: 'detached' });
    await shot(page, 'dashboard-disk-full-over');
  }), 90_000);

  it('the agent console keeps a reply and a closing note the full disk refused and says so, in English and Arabic; a sign-in meanwhile counts down and signs in by itself once the disk has room', () => withPage(browser, 'console-disk-full', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.locator('#app').waitFor();
    await page.click('#online');
    await page.waitForFunction(() => document.getElementById('online')?.classList.contains('active'));
    // Sam's bill comes to Lina.
    const sam = visitor(app.url, 'disk-full-sam', 'Sam');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice']) await sam.say(text);
    let conversation: Conversation | undefined;
    for (let tries = 0; !conversation && tries < 100; tries++) {
      [conversation] = await app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
      if (!conversation) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.locator(`#held li[data-id="${conversation!.id}"]`).click();
    await page.locator('#reply-text').waitFor();

    const disk = await fillDisk();
    const result = (part: string) => page.waitForFunction((text) => document.getElementById('result')?.textContent?.includes(text), part);
    const reply = 'I see two charges on your bill; one is refunded now.';
    // Its answer slow in coming: Lina goes on typing in the emptied box meanwhile.
    let answer!: () => void;
    const typed = new Promise<void>((resolve) => { answer = resolve; });
    await page.route('**/agent/api/conversations/*/messages', async (route) => {
      if (route.request().method() === 'POST') await typed;
      await route.continue();
    });
    await page.fill('#reply-text', reply);
    await page.locator('#reply-text').press('Enter');
    await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value === '');
    await page.locator('#reply-text').pressSequentially('It takes 3 days.');
    answer();
    await result('Your reply was not sent');
    await page.unroute('**/agent/api/conversations/*/messages');
    expect(await read(page, '#result')).toMatch(/^Your reply was not sent: Switchboard cannot save anything right now \(it is starting, or cannot reach its store\)\. It is still in the box; send it again in \d+ s\.$/);
    // Nothing lost: the reply back in the box, before what was typed meanwhile.
    expect(await page.inputValue('#reply-text')).toBe(`${reply}\nIt takes 3 days.`);

    await page.fill('#close-note', 'Refunded the double charge');
    await page.locator('#close-form button').click();
    await result('what you wrote is still in its box');
    expect(await read(page, '#result')).toMatch(/^Switchboard cannot do this right now \(it is starting, or cannot reach its store\); nothing was done, and what you wrote is still in its box\. Try again in \d+ s\.$/);
    expect(await page.inputValue('#close-note')).toBe('Refunded the double charge');
    await shot(page, 'console-disk-full-close-en');
    await page.locator('#app button.lang').click();
    const arabic = await read(page, '#result');
    expect(arabic, arabic).toMatch(/^يتعذّر على Switchboard تنفيذ هذا الآن \(يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه\)؛ لم يُنفَّذ شيء، وما زال ما كتبته في مربعه\. أعد المحاولة بعد .+\.$/);
    await shot(page, 'console-disk-full-close-ar');

    // Sara signs in meanwhile, on an Arabic console: told why not yet, counting down, and signed in by itself later.
    await withPage(browser, 'console-disk-full-sign-in', { locale: 'ar', viewport: { width: 1100, height: 760 } }, async (sara) => {
      await sara.goto(`${app.url}/agent`);
      await sara.fill('#token', agentToken('agent-sara'));
      await sara.click('#signin-button');
      await sara.waitForFunction(() => document.getElementById('signin-error')?.textContent !== '');
      const waiting = await read(sara, '#signin-error');
      expect(waiting).toMatch(/^تعذّر تسجيل دخولك الآن \(يجري تشغيل Switchboard، أو تعذّر عليه الوصول إلى مخزنه\)\. ستُعاد المحاولة تلقائيًا بعد .+…$/);
      expect(await sara.locator('#app').isHidden()).toBe(true);
      await shot(sara, 'console-disk-full-sign-in-ar');
      // The countdown goes on by itself (or the next try came already).
      await sara.waitForFunction((before) => document.getElementById('signin-error')?.textContent !== before || !document.getElementById('app')?.hidden, await sara.locator('#signin-error').textContent());

      disk.full = false;
      // Nothing pressed: the console signs Sara in once the store writes again.
      await sara.locator('#app').waitFor({ timeout: 45_000 });
      expect(await sara.locator('#signin').isHidden()).toBe(true);
    });

    // Lina's reply, still in the box, goes; and the close with its note.
    await page.locator('#reply-text').press('Enter');
    await page.locator('#transcript .msg.agent', { hasText: 'It takes 3 days.' }).waitFor();
    expect(await page.inputValue('#reply-text')).toBe('');
    await page.locator('#close-form button').click();
    await page.locator(`#held li[data-id="${conversation!.id}"]`).waitFor({ state: 'detached' });
    expect((await app.store.conversation(conversation!.id))?.closingNote).toBe('Refunded the double charge');
  }), 90_000);
});
