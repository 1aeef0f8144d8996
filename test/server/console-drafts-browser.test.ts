// What an agent typed in the agent console, in Chromium: kept per conversation in the browser (another conversation
// opened, the page reloaded, the tab closed by mistake), put back and never sent by itself, gone once sent or signed
// out; and a reply the server did not take (the store out of reach, the connection cut) waits in its box under a line
// that counts down to when it can go, with one button that sends it again, once. Screenshots go to test-results/admin-ui/.
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from '../admin-ui/scenario.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

/** What a person reads in `selector` (the isolates that keep Latin words in place are invisible, so left out). */
const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/agent`);
  await page.fill('#token', agentToken('agent-lina'));
  await page.click('#signin-button');
  await page.locator('#app').waitFor();
}

/** A web chat customer's bill that comes to Lina: the id of their conversation. */
async function billFor(app: Switchboard, label: string, name: string): Promise<number> {
  const customer = visitor(app.url, label, name);
  for (const text of ['hello', `${label}@example.com`, 'I was charged twice']) await customer.say(text);
  for (let tries = 0; tries < 100; tries++) {
    for (const conversation of await app.store.openConversations({ stage: 'assigned', agentId: 'lina' })) {
      if ((await app.store.contact(conversation.contactId))?.name === name) return conversation.id;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name}'s conversation did not come to Lina`);
}

/** Lina, online, closes what she holds (at most 3), as her console's buttons would: the next customer comes to her. */
async function nextForLina(app: Switchboard): Promise<void> {
  const act = async (action: object) => {
    const res = await fetch(`${app.url}/agent/api/act`, {
      method: 'POST', headers: { authorization: `Bearer ${agentToken('agent-lina')}`, 'content-type': 'application/json' }, body: JSON.stringify({ action }),
    });
    expect(res.status).toBe(200);
  };
  await act({ kind: 'status', status: 'online' });
  for (const conversation of await app.store.openConversations({ stage: 'assigned', agentId: 'lina' })) await act({ kind: 'close', conversationId: conversation.id });
}

/** What agents wrote to the customer in conversation `id`, as the store keeps it. */
async function agentReplies(app: Switchboard, id: number): Promise<string[]> {
  return (await app.store.messagesOfConversation(id)).filter((message) => message.from === 'agent' && message.direction === 'out').map((message) => message.text);
}

/** Whether the last of `selector` is within the transcript's visible part (not scrolled out of it). */
const inView = (page: Page, selector: string) => page.locator(selector).last().evaluate((element) => {
  const shown = document.getElementById('transcript')!.getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return box.top >= shown.top - 1 && box.bottom <= shown.bottom + 1;
});

/**
 * Where, across the page, the full stop that ends `ending` (a word and its stop) in the element `text` is drawn, and
 * where the word before it: `{ stop, lastWord }`, each its left edge in pixels.
 */
const fullStopBeside = (text: Locator, ending: string) => text.evaluate((element, ending) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent!.indexOf(ending);
    if (at < 0) continue;
    const leftOf = (from: number, to: number) => {
      const range = document.createRange();
      range.setStart(node!, from);
      range.setEnd(node!, to);
      return range.getBoundingClientRect().left;
    };
    return { stop: leftOf(at + ending.length - 1, at + ending.length), lastWord: leftOf(at, at + ending.length - 1) };
  }
  throw new Error(`no "${ending}" in ${element.textContent}`);
}, ending);

/**
 * Opens conversation `id` from Lina's list and waits until the pane shows it: until then it still shows the one before
 * (its transcript, its boxes), and takes no click or key.
 */
async function pick(page: Page, id: number): Promise<void> {
  await page.locator(`#held li[data-id="${id}"]`).click();
  await page.locator('#title', { hasText: new RegExp(`^#${id}\\b`) }).waitFor();
  await page.locator('#conversation:not([aria-busy="true"])').waitFor();
}

/** Lina's replies to conversation `id` from now on: each one's clientId, whatever became of it. */
function clientIdsOf(page: Page, id: number): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(`/agent/api/conversations/${id}/messages`)) seen.push((request.postDataJSON() as { clientId: string }).clientId);
  });
  return seen;
}

describe.skipIf(!hasChromium)(inChromium('what an agent typed in the console'), () => {
  let browser: Browser;
  let app: Switchboard;
  withChromium(
    async () => {
      const started = await start(await shippedDataDir());
      return { app: started, stop: async () => { await started.stop(); await cleanupDirs(); } };
    },
    (running) => ({ browser, server: { app } } = running),
  );

  it('keeps each conversation\'s unsent reply and note through another conversation, a reload and a tab closed by mistake; never sends it by itself; forgets it once sent or signed out', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
    try {
      const page = await context.newPage();
      await signIn(page, app.url);
      await page.click('#online');
      await page.waitForFunction(() => document.getElementById('online')?.classList.contains('active'));
      const sam = await billFor(app, 'drafts-sam', 'Sam');
      const nour = await billFor(app, 'drafts-nour', 'Nour');

      await page.locator(`#held li[data-id="${sam}"]`).click();
      await page.locator('#reply-text').waitFor();
      await page.fill('#reply-text', 'I see two charges on your bill;');
      await page.fill('#note-text', 'Sam was charged on the 3rd and the 4th');
      // Nour's conversation opens with its own, empty boxes: nothing of Sam's to send to Nour by mistake.
      await page.locator(`#held li[data-id="${nour}"]`).click();
      await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value === '');
      expect(await page.inputValue('#note-text')).toBe('');
      await page.fill('#reply-text', 'Hello Nour, which card was it?');

      // The page reloaded: each conversation's words are back in its boxes, none sent.
      await page.reload();
      await page.locator('#app').waitFor();
      // The list says where words wait.
      expect(await read(page, `#held li[data-id="${nour}"] .excerpt`)).toBe('Draft: Hello Nour, which card was it?');
      expect(await read(page, `#held li[data-id="${sam}"] .excerpt`)).toBe('Draft: I see two charges on your bill;');
      await shot(page, 'console-draft-list-en');
      await page.locator(`#held li[data-id="${sam}"]`).click();
      await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value !== '');
      expect(await page.inputValue('#reply-text')).toBe('I see two charges on your bill;');
      expect(await page.inputValue('#note-text')).toBe('Sam was charged on the 3rd and the 4th');
      await shot(page, 'console-draft-restored-en');

      // The tab closed by mistake and opened again: Nour's reply is there too.
      await page.close();
      const again = await context.newPage();
      await again.goto(`${app.url}/agent`);
      await again.locator('#app').waitFor();
      await again.locator(`#held li[data-id="${nour}"]`).click();
      await again.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value !== '');
      expect(await again.inputValue('#reply-text')).toBe('Hello Nour, which card was it?');
      // Nothing went by itself.
      expect(await agentReplies(app, sam)).toEqual([]);
      expect(await agentReplies(app, nour)).toEqual([]);

      // Sent: it goes once, and is no draft any more.
      await again.locator('#reply-text').press('Enter');
      await again.locator('#transcript .msg.agent', { hasText: 'which card was it?' }).waitFor();
      await again.reload();
      await again.locator('#app').waitFor();
      await again.locator(`#held li[data-id="${nour}"]`).click();
      await again.locator('#transcript .msg.agent', { hasText: 'which card was it?' }).waitFor();
      expect(await again.inputValue('#reply-text')).toBe('');
      expect(await agentReplies(app, nour)).toEqual(['Hello Nour, which card was it?']);

      // Signing out leaves nothing typed for customers in the browser.
      await again.click('#logout');
      await again.locator('#signin').waitFor();
      expect(await again.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('switchboard.console.drafts')))).toEqual([]);
      await signIn(again, app.url);
      await again.locator(`#held li[data-id="${sam}"]`).click();
      await again.locator('#transcript .msg').first().waitFor();
      expect(await again.inputValue('#reply-text')).toBe('');
      expect(await agentReplies(app, sam)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('a reload after the transcript showed a reply, before the server\'s answer to it came, finds it sent and not as a draft: only what was typed after it waits', () => withPage(browser, 'console-reload-before-answer', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const yara = await billFor(app, 'reload-yara', 'Yara');
    // The server takes Yara's reply and answers 202; its answer reaches the page only when the test lets it through.
    let letThrough = () => {};
    const held = new Promise<void>((resolve) => { letThrough = resolve; });
    let answered = false;
    await page.route(`**/agent/api/conversations/${yara}/messages`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      await held;
      answered = true;
      // The page that sent it is gone by then: nobody reads this answer.
      await route.fulfill({ response }).catch(() => {});
    });
    try {
      await page.locator(`#held li[data-id="${yara}"]`).click();
      await page.locator('#transcript .msg', { hasText: 'I was charged twice' }).first().waitFor();
      await page.fill('#reply-text', 'Yara, the second charge is refunded.');
      await page.locator('#reply-text').press('Enter');
      await page.fill('#reply-text', 'It shows on your card in 3 days.');
      // The transcript shows the reply (the server took it) while its answer has not come: reloaded in that moment.
      await page.locator('#transcript .msg.agent', { hasText: 'second charge is refunded' }).waitFor({ timeout: 20_000 });
      expect(answered).toBe(false);
      await page.reload();
      await page.locator('#app').waitFor();

      // Not offered again: the list says only what was typed after it waits, and so does the box.
      await expect.poll(() => read(page, `#held li[data-id="${yara}"] .excerpt`)).toBe('Draft: It shows on your card in 3 days.');
      await shot(page, 'console-reload-before-answer-list-en');
      await page.locator(`#held li[data-id="${yara}"]`).click();
      await page.locator('#transcript .msg.agent', { hasText: 'second charge is refunded' }).waitFor();
      expect(await page.inputValue('#reply-text')).toBe('It shows on your card in 3 days.');
      expect(await page.locator('#unsent').isHidden()).toBe(true);
      expect(await page.locator('#transcript .msg.agent', { hasText: 'second charge is refunded' }).count()).toBe(1);
      await shot(page, 'console-reload-before-answer-box-en');
      expect(await agentReplies(app, yara)).toEqual(['Yara, the second charge is refunded.']);
    } finally {
      letThrough();
    }
  }), 60_000);

  it('a sign-in that expires, the page open or closed, leaves nothing typed in the browser for the next person at it, in Arabic', () => withPage(browser, 'console-drafts-expired-ar', { locale: 'ar', viewport: { width: 1100, height: 760 } }, async (page) => {
    const storedDrafts = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('switchboard.console.drafts')));
    await nextForLina(app);
    await signIn(page, app.url);
    const huda = await billFor(app, 'drafts-huda', 'Huda');
    await page.locator(`#held li[data-id="${huda}"]`).click();
    await page.locator('#reply-text').waitFor();
    await page.fill('#reply-text', 'رقم بطاقتك المنتهي بـ 4242 خُصم مرتين');
    await page.fill('#note-text', 'هدى: خصمان في 3 و4 من الشهر');
    expect(await storedDrafts()).toHaveLength(1);

    // Her sign-in runs out while the page is open (the browser drops the cookie at its Max-Age): at the next look, the
    // sign-in, and what she typed for Huda is gone from the page and the browser.
    await page.context().clearCookies();
    await page.locator('#signin').waitFor({ timeout: 15_000 });
    expect(await read(page, '#signin-error')).toBe('سُجّل خروجك (سجّل الدخول مجددًا).');
    expect(await storedDrafts()).toEqual([]);
    await shot(page, 'console-drafts-expired-ar');
    await signIn(page, app.url);
    await page.locator(`#held li[data-id="${huda}"]`).click();
    await page.locator('#transcript .msg').first().waitFor();
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await page.inputValue('#note-text')).toBe('');

    // Typed again, the tab closed, and the sign-in over before the console is opened again: nothing is left either.
    await page.fill('#reply-text', 'سأتحقق من الخصم الثاني');
    expect(await storedDrafts()).toHaveLength(1);
    await page.goto('about:blank');
    await page.context().clearCookies();
    await page.goto(`${app.url}/agent`);
    await page.locator('#signin').waitFor();
    expect(await storedDrafts()).toEqual([]);
    await signIn(page, app.url);
    await page.locator(`#held li[data-id="${huda}"]`).click();
    await page.locator('#transcript .msg').first().waitFor();
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await agentReplies(app, huda)).toEqual([]);
  }), 60_000);

  it('a reply still being sent in one conversation holds up no other: Enter in the next one sends it at once', () => withPage(browser, 'console-send-each', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const karim = await billFor(app, 'send-each-karim', 'Karim');
    const dana = await billFor(app, 'send-each-dana', 'Dana');
    // Karim's reply reaches a server slow to answer (a long write): it waits until the test lets it through.
    let letThrough = () => {};
    const slow = new Promise<void>((resolve) => { letThrough = resolve; });
    await page.route(`**/agent/api/conversations/${karim}/messages`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await slow;
      await route.continue();
    });
    await page.locator(`#held li[data-id="${karim}"]`).click();
    await page.locator('#reply-text').waitFor();
    await page.fill('#reply-text', 'Karim, I am looking at both charges now.');
    await page.locator('#reply-text').press('Enter');
    await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value === '');

    // Dana's own box sends at once, while Karim's reply is still on its way.
    await pick(page, dana);
    await page.fill('#reply-text', 'Dana, which card was charged?');
    await page.locator('#reply-text').press('Enter');
    await page.locator('#transcript .msg.agent', { hasText: 'which card was charged?' }).waitFor({ timeout: 10_000 });
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await agentReplies(app, dana)).toEqual(['Dana, which card was charged?']);
    expect(await agentReplies(app, karim)).toEqual([]);
    // The list says Karim's reply is on its way, not that it waits unsent in its box.
    expect(await read(page, `#held li[data-id="${karim}"] .excerpt`)).toBe('Sending: Karim, I am looking at both charges now.');
    await shot(page, 'console-send-each-en');
    await page.locator('#app button.lang').click();
    expect(await read(page, `#held li[data-id="${karim}"] .excerpt`)).toBe('جارٍ الإرسال: Karim, I am looking at both charges now.');
    await shot(page, 'console-send-each-sending-ar');
    await page.locator('#app button.lang').click();

    // Karim's goes through once the server answers, once, and is no draft of his: the list shows it as the last message,
    // said as Lina's own (not read as Karim's words).
    letThrough();
    await expect.poll(() => agentReplies(app, karim), { timeout: 10_000 }).toEqual(['Karim, I am looking at both charges now.']);
    await expect.poll(() => read(page, `#held li[data-id="${karim}"] .excerpt`), { timeout: 10_000 }).toMatch(/(^| · )You: Karim, I am looking at both charges now\.$/);
    await shot(page, 'console-send-each-sent-en');
    await page.locator('#app button.lang').click();
    await expect.poll(() => read(page, `#held li[data-id="${karim}"] .excerpt`), { timeout: 10_000 }).toMatch(/(^| · )أنت: Karim, I am looking at both charges now\.$/);
    await shot(page, 'console-send-each-sent-ar');
    await page.locator('#app button.lang').click();
    await page.locator(`#held li[data-id="${karim}"]`).click();
    await page.locator('#transcript .msg.agent', { hasText: 'looking at both charges' }).waitFor();
    expect(await page.locator('#transcript .msg.agent', { hasText: 'looking at both charges' }).count()).toBe(1);
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await agentReplies(app, dana)).toEqual(['Dana, which card was charged?']);
  }), 60_000);

  it('a reply the store could not take waits in its box, counted down to when it can go, in Arabic and English; "Send again" sends it once, and nothing goes by itself', () => withPage(browser, 'console-send-again-ar', { locale: 'ar', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const layla = await billFor(app, 'drafts-layla', 'Layla');
    await page.locator(`#held li[data-id="${layla}"]`).click();
    await page.locator('#reply-text').waitFor();

    const real = app.store.transaction;
    app.store.transaction = (() => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'))) as typeof real;
    try {
      await page.fill('#reply-text', 'سأراجع فاتورتك الآن.');
      await page.locator('#reply-text').press('Enter');
      await page.locator('#unsent').waitFor();
      // Beside the box: not sent, still there, and when it can go, counted down.
      expect(await read(page, '#unsent-line')).toMatch(/^لم يُرسَل: تعذّر على Switchboard حفظ ردك\. ما زال في المربع؛ يمكنك إرساله مجددًا بعد \d ثوانٍ\.$/);
      expect(await page.locator('#send-again').isDisabled()).toBe(true);
      expect(await page.inputValue('#reply-text')).toBe('سأراجع فاتورتك الآن.');
      await shot(page, 'console-send-again-waiting-ar');
      await page.locator('#app button.lang').click();
      expect(await read(page, '#unsent-line')).toMatch(/^Not sent: Switchboard could not save your reply\. It is in the box; you can send it again in \d s\.$/);
      await page.locator('#app button.lang').click();
    } finally {
      app.store.transaction = real;
    }
    // The wait over: the line says to send it now, the button does; nothing went by itself meanwhile.
    await page.waitForFunction(() => !(document.getElementById('send-again') as HTMLButtonElement).disabled, undefined, { timeout: 10_000 });
    expect(await read(page, '#unsent-line')).toBe('لم يُرسَل ردك بعد، وهو في المربع. أرسله مجددًا الآن.');
    // The line under the header, whose "again in 5 s" is past, has gone: one instruction, beside the box.
    expect(await read(page, '#result')).toBe('');
    await shot(page, 'console-send-again-ready-ar');
    // Reloaded, the reply is still said not sent, with its Send again, not left as a mere draft.
    await page.reload();
    await page.locator(`#held li[data-id="${layla}"]`).click();
    await page.locator('#unsent').waitFor();
    expect(await read(page, '#unsent-line')).toBe('لم يُرسَل ردك بعد، وهو في المربع. أرسله مجددًا الآن.');
    expect(await page.inputValue('#reply-text')).toBe('سأراجع فاتورتك الآن.');
    expect(await agentReplies(app, layla)).toEqual([]);
    await page.click('#send-again');
    await page.locator('#transcript .msg.agent', { hasText: 'سأراجع فاتورتك الآن.' }).waitFor();
    expect(await page.locator('#unsent').isHidden()).toBe(true);
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await agentReplies(app, layla)).toEqual(['سأراجع فاتورتك الآن.']);
  }), 60_000);

  it('a reply whose answer the connection lost (stored all the same) is sent again as the same reply: the customer gets it once', () => withPage(browser, 'console-send-again-cut', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const rami = await billFor(app, 'drafts-rami', 'Rami');
    await page.locator(`#held li[data-id="${rami}"]`).click();
    await page.locator('#reply-text').waitFor();
    // The reply reaches the server, which stores it; its answer never reaches the page.
    await page.route('**/agent/api/conversations/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.fill('#reply-text', 'Your refund is on its way.');
    await page.locator('#reply-text').press('Enter');
    await page.locator('#unsent').waitFor();
    expect(await read(page, '#unsent-line')).toBe('Not sent: Switchboard could not be reached. Your reply is in the box: send it again once the connection is back.');
    await shot(page, 'console-send-again-cut-en');
    await page.unroute('**/agent/api/conversations/*/messages');
    const answered = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith(`/agent/api/conversations/${rami}/messages`));
    await page.click('#send-again');
    expect((await answered).status()).toBe(202);
    await page.locator('#unsent').waitFor({ state: 'hidden' });
    expect(await page.inputValue('#reply-text')).toBe('');
    expect(await agentReplies(app, rami)).toEqual(['Your refund is on its way.']);
    await page.locator('#transcript .msg.agent', { hasText: 'Your refund is on its way.' }).waitFor();
    expect(await page.locator('#transcript .msg.agent', { hasText: 'Your refund is on its way.' }).count()).toBe(1);
    // Lina sees it go: the transcript is at its end, her reply in view.
    // Scrolled to once drawn: on a busy machine a moment after it appears.
    await expect.poll(() => inView(page, '#transcript .msg.agent')).toBe(true);
    await shot(page, 'console-send-again-cut-sent-en');
  }), 60_000);

  it('replies not sent in two conversations each keep their "not sent", in the list and above their box, until that reply is sent again or given up, in English and Arabic', () => withPage(browser, 'console-not-sent-two', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const omar = await billFor(app, 'not-sent-omar', 'Omar');
    const hana = await billFor(app, 'not-sent-hana', 'Hana');
    // The connection is down: no reply reaches the server.
    await page.route('**/agent/api/conversations/*/messages', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    for (const [id, text] of [[omar, 'Omar, the second charge is refunded.'], [hana, 'Hana, which card was it?']] as const) {
      // Typed once the picked one is shown: until then the pane shows the one before, whose transcript says "I was charged twice" too.
      await pick(page, id);
      await page.fill('#reply-text', text);
      await page.locator('#reply-text').press('Enter');
      await page.locator('#unsent').waitFor();
    }
    // On Hana's, the list says Omar's reply was not sent either (not a mere draft).
    expect(await read(page, `#held li[data-id="${omar}"] .excerpt`)).toBe('Not sent: Omar, the second charge is refunded.');
    await shot(page, 'console-not-sent-two-en');
    await page.locator('#app button.lang').click();
    expect(await read(page, `#held li[data-id="${omar}"] .excerpt`)).toBe('لم يُرسَل: Omar, the second charge is refunded.');
    await shot(page, 'console-not-sent-two-ar');
    await page.locator('#app button.lang').click();

    // Omar's box says so too, with its Send again; the list says Hana's was not sent.
    await page.locator(`#held li[data-id="${omar}"]`).click();
    await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value.startsWith('Omar'));
    await page.locator('#unsent').waitFor();
    expect(await read(page, '#unsent-line')).toBe('Not sent: Switchboard could not be reached. Your reply is in the box: send it again once the connection is back.');
    expect(await read(page, `#held li[data-id="${hana}"] .excerpt`)).toBe('Not sent: Hana, which card was it?');
    await page.unroute('**/agent/api/conversations/*/messages');
    await page.click('#send-again');
    await page.locator('#transcript .msg.agent', { hasText: 'second charge is refunded' }).waitFor();
    await page.locator('#unsent').waitFor({ state: 'hidden' });
    expect(await agentReplies(app, omar)).toEqual(['Omar, the second charge is refunded.']);
    // Hana's is still not sent, and said so until Lina gives it up (empties its box).
    expect(await read(page, `#held li[data-id="${hana}"] .excerpt`)).toBe('Not sent: Hana, which card was it?');
    await page.locator(`#held li[data-id="${hana}"]`).click();
    await page.waitForFunction(() => (document.getElementById('reply-text') as HTMLTextAreaElement).value.startsWith('Hana'));
    await page.locator('#unsent').waitFor();
    await page.fill('#reply-text', '');
    await page.locator('#unsent').waitFor({ state: 'hidden' });
    await page.locator(`#held li[data-id="${omar}"]`).click();
    await page.locator('#transcript .msg.agent', { hasText: 'second charge is refunded' }).waitFor();
    expect(await read(page, `#held li[data-id="${hana}"] .excerpt`)).not.toMatch(/Not sent|Draft|which card/);
    expect(await agentReplies(app, hana)).toEqual([]);
  }), 60_000);

  it('a conversation picked while it is still on its way takes no click meant for the one still shown: Omar\'s reply, sent from his box, never goes to Hana', () => withPage(browser, 'console-pick-on-its-way', { locale: 'en-US', viewport: { width: 1100, height: 760 } }, async (page) => {
    // A conversation comes slowly (a busy server): until the test lets it through, each look at it (the pick, the console's
    // look every 5 s) waits, and the pane still shows the one before.
    let slowOne: number | undefined;
    let letThrough = () => {};
    let asked = () => {};
    let slow = Promise.resolve();
    const slowly = (id: number) => {
      slowOne = id;
      slow = new Promise<void>((resolve) => { letThrough = () => { slowOne = undefined; resolve(); }; });
      return new Promise<void>((resolve) => { asked = resolve; });
    };
    await page.route((url) => /^\/agent\/api\/conversations\/\d+\/messages$/.test(url.pathname), async (route) => {
      if (route.request().method() !== 'GET' || !route.request().url().includes(`/conversations/${slowOne}/messages?`)) return route.continue();
      asked();
      await slow;
      await route.continue();
    });
    await nextForLina(app);
    await signIn(page, app.url);
    const omar = await billFor(app, 'on-its-way-omar', 'Omar');
    const hana = await billFor(app, 'on-its-way-hana', 'Hana');
    const toHana = clientIdsOf(page, hana);
    await pick(page, omar);
    await page.fill('#reply-text', 'Omar, your refund is on its way.');
    const send = (await page.locator('#reply-form button').boundingBox())!;
    let asking = slowly(hana);
    await page.locator(`#held li[data-id="${hana}"]`).click();
    await asking;
    // Lina, still reading Omar's conversation with his reply in its box, clicks its Send, and presses Enter.
    await page.mouse.click(send.x + send.width / 2, send.y + send.height / 2);
    await page.keyboard.press('Enter');
    letThrough();
    await page.locator('#title', { hasText: 'Hana' }).waitFor();
    await page.locator('#conversation:not([aria-busy="true"])').waitFor();
    expect(await page.inputValue('#reply-text')).toBe('');
    // Nothing went to Hana, nor to Omar: his reply waits in his box, as Lina left it.
    expect(toHana).toEqual([]);
    expect(await agentReplies(app, hana)).toEqual([]);
    expect(await agentReplies(app, omar)).toEqual([]);
    expect(await read(page, `#held li[data-id="${omar}"] .excerpt`)).toBe('Draft: Omar, your refund is on its way.');
    // Hana's box sends to Hana.
    await page.fill('#reply-text', 'Hana, which card was it?');
    await page.locator('#reply-text').press('Enter');
    await page.locator('#transcript .msg.agent', { hasText: 'which card was it?' }).waitFor();
    expect(await agentReplies(app, hana)).toEqual(['Hana, which card was it?']);

    // What she sees while Omar's comes back slowly: Hana's conversation, dimmed, then Omar's with his reply in its box.
    asking = slowly(omar);
    await page.locator(`#held li[data-id="${omar}"]`).click();
    await asking;
    await page.waitForFunction(() => Number(getComputedStyle(document.getElementById('conversation')!).opacity) < 1);
    expect(await read(page, '#title')).toMatch(/^#\d+ · Hana/);
    await shot(page, 'console-pick-on-its-way-en');
    letThrough();
    await page.locator('#title', { hasText: 'Omar' }).waitFor();
    await page.waitForFunction(() => Number(getComputedStyle(document.getElementById('conversation')!).opacity) === 1);
    expect(await page.inputValue('#reply-text')).toBe('Omar, your refund is on its way.');
    expect(await agentReplies(app, omar)).toEqual([]);
  }), 60_000);

  it('a reply edited in its box after the connection cut its answer goes as the same reply: the customer gets the edit as a correction, once, in Arabic', () => withPage(browser, 'console-edit-after-cut-ar', { locale: 'ar', viewport: { width: 1100, height: 760 } }, async (page) => {
    await nextForLina(app);
    await signIn(page, app.url);
    const salma = await billFor(app, 'drafts-salma', 'Salma');
    const ids = clientIdsOf(page, salma);
    await page.locator(`#held li[data-id="${salma}"]`).click();
    await page.locator('#reply-text').waitFor();
    // Each reply reaches the server, which stores it; its answer never reaches the page.
    await page.route('**/agent/api/conversations/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.fill('#reply-text', 'سنعيد لك 50 يورو.');
    await page.locator('#reply-text').press('Enter');
    await page.locator('#unsent').waitFor();
    // Lina sees a wrong amount in the box she is told was not sent, fixes it and sends: the connection cuts again.
    await page.fill('#reply-text', 'سنعيد لك 15 يورو.');
    await page.locator('#reply-text').press('Enter');
    await expect.poll(() => ids.length).toBe(2);
    await page.locator('#unsent').waitFor();
    await page.unroute('**/agent/api/conversations/*/messages');
    const answered = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith(`/agent/api/conversations/${salma}/messages`));
    await page.click('#send-again');
    expect((await answered).status()).toBe(202);
    await page.locator('#unsent').waitFor({ state: 'hidden' });
    expect(await page.inputValue('#reply-text')).toBe('');
    // One reply, then its correction, each once: never the reply twice, nor the correction.
    expect(new Set(ids).size).toBe(1);
    const replies = await agentReplies(app, salma);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBe('سنعيد لك 50 يورو.');
    // Salma's chat is in English: Lina's Arabic words are set apart in its English line.
    expect(replies[1]).toBe('Correction: \u2068سنعيد لك 15 يورو.\u2069');
    // Said once the page has read the answer: a moment after it came, on a busy machine (the box empties and the
    // "not sent" goes as the reply leaves, before the answer).
    await expect.poll(() => read(page, '#result')).toBe(`المحادثة #${salma}: كانت نسختك الأولى قد وصلت إلى العميل، فوصله هذا الرد تصحيحًا لها.`);
    // Said again in English when she switches: at once, as the line goes by itself 10 s after it came (on a busy
    // machine the screenshot below can take that long).
    await page.locator('#app button.lang').click();
    expect(await read(page, '#result')).toBe(`#${salma}: your first version had reached the customer, so they got this one as a correction of it.`);
    await page.locator('#app button.lang').click();
    // Scrolled to once drawn: on a busy machine a moment after it appears.
    await expect.poll(() => inView(page, '#transcript .msg.agent')).toBe(true);
    // As Lina reads it: her Arabic sentence ends with its full stop, at its left, not at the right of the line.
    const { stop, lastWord } = await fullStopBeside(page.locator('#transcript .msg.agent .text').last(), 'يورو.');
    expect(stop).toBeLessThan(lastWord);
    await shot(page, 'console-edit-after-cut-ar');
  }), 60_000);
});
