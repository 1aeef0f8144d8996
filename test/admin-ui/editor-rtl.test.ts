// Arabic texts in the flow editor, in Chromium against the fake admin API: each quoted text and each item of a list
// stays where it is written on its line, however the bidi algorithm would join neighbouring Arabic words.
// Skipped, saying so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { hasChromium, inChromium, shot, signIn, withChromium, withPage } from './scenario.ts';

const FLOW = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "مرحبًا! (Acme)"
  - ask: "ما موضوع استفسارك؟"
    expect: choice
    choices: ["الفواتير", "أمر آخر (Other)"]
    save: conversation.topic
  - ask: "Which one?"
    expect: choice
    choices: [الدعم, المبيعات]
    save: conversation.other
  - assign: { team: Support }
`;

const title = inChromium('Arabic texts in the flow editor, in Chromium');

/** Where each of `words` starts on the screen, left to right, in the editor line that contains `line`. */
async function leftEdges(page: Page, line: string, words: string[]): Promise<number[]> {
  return page.evaluate(({ line, words }) => {
    const element = [...document.querySelectorAll('.cm-line')].find((each) => each.textContent?.includes(line))!;
    return words.map((word) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(word);
        if (at === -1) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        return range.getBoundingClientRect().left;
      }
      throw new Error(`no "${word}" on the line with "${line}"`);
    });
  }, { line, words });
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;
  withChromium(() => startFakeApi({ flows: { inbound: FLOW } }), (running) => ({ browser, server: fake } = running));

  it('shows the Arabic choices of a list in the order they are written, each whole', async () => {
    await withPage(browser, 'editor-rtl', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      await shot(page, 'editor-rtl');
      // The first choice left of the second, "(Other)" with the second (an Arabic title, read right to left), not
      // seemingly part of the first.
      const [first, second, other] = await leftEdges(page, 'Other', ['الفواتير', 'أمر آخر', '(Other)']);
      expect(first).toBeLessThan(second!);
      expect(first).toBeLessThan(other!);
      const [support, sales] = await leftEdges(page, 'المبيعات', ['الدعم', 'المبيعات']);
      expect(support).toBeLessThan(sales!);
    });
  }, 60_000);
});
