// "Teach its intent" in a transcript, as an admin reads it in Chromium on a real Switchboard with the shipped flow:
// offered under the customer's words the bot read for their need (the need, and one the bot failed to route), not
// under a greeting, the email address the flow asked for, or a button pressed. Screenshots go to test-results/admin-ui/.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { hasChromium, inChromium, shot, withPage } from '../admin-ui/scenario.ts';
import { eventually, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';
import { withShippedSwitchboard } from './shipped-in-chromium.ts';

/** Each customer message of the transcript (its text) and whether Teach its intent is under it. */
const taught = (page: Page): Promise<[string, boolean][]> =>
  page.locator('.transcript .message.contact').evaluateAll((rows) => rows.map((row) => [row.querySelector('.text')?.textContent ?? '', row.querySelector('.teach') !== null] as [string, boolean]));

describe.skipIf(!hasChromium)(inChromium('Teach its intent in a transcript'), () => {
  let browser: Browser;
  let app: Switchboard;
  withShippedSwitchboard((running) => ({ browser, app } = running));

  /** The open conversation of the contact called `name`, if any. */
  async function conversationOf(name: string) {
    for (const conversation of await app.store.openConversations({})) if ((await app.store.contact(conversation.contactId))?.name === name) return conversation;
    return undefined;
  }

  /** The admin signed in, on the transcript of the conversation of `name`. */
  async function transcriptOf(page: Page, name: string): Promise<void> {
    await page.goto(`${app.url}/admin`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.locator('form button[type="submit"]').click();
    const conversation = (await conversationOf(name))!;
    await page.goto(`${app.url}/admin#/conversations/${conversation.id}`);
    await page.locator('.transcript .message.contact').first().waitFor();
  }

  it('offers it under the need the bot routed, not under the greeting or the email address the flow asked for', async () => {
    const sam = visitor(app.url, 'teach-sam', 'Sam Teach');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice this month']) expect((await sam.say(text)).status).toBe(202);
    await eventually(async () => (await conversationOf('Sam Teach'))?.stage === 'queued', 20_000);
    await withPage(browser, 'dashboard-teach-routed', { viewport: { width: 1280, height: 1000 } }, async (page) => {
      await transcriptOf(page, 'Sam Teach');
      await expect.poll(() => taught(page)).toEqual([['hello', false], ['sam@example.com', false], ['I was charged twice this month', true]]);
      await shot(page, 'dashboard-teach-routed');
    });
  }, 60_000);

  it('offers it under a need the bot failed to route and under words typed instead of a clarify button, not under the button pressed', async () => {
    const nour = visitor(app.url, 'teach-nour', 'Nour Teach');
    for (const text of ['hi', 'nour@example.com', 'zorblax quibble frobnicate']) expect((await nour.say(text)).status).toBe(202);
    // The model is unsure: the clarify question, with its buttons.
    await eventually(async () => (await nour.messages()).some((message) => message.choices?.some((choice) => choice.id === 'billing')), 20_000);
    expect((await nour.say('the blue frobnicator thing')).status).toBe(202);
    await eventually(async () => (await nour.messages()).filter((message) => message.choices?.some((choice) => choice.id === 'billing')).length === 2, 20_000);
    expect((await nour.press('billing')).status).toBe(202);
    await eventually(async () => (await conversationOf('Nour Teach'))?.stage === 'queued', 20_000);
    await withPage(browser, 'dashboard-teach-unrouted', { viewport: { width: 1280, height: 1000 } }, async (page) => {
      await transcriptOf(page, 'Nour Teach');
      await expect.poll(() => taught(page)).toEqual([
        ['hi', false], ['nour@example.com', false], ['zorblax quibble frobnicate', true], ['the blue frobnicator thing', true], ['Billing', false],
      ]);
      await shot(page, 'dashboard-teach-unrouted');
    });
  }, 60_000);

  it('offers it under an email address given with the need beside it, which the bot read as the need', async () => {
    const lina = visitor(app.url, 'teach-lina', 'Lina Teach');
    for (const text of ['hi', 'lina@example.com, I was charged twice this month']) expect((await lina.say(text)).status).toBe(202);
    await eventually(async () => (await conversationOf('Lina Teach'))?.stage === 'queued', 20_000);
    await withPage(browser, 'dashboard-teach-beside', { viewport: { width: 1280, height: 1000 } }, async (page) => {
      await transcriptOf(page, 'Lina Teach');
      await expect.poll(() => taught(page)).toEqual([['hi', false], ['lina@example.com, I was charged twice this month', true]]);
      await shot(page, 'dashboard-teach-beside');
    });
  }, 60_000);
});
