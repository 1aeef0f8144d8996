// What an Arabic-speaking admin reads when something went wrong that the server explains: a flow script, team.yaml or
// a training file refused (on the Flows page, in the flow editor, on the Team page, on the Intents page), a publish
// over a colleague's or over a file removed since (flow editor, Team page), an example not added (Intents page, a
// transcript), and a message not delivered (in a conversation's transcript). The lead words are Arabic; what is code (a
// YAML key, a pattern, a file name) stays as written, set apart so that it reads left to right inside the Arabic
// sentence. Screenshots go to test-results/arabic/. Skipped, saying so, without Chromium.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, shippedDataDir, start, visitor } from '../helpers.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { CHROMIUM, hasChromium, launch, replaceText } from '../admin-ui/scenario.ts';
import { fixture, messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';

const TOKEN = 'arabic-errors-admin-token-0123456789';
const SHOTS = join(process.cwd(), 'test-results', 'arabic');

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.fill('#token', TOKEN);
  await page.locator('form button[type="submit"]').click();
  await page.locator('nav a[href="#/flows"]').waitFor({ state: 'attached' });
}

const title = hasChromium
  ? 'an Arabic-speaking admin reading what went wrong, in Chromium'
  : `an Arabic-speaking admin reading what went wrong, in Chromium: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM to its path)`;

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const app of running) await app.stop();
    await cleanupDirs();
  });

  /** A new page of an Arabic browser, signed in to the dashboard of `url`. */
  async function arabicAdmin(url: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'ar', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await signIn(page, url);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
    return page;
  }

  /** What a person reads in `selector` (the isolates that keep Latin words in place are invisible, so left out). */
  const read = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

  /** A Switchboard with the shipped files and two flow scripts it refuses: a step kind mistyped, a quote never closed. */
  async function refusingFlows(): Promise<Switchboard> {
    const dir = await shippedDataDir();
    await writeFile(join(dir, 'flows', 'faq.yaml'), 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - sya: "Hello"\n');
    await writeFile(join(dir, 'flows', 'returns.yaml'), 'flow: returns\ntrigger: { on: conversation.opened, source: workflow }\nsteps:\n  - say: "Hello\n');
    const app = await start(dir, { adminToken: TOKEN });
    running.push(app);
    return app;
  }

  it('names a refused flow script at the same file, line and column in the admin API as in /healthz and the log', async () => {
    const app = await refusingFlows();
    const flows = (await (await fetch(`${app.url}/api/flows`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { flows: { name: string; error?: string }[] };
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { fileErrors: string[] };
    expect(flows.flows.find((flow) => flow.name === 'faq')?.error).toBe('flows/faq.yaml:4:5: unknown step kind "sya" (did you mean "say"?)');
    expect(flows.flows.filter((flow) => flow.error).map((flow) => flow.error)).toEqual(health.fileErrors.filter((error) => error.startsWith('flows/')));
  }, 60_000);

  it('says in Arabic where and why a flow script is refused, on the Flows page and in its editor, keys as written', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows`);
    await page.locator('tr', { hasText: 'faq' }).locator('.refused-at').waitFor();
    expect(await read(page, 'tr:has-text("faq") .refused-at')).toBe('الملف مرفوض في السطر 4، العمود 5: نوع خطوة غير معروف: «sya» (هل تقصد «say»؟)');
    // The file's own words are code, left to right, never translated.
    expect(await page.locator('tr:has-text("faq") .refused-at code').evaluateAll((codes) => codes.map((code) => [code.textContent, code.getAttribute('dir'), code.getAttribute('translate')])))
      .toEqual([['sya', 'ltr', 'no'], ['say', 'ltr', 'no']]);
    // A quote never closed, the commonest slip, in Arabic too: the quote as written.
    expect(await read(page, 'tr:has-text("returns") .refused-at')).toBe('الملف مرفوض في السطر 4، العمود 10: خطأ في صياغة YAML: يبدأ هذا النص بعلامة الاقتباس " ولا يُغلَق بها (ضع " حيث ينتهي النص)');
    await shot(page, 'flows-refused');
    await page.locator('table.list').screenshot({ path: join(SHOTS, 'flows-refused-close.png') });

    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 5: نوع خطوة غير معروف: «sya» (هل تقصد «say»؟)');
    // A key a step does not take, as the admin types it.
    await replaceText(page, 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: "Hello"\n    dealy: 2\n');
    await page.locator('.problems li', { hasText: 'dealy' }).waitFor();
    expect(await read(page, '.problems li')).toMatch(/^السطر 5، العمود 5: مفتاح غير معروف: «dealy» \((هل تقصد «\w+»؟|المسموح به هنا: .+)\)$/);
    await shot(page, 'flow-unknown-key');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-unknown-key-close.png') });
    // Missing what a step needs.
    await replaceText(page, 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your email?"\n    expect: email\n  - goto: nowhere\n');
    await page.locator('.problems li', { hasText: 'nowhere' }).waitFor();
    await shot(page, 'flow-other-problem');

    // In English, the server's own sentence, as the log says it.
    const english = await (await browser.newContext({ locale: 'en' })).newPage();
    await signIn(english, app.url);
    await english.goto(`${app.url}/admin#/flows`);
    await english.locator('tr', { hasText: 'faq' }).locator('.refused-at').waitFor();
    expect(await read(english, 'tr:has-text("faq") .refused-at')).toBe('Refused at line 4, column 5: unknown step kind "sya" (did you mean "say"?)');
  }, 90_000);

  it('says in Arabic, in the flow editor, a branch condition\'s mistyped operator and a goto loop that never waits, not in the server\'s English', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    await replaceText(page, 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - set: { conversation.topic: billing }\n  - branch:\n      - if: { conversation.topic: { equal: billing } }\n        goto: done\n  - id: done\n    close: true\n');
    await page.locator('.problems li', { hasText: 'equal' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 6، العمود 9: شرط غير معروف: «equal» (هل تقصد «equals»؟)');
    await replaceText(page, 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - id: top\n    say: "Hello"\n  - goto: top\n');
    await page.locator('.problems li', { hasText: 'goto' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 6، العمود 5: حلقة goto هذه لا تنتظر العميل أبدًا: الأسطر 4 ← 6 ← 4 (ضع خطوة ask داخل الحلقة، لتنتظر العميل في كل دورة)');
    await shot(page, 'flow-loop-never-waits');
  }, 90_000);

  it('says in Arabic, in the flow editor, a control character pasted into a text and a text that starts with !, not in the server\'s English', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    const greeting = (say: string) => `flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: ${say}\n`;
    // A bell character pasted in with the words around it.
    await replaceText(page, greeting('"Hello\u0007 and welcome"'));
    await page.locator('.problems li', { hasText: 'U+0007' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 16: خطأ في صياغة YAML: كُتب هنا محرف التحكم الخفي U+0007 (BEL)، وسيصل إلى كل من يقرأ هذا النص (احذفه؛ وأعد كتابة الكلمات المحيطة به إن كانت ملصوقة)');
    await shot(page, 'flow-control-character');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-control-character-close.png') });
    // A greeting that starts with !, which YAML would read as a tag and drop.
    await replaceText(page, greeting('!Hello and welcome'));
    await page.locator('.problems li', { hasText: '!Hello' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 10: خطأ في صياغة YAML: تقرأ YAML الكلمة !Hello وسمًا (tag) فتُسقطها من النص (ضع النص الذي يبدأ بـ ! بين علامتي اقتباس: "!Hello …")');
    await shot(page, 'flow-yaml-tag');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-yaml-tag-close.png') });
  }, 90_000);

  it('says in Arabic, in the flow editor, a text written *bold* as on WhatsApp, or starting with &, that YAML reads as an alias or an anchor, and how to quote it', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    const greeting = (say: string) => `flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: ${say}\n`;
    await replaceText(page, greeting('*Thanks* for waiting'));
    await page.locator('.problems li', { hasText: '*Thanks*' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 10: خطأ في صياغة YAML: تقرأ YAML الكلمة *Thanks* اسمًا مستعارًا (alias) لا نصًّا (ضع النص الذي يبدأ بـ * بين علامتي اقتباس: "*Thanks* …")');
    await shot(page, 'flow-yaml-alias');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-yaml-alias-close.png') });
    // A company name after &, which YAML would take for an anchor and drop from the text.
    await replaceText(page, greeting('&Co is here to help'));
    await page.locator('.problems li', { hasText: '&Co' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 10: خطأ في صياغة YAML: تقرأ YAML الكلمة &Co مرساةً (anchor) لا نصًّا (ضع النص الذي يبدأ بـ & بين علامتي اقتباس: "&Co …")');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-yaml-anchor-close.png') });
    // Quoted as the hint says, the text is no longer refused (a warning may stay: this flow ends without a close).
    await replaceText(page, greeting('"*Thanks* for waiting"'));
    await page.locator('.problems li:not(.warning)').waitFor({ state: 'detached' });
  }, 90_000);

  it('says in Arabic, in the flow editor, an anchor before a key that no alias repeats (to be removed), and aliases of aliases past the limit (a "billion laughs"), with what to do', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    const head = 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\n';
    await replaceText(page, `${head}steps:\n  - &greeting say: Welcome\n`);
    await page.locator('.problems li', { hasText: '&greeting' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 5: خطأ في صياغة YAML: تقرأ YAML الكلمة &greeting قبل المفتاح «say» مرساةً (anchor) لا يكرّرها أي اسم مستعار (*greeting) (احذف &greeting)');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-yaml-key-anchor-close.png') });
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, of] of [['b', 'a'], ['c', 'b'], ['d', 'c']]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${of}`).join(', ')}]`);
    await replaceText(page, `${head}${laughs.join('\n')}\nsteps:\n  - say: Welcome\n`);
    await page.locator('.problems li', { hasText: '*name' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 4، العمود 8: خطأ في صياغة YAML: الأسماء المستعارة (*name) هنا تكرّر مراسيها (&name) أكثر من 100 مرة في المجموع، فيتضخّم الملف عند قراءته أضعافًا مضاعفة (اكتب الجزء المكرَّر كاملًا، أو استعمل أسماء مستعارة أقل)');
    await shot(page, 'flow-yaml-alias-limit');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-yaml-alias-limit-close.png') });
  }, 90_000);

  it('says in Arabic, in the flow editor, a fraction where a whole number goes and a field name JavaScript keeps for itself, and warns of a regex: question that tells a refused customer nothing of what to write', async () => {
    const app = await refusingFlows();
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.problems li').first().waitFor();
    const question = (lines: string) => `flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your order number?"\n${lines}  - close: true\n`;
    await replaceText(page, question('    expect: email\n    retries: 1.5\n    save: conversation.email\n'));
    await page.locator('.problems li', { hasText: 'retries' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 6، العمود 5: يجب أن تكون قيمة «retries» عددًا صحيحًا بلا كسر (مثل retries: 2)');
    await shot(page, 'flow-retries-fraction');
    // An answer saved to __proto__ was lost without a word: now refused at its line.
    await replaceText(page, question('    expect: email\n    save: conversation.__proto__\n'));
    await page.locator('.problems li', { hasText: '__proto__' }).waitFor();
    expect(await read(page, '.problems li')).toBe('السطر 6، العمود 5: الاسم «conversation.__proto__» تحجزه لغة JavaScript لنفسها: الإجابة المحفوظة فيه تضيع (اختر اسم حقل آخر، مثل conversation.<field>)');
    await shot(page, 'flow-field-proto');
    // A warning: the flow still publishes.
    await replaceText(page, question("    expect: 'regex:ORD-\\d{4}'\n    save: conversation.order\n"));
    await page.locator('.problems li.warning').waitFor();
    expect(await read(page, '.problems li.warning')).toBe('السطر 5، العمود 5: العميل الذي يرفض هذا النمطُ إجابتَه لا يُقال له إلا «لا يبدو هذا صحيحًا…»، ولا يعرف منها ماذا يكتب (أضف example: ORD-1234 بإجابة يقبلها النمط، أو invalid: بكلماتك أنت)');
    await shot(page, 'flow-regex-unexplained');
    await replaceText(page, question("    expect: 'regex:ORD-\\d{4}'\n    example: ORD-1234\n    save: conversation.order\n"));
    await page.locator('.editor-status .ok-text').waitFor();
    expect(await page.locator('.problems li').count()).toBe(0);
  }, 90_000);

  it('says in Arabic where and why a training file is refused, on the Intents page, intents as written', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  refunds:\n  billing:\n    - money back\n');
    await writeFile(join(dir, 'nlp', 'more.yaml'), 'intents:\n  sales:\n    - a quote please\n  sales:\n    - pricing\n');
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/nlp`);
    await page.locator('.refused li').nth(1).waitFor();
    expect(await read(page, '.refused li:has-text("extra.yaml")')).toBe('nlp/extra.yaml، السطر 2، العمود 3: النية «refunds» بلا أمثلة؛ أعطها قائمة برسائل أمثلةً عليها أو احذفها');
    expect(await read(page, '.refused li:has-text("more.yaml")')).toBe('nlp/more.yaml، السطر 4، العمود 3: كُتب «sales» مرتين هنا (اكتبه مرة واحدة، وتحته كل أمثلته)');
    await shot(page, 'nlp-refused');
    await page.locator('.refused').screenshot({ path: join(SHOTS, 'nlp-refused-close.png') });
  }, 90_000);

  /** The admin API of `url`, as a colleague of the admin in the browser uses it. */
  const colleague = (url: string) => async <T>(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api${path}`, {
      method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as T;
  };

  it('says in Arabic why team.yaml is refused on the Team page, and that a colleague published first, there and in the flow editor', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    const shipped = await readFile(join(dir, 'team.yaml'), 'utf8');
    const lineOf = (text: string, part: string) => text.split('\n').findIndex((line) => line.includes(part)) + 1;
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('.editor .cm-content').waitFor();
    const publish = async () => {
      await page.locator('.toolbar button.primary').click();
      await page.locator('.notice').waitFor();
    };

    // A key mistyped in a team.
    const mistyped = shipped.replace('    strategy: least_open', '    stratgy: least_open');
    await replaceText(page, mistyped);
    await publish();
    expect(await read(page, '.problems li')).toBe(`السطر ${lineOf(mistyped, 'stratgy')}، العمود 5: مفتاح غير معروف: «stratgy» (هل تقصد «strategy»؟)`);
    expect(await read(page, '.notice.error')).toBe('لم يُنشر: أصلح المشكلات المذكورة أعلاه أولًا. لم يتغيّر شيء.');
    await shot(page, 'team-unknown-key');

    // A team dropped that the shipped flow still routes customers to: the flow's file, line and column, its words as written.
    const dropped = shipped.replace('  - name: Sales\n    title: { en: Sales, ar: المبيعات }\n    strategy: round_robin\n', '').replace('teams: [Support, Sales]', 'teams: [Support]');
    expect(dropped).not.toContain('Sales');
    await replaceText(page, dropped);
    await publish();
    const flow = await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8');
    const route = lineOf(flow, 'sales: { team: Sales');
    await page.locator('.problems li', { hasText: 'inbound.yaml' }).waitFor();
    expect(await read(page, '.problems li')).toBe(
      `السطر 1، العمود 1: flows/inbound.yaml، السطر ${route}، العمود 7: يُحيل توجيه النية «sales» العملاء إلى الفريق «Sales»، وليس في team.yaml (أبقِ الفريق، أو انشر المسار أولًا من دونه)`,
    );
    expect(await page.locator('.problems li code').evaluateAll((codes) => codes.map((code) => [code.textContent, code.getAttribute('dir')])))
      .toEqual([['flows/inbound.yaml', 'ltr'], ['sales', 'ltr'], ['Sales', 'ltr'], ['team.yaml', 'ltr']]);
    await shot(page, 'team-still-routed');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'team-still-routed-close.png') });

    // A colleague publishes team.yaml meanwhile: this admin's publish is refused, said for team.yaml.
    const api = colleague(app.url);
    const { version } = await api<{ version: string }>('GET', '/team');
    const theirs = await api<{ version: string }>('PUT', '/team', { source: `${shipped}# Checked by Nadia\n`, baseVersion: version });
    await replaceText(page, `${shipped}# Checked by Mona\n`);
    await publish();
    await page.locator('.notice.error', { hasText: theirs.version }).waitFor();
    expect(await read(page, '.notice.error')).toBe(`سبقك شخص آخر بنشر team.yaml: هو الآن في الإصدار ${theirs.version}. أعد تحميل الصفحة لتحصل على نصه، ثم طبّق تغييراتك مجددًا.`);
    await shot(page, 'team-published-since');

    // The same in the flow editor, for a flow: leaving team.yaml's unpublished text asks first.
    await page.goto(`${app.url}/admin#/flows/inbound`);
    await page.getByRole('button', { name: 'المغادرة دون نشر' }).click();
    await page.locator('.editor .cm-content').waitFor();
    const inbound = await api<{ version: string; source: string }>('GET', '/flows/inbound');
    const republished = await api<{ version: string }>('PUT', '/flows/inbound', { source: `${inbound.source}# Checked by Nadia\n`, baseVersion: inbound.version });
    await replaceText(page, `${inbound.source}# Checked by Mona\n`);
    await page.locator('.toolbar button.primary').click();
    await page.locator('.conflict p').waitFor();
    expect(await read(page, '.conflict p')).toBe(`سبقك شخص آخر بالنشر: المسار الآن في الإصدار ${republished.version}. قارن نصك بنصه ثم انشر مجددًا.`);
    await shot(page, 'flow-published-since');
  }, 120_000);

  it('says in Arabic where and why team.yaml is refused for its own mistakes (an agent in a team it does not define, a name written twice, a sign-in secret left out), that it was removed since, and a flow naming a team it does not have', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    const shipped = await readFile(join(dir, 'team.yaml'), 'utf8');
    /** Where `part` is written in `text`: its line, and the column its line's content starts at (past a list item's dash). */
    const placeOf = (text: string, part: string) => {
      const lines = text.split('\n');
      const index = lines.findIndex((line) => line.includes(part));
      return { line: index + 1, column: /^\s*(?:-\s+)?/.exec(lines[index]!)![0].length + 1 };
    };
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('.editor .cm-content').waitFor();
    const publish = async () => {
      await page.locator('.toolbar button.primary').click();
      await page.locator('.notice').waitFor();
    };

    // Sara in a team mistyped, and Lina renamed as Omar, whom the file already has, her sign-in secret left out.
    const mistaken = shipped.replace('teams: [Support, Sales]', 'teams: [Suport, Sales]').replace('  - name: Lina', '  - name: omar').replace('    webchat_token: env:LINA_WEBCHAT_TOKEN\n', '');
    await replaceText(page, mistaken);
    await publish();
    const team = placeOf(mistaken, 'teams: [Suport');
    const twice = placeOf(mistaken, 'name: omar');
    const open = placeOf(mistaken, 'webchat: agent-lina');
    expect(await page.locator('.problems li').count()).toBe(3);
    expect(await read(page, '.problems li >> nth=0')).toBe(`السطر ${team.line}، العمود ${team.column}: الموظف «Sara» في فريق غير معروف: «Suport» (هل تقصد «Support»؟)`);
    expect(await read(page, '.problems li >> nth=1')).toBe(
      `السطر ${twice.line}، العمود ${twice.column}: الموظف «omar» مسمّى مرتين (في السطر ${placeOf(mistaken, 'name: Omar').line} هذا الاسم من قبل؛ أعطِ كل موظف اسمًا خاصًّا به)`,
    );
    expect(await read(page, '.problems li >> nth=2')).toBe(
      `السطر ${open.line}، العمود ${open.column}: لدى الموظف «omar» webchat بلا webchat_token: كل من يعرف العنوان يستطيع الدخول باسمه (أضف سرًّا عشوائيًا طويلًا، من openssl rand -hex 24 مثلًا، أو env:NAME لقراءته من متغيرات البيئة)`,
    );
    // The file's names are code, left to right, never translated; nothing is quoted in English.
    expect(await page.locator('.problems li code').evaluateAll((codes) => codes.map((code) => [code.textContent, code.getAttribute('dir'), code.getAttribute('translate')])))
      .toEqual(['Sara', 'Suport', 'Support', 'omar', 'omar', 'webchat', 'webchat_token', 'openssl rand -hex 24', 'env:NAME'].map((code) => [code, 'ltr', 'no']));
    expect(await page.locator('.problems li bdi[lang="en"]').count()).toBe(0);
    expect(await read(page, '.notice.error')).toBe('لم يُنشر: أصلح المشكلات المذكورة أعلاه أولًا. لم يتغيّر شيء.');
    await shot(page, 'team-own-mistakes');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'team-own-mistakes-close.png') });

    // In English, the server's own sentences, as before.
    const english = await (await browser.newContext({ locale: 'en' })).newPage();
    await signIn(english, app.url);
    await english.goto(`${app.url}/admin#/team`);
    await english.locator('.editor .cm-content').waitFor();
    await replaceText(english, mistaken);
    await english.locator('.toolbar button.primary').click();
    await english.locator('.problems li').nth(2).waitFor();
    expect(await read(english, '.problems li >> nth=0')).toBe(`line ${team.line}, column ${team.column}: agent "Sara" is in unknown team "Suport" (did you mean "Support"?)`);

    // A flow route to a team mistyped, in the flow editor: where, and the team meant (team.yaml's text left unpublished).
    await page.goto(`${app.url}/admin#/flows/inbound`);
    await page.getByRole('button', { name: 'المغادرة دون نشر' }).click();
    await page.locator('.editor .cm-content').waitFor();
    const inbound = await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8');
    const misrouted = inbound.replace('billing: { team: Billing,', 'billing: { team: Biling,');
    await replaceText(page, misrouted);
    await page.locator('.problems li', { hasText: 'Biling' }).waitFor();
    const route = placeOf(misrouted, 'team: Biling');
    expect(await read(page, '.problems li')).toBe(`السطر ${route.line}، العمود ${route.column}: يُحيل توجيه النية «billing» إلى الفريق «Biling»، وليس في team.yaml (هل تقصد «Billing»؟)`);
    expect(await page.locator('.problems li code').evaluateAll((codes) => codes.map((code) => code.textContent))).toEqual(['billing', 'Biling', 'team.yaml', 'Billing']);
    await shot(page, 'flow-unknown-team');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'flow-unknown-team-close.png') });

    // team.yaml removed on the server while the admin edits it: said for what it is (the flow's mistake left unpublished).
    await page.goto(`${app.url}/admin#/team`);
    await page.getByRole('button', { name: 'المغادرة دون نشر' }).click();
    await page.locator('.editor .cm-content').waitFor();
    await rm(join(dir, 'team.yaml'));
    await replaceText(page, `${shipped}# Checked by Mona\n`);
    // Its own answer awaited, not any notice (one still on the page would end the wait before the publish was answered).
    const answered = page.waitForResponse((res) => res.url().endsWith('/api/team') && res.request().method() === 'PUT');
    await page.locator('.toolbar button.primary').click();
    expect((await answered).status()).toBe(409);
    expect(await read(page, '.notice.error')).toBe('حذف شخص آخر team.yaml منذ فتحته؛ أعد تحميل الصفحة، ثم طبّق تغييراتك مجددًا.');
    await shot(page, 'team-removed-since');
  }, 120_000);

  it('says in Arabic on the Team page that a list item is left empty and that an agent name names no one, names as code', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    const shipped = await readFile(join(dir, 'team.yaml'), 'utf8');
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/team`);
    await page.locator('.editor .cm-content').waitFor();

    // Sara's second team left empty, and Lina named with no letter or digit.
    const mistaken = shipped.replace('teams: [Support, Sales]', 'teams: [Support, ""]').replace('  - name: Lina', '  - name: "--"');
    const lineOf = (part: string) => mistaken.split('\n').findIndex((line) => line.includes(part)) + 1;
    await replaceText(page, mistaken);
    await page.locator('.toolbar button.primary').click();
    await page.locator('.problems li').nth(1).waitFor();
    expect(await page.locator('.problems li').count()).toBe(2);
    expect(await read(page, '.problems li >> nth=0')).toBe(`السطر ${lineOf('teams: [Support, ""]')}، العمود 5: العنصر رقم 2 في «teams» فارغ؛ اكتب فيه قيمة أو احذفه`);
    expect(await read(page, '.problems li >> nth=1')).toBe(`السطر ${lineOf('name: "--"')}، العمود 5: اسم الموظف «--» بلا حرف ولا رقم (سمِّ الموظفين كما يناديهم زملاؤهم، مثل name: Omar)`);
    expect(await page.locator('.problems li code').evaluateAll((codes) => codes.map((code) => [code.textContent, code.getAttribute('dir'), code.getAttribute('translate')])))
      .toEqual(['teams', '--', 'name: Omar'].map((code) => [code, 'ltr', 'no']));
    expect(await page.locator('.problems li bdi[lang="en"]').count()).toBe(0);
    await shot(page, 'team-empty-item-nameless');
    await page.locator('.problems').screenshot({ path: join(SHOTS, 'team-empty-item-nameless-close.png') });
  }, 120_000);

  it('says in Arabic, in the flow editor, that the flow was removed since it was opened, and publishes it anew when asked', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    const faq = 'flow: faq\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: "Our hours are 9 to 5."\n';
    const api = colleague(app.url);
    await api('PUT', '/flows/faq', { source: faq, baseVersion: null });
    const page = await arabicAdmin(app.url);
    await page.goto(`${app.url}/admin#/flows/faq`);
    await page.locator('.editor .cm-content').waitFor();

    // A colleague deletes the file on disk while the admin edits it.
    await rm(join(dir, 'flows', 'faq.yaml'));
    const mine = faq.replace('9 to 5', '9 to 6');
    await replaceText(page, mine);
    await page.locator('.toolbar button.primary').click();
    await page.locator('.notice.removed').waitFor();
    expect(await read(page, '.notice.removed p')).toBe('حذف شخص آخر هذا المسار منذ فتحته، فلم يُنشر شيء. انشره مسارًا جديدًا لتعيده بنصك.');
    await shot(page, 'flow-removed-since');

    // Published anew, with the admin's text.
    await page.locator('.notice.removed button').click();
    await page.locator('.notice.ok').waitFor();
    expect(await page.locator('.notice.removed').count()).toBe(0);
    expect(await readFile(join(dir, 'flows', 'faq.yaml'), 'utf8')).toBe(mine);
    await shot(page, 'flow-removed-since-published');
  }, 120_000);

  it('says in Arabic why an example was not added, on the Intents page and in a transcript, intents and texts as written', async () => {
    const dir = await shippedDataDir();
    const app: Switchboard = await start(dir, { adminToken: TOKEN });
    running.push(app);
    const shipped = await readFile(join(dir, 'nlp', 'intents.yaml'), 'utf8');
    const index = shipped.split('\n').findIndex((line) => line.includes('- I was charged twice this month'));
    const at = `nlp/intents.yaml:${index + 1}:${shipped.split('\n')[index]!.indexOf('- ') + 3}`;
    const layla = visitor(app.url, `teach-${Date.now()}`, 'Layla');
    expect((await layla.say('I was charged twice this month')).status).toBe(202);
    const page = await arabicAdmin(app.url);

    /** Teaches `text` as an example of `intent` from the form under it, and reads what the page answers. */
    const teach = async (intent: string) => {
      await page.locator('button.teach').first().click();
      await page.locator('.teach-form input').fill(intent);
      await page.locator('.teach-form button[type="submit"]').click();
      await page.locator('.teach-form .notice').waitFor();
      return read(page, '.teach-form .notice');
    };

    // Already an example of another intent: on the Intents page, from a sentence tried.
    await page.goto(`${app.url}/admin#/nlp`);
    await page.locator('form.filters input[type="search"]').fill('I was charged twice this month');
    await page.locator('form.filters button[type="submit"]').click();
    await page.locator('.tried').waitFor();
    expect(await teach('sales')).toBe(`الجملة «I was charged twice this month» مثال على النية «billing» من قبل (${at})؛ المثال ينتمي إلى نية واحدة`);
    expect(await page.locator('.teach-form .notice code').evaluateAll((codes) => codes.map((code) => code.textContent))).toEqual(['I was charged twice this month', 'billing', at]);
    await shot(page, 'nlp-example-of-another');

    // The same from the customer's message in the transcript.
    await page.goto(`${app.url}/admin#/conversations/1`);
    await page.locator('.transcript .message.contact').first().waitFor();
    expect(await teach('sales')).toBe(`الجملة «I was charged twice this month» مثال على النية «billing» من قبل (${at})؛ المثال ينتمي إلى نية واحدة`);
    await shot(page, 'transcript-example-of-another');

    // The training data refused: nothing is added, and where to fix it is said as on the Intents page.
    await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  refunds:\n    - money back\n  refunds:\n    - refund please\n');
    await page.reload();
    await page.locator('.transcript .message.contact').first().waitFor();
    expect(await teach('refunds')).toBe('بيانات التدريب مرفوضة، فلم يُضَف شيء: nlp/extra.yaml، السطر 4، العمود 3: كُتب «refunds» مرتين هنا (اكتبه مرة واحدة، وتحته كل أمثلته)؛ أصلح ذلك أولًا.');
    await shot(page, 'transcript-training-data-refused');
    await page.locator('.transcript').screenshot({ path: join(SHOTS, 'transcript-training-data-refused-close.png') });

    // In English, the server's own sentence, as before.
    const english = await (await browser.newContext({ locale: 'en' })).newPage();
    await signIn(english, app.url);
    await english.goto(`${app.url}/admin#/conversations/1`);
    await english.locator('.transcript .message.contact').first().waitFor();
    await english.locator('button.teach').first().click();
    await english.locator('.teach-form input').fill('refunds');
    await english.locator('.teach-form button[type="submit"]').click();
    await english.locator('.teach-form .notice').waitFor();
    expect(await read(english, '.teach-form .notice')).toBe('the training data is refused, so nothing was added: nlp/extra.yaml:4:3: "refunds" is written twice here (write it once, with all its examples under it); fix that first');
  }, 120_000);

  it('says in an Arabic transcript why a message was not delivered, in Arabic when WhatsApp\'s code says (a rate limit, a person it cannot deliver to), else quoting WhatsApp\'s words', async () => {
    const LAYLA = '966501234567';
    const cloud: CloudServer = await startCloud({
      flows: { 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello! An agent answers soon."\n  - say: "Meanwhile, our hours are 9 to 5."\n  - say: "See you soon."\n' },
      config: { ADMIN_TOKEN: TOKEN },
    });
    running.push(cloud);
    expect((await cloud.post(messagesBody([cloudText('Where is my order?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(LAYLA).length === 3);
    /** WhatsApp reports the bot's `nth` message to Layla failed with `error`. */
    const failAs = async (nth: number, error: Record<string, unknown>) => {
      const failed = fixture('statuses');
      const status = failed.entry[0].changes[0].value.statuses[1];
      failed.entry[0].changes[0].value.statuses = [{ ...status, id: cloud.graph.sent.filter((sent) => sent.body.to === LAYLA)[nth]!.id, recipient_id: LAYLA, errors: [error] }];
      expect((await cloud.post(failed)).status).toBe(200);
    };
    await failAs(0, { code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit', message: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' });
    await failAs(1, { code: 131026, title: 'Message undeliverable', message: 'Message Undeliverable.' });
    await failAs(2, { code: 135000, title: 'Generic user error', message: 'Message failed to send because of an unknown error with your request parameters.' });

    const page = await arabicAdmin(cloud.app.url);
    await page.goto(`${cloud.app.url}/admin#/conversations/1`);
    const delivery = (text: string) => read(page, `.transcript .message:has-text("${text}") .delivery`);
    await page.locator('.transcript .message', { hasText: 'See you soon' }).locator('.delivery.failed').waitFor();
    expect(await delivery('An agent answers soon')).toBe('التسليم: فشل (أُرسلت رسائل كثيرة في وقت قصير فرفض تطبيق العميل المزيد مؤقتًا؛ أعد إرسالها بعد بضع دقائق)');
    // A person WhatsApp cannot deliver to, its commonest failure: in Arabic, where it was WhatsApp's English.
    expect(await delivery('our hours')).toBe('التسليم: فشل (لا يستطيع تطبيق العميل استلامها؛ ربما لا يستخدم رقمُه التطبيق، أو يحتاج تطبيقه إلى تحديث)');
    // WhatsApp's own words, as the Arabic agent console sets them: quoted, isolated, marked as English, left to right.
    expect(await delivery('See you soon')).toBe('التسليم: فشل («Generic user error: Message failed to send because of an unknown error with your request parameters. (#135000)»)');
    const theirs = page.locator('.transcript .message', { hasText: 'See you soon' }).locator('.delivery bdi');
    expect(await theirs.evaluate((bdi) => [bdi.getAttribute('lang'), bdi.getAttribute('dir'), bdi.textContent, bdi.previousSibling?.textContent?.at(-1), bdi.nextSibling?.textContent?.[0]]))
      .toEqual(['en', 'ltr', 'Generic user error: Message failed to send because of an unknown error with your request parameters. (#135000)', '«', '»']);
    await shot(page, 'conversation-not-delivered');
    await page.locator('.transcript').screenshot({ path: join(SHOTS, 'conversation-not-delivered-close.png') });
  }, 90_000);
});
