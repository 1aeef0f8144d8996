// The intent classifier on public data (../shared/data/nlp, or NLP_DATA_DIR), beside natural's BayesClassifier
// with default settings on the same samples, in two parts:
// - large: BANKING77, CLINC150 with its out-of-scope sets and ArBanking77 MSA, whole train and test splits;
// - few-shot: what an admin's intents.yaml looks like, K intents × N examples sampled from the train splits
//   (several seeds), tested on those intents' test rows (in scope) and on other intents' rows and CLINC's
//   `oos` rows (out of scope); English from BANKING77 and CLINC150, Arabic from ArBanking77.
//
//     npm run bench:nlp                                   # both parts, 5 seeds (about 2 minutes)
//     NLP_BENCH=fewshot NLP_SEEDS=3 npm run bench:nlp     # one part, fewer seeds
//
// Environment: NLP_BENCH (large,fewshot), NLP_SEEDS (5), NLP_SHAPES (all; e.g. 3x20,8x15), NLP_BASELINE (0: no Bayes), NLP_THRESHOLD (the shipped 0.45), NLP_ALSO_AT (more
// thresholds for the large part, e.g. 0.3,0.6), NLP_DATA_DIR.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackground, shippedNlpDir } from '../src/bot/nlp/background.ts';
import { loadModel, trainClassifier, type SavedModel } from '../src/bot/nlp/classifier.ts';
import { trainClassifierInParallel } from '../src/bot/nlp/parallel.ts';
import { startWorker } from '../src/bot/nlp/threads.ts';
import { DEFAULT_CONFIDENCE_THRESHOLD as DEFAULT_THRESHOLD } from '../src/shared/confidence.ts';
import { OUT_OF_SCOPE, parseCsv, readExamples, type Example } from '../src/bot/nlp/datasets.ts';
import { evaluate, type Evaluation, type Predictor } from '../src/bot/nlp/evaluate.ts';
import { byIntent, drawFewShot, sample, type FewShotSource } from './few-shot.ts';

process.env.DOTENV_CONFIG_QUIET = 'true';
const { default: classifiers } = await import('natural/lib/natural/classifiers/index.js');

const root = resolve(fileURLToPath(import.meta.url), '../..');
const dataDir = process.env.NLP_DATA_DIR ?? resolve(root, '../shared/data/nlp');
const threshold = Number(process.env.NLP_THRESHOLD ?? DEFAULT_THRESHOLD);
const parts = new Set((process.env.NLP_BENCH ?? 'large,fewshot').split(',').map((p) => p.trim()));
const seeds = Math.max(1, Number(process.env.NLP_SEEDS ?? 5));
/** More thresholds to show our classifier at, from the same model (e.g. NLP_ALSO_AT=0.3,0.6). */
const alsoAt = (process.env.NLP_ALSO_AT ?? '').split(',').filter((t) => t.trim() !== '').map(Number);

type Trainer = (train: Example[]) => Predictor;
/** The shipped background set, as a fresh DATA_DIR has it. */
const background = (await loadBackground(shippedNlpDir)).map((line) => line.text);
const systems: [string, Trainer][] = [
  ['switchboard', (examples) => trainClassifier(examples, { background })],
  ...(process.env.NLP_BASELINE === '0' ? [] : ([['natural Bayes', trainBayes]] as [string, Trainer][])),
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
      const top = ranked[0];
      // Trained on texts its tokenizer empties (Arabic), it knows no class at all.
      if (!top) return { intent: '', confidence: 0 };
      return { intent: top.label, confidence: total > 0 ? top.value / total : 0 };
    },
  };
}

const clincFile = join(dataDir, 'clinc150/data_full.json');
const clinc = {
  train: (await readExamples(`${clincFile}#train`)).filter((e) => e.intent !== OUT_OF_SCOPE),
  test: await readExamples(`${clincFile}#test`),
};
const banking = {
  train: await readExamples(join(dataDir, 'banking77/train.csv')),
  test: await readExamples(join(dataDir, 'banking77/test.csv')),
};
const arabic = {
  train: await readExamples(join(dataDir, 'arbanking77/Banking77_Arabized_MSA_PAL_train.csv')),
  test: await readExamples(join(dataDir, 'arbanking77/Banking77_Arabized_MSA_test.csv')),
};

/** A table in Markdown, columns padded. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const pct = (x: number) => (100 * x).toFixed(1);
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');
/** Every classify latency measured, for the p99 over the whole run. */
const latencies: number[] = [];

// ---------------------------------------------------------------------------------------------------------
// Large data sets

/** Our figures before the out-of-scope calibration (commit c9690a3), which must hold within one point. */
const BEFORE: Record<string, { accuracy: number; accepted: number; outOfScopeRecall?: number }> = {
  BANKING77: { accuracy: 0.9075, accepted: 0.8942 },
  CLINC150: { accuracy: 0.9267, accepted: 0.9133, outOfScopeRecall: 0.691 },
  'ArBanking77 MSA': { accuracy: 0.8811, accepted: 0.8654 },
};

/**
 * Trains as the bot does on its large data: on the training thread (src/bot/nlp/trainer-worker.ts), the saved
 * model loaded on this one (src/bot/nlp/service.ts). So the classify latencies below are those of the model the
 * bot serves, on a heap without the training's garbage: trained on this thread, the same model's p99 on
 * ArBanking77 MSA was 2.5-2.9 ms, loaded 1.0-1.8 ms (docs/nlp.md, "Classify latency on the large sets").
 */
async function trainAsTheBot(examples: Example[]): Promise<Predictor> {
  const worker = startWorker('trainer-worker', { examples, background });
  try {
    const saved = await new Promise<SavedModel>((resolve, reject) => {
      worker.on('message', (message: { type: string; model?: SavedModel }) => {
        if (message.type === 'done') resolve(message.model!);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the training thread stopped (exit code ${code})`)));
    });
    return loadModel(saved);
  } finally {
    await worker.terminate();
  }
}

async function runLarge(): Promise<string[]> {
  const tasks = [
    { name: 'BANKING77', ...banking },
    { name: 'CLINC150', ...clinc },
    { name: 'ArBanking77 MSA', ...arabic },
  ];
  const rows: string[][] = [];
  const checks: string[] = [];
  for (const task of tasks) {
    for (const [system, train] of systems) {
      const ours = system === 'switchboard';
      const start = performance.now();
      const predictor = ours ? await trainAsTheBot(task.train) : train(task.train);
      const seconds = (performance.now() - start) / 1000;
      const result: Evaluation = evaluate(predictor, task.test, threshold);
      const before = BEFORE[task.name]!;
      rows.push([
        task.name,
        system,
        result.accuracy.toFixed(4) + (ours ? ` (${before.accuracy})` : ''),
        result.acceptedAccuracy.toFixed(4) + (ours ? ` (${before.accepted})` : ''),
        result.outOfScopeRecall === undefined ? '-' : result.outOfScopeRecall.toFixed(4) + (ours && before.outOfScopeRecall ? ` (${before.outOfScopeRecall})` : ''),
        seconds.toFixed(1),
        result.latencyMs.p50.toFixed(3),
        result.latencyMs.p99.toFixed(3),
      ]);
      if (ours) {
        // Higher is better for every figure: none may fall by more than one point.
        const kept = (now: number, then: number | undefined) => then === undefined || now >= then - 0.01;
        const met = kept(result.accuracy, before.accuracy) && kept(result.acceptedAccuracy, before.accepted) && kept(result.outOfScopeRecall ?? 0, before.outOfScopeRecall);
        checks.push(
          `${task.name}: no figure more than one point below before: ${verdict(met)}; classify p99 ${result.latencyMs.p99.toFixed(3)} ms (< 2 ms): ${verdict(result.latencyMs.p99 < 2)}`,
        );
        for (const other of alsoAt) {
          const at = evaluate(predictor, task.test, other);
          rows.push([task.name, `${system} @ ${other}`, at.accuracy.toFixed(4), at.acceptedAccuracy.toFixed(4), at.outOfScopeRecall?.toFixed(4) ?? '-', '-', '-', '-']);
        }
      }
      console.error(`${task.name} / ${system}: done`);
    }
  }
  return [
    `## Large data sets (threshold ${threshold}); in parentheses: switchboard before the out-of-scope calibration; switchboard trained on its training thread as the bot trains, the model loaded here`,
    'accuracy: top intent on in-scope test rows; acc. ≥ thr.: right and at or above the threshold; oos recall: CLINC `oos` rows below it',
    table(['data set', 'classifier', 'accuracy', 'acc. ≥ thr.', 'oos recall', 'train s', 'p50 ms', 'p99 ms'], rows),
    ...checks,
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Few-shot: an admin's small intents.yaml

/** Intent counts × examples per intent; the targets are the issue's (rejected off-topic, in scope right and confident). */
interface Shape {
  intents: number;
  examples: number;
  target?: { rejected: number; inScope: number };
}
const ALL_SHAPES: Shape[] = [
  { intents: 3, examples: 5 },
  { intents: 3, examples: 10 },
  { intents: 3, examples: 20, target: { rejected: 0.8, inScope: 0.9 } },
  { intents: 8, examples: 5 },
  { intents: 8, examples: 10 },
  { intents: 8, examples: 15, target: { rejected: 0.7, inScope: 0.85 } },
  { intents: 8, examples: 20 },
  { intents: 20, examples: 5 },
  { intents: 20, examples: 10, target: { rejected: 0.65, inScope: 0.75 } },
  { intents: 20, examples: 20 },
];
/** Out-of-scope rows per run: rows of intents not sampled, and (CLINC) rows of its `oos` set. */
const OTHER_INTENT_ROWS = 300;
const CLINC_OOS_ROWS = 200;
/** NLP_SHAPES=3x20,8x15 runs those shapes only. */
const SHAPES = process.env.NLP_SHAPES ? ALL_SHAPES.filter((s) => process.env.NLP_SHAPES!.split(',').includes(`${s.intents}x${s.examples}`)) : ALL_SHAPES;

interface Source extends FewShotSource {
  name: string;
  language: 'English' | 'Arabic';
  /** Off-topic rows that belong to no intent of the source. */
  outOfScope: string[];
}

/** BANKING77's category `card_arrival` is ArBanking77's `وصول البطاقة` (Banking77_intents.csv: label_en,label_ar). */
async function arabicLabels(): Promise<Map<string, string>> {
  const [, ...rows] = parseCsv(await readFile(join(dataDir, 'arbanking77/Banking77_intents.csv'), 'utf8'));
  return new Map(rows.map(([en, ar]) => [en!.trim().toLowerCase(), ar!.trim()]));
}

async function fewShotSources(): Promise<Source[]> {
  const bankingIntents = [...byIntent(banking.train).keys()].sort();
  const toArabic = await arabicLabels();
  const arabicIntents = bankingIntents.map((intent) => {
    const label = toArabic.get(intent.replaceAll('_', ' ').toLowerCase());
    if (!label) throw new Error(`no ArBanking77 label for ${intent}`);
    return label;
  });
  return [
    { name: 'BANKING77', language: 'English', train: byIntent(banking.train), test: byIntent(banking.test), outOfScope: [], intents: bankingIntents },
    {
      name: 'CLINC150',
      language: 'English',
      train: byIntent(clinc.train),
      test: byIntent(clinc.test),
      outOfScope: clinc.test.filter((e) => e.intent === OUT_OF_SCOPE).map((e) => e.text),
      intents: [...byIntent(clinc.train).keys()].sort(),
    },
    { name: 'ArBanking77', language: 'Arabic', train: byIntent(arabic.train), test: byIntent(arabic.test), outOfScope: [], intents: arabicIntents },
  ];
}

interface FewShotRun {
  train: Example[];
  inScope: Example[];
  outOfScope: Example[];
}

/** One sample (see `drawFewShot`), with CLINC's `oos` rows beside the other intents' rows as off-topic. */
function fewShotRun(source: Source, intents: number, examples: number, seed: number): FewShotRun {
  const { train, inScope, otherIntents, random } = drawFewShot(source, intents, examples, seed, OTHER_INTENT_ROWS);
  const outOfScope = [...otherIntents, ...sample(source.outOfScope, CLINC_OOS_ROWS, random)].map((text) => ({ text, intent: OUT_OF_SCOPE }));
  return { train, inScope, outOfScope };
}

interface Figures {
  accuracy: number;
  inScope: number;
  rejected: number;
  /** In scope and rejected at each threshold of SWEEP, from the same predictions. */
  sweep: { inScope: number; rejected: number }[];
}

/**
 * Thresholds the Arabic lines are also read at: whether a miss is where the threshold falls (some threshold
 * meets both bars) or how well the intents separate (none does).
 */
const SWEEP = Array.from({ length: 61 }, (_, i) => 0.2 + i / 100);

/** The figures of one run; `timed` keeps every classify latency. */
function measure(predictor: Predictor, run: FewShotRun, timed: boolean): Figures {
  const seen: { intent: string; confidence: number }[] = [];
  const recording: Predictor = {
    classify(text) {
      const start = performance.now();
      const result = predictor.classify(text);
      if (timed) latencies.push(performance.now() - start);
      seen.push(result);
      return result;
    },
  };
  const rows = [...run.inScope, ...run.outOfScope];
  const result = evaluate(recording, rows, threshold);
  const sweep = SWEEP.map((t) => {
    let accepted = 0;
    let rejected = 0;
    rows.forEach((row, i) => {
      const { intent, confidence } = seen[i]!;
      if (row.intent === OUT_OF_SCOPE) rejected += confidence < t ? 1 : 0;
      else accepted += intent === row.intent && confidence >= t ? 1 : 0;
    });
    return { inScope: accepted / run.inScope.length, rejected: run.outOfScope.length ? rejected / run.outOfScope.length : 0 };
  });
  return { accuracy: result.accuracy, inScope: result.acceptedAccuracy, rejected: result.outOfScopeRecall ?? 0, sweep };
}

async function fewShot(): Promise<string[]> {
  const sources = await fewShotSources();
  const mean = (figures: Figures[]): Figures => ({
    accuracy: figures.reduce((s, f) => s + f.accuracy, 0) / figures.length,
    inScope: figures.reduce((s, f) => s + f.inScope, 0) / figures.length,
    rejected: figures.reduce((s, f) => s + f.rejected, 0) / figures.length,
    sweep: SWEEP.map((_, i) => ({
      inScope: figures.reduce((s, f) => s + f.sweep[i]!.inScope, 0) / figures.length,
      rejected: figures.reduce((s, f) => s + f.sweep[i]!.rejected, 0) / figures.length,
    })),
  });
  const results = new Map<string, Figures>();
  const key = (source: string, system: string, intents: number, examples: number) => `${source}|${system}|${intents}|${examples}`;
  const trainSeconds: number[] = [];
  for (const shape of SHAPES) {
    for (const source of sources) {
      for (const [system, train] of systems) {
        const figures: Figures[] = [];
        for (let seed = 1; seed <= seeds; seed++) {
          const run = fewShotRun(source, shape.intents, shape.examples, seed);
          const start = performance.now();
          const predictor = train(run.train);
          if (system === 'switchboard') trainSeconds.push((performance.now() - start) / 1000);
          figures.push(measure(predictor, run, system === 'switchboard'));
        }
        results.set(key(source.name, system, shape.intents, shape.examples), mean(figures));
      }
    }
    console.error(`few-shot ${shape.intents} × ${shape.examples}: done`);
  }

  // Each English set (BANKING77, CLINC150) is held to the targets on its own, and their mean is shown too.
  // Arabic (ArBanking77) must be within 8 points, on both figures, of the targets and of BANKING77 (the same
  // intents, the same sample, in English): its bar is the higher of the two less 8. Its distance to the English
  // mean is printed too, and so is BANKING77's own: CLINC150 lifts that mean with a many-domain set whose
  // off-topic rows come from other domains, so the mean measures the data set's domain, not the language, and
  // BANKING77 itself is not within 8 points of it at 20 × 10 (README, NLP: "Where it stands").
  const rows: string[][] = [];
  const checks: string[] = [];
  const unmet: string[] = [];
  const figuresOf = (source: string, system: string, shape: Shape) => results.get(key(source, system, shape.intents, shape.examples));
  const need = (m: Figures, bar: { rejected: number; inScope: number } | undefined) =>
    bar === undefined ? '-' : `≥ ${pct(bar.inScope)} / ≥ ${pct(bar.rejected)}: ${verdict(m.inScope >= bar.inScope - 1e-9 && m.rejected >= bar.rejected - 1e-9)}`;
  for (const shape of SHAPES) {
    const label = `${shape.intents} × ${shape.examples}`;
    const english = sources.filter((s) => s.language === 'English');
    const englishMean = (system: string) => mean(english.map((s) => figuresOf(s.name, system, shape)!));
    const twin = figuresOf('BANKING77', 'switchboard', shape);
    const lines: { name: string; system: (system: string) => Figures; bar?: { rejected: number; inScope: number } }[] = [];
    for (const source of sources) {
      let bar = shape.target;
      if (source.language === 'Arabic' && shape.target) {
        const ours = englishMean('switchboard');
        const highest = (pick: (f: { rejected: number; inScope: number }) => number) =>
          Math.max(...[shape.target, twin].filter((f) => f !== undefined).map((f) => pick(f!))) - 0.08;
        bar = { rejected: highest((f) => f.rejected), inScope: highest((f) => f.inScope) };
        // Each of the three comparisons on its own, so that a miss says which one.
        const m = figuresOf(source.name, 'switchboard', shape)!;
        const within = (other: { rejected: number; inScope: number } | undefined) =>
          other === undefined ? '-' : verdict(m.inScope >= other.inScope - 0.08 - 1e-9 && m.rejected >= other.rejected - 0.08 - 1e-9);
        const near = (f: { rejected: number; inScope: number }) => f.inScope >= ours.inScope - 0.08 - 1e-9 && f.rejected >= ours.rejected - 0.08 - 1e-9;
        checks.push(
          `${label} ${source.name} within 8 points of: the target ${within(shape.target)}; BANKING77 (${twin ? `${pct(twin.inScope)} / ${pct(twin.rejected)}` : '-'}) ${within(twin)}. ` +
            `Not judged, the English mean (${pct(ours.inScope)} / ${pct(ours.rejected)}): within 8 points of it ${source.name} ${near(m) ? 'yes' : 'no'}, ` +
            `BANKING77 ${twin ? (near(twin) ? 'yes' : 'no') : '-'}`,
        );
        // Along the threshold: the most in scope where the rejected bar is met, and the most rejected where the
        // in-scope bar is. Both below their bars: no threshold meets the bar, the intents do not separate enough.
        const needed = bar;
        const best = (meets: (f: { inScope: number; rejected: number }) => boolean, pick: (f: { inScope: number; rejected: number }) => number) => {
          const values = m.sweep.filter(meets).map(pick);
          return values.length > 0 ? pct(Math.max(...values)) : '-';
        };
        checks.push(
          `${label} ${source.name} at thresholds ${SWEEP[0]!.toFixed(2)}–${SWEEP[SWEEP.length - 1]!.toFixed(2)}: at most ${best((f) => f.rejected >= needed.rejected - 1e-9, (f) => f.inScope)} in scope ` +
            `where ≥ ${pct(needed.rejected)} rejected; at most ${best((f) => f.inScope >= needed.inScope - 1e-9, (f) => f.rejected)} rejected where ≥ ${pct(needed.inScope)} in scope`,
        );
      }
      lines.push({ name: source.name, system: (system) => figuresOf(source.name, system, shape)!, bar });
      if (source === english[english.length - 1]) lines.push({ name: 'English (mean)', system: englishMean, bar: shape.target });
    }
    for (const line of lines) {
      const m = line.system('switchboard');
      const cells = [label, line.name, pct(m.accuracy), pct(m.inScope), pct(m.rejected), need(m, line.bar)];
      for (const [system] of systems.slice(1)) {
        const b = line.system(system);
        cells.push(pct(b.accuracy), pct(b.inScope), pct(b.rejected));
      }
      rows.push(cells);
      if (line.bar && !(m.inScope >= line.bar.inScope - 1e-9 && m.rejected >= line.bar.rejected - 1e-9)) {
        const short = [
          m.inScope < line.bar.inScope ? `in scope ${pct(m.inScope)} < ${pct(line.bar.inScope)}` : '',
          m.rejected < line.bar.rejected ? `rejected ${pct(m.rejected)} < ${pct(line.bar.rejected)}` : '',
        ].filter(Boolean);
        unmet.push(`${label} ${line.name}: ${short.join(', ')}`);
      }
    }
  }
  checks.push(unmet.length === 0 ? 'few-shot targets: all met' : `few-shot targets NOT MET: ${unmet.join('; ')}`);

  // Training time for 600 examples (20 intents × 30), after the runs above warmed the code up, as the bot trains:
  // on two threads (parallel.ts; the first training starts the helper thread, which then stays), and on one
  // thread beside it (the accuracy runs above, and a machine with one core). CPU time is both threads'.
  // Five trainings in each language and way, alternated, the median judged: one timing on a shared machine moves
  // by half a second either way. Arabic words make more terms (their stems' consonant skeletons), so Arabic is
  // timed too.
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  for (const source of [sources[0]!, sources.find((s) => s.language === 'Arabic')!]) {
    const six = fewShotRun(source, 20, 30, 1).train;
    const timings = { parallel: [] as { wall: number; cpu: number }[], single: [] as { wall: number; cpu: number }[] };
    const time = async (way: keyof typeof timings, training: () => unknown) => {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      await training();
      const cpu = process.cpuUsage(cpuStart);
      timings[way].push({ wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
    };
    for (let i = 0; i < 5; i++) {
      await time('parallel', () => trainClassifierInParallel(six, { background }));
      await time('single', () => trainClassifier(six, { background }));
    }
    const seconds = middle(timings.parallel.map((t) => t.wall));
    const line = (way: keyof typeof timings) =>
      `${middle(timings[way].map((t) => t.wall)).toFixed(2)} s wall, ${middle(timings[way].map((t) => t.cpu)).toFixed(2)} s CPU (each: ${timings[way].map((t) => t.wall.toFixed(2)).join(', ')} s)`;
    checks.push(
      `train on ${six.length} examples (${source.name}), median of 5: ${line('parallel')} (< 2 s): ${verdict(seconds < 2)}; on one thread ${line('single')}`,
    );
  }
  checks.push(`train, few-shot samples: max ${Math.max(...trainSeconds).toFixed(2)} s`);

  return [
    `## Few-shot (threshold ${threshold}, mean of ${seeds} seeds): K intents × N examples sampled from the train split`,
    'top-1: right intent on their test rows; in scope: right and at or above the threshold; rejected: off-topic rows below it',
    `(off-topic: ${OTHER_INTENT_ROWS} test rows of intents not sampled, and for CLINC150 ${CLINC_OOS_ROWS} of its oos rows)`,
    'target: in scope / rejected needed; Arabic: within 8 points of the target and of BANKING77 (its same intents in English)',
    table(
      ['K × N', 'data set', 'top-1', 'in scope', 'rejected', 'target (in scope / rejected)', ...systems.slice(1).flatMap(([name]) => [`${name} top-1`, 'in scope', 'rejected'])],
      rows,
    ),
    ...checks,
  ];
}

const report: string[] = [];
if (parts.has('fewshot')) report.push(...(await fewShot()), '');
if (parts.has('large')) report.push(...(await runLarge()), '');
if (latencies.length > 0) {
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(0.99 * (latencies.length - 1))]!;
  report.push(`classify p99 over the few-shot runs: ${p99.toFixed(3)} ms (< 2 ms): ${verdict(p99 < 2)}`);
}
console.log(report.join('\n'));
