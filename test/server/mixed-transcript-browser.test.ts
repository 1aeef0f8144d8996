// An Arabic agent in the console and an Arabic admin in the dashboard, in Chromium, reading a WhatsApp conversation
// with a real mix: the customer's Arabic text, her reaction, her edit, a message she deleted, a photo, a poll sent
// from the WhatsApp Business app, the agent's answer and note. What the customer did reads in Arabic, right to left,
// where it read as English lines; the message she deleted offers no Reply, and the poll says it came from the
// business's phone (in English too). Screenshots go to test-results/admin-ui/, for a person to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { hasChromium, inChromium, launch, shot, withPage } from '../admin-ui/scenario.ts';
import { SHEENA, messagesBody, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
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
      // What she wrote is still hers to answer; not the card number she deleted, which says so.
      expect(shown.filter(([, , reply]) => reply).map(([text]) => text)).toEqual([SAID.typo, SAID.caption]);
      expect(await page.locator('#transcript .msg', { hasText: SAID.card }).first().locator('.meta .deleted').innerText()).toBe('حذفها العميل');
      // The poll came from the WhatsApp Business app on the business's phone, not from an unnamed agent.
      expect(await page.locator('#transcript .msg.agent', { hasText: 'استطلاع رأي' }).locator('.who').innerText()).toBe('من هاتف الشركة');
    });
  }, 60_000);

  it('in an English agent console: no Reply on the message the customer deleted, and the business phone\'s poll says where it came from', async () => {
    await withPage(browser, 'mixed-console-en', { locale: 'en-US', viewport: { width: 1280, height: 1000 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', LINA_TOKEN);
      await page.click('#signin-button');
      await page.locator('#held li').first().click();
      await page.locator('#transcript .msg.note').waitFor();
      await shot(page, 'mixed-console-en');
      const card = page.locator('#transcript .msg', { hasText: SAID.card }).first();
      expect(await card.locator('.reply-to').count()).toBe(0);
      expect(await card.locator('.meta .deleted').innerText()).toBe('deleted by the customer');
      const poll = page.locator('#transcript .msg.agent', { hasText: 'sent from the business app' });
      expect(await poll.locator('.who').innerText()).toBe('From the business\'s phone');
      // Lina's own answer still says it is hers.
      expect(await page.locator('#transcript .msg.agent', { hasText: SAID.answer }).locator('.who').innerText()).toBe('Lina');
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
      // Only the words that opened it, which say what she needs: the card number and the caption were for the agent,
      // read by nobody for a need.
      expect(shown.filter(([, , teach]) => teach).map(([text]) => text)).toEqual([SAID.typo]);
      // The poll came from the WhatsApp Business app on the business's phone, as the agent console says; not from an "Agent".
      expect(await page.locator('.transcript .message.agent', { hasText: 'استطلاع رأي' }).locator('.message-head strong').innerText()).toBe('من هاتف الشركة');
      expect(await page.locator('.transcript .message.agent', { hasText: SAID.answer }).locator('.message-head strong').innerText()).toBe('الموظف');
    });
  }, 60_000);

  it('in an English dashboard: the business phone\'s poll says where it came from, as the agent console says it', async () => {
    await withPage(browser, 'mixed-dashboard-en', { locale: 'en-US', viewport: { width: 1280, height: 1400 } }, async (page) => {
      await page.goto(`${cloud.app.url}/admin`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.locator('form button[type="submit"]').click();
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      await page.locator('.transcript .message.note').waitFor();
      await shot(page, 'mixed-dashboard-en');
      const poll = page.locator('.transcript .message.agent', { hasText: 'sent from the business app' }).locator('.message-head strong');
      expect(await poll.innerText()).toBe('From the business\'s phone');
      expect(await poll.getAttribute('title')).toMatch(/^Written by someone at the business in its own app/);
      // Lina's own answer is still an agent's, with her name.
      const answer = page.locator('.transcript .message.agent', { hasText: SAID.answer }).locator('.message-head');
      expect((await answer.innerText()).replace(/[\u2066-\u2069]/g, '')).toMatch(/^Agent · Lina · /);
    });
  }, 60_000);

  it('in the agent console: Reply on a message the customer edited quotes what she reads now, marked edited, in Arabic and English', async () => {
    await withPage(browser, 'mixed-console-answering-edited', { locale: 'ar', viewport: { width: 1280, height: 1000 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', LINA_TOKEN);
      await page.click('#signin-button');
      await page.locator('#held li').first().click();
      const original = page.locator('#transcript .msg.contact', { hasText: SAID.typo }).first();
      expect(await original.locator('.meta .edited').innerText()).toBe('عدّلها العميل');
      await original.locator('.reply-to').click();
      await page.locator('#answering').waitFor();
      // Her app shows the order number she fixed, not the typo: the box quotes that, and says it is her edited message.
      expect(await page.locator('#answering .quote').innerText()).toBe(SAID.fixed);
      expect((await page.locator('#answering-who').innerText()).replace(/[\u2066-\u2069]/g, '')).toBe('ردًا على رسالة Sheena Nelson المعدَّلة');
      await shot(page, 'mixed-console-answering-edited-ar');
      await page.locator('#app button.lang').click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      expect((await page.locator('#answering-who').innerText()).replace(/[\u2066-\u2069]/g, '')).toBe('Replying to Sheena Nelson\'s edited message');
      expect(await page.locator('#transcript .msg.contact', { hasText: SAID.typo }).first().locator('.meta .edited').innerText()).toBe('edited by the customer');
      expect(await page.locator('#answering .quote').innerText()).toBe(SAID.fixed);
      await page.fill('#reply-text', 'Order A-1234 is on its way.');
      await page.locator('#reply-text').press('Enter');
      const sent = page.locator('#transcript .msg.agent', { hasText: 'Order A-1234 is on its way.' });
      await sent.waitFor();
      expect((await sent.locator('.quote').innerText()).replace(/[\u2066-\u2069]/g, '')).toBe(`"${SAID.fixed}"`);

      // She fixes her photo's caption while Lina is answering it: the box quotes the new caption, and says it is edited.
      const who = async () => (await page.locator('#answering-who').innerText()).replace(/[\u2066-\u2069]/g, '');
      await page.locator('#transcript .msg', { hasText: SAID.caption }).locator('.reply-to').click();
      await page.locator('#answering').waitFor();
      expect(await who()).toBe('Replying to Sheena Nelson');
      const caption = 'صورة الإيصال، الصفحة الثانية';
      const { status } = await cloud.post(messagesBody([{ from: SHEENA, id: 'wamid.MIX-E2', timestamp: '1763950490', type: 'edit', edit: { original_message_id: 'wamid.MIX-P', message: { type: 'image', image: { caption } } } }]));
      expect(status).toBe(200);
      await page.locator('#answering .quote', { hasText: caption }).waitFor({ timeout: 10_000 });
      expect(await who()).toBe('Replying to Sheena Nelson\'s edited message');
      await shot(page, 'mixed-console-answering-edited-meanwhile-en');
      await page.click('#answering-cancel');
    });
  }, 60_000);

  it('in the agent console: a message the agent was replying to, deleted by the customer meanwhile, leaves the reply box, which says so; the reply goes plain', async () => {
    await withPage(browser, 'mixed-console-answering-deleted', { locale: 'en-US', viewport: { width: 1280, height: 1000 } }, async (page) => {
      await page.goto(`${cloud.app.url}/agent`);
      await page.fill('#token', LINA_TOKEN);
      await page.click('#signin-button');
      await page.locator('#held li').first().click();
      await page.locator('#transcript .msg', { hasText: SAID.caption }).locator('.reply-to').click();
      await page.locator('#answering').waitFor();
      await page.fill('#reply-text', 'Thanks, the receipt shows both charges.');
      // Sheena deletes her photo before Lina sends.
      const { status } = await cloud.post(messagesBody([{ from: SHEENA, id: 'wamid.MIX-D2', timestamp: '1763950500', type: 'revoke', revoke: { original_message_id: 'wamid.MIX-P' } }]));
      expect(status).toBe(200);
      await page.locator('#answering').waitFor({ state: 'hidden', timeout: 10_000 });
      expect((await page.locator('#result').innerText()).replace(/[\u2066-\u2069]/g, '')).toBe('Sheena Nelson deleted the message you were replying to: your reply will go as a plain message.');
      expect(await page.locator('#transcript .msg', { hasText: SAID.caption }).first().locator('.reply-to').count()).toBe(0);
      await shot(page, 'mixed-console-answering-deleted-en');
      expect(await page.inputValue('#reply-text')).toBe('Thanks, the receipt shows both charges.');
      await page.locator('#reply-text').press('Enter');
      const sent = page.locator('#transcript .msg.agent', { hasText: 'the receipt shows both charges' });
      await sent.waitFor();
      expect(await sent.locator('.quote').count()).toBe(0);
    });
  }, 60_000);
});
