// A web chat customer who leaves (New visitor) while an agent holds their conversation, in Chromium, with the agent
// on Telegram (a fake Bot API on 127.0.0.1): the conversation closes as "the customer left", its agent is told in their
// app (English or Arabic) and has their seat back, what they write after is refused saying why, and the new visitor is
// a new customer the bot greets. Skipped, saying so, where Chromium is not installed. Screenshots go to
// /tmp/switchboard-left-*.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { eventually } from '../helpers.ts';
import type { FakeBotApi } from './telegram/fake-bot-api.ts';
import { OMAR, post as toTelegram, teamFile, telegramServers } from './telegram/harness.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'a web chat customer who leaves while an agent holds them, in Chromium'
  : `a web chat customer who leaves while an agent holds them, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

let browser: Browser;
const contexts: BrowserContext[] = [];

describe.skipIf(!hasChromium)(title, () => {
  const telegram = telegramServers();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((each) => each.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  let update = 1;
  /** Omar's private message saying `text`; with `replyTo`, his Reply on that message of the bot's. */
  const fromOmar = (text: string, replyTo?: { message_id: number; text: string }) => {
    const date = Math.ceil(Date.now() / 1000);
    const chat = { id: OMAR, type: 'private', first_name: 'Omar' };
    const reply = replyTo && { ...replyTo, date, chat, from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot' } };
    return { update_id: update++, message: { message_id: 7000 + update, date, chat, from: { id: OMAR, is_bot: false, first_name: 'Omar' }, text, ...(reply ? { reply_to_message: reply } : {}) } };
  };

  /** Omar goes online on Telegram; Layla starts the chat in Chromium, picks Billing, and Omar answers her. */
  async function omarHoldsLayla(team = teamFile): Promise<{ app: Switchboard; api: FakeBotApi; layla: Page }> {
    const { app, api } = await telegram.setUp({ webhook: true, team });
    await toTelegram(app, fromOmar('/online'));
    await eventually(() => api.sentTo(OMAR).length > 0);
    const context = await browser.newContext({ viewport: { width: 420, height: 760 } });
    contexts.push(context);
    const layla = await context.newPage();
    await layla.goto(app.url);
    await layla.fill('#name', 'Layla');
    await layla.click('#start');
    await layla.fill('#text', 'I was charged twice');
    await layla.click('#send-button');
    await layla.locator('.choices button', { hasText: 'Billing' }).click();
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('#1')), 10_000);
    await toTelegram(app, fromOmar('Let me look at your card, one moment'));
    await layla.locator('.msg.agent', { hasText: 'one moment' }).waitFor();
    return { app, api, layla };
  }

  /** Layla's browser goes offline, and she presses New visitor and says yes: the page asks a name again. */
  async function leaveOffline(layla: Page): Promise<void> {
    await layla.context().setOffline(true);
    // Until the page's try has failed: a `keepalive` request still under way when the tab closes is sent by the
    // browser after the page, where the test's offline switch no longer holds (as a real offline browser would not).
    const failed = layla.waitForEvent('requestfailed', { predicate: (request) => request.url().endsWith('/leave'), timeout: 30_000 });
    layla.once('dialog', (dialog) => void dialog.accept());
    await layla.click('#restart');
    await layla.locator('#hello').waitFor();
    await failed;
  }

  /** Layla presses New visitor, says yes, and starts again as "Layla" with a new question. */
  async function startOver(layla: Page): Promise<void> {
    layla.once('dialog', (dialog) => void dialog.accept());
    await layla.click('#restart');
    await layla.locator('#hello').waitFor();
    await layla.fill('#name', 'Layla');
    await layla.click('#start');
    await layla.fill('#text', 'Another question');
    await layla.click('#send-button');
    await layla.locator('.msg.bot', { hasText: 'Hi Layla!' }).waitFor();
  }

  it('closes the conversation as the customer left, tells the agent on Telegram, frees their seat, and refuses their next reply saying why', async () => {
    const { app, api, layla } = await omarHoldsLayla();
    await layla.screenshot({ path: '/tmp/switchboard-left-before.png' });
    // Asked first: no keeps the chat, and Omar still gets what she writes.
    layla.once('dialog', (dialog) => void dialog.dismiss());
    await layla.click('#restart');
    await layla.fill('#text', 'Still here');
    await layla.click('#send-button');
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('Still here')), 10_000);
    expect((await app.store.conversation(1))?.status).toBe('open');

    await startOver(layla);

    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('left the chat')), 10_000);
    const told = api.sentTo(OMAR).find((text) => text.includes('left the chat'));
    expect(told).toMatch(/^#1 is closed: .*Layla.* left the chat/);
    const old = await app.store.conversation(1);
    expect(old).toMatchObject({ status: 'closed', closedBy: 'contact' });

    // The new visitor is a new customer, greeted by the bot in a conversation of their own, not put through to Omar.
    await eventually(async () => (await app.store.conversation(2))?.status === 'open');
    const fresh = (await app.store.conversation(2))!;
    expect(fresh.contactId).not.toBe(old!.contactId);
    expect(fresh.stage).toBe('bot');
    expect(api.sentTo(OMAR).some((text) => text.includes('Another question'))).toBe(false);

    // Omar writes on, as he would to the customer he held: nothing reaches anyone, and he reads why.
    const before = api.sentTo(OMAR).length;
    await toTelegram(app, fromOmar('Your refund is on its way'));
    await eventually(() => api.sentTo(OMAR).length > before);
    expect(api.sentTo(OMAR).at(-1)).toMatch(/Nothing was sent.*#1.*Layla.*left the chat/);
    await layla.screenshot({ path: '/tmp/switchboard-left-after.png' });
    expect(await layla.locator('.msg', { hasText: 'refund is on its way' }).count()).toBe(0);
    // A Reply on what she wrote in #1 says the same.
    const relay = api.messagesTo(OMAR).find((message) => message.text.includes('Still here'))!;
    await toTelegram(app, fromOmar('Refunded', { message_id: relay.message_id, text: relay.text }));
    await eventually(() => api.sentTo(OMAR).length > before + 1);
    expect(api.sentTo(OMAR).at(-1)).toMatch(/^#1 was closed on \d{4}-\d\d-\d\d at \d\d:\d\d UTC, when the customer left the chat: that did not reach the customer\.$/);
    // His seat is free: /list says he holds nothing.
    await toTelegram(app, fromOmar('/list'));
    await eventually(() => api.sentTo(OMAR).length > before + 2);
    expect(api.sentTo(OMAR).at(-1)).not.toMatch(/#1\b/);
  }, 90_000);

  it('tells the server of a visitor who left while offline once they are back, and only once', async () => {
    const { app, api, layla } = await omarHoldsLayla();
    await leaveOffline(layla);
    // Nothing reached the server: Omar still holds her, and is told nothing yet.
    expect((await app.store.conversation(1))?.status).toBe('open');
    await layla.context().setOffline(false);
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('left the chat')), 10_000);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'contact' });
    await layla.reload();
    await layla.locator('#hello').waitFor();
    await layla.fill('#name', 'Layla');
    await layla.click('#start');
    await layla.fill('#text', 'Another question');
    await layla.click('#send-button');
    await layla.locator('.msg.bot', { hasText: 'Hi Layla!' }).waitFor();
    expect(api.sentTo(OMAR).filter((text) => text.includes('left the chat'))).toHaveLength(1);
  }, 90_000);

  it('tells the server of a visitor who left offline and closed the tab when the chat is next opened', async () => {
    const { app, api, layla } = await omarHoldsLayla();
    await leaveOffline(layla);
    await layla.close();
    await layla.context().setOffline(false);
    expect((await app.store.conversation(1))?.status).toBe('open');
    const later = await layla.context().newPage();
    await later.goto(app.url);
    await later.locator('#hello').waitFor();
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('left the chat')), 10_000);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'contact' });
  }, 90_000);

  it('tells an Arabic agent in Arabic that the customer left, and why his reply reached no one', async () => {
    const { app, api, layla } = await omarHoldsLayla(teamFile.replace('    max_open: 3', '    max_open: 3\n    language: ar'));
    await startOver(layla);
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('غادر')), 10_000);
    expect(api.sentTo(OMAR).find((text) => text.includes('غادر'))).toMatch(/^أُغلقت المحادثة #1: غادر .*Layla.* المحادثة/);
    const before = api.sentTo(OMAR).length;
    await toTelegram(app, fromOmar('تم استرداد المبلغ'));
    await eventually(() => api.sentTo(OMAR).length > before);
    expect(api.sentTo(OMAR).at(-1)).toMatch(/لم يُرسَل شيء.*#1.*غادر العميل المحادثة/);
  }, 90_000);
});
