// Training data admins write: `DATA_DIR/nlp/*.yaml`, each `intents: { billing: [examples…], … }`, any
// languages mixed. A file is refused as a whole, at its file, line and column, so the previous model keeps serving.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileError, type KnownFileError } from '../../shared/file-error.ts';
import { knownYamlError, parseYamlSource } from '../../shared/yaml-source.ts';
import type { Example } from './datasets.ts';
import { normalizeText } from './normalize.ts';

/**
 * Why training data was refused, at the line and column to fix; `String(error)` reads `file:line:column: reason`,
 * as the log line of a refused flow script does.
 *
 *     String(new TrainingDataError('nlp/intents.yaml', 4, 'intent "sales" has no examples; …', undefined, 3));
 *     // 'nlp/intents.yaml:4:3: intent "sales" has no examples; …'
 */
export class TrainingDataError extends FileError {
  override readonly name = 'TrainingDataError';
}

/** An example with where it was written: its line and column, and the line of its intent's key. */
export interface PlacedExample extends Example {
  line: number;
  column: number;
  intentLine: number;
}

/**
 * The examples of one training file's text; `file` names it in errors.
 *
 *     parseTrainingData('intents:\n  billing:\n    - I was charged twice\n', 'nlp/intents.yaml');
 */
export function parseTrainingData(text: string, file: string): PlacedExample[] {
  const parsed = parseYamlSource(text);
  if ('errors' in parsed) {
    const first = parsed.errors[0]!;
    const twice = first.reason === 'Map keys must be unique' ? keyAt(text, first) : undefined;
    if (twice !== undefined) {
      throw new TrainingDataError(file, first.line, `"${twice}" is written twice here`, `write it once, with all its examples under it`, first.column, { kind: 'writtenTwice', name: twice });
    }
    throw new TrainingDataError(
      file, first.line, `not valid YAML: ${first.reason}${first.hint ? ` (${first.hint})` : ''}`, undefined, first.column,
      knownYamlError(first),
    );
  }
  const { value, placeOf } = parsed.source;
  const refuse = (path: (string | number)[], reason: string, known?: KnownFileError): never => {
    const { line, column } = placeOf(path);
    throw new TrainingDataError(file, line, reason, undefined, column, known);
  };
  const intents = (value as { intents?: unknown } | null)?.intents;
  if (typeof intents !== 'object' || intents === null || Array.isArray(intents)) {
    refuse(['intents'], 'expected `intents:` mapping each intent to a list of examples, e.g. intents: { billing: [I was charged twice] }');
  }
  const examples: PlacedExample[] = [];
  for (const [intent, list] of Object.entries(intents as object)) {
    const intentLine = placeOf(['intents', intent]).line;
    if (!Array.isArray(list) || list.length === 0) {
      refuse(['intents', intent], `intent "${intent}" has no examples; give it a list of example messages or remove it`, { kind: 'noExamples', intent });
    }
    (list as unknown[]).forEach((example, i) => {
      if (typeof example !== 'string' && typeof example !== 'number') {
        refuse(['intents', intent, i], `an example of "${intent}" must be a text, not ${JSON.stringify(example)}`);
      }
      const text = String(example).trim();
      if (text === '') refuse(['intents', intent, i], `an example of "${intent}" is empty; remove it`);
      examples.push({ text, intent, ...placeOf(['intents', intent, i]), intentLine });
    });
  }
  return examples;
}

// The key written at a YAML error's place (a key written twice), or undefined.
function keyAt(text: string, at: { line: number; column?: number }): string | undefined {
  const line = text.split('\n')[at.line - 1]?.slice((at.column ?? 1) - 1) ?? '';
  return /^(?:"([^"]+)"|'([^']+)'|([^\s:,{}[\]'"][^:,{}]*?))\s*:/.exec(line)?.slice(1).find((key) => key !== undefined);
}

/**
 * Every example of the `*.yaml` files of a folder (usually `DATA_DIR/nlp`), files in name order. The same
 * example (after normalisation) under two intents is refused: the model could not learn both.
 *
 *     const examples = await loadTrainingData('data/nlp'); // [{ text, intent }, …]
 */
export async function loadTrainingData(dir: string, displayDir = dir): Promise<Example[]> {
  const seen = new Map<string, { intent: string; at: string }>();
  const examples: Example[] = [];
  for (const example of await readTrainingFiles(dir, displayDir)) {
    const key = normalizeText(example.text).replace(/\s+/g, ' ');
    const earlier = seen.get(key);
    if (earlier && earlier.intent !== example.intent) {
      throw new TrainingDataError(
        example.file,
        example.line,
        `"${example.text}" is an example of both "${earlier.intent}" (${earlier.at}) and "${example.intent}"; keep it under one intent`,
        undefined,
        example.column,
        { kind: 'exampleOfTwo', example: example.text, first: earlier.intent, second: example.intent, at: earlier.at },
      );
    }
    seen.set(key, { intent: example.intent, at: `${example.file}:${example.line}:${example.column}` });
    examples.push({ text: example.text, intent: example.intent });
  }
  return examples;
}

/**
 * Every example of the `*.yaml` files of a folder with its file and lines, files in name order, as written
 * (no check across files: `loadTrainingData` does that).
 *
 *     const placed = await readTrainingFiles('data/nlp'); // [{ text, intent, file: 'data/nlp/intents.yaml', line: 6, intentLine: 5 }, …]
 */
export async function readTrainingFiles(dir: string, displayDir = dir): Promise<(PlacedExample & { file: string })[]> {
  const files = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  const examples: (PlacedExample & { file: string })[] = [];
  for (const name of files) {
    const file = join(displayDir, name);
    for (const example of parseTrainingData(await readFile(join(dir, name), 'utf8'), file)) examples.push({ ...example, file });
  }
  return examples;
}

/**
 * As `readTrainingFiles`, but a refused file does not hide the others: the examples of the files that read well, and
 * why each other file is refused (the dashboard lists what it can while one file waits for its fix).
 *
 *     const { examples, refused } = await readEachTrainingFile('data/nlp', 'nlp'); // refused: [TrainingDataError('nlp/extra.yaml', 4, …)]
 */
export async function readEachTrainingFile(dir: string, displayDir = dir): Promise<{ examples: (PlacedExample & { file: string })[]; refused: TrainingDataError[] }> {
  const files = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  const examples: (PlacedExample & { file: string })[] = [];
  const refused: TrainingDataError[] = [];
  for (const name of files) {
    const file = join(displayDir, name);
    try {
      for (const example of parseTrainingData(await readFile(join(dir, name), 'utf8'), file)) examples.push({ ...example, file });
    } catch (error) {
      if (!(error instanceof TrainingDataError)) throw error;
      refused.push(error);
    }
  }
  return { examples, refused };
}
