import { describe, expect, it } from 'vitest';
import { extractTerms } from '../../../src/bot/nlp/features.ts';

/** The character n-grams of a text, without the block's prefix. */
function ngrams(text: string): string[] {
  return [...extractTerms(text, [1, 4]).chars.keys()].map((term) => term.slice(2));
}

describe('character n-grams', () => {
  it('are made of whole characters, an emoji included, never of half a surrogate pair', () => {
    const grams = ngrams('ok😀');
    expect(grams).toContain('😀');
    expect(grams).toContain('<😀>');
    expect(grams.some((gram) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(gram))).toBe(false);
  });

  it('are the same for a word whether or not another word of the text has an emoji', () => {
    const plain = ngrams('charged twice');
    const beside = ngrams('charged twice 😀');
    expect(beside).toEqual(expect.arrayContaining(plain));
    expect(plain).toContain('<cha');
    expect(plain).toContain('ice>');
  });
});
