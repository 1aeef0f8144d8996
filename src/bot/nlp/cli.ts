// The NLP command line, for admins:
// - `npm run nlp -- try "text"`: the intent, confidence and nearest examples the bot's model gives a text;
// - `npm run nlp -- check`: what in the training data hurts the classifier, with file and line;
// - `npm run nlp -- eval --train <file> --test <file>`: how well the classifier does on labelled data. Files are
//   CSV (header with `text` and `intent`/`category`/`label`) or CLINC-style JSON (`file.json#split`, default
//   split train for --train and test for --test).
// `try` and `check` read DATA_DIR/nlp (DATA_DIR defaults to ./data), or the folder given with --dir (a DATA_DIR
// given there counts as its nlp/ folder).
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../../shared/confidence.ts';
import { needParts } from '../../shared/needs.ts';
import { endQuietlyWhenOutputCloses } from '../../shared/quiet-pipe.ts';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBackground, shippedNlpDir } from './background.ts';
import { checkTrainingData } from './check.ts';
import { DatasetError, OUT_OF_SCOPE, readExamples } from './datasets.ts';
import { evaluate } from './evaluate.ts';
import { trainClassifierInParallel } from './parallel.ts';
import { loadTrainingData, readTrainingFiles, TrainingDataError } from './training-data.ts';

const USAGE = [
  'usage: npm run nlp -- try "text" [--dir DATA_DIR/nlp or DATA_DIR] [--threshold 0.45]',
  '       npm run nlp -- check [--dir DATA_DIR/nlp or DATA_DIR]',
  '       npm run nlp -- eval --train <file.csv|file.json[#split]> --test <file> [--threshold 0.45]',
].join('\n');

/**
 * Runs the command line; returns the exit code. Output goes through `print`.
 *
 *     await runCli(['eval', '--train', 'train.csv', '--test', 'test.csv'], console.log);
 */
export async function runCli(argv: string[], print: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { train: { type: 'string' }, test: { type: 'string' }, threshold: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    print(USAGE);
    return 0;
  }
  const valid = (command === 'eval' && values.train && values.test) || (command === 'try' && rest.length > 0) || command === 'check';
  if (!valid) {
    print(USAGE);
    return 2;
  }
  const threshold = values.threshold === undefined ? DEFAULT_CONFIDENCE_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) {
    print(`--threshold must be a number from 0 to 1, got "${values.threshold}"`);
    return 2;
  }
  const dir = values.dir !== undefined ? await intentsFolder(resolve(values.dir)) : resolve(join(process.env.DATA_DIR ?? 'data', 'nlp'));
  try {
    if (command === 'try') return await tryText(rest.join(' '), dir, threshold, print);
    if (command === 'check') return await check(dir, print);
    return await evalFiles(values.train!, values.test!, threshold, print);
  } catch (error) {
    if (error instanceof DatasetError || error instanceof TrainingDataError) {
      // A DatasetError's message names its file; a TrainingDataError reads `file:line:column: reason` as a string.
      print(`error: ${error instanceof TrainingDataError ? String(error) : error.message}`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      print(`error: ${shown(dir)}: no such folder; give the folder of your intents files with --dir, or set DATA_DIR`);
      return 1;
    }
    throw error;
  }
}

/**
 * The folder of the intents files `--dir` names: itself, or its `nlp/` when it is a DATA_DIR (the README names the
 * data by DATA_DIR; read as intents, its team.yaml and flows were refused as training data).
 *
 *     await intentsFolder('/var/lib/switchboard'); // '/var/lib/switchboard/nlp'
 */
async function intentsFolder(dir: string): Promise<string> {
  const nlp = join(dir, 'nlp');
  const isFolder = await stat(nlp).then((found) => found.isDirectory(), () => false);
  return isFolder ? nlp : dir;
}

/** A path as the admin would type it: relative to the working folder when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** `try`: trains the model the bot serves for this data (training is deterministic) and explains one text. */
async function tryText(text: string, dir: string, threshold: number, print: (line: string) => void): Promise<number> {
  const examples = await loadTrainingData(dir, shown(dir));
  if (examples.length === 0) {
    print(`error: ${shown(dir)} has no intents files (*.yaml) to train on`);
    return 1;
  }
  const placed = new Map((await readTrainingFiles(dir, shown(dir))).map((e) => [`${e.intent}\u0000${e.text}`, `${e.file}:${e.line}`]));
  const background = (await loadBackground(dir, shown(dir))).map((line) => line.text);
  const model = await trainClassifierInParallel(examples, { background });
  const result = model.classify(text);
  const confident = result.confidence >= threshold;
  // Two parts sure of two intents: the classify step routes the first, when its routes give them different teams.
  const sure = needParts(text).map((part) => ({ part, ...model.classify(part) })).filter((p) => p.confidence >= threshold);
  const second = sure.find((p) => p.intent !== sure[0]!.intent);
  const two = second && { first: sure[0]!, second };
  print(`intent: ${result.intent}`);
  const verdict = two ? 'unless its routes give the two needs below different teams' : '';
  print(
    `confidence: ${result.confidence.toFixed(2)} (${confident ? '≥' : '<'} threshold ${threshold}: ${confident ? 'the classify step takes this intent' : 'the classify step asks its clarify question'}${verdict ? `, ${verdict}` : ''})`,
  );
  const others = result.ranking.slice(1, 4).map((r) => `${r.intent} ${r.confidence.toFixed(2)}`);
  if (others.length > 0) print(`then: ${others.join(', ')}`);
  if (two) {
    const { first } = two;
    print(`two needs: "${first.part}" ${first.intent} ${first.confidence.toFixed(2)}, then "${two.second.part}" ${two.second.intent} ${two.second.confidence.toFixed(2)}`);
    print('  routed to different teams, the classify step takes the first and keeps the second for the agent (Also asked)');
  }
  const nearest = model.nearest(text, { count: 5 });
  print(nearest.length > 0 ? 'nearest examples:' : 'nearest examples: none shares a word or spelling with this text');
  const width = Math.max(...nearest.map((n) => n.intent.length));
  for (const n of nearest) {
    print(`  ${n.similarity.toFixed(2)}  ${n.intent.padEnd(width)}  ${n.text}  (${placed.get(`${n.intent}\u0000${n.text}`) ?? '?'})`);
  }
  return 0;
}

/** `check`: the findings of the training data, one a line; exit code 0 even with findings (they are advice). */
async function check(dir: string, print: (line: string) => void): Promise<number> {
  await loadTrainingData(dir, shown(dir));
  const findings = await checkTrainingData(dir, shown(dir));
  for (const f of findings) print(`${f.file}:${f.line}: ${f.message}`);
  const intents = new Set((await readTrainingFiles(dir, shown(dir))).map((e) => e.intent)).size;
  print(findings.length === 0 ? `${shown(dir)}: ${intents} intents, nothing to fix` : `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${shown(dir)}`);
  return 0;
}

/** `eval`: trains on one file (with the shipped background set, as a fresh DATA_DIR has it) and measures on another. */
async function evalFiles(trainFile: string, testFile: string, threshold: number, print: (line: string) => void): Promise<number> {
  const train = (await readExamples(defaultSplit(trainFile, 'train'))).filter((e) => e.intent !== OUT_OF_SCOPE);
  const test = await readExamples(defaultSplit(testFile, 'test'));
  if (train.length === 0) throw new DatasetError(trainFile, 'has no in-scope examples to train on');
  const background = (await loadBackground(shippedNlpDir)).map((line) => line.text);
  const start = performance.now();
  const model = await trainClassifierInParallel(train, { background });
  const trainSeconds = (performance.now() - start) / 1000;
  const result = evaluate(model, test, threshold);
  print(`trained on ${train.length} examples, ${model.intents.length} intents, in ${trainSeconds.toFixed(1)} s`);
  print(`accuracy: ${result.accuracy.toFixed(4)} (${result.inScope} in-scope rows)`);
  print(`accuracy at threshold ${threshold}: ${result.acceptedAccuracy.toFixed(4)} (right and confident enough)`);
  if (result.outOfScopeRecall !== undefined) {
    print(`out-of-scope recall: ${result.outOfScopeRecall.toFixed(4)} (${result.outOfScope} rows, threshold ${threshold})`);
  }
  print(`training time: ${trainSeconds.toFixed(1)} s`);
  print(`classify latency: p50 ${result.latencyMs.p50.toFixed(3)} ms, p99 ${result.latencyMs.p99.toFixed(3)} ms`);
  if (result.worst.length > 0) {
    print('worst intents:');
    for (const row of result.worst) {
      const mistakes = row.mistakenFor.map((m) => `${m.intent} ×${m.count}`).join(', ');
      print(`  ${row.intent}: ${row.errors}/${row.total} wrong (taken for ${mistakes})`);
    }
  }
  return 0;
}

function defaultSplit(location: string, split: string): string {
  return /\.json$/i.test(location) ? `${location}#${split}` : location;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  endQuietlyWhenOutputCloses();
  process.exitCode = await runCli(process.argv.slice(2), (line) => console.log(line));
}
