// Editing flows over the admin API: validation at line and column, publishing with a version check (the second of
// two admins gets 409), nothing written when refused, history with authors, rollback, removal refused while
// conversations run on a flow, and names that cannot leave DATA_DIR/flows. Conversations in progress keep their version.
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/admin-ui/api.ts';
import { fileReasonText, setLang } from '../../../src/admin-ui/i18n.ts';
import type { KnownFileError } from '../../../src/shared/file-error.ts';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, inboundFlow, start, visitor } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const support = (greeting: string) => `flow: support
trigger: { on: conversation.closed }
steps:
  - say: "${greeting}"
`;

interface Placed { line: number; column: number; message: string; known?: { kind: string } }

describe('flows over the admin API', () => {
  let app: Switchboard;
  let dir: string;
  const admin = () => adminClient(`${app.url}`);
  const as = (name: string) => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': name });
  /** Who of the two admins publishing at once got there first (the history test reads it). */
  let firstToPublish = 'Nadia';

  beforeAll(async () => {
    dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    app = await start(dir, { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('lists the flows and reads one as it is on disk', async () => {
    const listed = await admin().get<{ flows: Record<string, unknown>[] }>('/flows');
    // Never published here: the file's own time, by nobody the server knows.
    const written = (await stat(join(dir, 'flows', 'inbound.yaml'))).mtime.toISOString();
    expect(listed.body.flows).toEqual([{ name: 'inbound', version: expect.stringMatching(/^[0-9a-f]{12}$/), updatedAt: written, updatedBy: null, status: 'ok', openConversations: 0, onThisVersion: 0 }]);
    const one = await admin().get('/flows/inbound');
    expect(one.body).toEqual({ name: 'inbound', version: listed.body.flows[0]!.version, source: inboundFlow });
    expect((await admin().get('/flows/nothing-here')).status).toBe(404);
  });

  it('validates as you type: each error at its line and column', async () => {
    const good = await admin().post('/flows/support/validate', { source: support('Thanks!') });
    expect(good.body).toEqual({ ok: true, errors: [], warnings: [] });
    const typo = await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/support/validate', { source: 'flow: support\ntrigger: { on: conversation.closed }\nsteps:\n  - sya: "hi"\n' });
    expect(typo.body.ok).toBe(false);
    // With what it is, for the dashboard to say in its own words: a step kind, the one meant, and the others.
    expect(typo.body.errors).toEqual([{
      line: 4, column: 5, message: expect.stringContaining('unknown step kind "sya" (did you mean "say"?)'),
      known: { kind: 'unknownStepKind', name: 'sya', suggestion: 'say', allowed: expect.arrayContaining(['say', 'ask', 'assign']) },
    }]);
    const syntax = await admin().post<{ errors: Placed[] }>('/flows/support/validate', { source: 'flow: support\nsteps:\n  - say: hi\n    foo: [1\n' });
    expect(syntax.body.errors[0]).toMatchObject({ line: 5, column: 1, message: expect.stringContaining('YAML syntax error') });
    const misnamed = await admin().post<{ errors: Placed[] }>('/flows/support/validate', { source: support('x').replace('flow: support', 'flow: other') });
    expect(misnamed.body.errors).toEqual([{ line: 1, column: 7, message: expect.stringContaining('write flow: support'), known: { kind: 'nameMismatch', flow: 'other', published: 'support' } }]);
    expect((await admin().post('/flows/support/validate', { text: 'x' })).status).toBe(422);
  });

  it('warns, without refusing, of a flow that can run past its last step without close or assign', async () => {
    const open = 'flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: "Hi"\n  - ask: "Your order number?"\n    save: conversation.order\n';
    const checked = await admin().post<{ ok: boolean; errors: Placed[]; warnings: Placed[] }>('/flows/support/validate', { source: open });
    expect(checked.body).toEqual({
      ok: true, errors: [],
      warnings: [{ line: 5, column: 5, message: expect.stringContaining('can run past its last step without close or assign; the conversation then closes'), known: { kind: 'endsUnsaid', flow: 'support' } }],
    });
    const closes = await admin().post('/flows/support/validate', { source: `${open}  - close: true\n` });
    expect(closes.body).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('warns, without refusing, of an unquoted text a # cut short, and not of a comment written as one', async () => {
    const source = 'flow: support\ntrigger: { on: conversation.closed }\nsteps:\n  - say: Press #1 for billing\n  - ask:\n      en: Your ticket? e.g. #42\n      ar: "رقم التذكرة؟"\n    save: conversation.ticket\n  - say: Thanks   # said last\n';
    const checked = await admin().post<{ ok: boolean; warnings: Placed[] }>('/flows/support/validate', { source });
    expect(checked.body).toEqual({
      ok: true, errors: [],
      warnings: [
        {
          line: 4, column: 5, message: 'customers read "Press": the rest, "#1 for billing", is a YAML comment, as a # after a space starts one (put the whole text in quotes: "Press #1 for billing")',
          known: { kind: 'cutByComment', text: 'Press', cut: '1 for billing' },
        },
        // A closing survey's question without expect takes any text (the test below).
        { line: 5, column: 5, message: expect.stringContaining('with expect: text it takes whatever the customer writes next'), known: { kind: 'surveyTakesText' } },
        {
          line: 6, column: 7, message: 'customers read "Your ticket? e.g.": the rest, "#42", is a YAML comment, as a # after a space starts one (put the whole text in quotes: "Your ticket? e.g. #42")',
          known: { kind: 'cutByComment', text: 'Your ticket? e.g.', cut: '42' },
        },
      ],
    });
  });

  it('warns, without refusing, of a label without a language the flow texts are in: its readers would see another language', async () => {
    const source = 'flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: { en: "Your order number?", ar: "ما رقم طلبك؟" }\n    save: conversation.order\n    label: { en: Order number }\n  - close: true\n';
    const checked = await admin().post<{ ok: boolean; errors: Placed[]; warnings: (Placed & { known: KnownFileError })[] }>('/flows/support/validate', { source });
    expect(checked.body).toEqual({
      ok: true, errors: [],
      warnings: [{
        line: 6, column: 5,
        message: 'the label of "conversation.order" has no "ar" text, though the flow\'s texts have one: customers and agents who read "ar" see "Order number" on the card and in the agent\'s lines (add ar: "…" to the label)',
        known: { kind: 'labelLacksLanguage', field: 'conversation.order', language: 'ar', label: 'Order number' },
      }],
    });
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    try {
      setLang('ar');
      expect(fileReasonText(checked.body.warnings[0]!.known)).toBe('لا نص بلغة «\u2068ar\u2069» في تسمية الحقل «\u2068conversation.order\u2069» مع أن نصوص المسار بها: من يقرأ «\u2068ar\u2069» من العملاء والموظفين يرى \u2068Order number\u2069 على البطاقة وفي سطور الموظف (أضف \u2068ar: "…"\u2069)');
    } finally {
      setLang('en');
      vi.unstubAllGlobals();
    }
    // A label in both languages, or one plain name for all, is not warned of.
    const both = source.replace('label: { en: Order number }', 'label: { en: Order number, ar: رقم الطلب }');
    expect((await admin().post('/flows/support/validate', { source: both })).body).toEqual({ ok: true, errors: [], warnings: [] });
    const plain = source.replace('label: { en: Order number }', 'label: Order number');
    expect((await admin().post('/flows/support/validate', { source: plain })).body).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('warns, without refusing, of a closing survey question that takes any text: a new request written then would be its answer', async () => {
    const survey = 'flow: support\ntrigger: { on: conversation.closed }\nsteps:\n  - ask: "How did we do, from 1 to 5?"\n    expect: number\n    save: conversation.rating\n  - ask: "Anything else you want to tell us?"\n    expect: text\n    save: conversation.comment\n  - say: "Thanks!"\n';
    const checked = await admin().post<{ ok: boolean; errors: Placed[]; warnings: Placed[] }>('/flows/support/validate', { source: survey });
    expect(checked.body).toEqual({
      ok: true, errors: [],
      warnings: [{
        line: 7, column: 5,
        message: 'this question comes after the conversation closed, and with expect: text it takes whatever the customer writes next as its answer: a new request ("my invoice is wrong again") is saved here, and no conversation opens for it (ask a rating with expect: number or choice, so that a message that is no answer opens a new conversation; keep expect: text only if any words are a fine answer here)',
        known: { kind: 'surveyTakesText' },
      }],
    });
    // Without expect, a question takes text too; a rating by buttons takes only its choices.
    const unsaid = await admin().post<{ warnings: Placed[] }>('/flows/support/validate', { source: survey.replace('    expect: text\n', '') });
    expect(unsaid.body.warnings.map((warning) => warning.line)).toEqual([7]);
    const choice = survey.replace('    expect: text\n', '    expect: choice\n    choices: [Great, Fine, Poor]\n');
    expect((await admin().post('/flows/support/validate', { source: choice })).body).toEqual({ ok: true, errors: [], warnings: [] });
    // The same question in a flow of an open conversation waits for its answer as any other.
    const opened = survey.replace('trigger: { on: conversation.closed }', 'trigger: { on: conversation.opened, source: agent }').replace('  - say: "Thanks!"\n', '  - close: true\n');
    expect((await admin().post('/flows/support/validate', { source: opened })).body).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('warns, at its expect line, of a question whose pattern accepts any answer: it never asks again', async () => {
    const order = (expect: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your order number?"\n    expect: ${expect}\n    save: conversation.order\n  - close: true\n`;
    const warnings = async (expect: string) => (await admin().post<{ ok: boolean; errors: Placed[]; warnings: Placed[] }>('/flows/support/validate', { source: order(expect) })).body;
    const any = 'this pattern accepts any answer, so the customer is never asked again (to take any answer, write expect: text; to check one, write what it must look like, e.g. regex:ORD-\\d{4})';
    for (const pattern of ["'regex:[\\s\\S]*'", 'regex:^[\\s\\S]+$', "'regex:(?:[\\w\\W]*)'", 'regex:[^]*']) {
      expect(await warnings(pattern), pattern).toEqual({ ok: true, errors: [], warnings: [{ line: 5, column: 5, message: any, known: { kind: 'takesAnyAnswer', oneLine: false } }] });
    }
    // `.` takes no line break: such a pattern still refuses an answer of two lines, and says so.
    for (const pattern of ['regex:.*', '"regex:^.*$"', 'regex:(.+)']) {
      expect((await warnings(pattern)).warnings, pattern).toEqual([{
        line: 5, column: 5, message: expect.stringMatching(/^this pattern accepts any answer on one line, so the customer is never asked again; an answer of several lines it refuses/),
        known: { kind: 'takesAnyAnswer', oneLine: true },
      }]);
    }
    // A pattern that checks something, even a little, is not warned of as taking any answer (only, without example:
    // or invalid:, as saying nothing of what to write).
    for (const pattern of ['regex:ORD-\\d{4}', 'regex:.*x', 'regex:\\.*', "'regex:[\\s\\S]*.'"]) {
      expect((await warnings(pattern)).warnings.map((warning) => warning.known?.kind), pattern).toEqual(['regexUnexplained']);
    }
  });

  it('refuses, at its expect line, a question whose pattern matches no text at all, and warns of one no answer tried passes', async () => {
    const order = (expect: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your order number?"\n    expect: ${expect}\n    save: conversation.order\n  - close: true\n`;
    const checked = async (expect: string) => (await admin().post<{ ok: boolean; errors: Placed[]; warnings: Placed[] }>('/flows/support/validate', { source: order(expect) })).body;
    expect(await checked("'regex:ORD-\\d{4}$-'")).toEqual({
      ok: false, warnings: [],
      errors: [{
        line: 5, column: 5, message: 'the pattern "ORD-\\d{4}$-" takes no answer at all: $ (the end of the answer) comes before text; whatever the customer writes, they are asked again until on_fail (write what an answer must look like after regex:, e.g. regex:ORD-\\d{4})',
        known: { kind: 'neverMatches', of: 'answer', pattern: 'ORD-\\d{4}$-', because: '$ (the end of the answer) comes before text' },
      }],
    });
    expect((await checked("'regex:[]'")).errors).toEqual([{
      line: 5, column: 5, message: expect.stringMatching(/^the pattern "\[\]" takes no answer at all: \[\] is a class of no character;/),
      known: { kind: 'neverMatches', of: 'answer', pattern: '[]', because: '[] is a class of no character' },
    }]);
    expect((await checked("'regex:(?!)'")).errors).toEqual([{ line: 5, column: 5, message: expect.stringMatching(/^the pattern "\(\?!\)" takes no answer at all: \(\?!\) fails everywhere/), known: expect.objectContaining({ kind: 'neverMatches', of: 'answer', pattern: '(?!)' }) }]);
    // Nothing comes before the answer: a lookbehind at its start that wants text there fails on every answer.
    expect((await checked("'regex:(?<=#)ORD'")).errors).toEqual([{ line: 5, column: 5, message: expect.stringMatching(/^the pattern "\(\?<=#\)ORD" takes no answer at all: \(\?<=#\) asks for text that cannot come before it;/), known: expect.objectContaining({ kind: 'neverMatches', of: 'answer', pattern: '(?<=#)ORD' }) }]);
    expect(await checked("'regex:(?=.*#)ORD'")).toEqual({
      ok: true, errors: [],
      warnings: [{
        line: 5, column: 5, message: expect.stringMatching(/^no answer tried passes the pattern "\(\?=\.\*#\)ORD" \("ORD", /),
        known: { kind: 'noneTriedPasses', of: 'answer', pattern: '(?=.*#)ORD', tried: expect.arrayContaining(['ORD', 'ORD-1234', 'name@example.com', '31/12/2025']) },
      }],
    });
  });

  it('names the kind of an expect refused: a pattern taking only an empty answer or spaces, an invalid pattern, an unknown expect', async () => {
    const order = (expect: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your order number?"\n    expect: ${expect}\n    save: conversation.order\n  - close: true\n`;
    const errors = async (expect: string) => (await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/support/validate', { source: order(expect) })).body.errors;
    expect(await errors("'regex:'")).toEqual([{
      line: 5, column: 5,
      message: 'regex: has no pattern after it, so it takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until on_fail (write what an answer must look like after regex:, e.g. regex:ORD-\\d{4}; to take any answer, write expect: text)',
      known: { kind: 'onlyEmptyAnswer', pattern: '', blank: false },
    }]);
    expect(await errors("'regex:\\s*'")).toEqual([{
      line: 5, column: 5, message: expect.stringMatching(/^the pattern "\\s\*" takes only spaces, and an answer is checked without the spaces around it/),
      known: { kind: 'onlyEmptyAnswer', pattern: '\\s*', blank: true },
    }]);
    expect(await errors("'regex:ORD-(\\d{4}'")).toEqual([{
      line: 5, column: 5, message: 'invalid regular expression "ORD-(\\d{4}": Unterminated group (escape characters like ( [ { . + * ? with a backslash)',
      known: { kind: 'invalidPattern', pattern: 'ORD-(\\d{4}', detail: 'Unterminated group' },
    }]);
    expect(await errors('emial')).toEqual([{
      line: 5, column: 5, message: 'unknown expect "emial" (did you mean "email"?)',
      known: { kind: 'unknownExpect', name: 'emial', suggestion: 'email', allowed: expect.arrayContaining(['text', 'email', 'choice']) },
    }]);
    expect(await errors('postcode')).toEqual([{
      line: 5, column: 5, message: expect.stringMatching(/^unknown expect "postcode" \(use one of text, .* or regex:<pattern>\)$/),
      known: { kind: 'unknownExpect', name: 'postcode', allowed: expect.arrayContaining(['text', 'email', 'choice']) },
    }]);
  });

  it('names the kind of a goto to a step id the file does not have, and of a step id written twice', async () => {
    const flow = (steps: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n${steps}  - close: true\n`;
    const errors = async (steps: string) => (await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/support/validate', { source: flow(steps) })).body.errors;
    const ask = '  - ask: "Your order number?"\n    expect: number\n    on_fail: goto:hepl\n';
    expect(await errors(`${ask}  - id: help\n    say: "Call us"\n`)).toEqual([{
      line: 6, column: 5, message: 'goto target "hepl" is not a step id in this file (did you mean "help"?)',
      known: { kind: 'unknownGotoTarget', target: 'hepl', suggestion: 'help', ids: ['help'] },
    }]);
    expect(await errors(`${ask}  - id: agents\n    say: "Call us"\n`)).toEqual([{
      line: 6, column: 5, message: 'goto target "hepl" is not a step id in this file (step ids here: agents)',
      known: { kind: 'unknownGotoTarget', target: 'hepl', ids: ['agents'] },
    }]);
    expect(await errors('  - id: hi\n    say: "Hi"\n  - id: hi\n    say: "Hello"\n')).toEqual([{
      line: 6, column: 5, message: 'duplicate step id "hi" (line 4 has it already; give each step its own id)',
      known: { kind: 'stepIdTwice', id: 'hi', firstLine: 4 },
    }]);
  });

  it('names the kind of a field no flow saves, read by a step or in a text, with the field it is likely a slip for', async () => {
    const flow = (steps: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your email?"\n    expect: email\n    save: contact.email\n${steps}  - close: true\n`;
    const errors = async (steps: string) => (await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/support/validate', { source: flow(steps) })).body.errors;
    expect(await errors('  - say: "We will write to {{contact.emial}}"\n')).toEqual([{
      line: 7, column: 5, message: 'unknown field "contact.emial" in a template (did you mean "contact.email"?)',
      known: { kind: 'unknownField', field: 'contact.emial', inTemplate: true, suggestion: 'contact.email' },
    }]);
    expect(await errors('  - branch:\n      - if:\n          conversation.zzqx: yes\n        goto: done\n  - id: done\n    say: "Done"\n')).toEqual([{
      line: expect.any(Number), column: expect.any(Number), message: expect.stringMatching(/^unknown field "conversation\.zzqx" \(a field exists once a flow saves it/),
      known: { kind: 'unknownField', field: 'conversation.zzqx', inTemplate: false },
    }]);
  });

  it('names the kind of a broken condition, label, text per language, ask option and loop, which the Arabic editor words in Arabic', async () => {
    const flow = (steps: string, top = '') => `flow: support\n${top}trigger: { on: conversation.opened, source: agent }\nsteps:\n  - set: { conversation.topic: billing }\n${steps}  - close: true\n`;
    const checked = async (source: string) => (await admin().post<{ ok: boolean; errors: (Placed & { known?: KnownFileError })[] }>('/flows/support/validate', { source })).body;
    const cases: [string, Placed & { known: KnownFileError }, string][] = [
      [flow('  - branch:\n      - if: { conversation.topic: { equal: billing } }\n        goto: done\n  - id: done\n    say: "Done"\n'), {
        line: 6, column: 9, message: 'unknown condition "equal" (did you mean "equals"?)',
        known: { kind: 'unknownCondition', name: 'equal', suggestion: 'equals', allowed: ['equals', 'not', 'in', 'contains', 'matches', 'known', 'gt', 'lt'] },
      }, 'شرط غير معروف: «\u2068equal\u2069» (هل تقصد «\u2068equals\u2069»؟)'],
      [flow('  - branch:\n      - if: { conversation.topic: { known: maybe } }\n        goto: done\n  - id: done\n    say: "Done"\n'), {
        line: 6, column: 9, message: 'known needs true or false (known: true holds when the field has a value, known: false when it has none)',
        known: { kind: 'conditionValue', op: 'known' },
      }, 'يحتاج \u2068known\u2069 إلى \u2068true\u2069 أو \u2068false\u2069 (يتحقق \u2068known: true\u2069 حين يكون للحقل قيمة، و\u2068known: false\u2069 حين لا تكون له)'],
      [flow(`  - ask: "Your email?"\n    save: contact.email\n    label: "${'e'.repeat(61)}"\n`), {
        line: 7, column: 5, message: '"label": a label is at most 60 characters: it names the field, its value follows',
        known: { kind: 'tooLong', name: 'label', maximum: 60 },
      }, 'يجب ألا يزيد طول «\u2068label\u2069» على 60 حرفًا'],
      [flow('  - say: { en: "Hi", english: "Hello" }\n'), {
        line: 5, column: 5, message: '"english" is not a language (a text per language is a map like { en: "Hello", ar: "مرحبا" }; use a language code like en, ar or pt-BR)',
        known: { kind: 'notLanguage', tag: 'english' },
      }, '«\u2068english\u2069» ليس لغة (النص لكل لغة خريطة مثل \u2068{ en: "Hello", ar: "مرحبا" }\u2069؛ استعمل رمز لغة مثل \u2068en\u2069، \u2068ar\u2069، \u2068pt-BR\u2069)'],
      [flow('  - say: { en: "Hi" }\n', 'language: ar\n'), {
        line: 6, column: 5, message: '"say" has no "ar" text, the flow\'s language (add ar: "…"; customers whose language has no text of its own see that one)',
        known: { kind: 'noFlowLanguageText', name: 'say', language: 'ar' },
      }, 'لا نص بلغة المسار «\u2068ar\u2069» في «\u2068say\u2069» (أضف \u2068ar: "…"\u2069؛ فالعملاء الذين لا نص بلغتهم يرون ذلك النص)'],
      [flow('  - ask: "Your phone?"\n    expect: email\n    country: EG\n'), {
        line: 7, column: 5, message: 'country goes with expect: phone (add expect: phone)',
        known: { kind: 'keyNeedsKey', name: 'country', needs: 'expect: phone', example: 'expect: phone' },
      }, 'لا يصحّ \u2068country\u2069 إلا مع \u2068expect: phone\u2069 (أضف \u2068expect: phone\u2069)'],
      [flow('  - id: top\n    say: "Hi"\n  - goto: top\n'), {
        line: 7, column: 5, message: 'this goto loop never waits for the customer: lines 5 → 7 → 5 (put an ask step inside the loop, so it waits for the customer each time round)',
        known: { kind: 'loopNeverWaits', lines: [5, 7, 5] },
      }, 'حلقة goto هذه لا تنتظر العميل أبدًا: الأسطر 5 ← 7 ← 5 (ضع خطوة \u2068ask\u2069 داخل الحلقة، لتنتظر العميل في كل دورة)'],
    ];
    const answers = await Promise.all(cases.map(([source]) => checked(source)));
    expect(answers).toEqual(cases.map(([, error]) => ({ ok: false, errors: [error], warnings: [] })));
    // What the Arabic flow editor shows for each, from the answer's kind alone.
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    try {
      setLang('ar');
      expect(answers.map((answer) => fileReasonText(answer.errors[0]!.known))).toEqual(cases.map(([, , arabic]) => arabic));
    } finally {
      setLang('en');
      vi.unstubAllGlobals();
    }
  });

  it('refuses, at its line, a branch case whose matches: pattern no value can match, and warns of one no value tried passes', async () => {
    const order = (pattern: string) => `flow: support\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - ask: "Your order number?"\n    save: conversation.order\n  - branch:\n      - if:\n          conversation.order: { matches: '${pattern}' }\n        goto: found\n  - close: true\n  - id: found\n    say: "Found it"\n  - close: true\n`;
    const checked = async (pattern: string) => (await admin().post<{ ok: boolean; errors: Placed[]; warnings: Placed[] }>('/flows/support/validate', { source: order(pattern) })).body;
    expect(await checked('^ord-$\\d+')).toEqual({
      ok: false, warnings: [],
      errors: [{
        line: 8, column: 11, message: 'the pattern "^ord-$\\d+" matches no value at all: $ (the end of the field\'s value) comes before text; this condition never holds, whatever value the field has (write what the value must contain, e.g. matches: "^ord-\\\\d+$")',
        known: { kind: 'neverMatches', of: 'value', pattern: '^ord-$\\d+', because: '$ (the end of the field\'s value) comes before text' },
      }],
    });
    expect(await checked('^ord-\\d+$')).toEqual({ ok: true, errors: [], warnings: [] });
    expect(await checked('x(?=\\by)')).toEqual({
      ok: true, errors: [],
      warnings: [{
        line: 8, column: 11, message: expect.stringMatching(/^no value tried passes the pattern "x\(\?=\\by\)" \("XA", /),
        known: { kind: 'noneTriedPasses', of: 'value', pattern: 'x(?=\\by)', tried: expect.arrayContaining(['XA', 'ORD-1234']) },
      }],
    });
  });

  it('warns, without refusing, of a second flow on the trigger of another: of the two, only the first file by name runs', async () => {
    const later = await admin().post<{ ok: boolean; warnings: Placed[] }>('/flows/welcome/validate', { source: inboundFlow.replace('flow: inbound', 'flow: welcome') });
    expect(later.body).toEqual({
      ok: true, errors: [],
      warnings: [{
        line: 3, column: 1, message: 'flow "welcome" would not run: flow "inbound" (flows/inbound.yaml) starts on the same trigger, and of two such flows only the first file by name runs (give this flow another trigger, or remove flow "inbound" first)',
        known: { kind: 'sharedTrigger', flow: 'welcome', other: 'inbound', otherFile: 'flows/inbound.yaml', notRunning: 'this' },
      }],
    });
    const earlier = await admin().post<{ ok: boolean; warnings: Placed[] }>('/flows/aaa/validate', { source: inboundFlow.replace('flow: inbound', 'flow: aaa') });
    expect(earlier.body.warnings).toEqual([
      {
        line: 3, column: 1, message: 'flow "inbound" (flows/inbound.yaml) starts on the same trigger and would no longer run: of two such flows only the first file by name runs (remove flow "inbound" if this one replaces it, or give this flow another trigger)',
        known: { kind: 'sharedTrigger', flow: 'aaa', other: 'inbound', otherFile: 'flows/inbound.yaml', notRunning: 'other' },
      },
    ]);
    // The flow itself, edited in place, shares its trigger with nobody.
    expect((await admin().post('/flows/inbound/validate', { source: inboundFlow.replace('Hi ', 'Hello ') })).body).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('publishes a new flow, refuses an invalid one with 422 writing nothing, and a stale base version with 409', async () => {
    const created = await as('Nadia').put<{ version: string }>('/flows/support', { source: support('Thanks for writing!'), baseVersion: null });
    expect(created.status).toBe(200);
    const v1 = created.body.version;
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support('Thanks for writing!'));
    expect(app.flows.forTrigger('conversation.closed').map((flow) => [flow.name, flow.version])).toEqual([['support', v1]]);

    const before = await stat(join(dir, 'flows', 'support.yaml'));
    const invalid = await as('Nadia').put<{ error: string; errors: Placed[] }>('/flows/support', { source: 'flow: support\nsteps:\n  - sya: hi\n', baseVersion: v1 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toContainEqual(expect.objectContaining({ line: 3, column: 5, message: expect.stringContaining('unknown step kind "sya"') }));
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support('Thanks for writing!'));
    expect((await stat(join(dir, 'flows', 'support.yaml'))).mtimeMs).toBe(before.mtimeMs);
    expect((await readdir(join(dir, 'flows'))).sort()).toEqual(['inbound.yaml', 'support.yaml']);

    // Creating a flow that exists, or publishing over a version that is not current: 409 with the current one.
    // Its kind, for the dashboard to say it in its own language.
    expect((await admin().put('/flows/support', { source: support('x') })).body).toEqual({ error: expect.any(String), kind: 'publishedSince', currentVersion: v1 });
    expect((await admin().put('/flows/support', { source: support('x'), baseVersion: '000000000000' })).status).toBe(409);
  });

  it('refuses a text written *bold* without quotes (a YAML alias) at its line, as you type and on publish, writing nothing', async () => {
    const bold = 'flow: bold\ntrigger: { on: conversation.closed }\nsteps:\n  - say: *Thanks* for writing\n  - say: *Thanks*\n';
    const checked = await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/bold/validate', { source: bold.replace('*Thanks* for writing', 'hi') });
    expect(checked.status).toBe(200);
    expect(checked.body.errors).toEqual([{ line: 5, column: 10, message: expect.stringContaining('put a text that starts with * in quotes'), known: { kind: 'yamlAlias', alias: '*Thanks*' } }]);
    const published = await as('Nadia').put<{ errors: Placed[] }>('/flows/bold', { source: bold.replace('*Thanks* for writing', 'hi'), baseVersion: null });
    expect(published.status).toBe(422);
    expect(published.body.errors).toEqual(checked.body.errors);
    await expect(stat(join(dir, 'flows', 'bold.yaml'))).rejects.toThrow('ENOENT');
    // Saved by hand next to the others, it is refused on its own: a publish of another flow still goes into service.
    await writeFile(join(dir, 'flows', 'bold.yaml'), bold.replace('*Thanks* for writing', 'hi'));
    await app.flows.reload();
    expect(app.flows.errors().map(String)).toEqual([expect.stringMatching(/^flows\/bold\.yaml:5:10: YAML syntax error: \*Thanks\* is read as a YAML alias, not as text/)]);
    await rm(join(dir, 'flows', 'bold.yaml'));
    await app.flows.reload();
  });

  it('refuses a NUL or other control character, written or escaped, at its line and column, writing nothing', async () => {
    const pasted = 'flow: pasted\ntrigger: { on: conversation.closed }\nsteps:\n  - say: "Thanks\u0000 for writing\u001b[0m"\n';
    const published = await as('Nadia').put<{ error: string; errors: Placed[] }>('/flows/pasted', { source: pasted, baseVersion: null });
    expect(published.status).toBe(422);
    expect(published.body.errors).toEqual([
      { line: 4, column: 17, message: expect.stringContaining('invisible control character U+0000 (NUL) is written here'), known: { kind: 'controlCharacter', character: 'U+0000 (NUL)', escaped: false } },
      { line: 4, column: 30, message: expect.stringContaining('U+001B (ESC)'), known: { kind: 'controlCharacter', character: 'U+001B (ESC)', escaped: false } },
    ]);
    expect(published.body.errors[0]!.message).toContain('delete it');
    const escaped = await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/pasted/validate', { source: pasted.replace('\u0000', '\\0').replace('\u001b', '') });
    expect(escaped.body).toMatchObject({ ok: false, errors: [{ line: 4, column: 10, message: expect.stringContaining('writes the invisible control character U+0000 (NUL)'), known: { kind: 'controlCharacter', character: 'U+0000 (NUL)', escaped: true } }] });
    await expect(stat(join(dir, 'flows', 'pasted.yaml'))).rejects.toThrow('ENOENT');
    // Tabs and line breaks, written or escaped, and Windows line ends are text like any other.
    const fine = await as('Nadia').put('/flows/pasted', { source: pasted.replace('\u0000', '\t').replace('\u001b[0m', '\\n\\t').replaceAll('\n', '\r\n'), baseVersion: null });
    expect(fine.status).toBe(200);
    await admin().delete('/flows/pasted');
  });

  it('names the kind of a control character pasted in or escaped and of a text starting with !, * or &, which the Arabic editor words in Arabic', async () => {
    const flow = (say: string) => `flow: support\ntrigger: { on: conversation.closed }\nsteps:\n  - say: ${say}\n`;
    const cases: [string, Placed & { known: KnownFileError }, string][] = [
      [flow('"Thanks\u0007 for writing"'), {
        line: 4, column: 17,
        message: 'YAML syntax error: the invisible control character U+0007 (BEL) is written here, and would reach whoever reads this text (delete it; retype the words around it if they were pasted)',
        known: { kind: 'controlCharacter', character: 'U+0007 (BEL)', escaped: false },
      }, 'خطأ في صياغة YAML: كُتب هنا محرف التحكم الخفي \u2068U+0007 (BEL)\u2069، وسيصل إلى كل من يقرأ هذا النص (احذفه؛ وأعد كتابة الكلمات المحيطة به إن كانت ملصوقة)'],
      [flow('"Thanks\\a for writing"'), {
        line: 4, column: 10,
        message: 'YAML syntax error: an escape in this quoted text writes the invisible control character U+0007 (BEL), which would reach whoever reads it (remove the escape; \\n for a new line and \\t for a tab are fine)',
        known: { kind: 'controlCharacter', character: 'U+0007 (BEL)', escaped: true },
      }, 'خطأ في صياغة YAML: تسلسل الهروب في هذا النص المقتبس يكتب محرف التحكم الخفي \u2068U+0007 (BEL)\u2069، وسيصل إلى كل من يقرؤه (احذف تسلسل الهروب؛ ولا بأس بـ \u2068\\n\u2069 لسطر جديد و\u2068\\t\u2069 لمسافة جدولة)'],
      [flow('!Hello there'), {
        line: 4, column: 10,
        message: 'YAML syntax error: !Hello is read as a YAML tag, and the text would lose it (put a text that starts with ! in quotes: "!Hello …")',
        known: { kind: 'yamlTag', tag: '!Hello' },
      }, 'خطأ في صياغة YAML: تقرأ YAML الكلمة \u2068!Hello\u2069 وسمًا (tag) فتُسقطها من النص (ضع النص الذي يبدأ بـ \u2068!\u2069 بين علامتي اقتباس: \u2068"!Hello …"\u2069)'],
      // WhatsApp's bold, which YAML reads as an alias; a word after & as an anchor, which drops it.
      [flow('*Thanks* for waiting'), {
        line: 4, column: 10,
        message: 'YAML syntax error: *Thanks* is read as a YAML alias, not as text (put a text that starts with * in quotes: "*Thanks* …")',
        known: { kind: 'yamlAlias', alias: '*Thanks*' },
      }, 'خطأ في صياغة YAML: تقرأ YAML الكلمة \u2068*Thanks*\u2069 اسمًا مستعارًا (alias) لا نصًّا (ضع النص الذي يبدأ بـ \u2068*\u2069 بين علامتي اقتباس: \u2068"*Thanks* …"\u2069)'],
      [flow('&Co is here to help'), {
        line: 4, column: 10,
        message: 'YAML syntax error: &Co is read as a YAML anchor, not as text (put a text that starts with & in quotes: "&Co …")',
        known: { kind: 'yamlAlias', alias: '&Co' },
      }, 'خطأ في صياغة YAML: تقرأ YAML الكلمة \u2068&Co\u2069 مرساةً (anchor) لا نصًّا (ضع النص الذي يبدأ بـ \u2068&\u2069 بين علامتي اقتباس: \u2068"&Co …"\u2069)'],
    ];
    const answers = await Promise.all(cases.map(async ([source]) => (await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/support/validate', { source })).body));
    expect(answers).toEqual(cases.map(([, error]) => ({ ok: false, errors: [error], warnings: [] })));
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    try {
      setLang('ar');
      expect(answers.map((answer) => fileReasonText(answer.errors[0]!.known as KnownFileError))).toEqual(cases.map(([, , arabic]) => arabic));
    } finally {
      setLang('en');
      vi.unstubAllGlobals();
    }
  });

  it('refuses a flow over 256 KB with 413 saying the limit and the size sent, as you type and on publish, writing nothing', async () => {
    const steps = (count: number, text: string) => `flow: big\ntrigger: { on: conversation.closed }\nsteps:\n${`  - say: "${text}"\n`.repeat(count)}`;
    // 300,054 bytes, in a body that JSON makes larger still.
    const big = steps(3000, 'Thanks for writing to Acme, we will get back to you within one working day, we promise!!');
    expect(Buffer.byteLength(big)).toBe(300_054);
    const published = await as('Nadia').put('/flows/big', { source: big, baseVersion: null });
    expect(published).toMatchObject({ status: 413, body: { error: 'a flow may be at most 256 KB; this one is 293 KB', limit: 262_144, size: 300_054 } });
    const checked = await admin().post('/flows/big/validate', { source: big });
    expect(checked).toMatchObject({ status: 413, body: { error: 'a flow may be at most 256 KB; this one is 293 KB' } });
    // Counted in bytes, as the file is: 140,000 Arabic letters are 280,000 bytes.
    const arabic = steps(1, 'ش'.repeat(140_000));
    expect((await as('Nadia').put('/flows/big', { source: arabic, baseVersion: null })).body).toMatchObject({ error: 'a flow may be at most 256 KB; this one is 274 KB' });
    // Past what the body parser reads at all: the size of what was sent.
    const huge = await as('Nadia').put('/flows/big', { source: big.repeat(3), baseVersion: null });
    expect(huge).toMatchObject({ status: 413, body: { error: expect.stringMatching(/^a flow may be at most 256 KB; 9\d\d KB were sent$/), limit: 262_144 } });
    // Just over: the exact bytes, since both round to 256 KB.
    const justOver = steps(1, 'x'.repeat(262_144 - steps(1, '').length + 1));
    expect((await as('Nadia').put('/flows/big', { source: justOver, baseVersion: null })).body).toMatchObject({ error: 'a flow may be at most 256 KB (262,144 bytes); this one is 256 KB (262,145 bytes)' });
    await expect(stat(join(dir, 'flows', 'big.yaml'))).rejects.toThrow('ENOENT');
    // At the limit, it publishes.
    const atLimit = steps(1, 'x'.repeat(262_144 - steps(1, '').length));
    expect((await as('Nadia').put('/flows/big', { source: atLimit, baseVersion: null })).status).toBe(200);
    await admin().delete('/flows/big');
  });

  it('refuses a flow written in JSON style, or with its key in quotes, whose name is not the one it is published as, as a block-style one', async () => {
    const json = (flow: string) => JSON.stringify({ flow, trigger: { on: 'conversation.closed' }, steps: [{ say: 'Thanks!' }] });
    const checked = await admin().post<{ ok: boolean; errors: Placed[] }>('/flows/jsonstyle/validate', { source: json('other') });
    expect(checked.body).toEqual({ ok: false, errors: [{ line: 1, column: 10, message: 'the flow is called "other" but is published as "jsonstyle": write "flow": "jsonstyle"', known: { kind: 'nameMismatch', flow: 'other', published: 'jsonstyle' } }], warnings: [] });
    const published = await as('Nadia').put<{ errors: Placed[] }>('/flows/jsonstyle', { source: json('other'), baseVersion: null });
    expect(published.status).toBe(422);
    expect(published.body.errors).toEqual(checked.body.errors);
    const quotedKey = '"flow": other\ntrigger: { on: conversation.closed }\nsteps:\n  - say: hi\n';
    expect((await admin().post<{ errors: Placed[] }>('/flows/jsonstyle/validate', { source: quotedKey })).body.errors)
      .toEqual([{ line: 1, column: 9, message: 'the flow is called "other" but is published as "jsonstyle": write "flow": "jsonstyle"', known: { kind: 'nameMismatch', flow: 'other', published: 'jsonstyle' } }]);
    const inBraces = '{ flow: other, trigger: { on: conversation.closed }, steps: [ { say: hi } ] }\n';
    expect((await admin().post<{ errors: Placed[] }>('/flows/jsonstyle/validate', { source: inBraces })).body.errors)
      .toEqual([{ line: 1, column: 9, message: 'the flow is called "other" but is published as "jsonstyle": write flow: jsonstyle', known: { kind: 'nameMismatch', flow: 'other', published: 'jsonstyle' } }]);
    await expect(stat(join(dir, 'flows', 'jsonstyle.yaml'))).rejects.toThrow('ENOENT');
    // Named as published, JSON style goes into service like any other, its versions kept under its name.
    const named = await as('Nadia').put<{ version: string }>('/flows/jsonstyle', { source: json('jsonstyle'), baseVersion: null });
    expect(named.status).toBe(200);
    expect(app.flows.servedBy('flows/jsonstyle.yaml')).toMatchObject({ name: 'jsonstyle', version: named.body.version });
    expect((await admin().get<{ versions: unknown[] }>('/flows/jsonstyle/versions')).body.versions).toHaveLength(1);
    await admin().delete('/flows/jsonstyle');
  });

  it('tells the second of two admins publishing from the same version that someone published first', async () => {
    const { version: base } = (await admin().get<{ version: string }>('/flows/support')).body;
    const [nadia, omar] = await Promise.all([
      as('Nadia').put<{ version?: string; currentVersion?: string }>('/flows/support', { source: support('Nadia was here'), baseVersion: base }),
      as('Omar').put<{ version?: string; currentVersion?: string }>('/flows/support', { source: support('Omar was here'), baseVersion: base }),
    ]);
    // Two requests on two connections: which one the server takes first is not up to the test.
    firstToPublish = nadia.status === 200 ? 'Nadia' : 'Omar';
    const [first, second] = firstToPublish === 'Nadia' ? [nadia, omar] : [omar, nadia];
    expect([first.status, second.status]).toEqual([200, 409]);
    expect(second.body.currentVersion).toBe(first.body.version);
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support(`${firstToPublish} was here`));
  });

  it('keeps every version with author and time, reads an old one, and rolls back to it', async () => {
    const versions = await admin().get<{ versions: { version: string; publishedAt: string; publishedBy: string; current: boolean }[] }>('/flows/support/versions');
    expect(versions.body.versions.map((v) => [v.publishedBy, v.current])).toEqual([[firstToPublish, true], ['Nadia', false]]);
    const first = versions.body.versions[1]!;
    const old = await admin().get('/flows/support/versions/' + first.version);
    expect(old.body).toEqual({ name: 'support', version: first.version, source: support('Thanks for writing!'), publishedAt: first.publishedAt, publishedBy: 'Nadia' });
    expect((await admin().get('/flows/support/versions/ffffffffffff')).status).toBe(404);

    const rolled = await as('Lina').post<{ version: string }>('/flows/support/rollback', { version: first.version, baseVersion: versions.body.versions[0]!.version });
    expect(rolled.body).toEqual({ version: first.version });
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support('Thanks for writing!'));
    const after = await admin().get<{ versions: { version: string; publishedBy: string; current: boolean }[] }>('/flows/support/versions');
    expect(after.body.versions[0]).toMatchObject({ version: first.version, publishedBy: 'Lina', current: true });
    expect((await admin().post('/flows/support/rollback', { version: 'abcdefabcdef', baseVersion: first.version })).status).toBe(404);

    // Edited by hand afterwards: no longer Lina's publish, but the file's own time.
    const listed = async () => (await admin().get<{ flows: { name: string; updatedAt: string | null; updatedBy: string | null }[] }>('/flows')).body.flows.find((flow) => flow.name === 'support');
    expect(await listed()).toMatchObject({ updatedBy: 'Lina' });
    await writeFile(join(dir, 'flows', 'support.yaml'), support('Edited on the server'));
    const written = (await stat(join(dir, 'flows', 'support.yaml'))).mtime.toISOString();
    expect(await listed()).toMatchObject({ updatedAt: written, updatedBy: null });
    await rm(join(dir, 'flows', 'support.yaml'));
    expect(await listed()).toBeUndefined();
    await writeFile(join(dir, 'flows', 'support.yaml'), support('Thanks for writing!'));
  });

  it('refuses a rollback over a version a colleague replaced since the admin looked, and one that does not say which it replaces', async () => {
    const { version: looked } = (await admin().get<{ version: string }>('/flows/support')).body;
    const older = await as('Nadia').put<{ version: string }>('/flows/support', { source: support('Older text'), baseVersion: looked });
    // Nadia opens the history (current: her version) while Omar publishes his fix.
    const seen = (await admin().get<{ versions: { version: string; current: boolean }[] }>('/flows/support/versions')).body.versions.find((v) => v.current)!.version;
    expect(seen).toBe(older.body.version);
    const omar = await as('Omar').put<{ version: string }>('/flows/support', { source: support('Omar fixed it'), baseVersion: seen });
    expect(omar.status).toBe(200);

    const stale = await as('Nadia').post<{ error: string; currentVersion: string }>('/flows/support/rollback', { version: looked, baseVersion: seen });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ error: `someone published this flow since you looked at its versions (it is at version ${omar.body.version} now); look at what changed before rolling back`, kind: 'publishedSince', currentVersion: omar.body.version });
    const unsaid = await as('Nadia').post<{ error: string }>('/flows/support/rollback', { version: looked });
    expect(unsaid.status).toBe(422);
    expect(unsaid.body.error).toBe('baseVersion: the version current when you looked (null if the flow was removed) is required, so a publish since then is not undone');
    // Omar's fix is what customers get.
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support('Omar fixed it'));
    expect(app.flows.forTrigger('conversation.closed').map((flow) => flow.version)).toEqual([omar.body.version]);

    const current = await as('Nadia').post<{ version: string }>('/flows/support/rollback', { version: looked, baseVersion: omar.body.version });
    expect(current.body).toEqual({ version: looked });
    expect(await readFile(join(dir, 'flows', 'support.yaml'), 'utf8')).toBe(support('Thanks for writing!'));
  });

  it('says which version still serves customers while the file on disk is refused', async () => {
    const flow = (greeting: string) => support(greeting).replace('flow: support', 'flow: on-disk');
    type Listed = { name: string; version: string; status: string; error?: string; serving?: string };
    const listed = async () => (await admin().get<{ flows: Listed[] }>('/flows')).body.flows.find((each) => each.name === 'on-disk')!;
    // Saved by hand: the server here does not watch the folder, so it reads it again as the watcher would.
    const save = async (source: string) => {
      await writeFile(join(dir, 'flows', 'on-disk.yaml'), source);
      await app.flows.reload();
      return listed();
    };
    expect((await admin().put('/flows/on-disk', { source: flow('Thanks!'), baseVersion: null })).status).toBe(200);
    const good = await listed();
    expect(good.status).toBe('ok');
    expect(good.serving).toBeUndefined();
    // A colon left out, saved by hand: refused, and the version published before keeps serving.
    const refused = await save(flow('Broken').replace('  - say:', '  - say'));
    expect(refused).toMatchObject({ status: 'error', error: expect.stringContaining('flows/on-disk.yaml:4'), serving: good.version });
    expect(refused.version).not.toBe(good.version);
    expect(await save(flow('Thanks!'))).toMatchObject({ status: 'ok', version: good.version });
    expect(await listed()).not.toHaveProperty('serving');
    expect((await admin().delete('/flows/on-disk')).status).toBe(204);
  });

  it('records an admin who gave an Arabic or emoji name at sign-in as the author, as the dashboard sends it', async () => {
    // The dashboard's own client, with the name it keeps in the browser; the page's relative paths go to the server.
    const serverFetch = globalThis.fetch;
    vi.stubGlobal('localStorage', { getItem: () => 'نادية 🌟', setItem: () => undefined, removeItem: () => undefined });
    vi.stubGlobal('fetch', (path: string, init: RequestInit) => serverFetch(`${app.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${ADMIN_TOKEN}` } }));
    try {
      await api('PUT', '/api/flows/by-name', { source: support('Thanks!').replace('flow: support', 'flow: by-name'), baseVersion: null });
      const { versions } = await api<{ versions: { publishedBy: string }[] }>('GET', '/api/flows/by-name/versions');
      expect(versions[0]!.publishedBy).toBe('نادية 🌟');
    } finally {
      vi.unstubAllGlobals();
    }
    // A script's plain name, and one with a % that is not an escape, stay as sent.
    await as('50% Nadia').put('/flows/by-name', { source: support('Thank you!').replace('flow: support', 'flow: by-name'), baseVersion: (await admin().get<{ version: string }>('/flows/by-name')).body.version });
    expect((await admin().get<{ versions: { publishedBy: string }[] }>('/flows/by-name/versions')).body.versions[0]!.publishedBy).toBe('50% Nadia');
    expect((await admin().delete('/flows/by-name')).status).toBe(204);
  });

  it('keeps a conversation in progress on the version it started with', async () => {
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hello');
    expect(await layla.botTexts()).toEqual(['Hi Layla!', 'What is your email address?']);
    const { version } = (await admin().get<{ version: string }>('/flows/inbound')).body;
    const edited = inboundFlow.replace('What can we help you with?', 'How may we help?');
    expect((await admin().put('/flows/inbound', { source: edited, baseVersion: version })).status).toBe(200);
    await layla.say('layla@example.com');
    expect((await layla.botTexts()).at(-1)).toBe('What can we help you with?');
    const sam = visitor(app.url, 'sam', 'Sam');
    await sam.say('hello');
    await sam.say('sam@example.com');
    expect((await sam.botTexts()).at(-1)).toBe('How may we help?');
  });

  it('refuses to remove a flow while conversations run on it, and removes one that has none', async () => {
    const listed = await admin().get<{ flows: { name: string; openConversations: number }[] }>('/flows');
    expect(listed.body.flows.find((flow) => flow.name === 'inbound')?.openConversations).toBe(2);
    const refused = await admin().delete('/flows/inbound');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ error: expect.any(String), openConversations: 2 });
    expect(await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8')).toContain('How may we help?');

    expect((await admin().delete('/flows/support')).status).toBe(204);
    expect((await readdir(join(dir, 'flows'))).sort()).toEqual(['inbound.yaml']);
    expect((await admin().get('/flows/support')).status).toBe(404);
    expect(app.flows.forTrigger('conversation.closed')).toEqual([]);
    expect((await admin().delete('/flows/support')).status).toBe(404);
  });

  it('refuses a team.yaml that drops a team a flow in service hands customers to, naming the flow\'s line', async () => {
    const teams = (...names: string[]) => `teams:\n${names.map((name) => `  - name: ${name}\n`).join('')}agents:\n  - name: Omar\n    telegram: 9001\n    teams: [${names.join(', ')}]\n`;
    const created = await admin().put<{ version: string }>('/team', { source: teams('Billing', 'Sales'), baseVersion: (await admin().get<{ version: string | null }>('/team')).body.version });
    expect(created.status).toBe(200);
    const routing = 'flow: routing\ntrigger: { on: conversation.opened, source: agent }\nsteps:\n  - say: "Passing you to sales"\n  - assign: { team: Sales }\n';
    expect((await admin().put('/flows/routing', { source: routing, baseVersion: null })).status).toBe(200);

    const dropped = await admin().put<{ error: string; errors: Placed[] }>('/team', { source: teams('Billing'), baseVersion: created.body.version });
    expect(dropped.status).toBe(422);
    // At the flow's file, line and column, as everywhere else; and of its kind, for the dashboard to say it in its own language.
    expect(dropped.body.errors).toEqual([{
      line: 1, column: 1, message: 'flows/routing.yaml:5:5: assign names team "Sales", which team.yaml does not have (keep the team, or first publish the flow without it)',
      known: { kind: 'teamStillRouted', team: 'Sales', file: 'flows/routing.yaml', line: 5, column: 5 },
    }]);
    expect(await readFile(join(dir, 'team.yaml'), 'utf8')).toBe(teams('Billing', 'Sales'));
    expect(app.directory.team('sales')?.name).toBe('Sales');
    expect(app.flows.errors()).toEqual([]);

    // Once no flow names it, the team goes.
    expect((await admin().delete('/flows/routing')).status).toBe(204);
    expect((await admin().put('/team', { source: teams('Billing'), baseVersion: created.body.version })).status).toBe(200);
    expect(app.directory.team('sales')).toBeUndefined();
    await rm(join(dir, 'team.yaml'));
    await app.directory.reload();
  });

  it('refuses names that could leave DATA_DIR/flows, however they are encoded', async () => {
    const team = await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8');
    for (const name of ['..%2Fteam', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '.hidden', 'Inbound', 'inbound.yaml', 'a%00b', '%2Ftmp%2Fx', 'x'.repeat(65)]) {
      for (const [method, path, body] of [['GET', `/flows/${name}`], ['PUT', `/flows/${name}`, { source: support('x'), baseVersion: null }], ['DELETE', `/flows/${name}`], ['POST', `/flows/${name}/validate`, { source: 'flow: x' }], ['GET', `/flows/${name}/versions`]] as [string, string, unknown?][]) {
        const res = await fetch(`${app.url}/api${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        expect([400, 404], `${method} ${path}`).toContain(res.status);
      }
    }
    expect((await readdir(join(dir, 'flows'))).sort()).toEqual(['inbound.yaml']);
    expect((await readdir(dir)).sort()).toEqual(['flows', 'store']);
    expect(await readFile(join(dir, 'flows', 'inbound.yaml'), 'utf8')).toBe(team);
  });
});
