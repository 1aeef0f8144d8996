// WhatsApp's own markup, which both WhatsApp channels send and read: *bold*, _italic_, ~strike~, `code`, ```pre```.
// A styled text (`TextStyle`: bold from Telegram…) is written in it, and what a person wrote in it is read back into
// words and styles, for the apps that style words their own way. WhatsApp has no underline and no spoiler.
import type { TextStyle, TextStyleName } from '../../types.ts';
import { withMarkers } from '../../shared/text-styles.ts';

/** WhatsApp's marker for each style it shows. */
const MARKERS: Partial<Record<TextStyleName, string>> = { bold: '*', italic: '_', strike: '~', code: '`', pre: '```' };

/** The styles WhatsApp shows, as `Channel.styles` declares them. */
export const WHATSAPP_STYLES = Object.keys(MARKERS) as TextStyleName[];

/**
 * `text` with its `styles` written in WhatsApp's markup. A marker goes next to the words, never next to a space (WhatsApp
 * would show it as it is); nothing is styled inside code, where WhatsApp shows markers as they are.
 *
 *     markup('Your refund is on its way', [{ style: 'bold', offset: 5, length: 6 }]); // 'Your *refund* is on its way'
 */
export function markup(text: string, styles: readonly TextStyle[] | undefined): string {
  return withMarkers(text, styles ?? [], (style) => {
    const marker = MARKERS[style];
    return marker !== undefined ? { open: marker, close: marker } : undefined;
  });
}

/** WhatsApp's markers as they are read, longest first: a code block's three backticks before code's one. */
const READ: readonly { marker: string; style: TextStyleName }[] = [
  { marker: '```', style: 'pre' }, { marker: '*', style: 'bold' }, { marker: '_', style: 'italic' }, { marker: '~', style: 'strike' }, { marker: '`', style: 'code' },
];

/** A letter or a digit: a marker touching one on its outer side is part of a word ("snake_case", "a*b"), not markup. */
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * What a person wrote in WhatsApp's markup (`markup`'s opposite), as WhatsApp shows it: the words without the markers
 * that styled them, and their styles. A marker styles only where WhatsApp's app would: opening before a word and
 * closing after one, on one line (a code block may hold several); a lone `*` ("5 * 3") or the `_` of an address stays.
 *
 *     readMarkup('Your *refund* is on its way'); // { text: 'Your refund is on its way', styles: [{ style: 'bold', offset: 5, length: 6 }] }
 */
export function readMarkup(written: string): { text: string; styles: TextStyle[] } {
  let text = '';
  const styles: TextStyle[] = [];
  let at = 0;
  while (at < written.length) {
    const span = spanAt(written, at);
    if (!span) {
      text += written[at];
      at++;
      continue;
    }
    const inner = span.style === 'pre' || span.style === 'code' ? { text: written.slice(span.start, span.end), styles: [] } : readMarkup(written.slice(span.start, span.end));
    styles.push({ style: span.style, offset: text.length, length: inner.text.length }, ...inner.styles.map((style) => ({ ...style, offset: style.offset + text.length })));
    text += inner.text;
    at = span.end + span.marker.length;
  }
  return { text, styles };
}

/** The styled stretch whose opening marker is at `at` in `written` (`start`, `end`: its words), if one opens there. */
function spanAt(written: string, at: number): { marker: string; style: TextStyleName; start: number; end: number } | undefined {
  const read = READ.find(({ marker }) => written.startsWith(marker, at));
  if (!read || WORDLIKE.test(written[at - 1] ?? '')) return undefined;
  const { marker } = read;
  const start = at + marker.length;
  if (start >= written.length || /\s/.test(written[start]!)) return undefined;
  for (let end = written.indexOf(marker, start + 1); end !== -1; end = written.indexOf(marker, end + 1)) {
    if (read.style !== 'pre' && written.slice(start, end).includes('\n')) return undefined;
    if (/\s/.test(written[end - 1]!) || WORDLIKE.test(written[end + marker.length] ?? '')) continue;
    // "**" or "~~" is no style; three backticks closing a block are not code's one.
    if (read.style === 'code' && written[end + 1] === '`') continue;
    return { ...read, start, end };
  }
  return undefined;
}
