// `otherwise:` on a choice question: a customer who answers in words of their own instead of a button ("yes, my invoice
// address is wrong too") has those words kept and the flow goes on where the author says, instead of being told to
// pick an option until the question gives up.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileReasonText, setLang } from '../../src/admin-ui/i18n.ts';
import { compileFlow } from '../../src/flows/compile.ts';
import { resumeFlow, startFlow } from '../../src/flows/index.ts';
import type { Attachment } from '../../src/store/types.ts';
import { compile, errorsOf, newRun, script, takeSaid } from './helpers.ts';

const anythingElse = (otherwise: string) => script(
  `  - id: more\n    ask: "Anything else?"\n    expect: choice\n    choices: [{ id: "yes", title: { en: "Yes", ar: "نعم" } }, { id: "no", title: { en: "No, that's all", ar: "لا، هذا كل شيء" } }]\n` +
  `    save: conversation.more\n${otherwise}    on_fail: goto:bye\n  - say: "Picked {{conversation.more}}"\n  - id: bye\n    say: "Bye"\n  - id: route\n    say: "Routing: {{conversation.need}}"\n`,
);
const flow = compile(anythingElse('    otherwise: { save: conversation.need, goto: route }\n'));

function answered(text: string, language?: string) {
  const run = newRun(language ? { language } : {});
  startFlow(flow, run);
  takeSaid(run);
  resumeFlow(flow, run, { text });
  return run;
}

describe('otherwise: on a choice question', () => {
  it.each([
    ['yes, my invoice address is wrong too', undefined],
    ['no, I still cannot log in', undefined],
    ['billing', undefined],
    ['نعم، عنوان الفاتورة خطأ أيضًا', 'ar'],
  ])('keeps %j as the need and goes on at the step named, without "Please pick one of the options"', (text, language) => {
    const run = answered(text, language);
    expect(run.conversation.fields.need).toBe(text);
    expect(run.conversation.fields.more).toBeUndefined();
    expect(takeSaid(run)).toEqual([`Routing: ${text}`]);
  });

  it('still takes a choice first: pressed, numbered, typed, or said politely', () => {
    for (const [text, id] of [['2', 'no'], ['Yes', 'yes'], ['no thanks', 'no'], ['لا شكرًا', 'no']] as const) {
      const run = answered(text);
      expect(run.conversation.fields.more, text).toBe(id);
      expect(run.conversation.fields.need, text).toBeUndefined();
    }
  });

  it('asks again, as without it, an out-of-range number, a try at a choice, courtesy alone, or a photo', () => {
    const photo: Attachment = { kind: 'image', mime: 'image/jpeg', size: 52_000, ref: 'ph0t0', caption: 'my invoice' };
    for (const input of [{ text: '3' }, { text: 'option 3' }, { text: 'no, wrong' }, { text: 'yes no' }, { text: 'thanks' }, { text: 'شكرا' }, { text: '👍' }, { text: 'my invoice', attachments: [photo] }]) {
      const run = newRun();
      startFlow(flow, run);
      takeSaid(run);
      resumeFlow(flow, run, input);
      expect(takeSaid(run), input.text).toEqual(['Please pick one of the options (you can also type its number).']);
      expect(run.conversation.fields.need, input.text).toBeUndefined();
    }
  });

  it.each([
    ['yes, refund', undefined],
    ['yes my invoice', undefined],
    ['نعم، استرداد', 'ar'],
  ])('keeps %j, a yes said with the need after it, as the need instead of asking to pick again', (text, language) => {
    const run = answered(text, language);
    expect(takeSaid(run)).toEqual([`Routing: ${text}`]);
    expect(run.conversation.fields.need).toBe(text);
    expect(run.conversation.fields.more).toBeUndefined();
  });

  it.each([
    ['no - all good', 'no'],
    ["no, that's all good", 'no'],
    ['لا، كل شيء تمام', 'no'],
    ['yes please help', 'yes'],
    ['nope, all good', 'no'],
    ["nah that's all", 'no'],
    ['كلا، كل شيء تمام', 'no'],
    ['sure, please help', 'yes'],
  ])('takes %j, a choice with words that only say the customer is sure or done, as that choice', (text, id) => {
    const run = answered(text);
    expect(run.conversation.fields.more).toBe(id);
    expect(run.conversation.fields.need).toBeUndefined();
  });

  it('without goto, goes on at the next step', () => {
    const next = compile(anythingElse('    otherwise: { save: conversation.need }\n'));
    const run = newRun();
    startFlow(next, run);
    takeSaid(run);
    resumeFlow(next, run, { text: 'my parcel never came' });
    expect(run.conversation.fields.need).toBe('my parcel never came');
    expect(takeSaid(run)[0]).toBe('Picked ');
  });

  it('is checked at load like save and goto, at its line, in kinds the dashboard words', () => {
    const known = (otherwise: string, expectLine = '    expect: choice\n    choices: [Yes, No]\n') => {
      const result = compileFlow('flows/test.yaml', script(`  - ask: "More?"\n${expectLine}${otherwise}  - id: route\n    say: "Hi"\n`));
      return 'errors' in result ? result.errors.map((error) => [String(error), error.known]) : [];
    };
    expect(known('    otherwise: { save: conversation.need, goto: rout }\n')).toEqual([
      ['flows/test.yaml:7: goto target "rout" is not a step id in this file (did you mean "route"?)', { kind: 'unknownGotoTarget', target: 'rout', suggestion: 'route', ids: ['route'] }],
    ]);
    expect(known('    otherwise: { save: need, goto: route }\n')).toEqual([[expect.stringMatching(/^flows\/test\.yaml:7: /), expect.objectContaining({ kind: 'notAField' })]]);
    expect(known('    otherwise: { save: conversation.first_message, goto: route }\n')).toEqual([[expect.stringMatching(/^flows\/test\.yaml:7: /), expect.objectContaining({ kind: 'fieldNotWritable' })]]);
    expect(known('    otherwise: { save: conversation.need, goto: route }\n', '')).toEqual([
      ['flows/test.yaml:5: otherwise goes with expect: choice (add expect: choice, or remove otherwise:)', { kind: 'keyNeedsKey', name: 'otherwise', needs: 'expect: choice', example: 'expect: choice' }],
    ]);
    expect(known('    otherwise: { goto: route }\n')).toEqual([[expect.stringMatching(/^flows\/test\.yaml:7: missing /), { kind: 'missingKey', name: 'save' }]]);
    expect(known('    otherwise: { save: conversation.need, go: route }\n')).toEqual([[expect.stringMatching(/^flows\/test\.yaml:7: unknown key "go"/), expect.objectContaining({ kind: 'unknownKey', name: 'go' })]]);
    expect(errorsOf(script('  - ask: "More?"\n    expect: choice\n    choices: [Yes, No]\n    otherwise: { save: conversation.need, goto: route }\n  - id: route\n    say: "{{conversation.need}}"\n'))).toEqual([]);
  });

  describe('in the Arabic dashboard', () => {
    afterEach(() => {
      setLang('en');
      vi.unstubAllGlobals();
    });

    it('words its load errors in Arabic', () => {
      vi.stubGlobal('document', { documentElement: {}, title: '' });
      setLang('ar');
      const arabic = (steps: string) => {
        const result = compileFlow('flows/test.yaml', script(steps));
        return 'errors' in result ? result.errors.map((error) => fileReasonText(error.known)) : [];
      };
      expect(arabic('  - ask: "More?"\n    otherwise: { save: conversation.need }\n')).toEqual(['لا يصحّ \u2068otherwise\u2069 إلا مع \u2068expect: choice\u2069 (أضف \u2068expect: choice\u2069)']);
      expect(arabic('  - ask: "More?"\n    expect: choice\n    choices: [Yes, No]\n    otherwise: { save: conversation.need, goto: rout }\n  - id: route\n    say: "Hi"\n')).toEqual([
        expect.stringMatching(/\u2068rout\u2069.*\u2068route\u2069/),
      ]);
    });
  });
});

// The same question without `otherwise:`: a choice said with a word or two beside it is that choice, not "Please pick
// one of the options" until the question gives up.
describe('a choice said with a few words beside it', () => {
  const teams = compile(script(
    `  - ask: "Which team?"\n    expect: choice\n    choices: [{ id: billing, title: { en: Billing, ar: الفواتير } }, { id: sales, title: { en: Sales, ar: المبيعات } }]\n` +
    `    save: conversation.topic\n    on_fail: goto:bye\n  - say: "Picked {{conversation.topic}}"\n  - id: bye\n    say: "Bye"\n`,
  ));
  const plain = compile(anythingElse(''), ['conversation.need']);
  const said = (flow: typeof teams, text: string) => {
    const run = newRun();
    startFlow(flow, run);
    takeSaid(run);
    resumeFlow(flow, run, { text });
    return takeSaid(run);
  };

  it.each([
    ['billing please help', 'billing'], ['Billing, refund', 'billing'], ['sales pls', 'sales'], ['الفواتير من فضلك ساعدني', 'billing'],
    ['about sales', 'sales'], ['المبيعات لو سمحت', 'sales'],
  ])('takes %j as %s', (text, id) => {
    expect(said(teams, text)[0]).toBe(`Picked ${id}`);
  });

  it.each([['yes, refund', 'yes'], ['no - all good', 'no'], ['نعم، استرداد', 'yes'], ['yes yes', 'yes'], ['sure, refund', 'yes'], ['أكيد، استرداد', 'yes'], ['nope, all good', 'no']])('takes %j as %s', (text, id) => {
    expect(said(plain, text)[0]).toBe(`Picked ${id}`);
  });

  it.each(['billing or sales', 'not billing', 'billing? no', 'no, wrong', 'yes no', 'yes, I guess', 'ربما نعم', 'sales maybe', 'مش الفواتير', 'لا المبيعات', 'no, I still cannot log in', 'billing, my card was charged twice', 'nope, wrong', 'sure, I guess', 'nope, I still cannot log in'])(
    'asks %j again: two choices, a choice taken back or hedged, or a sentence of its own',
    (text) => {
      const flow = /yes|no,|nope|sure|نعم/.test(text) ? plain : teams;
      expect(said(flow, text)).toEqual(['Please pick one of the options (you can also type its number).']);
    },
  );
});
