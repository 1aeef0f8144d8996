// Arabic function words: prepositions with their attached pronouns, pronouns, demonstratives, question and
// negation particles, conjunctions and the modal words ("I want", "can", "must") of Modern Standard Arabic and
// the main dialects. They tell no intent apart, as "I", "have", "my" and "can" do not in English; but where
// English repeats a handful of such words, which the background set then shows to be common, Arabic writes each
// one in many forms (عندي, عندك, عندنا, عنا, لدي…), each too rare in any background to weigh little. So the
// classifier knows them from this closed list instead (see features.ts). Written from the grammar, not from
// any data set; spelled as customers write them, folded by `normalizeText` like every text.
import { normalizeText } from './normalize.ts';

/** Attached pronouns (my, your, his, her, our, your, their), in MSA and dialect spellings. */
const PRONOUN_ENDINGS = ['ي', 'ك', 'كي', 'كم', 'كن', 'كو', 'ه', 'و', 'ها', 'نا', 'هم', 'هن', 'هما', 'كما'];
/** Prepositions and words that take an attached pronoun: "I have" is عندي, "for me" لي, "with me" معي. */
const WITH_PRONOUNS = ['عند', 'لدى', 'ل', 'ال', 'مع', 'في', 'من', 'عن', 'على', 'إلى', 'ب', 'بد', 'ود', 'إن', 'أن', 'لأن', 'كأن', 'ليت',
  // the dialects' "my, your…": تبعي (Levant), حقي (Gulf), بتاعي (Egypt); and "still": لسا, لساتني
  'تبع', 'تبعت', 'حق', 'حقت', 'بتاع', 'بتاعت', 'لسات'];
/** Words as they stand. */
const WORDS = [
  // personal pronouns
  'أنا', 'انا', 'إني', 'اني', 'أنت', 'إنت', 'انتي', 'أنتم', 'انتو', 'أنتما', 'هو', 'هي', 'هم', 'هن', 'نحن', 'احنا', 'نحنا',
  // demonstratives and relatives
  'هذا', 'هذه', 'هذي', 'هاذا', 'هاذه', 'هاذي', 'ذلك', 'ذاك', 'تلك', 'هؤلاء', 'هذول', 'هدول', 'أولئك', 'هاد', 'هادا', 'هادي',
  'هاي', 'هيدا', 'هيدي', 'ده', 'دي', 'دا', 'دول', 'هيك', 'كده', 'كدا', 'كذا', 'هكذا', 'الذي', 'التي', 'الذين', 'اللي', 'اللى',
  // question words
  'هل', 'ما', 'ماذا', 'لماذا', 'ليش', 'ليه', 'لِمَ', 'كيف', 'كيفاش', 'شلون', 'ازاي', 'إزاي', 'متى', 'امتى', 'إمتى', 'أين', 'وين',
  'فين', 'كم', 'قديش', 'اديش', 'أديش', 'كام', 'أي', 'أيّ', 'ايش', 'إيش', 'شو', 'وش', 'ايه', 'إيه', 'مين', 'منو', 'شنو', 'اش',
  // negation
  'لا', 'لم', 'لن', 'ليس', 'ليست', 'مش', 'مو', 'مب', 'موب', 'مافي', 'ما في', 'ماكو', 'مافيش', 'مفيش', 'بلاش',
  // conjunctions and particles
  'و', 'أو', 'او', 'أم', 'ثم', 'لكن', 'لكنه', 'بس', 'بل', 'إذا', 'اذا', 'لو', 'إن', 'أن', 'لأن', 'عشان', 'علشان', 'حتى', 'يا',
  'قد', 'لقد', 'أيضا', 'ايضا', 'كمان', 'برضو', 'بردو', 'كذلك', 'فقط', 'يعني', 'طيب', 'طب', 'خلاص', 'هيا', 'يلا', 'ترى',
  // "there is", "to be", tense and aspect markers
  'فيه', 'في', 'كان', 'كانت', 'كنت', 'يكون', 'تكون', 'صار', 'صارت', 'صرت', 'عم', 'رح', 'راح', 'ح', 'سوف', 'هناك', 'يوجد', 'توجد',
  // Levantine عنا ("we have", عندنا), which no ending makes
  'عنا',
  // wanting, being able, having to
  'أريد', 'اريد', 'نريد', 'تريد', 'يريد', 'أود', 'نود', 'أرغب', 'ابي', 'أبي', 'ابغى', 'أبغى', 'ابغي', 'نبي', 'نبغى', 'عايز',
  'عايزه', 'عاوز', 'عاوزه', 'عايزين', 'ممكن', 'يمكن', 'يمكنني', 'يمكنك', 'يمكننا', 'أستطيع', 'استطيع', 'نستطيع', 'تستطيع',
  'أقدر', 'اقدر', 'نقدر', 'تقدر', 'بقدر', 'بتقدر', 'بنقدر', 'منقدر', 'فيي', 'فيني', 'فيك', 'فينا', 'لازم', 'يجب', 'ينبغي', 'محتاج', 'محتاجه',
  // degree, quantity, place and time adverbs
  'جدا', 'كتير', 'كثير', 'كثيرا', 'شوي', 'شوية', 'شويه', 'كل', 'بعض', 'هنا', 'هون', 'هناك', 'هنيك', 'الآن', 'الان',
  'الحين', 'هلق', 'هلأ', 'هسه', 'هسا', 'دلوقتي', 'توا', 'حاليا', 'لسا', 'لسه', 'لساتني', 'لسع', 'بعدين',
  // something, someone, like
  'شي', 'اشي', 'إشي', 'حدا', 'زي', 'متل', 'مثل',
];

/** A word that takes a pronoun, with one: a final ى is written ي before it (على, عليك), and merges with "my" (علي). */
function withPronoun(base: string, ending: string): string {
  if (!base.endsWith('ى')) return base + ending;
  return base.slice(0, -1) + (ending === 'ي' ? 'ي' : 'ي' + ending);
}

const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...WORDS.flatMap((word) => normalizeText(word).split(' ')),
  ...WITH_PRONOUNS.filter((base) => base.length > 1).map(normalizeText),
  ...WITH_PRONOUNS.flatMap((base) => PRONOUN_ENDINGS.map((ending) => normalizeText(withPronoun(base, ending)))),
]);

/**
 * Whether a normalised token is an Arabic function word, also behind a leading و or ف ("and", "so").
 *
 *     isArabicFunctionWord('عندي')  // true
 *     isArabicFunctionWord('وعندي') // true
 *     isArabicFunctionWord('بطاقتي') // false
 */
export function isArabicFunctionWord(token: string): boolean {
  if (FUNCTION_WORDS.has(token)) return true;
  return token.length > 1 && (token[0] === 'و' || token[0] === 'ف') && FUNCTION_WORDS.has(token.slice(1));
}
