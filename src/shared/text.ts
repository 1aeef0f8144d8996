// Text as several parts compare it: digits in any script as ASCII, a folded form (case, accents, spacing), slugs.

const ARABIC_INDIC_ZERO = 0x0660;
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0;

/**
 * Turns Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) digits into ASCII ones, so "٤٢" reads as 42.
 *
 *     asciiDigits('٢٠٢٤-٠٣-١٥'); // '2024-03-15'
 */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = code >= EXTENDED_ARABIC_INDIC_ZERO ? EXTENDED_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
    return String(code - zero);
  });
}

/**
 * A form of `text` for loose comparison: trimmed, single-spaced, lower case, without accents or Arabic
 * diacritics, so "  Café " equals "cafe".
 *
 *     fold('  Ça VA ') === fold('ca va'); // true
 */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

/**
 * A slug for an id: folded, with runs of anything but letters and digits turned into "-".
 *
 *     slug('Billing question?'); // 'billing-question'
 */
export function slug(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}
