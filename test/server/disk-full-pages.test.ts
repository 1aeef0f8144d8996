// What an admin (dashboard) and an agent (console) see, in Chromium, while the embedded store cannot write (the disk
// full, as test/server/disk-full.test.ts makes it): the dashboard says it above every page, in the admin's language
// (what is wrong, since when, what Switchboard does, what to do), and the banner goes once the disk has room again.
// Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { cleanupDirs, fillableDisk, shippedDataDir, start } from '../helpers.ts';
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
  }), 60_000);

});
