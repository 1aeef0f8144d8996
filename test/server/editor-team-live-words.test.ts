// What an admin reads, in English and in Arabic, in the flow editor (its status line, the warnings of a flow that still
// goes into service), in a flow's history (a rollback over a version someone replaced or removed since, or a file
// changed on disk), on the Team page (a team.yaml of the wrong shape) and at the top of every page when the live feed
// is refused for too many open streams. Against a real Switchboard in Chromium; screenshots go to
// test-results/admin-words/. Skipped, saying so, without Chromium.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDirs, quietLog, shippedDataDir, start } from '../helpers.ts';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { CHROMIUM, hasChromium, launch, replaceText } from '../admin-ui/scenario.ts';

const TOKEN = 'admin-words-token-0123456789abcdef';
const SHOTS = join(process.cwd(), 'test-results', 'admin-words');

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const title = hasChromium
  ? 'the flow editor, a flow\'s history, the Team page and the live feed, as an admin reads them in English and Arabic, in Chromium'
  : `the flow editor, a flow's history, the Team page and the live feed, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

/** A flow that goes into service with four warnings: a pattern that takes any line, one no answer tried passes, a text a # cut short, no end. */
const WARNED = `flow: faq
trigger: { on: conversation.opened, source: agent }
steps:
  - ask: "Your order number?"
    expect: regex:.*
    save: conversation.order
  - ask: "Your code?"
    expect: 'regex:(?=.*#)ORD'
    save: conversation.code
  - say: Press #1 for billing
`;

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  const running: Switchboard[] = [];

  beforeAll(async () => {
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const app of running) await app.stop();
    await cleanupDirs();
  });

  async function switchboard(): Promise<{ app: Switchboard; dir: string }> {
    const dir = await shippedDataDir();
    const app = await start(dir, { adminToken: TOKEN });
    running.push(app);
    return { app, dir };
  }

  /**
   * A new page of a browser in `locale`, signed in to the dashboard of `url`. `{ clock: true }`: its timers run on
   * Playwright's clock, at their own pace until the test moves it on (`page.clock.fastForward`).
   */
  async function admin(url: string, locale: 'ar' | 'en', options: { clock?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    if (options.clock) await page.clock.install();
    await page.goto(`${url}/admin`);
    await page.fill('#token', TOKEN);
    await page.locator('form button[type="submit"]').click();
    await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
    return page;
  }

  /** What a person reads in `selector` (the isolates that keep Latin words in place are invisible, so left out). */
  const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

  const api = (url: string) => async <T>(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api${path}`, {
      method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as T;
  };

  it('says "Unpublished changes" alone, without a separator before it, while the flow could not be checked; after a check, both', async () => {
    const { app } = await switchboard();
    for (const [locale, unsaved, valid] of [['en', 'Unpublished changes', '✓ No problems found. · Unpublished changes'], ['ar', 'تغييرات غير منشورة', '✓ لا توجد مشكلات. · تغييرات غير منشورة']] as const) {
      const page = await admin(app.url, locale);
      // The check as you type does not reach the server (a dropped connection): nothing is said of it.
      let refused = 0;
      await page.route('**/validate', (route) => {
        refused += 1;
        return route.abort();
      });
      await page.goto(`${app.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('# checked by Mona');
      await expect.poll(() => refused).toBeGreaterThanOrEqual(1);
      await page.locator('.editor-status', { hasText: unsaved }).waitFor();
      await expect.poll(() => read(page, '.editor-status')).toBe(unsaved);
      await mkdir(SHOTS, { recursive: true });
      await page.locator('.flow-editor').screenshot({ path: join(SHOTS, `status-unchecked-${locale}.png`) });
      await page.unroute('**/validate');
      await page.keyboard.type('.');
      await expect.poll(() => read(page, '.editor-status')).toBe(valid);
      await page.context().close();
    }
  }, 90_000);

  it('words a flow\'s warnings in Arabic, what the file says as written, and keeps the server\'s sentences on an English page', async () => {
    const { app } = await switchboard();
    const page = await admin(app.url, 'ar');
    await page.goto(`${app.url}/admin#/flows/faq/new`);
    await page.locator('.editor .cm-content').waitFor();
    await replaceText(page, WARNED);
    await page.locator('.problems li.warning').nth(3).waitFor();
    expect(await read(page, '.editor-status')).toBe('✓ لا توجد مشكلات؛ التحذيرات: 4 · تغييرات غير منشورة');
    const warnings = await page.locator('.problems li.warning').evaluateAll((items) => items.map((item) => (item as HTMLElement).innerText.replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim()));
    expect(warnings).toEqual([
      'السطر 5، العمود 5: يقبل هذا النمط أي إجابة من سطر واحد، فلا يُسأل العميل مجددًا أبدًا؛ أما الإجابة ذات الأسطر العديدة فيرفضها (لا يطابق . فاصل الأسطر) (لقبول أي إجابة اكتب expect: text؛ وللتحقق منها اكتب ما يجب أن تبدو عليه، مثل regex:ORD-\\d{4})',
      expect.stringMatching(/^السطر 8، العمود 5: لم تجتز النمطَ «\(\?=\.\*#\)ORD» أيُّ إجابة جُرِّبت \(ORD، .*ORD-1234، name@example\.com، 31\/12\/2025 وغيرها\): إن لم تجتزه أي إجابة، يُسأل العميل مجددًا مهما كتب حتى on_fail \(جرّب النمط على إجابة قد يكتبها عميل\)$/),
      'السطر 10، العمود 5: سيقرأ العملاء «Press» وحده: الباقي، «#1 for billing»، تعليق في YAML، لأن # بعد مسافة يبدأ تعليقًا (ضع النص كله بين علامتي اقتباس: "Press #1 for billing")',
      'السطر 10، العمود 5: قد يتجاوز المسار «faq» خطوته الأخيرة دون close أو assign؛ فتُغلق المحادثة حينها، وتبدأ رسالة العميل التالية المسار من جديد (اختمه بخطوة close ليقول ذلك، أو بخطوة assign ليحيل العميل إلى فريق)',
    ]);
    // What the file says is code, left to right, never translated.
    expect(await page.locator('.problems li.warning').nth(2).locator('code').evaluateAll((codes) => codes.map((code) => [code.textContent, code.getAttribute('dir')])))
      .toEqual([['Press', 'ltr'], ['#1 for billing', 'ltr'], ['"Press #1 for billing"', 'ltr']]);
    // The underline's tooltip says the same.
    await page.locator('.cm-gutter-lint .cm-lint-marker-warning').first().hover();
    await page.locator('.cm-tooltip-lint').waitFor();
    expect((await page.locator('.cm-tooltip-lint').innerText()).replace(/[\u2066-\u2069]/g, '')).toContain('يقبل هذا النمط أي إجابة من سطر واحد');
    await shot(page, 'flow-warnings-ar');

    const english = await admin(app.url, 'en');
    await english.goto(`${app.url}/admin#/flows/faq/new`);
    await english.locator('.editor .cm-content').waitFor();
    await replaceText(english, WARNED);
    await english.locator('.problems li.warning').nth(3).waitFor();
    expect(await read(english, '.problems li.warning >> nth=2')).toBe('line 10, column 5: customers read "Press": the rest, "#1 for billing", is a YAML comment, as a # after a space starts one (put the whole text in quotes: "Press #1 for billing")');
    expect(await read(english, '.problems li.warning >> nth=3')).toBe('line 10, column 5: flow "faq" can run past its last step without close or assign; the conversation then closes, and the customer\'s next message starts the flow again (end it with close to say so, or with assign to hand the customer to a team)');
    await shot(english, 'flow-warnings-en');
  }, 90_000);

  it('says a rollback over a version someone replaced, a file changed on disk, or a flow someone removed, since the history was opened as such, in both languages; over a file changed on disk it offers to compare, roll back over it or keep it; a removed flow is rolled back from its history', async () => {
    // The flows folder watched, as it is in service: a file changed or removed on disk is read again by itself.
    const dir = await shippedDataDir();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN: TOKEN }, log: quietLog, sweepEveryMs: 0 });
    running.push(app);
    const call = api(app.url);
    const file = join(dir, 'flows', 'inbound.yaml');
    const shipped = await readFile(file, 'utf8');
    const first = await call<{ version: string }>('GET', '/flows/inbound');
    const published = `${shipped}# Checked by Nadia\n`;
    await call('PUT', '/flows/inbound', { source: published, baseVersion: first.version });
    /** The flow's versions as the API lists them, once the file on disk is read. */
    /** Writes the file back as Nadia published it, and waits until Switchboard has read it again. */
    const restore = async () => {
      await writeFile(file, published);
      await expect.poll(async () => (await call<{ source?: string }>('GET', '/flows/inbound')).source, { timeout: 10_000 }).toBe(published);
    };
    const listed = async () => (await fetch(`${app.url}/api/flows/inbound/versions`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((res) => res.json())) as { versions?: { version: string; current: boolean }[] };
    const cases = [
      ['ar', 'published', /^لم يتم الرجوع: نشر شخص آخر هذا المسار منذ فتحت سجله، وهو الآن في الإصدار ([0-9a-f]{12}) \(الحالي في القائمة\)\. قارن مجددًا، ثم ارجع إن كنت ما زلت تريد ذلك\.$/],
      ['en', 'published', /^Not rolled back: someone published this flow since you opened its history, and it is now at version ([0-9a-f]{12}) \(the current one in the list\)\. Compare again, then roll back if you still want to\.$/],
      // Saved outside the dashboard (a text editor, a git pull): no one published it, and the notice says so.
      ['ar', 'changed', /^لم يتم الرجوع: تغيّر الملف flows\/inbound\.yaml على القرص منذ فتحت سجله \(حُفظ خارج لوحة التحكم\)، وصار في الإصدار ([0-9a-f]{12}) \(الحالي في القائمة\)\. قارنه بما كان فيه، ثم ارجع فوقه إن كنت ما زلت تريد ذلك\.$/],
      ['en', 'changed', /^Not rolled back: the file flows\/inbound\.yaml changed on disk since you opened its history \(saved outside the dashboard\), and it is now at version ([0-9a-f]{12}) \(the current one in the list\)\. Compare it with what was there, then roll back over it if you still want to\.$/],
      ['ar', 'removed', /^لم يتم الرجوع: حذف شخص آخر هذا المسار منذ فتحت سجله\.$/],
      ['en', 'removed', /^Not rolled back: someone removed this flow since you opened its history\.$/],
    ] as const;
    for (const [locale, what, said] of cases) {
      const page = await admin(app.url, locale);
      // A page that missed the live news of the change (no live stream): a change on disk is now told live, and the
      // list would show the new current version before the admin rolls back over it, which is no conflict.
      await page.addInitScript(() => {
        window.EventSource = class { readyState = 0; addEventListener(): void {} close(): void {} } as unknown as typeof EventSource;
      });
      await page.goto(`${app.url}/admin#/flows/inbound/history`);
      await page.reload();
      await page.locator('.versions li.current').waitFor();
      await page.locator('.versions li:not(.current) button').first().click();
      const rollBack = page.locator('.version-diff > button.secondary');
      await rollBack.waitFor();
      // Meanwhile the file changes on disk (a colleague's editor, a deploy), or goes, and Switchboard reads it again.
      const edited = `${published}# Edited on the server (${locale})\n`;
      // …or a colleague publishes from their own dashboard.
      const seen = (await call<{ version: string }>('GET', '/flows/inbound')).version;
      if (what === 'changed') await writeFile(file, edited);
      else if (what === 'published') await call('PUT', '/flows/inbound', { source: `${published}# Published by Omar (${locale})\n`, baseVersion: seen });
      else await rm(file);
      await expect.poll(async () => (await listed()).versions?.find((version) => version.current)?.version ?? null, { timeout: 10_000 })
        .toBe(what === 'removed' ? null : (await call<{ version: string }>('GET', '/flows/inbound')).version);
      const picked = await page.locator('.versions li.picked').getAttribute('data-version');
      await rollBack.click();
      await page.locator('.version-diff .confirm button').first().click();
      await page.locator('.history .notice.error').waitFor();
      const notice = await read(page, '.history .notice.error p, .history .notice.error:not(:has(p))');
      expect(notice).toMatch(said);
      expect(notice).not.toMatch(/^(حدث خطأ|Something went wrong)/);
      if (what !== 'removed') {
        // The version it names is the one the list now shows as current.
        const named = said.exec(notice)![1]!;
        await page.locator(`.versions li.current[data-version="${named}"]`).waitFor();
        await shot(page, `rollback-${what}-${locale}`);
      }
      if (what === 'published') {
        await restore();
      } else if (what === 'changed') {
        // As a publish refused over the file offers: what changed on disk, rolling back over it, or keeping it.
        const conflict = page.locator('.history .notice.conflict');
        const words = locale === 'ar'
          ? { compare: 'قارن بنص الملف', over: `ارجع إلى الإصدار ${picked} فوق الملف`, keep: 'تجاهل الرجوع وأبقِ الملف', change: /^ما تغيّر على القرص: الإصدار ([0-9a-f]{12}) \(على اليسار\) مقابل الملف الآن، الإصدار [0-9a-f]{12} \(على اليمين\)$/ }
          : { compare: 'Compare with the file', over: `Roll back to ${picked} over the file`, keep: 'Discard the rollback, keep the file', change: /^What changed on disk: version ([0-9a-f]{12}) \(left\) against the file now, version [0-9a-f]{12} \(right\)$/ };
        await conflict.getByRole('button', { name: words.compare }).click();
        await page.locator('.history .disk-change h2').waitFor();
        expect(await read(page, '.history .disk-change h2')).toMatch(words.change);
        expect(words.change.exec(await read(page, '.history .disk-change h2'))![1]).toBe(seen);
        // The two texts are drawn by CodeMirror a frame after the heading.
        await expect.poll(() => read(page, '.history .disk-change')).toContain(`# Edited on the server (${locale})`);
        await shot(page, `rollback-changed-compare-${locale}`);
        if (locale === 'ar') {
          // Kept: the file's text stays, nothing is rolled back.
          await conflict.getByRole('button', { name: words.keep }).click();
          await conflict.waitFor({ state: 'detached' });
          expect(await page.locator('.history .disk-change').count()).toBe(0);
          expect(await readFile(file, 'utf8')).toBe(edited);
        } else {
          // Rolled back over the file: the version picked is its text now.
          const wanted = (await call<{ source: string }>('GET', `/flows/inbound/versions/${picked}`)).source;
          await conflict.getByRole('button', { name: words.over }).click();
          await page.locator('.history .notice.ok').waitFor();
          await expect.poll(() => readFile(file, 'utf8')).toBe(wanted);
          expect(await page.locator('.history .notice.conflict').count()).toBe(0);
          await shot(page, `rollback-changed-over-${locale}`);
        }
        await restore();
      } else {
        // No current version any more: the version picked is shown alone, and rolling back to it brings the flow back.
        await expect.poll(() => read(page, '.version-diff h2')).toMatch(locale === 'ar' ? /^الإصدار [0-9a-f]{12} \(على اليمين\): ليس للمسار إصدار حالي/ : /^Version [0-9a-f]{12} \(right\): the flow has no current version/);
        await shot(page, `rollback-removed-${locale}`);
        await rollBack.click();
        await page.locator('.version-diff .confirm button').first().click();
        await page.locator('.history .notice.ok').waitFor();
        await expect.poll(async () => (await readFile(file, 'utf8').catch(() => '')).length).toBeGreaterThan(0);
      }
      await page.context().close();
      await expect.poll(async () => (await listed()).versions?.some((version) => version.current) ?? false, { timeout: 10_000 }).toBe(true);
    }
  }, 240_000);

  it('says in Arabic why a team.yaml of the wrong shape is refused on the Team page: a team or an agent no map, a list no list, a file no map', async () => {
    const { app } = await switchboard();
    const page = await admin(app.url, 'ar');
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('.editor .cm-content').waitFor();
    const refused = async (text: string): Promise<string[]> => {
      await replaceText(page, text);
      await page.locator('.toolbar button.primary').click();
      await page.locator('.notice.error').waitFor();
      await page.locator('.problems li').first().waitFor();
      return page.locator('.problems li').evaluateAll((items) => items.map((item) => (item as HTMLElement).innerText.replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim()));
    };
    expect(await refused('teams: [""]\n')).toEqual(['السطر 1، العمود 1: يجب أن يكون العنصر رقم 1 في «teams» من نوع خريطة مفاتيح، لا نص (مثل - name: Billing)']);
    await shot(page, 'team-item-not-map-ar');
    expect(await refused('teams: [3]\nagents: [3]\n')).toEqual([
      'السطر 1، العمود 1: يجب أن يكون العنصر رقم 1 في «teams» من نوع خريطة مفاتيح، لا رقم (مثل - name: Billing)',
      'السطر 2، العمود 1: يجب أن يكون العنصر رقم 1 في «agents» من نوع خريطة مفاتيح، لا رقم (مثل - name: Omar)',
    ]);
    expect(await refused('teams: Billing\n')).toEqual(['السطر 1، العمود 1: يجب أن تكون قيمة «teams» من نوع قائمة، لا نص (اكتب كلًّا منها في سطر خاص تحت teams:، مثل - name: Billing)']);
    expect(await refused('42\n')).toEqual(['السطر 1، العمود 1: يجب أن يكون team.yaml خريطة مفاتيح فيها قائمتان، teams: وagents:، لا رقم (انظر الشروح في data/team.yaml المرفق مع Switchboard)']);
    await shot(page, 'team-file-not-map-ar');

    // In English, the server's sentence as the log says it.
    const english = await admin(app.url, 'en');
    await english.goto(`${app.url}/admin#/team`);
    await english.locator('.editor .cm-content').waitFor();
    await replaceText(english, 'teams: [3]\n');
    await english.locator('.toolbar button.primary').click();
    await english.locator('.problems li').first().waitFor();
    expect(await read(english, '.problems li')).toBe('line 1, column 1: team 1 must be a map, not a number (a team is a map like "- name: Billing" with strategy: on the next line)');
  }, 90_000);

  it('says on every page, in both languages, that live updates are paused while the server already serves as many streams as it can, and goes live again once there is room', async () => {
    const { app } = await switchboard();
    // Dashboards left open elsewhere take every stream one process serves (100).
    const elsewhere: { tab: AbortController; stream: Response }[] = [];
    for (;;) {
      const tab = new AbortController();
      const stream = await fetch(`${app.url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: tab.signal });
      if (stream.status !== 200) {
        expect([stream.status, ((await stream.json()) as { kind?: string }).kind]).toEqual([503, 'tooManyStreams']);
        break;
      }
      // Held (a stream no longer referenced may be collected, and closed).
      elsewhere.push({ tab, stream });
    }
    expect(elsewhere.length).toBe(100);
    const said = {
      ar: ['غير مباشر', 'التحديثات المباشرة متوقفة: يرسلها Switchboard الآن إلى أكبر عدد يستطيعه من تبويبات لوحة التحكم. أغلق تبويبات اللوحة التي لم تعد تحتاجها؛ ستعيد هذه الصفحة المحاولة وحدها وتتابع التغييرات من جديد متى اتسع المجال. وحتى ذلك الحين لا يتغيّر ما تعرضه إلا إذا أعدت تحميلها.'],
      en: ['Not live', 'Live updates are paused: Switchboard already sends them to as many dashboard tabs as it can. Close the dashboard tabs you no longer need; this page tries again by itself and follows the changes again once there is room. Until then, what it shows changes only when you reload it.'],
    } as const;
    const pages: Page[] = [];
    for (const locale of ['ar', 'en'] as const) {
      const page = await admin(app.url, locale, { clock: true });
      pages.push(page);
      await page.goto(`${app.url}/admin#/queue`);
      await page.locator('main > .notice.warn').waitFor();
      expect([await read(page, 'header .live'), await read(page, 'main > .notice.warn')]).toEqual(said[locale]);
      await page.goto(`${app.url}/admin#/team`);
      expect(await read(page, 'main > .notice.warn')).toBe(said[locale][1]);
      await shot(page, `live-too-many-streams-${locale}`);
    }
    // Two tabs elsewhere close: each page goes live again by itself, and says so. Its next try comes at its own timer
    // (5 s after the first refusal, doubling up to a minute), which the clock reaches at once here.
    elsewhere.splice(0, 2).forEach(({ tab }) => tab.abort());
    for (const [index, locale] of (['ar', 'en'] as const).entries()) {
      const page = pages[index]!;
      await page.clock.fastForward(60_000);
      await page.locator('header .live.on').waitFor({ timeout: 30_000 });
      expect(await read(page, 'header .live')).toBe(locale === 'ar' ? 'مباشر' : 'Live');
      expect(await page.locator('main > .notice.warn').count()).toBe(0);
    }
    elsewhere.forEach(({ tab }) => tab.abort());
  }, 120_000);
});
