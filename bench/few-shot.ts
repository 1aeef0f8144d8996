// What the NLP benchmarks (bench/nlp.ts on the test rows, bench/nlp-val.ts on validation rows) share to draw their
// few-shot samples alike.
import { OUT_OF_SCOPE, type Example } from '../src/bot/nlp/datasets.ts';

/**
 * The texts of each intent, in order; out-of-scope rows are left out.
 *
 *     byIntent([{ text: 'lost my card', intent: 'lost_card' }]); // Map { 'lost_card' => ['lost my card'] }
 */
export function byIntent(examples: Example[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { text, intent } of examples) {
    if (intent === OUT_OF_SCOPE) continue;
    let list = map.get(intent);
    if (!list) map.set(intent, (list = []));
    list.push(text);
  }
  return map;
}

/**
 * `count` items drawn without replacement (a Fisher–Yates shuffle driven by `random`, so a seed gives the same draw).
 *
 *     sample(['a', 'b', 'c'], 2, mulberry32(1)); // two of the three, the same two for seed 1
 */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}
