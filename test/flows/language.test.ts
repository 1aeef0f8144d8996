import { describe, expect, it } from 'vitest';
import { resumeFlow, startFlow } from '../../src/flows/index.ts';
import { byLanguage, forEveryLanguage, localize, type Localized } from '../../src/flows/language.ts';
import { compile, errorsOf, newRun, script, takeSaid } from './helpers.ts';

const greeting: Localized<string> = {
  variants: new Map([['en', 'Hi'], ['ar', 'مرحبا'], ['pt-br', 'Olá']]),
  fallback: 'Hi',
};

describe('picking the variant for a contact', () => {
  it('takes the exact tag, then the primary language, then another region of it, then the fallback', () => {
    expect(localize(greeting, 'ar')).toBe('مرحبا');
    expect(localize(greeting, 'PT-BR')).toBe('Olá');
    expect(localize(greeting, 'pt_BR')).toBe('Olá');
    expect(localize(greeting, 'ar-EG')).toBe('مرحبا');
    expect(localize(greeting, 'pt')).toBe('Olá');
    expect(localize(greeting, 'pt-PT')).toBe('Olá');
    expect(localize(greeting, 'fr')).toBe('Hi');
    expect(localize(greeting, undefined)).toBe('Hi');
  });

  it('shows a plain text to everyone', () => {
    expect(localize(forEveryLanguage('Billing'), 'ar')).toBe('Billing');
  });

  it('picks Switchboard\'s own texts the same way: Arabic for any Arabic tag, English for every other language', () => {
    const thanks = { en: 'Thanks', ar: 'شكرًا' };
    expect(['ar', 'ar-EG', 'AR_eg'].map((tag) => byLanguage(thanks, tag))).toEqual(['شكرًا', 'شكرًا', 'شكرًا']);
    expect(['en-GB', 'fr', undefined].map((tag) => byLanguage(thanks, tag))).toEqual(['Thanks', 'Thanks', 'Thanks']);
  });
});

describe('a text per language', () => {
  const say = '  - say: { en: "Hi {{contact.name | there}}!", ar: "مرحبا {{contact.name | بك}}!", pt-BR: "Olá!" }\n';

  function greet(language: string | undefined, flowLanguage?: string) {
    const header = flowLanguage ? `flow: test\nlanguage: ${flowLanguage}\n` : 'flow: test\n';
    const flow = compile(`${header}trigger: { on: conversation.opened }\nsteps:\n${say}`);
    const run = newRun(language === undefined ? {} : { language });
    startFlow(flow, run);
    return takeSaid(run)[0];
  }

  it('is said in the contact\'s language, by exact tag or primary language', () => {
    expect(greet('ar')).toBe('مرحبا بك!');
    expect(greet('ar-EG')).toBe('مرحبا بك!');
    expect(greet('pt-br')).toBe('Olá!');
    expect(greet('en-US')).toBe('Hi there!');
  });

  it('falls back to the first language written, or to the flow\'s language: when it has one', () => {
    expect(greet('fr')).toBe('Hi there!');
    expect(greet(undefined)).toBe('Hi there!');
    expect(greet('fr', 'ar')).toBe('مرحبا بك!');
    expect(greet(undefined, 'pt-BR')).toBe('Olá!');
  });

  it('follows a language the flow sets on the contact, from the next step on', () => {
    const flow = compile(script(
      '  - ask: { en: "Which language?", ar: "ما اللغة التي تفضلها؟" }\n' +
      '    expect: choice\n' +
      '    choices: [{ id: en, title: English }, { id: ar, title: العربية }]\n' +
      '    save: contact.language\n' +
      '  - say: { en: "Hello!", ar: "أهلًا وسهلًا!" }\n' +
      '  - set: { contact.language: en }\n' +
      '  - say: { en: "Back to English.", ar: "…" }\n',
    ));
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'العربية' });
    expect(takeSaid(run)).toEqual(['Which language?', 'أهلًا وسهلًا!', 'Back to English.']);
  });

  it('words ask, invalid, choices, clarify and queued too', () => {
    const flow = compile(script(
      '  - ask: { en: "Your email?", ar: "ما بريدك الإلكتروني؟" }\n' +
      '    expect: email\n' +
      '    invalid: { en: "Not an email.", ar: "هذا ليس بريدًا إلكترونيًا." }\n' +
      '  - ask: { en: "How many?", ar: "كم عددها؟" }\n' +
      '    expect: number\n' +
      '  - say: { en: "Topic?", ar: "ما الموضوع؟" }\n' +
      '    choices: [{ id: billing, title: { en: Billing, ar: الفواتير } }, Other]\n' +
      '  - ask: Need?\n    save: conversation.need\n' +
      '  - classify: conversation.need\n' +
      '    routes: { billing: { team: Billing, title: { en: Billing, ar: الفواتير } }, sales: Sales }\n' +
      '    clarify: { en: "Billing or sales?", ar: "الفواتير أم المبيعات؟" }\n' +
      '  - assign: { team: "{{conversation.team}}" }\n' +
      '    queued: { en: "You are number {{queue.position}}.", ar: "ترتيبك {{queue.position}}." }\n',
    ));
    const run = newRun({ language: 'ar' });
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'mona at example' });
    resumeFlow(flow, run, { text: 'mona@example.com' });
    resumeFlow(flow, run, { text: 'lots' });
    resumeFlow(flow, run, { text: '٣' });
    expect(run.said[4]).toEqual({ text: 'ما الموضوع؟', choices: [{ id: 'billing', title: 'الفواتير' }, { id: 'other', title: 'Other' }] });
    resumeFlow(flow, run, { text: 'hmm' });
    expect(run.said.at(-1)).toEqual({ text: 'الفواتير أم المبيعات؟', choices: [{ id: 'billing', title: 'الفواتير' }, { id: 'sales', title: 'Sales' }] });
    expect(takeSaid(run)).toEqual([
      'ما بريدك الإلكتروني؟',
      'هذا ليس بريدًا إلكترونيًا.',
      'كم عددها؟',
      'يُرجى الإجابة برقم، مثل 3.',
      'ما الموضوع؟',
      'Need?',
      'الفواتير أم المبيعات؟',
    ]);
    resumeFlow(flow, run, { text: 'الفواتير' });
    expect(run.conversation).toMatchObject({ intent: 'billing', team: 'Billing' });
    expect(run.assigned[0]?.queuedText?.(2).text).toBe('ترتيبك 2.');
  });
});

describe('choices in several languages', () => {
  const flow = compile(script(
    '  - ask: { en: "Topic?", ar: "ما الموضوع؟" }\n' +
    '    expect: choice\n' +
    '    choices:\n' +
    '      - { id: billing, title: { en: Billing, ar: الفواتير } }\n' +
    '      - { id: tech, title: { en: Technical problem, ar: مشكلة فنية } }\n' +
    '    save: conversation.topic\n',
  ));

  function answer(input: { text?: string; choice?: string }, language?: string) {
    const run = newRun(language ? { language } : {});
    startFlow(flow, run);
    resumeFlow(flow, run, input);
    return run.conversation.fields.topic;
  }

  it('are titled in the contact\'s language, with the same ids', () => {
    const arabic = newRun({ language: 'ar' });
    startFlow(flow, arabic);
    const english = newRun({ language: 'en' });
    startFlow(flow, english);
    expect(arabic.said[0]?.choices).toEqual([{ id: 'billing', title: 'الفواتير' }, { id: 'tech', title: 'مشكلة فنية' }]);
    expect(english.said[0]?.choices).toEqual([{ id: 'billing', title: 'Billing' }, { id: 'tech', title: 'Technical problem' }]);
  });

  it('save the pressed button\'s id, whatever the language', () => {
    expect(answer({ choice: 'tech', text: 'مشكلة فنية' }, 'ar')).toBe('tech');
    expect(answer({ choice: 'tech' }, 'en')).toBe('tech');
  });

  it('take a title typed in any of their languages, and a typed number', () => {
    expect(answer({ text: 'مشكلة فنية' }, 'ar')).toBe('tech');
    expect(answer({ text: 'مشكلة  فنيّة' }, 'en')).toBe('tech');
    expect(answer({ text: 'technical PROBLEM' }, 'ar')).toBe('tech');
    expect(answer({ text: '٢' }, 'ar')).toBe('tech');
    expect(answer({ text: '1' })).toBe('billing');
    expect(answer({ text: 'فنية' }, 'ar')).toBeUndefined();
  });
});

describe('a script with texts per language is refused with file, line and fix', () => {
  it('on a key that is no language, or a language given twice', () => {
    expect(errorsOf(script('  - say:\n      en: Hi\n      english: Hi\n'))).toEqual([
      'flows/test.yaml:6: "english" is not a language (a text per language is a map like { en: "Hello", ar: "مرحبا" }; use a language code like en, ar or pt-BR)',
    ]);
    expect(errorsOf(script('  - ask: Topic?\n    expect: choice\n    choices: [{ id: a, title: { en: A, pt_BR: A } }]\n'))).toEqual([
      'flows/test.yaml:6: "pt_BR" is not a language (a text per language is a map like { en: "Hello", ar: "مرحبا" }; use a language code like en, ar or pt-BR)',
    ]);
    expect(errorsOf(script('  - say:\n      en: Hi\n      EN: Hello\n'))).toEqual([
      'flows/test.yaml:6: "EN" gives a second text for the language "en" (keep one of the two)',
    ]);
  });

  it('on an empty map, or an empty text in it', () => {
    expect(errorsOf(script('  - say: {}\n'))).toEqual([
      'flows/test.yaml:4: "say" has no text: its map of languages is empty (write a text, or a text per language like { en: "Hello", ar: "مرحبا" })',
    ]);
    expect(errorsOf(script('  - assign: { team: Billing }\n    queued:\n      en: ""\n'))).toEqual(['flows/test.yaml:6: "en": queued needs a text']);
    expect(errorsOf(script('  - ask: "?"\n    invalid: 42\n'))).toEqual([
      'flows/test.yaml:5: "invalid": must be a text, or a text per language like { en: "Hello", ar: "مرحبا" }',
    ]);
  });

  it('on a map without the flow\'s language, and a language: that is no language', () => {
    expect(errorsOf('flow: test\nlanguage: en\ntrigger: { on: conversation.opened }\nsteps:\n  - say: { ar: "مرحبا", fr: Salut }\n  - say: Plain texts are for everyone\n')).toEqual([
      'flows/test.yaml:5: "say" has no "en" text, the flow\'s language (add en: "…"; customers whose language has no text of its own see that one)',
    ]);
    expect(errorsOf('flow: test\nlanguage: english\ntrigger: { on: conversation.opened }\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:2: "language": use a language code like en, ar or pt-BR',
    ]);
  });

  it('on a template in any language naming an unknown field, at its own line', () => {
    expect(errorsOf(script('  - say:\n      en: "Hi {{contact.name}}"\n      ar: "مرحبا {{contact.nmae}}"\n'))).toEqual([
      'flows/test.yaml:6: unknown field "contact.nmae" in a template (did you mean "contact.name"?)',
    ]);
    expect(errorsOf('flow: test\ntrigger: { on: conversation.opened }\nnotices:\n  closed:\n    en: "Closed. {{closing.note}}"\n    ar: "{{closing.not}}"\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:6: unknown field "closing.not" in a template (did you mean "closing.note"?)',
    ]);
  });

  it('on a route title or a notice that is neither a text nor a map of languages', () => {
    expect(errorsOf(script('  - classify: contact.name\n    routes:\n      billing: { team: Billing, title: [Billing] }\n'))).toEqual([
      'flows/test.yaml:6: "billing": a route is a team, or { team: Billing, title: { en: Billing, ar: الفواتير } } to title its button',
    ]);
    expect(errorsOf('flow: test\ntrigger: { on: conversation.opened }\nnotices:\n  closed: { en: Bye, ar: 5 }\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:4: "closed": must be a text, or a text per language like { en: "Hello", ar: "مرحبا" }',
    ]);
  });
});
