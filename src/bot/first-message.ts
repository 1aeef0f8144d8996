// What the message that opens a conversation says the customer needs: `conversation.first_message`, which a flow
// may take as the need instead of asking it ("How can we help you today?").
import type { InboundMessage } from '../types.ts';
import { fold } from '../shared/text.ts';

/**
 * The words of the message that opens a conversation, when they say what the customer needs; undefined when they
 * say nothing of it. A returning customer (`returning`: they had a conversation before) usually opens with what they
 * need now. A newcomer's first message is often only "hi", and counts only when it says more than a greeting
 * (`saysMoreThanHello`): "my order A-1234 never arrived" does, "hello there!" does not. A button (of a question
 * long gone, a Get Started) or a chat command (Telegram's /start, a deep link's /start summer-ad) says no need.
 *
 *     firstMessage({ text: 'I would like to buy the premium plan' }, { returning: false }); // the text
 *     firstMessage({ text: 'Hello there!' }, { returning: false, name: 'Layla' });        // undefined
 */
export function firstMessage(inbound: Pick<InboundMessage, 'text' | 'choice'>, options: { returning: boolean; name?: string }): string | undefined {
  const text = inbound.text?.trim() ?? '';
  if (inbound.choice !== undefined || text === '' || /^\/[a-z0-9_]+(?:@\w+)?(?:\s|$)/i.test(text)) return undefined;
  return options.returning || saysMoreThanHello(text, options.name) ? text : undefined;
}

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
  return words(text.replace(EMAIL, ' ')).some((word) => !SMALL_TALK.has(word) && !own.has(word));
}

const EMAIL = /\S+@\S+\.\S+/g;

/** Folded words (case, accents and Arabic vowel marks set aside), without punctuation or emoji. */
function words(text: string): string[] {
  return fold(text).replace(/[^\p{L}\p{N}']+/gu, ' ').replace(/'/g, '').split(' ').filter((word) => word !== '');
}

// Greetings, small talk and courtesies, and the words of a plea for help that names no subject, in English and in
// Arabic (standard and dialect), as `words` folds them. A word that may say a need ("support", "order", "price",
// "want") is not here.
const SMALL_TALK: ReadonlySet<string> = new Set(words(`
  hi hii hiii hello helo hallo hey heyy hiya howdy yo greetings salut hola good morning afternoon evening day night gm
  there all everyone everybody team guys folks friend friends sir madam maam dear mr mrs ms
  how are you u r ya doing is it going whats up sup hope well fine
  thanks thank thx ty please pls plz ok okay hmm um so just
  anyone anybody someone somebody here there can could would will may might i me my we help assist assistance
  need have got a an some quick small question questions query inquiry enquiry ask with to for this am name
  مرحبا مرحبتين اهلا اهلين هلا هلو هاي السلام سلام عليكم وعليكم ورحمة الله وبركاته صباح مساء الخير النور
  كيف كيفك كيفكم حالك حالكم الحال اخبارك الاخبار شو وش ازيك عامل ايه شلونك
  شكرا لو سمحت سمحتي من فضلك فضلكم يا اخي اختي استاذ ممكن مساعدة مساعده ساعدني ساعدوني عندي لدي سؤال استفسار احد
`));
