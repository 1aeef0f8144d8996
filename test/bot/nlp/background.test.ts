import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBackground, parseBackground, shippedNlpDir } from '../../../src/bot/nlp/background.ts';

describe('background sentences', () => {
  it('reads one sentence a line, skipping blank lines and # comments, with file and line', () => {
    expect(parseBackground('# small talk\nhello\n\n  how are you  \r\n', 'nlp/background.en.txt')).toEqual([
      { text: 'hello', file: 'nlp/background.en.txt', line: 2 },
      { text: 'how are you', file: 'nlp/background.en.txt', line: 4 },
    ]);
  });

  it("reads a folder's background.*.txt files in name order", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlp-background-'));
    await writeFile(join(dir, 'background.en.txt'), 'hello\n');
    await writeFile(join(dir, 'background.ar.txt'), 'مرحبا\n');
    await writeFile(join(dir, 'notes.txt'), 'not a background file\n');
    expect((await loadBackground(dir, 'nlp')).map((l) => `${l.file}:${l.line} ${l.text}`)).toEqual(['nlp/background.ar.txt:1 مرحبا', 'nlp/background.en.txt:1 hello']);
  });

  it('falls back to the shipped set, several hundred everyday sentences in English and in Arabic', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nlp-background-'));
    const lines = await loadBackground(dir);
    expect(lines).toEqual(await loadBackground(shippedNlpDir));
    const arabic = lines.filter((l) => /\p{Script=Arabic}/u.test(l.text));
    expect(arabic.length).toBeGreaterThanOrEqual(250);
    expect(lines.length - arabic.length).toBeGreaterThanOrEqual(250);
    expect(new Set(lines.map((l) => l.text)).size).toBe(lines.length);
  });
});
