// `npm run nlp -- eval --train <file> --test <file> [--threshold 0.45]`: how well the classifier does on an
// admin's own data. Files are CSV (header with `text` and `intent`/`category`/`label`) or CLINC-style JSON
// (`file.json#split`, default split train for --train and test for --test).
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../../shared/confidence.ts';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { trainClassifier } from './classifier.ts';
import { DatasetError, OUT_OF_SCOPE, readExamples } from './datasets.ts';
import { evaluate } from './evaluate.ts';

/** The threshold of the `classify` step when a flow sets none (src/flows/steps/classify.ts). */

const USAGE = 'usage: npm run nlp -- eval --train <file.csv|file.json[#split]> --test <file> [--threshold 0.45]';

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
      options: { train: { type: 'string' }, test: { type: 'string' }, threshold: { type: 'string' } },
    });
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (positionals[0] !== 'eval' || !values.train || !values.test) {
    print(USAGE);
    return 2;
  }
  const threshold = values.threshold === undefined ? DEFAULT_CONFIDENCE_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) {
    print(`--threshold must be a number from 0 to 1, got "${values.threshold}"`);
    return 2;
  }
  try {
    const train = (await readExamples(defaultSplit(values.train, 'train'))).filter((e) => e.intent !== OUT_OF_SCOPE);
    const test = await readExamples(defaultSplit(values.test, 'test'));
    if (train.length === 0) throw new DatasetError(values.train, 'has no in-scope examples to train on');
    const start = performance.now();
    const model = trainClassifier(train);
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
  } catch (error) {
    if (error instanceof DatasetError) {
      print(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function defaultSplit(location: string, split: string): string {
  return /\.json$/i.test(location) ? `${location}#${split}` : location;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), (line) => console.log(line));
}
