// Whether a customer's words say anything beyond hello: the first message that opens a conversation (src/bot), and
// what a customer writes beside the detail a question asks (src/flows), may say what they need, or only be polite.
import { fold } from './text.ts';

/**
 * Whether a message says more than hello: a word remains once greetings, small talk, courtesies, a plea for help
 * with no subject ("hi, can you help me?", "I have a question"), the sender's own name, an email address, emoji and
 * punctuation are set aside. Words, not length: "hello there, good morning!" is longer than "refund please".
 *
 *     saysMoreThanHello('Good morning! Can someone help me?'); // false
 *     saysMoreThanHello('hi, my order A-1234 never arrived');  // true
 */
export function saysMoreThanHello(text: string, name?: string): boolean {
  const own = new Set(words(name ?? ''));
  const said = text.split(/\s+/).filter((word) => !looksLikeAddress(word)).join(' ');
  return words(said).some((word) => !SMALL_TALK.has(word) && !own.has(word));
}

/**
 * Whether a word is written like an email address: something, "@", something, a dot, something. Looked at character
 * by character, not with /\S+@\S+\.\S+/ over the text, which takes time with the cube of a word's length: a first
 * message of 2,000 "@" held the server's one thread for 1.7 s, one of 20,000 for minutes.
 */
function looksLikeAddress(word: string): boolean {
  const at = word.indexOf('@', 1);
  return at > 0 && word.lastIndexOf('.', word.length - 2) >= at + 2;
}

/** Folded words (case, accents and Arabic vowel marks set aside), without punctuation or emoji. */
function words(text: string): string[] {
  return fold(text).replace(/[^\p{L}\p{N}']+/gu, ' ').replace(/'/g, '').split(' ').filter((word) => word !== '');
}

// Greetings, small talk, courtesies, yeses and corrections ("sure, it's …", "oops, typo", «تفضل»), and the words of a
// plea for help that names no subject, in English and in Arabic (standard and dialect), as `words` folds them. A word
// that may say a need ("support", "order", "price", "want", "problem") is not here.
const SMALL_TALK: ReadonlySet<string> = new Set(words(`
  hi hii hiii hello helo hallo hey heyy hiya howdy yo greetings salut hola good morning afternoon evening day night gm
  there all everyone everybody team guys folks friend friends sir madam maam dear mr mrs ms
  how are you u r ya doing is it going whats up sup hope well fine
  thanks thank thx ty please pls plz ok okay hmm um so just cheers sorry
  sure yes yeah yep yup no of course it its is that thats the much lot very oops typo meant mean actually wrong one
  anyone anybody someone somebody here there can could would will may might i me my we help assist assistance
  need have got a an some quick small question questions query inquiry enquiry ask with to for this am name
  مرحبا مرحبتين اهلا اهلين هلا هلو هاي السلام سلام عليكم وعليكم ورحمة الله وبركاته صباح مساء الخير النور
  كيف كيفك كيفكم حالك حالكم الحال اخبارك الاخبار شو وش ازيك عامل ايه شلونك
  نعم اي ايوه اكيد طبعا تفضل تفضلي حاضر اوكي تمام اسف اسفة عفوا غلط غلطة قصدي اقصد هذا هو هي وشكرا
  شكرا لو سمحت سمحتي من فضلك فضلكم يا اخي اختي استاذ ممكن مساعدة مساعده ساعدني ساعدوني عندي لدي سؤال استفسار احد
`));
