// The two pieces of `natural` the classifier uses, imported from their submodules: the package's main entry
// loads database drivers and reads `.env` at import (see ../shared/STACK.md), the submodules do not.
import stemmers from 'natural/lib/natural/stemmers/index.js';
import ngrams from 'natural/lib/natural/ngrams/index.js';

/**
 * Stems already computed: a customer's words repeat, and natural's Porter stemmer allocates some 17 KB of
 * regular-expression results and strings for each text it stems (the most of any part of a classify on
 * BANKING77). Emptied when full, so that a flood of made-up words cannot grow it without bound.
 */
const stems = new Map<string, string>();
const MAX_STEMS = 50_000;

/** English Porter stemmer: `stem('charging')` → `'charg'`. */
export function stemEnglish(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = stemmers.PorterStemmer.stem(word);
    if (stems.size >= MAX_STEMS) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

/** Word n-grams of a token list: `wordBigrams(['a', 'b', 'c'])` → `[['a', 'b'], ['b', 'c']]`. */
export const wordBigrams: (tokens: string[]) => string[][] = (tokens) => ngrams.NGrams.bigrams(tokens);
