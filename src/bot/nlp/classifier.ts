// The intent classifier: TF-IDF word and character n-grams, a softmax linear model with a temperature, and a
// confidence fitted on held-out examples as the probability that the prediction is right, from the softmax
// probability, the similarity of the text to the nearest training example of the predicted intent and how much
// of the text the vocabulary knows; so a confidence of 0.6 means roughly "right 6 times in 10", and texts unlike
// every training example (out of scope) score low. Out of scope is the caller's decision: a confidence below
// its threshold.
import type { Example } from './datasets.ts';
import { Vectorizer, type FeatureOptions, type SparseVector } from './features.ts';
import { logits, softmaxInPlace, trainSoftmax, type SoftmaxOptions } from './softmax.ts';

/** One intent with its probability. */
export interface Scored {
  intent: string;
  confidence: number;
}

/** The most likely intent, its confidence, and every intent from most to least likely. */
export interface Classification extends Scored {
  ranking: Scored[];
}

export interface TrainOptions {
  features?: Partial<FeatureOptions>;
  model?: Partial<SoftmaxOptions>;
  /**
   * Fit the temperature on a held-out tenth of the examples (costs a second training), on given examples,
   * or not at all (`false`: temperature 1). Default: held out when every intent has 5 examples or more.
   */
  calibration?: boolean | Example[];
  /** Called as training advances, with a fraction from 0 to 1. */
  onProgress?: (fraction: number, stage: string) => void;
}

const DEFAULT_FEATURES: FeatureOptions = { charRange: [1, 4], wordWeight: 0.3 };
const DEFAULT_MODEL: SoftmaxOptions = { epochs: 6, learningRate: 2, l2: 1e-6, seed: 1 };
/** Small data sets get more passes, so that few examples still see enough updates. */
const MIN_UPDATES = 30_000;
const MODEL_FORMAT = 'switchboard-intents/2';

/** A trained classifier. */
export interface Model {
  readonly intents: readonly string[];
  readonly temperature: number;
  classify(text: string): Classification;
  /** A JSON-ready object for a cache on disk; `loadModel` gives back a model with the same predictions. */
  toJSON(): SavedModel;
}

/** A model as saved: vocabulary, IDF and weights (little-endian float32, base64). */
export interface SavedModel {
  format: typeof MODEL_FORMAT;
  intents: string[];
  features: FeatureOptions;
  terms: string[];
  idf: string;
  weights: string;
  bias: string;
  temperature: number;
  /** Training texts per intent (same order as `intents`), for the nearest-example similarity. */
  examples: string[][];
  /** Coefficients of the confidence; absent: the confidence is the probability. */
  confidence?: number[];
}

/**
 * Trains a classifier on labelled examples (any languages mixed).
 *
 *     const model = trainClassifier([{ text: 'I was charged twice', intent: 'billing' }, …]);
 *     model.classify('double charge on my card'); // { intent: 'billing', confidence: 0.83, ranking: […] }
 */
export function trainClassifier(examples: Example[], options: TrainOptions = {}): Model {
  const usable = examples.filter((e) => e.intent !== '');
  const intents = [...new Set(usable.map((e) => e.intent))].sort();
  if (intents.length === 0) throw new Error('trainClassifier needs at least one example with an intent');
  const features: FeatureOptions = { ...DEFAULT_FEATURES, ...options.features };
  const modelOptions: SoftmaxOptions = { ...DEFAULT_MODEL, ...options.model };
  const progress = options.onProgress ?? (() => {});

  let calibrationSet: Example[] | undefined;
  let trainSet = usable;
  let heldOut: Example[] | undefined;
  if (Array.isArray(options.calibration)) {
    calibrationSet = options.calibration;
  } else if (options.calibration ?? smallestIntent(usable) >= 5) {
    [trainSet, heldOut] = holdOut(usable, 10);
    calibrationSet = heldOut;
  }

  let temperature = 1;
  let confidence: number[] | undefined;
  if (heldOut) {
    const probe = fit(trainSet, intents, features, modelOptions, (f) => progress(f * 0.5, 'calibrating'));
    temperature = fitTemperature(probe, heldOut);
    confidence = fitConfidence(probe.with(temperature, undefined), heldOut);
    const model = fit(usable, intents, features, modelOptions, (f) => progress(0.5 + f * 0.5, 'training'));
    progress(1, 'done');
    return model.with(temperature, confidence);
  }
  const model = fit(usable, intents, features, modelOptions, (f) => progress(f, 'training'));
  if (calibrationSet) {
    temperature = fitTemperature(model, calibrationSet);
    confidence = fitConfidence(model.with(temperature, undefined), calibrationSet);
  }
  progress(1, 'done');
  return model.with(temperature, confidence);
}

/**
 * Rebuilds a model saved by `model.toJSON()`.
 *
 *     const model = loadModel(JSON.parse(await readFile('cache/model.json', 'utf8')));
 */
export function loadModel(saved: SavedModel): Model {
  if (saved?.format !== MODEL_FORMAT) throw new Error(`not a saved intent model (expected format ${MODEL_FORMAT})`);
  const vectorizer = Vectorizer.restore(saved.features, saved.terms, floatsFrom(saved.idf));
  const examples = Array.isArray(saved.examples) ? saved.examples : saved.intents.map(() => []);
  const confidence = Array.isArray(saved.confidence) ? saved.confidence : undefined;
  return new LinearModel(saved.intents, vectorizer, floatsFrom(saved.weights), floatsFrom(saved.bias), saved.temperature, examples, confidence);
}

/** What the confidence of a prediction is made of. */
export interface Evidence {
  /** The class with the highest score. */
  top: number;
  /** Its softmax probability, after the temperature. */
  probability: number;
  /** Cosine of the text with its nearest training example of that class (TF-IDF vectors). */
  similarity: number;
  /** Share of the text's words the vocabulary knows. */
  coverage: number;
  /** Every class's probability, after the temperature. */
  probabilities: Float64Array;
}

class LinearModel implements Model {
  private readonly scores: Float64Array;
  /** Training vectors per class, for the nearest-example similarity. */
  private readonly neighbours: SparseVector[][];
  private readonly scratch: Float32Array;

  constructor(
    readonly intents: readonly string[],
    private readonly vectorizer: Vectorizer,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    readonly temperature: number,
    /** Training texts per class. */
    readonly examples: string[][],
    /** Coefficients of the confidence: [bias, log-odds of the probability, similarity, coverage]; none = the probability. */
    readonly confidence: number[] | undefined,
    neighbours?: SparseVector[][],
  ) {
    this.scores = new Float64Array(intents.length);
    this.neighbours = neighbours ?? examples.map((texts) => texts.map((text) => vectorizer.transform(text)));
    this.scratch = new Float32Array(vectorizer.size);
  }

  with(temperature: number, confidence: number[] | undefined): LinearModel {
    return new LinearModel(this.intents, this.vectorizer, this.weights, this.bias, temperature, this.examples, confidence, this.neighbours);
  }

  /** Raw class scores, before the temperature. */
  logitsOf(text: string): Float64Array {
    const { index, value } = this.vectorizer.transform(text);
    const out = new Float64Array(this.intents.length);
    logits(this.weights, this.bias, this.intents.length, index, value, 1, out);
    return out;
  }

  evidence(text: string, scores: Float64Array = new Float64Array(this.intents.length)): Evidence {
    const { vector, words } = this.vectorizer.transformWithCoverage(typeof text === 'string' ? text : '');
    const { index, value } = vector;
    logits(this.weights, this.bias, this.intents.length, index, value, 1, scores);
    // A text that shares no term with the training data (empty, emoji, an unknown script) is no evidence for
    // any intent: every intent is equally likely, rather than whichever the biases favour.
    if (index.length === 0) scores.fill(0);
    for (let c = 0; c < scores.length; c++) scores[c]! /= this.temperature;
    softmaxInPlace(scores);
    let top = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[top]!) top = c;
    const similarity = this.similarity(vector, top);
    // Nor is a text that shares no term with any example of the intent it leans to (it leans there only
    // because it lacks the other intents' terms, as a run of one letter does).
    if (similarity === 0) scores.fill(1 / scores.length);
    return { top, probability: scores[top]!, similarity, coverage: words, probabilities: scores };
  }

  /** Cosine of a vector with the nearest training vector of a class. */
  private similarity({ index, value }: SparseVector, c: number): number {
    let norm = 0;
    for (let k = 0; k < index.length; k++) {
      this.scratch[index[k]!] = value[k]!;
      norm += value[k]! * value[k]!;
    }
    let best = 0;
    if (norm > 0) {
      for (const other of this.neighbours[c] ?? []) {
        let dot = 0;
        let otherNorm = 0;
        for (let k = 0; k < other.index.length; k++) {
          const v = other.value[k]!;
          dot += this.scratch[other.index[k]!]! * v;
          otherNorm += v * v;
        }
        if (otherNorm > 0 && dot / Math.sqrt(otherNorm) > best) best = dot / Math.sqrt(otherNorm);
      }
      best /= Math.sqrt(norm);
    }
    for (let k = 0; k < index.length; k++) this.scratch[index[k]!] = 0;
    return best;
  }

  classify(text: string): Classification {
    const evidence = this.evidence(text, this.scores);
    const confidence = combine(this.confidence, evidence);
    // The ranking keeps the softmax order; the top intent's probability becomes the combined confidence and
    // the others share what is left in proportion to their probabilities, so that the ranking still sums to 1.
    const rest = 1 - evidence.probability;
    const order = this.intents.map((_, c) => c).sort((a, b) => (a === evidence.top ? -1 : b === evidence.top ? 1 : evidence.probabilities[b]! - evidence.probabilities[a]!));
    const ranking = order.map((c) => ({
      intent: this.intents[c]!,
      confidence: c === evidence.top ? confidence : rest > 0 ? (evidence.probabilities[c]! / rest) * (1 - confidence) : 0,
    }));
    return { intent: ranking[0]!.intent, confidence, ranking };
  }

  toJSON(): SavedModel {
    return {
      format: MODEL_FORMAT,
      intents: [...this.intents],
      features: this.vectorizer.options,
      terms: this.vectorizer.terms,
      idf: floatsTo(this.vectorizer.idf),
      weights: floatsTo(this.weights),
      bias: floatsTo(this.bias),
      temperature: this.temperature,
      examples: this.examples,
      ...(this.confidence ? { confidence: this.confidence } : {}),
    };
  }
}

/** The confidence of a prediction from its evidence: a logistic function fitted on held-out examples, or the probability. */
function combine(coefficients: number[] | undefined, e: Evidence): number {
  if (!coefficients) return e.probability;
  const x = confidenceInputs(e);
  let z = coefficients[0]!;
  for (let i = 0; i < x.length; i++) z += coefficients[i + 1]! * x[i]!;
  return 1 / (1 + Math.exp(-z));
}

function confidenceInputs(e: Evidence): number[] {
  const p = Math.min(Math.max(e.probability, 1e-6), 1 - 1e-6);
  return [Math.log(p / (1 - p)), e.similarity, e.coverage];
}

function fit(
  examples: Example[],
  intents: string[],
  features: FeatureOptions,
  options: SoftmaxOptions,
  onProgress: (fraction: number) => void,
): LinearModel {
  const { vectorizer, vectors } = Vectorizer.fit(examples.map((e) => e.text), features);
  const classOf = new Map(intents.map((intent, c) => [intent, c]));
  const labels = examples.map((e) => classOf.get(e.intent)!);
  const epochs = Math.max(options.epochs, Math.ceil(MIN_UPDATES / Math.max(1, examples.length)));
  const trained = trainSoftmax(vectors, labels, intents.length, vectorizer.size, { ...options, epochs }, (epoch) =>
    onProgress(epoch / epochs),
  );
  const examplesOf = intents.map(() => [] as string[]);
  const neighbours = intents.map(() => [] as SparseVector[]);
  examples.forEach((e, i) => {
    examplesOf[labels[i]!]!.push(e.text);
    neighbours[labels[i]!]!.push(vectors[i]!);
  });
  return new LinearModel(intents, vectorizer, trained.weights, trained.bias, 1, examplesOf, undefined, neighbours);
}

/** The temperature that minimises the negative log-likelihood of the examples (golden-section on log T). */
function fitTemperature(model: LinearModel, examples: Example[]): number {
  const classOf = new Map(model.intents.map((intent, c) => [intent, c]));
  const known = examples.filter((e) => classOf.has(e.intent));
  if (known.length === 0) return 1;
  const rows = known.map((e) => ({ scores: model.logitsOf(e.text), label: classOf.get(e.intent)! }));
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let total = 0;
    for (const { scores, label } of rows) {
      let max = -Infinity;
      for (const s of scores) if (s / t > max) max = s / t;
      let sum = 0;
      for (const s of scores) sum += Math.exp(s / t - max);
      total -= scores[label]! / t - max - Math.log(sum);
    }
    return total;
  };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/** Fewer wrong (or right) held-out predictions than this: too little to fit the confidence on; the probability serves. */
const MIN_CONFIDENCE_CASES = 8;

/**
 * Fits the confidence as the probability that a prediction is right: a logistic regression on held-out
 * examples from the log-odds of the softmax probability, the similarity to the nearest training example of the
 * predicted intent and the vocabulary's coverage of the text. Texts unlike any training example (out of
 * scope) then get a low confidence even when the softmax is sure of itself. Undefined when the held-out
 * examples hold too few mistakes to learn from.
 */
function fitConfidence(model: LinearModel, examples: Example[]): number[] | undefined {
  const classOf = new Map(model.intents.map((intent, c) => [intent, c]));
  const rows = examples
    .filter((e) => classOf.has(e.intent))
    .map((e) => {
      const evidence = model.evidence(e.text);
      return { x: confidenceInputs(evidence), y: evidence.top === classOf.get(e.intent) ? 1 : 0 };
    });
  const wrong = rows.filter((r) => r.y === 0).length;
  if (wrong < MIN_CONFIDENCE_CASES || rows.length - wrong < MIN_CONFIDENCE_CASES) return undefined;
  // Newton's method on the L2-regularised log-likelihood; four unknowns, so the 4×4 system is solved directly.
  const n = 1 + rows[0]!.x.length;
  const w = new Array<number>(n).fill(0);
  const lambda = 1;
  for (let iteration = 0; iteration < 30; iteration++) {
    const gradient = w.map((wi, i) => (i === 0 ? 0 : lambda * wi));
    const hessian = w.map((_, i) => w.map((_, j) => (i === j && i > 0 ? lambda : 0)));
    for (const { x, y } of rows) {
      const xs = [1, ...x];
      let z = 0;
      for (let i = 0; i < n; i++) z += w[i]! * xs[i]!;
      const p = 1 / (1 + Math.exp(-z));
      for (let i = 0; i < n; i++) {
        gradient[i]! += (p - y) * xs[i]!;
        for (let j = 0; j < n; j++) hessian[i]![j]! += p * (1 - p) * xs[i]! * xs[j]! + (i === j ? 1e-9 : 0);
      }
    }
    const step = solve(hessian, gradient);
    let size = 0;
    for (let i = 0; i < n; i++) {
      w[i]! -= step[i]!;
      size += Math.abs(step[i]!);
    }
    if (size < 1e-8) break;
  }
  return w.every(Number.isFinite) ? w : undefined;
}

/** Solves a small linear system by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const d = a[col]![col]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      for (let k = col; k <= n; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

function smallestIntent(examples: Example[]): number {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  return Math.min(...counts.values());
}

/** Every `every`-th example of each intent is held out; the rest trains. */
function holdOut(examples: Example[], every: number): [Example[], Example[]] {
  const seen = new Map<string, number>();
  const train: Example[] = [];
  const held: Example[] = [];
  for (const e of examples) {
    const n = (seen.get(e.intent) ?? 0) + 1;
    seen.set(e.intent, n);
    (n % every === every >> 1 ? held : train).push(e);
  }
  return [train, held];
}

function floatsTo(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function floatsFrom(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
