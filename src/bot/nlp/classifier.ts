// The intent classifier: TF-IDF word and character n-grams, a softmax linear model, and a temperature fitted
// on held-out examples so that a confidence of 0.6 means roughly "right 6 times in 10". Out of scope is the
// caller's decision: a top confidence below its threshold.
import type { Example } from './datasets.ts';
import { Vectorizer, type FeatureOptions } from './features.ts';
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

const DEFAULT_FEATURES: FeatureOptions = { charRange: [2, 5] };
const DEFAULT_MODEL: SoftmaxOptions = { epochs: 6, learningRate: 1, l2: 1e-6, seed: 1 };
/** Small data sets get more passes, so that few examples still see enough updates. */
const MIN_UPDATES = 30_000;
const MODEL_FORMAT = 'switchboard-intents/1';

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
  if (heldOut) {
    const probe = fit(trainSet, intents, features, modelOptions, (f) => progress(f * 0.5, 'calibrating'));
    temperature = fitTemperature(probe, heldOut);
    const model = fit(usable, intents, features, modelOptions, (f) => progress(0.5 + f * 0.5, 'training'));
    progress(1, 'done');
    return model.withTemperature(temperature);
  }
  const model = fit(usable, intents, features, modelOptions, (f) => progress(f, 'training'));
  if (calibrationSet) temperature = fitTemperature(model, calibrationSet);
  progress(1, 'done');
  return model.withTemperature(temperature);
}

/**
 * Rebuilds a model saved by `model.toJSON()`.
 *
 *     const model = loadModel(JSON.parse(await readFile('cache/model.json', 'utf8')));
 */
export function loadModel(saved: SavedModel): Model {
  if (saved?.format !== MODEL_FORMAT) throw new Error(`not a saved intent model (expected format ${MODEL_FORMAT})`);
  const vectorizer = Vectorizer.restore(saved.features, saved.terms, floatsFrom(saved.idf));
  return new LinearModel(saved.intents, vectorizer, floatsFrom(saved.weights), floatsFrom(saved.bias), saved.temperature);
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

  evidence(text: string, scores = new Float64Array(this.intents.length)): Evidence {
    const { vector, words } = this.vectorizer.transformWithCoverage(typeof text === 'string' ? text : '');
    const { index, value } = vector;
    logits(this.weights, this.bias, this.intents.length, index, value, 1, scores);
    for (let c = 0; c < scores.length; c++) scores[c]! /= this.temperature;
    softmaxInPlace(scores);
    let top = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[top]!) top = c;
    return { top, probability: scores[top]!, similarity: this.similarity(vector, top), coverage: words, probabilities: scores };
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
    const ranking = this.intents.map((intent, c) => ({
      intent,
      confidence: c === evidence.top ? confidence : rest > 0 ? (evidence.probabilities[c]! / rest) * (1 - confidence) : 0,
    }));
    ranking.sort((a, b) => (b.intent === ranking[evidence.top]!.intent ? 1 : 0) - (a.intent === ranking[evidence.top]!.intent ? 1 : 0) || b.confidence - a.confidence);
    return { intent: ranking[0]!.intent, confidence: ranking[0]!.confidence, ranking };
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
  return new LinearModel(intents, vectorizer, trained.weights, trained.bias, 1);
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
