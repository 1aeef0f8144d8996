// The styles of what was said, where the business reads a conversation, in Chromium: a flow's say the admin styled in
// WhatsApp's markup ('*Thanks*') shows bold in the agent console and the dashboard's transcript, and so does the note
// Omar bolded when he closed from Telegram, in the dashboard's closing note and in Layla's closing notice. The words
// are text, never HTML: an <img onerror> written in them shows as written and runs nothing. Screenshots go to
// test-results/admin-ui/, for a person to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const OMAR_TOKEN = 'omar-token-0123456789abcdef';
const IMG = '<img src=x onerror=window.pwned=1>';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: '*Thanks* for writing, {{contact.name}}. ${IMG}'
  - assign: { team: Billing }
`;
const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    webchat: agent-omar
    webchat_token: ${OMAR_TOKEN}
    teams: [Billing]
`;
const said = `Thanks for writing, Layla. ${IMG}`;
const note = `Your refund is on its way ${IMG}`;

/** The words of each of `selector`'s matches in bold (<strong>) and as text, and whether any <img> was drawn. */
const bold = (page: Page, selector: string) => page.locator(selector).evaluateAll((all) => all.map((element) => ({
  text: element.textContent ?? '',
  bold: [...element.querySelectorAll('strong')].map((strong) => strong.textContent),
  images: element.querySelectorAll('img').length,
})));

describe.skipIf(!hasChromium)(inChromium('styled words in the agent console and the dashboard'), () => {
  const servers = telegramServers();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('show bold where the flow and Omar made words bold, and an <img onerror> in them as words', async () => {
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team, adminToken: ADMIN_TOKEN });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'Where is my refund?'))).toBe(200);
    await eventually(() => api.callsOf('sendMessage').some((call) => String(call.params.chat_id) === String(OMAR) && String(call.params.text).startsWith('#1')), 15_000);

    await withPage(browser, 'styled-console', { locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${app.url}/agent`);
      await page.fill('#token', OMAR_TOKEN);
      await page.click('#signin-button');
      await page.locator('#held li').first().click();
      await page.locator('#transcript .msg.bot').first().waitFor();
      await shot(page, 'styled-console');
      expect((await bold(page, '#transcript .msg.bot .text'))[0]).toEqual({ text: said, bold: ['Thanks'], images: 0 });
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    });

    const close = `/close 1 "${note}"`;
    const closing = textNow(OMAR, close);
    (closing.message as Record<string, unknown>).entities = [{ type: 'bold', offset: close.indexOf('on its way'), length: 'on its way'.length }];
    expect(await post(app, closing)).toBe(200);
    await eventually(() => api.callsOf('sendMessage').some((call) => String(call.params.chat_id) === String(LAYLA) && String(call.params.text).includes('closed')), 15_000);

    await withPage(browser, 'styled-dashboard', { locale: 'en-US', viewport: { width: 1280, height: 1200 } }, async (page) => {
      await page.goto(`${app.url}/admin`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.locator('form button[type="submit"]').click();
      await page.goto(`${app.url}/admin#/conversations/1`);
      await page.locator('.closing-note').waitFor();
      await shot(page, 'styled-dashboard');
      expect(await bold(page, '.closing-note')).toEqual([{ text: note, bold: ['on its way'], images: 0 }]);
      const bot = await bold(page, '.transcript .message.bot .text');
      expect(bot[0]).toEqual({ text: said, bold: ['Thanks'], images: 0 });
      // Layla's closing notice, as she read it: the note's words bold there too.
      expect(bot.find((shown) => shown.text.includes('closed'))?.bold).toEqual(['on its way']);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    });
  }, 90_000);
});
