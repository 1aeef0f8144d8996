import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../src/flows/compile.ts';
import { errorsOf, script } from './helpers.ts';

// Each refusal names the file and the exact line an admin has to fix.
describe('a script is refused with file, line and fix', () => {
  it('on a YAML syntax error', () => {
    expect(errorsOf('flow: test\ntrigger: { on: conversation.opened\nsteps:\n  - say: hi\n')).toEqual([
      expect.stringMatching(/^flows\/test\.yaml:3:\d+: YAML syntax error: .+ \(check the indentation and quotes around here\)$/),
    ]);
  });

  it('on a quote never closed: at the quote that opens the text, not where YAML gives up reading it', () => {
    const placed = (steps: string) => {
      const result = compileFlow('flows/test.yaml', script(steps));
      return 'errors' in result && result.errors.map((error) => ({ text: String(error), line: error.line, column: error.column }));
    };
    // YAML gives up at the end of the file here, and at the end of the line in the second.
    expect(placed('  - say: "Hi there\n  - close: true\n')).toEqual([
      { text: 'flows/test.yaml:4:10: YAML syntax error: this text opens with " and is never closed (put a " where the text ends)', line: 4, column: 10 },
    ]);
    expect(placed("  - say: 'Hi there\n  - ask: 'Your email?'\n    expect: email\n  - close: true\n")).toEqual([
      { text: "flows/test.yaml:4:10: YAML syntax error: this text opens with ' and is never closed (put a ' where the text ends)", line: 4, column: 10 },
    ]);
  });

  it('on a list item left empty, saying which for a page that words it', () => {
    const result = compileFlow('flows/test.yaml', script('  - tag: [vip, " "]\n'));
    expect('errors' in result && result.errors.map((error) => [String(error), error.known])).toEqual([
      ['flows/test.yaml:4: item 2 of "tag": a tag cannot be empty', { kind: 'emptyItem', name: 'tag', item: 2 }],
    ]);
  });

  it('on an empty file', () => {
    expect(errorsOf('')).toEqual(['flows/test.yaml:1: the file is empty (a flow script starts with flow: <name>, then trigger: and steps:)']);
  });

  it('on an unknown step kind, suggesting the likely one', () => {
    expect(errorsOf(script('  - say: hi\n  - sya: "Hello"\n'))).toEqual(['flows/test.yaml:5: unknown step kind "sya" (did you mean "say"?)']);
  });

  it('on a step with two kinds or none', () => {
    expect(errorsOf(script('  - say: hi\n    ask: what?\n'))).toEqual(['flows/test.yaml:5: a step has one kind, this one has say and ask (split it into separate steps)']);
    expect(errorsOf(script('  - expect: email\n'))).toEqual([
      'flows/test.yaml:4: this step has no kind (start it with one of say, ask, branch, set, tag, goto, close, classify, assign)',
    ]);
  });

  it('on an unknown key, in a step, nested, or at the top', () => {
    expect(errorsOf(script('  - ask: "Email?"\n    expect: email\n    retires: 3\n'))).toEqual([
      'flows/test.yaml:6: unknown key "retires" in an ask step (did you mean "retries"?)',
    ]);
    expect(errorsOf(script('  - assign: { team: Billing, strategi: round_robin }\n'))).toEqual([
      'flows/test.yaml:4: unknown key "strategi" in "assign" (did you mean "strategy"?)',
    ]);
    expect(errorsOf('flow: test\ntrigger: { on: conversation.opened, sorce: agent }\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:2: unknown key "sorce" in "trigger" (did you mean "source"?)',
    ]);
    expect(errorsOf('flow: test\ntriger: { on: conversation.opened }\nsteps:\n  - say: hi\n')).toContain(
      'flows/test.yaml:2: unknown key "triger" in the flow script (did you mean "trigger"?)',
    );
  });

  it('on a wrong value type or enum', () => {
    expect(errorsOf(script('  - ask: "n?"\n    expect: number\n    retries: two\n'))).toEqual(['flows/test.yaml:6: "retries" must be a number, not a text']);
    expect(errorsOf(script('  - ask: "Email?"\n    expect: emial\n'))).toEqual(['flows/test.yaml:5: unknown expect "emial" (did you mean "email"?)']);
    expect(errorsOf(script('  - assign: { team: A, strategy: random }\n'))).toEqual([
      'flows/test.yaml:4: "strategy" must be one of least_open, round_robin',
    ]);
    expect(errorsOf('flow: test\ntrigger: { on: conversation.updated }\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:2: "on" must be one of conversation.opened, conversation.closed',
    ]);
  });

  it('on a goto target that is no step id', () => {
    expect(errorsOf(script('  - id: assign\n    say: hi\n  - goto: asign\n'))).toEqual([
      'flows/test.yaml:6: goto target "asign" is not a step id in this file (did you mean "assign"?)',
    ]);
    expect(errorsOf(script('  - ask: "?"\n    on_fail: goto:nowhere\n  - branch:\n      - if: { contact.name: x }\n        goto: nowhere\n      - else: elsewhere\n'))).toEqual([
      'flows/test.yaml:5: goto target "nowhere" is not a step id in this file (give the step to go to an id: nowhere)',
      'flows/test.yaml:8: goto target "nowhere" is not a step id in this file (give the step to go to an id: nowhere)',
      'flows/test.yaml:9: goto target "elsewhere" is not a step id in this file (give the step to go to an id: elsewhere)',
    ]);
  });

  it('on a text that starts with an unquoted *, which YAML reads as an alias of no anchor', () => {
    // WhatsApp's bold: what the admin meant as "*Welcome*" is an alias to YAML.
    expect(errorsOf(script('  - say: hi\n  - say: *Welcome*\n'))).toEqual([
      'flows/test.yaml:5:10: YAML syntax error: *Welcome* is read as a YAML alias, not as text (put a text that starts with * in quotes: "*Welcome* …")',
    ]);
  });

  it('on a text that starts with *bold* and goes on, or with !, which YAML reads as an alias or a tag', () => {
    expect(errorsOf(script('  - say: *Welcome* to Acme!\n'))).toEqual([
      'flows/test.yaml:4:10: YAML syntax error: *Welcome* is read as a YAML alias, not as text (put a text that starts with * in quotes: "*Welcome* …")',
    ]);
    // An anchor no alias repeats: the customer would read "is here" for "&Co is here"; "& Co" is an anchor of no name.
    expect(errorsOf(script('  - say: &Co is here\n'))).toEqual([
      'flows/test.yaml:4:10: YAML syntax error: &Co is read as a YAML anchor, not as text (put a text that starts with & in quotes: "&Co …")',
    ]);
    expect(errorsOf(script('  - say: & Co\n'))).toEqual([
      'flows/test.yaml:4:10: YAML syntax error: & is read as a YAML anchor, not as text (put a text that starts with & in quotes: "& …")',
    ]);
    // Anchors an alias repeats are YAML written on purpose.
    expect(errorsOf(script('  - say: &thanks Thanks for waiting\n  - say: *thanks\n'))).toEqual([]);
    // A tag nobody defined: the customer would read "there" for "!Hello there".
    expect(errorsOf(script('  - say: hi\n  - say: !Hello there\n'))).toEqual([
      'flows/test.yaml:5:10: YAML syntax error: !Hello is read as a YAML tag, and the text would lose it (put a text that starts with ! in quotes: "!Hello …")',
    ]);
  });

  it('on an anchor before a key that no alias repeats, to be removed (quoted, it would make another key)', () => {
    expect(errorsOf(script('  - &greeting say: hi\n'))).toEqual([
      'flows/test.yaml:4:5: YAML syntax error: &greeting before the key "say" is read as a YAML anchor, which no alias (*greeting) repeats (remove &greeting)',
    ]);
    expect(errorsOf('&top flow: test\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: hi\n')).toEqual([
      'flows/test.yaml:1:1: YAML syntax error: &top before the key "flow" is read as a YAML anchor, which no alias (*top) repeats (remove &top)',
    ]);
  });

  it('on aliases that expand into far more than the file says (a "billion laughs")', () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, of] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${of}`).join(', ')}]`);
    expect(errorsOf(`flow: test\ntrigger: { on: conversation.opened, source: contact }\n${laughs.join('\n')}\nsteps:\n  - say: hi\n`)).toEqual([
      'flows/test.yaml:4:8: YAML syntax error: the aliases (*name) here repeat their anchors (&name) more than 100 times over (write the repeated part out, or use fewer aliases)',
    ]);
  });

  it('on a duplicate step id', () => {
    expect(errorsOf(script('  - id: greet\n    say: hi\n  - id: greet\n    say: hello\n'))).toEqual([
      'flows/test.yaml:6: duplicate step id "greet" (line 4 has it already; give each step its own id)',
    ]);
  });

  it('on a regular expression that does not compile', () => {
    expect(errorsOf(script('  - ask: "Order?"\n    expect: "regex:ORD-[0-9"\n'))).toEqual([
      'flows/test.yaml:5: invalid regular expression "ORD-[0-9": Unterminated character class (escape characters like ( [ { . + * ? with a backslash)',
    ]);
    expect(errorsOf(script('  - branch:\n      - if: { contact.name: { matches: "(a" } }\n        goto: x\n  - id: x\n    say: hi\n'))).toEqual([
      'flows/test.yaml:5: invalid regular expression "(a": Unterminated group (escape characters like ( [ { . + * ? with a backslash)',
    ]);
  });

  it('on an example: that its pattern refuses (a customer shown it would be refused), or on a question that is no regex:', () => {
    const ask = (lines: string) => errorsOf(script(`  - ask: "Order?"\n${lines}    save: conversation.order\n  - close: true\n`));
    expect(ask("    expect: 'regex:ORD-\\d{4}'\n    example: ORD-123\n")).toEqual([
      'flows/test.yaml:6: the example "ORD-123" does not match the pattern "ORD-\\d{4}": a customer who writes it is refused (write an answer the pattern takes, as a customer would type it)',
    ]);
    expect(ask('    expect: email\n    example: maya@example.com\n')).toEqual([
      'flows/test.yaml:6: example goes with expect: regex:<pattern> (expect: email shows its own example; remove example:)',
    ]);
    expect(ask("    expect: 'regex:ORD-\\d{4}'\n    example: ORD-1234\n")).toEqual([]);
    expect(ask("    expect: 'regex:ORD-\\d{4}'\n    example: ' ORD-١٢٣٤ '\n")).toEqual([]);
  });

  it('on a pattern that takes no answer: empty, or only spaces (an answer is never empty, and is checked trimmed)', () => {
    const ask = (expect: string) => errorsOf(script(`  - ask: "Order?"\n    expect: ${expect}\n`));
    const fix = '(write what an answer must look like after regex:, e.g. regex:ORD-\\d{4}; to take any answer, write expect: text)';
    expect(ask('"regex:"')).toEqual([`flows/test.yaml:5: regex: has no pattern after it, so it takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until on_fail ${fix}`]);
    for (const pattern of ['^$', '()', '(?:)', '^()$']) {
      expect(ask(`'regex:${pattern}'`), pattern).toEqual([`flows/test.yaml:5: the pattern "${pattern}" takes only an empty answer, and no answer is empty: whatever the customer writes, they are asked again until on_fail ${fix}`]);
    }
    for (const pattern of ['\\s*', '^\\s+$', ' +', '[ ]*', '\\s']) {
      expect(ask(`'regex:${pattern}'`), pattern).toEqual([`flows/test.yaml:5: the pattern "${pattern}" takes only spaces, and an answer is checked without the spaces around it: whatever the customer writes, they are asked again until on_fail ${fix}`]);
    }
    // A pattern that takes something besides nothing or spaces is no error.
    for (const pattern of ['\\s*x', '^$|x', 'x?', '\\S*', '\\\\s*']) expect(ask(`'regex:${pattern}'`), pattern).toEqual([]);
  });

  it('on a pattern that matches no text at all, saying which part of it fails on every text', () => {
    const ask = (pattern: string) => errorsOf(script(`  - ask: "Order?"\n    expect: 'regex:${pattern}'\n    save: conversation.order\n  - close: true\n`));
    const refused = (pattern: string, because: string) =>
      `flows/test.yaml:5: the pattern "${pattern}" takes no answer at all: ${because}; whatever the customer writes, they are asked again until on_fail (write what an answer must look like after regex:, e.g. regex:ORD-\\d{4})`;
    expect(ask('[]')).toEqual([refused('[]', '[] is a class of no character')]);
    expect(ask('ORD-[]\\d+')).toEqual([refused('ORD-[]\\d+', '[] is a class of no character')]);
    expect(ask('[^\\s\\S]+')).toEqual([refused('[^\\s\\S]+', '[^\\s\\S] is a class of no character')]);
    expect(ask('(?!)')).toEqual([refused('(?!)', '(?!) fails everywhere: what it must not find matches at every point')]);
    expect(ask('(?!)ORD-\\d{4}')).toEqual([refused('(?!)ORD-\\d{4}', '(?!) fails everywhere: what it must not find matches at every point')]);
    for (const pattern of ['a^', 'ORD-^\\d{4}', '(yes|no)^', 'x(?=y^)']) expect(ask(pattern), pattern).toEqual([refused(pattern, '^ (the start of the answer) comes after text')]);
    for (const pattern of ['$a', '\\d{4}$-ORD', '$(yes|no)']) expect(ask(pattern), pattern).toEqual([refused(pattern, '$ (the end of the answer) comes before text')]);
    // Lookarounds and \b, \B applied to what stands next to them, and the answer's own edges: nothing comes before it or after it.
    expect(ask('(?=\\d)ORD')).toEqual([refused('(?=\\d)ORD', '(?=\\d) asks for text that cannot come after it')]);
    expect(ask('(?!a)a')).toEqual([refused('(?!a)a', '(?!a) refuses the text that must come after it')]);
    expect(ask('(?<=#)ORD')).toEqual([refused('(?<=#)ORD', '(?<=#) asks for text that cannot come before it')]);
    expect(ask('ORD-\\d{4}(?=-)')).toEqual([refused('ORD-\\d{4}(?=-)', '(?=-) asks for text that cannot come after it')]);
    expect(ask('(?!a*)b')).toEqual([refused('(?!a*)b', '(?!a*) fails everywhere: what it must not find matches at every point')]);
    expect(ask('ORD\\B-\\d+')).toEqual([refused('ORD\\B-\\d+', '\\B (not at the edge of a word) stands where a word starts or ends')]);
    expect(ask('\\b-\\d+')).toEqual([refused('\\b-\\d+', '\\b (the edge of a word) stands where no word starts or ends')]);
    expect(ask('(?=a)(?=b)x')).toEqual([refused('(?=a)(?=b)x', '(?=a) asks for text that cannot come after it')]);
    // A way through the pattern that can match is enough: an alternative, or a part that may be left out.
    for (const pattern of ['[]|ORD-\\d{4}', 'x|(?!)', '(?:a^)?b', 'x*^y', '^ORD-\\d{4}$', '(?:^|#)\\d+', '\\d+(?:$|!)', '\\^\\d', '\\$\\d+', '[$^]x', '\\bORD\\b', 'ORD\\B\\d+', '(?<=^)ORD(?=$)', '(?=\\d)\\w+', '(?!0)\\d+']) {
      expect(ask(pattern), pattern).toEqual([]);
    }
  });

  it('on no pattern of real questions: emails, order numbers, phone numbers, dates, Arabic text (no error, no warning)', () => {
    const patterns = [
      '[^@\\s]+@[^@\\s]+\\.[^@\\s]+', '[\\w.+-]+@[\\w-]+\\.[\\w.]+', 'ORD-\\d{4}', '(?:ORD|INV)-\\d{4,8}', '[A-Z]{2}\\d{9}[A-Z]{2}',
      '\\+?\\d[\\d\\s-]{6,14}\\d', '(?:\\+20|0)?1[0125]\\d{8}', '\\d{1,2}/\\d{1,2}/\\d{4}', '\\d{4}-\\d{2}-\\d{2}', '(?:[01]\\d|2[0-3]):[0-5]\\d',
      '[\\u0600-\\u06FF\\s]+', '\\p{Script=Arabic}+', '[ء-ي ]+', '(نعم|لا|yes|no)', '\\b\\d{5}\\b', '(?!0)\\d{3}', '(\\d)\\1{3}', '(?<year>\\d{4})-\\k<year>',
      '(?=.*\\d)(?=.*[a-z]).{8,}', '(?![^@]*\\.\\.)[^@\\s]+@\\S+', '\\d+(?:\\.\\d{1,2})?', '\\p{Lu}\\p{Ll}+', 'EG\\d{2}[A-Z0-9]{25}',
    ];
    // Each says what to write when an answer is refused (invalid:), so none is warned of for saying nothing.
    for (const pattern of patterns) {
      const result = compileFlow('flows/test.yaml', script(`  - ask: "Order?"\n    expect: 'regex:${pattern}'\n    invalid: "Please send your order number as written on the receipt."\n    save: conversation.order\n  - close: true\n`));
      expect('draft' in result ? result.draft.warnings.map(String) : result.errors.map(String), pattern).toEqual([]);
    }
  });

  it('warns (without refusing) of a pattern with lookarounds that no answer tried passes', () => {
    const result = compileFlow('flows/test.yaml', script(`  - ask: "Order?"\n    expect: 'regex:(?=.*\\d)[A-Z]{3}'\n    invalid: "Please send your order number as written on the receipt."\n    save: conversation.order\n  - close: true\n`));
    expect('draft' in result && result.draft.warnings.map(String)).toEqual([
      'flows/test.yaml:5: no answer tried passes the pattern "(?=.*\\d)[A-Z]{3}" ("AAA", "0AAA", "A0AAA", ORD-1234, name@example.com, 31/12/2025 and others): if none can, whatever the customer writes, they are asked again until on_fail (check the pattern against an answer a customer would write)',
    ]);
  });

  it('warns of, never refuses, a pattern with \\b, \\B or a lookaround inside a lookaround, which refa does not settle, nor one refa misreads as matching nothing', () => {
    const checked = (pattern: string) => {
      const result = compileFlow('flows/test.yaml', script(`  - ask: "Order?"\n    expect: 'regex:${pattern}'\n    invalid: "Please send your order number as written on the receipt."\n    save: conversation.order\n  - close: true\n`));
      return 'draft' in result ? { warnings: result.draft.warnings.map(String) } : { errors: result.errors.map(String) };
    };
    const warned = (pattern: string, tried: string) =>
      ({ warnings: [`flows/test.yaml:5: no answer tried passes the pattern "${pattern}" (${tried}ORD-1234, name@example.com, 31/12/2025 and others): if none can, whatever the customer writes, they are asked again until on_fail (check the pattern against an answer a customer would write)`] });
    // No answer passes these, but refa cannot show it: \b and \B inside a lookaround are left to the answers tried.
    expect(checked('(?!\\b)a')).toEqual(warned('(?!\\b)a', '"a", '));
    expect(checked('(?=\\bx)')).toEqual(warned('(?=\\bx)', '"x", '));
    // "a b" passes this one, which refa reads as matching nothing.
    expect(checked('a(?! x|\\B) b')).toEqual(warned('a(?! x|\\B) b', ''));
    // "aa", "1" and "z" pass these, which refa reads as matching nothing: a lookbehind spoiling the reading of the next,
    // a lookbehind of what cannot be ($ before text), a back-reference to a group that took no part (it takes nothing).
    for (const pattern of ['a(?=(?<!-)(?<=a)a)a', '1?(?<!$aa)\\b']) expect(checked(pattern), pattern).toEqual({ warnings: [] });
    expect(checked('z(b)*$\\1')).toEqual(warned('z(b)*$\\1', ''));
  });

  it('on a matches: pattern that matches no value at all, saying which part of it fails on every value; a branch case on it would never hold', () => {
    const branch = (pattern: string) => {
      const result = compileFlow('flows/test.yaml', script(`  - ask: "Order?"\n    save: conversation.order\n  - branch:\n      - if: { conversation.order: { matches: '${pattern}' } }\n        goto: found\n  - close: true\n  - id: found\n    say: "Found"\n`));
      return 'draft' in result ? { warnings: result.draft.warnings.map(String) } : { errors: result.errors.map(String) };
    };
    const refused = (pattern: string, because: string) =>
      ({ errors: [`flows/test.yaml:7: the pattern "${pattern}" matches no value at all: ${because}; this condition never holds, whatever value the field has (write what the value must contain, e.g. matches: "^ord-\\\\d+$")`] });
    expect(branch('^ord-$\\d+')).toEqual(refused('^ord-$\\d+', "$ (the end of the field's value) comes before text"));
    expect(branch('ord-^\\d+')).toEqual(refused('ord-^\\d+', "^ (the start of the field's value) comes after text"));
    expect(branch('ord-[]\\d+')).toEqual(refused('ord-[]\\d+', '[] is a class of no character'));
    expect(branch('(?!)')).toEqual(refused('(?!)', '(?!) fails everywhere: what it must not find matches at every point'));
    expect(branch('(?=\\d)ord')).toEqual(refused('(?=\\d)ord', '(?=\\d) asks for text that cannot come after it'));
    expect(branch('ord\\B-')).toEqual(refused('ord\\B-', '\\B (not at the edge of a word) stands where a word starts or ends'));
    // Found anywhere in the value, a pattern may look at what comes before or after it: none of these is refused.
    for (const pattern of ['^ord-\\d+$', '@acme\\.com$', '(?<=#)ord', '\\b-\\d+', 'ord-\\d{4}(?=-)', '^$|x', '(?!0)\\d+', '\\bvip\\b', '(\\d)\\1']) {
      expect(branch(pattern), pattern).toEqual({ warnings: [] });
    }
    // Undecided, and no value tried passes it: warned of at its line.
    expect(branch('x(?=\\by)')).toEqual({
      warnings: ['flows/test.yaml:7: no value tried passes the pattern "x(?=\\by)" ("XA", "AXA", "XAA", ORD-1234, name@example.com, 31/12/2025 and others): if none can, this condition never holds (check the pattern against a value the field would hold)'],
    });
  });

  it('on a template naming an unknown field', () => {
    expect(errorsOf(script('  - ask: "Email?"\n    save: contact.email\n  - say: "Thanks"\n  - say: "We will write to {{contact.emial}}"\n'))).toEqual([
      'flows/test.yaml:7: unknown field "contact.emial" in a template (did you mean "contact.email"?)',
    ]);
  });

  it('on a branch on an unknown field or with an unknown condition', () => {
    expect(errorsOf(script('  - branch:\n      - if: { conversation.topik: billing }\n        goto: x\n  - id: x\n    say: hi\n'))).toEqual([
      'flows/test.yaml:5: unknown field "conversation.topik" (a field exists once a flow saves it with ask … save: or set:, or use a builtin like contact.name)',
    ]);
    expect(errorsOf(script('  - branch:\n      - if: { contact.name: { equls: Mona } }\n        goto: x\n  - id: x\n    say: hi\n'))).toEqual([
      'flows/test.yaml:5: unknown condition "equls" (did you mean "equals"?)',
    ]);
  });

  it('on a goto loop that never waits for the customer', () => {
    expect(errorsOf(script('  - ask: "Name?"\n    save: contact.name\n  - id: top\n    say: "Hello"\n  - set: { conversation.x: 1 }\n  - goto: top\n'))).toEqual([
      'flows/test.yaml:9: this goto loop never waits for the customer: lines 6 → 8 → 9 → 6 (put an ask step inside the loop, so it waits for the customer each time round)',
    ]);
    expect(errorsOf(script('  - id: top\n    branch:\n      - if: { contact.name: Mona }\n        goto: top\n'))).toEqual([
      'flows/test.yaml:4: this goto loop never waits for the customer: lines 4 → 4 (put an ask step inside the loop, so it waits for the customer each time round)',
    ]);
  });

  it('accepts a loop that passes through a step that waits', () => {
    expect(errorsOf(script('  - id: top\n    ask: "More?"\n    save: conversation.more\n  - goto: top\n'))).toEqual([]);
  });

  it('on fields a flow may not write and options in the wrong place', () => {
    expect(errorsOf(script('  - set: { conversation.status: closed, contact.id: x }\n'))).toEqual([
      'flows/test.yaml:4: "conversation.status" is managed by Switchboard (use a close step)',
      'flows/test.yaml:4: "contact.id" cannot be written by a flow (contact ids are given by Switchboard)',
    ]);
    expect(errorsOf(script('  - ask: "Need?"\n    save: conversation.first_message\n'))).toEqual([
      'flows/test.yaml:5: "conversation.first_message" cannot be written by a flow (Switchboard sets it to the message that opened the conversation when it says what the customer needs; copy it into a field of your own with set:)',
    ]);
    expect(errorsOf(script('  - ask: "Topic?"\n    choices: [A, B]\n'))).toEqual(['flows/test.yaml:5: choices go with expect: choice (add expect: choice)']);
    expect(errorsOf(script('  - ask: "Topic?"\n    expect: choice\n'))).toEqual(['flows/test.yaml:5: expect: choice needs choices (add choices: [Billing, Technical problem])']);
    expect(errorsOf(script('  - ask: "Phone?"\n    expect: phone\n    country: XX\n'))).toEqual(['flows/test.yaml:6: "XX" is not a country code (use a two-letter code like EG, US or GB)']);
    expect(errorsOf(script('  - ask: "?"\n    skip_if_known: true\n'))).toEqual(['flows/test.yaml:5: skip_if_known needs a save: field to look at (add save: contact.<field>)']);
    expect(errorsOf(script('  - ask: "?"\n    on_fail: assign\n'))).toEqual(['flows/test.yaml:5: the flow has no assign step to go to (add an assign step, or use goto:<id>)']);
    expect(errorsOf(script('  - ask: "?"\n    on_fail: stop\n'))).toEqual(['flows/test.yaml:5: "stop" is not one of continue, assign, goto:<id> (e.g. on_fail: continue)']);
    expect(errorsOf(script('  - branch:\n      - else: a\n      - if: { contact.name: x }\n        goto: a\n  - id: a\n    say: hi\n'))).toEqual([
      'flows/test.yaml:5: else must be the last case: the cases after it are never tried (move it to the end)',
    ]);
  });

  it('on options a photo, file or location question cannot use, and builtins that cannot hold a reference', () => {
    expect(errorsOf(script('  - ask: "Receipt?"\n    expect: image\n    choices: [A, B]\n'))).toEqual([
      'flows/test.yaml:6: expect: image takes no choices: it is answered with a picture (remove choices:)',
    ]);
    expect(errorsOf(script('  - ask: "Where?"\n    expect: location\n    country: EG\n'))).toEqual([
      'flows/test.yaml:6: expect: location takes no country: it is answered with a shared location (remove country:)',
    ]);
    expect(errorsOf(script('  - ask: "Photo?"\n    expect: file\n    save: contact.name\n'))).toEqual([
      'flows/test.yaml:6: expect: file saves a reference like media:<id>, which does not belong in contact.name (save it to a field of its own, e.g. save: conversation.file)',
    ]);
    expect(errorsOf(script('  - ask: "Where?"\n    expect: location\n    save: conversation.team\n'))).toEqual([
      'flows/test.yaml:6: expect: location saves coordinates like 30.04,31.23, which does not belong in conversation.team (save it to a field of its own, e.g. save: conversation.location)',
    ]);
    expect(errorsOf(script('  - ask: "Photo?"\n    expect: imgae\n'))).toEqual(['flows/test.yaml:5: unknown expect "imgae" (did you mean "image"?)']);
  });
});
