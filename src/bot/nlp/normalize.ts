// Text → normalised tokens, for every script: natural's tokenizers keep only ASCII letters, so the classifier
// owns this step. Arabic spelling variants (harakat, tatweel, alef/yaa/taa-marbuta forms, Arabic-Indic digits)
// collapse to one form, because customers write the same word all these ways; a light stemmer takes Arabic's
// attached article, conjunctions, prepositions and pronouns off a word.
import { asciiDigits } from '../../shared/text.ts';

const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u0640]/g;
const ARABIC_LETTERS: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ى': 'ي', 'ی': 'ي', 'ئ': 'ي',
  'ؤ': 'و',
  'ة': 'ه',
  'ک': 'ك',
};
const ARABIC_LETTER_VARIANTS = /[أإآٱىیئؤةک]/g;
const LATIN_WITH_MARKS = /(\p{Script=Latin})\p{M}+/gu;
/** A word: letters, digits and combining marks of any script; or one emoji. */
const TOKEN = /[\p{L}\p{N}\p{M}]+|\p{Extended_Pictographic}/gu;
const APOSTROPHES = /['’ʼ]/g;

/**
 * One spelling for the variants of a text: NFKC, lower case, Latin accents and Arabic harakat removed,
 * Arabic letter variants unified, Arabic-Indic digits as ASCII.
 *
 *     normalizeText('إلغاءُ الفاتورة ٢') // 'الغاء الفاتوره 2'
 *     normalizeText('Café')              // 'cafe'
 */
export function normalizeText(text: string): string {
  let out = text.normalize('NFKC').toLowerCase();
  // Accents are folded for Latin only: in other scripts (Devanagari vowel signs…) combining marks are letters.
  if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFD').replace(LATIN_WITH_MARKS, '$1').normalize('NFC');
  return asciiDigits(out)
    .replace(ARABIC_MARKS, '')
    .replace(ARABIC_LETTER_VARIANTS, (letter) => ARABIC_LETTERS[letter] ?? letter)
    .replace(APOSTROPHES, '');
}

/**
 * The normalised words of a text, in order; punctuation and spaces separate them, emoji are words.
 *
 *     tokenize("I can't log in 🙁 لا أستطيع") // ['i', 'cant', 'log', 'in', '🙁', 'لا', 'استطيع']
 */
export function tokenize(text: string): string[] {
  return normalizeText(text).match(TOKEN) ?? [];
}

/** Whether a token is written in Latin letters (and so may be stemmed as English). */
export function isLatinWord(token: string): boolean {
  return /^[a-z][a-z0-9]*$/.test(token);
}

const ARABIC_WORD = /^[\u0621-\u064A]+$/;
/**
 * Prefixes with the least letters they must leave. A lone ب, ف or ل starts too many words (بطاقة, فتح, لماذا)
 * to come off without the article behind it; a lone و comes off a word of five letters or more only.
 */
const ARABIC_PREFIXES: [string, number][] = [['وال', 3], ['فال', 3], ['بال', 3], ['كال', 3], ['لل', 3], ['ال', 3], ['و', 4]];
const ARABIC_SUFFIXES = ['كما', 'هما', 'ها', 'هم', 'هن', 'كم', 'كن', 'نا', 'ات', 'ون', 'ين', 'ان', 'يه', 'ه', 'ي', 'ك'];
/** Endings that are attached pronouns: before one, a noun's taa marbuta is written ت (بطاقة, بطاقتي). */
const ARABIC_PRONOUNS = new Set(['كما', 'هما', 'ها', 'هم', 'هن', 'كم', 'كن', 'نا', 'يه', 'ه', 'ي', 'ك']);

/**
 * A light stem of a normalised Arabic word: the article (with a leading conjunction or preposition), or a
 * leading و, and one pronoun or plural ending come off, as long as three letters stay (so the stem is still a
 * word). Behind a
 * pronoun, the ت that a taa marbuta (or a feminine plural ات) turns into comes off too, so "my card" and
 * "the card" share a stem, as do "I received it" and "I received".
 *
 *     arabicStem('وبطاقتي')  // 'بطاق', as arabicStem('البطاقه')
 *     arabicStem('تحويلاتي') // 'تحويل'
 */
export function arabicStem(word: string): string {
  if (!ARABIC_WORD.test(word)) return word;
  let stem = word;
  for (const [prefix, least] of ARABIC_PREFIXES) {
    if (stem.startsWith(prefix) && stem.length - prefix.length >= least) {
      stem = stem.slice(prefix.length);
      break;
    }
  }
  for (const suffix of ARABIC_SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 3) {
      stem = stem.slice(0, -suffix.length);
      if (ARABIC_PRONOUNS.has(suffix)) {
        if (stem.endsWith('ات') && stem.length - 2 >= 3) stem = stem.slice(0, -2);
        else if (stem.endsWith('ت') && stem.length - 1 >= 3) stem = stem.slice(0, -1);
      }
      break;
    }
  }
  return stem;
}

/** The letters Arabic writes its long vowels with; they belong to a word's pattern more than to its root. */
const ARABIC_LONG_VOWELS = /[اوي]/g;

/**
 * The consonant skeleton of a normalised Arabic stem: its letters without ا, و and ي; undefined for a word in
 * another script. An Arabic word is a root of consonants in a pattern of vowels and affixes, and only its long
 * vowels are written, with a hamza seat that spellings and dialects choose differently: so the skeleton is
 * what the forms of a word and the Palestinian and Modern Standard spellings of it keep in common, where
 * their letters differ ("top-up": MSA التعبئة, Palestinian تعباية; "give me": يعطيني, اعطاني).
 *
 *     arabicSkeleton(arabicStem(normalizeText('التعبئة'))) // 'تعب', as arabicSkeleton(arabicStem('تعبايه'))
 *     arabicSkeleton(arabicStem('يعطيني'))                 // 'عطن', as arabicSkeleton(arabicStem('اعطاني'))
 */
export function arabicSkeleton(stem: string): string | undefined {
  return ARABIC_WORD.test(stem) ? stem.replace(ARABIC_LONG_VOWELS, '') : undefined;
}
