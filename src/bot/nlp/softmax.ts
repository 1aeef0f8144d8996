// Multinomial logistic regression on sparse vectors, trained by SGD with L2 regularisation. The weights are
// stored feature-major (all classes of one feature side by side) so an update touches one contiguous run.
import type { SparseVector } from './features.ts';

export interface SoftmaxOptions {
  /** Passes over the data. Default 6. */
  epochs: number;
  /** Initial learning rate. Default 2 (see classifier.ts). */
  learningRate: number;
  /** L2 strength per example. Default 1e-6. */
  l2: number;
  /** Seed of the shuffling, so a retrain on the same data gives the same model. Default 1. */
  seed: number;
}

const GRADIENT_FLOOR = 1e-3;

/** Trained weights: `weights[feature * classes + class]`, `bias[class]`. */
export interface SoftmaxWeights {
  classes: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Fits weights to vectors and their class numbers.
 *
 *     const fitted = trainSoftmax(vectors, labels, 77, features, { epochs: 6, learningRate: 1, l2: 1e-6, seed: 1 });
 */
export function trainSoftmax(
  vectors: SparseVector[],
  labels: number[],
  classes: number,
  features: number,
  options: SoftmaxOptions,
  onEpoch?: (epoch: number) => void,
): SoftmaxWeights {
  // Float64 while training: no float32 rounding on every read and write of the inner loops.
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  const scores = new Float64Array(classes);
  const activeClasses = new Int32Array(classes);
  const random = mulberry32(options.seed);
  const order = vectors.map((_, i) => i);
  // L2 shrinks every weight each step; keeping the weights as scale × stored makes that one multiplication.
  let scale = 1;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const { index, value } = vectors[i]!;
      const rate = options.learningRate / (1 + options.learningRate * options.l2 * step);
      step++;
      // The scores and their softmax, as `logits` and `softmaxInPlace` compute them, written out here: this loop
      // is most of the training time, and unrolled by four classes it runs about a fifth faster (same sums, same order).
      for (let c = 0; c < classes; c++) scores[c] = bias[c]!;
      const n = index.length;
      const tail = classes & ~3;
      for (let k = 0; k < n; k++) {
        const base = index[k]! * classes;
        const v = value[k]! * scale;
        let c = 0;
        for (; c < tail; c += 4) {
          scores[c]! += weights[base + c]! * v;
          scores[c + 1]! += weights[base + c + 1]! * v;
          scores[c + 2]! += weights[base + c + 2]! * v;
          scores[c + 3]! += weights[base + c + 3]! * v;
        }
        for (; c < classes; c++) scores[c]! += weights[base + c]! * v;
      }
      let max = -Infinity;
      for (let c = 0; c < classes; c++) if (scores[c]! > max) max = scores[c]!;
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(scores[c]! - max);
        scores[c] = e;
        sum += e;
      }
      for (let c = 0; c < classes; c++) scores[c]! /= sum;
      scores[labels[i]!]! -= 1;
      scale *= 1 - rate * options.l2;
      // Classes the model already gives (almost) the right probability barely move: skipping them makes the
      // later passes several times faster without changing the result measurably.
      let active = 0;
      for (let c = 0; c < classes; c++) {
        if (scores[c]! > GRADIENT_FLOOR || scores[c]! < -GRADIENT_FLOOR) activeClasses[active++] = c;
      }
      for (let k = 0; k < index.length; k++) {
        const base = index[k]! * classes;
        const move = (rate * value[k]!) / scale;
        for (let a = 0; a < active; a++) {
          const c = activeClasses[a]!;
          weights[base + c]! -= move * scores[c]!;
        }
      }
      for (let c = 0; c < classes; c++) bias[c]! -= rate * scores[c]!;
      if (scale < 1e-6) {
        for (let w = 0; w < weights.length; w++) weights[w]! *= scale;
        scale = 1;
      }
    }
    onEpoch?.(epoch + 1);
  }
  const out = new Float32Array(weights.length);
  for (let w = 0; w < weights.length; w++) out[w] = weights[w]! * scale;
  return { classes, weights: out, bias: Float32Array.from(bias) };
}

/** Class scores of a vector into `out`; `scale` multiplies the weights. */
export function logits(
  weights: Float32Array,
  bias: Float32Array,
  classes: number,
  index: Int32Array,
  value: Float32Array,
  scale: number,
  out: Float64Array,
): void {
  for (let c = 0; c < classes; c++) out[c] = bias[c]!;
  for (let k = 0; k < index.length; k++) {
    const base = index[k]! * classes;
    const v = value[k]! * scale;
    for (let c = 0; c < classes; c++) out[c]! += weights[base + c]! * v;
  }
}

/** Turns scores into probabilities, in place. */
export function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    scores[c] = Math.exp(scores[c]! - max);
    sum += scores[c]!;
  }
  for (let c = 0; c < scores.length; c++) scores[c]! /= sum;
}

/**
 * A small seeded random generator (mulberry32): the same seed gives the same training and the same samples.
 *
 *     const random = mulberry32(7); random(); // 0 ≤ x < 1, the same every run
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
