import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrainingData, parseTrainingData, TrainingDataError } from '../../../src/bot/nlp/training-data.ts';

/** The refusal of a parse, as a person reads it (`file:line: reason`). */
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

  it('refuses an intent without examples, naming file and line', () => {
    expect(refusal(() => parseTrainingData('intents:\n  billing:\n    - hi there\n  sales:\n', 'nlp/intents.yaml'))).toMatch(
      /^nlp\/intents\.yaml:4: intent "sales" has no examples/,
    );
  });

  it('refuses the same example under two intents, naming both places', async () => {
    const dir = await folder({
      'a.yaml': 'intents:\n  billing:\n    - I want a refund\n',
      'b.yaml': 'intents:\n  sales:\n    - buy now\n    - "I want a REFUND"\n',
    });
    const error = await loadTrainingData(dir, 'nlp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDataError);
    expect(String(error)).toBe(
      'nlp/b.yaml:4: "I want a REFUND" is an example of both "billing" (nlp/a.yaml:3) and "sales"; keep it under one intent',
    );
  });

  it('refuses bad YAML with its line', () => {
    expect(refusal(() => parseTrainingData('intents:\n  billing:\n    - ok\n   - [broken\n', 'nlp/x.yaml'))).toMatch(/^nlp\/x\.yaml:\d+: not valid YAML/);
  });

  it('refuses a file without an intents mapping', () => {
    expect(refusal(() => parseTrainingData('billing:\n  - hi\n', 'nlp/x.yaml'))).toMatch(/^nlp\/x\.yaml:1: expected `intents:`/);
  });
});
