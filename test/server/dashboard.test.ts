// The dashboard at /admin on a real Switchboard: the page and its bundle over HTTP (off without ADMIN_TOKEN, no
// CDN, a strict content security policy), and the admin's whole story in Chromium against the real admin API,
// with a real web chat visitor (scenario in test/admin-ui/scenario.ts). The browser part is skipped, saying so,
// without Chromium.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith, shippedDataDir, start, visitor } from '../helpers.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { BROKEN, FIXED, FLOW, TEAM } from '../admin-ui/flows.ts';
import { adminStory, CHROMIUM, hasChromium, launch, phoneInArabic, replaceText, shot, signIn, withPage } from '../admin-ui/scenario.ts';

const TOKEN = 'dashboard-test-admin-token-0123456789';

async function dataDir(): Promise<string> {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  await writeFile(join(dir, 'team.yaml'), TEAM);
  return dir;
}

describe('the dashboard page', () => {
  afterEach(cleanupDirs);

  it('says how to turn it on when ADMIN_TOKEN is not set', async () => {
    const app = await start(await dataDir());
    try {
      const res = await fetch(`${app.url}/admin`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/<code>ADMIN_TOKEN<\/code>/);
      expect((await fetch(`${app.url}/admin/assets/app.js`)).status).not.toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('serves the page and its bundled script and styles from the package, under a strict content security policy', async () => {
    // Bundled from src/admin-ui at the first visit, as `npm start` does (other tests' servers serve a prebuilt one).
    const app = await start(await dataDir(), { adminToken: TOKEN, dashboardFromSources: true });
    try {
      const page = await fetch(`${app.url}/admin`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await page.text();
      expect(html).toContain('<script type="module" src="/admin/assets/app.js"></script>');
      expect(html).not.toMatch(/(src|href)="https?:/);

      const script = await fetch(`${app.url}/admin/assets/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
      const js = await script.text();
      expect(js.length).toBeGreaterThan(100_000);
      expect(js).not.toMatch(/https:\/\/(unpkg|cdn\.|esm\.sh)/);
      // A browser revalidating what it has (fetch sends cache-control: no-cache unless told otherwise) gets a 304.
      expect(script.headers.get('content-encoding')).toBe('gzip'); // fetch asks for it, and unzips
      const etag = script.headers.get('etag')!;
      expect((await fetch(`${app.url}/admin/assets/app.js`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } })).status).toBe(304);

      const styles = await fetch(`${app.url}/admin/assets/app.css`);
      expect(styles.status).toBe(200);
      expect(await styles.text()).toContain('.notice');
      expect((await fetch(`${app.url}/admin/assets/other.js`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});

const title = hasChromium
  ? 'the dashboard in Chromium, against the real admin API'
  : `the dashboard in Chromium, against the real admin API: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let app: Switchboard;

  beforeAll(async () => {
    app = await start(await dataDir(), { adminToken: TOKEN });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cleanupDirs();
  });

  it('signs in, shows a flow error at its line, publishes the fix, follows a web chat conversation from the queue to a transfer, draws a chart and rolls back', async () => {
    await adminStory(browser, { url: app.url, token: TOKEN, flow: { name: 'inbound' }, broken: BROKEN, fixed: FIXED, transferTo: 'Billing' });
  }, 120_000);

  it('works on a phone-sized screen in Arabic, right to left', async () => {
    await phoneInArabic(browser, { url: app.url, token: TOKEN, flow: { name: 'inbound' } });
  }, 90_000);

  it('shows a training file refused from the start at the line and column to fix, that no model serves, and the examples of the file that reads well, in English and Arabic', async () => {
    const dir = await dataDir();
    await mkdir(join(dir, 'nlp'));
    await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n  billing:\n    - refund please\n');
    await writeFile(join(dir, 'nlp', 'sales.yaml'), 'intents:\n  sales:\n    - how much is the pro plan\n    - كم سعر الباقة\n');
    const refused = await start(dir, { adminToken: TOKEN });
    try {
      await withPage(browser, 'nlp-refused-file', { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, refused.url, TOKEN, 'Nadia');
        await page.goto(`${refused.url}/admin#/nlp`);
        const notice = page.locator('.notice.error .refused');
        await notice.waitFor();
        await page.locator('tr[data-intent="sales"]').waitFor();
        await shot(page, 'nlp-refused-file');
        expect(await notice.locator('li').allInnerTexts()).toEqual(['nlp/intents.yaml, line 4, column 3: "billing" is written twice here (write it once, with all its examples under it)']);
        expect(await notice.locator('p').allInnerTexts()).toEqual([
          'The training data is refused: the bot does not learn from the files as they are now. Fix this, and it retrains:',
          'No model is in service: the bot recognises no intent until the file is fixed.',
        ]);
        expect(await page.locator('.eval').innerText()).toContain('No figures: no model is in service while the training data is refused.');
        expect(await page.locator('p.unlisted').allInnerTexts()).toEqual(['The examples of nlp/intents.yaml cannot be listed until that file is fixed.']);
        // The examples of sales.yaml are listed; not "No training examples yet", which they would contradict.
        expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-intent')))).toEqual(['sales']);
        expect(await page.locator('tr[data-intent="sales"] summary').innerText()).toBe('2');
        expect(await page.locator('main').innerText()).not.toContain('No training examples yet');

        await page.locator('button.lang').click();
        await page.locator('.refused p.model', { hasText: 'لا يوجد نموذج' }).waitFor();
        await shot(page, 'nlp-refused-file-ar');
        expect(await notice.locator('p').allInnerTexts()).toEqual([
          'بيانات التدريب مرفوضة: لا يتعلم البوت من الملفات كما هي الآن. أصلح ما يلي، فيُعاد التدريب:',
          'لا يوجد نموذج في الخدمة: لا يتعرّف البوت على أي نية حتى يُصلَح الملف.',
        ]);
        expect(await notice.locator('li').innerText()).toBe('\u2068nlp/intents.yaml\u2069، السطر 4، العمود 3: كُتب «billing» مرتين هنا (اكتبه مرة واحدة، وتحته كل أمثلته)');
        expect(await page.locator('p.unlisted').innerText()).toBe('لا يمكن عرض أمثلة \u2068nlp/intents.yaml\u2069 حتى يُصلَح هذا الملف.');
        expect(await page.locator('.eval').innerText()).toContain('لا أرقام: لا يوجد نموذج في الخدمة ما دامت بيانات التدريب مرفوضة.');
      });
    } finally {
      await refused.stop();
    }
  }, 90_000);

  it('shows a training file refused while a model serves: the model trained before keeps serving, and the other files\' examples', async () => {
    const dir = await shippedDataDir();
    const served = await start(dir, { adminToken: TOKEN });
    try {
      await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  billing:\n    - my bill is wrong\n  billing:\n    - refund please\n');
      await served.intents.ready();
      await withPage(browser, 'nlp-refused-file-previous-model', { viewport: { width: 1280, height: 900 } }, async (page) => {
        await signIn(page, served.url, TOKEN, 'Nadia');
        await page.goto(`${served.url}/admin#/nlp`);
        const notice = page.locator('.notice.error .refused');
        await notice.waitFor();
        await page.locator('tr[data-intent="billing"]').waitFor();
        await shot(page, 'nlp-refused-file-previous-model');
        expect(await notice.locator('li').allInnerTexts()).toEqual(['nlp/extra.yaml, line 4, column 3: "billing" is written twice here (write it once, with all its examples under it)']);
        expect(await notice.locator('p.model').innerText()).toBe('The model trained before keeps serving: intents are recognised as they were before this change.');
        // No figures are coming until the file is fixed: whether or not the previous model's are shown, the panel says so.
        expect(await page.locator('.eval').innerText()).toMatch(/nothing is trained until the file is fixed/i);
        expect(await page.locator('p.unlisted').allInnerTexts()).toEqual(['The examples of nlp/extra.yaml cannot be listed until that file is fixed.']);
        // The shipped intents.yaml reads well: its examples are listed, as the model in service learnt them.
        expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-intent')))).toEqual(['billing', 'tech_support', 'sales', 'other']);
        await page.locator('tr[data-intent="billing"] summary').click();
        expect(await page.locator('tr[data-intent="billing"] li').allInnerTexts()).toContain('I was charged twice this month');
        expect(await page.locator('tr[data-intent="billing"] li').allInnerTexts()).not.toContain('my bill is wrong');
      });
    } finally {
      await served.stop();
    }
  }, 90_000);

  it('says, as the admin types and when they publish, how big the flow is and how big a flow may be', async () => {
    await withPage(browser, 'flow-too-large', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      // A pasted flow with a text of 300,000 letters: 293 KB.
      const big = `${FLOW}  - say: "${'Thanks for writing! '.repeat(15_000)}"\n`;
      await replaceText(page, big);
      const problem = page.locator('.problems li', { hasText: 'may be at most' });
      await problem.waitFor({ timeout: 20_000 });
      expect(await problem.innerText()).toMatch(/: The flow is 29\d kB; a flow may be at most 256 kB\. Make it shorter to publish it\.$/);
      await page.getByRole('button', { name: 'Publish' }).click();
      const refused = page.locator('.notice.error', { hasText: 'Not published' });
      await refused.waitFor();
      expect(await refused.innerText()).toMatch(/^Not published: the flow is 29\d kB, and a flow may be at most 256 kB\. Nothing was changed\.$/);
      expect((await (await fetch(`${app.url}/api/flows/inbound`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()).source).toBe(FLOW);
      await page.locator('.editor .cm-scroller').evaluate((scroller) => { scroller.scrollTop = 0; });
      await shot(page, 'flow-too-large');
    });
  }, 90_000);

  it('keeps a long first message in a few scrolling lines beside the transcript, the actions a little scroll away', async () => {
    const layla = visitor(app.url, `long-${Date.now()}`, 'Layla');
    const first = 'I was charged twice for my order 4521 and I need a refund of the second payment. '.repeat(70).slice(0, 5000).trim();
    expect((await layla.say(first)).status).toBe(202);
    const conversation = (await layla.messages()).at(-1)!.conversationId;
    await withPage(browser, 'long-field', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/conversations/${conversation}`);
      const value = page.locator('.fields dd', { hasText: 'I was charged twice' });
      await value.waitFor();
      await shot(page, 'long-field');
      expect((await value.innerText()).length).toBe(first.length);
      expect(await value.evaluate((dd) => dd.scrollHeight > dd.clientHeight)).toBe(true);
      // Before, the message filled the side column thousands of pixels down, the actions under it.
      expect(await value.evaluate((dd) => dd.clientHeight)).toBeLessThan(120);
      const close = (await page.getByRole('button', { name: 'Close conversation' }).boundingBox())!;
      expect(close.y).toBeLessThan(1200);
    });
  }, 90_000);

  it('asks before leaving a flow or team.yaml with unpublished changes, keeps them when the admin stays, and publishes nothing when they leave', async () => {
    await withPage(browser, 'leave-unpublished', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/flows/inbound`);
      await page.locator('.editor .cm-content').waitFor();
      const published = async () => ((await (await fetch(`${app.url}/api/flows/inbound`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { version: string }).version;
      const before = await published();
      await page.click('.editor .cm-content');
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('  - say: "Anything else?"\n');
      await page.locator('.editor-status', { hasText: 'Unpublished changes' }).waitFor();

      // Another page of the menu: asked, on the page; the editor and its text stay.
      await page.locator('nav a', { hasText: 'Queue' }).click();
      const question = page.getByRole('alertdialog', { name: 'Leave without publishing' });
      await question.waitFor();
      expect(await question.innerText()).toContain('What you changed in the editor is not published. Leave it, and your changes are lost.');
      await shot(page, 'leave-unpublished');
      expect(new URL(page.url()).hash).toBe('#/flows/inbound');
      await question.getByRole('button', { name: 'Stay in the editor' }).click();
      expect(await question.count()).toBe(0);
      expect(await page.locator('.editor .cm-content').innerText()).toContain('Anything else?');

      // The History tab asks too; leaving shows it, and the editor starts again from what is published.
      await page.getByRole('tab', { name: 'History' }).click();
      await question.getByRole('button', { name: 'Leave without publishing' }).click();
      await page.waitForURL(/#\/flows\/inbound\/history$/);
      await page.getByRole('tab', { name: 'Edit' }).click();
      await page.locator('.editor .cm-content').waitFor();
      expect(await page.locator('.editor .cm-content').innerText()).not.toContain('Anything else?');
      expect(await published()).toBe(before);
      // Nothing changed: nothing asked.
      await page.locator('nav a', { hasText: 'Team' }).click();
      await page.locator('.editor .cm-content').waitFor();
      expect(await question.count()).toBe(0);

      // team.yaml the same.
      await page.click('.editor .cm-content');
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('# a comment\n');
      await page.locator('nav a', { hasText: 'Flows' }).click();
      await question.waitFor();
      expect(new URL(page.url()).hash).toBe('#/team');
      await question.getByRole('button', { name: 'Stay in the editor' }).click();
      expect(await page.locator('.editor .cm-content').innerText()).toContain('# a comment');
    });
  }, 90_000);

  it('refuses to close on words of the customer the page never showed, says them, and closes once they are shown', async () => {
    const layla = visitor(app.url, `unseen-${Date.now()}`, 'Layla');
    expect((await layla.say('Where is my parcel?')).status).toBe(202);
    const conversation = (await layla.messages()).at(-1)!.conversationId;
    await withPage(browser, 'close-unseen', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/conversations/${conversation}`);
      await page.locator('.messages li', { hasText: 'Where is my parcel?' }).waitFor();
      // From now the page's looks at the transcript hang (a slow network) until let go: Layla's next words stay unseen.
      let letGo!: () => void;
      const released = new Promise<void>((resolve) => { letGo = resolve; });
      await page.route((url) => url.pathname === `/api/conversations/${conversation}`, async (route) => {
        await released;
        await route.continue();
      });
      await layla.say('wait, one more thing');
      await expect.poll(async () => (await app.store.messagesOfConversation(conversation!)).some((message) => message.text === 'wait, one more thing')).toBe(true);

      await page.getByRole('button', { name: 'Close conversation' }).click();
      await page.getByRole('alertdialog', { name: 'Close conversation' }).getByRole('button', { name: 'Close conversation' }).click();
      await page.locator('.notice', { hasText: 'Layla wrote in #' }).waitFor();
      expect(await page.locator('.notice', { hasText: 'Layla wrote in #' }).innerText()).toContain('since your screen last showed it: "wait, one more thing". Nothing was closed: read it, then close again.');
      expect(await app.store.conversation(conversation!)).toMatchObject({ status: 'open' });
      await shot(page, 'close-unseen');

      letGo();
      await page.locator('.messages li', { hasText: 'wait, one more thing' }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Close conversation' }).click();
      await page.getByRole('alertdialog', { name: 'Close conversation' }).getByRole('button', { name: 'Close conversation' }).click();
      await expect.poll(async () => (await app.store.conversation(conversation!))?.status).toBe('closed');
    });
  }, 90_000);

  it('refuses a transfer of a conversation an agent took since the page showed it waiting, and the agent keeps it', async () => {
    const sam = visitor(app.url, `taken-${Date.now()}`, 'Sam');
    expect((await sam.say('Is anyone there?')).status).toBe(202);
    const conversation = (await sam.messages()).at(-1)!.conversationId!;
    await expect.poll(async () => (await app.store.conversation(conversation))?.stage).toBe('queued');
    await withPage(browser, 'transfer-taken', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.goto(`${app.url}/admin#/conversations/${conversation}`);
      await page.locator('.messages li', { hasText: 'Is anyone there?' }).waitFor();
      // From now the page's looks at the conversation hang (a slow network): it still shows Sam waiting in the queue.
      await page.route((url) => url.pathname === `/api/conversations/${conversation}`, () => undefined);
      expect(await app.runtime.act(app.directory.agent('omar')!, { kind: 'claim', conversationId: conversation })).toMatchObject({ ok: true });

      // Its flow ends at the step that queued it: Hand back is not offered, saying why (dashboard-hand-back-browser).
      expect(await page.getByRole('button', { name: 'Hand back to the bot' }).isDisabled()).toBe(true);
      await page.locator('#transfer-to').fill('Billing');
      await page.getByRole('button', { name: 'Transfer', exact: true }).click();
      const refusal = page.locator('.notice.error', { hasText: 'not as your screen showed it' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toBe(`#${conversation} is with Omar now, not as your screen showed it. Nothing was changed: look again, then decide.`);
      expect(await app.store.conversation(conversation)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });
    });
  }, 90_000);

  it('shows what the server answers to an admin\'s actions in Arabic when the page is in Arabic, names and quotes in place', async () => {
    const layla = visitor(app.url, `arabic-${Date.now()}`, 'ليلى');
    expect((await layla.say('أين طردي؟')).status).toBe(202);
    const conversation = (await layla.messages()).at(-1)!.conversationId!;
    const isolated = (text: string) => `\u2068${text}\u2069`;
    await withPage(browser, 'answers-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, app.url, TOKEN, 'Nadia');
      await page.locator('button.lang').click();
      expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
      await page.goto(`${app.url}/admin#/conversations/${conversation}`);
      await page.locator('.messages li', { hasText: 'أين طردي؟' }).waitFor();

      await page.locator('#note-text').fill('VIP');
      await page.getByRole('button', { name: 'إضافة ملاحظة' }).click();
      await page.locator('.notice.ok', { hasText: `أُضيفت الملاحظة إلى المحادثة #${conversation} (لا يراها إلا الموظفون).` }).waitFor();

      // A team that is not there: refused in Arabic, the Latin name it was given set apart in its quotes.
      await page.locator('#transfer-to').fill('Sales');
      await page.getByRole('button', { name: 'تحويل', exact: true }).click();
      await page.locator('.notice.error', { hasText: 'لا يوجد فريق باسم' }).waitFor();
      expect(await page.locator('.notice.error').innerText()).toBe(`لا يوجد فريق باسم «${isolated('Sales')}». الفرق: ${isolated('Billing')}، ${isolated('Support')}.`);

      // Layla's next words stay unseen (the page's looks at the transcript hang): the close is refused, in Arabic.
      let letGo!: () => void;
      const released = new Promise<void>((resolve) => { letGo = resolve; });
      await page.route((url) => url.pathname === `/api/conversations/${conversation}`, async (route) => {
        await released;
        await route.continue();
      });
      await layla.say('wait, one more thing');
      await expect.poll(async () => (await app.store.messagesOfConversation(conversation)).some((message) => message.text === 'wait, one more thing')).toBe(true);
      await page.getByRole('button', { name: 'إغلاق المحادثة' }).click();
      await page.getByRole('alertdialog', { name: 'إغلاق المحادثة' }).getByRole('button', { name: 'إغلاق المحادثة' }).click();
      const refusal = page.locator('.notice.error', { hasText: 'وصلت رسالة من' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toBe(
        `وصلت رسالة من ${isolated('ليلى')} في المحادثة #${conversation} منذ آخر تحديث لشاشتك: «${isolated('wait, one more thing')}». لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
      );
      expect(await refusal.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');
      expect(await app.store.conversation(conversation)).toMatchObject({ status: 'open' });
      await shot(page, 'close-unseen-ar');

      letGo();
      await page.locator('.messages li', { hasText: 'wait, one more thing' }).waitFor({ timeout: 10_000 });
      await page.locator('#closing-note').fill('Your refund is on its way.');
      await page.getByRole('button', { name: 'إغلاق المحادثة' }).click();
      await page.getByRole('alertdialog', { name: 'إغلاق المحادثة' }).getByRole('button', { name: 'إغلاق المحادثة' }).click();
      const closed = page.locator('.notice.ok', { hasText: 'أُغلقت المحادثة' });
      await closed.waitFor();
      expect(await closed.innerText()).toBe(`أُغلقت المحادثة #${conversation} (${isolated('Your refund is on its way.')})`);
      // The note in the details reads as written: an English one left to right, its stop at its end.
      const note = page.locator('dd.closing-note');
      await note.waitFor();
      expect(await note.evaluate((element) => [element.textContent, getComputedStyle(element).direction])).toEqual(['Your refund is on its way.', 'ltr']);
      await shot(page, 'closed-ar');
    });
  }, 90_000);
});
