import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/bot/nlp/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function run(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCli(args, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

describe('nlp eval command', () => {
  it('prints accuracy, out-of-scope recall, training time and latency for a CSV pair', async () => {
    const { code, output } = await run(['eval', '--train', fixture('train.csv'), '--test', fixture('test.csv'), '--threshold', '0.6']);
    expect(code).toBe(0);
    expect(output).toMatch(/^accuracy: 1\.0000 \(3 in-scope rows\)$/m);
    expect(output).toMatch(/^out-of-scope recall: \d\.\d{4} \(1 rows, threshold 0\.6\)$/m);
    expect(output).toMatch(/^training time: \d+\.\d s$/m);
    expect(output).toMatch(/^classify latency: p50 \d+\.\d{3} ms, p99 \d+\.\d{3} ms$/m);
  });

  it('reads CLINC-style JSON, its train split for training and its test split for testing', async () => {
    const { code, output } = await run(['eval', '--train', fixture('clinc.json'), '--test', fixture('clinc.json')]);
    expect(code).toBe(0);
    expect(output).toMatch(/^accuracy: \d\.\d{4} \(1 in-scope rows\)$/m);
    expect(output).toMatch(/^out-of-scope recall: /m);
  });

  it('names a missing file and a missing column', async () => {
    const missing = await run(['eval', '--train', fixture('nope.csv'), '--test', fixture('test.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/error: .*nope\.csv: no such file/);
    const column = await run(['eval', '--train', fixture('no-intent.csv'), '--test', fixture('test.csv')]);
    expect(column.output).toMatch(/no-intent\.csv: line 1: the header has no "intent" \(or "category", or "label"\) column/);
  });

  it('shows the usage for a wrong command or threshold', async () => {
    expect((await run(['train'])).code).toBe(2);
    expect((await run(['eval', '--train', 'a.csv', '--test', 'b.csv', '--threshold', '2'])).output).toMatch(/--threshold must be/);
  });
});
