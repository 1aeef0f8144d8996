// What the NLP benchmarks (bench/nlp.ts on the test rows, bench/nlp-val.ts on validation rows) share to draw their
// few-shot samples alike.
import { OUT_OF_SCOPE, type Example } from '../src/bot/nlp/datasets.ts';
import { mulberry32 } from '../src/bot/nlp/softmax.ts';

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

/** Labelled rows to draw from: texts per intent, and the intent names in a fixed order shared across languages. */
export interface FewShotSource {
  train: Map<string, string[]>;
  test: Map<string, string[]>;
  intents: string[];
}

/**
 * One sample: K intents × N training examples, the test rows of those intents, and `otherRows` test rows of the
 * intents not drawn (off-topic). The intents depend on the seed and K only, not on the source's language, so
 * ArBanking77 and BANKING77 draw the same intents. `random` is the generator the draw used, for a caller that draws
 * more off-topic rows after it.
 *
 *     const { train, inScope, otherIntents } = drawFewShot(source, 20, 10, 1, 300);
 */
export function drawFewShot(
  source: FewShotSource,
  intents: number,
  examples: number,
  seed: number,
  otherRows: number,
): { train: Example[]; inScope: Example[]; otherIntents: string[]; random: () => number } {
  const chosen = sample(source.intents.map((_, i) => i), intents, mulberry32(seed * 1_000 + intents)).map((i) => source.intents[i]!);
  const random = mulberry32(seed * 1_000_003 + intents * 101 + examples);
  const train = chosen.flatMap((intent) => sample(source.train.get(intent) ?? [], examples, random).map((text) => ({ text, intent })));
  const inScope = chosen.flatMap((intent) => (source.test.get(intent) ?? []).map((text) => ({ text, intent })));
  const others = source.intents.filter((intent) => !chosen.includes(intent)).flatMap((intent) => source.test.get(intent) ?? []);
  return { train, inScope, otherIntents: sample(others, otherRows, random), random };
}
