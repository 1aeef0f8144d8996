// The flow editor's own words (its search panel, the fold markers of its gutter, a folded block, the list of
// problems CodeMirror opens, the lines a comparison of versions leaves out) follow the page's language when the admin
// switches it, without a reload.
// In Chromium against the fake admin API; skipped, saying so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stringsIn } from '../../src/admin-ui/i18n.ts';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { hasChromium, inChromium, shot, signIn, withChromium, withPage } from './scenario.ts';

const FLOW = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What can we help you with?"
    expect: choice
    choices: [Billing, Support]
    save: conversation.need
  - assign: { team: Support }
`;

const title = inChromium('the flow editor\'s words after a switch of language, in Chromium');

/** What the editor shows in words: the search panel's field and buttons, the gutter's fold markers, a folded block, the problems panel. */
async function editorWords(page: Page) {
  return page.evaluate(() => {
    const search = document.querySelector<HTMLInputElement>('.editor .cm-search input[name="search"]');
    return {
      find: search?.placeholder,
      next: document.querySelector('.editor .cm-search button[name="next"]')?.textContent,
      matchCase: document.querySelector('.editor .cm-search label')?.textContent,
      close: document.querySelector('.editor .cm-search button[name="close"]')?.getAttribute('aria-label'),
      fold: [...new Set([...document.querySelectorAll('.editor .cm-foldGutter span[title]')].map((marker) => marker.getAttribute('title')))].sort(),
      folded: document.querySelector('.editor .cm-foldPlaceholder')?.getAttribute('aria-label'),
      unfold: document.querySelector<HTMLElement>('.editor .cm-foldPlaceholder')?.title,
      problems: document.querySelector('.editor .cm-panel.cm-panel-lint ul')?.getAttribute('aria-label'),
    };
  });
}

function wordsIn(language: 'en' | 'ar') {
  const words = stringsIn(language);
  return {
    find: words.cmFind, next: words.cmNext, matchCase: words.cmMatchCase, close: words.cmClose,
    fold: [words.cmFoldLine, words.cmUnfoldLine].sort(), folded: words.cmFoldedCode, unfold: words.cmUnfold, problems: words.cmDiagnostics,
  };
}

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;
  withChromium(() => startFakeApi({ flows: { inbound: FLOW } }), (running) => ({ browser, server: fake } = running));

  it('shows the search panel, fold markers, a folded block and the problems panel in Arabic after a switch to Arabic (and announces an unfold in Arabic), and in English after a switch back', async () => {
    await withPage(browser, 'editor-language', { viewport: { width: 1280, height: 900 }, locale: 'en-US' }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      // The admin edits a line, folds the first step, searches, and opens CodeMirror's list of problems.
      await page.locator('.editor .cm-line', { hasText: 'trigger:' }).click();
      await page.keyboard.press('End');
      await page.keyboard.type(' # edited');
      await page.locator('.editor .cm-foldGutter span[title]').last().click();
      await page.locator('.editor .cm-content').click();
      await page.keyboard.press('Control+f');
      await page.locator('.editor .cm-search').waitFor();
      await page.keyboard.type('Support');
      await page.locator('.editor .cm-content').click();
      await page.keyboard.press('Control+Shift+KeyM');
      await page.locator('.editor .cm-panel-lint').waitFor();
      await page.locator('.editor .cm-foldPlaceholder').waitFor();
      expect(await editorWords(page)).toEqual(wordsIn('en'));

      await page.locator('button.lang').click();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ar');
      await expect.poll(() => editorWords(page)).toEqual(wordsIn('ar'));
      // The focus stays on the language button: the search panel drawn again does not take it.
      expect(await page.evaluate(() => document.activeElement?.classList.contains('lang'))).toBe(true);
      await shot(page, 'editor-language-ar');
      // Unfolding from the keyboard is announced to a screen reader in Arabic too.
      await page.locator('.editor .cm-line', { hasText: 'ask:' }).click();
      await page.keyboard.press('Control+Shift+BracketRight');
      await expect.poll(() => page.locator('.editor .cm-announced').textContent()).toBe(`${stringsIn('ar').cmUnfoldedLines} 4 ${stringsIn('ar').cmTo} 7.`);
      await page.locator('.editor .cm-foldGutter span[title]').last().click();

      await page.locator('button.lang').click();
      await expect.poll(() => editorWords(page)).toEqual(wordsIn('en'));
      // What the admin did is all still there: the search, and the edit, which undoes.
      expect(await page.locator('.editor .cm-search input[name="search"]').inputValue()).toBe('Support');
      expect(await page.locator('.editor .cm-line', { hasText: 'trigger:' }).textContent()).toContain('# edited');
      await page.locator('.editor .cm-line', { hasText: 'trigger:' }).click();
      await page.keyboard.press('Control+z');
      await expect.poll(() => page.locator('.editor .cm-line', { hasText: 'trigger:' }).textContent()).toBe('trigger: { on: conversation.opened, source: contact }');
      await shot(page, 'editor-language-en');
    });
  }, 90_000);

  it('says how many lines a version comparison left out in the language switched to', async () => {
    // A second version that changes only the last step: the steps before it are unchanged, and folded away.
    const steps = Array.from({ length: 8 }, (_, n) => `  - say: "Step ${n + 1}"\n`).join('');
    const older = `flow: long\ntrigger: { on: conversation.closed }\nsteps:\n${steps}  - say: "Bye"\n`;
    const newer = older.replace('"Bye"', '"Goodbye"');
    const publish = async (source: string, baseVersion: string | null) => {
      const answer = await fetch(`${fake.url}/api/flows/long`, { method: 'PUT', headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ source, baseVersion }) });
      return ((await answer.json()) as { version: string }).version;
    };
    const first = await publish(older, null);
    await publish(newer, first);
    await withPage(browser, 'editor-language-diff', { viewport: { width: 1280, height: 900 }, locale: 'en-US' }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/flows/long/history`);
      await page.locator(`.versions li[data-version="${first}"] button`).click();
      const folded = page.locator('.diff .cm-collapsedLines').first();
      await folded.waitFor();
      const count = /^(\d+) unchanged lines$/.exec((await folded.textContent()) ?? '')?.[1];
      expect(count).toBeDefined();

      await page.locator('button.lang').click();
      await expect.poll(() => page.locator('.diff .cm-collapsedLines').first().textContent()).toBe(stringsIn('ar').cmUnchangedLines.replace('$', count!));
      await shot(page, 'editor-language-diff-ar');
    });
  }, 90_000);
});
