// The web chat's pages against the whole server in a real browser (Debian's Chromium driven by playwright-core):
// a message waits as pending while the server is out of reach, Arabic reads right to left, a pressed button is done
// with, the embed snippet opens the chat on another site, and an agent signs in to the console, hears a new
// conversation and answers it. One visitor across tabs and restarts: webchat-visitor-browser.test.ts.
// Skipped, saying so, where Chromium is not installed. A failing test leaves screenshots in /tmp/switchboard-*.png;
// SCREENSHOTS=1 saves its pages along the way too (test/page-shot.ts).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { TEST_AGENT_TOKEN, agentToken, cleanupDirs, dataDirWith, eventually, shippedDataDir, start, visitor } from '../helpers.ts';
import { OMAR, post as toTelegram, telegramServers } from './telegram/harness.ts';
import { fixture as cloudFixture, messagesBody, settled as cloudSettled, startCloud, text as cloudText } from './whatsapp-cloud/harness.ts';
import { metaError } from './meta/fake-graph-api.ts';
import { shot } from '../page-shot.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'the web chat and the agent console in Chromium'
  : `the web chat and the agent console in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

const choiceFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Technical support, Sales]
    save: conversation.topic
  - say: "Routing you to {{conversation.topic}}."
`;

/** A need no model is sure of (`threshold: 1`): the clarify question asks about it, with the routes as buttons. */
const clarifyFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - classify: conversation.first_message
    threshold: 1
    routes: { billing: Billing, sales: Sales }
    clarify: "Is this about billing or a purchase?"
  - say: "Routing you to {{conversation.team}}."
`;

/** The same, greeting in two lines, English then Arabic. */
const bilingualFlow = choiceFlow.replace('  - say: "Hi {{contact.name | there}}!"', '  - say: "Hi {{contact.name | there}}!"\n  - say: "Welcome to Acme support, we answer in English\\nأهلا بك"');

let browser: Browser;
const contexts: BrowserContext[] = [];
const running: Switchboard[] = [];

async function context(width = 600, locale?: string): Promise<BrowserContext> {
  const made = await browser.newContext({ viewport: { width, height: 800 }, ...(locale ? { locale } : {}) });
  contexts.push(made);
  return made;
}

/** Runs a test body; if it fails, every open page is saved to /tmp/switchboard-<name>-<n>.png first. */
async function shooting(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const pages = contexts.flatMap((each) => each.pages());
    await Promise.all(pages.map((page, n) => page.screenshot({ path: `/tmp/switchboard-${name}-failed-${n}.png`, fullPage: true }).catch(() => undefined)));
    throw error;
  }
}

/** Opens the chat, gives a name, and waits for the conversation to be ready. */
async function startChat(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.locator('#hello').waitFor();
  await page.fill('#name', name);
  await page.click('#start');
  await page.locator('#text').waitFor();
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send-button');
}

/**
 * On the shipped files: Lina signs in to the console (a window `width` wide) and goes online; Layla's billing question
 * comes to her. `customerScript` runs in Layla's page before its own (playwright's addInitScript).
 */
async function linaHoldsLayla(app: Switchboard, width: number, customerScript?: () => void): Promise<{ agent: Page; customer: Page }> {
  const agent = await (await context(width)).newPage();
  await agent.goto(`${app.url}/agent`);
  await agent.fill('#token', agentToken('agent-lina'));
  await agent.click('#signin-button');
  await agent.click('#online');
  await agent.locator('#result', { hasText: 'You are online' }).waitFor();
  const customer = await (await context()).newPage();
  if (customerScript) await customer.addInitScript(customerScript);
  await startChat(customer, app.url, 'Layla');
  for (const [text, next] of [['hello', 'email'], ['layla@example.com', 'How can we help'], ['I was charged twice', 'joined']] as const) {
    await send(customer, text);
    await customer.locator('.msg.bot', { hasText: next }).waitFor();
  }
  return { agent, customer };
}

describe.skipIf(!hasChromium)(title, () => {
  const telegram = telegramServers();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((each) => each.close()));
    for (const app of running.splice(0)) await app.stop();
    await cleanupDirs();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a message not acknowledged yet as pending, and sends it once, when the connection is back (after a reload too)', () => shooting('pending', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    const page = await (await context()).newPage();
    // The page's clock runs on as a real one, and is moved on to its next try once the connection is back.
    await page.clock.install();
    await startChat(page, app.url, 'Layla');
    await send(page, 'hello');
    await page.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    // The server cannot be reached for posting: the message waits in a pending bubble.
    const cut = (route: import('playwright-core').Route) => (route.request().method() === 'POST' ? route.abort() : route.continue());
    await page.route('**/webchat/*/messages', cut);
    await send(page, 'Sales');
    const pending = page.locator('.msg.contact.pending', { hasText: 'Sales' });
    await pending.waitFor();
    expect(await pending.locator('.mark').getAttribute('title')).toBe('sending');
    await page.locator('#status', { hasText: 'Offline' }).waitFor();
    await shot(page, 'pending');

    // A reload keeps it (this tab's sessionStorage), still pending.
    await page.reload();
    await page.locator('.msg.contact.pending', { hasText: 'Sales' }).waitFor();
    await page.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    // The connection is back: it is sent, and stored once.
    await page.unroute('**/webchat/*/messages', cut);
    // Its next try (3 s after the last) comes at once.
    await page.clock.fastForward(3_000);
    await page.locator('.msg.contact[data-id]', { hasText: 'Sales' }).waitFor({ timeout: 15_000 });
    await page.locator('.msg.bot', { hasText: 'Routing you to sales.' }).waitFor();
    expect(await page.locator('.msg.contact.pending').count()).toBe(0);
    const stored = (await app.store.messagesOfContact((await app.store.contacts())[0]!.id)).filter((message) => message.text === 'Sales');
    expect(stored).toHaveLength(1);
  }), 60_000);

  it('shows an Arabic customer\'s messages right to left, mixed Arabic and Latin lines included, and disables buttons once one is pressed', () => shooting('arabic', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': bilingualFlow }));
    running.push(app);
    const page = await (await context()).newPage();
    await startChat(page, app.url, 'ليلى');
    const arabic = 'مرحبا، طلبي رقم A-1234 لم يصل بعد';
    await send(page, arabic);
    await page.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    const text = page.locator('.msg.contact[data-id] .text').first();
    expect(await text.getAttribute('dir')).toBe('auto');
    expect(await text.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    // Right to left: the first word is drawn rightmost, the Latin order number to its left, left to right itself.
    const positions = await text.evaluate((element) => {
      const node = element.firstChild as Text;
      const box = (word: string) => {
        const range = document.createRange();
        const at = node.data.indexOf(word);
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        return range.getBoundingClientRect();
      };
      return { first: box('مرحبا'), number: box('A-1234'), last: box('بعد'), bubble: element.getBoundingClientRect() };
    });
    expect(positions.first.left).toBeGreaterThan(positions.number.right);
    expect(positions.number.left).toBeGreaterThan(positions.last.right);
    expect(positions.bubble.right - positions.first.right).toBeLessThan(2);
    // The bot's greeting starts in Latin letters: left to right, with the Arabic name inside it.
    const greeting = page.locator('.msg.bot .text', { hasText: 'Hi' }).first();
    expect(await greeting.innerText()).toBe('Hi ليلى!');
    expect(await greeting.evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    // A mixed line starting in Latin letters is left to right, its Arabic words in their own order at its end.
    await send(page, 'Order A-1234 لم يصل بعد');
    // (A stored message has its id; the bubble shown while it was sent has none.)
    const mixed = page.locator('.msg.contact[data-id] .text', { hasText: 'Order A-1234' });
    await mixed.waitFor();
    expect(await mixed.evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    const order = await mixed.evaluate((element) => {
      const node = element.firstChild as Text;
      const box = (word: string) => {
        const range = document.createRange();
        range.setStart(node, node.data.indexOf(word));
        range.setEnd(node, node.data.indexOf(word) + word.length);
        return range.getBoundingClientRect();
      };
      return { order: box('Order'), first: box('لم'), last: box('بعد') };
    });
    expect(order.first.left).toBeGreaterThan(order.order.right);
    expect(order.first.left).toBeGreaterThan(order.last.right);
    // Each line of a message takes its own direction: the English one starts left, the Arabic one right.
    const twoLines = page.locator('.msg.bot .text', { hasText: 'Welcome to Acme support' });
    const lines = await twoLines.evaluate((element) => {
      const node = element.firstChild as Text;
      const box = (word: string) => {
        const range = document.createRange();
        range.setStart(node, node.data.indexOf(word));
        range.setEnd(node, node.data.indexOf(word) + word.length);
        return range.getBoundingClientRect();
      };
      return { welcome: box('Welcome'), arabic: box('أهلا'), bubble: element.getBoundingClientRect() };
    });
    expect(lines.welcome.left - lines.bubble.left).toBeLessThan(2);
    expect(lines.bubble.right - lines.arabic.right).toBeLessThan(2);
    expect(lines.arabic.left - lines.bubble.left).toBeGreaterThan(50);

    // The mixed line was no answer: the question comes again, its buttons live, the first ones done with.
    await page.waitForFunction(() => document.querySelectorAll('.msg.bot .choices').length === 2);
    expect(await page.locator('.msg.bot .choices').first().locator('button:disabled').count()).toBe(3);
    // Pressing a button: that question's buttons are done with at once, the pressed one marked.
    const buttons = page.locator('.msg.bot .choices').last().locator('button');
    expect(await buttons.count()).toBe(3);
    expect(await buttons.evaluateAll((all) => all.map((button) => (button as HTMLButtonElement).disabled))).toEqual([false, false, false]);
    await buttons.nth(1).click();
    expect(await buttons.evaluateAll((all) => all.map((button) => (button as HTMLButtonElement).disabled))).toEqual([true, true, true]);
    expect(await buttons.nth(1).getAttribute('class')).toContain('chosen');
    await page.locator('.msg.bot', { hasText: 'Routing you to technical-support.' }).waitFor();
    expect(await page.locator('.msg.contact', { hasText: 'Technical support' }).count()).toBe(1);
    // Every message of the visitor is marked stored, none left pending.
    await page.waitForFunction(() => document.querySelectorAll('.msg.pending').length === 0);
    expect(await page.locator('.msg.contact .mark.sent').count()).toBe(3);
    expect(await page.locator('.separator').count()).toBe(0);
    await shot(page, 'arabic', { fullPage: true });
  }), 60_000);

  it('shows the button a typed answer was taken as chosen, as a press shows it, and again after a reload', () => shooting('typed-choice', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    const page = await (await context()).newPage();
    await startChat(page, app.url, 'Layla');
    await send(page, 'hello');
    await page.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    // She types the words of a button instead of pressing it.
    await send(page, 'billing');
    await page.locator('.msg.bot', { hasText: 'Routing you to billing.' }).waitFor();
    const question = page.locator('.msg.bot', { hasText: 'Which team?' }).locator('.choices');
    // Before: no button was marked, while a press marks the one pressed; now Billing is, the others not.
    await eventually(async () => (await question.locator('button.chosen').allInnerTexts()).join() === 'Billing');
    expect(await question.locator('button:disabled').count()).toBe(3);
    await shot(page, 'typed-choice', { fullPage: true });
    await page.reload();
    await page.locator('.msg.bot', { hasText: 'Routing you to billing.' }).waitFor();
    await eventually(async () => (await page.locator('.msg.bot', { hasText: 'Which team?' }).locator('.choices button.chosen').allInnerTexts()).join() === 'Billing');
  }), 60_000);

  it('shows the clarify button a typed answer was taken as chosen, as for an ask step\'s, and again after a reload', () => shooting('typed-clarify', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': clarifyFlow }));
    running.push(app);
    const page = await (await context()).newPage();
    await startChat(page, app.url, 'Layla');
    await send(page, 'qwerty');
    await page.locator('.msg.bot', { hasText: 'billing or a purchase' }).waitFor();
    // She types the words of a clarify button instead of pressing it.
    await send(page, 'sales');
    await page.locator('.msg.bot', { hasText: 'Routing you to Sales.' }).waitFor();
    const question = () => page.locator('.msg.bot', { hasText: 'billing or a purchase' }).locator('.choices');
    // Before: no button was marked (an ask step's were); now Sales is, the other not.
    await eventually(async () => (await question().locator('button.chosen').allInnerTexts()).join() === 'Sales');
    expect(await question().locator('button:disabled').count()).toBe(2);
    await shot(page, 'typed-clarify', { fullPage: true });
    await page.reload();
    await page.locator('.msg.bot', { hasText: 'Routing you to Sales.' }).waitFor();
    await eventually(async () => (await question().locator('button.chosen').allInnerTexts()).join() === 'Sales');
  }), 60_000);

  it('shows a phone still showing an answered question, whose button she pressed there, that it was of a question already answered, and the question asked now with live buttons', () => shooting('stale-button', async () => {
    const twoQuestions = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Technical support, Sales]
    save: conversation.topic
  - ask: "How urgent is it?"
    expect: choice
    choices: [Today, This week]
    save: conversation.urgency
  - say: "Routing you to {{conversation.topic}}, {{conversation.urgency}}."
`;
    const app = await start(await dataDirWith({ 'inbound.yaml': twoQuestions }));
    running.push(app);
    const laptopContext = await context(600);
    const laptop = await laptopContext.newPage();
    await startChat(laptop, app.url, 'Layla');
    await send(laptop, 'hello');
    await laptop.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    // The same visitor on her phone (her session copied, as another browser of hers would have it), whose event stream
    // does not get through (a sleeping phone, a proxy that holds streams): it shows what it read when it opened.
    const phoneContext = await browser.newContext({ viewport: { width: 420, height: 800 }, storageState: await laptopContext.storageState() });
    contexts.push(phoneContext);
    const phone = await phoneContext.newPage();
    // The phone's clock runs on as a real one, and is moved on to its next try at the stream once it gets through.
    await phone.clock.install();
    let cut = true;
    await phone.route('**/webchat/*/events**', (route) => (cut ? route.abort() : route.continue()));
    await phone.goto(app.url);
    await phone.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    // She answers on the laptop; the phone still shows the first question's buttons live, and she presses Sales there.
    await laptop.locator('.msg.bot', { hasText: 'Which team?' }).locator('button', { hasText: 'Billing' }).click();
    await laptop.locator('.msg.bot', { hasText: 'How urgent is it?' }).waitFor();
    const stale = phone.locator('.msg.bot', { hasText: 'Which team?' }).locator('button', { hasText: 'Sales' });
    expect(await stale.isDisabled()).toBe(false);
    await stale.click();
    await eventually(async () => (await app.store.messagesOfContact((await app.store.contacts())[0]!.id)).some((message) => message.text === 'Sales'));
    cut = false;
    // Its next try at the stream (3 s after the last) comes at once.
    await phone.clock.fastForward(3_000);

    // Its stream back, the phone shows what the bot answered the press.
    await phone.locator('.msg.bot', { hasText: 'That button is from a question you already answered.' }).waitFor({ timeout: 20_000 });
    await phone.waitForFunction(() => document.querySelectorAll('.msg.bot .choices').length === 3, undefined, { timeout: 20_000 });
    const bot = await phone.locator('.msg.bot .text').allInnerTexts();
    expect(bot.slice(-3)).toEqual(['How urgent is it?', 'That button is from a question you already answered.', 'How urgent is it?']);
    // Only the question asked now has live buttons; the first question's and its first asking's are greyed.
    const rows = phone.locator('.msg.bot .choices');
    expect(await rows.nth(0).locator('button:disabled').count()).toBe(3);
    expect(await rows.nth(1).locator('button:disabled').count()).toBe(2);
    expect(await rows.nth(2).locator('button:enabled').count()).toBe(2);
    // What was taken shows, on both: Billing, pressed on the laptop, is the first question's chosen button, and Sales,
    // pressed here, is not (before, Sales stayed marked chosen on the phone, and the laptop showed no difference);
    // the Sales bubble says it was not taken, live on the laptop too.
    for (const tab of [phone, laptop]) {
      const first = tab.locator('.msg.bot', { hasText: 'Which team?' }).locator('.choices');
      await eventually(async () => (await first.locator('button.chosen').allInnerTexts()).join() === 'Billing');
      const sales = tab.locator('.msg.contact', { hasText: 'Sales' });
      await sales.locator('.late-note', { hasText: 'Not taken as an answer' }).waitFor({ timeout: 20_000 });
      expect(await sales.locator('.text').evaluate((text) => getComputedStyle(text).textDecorationLine)).toBe('line-through');
      expect(await tab.locator('.msg.contact', { hasText: 'Billing' }).locator('.late-note').count()).toBe(0);
    }
    expect(await rows.nth(0).locator('button', { hasText: 'Sales' }).evaluate((button) => getComputedStyle(button).opacity)).not.toBe('1');
    await shot(phone, 'stale-button', { fullPage: true });
    await shot(laptop, 'stale-button-laptop', { fullPage: true });

    // Today, pressed on the phone, answers the question asked now; the topic stays Billing.
    await rows.nth(2).locator('button', { hasText: 'Today' }).click();
    await phone.locator('.msg.bot', { hasText: 'Routing you to billing, today.' }).waitFor();
    await laptop.locator('.msg.bot', { hasText: 'Routing you to billing, today.' }).waitFor();
    // The laptop, reloaded, shows the same from the history: Today chosen under the question it answered.
    await laptop.reload();
    await laptop.locator('.msg.bot', { hasText: 'Routing you to billing, today.' }).waitFor();
    expect(await laptop.locator('.msg.bot .choices button.chosen').allInnerTexts()).toEqual(['Billing', 'Today']);
  }), 60_000);

  it('shows the agent a button of an earlier question the customer pressed as no answer, live in the console, and the admin in the dashboard', () => shooting('console-late-button', async () => {
    const LATE_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
    const planThenTeam = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which plan are you on?"
    expect: choice
    choices: [{ id: basic, title: Basic }, { id: pro, title: Pro }]
    save: conversation.plan
  - assign: { team: Billing }
`;
    const data = await dataDirWith({ 'inbound.yaml': planThenTeam });
    await writeFile(join(data, 'team.yaml'), `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${TEST_AGENT_TOKEN}\n    teams: [Billing]\n`);
    const app = await start(data, { adminToken: LATE_ADMIN_TOKEN });
    running.push(app);
    const agent = await (await context(1100)).newPage();
    await agent.goto(`${app.url}/agent`);
    await agent.fill('#token', TEST_AGENT_TOKEN);
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'You are online' }).waitFor();
    const layla = visitor(app.url, 'late-console', 'Layla');
    await layla.say('hello');
    let plan: { id: number } | undefined;
    await eventually(async () => (plan = (await layla.messages()).find((message) => message.text === 'Which plan are you on?')) !== undefined);
    await layla.say('basic');
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'basic' }).waitFor();
    // Pro, pressed under the plan question once Lina holds the conversation: before, it read as Layla's choice.
    expect((await layla.post({ choice: 'pro', replyTo: plan!.id })).status).toBe(202);
    const pressed = agent.locator('#transcript .msg.contact', { hasText: 'Pro' });
    await pressed.locator('.meta .late', { hasText: 'a button of an earlier question: no answer' }).waitFor({ timeout: 20_000 });
    expect(await agent.locator('#transcript .msg.contact', { hasText: 'basic' }).locator('.late').count()).toBe(0);
    // Her line in Lina's list says the same of it: before, "Pro" alone, as if Layla had chosen it.
    await agent.locator('#held li .excerpt .late', { hasText: 'a button of an earlier question: no answer' }).waitFor({ timeout: 20_000 });
    expect(await agent.locator('#held li', { hasText: 'Layla' }).locator('.excerpt').innerText()).toContain('Pro (a button of an earlier question: no answer)');
    await shot(agent, 'console-late-button');
    // The admin's dashboard says the same in the transcript, and offers no "teach this intent" on it: before, a plain
    // choice of Layla's.
    const admin = await (await context(1100)).newPage();
    await admin.goto(`${app.url}/admin`);
    await admin.fill('#token', LATE_ADMIN_TOKEN);
    await admin.locator('form button[type="submit"]').click();
    await admin.goto(`${app.url}/admin#/conversations/1`);
    const row = admin.locator('.transcript .message.contact', { hasText: 'Pro' });
    await row.locator('.message-head .late', { hasText: 'a button of an earlier question: no answer' }).waitFor({ timeout: 20_000 });
    expect(await row.locator('.teach').count()).toBe(0);
    expect(await admin.locator('.transcript .message.contact', { hasText: 'basic' }).locator('.late').count()).toBe(0);
    await shot(admin, 'dashboard-late-button');
  }), 60_000);

  it('puts the page\'s own words in the visitor\'s language: Arabic, right to left, for an Arabic browser; English when the link asks, or for a language it has no words for', () => shooting('page-language', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    const page = await (await context(600, 'ar-EG')).newPage();
    await page.goto(app.url);
    await page.locator('#hello').waitFor();
    expect(await page.locator('#name-label').innerText()).toBe('ما اسمك؟');
    expect(await page.locator('#start').innerText()).toBe('ابدأ المحادثة');
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    await page.fill('#name', 'ليلى');
    await page.click('#start');
    await page.locator('#text').waitFor();
    expect(await page.locator('#send-button').innerText()).toBe('إرسال');
    expect(await page.locator('#text').getAttribute('placeholder')).toBe('اكتب رسالة…');
    // Empty, the box is right to left (its hint starts at the right); typed into, it takes the text's direction.
    expect(await page.locator('#text').evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    await page.fill('#text', 'Order A-1234');
    expect(await page.locator('#text').evaluate((element) => getComputedStyle(element).direction)).toBe('ltr');
    expect(await page.locator('#rename').innerText()).toBe('تغيير الاسم');
    expect(await page.locator('#attach').getAttribute('aria-label')).toBe('إرفاق ملف');
    await send(page, 'مرحبا');
    const bot = page.locator('.msg.bot', { hasText: 'Which team?' });
    await bot.waitFor();
    // The bot's name, and the stored mark's words, are Arabic; the bot's own text stays as the flow wrote it.
    expect(await bot.locator('.who').innerText()).toBe('المساعد الآلي');
    const mine = page.locator('.msg.contact[data-id]', { hasText: 'مرحبا' });
    await mine.locator('.mark.sent').waitFor();
    expect(await mine.locator('.mark').getAttribute('title')).toBe('أُرسلت');
    // Right to left: the visitor's bubbles on the left, the bot's on the right.
    const [own, theirs, log] = await Promise.all([mine.boundingBox(), bot.boundingBox(), page.locator('#log').boundingBox()]);
    expect(own!.x - log!.x).toBeLessThan(30);
    expect(log!.x + log!.width - (theirs!.x + theirs!.width)).toBeLessThan(30);
    expect(theirs!.x).toBeGreaterThan(own!.x + own!.width);
    await shot(page, 'page-arabic', { fullPage: true });

    // The link's language wins over the browser's; a language without words falls back to English.
    const asked = await (await context(600, 'ar-EG')).newPage();
    await asked.goto(`${app.url}/?lang=en`);
    await asked.locator('#hello').waitFor();
    expect(await asked.locator('#name-label').innerText()).toBe('What is your name?');
    expect(await asked.evaluate(() => document.documentElement.dir)).toBe('ltr');
    const french = await (await context(600, 'fr-FR')).newPage();
    await french.goto(app.url);
    await french.locator('#hello').waitFor();
    expect(await french.locator('#start').innerText()).toBe('Start chatting');
    expect(await french.evaluate(() => document.documentElement.lang)).toBe('en');
  }), 60_000);

  it('says, in the page\'s language, that a name is needed when Start is pressed with only spaces (or nothing) in the name box', () => shooting('name-needed', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    for (const [locale, needed, shotName] of [['en-US', 'Write your name to start chatting.', 'name-needed-en'], ['ar-EG', 'اكتب اسمك لبدء المحادثة.', 'name-needed-ar']] as const) {
      const page = await (await context(600, locale)).newPage();
      await page.goto(app.url);
      await page.locator('#hello').waitFor();
      // Direction marks alone, as an emptied Arabic box may hold, are no name either.
      for (const name of ['   ', '', '\u200f \u200b']) {
        await page.evaluate(() => { document.getElementById('hello-status')!.textContent = ''; });
        await page.fill('#name', name);
        await page.click('#start');
        await page.locator('#hello-status', { hasText: needed }).waitFor({ timeout: 5000 });
        expect(await page.locator('#chat').isHidden()).toBe(true);
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('name');
      }
      await shot(page, shotName);
      // A name, and the chat starts.
      await page.fill('#name', 'Layla');
      await page.click('#start');
      await page.locator('#text').waitFor();
    }
  }), 60_000);

  it('tells an Arabic customer in an Arabic browser which team they wait for and their place in line, the times beside in the same digits', () => shooting('queued-arabic', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const page = await (await context(600, 'ar-EG')).newPage();
    await startChat(page, app.url, 'ليلى');
    await send(page, 'مرحبا');
    await page.locator('.msg.bot', { hasText: 'بريدك الإلكتروني' }).waitFor();
    await send(page, 'layla@example.com');
    await page.locator('.msg.bot', { hasText: 'كيف يمكننا مساعدتك' }).waitFor();
    await send(page, 'عندي سؤال');
    await page.locator('.msg.bot button', { hasText: 'الدعم الفني' }).click();
    const queued = page.locator('.msg.bot', { hasText: 'في قائمة الانتظار' });
    await queued.waitFor();
    expect(await queued.locator('.text').innerText()).toBe('لا يوجد أحد من فريق الدعم الفني متاح حاليًا، وترتيبك 1 في قائمة الانتظار. يُرجى البقاء هنا، وسنكون معك قريبًا.');
    // The place in line is the bot's "1"; the page writes its times in those digits too, in the browser's clock.
    const times = await page.locator('.msg time').allInnerTexts();
    expect(times.length).toBeGreaterThan(3);
    for (const time of times) expect(time).toMatch(/^\d\d:\d\d [صم]$/);
    expect(await page.locator('.msg time').first().getAttribute('title')).not.toMatch(/[\u0660-\u0669]/);
    await shot(page, 'queued-arabic');
  }), 60_000);

  it('opens the chat in an iframe from the embed snippet on another site\'s page, with its title, colour and language', () => shooting('embed', async () => {
    let switchboardUrl = '';
    const shop = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><head><title>Acme shop</title></head><body><h1>Acme shop</h1><p>Our products.</p>
        <script src="${switchboardUrl}/widget.js" data-title="Acme help" data-color="#0a7" data-lang="ar" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    try {
      const app = await start(await shippedDataDir(), { config: { WEBCHAT_EMBED_ORIGINS: [shopUrl] } });
      running.push(app);
      switchboardUrl = app.url;
      const page = await (await context()).newPage();
      await page.goto(shopUrl);
      const launcher = page.locator('button.switchboard-launcher');
      await launcher.waitFor();
      expect(await launcher.getAttribute('aria-label')).toBe('Acme help');
      expect(await launcher.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(0, 170, 119)');
      await launcher.click();
      const iframe = page.locator('iframe.switchboard-chat');
      await iframe.waitFor();
      expect(await iframe.getAttribute('src')).toBe(`${app.url}/?embed=1&title=Acme+help&color=%230a7&lang=ar`);
      const chat = page.frameLocator('iframe.switchboard-chat');
      await chat.locator('#hello').waitFor();
      expect(await chat.locator('#title').innerText()).toBe('Acme help');
      // The snippet's data-lang: the page's words in Arabic, whatever the visitor's browser says.
      expect(await chat.locator('#start').innerText()).toBe('ابدأ المحادثة');
      expect(await chat.locator('header').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(0, 170, 119)');
      await chat.locator('#name').fill('Layla');
      await chat.locator('#start').click();
      await chat.locator('#text').fill('hello from the shop');
      await chat.locator('#send-button').click();
      // The snippet's language is the chat's: the bot greets in Arabic though the visitor writes English.
      await chat.locator('.msg.bot', { hasText: 'مرحبًا Layla!' }).waitFor();
      // An English browser's time on the Arabic page is Arabic too ("09:34 ص"), read right to left: the hour first, on
      // the right, and ص or م after it, on its left.
      const time = chat.locator('.msg.bot time').first();
      expect(await time.innerText()).toMatch(/^\d\d:\d\d [صم]$/);
      const [hour, noon] = await time.evaluate((element) => {
        const node = element.firstChild as Text;
        const box = (at: number, length: number) => {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + length);
          return range.getBoundingClientRect();
        };
        return [box(0, 2), box(node.data.length - 1, 1)];
      });
      expect(noon!.right).toBeLessThanOrEqual(hour!.left);
      await shot(page, 'embed');
      // The launcher closes it and opens it again, the conversation still there.
      await launcher.click();
      expect(await iframe.isHidden()).toBe(true);
      await launcher.click();
      expect(await chat.locator('.msg.contact').innerText()).toContain('hello from the shop');
    } finally {
      await new Promise((resolve) => (shop as Server).close(resolve));
    }
  }), 60_000);

  it('signs an agent in to the console, beeps and counts a new conversation in the title, and answers it under the agent\'s name', () => shooting('console', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const agent = await (await context(1100)).newPage();
    await agent.goto(`${app.url}/agent`);
    await agent.locator('#signin').waitFor();
    await agent.fill('#token', 'a wrong token 0123456789');
    await agent.click('#signin-button');
    await agent.locator('#signin-error', { hasText: 'no agent signs in with this token' }).waitFor();
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.locator('#me', { hasText: 'Lina' }).waitFor();
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'You are online' }).waitFor();
    expect(await agent.title()).toBe('Switchboard');

    const customer = await (await context()).newPage();
    await startChat(customer, app.url, 'Layla');
    await send(customer, 'hello');
    await customer.locator('.msg.bot', { hasText: 'email' }).waitFor();
    await send(customer, 'layla@example.com');
    await customer.locator('.msg.bot', { hasText: 'How can we help' }).waitFor();
    await send(customer, 'I was charged twice');

    // The conversation comes to Lina: listed, a beep, and the unread count in the title.
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ timeout: 10_000 });
    await agent.waitForFunction(() => Number(document.body.dataset.beeps ?? 0) >= 1);
    expect(await agent.title()).toMatch(/^\(3\) Switchboard$/);
    expect(await agent.locator('#badge').innerText()).toBe('3');
    await shot(agent, 'console-new');

    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();
    expect(await agent.locator('#fields').innerText()).toContain('layla@example.com');
    await agent.waitForFunction(() => document.title === 'Switchboard');

    await agent.fill('#reply-text', 'I have refunded the second charge.');
    await agent.click('#reply-form button');
    await agent.locator('#transcript .msg.agent', { hasText: 'I have refunded the second charge.' }).waitFor();

    // The customer sees the reply under Lina's name, not "Agent".
    const reply = customer.locator('.msg.agent', { hasText: 'I have refunded the second charge.' });
    await reply.waitFor();
    expect(await reply.locator('.who').innerText()).toBe('Lina');
    // Shown on her page: delivered, then read, as the console tells.
    await agent.locator('#transcript .msg.agent .mark.read').waitFor({ timeout: 20_000 });
    await shot(agent, 'console-answered');

    // A new message from Layla beeps again, while her conversation is open.
    const beeps = Number(await agent.evaluate(() => document.body.dataset.beeps));
    await send(customer, 'Thank you!');
    await agent.waitForFunction((before) => Number(document.body.dataset.beeps) > before, beeps);
    await agent.locator('#transcript .msg.contact', { hasText: 'Thank you!' }).waitFor();

    // Closed with a note she tells the customer too.
    await agent.fill('#close-note', 'Your refund is on its way.');
    await agent.check('#close-share');
    await agent.click('#close-form button');
    await agent.locator('#result', { hasText: 'Closed #1 (Your refund is on its way.)' }).waitFor();
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closingNote: 'Your refund is on its way.', closingNoteShared: true });
    await customer.locator('.msg.bot', { hasText: 'Your refund is on its way.' }).waitFor();
    await shot(customer, 'console-customer');
    await shot(agent, 'console-closed');
  }), 90_000);

  it('fits the console on a phone: the list, then the conversation across the whole width, and back', () => shooting('console-phone', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const { agent, customer } = await linaHoldsLayla(app, 390);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();
    // Nothing wider than the screen, and the conversation has the width.
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect((await agent.locator('#conversation').boundingBox())!.width).toBeGreaterThan(340);
    expect(await agent.locator('nav').isVisible()).toBe(false);
    await shot(agent, 'console-phone');
    await agent.fill('#reply-text', 'On it!');
    await agent.click('#reply-form button');
    await customer.locator('.msg.agent', { hasText: 'On it!' }).waitFor();
    // Steps on their own lines: Shift+Enter starts a line, Enter sends, and the customer reads the lines.
    await agent.locator('#reply-text').pressSequentially('Try this:');
    await agent.keyboard.press('Shift+Enter');
    await agent.keyboard.insertText('1. Sign out\n2. Sign in again');
    await agent.keyboard.press('Enter');
    const steps = customer.locator('.msg.agent', { hasText: 'Try this:' });
    await steps.waitFor();
    expect(await steps.locator('.text').innerText()).toBe('Try this:\n1. Sign out\n2. Sign in again');
    expect(await agent.inputValue('#reply-text')).toBe('');
    await agent.click('#back');
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor();
    expect(await agent.locator('#conversation').isVisible()).toBe(false);
    expect(await agent.locator('#online').getAttribute('class')).toContain('active');
    await shot(agent, 'console-phone-list');

    // Back pressed while the console still reads the conversation again after a reply (a slow network): the list
    // stays, the conversation does not come back over it when the read ends.
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.agent', { hasText: 'Try this:' }).waitFor();
    let held = 0;
    await agent.route('**/conversations/1/messages*', async (route) => {
      held++;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue().catch(() => {});
    });
    await agent.fill('#reply-text', 'One moment');
    await agent.click('#reply-form button');
    await customer.locator('.msg.agent', { hasText: 'One moment' }).waitFor();
    await expect.poll(() => held).toBeGreaterThan(0);
    const reread = agent.waitForResponse('**/conversations/1/messages*');
    await agent.click('#back');
    await reread;
    await agent.waitForTimeout(300);
    expect(await agent.locator('#conversation').isVisible()).toBe(false);
    expect(await agent.locator('#held li', { hasText: 'Layla' }).isVisible()).toBe(true);
  }), 90_000);

  it('keeps a reply longer than a message may be whole in the console, says so under the box, and sends nothing until it is short enough', () => shooting('console-too-long', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const { agent, customer } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();
    await agent.locator('#reply-text').focus();
    await agent.keyboard.insertText(`${'b'.repeat(20_000)}!`);
    expect((await agent.inputValue('#reply-text')).length).toBe(20_001);
    const line = agent.locator('#reply-too-long');
    await line.waitFor();
    expect(await line.innerText()).toBe('Your reply is 20,001 characters long; the most is 20,000. Shorten it or send it in parts.');
    expect(await agent.locator('#reply-form button').isDisabled()).toBe(true);
    await agent.keyboard.press('Enter');
    await shot(agent, 'console-too-long');
    await agent.setViewportSize({ width: 360, height: 740 });
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await agent.locator('#reply-too-long').scrollIntoViewIfNeeded();
    await shot(agent, 'console-too-long-phone');
    expect((await agent.inputValue('#reply-text')).length).toBe(20_001);
    expect(await agent.locator('#transcript .msg.agent').count()).toBe(0);
    await agent.keyboard.press('Backspace');
    expect(await line.isVisible()).toBe(false);
    await agent.keyboard.press('Enter');
    const reply = customer.locator('.msg.agent');
    await reply.waitFor();
    expect((await reply.locator('.text').innerText()).length).toBe(20_000);
  }), 90_000);

  it('keeps the transcript and the reply box in view when a field holds a long need, the need scrolling in its own few lines, on a phone too', () => shooting('console-long-need', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const agent = await (await context(1100)).newPage();
    // The console's clock runs on as a real one, and is moved on to its next looks at the conversation below.
    await agent.clock.install();
    await agent.goto(`${app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'You are online' }).waitFor();
    const customer = await (await context()).newPage();
    await startChat(customer, app.url, 'Layla');
    // The need pasted whole as a first message: 5,000 characters, the flow's Need field.
    const need = 'I was charged twice for my order 4521 and I need a refund of the second payment. '.repeat(70).slice(0, 5000);
    await send(customer, need);
    await customer.locator('.msg.bot', { hasText: 'email' }).waitFor();
    await send(customer, 'layla@example.com');
    await customer.locator('.msg.bot', { hasText: 'joined' }).waitFor();
    await send(customer, 'Are you still there?');
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'Are you still there?' }).waitFor();
    await shot(agent, 'console-long-need');

    // The whole need is there to read, in a box that scrolls.
    const value = agent.locator('#fields dd', { hasText: 'I was charged twice' });
    expect((await value.innerText()).length).toBe(need.trim().length);
    expect(await value.evaluate((dd) => dd.scrollHeight > dd.clientHeight)).toBe(true);
    // The page itself does not grow past the window, and the agent sees the customer's last words and the reply box.
    expect(await agent.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(800);
    const transcript = (await agent.locator('#transcript').boundingBox())!;
    expect(transcript.height).toBeGreaterThan(200);
    const last = (await agent.locator('#transcript .msg.contact', { hasText: 'Are you still there?' }).boundingBox())!;
    expect(last.y + last.height).toBeLessThanOrEqual(transcript.y + transcript.height);
    const box = (await agent.locator('#reply-text').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(800);

    // The console looks at the conversation again every few seconds: the agent reading down the need, and selecting the
    // customer's words to copy, keep their place and their selection (each look drew the need's box anew at its top).
    await value.evaluate((dd) => { dd.scrollTop = 60; });
    await agent.locator('#transcript .msg.contact', { hasText: 'Are you still there?' }).selectText();
    // Two looks, each its 5 s come at once (the clock moved on to it), not waited for.
    for (let look = 0; look < 2; look += 1) {
      const looked = agent.waitForResponse((response) => response.url().includes('/conversations/1/messages'));
      await agent.clock.fastForward(5_000);
      await looked;
    }
    await agent.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await value.evaluate((dd) => dd.scrollTop)).toBe(60);
    expect(await agent.evaluate(() => String(getSelection()))).toContain('Are you still there?');

    // On a phone the same: the transcript scrolls in the window, its newest words and the reply box in sight, instead
    // of a page 3,800 pixels long that opens on the pasted need.
    await agent.setViewportSize({ width: 390, height: 780 });
    await agent.click('#back');
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'Are you still there?' }).waitFor();
    await shot(agent, 'console-long-need-phone');
    expect(await agent.locator('#transcript').evaluate((element) => element.scrollHeight > element.clientHeight)).toBe(true);
    const newest = (await agent.locator('#transcript .msg.contact', { hasText: 'Are you still there?' }).boundingBox())!;
    expect(newest.y + newest.height).toBeLessThanOrEqual(780);
    expect((await agent.locator('#reply-text').boundingBox())!.y).toBeLessThan(780 - 40);
    await agent.fill('#reply-text', 'Refunded.');
    await agent.click('#reply-form button');
    await customer.locator('.msg.agent', { hasText: 'Refunded.' }).waitFor();
  }), 90_000);

  it('shows the console in Arabic, right to left, for an Arabic browser or when the agent chooses it, and keeps the choice', () => shooting('console-arabic', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    // An Arabic browser: the sign-in is in Arabic from the start; the button offers English, and the choice stays.
    const arabic = await (await context(1100, 'ar-EG')).newPage();
    await arabic.goto(`${app.url}/agent`);
    await arabic.locator('#signin').waitFor();
    expect(await arabic.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await arabic.locator('#signin h1').innerText()).toBe('لوحة الموظف في Switchboard');
    expect(await arabic.locator('#signin-button').innerText()).toBe('تسجيل الدخول');
    await shot(arabic, 'console-signin-ar');
    await arabic.locator('#signin button.lang').click();
    expect(await arabic.locator('#signin h1').innerText()).toBe('Switchboard agent console');
    await arabic.reload();
    await arabic.locator('#signin').waitFor();
    expect(await arabic.evaluate(() => document.documentElement.dir)).toBe('ltr');

    // An agent at work switches to Arabic: the console is worded again at once, its list on the right.
    const { agent } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();
    await agent.locator('#app button.lang').click();
    expect(await agent.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    expect(await agent.locator('nav h2').first().innerText()).toBe('محادثاتك');
    expect(await agent.locator('#online').innerText()).toBe('متصل');
    expect(await agent.locator('#status-now').innerText()).toBe('متصل');
    expect(await agent.locator('#close-form button').innerText()).toBe('إغلاق');
    expect(await agent.locator('#reply-text').getAttribute('placeholder')).toBe('اكتب ردك على العميل… (Shift+Enter: سطر جديد)');
    await agent.locator('#transcript .msg.bot .who', { hasText: 'البوت' }).first().waitFor();
    // The team by its Arabic title (the shipped team.yaml's), as the Arabic customers and Lina's Arabic answers name it.
    expect(await agent.locator('#queues h2').first().innerText()).toBe('قائمة انتظار الفواتير (0)');
    const list = (await agent.locator('nav').boundingBox())!;
    const open = (await agent.locator('#conversation').boundingBox())!;
    expect(list.x).toBeGreaterThan(open.x);
    await shot(agent, 'console-ar');
    await agent.setViewportSize({ width: 360, height: 740 });
    expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(agent, 'console-phone-ar');
    await agent.locator('#back').click();
    expect(await agent.locator('#back').innerText()).toBe('→ المحادثات');
    await shot(agent, 'console-phone-list-ar');
    await agent.reload();
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor();
    expect(await agent.locator('#logout').innerText()).toBe('تسجيل الخروج');
  }), 90_000);

  it('keeps what the server answered under the header when the agent switches language, said again in the new one', () => shooting('console-answer-switch', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const { agent } = await linaHoldsLayla(app, 1100);
    const result = agent.locator('#result');
    const language = agent.locator('#app button.lang');
    // Going online: the action's answer, in Arabic once she switches. Pressed again here: the line goes by itself 10 s
    // after it came, and Layla's chat on a busy machine can take longer than that (the line emptied first, so that the
    // answer awaited is this press's).
    await agent.evaluate(() => { document.getElementById('result')!.textContent = ''; });
    await agent.click('#online');
    await result.filter({ hasText: 'You are online' }).waitFor();
    await language.click();
    expect(await result.innerText()).toBe('أنت متصل الآن: ستصلك المحادثات الجديدة.');
    await language.click();
    expect(await result.innerText()).toBe('You are online: new conversations will come to you.');

    // A reply the server refuses (it would be read as a command): the refusal stays, in the language she switches to.
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();
    await agent.fill('#reply-text', '/close');
    await agent.click('#reply-form button');
    await agent.locator('#result.refused', { hasText: 'would be read as a command' }).waitFor();
    expect(await result.innerText()).toBe('a reply starting with "/" would be read as a command: use the buttons for commands');
    await language.click();
    expect(await result.innerText()).toBe('الرد الذي يبدأ بـ «/» يُقرأ أمرًا: استخدم الأزرار للأوامر.');
    expect(await result.evaluate((element) => [element.className, getComputedStyle(element).direction])).toEqual(['refused', 'rtl']);
    await shot(agent, 'console-answer-switched-ar');
    await language.click();
    expect(await result.innerText()).toBe('a reply starting with "/" would be read as a command: use the buttons for commands');
    expect(await agent.locator('#reply-text').inputValue()).toBe('/close');
    await shot(agent, 'console-answer-switched-en');
  }), 90_000);

  it('keeps saying what the agent\'s own close did when a look at the list fetched before it answers after it', () => shooting('console-close-race', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const { agent, customer } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();

    // The next look at the list is fetched now (Layla still Lina's) and answered only once the close is on its way.
    let closeSent!: () => void;
    const closing = new Promise<void>((resolve) => { closeSent = resolve; });
    let caught!: () => void;
    const stale = new Promise<void>((resolve) => { caught = resolve; });
    let trapped = false;
    await agent.route('**/agent/api/state', async (route) => {
      if (trapped) return route.continue();
      trapped = true;
      const response = await route.fetch();
      caught();
      await closing;
      await route.fulfill({ response });
    });
    await agent.route('**/agent/api/act', async (route) => {
      closeSent();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await send(customer, 'Thank you!');
    await stale;
    // Shown before the close (the transcript is looked at every few seconds as well): a close on words the screen
    // never showed is refused, as the next test shows.
    await agent.locator('#transcript .msg.contact', { hasText: 'Thank you!' }).waitFor({ timeout: 10_000 });

    // Every text the line shows from now, with when: the console clears an action's line itself 10 s after showing
    // it, and on a loaded machine the list may take longer than that to let Layla go.
    await agent.evaluate(() => {
      const line = document.querySelector('#result') as HTMLElement;
      const shown: { text: string; at: number }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      new MutationObserver(() => shown.push({ text: line.textContent ?? '', at: performance.now() })).observe(line, { childList: true, characterData: true, subtree: true });
    });
    await agent.fill('#close-note', 'Your refund is on its way.');
    await agent.click('#close-form button');
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ state: 'detached' });
    const shown = await agent.evaluate(() => (window as unknown as { shown: { text: string; at: number }[] }).shown);
    // The close's line is the last one said, nothing (the stale look at the list) took it away: at most its own
    // clearing, 10 s on.
    const closed = shown.map((each) => each.text !== '').lastIndexOf(true);
    expect(shown[closed]?.text).toBe('Closed #1 (Your refund is on its way.)');
    for (const after of shown.slice(closed + 1)) expect(after.at - shown[closed]!.at).toBeGreaterThanOrEqual(9_900);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed' });
    await shot(agent, 'console-close-race');
  }), 90_000);

  it('refuses an agent\'s close on words of the customer the console never showed, and closes once they are shown', () => shooting('console-close-unseen', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const { agent, customer } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();

    // From now the console's looks at the transcript hang (a slow network), until let go.
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => { letGo = resolve; });
    await agent.route('**/agent/api/conversations/1/messages*', async (route) => {
      await released;
      await route.continue();
    });
    await send(customer, 'wait, one more thing');
    await expect.poll(async () => (await app.store.messagesOfConversation(1)).some((message) => message.text === 'wait, one more thing')).toBe(true);

    await agent.click('#close-form button');
    await agent.locator('#result', { hasText: 'Layla wrote in #1 since your screen last showed it: "wait, one more thing". Nothing was closed: read it, then close again.' }).waitFor();
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'lina' });
    expect(await agent.locator('#held li', { hasText: 'Layla' }).count()).toBe(1);
    await shot(agent, 'console-close-unseen');

    letGo();
    await agent.locator('#transcript .msg.contact', { hasText: 'wait, one more thing' }).waitFor({ timeout: 10_000 });
    await agent.click('#close-form button');
    await agent.locator('#result', { hasText: 'Closed #1.' }).waitFor();
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'lina' });
  }), 90_000);

  it('shows Layla the agent\'s close before what she wrote as it closed, when her page heard of the close only after her message was taken', () => shooting('close-then-write', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    // Layla's event stream can be held back (a slow mobile network, a proxy that buffers): what it carries waits until let go.
    const { agent, customer } = await linaHoldsLayla(app, 1100, () => {
      const fetched = window.fetch.bind(window);
      window.fetch = async (...args: Parameters<typeof fetch>) => {
        const res = await fetched(...args);
        if (!String(args[0]).includes('/events') || !res.body) return res;
        const held = (window as unknown as { holdEvents?: boolean });
        const body = res.body.pipeThrough(new TransformStream({
          async transform(chunk, controller) {
            while (held.holdEvents) await new Promise((resolve) => setTimeout(resolve, 50));
            controller.enqueue(chunk);
          },
        }));
        return new Response(body, { status: res.status, headers: res.headers });
      };
    });
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();

    await customer.evaluate(() => { (window as unknown as { holdEvents?: boolean }).holdEvents = true; });
    await agent.click('#close-form button');
    await agent.locator('#result', { hasText: 'Closed #1.' }).waitFor();
    // She writes as it closes: her message is taken (it opens her next conversation) before her page hears of the close.
    const taken = customer.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/messages') && res.status() === 202);
    await send(customer, 'wait, one more thing');
    await taken;
    await customer.evaluate(() => { (window as unknown as { holdEvents?: boolean }).holdEvents = false; });

    await customer.locator('.msg.bot', { hasText: 'Hi Layla!' }).nth(1).waitFor();
    const shown = await customer.locator('#log > .msg, #log > .separator').evaluateAll((all) =>
      all.map((element) => (element.classList.contains('separator') ? `-- ${element.textContent} --` : element.querySelector('.text')?.textContent ?? '')));
    const closed = shown.indexOf('This conversation is now closed. Write to us any time.');
    expect(closed).toBeGreaterThan(0);
    expect(shown.slice(closed, closed + 4)).toEqual([
      'This conversation is now closed. Write to us any time.',
      '-- New conversation --',
      'wait, one more thing',
      'Hi Layla! Thanks for getting in touch.',
    ]);
    await shot(customer, 'close-then-write');
  }), 90_000);

  it('words what the server answers in an Arabic console in Arabic: going online, a refused close quoting the customer, the close', () => shooting('console-answers-ar', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const isolated = (text: string) => `\u2068${text}\u2069`;
    // Lina's browser is Arabic: so is her console, and so are the server's answers in it.
    const agent = await (await context(1100, 'ar-EG')).newPage();
    await agent.goto(`${app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'أنت متصل الآن: ستصلك المحادثات الجديدة.' }).waitFor();
    const customer = await (await context()).newPage();
    await startChat(customer, app.url, 'ليلى');
    for (const [text, next] of [['hello', 'email'], ['layla@example.com', 'How can we help'], ['I was charged twice', 'joined']] as const) {
      await send(customer, text);
      await customer.locator('.msg.bot', { hasText: next }).waitFor();
    }
    await agent.locator('#held li', { hasText: 'ليلى' }).click();
    await agent.locator('#transcript .msg.contact', { hasText: 'I was charged twice' }).waitFor();

    // Her next words stay unseen (the console's looks at the transcript hang): the close is refused, in Arabic.
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => { letGo = resolve; });
    await agent.route('**/agent/api/conversations/1/messages*', async (route) => {
      await released;
      await route.continue();
    });
    await send(customer, 'wait, one more thing');
    await expect.poll(async () => (await app.store.messagesOfConversation(1)).some((message) => message.text === 'wait, one more thing')).toBe(true);
    await agent.click('#close-form button');
    await agent.locator('#result.refused', { hasText: 'وصلت رسالة من' }).waitFor();
    expect(await agent.locator('#result').innerText()).toBe(
      `وصلت رسالة من ${isolated('ليلى')} في المحادثة #1 منذ آخر تحديث لشاشتك: «${isolated('wait, one more thing')}». لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
    );
    expect(await agent.locator('#result').evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
    await shot(agent, 'console-answers-ar-refused');

    letGo();
    await agent.locator('#transcript .msg.contact', { hasText: 'wait, one more thing' }).waitFor({ timeout: 10_000 });
    await agent.fill('#close-note', 'Your refund is on its way.');
    await agent.click('#close-form button');
    await agent.locator('#result', { hasText: 'أُغلقت المحادثة #1' }).waitFor();
    expect(await agent.locator('#result').innerText()).toBe(`أُغلقت المحادثة #1 (${isolated('Your refund is on its way.')})`);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'lina' });
    await shot(agent, 'console-answers-ar-closed');
  }), 90_000);

  it('shows an Arabic console the fields under the flow\'s Arabic labels, the first message once, and the route\'s Arabic title with its intent under the pointer', () => shooting('console-labels-ar', async () => {
    const app = await start(await shippedDataDir());
    running.push(app);
    const agent = await (await context(1100, 'ar-EG')).newPage();
    await agent.goto(`${app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'أنت متصل الآن' }).waitFor();
    // Layla opens with what she needs: the flow copies it into the need, and only asks her email.
    const customer = await (await context()).newPage();
    await startChat(customer, app.url, 'ليلى');
    const need = 'I was charged twice for my subscription';
    await send(customer, need);
    await customer.locator('.msg.bot', { hasText: 'email' }).waitFor();
    await send(customer, 'layla@example.com');
    await customer.locator('.msg.bot', { hasText: 'joined' }).waitFor();
    expect(await app.store.conversation(1)).toMatchObject({ intent: 'billing', fields: { first_message: need, need } });

    await agent.locator('#held li', { hasText: 'ليلى' }).click();
    await agent.locator('#fields dt').first().waitFor();
    expect(await agent.locator('#fields dt').allInnerTexts()).toEqual(['البريد الإلكتروني', 'الطلب']);
    expect(await agent.locator('#fields dd').allInnerTexts()).toEqual(['layla@example.com', need]);
    // The team's Arabic title is the route's: said once, with the intent under the pointer.
    expect(await agent.locator('#title').innerText()).toBe('#1 · ليلى · الفواتير · دردشة الموقع');
    expect(await agent.locator('#title bdi[title="billing"]').innerText()).toBe('الفواتير');
    // Right to left: each label at the right, its value to its left.
    const label = (await agent.locator('#fields dt').first().boundingBox())!;
    const value = (await agent.locator('#fields dd').first().boundingBox())!;
    expect(label.x).toBeGreaterThan(value.x);
    await shot(agent, 'console-labels-ar');

    // The list's preview of her last words, after the route's Arabic title: an English question keeps its question
    // mark at its end, on the right ("?Are you still there" before).
    await send(customer, 'Are you still there?');
    const excerpt = agent.locator('#held li .excerpt', { hasText: 'Are you still there?' });
    await excerpt.waitFor();
    expect(await excerpt.innerText()).toBe('الفواتير · Are you still there?');
    // Measured once the preview is laid out: each customer message while an agent holds the conversation also changes
    // the conversation, and the list drawn again for it can replace the element being measured (0, 0 then).
    const measure = () => excerpt.evaluate((element) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      let node = walker.nextNode();
      while (node && !node.textContent?.includes('Are you')) node = walker.nextNode();
      const text = node!.textContent!;
      const x = (offset: number) => {
        const range = document.createRange();
        range.setStart(node!, offset);
        range.setEnd(node!, offset + 1);
        return range.getBoundingClientRect().x;
      };
      return [x(text.indexOf('Are you')), x(text.indexOf('?'))];
    });
    await expect.poll(async () => (await measure())[0], { timeout: 10_000 }).toBeGreaterThan(0);
    const [first, mark] = await measure();
    expect(mark).toBeGreaterThan(first!);
    await shot(agent, 'console-excerpt-ar');

    // In English: the English labels; the title says no more than the team, so the header says it once.
    await agent.locator('#app button.lang').click();
    await expect.poll(() => agent.locator('#fields dt').allInnerTexts()).toEqual(['Email', 'Need']);
    expect(await agent.locator('#title').innerText()).toBe('#1 · ليلى · Billing · Web chat');
    await expect.poll(() => agent.locator('#held li .excerpt').innerText()).toBe('Are you still there?');
    await shot(agent, 'console-labels-en');
  }), 90_000);

  it('tells an agent in the console when someone else closed or moved a conversation they held', () => shooting('console-moved', async () => {
    const adminToken = 'browser-admin-token-0123456789abcdef';
    const app = await start(await shippedDataDir(), { adminToken });
    running.push(app);
    const { agent } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ timeout: 10_000 });

    // An admin moves it to another team: it leaves Lina's list, and the console says who and where.
    const moved = await fetch(`${app.url}/api/conversations/1/transfer`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'x-admin-name': 'Nadia', 'content-type': 'application/json' }, body: JSON.stringify({ team: 'Support' }) });
    expect(moved.status).toBe(200);
    await agent.locator('#result', { hasText: '#1 was moved to Support by Nadia.' }).waitFor({ timeout: 20_000 });
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ state: 'detached' });
    await shot(agent, 'console-moved');
  }), 90_000);

  it('tells an agent in an Arabic console, in Arabic, when an admin moved a conversation they held', () => shooting('console-moved-ar', async () => {
    const adminToken = 'browser-admin-token-0123456789abcdef';
    const app = await start(await shippedDataDir(), { adminToken });
    running.push(app);
    const { agent } = await linaHoldsLayla(app, 1100);
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ timeout: 10_000 });
    await agent.locator('#app button.lang').click();
    expect(await agent.evaluate(() => document.documentElement.dir)).toBe('rtl');

    const moved = await fetch(`${app.url}/api/conversations/1/transfer`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'x-admin-name': encodeURIComponent('نادية'), 'content-type': 'application/json' }, body: JSON.stringify({ team: 'Support' }) });
    expect(moved.status).toBe(200);
    await agent.locator('#result', { hasText: 'نُقلت المحادثة #1' }).waitFor({ timeout: 20_000 });
    expect(await agent.locator('#result').innerText()).toBe('نُقلت المحادثة #1 إلى فريق \u2068الدعم الفني\u2069 بواسطة \u2068نادية\u2069.');
    await agent.locator('#held li', { hasText: 'Layla' }).waitFor({ state: 'detached' });
    await shot(agent, 'console-moved-ar');
  }), 90_000);

  it('shows Dana the message an agent\'s correction answers, quoted on one line above it', () => shooting('correction-quote', async () => {
    const { app, api } = await telegram.setUp({ webhook: true });
    let update = 1;
    const fromOmar = (text: string, id = 5000 + update) => ({ update_id: update++, message: { message_id: id, date: 1763950000, chat: { id: OMAR, type: 'private', first_name: 'Omar' }, from: { id: OMAR, is_bot: false, first_name: 'Omar' }, text } });
    await toTelegram(app, fromOmar('/online'));
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    const dana = await (await context(420)).newPage();
    await startChat(dana, app.url, 'Dana');
    await send(dana, 'How much is my refund?');
    await dana.locator('.choices button', { hasText: 'Billing' }).click();
    await eventually(() => api.sentTo(OMAR).some((t) => t.startsWith('#1')));
    const long = 'Your refund is 50 EUR, and it reaches your card within five working days of today';
    const reply = fromOmar(long);
    expect(await toTelegram(app, reply)).toBe(200);
    await dana.locator('.msg.agent', { hasText: 'five working days' }).waitFor();
    expect(await toTelegram(app, { update_id: update++, edited_message: { ...reply.message, text: 'Your refund is 15 EUR', edit_date: 1763950030 } })).toBe(200);

    const correction = dana.locator('.msg.agent', { hasText: 'Correction: Your refund is 15 EUR' });
    await correction.waitFor();
    // Above the correction, on one line: the start of the message it corrects, cut with … as the server quoted it.
    const quote = correction.locator('.quote');
    expect(await quote.textContent()).toBe('"Your refund is 50 EUR, and it reaches your card within five…"');
    expect(await correction.locator('.text').textContent()).toBe('Correction: Your refund is 15 EUR');
    const [quoteBox, textBox] = [(await quote.boundingBox())!, (await correction.locator('.text').boundingBox())!];
    expect(quoteBox.y + quoteBox.height).toBeLessThanOrEqual(textBox.y);
    expect(quoteBox.height).toBeLessThan(24);
    // Omar's first message itself quotes nothing.
    expect(await dana.locator('.msg.agent', { hasText: 'five working days' }).first().locator('.quote').count()).toBe(0);
    await shot(dana, 'correction-quote');
  }), 90_000);

  it('lets an agent in the console Reply on one customer message: quoted above the box, cancellable, sent as a reply to it on WhatsApp, in English and Arabic', () => shooting('console-reply-to', async () => {
    const assign = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assign }, team });
    telegram.stopAfterTest(cloud);
    const LAYLA = '966501234567';
    const fromLayla = async (body: string) => {
      const message = cloudText(body, { from: LAYLA });
      expect((await cloud.post(messagesBody([message], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
      return message.id as string;
    };
    const agent = await (await context(1000)).newPage();
    await agent.goto(`${cloud.app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result', { hasText: 'You are online' }).waitFor();
    const refund = await fromLayla('When will my refund arrive?');
    await fromLayla('Can I change my address?');
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    const first = agent.locator('.msg.contact', { hasText: 'When will my refund arrive?' });
    await agent.locator('.msg.contact', { hasText: 'Can I change my address?' }).waitFor();

    // Reply on her first message: it is quoted above the box, named after her; the box takes the answer.
    await first.locator('button.reply-to').click();
    expect(await agent.locator('#answering').isVisible()).toBe(true);
    expect(await agent.locator('#answering-who').textContent()).toBe('Replying to \u2068Layla\u2069');
    expect(await agent.locator('#answering .quote').textContent()).toBe('When will my refund arrive?');
    await agent.fill('#reply-text', 'It left our bank yesterday.');
    await shot(agent, 'console-reply-to');
    await agent.press('#reply-text', 'Enter');

    await eventually(() => cloud.graph.saidTo(LAYLA).includes('It left our bank yesterday.'));
    expect(cloud.graph.sentTo(LAYLA).at(-1)).toMatchObject({ type: 'text', text: { body: 'It left our bank yesterday.' }, context: { message_id: refund } });
    // Sent: the box answers nobody in particular any more, and the answer shows what it answers.
    const answer = agent.locator('.msg.agent', { hasText: 'It left our bank yesterday.' });
    await answer.waitFor();
    expect(await agent.locator('#answering').isHidden()).toBe(true);
    expect(await answer.locator('.quote').textContent()).toBe('"When will my refund arrive?"');
    await shot(agent, 'console-reply-to-sent');

    // In Arabic, right to left: the same, in her words; cancelled, the next reply goes plain.
    await agent.locator('#app > header button.lang').click();
    await agent.locator('.msg.contact', { hasText: 'Can I change my address?' }).locator('button.reply-to', { hasText: 'رد' }).click();
    expect(await agent.locator('#answering-who').textContent()).toBe('ردًا على \u2068Layla\u2069');
    expect(await agent.locator('#answering-cancel').getAttribute('aria-label')).toBe('إلغاء الرد');
    await shot(agent, 'console-reply-to-ar');
    await agent.click('#answering-cancel');
    expect(await agent.locator('#answering').isHidden()).toBe(true);
    await agent.fill('#reply-text', 'Yes: send me the new one.');
    await agent.press('#reply-text', 'Enter');
    await eventually(() => cloud.graph.saidTo(LAYLA).includes('Yes: send me the new one.'));
    expect(cloud.graph.sentTo(LAYLA).at(-1)).not.toHaveProperty('context');
  }), 90_000);
  it('says under a reply in the console, in English and Arabic, that it has not gone yet while WhatsApp is down, and takes it back once it went; a reply refused says it did not reach the customer, with Send again (refused while nothing reaches her, else sent once)', () => shooting('console-not-sent-yet', async () => {
    const assign = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assign }, team, outbox: { retryDelaysMs: [50, 200] } });
    telegram.stopAfterTest(cloud);
    const LAYLA = '966501234567';
    const agent = await (await context(1000)).newPage();
    await agent.goto(`${cloud.app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result:not(:empty)').waitFor();
    expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('.msg.contact', { hasText: 'Is my order on its way?' }).waitFor();

    // WhatsApp's API is down: Lina's answer waits, and her console says so under it, live.
    cloud.graph.fail(1_000_000, { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'AbCdEf' } } });
    await agent.fill('#reply-text', 'Yes, it left yesterday.');
    await agent.press('#reply-text', 'Enter');
    const answer = agent.locator('.msg.agent', { hasText: 'Yes, it left yesterday.' });
    const waiting = answer.locator('.undelivered.waiting');
    await waiting.waitFor({ timeout: 30_000 });
    expect(await waiting.textContent()).toBe('Not sent yet: the channel said "Service temporarily unavailable (#2)". It is sent again by itself; this changes once it goes.');
    expect(await answer.locator('.mark').getAttribute('title')).toBe('not sent yet');
    await shot(agent, 'console-not-sent-yet');
    await agent.locator('#app > header button.lang').click();
    await expect.poll(() => waiting.textContent(), { timeout: 30_000 }).toBe('لم تُرسل بعد: قالت القناة «\u2068Service temporarily unavailable (#2)\u2069». يُعاد إرسالها تلقائيًا، ويتغيّر هذا حين تُرسل.');
    await shot(agent, 'console-not-sent-yet-ar');

    // Back: it goes, and the console takes the words back by itself.
    cloud.graph.recover();
    await eventually(() => cloud.graph.saidTo(LAYLA).includes('Yes, it left yesterday.'), 30_000);
    await answer.locator('.mark.sent').waitFor({ timeout: 30_000 });
    expect(await answer.locator('.undelivered').count()).toBe(0);

    // Refused for good: said under it, in her language.
    cloud.graph.fail(1, metaError(400, 131026, 'Message Undeliverable.'));
    await agent.fill('#reply-text', 'Hello?');
    await agent.press('#reply-text', 'Enter');
    const refused = agent.locator('.msg.agent', { hasText: 'Hello?' }).locator('.undelivered.failed');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toBe('لم تصل إلى العميل: لا يستطيع تطبيق العميل استلامها؛ ربما لا يستخدم رقمُه التطبيق، أو يحتاج تطبيقه إلى تحديث');
    await shot(agent, 'console-did-not-reach-ar');

    // While nothing reaches her, no Send again to press only to be refused: why, beside the reply, in her language.
    const hello = agent.locator('.msg.agent', { hasText: 'Hello?' });
    await expect.poll(() => hello.locator('.not-again').textContent(), { timeout: 30_000 }).toBe('لا تُتاح إعادة الإرسال: لن تصل إليه نسخة منه أيضًا. وحين يكتب من جديد يمكن إرساله.');
    expect(await hello.locator('button.send-again').count()).toBe(0);
    await shot(agent, 'console-not-again-ar');
    await agent.locator('#app > header button.lang').click();
    await expect.poll(() => hello.locator('.not-again').textContent(), { timeout: 30_000 }).toBe('Send again is not offered: a copy would not reach them either. Once they write again, it can be sent.');
    await agent.locator('#app > header button.lang').click();
    await expect.poll(() => hello.locator('.not-again').textContent(), { timeout: 30_000 }).toContain('لا تُتاح إعادة الإرسال');
    // Asked anyway (a tab from before): refused, saying why, and nothing asked of WhatsApp.
    const calls = cloud.graph.calls.length;
    const helloId = (await cloud.app.store.messagesOfConversation(1)).find((message) => message.text === 'Hello?')!.id;
    const refusedAgain = await agent.evaluate(async (id) => {
      const res = await fetch(`/agent/api/conversations/1/messages/${id}/again`, { method: 'POST', headers: { 'accept-language': 'ar' } });
      return { status: res.status, body: await res.json() as { error?: string } };
    }, helloId);
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.body.error).toContain('لم يُعَد الإرسال: لا يستطيع تطبيق العميل استلامها');
    expect(cloud.graph.calls.length).toBe(calls);

    // A reply refused for a reason that may not last: Send again sends it, once however often it is pressed.
    cloud.graph.fail(1, metaError(400, 135000, 'Generic user error'));
    await agent.fill('#reply-text', 'It arrives on Monday.');
    await agent.press('#reply-text', 'Enter');
    const monday = agent.locator('.msg.agent', { hasText: 'It arrives on Monday.' }).first();
    await monday.locator('.undelivered.failed').waitFor({ timeout: 30_000 });
    await monday.locator('button.send-again').click();
    await expect.poll(() => agent.locator('#result').textContent(), { timeout: 30_000 }).toBe('المحادثة #1: أُعيد الإرسال.');
    await eventually(() => cloud.graph.saidTo(LAYLA).includes('It arrives on Monday.'), 30_000);
    await agent.locator('.msg.agent', { hasText: 'It arrives on Monday.' }).nth(1).locator('.mark.sent').waitFor({ timeout: 30_000 });
    // Its copy is below it: no Send again on it any more, and the server refuses one (a second tab's, say), saying so.
    await monday.locator('button.send-again').waitFor({ state: 'detached', timeout: 30_000 });
    const failedId = (await cloud.app.store.messagesOfConversation(1)).find((message) => message.text === 'It arrives on Monday.' && message.status === 'failed')!.id;
    const second = await agent.evaluate(async (id) => {
      const res = await fetch(`/agent/api/conversations/1/messages/${id}/again`, { method: 'POST', headers: { 'accept-language': 'ar' } });
      return { status: res.status, body: await res.json() as { message?: string; error?: string } };
    }, failedId);
    expect(second.status).toBe(409);
    expect(JSON.stringify(second.body)).toContain('أُعيد إرسال هذا الرد من قبل');
    await cloudSettled(cloud);
    expect(cloud.graph.saidTo(LAYLA).filter((said) => said === 'It arrives on Monday.')).toHaveLength(1);
    await shot(agent, 'console-sent-again-ar');
  }), 120_000);
  it('says in an Arabic console why a reply was not delivered, in Arabic when WhatsApp\'s code says (a rate limit, a person it cannot deliver to), else quoting WhatsApp\'s words', () => shooting('console-not-delivered-ar', async () => {
    const assign = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': assign }, team });
    telegram.stopAfterTest(cloud);
    const LAYLA = '966501234567';
    const agent = await (await context(1000, 'ar')).newPage();
    await agent.goto(`${cloud.app.url}/agent`);
    await agent.fill('#token', agentToken('agent-lina'));
    await agent.click('#signin-button');
    await agent.click('#online');
    await agent.locator('#result:not(:empty)').waitFor();
    expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await agent.locator('#held li', { hasText: 'Layla' }).click();
    await agent.locator('.msg.contact', { hasText: 'Is my order on its way?' }).waitFor();

    /** Lina answers `said`, and WhatsApp reports it failed with `error`: what the console says on its mark. */
    const failAs = async (said: string, error: Record<string, unknown>) => {
      await agent.fill('#reply-text', said);
      await agent.press('#reply-text', 'Enter');
      await eventually(() => cloud.graph.saidTo(LAYLA).includes(said));
      const failed = cloudFixture('statuses');
      const status = failed.entry[0].changes[0].value.statuses[1];
      failed.entry[0].changes[0].value.statuses = [{ ...status, id: cloud.graph.sent.filter((sent) => sent.body.to === LAYLA).at(-1)!.id, recipient_id: LAYLA, errors: [error] }];
      expect((await cloud.post(failed)).status).toBe(200);
      const mark = agent.locator('.msg.agent', { hasText: said }).locator('.mark.failed');
      await mark.waitFor();
      return mark.getAttribute('title');
    };
    expect(await failAs('Yes, it left yesterday.', { code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit', message: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' }))
      .toBe('لم تُسلَّم: أُرسلت رسائل كثيرة في وقت قصير فرفض تطبيق العميل المزيد مؤقتًا؛ أعد إرسالها بعد بضع دقائق');
    // WhatsApp's commonest failure, a person it cannot deliver to: in her words, where it was WhatsApp's English.
    expect(await failAs('Hello?', { code: 131026, title: 'Message undeliverable', message: 'Message Undeliverable.' }))
      .toBe('لم تُسلَّم: لا يستطيع تطبيق العميل استلامها؛ ربما لا يستخدم رقمُه التطبيق، أو يحتاج تطبيقه إلى تحديث');
    await agent.locator('.msg.agent', { hasText: 'Hello?' }).locator('.mark.failed').hover();
    await shot(agent, 'console-not-delivered-ar');
    // A code nothing better is known of: WhatsApp's words, quoted.
    expect(await failAs('Are you there?', { code: 135000, title: 'Generic user error', message: 'Message failed to send because of an unknown error with your request parameters.' }))
      .toBe('لم تُسلَّم: «\u2068Generic user error: Message failed to send because of an unknown error with your request parameters. (#135000)\u2069»');

    // The console's API gives what the failure is known to mean beside WhatsApp's words, which stay as they were said.
    const transcript = await agent.evaluate(async () => {
      const state = await (await fetch('/agent/api/state')).json() as { held: { id: number }[] };
      return (await (await fetch(`/agent/api/conversations/${state.held[0]!.id}/messages`)).json()) as { messages: { text: string; status?: string; error?: string; failure?: string }[] };
    });
    expect(transcript.messages.filter((message) => message.status === 'failed').map(({ text, error, failure }) => ({ text, error, failure }))).toEqual([
      { text: 'Yes, it left yesterday.', error: '(Business Account, Consumer Account) pair rate limit hit: Too many messages sent from the sender phone number to the same recipient phone number in a short period of time. (#131056)', failure: 'rateLimited' },
      { text: 'Hello?', error: 'Message undeliverable: Message Undeliverable. (#131026)', failure: 'cannotReceive' },
      { text: 'Are you there?', error: 'Generic user error: Message failed to send because of an unknown error with your request parameters. (#135000)', failure: undefined },
    ]);
  }), 90_000);
});
