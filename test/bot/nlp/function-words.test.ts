import { describe, expect, it } from 'vitest';
import { isArabicFunctionWord } from '../../../src/bot/nlp/function-words.ts';
import { tokenize } from '../../../src/bot/nlp/normalize.ts';

describe('Arabic function words', () => {
  it('knows a preposition with each attached pronoun, in MSA and dialect spellings, also behind و or ف', () => {
    for (const word of ['عندي', 'عندك', 'عندنا', 'عنا', 'لدي', 'لديكم', 'عليك', 'معو', 'وعندي', 'فعندك']) {
      expect(isArabicFunctionWord(tokenize(word)[0]!), word).toBe(true);
    }
  });

  it('knows the modal words of the dialects and the question and negation particles', () => {
    for (const word of ['بدي', 'ابغى', 'عايز', 'ممكن', 'هل', 'شو', 'ليش', 'مش', 'لم']) {
      expect(isArabicFunctionWord(tokenize(word)[0]!), word).toBe(true);
    }
  });

  it('knows the possessives of the dialects, the counterpart of "my"', () => {
    for (const word of ['تبعي', 'حقي', 'حقتي', 'بتاعي', 'بتاعتي']) {
      expect(isArabicFunctionWord(tokenize(word)[0]!), word).toBe(true);
    }
  });

  it('leaves the words that carry a request alone', () => {
    for (const word of ['سؤال', 'بطاقتي', 'الفاتورة', 'خصم', 'مرتين', 'التطبيق', 'الباقة']) {
      expect(isArabicFunctionWord(tokenize(word)[0]!), word).toBe(false);
    }
  });
});
