// What an `ask` step says, when its flow does not word it, after an answer it refuses (what was wrong, and the shape
// it wants) and after the last try, when it goes on without the answer. English and Arabic, English for others.
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { Expect, Refusal } from './expect.ts';
import type { Localized } from './language.ts';
import { isolate, isolateRtl } from '../shared/text.ts';

/**
 * What the bot says after an invalid answer when the step has no `invalid:` text: what was wrong and how to write it.
 * `again`: the customer made the same mistake as the last time; a person would not say the very same sentence twice,
 * so it is said again shorter, with the example.
 *
 *     localize(defaultInvalidText({ type: 'email' }), 'en'); // "That doesn't look like an email address. Please write it like name@example.com."
 *     localize(defaultInvalidText({ type: 'email' }, 'email_ending'), 'en'); // "That email address is missing its ending…"
 *     localize(defaultInvalidText({ type: 'email' }, undefined, true), 'en'); // "Sorry, that's still not an email address…"
 */
export function defaultInvalidText(expect: Expect, why?: Refusal, again = false): Localized<string> {
  const national = expect.type === 'phone' && expect.country ? getExampleNumber(expect.country, examples)?.formatNational() : undefined;
  // Two numbers are told to send one, whatever the country: an example of how to write one would not say that.
  if (national !== undefined && why === undefined) return withExample(again ? NATIONAL_PHONE_AGAIN : NATIONAL_PHONE, national);
  if (expect.type === 'regex' && expect.example !== undefined) return withExample(again ? EXAMPLE_AGAIN : EXAMPLE, expect.example);
  const key = why ?? expect.type;
  const texts = again ? INVALID_AGAIN : INVALID;
  return inLanguages({ en: texts.en[key], ar: texts.ar[key] });
}

type WithExample = Readonly<Record<'en' | 'ar', (example: string) => string>>;

function withExample(texts: WithExample, example: string): Localized<string> {
  return inLanguages({ en: texts.en(example), ar: texts.ar(example) });
}

/**
 * What the bot says when the last try fails and the flow goes on without the answer (`on_fail: continue`) and the
 * step has no `failed:` text: without it, the next question reads as if the answer had been taken.
 *
 *     localize(defaultFailedText({ type: 'email' }), 'en'); // "I couldn't take that as an email address, so let's go on without it."
 *     localize(defaultFailedText({ type: 'email' }, true), 'en'); // "No problem, let's go on without it." (they declined)
 */
export function defaultFailedText(expect: Expect, declined = false): Localized<string> {
  return declined ? inLanguages(DECLINED) : inLanguages({ en: FAILED.en[expect.type], ar: FAILED.ar[expect.type] });
}

// The customer said they would rather not answer ("no thanks"): taken as said, not as a failed try.
const DECLINED = { en: 'No problem, let\'s go on without it.', ar: 'لا بأس، سنكمل من دونه.' };

function inLanguages(texts: { en: string; ar: string }): Localized<string> {
  return { variants: new Map(Object.entries(texts)), fallback: texts.en };
}

// Text set in Arabic that reads left to right (a phone number, ".com") is isolated (LRI … PDI): its spaced digit
// groups and leading dot would otherwise be laid out right to left.
const INVALID: Readonly<Record<'en' | 'ar', Readonly<Record<Expect['type'] | Refusal, string>>>> = {
  en: {
    text: 'Sorry, I didn\'t get that. Could you type your answer?',
    email: 'That doesn\'t look like an email address. Please write it like name@example.com.',
    several_emails: 'That\'s more than one email address. Please send just the one we should use.',
    email_ending: 'That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.',
    email_in_words: 'I couldn\'t tell your email address apart from the other words. Please send just the address, written like name@example.com.',
    phone: 'That doesn\'t look like a phone number. Please write it with the country code, like +44 20 7946 0958.',
    several_phones: 'That\'s more than one phone number. Please send just the one we should use.',
    number: 'Please answer with a number, like 3.',
    date: 'Please send a date like 31/12/2025 or 2025-12-31.',
    choice: 'Please pick one of the options (you can also type its number).',
    regex: 'That doesn\'t look right. Could you check it and send it again?',
    image: 'Please send a picture: a photo, a screenshot or an image file.',
    file: 'Please send it as a file: a document, a photo, or an audio or video recording.',
    location: 'Please share a location: tap the attach button in your app and pick Location.',
  },
  ar: {
    text: 'عذرًا، لم أفهم ذلك. هل يمكنك كتابة إجابتك؟',
    email: 'لا يبدو هذا عنوان بريد إلكتروني صحيحًا. يُرجى كتابته بهذا الشكل: name@example.com',
    several_emails: 'هذا أكثر من عنوان بريد إلكتروني. يُرجى إرسال العنوان الذي نستخدمه فقط.',
    email_ending: 'يبدو أن عنوان البريد الإلكتروني هذا ينقصه الامتداد، مثل \u2066.com\u2069 أو \u2066.co.uk\u2069. يُرجى كتابته بهذا الشكل: name@example.com',
    email_in_words: 'لم أتمكن من تمييز عنوان بريدك الإلكتروني عن بقية الكلمات. يُرجى إرسال العنوان وحده بهذا الشكل: name@example.com',
    phone: 'لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مع رمز الدولة، مثل \u2066+44 20 7946 0958\u2069.',
    several_phones: 'هذا أكثر من رقم هاتف. يُرجى إرسال الرقم الذي نستخدمه فقط.',
    number: 'يُرجى الإجابة برقم، مثل 3.',
    date: 'يُرجى إرسال تاريخ مثل 31/12/2025 أو 2025-12-31.',
    choice: 'يُرجى اختيار أحد الخيارات (يمكنك أيضًا كتابة رقمه).',
    regex: 'لا يبدو هذا صحيحًا. هل يمكنك التحقق منه وإرساله مرة أخرى؟',
    image: 'يُرجى إرسال صورة: صورة فوتوغرافية أو لقطة شاشة أو ملف صورة.',
    file: 'يُرجى إرساله كملف: مستند أو صورة أو تسجيل صوتي أو مقطع فيديو.',
    location: 'يُرجى مشاركة موقعك: اضغط على زر الإرفاق في تطبيقك واختر «الموقع».',
  },
};

// The same mistake a second time in a row: shorter, to the point, with the example.
const INVALID_AGAIN: typeof INVALID = {
  en: {
    text: 'Sorry, I still didn\'t get that. Just type your answer here, please.',
    email: 'Sorry, that\'s still not an email address. Just the address, like name@example.com.',
    several_emails: 'Just one address, please: the one we should use.',
    email_ending: 'The ending is still missing. Like name@example.com, please.',
    email_in_words: 'Just the address on its own, please, like name@example.com.',
    phone: 'Sorry, that\'s still not a phone number. With the country code, please, like +44 20 7946 0958.',
    several_phones: 'Just one number, please: the one we should use.',
    number: 'Just the number, please, like 3.',
    date: 'Just the date, please, like 31/12/2025.',
    choice: 'Please tap one of the options, or type its number.',
    regex: 'Sorry, that still doesn\'t look right. Please check it once more.',
    image: 'Just a picture, please: a photo or a screenshot.',
    file: 'Please attach it as a file: a document, a photo, audio or video.',
    location: 'Please tap the attach button and pick Location.',
  },
  ar: {
    text: 'عذرًا، ما زلت لم أفهم. يُرجى كتابة إجابتك هنا فقط.',
    email: 'عذرًا، ما زال هذا ليس عنوان بريد إلكتروني. العنوان فقط، مثل: name@example.com',
    several_emails: 'عنوان واحد فقط من فضلك: العنوان الذي نستخدمه.',
    email_ending: 'ما زال الامتداد ناقصًا. مثل: name@example.com',
    email_in_words: 'العنوان وحده من فضلك، مثل: name@example.com',
    phone: 'عذرًا، ما زال هذا ليس رقم هاتف. مع رمز الدولة من فضلك، مثل \u2066+44 20 7946 0958\u2069.',
    several_phones: 'رقم واحد فقط من فضلك: الرقم الذي نستخدمه.',
    number: 'الرقم فقط من فضلك، مثل 3.',
    date: 'التاريخ فقط من فضلك، مثل 31/12/2025.',
    choice: 'يُرجى الضغط على أحد الخيارات، أو كتابة رقمه.',
    regex: 'عذرًا، ما زال هذا غير صحيح. يُرجى التحقق منه مرة أخرى.',
    image: 'صورة فقط من فضلك: صورة فوتوغرافية أو لقطة شاشة.',
    file: 'يُرجى إرفاقه كملف: مستند أو صورة أو تسجيل صوتي أو فيديو.',
    location: 'يُرجى الضغط على زر الإرفاق واختيار «الموقع».',
  },
};

// A pattern's `example:`, as the flow writes it: isolated (FSI … PDI) where it could reorder the line around it, in
// Arabic always ("ORD-1234" reads left to right there), in English when it holds right-to-left letters.
const EXAMPLE: WithExample = {
  en: (example) => `That doesn't look right. Please write it like ${isolateRtl(example)}.`,
  ar: (example) => `لا يبدو هذا صحيحًا. يُرجى كتابته بهذا الشكل: ${isolate(example)}`,
};

const EXAMPLE_AGAIN: WithExample = {
  en: (example) => `Sorry, that's still not it. Like ${isolateRtl(example)}, please.`,
  ar: (example) => `عذرًا، ما زال هذا غير صحيح. مثل: ${isolate(example)}`,
};

// `country:` set: the example is a number of that country as its people write it (libphonenumber's example mobile).
const NATIONAL_PHONE: WithExample = {
  en: (example) => `That doesn't look like a phone number. Please write it like ${example}.`,
  ar: (example) => `لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مثل \u2066${example}\u2069.`,
};

const NATIONAL_PHONE_AGAIN: WithExample = {
  en: (example) => `Sorry, that's still not a phone number. Like ${example}, please.`,
  ar: (example) => `عذرًا، ما زال هذا ليس رقم هاتف. مثل \u2066${example}\u2069 من فضلك.`,
};

const FAILED: Readonly<Record<'en' | 'ar', Readonly<Record<Expect['type'], string>>>> = {
  en: {
    text: 'I couldn\'t take that as an answer, so let\'s go on without it.',
    email: 'I couldn\'t take that as an email address, so let\'s go on without it.',
    phone: 'I couldn\'t take that as a phone number, so let\'s go on without it.',
    number: 'I couldn\'t take that as a number, so let\'s go on without it.',
    date: 'I couldn\'t take that as a date, so let\'s go on without it.',
    choice: 'I couldn\'t match that to one of the options, so let\'s go on without it.',
    regex: 'I couldn\'t take that as an answer, so let\'s go on without it.',
    image: 'I couldn\'t take that as a picture, so let\'s go on without it.',
    file: 'I couldn\'t take that as a file, so let\'s go on without it.',
    location: 'I couldn\'t take that as a location, so let\'s go on without it.',
  },
  ar: {
    text: 'لم أتمكن من اعتبار ذلك إجابة، لذا سنكمل من دونها.',
    email: 'لم أتمكن من اعتبار ذلك عنوان بريد إلكتروني، لذا سنكمل من دونه.',
    phone: 'لم أتمكن من اعتبار ذلك رقم هاتف، لذا سنكمل من دونه.',
    number: 'لم أتمكن من اعتبار ذلك رقمًا، لذا سنكمل من دونه.',
    date: 'لم أتمكن من اعتبار ذلك تاريخًا، لذا سنكمل من دونه.',
    choice: 'لم أتمكن من مطابقة ذلك مع أحد الخيارات، لذا سنكمل من دونه.',
    regex: 'لم أتمكن من اعتبار ذلك إجابة، لذا سنكمل من دونها.',
    image: 'لم أتمكن من اعتبار ذلك صورة، لذا سنكمل من دونها.',
    file: 'لم أتمكن من اعتبار ذلك ملفًا، لذا سنكمل من دونه.',
    location: 'لم أتمكن من اعتبار ذلك موقعًا، لذا سنكمل من دونه.',
  },
};
