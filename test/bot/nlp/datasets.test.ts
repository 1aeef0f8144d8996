import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DatasetError, parseCsv, readExamples } from '../../../src/bot/nlp/datasets.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('CSV reader', () => {
  it('reads quoted fields holding commas, doubled quotes and newlines', async () => {
    expect(await readExamples(fixture('quoted.csv'))).toEqual([
      { text: 'line one\nline two, with a comma', intent: 'billing' },
      { text: 'plain', intent: 'sales' },
    ]);
    expect(parseCsv('a,b\r\n"x ""y""",\r\n')).toEqual([['a', 'b'], ['x "y"', '']]);
  });

  it('accepts intent, category or label as the intent column, in any position', async () => {
    const train = await readExamples(fixture('train.csv'));
    expect(train[1]).toEqual({ text: 'refund my money, please', intent: 'billing' });
    const test = await readExamples(fixture('test.csv'));
    expect(test[0]).toEqual({ text: 'I was charged twice, refund please', intent: 'billing' });
  });

  it('names the file and the missing column', async () => {
    await expect(readExamples(fixture('no-intent.csv'))).rejects.toThrow(/no-intent\.csv: line 1: the header has no "intent"/);
    await expect(readExamples(fixture('missing.csv'))).rejects.toThrow(DatasetError);
  });
});

describe('CLINC-style JSON reader', () => {
  it('reads a split and folds its oos_ rows into it as out of scope', async () => {
    expect(await readExamples(`${fixture('clinc.json')}#test`)).toEqual([
      { text: 'double charge', intent: 'billing' },
      { text: 'tell me a joke', intent: 'oos' },
    ]);
    expect(await readExamples(fixture('clinc.json'))).toHaveLength(3);
  });

  it('refuses an unknown split, listing the ones there are', async () => {
    await expect(readExamples(`${fixture('clinc.json')}#dev`)).rejects.toThrow(/no split "dev" \(found: train, val, test\)/);
  });
});
