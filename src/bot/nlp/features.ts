// Text → sparse TF-IDF vector over two blocks: words (unigrams and bigrams, stemmed: Porter for English, a light
// stemmer for Arabic) and character n-grams inside word boundaries. Each block is L2-normalised on its own, so
// the many character n-grams of a text do not drown its few words; character n-grams carry spelling variation,
// typos and Arabic affixes. Arabic words also give the character n-grams of their stem's consonant skeleton
// (normalize.ts), which match the forms and dialect spellings of a word where its letters differ. Arabic
// function words (function-words.ts) have terms of their own in both blocks, which weigh as words common in
// every text.
import { isArabicFunctionWord } from './function-words.ts';
import { arabicSkeleton, arabicStem, isLatinWord, tokenize } from './normalize.ts';
import { stemEnglish, wordBigrams } from './natural.ts';

/** A sparse vector: feature indexes and their values. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

export interface FeatureOptions {
  /** Character n-gram lengths, inclusive. Default [2, 5]. */
  charRange: [number, number];
  /** Terms seen in fewer training texts than this are dropped. Default: 2 from 2,000 texts on, else 1. */
  minDocFrequency?: number;
  /** Share of the vector's squared norm the word block gets (the character block has the rest). Default 0.5. */
  wordWeight?: number;
}

/** Texts longer than this are cut: the first thousands of characters carry the intent, and classify stays fast. */
const MAX_TEXT_LENGTH = 2_000;
const WORD = 'w\u0001';
const CHAR = 'c\u0001';
/** A word of the word block that is an Arabic function word (function-words.ts): see `Vectorizer.fit`. */
const FUNCTION = 'f\u0001';
/** A character n-gram of an Arabic function word. */
const FUNCTION_CHAR = 'g\u0001';
/** A character n-gram of the consonant skeleton of an Arabic stem. */
const SKELETON = 's\u0001';
/**
 * Skeleton n-gram lengths: two and three consonants, as a root has (the skeleton is short, so longer n-grams
 * would be nearly the whole skeleton, which its three-grams already spell).
 */
const SKELETON_RANGE: [number, number] = [2, 3];

/** Whether a vocabulary term is of the word block (a word, a function word or a bigram) rather than a character n-gram. */
export function isWordTerm(term: string): boolean {
  return term.startsWith(WORD) || term.startsWith(FUNCTION);
}

/** What a text is made of for the vectors: its word and character n-gram terms with their counts. */
export interface Terms {
  words: Map<string, number>;
  chars: Map<string, number>;
}

/** The terms of a text with their counts, words and character n-grams apart. */
export function extractTerms(text: string, charRange: [number, number]): Terms {
  const tokens = tokenize(text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text);
  const words = new Map<string, number>();
  const chars = new Map<string, number>();
  const add = (map: Map<string, number>, term: string) => map.set(term, (map.get(term) ?? 0) + 1);
  const stems = tokens.map((token) => (isLatinWord(token) ? stemEnglish(token) : arabicStem(token)));
  const functional = tokens.map(isArabicFunctionWord);
  stems.forEach((stem, i) => add(words, (functional[i] ? FUNCTION : WORD) + stem));
  for (const [a, b] of wordBigrams(stems)) add(words, `${WORD}${a} ${b}`);
  const addNgrams = (prefix: string, word: string, [minN, maxN]: [number, number]) => {
    const marked = `<${word}>`;
    // N-grams of characters, not of UTF-16 code units: a word with a character outside the BMP (an emoji) is
    // split into characters first; any other word's characters are its code units, sliced straight from it
    // (the same n-grams, without an array and a join for each).
    const chars_ = ASTRAL.test(marked) ? Array.from(marked) : undefined;
    const length = chars_ ? chars_.length : marked.length;
    for (let n = minN; n <= maxN; n++) {
      // Single characters come from inside the word: the boundary marks alone say nothing about the text.
      const first = n === 1 ? 1 : 0;
      const end = n === 1 ? length - 1 : length;
      for (let start = first; start + n <= end; start++) {
        add(chars, prefix + (chars_ ? chars_.slice(start, start + n).join('') : marked.slice(start, start + n)));
      }
    }
  };
  for (const [i, token] of tokens.entries()) {
    addNgrams(functional[i] ? FUNCTION_CHAR : CHAR, token, charRange);
    if (functional[i]) continue;
    const skeleton = arabicSkeleton(stems[i]!);
    if (skeleton) addNgrams(SKELETON, skeleton, SKELETON_RANGE);
  }
  return { words, chars };
}

/** The vectors' scratch arrays (see `vectorOf`), grown as needed. */
let scratchIndex = new Int32Array(1_024);
let scratchValue = new Float64Array(1_024);

/** A character outside the Basic Multilingual Plane: two UTF-16 code units (a surrogate pair). */
const ASTRAL = /[\uD800-\uDBFF]/;

/** An Arabic function word weighs as a word found in this share of the texts (English "i" is in a tenth of the background). */
const FUNCTION_WORD_SHARE = 0.1;

/** A fitted vocabulary with inverse document frequencies; turns texts into vectors. */
export class Vectorizer {
  private constructor(
    readonly options: FeatureOptions,
    private readonly vocabulary: Map<string, number>,
    readonly terms: string[],
    readonly idf: Float32Array,
  ) {}

  /**
   * Learns the vocabulary and IDF of training texts. Texts of `background` (everyday sentences) count in the
   * IDF only: words common in everyday language (the, my, how, في, انا) then weigh little in every vector,
   * whatever the training texts repeat. An Arabic function word's terms weigh at most as a term in
   * FUNCTION_WORD_SHARE of the texts, however rare the background makes its form.
   *
   * `termsOf` lets a caller that fits several vectorizers on the same texts extract their terms once.
   *
   *     const vectorizer = Vectorizer.fit(texts, { charRange: [2, 5] });
   *     const vector = vectorizer.transform('I was charged twice');
   */
  static fit(
    texts: string[],
    options: FeatureOptions,
    background: readonly string[] = [],
    termsOf: (text: string) => Terms = (text) => extractTerms(text, options.charRange),
  ): { vectorizer: Vectorizer; vectors: SparseVector[] } {
    const termsOfTexts = texts.map(termsOf);
    const docFrequency = new Map<string, number>();
    for (const { words, chars } of termsOfTexts) {
      for (const term of words.keys()) docFrequency.set(term, (docFrequency.get(term) ?? 0) + 1);
      for (const term of chars.keys()) docFrequency.set(term, (docFrequency.get(term) ?? 0) + 1);
    }
    const minDf = options.minDocFrequency ?? (texts.length >= 2_000 ? 2 : 1);
    const terms = [...docFrequency.entries()].filter(([, df]) => df >= minDf).map(([term]) => term);
    for (const text of background) {
      const { words, chars } = termsOf(text);
      for (const term of [...words.keys(), ...chars.keys()]) {
        const df = docFrequency.get(term);
        if (df !== undefined) docFrequency.set(term, df + 1);
      }
    }
    const documents = texts.length + background.length;
    const functionWordDf = FUNCTION_WORD_SHARE * documents;
    const idf = new Float32Array(terms.length);
    terms.forEach((term, i) => {
      const df = docFrequency.get(term) ?? 0;
      idf[i] = Math.log((documents + 1) / ((term.startsWith(FUNCTION) || term.startsWith(FUNCTION_CHAR) ? Math.max(df, functionWordDf) : df) + 1)) + 1;
    });
    const vectorizer = new Vectorizer(options, new Map(terms.map((term, i) => [term, i])), terms, idf);
    return { vectorizer, vectors: termsOfTexts.map((t) => vectorizer.vectorOf(t)) };
  }

  /** Rebuilds a vectorizer from `terms` and `idf` as saved. */
  static restore(options: FeatureOptions, terms: string[], idf: Float32Array): Vectorizer {
    return new Vectorizer(options, new Map(terms.map((term, i) => [term, i])), terms, idf);
  }

  get size(): number {
    return this.terms.length;
  }

  /** The vector of a text; unknown terms are ignored, so it may be empty. */
  transform(text: string): SparseVector {
    return this.vectorOf(extractTerms(text, this.options.charRange));
  }

  /**
   * The vector of a text and how much of it the vocabulary knows: the share of its words (`words`) and of
   * its character n-grams (`chars`) that are in the vocabulary, each 0 for a text without any.
   */
  transformWithCoverage(text: string, terms: Terms = extractTerms(text, this.options.charRange)): { vector: SparseVector; words: number; chars: number } {
    const share = (block: Map<string, number>, unigramsOnly: boolean) => {
      let known = 0;
      let total = 0;
      for (const [term, count] of block) {
        if (unigramsOnly && term.includes(' ')) continue;
        total += count;
        if (this.vocabulary.has(term)) known += count;
      }
      return total > 0 ? known / total : 0;
    };
    return { vector: this.vectorOf(terms), words: share(terms.words, true), chars: share(terms.chars, false) };
  }

  private vectorOf({ words, chars }: Terms): SparseVector {
    // Built in scratch arrays shared by every call (a vector is never built inside another), copied out at the
    // end: only the vector itself is allocated.
    const size = words.size + chars.size;
    if (scratchIndex.length < size) {
      scratchIndex = new Int32Array(size * 2);
      scratchValue = new Float64Array(size * 2);
    }
    const index = scratchIndex;
    const value = scratchValue;
    let length = 0;
    const wordWeight = this.options.wordWeight ?? 0.5;
    for (const [block, weight] of [[words, wordWeight], [chars, 1 - wordWeight]] as const) {
      const start = length;
      let norm = 0;
      for (const [term, count] of block) {
        const i = this.vocabulary.get(term);
        if (i === undefined) continue;
        const v = (1 + Math.log(count)) * this.idf[i]!;
        index[length] = i;
        value[length++] = v;
        norm += v * v;
      }
      // The blocks have norms √weight and √(1 − weight), so the whole vector has norm 1.
      const scale = norm > 0 ? Math.sqrt(weight / norm) : 0;
      for (let k = start; k < length; k++) value[k]! *= scale;
    }
    return { index: index.slice(0, length), value: Float32Array.from(value.subarray(0, length)) };
  }
}
