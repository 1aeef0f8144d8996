// Every page an Arabic-speaking admin or agent opens, in Chromium with Arabic as the browser's language, on a real
// Switchboard with conversations in it: the dashboard's views (each with its empty, error and confirm states) and the
// agent console. Each page is right to left, and shows no English word: what is Latin on it is a product name, a
// name or text someone gave (agents, teams, customers, flows), or code (YAML, file names). Screenshots go to
// test-results/arabic/, for a person to look at. Skipped, saying so, without Chromium.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { CHROMIUM, hasChromium, launch, replaceText } from '../admin-ui/scenario.ts';

const TOKEN = 'arabic-pages-admin-token-0123456789';
const SHOTS = join(process.cwd(), 'test-results', 'arabic');

/**
 * Latin words that may show on an Arabic page: product and channel names, and the data of this test (the shipped
 * teams, agents, flow and intents, the customers' and admins' words).
 */
const ALLOWED = new Set([
  // Products, and what stays Latin in Arabic too: a QR code, CSV, keys on the keyboard.
  'Switchboard', 'WhatsApp', 'Telegram', 'Messenger', 'Instagram', 'CSV', 'QR', 'Shift', 'Enter',
  // This test's data: the shipped teams, agents, flow, intents and field names; what the admin typed.
  'Billing', 'Support', 'Sales', 'Omar', 'Sara', 'Lina', 'Layla', 'Nadia', 'inbound', 'billing', 'tech_support', 'sales', 'other',
  'email', 'need', 'faq', 'gone', 'billing-faq', 'webchat_token', 'Nowhere',
]);

/**
 * The Latin words a person sees on the page, with where: visible text, the title, and what a pointer or a screen
 * reader is told (title, placeholder, aria-label, alt), and the options of its lists. Code (the YAML editor, `code`)
 * and what is marked as another language (the button offering English) are left out.
 */
async function latinOn(page: Page): Promise<string[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    // The YAML itself, data (translate="no": customers' words, ids), and what is marked as English on purpose.
    const skipped = (element: Element | null) => !!element?.closest('.cm-content, code, pre, [translate="no"], [lang]:not([lang="ar"])');
    const shown = (element: Element) => element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || skipped(parent) || !node.textContent?.trim()) continue;
      if (parent.closest('option')) continue;
      if (!shown(parent)) continue;
      out.push(`text: ${node.textContent.trim()}`);
    }
    for (const element of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
      if (skipped(element) || !shown(element)) continue;
      for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
        const value = element.getAttribute(name);
        if (value) out.push(`${name}: ${value}`);
      }
    }
    for (const option of document.querySelectorAll('select option, select optgroup')) {
      if (skipped(option) || !shown(option.closest('select')!)) continue;
      const text = option instanceof HTMLOptGroupElement ? option.label : option.textContent?.trim();
      if (text) out.push(`option: ${text}`);
    }
    out.push(`<title>: ${document.title}`);
    return out;
  });
  return found.filter((line) => {
    const text = line.replace(/^[^:]+: /, '')
      // Addresses, file names and environment variables are what they are in any language.
      .replace(/\S+@\S+/g, '').replace(/\b[\w-]+\.(yaml|txt|csv)\b/g, '').replace(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+(\/\w+)?/g, '')
      // A flow's version (12 hex digits), a file's type (image/png).
      .replace(/\b[0-9a-f]{12}\b/g, '').replace(/\b[a-z]+\/[\w.+-]+/g, '')
      // An agent's command (/online), typed as it is in any language: the Arabic lines name them so.
      .replace(/(^|[^\w/])\/[a-z]+\b/g, '$1');
    return (text.match(/[A-Za-z][A-Za-z'’_-]*/g) ?? []).some((word) => !ALLOWED.has(word));
  });
}

/**
 * What does not line up with a right-to-left page: a name, value or preview in its own direction (`dir="auto"`, a
 * Latin one) whose text starts at the left of its box instead of at the right, away from its label; and headings
 * or table cells set left to right. Messages in a transcript keep their writer's direction, and the YAML stays left
 * to right; both are left out.
 */
async function misaligned(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('[dir="auto"], [dir="ltr"], h1, h2, h3, td, th, dd, dt, label, p, li')) {
      if (element.closest('.cm-editor, .editor, .diff, input, textarea, select, .text, .quote, time, .tried ol, .problems, .notice')) continue;
      if (['INPUT', 'TEXTAREA', 'SELECT', 'BDI', 'SPAN', 'A', 'BUTTON', 'TIME'].includes(element.tagName) && getComputedStyle(element).display.startsWith('inline')) continue;
      if (!element.checkVisibility() || !element.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(element);
      const text = range.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      const padding = parseFloat(getComputedStyle(element).paddingInlineStart) || 0;
      // Text narrower than its box that does not end at the box's right (start) edge.
      if (box.width - text.width > 8 && box.right - padding - text.right > 4) out.push(`${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}: ${element.textContent.trim().slice(0, 60)}`);
    }
    return out;
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const title = hasChromium
  ? 'an Arabic-speaking admin and agent, in Chromium'
  : `an Arabic-speaking admin and agent, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let app: Switchboard;
  let arabic: BrowserContext;
  const english: Record<string, string[]> = {};
  const layout: Record<string, string[]> = {};

  /** Opens `hash` of the dashboard, waits for `ready`, and records the page's English. */
  async function look(page: Page, name: string, ready: () => Promise<unknown>): Promise<void> {
    await ready();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction]), name).toEqual(['ar', 'rtl', 'rtl']);
    await shot(page, name);
    english[name] = await latinOn(page);
    layout[name] = await misaligned(page);
  }

  beforeAll(async () => {
    browser = await launch();
    app = await start(await shippedDataDir(), { adminToken: TOKEN });
    arabic = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await arabic?.close();
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  it('shows the agent console in Arabic only, right to left', async () => {
    const page = await arabic.newPage();
    await page.goto(`${app.url}/agent`);
    await look(page, 'console-sign-in', () => page.locator('#token').waitFor());
    await page.fill('#token', 'not-a-token-at-all-0123456789');
    await page.click('#signin-button');
    await look(page, 'console-sign-in-refused', () => page.locator('#signin-error:not(:empty)').waitFor());
    await page.fill('#token', agentToken('agent-lina'));
    await page.click('#signin-button');
    await look(page, 'console-empty', () => page.locator('#app:not([hidden]) #held').waitFor());
    await page.click('#online');
    await page.locator('#result:not(:empty)').waitFor();
    const layla = visitor(app.url, `arabic-layla-${Date.now()}`, 'Layla');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice']) expect((await layla.say(text)).status).toBe(202);
    // A file of hers: its size in Arabic units, as the rest of the page.
    const { session, token } = await layla.credentials();
    const file = new FormData();
    file.append('file', new Blob([new Uint8Array(2048)], { type: 'text/plain' }), 'notes.txt');
    expect((await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: file })).status).toBe(202);
    await page.locator('#held li', { hasText: 'Layla' }).click();
    await look(page, 'console-conversation', () => page.locator('#transcript .msg.contact a[download]').waitFor());
    expect(await page.locator('#transcript .msg.contact a[download]').innerText()).toBe('notes.txt (2 كيلوبايت)');
    await page.click('#away');
    // Away once the server says so (her status line was not empty before: Online): a customer who writes before that
    // is hers, not queued.
    await page.locator('#away.active').waitFor();
    const sami = visitor(app.url, `arabic-sami-${Date.now()}`, 'سامي');
    for (const text of ['مرحبا', 'sami@example.com', 'I was charged twice']) expect((await sami.say(text)).status).toBe(202);
    await look(page, 'console-queue', () => page.locator('#queues li', { hasText: 'سامي' }).waitFor({ timeout: 15_000 }));
    await page.click('#logout');
    await look(page, 'console-signed-out', () => page.locator('#token').waitFor());
  }, 90_000);

  it('shows every view of the dashboard in Arabic only, right to left', async () => {
    const page = await arabic.newPage();
    const go = (hash: string) => page.goto(`${app.url}/admin#/${hash}`);
    await page.goto(`${app.url}/admin`);
    await look(page, 'admin-sign-in', () => page.locator('#token').waitFor());
    await page.fill('#token', 'not-the-token-0123456789');
    await page.locator('form button[type="submit"]').click();
    await look(page, 'admin-sign-in-refused', () => page.locator('.notice.error').waitFor());
    await page.fill('#token', TOKEN);
    await page.locator('form button[type="submit"]').click();
    await look(page, 'queue', () => page.locator('.column.waiting .card').first().waitFor({ timeout: 15_000 }));

    await go('conversations');
    await look(page, 'conversations', () => page.locator('.rows .row').first().waitFor());
    await page.locator('input[type="search"]').first().fill('zzzzzz');
    await page.keyboard.press('Enter');
    await look(page, 'conversations-none', () => page.locator('.muted, .notice').first().waitFor());
    await go('conversations/1');
    await look(page, 'conversation', () => page.locator('.transcript .message').first().waitFor());
    await page.locator('#transfer-to').fill('Nowhere');
    await page.locator('#transfer-to').press('Enter');
    await look(page, 'conversation-refused', () => page.locator('.notice.error').waitFor());
    await page.locator('.action select').first().selectOption('agent');
    await page.locator('.danger').click();
    await look(page, 'conversation-asks', () => page.locator('.confirm').waitFor());
    await page.locator('.confirm button.secondary').click();
    await go('conversations/999');
    await look(page, 'conversation-missing', () => page.locator('.notice.error').waitFor());

    await go('flows');
    await look(page, 'flows', () => page.locator('table.list tbody tr').first().waitFor());
    await page.locator('#new-flow').fill('Bad Name');
    await page.locator('.new-flow button').click();
    await look(page, 'flows-bad-name', () => page.locator('.notice.error').waitFor());
    await go('flows/inbound');
    await look(page, 'flow', () => page.locator('.editor .cm-content').waitFor());
    const shipped = ((await (await fetch(`${app.url}/api/flows/inbound`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { source: string }).source;
    // A mistake: the problem at its line, the editor's search panel open, and publishing refused.
    await replaceText(page, 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - sya: "Hi"\n');
    await page.locator('.problems li').first().waitFor();
    await page.keyboard.press('Control+F');
    await page.locator('.toolbar button').first().click();
    await look(page, 'flow-problems', () => page.locator('.notice.error').waitFor());
    await replaceText(page, shipped.replace('Thanks for getting in touch.', 'Thanks for writing.'));
    await page.locator('.editor-status .ok-text, .editor-status .warn-text').waitFor();
    await page.locator('.toolbar button').first().click();
    await page.locator('.notice.ok').waitFor();
    await page.locator('.toolbar .danger').click();
    await look(page, 'flow-asks-delete', () => page.locator('.confirm').waitFor());
    await go('flows/inbound/history');
    await page.locator('.versions li').nth(1).locator('button').click();
    await page.locator('.version-diff button').first().click();
    await look(page, 'flow-history', () => page.locator('.version-diff .confirm').waitFor());
    await go('flows/faq/new');
    await look(page, 'flow-new', () => page.locator('.editor .cm-content').waitFor());

    await go('flows/gone');
    await look(page, 'flow-missing', () => page.locator('.notice.error').waitFor());
    await go('contacts/nobody');
    await look(page, 'contact-missing', () => page.locator('.notice.error').waitFor());
    await go('contacts');
    await look(page, 'contacts', () => page.locator('table.list tbody tr, .rows .row').first().waitFor());
    await page.locator('a[href^="#/contacts/"]').first().click();
    await page.locator('.contact-form').waitFor();
    await page.locator('.danger-zone button').click();
    await look(page, 'contact', () => page.locator('.confirm').waitFor());
    await go('team');
    await look(page, 'team', () => page.locator('table').first().waitFor());
    await go('nlp');
    await page.locator('table.list').waitFor();
    await page.locator('.nlp-page input[type="search"]').fill('I was charged twice');
    await page.locator('.nlp-page input[type="search"]').press('Enter');
    await look(page, 'nlp', () => page.locator('.tried').waitFor());
    await go('reports');
    await look(page, 'reports', () => page.locator('.figures').waitFor());
    await go('whatsapp');
    await look(page, 'whatsapp-off', () => page.locator('.notice').waitFor());
    await go('nowhere');
    await look(page, 'not-found', () => page.locator('.notice').waitFor());
  }, 120_000);

  it('lists no English, and nothing out of line right to left', () => {
    expect(Object.keys(english).length).toBeGreaterThan(20);
    expect(english).toEqual(Object.fromEntries(Object.keys(english).map((name) => [name, []])));
    expect(layout).toEqual(Object.fromEntries(Object.keys(layout).map((name) => [name, []])));
  });
});
