// Text as several parts compare it: digits in any script as ASCII, a folded form (case, accents, spacing), slugs;
// and as several show it: right-to-left words isolated in a left-to-right line, a message quoted short.

const ARABIC_INDIC_ZERO = 0x0660;
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0;
const FULLWIDTH_ZERO = 0xff10;

/**
 * Turns Arabic-Indic (٠-٩), Extended Arabic-Indic (۰-۹) and full-width (０-９, as Japanese and Chinese keyboards type
 * them) digits into ASCII ones, so "٤٢" and "４２" read as 42. One character stays one, so places found in the result
 * are the text's.
 *
 *     asciiDigits('٢٠٢٤-٠٣-١٥'); // '2024-03-15'
 */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = code >= FULLWIDTH_ZERO ? FULLWIDTH_ZERO : code >= EXTENDED_ARABIC_INDIC_ZERO ? EXTENDED_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
    return String(code - zero);
  });
}

/**
 * Turns keycap digits into ASCII ones: 2️⃣ (a digit, the emoji variation selector, U+20E3), as an emoji keyboard types a
 * number, and 🔟 as 10. People answer a numbered list that way on WhatsApp.
 *
 *     keycapDigits('2️⃣'); // '2'
 */
export function keycapDigits(text: string): string {
  return text.replace(/([0-9])\uFE0F?\u20E3/g, '$1').replace(/\u{1F51F}/gu, '10');
}

/**
 * Whether `text` shows nothing: only spaces, line breaks and invisible format characters (zero-width spaces and
 * joiners, direction marks, a byte order mark) and variation selectors with nothing to select (a lone U+FE0F), which
 * `trim` leaves. A person who sends that said nothing.
 *
 *     blank(' \u200b\n'); // true
 *     blank('ok');        // false
 */
export function blank(text: string): boolean {
  return /^[\s\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]*$/u.test(text);
}

/**
 * Control and format characters a name never shows: direction overrides, embeddings, isolates and marks (U+202E
 * would turn "Dana \u202Eevil" into "Dana live"), zero-width spaces, a byte order mark, C0/C1 controls. Kept: the
 * joiners (U+200D binds 👩‍💻, U+200C is part of Persian words) and tag characters (U+E0020-E007F, inside flag emoji).
 */
const NAME_INVISIBLES = /(?![\u200c\u200d\u{e0020}-\u{e007f}])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * `text` without the control and format characters a name never shows (`NAME_INVISIBLES`); the joiners stay, so
 * Arabic, Persian and emoji read as written. For names only: a message's text keeps its marks and isolates.
 *
 *     withoutInvisibles('invoice\u202Efdp.exe'); // 'invoicefdp.exe'
 */
export function withoutInvisibles(text: string): string {
  return text.replace(NAME_INVISIBLES, '');
}

/**
 * A person's name as agents and admins are shown it: without the invisible characters that can fake or reorder it,
 * single-spaced and trimmed; undefined when nothing visible is left. Every name a channel gives goes through it.
 *
 *     personName('Dana 😀\u202Eevil'); // 'Dana 😀evil'
 *     personName('\u200f '); // undefined
 */
export function personName(name: string): string | undefined {
  const shown = name.replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ').replace(NAME_INVISIBLES, '').replace(/\s+/g, ' ').trim();
  return shown === '' ? undefined : shown;
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

/**
 * `text`'s letters and digits, folded, without the Arabic stretching stroke (ـ) and with the Arabic letters often
 * typed for each other written one way (أ/ا, ة/ه, ى/ي): what two spellings of one word have in common.
 *
 *     bareLetters('إغلاق') === bareLetters('اغلاق'); // true
 */
export function bareLetters(text: string): string {
  return slug(text).replace(/[-\u0640]/g, '').replace(/[\u0622\u0623\u0625]/g, '\u0627').replaceAll('\u0629', '\u0647').replaceAll('\u0649', '\u064a');
}

/**
 * Splits a text into parts of at most `max` UTF-16 units, at a line break if there is one in the second half of
 * a part, else at a space, else anywhere (never inside a surrogate pair).
 *
 *     splitText('a'.repeat(5000), 4096).map((part) => part.length); // [4096, 904]
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    } else {
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
    }
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * `text`, or its first `max` UTF-16 units marked with … (never half a surrogate pair): a text longer than a channel
 * keeps is kept cut rather than refused, so the person who pasted it is still answered.
 *
 *     cutText('a'.repeat(30_000), 20_000).length; // 20000, ending in …
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

/**
 * `text` inside Unicode isolates (FSI … PDI), so a name or a message written right to left (or left to right)
 * set inside a composed line never reorders the words around it.
 *
 *     `#42 ${isolate('ليلى')}: ${isolate('I was charged twice')}`
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** Letters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms). */
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/**
 * `text` in Unicode isolates when it holds right-to-left letters, for lines composed in a left-to-right language
 * (an agent's card, `/list`, a relayed message): an Arabic name or message there cannot reorder the line, and
 * left-to-right texts read exactly as before.
 *
 *     relayLine(`#42 ${isolateRtl('ليلى')}: ${isolateRtl('chargé deux fois')}`);
 */
export function isolateRtl(text: string): string {
  return hasRightToLeft(text) ? isolate(text) : text;
}

/**
 * Whether `text` holds letters written right to left (Arabic…).
 *
 *     hasRightToLeft('ليلى'); // true
 */
export function hasRightToLeft(text: string): boolean {
  return RIGHT_TO_LEFT.test(text);
}

/** NUL, and a surrogate without its pair (UTF-8 has no encoding for it): what a PostgreSQL text column cannot hold. */
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const UNSTORABLE_ANY = new RegExp(UNSTORABLE.source);

/** Whether every store holds `text` as given: no NUL and no lone surrogate. */
export function storable(text: string): boolean {
  return !UNSTORABLE_ANY.test(text);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of a file's bytes, or the line of the first byte that is not UTF-8: a file an admin saved as Latin-1 or
 * Windows-1252 would otherwise read with "�" where they wrote "à", and customers would read that.
 *
 *     const decoded = utf8Text(await readFile(path));
 *     if ('line' in decoded) refuse(path, decoded.line);
 */
export function utf8Text(bytes: Uint8Array): { text: string } | { line: number } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    // No byte of a multi-byte character is a newline, so each line decodes on its own.
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        utf8.decode(bytes.subarray(start, stop));
      } catch {
        return { line };
      }
      if (end === -1) return { line };
      start = end + 1;
    }
  }
}

/**
 * Whether a text ends a sentence of its own (a stop, `!`, `?`, `…`, Arabic `؟`, maybe inside closing quotes or
 * brackets), so that whoever puts it before another sentence adds no stop of their own.
 *
 *     endsSentence('Your refund is on its way.'); // true
 *     endsSentence('refunded');                   // false
 */
export function endsSentence(text: string): boolean {
  return /[.!?…؟。]["'”’»)\]]*$/u.test(text.trimEnd());
}

/**
 * A text on one line (a template parameter takes no line break), cut to `max` characters with "…"; "…" for a blank one.
 *
 *     oneLine('Your refund\nis on its way', 100); // 'Your refund is on its way'
 */
export function oneLine(text: string, max: number): string {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  if (characters.length === 0) return '…';
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : characters.join('');
}

/** How much of a message a short quote keeps: enough to tell which one it was (a reaction answers, an edit corrects). */
const QUOTE_CHARS = 60;

/**
 * A message's text in quotes, on one line and cut to `QUOTE_CHARS`; undefined for a blank one. In an Arabic line, in
 * Arabic quotes and always isolated: a Latin text there would otherwise pull the marks around it astray.
 *
 *     shortQuote('wait,\none more thing');       // '"wait, one more thing"'
 *     shortQuote('wait,\none more thing', 'ar'); // '«⁨wait, one more thing⁩»'
 */
export function shortQuote(text: string | undefined, language: 'en' | 'ar' = 'en'): string | undefined {
  const plain = text?.replace(/\s+/g, ' ').trim();
  if (!plain) return undefined;
  const cut = plain.length > QUOTE_CHARS ? `${plain.slice(0, QUOTE_CHARS - 1).trimEnd()}…` : plain;
  return language === 'ar' ? `«${isolate(cut)}»` : `"${isolateRtl(cut)}"`;
}
