// The dashboard in Chromium against the fake admin API (fake-api.ts): the admin's story and the phone-sized
// Arabic pages, without the real API. The same story runs against a real Switchboard in
// test/server/dashboard.test.ts. Skipped, saying so, where Chromium is not installed.
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { BROKEN, FIXED, FLOW } from './flows.ts';
import { visitor } from '../helpers.ts';
import { adminStory, hasChromium, inChromium, phoneInArabic, SHOTS, shot, signIn, signInLive, withChromium, withPage } from './scenario.ts';

/** How far (px) the first line of an element's text ends from the right edge of its list item's content. */
const fromRight = (locator: Locator) => locator.evaluate((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const item = element.closest('li')!;
  return Math.round(item.getBoundingClientRect().right - parseFloat(getComputedStyle(item).paddingRight) - range.getClientRects()[0]!.right);
});

const title = inChromium('the dashboard in Chromium, against the fake admin API');

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;
  withChromium(() => startFakeApi({ flows: { inbound: FLOW } }), (running) => ({ browser, server: fake } = running));

  it('signs in, shows a flow error at its line, publishes the fix, follows a web chat conversation from the queue to a transfer, draws a chart and rolls back', async () => {
    await adminStory(browser, { url: fake.url, token: fake.token, flow: { name: 'inbound' }, broken: BROKEN, fixed: FIXED, transferTo: 'Billing' });
    // Every state-changing request carried the header the API asks of cookie requests.
    const changes = fake.requests.filter((request) => request.path.startsWith('/api/') && request.method !== 'GET');
    expect(changes.length).toBeGreaterThan(5);
    for (const request of changes) expect(request.headers['x-requested-with'], `${request.method} ${request.path}`).toBe('switchboard');
  }, 120_000);

  it('works on a phone-sized screen in Arabic, right to left', async () => {
    await phoneInArabic(browser, { url: fake.url, token: fake.token, flow: { name: 'inbound' } });
  }, 90_000);

  it('fits its top bar on a 360 px phone in Arabic: Sign out on the screen, nothing to scroll sideways', async () => {
    await withPage(browser, 'phone-360-ar', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
      await page.goto(`${fake.url}/admin`);
      await page.locator('#token').waitFor();
      await page.locator('button.lang').click();
      await page.locator('#token').fill(fake.token);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.locator('h1', { hasText: 'قائمة الانتظار' }).waitFor();
      await page.locator('.live.on').waitFor();
      await shot(page, 'queue-phone-360-ar');
      expect(await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])).toEqual([360, 360]);
      const signOut = (await page.getByRole('button', { name: 'تسجيل الخروج' }).boundingBox())!;
      expect(signOut.x).toBeGreaterThanOrEqual(0);
    });
  }, 60_000);

  it('tells the admin who published first, and shows their text beside theirs', async () => {
    await withPage(browser, 'conflict', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      // Another admin publishes meanwhile.
      const base = (await (await fetch(`${fake.url}/api/flows/inbound`, { headers: { authorization: `Bearer ${fake.token}` } })).json()) as { version: string };
      const theirs = FLOW.replace('Hi {{contact.name | there}}!', 'Welcome back!');
      const put = await fetch(`${fake.url}/api/flows/inbound`, { method: 'PUT', headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ source: theirs, baseVersion: base.version }) });
      expect(put.status).toBe(200);
      await page.click('.editor .cm-content');
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('  - close: "bye"\n');
      await page.getByRole('button', { name: 'Publish' }).click();
      await page.locator('.conflict', { hasText: 'Someone published first' }).waitFor();
      await page.getByRole('button', { name: 'Compare with theirs' }).click();
      await page.locator('.compare .cm-mergeView').waitFor();
      expect(await page.locator('.compare .cm-mergeView').innerText()).toContain('Welcome back!');
      await page.getByRole('button', { name: 'Publish over theirs' }).click();
      await page.locator('.notice.ok', { hasText: 'Published version' }).waitFor();
    });
  }, 60_000);

  it('shows WhatsApp Web’s QR code when that channel runs, and nothing of it otherwise', async () => {
    const withWhatsApp = await startFakeApi({ flows: { inbound: FLOW }, whatsappWeb: true });
    try {
      await withPage(browser, 'whatsapp', { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, withWhatsApp.url, withWhatsApp.token);
        // A new visit, signed in by the cookie alone: the code shows without asking for the token again.
        await page.reload();
        await page.locator('nav a[href="#/whatsapp"]').click();
        const qr = page.locator('.qr img');
        await qr.waitFor();
        expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
        expect(await page.locator('.qr').innerText()).toContain('not linked');
        expect(await page.locator('input[type="password"]').count()).toBe(0);
        const asked = withWhatsApp.requests.filter((request) => request.path === '/whatsapp/qr');
        expect(asked.length).toBeGreaterThan(0);
        for (const request of asked) expect(request.headers.authorization).toBeUndefined();
        await shot(page, 'whatsapp-desktop-en');
        await page.goto(`${fake.url}/admin`);
        await signIn(page, fake.url, fake.token);
        expect(await page.locator('nav a[href="#/whatsapp"]').count()).toBe(0);
      });
    } finally {
      await withWhatsApp.stop();
    }
  }, 60_000);

  it('says "at least" above every page when more customers wait for their channel than the server looked into, in English and in Arabic', async () => {
    // A long WhatsApp outage of a busy business: the server counted the replies of the 50 customers waiting longest
    // and the one being tried of each of the rest.
    const waiting = [{ channel: 'whatsapp-cloud', replies: 110, since: new Date(Date.now() - 20 * 60_000).toISOString(), reason: 'Service temporarily unavailable (#2)', atLeast: true }];
    for (const [locale, title, line] of [
      ['en', 'Replies not sent yet: at least 110.', /WhatsApp: at least 110, the first waiting since .+\./],
      ['ar', 'ردود لم تُرسل بعد: 110 على الأقل.', /WhatsApp: 110 على الأقل، أولها ينتظر منذ .+\./],
    ] as const) {
      await withPage(browser, `waiting-at-least-${locale}`, { locale, viewport: { width: 1280, height: 900 } }, async (page) => {
        await signInLive(page, fake.url, fake.token);
        const banner = page.locator('main .waiting-replies');
        // Told until the page's event stream hears it.
        await expect.poll(async () => {
          fake.tell('waiting', { waiting });
          return banner.count();
        }, { timeout: 20_000 }).toBe(1);
        // Without the marks that keep a Latin name and its figure apart in an Arabic sentence.
        const shown = (await banner.innerText()).replace(/[\u2066-\u2069]/g, '');
        expect(shown).toContain(title);
        expect(shown).toMatch(line);
        await shot(page, `waiting-at-least-${locale}`);
        fake.tell('waiting', { waiting: [] });
        await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0);
      });
    }
  }, 60_000);

  it('teaches the intent of a customer message from its transcript, and tries a sentence on the intents page', async () => {
    // A conversation of its own: run alone, no other test has opened one.
    const layla = visitor(fake.url, `teach-${Date.now()}`, 'Layla Teach');
    expect((await layla.say('I was charged twice <b>help</b>')).status).toBe(202);
    const id = (await (await fetch(`${fake.url}/api/conversations?q=Layla%20Teach`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { conversations: { id: number }[] }).conversations[0]!.id;
    await withPage(browser, 'nlp', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/conversations/${id}`);
      await page.locator('.message.contact .teach').first().click();
      await page.locator('.teach-form input').fill('billing');
      await page.getByRole('button', { name: 'Add as example' }).click();
      await page.locator('.teach-form .notice.ok', { hasText: 'Added as an example of billing' }).waitFor();
      const added = fake.requests.filter((request) => request.path === '/api/nlp/examples').at(-1);
      expect(added?.body).toMatchObject({ intent: 'billing', text: 'I was charged twice <b>help</b>' });

      await page.locator('nav a[href="#/nlp"]').click();
      await page.locator('tr[data-intent="billing"]').waitFor();
      // The eval figures of the model in service: overall, per intent, and what is mixed up.
      expect(await page.locator('.eval [data-figure="accuracy"]').innerText()).toContain('91.4%');
      expect(await page.locator('.eval [data-figure="confident"]').innerText()).toMatch(/78\.1%\s+Right and confident \(≥ 45%\)/);
      expect(await page.locator('.eval [data-figure="background"]').innerText()).toContain('64%');
      expect(await page.locator('tr[data-intent="tech_support"] .accuracy').innerText()).toBe('84%');
      expect(await page.locator('.eval .confused li').first().innerText()).toBe('tech_support taken for billing × 3');
      expect(await page.locator('.eval').innerText()).toContain('5-fold cross-validation');
      await shot(page, 'nlp-desktop-en');
      await page.getByRole('searchbox', { name: 'Try a sentence' }).fill('charged twice');
      await page.getByRole('button', { name: 'Try', exact: true }).click();
      expect(await page.locator('.tried').innerText()).toContain('billing · confidence 87%');
    });
  }, 60_000);

  it('says, while a training file is refused, that nothing is trained until it is fixed and whose figures are shown, in English and in Arabic', async () => {
    const refused = {
      errors: ['nlp/extra.yaml:4:3: "billing" is written twice here (write it once, with all its examples under it)'],
      problems: [{ file: 'nlp/extra.yaml', line: 4, column: 3, message: '"billing" is written twice here (write it once, with all its examples under it)', known: { kind: 'writtenTwice' as const, name: 'billing' } }],
      unlisted: ['nlp/extra.yaml'],
      model: 'previous' as const,
    };
    fake.setNlp({ refused, eval: undefined });
    try {
      await withPage(browser, 'nlp-refused-previous-model', { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, fake.url, fake.token);
        await page.goto(`${fake.url}/admin#/nlp`);
        await page.locator('.notice.error .refused').waitFor();
        // No figures, and none coming: no training happens until the file is fixed.
        const panel = page.locator('.eval');
        expect(await panel.innerText()).toContain('No figures: the training data is refused, so nothing is trained until the file is fixed; the figures of the new model are computed after that training.');
        expect(await panel.innerText()).not.toContain('in a few seconds');
        await shot(page, 'nlp-refused-previous-model-en');
        await page.locator('button.lang').click();
        await page.locator('.refused p.model', { hasText: 'النموذج المدرَّب سابقًا' }).waitFor();
        expect(await panel.innerText()).toContain('لا أرقام: بيانات التدريب مرفوضة، فلا يُدرَّب أي نموذج حتى يُصلَح الملف؛ وتُحسب أرقام النموذج الجديد بعد ذلك التدريب.');
        expect(await panel.innerText()).not.toContain('خلال ثوانٍ');
        await shot(page, 'nlp-refused-previous-model-ar');

        // The figures of the model trained before, said to be that model's.
        fake.setNlp({ refused });
        await page.reload();
        await page.locator('.eval [data-figure="accuracy"]').waitFor();
        expect(await panel.innerText()).toContain('هذه أرقام النموذج المدرَّب قبل التغيير المرفوض، وهو ما زال في الخدمة. لا يُدرَّب أي نموذج حتى يُصلَح الملف؛ وتُحسب أرقام النموذج الجديد بعد ذلك التدريب.');
        await shot(page, 'nlp-refused-previous-figures-ar');
        await page.locator('button.lang').click();
        await page.locator('.refused p.model', { hasText: 'The model trained before keeps serving' }).waitFor();
        expect(await panel.innerText()).toContain('These are the figures of the model trained before the refused change, the one still in service. Nothing is trained until the file is fixed; the figures of the new model are computed after that training.');
        expect(await page.locator('.eval [data-figure="accuracy"]').innerText()).toContain('91.4%');
        await shot(page, 'nlp-refused-previous-figures-en');
      });
    } finally {
      fake.setNlp({});
    }
  }, 90_000);

  it('says a model is being trained and shows its figures as they come, without a reload; says when the last training failed, or the examples cannot be cross-validated', async () => {
    fake.setNlp({ training: 'under way', eval: undefined });
    try {
      await withPage(browser, 'nlp-figures-coming', { viewport: { width: 1280, height: 900 } }, async (page) => {
        // The page's clock runs on as a real one, and is moved on to its next look at the figures below.
        await page.clock.install();
        await signIn(page, fake.url, fake.token);
        await page.goto(`${fake.url}/admin#/nlp`);
        await page.locator('table.list').waitFor();
        const panel = page.locator('.eval');
        expect(await panel.innerText()).toContain('A model of these examples is being trained; its figures are computed after that and appear here once ready.');
        await shot(page, 'nlp-training-en');
        // Trained, and its figures computed: they appear as the panel said, the page not reloaded.
        fake.setNlp({});
        // Its next look (3 s after the last) comes at once.
        await page.clock.fastForward(3_000);
        await panel.locator('[data-figure="accuracy"]').waitFor({ timeout: 10_000 });
        expect(await panel.innerText()).not.toContain('being trained');

        fake.setNlp({ training: 'failed', eval: undefined });
        await page.reload();
        await page.locator('table.list').waitFor();
        expect(await panel.innerText()).toContain('No figures: the last training failed (the bot’s log says why). Retrain to try again.');
        fake.setNlp({ evalSkipped: 'cross-validation needs at least two intents', eval: undefined });
        await page.reload();
        await page.locator('table.list').waitFor();
        expect(await panel.innerText()).toContain('No figures: cross-validation needs at least two intents, each with at least two examples.');
        // Their thread failed: none are coming, and the page stops asking.
        fake.setNlp({ evalFailed: true, eval: undefined });
        await page.reload();
        await page.locator('table.list').waitFor();
        expect(await panel.innerText()).toContain('No figures: the model serves, but its figures could not be computed (the bot’s log says why). Retrain to try again.');
        await page.locator('button.lang').click();
        await page.locator('.eval h2', { hasText: 'مدى نجاح' }).waitFor();
        expect(await panel.innerText()).toContain('لا أرقام: النموذج في الخدمة، لكن تعذّر حساب أرقامه');
        await page.locator('button.lang').click();
        await page.locator('.eval h2', { hasText: /^[A-Za-z]/ }).waitFor();
        fake.setNlp({ evalSkipped: 'cross-validation needs at least two intents', eval: undefined });
        await page.reload();
        await page.locator('table.list').waitFor();
        await page.locator('button.lang').click();
        await page.locator('.eval h2', { hasText: 'مدى نجاح' }).waitFor();
        expect(await panel.innerText()).toContain('لا أرقام: يحتاج التحقق المتقاطع إلى نيتين على الأقل، لكل منهما مثالان على الأقل.');
        fake.setNlp({ training: 'under way', eval: undefined });
        await page.reload();
        await page.locator('table.list').waitFor();
        expect(await panel.innerText()).toContain('يُدرَّب الآن نموذج على هذه الأمثلة؛ تُحسب أرقامه بعد ذلك وتظهر هنا فور جاهزيتها.');
        await shot(page, 'nlp-training-ar');
      });
    } finally {
      fake.setNlp({});
    }
  }, 90_000);

  it('says what the training data check finds in the admin’s language, and why there are no figures only once; paths and English errors read left to right inside Arabic', async () => {
    // What GET /api/nlp says of two intents, one with a single English example: the check's findings, by kind, and
    // why cross-validation has no figures (the eval panel says it); an error the check could not name, as it came.
    const findings = [
      { file: 'nlp/admin.yaml', line: 4, kind: 'near duplicate', intent: 'sales', text: 'how much is it', twin: { intent: 'billing', text: 'how much is it?', at: 'nlp/intents.yaml:3' }, message: '"how much is it" (sales) is nearly the same as "how much is it?" (billing, nlp/intents.yaml:3): the model cannot tell them apart; keep one, or reword them so they differ' },
      { file: 'nlp/intents.yaml', line: 9, kind: 'few examples', intent: 'sales', count: 1, min: 5, message: 'intent "sales" has 1 example; give it at least 5 (10 to 30 work best)' },
      { file: 'nlp/intents.yaml', line: 9, kind: 'missing language', intent: 'sales', language: 'ar', having: ['billing'], message: 'intent "sales" has no Arabic examples while "billing" has: Arabic messages meant for it will go elsewhere or get the clarify question; add a few' },
    ];
    const unreadable = "Error: EACCES: permission denied, open 'nlp/extra.yaml'";
    fake.setNlp({ eval: undefined, evalSkipped: 'intent "sales" has 1 example; cross-validation needs at least 2 per intent', findings, warnings: [unreadable] });
    try {
      await withPage(browser, 'nlp-findings', { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, fake.url, fake.token);
        await page.goto(`${fake.url}/admin#/nlp`);
        await page.locator('table.list').waitFor();
        const checked = page.locator('.notice.warn');
        expect(await checked.innerText()).toContain('Intent sales has too few examples (1); give it at least 5 (10 to 30 work best).');
        expect(await checked.innerText()).toContain('Intent sales has no examples in Arabic, unlike billing: messages in Arabic meant for it');
        await shot(page, 'nlp-findings-en');
        await page.locator('button.lang').click();
        await page.locator('.eval h2', { hasText: 'مدى نجاح' }).waitFor();
        await shot(page, 'nlp-findings-ar');
        // As read: the isolates around names and paths are not seen.
        const text = (await checked.innerText()).replace(/[\u2066-\u2069]/g, '');
        expect(text).toContain('أمثلة النية sales قليلة (1)؛ أعطها 5 أمثلة على الأقل (الأفضل من 10 إلى 30).');
        expect(text).toContain('ليس للنية sales أمثلة بالعربية، بخلاف billing: الرسائل بالعربية المقصودة بها ستذهب إلى غيرها');
        expect(text).toContain('«how much is it» (sales) يكاد يطابق «how much is it?» (billing، nlp/intents.yaml:3)');
        // The eval panel says why there are no figures, in Arabic; the English reason is not said again beside it.
        expect(await page.locator('.eval').innerText()).toContain('لا أرقام: يحتاج التحقق المتقاطع إلى نيتين على الأقل، لكل منهما مثالان على الأقل.');
        expect(text).not.toContain('no eval figures');
        expect(text).not.toContain('cross-validation');
        // The only English left is the error the check could not name, marked as English, left to right.
        const english = checked.locator('[lang="en"]');
        expect(await english.allInnerTexts()).toEqual([unreadable]);
        expect(await english.getAttribute('dir')).toBe('ltr');
        // Where the Arabic sentences start: its item's bullet on the right, its line ending at the right edge.
        expect(await english.evaluate((element) => getComputedStyle(element.closest('li')!).direction)).toBe('rtl');
        expect(await fromRight(english)).toBeLessThanOrEqual(1);
        // Where to fix each finding, a path, reads left to right.
        expect(await checked.locator('code.at').allInnerTexts()).toEqual(['nlp/admin.yaml:4', 'nlp/intents.yaml:9', 'nlp/intents.yaml:9']);
        for (const at of await checked.locator('code.at').all()) expect(await at.getAttribute('dir')).toBe('ltr');
      });
    } finally {
      fake.setNlp({});
    }
  }, 90_000);

  it('says which intent an example was added to with its name set apart, as the check’s findings do: in Arabic a Latin name, in English an Arabic one', async () => {
    await withPage(browser, 'nlp-example-added', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/nlp`);
      await page.locator('table.list').waitFor();
      /** Tries `text`, adds it as an example of `intent`, and gives the notice's text (isolates included) and its element. */
      const teach = async (text: string, intent: string) => {
        await page.locator('form.filters input[type="search"]').fill(text);
        await page.locator('form.filters button[type="submit"]').click();
        await page.locator('.tried').waitFor();
        await page.locator('button.teach').first().click();
        await page.locator('.teach-form input').fill(intent);
        await page.locator('.teach-form button[type="submit"]').click();
        const notice = page.locator('.teach-form .notice.ok');
        await notice.waitFor();
        return { said: await notice.textContent(), notice };
      };
      await page.locator('button.lang').click();
      await page.locator('.eval h2', { hasText: 'مدى نجاح' }).waitFor();
      // Without the isolates, a name that ends in "_" reads "_refund" beside the Arabic semicolon.
      const arabic = await teach('money back please', 'refund_');
      // As seen: the name reads left to right, its "_" after its "d", not before its "r".
      expect(await arabic.notice.evaluate((element) => {
        const node = element.firstChild!;
        const at = (index: number) => {
          const range = document.createRange();
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          return range.getBoundingClientRect().left;
        };
        const start = node.textContent!.indexOf('refund_');
        return [at(start), at(start + 5), at(start + 6)].map((left, i, all) => i === 0 || left > all[i - 1]!);
      })).toEqual([true, true, true]);
      expect(arabic.said).toBe('أُضيفت مثالًا على \u2068refund_\u2069؛ يُعاد تدريب النموذج.');
      await shot(page, 'nlp-example-added-ar');
      await arabic.notice.screenshot({ path: join(SHOTS, 'nlp-example-added-ar-close.png') });
      await page.locator('button.lang').click();
      await page.locator('.eval h2', { hasText: 'How well' }).waitFor();
      await page.reload();
      await page.locator('table.list').waitFor();
      const english = await teach('أريد استرداد المبلغ', 'استرداد');
      expect(english.said).toBe('Added as an example of \u2068استرداد\u2069; the model retrains.');
      await shot(page, 'nlp-example-added-en');
      await english.notice.screenshot({ path: join(SHOTS, 'nlp-example-added-en-close.png') });
    });
  }, 90_000);

  it('keeps, in Arabic, a refused file’s English error and the examples’ folder where the Arabic sentences start, on a phone too', async () => {
    const twice = '"billing" is written twice here (write it once, with all its examples under it)';
    const refused = {
      errors: [`nlp/extra.yaml:4:3: ${twice}`, 'nlp/extra.yaml:9:1: a tab indents this line'],
      problems: [
        { file: 'nlp/extra.yaml', line: 4, column: 3, message: twice, known: { kind: 'writtenTwice' as const, name: 'billing' } },
        { file: 'nlp/extra.yaml', line: 9, column: 1, message: 'a tab indents this line' },
      ],
      unlisted: ['nlp/extra.yaml'],
      model: 'none' as const,
    };
    try {
      await withPage(browser, 'nlp-bidi-phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }, async (page) => {
        fake.setNlp({ intents: [], eval: undefined });
        await signIn(page, fake.url, fake.token);
        await page.goto(`${fake.url}/admin#/nlp`);
        await page.locator('.eval p').waitFor();
        await shot(page, 'nlp-no-data-phone-en');
        await page.locator('button.lang').click();
        await page.locator('.eval h2', { hasText: 'مدى نجاح' }).waitFor();
        // The folder is a path of its own, left to right, in no bracket a line could start with.
        const note = page.locator('.eval p');
        expect(await note.innerText()).toBe('لا توجد أمثلة تدريب بعد: تظهر الأرقام مع أولها. اكتبها في ملفات DATA_DIR/nlp، أو «علّم نيتها» في محادثة.');
        expect(await note.locator('code').innerText()).toBe('DATA_DIR/nlp');
        expect(await note.locator('code').getAttribute('dir')).toBe('ltr');
        await shot(page, 'nlp-no-data-phone-ar');
        fake.setNlp({ refused, eval: undefined });
        await page.reload();
        await page.locator('.notice.error .refused').waitFor();
        await shot(page, 'nlp-refused-phone-ar');
        // Each error starts where the Arabic above it starts: bullet and line on the right. What the page has no words
        // for stays the server's English, left to right, inside its Arabic line.
        const items = page.locator('.refused li');
        expect(await items.count()).toBe(2);
        for (const item of await items.all()) {
          expect(await item.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
          // Its text reaches the right edge of the item's content (a line mixing both directions has several runs).
          expect(await item.evaluate((element) => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const right = Math.max(...[...range.getClientRects()].map((rect) => rect.right));
            return Math.round(element.getBoundingClientRect().right - parseFloat(getComputedStyle(element).paddingRight) - right);
          })).toBeLessThanOrEqual(1);
        }
        const english = page.locator('.refused li [lang="en"]');
        expect(await english.allInnerTexts()).toEqual(['a tab indents this line']);
        expect(await english.getAttribute('dir')).toBe('ltr');
      });
    } finally {
      fake.setNlp({});
    }
  }, 90_000);

  it('refreshes the team page when an agent’s status or load changes (the live `agents` event)', async () => {
    await withPage(browser, 'team', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/team`);
      const omar = page.locator('tr[data-agent="omar"]');
      await omar.locator('.status-online').waitFor();
      await page.locator('.live.on').waitFor();
      // Since when Omar has been online, as the API gives it (statusSince): a date, not "—".
      expect(await omar.locator('td').last().innerText()).toMatch(/\d{4}/);
      fake.setAgent('omar', { status: 'away', open: 2 });
      await omar.locator('.status-away').waitFor();
      expect(await omar.innerText()).toContain('2 / 3');
      fake.setAgent('omar', { status: 'online', open: 0 });
      await omar.locator('.status-online').waitFor();
    });
  }, 60_000);

  it('edits a contact’s fields and erases the contact after a confirmation', async () => {
    await withPage(browser, 'contacts', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/contacts`);
      const row = page.locator('.rows .row a', { hasText: 'Layla' }).first();
      await row.click();
      await page.getByRole('button', { name: 'Add field' }).click();
      await page.getByLabel('Field', { exact: true }).last().fill('plan');
      await page.getByLabel('Value plan').fill('gold');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('.notice.ok', { hasText: 'Saved' }).waitFor();
      const patch = fake.requests.filter((request) => request.method === 'PATCH').at(-1);
      // With what the admin read of the field it adds (none): the server refuses it if someone added one meanwhile.
      expect(patch?.body).toEqual({ fields: { plan: 'gold' }, seen: { fields: { plan: null } } });
      await page.getByRole('button', { name: 'Erase contact' }).click();
      expect(fake.requests.some((request) => request.method === 'DELETE')).toBe(false);
      await page.getByRole('button', { name: 'Erase for good' }).click();
      await page.locator('.notice.ok', { hasText: 'Erased: 1 conversation(s)' }).waitFor();
    });
  }, 60_000);

  it('asks before closing a conversation, in English and in Arabic, and closes nothing when the admin cancels', async () => {
    const rania = visitor(fake.url, `close-${Date.now()}`, 'Rania');
    expect((await rania.say('Where is my parcel?')).status).toBe(202);
    const id = (await (await fetch(`${fake.url}/api/conversations?q=Rania`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { conversations: { id: number }[] }).conversations[0]!.id;
    const closes = () => fake.requests.filter((request) => request.method === 'POST' && request.path === `/api/conversations/${id}/close`).length;
    await withPage(browser, 'close-confirm', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/conversations/${id}`);
      await page.locator('#closing-note').fill('Parcel found.');
      await page.getByRole('button', { name: 'Close conversation' }).click();
      const asking = page.getByRole('alertdialog', { name: 'Close conversation' });
      expect(await asking.locator('p').innerText()).toBe(`Close conversation #${id} with Rania? The customer is told it is closed.`);
      expect(closes()).toBe(0);
      await shot(page, 'close-confirm-desktop-en');
      await asking.getByRole('button', { name: 'Cancel' }).click();
      expect(closes()).toBe(0);
      // Enter in the note asks too: it never closes at once.
      await page.locator('#closing-note').press('Enter');
      await asking.waitFor();
      expect(closes()).toBe(0);
      await asking.getByRole('button', { name: 'Close conversation' }).click();
      await page.locator('.details .stage', { hasText: 'Closed' }).waitFor();
      expect(closes()).toBe(1);
      // It says the newest message the page showed, and who held the conversation (nobody: Rania was with the bot): the
      // server refuses a close on words the admin never saw, or of a conversation an agent took meanwhile.
      const shown = (await (await fetch(`${fake.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { messages: { id: number }[] }).messages;
      expect(fake.requests.filter((request) => request.path === `/api/conversations/${id}/close`).at(-1)?.body).toEqual({ note: 'Parcel found.', shareNote: false, seen: Math.max(...shown.map((message) => message.id)), holder: null });
    });
    const sami = visitor(fake.url, `close-ar-${Date.now()}`, 'سامي');
    expect((await sami.say('مرحبا')).status).toBe(202);
    const arabicId = id + 1;
    await withPage(browser, 'close-confirm-ar', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
      await page.goto(`${fake.url}/admin`);
      await page.locator('#token').waitFor();
      await page.locator('button.lang').click();
      await page.locator('#token').fill(fake.token);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.locator('h1', { hasText: 'قائمة الانتظار' }).waitFor();
      await page.goto(`${fake.url}/admin#/conversations/${arabicId}`);
      await page.getByRole('button', { name: 'إغلاق المحادثة' }).click();
      const asking = page.getByRole('alertdialog', { name: 'إغلاق المحادثة' });
      // The name is set apart (isolated), as names are in every Arabic line.
      expect(await asking.locator('p').innerText()).toBe(`إغلاق المحادثة #${arabicId} مع \u2068سامي\u2069؟ سيُبلَّغ العميل بإغلاقها.`);
      await asking.scrollIntoViewIfNeeded();
      await shot(page, 'close-confirm-phone-360-ar');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
      await asking.getByRole('button', { name: 'إلغاء' }).click();
      expect(fake.requests.some((request) => request.path === `/api/conversations/${arabicId}/close`)).toBe(false);
    });
  }, 60_000);

  it('previews each conversation by the customer\'s last words, and a voice note sent alone by what it is, in English and in Arabic', async () => {
    // The fake answers as the server does (its rule, summary.ts): before, its lists showed the bot's queue line.
    const hind = visitor(fake.url, `preview-${Date.now()}`, 'Hind Preview');
    expect((await hind.say('My card was charged twice')).status).toBe(202);
    const id = (await (await fetch(`${fake.url}/api/conversations?q=Hind%20Preview`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { conversations: { id: number }[] }).conversations[0]!.id;
    await withPage(browser, 'previews', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/queue`);
      const card = page.locator(`.card[data-id="${id}"] .last`);
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toBe('My card was charged twice');
      // Then a voice note without a word: the card changes by itself (the live stream), and says what came.
      fake.sendFile((await hind.credentials()).session, { kind: 'audio', voice: true });
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toBe('🎤 Voice message');
      await shot(page, 'preview-voice-queue-en');
      await page.goto(`${fake.url}/admin#/conversations`);
      await expect.poll(() => page.locator(`.row[data-id="${id}"] .last`).innerText(), { timeout: 15_000 }).toBe('🎤 Voice message');
      await page.locator('button.lang').click();
      await page.goto(`${fake.url}/admin#/queue`);
      await expect.poll(() => card.innerText(), { timeout: 15_000 }).toBe('🎤 رسالة صوتية');
      await shot(page, 'preview-voice-queue-ar');
    });
  }, 60_000);

  it('counts a conversation\'s flow steps from 1, as people do', async () => {
    const omar = visitor(fake.url, `step-${Date.now()}`, 'Omar Step');
    expect((await omar.say('hello')).status).toBe(202);
    const id = (await (await fetch(`${fake.url}/api/conversations?q=Omar%20Step`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { conversations: { id: number }[] }).conversations[0]!.id;
    await withPage(browser, 'flow-step', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/conversations/${id}`);
      const flow = page.locator('.details dd.flow');
      await flow.waitFor();
      // The API says step 0: the first step of the flow; "step" and its number stay on one line (a no-break space).
      expect(await flow.innerText()).toMatch(/^inbound \(\w+\) · step\u00a01$/);
      await page.locator('button.lang').click();
      expect(await flow.innerText()).toMatch(/^inbound \(\w+\) · الخطوة\u00a01$/);
      await shot(page, 'flow-step-desktop-ar');
      await page.locator('button.lang').click();
    });
  }, 60_000);

  it('says why an address shows nothing (a conversation that does not exist), without a Retry that cannot help', async () => {
    await withPage(browser, 'not-found', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/conversations/999`);
      const notice = page.locator('.notice.error');
      await notice.waitFor();
      expect(await notice.innerText()).toBe('Not found: no such conversation.');
      expect(await notice.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      await shot(page, 'not-found');
    });
  }, 60_000);

  it('pages through the contacts with Load more', async () => {
    for (let n = 1; n <= 60; n++) fake.addContact(`Paged customer ${n}`);
    await withPage(browser, 'contacts-more', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, fake.url, fake.token);
      await page.goto(`${fake.url}/admin#/contacts`);
      const rows = page.locator('.rows .row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(50);
      expect(await rows.first().innerText()).toContain('Paged customer 60');
      await page.getByRole('button', { name: 'Load more' }).click();
      await page.locator('.rows .row .who').getByText('Paged customer 1', { exact: true }).waitFor();
      const names = await page.locator('.rows .row .who').allInnerTexts();
      expect(names.filter((name) => name.startsWith('Paged customer'))).toEqual(Array.from({ length: 60 }, (_, i) => `Paged customer ${60 - i}`));
      expect(new Set(names).size).toBe(names.length);
      expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
      await shot(page, 'contacts-paged');
    });
  }, 60_000);

  it('draws an Arabic name ending in digits ("ليلى095") in one order on every page, English and Arabic: the digits after the name, on its left', async () => {
    const name = 'ليلى095';
    const layla = visitor(fake.url, `digits-${Date.now()}`, name);
    expect((await layla.say('مرحبا')).status).toBe(202);
    const id = (await (await fetch(`${fake.url}/api/conversations?q=${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${fake.token}` } })).json() as { conversations: { id: number }[] }).conversations[0]!.id;
    /** Where the name's letters and its digits are drawn: [letters' left, digits' left], in CSS px. */
    const drawn = (locator: Locator) => locator.evaluate((element, text) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      let node: Text | null;
      while ((node = walker.nextNode() as Text | null) && !node.data.includes(text));
      const at = node!.data.indexOf(text);
      const left = (from: number, to: number) => {
        const range = document.createRange();
        range.setStart(node!, at + from);
        range.setEnd(node!, at + to);
        return range.getBoundingClientRect().left;
      };
      return [left(0, 4), left(4, 7)];
    }, name);
    for (const arabic of [false, true]) {
      await withPage(browser, `name-digits-${arabic ? 'ar' : 'en'}`, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, fake.url, fake.token);
        if (arabic) await page.locator('button.lang').click();
        const places: Record<string, Locator> = {
          queue: page.locator(`.card[data-id="${id}"] .who`),
          conversations: page.locator(`.row[data-id="${id}"] .who`),
          transcript: page.locator('h1 .who'),
          contacts: page.locator('.who', { hasText: name }).first(),
        };
        const pages: Record<string, string> = { queue: '#/queue', conversations: '#/conversations', transcript: `#/conversations/${id}`, contacts: '#/contacts' };
        for (const [place, locator] of Object.entries(places)) {
          await page.goto(`${fake.url}/admin${pages[place]}`);
          await locator.waitFor();
          const [letters, digits] = await drawn(locator);
          expect(digits!, `${place}, ${arabic ? 'Arabic' : 'English'}`).toBeLessThan(letters!);
        }
      });
    }
  }, 60_000);
});
