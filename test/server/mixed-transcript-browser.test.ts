// An Arabic agent in the console and an Arabic admin in the dashboard, in Chromium, reading a WhatsApp conversation
// with a real mix: the customer's Arabic text, her reaction, her edit, a message she deleted, a photo, a poll sent
// from the WhatsApp Business app, the agent's answer and note. What the customer did reads in Arabic, right to left,
// where it read as English lines. Screenshots go to test-results/admin-ui/, for a person to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import type { CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { LINA_TOKEN, SAID, mixedTranscript } from '../channels/whatsapp-cloud/mixed-transcript.ts';

describe.skipIf(!hasChromium)(inChromium('a mixed WhatsApp transcript read in Arabic'), () => {
  let browser: Browser;
  let cloud: CloudServer;
  beforeAll(async () => {
    browser = await launch();
    cloud = await mixedTranscript();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    await cleanupDirs();
  });

  /** What the customer did, as an Arabic page words it (the emoji and quotes as they are). */
  const did = [
    `[تفاعل بـ 👍 على «${SAID.answer}»]`,
    `[رسالة معدَّلة، كانت: «${SAID.typo}»] ${SAID.fixed}`,
    `[رسالة محذوفة: «${SAID.card}»]`,
    '[رسالة لا يمكن عرضها هنا (استطلاع رأي)، أُرسلت من تطبيق الأعمال]',
  ];
  /** Each message's text as shown (isolates left out: the eye does not see them), its direction, and whether it offers `action`. */
  const rows = (page: Page, selector: string, action: string): Promise<[string, string, boolean][]> =>
    page.locator(selector).evaluateAll((all, offered) => all.map((row) => {
      const text = row.querySelector('.text');
      return [text?.textContent?.replace(/[\u2066-\u2069]/g, '') ?? '', text ? getComputedStyle(text).direction : '', row.querySelector(offered) !== null] as [string, string, boolean];
    }), action);

  it('in the agent console: what the customer did reads in Arabic, right to left, with no Reply on it', async () => {
    await withPage(browser, 'mixed-console-ar', { locale: 'ar', viewport: { width: 1280, height: 1000 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', LINA_TOKEN);
      await page.click('#signin-button');
      await page.locator('#held li').first().click();
      await page.locator('#transcript .msg.note').waitFor();
      await shot(page, 'mixed-console-ar');
      const shown = await rows(page, '#transcript .msg', '.reply-to');
      expect(shown.filter(([text]) => text.startsWith('['))).toEqual(did.map((text) => [text, 'rtl', false]));
      // What she wrote is still hers to answer.
      expect(shown.filter(([, , reply]) => reply).map(([text]) => text)).toEqual([SAID.typo, SAID.card, SAID.caption]);
    });
  }, 60_000);

  it('in the dashboard: what the customer did reads in Arabic, right to left, with no "teach this intent" on it', async () => {
    await withPage(browser, 'mixed-dashboard-ar', { locale: 'ar', viewport: { width: 1280, height: 1400 } }, async (page) => {
      await page.goto(`${cloud.app.url}/admin`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.locator('form button[type="submit"]').click();
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      await page.locator('.transcript .message.note').waitFor();
      await shot(page, 'mixed-dashboard-ar');
      const shown = await rows(page, '.transcript .message', '.teach');
      expect(shown.filter(([text]) => text.startsWith('['))).toEqual(did.map((text) => [text, 'rtl', false]));
      expect(shown.filter(([, , teach]) => teach).map(([text]) => text)).toEqual([SAID.typo, SAID.card, SAID.caption]);
    });
  }, 60_000);
});
