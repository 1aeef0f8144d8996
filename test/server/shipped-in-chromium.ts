// What the browser tests of a real Switchboard on the shipped data share: Chromium and the server up for a
// `describe`'s tests, and the text a person reads in an element.
import type { Browser, Page } from 'playwright-core';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { withChromium } from '../admin-ui/scenario.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

/**
 * Inside a `describe`: Chromium and a Switchboard on the shipped data (the dashboard's token `ADMIN_TOKEN`), up before
 * its tests (handed to `started`) and stopped, with their folders, after them.
 *
 *     withShippedSwitchboard((running) => ({ browser, app } = running));
 */
export function withShippedSwitchboard(started: (running: { browser: Browser; app: Switchboard }) => void): void {
  withChromium(
    async () => {
      const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
      return { app, stop: async () => { await app.stop(); await cleanupDirs(); } };
    },
    ({ browser, server }) => started({ browser, app: server.app }),
  );
}

/** What a person reads in the first element `selector` finds (the isolates that keep Latin words in place are invisible, so left out). */
export const readShown = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
