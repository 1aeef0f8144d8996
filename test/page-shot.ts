// Screenshots of pages the browser tests passed through, to look at: taken only when asked for (SCREENSHOTS=1), as
// each costs Chromium CPU a run of the suite has none to spare for.
import type { Page } from 'playwright-core';

/**
 * Saves `page` to /tmp/switchboard-<name>.png when SCREENSHOTS is set (`SCREENSHOTS=1 npx vitest run --project browser
 * <file>`); a failing test's pages are saved by the file whatever it is set to. Each costs Chromium about 0.1 s of CPU,
 * and up to a second of wall time on a loaded machine.
 *
 *     await shot(page, 'arabic', { fullPage: true }); // /tmp/switchboard-arabic.png
 */
export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `/tmp/switchboard-${name}.png`, ...options });
}
