// An agent's styled text (`TextStyle`: bold from Telegram…) in WhatsApp's own markup, which both WhatsApp channels
// send: *bold*, _italic_, ~strike~, `code`, ```pre```. WhatsApp has no underline and no spoiler.
import type { TextStyle, TextStyleName } from '../../types.ts';

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
  const spans = (styles ?? []).flatMap((style, index) => {
    const marker = MARKERS[style.style];
    let start = style.offset;
    let end = Math.min(style.offset + style.length, text.length);
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    return marker !== undefined && end > start ? [{ marker, start, end, index, code: style.style === 'code' || style.style === 'pre' }] : [];
  });
  const shown = spans.filter((span) => !spans.some((other) => other !== span && other.code && other.start <= span.start && span.end <= other.end && (other.start !== span.start || other.end !== span.end || other.index < span.index)));
  if (shown.length === 0) return text;
  const cuts = [...new Set([0, text.length, ...shown.flatMap((span) => [span.start, span.end])])].sort((a, b) => a - b);
  let written = '';
  for (const [at, cut] of cuts.entries()) {
    // Inner spans close first, outer ones open first: the markers nest.
    const closing = shown.filter((span) => span.end === cut).sort((a, b) => b.start - a.start || b.index - a.index);
    const opening = shown.filter((span) => span.start === cut).sort((a, b) => b.end - a.end || a.index - b.index);
    written += closing.map((span) => span.marker).join('') + opening.map((span) => span.marker).join('');
    written += text.slice(cut, cuts[at + 1] ?? text.length);
  }
  return written;
}
