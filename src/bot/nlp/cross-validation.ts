// How well the admin's own training data teaches the classifier: stratified k-fold cross-validation (each example
// is classified by a model trained without it), the background sentences held out the same way. The dashboard's
// Intents page shows these figures after each (re)train; they run in a worker thread (eval-worker.ts).
import { trainClassifier } from './classifier.ts';
import { OUT_OF_SCOPE, type Example } from './datasets.ts';
import { evaluate, type Predictor } from './evaluate.ts';

/** At most this many folds (fewer when an intent has fewer examples). */
export const MAX_FOLDS = 5;
/** The seed of the fold shuffle: the same data always gives the same figures. */
export const FOLD_SEED = 1;

/** The figures of one cross-validation. Shares are fractions from 0 to 1. */
export interface DataEvaluation {
  folds: number;
  seed: number;
  /** The confidence threshold the "confident" and "rejected" figures use. */
  threshold: number;
  examples: number;
  /** Top intent right. */
  accuracy: number;
  /** Top intent right and at or above the threshold: routed without a clarify question. */
  acceptedAccuracy: number;
  /** Each intent's accuracy, worst first. */
  intents: { intent: string; examples: number; accuracy: number }[];
  /** The most frequent mistakes: `intent` examples taken for `mistakenFor`, most first (at most 5). */
  confused: { intent: string; mistakenFor: string; count: number }[];
  /** The background sentences (everyday talk that asks for no intent), and the share of them rejected at the threshold. */
  background: { sentences: number; rejected: number | null };
}

/** Why there are no figures (too little data to hold any out). */
export interface SkippedEvaluation {
  skipped: string;
}

/**
 * Cross-validates `examples` with `k = min(5, smallest intent count)` stratified folds, training each fold's model
 * with the rest of the background sentences and testing it on its share of them too.
 *
 *     const figures = crossValidate(examples, background, { threshold: 0.45 });
 *     'skipped' in figures ? figures.skipped : figures.accuracy; // 0.91
 */
export function crossValidate(examples: Example[], background: readonly string[], options: { threshold: number; seed?: number }): DataEvaluation | SkippedEvaluation {
  const seed = options.seed ?? FOLD_SEED;
  const byIntent = new Map<string, Example[]>();
  for (const example of examples) {
    const list = byIntent.get(example.intent);
    if (list) list.push(example);
    else byIntent.set(example.intent, [example]);
  }
  if (byIntent.size < 2) return { skipped: 'cross-validation needs at least two intents' };
  const [smallest, fewest] = [...byIntent].reduce((a, b) => (b[1].length < a[1].length ? b : a));
  const k = Math.min(MAX_FOLDS, fewest.length);
  if (k < 2) return { skipped: `intent "${smallest}" has ${fewest.length} example; cross-validation needs at least 2 per intent` };

  const random = mulberry32(seed);
  const foldOf = new Map<Example, number>();
  for (const list of byIntent.values()) shuffle(list, random).forEach((example, i) => foldOf.set(example, i % k));
  const backgroundFolds = shuffle([...background], random).map((text, i) => ({ text, fold: i % k }));

  let correct = 0;
  let accepted = 0;
  let outOfScope = 0;
  let rejected = 0;
  const perIntent = new Map<string, { total: number; right: number }>();
  const confusion = new Map<string, number>();
  for (let fold = 0; fold < k; fold++) {
    const train = examples.filter((example) => foldOf.get(example) !== fold);
    const test: Example[] = [
      ...examples.filter((example) => foldOf.get(example) === fold),
      ...backgroundFolds.filter((line) => line.fold === fold).map((line) => ({ text: line.text, intent: OUT_OF_SCOPE })),
    ];
    const model = trainClassifier(train, { background: backgroundFolds.filter((line) => line.fold !== fold).map((line) => line.text) });
    // `evaluate` classifies the test rows in order: the predictions are kept to count them per intent.
    const predicted: string[] = [];
    const recording: Predictor = {
      classify: (text) => {
        const result = model.classify(text);
        predicted.push(result.intent);
        return result;
      },
    };
    const result = evaluate(recording, test, options.threshold);
    correct += Math.round(result.accuracy * result.inScope);
    accepted += Math.round(result.acceptedAccuracy * result.inScope);
    outOfScope += result.outOfScope;
    rejected += Math.round((result.outOfScopeRecall ?? 0) * result.outOfScope);
    test.forEach((row, i) => {
      if (row.intent === OUT_OF_SCOPE) return;
      const entry = perIntent.get(row.intent) ?? { total: 0, right: 0 };
      perIntent.set(row.intent, entry);
      entry.total++;
      if (predicted[i] === row.intent) entry.right++;
      else confusion.set(`${row.intent}\u0000${predicted[i]}`, (confusion.get(`${row.intent}\u0000${predicted[i]}`) ?? 0) + 1);
    });
  }

  return {
    folds: k,
    seed,
    threshold: options.threshold,
    examples: examples.length,
    accuracy: correct / examples.length,
    acceptedAccuracy: accepted / examples.length,
    intents: [...perIntent]
      .map(([intent, { total, right }]) => ({ intent, examples: total, accuracy: right / total }))
      .sort((a, b) => a.accuracy - b.accuracy || a.intent.localeCompare(b.intent)),
    confused: [...confusion]
      .map(([pair, count]) => {
        const [intent, mistakenFor] = pair.split('\u0000') as [string, string];
        return { intent, mistakenFor, count };
      })
      .sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent) || a.mistakenFor.localeCompare(b.mistakenFor))
      .slice(0, 5),
    background: { sentences: outOfScope, rejected: outOfScope ? rejected / outOfScope : null },
  };
}

/** A small seeded random number generator (mulberry32): numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `list` in place (Fisher–Yates) and returns it. */
function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
