// The background set: everyday sentences in English and Arabic that ask for none of the intents (greetings,
// small talk, weather, jokes, thanks, random questions). The classifier calibrates its confidence against them
// (see classifier.ts). Admins find them in `DATA_DIR/nlp/background.*.txt`, one sentence a line, and may add or
// remove lines; a DATA_DIR without such a file uses the set shipped in the repo's data/nlp.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo's data/nlp, where the shipped background set lives (the same path from src/ and from dist/). */
export const shippedNlpDir = fileURLToPath(new URL('../../../data/nlp', import.meta.url));

/** `background.en.txt`, `background.ar.txt`, … */
export const BACKGROUND_FILE = /^background(\.[\w-]+)*\.txt$/i;

/** One background sentence and where it was read. */
export interface BackgroundLine {
  text: string;
  file: string;
  line: number;
}

/**
 * The sentences of a background file's text: one a line, blank lines and `#` comments skipped.
 *
 *     parseBackground('# small talk\nhello\n\nhow are you\n', 'background.en.txt') // [{ text: 'hello', … line: 2 }, …]
 */
export function parseBackground(text: string, file: string): BackgroundLine[] {
  return text.split(/\r?\n/).flatMap((raw, i) => {
    const line = raw.trim();
    return line === '' || line.startsWith('#') ? [] : [{ text: line, file, line: i + 1 }];
  });
}

/**
 * The background sentences of a folder (usually `DATA_DIR/nlp`), files in name order; the shipped set when
 * the folder has no background file.
 *
 *     const background = await loadBackground('data/nlp'); // [{ text: 'hello', file: 'data/nlp/background.en.txt', line: 4 }, …]
 */
export async function loadBackground(dir: string, displayDir = dir): Promise<BackgroundLine[]> {
  let names = await backgroundFiles(dir);
  if (names.length === 0) {
    names = await backgroundFiles(shippedNlpDir);
    dir = displayDir = shippedNlpDir;
  }
  const lines: BackgroundLine[] = [];
  for (const name of names) lines.push(...parseBackground(await readFile(join(dir, name), 'utf8'), join(displayDir, name)));
  return lines;
}

async function backgroundFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => BACKGROUND_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
