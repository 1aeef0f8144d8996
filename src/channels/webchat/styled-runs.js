// Where the styles a writer gave words (an agent's bold, a flow's *Thanks*) lie in a text, for every page that shows
// what was said: the web chat, the agent console (ui.js) and the dashboard (admin-ui/ui.tsx) draw the same runs.

/** The element each style a writer gives words is shown with (a code block is code kept on its lines). */
export const STYLE_TAGS = { bold: 'strong', italic: 'em', underline: 'u', strike: 's', code: 'code', pre: 'code', spoiler: 'span' };

/**
 * `text` cut where a style starts or ends: `[from, to, styles over it]` in order; a style the page does not know, or
 * one that lies outside the text, is left out.
 *
 *     styledRuns('Hi you', [{ style: 'bold', offset: 3, length: 3 }]); // [[0, 3, []], [3, 6, ['bold']]]
 */
export function styledRuns(text, styles) {
  const known = (Array.isArray(styles) ? styles : []).flatMap((style) => {
    const from = Math.max(0, Math.min(text.length, Number(style?.offset) || 0));
    const to = Math.max(from, Math.min(text.length, from + (Number(style?.length) || 0)));
    return Object.hasOwn(STYLE_TAGS, style?.style) && to > from ? [{ style: style.style, from, to }] : [];
  });
  const cuts = [...new Set([0, text.length, ...known.flatMap(({ from, to }) => [from, to])])].sort((a, b) => a - b);
  const runs = [];
  for (let index = 0; index + 1 < cuts.length; index++) {
    const [from, to] = [cuts[index], cuts[index + 1]];
    runs.push([from, to, [...new Set(known.filter((style) => style.from <= from && style.to >= to).map(({ style }) => style))]]);
  }
  return runs;
}
