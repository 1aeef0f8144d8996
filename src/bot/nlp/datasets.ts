// Readers for labelled utterances from files admins and public benchmarks use: CSV with a header (`text` and
// `intent`, `category` or `label`) and CLINC-style JSON (`train`/`val`/`test` lists of [text, intent] plus
// `oos_*`). An intent of `oos` marks an out-of-scope utterance.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

/** One labelled utterance. */
export interface Example {
  text: string;
  intent: string;
}

/** The intent of utterances that match no intent. */
export const OUT_OF_SCOPE = 'oos';

/** A file that cannot be read as a data set; the message names the file and what to fix. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

const INTENT_COLUMNS = ['intent', 'category', 'label'];

/**
 * Parses CSV (RFC 4180: quoted fields may hold commas, doubled quotes and newlines) into rows of fields.
 *
 *     parseCsv('text,intent\n"hi, there",greeting\n') // [['text', 'intent'], ['hi, there', 'greeting']]
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Labelled rows of a CSV text with a header holding `text` and `intent` (or `category`, or `label`).
 *
 *     examplesFromCsv('text,label\nI was charged twice,billing\n', 'train.csv') // [{ text: 'I was charged twice', intent: 'billing' }]
 */
export function examplesFromCsv(csv: string, file: string): Example[] {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new DatasetError(file, 'the file is empty; it needs a header row with a text and an intent column');
  const columns = header.map((name) => name.trim().toLowerCase());
  const textColumn = columns.indexOf('text');
  const intentColumn = columns.findIndex((name) => INTENT_COLUMNS.includes(name));
  if (textColumn < 0 || intentColumn < 0) {
    const missing = [textColumn < 0 ? '"text"' : '', intentColumn < 0 ? '"intent" (or "category", or "label")' : '']
      .filter(Boolean)
      .join(' and ');
    throw new DatasetError(file, `line 1: the header has no ${missing} column (found: ${header.join(', ')})`);
  }
  return rows.map((row) => ({ text: row[textColumn] ?? '', intent: (row[intentColumn] ?? '').trim() }));
}

/** The splits of a CLINC-style JSON data set; `oos_*` rows are folded into their split as intent `oos`. */
export function splitsFromClincJson(json: string, file: string): Record<string, Example[]> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new DatasetError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DatasetError(file, 'expected an object with "train", "val" and "test" lists of [text, intent]');
  }
  const splits: Record<string, Example[]> = {};
  for (const [key, rows] of Object.entries(data)) {
    if (!Array.isArray(rows)) continue;
    const split = key.startsWith('oos_') ? key.slice(4) : key;
    const examples = rows.map((row, i) => {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string') {
        throw new DatasetError(file, `${key}[${i}] is not a [text, intent] pair`);
      }
      return { text: row[0], intent: row[1] };
    });
    (splits[split] ??= []).push(...examples);
  }
  return splits;
}

/**
 * Reads labelled examples from a CSV file, or one split of a CLINC-style JSON file (`file.json#val`;
 * default split `train`).
 *
 *     const test = await readExamples('../shared/data/nlp/clinc150/data_full.json#test');
 */
export async function readExamples(location: string): Promise<Example[]> {
  const hash = location.lastIndexOf('#');
  const file = hash > 0 && extname(location.slice(0, hash)) === '.json' ? location.slice(0, hash) : location;
  const split = file === location ? 'train' : location.slice(hash + 1);
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${(error as Error).message})`);
  }
  if (extname(file).toLowerCase() === '.json') {
    const splits = splitsFromClincJson(content, file);
    const examples = splits[split];
    if (!examples) {
      throw new DatasetError(file, `has no split "${split}" (found: ${Object.keys(splits).join(', ')}); name one as ${file}#<split>`);
    }
    return examples;
  }
  return examplesFromCsv(content, file);
}
