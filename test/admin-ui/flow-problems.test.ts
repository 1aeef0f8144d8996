// The flow editor in Chromium, against the fake admin API (which checks a flow as the server does): each kind of
// error and warning an admin can meet in a flow is listed at its line and column, and underlined from that column,
// with words that say what to write instead. Screenshots: test-results/admin-ui/flow-problems-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { FLOW } from './flows.ts';
import { CHROMIUM, hasChromium, launch, replaceText, shot, signIn, withPage } from './scenario.ts';

const title = hasChromium
  ? 'the flow editor shows every problem at its line and column'
  : `the flow editor shows every problem at its line and column: SKIPPED, no Chromium at ${CHROMIUM}`;

const WELCOME = `flow: welcome
trigger: { on: conversation.opened, source: agent }
steps:
  - say: "Hello"
  - close: true
`;

/** The problems listed under the editor, as the admin reads them, and the text each underline starts with. */
async function problems(page: Page): Promise<{ item: string; underlined: string }[]> {
  return page.locator('.problems li').evaluateAll((items) => items.map((item) => {
    const line = Number(item.getAttribute('data-line'));
    const range = document.querySelectorAll('.cm-content .cm-line')[line - 1]?.querySelector('.cm-lintRange');
    return { item: (item as HTMLElement).innerText, underlined: range?.textContent ?? '' };
  }));
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;

  /** Signs in, opens the welcome flow in the editor and puts `text` in its place. */
  async function typeFlow(page: Page, text: string): Promise<void> {
    await signIn(page, fake.url, fake.token);
    await page.goto(`${fake.url}/admin#/flows/welcome`);
    await page.locator('.editor .cm-content').waitFor();
    await replaceText(page, text);
  }

  beforeAll(async () => {
    browser = await launch();
    fake = await startFakeApi({ flows: { inbound: FLOW, welcome: WELCOME } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fake?.stop();
  });

  it('refuses a question no answer can pass (regex: with nothing after it, or only spaces) at its expect line, saying what to write', async () => {
    await withPage(browser, 'flow-problems-errors', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await typeFlow(page, `flow: welcome
trigger: { on: conversation.opened, source: agent }
steps:
  - ask: "Your order number?"
    expect: "regex:"
    save: conversation.order
  - ask: "Your reference?"
    expect: 'regex:\\s*'
    save: conversation.reference
  - close: true
`);
      await page.locator('.editor-status', { hasText: '2 problems' }).waitFor();
      await page.locator('.cm-line').nth(7).locator('.cm-lintRange-error').waitFor();
      await shot(page, 'flow-problems-errors');
      const fix = '(write what an answer must look like after regex:, e.g. regex:ORD-\\d{4}; to take any answer, write expect: text)';
      expect(await problems(page)).toEqual([
        { item: `line 5, column 5: regex: has no pattern after it, so it takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until on_fail ${fix}`, underlined: 'expect: "regex:"' },
        { item: `line 8, column 5: the pattern "\\s*" takes only spaces, and an answer is checked without the spaces around it: whatever the customer writes, they are asked again until on_fail ${fix}`, underlined: "expect: 'regex:\\s*'" },
      ]);
    });
  }, 60_000);

  it('refuses a question whose pattern matches no text at all ([], a^) at its expect line, saying which part fails', async () => {
    await withPage(browser, 'flow-problems-never-matches', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await typeFlow(page, `flow: welcome
trigger: { on: conversation.opened, source: agent }
steps:
  - ask: "Your order number?"
    expect: 'regex:ORD-[]\\d{4}'
    save: conversation.order
  - ask: "Your reference?"
    expect: 'regex:REF-^\\d+'
    save: conversation.reference
  - close: true
`);
      await page.locator('.editor-status', { hasText: '2 problems' }).waitFor();
      await page.locator('.cm-line').nth(7).locator('.cm-lintRange-error').waitFor();
      await shot(page, 'flow-problems-never-matches');
      const fix = '(write what an answer must look like after regex:, e.g. regex:ORD-\\d{4})';
      expect(await problems(page)).toEqual([
        { item: `line 5, column 5: the pattern "ORD-[]\\d{4}" takes no answer at all: [] is a class of no character; whatever the customer writes, they are asked again until on_fail ${fix}`, underlined: "expect: 'regex:ORD-[]\\d{4}'" },
        { item: `line 8, column 5: the pattern "REF-^\\d+" takes no answer at all: ^ (the start of the answer) comes after text; whatever the customer writes, they are asked again until on_fail ${fix}`, underlined: "expect: 'regex:REF-^\\d+'" },
      ]);
    });
  }, 60_000);

  it('points a quote never closed at the quote that opens the text', async () => {
    await withPage(browser, 'flow-problems-quote', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await typeFlow(page, `flow: welcome
trigger: { on: conversation.opened, source: agent }
steps:
  - say: "Thanks for writing to us
  - close: true
`);
      await page.locator('.editor-status', { hasText: '1 problem' }).waitFor();
      await page.locator('.cm-line').nth(3).locator('.cm-lintRange-error').waitFor();
      await shot(page, 'flow-problems-quote');
      expect(await problems(page)).toEqual([
        { item: 'line 4, column 10: YAML syntax error: this text opens with " and is never closed (put a " where the text ends)', underlined: '"Thanks for writing to us' },
      ]);
    });
  }, 60_000);

  it('warns at their line and column of a shared trigger, a text a # cut short, a pattern that takes any answer and a flow that runs past its end', async () => {
    await withPage(browser, 'flow-problems-warnings', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await typeFlow(page, `flow: welcome
trigger: { on: conversation.opened, source: contact }
steps:
  - say: Press #1 for billing
  - ask: "Your order number?"
    expect: regex:.*
    save: conversation.order
  - say: "Thanks"
`);
      await page.locator('.editor-status', { hasText: 'No problems; 4 warnings' }).waitFor();
      await page.locator('.cm-line').nth(7).locator('.cm-lintRange-warning').waitFor();
      await shot(page, 'flow-problems-warnings');
      expect(await problems(page)).toEqual([
        { item: expect.stringMatching(/^line 2, column 1: flow "welcome" would not run: flow "inbound" \(flows\/inbound\.yaml\) starts on the same trigger/), underlined: 'trigger: { on: conversation.opened, source: contact }' },
        { item: expect.stringMatching(/^line 4, column 5: customers read "Press": the rest, "#1 for billing", is a YAML comment/), underlined: 'say: Press #1 for billing' },
        { item: expect.stringMatching(/^line 6, column 5: this pattern accepts any answer on one line, so the customer is never asked again/), underlined: 'expect: regex:.*' },
        { item: expect.stringMatching(/^line 8, column 5: flow "welcome" can run past its last step without close or assign/), underlined: 'say: "Thanks"' },
      ]);
    });
  }, 60_000);

  it('warns of a closing survey\'s question that takes any text, at its line and column', async () => {
    await withPage(browser, 'flow-problems-survey', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await typeFlow(page, `flow: welcome
trigger: { on: conversation.closed }
steps:
  - ask: "Anything else you want to tell us?"
    expect: text
    save: conversation.comment
  - say: "Thanks!"
`);
      await page.locator('.editor-status', { hasText: 'No problems; 1 warning' }).waitFor();
      await shot(page, 'flow-problems-survey');
      expect(await problems(page)).toEqual([
        { item: expect.stringMatching(/^line 4, column 5: this question comes after the conversation closed, and with expect: text it takes whatever the customer writes next as its answer/), underlined: 'ask: "Anything else you want to tell us?"' },
      ]);
    });
  }, 60_000);
});
