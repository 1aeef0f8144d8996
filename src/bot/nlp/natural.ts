// The two pieces of `natural` the classifier uses, imported from their submodules: the package's main entry
// loads database drivers and reads `.env` at import (see ../shared/STACK.md), the submodules do not.
import stemmers from 'natural/lib/natural/stemmers/index.js';
import ngrams from 'natural/lib/natural/ngrams/index.js';

/** English Porter stemmer: `stem('charging')` → `'charg'`. */
export const stemEnglish: (word: string) => string = (word) => stemmers.PorterStemmer.stem(word);

/** Word n-grams of a token list: `wordBigrams(['a', 'b', 'c'])` → `[['a', 'b'], ['b', 'c']]`. */
export const wordBigrams: (tokens: string[]) => string[][] = (tokens) => ngrams.NGrams.bigrams(tokens);
