// Texts in the customer's language: a text a flow shows is one text for everyone, or a map of variants by
// language tag (`{ en: "Hi!", ar: "مرحبا!" }`), and the contact's language picks one each time it is shown.
import { z } from 'zod';
import { SCHEMA_RULES } from './rules.ts';

/** A language tag as flows write it: a primary language of 2–3 letters, optionally a region (`en`, `ar`, `pt-BR`). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-([a-z]{2}|\d{3}))?$/i;

/** How a bad language tag is fixed, in errors. */
export const LANGUAGE_TAG_HINT = SCHEMA_RULES.badLanguageTag;

/**
 * A text (or a choice title) in one or more languages, compiled. A plain text has no variants: its `fallback`
 * is shown to everyone.
 */
export interface Localized<T> {
  /** By tag in lower case (`pt-br`), in the order written. */
  readonly variants: ReadonlyMap<string, T>;
  /** For a language with no variant of its own: the flow's `language:`, else the first written. */
  readonly fallback: T;
}

/** A text as the script writes it: one text, or a map of language tag → text. */
export type LocalizedSource = string | Readonly<Record<string, string>>;

/**
 * The schema of a text that may be written per language; `text` checks each text.
 *
 *     shape: { say: localizedSchema(z.string().min(1, 'say needs a text')) }
 */
export function localizedSchema(text: z.ZodString): z.ZodType<LocalizedSource> {
  return z.union([text, z.record(z.string(), text)], {
    errorMap: (issue, ctx) => ({
      message: issue.code === 'invalid_union'
        ? SCHEMA_RULES.notText
        : ctx.defaultError,
    }),
  });
}

/**
 * The same text in every language: what a plain text compiles to.
 *
 *     forEveryLanguage('Billing'); // shown as "Billing" to everyone
 */
export function forEveryLanguage<T>(value: T): Localized<T> {
  return { variants: new Map(), fallback: value };
}

/**
 * The variant for a contact's language: the exact tag, then its primary language (`ar-EG` → `ar`), then another
 * region of that language (`pt` → `pt-BR`), then the fallback. Tags compare without case; `_` counts as `-`.
 *
 *     localize(greeting, 'ar-EG'); // the `ar` variant
 *     localize(greeting, undefined); // the fallback
 */
export function localize<T>(text: Localized<T>, language: string | undefined): T {
  return variantIn(text, language) ?? text.fallback;
}

/**
 * The variant a text has of its own for a language, as `localize` picks it; undefined where `localize` would give the
 * fallback (no variant of that language, or a plain text).
 *
 *     variantIn({ en: 'Order number' } compiled, 'ar'); // undefined: an Arabic sentence would read the English
 */
export function variantIn<T>(text: Localized<T>, language: string | undefined): T | undefined {
  if (language === undefined || text.variants.size === 0) return undefined;
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  const primary = tag.split('-')[0]!;
  const exact = text.variants.get(tag) ?? text.variants.get(primary);
  if (exact !== undefined) return exact;
  const region = [...text.variants.keys()].find((key) => key.startsWith(`${primary}-`));
  return region === undefined ? undefined : text.variants.get(region)!;
}

/**
 * One of Switchboard's own texts, by a contact's language as `localize` picks it (`ar-EG`, `AR_eg` → `ar`), English
 * for any other.
 *
 *     byLanguage({ en: 'Thanks!', ar: 'شكرًا!' }, contact.language);
 */
export function byLanguage<T>(texts: { en: T } & Record<string, T>, language: string | undefined): T {
  return localize({ variants: new Map(Object.entries(texts)), fallback: texts.en }, language);
}

/**
 * Every variant of a text (the one text of a plain one), e.g. to recognise a choice title typed in any language.
 *
 *     allVariants(title).some((variant) => fold(variant) === typed);
 */
export function allVariants<T>(text: Localized<T>): T[] {
  return text.variants.size === 0 ? [text.fallback] : [...text.variants.values()];
}
