import { describe, expect, it } from 'vitest';
import { arabicSkeleton, arabicStem, normalizeText, tokenize } from '../../../src/bot/nlp/normalize.ts';

describe('Arabic normalisation', () => {
  it('strips harakat and tatweel', () => {
    expect(normalizeText('مَرْحَبًا بِكُمْ')).toBe('مرحبا بكم');
    expect(normalizeText('الفـــاتورة')).toBe('الفاتوره');
  });

  it('unifies alef, yaa and taa marbuta variants', () => {
    expect(normalizeText('أإآ')).toBe('ااا');
    expect(normalizeText('مستشفى')).toBe('مستشفي');
    expect(normalizeText('فاتورة')).toBe(normalizeText('فاتوره'));
  });

  it('writes Arabic-Indic digits as ASCII', () => {
    expect(normalizeText('٠١٢٣٤٥٦٧٨٩ ۱۲۳')).toBe('0123456789 123');
  });
});

describe('tokenisation', () => {
  it('keeps the letters of every script and lower-cases', () => {
    expect(tokenize('Hello مرحبا Привет 你好')).toEqual(['hello', 'مرحبا', 'привет', '你好']);
  });

  it('splits on punctuation, folds Latin accents and joins contractions', () => {
    expect(tokenize("Café: I can't pay!!")).toEqual(['cafe', 'i', 'cant', 'pay']);
  });

  it('keeps emoji as words and gives nothing for an empty text', () => {
    expect(tokenize('🙂 ok')).toEqual(['🙂', 'ok']);
    expect(tokenize('')).toEqual([]);
  });

  it('treats full-width and compatibility forms as their plain letters', () => {
    expect(tokenize('ＡＢＣ')).toEqual(['abc']);
  });
});

describe('Arabic light stemming', () => {
  it('takes off the article, a leading conjunction or preposition and one pronoun or plural ending', () => {
    expect(arabicStem(normalizeText('وبطاقتي'))).toBe('بطاق');
    expect(arabicStem(normalizeText('الفاتورة'))).toBe('فاتور');
    expect(arabicStem(normalizeText('بالتطبيق'))).toBe('تطبيق');
    expect(arabicStem('المستخدمين')).toBe('مستخدم');
  });

  it('gives "my card", "his card" and "the card" one stem, and "my transfers" the stem of "transfer"', () => {
    const card = arabicStem(normalizeText('البطاقة'));
    expect(arabicStem(normalizeText('بطاقتي'))).toBe(card);
    expect(arabicStem(normalizeText('بطاقته'))).toBe(card);
    expect(arabicStem(normalizeText('تحويلاتي'))).toBe(arabicStem(normalizeText('التحويل')));
  });

  it('leaves the first letter of a word that only looks like a preposition (بطاقة, بيتي, وقتي)', () => {
    expect(arabicStem(normalizeText('بطاقة'))).toBe('بطاق');
    expect(arabicStem('بيتي')).toBe('بيت');
    expect(arabicStem('وقتي')).toBe('وقت');
  });

  it('keeps at least three letters, and leaves other scripts alone', () => {
    expect(arabicStem('بيت')).toBe('بيت');
    expect(arabicStem('وله')).toBe('وله');
    expect(arabicStem('charged')).toBe('charged');
  });
});

describe('Arabic consonant skeletons', () => {
  const skeleton = (word: string) => arabicSkeleton(arabicStem(normalizeText(word)));

  it('gives the Modern Standard and Palestinian spellings of a word one skeleton', () => {
    expect(skeleton('التعبئة')).toBe('تعب');
    expect(skeleton('تعباية')).toBe('تعب');
    expect(skeleton('المسؤول')).toBe(skeleton('المسئول'));
  });

  it('gives two forms of a verb one skeleton ("he gives me", "he gave me")', () => {
    expect(skeleton('يعطيني')).toBe(skeleton('اعطاني'));
  });

  it('has none for a word in another script', () => {
    expect(arabicSkeleton('charged')).toBeUndefined();
  });
});
