// What an admin sees on the dashboard, in Chromium, under a reply of an agent's that did not reach the customer: Send
// again, which sends it once more as that agent's reply, once (its button goes, a second press is refused), recorded
// in the conversation's timeline as the admin's; not offered, saying why beside the reply, while nothing would reach the customer. WhatsApp
// runs on a fake Graph API. Screenshots go to test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, inChromium, launch, shot, signIn, withPage } from '../admin-ui/scenario.ts';
import { messagesBody, text as cloudText } from '../channels/whatsapp-cloud/harness.ts';
import { metaError } from '../channels/meta/fake-graph-api.ts';
import { eventually } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { LAYLA, linaHoldsLayla, stopCloudsAfterEach } from './lina-on-cloud.ts';
import { readShown } from './shipped-in-chromium.ts';

const read = readShown;
stopCloudsAfterEach();

describe.skipIf(!hasChromium)(inChromium('Send again on the dashboard'), () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('sends an agent\'s failed reply once more as theirs, once, in the timeline as the admin\'s; not offered, saying why, while nothing would reach the customer', async () => {
    const { cloud, lina } = await linaHoldsLayla();
    await eventually(() => cloud.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), 15_000);

    // WhatsApp refuses Lina's answer for good, for a reason that says nothing of the customer.
    cloud.graph.fail(1, metaError(400, 100, 'Invalid parameter'));
    await lina.say('Yes, it went out today.');
    const failedReply = async (text: string) => (await cloud.app.store.messagesOfConversation(1)).find((m) => m.direction === 'out' && m.from === 'agent' && !m.toAgent && m.text === text && m.status === 'failed');
    await eventually(async () => (await failedReply('Yes, it went out today.')) !== undefined, 15_000);

    await withPage(browser, 'dashboard-send-again', { locale: 'en', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, cloud.app.url, ADMIN_TOKEN, 'Nadia');
      await page.goto(`${cloud.app.url}/admin#/conversations/1`);
      const reply = page.locator('li.message.agent', { hasText: 'Yes, it went out today.' });
      const button = reply.getByRole('button', { name: 'Send again' });
      await button.waitFor({ timeout: 20_000 });
      await shot(page, 'dashboard-send-again-offered');

      await button.click();
      await expect.poll(() => read(page, '.transcript-page > .notice.ok').catch(() => ''), { timeout: 20_000 }).toContain('#1: sent again.');
      await eventually(() => cloud.graph.saidTo(LAYLA).includes('Yes, it went out today.'), 20_000);
      // Its copy below it, and no second Send again under the failed one.
      await expect.poll(() => reply.getByRole('button', { name: 'Send again' }).count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => page.locator('li.message.agent', { hasText: 'Yes, it went out today.' }).count(), { timeout: 20_000 }).toBe(2);
      await expect.poll(() => read(page, 'section.events'), { timeout: 20_000 }).toMatch(/reply sent again · Lina · by .*Nadia/);
      await shot(page, 'dashboard-send-again-sent');

      // A second press (another tab, the agent's console) is refused, and nothing more goes.
      const admin = adminClient(cloud.app.url);
      const id = (await failedReply('Yes, it went out today.'))!.id;
      const second = await admin.post(`/conversations/1/messages/${id}/again`, {}, { 'x-requested-with': 'switchboard' });
      expect(second.status).toBe(409);
      expect(second.body).toEqual({ error: '#1: this reply was sent again already; its copy is below it.' });
      expect(cloud.graph.saidTo(LAYLA).filter((said) => said === 'Yes, it went out today.')).toHaveLength(1);

      // A reply WhatsApp could not deliver to this number: sending it again would not reach Layla either.
      cloud.graph.fail(1, metaError(400, 131026, '(#131026) Message undeliverable', 'Message failed to send because the recipient could not be reached.'));
      await lina.say('Are you still there?');
      await eventually(async () => (await failedReply('Are you still there?')) !== undefined, 15_000);
      await page.reload();
      // No Send again to press only to be refused: why, beside the reply, instead.
      const unreachable = page.locator('li.message.agent', { hasText: 'Are you still there?' });
      await unreachable.locator('.not-again').waitFor({ timeout: 20_000 });
      expect(await read(page, 'li.message.agent:has-text("Are you still there?") .not-again')).toBe('Send again is not offered: a copy would not reach them either. Once they write again, it can be sent.');
      expect(await unreachable.getByRole('button', { name: 'Send again' }).count()).toBe(0);
      await shot(page, 'dashboard-send-again-withheld');
      const unreachableId = (await failedReply('Are you still there?'))!.id;
      const inArabic = await admin.get<{ messages: { id: number; notAgain?: { ar: string } }[] }>('/conversations/1');
      expect(inArabic.body.messages.find((m) => m.id === unreachableId)?.notAgain?.ar).toBe('لا تُتاح إعادة الإرسال: لن تصل إليه نسخة منه أيضًا. وحين يكتب من جديد يمكن إرساله.');
      // Asked anyway (a page from before): refused, saying why, and nothing goes.
      const anyway = await admin.post(`/conversations/1/messages/${unreachableId}/again`, {}, { 'x-requested-with': 'switchboard' });
      expect(anyway.status).toBe(409);
      expect(anyway.body.error).toMatch(/^#1: not sent again: .+\. It would not reach them either; if they write again, send it then\.$/);
      expect(cloud.graph.saidTo(LAYLA)).not.toContain('Are you still there?');

      // Layla writes again; a reply of Lina's fails, and Lina, away, is relieved of the conversation: the copy would go as
      // Lina's, who no longer holds it, so no Send again, and why beside it.
      expect((await cloud.post(messagesBody([cloudText('Hello again', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
      await eventually(async () => (await lina.messages()).some((m) => m.text.includes('Hello again')), 15_000);
      cloud.graph.fail(1, metaError(400, 100, 'Invalid parameter'));
      await lina.say('Your refund is confirmed.');
      await eventually(async () => (await failedReply('Your refund is confirmed.')) !== undefined, 15_000);
      await lina.say('/away');
      expect((await admin.post('/conversations/1/transfer', { team: 'Billing' }, { 'x-requested-with': 'switchboard' })).status).toBe(200);
      expect(await cloud.app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'queued' });
      await page.reload();
      const letGo = page.locator('li.message.agent', { hasText: 'Your refund is confirmed.' });
      await letGo.locator('.not-again').waitFor({ timeout: 20_000 });
      expect(await read(page, 'li.message.agent:has-text("Your refund is confirmed.") .not-again')).toBe('Send again is not offered: Lina, who wrote it, no longer holds the conversation. Whoever holds it now can write to the customer.');
      expect(await letGo.getByRole('button', { name: 'Send again' }).count()).toBe(0);
      // In Arabic, once the admin switches, with no reload.
      await page.locator('button.lang').click();
      await expect.poll(() => read(page, 'li.message.agent:has-text("Your refund is confirmed.") .not-again'), { timeout: 20_000 })
        .toBe('لا تُتاح إعادة الإرسال: لم تعد المحادثة مع Lina الذي كتب الرد. يستطيع من تكون معه الآن أن يكتب إلى العميل.');
      await shot(page, 'dashboard-send-again-withheld-ar');
    });
  }, 120_000);
});
