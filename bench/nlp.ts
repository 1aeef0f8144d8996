// The intent classifier on public data (../shared/data/nlp, or NLP_DATA_DIR): BANKING77, CLINC150 with its
// out-of-scope sets and ArBanking77 MSA, beside natural's BayesClassifier with default settings, same splits.
//
//     npx tsx bench/nlp.ts
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainClassifier } from '../src/bot/nlp/classifier.ts';
import { DEFAULT_CONFIDENCE_THRESHOLD as DEFAULT_THRESHOLD } from '../src/shared/confidence.ts';
import { OUT_OF_SCOPE, readExamples, type Example } from '../src/bot/nlp/datasets.ts';
import { evaluate, type Evaluation, type Predictor } from '../src/bot/nlp/evaluate.ts';

process.env.DOTENV_CONFIG_QUIET = 'true';
const { default: classifiers } = await import('natural/lib/natural/classifiers/index.js');

const root = resolve(fileURLToPath(import.meta.url), '../..');
const dataDir = process.env.NLP_DATA_DIR ?? resolve(root, '../shared/data/nlp');
const threshold = Number(process.env.NLP_THRESHOLD ?? DEFAULT_THRESHOLD);
/** More thresholds to show our classifier at, from the same model (e.g. NLP_ALSO_AT=0.45,0.5). */
const alsoAt = (process.env.NLP_ALSO_AT ?? '').split(',').filter((t) => t.trim() !== '').map(Number);

interface Task {
  name: string;
  train: Example[];
  test: Example[];
  targets: { accuracy: number; outOfScopeRecall?: number };
}

const clinc = join(dataDir, 'clinc150/data_full.json');
const tasks: Task[] = [
  {
    name: 'BANKING77',
    train: await readExamples(join(dataDir, 'banking77/train.csv')),
    test: await readExamples(join(dataDir, 'banking77/test.csv')),
    targets: { accuracy: 0.88 },
  },
  {
    name: 'CLINC150',
    train: (await readExamples(`${clinc}#train`)).filter((e) => e.intent !== OUT_OF_SCOPE),
    test: await readExamples(`${clinc}#test`),
    targets: { accuracy: 0.91, outOfScopeRecall: 0.5 },
  },
  {
    name: 'ArBanking77 MSA',
    train: await readExamples(join(dataDir, 'arbanking77/Banking77_Arabized_MSA_PAL_train.csv')),
    test: await readExamples(join(dataDir, 'arbanking77/Banking77_Arabized_MSA_test.csv')),
    targets: { accuracy: 0.85 },
  },
];

/** natural's BayesClassifier with its defaults; its confidence is its top value's share of all values. */
function trainBayes(train: Example[]): Predictor {
  const bayes = new classifiers.BayesClassifier();
  for (const { text, intent } of train) bayes.addDocument(text, intent);
  bayes.train();
  return {
    classify(text) {
      const ranked = bayes.getClassifications(text);
      const total = ranked.reduce((sum, c) => sum + c.value, 0);
      const top = ranked[0]!;
      return { intent: top.label, confidence: total > 0 ? top.value / total : 0 };
    },
  };
}

const rows: string[][] = [];
for (const task of tasks) {
  for (const [system, train] of [
    ['switchboard', (examples: Example[]) => trainClassifier(examples)],
    ['natural Bayes', trainBayes],
  ] as const) {
    const start = performance.now();
    const predictor = train(task.train);
    const seconds = (performance.now() - start) / 1000;
    const result: Evaluation = evaluate(predictor, task.test, threshold);
    const target = system === 'switchboard';
    rows.push([
      task.name,
      system,
      result.accuracy.toFixed(4) + (target ? ` (≥ ${task.targets.accuracy})` : ''),
      result.acceptedAccuracy.toFixed(4),
      result.outOfScopeRecall === undefined ? '-' : result.outOfScopeRecall.toFixed(4) + (target ? ` (≥ ${task.targets.outOfScopeRecall})` : ''),
      seconds.toFixed(1) + (target && task.name === 'CLINC150' ? ' (< 30)' : ''),
      result.latencyMs.p50.toFixed(3),
      result.latencyMs.p99.toFixed(3) + (target ? ' (< 2)' : ''),
    ]);
    if (target) {
      for (const other of alsoAt) {
        const at = evaluate(predictor, task.test, other);
        rows.push([
          task.name,
          `${system} @ ${other}`,
          at.accuracy.toFixed(4),
          at.acceptedAccuracy.toFixed(4),
          at.outOfScopeRecall === undefined ? '-' : at.outOfScopeRecall.toFixed(4),
          '-',
          at.latencyMs.p50.toFixed(3),
          at.latencyMs.p99.toFixed(3),
        ]);
      }
    }
    console.error(`${task.name} / ${system}: done`);
  }
}

const header = ['data set', 'classifier', 'accuracy', `acc. ≥ thr.`, `oos recall`, 'train s', 'p50 ms', 'p99 ms'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`threshold ${threshold}; accuracy: top intent on in-scope test rows; acc. ≥ thr.: right and at or above the threshold`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
