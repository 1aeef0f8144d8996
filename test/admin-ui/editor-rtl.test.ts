// Arabic texts in the flow editor, in Chromium against the fake admin API: each quoted text and each item of a list
// stays where it is written on its line, however the bidi algorithm would join neighbouring Arabic words.
// Skipped, saying so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { hasChromium, inChromium, replaceText, shot, signIn, withChromium, withPage } from './scenario.ts';

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
  - say:
      en: "Thanks, {{contact.name}}."
      ar: مرحبًا {{contact.name}}! شكرًا لتواصلك معنا.   # unquoted
  - say:
      ar: |
        أهلًا {{contact.name}}! كيف حالك اليوم؟
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

  it('reads an unquoted Arabic text, and a line of a | block, right to left in the order written, the key and comment in place', async () => {
    await withPage(browser, 'editor-rtl-plain', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      await shot(page, 'editor-rtl-plain');
      // Before: "شكرًا لتواصلك معنا." showed right of the placeholder, left of nothing: read from the right, it came
      // before "مرحبًا {{contact.name}}!", the sentence's second half first.
      const [key, hello, name, thanks, us, comment] = await leftEdges(page, 'unquoted', ['ar', 'مرحبًا', 'contact.name', 'شكرًا', 'معنا', '# unquoted']);
      expect(key).toBeLessThan(us!);
      expect(hello).toBeGreaterThan(name!);
      expect(name).toBeGreaterThan(thanks!);
      expect(thanks).toBeGreaterThan(us!);
      expect(comment).toBeGreaterThan(hello!);
      const [welcome, blockName, how] = await leftEdges(page, 'كيف حالك', ['أهلًا', 'contact.name', 'كيف']);
      expect(welcome).toBeGreaterThan(blockName!);
      expect(blockName).toBeGreaterThan(how!);
      // A double click on a word selects that word.
      const [x, y] = await page.evaluate(() => {
        const line = [...document.querySelectorAll('.cm-line')].find((each) => each.textContent?.includes('unquoted'))!;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent!.indexOf('لتواصلك');
          if (at === -1) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 'لتواصلك'.length);
          const rect = range.getBoundingClientRect();
          return [rect.left + rect.width / 2, rect.top + rect.height / 2];
        }
        throw new Error('no "لتواصلك" on the line');
      });
      await page.mouse.dblclick(x!, y!);
      await expect.poll(() => page.evaluate(() => getSelection()?.toString())).toBe('لتواصلك');
    });
  }, 60_000);

  it('lays the problems\' tooltips out in the page\'s direction, right to left in Arabic, on a phone and a desktop, the YAML left to right', async () => {
    const broken = FLOW.replace('  - say: "مرحبًا! (Acme)"', '  - shout: "مرحبًا! (Acme)"');
    for (const [name, width, arabic] of [['lint-tooltip-ar', 1280, true], ['lint-tooltip-ar-phone', 390, true], ['lint-tooltip-en-phone', 390, false]] as const) {
      await withPage(browser, name, { viewport: { width, height: 844 } }, async (page) => {
        await signIn(page, fake.url, fake.token);
        if (arabic) await page.locator('button.lang').click();
        await page.goto(`${fake.url}/admin#/flows/inbound`);
        await page.locator('.editor .cm-content').waitFor();
        await replaceText(page, broken);
        await page.locator('.cm-gutter-lint .cm-lint-marker-error').first().hover();
        const tooltip = page.locator('.cm-tooltip-lint');
        await tooltip.waitFor();
        const laid = await tooltip.locator('.cm-diagnostic').first().evaluate((item) => {
          const style = getComputedStyle(item);
          const box = item.getBoundingClientRect();
          return { direction: style.direction, align: style.textAlign, barRight: style.borderRightWidth, barLeft: style.borderLeftWidth, left: box.left, right: box.right };
        });
        // Arabic reads from the right: its words start at the right edge, the error's red bar beside them there.
        expect(laid.direction).toBe(arabic ? 'rtl' : 'ltr');
        expect(laid.align).toBe(arabic ? 'right' : 'left');
        expect([laid.barRight, laid.barLeft]).toEqual(arabic ? ['5px', '0px'] : ['0px', '5px']);
        // Whole on the screen.
        expect(laid.left).toBeGreaterThanOrEqual(0);
        expect(laid.right).toBeLessThanOrEqual(width);
        // The YAML itself stays left to right.
        expect(await page.locator('.editor .cm-content').evaluate((content) => getComputedStyle(content).direction)).toBe('ltr');
        await shot(page, name);
      });
    }
  }, 90_000);
});
