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
