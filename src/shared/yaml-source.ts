// Reading YAML while keeping track of lines, so every refusal (flow scripts, team.yaml, training data) can point at the line to fix.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { KnownFileError } from './file-error.ts';
/** Where something is in a YAML document: keys and list indexes. */
export type Path = readonly (string | number)[];

/** Why a text cannot be read as YAML, where; `hint`, when there is a fix better than checking indentation and quotes. */
export interface YamlError {
  line: number;
  column?: number;
  reason: string;
  hint?: string;
  /** What the error is, for a page that words it itself, when it is Switchboard's own finding rather than the parser's. */
  known?: KnownFileError;
}

/**
 * What a YAML error is, for a page that says it in its own words: the kind Switchboard found, else the parser's words.
 *
 *     new FlowError(file, error.line, `YAML syntax error: ${error.reason}`, error.hint, error.column, knownYamlError(error));
 */
export function knownYamlError(error: YamlError): KnownFileError {
  return error.known ?? { kind: 'yamlSyntax', detail: error.reason, ...(error.hint !== undefined ? { hint: error.hint } : {}) };
}

/** A parsed script: its plain value, and the line of anything in it. */
export interface YamlSource {
  value: unknown;
  /** The line of the key (or list item) at `path`, or of its nearest existing parent. */
  lineOf(path: Path): number;
  /** The line and column (1-based) where the key (or list item) at `path` is written, or its nearest existing parent. */
  placeOf(path: Path): { line: number; column: number };
  /**
   * What a comment took from the unquoted text at `path` when a `#` follows a space and starts a word there
   * (`say: Press #1 for billing` is the text "Press", then a comment): the words after the `#`, else undefined.
   */
  cutByComment(path: Path): string | undefined;
}

/**
 * Where the words of `offset`'s line begin (its key, or its list item's `-`); undefined on a line of blanks.
 *
 *     wordsStart('a:\n   b: 1\n', lineCounter, 3); // { line: 2, col: 4 }
 */
function wordsStart(text: string, lineCounter: LineCounter, offset: number): { line: number; col: number; offset: number } | undefined {
  const { line } = lineCounter.linePos(offset);
  const start = lineCounter.lineStarts[line - 1];
  if (start === undefined) return undefined;
  const indent = /^[ \t]*/.exec(text.slice(start))![0].length;
  const first = start + indent;
  return first >= text.length || text[first] === '\n' || text[first] === '\r' ? undefined : { line, col: indent + 1, offset: first };
}

/**
 * The place to fix of a yaml error about indentation: the key (or `-`) of its line, where yaml says the line's first
 * column (its indentation); for a key indented too far under one with a value, which yaml reads as that value running
 * on to the next line, the key on that line. Undefined for any other error.
 */
function misIndented(text: string, lineCounter: LineCounter, error: { code: string; pos: [number, number] }): { line: number; col: number } | undefined {
  if (error.code === 'MULTILINE_IMPLICIT_KEY') return wordsStart(text, lineCounter, Math.max(error.pos[0], error.pos[1] - 1));
  // A tab in the indentation is itself the place to fix.
  if (error.code === 'TAB_AS_INDENT') return undefined;
  const words = wordsStart(text, lineCounter, error.pos[0]);
  return words && error.pos[0] < words.offset ? words : undefined;
}

/**
 * Parses YAML, or lists its syntax errors with their lines.
 *
 *     const parsed = parseYamlSource('flow: inbound\n');
 *     if ('source' in parsed) parsed.source.lineOf(['flow']); // 1
 */
export function parseYamlSource(text: string): { source: YamlSource } | { errors: YamlError[] } {
  const controls = controlCharacterErrors(text);
  if (controls.length > 0) return { errors: controls };
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  // A tag nobody defined is only a warning to yaml, which then drops it from the text: "!Hello there" read "there".
  const unknownTags = document.warnings.filter((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (document.errors.length > 0 || unknownTags.length > 0) {
    // A text written *bold* and going on (`say: *Welcome* to Acme!`) is an alias, then a stray scalar: the alias is the
    // place to fix.
    const aliasesByLine = new Map<number, { written: string; column: number }>();
    // yaml reports a quote never closed where it gave up reading the text, lines below it at times: the opening quote
    // is the place to fix.
    const quoted: [number, number][] = [];
    visit(document, {
      Alias: (_key, node) => {
        if (!node.range) return;
        const at = lineCounter.linePos(node.range[0]);
        if (!aliasesByLine.has(at.line)) aliasesByLine.set(at.line, { written: `*${node.source}`, column: at.col });
      },
      Scalar: (_key, node) => void (node.range && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && quoted.push([node.range[0], node.range[1]])),
    });
    const aliasLines = new Set<number>();
    // A key indented too far under one with a value (`telegram: 9001`, then `     teams: …`) is two errors where that
    // value ends: the one reading it as a key that runs on to the next line says where that key is.
    const runOn = new Set(document.errors.filter((error) => error.code === 'MULTILINE_IMPLICIT_KEY').map((error) => error.pos[0]));
    return {
      errors: [...document.errors, ...unknownTags].flatMap((error): YamlError[] => {
        if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && runOn.has(error.pos[0])) return [];
        const opening = error.code === 'MISSING_CHAR' && /closing \S?quote/.test(error.message)
          ? quoted.filter(([start, end]) => start < error.pos[0] && end >= error.pos[0]).at(-1)?.[0]
          : undefined;
        if (opening !== undefined) {
          const at = lineCounter.linePos(opening);
          const quote = text[opening] as string;
          return [{ line: at.line, column: at.col, reason: `this text opens with ${quote} and is never closed`, hint: `put a ${quote} where the text ends`, known: { kind: 'unclosedQuote', quote } }];
        }
        const line = error.linePos?.[0].line ?? 1;
        // `say: & Co`: an anchor of no name, where the text was meant; `say: *Thanks* for waiting`: an alias, then words.
        const alias = error.code === 'BAD_ALIAS' && /^Anchor/.test(error.message)
          ? { written: '&', column: error.linePos?.[0].col ?? 1 }
          : error.code === 'BAD_ALIAS' || error.code === 'UNEXPECTED_TOKEN' ? aliasesByLine.get(line) : undefined;
        if (alias !== undefined) {
          // One error a line: `say: * list` is an alias of no name and a stray scalar both.
          if (aliasLines.has(line)) return [];
          aliasLines.add(line);
          return [aliasError(alias.written, line, alias.column)];
        }
        // yaml appends " at line L, column C:" and a code excerpt; the line is reported separately.
        const reason = error.message.split(/ at line \d+, column \d+/)[0]!.trim();
        const tag = error.code === 'TAG_RESOLVE_FAILED' ? /^Unresolved tag: (.*)$/.exec(reason)?.[1] ?? '!' : undefined;
        const at = misIndented(text, lineCounter, error);
        if (at) return [{ line: at.line, column: at.col, reason }];
        return [{
          line,
          ...(error.linePos ? { column: error.linePos[0].col } : {}),
          reason: tag === undefined ? reason : `${tag} is read as a YAML tag, and the text would lose it`,
          ...(tag !== undefined ? { hint: `put a text that starts with ! in quotes: "${tag} …"`, known: { kind: 'yamlTag', tag } as const } : {}),
        }];
      }),
    };
  }
  const escaped = escapedControlErrors(document, lineCounter);
  if (escaped.length > 0) return { errors: escaped };
  const anchors = unusedAnchorErrors(text, document, lineCounter);
  if (anchors.length > 0) return { errors: anchors };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml resolves aliases only here, and throws: an alias of no anchor, or a "billion laughs".
    const aliasError = aliasErrorOf(document, lineCounter, error as Error);
    if (!aliasError) throw error;
    return { errors: [aliasError] };
  }
  const line = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  return {
    source: {
      value,
      lineOf: (path) => line(offsetOf(document, path)),
      placeOf: (path) => {
        const offset = offsetOf(document, path);
        if (offset === undefined) return { line: 1, column: 1 };
        const at = lineCounter.linePos(offset);
        return { line: at.line, column: at.col };
      },
      cutByComment: (path) => {
        const node = document.getIn(path, true);
        // "# note" (a space after the #) is a comment written as one; "#1" or "#support" was meant as text.
        const comment = isScalar(node) && node.type === 'PLAIN' ? node.comment : undefined;
        return comment && /^\S/.test(comment) ? comment : undefined;
      },
    },
  };
}

/**
 * Control characters other than tab and line breaks: a customer's app shows them as boxes or nothing (a NUL may even
 * cut the message short), and they cannot be seen in the editor to be deleted. C0, DEL and C1.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Past this many, the admin has seen enough to find the rest (a pasted binary would list thousands). */
const MAX_CONTROL_ERRORS = 10;

function describeControl(character: string): string {
  const code = character.codePointAt(0)!;
  const name = ({ 0: 'NUL', 7: 'BEL', 8: 'backspace', 0x1b: 'ESC', 0x7f: 'DEL' } as Record<number, string>)[code];
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` (${name})` : ''}`;
}

/** Each control character written in the text, at its line and column (a pasted text may carry them unseen). */
function controlCharacterErrors(text: string): YamlError[] {
  const errors: YamlError[] = [];
  let line = 1;
  let lineStart = 0;
  for (const match of text.matchAll(CONTROL)) {
    for (let newline = text.indexOf('\n', lineStart); newline !== -1 && newline < match.index; newline = text.indexOf('\n', lineStart)) {
      line++;
      lineStart = newline + 1;
    }
    const character = describeControl(match[0]);
    errors.push({
      line, column: match.index - lineStart + 1,
      reason: `the invisible control character ${character} is written here, and would reach whoever reads this text`,
      hint: 'delete it; retype the words around it if they were pasted',
      known: { kind: 'controlCharacter', character, escaped: false },
    });
    if (errors.length === MAX_CONTROL_ERRORS) break;
  }
  return errors;
}

/** Each quoted text whose escapes (`"\0"`, `"\e"`, `"\x07"`) write a control character, at the text. */
function escapedControlErrors(document: Document, lineCounter: LineCounter): YamlError[] {
  const errors: YamlError[] = [];
  visit(document, {
    Scalar: (_key, node) => {
      if (errors.length === MAX_CONTROL_ERRORS || typeof node.value !== 'string') return;
      const control = node.value.match(new RegExp(CONTROL.source))?.[0];
      if (control === undefined) return;
      const at = node.range ? lineCounter.linePos(node.range[0]) : undefined;
      const character = describeControl(control);
      errors.push({
        line: at?.line ?? 1, ...(at ? { column: at.col } : {}),
        reason: `an escape in this quoted text writes the invisible control character ${character}, which would reach whoever reads it`,
        hint: 'remove the escape; \\n for a new line and \\t for a tab are fine',
        known: { kind: 'controlCharacter', character, escaped: true },
      });
    },
  });
  return errors;
}

/**
 * Each unquoted text that starts with an anchor no alias repeats (`say: &Co is here`): YAML drops the word, and the
 * customer would read "is here". An anchor an alias repeats is YAML written on purpose. One before a key
 * (`- &billing name: Billing`) anchors only the key's name, not the item, and quoting it would make another key.
 */
function unusedAnchorErrors(text: string, document: Document, lineCounter: LineCounter): YamlError[] {
  const repeated = new Set<string>();
  visit(document, { Alias: (_key, node) => void repeated.add(node.source) });
  const errors: YamlError[] = [];
  visit(document, {
    Scalar: (key, node) => {
      if (node.anchor === undefined || repeated.has(node.anchor) || node.type !== 'PLAIN' || !node.range) return;
      const written = `&${node.anchor}`;
      const offset = text.lastIndexOf(written, node.range[0]);
      const at = lineCounter.linePos(offset === -1 ? node.range[0] : offset);
      errors.push(key === 'key' ? keyAnchorError(written, String(node.value), at.line, at.col) : aliasError(written, at.line, at.col));
    },
  });
  return errors;
}

/** An anchor no alias repeats before the key `key` (`&billing name: Billing`), at its line and column: removed, the key reads as meant. */
function keyAnchorError(written: string, key: string, line: number, column: number): YamlError {
  return {
    line, column,
    reason: `${written} before the key "${key}" is read as a YAML anchor, which no alias (*${written.slice(1)}) repeats`,
    hint: `remove ${written}`,
    known: { kind: 'yamlAlias', alias: written, key },
  };
}

/** How many times over aliases may repeat their anchors: past it, a few lines would expand into gigabytes. */
const MAX_ALIAS_COUNT = 100;

/**
 * The error of an alias the document cannot be read with, at the alias: one naming no anchor set before it (a text
 * written `*Welcome*`, WhatsApp's bold, without quotes), or aliases repeating their anchors past `MAX_ALIAS_COUNT`
 * (then at the first alias). Undefined for any other error.
 */
function aliasErrorOf(document: Document, lineCounter: LineCounter, error: Error): YamlError | undefined {
  const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(error.message)?.[1];
  if (unresolved === undefined && !/^Excessive alias count/.test(error.message)) return undefined;
  const aliases: Alias[] = [];
  visit(document, { Alias: (_key, node) => void aliases.push(node) });
  const alias = (unresolved === undefined ? undefined : aliases.find((node) => node.source === unresolved)) ?? aliases[0];
  const at = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
  if (unresolved !== undefined) return aliasError(`*${unresolved}`, at?.line ?? 1, at?.col);
  const reason = `the aliases (*name) here repeat their anchors (&name) more than ${MAX_ALIAS_COUNT} times over`;
  return {
    line: at?.line ?? 1, ...(at ? { column: at.col } : {}),
    reason, hint: 'write the repeated part out, or use fewer aliases',
    known: { kind: 'yamlAliasLimit', limit: MAX_ALIAS_COUNT },
  };
}

/**
 * A text that starts with * or & (WhatsApp's *bold*, `&Co`), which YAML reads as an alias or an anchor: `written`, the
 * word as the file writes it, at its line and column.
 */
function aliasError(written: string, line: number, column: number | undefined): YamlError {
  const sign = written[0] as '*' | '&';
  return {
    line, ...(column !== undefined ? { column } : {}),
    reason: `${written} is read as a YAML ${sign === '*' ? 'alias' : 'anchor'}, not as text`,
    hint: `put a text that starts with ${sign} in quotes: "${written} …"`,
    known: { kind: 'yamlAlias', alias: written },
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
