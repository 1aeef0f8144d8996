// What an `ask` step accepts (`expect:`): each type checks the customer's answer and says what to save.
// Text types read only what was typed (or the pressed button); image, file and location read only attachments.
import { findPhoneNumbersInText, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';
import type { Attachment, FieldValue } from '../store/types.ts';
import { matchChoice, onlyCourtesy, type FlowChoice } from './choices.ts';
import { matchesWithinLimit } from './patterns.ts';
import type { FlowInput } from './types.ts';
import { asciiDigits, fold } from '../shared/text.ts';

/** A compiled `expect:`. */
export type Expect =
  | { type: 'text' | 'email' | 'number' | 'date' }
  | { type: 'phone'; country?: CountryCode }
  | { type: 'choice'; choices: FlowChoice[] }
  /** `example`: an answer it takes, shown to a customer whose answer it refused (`example:` in the flow). */
  | { type: 'regex'; pattern: RegExp; example?: string }
  | { type: AttachmentExpect };

/** The expect types answered with an attachment rather than text. */
export const ATTACHMENT_EXPECT_TYPES = ['image', 'file', 'location'] as const;
export type AttachmentExpect = (typeof ATTACHMENT_EXPECT_TYPES)[number];

/** The names `expect:` takes; `regex:<pattern>` besides. */
export const EXPECT_TYPES = ['text', 'email', 'phone', 'number', 'date', 'choice', ...ATTACHMENT_EXPECT_TYPES] as const;

/**
 * The answer accepted (with the value to save), or refused. `notKept`: the customer sent an attachment of the
 * expected kind, but its bytes were not kept (too large, could not be fetched); the runtime tells them why.
 */
export type Answer = { ok: true; value: FieldValue } | { ok: false; notKept?: true; why?: Refusal };

/**
 * Why an answer was refused, where more can be said than "that is not one": the customer then hears what to fix.
 * `several_emails`: two different addresses; `email_ending`: an address with no ending after its domain (`maya@example`);
 * `email_in_words`: an address spaced out or spoken among other words ("contact me at gmail dot com"), where which
 * words are the address cannot be told; `several_phones`: two different phone numbers ("+44 7400 123456 or 07400 654321").
 */
export type Refusal = 'several_emails' | 'email_ending' | 'email_in_words' | 'several_phones';

const email = z.string().email();

/**
 * Whether `text` is an email address a mail server delivers to: one zod takes (ASCII), or an internationalised one
 * (RFC 6531, RFC 5890) such as «أحمد@مثال.مصر», josé@exämple.com, пример@почта.рф or user@xn--mgbh0fb.xn--wgbh1c,
 * which zod's ASCII pattern refuses. `text` is NFC already.
 *
 *     isAddress('пример@почта.рф'); // true
 *     isAddress('a@b');             // false
 */
function isAddress(text: string): boolean {
  return email.safeParse(text).success || internationalAddress(text);
}

/**
 * The check for what zod refuses, written here since no dependency validates internationalised addresses: the local
 * part a dot-atom of letters, marks and digits of any script and ASCII's atext (RFC 6531 allows any non-ASCII
 * character; symbols and punctuation other scripts type around an address, «،» «؟», stay out, so they are never glued
 * to one), at most 64 bytes; the domain a host name once in its ASCII form (Node's `domainToASCII`, the WHATWG URL
 * Standard's UTS #46 mapping): labels of letters, digits and inner hyphens of at most 63 (in both forms), at least two, at most 253 in
 * all, ending in a top-level domain of letters or an A-label (`xn--…`).
 */
function internationalAddress(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at <= 0) return false;
  const local = text.slice(0, at);
  if (Buffer.byteLength(local) > 64 || !LOCAL_PART.test(local)) return false;
  const domain = text.slice(at + 1);
  if (/[\s@]/u.test(domain)) return false;
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > 253) return false;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label)) || !TOP_LEVEL.test(labels.at(-1)!)) return false;
  // An A-label's letters hide a hyphen its Unicode form begins or ends with («-مثال»), which no host name may.
  return domainToUnicode(ascii).split('.').every((label) => !label.startsWith('-') && !label.endsWith('-'));
}

const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Checks an answer against `expect`. Throws `PatternTooSlowError` when a `regex:` pattern runs out of time on it.
 *
 *     checkAnswer({ type: 'number' }, { text: '٤٢' });             // { ok: true, value: 42 }
 *     checkAnswer({ type: 'image' }, { attachments: [{ kind: 'image', ref: 'ab12' }] }); // 'media:ab12'
 */
export function checkAnswer(expect: Expect, input: FlowInput): Answer {
  if (expect.type === 'image' || expect.type === 'file' || expect.type === 'location') {
    return attachmentAnswer(expect.type, input.attachments ?? []);
  }
  const typed = (input.text ?? input.choice ?? '').trim();
  // Phones and Arabic keyboards wrap what is pasted or typed in a right-to-left context in invisible direction marks
  // (Android puts U+202A … U+202C around a copied phone number): they are no part of an address, number or code.
  const text = expect.type === 'text' ? typed : typed.replace(BIDI_CONTROLS, '').trim();
  // A message with only a photo (say) answers no typed question, not even a pattern that allows blank text.
  if (text === '') return refused;
  switch (expect.type) {
    case 'text':
      return { ok: true, value: text };
    case 'email':
      return emailAnswer(text);
    case 'phone':
      return phone(text, expect.country);
    case 'number':
      return number(text);
    case 'date':
      return date(text);
    case 'choice': {
      const choice = matchChoice(expect.choices, input);
      return choice ? { ok: true, value: choice.id } : refused;
    }
    case 'regex': {
      if (matchesWithinLimit(expect.pattern, text)) return { ok: true, value: text };
      // Digits may be typed in Arabic-Indic form (FORMAT.md): "ORD-١٢٣٤" answers ORD-\d{4}, and is saved as ORD-1234.
      const plain = asciiDigits(text);
      return plain !== text && matchesWithinLimit(expect.pattern, plain) ? { ok: true, value: plain } : refused;
    }
  }
}

/**
 * A text as an email address is read in it: Arabic-Indic and full-width digits as ASCII ones, and the full-width "＠"
 * and "．" a Japanese or Chinese keyboard may type as "@" and ".". One character stays one.
 *
 *     emailText('sam＠example．com'); // 'sam@example.com'
 */
export function emailText(text: string): string {
  return asciiDigits(text).replace(/[＠．]/gu, (mark) => (mark === '＠' ? '@' : '.'));
}

/**
 * The address an answer gives, in lower case: the whole answer, or the one address among its words, as customers
 * write it in a sentence ("It's mona@example.com", "بريدي هو mona@example.com", "<mona@example.com>."), or the whole
 * answer spaced out or spoken (`spacedAddress`). Two different addresses give none: which one to keep is the
 * customer's to say, and they are told so. Arabic-Indic digits count as their Western equivalents ("maya٩٥@…").
 *
 *     emailAnswer('my email is Mona@Example.com.'); // { ok: true, value: 'mona@example.com' }
 *     emailAnswer('maya @ example . com');          // { ok: true, value: 'maya@example.com' }
 */
function emailAnswer(typed: string): Answer {
  if (typed.length > LONGEST_EMAIL_ANSWER) return refused;
  // Composed (NFC): "é" typed as "e" and a combining accent is saved as the one character, as other apps compare it.
  const text = emailText(typed).normalize('NFC');
  // Without an "@" zod's refusal (an issue object and its message) is work for nothing: such answers are common.
  if (text.includes('@') && isAddress(text)) return { ok: true, value: text.toLowerCase() };
  const found = addressesIn(text);
  // "mona @ example.com or mona@work.example" names two as well, though only one is written whole.
  if (found.size > 1 || (found.size === 1 && addressesIn(glued(text, '@')).size > 1)) {
    return { ok: false, why: 'several_emails' };
  }
  if (found.size === 1) return { ok: true, value: [...found][0]! };
  const spaced = spacedAddress(text);
  if (spaced !== undefined) return spaced;
  // "maya@example": the one thing missing is the ending (.com), and saying so is more use than "not an address"; in a
  // sentence too ("my email is maya@example"), when it is the one word with an "@".
  if (/^[^\s@]+@[\p{L}\p{N}-]+$/u.test(glued(trimPunctuation(text), '@'))) return { ok: false, why: 'email_ending' };
  const withAt = text.split(/\s+/).filter((word) => word.includes('@'));
  return withAt.length === 1 && /^[^@]+@[\p{L}\p{N}-]+$/u.test(trimPunctuation(withAt[0]!)) ? { ok: false, why: 'email_ending' } : refused;
}

/**
 * The longest answer read for an address: an address has at most 254 characters, and a sentence around one some
 * dozens more. A longer text answers something else; it is refused unread (reading it costs time with every character).
 */
const LONGEST_EMAIL_ANSWER = 1_000;

/** The addresses among the words of a text, in lower case. */
function addressesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const word of text.split(/[\s,;:،؛<>()[\]{}"«»]+/u)) {
    const bare = trimPunctuation(word);
    if (bare.includes('@') && isAddress(bare)) found.add(bare.toLowerCase());
  }
  return found;
}

/**
 * The address of a whole answer written with spaces around its "@" and dots, as phone keyboards and dictation write
 * it ("maya @ example . com"), or spoken: "maya at example dot com", "maya.smith at example.co.uk", and with the Arabic
 * words for them, "maya آت example دوت com" («نقطة» for "dot", «كوم» for a last "com"). Only the whole answer, so that no
 * word of a sentence is glued to an address: "maya smith @ example.com" could be smith@ or mayasmith@, and gives none.
 * "at" counts once (the last, in an answer with several, which is then a sentence), only in an answer with no "@",
 * and only with a dot after it. A space after the last dot but none
 * before it ends a sentence ("maya @ example.com. thanks"), so that answer gives none. An answer with an address among
 * other words is refused as `email_in_words`, and so is a spoken one whose name is a word that goes before "at" in a
 * sentence ("look at example dot com", "me at gmail dot com"): a name like that is typed with "@" or not at all.
 *
 *     spacedAddress('Maya at Example dot com'); // { ok: true, value: 'maya@example.com' }
 *     spacedAddress('look at example dot com'); // { ok: false, why: 'email_in_words' }
 */
function spacedAddress(text: string): Answer | undefined {
  // Word by word, not with patterns around runs of spaces (/\s+at\s+/), which take time with the square of a run's
  // length: an answer of spaces is the customer's to send.
  const words = trimPunctuation(text).split(/\s+/);
  const spoken = !words.some((word) => word.includes('@'));
  let sentence = false;
  if (spoken) {
    const at = words.flatMap((word, i) => (i > 0 && i < words.length - 1 && SPOKEN_AT.test(word) ? [i] : []));
    if (at.length === 0) return undefined;
    // "reach me at maya at example dot com": with "at" twice the answer is a sentence, whose address (after the last
    // "at", if any) is among other words and is never taken.
    sentence = at.length > 1;
    words[at.at(-1)!] = '@';
  }
  const spaced = words
    .map((word, i) => (i > 0 && i < words.length - 1 && SPOKEN_DOT.test(word) ? '.' : i > 1 && SPOKEN_DOT.test(words[i - 1]!) && SPOKEN_COM.test(word) ? 'com' : word))
    .join(' ');
  const lastDot = spaced.lastIndexOf('.');
  if (lastDot > 0 && spaced[lastDot - 1] !== ' ' && spaced[lastDot + 1] === ' ') return inWords(glued(spaced, '@'));
  const joined = glued(spaced, '@.');
  if (sentence || /\s/.test(joined)) return inWords(joined);
  // Spoken ("maya at example dot com"), only an ASCII address is taken: "at" and "dot" name no other script's.
  if (!(spoken ? email.safeParse(joined).success : isAddress(joined))) return undefined;
  if (spoken && SENTENCE_WORDS.has(joined.slice(0, joined.lastIndexOf('@')).toLowerCase())) return { ok: false, why: 'email_in_words' };
  return { ok: true, value: joined.toLowerCase() };
}

/** `email_in_words` when an address stands among the words of `text`, else nothing to say. */
function inWords(text: string): Answer | undefined {
  return addressesIn(text).size > 0 ? { ok: false, why: 'email_in_words' } : undefined;
}

/** "at" and "dot" as spoken, in English and as Arabic speakers write them; «كوم», "com" after a spoken dot. */
const SPOKEN_AT = /^(at|آت|أت|ات)$/iu;
const SPOKEN_DOT = /^(dot|دوت|نقطة|نقطه)$/iu;
const SPOKEN_COM = /^كوم$/u;

/**
 * Words that go before "at" in a sentence far more often than they name a mailbox: "look at example dot com" is a
 * website, "me at gmail dot com" someone's account at Gmail, "I'm at home dot com" no address at all.
 */
const SENTENCE_WORDS: ReadonlySet<string> = new Set([
  'i', 'im', "i'm", 'me', 'my', 'you', 'your', 'he', 'him', 'his', 'she', 'her', 'we', 'us', 'our', 'they', 'them', 'their', 'it', 'its', "it's",
  'this', 'that', "that's", 'here', 'there', 'am', 'is', 'are', 'was', 'were', 'be', 'been',
  'look', 'looking', 'see', 'check', 'visit', 'go', 'click', 'find', 'reach', 'contact', 'email', 'e-mail', 'write', 'message', 'text', 'call',
  'stay', 'live', 'work', 'working', 'meet', 'available', 'online', 'home',
]);

/** `text` with the spaces around each of `marks` taken out: glued('maya @ example . com', '@.') → maya@example.com. */
function glued(text: string, marks: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !marks.includes(text[i]!)) continue;
    out += text.slice(start, i).trim() + (text[i] ?? '');
    start = i + 1;
  }
  return out;
}

/** A word or answer without the punctuation, brackets and quotes around it: "<mona@example.com>." → mona@example.com. */
export function trimPunctuation(text: string): string {
  // Scanned from each end, not /[^\p{L}\p{N}]+$/, which takes time with the square of a run of punctuation.
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && !LETTER_OR_DIGIT.test(chars[start]!)) start++;
  while (end > start && !LETTER_OR_DIGIT.test(chars[end - 1]!)) end--;
  return start === 0 && end === chars.length ? text : chars.slice(start, end).join('');
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Whether an answer `checkAnswer` refused still reads as a try at the question, not as something else the customer
 * says: a few words (three at most) with a digit in them ("4 thanks", "5/5", "٤ من ٥"), a number written out first
 * ("five", "five stars"), a word that is itself an answer ("great thanks" to a choice titled Great), or no words at
 * all ("⭐⭐⭐⭐", "👍"). Answers of `image`, `file` and `location` are never tried in words.
 *
 *     triesToAnswer({ type: 'number' }, { text: '4 thanks' });                    // true
 *     triesToAnswer({ type: 'number' }, { text: 'I also have a problem with my invoice' }); // false
 */
export function triesToAnswer(expect: Expect, input: FlowInput): boolean {
  if (isAttachmentExpect(expect.type)) return false;
  const text = (input.text ?? '').replace(BIDI_CONTROLS, '').trim();
  if (text === '') return false;
  if (!/\p{L}/u.test(text)) return true;
  const words = text.split(/\s+/);
  if (words.length > 3) return false;
  if (/\p{Nd}/u.test(text)) return true;
  const first = fold(words[0] ?? '').replace(/[^\p{L}]/gu, '');
  if (words.length <= 2 && NUMBER_WORDS.has(first)) return true;
  return words.some((word) => {
    const bare = word.replace(/[^\p{L}\p{N}@.+-]/gu, '');
    return bare !== '' && checkAnswer(expect, { text: bare }).ok;
  });
}

/**
 * The answer no choice took, trimmed, when it is words of the customer's own that a choice question's `otherwise:`
 * keeps; undefined for what is asked again as without it: nothing, a file, a number (in range or not), a try at a
 * choice ("no, wrong", "option 3"), courtesy alone.
 *
 *     ownWords(expect, { text: 'no, I still cannot log in' }); // 'no, I still cannot log in'
 *     ownWords(expect, { text: 'thanks' });                    // undefined
 */
export function ownWords(expect: Expect, input: FlowInput): string | undefined {
  const text = input.text?.trim() ?? '';
  if (text === '' || (input.attachments?.length ?? 0) > 0 || !/\p{L}/u.test(text)) return undefined;
  return triesToAnswer(expect, input) || onlyCourtesy(text) ? undefined : text;
}

/**
 * Whether a refused answer is the customer declining to give it ("no thanks", "skip", "I'd rather not", «لا شكرًا»):
 * asked again, they would only read that what they wrote is not an email address. The whole answer, as folded words;
 * a sentence that says more is no decline. Never for `choice` (where "no" may be an option) or attachments.
 *
 *     declinesToAnswer({ type: 'email' }, { text: 'No thanks!' }); // true
 *     declinesToAnswer({ type: 'email' }, { text: 'no, wait: it is maya@example' }); // false
 */
export function declinesToAnswer(expect: Expect, input: FlowInput): boolean {
  if (expect.type === 'choice' || isAttachmentExpect(expect.type) || input.text === undefined || input.text.length > 60) return false;
  return DECLINES.has(fold(input.text.replace(BIDI_CONTROLS, '')).replace(/['’]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
}

// Folded, without apostrophes and punctuation.
const DECLINES: ReadonlySet<string> = new Set([
  'no', 'nope', 'nah', 'no thanks', 'no thank you', 'no sorry', 'sorry no', 'skip', 'skip it', 'skip this', 'pass', 'not now', 'later',
  'rather not', 'id rather not', 'i would rather not', 'id rather not say', 'i would rather not say', 'prefer not to say', 'id prefer not to',
  'i dont have one', 'dont have one', 'i dont have an email', 'i dont have email', 'no email', 'none', 'n a', 'i dont want to', 'no i dont want to',
  'لا', 'لأ', 'لا شكرا', 'لا شكرًا', 'لا اريد', 'لا أريد', 'لا ارغب', 'لا أرغب', 'ما ابي', 'ما أبي', 'ما ابغى', 'ما عندي', 'ما عندي ايميل', 'ليس لدي',
  'ليس لدي بريد', 'لا يوجد', 'لا يوجد لدي', 'تخطي', 'تخطى', 'لاحقا', 'لاحقًا', 'مش عايز', 'مش حابب',
].map((phrase) => fold(phrase).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()));

/** Numbers a rating is written out with, in English and Arabic. */
const NUMBER_WORDS: ReadonlySet<string> = new Set([
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'صفر', 'واحد', 'اثنان', 'اثنين', 'ثلاثة', 'ثلاث', 'اربعة', 'اربع', 'خمسة', 'خمس', 'ستة', 'سبعة', 'ثمانية', 'تسعة', 'عشرة',
]);

/**
 * True when `type` is answered with an attachment (`expect: image | file | location`).
 *
 *     if (isAttachmentExpect(expect)) return { type: expect }; // expect: 'image', say
 */
export function isAttachmentExpect(type: string): type is AttachmentExpect {
  return (ATTACHMENT_EXPECT_TYPES as readonly string[]).includes(type);
}

/**
 * True for a country code libphonenumber knows; the loader checks `country:` with it.
 *
 *     isPhoneCountry('EG'); // true
 */
export function isPhoneCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

const refused: Answer = { ok: false };

/** Invisible bidirectional controls: ALM, LRM, RLM, the embeddings and overrides (LRE … RLO) and the isolates (LRI … PDI). */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// A photo sent "as a file" (uncompressed) arrives as a document; it is still a picture. Stickers are reactions,
// not files a customer hands over, so they answer neither.
const FITS: Readonly<Record<AttachmentExpect, (attachment: Attachment) => boolean>> = {
  image: (a) => a.kind === 'image' || (a.kind === 'document' && a.mime?.startsWith('image/') === true),
  file: (a) => a.kind === 'image' || a.kind === 'audio' || a.kind === 'video' || a.kind === 'document',
  location: (a) => a.kind === 'location',
};

// The first attachment that fits and was kept answers. One that fits but was not kept is reported as such, so
// the question is asked again rather than an "invalid" text that would blame the customer's choice of file.
function attachmentAnswer(type: AttachmentExpect, attachments: readonly Attachment[]): Answer {
  const fitting = attachments.filter(FITS[type]);
  for (const attachment of fitting) {
    if (attachment.refused !== undefined) continue;
    if (type === 'location' && attachment.location) {
      return { ok: true, value: `${attachment.location.latitude},${attachment.location.longitude}` };
    }
    if (type !== 'location' && attachment.ref !== undefined) return { ok: true, value: `media:${attachment.ref}` };
  }
  return fitting.length > 0 ? { ok: false, notKept: true } : refused;
}

/**
 * The number an answer gives, in E.164: the whole answer, or the one number among its words, as customers write it in a
 * sentence ("my number is +44 7400 123456", "call me on 07400 123456 please", «رقمي 0501234567»); a number without its
 * country code only when the step names the country. Unlike an email address, a number keeps its spaces in a sentence
 * without doubt about where it starts and ends: its digits do. Two different numbers give none, and the customer is
 * told to send the one to use. Other digits in the sentence (an order number) are no phone number and do not count.
 *
 *     phone('call me on 07400 123456 please', 'GB'); // { ok: true, value: '+447400123456' }
 *     phone('+44 7400 123456 or +44 7400 654321');  // { ok: false, why: 'several_phones' }
 */
function phone(typed: string, country?: CountryCode): Answer {
  if (typed.length > LONGEST_PHONE_ANSWER) return refused;
  const text = asciiDigits(typed);
  const whole = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
  if (whole?.isValid()) return { ok: true, value: whole.number };
  const found = new Set(findPhoneNumbersInText(text, country ? { defaultCountry: country } : undefined).map((match) => match.number.number));
  if (found.size > 1) return { ok: false, why: 'several_phones' };
  return found.size === 1 ? { ok: true, value: [...found][0]! } : refused;
}

/**
 * The longest answer read for a phone number: a sentence around one is some dozens of characters. Finding numbers in a
 * text takes time with every character (some 20 ms for 1,000 digits and spaces), so a longer one is refused unread.
 */
const LONGEST_PHONE_ANSWER = 300;

function number(text: string): Answer {
  // Arabic decimal and thousands separators (٫ ٬), and "1,000"-style grouping, are common in typed numbers.
  let plain = asciiDigits(text).replace(/\s+/g, '').replace(/\u066b/g, '.').replace(/\u066c/g, '');
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain)) plain = plain.replace(/,/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(plain)) return refused;
  return { ok: true, value: Number(plain) };
}

/**
 * Years no customer means in the Gregorian calendar, and that are the Hijri years of living people and of dates to
 * come (1447 AH is 2025): such a date is one of the Umm al-Qura calendar, which Saudi customers write.
 */
const HIJRI_YEARS = { from: 1300, to: 1600 } as const;

const UMM_AL_QURA = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const HIJRI_EPOCH_MS = Date.UTC(622, 6, 19);
const DAY_MS = 86_400_000;

/**
 * The Gregorian date (yyyy-mm-dd) of the Hijri date `day`/`month`/`year` in the Umm al-Qura calendar; undefined for
 * one that does not exist (the 30th of a month of 29 days, a 13th month). Found by asking the calendar about the days
 * around the mean month's estimate, which it never strays far from.
 *
 *     fromHijri(1447, 6, 15); // '2025-12-06'
 */
function fromHijri(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 30) return undefined;
  const estimate = HIJRI_EPOCH_MS + Math.round((year - 1) * 354.36667 + (month - 1) * 29.53059 + (day - 1)) * DAY_MS;
  for (let offset = -5; offset <= 5; offset++) {
    const at = new Date(estimate + offset * DAY_MS);
    const parts = Object.fromEntries(UMM_AL_QURA.formatToParts(at).map((part) => [part.type, part.value]));
    if (Number(parts.year) === year && Number(parts.month) === month && Number(parts.day) === day) return at.toISOString().slice(0, 10);
  }
  return undefined;
}

function date(text: string): Answer {
  // «١٥/٠٦/١٤٤٧هـ»: the Hijri era's mark after the year.
  const plain = asciiDigits(text).replace(/\s*\u0647\u0640?$/u, '');
  // Year first with any of the separators: 2025-12-31, and 2025/12/31 or 1447/06/15 as Saudi forms write them.
  const yearFirst = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(plain);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(plain);
  const [year, month, day] = yearFirst
    ? [yearFirst[1], yearFirst[2], yearFirst[3]].map(Number)
    : dayFirst
      ? [dayFirst[3], dayFirst[2], dayFirst[1]].map(Number)
      : [];
  if (year === undefined || month === undefined || day === undefined) return refused;
  if (year >= HIJRI_YEARS.from && year <= HIJRI_YEARS.to) {
    const gregorian = fromHijri(year, month, day);
    return gregorian === undefined ? refused : { ok: true, value: gregorian };
  }
  // Date.UTC rolls 31/04 over to 1/05; a date that does not survive the round trip does not exist.
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    return refused;
  }
  return { ok: true, value: parsed.toISOString().slice(0, 10) };
}
