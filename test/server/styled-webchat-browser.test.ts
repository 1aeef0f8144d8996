// The styles of what the business says, on the customer's web chat page, in Chromium: a flow's say the admin styled in
// WhatsApp's markup shows bold, italic, struck and as code, with no markers left, and Omar's bold from Telegram bold. The words are text, never HTML: an
// <img onerror> and a "*<b>x</b>*" show as written and run nothing. Screenshots go to test-results/admin-ui/, for a
// person to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';

const OMAR_TOKEN = 'omar-token-0123456789abcdef';
const IMG = '<img src=x onerror=window.pwned=1>';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: '*Thanks* for writing, {{contact.name}}. ~Old~ _new_ \`R-42\` ${IMG} *<b>x</b>*'
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

/** The words of each of `selector`'s matches as text, those in each style, and whether any <img> or <b> was drawn. */
const styled = (page: Page, selector: string) => page.locator(selector).evaluateAll((all) => all.map((element) => {
  const words = (tag: string) => [...element.querySelectorAll(tag)].map((found) => found.textContent);
  return { text: element.textContent ?? '', bold: words('strong'), italic: words('em'), strike: words('s'), code: words('code'), markup: element.querySelectorAll('img, b').length };
}));

describe.skipIf(!hasChromium)(inChromium('styled words on the web chat page'), () => {
  const servers = telegramServers();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('show the flow\'s styles, and HTML in them as words', async () => {
    const { app } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);

    await withPage(browser, 'styled-webchat', { locale: 'en-US', viewport: { width: 600, height: 900 } }, async (dana) => {
      await dana.goto(app.url);
      await dana.fill('#name', 'Dana');
      await dana.click('#start');
      await dana.fill('#text', 'Where is my refund?');
      await dana.click('#send-button');
      await dana.locator('.msg.bot .text').first().waitFor();
      expect((await styled(dana, '.msg.bot .text'))[0]).toEqual({
        text: `Thanks for writing, Dana. Old new R-42 ${IMG} <b>x</b>`,
        bold: ['Thanks', '<b>x</b>'], italic: ['new'], strike: ['Old'], code: ['R-42'], markup: 0,
      });

      // Omar answers from Telegram, "On it" in bold.
      const answer = textNow(OMAR, 'On it, Dana');
      (answer.message as Record<string, unknown>).entities = [{ type: 'bold', offset: 0, length: 5 }];
      expect(await post(app, answer)).toBe(200);
      await dana.locator('.msg.agent .text').first().waitFor();
      expect(await styled(dana, '.msg.agent .text')).toEqual([{ text: 'On it, Dana', bold: ['On it'], italic: [], strike: [], code: [], markup: 0 }]);
      await shot(dana, 'styled-webchat');
      expect(await dana.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    });
  }, 90_000);
});
