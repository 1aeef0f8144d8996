// Where the styles of a text (`TextStyle`: bold, a spoiler…) lie once the text around them changes: words put before
// it, an address put inside it, the text cut into parts. Offsets count UTF-16 units, as JavaScript strings do.
import type { TextStyle } from '../store/types.ts';

/**
 * The styles of a text once `inserted` units are put at `at`: those after move on, those around it grow.
 *
 *     withInsertion([{ style: 'bold', offset: 0, length: 4 }], 0, 3); // [{ style: 'bold', offset: 3, length: 4 }]
 */
export function withInsertion(styles: readonly TextStyle[], at: number, inserted: number): TextStyle[] {
  return styles.map((style) => {
    if (style.offset >= at) return { ...style, offset: style.offset + inserted };
    if (style.offset + style.length > at) return { ...style, length: style.length + inserted };
    return style;
  });
}

/**
 * The styles of the part of a text from `start` to `end`, counted from `start`: cut where they run past it, dropped
 * where they lie outside.
 *
 *     within([{ style: 'bold', offset: 3, length: 10 }], 5, 8); // [{ style: 'bold', offset: 0, length: 3 }]
 */
export function within(styles: readonly TextStyle[], start: number, end: number): TextStyle[] {
  return styles.flatMap((style) => {
    const from = Math.max(style.offset, start);
    const to = Math.min(style.offset + style.length, end);
    return to > from ? [{ ...style, offset: from - start, length: to - from }] : [];
  });
}

/**
 * Where each of `parts` starts in `text`, which was cut into them (`splitText`), dropping the space or line break at
 * each cut.
 *
 *     partOffsets('ab cd', ['ab', 'cd']); // [0, 3]
 */
export function partOffsets(text: string, parts: readonly string[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const part of parts) {
    if (!text.startsWith(part, at)) at += 1;
    offsets.push(at);
    at += part.length;
  }
  return offsets;
}

/** How an app's markup writes a style around `words` (a code block over several lines may need its own); undefined: not at all. */
export type MarkerOf = (style: TextStyle['style'], words: string) => { open: string; close: string } | undefined;

/**
 * `text` with its `styles` written in an app's markup (`markerOf`), and the rest of it passed through `escape` (so
 * that what the writer did not mean as markup shows as written). A marker goes next to the words, never next to a
 * space (apps would show it as it is); nothing is styled or escaped inside code, where apps show markers as they are.
 *
 *     withMarkers('Your refund is on its way', [{ style: 'bold', offset: 5, length: 6 }], () => ({ open: '*', close: '*' })); // 'Your *refund* is on its way'
 */
export function withMarkers(text: string, styles: readonly TextStyle[], markerOf: MarkerOf, escape: (plain: string) => string = (plain) => plain): string {
  const spans = styles.flatMap((style, index) => {
    let start = style.offset;
    let end = Math.min(style.offset + style.length, text.length);
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    const marker = end > start ? markerOf(style.style, text.slice(start, end)) : undefined;
    return marker !== undefined ? [{ ...marker, start, end, index, code: style.style === 'code' || style.style === 'pre' }] : [];
  });
  const shown = spans.filter((span) => !spans.some((other) => other !== span && other.code && other.start <= span.start && span.end <= other.end && (other.start !== span.start || other.end !== span.end || other.index < span.index)));
  const cuts = [...new Set([0, text.length, ...shown.flatMap((span) => [span.start, span.end])])].sort((a, b) => a - b);
  let written = '';
  for (const [at, cut] of cuts.entries()) {
    // Inner spans close first, outer ones open first: the markers nest.
    const closing = shown.filter((span) => span.end === cut).sort((a, b) => b.start - a.start || b.index - a.index);
    const opening = shown.filter((span) => span.start === cut).sort((a, b) => b.end - a.end || a.index - b.index);
    written += closing.map((span) => span.close).join('') + opening.map((span) => span.open).join('');
    const part = text.slice(cut, cuts[at + 1] ?? text.length);
    written += shown.some((span) => span.code && span.start <= cut && cut < span.end) ? part : escape(part);
  }
  return written;
}

/**
 * The styles of a text once the `length` units at `at` became `by` units: a style over them grows or shrinks with
 * them, those after them move, one that lay only on them goes.
 *
 *     spliced([{ style: 'bold', offset: 0, length: 12 }], 10, 1, 2); // [{ style: 'bold', offset: 0, length: 13 }]
 */
export function spliced(styles: readonly TextStyle[], at: number, length: number, by: number): TextStyle[] {
  const moved = (position: number, inside: number) => (position <= at ? position : position >= at + length ? position + by - length : inside);
  return styles.flatMap((style) => {
    const start = moved(style.offset, at);
    const end = moved(style.offset + style.length, at + by);
    return end > start ? [{ ...style, offset: start, length: end - start }] : [];
  });
}
