// Training data admins write: `DATA_DIR/nlp/*.yaml`, each `intents: { billing: [examples…], … }`, any
// languages mixed. A file is refused as a whole, with its file and line, so the previous model keeps serving.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileError } from '../../shared/file-error.ts';
import { parseYamlSource } from '../../shared/yaml-source.ts';
import type { Example } from './datasets.ts';
import { normalizeText } from './normalize.ts';

/** Why training data was refused; `String(error)` reads `file:line: reason`. */
export class TrainingDataError extends FileError {
  override readonly name = 'TrainingDataError';
}

/** An example with where it was written: its line, and the line of its intent's key. */
export interface PlacedExample extends Example {
  line: number;
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
    throw new TrainingDataError(file, first.line, `not valid YAML: ${first.reason}${first.hint ? ` (${first.hint})` : ''}`);
  }
  const { value, lineOf } = parsed.source;
  const intents = (value as { intents?: unknown } | null)?.intents;
  if (typeof intents !== 'object' || intents === null || Array.isArray(intents)) {
    throw new TrainingDataError(file, lineOf(['intents']), 'expected `intents:` mapping each intent to a list of examples, e.g. intents: { billing: [I was charged twice] }');
  }
  const examples: PlacedExample[] = [];
  for (const [intent, list] of Object.entries(intents)) {
    const intentLine = lineOf(['intents', intent]);
    if (!Array.isArray(list) || list.length === 0) {
      throw new TrainingDataError(file, lineOf(['intents', intent]), `intent "${intent}" has no examples; give it a list of example messages or remove it`);
    }
    list.forEach((example, i) => {
      if (typeof example !== 'string' && typeof example !== 'number') {
        throw new TrainingDataError(file, lineOf(['intents', intent, i]), `an example of "${intent}" must be a text, not ${JSON.stringify(example)}`);
      }
      const text = String(example).trim();
      if (text === '') {
        throw new TrainingDataError(file, lineOf(['intents', intent, i]), `an example of "${intent}" is empty; remove it`);
      }
      examples.push({ text, intent, line: lineOf(['intents', intent, i]), intentLine });
    });
  }
  return examples;
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
      );
    }
    seen.set(key, { intent: example.intent, at: `${example.file}:${example.line}` });
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
