import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrainingData, parseTrainingData, TrainingDataError } from '../../../src/bot/nlp/training-data.ts';

/** The refusal of a parse, as a person reads it (`file:line:column: reason`). */
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return String(error);
  }
  return 'accepted';
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nlp-data-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('training data files', () => {
  it('reads every intent of every yaml file, languages mixed', async () => {
    const dir = await folder({
      'a.yaml': 'intents:\n  billing:\n    - I was charged twice\n    - تم خصم المبلغ مرتين\n',
      'b.yml': 'intents:\n  sales: [how much is it]\n',
      'notes.txt': 'ignored',
    });
    expect(await loadTrainingData(dir)).toEqual([
      { text: 'I was charged twice', intent: 'billing' },
      { text: 'تم خصم المبلغ مرتين', intent: 'billing' },
      { text: 'how much is it', intent: 'sales' },
    ]);
  });

  it('refuses an intent without examples, naming file, line and column', () => {
    expect(refusal(() => parseTrainingData('intents:\n  billing:\n    - hi there\n  sales:\n', 'nlp/intents.yaml'))).toMatch(
      /^nlp\/intents\.yaml:4:3: intent "sales" has no examples/,
    );
  });

  it('refuses each mistake at the line and column it is written at, in block and flow style', () => {
    const at = (text: string) => refusal(() => parseTrainingData(text, 'nlp/intents.yaml'));
    // An intent written twice: at the second.
    expect(at('intents:\n  billing:\n    - I was charged twice\n  billing:\n    - refund please\n')).toBe(
      'nlp/intents.yaml:4:3: "billing" is written twice here (write it once, with all its examples under it)',
    );
    expect(at('intents: { billing: [a], "billing": [b] }\n')).toBe('nlp/intents.yaml:1:26: "billing" is written twice here (write it once, with all its examples under it)');
    // No examples, or an empty one: at the intent, at the example.
    expect(at('intents:\n  billing: [hi]\n  sales: []\n')).toBe('nlp/intents.yaml:3:3: intent "sales" has no examples; give it a list of example messages or remove it');
    expect(at('intents:\n  billing:\n    - hi there\n    - "  "\n')).toBe('nlp/intents.yaml:4:7: an example of "billing" is empty; remove it');
    // Not a text: at the example, inside a flow list too.
    expect(at('intents:\n  billing:\n    - hi there\n    - reason: charged twice\n')).toBe('nlp/intents.yaml:4:7: an example of "billing" must be a text, not {"reason":"charged twice"}');
    expect(at('intents:\n  billing: [hi there, [charged, twice]]\n')).toBe('nlp/intents.yaml:2:23: an example of "billing" must be a text, not ["charged","twice"]');
    // YAML syntax: at the parser's column.
    expect(at('intents:\n  billing:\n    - "I was charged twice\n')).toBe('nlp/intents.yaml:3:7: not valid YAML: this text opens with " and is never closed (put a " where the text ends)');
    expect(at('intents:\n  billing: [hi\n')).toMatch(/^nlp\/intents\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('says what a control character, a text starting with !, * or &, or aliases past the limit are, for a page that words it (the dashboard in Arabic)', () => {
    const known = (text: string) => {
      try {
        parseTrainingData(text, 'nlp/intents.yaml');
      } catch (error) {
        return [String(error), (error as TrainingDataError).known];
      }
      throw new Error('not refused');
    };
    expect(known('intents:\n  billing:\n    - charged\u0007 twice\n')).toEqual([
      'nlp/intents.yaml:3:14: not valid YAML: the invisible control character U+0007 (BEL) is written here, and would reach whoever reads this text (delete it; retype the words around it if they were pasted)',
      { kind: 'controlCharacter', character: 'U+0007 (BEL)', escaped: false },
    ]);
    expect(known('intents:\n  billing:\n    - !refund please\n')).toEqual([
      'nlp/intents.yaml:3:7: not valid YAML: !refund is read as a YAML tag, and the text would lose it (put a text that starts with ! in quotes: "!refund …")',
      { kind: 'yamlTag', tag: '!refund' },
    ]);
    expect(known('intents:\n  billing:\n    - *refund* please\n')).toEqual([
      'nlp/intents.yaml:3:7: not valid YAML: *refund* is read as a YAML alias, not as text (put a text that starts with * in quotes: "*refund* …")',
      { kind: 'yamlAlias', alias: '*refund*' },
    ]);
    // Aliases of aliases past the parser's limit (a "billion laughs"): a few lines that would read as gigabytes.
    const ten = (item: string) => `[${Array(10).fill(item).join(', ')}]`;
    expect(known(`lol: &a ${ten('lol')}\nlols: &b ${ten('*a')}\nintents:\n  billing: ${ten('*b')}\n`)).toEqual([
      'nlp/intents.yaml:2:11: not valid YAML: the aliases (*name) here repeat their anchors (&name) more than 100 times over (write the repeated part out, or use fewer aliases)',
      { kind: 'yamlAliasLimit', limit: 100 },
    ]);
  });

  it('refuses the same example under two intents, naming both places', async () => {
    const dir = await folder({
      'a.yaml': 'intents:\n  billing:\n    - I want a refund\n',
      'b.yaml': 'intents:\n  sales:\n    - buy now\n    - "I want a REFUND"\n',
    });
    const error = await loadTrainingData(dir, 'nlp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDataError);
    expect(String(error)).toBe(
      'nlp/b.yaml:4:7: "I want a REFUND" is an example of both "billing" (nlp/a.yaml:3:7) and "sales"; keep it under one intent',
    );
  });

  it('refuses bad YAML with its line and column', () => {
    expect(refusal(() => parseTrainingData('intents:\n  billing:\n    - ok\n   - [broken\n', 'nlp/x.yaml'))).toMatch(/^nlp\/x\.yaml:4:4: not valid YAML/);
  });

  it('refuses a file without an intents mapping', () => {
    expect(refusal(() => parseTrainingData('billing:\n  - hi\n', 'nlp/x.yaml'))).toMatch(/^nlp\/x\.yaml:1:1: expected `intents:`/);
  });
});
