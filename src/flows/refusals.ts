// What an `ask` step says, when its flow does not word it, after an answer it refuses (what was wrong, and the shape
// it wants) and after the last try, when it goes on without the answer. English and Arabic, English for others.
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { Expect, Refusal } from './expect.ts';
import type { Localized } from './language.ts';

/**
 * What the bot says after an invalid answer when the step has no `invalid:` text: what was wrong and how to write it.
 *
 *     localize(defaultInvalidText({ type: 'email' }), 'en'); // "That doesn't look like an email address. Please write it like name@example.com."
 *     localize(defaultInvalidText({ type: 'email' }, 'email_ending'), 'en'); // "That email address is missing its ending…"
 */
export function defaultInvalidText(expect: Expect, why?: Refusal): Localized<string> {
  if (expect.type === 'phone' && expect.country) {
    const example = getExampleNumber(expect.country, examples)?.formatNational();
    if (example !== undefined) return inLanguages({ en: NATIONAL_PHONE.en(example), ar: NATIONAL_PHONE.ar(example) });
  }
  const key = why ?? expect.type;
  return inLanguages({ en: INVALID.en[key], ar: INVALID.ar[key] });
}

/**
 * What the bot says when the last try fails and the flow goes on without the answer (`on_fail: continue`) and the
 * step has no `failed:` text: without it, the next question reads as if the answer had been taken.
 *
 *     localize(defaultFailedText({ type: 'email' }), 'en'); // "I couldn't take that as an email address, so let's go on without it."
 */
export function defaultFailedText(expect: Expect): Localized<string> {
  return inLanguages({ en: FAILED.en[expect.type], ar: FAILED.ar[expect.type] });
}

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
    number: 'يُرجى الإجابة برقم، مثل 3.',
    date: 'يُرجى إرسال تاريخ مثل 31/12/2025 أو 2025-12-31.',
    choice: 'يُرجى اختيار أحد الخيارات (يمكنك أيضًا كتابة رقمه).',
    regex: 'لا يبدو هذا صحيحًا. هل يمكنك التحقق منه وإرساله مرة أخرى؟',
    image: 'يُرجى إرسال صورة: صورة فوتوغرافية أو لقطة شاشة أو ملف صورة.',
    file: 'يُرجى إرساله كملف: مستند أو صورة أو تسجيل صوتي أو مقطع فيديو.',
    location: 'يُرجى مشاركة موقعك: اضغط على زر الإرفاق في تطبيقك واختر «الموقع».',
  },
};

// `country:` set: the example is a number of that country as its people write it (libphonenumber's example mobile).
const NATIONAL_PHONE = {
  en: (example: string) => `That doesn't look like a phone number. Please write it like ${example}.`,
  ar: (example: string) => `لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مثل \u2066${example}\u2069.`,
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
