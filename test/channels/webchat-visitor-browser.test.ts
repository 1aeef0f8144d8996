// One browser is one web chat visitor, in a real browser (Debian's Chromium driven by playwright-core): every tab of it
// shows the same conversation (also one opened by typing the address), the visitor is still there after the browser
// is closed and opened again, until they choose New visitor (which every tab follows), the page picks the chat up
// again after a server restart, and starts cleanly when the server no longer knows its session; the token is in no
// address the page asks for. One tab holds the visitor's event stream and tells the others, so any number of tabs
// shows every message; what is written in a tab is not lost. Skipped, saying so, where Chromium is not installed. A failing test leaves screenshots
// in /tmp/switchboard-visitor-*.png.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, freePort, start } from '../helpers.ts';
import { webchatHarness } from './webchat-harness.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? 'a web chat visitor across tabs, reloads and restarts, in Chromium'
  : `a web chat visitor across tabs, reloads and restarts, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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

let browser: Browser;
const contexts: BrowserContext[] = [];
const running: Switchboard[] = [];
const profiles: string[] = [];

async function context(): Promise<BrowserContext> {
  const made = await browser.newContext({ viewport: { width: 600, height: 800 } });
  contexts.push(made);
  return made;
}

/** A browser of its own over a profile folder, as a visitor's browser keeps its data between runs. */
async function persistentBrowser(profile: string): Promise<BrowserContext> {
  const made = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 600, height: 800 } });
  contexts.push(made);
  return made;
}

/** Runs a test body; if it fails, every open page is saved to /tmp/switchboard-visitor-<name>-failed-<n>.png first. */
async function shooting(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const pages = contexts.flatMap((each) => each.pages());
    await Promise.all(pages.map((page, n) => page.screenshot({ path: `/tmp/switchboard-visitor-${name}-failed-${n}.png`, fullPage: true }).catch(() => undefined)));
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

/** The texts of the bubbles the page shows, in order. */
function bubbles(page: Page): Promise<string[]> {
  return page.locator('.msg .text').allInnerTexts();
}

describe.skipIf(!hasChromium)(title, () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((each) => each.close()));
    for (const app of running.splice(0)) await app.stop();
    await Promise.all(profiles.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    await cleanupDirs();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the same visitor in a tab opened by typing the address: the conversation is there, and what is said in one tab shows in the other', () => shooting('tabs', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    const tabs = await context();
    const addresses: string[] = [];
    tabs.on('request', (request) => void addresses.push(request.url()));
    const first = await tabs.newPage();
    await startChat(first, app.url, 'Layla');
    await send(first, 'hello from the first tab');
    await first.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    // A new tab, the address typed: no name asked, the conversation as the first tab has it.
    const second = await tabs.newPage();
    await second.goto(app.url);
    await second.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    expect(await second.locator('#hello').isHidden()).toBe(true);
    expect(await bubbles(second)).toEqual(await bubbles(first));

    // Answered in the second tab, shown in both, once; the bot's answer too.
    await send(second, 'Sales');
    for (const tab of [first, second]) {
      await tab.locator('.msg.bot', { hasText: 'Routing you to sales.' }).waitFor();
      expect((await bubbles(tab)).filter((text) => text === 'Sales')).toHaveLength(1);
    }
    // And the other way.
    await send(first, 'thanks');
    await second.locator('.msg.contact[data-id]', { hasText: 'thanks' }).waitFor();
    // The bot answers "thanks" (a new conversation: its greeting and question); each tab shows it once it comes, not
    // both at the same moment.
    await expect.poll(() => first.locator('.msg.bot', { hasText: 'Which team?' }).count()).toBe(2);
    await expect.poll(() => bubbles(second)).toEqual(await bubbles(first));

    // One contact, one conversation.
    expect((await app.store.contacts()).map((contact) => contact.name)).toEqual(['Layla']);
    // A reload is the same visitor too.
    await second.reload();
    await second.locator('.msg.contact[data-id]', { hasText: 'thanks' }).waitFor();
    expect(await second.locator('#hello').isHidden()).toBe(true);
    // The token is in no address: not the page's, nor any its tabs asked for (the event streams' included), which a
    // proxy's log would keep.
    const { token } = await second.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { token: string });
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second.url()).not.toContain(token);
    expect(addresses.filter((address) => address.includes('/events'))).not.toEqual([]);
    expect(addresses.filter((address) => address.includes(token))).toEqual([]);
    await first.screenshot({ path: '/tmp/switchboard-visitor-tab-1.png' });
    await second.screenshot({ path: '/tmp/switchboard-visitor-tab-2.png' });
  }), 60_000);

  it('shows every message in each of seven tabs though the server lets a visitor hold two event streams: one tab holds the stream for all, another takes it when that one closes', () => shooting('many-tabs', async () => {
    const chat = await webchatHarness({ openSessions: false, limits: { streamsPerSession: 2 } });
    try {
      const tabs = await context();
      let streams = 0;
      tabs.on('request', (request) => { if (request.url().includes('/events')) streams++; });
      tabs.on('requestfinished', (request) => { if (request.url().includes('/events')) streams--; });
      tabs.on('requestfailed', (request) => { if (request.url().includes('/events')) streams--; });
      const pages = [await tabs.newPage()];
      await startChat(pages[0]!, chat.url, 'Layla');
      await pages[0]!.locator('#status:empty').waitFor();
      for (let n = 1; n < 7; n++) {
        pages.push(await tabs.newPage());
        await pages[n]!.goto(chat.url);
        await pages[n]!.locator('#text').waitFor();
      }
      const [session] = [...chat.sessions.keys()];
      await chat.say(session!, 'agent', 'Hello Layla, how can I help?');
      for (const page of pages) {
        await page.locator('.msg.agent', { hasText: 'Hello Layla' }).waitFor();
        expect(await page.locator('#status').innerText()).toBe('');
      }
      // One stream for the seven tabs: the server's limit still stands for anyone else (a second stream, then no more).
      expect(streams).toBe(1);
      const { token } = await pages[0]!.evaluate(() => JSON.parse(localStorage.getItem('switchboard.chat') ?? '{}') as { token: string });
      const raw = [0, 1].map(() => new AbortController());
      const answers = await Promise.all(raw.map((controller) => fetch(`${chat.url}/webchat/${session}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 429]);
      for (const controller of raw) controller.abort();

      // What is written in a tab shows in all of them, once.
      await send(pages[4]!, 'my order is late');
      for (const page of pages) await page.locator('.msg.contact[data-id]', { hasText: 'my order is late' }).waitFor();

      // The tab holding the stream closes: another takes it, and every tab left still shows what comes.
      await pages[0]!.close();
      await chat.say(session!, 'agent', 'Let me look at it');
      for (const page of pages.slice(1)) {
        await page.locator('.msg.agent', { hasText: 'Let me look at it' }).waitFor({ timeout: 10_000 });
        expect((await bubbles(page)).filter((text) => text === 'my order is late')).toHaveLength(1);
      }
      await pages[3]!.screenshot({ path: '/tmp/switchboard-visitor-many-tabs.png' });
    } finally {
      await chat.stop();
    }
  }), 90_000);

  it('shows every message in the other tabs while the tab holding the stream is stopped (frozen, not closed), and in that tab once it runs again', () => shooting('frozen', async () => {
    // The other tab takes the stream after 5 s without a word from its holder, standing for the shipped 30 s.
    const chat = await webchatHarness({ openSessions: false, pages: { tabSilenceMs: 5_000 } });
    try {
      const tabs = await context();
      const [first, second] = [await tabs.newPage(), await tabs.newPage()];
      await startChat(first, chat.url, 'Layla');
      await first.locator('#status:empty').waitFor();
      await second.goto(chat.url);
      await second.locator('#text').waitFor();
      const [session] = [...chat.sessions.keys()];
      await chat.say(session!, 'agent', 'Hello Layla, how can I help?');
      for (const page of [first, second]) await page.locator('.msg.agent', { hasText: 'Hello Layla' }).waitFor();

      // The first tab, which holds the stream, stops running without closing, as a tab the browser froze (hidden a
      // while, or to save power). Its script is paused in the debugger: this Chromium, headless, leaves a visible page
      // running when told Page.setWebLifecycleState frozen (no freeze event, its timers go on).
      const debug = await tabs.newCDPSession(first);
      await debug.send('Debugger.enable');
      await debug.send('Debugger.pause');
      await chat.say(session!, 'agent', 'Your order ships tomorrow');
      await second.locator('.msg.agent', { hasText: 'Your order ships tomorrow' }).waitFor({ timeout: 20_000 });
      await send(second, 'thank you');
      await second.locator('.msg.contact[data-id]', { hasText: 'thank you' }).waitFor({ timeout: 10_000 });

      // Back: the first tab shows what came meanwhile, once.
      await debug.send('Debugger.resume');
      await first.locator('.msg.contact[data-id]', { hasText: 'thank you' }).waitFor({ timeout: 10_000 });
      for (const page of [first, second]) expect(await bubbles(page)).toEqual(['Hello Layla, how can I help?', 'Your order ships tomorrow', 'thank you']);
      await chat.say(session!, 'agent', 'You are welcome');
      for (const page of [first, second]) await page.locator('.msg.agent', { hasText: 'You are welcome' }).waitFor({ timeout: 10_000 });
      await second.screenshot({ path: '/tmp/switchboard-visitor-frozen.png' });
    } finally {
      await chat.stop();
    }
  }), 120_000);

  it('keeps what is written in a tab that does not hold the stream: the words not sent across a reload and a takeover, a message sent while the server is out of reach once it is back', () => shooting('drafts', async () => {
    const chat = await webchatHarness({ openSessions: false });
    try {
      const tabs = await context();
      const first = await tabs.newPage();
      await startChat(first, chat.url, 'Layla');
      await first.locator('#status:empty').waitFor();
      const second = await tabs.newPage();
      await second.goto(chat.url);
      await second.locator('#text').waitFor();

      // Words typed, not sent, in the tab that does not hold the stream: there after a reload, and after the other tab closes.
      await second.fill('#text', 'my order number is 4521\nand it was due on Monday');
      await second.reload();
      await second.locator('#text').waitFor();
      expect(await second.inputValue('#text')).toBe('my order number is 4521\nand it was due on Monday');
      await first.close();
      const [session] = [...chat.sessions.keys()];
      await chat.say(session!, 'agent', 'Hello Layla');
      await second.locator('.msg.agent', { hasText: 'Hello Layla' }).waitFor();
      expect(await second.inputValue('#text')).toBe('my order number is 4521\nand it was due on Monday');

      // A third tab writes while the server cannot be reached: a pending bubble, sent once it can, shown in both tabs.
      const third = await tabs.newPage();
      await third.goto(chat.url);
      await third.locator('.msg.agent', { hasText: 'Hello Layla' }).waitFor();
      await third.route('**/webchat/*/messages', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
      await send(third, 'are you there?');
      await third.locator('.msg.contact.pending', { hasText: 'are you there?' }).waitFor();
      await third.screenshot({ path: '/tmp/switchboard-visitor-pending-tab.png' });
      await third.unrouteAll({ behavior: 'ignoreErrors' });
      for (const page of [second, third]) await page.locator('.msg.contact[data-id]', { hasText: 'are you there?' }).waitFor({ timeout: 10_000 });
      expect(chat.delivered.filter((message) => message.text === 'are you there?')).toHaveLength(1);
      expect(await third.locator('.msg.contact.pending').count()).toBe(0);
      expect(await second.inputValue('#text')).toBe('my order number is 4521\nand it was due on Monday');
      await second.screenshot({ path: '/tmp/switchboard-visitor-draft.png' });

      // New visitor in another tab while a message of this one waits to be sent: it is not sent to the chat left, and
      // waits in this tab's box.
      await third.route('**/webchat/*/messages', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
      await send(third, 'one more thing');
      await third.locator('.msg.contact.pending', { hasText: 'one more thing' }).waitFor();
      second.once('dialog', (dialog) => void dialog.accept());
      await second.click('#restart');
      await third.locator('#hello').waitFor();
      expect(await third.inputValue('#text')).toBe('one more thing');
      await third.unrouteAll({ behavior: 'ignoreErrors' });
      expect(chat.delivered.filter((message) => message.text === 'one more thing')).toHaveLength(0);
    } finally {
      await chat.stop();
    }
  }), 90_000);

  it('keeps the visitor in the widget on another site: a second tab of the shop opens the same chat, and what is said in one shows in the other', () => shooting('embed', async () => {
    let switchboardUrl = '';
    const shop = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><head><title>Acme shop</title></head><body><h1>Acme shop</h1>
        <script src="${switchboardUrl}/widget.js" data-title="Acme help" data-color="#0a7" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    // Another site than the chat's (localhost, not 127.0.0.1): the iframe is a third party, its storage the shop's share.
    const shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`;
    try {
      const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }), { config: { WEBCHAT_EMBED_ORIGINS: [shopUrl] } });
      running.push(app);
      switchboardUrl = app.url;
      const tabs = await context();
      const openWidget = async () => {
        const page = await tabs.newPage();
        await page.goto(shopUrl);
        await page.locator('button.switchboard-launcher').click();
        return { page, chat: page.frameLocator('iframe.switchboard-chat') };
      };
      const first = await openWidget();
      await first.chat.locator('#name').fill('Layla');
      await first.chat.locator('#start').click();
      await first.chat.locator('#text').fill('hello from the shop');
      await first.chat.locator('#send-button').click();
      await first.chat.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
      expect(await first.chat.locator('#title').innerText()).toBe('Acme help');

      const second = await openWidget();
      await second.chat.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
      expect(await second.chat.locator('#hello').isHidden()).toBe(true);
      await second.chat.locator('#text').fill('Billing');
      await second.chat.locator('#send-button').click();
      await first.chat.locator('.msg.bot', { hasText: 'Routing you to billing.' }).waitFor();
      expect(await first.chat.locator('.msg .text').allInnerTexts()).toEqual(await second.chat.locator('.msg .text').allInnerTexts());
      expect((await app.store.contacts()).map((contact) => contact.name)).toEqual(['Layla']);
      await second.page.screenshot({ path: '/tmp/switchboard-visitor-embed.png' });
    } finally {
      await new Promise((resolve) => shop.close(resolve));
    }
  }), 60_000);

  it('keeps the visitor when the browser is closed and opened again, until they choose New visitor, which every open tab follows', () => shooting('reopen', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    running.push(app);
    const profile = await mkdtemp(join(tmpdir(), 'switchboard-profile-'));
    profiles.push(profile);
    let visitorBrowser = await persistentBrowser(profile);
    const page = visitorBrowser.pages()[0] ?? await visitorBrowser.newPage();
    await startChat(page, app.url, 'Layla');
    await send(page, 'hello');
    await page.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    await visitorBrowser.close();
    contexts.splice(contexts.indexOf(visitorBrowser), 1);

    // The browser opened again, the address typed: Layla's chat, where she left it.
    visitorBrowser = await persistentBrowser(profile);
    const again = visitorBrowser.pages()[0] ?? await visitorBrowser.newPage();
    await again.goto(app.url);
    await again.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    expect(await again.locator('#hello').isHidden()).toBe(true);
    expect(await bubbles(again)).toEqual(['hello', 'Hi Layla!', 'Which team?']);
    await again.screenshot({ path: '/tmp/switchboard-visitor-reopened.png' });

    // New visitor in one tab (asked first): the other tab leaves Layla's chat too, and follows Sam in.
    const other = await visitorBrowser.newPage();
    await other.goto(app.url);
    await other.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    again.once('dialog', (dialog) => void dialog.accept());
    await again.click('#restart');
    await other.locator('#hello').waitFor();
    expect(await other.locator('.msg').count()).toBe(0);
    expect(await other.inputValue('#name')).toBe('');
    await again.fill('#name', 'Sam');
    await again.click('#start');
    await send(again, 'hello, I am Sam');
    await other.locator('.msg.bot', { hasText: 'Hi Sam!' }).waitFor();
    expect(await bubbles(other)).not.toContain('Hi Layla!');
    expect(await other.locator('#hello').isHidden()).toBe(true);
    expect((await app.store.contacts()).map((contact) => contact.name).sort()).toEqual(['Layla', 'Sam']);
    await other.screenshot({ path: '/tmp/switchboard-visitor-followed.png' });
  }), 90_000);

  it('picks the conversation up again in every tab after a server restart: what was written while it was down is sent once, the answers show, nothing twice', () => shooting('restart', async () => {
    const dataDir = await dataDirWith({ 'inbound.yaml': choiceFlow });
    const port = await freePort();
    let app = await start(dataDir, { config: { PORT: port } });
    running.push(app);
    const tabs = await context();
    const first = await tabs.newPage();
    await startChat(first, app.url, 'Layla');
    await send(first, 'hello');
    await first.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    const second = await tabs.newPage();
    await second.goto(app.url);
    await second.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    await app.stop();
    running.splice(0);
    await first.locator('#status', { hasText: 'Reconnecting' }).waitFor();
    await send(first, 'Sales');
    await first.locator('.msg.contact.pending', { hasText: 'Sales' }).waitFor();
    await first.screenshot({ path: '/tmp/switchboard-visitor-server-down.png' });

    app = await start(dataDir, { config: { PORT: port } });
    running.push(app);
    const expected = ['hello', 'Hi Layla!', 'Which team?', 'Sales', 'Routing you to sales.'];
    for (const tab of [first, second]) {
      await tab.locator('.msg.bot', { hasText: 'Routing you to sales.' }).waitFor({ timeout: 20_000 });
      await tab.locator('#status:empty').waitFor();
      expect(await bubbles(tab)).toEqual(expected);
    }
    expect(await first.locator('.msg.contact.pending').count()).toBe(0);
    const stored = await app.store.messagesOfContact((await app.store.contacts())[0]!.id);
    expect(stored.filter((message) => message.text === 'Sales')).toHaveLength(1);
    await second.screenshot({ path: '/tmp/switchboard-visitor-restarted.png' });
  }), 90_000);

  it('starts cleanly in every tab when the server no longer knows the session: the contact erased, or the data folder wiped', () => shooting('unknown', async () => {
    const adminToken = 'admin-token-0123456789abcdef';
    const port = await freePort();
    let app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }), { adminToken, config: { PORT: port } });
    running.push(app);
    const tabs = await context();
    const first = await tabs.newPage();
    await startChat(first, app.url, 'Layla');
    await send(first, 'hello');
    await first.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    const second = await tabs.newPage();
    await second.goto(app.url);
    await second.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();

    // Layla's last words are on their way (held, as on a slow connection) when the erase comes; the second tab's
    // reconnection waits until the first has found the chat ended, so that the tab she wrote in is the one to find it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await first.route('**/webchat/*/messages', async (route) => {
      if (route.request().method() === 'POST') await released;
      await route.continue().catch(() => undefined);
    });
    await second.route('**/webchat/*/events?**', async (route) => {
      await released;
      await route.continue().catch(() => undefined);
    });
    await send(first, 'are you there?');
    await first.locator('.msg.contact.pending', { hasText: 'are you there?' }).waitFor();

    // Erased (a data-protection request): both tabs say the chat has ended at once, without Layla writing again or
    // reloading (the server ends their streams), and ask the name, nothing of Layla's left.
    const [layla] = await app.store.contacts();
    const erased = await fetch(`${app.url}/api/contacts/${layla!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
    expect(erased.status).toBe(200);
    for (const tab of [first, second]) {
      await tab.locator('#hello-status', { hasText: 'This chat has ended' }).waitFor({ timeout: 5_000 });
      expect(await tab.inputValue('#name')).toBe('Layla');
    }
    release();
    await first.unrouteAll({ behavior: 'ignoreErrors' });
    await second.unrouteAll({ behavior: 'ignoreErrors' });
    for (const tab of [first, second]) expect(await tab.locator('.msg').count()).toBe(0);
    await first.screenshot({ path: '/tmp/switchboard-visitor-erased.png' });
    // Starting again (in the second tab) works in both.
    await second.fill('#name', 'Layla');
    await second.click('#start');
    await send(second, 'hello again');
    for (const tab of [first, second]) await tab.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
    expect(await bubbles(first)).toEqual(['hello again', 'Hi Layla!', 'Which team?']);
    // What Layla wrote to the ended chat was not lost: it waits in the box of the tab she wrote it in.
    expect(await first.inputValue('#text')).toBe('are you there?');

    // The data folder wiped while the page is open: both tabs come back to the name form, and a new chat starts.
    await app.stop();
    running.splice(0);
    app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }), { adminToken, config: { PORT: port } });
    running.push(app);
    for (const tab of [first, second]) await tab.locator('#hello-status', { hasText: 'This chat has ended' }).waitFor({ timeout: 20_000 });
    await first.reload();
    await first.locator('#hello').waitFor();
    await startChat(first, app.url, 'Layla');
    await send(first, 'hello after the wipe');
    for (const tab of [first, second]) {
      await tab.locator('.msg.bot', { hasText: 'Which team?' }).waitFor();
      expect(await bubbles(tab)).toEqual(['hello after the wipe', 'Hi Layla!', 'Which team?']);
    }
    expect((await app.store.contacts()).map((contact) => contact.name)).toEqual(['Layla']);
    await second.screenshot({ path: '/tmp/switchboard-visitor-after-wipe.png' });
  }), 90_000);
});
