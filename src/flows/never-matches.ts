// Finds a pattern that matches no text at all (`[]`, `(?!)`, `a^`, `$a`, `(?=a)b`), in a flow script's `expect: regex:`
// (a question no customer can get past, asked again until on_fail) or `matches:` (a branch case that never holds). The
// pattern is read as it is run, by refa: on the whole answer (`^(?:…)$`, u flag), or anywhere in a field's value (read
// as `^[\s\S]*(?:…)[\s\S]*$`, i and u flags: what stands around the match is any text, and its lookarounds may see it).
// refa simplifies it, applying the lookarounds, `\b`, `^` and `$` it can work out (`(?!a)a` takes nothing, `a\Bb` is
// `ab`) and dropping the ways through it that fail on every text; no way left, read left to right and right to left,
// means no text matches. The part to blame (an assertion, an empty class) is the first that fails every text with the
// others set aside (taken as passing), else the first without which the pattern takes some text; past that, "no text
// can match it".
// What refa leaves unresolved (a back-reference to a group of many texts, a lookaround it cannot apply) is taken as
// able to match, and so is what it misreads at times: `\b`, `\B` or a lookaround inside a lookaround (`(?!\b)a`). Such
// a pattern is only warned of when none of the texts tried passes it: common answers, and the shortest texts of the
// pattern with those parts left out or its lookarounds taking what they look for, each tried on the pattern itself.

import { createRequire } from 'node:module';
import type { AST } from '@eslint-community/regexpp';
import type * as Refa from 'refa';
import type { Char, Concatenation, Element, Expression, JS, NFA, NoParent, Transformer } from 'refa';
import { probe } from './patterns.ts';

// refa (1.1 MB of code, with Unicode tables that take some 6 MB of heap) is loaded the first time a pattern needs
// reading, one no common answer passes: a server whose flows have none does not carry it.
let loaded: { refa: typeof Refa; simplify: Transformer } | undefined;
function refa(): { refa: typeof Refa; simplify: Transformer } {
  if (loaded) return loaded;
  const library = createRequire(import.meta.url)('refa') as typeof Refa;
  // What settles a pattern: inline groups, apply the assertions that can be worked out from what stands next to them,
  // drop the ways through it that fail. refa's full `simplify` gives the same answers here, five times slower. Dead
  // ways are dropped after the assertions are applied, in the same pass: a lookaround left with one (`(?<!$aa)`, read
  // `(?<![]a)`) misleads removeUnnecessaryAssertions, which then drops ways that match (`1?(?<!$aa)\b` read as nothing).
  const { inline, removeDeadBranches, applyAssertions, removeUnnecessaryAssertions } = library.Transformers;
  const simplify = library.combineTransformers([inline(), applyAssertions(), removeDeadBranches(), removeUnnecessaryAssertions()]);
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

/** How a flow runs a pattern: on the whole of a customer's answer (`expect: regex:`), or anywhere in a field's value (`matches:`). */
export type PatternRun = 'answer' | 'field';

/**
 * Whether `written` (the pattern as the admin wrote it, valid with the `u` flag) matches no text, as `compiled` runs it
 * `on` the whole of an answer (`compiled` is then `^(?:…)$`) or anywhere in a field's value: `{ because }` when no
 * text can match it, `{ tried }` when only the texts tried all failed (warn, not refuse), undefined when a text can
 * pass it.
 *
 *     matchesNothing('a^', compiled);                         // { because: '^ (the start of the answer) comes after text' }
 *     matchesNothing('^ord-\\d+$', /^ord-\d+$/iu, 'field'); // undefined
 */
export function matchesNothing(written: string, compiled: RegExp, on: PatternRun = 'answer'): NeverMatches | NoSamplePasses | undefined {
  try {
    new RegExp(written, 'u');
  } catch {
    // Refused as invalid already.
    return undefined;
  }
  // A net for a mistake in the reading, and the quick way out for most patterns: one a common answer passes is fine.
  if (COMMON_ANSWERS.some((text) => passes(compiled, text))) return undefined;
  // A pattern run anywhere in a value is read as run on the whole of it, with any text around the match: then refa
  // applies its assertions to what may stand next to it (`(?<=#)ord` takes "#ord"), as it does to the answer's edges.
  const source = on === 'answer' ? compiled.source : `^[\\s\\S]*(?:${compiled.source})[\\s\\S]*$`;
  const reading = read(source, compiled.flags);
  // Too large to read (refa's node limit): counts as able to match.
  if (!reading) return undefined;
  if (reading.empty) return { because: because(source, compiled.flags, on) };
  const samples = [...samplesOf(reading), ...samplesOf(pinned(reading)), ...samplesOf(lookedAt(reading))];
  if (samples.some((text) => passes(compiled, text))) return undefined;
  return { tried: [...new Set(samples.filter((text) => text !== ''))].slice(0, 3) };
}

// How many times V8 may step back trying one text before the try is given up: some 10 to 20 ms for a pattern that
// backtracks without end, like `(a+)+b` on a's and a "!" (4,098 steps on twelve a's, twice as many with each more:
// seventeen use it up), where the patterns of real questions take a few dozen on any text tried. A new regular
// expression for each text (`probe`), so that every process counts the same, however often it read the file before.
const PROBE_BACKTRACKS = 100_000;

// A text that takes too many steps to try (the pattern backtracks without end on it) counts as passing: the pattern
// is not named. The steps are counted, not timed, so the verdict is the same on a busy machine as on an idle one.
function passes(compiled: RegExp, text: string): boolean {
  return probe(compiled, text, PROBE_BACKTRACKS) !== 'fails';
}

/** The common answers tried that a warning names ("ORD-1234, name@example.com, 31/12/2025 and others"). */
export const COMMON_TRIED = ['ORD-1234', 'name@example.com', '31/12/2025'];

// Answers customers commonly give: letters, digits, an order number, an email, a phone number, a date, Arabic.
const COMMON_ANSWERS = ['a', 'yes', 'ORD-1234', 'abc12345', 'name@example.com', '+44 20 7946 0958', '31/12/2025', '2025-12-31', '42', 'مرحبا', '٤٢'];

interface Reading {
  parser: JS.Parser;
  /** The pattern simplified: lookarounds and anchors refa could work out applied, dead ways through it removed. */
  expression: NoParent<Expression>;
  /** `expression` is the pattern read right to left (its texts reversed): refa misread it left to right. */
  rightToLeft?: true;
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
    const { maxCharacter } = parsed;
    // A back-reference refa could not resolve to the texts of its group (of many texts, or one that may take no part,
    // as in `z(b)*$\1`, where it takes nothing) is read by its simplifying as taking some text: `z(b)*$\1` would read as
    // nothing, though "z" matches. A pattern with one is never taken to match nothing.
    let unresolved = false;
    visitAst(parsed.expression, { onUnknownEnter: () => (unresolved = true) });
    // refa misreads some lookarounds that hold `\b`, `\B` or a lookaround: `a(?! x|\B) ` (which "a " matches) reads as
    // nothing. Those are not settled by refa either: such a pattern is never taken to match nothing.
    unresolved ||= assertionInLookaround(parser.ast.pattern);
    // Taken before the simplifying, which changes the parsed pattern in place.
    const backward = mirrored(parsed.expression);
    const expression = transform(simplify, parsed.expression);
    // With every assertion left taken as passing, what the pattern takes can only grow: if that takes no text, neither
    // does the pattern (unless it is `unresolved`: a back-reference left unresolved is read as taking nothing).
    const takesNothing = (reading: NoParent<Expression>) => reading.alternatives.length === 0 || overApproximation(reading, maxCharacter).isEmpty;
    if (!takesNothing(expression)) return { parser, expression, maxCharacter, empty: false };
    // refa 0.12.1 drops some ways through a pattern that can match: `a(?=(?<!-)(?<=a)a)a` reads as nothing, as its
    // reading of the first lookbehind spoils that of the second. Read right to left the lookarounds are met in the
    // other order: no text matches only when neither reading takes any.
    const rightToLeft = transform(simplify, backward);
    if (!takesNothing(rightToLeft)) return { parser, expression: rightToLeft, rightToLeft: true, maxCharacter, empty: false };
    return { parser, expression, maxCharacter, empty: !unresolved };
  } catch {
    return undefined;
  }
}

// `expression` read right to left, a new tree: what it takes, each text reversed (a lookahead becomes a lookbehind,
// `^` becomes `$`). It takes no text exactly when `expression` takes none.
function mirrored(expression: NoParent<Expression>): NoParent<Expression> {
  const concatenation = ({ elements }: NoParent<Concatenation>): NoParent<Concatenation> => ({
    type: 'Concatenation',
    elements: elements.map(element).reverse(),
  });
  const element = (node: NoParent<Element>): NoParent<Element> => {
    switch (node.type) {
      case 'CharacterClass': case 'Unknown':
        return { ...node };
      case 'Assertion':
        return { ...node, kind: node.kind === 'ahead' ? 'behind' : 'ahead', alternatives: node.alternatives.map(concatenation) };
      case 'Alternation': case 'Quantifier':
        return { ...node, alternatives: node.alternatives.map(concatenation) };
    }
  };
  return { type: 'Expression', alternatives: expression.alternatives.map(concatenation) };
}

// The texts the pattern takes with its unresolved lookarounds passing and its unresolved back-references failing.
function overApproximation(expression: NoParent<Expression>, maxCharacter: Char): NFA {
  return refa().refa.NFA.fromRegex(expression, { maxCharacter }, { assertions: 'ignore', unknowns: 'disable', infinityThreshold: INFINITY });
}

// How many of a reading's shortest texts are tried, and how many ways through its automaton refa may walk for them
// (some 40 ms).
const SAMPLES = 6;
const PATH_BUDGET = 50_000;

// The shortest few texts of a reading, in their most readable letters (`\d{4}` as 0000): tried on the pattern itself.
function samplesOf(reading: Reading | undefined): string[] {
  if (!reading) return [];
  const { Words } = refa().refa;
  const samples: string[] = [];
  const nfa = overApproximation(reading.expression, reading.maxCharacter);
  if (!fewPaths(nfa, SAMPLES)) return samples;
  for (const wordSet of nfa.wordSets()) {
    const word = Words.pickMostReadableWord(wordSet);
    samples.push(Words.fromUnicodeToString(reading.rightToLeft ? word.reverse() : word));
    if (samples.length === SAMPLES) break;
  }
  return samples;
}

/**
 * Whether refa finds `wanted` texts of `nfa` within `budget` steps: it walks every way through the automaton, shortest
 * first, and a pattern whose ways multiply before its first texts (`(?=(.*a){10})(.*!){10}`: 5 s, the server's one
 * thread, at every check of the editor) gets no samples. Counts the ways of each length, node by node.
 */
function fewPaths(nfa: NFA, wanted: number, budget = PATH_BUDGET): boolean {
  let ways = new Map<NFA.ReadonlyNode, number>([[nfa.initial, 1]]);
  let found = 0;
  let walked = 0;
  while (ways.size > 0) {
    for (const [node, count] of ways) if (nfa.finals.has(node as NFA.Node)) found += count;
    if (found >= wanted) return true;
    const next = new Map<NFA.ReadonlyNode, number>();
    for (const [node, count] of ways) {
      for (const to of node.out.keys()) {
        next.set(to, Math.min(budget + 1, (next.get(to) ?? 0) + count));
        walked += count;
      }
    }
    if (walked > budget) return false;
    ways = next;
  }
  return true;
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

// The pattern with each lookahead and lookbehind that asks for text taking that text itself (`(?=\bx)` read as
// `(?:\bx)`): the texts it is tried on then hold what it looks for, which the reading with it left out lacks.
function lookedAt(reading: Reading): Reading | undefined {
  const { source, flags } = reading.parser.literal;
  const lookarounds: AST.LookaroundAssertion[] = [];
  visit(reading.parser.ast.pattern, (node) => {
    if (node.type === 'Assertion' && (node.kind === 'lookahead' || node.kind === 'lookbehind') && !node.negate) lookarounds.push(node);
  });
  if (lookarounds.length === 0) return undefined;
  let taking = source;
  for (const lookaround of lookarounds.reverse()) {
    taking = `${taking.slice(0, lookaround.start)}(?:${taking.slice(lookaround.alternatives[0]!.start)}`;
  }
  return read(taking, flags);
}

function hasGroup(group: AST.CapturingGroup): boolean {
  let found = false;
  for (const alternative of group.alternatives) visit(alternative, (node) => (found ||= node.type === 'CapturingGroup'));
  return found;
}

// Whether a lookaround of `pattern` holds `\b`, `\B` or another lookaround.
function assertionInLookaround(pattern: AST.Pattern): boolean {
  const lookaround = (node: AST.Node) => node.type === 'Assertion' && (node.kind === 'lookahead' || node.kind === 'lookbehind');
  let found = false;
  visit(pattern, (node) => {
    if (lookaround(node)) visit(node, (inner) => (found ||= lookaround(inner) || (inner.type === 'Assertion' && inner.kind === 'word')));
  });
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

// Why `source` (the pattern as it is run, `^…$`, which takes no text) takes none, in words; plainly so when no one
// part is to blame.
function because(source: string, flags: string, on: PatternRun): string {
  try {
    return blame(source, flags, true, on) ?? 'no text can match it';
  } catch {
    return 'no text can match it';
  }
}

/**
 * The construct of `source` (which takes no text) to blame, in words: the first one written that fails every text
 * alone (the others set aside), else the first without which the pattern takes some text; in a lookaround that fails
 * on every text, the one inside it to blame. `whole` says `source` is the pattern as it is run, `^…$`, whose `^` and
 * `$` are not the admin's; `on` names the text it is run on.
 */
function blame(source: string, flags: string, whole: boolean, on: PatternRun): string | undefined {
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
  return culprit && describe(culprit, flags, on);
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

// The text a pattern is run on, as the reasons name it.
const RUN_ON: Readonly<Record<PatternRun, string>> = { answer: 'the answer', field: "the field's value" };

function describe(suspect: Suspect, flags: string, on: PatternRun): string {
  if (suspect.type === 'CharacterClass') return `${suspect.raw} is a class of no character`;
  switch (suspect.kind) {
    case 'start':
      return `^ (the start of ${RUN_ON[on]}) comes after text`;
    case 'end':
      return `$ (the end of ${RUN_ON[on]}) comes before text`;
    case 'word':
      return suspect.negate ? '\\B (not at the edge of a word) stands where a word starts or ends' : '\\b (the edge of a word) stands where no word starts or ends';
    default: {
      const body = suspect.alternatives.map((alternative) => alternative.raw).join('|');
      const inside = read(body, flags);
      if (!suspect.negate && inside?.empty) return blame(body, flags, false, on) ?? `${suspect.raw} asks for what no text is`;
      if (suspect.negate && inside && takesNothingAnywhere(inside)) return `${suspect.raw} fails everywhere: what it must not find matches at every point`;
      const where = suspect.kind === 'lookahead' ? 'after' : 'before';
      return suspect.negate ? `${suspect.raw} refuses the text that must come ${where} it` : `${suspect.raw} asks for text that cannot come ${where} it`;
    }
  }
}
