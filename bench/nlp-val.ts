// Few-shot figures on validation rows only, for choosing a change to the classifier without tuning on the
// bench's test rows: 20 intents × 10 examples (NLP_VAL_SHAPE) drawn as `bench/nlp.ts` draws them, but
// - Arabic: from ArBanking77's train split, tested on its validation split's Modern Standard rows (the file's
//   first two passes over the intents; the third is Palestinian dialect, which the test split does not hold);
// - English: from BANKING77's train split less every 5th row of each intent, tested on those held-out rows;
// with 300 validation rows of other intents as off-topic; 20 samples (NLP_VAL_SEEDS, from NLP_VAL_FIRST = 1).
// Prints top-1 / in scope / rejected at the shipped threshold, mean of the samples, for each language, and
// along the threshold (0.20–0.80) the most in scope where as much is rejected as main did (REFERENCE).
//
//     npx tsx bench/nlp-val.ts                                          # about 45 s
//     NLP_VAL_LANG=ar NLP_VAL_FIRST=21 npx tsx bench/nlp-val.ts         # Arabic only, seeds 21–40
//     NLP_VAL_MODEL='{"l2":1e-5}' NLP_VAL_FEATURES='{"wordWeight":0.4}' npx tsx bench/nlp-val.ts
//
// Environment: NLP_VAL_SHAPE (20x10), NLP_VAL_SEEDS (20), NLP_VAL_FIRST (1), NLP_VAL_LANG (ar,en), NLP_VAL_MODEL and
// NLP_VAL_FEATURES (JSON, trainClassifier's `model` and `features` options), NLP_DATA_DIR.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackground, shippedNlpDir } from '../src/bot/nlp/background.ts';
import { trainClassifier } from '../src/bot/nlp/classifier.ts';
import { parseCsv, type Example } from '../src/bot/nlp/datasets.ts';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../src/shared/confidence.ts';
import { byIntent, drawFewShot, type FewShotSource } from './few-shot.ts';

process.env.DOTENV_CONFIG_QUIET = 'true';
const root = resolve(fileURLToPath(import.meta.url), '../..');
const dataDir = process.env.NLP_DATA_DIR ?? resolve(root, '../shared/data/nlp');
const [intentCount, exampleCount] = (process.env.NLP_VAL_SHAPE ?? '20x10').split('x').map(Number) as [number, number];
const seeds = Number(process.env.NLP_VAL_SEEDS ?? 20);
const first = Number(process.env.NLP_VAL_FIRST ?? 1);
const languages = (process.env.NLP_VAL_LANG ?? 'ar,en').split(',');
const threshold = DEFAULT_CONFIDENCE_THRESHOLD;
const OTHER_INTENT_ROWS = 300;
/** Thresholds the predictions are also read at, 0.20 to 0.80. */
const SWEEP = Array.from({ length: 61 }, (_, i) => 0.2 + i / 100);
/** In scope and rejected of main (commit bbdb78e) at 20 × 10 on seeds 1–20 (a hair under), the reference point along the threshold. */
const REFERENCE: Record<string, [number, number]> = { ar: [0.685, 0.671], en: [0.782, 0.668] };
const background = (await loadBackground(shippedNlpDir)).map((line) => line.text);
/** Model options to try (JSON, e.g. NLP_VAL_MODEL='{"l2":1e-5}'), passed to trainClassifier. */
const model = JSON.parse(process.env.NLP_VAL_MODEL ?? '{}') as Record<string, unknown>;
const features = JSON.parse(process.env.NLP_VAL_FEATURES ?? '{}') as Record<string, unknown>;

/** Rows of a CSV with a `label`/`category` column first and `text` second, in file order. */
async function rows(file: string, intentColumn: string): Promise<Example[]> {
  const [header, ...body] = parseCsv(await readFile(join(dataDir, file), 'utf8'));
  const t = header!.indexOf('text');
  const l = header!.indexOf(intentColumn);
  return body.filter((r) => r.length > 1).map((r) => ({ text: r[t]!, intent: r[l]!.trim() }));
}

/** ArBanking77's validation file goes over the intents three times: twice in Modern Standard Arabic, then in Palestinian. */
function modernStandard(examples: Example[]): Example[] {
  const firstIntent = examples[0]!.intent;
  let passes = 0;
  return examples.filter((e, i) => {
    if (e.intent === firstIntent && (i === 0 || examples[i - 1]!.intent !== firstIntent)) passes++;
    return passes <= 2;
  });
}

async function sources(): Promise<Record<string, FewShotSource>> {
  const out: Record<string, FewShotSource> = {};
  const english = await rows('banking77/train.csv', 'category');
  const seen = new Map<string, number>();
  const enTrain: Example[] = [];
  const enVal: Example[] = [];
  for (const e of english) {
    const n = seen.get(e.intent) ?? 0;
    seen.set(e.intent, n + 1);
    (n % 5 === 4 ? enVal : enTrain).push(e);
  }
  const enIntents = [...byIntent(enTrain).keys()].sort();
  out.en = { train: byIntent(enTrain), test: byIntent(enVal), intents: enIntents };
  const [, ...labels] = parseCsv(await readFile(join(dataDir, 'arbanking77/Banking77_intents.csv'), 'utf8'));
  const toArabic = new Map(labels.map(([en, ar]) => [en!.trim().toLowerCase(), ar!.trim()]));
  const arTrain = await rows('arbanking77/Banking77_Arabized_MSA_PAL_train.csv', 'label');
  const arVal = modernStandard(await rows('arbanking77/Banking77_Arabized_MSA_PAL_val.csv', 'label'));
  out.ar = {
    train: byIntent(arTrain),
    test: byIntent(arVal),
    intents: enIntents.map((intent) => toArabic.get(intent.replaceAll('_', ' ').toLowerCase())!),
  };
  return out;
}

/** A sample drawn as bench/nlp.ts draws one (see `drawFewShot`), from the validation rows. */
function run(source: FewShotSource, seed: number) {
  const { train, inScope, otherIntents } = drawFewShot(source, intentCount, exampleCount, seed, OTHER_INTENT_ROWS);
  return { train, inScope, outOfScope: otherIntents };
}

const all = await sources();
const pct = (x: number) => (100 * x).toFixed(1);
for (const language of languages) {
  const source = all[language]!;
  let top1 = 0;
  let inScope = 0;
  let rejected = 0;
  let seconds = 0;
  const sweep = SWEEP.map(() => ({ inScope: 0, rejected: 0 }));
  for (let seed = first; seed < first + seeds; seed++) {
    const r = run(source, seed);
    const start = performance.now();
    const classifier = trainClassifier(r.train, { background, model, features });
    seconds += (performance.now() - start) / 1000;
    let right = 0;
    let accepted = 0;
    const rightAt: number[] = [];
    for (const { text, intent } of r.inScope) {
      const c = classifier.classify(text);
      if (c.intent === intent) {
        right++;
        rightAt.push(c.confidence);
        if (c.confidence >= threshold) accepted++;
      }
    }
    let below = 0;
    const offAt = r.outOfScope.map((text) => classifier.classify(text).confidence);
    for (const confidence of offAt) if (confidence < threshold) below++;
    SWEEP.forEach((t, i) => {
      sweep[i]!.inScope += rightAt.filter((c) => c >= t).length / r.inScope.length / seeds;
      sweep[i]!.rejected += offAt.filter((c) => c < t).length / r.outOfScope.length / seeds;
    });
    top1 += right / r.inScope.length;
    inScope += accepted / r.inScope.length;
    rejected += below / r.outOfScope.length;
  }
  console.log(
    `${language} ${intentCount}x${exampleCount} seeds ${first}-${first + seeds - 1}: top-1 / in scope / rejected ` +
      `${pct(top1 / seeds)} / ${pct(inScope / seeds)} / ${pct(rejected / seeds)}  (train ${(seconds / seeds).toFixed(2)} s each)`,
  );
  // The ranking apart from where the calibration puts 0.45: the most in scope at a threshold that rejects
  // at least as much as the reference (main's figure on these samples), and the most rejected at its in scope.
  const [refInScope, refRejected] = REFERENCE[language]!;
  const most = (meets: (f: { inScope: number; rejected: number }) => boolean, pick: (f: { inScope: number; rejected: number }) => number) =>
    pct(Math.max(0, ...sweep.filter(meets).map(pick)));
  console.log(
    `  along the threshold: in scope ${most((f) => f.rejected >= refRejected, (f) => f.inScope)} where ≥ ${pct(refRejected)} rejected; ` +
      `rejected ${most((f) => f.inScope >= refInScope, (f) => f.rejected)} where ≥ ${pct(refInScope)} in scope`,
  );
}
