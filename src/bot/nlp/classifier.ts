// The intent classifier: TF-IDF word and character n-grams, a softmax linear model with a temperature (a
// product of a word expert and a character expert: see `trainExperts`), and a
// confidence: the probability that the prediction is right and the text is in scope, from the softmax
// probability, the similarity of the text to the nearest training examples of the predicted intent and how much
// of the text the vocabulary knows. It is fitted on texts the model did not train on, in scope and out of scope
// (see `calibrate`), so a confidence of 0.6 means roughly "right 6 times in 10", on three intents as on a
// hundred, and texts unlike every intent score low. Out of scope is the caller's decision: a confidence below
// its threshold.
import type { Example } from './datasets.ts';
import { extractTerms, isWordTerm, Vectorizer, type FeatureOptions, type SparseVector, type Terms } from './features.ts';
import { tokenize } from './normalize.ts';
import { logits, softmaxInPlace, trainSoftmax, type SoftmaxOptions, type SoftmaxWeights } from './softmax.ts';

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
   * Everyday sentences that ask for none of the intents (`DATA_DIR/nlp/background.*.txt`): the confidence
   * learns from them what out of scope looks like, and their words weigh less in every vector. Default none.
   */
  background?: readonly string[];
  /** Fit the confidence (default), or not: `false` leaves the softmax probability at temperature 1. */
  calibration?: boolean;
  /** Called as training advances, with a fraction from 0 to 1. */
  onProgress?: (fraction: number, stage: string) => void;
}

const DEFAULT_FEATURES: FeatureOptions = { charRange: [1, 4], wordWeight: 0.3 };
const DEFAULT_MODEL: SoftmaxOptions = { epochs: 6, learningRate: 2, l2: 1e-6, seed: 1 };
/** Small data sets get more passes, so that few examples still see enough updates. */
const MIN_UPDATES = 15_000;
const MODEL_FORMAT = 'switchboard-intents/4';
/** Two texts this similar (cosine of their vectors) read as the same request to the classifier. */
export const NEAR_DUPLICATE = 0.8;

/** A training example close to a text. */
export interface Neighbour {
  intent: string;
  text: string;
  /** Cosine of the two texts' vectors, from 0 (nothing in common) to 1. */
  similarity: number;
}

/** A trained classifier. */
export interface Model {
  readonly intents: readonly string[];
  readonly temperature: number;
  classify(text: string): Classification;
  /**
   * The training examples most like a text, most similar first (of every intent, or of some).
   *
   *     model.nearest('charged two times', { count: 3 }); // [{ intent: 'billing', text: 'I was charged twice', similarity: 0.71 }, …]
   */
  nearest(text: string, options?: { count?: number; intents?: readonly string[] }): Neighbour[];
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
 *     const model = trainClassifier([{ text: 'I was charged twice', intent: 'billing' }, …], { background });
 *     model.classify('double charge on my card'); // { intent: 'billing', confidence: 0.83, ranking: […] }
 */
export function trainClassifier(examples: Example[], options: TrainOptions = {}): Model {
  const training = prepare(examples, options);
  const progress = options.onProgress ?? (() => {});
  if (options.calibration === false) {
    const model = training.train(training.examples, (f) => progress(f, 'training'));
    progress(1, 'done');
    return model;
  }
  const rounds = calibrationRounds(training.examples);
  const cases = rounds.flatMap((_, r) => probeCases(training, r, (f) => progress(((r + f) / rounds.length) * 0.75, 'calibrating')));
  const { temperature, confidence } = fitCalibration(cases, training.intents.length);
  const model = training.train(training.examples, (f) => progress(0.75 + f * 0.25, 'training'));
  progress(1, 'done');
  return model.with(temperature, confidence);
}

/** What a training needs, set up once from the examples and options: for the final model and every probe. */
interface Training {
  /** The examples with an intent. */
  examples: Example[];
  intents: string[];
  background: string[];
  termsOf: (text: string) => Terms;
  /** A background sentence's weight within the background cases (see `scriptShares`). */
  scriptShare: (text: string) => number;
  train: (set: Example[], onProgress: (fraction: number) => void) => LinearModel;
}

function prepare(examples: Example[], options: TrainOptions): Training {
  const usable = examples.filter((e) => e.intent !== '');
  const intents = [...new Set(usable.map((e) => e.intent))].sort();
  if (intents.length === 0) throw new Error('trainClassifier needs at least one example with an intent');
  const features: FeatureOptions = { ...DEFAULT_FEATURES, ...options.features };
  const modelOptions: SoftmaxOptions = { ...DEFAULT_MODEL, ...options.model };
  const background = backgroundApartFrom(usable, options.background ?? []);
  // The probes and the model read the same texts: their terms are extracted once.
  const termsOf = memoize((text: string) => extractTerms(text, features.charRange));
  // Small data trains a product of experts, large data one joint model (see `trainExperts`); the probes as the model.
  const experts = usable.length < LARGE_DATA;
  const train = (set: Example[], onProgress: (fraction: number) => void) =>
    fit(set, intents, features, modelOptions, background, termsOf, experts, onProgress);
  return { examples: usable, intents, background, termsOf, scriptShare: scriptShares(usable), train };
}

/**
 * How `trainClassifier` splits its work, for a caller that runs part of it on another thread (parallel.ts): the
 * number of calibration probes, each independent of the others and of the final model.
 *
 *     const probes = probeCount(examples); // 4 on small data
 */
export function probeCount(examples: Example[]): number {
  return calibrationRounds(examples.filter((e) => e.intent !== '')).length;
}

/**
 * The calibration cases of some of `trainClassifier`'s probes (by number, from 0 to `probeCount` − 1), as
 * `trainClassifier` computes them: for another thread to compute while this one trains the rest.
 *
 *     const cases = probeCasesOf(examples, { background }, [1, 3]);
 */
export function probeCasesOf(examples: Example[], options: TrainOptions, probes: number[]): CalibrationCase[][] {
  const training = prepare(examples, options);
  return probes.map((r) => probeCases(training, r, () => {}));
}

/**
 * `trainClassifier`, with the cases of some probes computed elsewhere (`probeCasesOf`, on another thread): the
 * same model, given the same examples and options. This thread computes the other probes' cases and trains the
 * final model, and only then waits for `elsewhere.cases`.
 *
 *     const model = await trainClassifierWith(examples, { background }, { probes: [1, 3], cases: fromHelper });
 */
export async function trainClassifierWith(
  examples: Example[],
  options: TrainOptions,
  elsewhere: { probes: number[]; cases: Promise<CalibrationCase[][]> },
): Promise<Model> {
  const training = prepare(examples, options);
  const progress = options.onProgress ?? (() => {});
  const rounds = calibrationRounds(training.examples);
  const here = rounds.map((_, r) => r).filter((r) => !elsewhere.probes.includes(r));
  const steps = here.length + 1;
  const byProbe = new Map<number, CalibrationCase[]>();
  here.forEach((r, i) => byProbe.set(r, probeCases(training, r, (f) => progress(((i + f) / steps) * 0.9, 'calibrating'))));
  const model = training.train(training.examples, (f) => progress(((here.length + f) / steps) * 0.9, 'training'));
  const received = await elsewhere.cases;
  elsewhere.probes.forEach((r, i) => byProbe.set(r, received[i] ?? []));
  const cases = rounds.flatMap((_, r) => byProbe.get(r) ?? []);
  const { temperature, confidence } = fitCalibration(cases, training.intents.length);
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
  /** Class scores before the temperature; all 0 for a text that is no evidence for any class. */
  scores: Float64Array;
  /** Cosine of the text with its nearest training example of the top class (TF-IDF vectors). */
  similarity: number;
  /** Share of the text's words the vocabulary knows. */
  coverage: number;
  /** Mean cosine with the three nearest training examples of the top class. */
  density: number;
  /** The usual cosine of an example of the top class with its nearest sibling example (see `typicalSimilarity`). */
  typical: number;
  /** Share of the text's character n-grams the vocabulary knows. */
  charCoverage: number;
}

class LinearModel implements Model {
  /** Training vectors per class, for the nearest-example similarity. */
  private readonly neighbours: SparseVector[][];
  private readonly scratch: Float32Array;
  /** Per class: the mean cosine of its examples with their nearest sibling example. */
  private readonly typical: number[];

  constructor(
    readonly intents: readonly string[],
    private readonly vectorizer: Vectorizer,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    readonly temperature: number,
    /** Training texts per class. */
    readonly examples: string[][],
    /** Coefficients of the confidence (see `confidenceInputs`); none = the probability. */
    readonly confidence: number[] | undefined,
    neighbours?: SparseVector[][],
  ) {
    this.neighbours = neighbours ?? examples.map((texts) => texts.map((text) => vectorizer.transform(text)));
    this.scratch = new Float32Array(vectorizer.size);
    this.typical = this.neighbours.map((vectors) => typicalSimilarity(vectors, this.scratch));
  }

  with(temperature: number, confidence: number[] | undefined): LinearModel {
    return new LinearModel(this.intents, this.vectorizer, this.weights, this.bias, temperature, this.examples, confidence, this.neighbours);
  }

  /**
   * The evidence for a text; with `without`, as if that class did not exist: the top is another class, and
   * the excluded class scores like the classes the text does not lean to (so that the probability is
   * spread over as many classes as for a text of no intent at all).
   */
  evidence(text: string, without?: number, terms?: Terms): Evidence {
    const { vector, words, chars } = this.vectorizer.transformWithCoverage(typeof text === 'string' ? text : '', terms);
    const { index, value } = vector;
    const classes = this.intents.length;
    const scores = new Float64Array(classes);
    logits(this.weights, this.bias, classes, index, value, 1, scores);
    // A text that shares no term with the training data (empty, emoji, an unknown script) is no evidence for
    // any intent: every intent is equally likely, rather than whichever the biases favour.
    if (index.length === 0) scores.fill(0);
    let top = without === 0 ? 1 : 0;
    for (let c = 0; c < classes; c++) if (c !== without && scores[c]! > scores[top]!) top = c;
    if (without !== undefined) {
      let sum = 0;
      let count = 0;
      for (let c = 0; c < classes; c++) {
        if (c === without || c === top) continue;
        sum += scores[c]!;
        count++;
      }
      scores[without] = count > 0 ? sum / count : this.bias[without]!;
    }
    const three = this.nearestThree(vector, top);
    const similarity = three[0] ?? 0;
    let density = 0;
    for (const x of three) density += x;
    density = three.length > 0 ? density / three.length : 0;
    // Nor is a text that shares no term with any example of the intent it leans to (it leans there only
    // because it lacks the other intents' terms, as a run of one letter does).
    if (similarity === 0) scores.fill(0);
    return { top, scores, similarity, coverage: words, density, typical: this.typical[top] ?? 0, charCoverage: chars };
  }

  nearest(text: string, { count = 5, intents = this.intents }: { count?: number; intents?: readonly string[] } = {}): Neighbour[] {
    const vector = this.vectorizer.transform(typeof text === 'string' ? text : '');
    const found: Neighbour[] = [];
    for (const intent of intents) {
      const c = this.intents.indexOf(intent);
      if (c < 0) continue;
      this.cosines(vector, c).forEach((similarity, i) => {
        if (similarity > 0) found.push({ intent, text: this.examples[c]![i]!, similarity });
      });
    }
    return found.sort((a, b) => b.similarity - a.similarity).slice(0, count);
  }

  /**
   * The three highest cosines of a vector with the training vectors of a class, highest first (fewer if the class
   * has fewer examples). Kept as they come, without the array of every cosine and its sort: classify runs this
   * on every message.
   */
  private nearestThree(vector: SparseVector, c: number): number[] {
    const norm = this.loadScratch(vector);
    const others = this.neighbours[c] ?? [];
    let first = -Infinity;
    let second = -Infinity;
    let third = -Infinity;
    for (const other of others) {
      const cosine = this.cosineWith(other, norm);
      if (cosine > first) {
        third = second;
        second = first;
        first = cosine;
      } else if (cosine > second) {
        third = second;
        second = cosine;
      } else if (cosine > third) {
        third = cosine;
      }
    }
    this.clearScratch(vector);
    return [first, second, third].slice(0, Math.min(3, others.length));
  }

  /** Cosines of a vector with every training vector of a class. */
  private cosines(vector: SparseVector, c: number): number[] {
    const norm = this.loadScratch(vector);
    const out = (this.neighbours[c] ?? []).map((other) => this.cosineWith(other, norm));
    this.clearScratch(vector);
    return out;
  }

  /** Spreads a vector over the scratch array for `cosineWith`, and gives its squared norm; `clearScratch` undoes it. */
  private loadScratch({ index, value }: SparseVector): number {
    let norm = 0;
    for (let k = 0; k < index.length; k++) {
      this.scratch[index[k]!] = value[k]!;
      norm += value[k]! * value[k]!;
    }
    return norm;
  }

  private clearScratch({ index }: SparseVector): void {
    for (let k = 0; k < index.length; k++) this.scratch[index[k]!] = 0;
  }

  /** The cosine of the vector in the scratch array (squared norm `norm`) with `other`. */
  private cosineWith(other: SparseVector, norm: number): number {
    let dot = 0;
    let otherNorm = 0;
    for (let k = 0; k < other.index.length; k++) {
      const v = other.value[k]!;
      dot += this.scratch[other.index[k]!]! * v;
      otherNorm += v * v;
    }
    return norm > 0 && otherNorm > 0 ? dot / Math.sqrt(norm * otherNorm) : 0;
  }

  classify(text: string): Classification {
    const evidence = this.evidence(text);
    const probabilities = probabilitiesOf(evidence.scores, this.temperature);
    const confidence = combine(this.confidence, evidence, this.temperature);
    // The ranking keeps the softmax order; the top intent's probability becomes the combined confidence and
    // the others share what is left in proportion to their probabilities, so that the ranking still sums to 1.
    const rest = 1 - probabilities[evidence.top]!;
    const order = this.intents.map((_, c) => c).sort((a, b) => (a === evidence.top ? -1 : b === evidence.top ? 1 : probabilities[b]! - probabilities[a]!));
    const ranking = order.map((c) => ({
      intent: this.intents[c]!,
      confidence: c === evidence.top ? confidence : rest > 0 ? (probabilities[c]! / rest) * (1 - confidence) : 0,
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

/** Examples of a class read for its typical similarity: enough for a stable mean, few enough to stay fast on large data. */
const TYPICAL_SAMPLE = 40;

/** The mean cosine of a class's examples (up to TYPICAL_SAMPLE) with their nearest other example of the class; 0 with one example. */
function typicalSimilarity(vectors: SparseVector[], scratch: Float32Array): number {
  const sample = vectors.slice(0, TYPICAL_SAMPLE);
  if (sample.length < 2) return 0;
  let total = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i]!;
    let best = 0;
    for (let k = 0; k < v.index.length; k++) scratch[v.index[k]!] = v.value[k]!;
    for (let j = 0; j < sample.length; j++) {
      if (i === j) continue;
      const { index, value } = sample[j]!;
      let dot = 0;
      for (let k = 0; k < index.length; k++) dot += scratch[index[k]!]! * value[k]!;
      if (dot > best) best = dot;
    }
    for (let k = 0; k < v.index.length; k++) scratch[v.index[k]!] = 0;
    total += best;
  }
  return total / sample.length;
}

/** Softmax probabilities of class scores at a temperature. */
function probabilitiesOf(scores: Float64Array, temperature: number): Float64Array {
  const probabilities = scores.map((s) => s / temperature);
  softmaxInPlace(probabilities);
  return probabilities;
}

/** The confidence of a prediction from its evidence: the fitted logistic function, or the probability. */
function combine(coefficients: number[] | undefined, e: Evidence, temperature: number): number {
  if (!coefficients) return probabilitiesOf(e.scores, temperature)[e.top]!;
  const x = confidenceInputs(e, temperature);
  let z = coefficients[0]!;
  for (let i = 0; i < x.length; i++) z += coefficients[i + 1]! * x[i]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * What the confidence is a function of: log-odds of the top probability; the cosine with the nearest example of
 * the top intent, the mean with its three nearest, and the nearest less the intent's usual one (an intent whose
 * examples are all alike asks more of a text than one whose examples vary); the share of the text's words and
 * character n-grams the vocabulary knows.
 */
function confidenceInputs(e: Evidence, temperature: number): number[] {
  return [
    logOdds(e.scores, e.top, temperature),
    e.similarity,
    e.coverage,
    e.density,
    e.similarity - e.typical,
    e.charCoverage,
  ];
}

/** Log-odds of the top class's probability, computed without rounding to 0 or 1; 0 with a single class. */
function logOdds(scores: Float64Array, top: number, temperature: number): number {
  let max = -Infinity;
  for (let c = 0; c < scores.length; c++) if (c !== top && scores[c]! / temperature > max) max = scores[c]! / temperature;
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) if (c !== top) sum += Math.exp(scores[c]! / temperature - max);
  return scores[top]! / temperature - max - Math.log(sum);
}

function fit(
  examples: Example[],
  intents: string[],
  features: FeatureOptions,
  options: SoftmaxOptions,
  background: readonly string[],
  termsOf: (text: string) => Terms,
  experts: boolean,
  onProgress: (fraction: number) => void,
): LinearModel {
  const { vectorizer, vectors } = Vectorizer.fit(examples.map((e) => e.text), features, background, termsOf);
  const classOf = new Map(intents.map((intent, c) => [intent, c]));
  const labels = examples.map((e) => classOf.get(e.intent)!);
  const epochs = Math.max(options.epochs, Math.ceil(MIN_UPDATES / Math.max(1, examples.length)));
  const trained = experts
    ? trainExperts(vectorizer, vectors, labels, intents.length, { ...options, epochs }, onProgress)
    : trainSoftmax(vectors, labels, intents.length, vectorizer.size, { ...options, epochs }, (epoch) => onProgress(epoch / epochs));
  const examplesOf = intents.map(() => [] as string[]);
  const neighbours = intents.map(() => [] as SparseVector[]);
  examples.forEach((e, i) => {
    examplesOf[labels[i]!]!.push(e.text);
    neighbours[labels[i]!]!.push(vectors[i]!);
  });
  return new LinearModel(intents, vectorizer, trained.weights, trained.bias, 1, examplesOf, undefined, neighbours);
}

/**
 * How much the word expert counts against the character expert (see `trainExperts`). Chosen on validation rows
 * (bench/nlp-val.ts, docs/nlp.md): 0.1 against the character expert's 1; 0.25 and more lose Arabic top-1, 0 costs
 * English a little more.
 */
const WORD_EXPERT = 0.1;

/**
 * Two softmax models, one on the word block of the vectors and one on the character block (each block scaled to
 * norm 1 for its model), combined as a product of experts: WORD_EXPERT × log p_words + log p_chars. A joint model,
 * once its few examples are told apart, leans on whichever terms separated them first, often a word of one
 * example; the character expert has to separate them with n-grams alone, which the Modern Standard and dialect
 * forms of a word share (Arabic top-1 on validation rows 80.9% → 81.4% at 20 × 10, English 87.9% → 87.5%). The
 * log-normalisers do not depend on the class, so the product is one linear model: the two weight sets side by
 * side, undoing the block scales the vectors have at classify time. Training costs about the same as one joint
 * model (each update reads one block). Small data only (under LARGE_DATA examples): with thousands of examples
 * the words' evidence is no longer a few examples' accident, and the joint model is better (BANKING77 right and
 * confident 88.6% → 88.25% as experts, CLINC150 91.0% → 90.4%, ArBanking77 MSA 86.2% → 85.65%).
 */
function trainExperts(
  vectorizer: Vectorizer,
  vectors: SparseVector[],
  labels: number[],
  classes: number,
  options: SoftmaxOptions,
  onProgress: (fraction: number) => void,
): SoftmaxWeights {
  const isWord = vectorizer.terms.map(isWordTerm);
  const block = (words: boolean) =>
    vectors.map(({ index, value }) => {
      let count = 0;
      let norm = 0;
      for (let k = 0; k < index.length; k++) {
        if (isWord[index[k]!] !== words) continue;
        count++;
        norm += value[k]! * value[k]!;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
      const kept = { index: new Int32Array(count), value: new Float32Array(count) };
      for (let k = 0, out = 0; k < index.length; k++) {
        if (isWord[index[k]!] !== words) continue;
        kept.index[out] = index[k]!;
        kept.value[out++] = value[k]! * scale;
      }
      return kept;
    });
  const epochs = options.epochs;
  const words = trainSoftmax(block(true), labels, classes, vectorizer.size, options, (epoch) => onProgress(epoch / epochs / 2));
  const chars = trainSoftmax(block(false), labels, classes, vectorizer.size, { ...options, seed: options.seed + 1 }, (epoch) =>
    onProgress(0.5 + epoch / epochs / 2),
  );
  // At classify time the blocks have norms √wordWeight and √(1 − wordWeight) (features.ts).
  const wordWeight = vectorizer.options.wordWeight ?? 0.5;
  const wordFactor = wordWeight > 0 ? WORD_EXPERT / Math.sqrt(wordWeight) : 0;
  const charFactor = wordWeight < 1 ? 1 / Math.sqrt(1 - wordWeight) : 0;
  const weights = new Float32Array(words.weights.length);
  for (let f = 0; f < vectorizer.size; f++) {
    const [source, factor] = isWord[f] ? [words.weights, wordFactor] : [chars.weights, charFactor];
    for (let c = 0; c < classes; c++) weights[f * classes + c] = factor * source[f * classes + c]!;
  }
  const bias = Float32Array.from(words.bias, (b, c) => WORD_EXPERT * b + chars.bias[c]!);
  return { classes, weights, bias };
}

/** A text the confidence is fitted on: what the model made of it, and whether it is in scope (with its class). */
export interface CalibrationCase {
  evidence: Evidence;
  /** The right class of an in-scope text; undefined for an out-of-scope one. */
  label: number | undefined;
  kind: 'in scope' | 'other intent' | 'background';
  /** Its weight against the other cases of its kind (default 1): see `scriptShares`. */
  share?: number;
}

/**
 * Weight of the out-of-scope cases of each kind, in total, against the in-scope ones (which weigh 1 in
 * total): the share of off-topic text the confidence expects, and so what a threshold rejects.
 */
const OUT_OF_SCOPE_WEIGHT: Record<Exclude<CalibrationCase['kind'], 'in scope'>, number> = { 'other intent': 0.5, background: 0.4 };
/**
 * Up to this many intents the out-of-scope cases weigh in full; above, their weight falls with the square of
 * the ratio. With many intents, an example whose intent is hidden lands on a sibling intent that means nearly
 * the same (a harder case than a request nobody foresaw), and the held-out examples' own mistakes show what
 * doubt looks like: so large data sets keep the calibration they had without out-of-scope cases.
 */
const FULL_WEIGHT_INTENTS = 15;
/** From this many examples on, one probe on a held-out tenth is enough; below, every example is held out once. */
const LARGE_DATA = 2_000;
/** Probes on small data: each holds out one of this many parts of every intent's examples. */
const FOLDS = 4;

/**
 * The temperature and the confidence are fitted on texts probe models did not train on. Probes are trained with a
 * part of the examples held out (every example once on small data, a tenth on large data), and see three
 * kinds of text: held-out examples (in scope, right or wrong); requests for an intent the probe never saw (out
 * of scope but close to the domain: what a customer asking for something the admin did not foresee looks
 * like); and the background sentences (out of scope: small talk). On small data each probe trains without
 * a quarter of the intents (see `hiddenIntents`) and all their examples are such requests, scored as the
 * model will score a request nobody foresaw. On large data one probe sees every intent and the held-out
 * examples stand in, as if their own intent did not exist (cheaper; their weight is small there anyway). The
 * out-of-scope kinds weigh a fixed share against the in-scope ones, whatever the number of examples, so a
 * threshold rejects a comparable share of off-topic text on three intents as on a hundred. Within the
 * background, the sentences of the examples' languages weigh most (see `scriptShares`).
 *
 * The calibration's probes, each `{ every, offset }`: the probe holds out every `every`-th example of each
 * intent from `offset` on (see `probeCases`); its cases, with every other probe's, are fitted by `fitCalibration`.
 */
function calibrationRounds(examples: Example[]): { every: number; offset: number }[] {
  return examples.length >= LARGE_DATA ? [{ every: 10, offset: 4 }] : Array.from({ length: FOLDS }, (_, offset) => ({ every: FOLDS, offset }));
}

/** The cases of probe `round` (see above): it trains, then scores what it did not train on. */
function probeCases(training: Training, round: number, onProgress: (fraction: number) => void): CalibrationCase[] {
  const { examples, background, termsOf, scriptShare } = training;
  const all = training.intents;
  const large = examples.length >= LARGE_DATA;
  const { every, offset } = calibrationRounds(examples)[round]!;
  const cases: CalibrationCase[] = [];
  const [rest, heldOut] = holdOut(examples, every, offset);
  if (heldOut.length === 0 || rest.length === 0) return cases;
  const hidden = large ? new Set<string>() : hiddenIntents(all, round);
  const probe = training.train(rest.filter((e) => !hidden.has(e.intent)), onProgress);
  const classOf = new Map(probe.intents.map((intent, c) => [intent, c]));
  // A probe without the hidden intents still scores as many classes as the model will: the missing ones
  // score like the classes the text does not lean to.
  const padded = (e: Evidence) => (hidden.size === 0 ? e : { ...e, scores: padScores(e.scores, e.top, hidden.size) });
  for (const e of heldOut) {
    if (hidden.has(e.intent)) continue;
    const label = classOf.get(e.intent)!;
    const terms = termsOf(e.text);
    cases.push({ evidence: padded(probe.evidence(e.text, undefined, terms)), label, kind: 'in scope' });
    if (hidden.size === 0 && probe.intents.length > 1) cases.push({ evidence: probe.evidence(e.text, label, terms), label: undefined, kind: 'other intent' });
  }
  for (const e of examples) {
    if (hidden.has(e.intent)) cases.push({ evidence: padded(probe.evidence(e.text, undefined, termsOf(e.text))), label: undefined, kind: 'other intent' });
  }
  for (const text of background) {
    const evidence = padded(probe.evidence(text, undefined, termsOf(text)));
    // A background sentence that reads like one of the admin's examples (say, greetings kept as an intent)
    // is no out-of-scope text for this bot: the admin's word wins.
    if (evidence.similarity < NEAR_DUPLICATE) cases.push({ evidence, label: undefined, kind: 'background', share: scriptShare(text) });
  }
  return cases;
}

/** The temperature and the confidence, fitted on the probes' cases. */
function fitCalibration(cases: CalibrationCase[], intents: number): { temperature: number; confidence: number[] | undefined } {
  const weightOf = caseWeights(cases, intents);
  const temperature = fitTemperature(cases, weightOf);
  return { temperature, confidence: fitConfidence(cases, weightOf, temperature) };
}

/**
 * The intents probe `round` trains without, so that their examples show it what a request for an intent
 * nobody foresaw looks like: every FOLDS-th intent, the rounds taking turns; none when too few would stay.
 */
function hiddenIntents(intents: string[], round: number): Set<string> {
  const groups = Math.min(intents.length, FOLDS);
  const hidden = intents.filter((_, i) => i % groups === round % groups);
  return intents.length - hidden.length >= 2 ? new Set(hidden) : new Set();
}

/** Scores with `missing` more classes, each scoring the mean of the classes other than the top one. */
function padScores(scores: Float64Array, top: number, missing: number): Float64Array {
  let sum = 0;
  for (let c = 0; c < scores.length; c++) if (c !== top) sum += scores[c]!;
  const fill = scores.length > 1 ? sum / (scores.length - 1) : 0;
  const out = new Float64Array(scores.length + missing).fill(fill);
  out.set(scores);
  return out;
}

/**
 * The weight of each case: 1 in scope; each out-of-scope kind its share of the in-scope total, spread over its
 * cases in proportion to their `share`.
 */
function caseWeights(cases: CalibrationCase[], intents: number): (c: CalibrationCase) => number {
  const counts = new Map<CalibrationCase['kind'], number>();
  for (const c of cases) counts.set(c.kind, (counts.get(c.kind) ?? 0) + (c.share ?? 1));
  const inScope = counts.get('in scope') ?? 0;
  const scale = Math.min(1, (FULL_WEIGHT_INTENTS / intents) ** 2);
  return (c) => (c.kind === 'in scope' ? 1 : (scale * OUT_OF_SCOPE_WEIGHT[c.kind] * inScope * (c.share ?? 1)) / counts.get(c.kind)!);
}

/**
 * The temperature that minimises the cross-entropy of the cases (golden-section on log T): of the right class
 * for in-scope cases, of the uniform distribution for out-of-scope ones (text of no intent should lean to none),
 * weighted as in the confidence. With out-of-scope cases, a small data set whose held-out examples are all
 * right does not drive the temperature to its lower bound.
 */
function fitTemperature(cases: CalibrationCase[], weightOf: (c: CalibrationCase) => number): number {
  const rows = cases.map((c) => ({ scores: c.evidence.scores, label: c.label, weight: weightOf(c) }));
  if (!rows.some((r) => r.label !== undefined)) return 1;
  const loss = (logT: number) => {
    const t = Math.exp(logT);
    let total = 0;
    for (const { scores, label, weight } of rows) {
      const n = scores.length;
      let max = -Infinity;
      for (let c = 0; c < n; c++) if (scores[c]! / t > max) max = scores[c]! / t;
      let sum = 0;
      let mean = 0;
      for (let c = 0; c < n; c++) {
        const x = scores[c]! / t;
        sum += Math.exp(x - max);
        mean += x / n;
      }
      const logNormaliser = max + Math.log(sum);
      total += weight * (logNormaliser - (label === undefined ? mean : scores[label]! / t));
    }
    return total;
  };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  // Each step keeps one of the two inner points as an inner point of the narrower interval, so only the other
  // one is evaluated: one pass over the cases a step instead of two.
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let lossA = loss(a);
  let lossB = loss(b);
  for (let i = 0; i < 40; i++) {
    if (lossA < lossB) {
      hi = b;
      b = a;
      lossB = lossA;
      a = hi - ratio * (hi - lo);
      lossA = loss(a);
    } else {
      lo = a;
      a = b;
      lossA = lossB;
      b = lo + ratio * (hi - lo);
      lossB = loss(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Fewer cases of either outcome (right, or wrong and out of scope) than this: too little to fit the confidence on. */
const MIN_CONFIDENCE_CASES = 8;

/**
 * Fits the confidence as the probability that a prediction is right and in scope: a weighted logistic
 * regression on the cases' inputs (see `confidenceInputs`). Undefined when the cases hold too few of either
 * outcome to learn from; the probability then serves.
 */
function fitConfidence(cases: CalibrationCase[], weightOf: (c: CalibrationCase) => number, temperature: number): number[] | undefined {
  // Each row's inputs behind a leading 1 (the intercept's), built once for every iteration below.
  const rows = cases.map((c) => ({
    xs: Float64Array.of(1, ...confidenceInputs(c.evidence, temperature)),
    y: c.label !== undefined && c.evidence.top === c.label ? 1 : 0,
    weight: weightOf(c),
  }));
  const right = rows.filter((r) => r.y === 1).length;
  if (right < MIN_CONFIDENCE_CASES || rows.length - right < MIN_CONFIDENCE_CASES) return undefined;
  // Newton's method on the L2-regularised log-likelihood; a handful of unknowns, so the system is solved directly.
  const n = rows[0]!.xs.length;
  const w = new Array<number>(n).fill(0);
  // Light: the cases are few on small data, but the inputs say much the same thing, and a strong pull to 0
  // would blunt the similarity inputs that tell a request nobody foresaw from a right answer.
  const lambda = 0.1;
  for (let iteration = 0; iteration < 30; iteration++) {
    const gradient = w.map((wi, i) => (i === 0 ? 0 : lambda * wi));
    const hessian = w.map((_, i) => w.map((_, j) => (i === j && i > 0 ? lambda : 0)));
    for (const { xs, y, weight } of rows) {
      let z = 0;
      for (let i = 0; i < n; i++) z += w[i]! * xs[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const curvature = weight * p * (1 - p);
      for (let i = 0; i < n; i++) {
        gradient[i]! += weight * (p - y) * xs[i]!;
        const row = hessian[i]!;
        const xi = curvature * xs[i]!;
        for (let j = 0; j < n; j++) row[j]! += xi * xs[j]! + (i === j ? 1e-9 : 0);
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

/** The script most of a text's letters are written in: Arabic, Latin or another. */
function scriptOf(text: string): 'arabic' | 'latin' | 'other' {
  const arabic = text.match(/\p{Script=Arabic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  const other = (text.match(/\p{L}/gu)?.length ?? 0) - arabic - latin;
  return arabic > latin && arabic >= other ? 'arabic' : latin >= other ? 'latin' : 'other';
}

/** A background sentence in a script none of the examples is written in still counts this much. */
const FOREIGN_SCRIPT_SHARE = 0.1;

/**
 * The weight of a background sentence against the other background sentences: the share of the examples
 * written in its script (at least FOREIGN_SCRIPT_SHARE). An Arabic bot's confidence then learns what Arabic
 * small talk looks like from the Arabic sentences, rather than spending half the background's weight on
 * English ones it rejects anyway because it knows none of their words (and the same for an English bot).
 * Mixed examples keep both languages in proportion.
 */
function scriptShares(examples: Example[]): (text: string) => number {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(scriptOf(e.text), (counts.get(scriptOf(e.text)) ?? 0) + 1);
  return (text) => Math.max(FOREIGN_SCRIPT_SHARE, (counts.get(scriptOf(text)) ?? 0) / examples.length);
}

function memoize<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) cache.set(text, (value = compute(text)));
    return value;
  };
}

/** The background sentences, once each, without those that are also a training example (the admin's word wins; see also `calibrate`). */
function backgroundApartFrom(examples: Example[], background: readonly string[]): string[] {
  const key = (text: string) => tokenize(text).join(' ');
  const taken = new Set(examples.map((e) => key(e.text)));
  const kept = new Map<string, string>();
  for (const text of background) {
    const k = key(text);
    if (k !== '' && !taken.has(k) && !kept.has(k)) kept.set(k, text);
  }
  return [...kept.values()];
}

/** The `offset`-th of every `every` examples of each intent is held out; the rest trains. */
function holdOut(examples: Example[], every: number, offset: number): [Example[], Example[]] {
  const seen = new Map<string, number>();
  const train: Example[] = [];
  const held: Example[] = [];
  for (const e of examples) {
    const n = seen.get(e.intent) ?? 0;
    seen.set(e.intent, n + 1);
    (n % every === offset ? held : train).push(e);
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
