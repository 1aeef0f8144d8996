// What an Arabic-speaking agent (console) and admin (dashboard) read, in Chromium, while Switchboard cannot reach its
// store (a database restarting): the page's own words for the server's `unavailable`, with the wait the server asks
// for, never the server's English; once the store is back, the same action goes through. Screenshots go to
// test-results/admin-ui/.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { Conversation } from '../../src/store/types.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withPage } from '../admin-ui/scenario.ts';
import { agentToken, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { readShown, withShippedSwitchboard } from './shipped-in-chromium.ts';

const UNAVAILABLE_AR = 'يتعذّر على Switchboard تنفيذ هذا الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه)؛ لم يُنفَّذ شيء. أعد المحاولة بعد 5 ثوانٍ.';

const UNAVAILABLE_EN = 'Switchboard cannot do this right now (it is starting, or cannot reach its store); nothing was done. Try again in 5 s.';

const read = readShown;

/** `method` of the store fails as a database restarting does, until the returned function puts it back. */
function outOfReach<K extends 'transaction' | 'contactsBefore'>(app: Switchboard, method: K): () => void {
  const real = app.store[method];
  app.store[method] = (() => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'))) as Switchboard['store'][K];
  return () => {
    app.store[method] = real;
  };
}

describe.skipIf(!hasChromium)(inChromium('Arabic pages while the store is out of reach'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  it('the agent console says in Arabic that a reply and an action were not done, and when to try again', () => withPage(browser, 'console-store-unavailable-ar', { locale: 'ar', viewport: { width: 1100, height: 720 } }, async (page) => {
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.locator('#app').waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.click('#online');
    await page.waitForFunction(() => document.getElementById('online')?.classList.contains('active'));

    // Sam's bill comes to Lina.
    const sam = visitor(app.url, 'store-unavailable-sam', 'Sam');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice']) await sam.say(text);
    let conversation: Conversation | undefined;
    for (let tries = 0; !conversation && tries < 100; tries++) {
      [conversation] = await app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
      if (!conversation) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.locator(`#held li[data-id="${conversation!.id}"]`).click();
    await page.locator('#reply-text').waitFor();

    // What the Online button said may still be shown (under load its answer comes late): the reply's word is awaited.
    await page.evaluate(() => { document.getElementById('result')!.textContent = ''; });
    const back = outOfReach(app, 'transaction');
    try {
      await page.fill('#reply-text', 'Let me look at your bill.');
      await page.locator('#reply-text').press('Enter');
      // A reply says it was not sent, and that it waits in its box (awaited as such: the Online button's answer, late on
      // a busy machine, may come after the line was cleared).
      await expect.poll(() => read(page, '#result')).toBe('لم يُرسَل ردك: يتعذّر على Switchboard حفظ أي شيء الآن (يجري تشغيله، أو تعذّر عليه الوصول إلى مخزنه). ما زال ردك في المربع؛ أرسله مجددًا بعد 5 ثوانٍ.');
      expect(await page.inputValue('#reply-text')).toBe('Let me look at your bill.');
      await shot(page, 'console-store-unavailable-reply-ar');

      await page.evaluate(() => { document.getElementById('result')!.textContent = ''; });
      await page.click('#away');
      await expect.poll(() => read(page, '#result')).toBe(UNAVAILABLE_AR);
      await shot(page, 'console-store-unavailable-action-ar');
      // Said again in English when the agent switches language.
      await page.locator('#app button.lang').click();
      expect(await read(page, '#result')).toBe(UNAVAILABLE_EN);
      await page.locator('#app button.lang').click();
    } finally {
      back();
    }
    // The store back, the same reply, still in the box, goes.
    await page.locator('#reply-text').press('Enter');
    await page.locator('#transcript .msg.agent').waitFor();
    expect(await page.inputValue('#reply-text')).toBe('');
  }));

  it('the console keeps a reply\'s refusal on its line when an earlier action\'s "done" comes after it', () => withPage(browser, 'console-late-answer-ar', { locale: 'ar', viewport: { width: 1100, height: 720 } }, async (page) => {
    await page.goto(`${app.url}/agent`);
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await page.locator('#app').waitFor();
    if (!(await page.locator('#online.active').count())) await page.click('#online');
    await page.locator('#online.active').waitFor();
    const nour = visitor(app.url, 'store-unavailable-late-nour', 'Nour');
    for (const text of ['hello', 'nour@example.com', 'I was charged twice']) await nour.say(text);
    await page.locator('#held li', { hasText: 'Nour' }).click();
    await page.locator('#reply-text').waitFor();

    // Lina presses Away; its answer is slow to come (a busy server), and meanwhile her reply is refused.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/agent/api/act', async (route) => {
      await released;
      await route.continue();
    });
    await page.click('#away');
    const back = outOfReach(app, 'transaction');
    try {
      await page.fill('#reply-text', 'Let me look at your bill.');
      await page.locator('#reply-text').press('Enter');
      await expect.poll(() => read(page, '#result')).toMatch(/^لم يُرسَل ردك/);
    } finally {
      back();
    }
    release();
    // Away went through (the page shows it once the answer came), and the line still says the reply was not sent.
    await page.locator('#away.active').waitFor();
    expect(await read(page, '#result')).toMatch(/^لم يُرسَل ردك/);
    await page.unroute('**/agent/api/act');
  }));

  it('the dashboard says in Arabic that the contacts could not be read, and when to try again', () => withPage(browser, 'dashboard-store-unavailable-ar', { locale: 'ar', viewport: { width: 1280, height: 800 } }, async (page) => {
    await page.goto(`${app.url}/admin`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    await visitor(app.url, 'store-unavailable-nour', 'Nour').say('hello');

    const back = outOfReach(app, 'contactsBefore');
    try {
      await page.goto(`${app.url}/admin#/contacts`);
      const notice = page.locator('main .notice.error');
      await notice.waitFor();
      expect(await read(page, 'main .notice.error')).toBe(`${UNAVAILABLE_AR} إعادة المحاولة`);
      await shot(page, 'dashboard-store-unavailable-ar');
      await page.locator('header button.lang, button.lang').first().click();
      expect(await read(page, 'main .notice.error')).toBe(`${UNAVAILABLE_EN} Retry`);
    } finally {
      back();
    }
    await page.locator('main .notice.error button').click();
    await page.locator('main .notice.error').waitFor({ state: 'detached' });
    expect(await read(page, 'main')).toContain('Nour');
  }));
});
