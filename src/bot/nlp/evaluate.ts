// Measuring a classifier on labelled test examples: accuracy on in-scope rows, out-of-scope recall at a
// threshold, classify latency and the intents it confuses most. Shared by the eval command and the benchmark.
import { performance } from 'node:perf_hooks';
import { OUT_OF_SCOPE, type Example } from './datasets.ts';

/** Anything that names an intent with a confidence: our model, or a baseline. */
export interface Predictor {
  classify(text: string): { intent: string; confidence: number };
}

export interface Evaluation {
  inScope: number;
  /** Top intent right, on in-scope rows (the threshold does not count). */
  accuracy: number;
  /** Top intent right and at or above the threshold, on in-scope rows (CLINC's "in-scope accuracy"). */
  acceptedAccuracy: number;
  outOfScope: number;
  /** Out-of-scope rows whose confidence is below the threshold; undefined without such rows. */
  outOfScopeRecall: number | undefined;
  latencyMs: { p50: number; p99: number };
  /** Intents with the most in-scope errors, and what they were mistaken for. */
  worst: { intent: string; errors: number; total: number; mistakenFor: { intent: string; count: number }[] }[];
}

/**
 * Classifies every test example and measures the results.
 *
 *     const result = evaluate(model, await readExamples('test.csv'), 0.6);
 *     result.accuracy; // 0.93
 */
export function evaluate(predictor: Predictor, test: Example[], threshold: number): Evaluation {
  const latencies: number[] = [];
  let correct = 0;
  let accepted = 0;
  let inScope = 0;
  let outOfScope = 0;
  let rejected = 0;
  const errors = new Map<string, { total: number; errors: number; mistakenFor: Map<string, number> }>();
  for (const { text, intent } of test) {
    const start = performance.now();
    const prediction = predictor.classify(text);
    latencies.push(performance.now() - start);
    if (intent === OUT_OF_SCOPE) {
      outOfScope++;
      if (prediction.confidence < threshold) rejected++;
      continue;
    }
    inScope++;
    const row = errors.get(intent) ?? { total: 0, errors: 0, mistakenFor: new Map<string, number>() };
    errors.set(intent, row);
    row.total++;
    if (prediction.intent === intent) {
      correct++;
      if (prediction.confidence >= threshold) accepted++;
    } else {
      row.errors++;
      row.mistakenFor.set(prediction.intent, (row.mistakenFor.get(prediction.intent) ?? 0) + 1);
    }
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    inScope,
    accuracy: inScope ? correct / inScope : 0,
    acceptedAccuracy: inScope ? accepted / inScope : 0,
    outOfScope,
    outOfScopeRecall: outOfScope ? rejected / outOfScope : undefined,
    latencyMs: { p50: percentile(50), p99: percentile(99) },
    worst: [...errors.entries()]
      .filter(([, row]) => row.errors > 0)
      .sort(([, a], [, b]) => b.errors / b.total - a.errors / a.total || b.errors - a.errors)
      .slice(0, 5)
      .map(([intent, row]) => ({
        intent,
        errors: row.errors,
        total: row.total,
        mistakenFor: [...row.mistakenFor.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([other, count]) => ({ intent: other, count })),
      })),
  };
}
