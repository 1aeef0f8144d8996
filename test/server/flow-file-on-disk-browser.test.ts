// A flow file saved outside the dashboard (a text editor, a git pull) while an admin edits that flow in it: the open
// editor says so at once, as it says a colleague's publish, and a publish of the old text is refused with a conflict
// that names the file, never writing over what was saved on disk. Against a real Switchboard watching its DATA_DIR,
// in Chromium, in English and Arabic; screenshots go to test-results/admin-ui/. Skipped, saying so, without Chromium.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { hasChromium, inChromium, launch, shot } from '../admin-ui/scenario.ts';

const TOKEN = 'flow-on-disk-token-0123456789abcdef';

describe.skipIf(!hasChromium)(inChromium('a flow file changed on disk while the dashboard edits it, in Chromium'), () => {
  let browser: Browser;
  const running: Switchboard[] = [];

  beforeAll(async () => {
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const app of running) await app.stop();
    await cleanupDirs();
  });

  /** A new page of a browser in `locale`, signed in to the dashboard of `url`, on a phone or a desktop. */
  async function admin(url: string, locale: 'ar' | 'en', width: number): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${url}/admin`);
    await page.fill('#token', TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
    return page;
  }

  const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

  for (const [locale, width, words] of [
    ['en', 1280, { live: 'The file flows/inbound.yaml changed on disk since you opened it', refused: 'Not published: the file flows/inbound.yaml changed on disk since you opened it', load: 'Discard mine, load the file' }],
    ['ar', 390, { live: 'تغيّر الملف flows/inbound.yaml على القرص منذ فتحته', refused: 'لم يُنشر شيء: تغيّر الملف flows/inbound.yaml على القرص منذ فتحته', load: 'تجاهل نصي وحمّل الملف' }],
  ] as const) {
    it(`tells the admin live that the file changed on disk, and refuses to publish the old text over it (${locale}, ${width} px)`, async () => {
      const dir = await shippedDataDir();
      const app = await start(dir, { adminToken: TOKEN, watch: true });
      running.push(app);
      const file = join(dir, 'flows', 'inbound.yaml');
      const page = await admin(app.url, locale, width);
      await page.goto(`${app.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      await page.locator('.live.on').waitFor();
      // The admin starts a change in the dashboard...
      await page.locator('.editor .cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('# edited in the dashboard');
      // ...while a colleague saves the file in a text editor.
      const saved = `${await readFile(file, 'utf8')}# saved in a text editor\n`;
      await writeFile(file, saved);

      const notice = page.locator('.notice.warn', { hasText: /flows\/inbound\.yaml/ });
      await notice.waitFor({ timeout: 15_000 });
      expect(await read(page, '.notice.warn')).toContain(words.live);
      await shot(page, `flow-changed-on-disk-${locale}`);

      await page.locator('.toolbar button.primary').click();
      const conflict = page.locator('.notice.conflict');
      await conflict.waitFor();
      expect(await read(page, '.notice.conflict p')).toContain(words.refused);
      // Nothing written over the file's text.
      expect(await readFile(file, 'utf8')).toBe(saved);
      await shot(page, `flow-changed-on-disk-refused-${locale}`);

      // The file's text, loaded into the editor, publishes.
      await conflict.getByRole('button', { name: words.load }).click();
      await expect.poll(() => page.locator('.editor .cm-content').innerText()).toContain('# saved in a text editor');
      expect(await page.locator('.notice.warn').count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.context().close();
    }, 90_000);
  }
});
