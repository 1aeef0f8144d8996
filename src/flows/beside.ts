// What a customer writes beside the detail a question asks for: "my email is bob@example.com, I need a refund for
// order 123" answers the email question and says what they need, which the flow should not ask them again.
import { saysMoreThanHello } from '../shared/small-talk.ts';
import { fold } from '../shared/text.ts';
import type { Expect } from './expect.ts';

/**
 * The words of an answer to an email or phone question that say something else than the detail and more than hello,
 * or undefined. The answer is read clause by clause (commas, full stops, "and", «،»…): a clause with the detail in it,
 * or a word for it ("email", "number", «رقمي»), is the answer; the other clauses that say more than courtesies
 * ("thanks", "sure") are kept, and only when the message also tried to give the detail: "I'd rather not" to an email
 * question is no need, and the customer is asked what they need as before.
 *
 *     besideAnswer({ type: 'email' }, 'my email is bob at, I need a refund for order 123'); // 'I need a refund for order 123'
 *     besideAnswer({ type: 'email' }, 'sure, bob@example.com, thanks!');                    // undefined
 */
export function besideAnswer(expect: Expect, text: string, name?: string): string | undefined {
  const about = ABOUT[expect.type as keyof typeof ABOUT];
  if (about === undefined || text.length > LONGEST_READ) return undefined;
  let tried = false;
  const kept: string[] = [];
  for (const clause of clauses(text)) {
    if (clause.some(about)) tried = true;
    // "Sure!" before the need is no part of it.
    else if (saysMoreThanHello(clause.join(' '), name)) kept.push(...clause);
  }
  const beside = trimSeparators(kept.join(' '));
  return tried && beside !== '' ? beside : undefined;
}

/**
 * What a customer wrote to a question whose answer someone else gave meanwhile (an admin typed their email into the
 * contact), without the clauses about that answer: the words that say more than hello, or undefined. Such a message
 * is no answer, and may say what they need ("I was charged twice for my invoice"). Each clause is judged by what it
 * says: `reads` (the NLP model, as the flow routes) takes a clause it reads as a need ("I was already charged twice")
 * and leaves out one it reads as none (small talk, "already told you"); a clause it is unsure of is about the question
 * when it names the detail or points back to it ("I gave it to your colleague on the phone", «أعطيته لزميلك»).
 *
 *     besideKnown({ type: 'email' }, 'I was charged twice for my invoice');       // 'I was charged twice for my invoice'
 *     besideKnown({ type: 'email' }, 'I gave it to your colleague on the phone'); // undefined
 */
export function besideKnown(expect: Expect, text: string, name?: string, reads: (clause: string) => Reading = () => undefined): string | undefined {
  if (text.length > LONGEST_READ) return undefined;
  const about = ABOUT[expect.type as keyof typeof ABOUT] ?? ((word: string) => /\p{Nd}/u.test(word));
  const kept = clauses(text).filter((clause) => {
    const reading = reads(trimSeparators(clause.join(' ')));
    if (reading !== undefined) return reading === 'need';
    return !clause.some((word) => about(word) || POINTS_BACK.has(bare(word))) && saysMoreThanHello(clause.join(' '), name);
  });
  const beside = trimSeparators(kept.flat().join(' '));
  return beside !== '' ? beside : undefined;
}

/**
 * What the NLP model reads in a clause: `need` when a classify step of the flow would route it (an intent it names,
 * at its threshold), `aside` when the model is as sure it is none of those (a greeting, "already told you"), and
 * undefined when it is unsure or no model serves yet.
 */
export type Reading = 'need' | 'aside' | undefined;

/** Words that point back to an answer already given, elsewhere: "I gave it to your colleague", "already sent it". */
const POINTS_BACK: ReadonlySet<string> = new Set([
  'gave', 'given', 'give', 'told', 'already', 'colleague', 'colleagues', 'sent', 'provided', 'earlier',
  'اعطيته', 'اعطيتكم', 'اعطيتك', 'زميلك', 'لزميلك', 'زميلكم', 'لزميلكم', 'ارسلته', 'قلته', 'سابقا', 'بالفعل', 'مسبقا',
].map(fold));

/** Longer texts are no answer to a question for a detail, and are not read for one. */
const LONGEST_READ = 1_000;

/** Whether a word (as written, punctuation included) is about the detail the question asks for. */
const ABOUT: Readonly<Partial<Record<Expect['type'], (word: string) => boolean>>> = {
  email: (word) => word.includes('@') || EMAIL_WORDS.has(bare(word)),
  phone: (word) => /\p{Nd}/u.test(word) || PHONE_WORDS.has(bare(word)),
};

// Not "address" nor "at": a need says them too ("change my delivery address", "charged twice at checkout").
const EMAIL_WORDS: ReadonlySet<string> = new Set([
  'email', 'emails', 'e-mail', 'mail', 'gmail', 'hotmail', 'outlook', 'yahoo', 'icloud', 'dot', 'com',
  'ايميل', 'ايميلي', 'الايميل', 'اميل', 'ميل', 'بريد', 'بريدي', 'البريد', 'الالكتروني', 'الكتروني', 'ات', 'دوت', 'نقطة', 'نقطه', 'كوم',
].map(fold));

const PHONE_WORDS: ReadonlySet<string> = new Set([
  'phone', 'number', 'mobile', 'cell', 'cellphone', 'tel', 'telephone', 'landline', 'call', 'whatsapp', 'reach', 'ring',
  'رقم', 'رقمي', 'الرقم', 'هاتف', 'هاتفي', 'الهاتف', 'جوال', 'جوالي', 'الجوال', 'موبايل', 'موبايلي', 'تلفون', 'تلفوني', 'تليفون',
  'اتصل', 'اتصلوا', 'اتصال', 'واتساب', 'واتس',
].map(fold));

/** A word folded, without its punctuation: "Email:" → email. */
function bare(word: string): string {
  return fold(word).replace(/[^\p{L}\p{N}-]/gu, '');
}

/**
 * The clauses of a text as lists of words: a word ending in a comma, semicolon, full stop, "!" or "?" (Arabic «،» «؛»
 * «؟» too) ends one (a lone mark does not), and "and", "but" and a lone «و» stand between two. Word by word, so that a long run of spaces
 * costs no more than its length.
 */
function clauses(text: string): string[][] {
  const out: string[][] = [[]];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (CONNECTORS.has(word.toLowerCase())) {
      out.push([]);
      continue;
    }
    out.at(-1)!.push(word);
    if (CLAUSE_END.test(word)) out.push([]);
  }
  return out.filter((clause) => clause.length > 0);
}

const CONNECTORS: ReadonlySet<string> = new Set(['and', 'but', 'و']);
// After a letter or digit, or a closing bracket or quote after one ("(sam@example.com),", "<sam@example.com>."): the
// lone dot of "maya @ example . com" ends nothing.
const CLAUSE_END = /[\p{L}\p{N}][)\]}>"'»”’]*[,;.!?،؛؟]+$/u;

/** The text without the commas and semicolons that ended a clause left out: "I need a refund," → I need a refund. */
function trimSeparators(text: string): string {
  let end = text.length;
  while (end > 0 && ',;،؛ '.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}
