import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileReasonText, setLang } from '../../src/admin-ui/i18n.ts';
import { compileFlow } from '../../src/flows/compile.ts';
import { script } from './helpers.ts';

// A broken script for each way the compiler refuses one (or warns of it); each is said in Arabic on the flow
// editor's page by its kind, so an error without one reaches an Arabic admin in English.
const BROKEN: Record<string, string> = {
  'an empty file': '',
  'a file that is a list': '- say: hi\n- close: true\n',
  'a step that is no map': script('  - just text\n'),
  'a step without a kind': script('  - expect: email\n'),
  'a step of two kinds': script('  - say: hi\n    ask: what?\n'),
  'a bad flow name': 'flow: "my flow"\ntrigger: { on: conversation.opened }\nsteps:\n  - close: true\n',
  'an unknown trigger': 'flow: test\ntrigger: { on: conversation.started }\nsteps:\n  - close: true\n',
  'a bad language tag': 'flow: test\nlanguage: arabic\ntrigger: { on: conversation.opened }\nsteps:\n  - close: true\n',
  'a bad step id': script('  - id: "ask email"\n    say: hi\n  - close: true\n'),
  'a text of another type': script('  - say: [1, 2]\n  - close: true\n'),
  'a notice of another type': 'flow: test\ntrigger: { on: conversation.opened }\nnotices: { assigned: [1] }\nsteps:\n  - close: true\n',
  'retries over the most': script('  - ask: "Email?"\n    expect: email\n    retries: 11\n  - close: true\n'),
  'a threshold under the least': script('  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    threshold: -1\n    routes: { billing: Billing }\n'),
  'a label too long': script(`  - ask: "Email?"\n    save: contact.email\n    label: "${'x'.repeat(61)}"\n  - close: true\n`),
  'a label of two lines': script('  - ask: "Email?"\n    save: contact.email\n    label: "Email\\naddress"\n  - close: true\n'),
  'a bad timeout': script('  - assign: { team: Billing }\n    timeout: soon\n'),
  'a bad close': script('  - close: 3\n'),
  'a bad tag': script('  - tag: { vip: true }\n  - close: true\n'),
  'a bad choice': script('  - ask: "Which?"\n    expect: choice\n    choices: [[1]]\n  - close: true\n'),
  'a bad route': script('  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    routes: { billing: [Billing] }\n'),
  'no routes': script('  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    routes: {}\n'),
  'a bad set value': script('  - set: { conversation.x: [1] }\n  - close: true\n'),
  'an empty set': script('  - set: {}\n  - close: true\n'),
  'a bad branch case': script('  - branch:\n      - goto: done\n  - id: done\n    close: true\n'),
  'a case without a field': script('  - branch:\n      - if: {}\n        goto: done\n  - id: done\n    close: true\n'),
  'an else before the last case': script('  - set: { conversation.x: 1 }\n  - branch:\n      - else: done\n      - if: { conversation.x: 1 }\n        goto: done\n  - id: done\n    close: true\n'),
  'a condition of two operators': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { in: [1], not: 2 } }\n        goto: done\n  - id: done\n    close: true\n'),
  'an unknown condition': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { equal: 1 } }\n        goto: done\n  - id: done\n    close: true\n'),
  'a condition needing one value': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { not: [1, 2] } }\n        goto: done\n  - id: done\n    close: true\n'),
  'in without a list': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { in: 1 } }\n        goto: done\n  - id: done\n    close: true\n'),
  'matches without a pattern': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { matches: 1 } }\n        goto: done\n  - id: done\n    close: true\n'),
  'known without true or false': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { known: maybe } }\n        goto: done\n  - id: done\n    close: true\n'),
  'gt without a number': script('  - set: { conversation.x: 1 }\n  - branch:\n      - if: { conversation.x: { gt: [1] } }\n        goto: done\n  - id: done\n    close: true\n'),
  'skip_if_known without save': script('  - ask: "Email?"\n    expect: email\n    skip_if_known: true\n  - close: true\n'),
  'a label without save': script('  - ask: "Email?"\n    expect: email\n    label: Email\n  - close: true\n'),
  'choices without expect: choice': script('  - ask: "Which?"\n    choices: [a, b]\n  - close: true\n'),
  'country without expect: phone': script('  - ask: "Email?"\n    expect: email\n    country: EG\n  - close: true\n'),
  'expect: choice without choices': script('  - ask: "Which?"\n    expect: choice\n  - close: true\n'),
  'a bad country': script('  - ask: "Phone?"\n    expect: phone\n    country: Egypt\n  - close: true\n'),
  'an attachment question with choices': script('  - ask: "A photo?"\n    expect: image\n    choices: [a]\n  - close: true\n'),
  'an attachment saved in a builtin': script('  - ask: "A photo?"\n    expect: image\n    save: contact.name\n  - close: true\n'),
  'two choices of one id': script('  - ask: "Which?"\n    expect: choice\n    choices: [Billing, billing]\n  - close: true\n'),
  'a bad on_fail': script('  - ask: "Email?"\n    expect: email\n    on_fail: stop\n  - close: true\n'),
  'on_fail: assign without an assign step': script('  - ask: "Email?"\n    expect: email\n    on_fail: assign\n  - close: true\n'),
  'on_timeout without a timeout': script('  - assign: { team: Billing }\n    on_timeout: continue\n'),
  'a field that is no field': script('  - ask: "Email?"\n    save: email\n  - close: true\n'),
  'a read-only field written': script('  - set: { contact.id: 3 }\n  - close: true\n'),
  'a managed field written': script('  - set: { conversation.status: open }\n  - close: true\n'),
  'a field of no scope written': script('  - set: { agent.name: Sara }\n  - close: true\n'),
  'a label for a field not saved': 'flow: test\ntrigger: { on: conversation.opened }\nfields:\n  conversation.need: { label: Need }\nsteps:\n  - close: true\n',
  'a label for no field': 'flow: test\ntrigger: { on: conversation.opened }\nfields:\n  need: { label: Need }\nsteps:\n  - close: true\n',
  'a field labelled twice': 'flow: test\ntrigger: { on: conversation.opened }\nfields:\n  conversation.need: { label: Need }\nsteps:\n  - ask: "Need?"\n    save: conversation.need\n    label: Your need\n  - close: true\n',
  'a placeholder that is no field': script('  - say: "Hi {{name}}"\n  - close: true\n'),
  'unbalanced braces': script('  - say: "Hi {{contact.name"\n  - close: true\n'),
  'a text for no language': script('  - say: { english: Hi }\n  - close: true\n'),
  'a language written twice': script('  - say: { en: Hi, EN: Hello }\n  - close: true\n'),
  'a text with no languages': script('  - say: {}\n  - close: true\n'),
  'no text in the flow\'s language': 'flow: test\nlanguage: ar\ntrigger: { on: conversation.opened }\nsteps:\n  - say: { en: Hi }\n  - close: true\n',
  'a loop that never waits': script('  - id: top\n    say: hi\n  - goto: top\n'),
  // Numbers of the wrong shape: zod names them float, nan, or lets an endless one through.
  'a fraction for a whole number': script('  - ask: "Email?"\n    expect: email\n    retries: 1.5\n  - close: true\n'),
  'no number (.nan)': script('  - ask: "Need?"\n    save: conversation.need\n  - classify: conversation.need\n    threshold: .nan\n    routes: { billing: Billing }\n'),
  'an endless timeout': script('  - assign: { team: Billing }\n    timeout: .inf\n'),
  'an endless set value': script('  - set: { conversation.x: .inf }\n  - close: true\n'),
  // A field every JavaScript object has: an answer saved to __proto__ was lost without a word.
  'a field named __proto__': script('  - ask: "Code?"\n    save: conversation.__proto__\n  - close: true\n'),
  'a field named constructor': script('  - set: { contact.constructor: 1 }\n  - close: true\n'),
  'a field named prototype': script('  - ask: "Code?"\n    save: contact.prototype\n  - close: true\n'),
};

describe('every error a flow script is refused with carries its kind', () => {
  afterEach(() => {
    setLang('en');
    vi.unstubAllGlobals();
  });

  it('names a kind for each, which the Arabic editor words in Arabic', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    setLang('ar');
    const withoutKind: string[] = [];
    const refused: string[] = [];
    for (const [what, text] of Object.entries(BROKEN)) {
      const result = compileFlow('flows/test.yaml', text);
      if (!('errors' in result)) {
        refused.push(`${what}: not refused`);
        continue;
      }
      for (const error of [...result.errors]) {
        // invalidValue quotes zod's own English: a refusal the flow editor cannot word in Arabic on its own; a value
        // of a type YAML has no word for ("another value") is zod's float or nan, which the admin did not write either.
        const arabic = fileReasonText(error.known);
        const vague = error.known?.kind === 'invalidValue' || (error.known?.kind === 'wrongType' && error.known.received === 'other') || /\bfloat\b|(?<!\.)\bnan\b|\bfinite\b/i.test(error.message);
        if (arabic === undefined || !/[\u0600-\u06ff]/.test(arabic) || /(?<!\{)\{\w+\}(?!\})/.test(arabic) || vague) {
          withoutKind.push(`${what}: ${String(error)}`);
        }
        if (process.env.SHOW_ARABIC) console.log(`${String(error)}\n  ${arabic}`);
      }
    }
    expect(refused).toEqual([]);
    expect(withoutKind).toEqual([]);
  });

  it('says an anchor before a key that no alias repeats in Arabic, with its removal as the fix, not quotes', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const result = compileFlow('flows/test.yaml', script('  - &greeting say: hi\n'));
    if (!('errors' in result)) throw new Error('not refused');
    expect(result.errors.map((error) => error.known)).toEqual([{ kind: 'yamlAlias', alias: '&greeting', key: 'say' }]);
    setLang('ar');
    expect(fileReasonText(result.errors[0]?.known)).toBe('خطأ في صياغة YAML: تقرأ YAML الكلمة \u2068&greeting\u2069 قبل المفتاح «\u2068say\u2069» مرساةً (anchor) لا يكرّرها أي اسم مستعار (\u2068*greeting\u2069) (احذف \u2068&greeting\u2069)');
  });

  it('says aliases of aliases past the parser\'s limit (a "billion laughs") in Arabic, with what to do, not in the parser\'s English', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, of] of [['b', 'a'], ['c', 'b'], ['d', 'c']]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${of}`).join(', ')}]`);
    const result = compileFlow('flows/test.yaml', `flow: test\ntrigger: { on: conversation.opened, source: contact }\n${laughs.join('\n')}\nsteps:\n  - say: hi\n`);
    if (!('errors' in result)) throw new Error('not refused');
    const [error, ...others] = result.errors;
    expect(others).toEqual([]);
    expect(error?.known).toEqual({ kind: 'yamlAliasLimit', limit: 100 });
    setLang('ar');
    expect(fileReasonText(error?.known)).toBe('خطأ في صياغة YAML: الأسماء المستعارة (\u2068*name\u2069) هنا تكرّر مراسيها (\u2068&name\u2069) أكثر من 100 مرة في المجموع، فيتضخّم الملف عند قراءته أضعافًا مضاعفة (اكتب الجزء المكرَّر كاملًا، أو استعمل أسماء مستعارة أقل)');
    setLang('en');
    expect(fileReasonText(error?.known)).toBeUndefined();
    expect(String(error)).toBe('flows/test.yaml:4:8: YAML syntax error: the aliases (*name) here repeat their anchors (&name) more than 100 times over (write the repeated part out, or use fewer aliases)');
  });

  it('warns of a regex: question that tells a refused customer nothing of what to write, in both languages, until it has example: or invalid:', () => {
    vi.stubGlobal('document', { documentElement: {}, title: '' });
    const question = (more: string) => script(`  - ask: "Your order number?"\n    expect: 'regex:ORD-\\d{4}'\n${more}    save: conversation.order\n  - close: true\n`);
    const warnings = (text: string) => {
      const result = compileFlow('flows/test.yaml', text);
      if ('errors' in result) throw new Error(result.errors.map(String).join('\n'));
      return result.draft.warnings;
    };
    const [warning, ...others] = warnings(question(''));
    expect(others).toEqual([]);
    expect(String(warning)).toBe('flows/test.yaml:5: a customer whose answer this pattern refuses is told only "That doesn\'t look right…", which does not say what to write (add example: with an answer the pattern takes (e.g. example: ORD-1234), or invalid: with your own words)');
    setLang('ar');
    expect(fileReasonText(warning?.known)).toBe('العميل الذي يرفض هذا النمطُ إجابتَه لا يُقال له إلا «لا يبدو هذا صحيحًا…»، ولا يعرف منها ماذا يكتب (أضف \u2068example: ORD-1234\u2069 بإجابة يقبلها النمط، أو \u2068invalid:\u2069 بكلماتك أنت)');
    expect(warnings(question('    example: ORD-1234\n')).map(String)).toEqual([]);
    expect(warnings(question('    invalid: "Please send the number on your receipt, like ORD-1234."\n')).map(String)).toEqual([]);
  });
});
