// What the customer already wrote in this conversation that no question took: "hi I'm sam@example.com, order #12345
// was charged twice" holds the answers to the email and order number questions, and a question with skip_if_known
// takes its answer from there instead of asking for it. Kept on the flow's position, so a restart keeps it too.
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import type { FieldValue, FlowPosition } from '../store/types.ts';
import { editDistance } from '../shared/suggest.ts';
import { asciiDigits, fold, isolate, shortQuote } from '../shared/text.ts';
import { checkAnswer, emailText, trimPunctuation, type Expect } from './expect.ts';
import { byLanguage, localize, variantIn, type Localized } from './language.ts';
import { PatternTooSlowError } from './patterns.ts';
import { isKnown, type FieldRead, type FieldRef } from './fields.ts';
import type { CompiledFlow } from './types.ts';

/** How many of the customer's texts are kept, newest last, and how much of each: enough for the questions of a flow. */
const TEXTS_KEPT = 10;
const LONGEST_KEPT = 1_000;

/**
 * Keeps `text` among what the customer wrote (`position.heard`), for the questions after this one.
 *
 *     keepHeard(position, "hi I'm sam@example.com, order #12345 was charged twice");
 */
export function keepHeard(position: FlowPosition | undefined, text: string | undefined): void {
  const kept = text?.trim();
  if (!position || !kept) return;
  position.heard = [...(position.heard ?? []), kept.slice(0, LONGEST_KEPT)].slice(-TEXTS_KEPT);
}

/**
 * The answer `expect` finds in what the customer wrote (newest first), taken out of it so that no other question
 * takes it too, with the text it was found in; undefined when none, or when one text holds two different ones (which one is theirs to say). An
 * email address, a phone number, a date, or a word a `regex:` takes whole that has a digit in it (an order number, a
 * reference: "#12345", "ORD-1234."); other kinds of answer are not looked for, since any word could be one (and any
 * figure a number: "order 12345 came with 2 items broken" answers no "How many?").
 *
 *     takeHeard({ type: 'email' }, position); // { value: 'sam@example.com', text: "hi I'm sam@example.com, order #12345…" }
 */
export function takeHeard(expect: Expect, position: FlowPosition | undefined): { value: FieldValue; text: string } | undefined {
  const heard = position?.heard;
  if (!heard) return undefined;
  for (let index = heard.length - 1; index >= 0; index--) {
    const text = heard[index]!;
    const found = answerWithin(expect, text);
    if (found === undefined) continue;
    heard[index] = found.rest;
    position.heard = heard.filter((kept) => kept.trim() !== '');
    return { value: found.value, text };
  }
  return undefined;
}

/**
 * The answer `expect` finds in one text the customer wrote, and the text without it; see `takeHeard`.
 *
 *     answerWithin({ type: 'regex', pattern: /^(?:\d{5})$/u }, 'sorry, I meant 12346'); // { value: '12346', rest: 'sorry, I meant ' }
 */
export function answerWithin(expect: Expect, text: string): { value: FieldValue; rest: string } | undefined {
  try {
    if (expect.type === 'email') {
      const answer = checkAnswer(expect, { text });
      if (!answer.ok || typeof answer.value !== 'string') return undefined;
      const at = emailText(text).toLowerCase().indexOf(answer.value);
      return { value: answer.value, rest: at < 0 ? '' : text.slice(0, at) + text.slice(at + answer.value.length) };
    }
    if (expect.type === 'regex') return patternWithin(expect, text);
    if (expect.type === 'phone') return phoneWithin(expect, text);
    if (expect.type === 'date') return dateWithin(expect, text);
  } catch (error) {
    // A pattern too slow for the text finds nothing in it: the question is asked, and reports it when answered.
    if (error instanceof PatternTooSlowError) return undefined;
    throw error;
  }
  return undefined;
}

function patternWithin(expect: Extract<Expect, { type: 'regex' }>, text: string): { value: FieldValue; rest: string } | undefined {
  const whole = checkAnswer(expect, { text });
  if (whole.ok && /\p{Nd}/u.test(text)) return { value: whole.value, rest: '' };
  let found: { value: FieldValue; word: string } | undefined;
  const words = text.split(/[\s,;:،؛()[\]{}"«»]+/u);
  for (const [index, word] of words.entries()) {
    // Not an email address's digits, nor a word without any: a pattern that takes any word would take "hi".
    if (word.includes('@') || !/\p{Nd}/u.test(word)) continue;
    // Nor an amount: "I paid AED 12345 for order 54321" gives the order 54321.
    if (isAmount(word, words[index - 1], words[index + 1])) continue;
    const bare = trimPunctuation(word);
    // "#12345" for \d{5}, or as written for a pattern that has the mark: #\d{5}.
    const answer = [bare, word].map((candidate) => checkAnswer(expect, { text: candidate })).find((tried) => tried.ok);
    if (!answer?.ok) continue;
    if (found && found.value !== answer.value) return undefined;
    found ??= { value: answer.value, word };
  }
  if (!found) return undefined;
  const at = text.indexOf(found.word);
  return { value: found.value, rest: text.slice(0, at) + text.slice(at + found.word.length) };
}

/**
 * Whether `word`, a word with digits, is an amount of money: a currency's sign or code on it ("$12345", "12345€",
 * "AED12345") or beside it ("AED 12345", "12345 dirhams", «١٢٣٤٥ درهم»).
 */
function isAmount(word: string, before: string | undefined, after: string | undefined): boolean {
  if (/^\p{Sc}|\p{Sc}$/u.test(trimEnds(word))) return true;
  const attached = fold(trimPunctuation(word)).match(/^(\p{L}+)\p{Nd}|\p{Nd}(\p{L}+)$/u);
  if (attached && CURRENCIES.has(attached[1] ?? attached[2]!)) return true;
  return [before, after].some((beside) => beside !== undefined && (CURRENCIES.has(fold(trimPunctuation(beside))) || /^\p{Sc}+$/u.test(beside)));
}

/** A word without the punctuation around it that is no currency sign: "($12345)." → $12345. */
function trimEnds(word: string): string {
  return word.replace(/^[^\p{L}\p{N}\p{Sc}]+|[^\p{L}\p{N}\p{Sc}]+$/gu, '');
}

/** Currency codes and names customers write beside an amount (signs are read as such: `\p{Sc}`). */
const CURRENCIES: ReadonlySet<string> = new Set([
  'aed', 'usd', 'eur', 'gbp', 'sar', 'egp', 'kwd', 'qar', 'omr', 'bhd', 'jod', 'inr', 'pkr', 'chf', 'cad', 'aud',
  'dh', 'dhs', 'dirham', 'dirhams', 'riyal', 'riyals', 'rial', 'rials', 'dollar', 'dollars', 'euro', 'euros',
  'pound', 'pounds', 'bucks', 'dinar', 'dinars', 'rupees', 'lira',
  'درهم', 'دراهم', 'ريال', 'ريالات', 'جنيه', 'جنيهات', 'دينار', 'دنانير', 'دولار', 'دولارات', 'يورو', 'ليرة', 'روبية',
].map(fold));

/**
 * The one phone number written in a text ("call me on +44 7400 123456 after 5"), as `expect: phone` reads it in an
 * answer (a number without its country code only with the question's `country`), and the text without it.
 */
function phoneWithin(expect: Extract<Expect, { type: 'phone' }>, text: string): { value: FieldValue; rest: string } | undefined {
  const answer = checkAnswer(expect, { text });
  if (!answer.ok) return undefined;
  // Arabic-Indic digits are one character each, as their Western equivalents: the places found are the text's.
  const found = findPhoneNumbersInText(asciiDigits(text), expect.country ? { defaultCountry: expect.country } : undefined).find((match) => match.number.number === answer.value);
  return { value: answer.value, rest: found ? text.slice(0, found.startsAt) + text.slice(found.endsAt) : '' };
}

/**
 * The one date written among the words of a text ("my flight on 15/06/2026 was cancelled", «موعدي ١٥/٠٦/١٤٤٧هـ»), as
 * `expect: date` reads a whole answer, and the text without it; none when two different dates are written.
 */
function dateWithin(expect: Expect, text: string): { value: FieldValue; rest: string } | undefined {
  let found: { value: FieldValue; word: string } | undefined;
  for (const word of text.split(/[\s,;()[\]{}"«»،؛]+/u)) {
    // Only a word with a digit and a separator in it can be a date: "15/06/2026", not "order".
    if (!/\p{Nd}[/.-]\p{Nd}/u.test(word)) continue;
    const answer = checkAnswer(expect, { text: trimPunctuation(word) });
    if (!answer.ok) continue;
    if (found && found.value !== answer.value) return undefined;
    found ??= { value: answer.value, word };
  }
  if (!found) return undefined;
  const at = text.indexOf(found.word);
  return { value: found.value, rest: text.slice(0, at) + text.slice(at + found.word.length) };
}

/**
 * Whether a text reads as the customer correcting something they said: "sorry, I meant 12346", "correction: it's
 * sam@example.org", "sorry, my email is sam@example.org", "no wait, order 12346", «أقصد ١٢٣٤٦». Only these words, and
 * not beside one that adds: "no, order 12346 broke too" and "sorry, order 12346 is missing too" are a new need.
 *
 *     readsAsCorrection('oops, typo: 12346'); // true
 */
export function readsAsCorrection(text: string): boolean {
  const words = fold(text).split(/[^\p{L}\p{N}'’]+/u).filter((word) => word !== '');
  if (words.length > LONGEST_CORRECTION || words.some((word) => ADDING_WORDS.has(word))) return false;
  return words.some((word, index) => CORRECTION_WORDS.has(word) || (word === 'i' && CORRECTION_AFTER_I.has(words[index + 1] ?? '')));
}

/** A correction is short: "sorry, I meant 12346, not 12345". */
const LONGEST_CORRECTION = 12;
const CORRECTION_WORDS: ReadonlySet<string> = new Set([
  'meant', 'correction', 'typo', 'oops', 'woops', 'whoops', 'mistyped', 'misspelled', 'typed', 'sorry', 'wait', 'actually',
  'اقصد', 'قصدي', 'قصدت', 'اعني', 'تصحيح', 'الصحيح', 'الصح', 'غلطت', 'غلط', 'عفوا', 'اسف', 'اسفه', 'انتظر', 'استنى',
].map(fold));
/** Words that add to what was said rather than change it: "order 12346 is missing too" is another order. */
const ADDING_WORDS: ReadonlySet<string> = new Set([
  'too', 'also', 'another', 'second', 'both', 'ايضا', 'كمان', 'برضو', 'برضه', 'اخر', 'ثاني', 'تاني',
].map(fold));
/** "I mean 12346": "mean" alone says other things ("what do you mean"). */
const CORRECTION_AFTER_I: ReadonlySet<string> = new Set(['mean']);

/**
 * What the customer reads when their correction of an earlier answer is taken, before the question they were at. With
 * `label` (the question's, given when several questions were answered, so that "it" could be any of them), the field
 * is named: "Thanks, I've changed the order number to 12346." A label written per language without the sentence's
 * language (`{ en: Order number }` for an Arabic customer) is not set inside it: the field goes unnamed, "it", rather
 * than an English name in an Arabic sentence; a plain label is the admin's one name for every language.
 *
 *     correctedText('12346', 'ar', { en: 'Order number', ar: 'رقم الطلب' }); // 'شكرًا، عدّلتُ رقم الطلب إلى 12346.'
 */
export function correctedText(value: FieldValue, language: string | undefined, label?: Localized<string>): string {
  const shown = String(value);
  const sentence = byLanguage({ en: 'en', ar: 'ar' }, language);
  const named = label === undefined ? undefined : label.variants.size === 0 ? label.fallback : variantIn(label, sentence);
  if (named === undefined) return byLanguage({ en: `Thanks, I've changed it to ${shown}.`, ar: `شكرًا، عدّلتُه إلى ${isolate(shown)}.` }, language);
  // "Order number" reads "the order number" in a sentence; "IBAN" stays as written.
  const inSentence = /^\p{Lu}\p{Ll}/u.test(named) ? named[0]!.toLowerCase() + named.slice(1) : named;
  return byLanguage({ en: `Thanks, I've changed the ${inSentence} to ${shown}.`, ar: `شكرًا، عدّلتُ ${isolate(named)} إلى ${isolate(shown)}.` }, language);
}

/**
 * The label of `field` when the customer answered several of the questions before step `upTo`, so that "I've changed
 * it" could be any of them; none when one was answered, or for a field without a label. A label written per language
 * without English or Arabic gets Switchboard's own name of its answer's kind there, where it has one (an email
 * address, a phone number, a date: «البريد الإلكتروني»).
 *
 *     correctedText(value, language, labelToName(flow, position.step, save, (field) => ctx.read(field)).label);
 */
export function labelToName(flow: CompiledFlow, upTo: number, field: FieldRef, read: (field: FieldRef) => FieldRead): { label?: Localized<string> } {
  const answered = new Set(flow.steps.slice(0, upTo).flatMap((step) => (step.kind === 'ask' && step.spec.save && isKnown(read(step.spec.save)) ? [step.spec.save.path] : [])));
  const label = answered.size > 1 ? labelOf(flow, field) : undefined;
  return label === undefined ? {} : { label };
}

/**
 * The flow's label of `field`, a label written per language given Switchboard's own name of its question's answer
 * (an email address, a phone number, a date) in English and Arabic where it has none of its own; undefined without one.
 *
 *     localize(labelOf(flow, email)!, 'ar'); // «البريد الإلكتروني» for `label: { en: Email }`
 */
export function labelOf(flow: CompiledFlow, field: FieldRef): Localized<string> | undefined {
  const label = flow.labels.get(field.path);
  if (label === undefined || label.variants.size === 0) return label;
  const asked = flow.steps.find((step) => step.kind === 'ask' && step.spec.save?.path === field.path);
  const kind = asked?.kind === 'ask' ? KIND_NAMES[asked.spec.expect.type as keyof typeof KIND_NAMES] : undefined;
  return kind === undefined ? label : { variants: new Map([...Object.entries(kind), ...label.variants]), fallback: label.fallback };
}

/**
 * What a reader of `language` calls a field `flow` saves without a label, rather than its name ("order", in Latin
 * letters for an Arabic reader): Switchboard's own name of its question's answer (an email address: «البريد الإلكتروني»,
 * "Email address"), else the answer to its question, quoted as the question asks it in that language («إجابة «ما رقم
 * طلبك؟»», "Answer to “What's your order number?”"); undefined for a field of a question asked in no such words, or with
 * a label (the label names it), or that no question of the flow saves.
 *
 *     unlabelledNameOf(flow, 'conversation.order', 'ar'); // 'إجابة «⁨ما رقم طلبك؟⁩»'
 *     unlabelledNameOf(flow, 'conversation.order', 'en'); // 'Answer to “What's your order number?”'
 */
export function unlabelledNameOf(flow: CompiledFlow, path: string, language: 'en' | 'ar'): string | undefined {
  if (flow.labels.has(path)) return undefined;
  const asked = flow.steps.find((step) => step.kind === 'ask' && step.spec.save?.path === path);
  if (asked?.kind !== 'ask') return undefined;
  const kind = KIND_NAMES[asked.spec.expect.type as keyof typeof KIND_NAMES];
  if (kind !== undefined) return kind[language];
  const question = variantIn(asked.spec.question, language) ?? (asked.spec.question.variants.size === 0 ? asked.spec.question.fallback : undefined);
  // A question that names the customer ({{ contact.name }}) is no name for the field; nor one not written in the reader's script.
  if (question === undefined || question.parts.some((part) => typeof part !== 'string')) return undefined;
  const arabic = /[\u0600-\u06ff]/u.test(question.source);
  if (language === 'ar') return arabic ? `إجابة ${shortQuote(question.source, 'ar')}` : undefined;
  return arabic ? undefined : `Answer to “${shortQuote(question.source, 'en')!.slice(1, -1)}”`;
}

// Switchboard's names of the answers it reads in any text, for a label without the customer's language.
const KIND_NAMES = {
  email: { en: 'Email address', ar: 'البريد الإلكتروني' },
  phone: { en: 'Phone number', ar: 'رقم الهاتف' },
  date: { en: 'Date', ar: 'التاريخ' },
} as const;

/**
 * The answer a correction changes ("sorry, I meant 12346"): the nearest question before step `upTo` whose field holds
 * another answer of the shape the text gives (an email, a phone number, a date, a `regex:` answer), with what it held
 * and what it is to hold; undefined when the text reads as no correction, or changes no answer. Written by the caller.
 *
 *     correctedAnswer(flow, position.step, 'sorry, I meant 12346', read); // { field: conversation.order, was: '12345', value: '12346' }
 */
export function correctedAnswer(flow: CompiledFlow, upTo: number, text: string, read: (field: FieldRef) => FieldRead): { field: FieldRef; was: FieldRead; value: FieldValue } | undefined {
  if (!readsAsCorrection(text)) return undefined;
  for (let index = Math.min(upTo, flow.steps.length) - 1; index >= 0; index--) {
    const step = flow.steps[index]!;
    if (step.kind !== 'ask' || !step.spec.save) continue;
    const was = read(step.spec.save);
    const value = answerWithin(step.spec.expect, text)?.value;
    if (value === undefined || !isKnown(was) || was === value) continue;
    return { field: step.spec.save, was, value };
  }
  return undefined;
}

/**
 * The answer an edit changes: the nearest of `questions` (an email or `regex:` question's saved field and what it
 * expects) whose field holds what `was` gave, and to which `now` gives another answer, with that answer; or, when
 * `now` gives that question no answer at all ("sam@example.com" edited to "sam@example"), that question `refused`
 * (the answer kept, the customer told: `refusedEditText`). Undefined when the edit changes none ("My order is 12345" edited to "…12345, thanks").
 *
 *     editedAnswer([{ expect: order, value: '12345' }], 'My order is 12345', 'My order is 12346'); // { index: 0, value: '12346' }
 *     editedAnswer([{ expect: email, value: 'sam@example.com' }], 'sam@example.com', 'sam@example'); // { index: 0, refused: true }
 *
 * An edit that takes the answer out altogether rather than mistyping it ("My email is sam@example.com" edited to
 * "My email is [removed]": no "@" left for an email, no digit for an answer of digits) is `removed` besides: the
 * customer wanted it gone from the chat, and is not shown it again (`removedEditText`).
 *
 *     editedAnswer([{ expect: email, value: 'sam@example.com' }], 'sam@example.com', 'removed'); // { index: 0, refused: true, removed: true }
 *
 * One that hides it behind stars or dots ("***@***.***", "12**5": `masked`) is taken out too, whatever is left of it.
 */
export function editedAnswer(questions: readonly { expect: Expect; value: unknown }[], was: string, now: string): { index: number; value: FieldValue } | { index: number; refused: true; removed?: true; masked?: true } | undefined {
  for (let index = questions.length - 1; index >= 0; index--) {
    const { expect, value } = questions[index]!;
    if (editedWithin(expect, was) !== value) continue;
    const changed = editedWithin(expect, now);
    if (changed === value) continue;
    // Hidden behind stars or dots ("***@***.***", "12**5"), as some apps show it: no answer, however the pattern
    // reads what is left (the digits of another number beside it), and not a mistyped one either.
    if (masked(now)) return { index, refused: true, removed: true, masked: true };
    if (changed === undefined) return takenOut(expect, String(value), now) ? { index, refused: true, removed: true } : { index, refused: true };
    return { index, value: changed };
  }
  return undefined;
}

/** The characters apps and people hide what they wrote behind: "***@***.***", "12••5". */
const MASK = '*•●∗✱＊';
const MASKING = new RegExp(`[\\p{L}\\p{N}@.][${MASK}]+[\\p{L}\\p{N}@.]|[${MASK}]{2,}[\\p{L}\\p{N}@.]|[\\p{L}\\p{N}@.][${MASK}]{2,}`, 'u');
/** A word in stars for emphasis ("**12346**"), which hides nothing. */
const EMPHASIS = /^([*_~]{1,3})[^*•●∗✱＊]+\1$/u;

/**
 * Whether `text` hides part of a word behind stars or dots: "***@***.***", "12**5", "+44 20 **** 0018"; not a word
 * in stars for emphasis ("**12346**"), nor one star beside a word, which marks a correction ("12346*").
 */
function masked(text: string): boolean {
  return text.split(/\s+/u).some((word) => {
    const bare = word.replace(/^[("'«]+|[)"'».,!?;:]+$/gu, '');
    return !EMPHASIS.test(bare) && MASKING.test(bare);
  });
}

/**
 * What the customer reads when an edit of their answer gives no answer the question takes: the one kept, and how to
 * change it (a correction: "I meant …"), in their language.
 *
 *     refusedEditText({ type: 'email' }, 'sam@example.com', 'en'); // "Your edit doesn't give a valid email address, so I've kept sam@example.com. …"
 */
export function refusedEditText(expect: Expect, kept: FieldValue, language: string | undefined): string {
  const shown = String(kept);
  const what = EDIT_REFUSED_WHAT[expect.type as keyof typeof EDIT_REFUSED_WHAT] ?? EDIT_REFUSED_WHAT.regex;
  return byLanguage({
    en: `Your edit doesn't give a valid ${what.en}, so I've kept ${shown}. To change it, write "I meant" and the right one.`,
    ar: `لا يحتوي تعديلك على ${what.ar}، لذا أبقيتُ ${isolate(shown)}. لتغييره، اكتب «أقصد» ثم الصحيح.`,
  }, language);
}

/**
 * The answer to `expect` a message that may be edited gives: one found among its words (`answerWithin`), else, for a
 * `regex:` question, the whole message when the pattern takes it: an answer of letters alone ("QKZWPT" for a booking
 * code), which is read among other words only with a digit, is its message's when it is the whole of it.
 */
function editedWithin(expect: Expect, text: string): FieldValue | undefined {
  const found = answerWithin(expect, text)?.value;
  if (found !== undefined || expect.type !== 'regex') return found;
  try {
    const whole = checkAnswer(expect, { text });
    return whole.ok ? whole.value : undefined;
  } catch (error) {
    if (error instanceof PatternTooSlowError) return undefined;
    throw error;
  }
}

/**
 * Whether `now` keeps nothing of the answer `value` to `expect`: no "@" of an email, no digit of an answer with digits,
 * no word near an answer of letters alone ("QKZWPT" edited to "[removed]", not to "QKZWP": a mistyped answer keeps most of it).
 */
function takenOut(expect: Expect, value: string, now: string): boolean {
  if (expect.type === 'email') return !/[@＠]/u.test(now);
  if (/\p{Nd}/u.test(value)) return !/\p{Nd}/u.test(now);
  const answer = value.toLowerCase();
  const near = (text: string) => editDistance(text.toLowerCase(), answer) <= Math.max(1, Math.floor(answer.length / 3));
  return !near(now.trim()) && !now.split(/[^\p{L}\p{M}\p{N}]+/u).some((word) => word !== '' && near(word));
}

/**
 * What the customer reads when an edit hid their answer behind stars (`editedAnswer`'s `masked`): that the one they
 * gave before is kept, briefly and without showing it again, in their language.
 *
 *     maskedEditText({ type: 'email' }, 'en'); // "Your edit hides the email address, so I've kept the one you gave before."
 */
export function maskedEditText(expect: Expect, language: string | undefined): string {
  const what = EDIT_REMOVED_WHAT[expect.type as keyof typeof EDIT_REMOVED_WHAT] ?? EDIT_REMOVED_WHAT.regex;
  return byLanguage({
    en: `Your edit hides the ${what.en}, so I've kept the one you gave before.`,
    ar: `يُخفي تعديلك ${what.ar}، لذا أبقيتُ ما أرسلته من قبل.`,
  }, language);
}

/**
 * What the customer reads when an edit took their answer out of the message (`editedAnswer`'s `removed`): that it is
 * still kept, without showing it again, and how to change it or have it removed, in their language.
 *
 *     removedEditText({ type: 'email' }, 'en'); // "You took the email address out of your message, but I still have it. …"
 */
export function removedEditText(expect: Expect, language: string | undefined): string {
  const what = EDIT_REMOVED_WHAT[expect.type as keyof typeof EDIT_REMOVED_WHAT] ?? EDIT_REMOVED_WHAT.regex;
  return byLanguage({
    en: `You took the ${what.en} out of your message, but I still have it. To change it, write "I meant" and the right one; to have it removed, ask us.`,
    ar: `حُذف ${what.ar} من رسالتك المعدَّلة، لكنه ما زال محفوظًا لدينا. لتغييره، اكتب «أقصد» ثم الصحيح؛ ولحذفه، اطلب ذلك منّا.`,
  }, language);
}

const EDIT_REMOVED_WHAT = {
  email: { en: 'email address', ar: 'البريد الإلكتروني' },
  phone: { en: 'phone number', ar: 'رقم الهاتف' },
  date: { en: 'date', ar: 'التاريخ' },
  regex: { en: 'answer', ar: 'الجواب' },
} as const;

/**
 * What an edit refused for `expect` gave none of, in English and Arabic, for the agent's line: "email address",
 * «بريد إلكتروني صالح».
 *
 *     refusedEditWhat({ type: 'email' }); // { en: 'email address', ar: 'بريد إلكتروني صالح' }
 */
export function refusedEditWhat(expect: Expect): { en: string; ar: string } {
  const { en, ar } = EDIT_REFUSED_WHAT[expect.type as keyof typeof EDIT_REFUSED_WHAT] ?? EDIT_REFUSED_WHAT.regex;
  return { en, ar };
}

// The answers an edit is read for (`answerWithin`), named as the refusal of an edit names them.
const EDIT_REFUSED_WHAT = {
  email: { en: 'email address', ar: 'بريد إلكتروني صالح' },
  phone: { en: 'phone number', ar: 'رقم هاتف صالح' },
  date: { en: 'date', ar: 'تاريخ صالح' },
  regex: { en: 'answer', ar: 'إجابة صالحة' },
} as const;
