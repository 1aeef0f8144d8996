// Reading WhatsApp's markup (*bold*, _italic_, ~strike~, `code`, ```pre```) into words and styles, as WhatsApp shows
// it: both WhatsApp channels read what people write in it, and flows read what admins write in it, for the apps that
// style words their own way. Writing it is src/channels/whatsapp/markup.ts's.
import type { TextStyle, TextStyleName } from '../store/types.ts';

/** WhatsApp's markers as they are read, longest first: a code block's three backticks before code's one. */
const READ: readonly { marker: string; style: TextStyleName }[] = [
  { marker: '```', style: 'pre' }, { marker: '*', style: 'bold' }, { marker: '_', style: 'italic' }, { marker: '~', style: 'strike' }, { marker: '`', style: 'code' },
];

/** A letter or a digit: a marker touching one on its outer side is part of a word ("snake_case", "a*b"), not markup. */
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * What a person wrote in WhatsApp's markup (`markup`'s opposite), as WhatsApp shows it: the words without the markers
 * that styled them, and their styles. A marker styles only where WhatsApp's app would: opening before a word and
 * closing after one, on one line (a code block may hold several); a lone `*` ("5 * 3"), the `_` of an address, and any
 * marker inside a web or email address (a link, which WhatsApp shows as it is: `_sam_@example.com`) stay.
 *
 *     readMarkup('Your *refund* is on its way'); // { text: 'Your refund is on its way', styles: [{ style: 'bold', offset: 5, length: 6 }] }
 */
export function readMarkup(written: string): { text: string; styles: TextStyle[] } {
  return readBetween(readingOf(written), 0, written.length);
}

/**
 * Like `readMarkup`, with where each unit of the words was in `written` (`sources[i]`: the index of `text[i]`), so that a
 * caller can tell its own stand-ins from the same characters written in the text.
 *
 *     readMarkupWithSources('*Hi* x'); // { text: 'Hi x', styles: [bold 0-2], sources: [1, 2, 4, 5] }
 */
export function readMarkupWithSources(written: string): { text: string; styles: TextStyle[]; sources: number[] } {
  const sources: number[] = [];
  return { ...readBetween(readingOf(written), 0, written.length, sources), sources };
}

function readingOf(written: string): Reading {
  const links = linksOf(written);
  return { written, closers: READ.map(({ marker, style }) => closersOf(written, marker, style, links)), newlines: newlinesOf(written), links };
}

/**
 * A web address as WhatsApp's app finds one in a text, shown as a link and never styled inside: to its next space, but
 * for the markers and punctuation it ends on (`*https://x.com/a*` is a bold link, "see https://x.com." a sentence).
 */
const LINK = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)\S*[^\s*_~`.,!?;:)'"]/giu;

/**
 * An email address, which WhatsApp's app shows as a link too: its markers are its own characters (`_sam_@example.com`
 * is an address with underscores, not an italic "sam"), so a customer's answer reads as they typed it.
 */
// It starts where its run of characters does, so a long run without an `@` is read once, not once from each character.
const EMAIL = /(?<![^\s@<>()[\]"',;:])[^\s@<>()[\]"',;:]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+/gu;

/** At each index, whether it is inside a web or email address: "https://shop.example/p/_summer_/42" keeps its `_`. */
function linksOf(written: string): Uint8Array {
  const inside = new Uint8Array(written.length);
  for (const found of written.matchAll(LINK)) inside.fill(1, found.index, found.index + found[0].length);
  for (const found of written.matchAll(EMAIL)) {
    const end = found.index + found[0].length;
    // `*sam@example.com*`: markers around the whole address style it, as around a link.
    const around = /^[*_~`]+/.exec(found[0])?.[0];
    const start = around !== undefined && written.startsWith(around, end) ? found.index + around.length : found.index;
    inside.fill(1, start, end);
  }
  return inside;
}

/**
 * What is known of a text once, so that each opening marker finds its closing one by a search, not by reading on: a
 * 4,096-character message of openers that never close ("*a *a *a…") took 73 ms read marker by marker.
 */
interface Reading {
  written: string;
  /** For each of `READ`, where a marker of it may close (touching a word before it, none after), in order. */
  closers: number[][];
  /** At each index, where the next line break is (at or after it), or the text's length. */
  newlines: Int32Array;
  /** At each index, 1 inside a web address, whose markers are its own characters. */
  links: Uint8Array;
}

/** `sources`, when given, gets the index in `written` of each unit of the words, in order. */
function readBetween(reading: Reading, from: number, to: number, sources?: number[]): { text: string; styles: TextStyle[] } {
  const { written } = reading;
  let text = '';
  const styles: TextStyle[] = [];
  let at = from;
  while (at < to) {
    const span = spanAt(reading, at, from, to);
    if (!span) {
      text += written[at];
      sources?.push(at);
      at++;
      continue;
    }
    const verbatim = span.style === 'pre' || span.style === 'code';
    if (verbatim && sources) for (let index = span.start; index < span.end; index++) sources.push(index);
    const inner = verbatim ? { text: written.slice(span.start, span.end), styles: [] } : readBetween(reading, span.start, span.end, sources);
    styles.push({ style: span.style, offset: text.length, length: inner.text.length }, ...inner.styles.map((style) => ({ ...style, offset: style.offset + text.length })));
    text += inner.text;
    at = span.end + span.marker.length;
  }
  return { text, styles };
}

/**
 * The styled stretch whose opening marker is at `at` (`start`, `end`: its words), if one opens there, within
 * `from`-`to`: a stretch inside a styled one is read as if its words were the whole text.
 */
function spanAt({ written, closers, newlines, links }: Reading, at: number, from: number, to: number): { marker: string; style: TextStyleName; start: number; end: number } | undefined {
  const index = READ.findIndex(({ marker }) => written.startsWith(marker, at) && at + marker.length <= to);
  if (index === -1 || links[at] === 1 || (at > from && WORDLIKE.test(written[at - 1]!))) return undefined;
  const { marker, style } = READ[index]!;
  const start = at + marker.length;
  if (start >= to || /\s/.test(written[start]!)) return undefined;
  const end = firstAtOrAfter(closers[index]!, start + 1);
  if (end === undefined || end + marker.length > to) return undefined;
  // On one line, but for a code block.
  if (style !== 'pre' && newlines[start]! < end) return undefined;
  return { marker, style, start, end };
}

/** Where `marker` may close a stretch of `style` in `written`. */
function closersOf(written: string, marker: string, style: TextStyleName, links: Uint8Array): number[] {
  const found: number[] = [];
  for (let end = written.indexOf(marker, 1); end !== -1; end = written.indexOf(marker, end + 1)) {
    if (links[end] === 1 || /\s/.test(written[end - 1]!) || WORDLIKE.test(written[end + marker.length] ?? '')) continue;
    // "**" or "~~" is no style; three backticks closing a block are not code's one.
    if (style === 'code' && written[end + 1] === '`') continue;
    found.push(end);
  }
  return found;
}

function newlinesOf(written: string): Int32Array {
  const next = new Int32Array(written.length + 1);
  next[written.length] = written.length;
  for (let i = written.length - 1; i >= 0; i--) next[i] = written[i] === '\n' ? i : next[i + 1]!;
  return next;
}

/** The first of `sorted` at or after `least`. */
function firstAtOrAfter(sorted: readonly number[], least: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < least) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}
