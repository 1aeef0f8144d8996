// What an `ask` step accepts (`expect:`): each type checks the customer's answer and says what to save.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { FieldValue } from '../store/types.ts';
import type { Choice } from '../types.ts';
import { matchChoice } from './choices.ts';
import type { FlowInput } from './types.ts';
import { asciiDigits } from './text.ts';

/** A compiled `expect:`. */
export type Expect =
  | { type: 'text' | 'email' | 'number' | 'date' }
  | { type: 'phone'; country?: CountryCode }
  | { type: 'choice'; choices: Choice[] }
  | { type: 'regex'; pattern: RegExp };

/** The names `expect:` takes; `regex:<pattern>` besides. */
export const EXPECT_TYPES = ['text', 'email', 'phone', 'number', 'date', 'choice'] as const;

/** The answer accepted (with the value to save), or refused. */
export type Answer = { ok: true; value: FieldValue } | { ok: false };

const email = z.string().email();

/**
 * Checks an answer against `expect`.
 *
 *     checkAnswer({ type: 'number' }, { text: '٤٢' });             // { ok: true, value: 42 }
 *     checkAnswer({ type: 'phone', country: 'EG' }, { text: '0100 123 4567' }); // '+201001234567'
 */
export function checkAnswer(expect: Expect, input: FlowInput): Answer {
  const text = (input.text ?? input.choice ?? '').trim();
  switch (expect.type) {
    case 'text':
      return text === '' ? refused : { ok: true, value: text };
    case 'email':
      return email.safeParse(text).success ? { ok: true, value: text.toLowerCase() } : refused;
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
    case 'regex':
      return expect.pattern.test(text) ? { ok: true, value: text } : refused;
  }
}

/**
 * What the bot says after an invalid answer when the step has no `invalid:` text.
 *
 *     defaultInvalidText({ type: 'email' }); // "That doesn't look like an email address…"
 */
export function defaultInvalidText(expect: Expect): string {
  switch (expect.type) {
    case 'text': return 'Sorry, I didn\'t get that. Could you type your answer?';
    case 'email': return 'That doesn\'t look like an email address. Could you check it? (like name@example.com)';
    case 'phone':
      return expect.country
        ? 'That doesn\'t look like a phone number. Could you check it and send it again?'
        : 'That doesn\'t look like a phone number. Could you send it with the country code? (like +44 20 7946 0958)';
    case 'number': return 'Please answer with a number, like 3.';
    case 'date': return 'Please send a date like 31/12/2025 or 2025-12-31.';
    case 'choice': return 'Please pick one of the options (you can also type its number).';
    case 'regex': return 'That doesn\'t look right. Could you check it and send it again?';
  }
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

function phone(text: string, country?: CountryCode): Answer {
  const parsed = parsePhoneNumberFromString(asciiDigits(text), { defaultCountry: country, extract: false });
  return parsed?.isValid() ? { ok: true, value: parsed.number } : refused;
}

function number(text: string): Answer {
  // Arabic decimal and thousands separators (٫ ٬), and "1,000"-style grouping, are common in typed numbers.
  let plain = asciiDigits(text).replace(/\s+/g, '').replace(/\u066b/g, '.').replace(/\u066c/g, '');
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain)) plain = plain.replace(/,/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(plain)) return refused;
  return { ok: true, value: Number(plain) };
}

function date(text: string): Answer {
  const plain = asciiDigits(text);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(plain);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(plain);
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]].map(Number)
    : dayFirst
      ? [dayFirst[3], dayFirst[2], dayFirst[1]].map(Number)
      : [];
  if (year === undefined || month === undefined || day === undefined) return refused;
  // Date.UTC rolls 31/04 over to 1/05; a date that does not survive the round trip does not exist.
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    return refused;
  }
  return { ok: true, value: parsed.toISOString().slice(0, 10) };
}
