// Finds an `expect: regex:` pattern that matches no text at all (`[]`, `(?!)`, `a^`, `$a`, `(?=a)b`): a question no
// customer can get past, asked again until on_fail. The pattern is read as it checks answers (`^(?:…)$`, u flag) by
// refa, which simplifies it, applying the lookarounds, `\b`, `^` and `$` it can work out (`(?!a)a` takes nothing,
// `a\Bb` is `ab`) and dropping the ways through it that fail on every text; no way left means no text matches. The
// part to blame (an assertion, an empty class) is the first that fails every text with the others set aside (taken as
// passing), else the first without which the pattern takes some text; past that, "no text can match it".
// What refa leaves unresolved (a back-reference to a group of many texts, a lookaround it cannot apply) is taken as
// able to match; such a pattern is only warned of when none of the texts tried passes it: common answers, and the
// shortest texts of the pattern with those parts left out, each tried on the pattern itself.

import { createRequire } from 'node:module';
import type { AST } from '@eslint-community/regexpp';
import type * as Refa from 'refa';
import type { Char, Expression, JS, NFA, NoParent, Transformer } from 'refa';
import { matchesWithinLimit, PatternTooSlowError } from './patterns.ts';

// refa (1.1 MB of code, with Unicode tables that take some 6 MB of heap) is loaded the first time a pattern needs
// reading, one no common answer passes: a server whose flows have none does not carry it.
let loaded: { refa: typeof Refa; simplify: Transformer } | undefined;
function refa(): { refa: typeof Refa; simplify: Transformer } {
  if (loaded) return loaded;
  const library = createRequire(import.meta.url)('refa') as typeof Refa;
  // What settles a pattern: inline groups, drop the ways through it that fail, apply the assertions that can be
  // worked out from what stands next to them. refa's full `simplify` gives the same answers here, five times slower.
  const { inline, removeDeadBranches, applyAssertions, removeUnnecessaryAssertions } = library.Transformers;
  const simplify = library.combineTransformers([inline(), removeDeadBranches(), applyAssertions(), removeUnnecessaryAssertions()]);
  return (loaded = { refa: library, simplify });
}

/** Why a pattern matches no text: the construct that fails on every text, as written. */
export interface NeverMatches {
  because: string;
}

/** A pattern none of the texts tried passes, though it could not be shown to match nothing. */
export interface NoSamplePasses {
  tried: string[];
}

/**
 * Whether `written` (the pattern after `regex:`, valid with the `u` flag) matches no text, as `compiled` runs it:
 * `{ because }` when no text can match it, `{ tried }` when only the texts tried all failed (warn, not refuse),
 * undefined when an answer can pass it.
 *
 *     matchesNothing('a^', compiled);       // { because: '^ (the start of the answer) comes after text' }
 *     matchesNothing('ORD-\\d{4}', compiled); // undefined
 */
export function matchesNothing(written: string, compiled: RegExp): NeverMatches | NoSamplePasses | undefined {
  try {
    new RegExp(written, 'u');
  } catch {
    // Refused as invalid already.
    return undefined;
  }
  // A net for a mistake in the reading, and the quick way out for most patterns: one a common answer passes is fine.
  if (COMMON_ANSWERS.some((text) => passes(compiled, text))) return undefined;
  const reading = read(compiled.source, compiled.flags);
  // Too large to read (refa's node limit): counts as able to match.
  if (!reading) return undefined;
  if (reading.empty) return { because: because(compiled) };
  const samples = [...samplesOf(reading), ...samplesOf(pinned(reading))];
  if (samples.some((text) => passes(compiled, text))) return undefined;
  return { tried: [...new Set(samples.filter((text) => text !== ''))].slice(0, 3) };
}

// A probe that takes too long to try (the pattern backtracks without end) counts as passing: the pattern is not named.
function passes(compiled: RegExp, text: string): boolean {
  try {
    return matchesWithinLimit(compiled, text);
  } catch (error) {
    if (error instanceof PatternTooSlowError) return true;
    throw error;
  }
}

// Answers customers commonly give: letters, digits, an order number, an email, a phone number, a date, Arabic.
const COMMON_ANSWERS = ['a', 'yes', 'ORD-1234', 'abc12345', 'name@example.com', '+44 20 7946 0958', '31/12/2025', '2025-12-31', '42', 'مرحبا', '٤٢'];

interface Reading {
  parser: JS.Parser;
  /** The pattern simplified: lookarounds and anchors refa could work out applied, dead ways through it removed. */
  expression: NoParent<Expression>;
  maxCharacter: Char;
  /** No text matches it. */
  empty: boolean;
}

// A repeat up to this many times or more is read as unbounded (`a{1,10000}` as `a+`): what the pattern takes only grows.
const INFINITY = 100;

// A back-reference to a group of up to this many texts is read as each of them (`(\d)\1` as `00|11|…|99`); to one of
// more it is left unresolved: `(\w)\1{4}`, read as 63 texts, would take 10 ms.
const BACKREFERENCE_WORDS = 10;

// Reads `source` with refa; undefined past refa's limits (a pattern of over 10,000 nodes, back-references included).
function read(source: string, flags: string): Reading | undefined {
  try {
    const { refa: { JS, transform, visitAst }, simplify } = refa();
    const parser = JS.Parser.fromLiteral({ source, flags });
    const parsed = parser.parse({ backreferences: 'unknown', maxBackreferenceWords: BACKREFERENCE_WORDS });
    const expression = transform(simplify, parsed.expression);
    const { maxCharacter } = parsed;
    if (expression.alternatives.length === 0) return { parser, expression, maxCharacter, empty: true };
    // With every assertion left taken as passing (a back-reference aside), what the pattern takes can only grow: if
    // that takes no text, neither does the pattern.
    let unknown = false;
    visitAst(expression, { onUnknownEnter: () => (unknown = true) });
    const empty = !unknown && overApproximation(expression, maxCharacter).isEmpty;
    return { parser, expression, maxCharacter, empty };
  } catch {
    return undefined;
  }
}

// The texts the pattern takes with its unresolved lookarounds passing and its unresolved back-references failing.
function overApproximation(expression: NoParent<Expression>, maxCharacter: Char): NFA {
  return refa().refa.NFA.fromRegex(expression, { maxCharacter }, { assertions: 'ignore', unknowns: 'disable', infinityThreshold: INFINITY });
}

// The shortest few texts of a reading, in their most readable letters (`\d{4}` as 0000): tried on the pattern itself.
function samplesOf(reading: Reading | undefined): string[] {
  if (!reading) return [];
  const { Words } = refa().refa;
  const samples: string[] = [];
  for (const wordSet of overApproximation(reading.expression, reading.maxCharacter).wordSets()) {
    samples.push(Words.fromUnicodeToString(Words.pickMostReadableWord(wordSet)));
    if (samples.length === 6) break;
  }
  return samples;
}

// The pattern with each capturing group of no group inside it set to one text of its own (`(\d{4})-\1` read as
// `(0000)-\1`), so that refa resolves the back-references to it: a group of many texts leaves them unresolved.
function pinned(reading: Reading): Reading | undefined {
  const { source, flags } = reading.parser.literal;
  const groups: AST.CapturingGroup[] = [];
  visit(reading.parser.ast.pattern, (node) => {
    if (node.type === 'CapturingGroup' && !hasGroup(node)) groups.push(node);
  });
  if (groups.length === 0) return undefined;
  let pinnedSource = source;
  for (const group of groups.reverse()) {
    const text = samplesOf(read(group.alternatives.map((alternative) => alternative.raw).join('|'), flags))[0];
    if (text === undefined) continue;
    const opening = group.raw.slice(0, group.alternatives[0]!.start - group.start);
    const literal = [...text].map((char) => `\\u{${char.codePointAt(0)!.toString(16)}}`).join('');
    pinnedSource = `${pinnedSource.slice(0, group.start)}${opening}${literal})${pinnedSource.slice(group.end)}`;
  }
  return read(pinnedSource, flags);
}

function hasGroup(group: AST.CapturingGroup): boolean {
  let found = false;
  for (const alternative of group.alternatives) visit(alternative, (node) => (found ||= node.type === 'CapturingGroup'));
  return found;
}

// Calls `each` on every node under `node` (not on `node` itself), in the order they are written.
function visit(node: AST.Node, each: (node: AST.Node) => void): void {
  const children: AST.Node[] =
    'alternatives' in node ? node.alternatives : 'elements' in node ? node.elements : node.type === 'Quantifier' ? [node.element] : [];
  for (const child of children) {
    each(child);
    visit(child, each);
  }
}

// Whether a reading takes the empty text by a way through it with no assertion: a text found at every point.
function takesNothingAnywhere(reading: Reading): boolean {
  return refa().refa.NFA.fromRegex(reading.expression, { maxCharacter: reading.maxCharacter }, { assertions: 'disable', unknowns: 'disable' }).test([]);
}

type Suspect = AST.Assertion | AST.CharacterClass;

// Why `compiled` (which takes no text) takes none, in words; plainly so when no one part is to blame.
function because(compiled: RegExp): string {
  try {
    return blame(compiled.source, compiled.flags, true) ?? 'no text can match it';
  } catch {
    return 'no text can match it';
  }
}

/**
 * The construct of `source` (which takes no text) to blame, in words: the first one written that fails every text
 * alone (the others set aside), else the first without which the pattern takes some text; in a lookaround that fails
 * on every text, the one inside it to blame. `whole` says `source` is the pattern as it checks answers, `^(?:…)$`,
 * whose `^` and `$` are not the admin's.
 */
function blame(source: string, flags: string, whole: boolean): string | undefined {
  const { JS } = refa().refa;
  const ast = JS.Parser.fromLiteral({ source, flags }).ast;
  let suspects: Suspect[] = [];
  visit(ast.pattern, (node) => {
    if (node.type === 'Assertion' || (node.type === 'CharacterClass' && JS.parseUnicodeSet(node, { unicode: true }).isEmpty)) suspects.push(node);
  });
  if (whole) suspects = suspects.slice(1, -1);
  // Undefined when refa cannot read the pattern with those set aside: then that suspect is not named.
  const empty = (aside: Suspect[]) => read(setAside(source, aside), flags)?.empty;
  const culprit =
    suspects.find((suspect) => empty(suspects.filter((other) => other !== suspect && !within(other, suspect))) === true) ??
    suspects.find((suspect) => empty([suspect]) === false);
  return culprit && describe(culprit, flags);
}

// Whether `inner` is written inside `outer`.
function within(inner: Suspect, outer: Suspect): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

// `source` with each of `aside` replaced by what always passes: an assertion by nothing, a class by any character.
function setAside(source: string, aside: Suspect[]): string {
  let result = '';
  let at = 0;
  for (const suspect of [...aside].sort((a, b) => a.start - b.start)) {
    if (suspect.start < at) continue;
    result += `${source.slice(at, suspect.start)}${suspect.type === 'Assertion' ? '(?:)' : '[\\s\\S]'}`;
    at = suspect.end;
  }
  return result + source.slice(at);
}

function describe(suspect: Suspect, flags: string): string {
  if (suspect.type === 'CharacterClass') return `${suspect.raw} is a class of no character`;
  switch (suspect.kind) {
    case 'start':
      return '^ (the start of the answer) comes after text';
    case 'end':
      return '$ (the end of the answer) comes before text';
    case 'word':
      return suspect.negate ? '\\B (not at the edge of a word) stands where a word starts or ends' : '\\b (the edge of a word) stands where no word starts or ends';
    default: {
      const body = suspect.alternatives.map((alternative) => alternative.raw).join('|');
      const inside = read(body, flags);
      if (!suspect.negate && inside?.empty) return blame(body, flags, false) ?? `${suspect.raw} asks for what no text is`;
      if (suspect.negate && inside && takesNothingAnywhere(inside)) return `${suspect.raw} fails everywhere: what it must not find matches at every point`;
      const where = suspect.kind === 'lookahead' ? 'after' : 'before';
      return suspect.negate ? `${suspect.raw} refuses the text that must come ${where} it` : `${suspect.raw} asks for text that cannot come ${where} it`;
    }
  }
}
