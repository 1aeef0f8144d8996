// The styles of what the business says, on the customer's web chat page, in Chromium: a flow's say the admin styled in
// WhatsApp's markup shows bold, italic, struck and as code, with no markers left, Omar's bold from Telegram bold, and
// so do his reply typed in the agent console ("*Sorry* about that", in Arabic too) and his shared closing note ("Your
// *refund* is on its way"). The words are text, never HTML: an <img onerror> and a "*<b>x</b>*" show as written and
// run nothing. The console's reply box says what it reads, in English and Arabic. Screenshots go to
// test-results/admin-ui/, for a person to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
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

  it('show the flow\'s, an agent\'s, the console reply\'s and the closing note\'s styles, and HTML in them as words', async () => {
    const { app } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);

    await withPage(browser, 'styled-webchat-console', { locale: 'en-US', viewport: { width: 1100, height: 800 } }, async (omar) => {
      await omar.goto(`${app.url}/agent`);
      await omar.fill('#token', OMAR_TOKEN);
      await omar.click('#signin-button');
      await omar.locator('#held').waitFor({ state: 'attached' });

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

        // Omar answers in the console's reply box, where a hint says what it reads.
        // The list is drawn again as it changes: pressed until the conversation opens.
        await expect.poll(async () => {
          await omar.locator('#held li', { hasText: 'Dana' }).click();
          return omar.locator('#reply-text').isVisible();
        }, { timeout: 15_000 }).toBe(true);
        await expect.poll(() => omar.locator('#reply-hint').textContent()).toBe('Styles as in WhatsApp, here, in a closing note and in a note: *bold* _italic_ ~strike~ `code`');
        await omar.fill('#reply-text', '*Sorry* about that 🙏 «*عذرا* على ذلك»');
        await omar.locator('#reply-form button').click();
        await dana.locator('.msg.agent .text').nth(1).waitFor();
        expect((await styled(dana, '.msg.agent .text'))[1]).toEqual({ text: 'Sorry about that 🙏 «عذرا على ذلك»', bold: ['Sorry', 'عذرا'], italic: [], strike: [], code: [], markup: 0 });
        // His console shows his reply as Dana reads it.
        await expect.poll(async () => (await styled(omar, '#transcript .msg.agent .text')).at(-1)?.bold).toEqual(['Sorry', 'عذرا']);
        await shot(omar, 'styled-webchat-console');
        // In Arabic, the hint too.
        await omar.locator('header button.lang').click();
        await expect.poll(() => omar.locator('#reply-hint').textContent()).toBe('التنسيق كما في واتساب، هنا وفي ملاحظة الإغلاق وفي الملاحظات: *عريض* _مائل_ ~مشطوب~ `رمز`');
        await shot(omar, 'styled-webchat-console-ar');

        await omar.fill('#close-note', 'Your *refund* is on its way');
        await omar.check('#close-share');
        await omar.locator('#close-form button').click();
        await eventually(async () => (await styled(dana, '.msg.bot .text')).some((shown) => shown.text.includes('refund is on its way')), 15_000);
        const notice = (await styled(dana, '.msg.bot .text')).find((shown) => shown.text.includes('refund is on its way'))!;
        expect(notice).toMatchObject({ bold: ['refund'], markup: 0 });
        expect(notice.text).not.toContain('*');
        await shot(dana, 'styled-webchat');
        expect(await dana.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      });
    });
  }, 120_000);
  it('show a flow\'s choice titles styled on its buttons as in its messages, the words without markers, and take a press', async () => {
    const choices = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Which *team*?"\n    expect: choice\n    choices: ["*Billing*", "_Sales_ team", "Other"]\n    save: conversation.topic\n  - say: "Routing you to {{conversation.topic}}."\n';
    const { app } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': choices }, team });
    await withPage(browser, 'styled-webchat-choices', { locale: 'en-US', viewport: { width: 600, height: 500 } }, async (sam) => {
      await sam.goto(app.url);
      await sam.fill('#name', 'Sam');
      await sam.click('#start');
      await sam.fill('#text', 'hello');
      await sam.click('#send-button');
      await sam.locator('.msg.bot .choices button').first().waitFor();
      // Before: "*Billing*" and "_Sales_ team" on the buttons, as written.
      expect(await styled(sam, '.msg.bot .choices button')).toEqual([
        { text: 'Billing', bold: ['Billing'], italic: [], strike: [], code: [], markup: 0 },
        { text: 'Sales team', bold: [], italic: ['Sales'], strike: [], code: [], markup: 0 },
        { text: 'Other', bold: [], italic: [], strike: [], code: [], markup: 0 },
      ]);
      await shot(sam, 'styled-webchat-choices');
      await sam.locator('.msg.bot .choices button', { hasText: 'Sales team' }).click();
      await sam.locator('.msg.bot', { hasText: 'Routing you to sales-team.' }).waitFor();
      expect(await sam.locator('.msg.contact .text').allInnerTexts()).toEqual(['hello', 'Sales team']);
    });
  }, 60_000);
});
