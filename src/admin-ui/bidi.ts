// Right-to-left texts (Arabic prompts, choice titles) in the YAML editor, each shown as a unit of its own. The editor
// is left to right (YAML keys are Latin), and without this the Unicode bidi algorithm joins two Arabic items of a
// list across the `", "` between them into one right-to-left run and shows them swapped:
// `choices: ["الفواتير", "أمر آخر (Other)"]` read as if "أمر آخر" came first and "الفواتير (Other)" were one title.
// An unquoted text (`ar: مرحبًا {{contact.name}}! شكرًا لتواصلك معنا.`, or a line of a `|` block) is isolated too: in
// the left-to-right line its parts around the Latin placeholder read in the wrong order ("شكرًا…" before "مرحبًا").
import { RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';

const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;
// A quoted text, or a plain item of a flow list or map (`[a, b]`, `{ id: x, title: y }`).
const ITEM = /"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|(?<=[[{,][ \t]*)[^\s,[\]{}"'#][^,[\]{}]*?(?=[ \t]*(?:[,\]}]|$))/g;
// An unquoted text on a line of its own: after the indentation, list dashes and a (Latin) key, up to a comment.
const PLAIN = /^[ \t]*(?:-[ \t]+)*(?:[A-Za-z_][\w.-]*:[ \t]+)?(?=[^\s"'[{|>#])(?!-[ \t]|[A-Za-z_][\w.-]*:(?:[ \t]|$))(.*?)(?=[ \t]+#|[ \t]*$)/;

// Each item is isolated with its own direction (`dir="auto"`: the first strong letter's; an element with `dir` is a
// bidi isolate), so it stays where it is written on the line and reads as written. `bidiIsolate` tells the cursor.
const isolate = Decoration.mark({ attributes: { dir: 'auto' }, inclusive: true, bidiIsolate: null });

function isolates(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const { from, to } of view.visibleRanges) {
    for (let position = from; position <= to;) {
      const line = view.state.doc.lineAt(position);
      if (RTL.test(line.text)) {
        let isolated = false;
        for (const match of line.text.matchAll(ITEM)) {
          if (!RTL.test(match[0])) continue;
          builder.add(line.from + match.index, line.from + match.index + match[0].length, isolate);
          isolated = true;
        }
        const plain = isolated ? null : PLAIN.exec(line.text);
        if (plain?.[1] && RTL.test(plain[1])) {
          const at = line.from + plain[0].length - plain[1].length;
          builder.add(at, at + plain[1].length, isolate);
        }
      }
      position = line.to + 1;
    }
  }
  return builder.finish();
}

const plugin = ViewPlugin.fromClass(class {
  decorations: DecorationSet;
  constructor(view: EditorView) {
    this.decorations = isolates(view);
  }
  update(update: ViewUpdate) {
    if (update.docChanged || update.viewportChanged) this.decorations = isolates(update.view);
  }
}, { decorations: (value) => value.decorations });

/**
 * Shows each quoted text, each flow-list item and each unquoted text with right-to-left letters in it as a unit, in its place.
 *
 *     new EditorView({ extensions: [yaml(), rightToLeftTexts()] });
 */
export function rightToLeftTexts(): Extension {
  return [plugin, EditorView.bidiIsolatedRanges.of((view) => view.plugin(plugin)?.decorations ?? Decoration.none)];
}
