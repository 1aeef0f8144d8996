// Reading YAML while keeping track of lines, so every refusal (flow scripts, team.yaml, training data) can point at the line to fix.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
/** Where something is in a YAML document: keys and list indexes. */
export type Path = readonly (string | number)[];

/** A parsed script: its plain value, and the line of anything in it. */
export interface YamlSource {
  value: unknown;
  /** The line of the key (or list item) at `path`, or of its nearest existing parent. */
  lineOf(path: Path): number;
}

/**
 * Parses YAML, or lists its syntax errors with their lines.
 *
 *     const parsed = parseYamlSource('flow: inbound\n');
 *     if ('source' in parsed) parsed.source.lineOf(['flow']); // 1
 */
export function parseYamlSource(text: string): { source: YamlSource } | { errors: { line: number; column?: number; reason: string }[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      errors: document.errors.map((error) => ({
        line: error.linePos?.[0].line ?? 1,
        ...(error.linePos ? { column: error.linePos[0].col } : {}),
        // yaml appends " at line L, column C:" and a code excerpt; the line is reported separately.
        reason: error.message.split(/ at line \d+, column \d+/)[0]!.trim(),
      })),
    };
  }
  const line = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  return {
    source: {
      value: document.toJS({ maxAliasCount: 100 }),
      lineOf: (path) => line(offsetOf(document, path)),
    },
  };
}

function offsetOf(document: Document, path: Path): number | undefined {
  let node: unknown = document.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
