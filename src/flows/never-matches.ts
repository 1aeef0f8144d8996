// Finds an `expect: regex:` pattern that matches no text at all (`[]`, `(?!)`, `a^`, `$a`): a question no customer can
// get past, asked again until on_fail. No attempt at deciding regular expressions in general: the pattern is read into
// alternatives, groups and repeats, and only constructs that fail on every text are named, where every way through
// the pattern meets one (`[]|x` takes x). Anything not understood counts as able to match, so a real pattern is never
// refused; and a pattern named is still tried on sample answers and on texts built from its own letters before it is.
// A pattern with lookarounds, `\b` or back-references (what the reading above does not follow) that no sample passes
// is only warned of: the samples may have missed the one text it wants.

import { matchesWithinLimit, PatternTooSlowError } from './patterns.ts';

/** Why a pattern matches no text: the construct that fails on every text, as written. */
export interface NeverMatches {
  because: string;
}

/** A pattern none of the texts tried passes, though nothing in it is known to fail on every text. */
export interface NoSamplePasses {
  tried: string[];
}

/**
 * Whether `written` (the pattern after `regex:`, valid with the `u` flag) matches no text, as `compiled` runs it:
 * `{ because }` when a construct of it fails on every text, `{ tried }` when only the samples all failed (warn, not
 * refuse), undefined when an answer can pass it.
 *
 *     matchesNothing('a^', compiled);       // { because: '^ (the start of the answer) comes after text' }
 *     matchesNothing('ORD-\\d{4}', compiled); // undefined
 */
export function matchesNothing(written: string, compiled: RegExp): NeverMatches | NoSamplePasses | undefined {
  let pattern: Alternatives;
  try {
    new RegExp(written, 'u');
    const reader = new Reader(written);
    pattern = reader.alternatives();
    if (!reader.done()) return undefined;
  } catch {
    return undefined;
  }
  const probes = [...COMMON_ANSWERS, written, written.replace(/\\/g, ''), ...samplesOf(pattern)];
  if (probes.some((text) => passes(compiled, text))) return undefined;
  const forward = walk(pattern, true, 'forward');
  const backward = walk(pattern, true, 'backward');
  const never = forward.never ?? backward.never;
  if (never) return { because: never };
  return pattern.loose ? { tried: samplesOf(pattern).filter((text) => text !== '').slice(0, 3) } : undefined;
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

// The pattern, read: each alternative a list of items, each item an atom repeated at least `min` times.
interface Alternatives {
  alternatives: Item[][];
  /** Holds a lookaround, `\b`/`\B` or a back-reference: constructs `walk` takes as able to match anywhere. */
  loose: boolean;
}
interface Item {
  atom: Atom;
  min: number;
}
type Atom =
  | { kind: 'character'; source: string; empty: boolean }
  | { kind: 'start' | 'end' | 'boundary' }
  | { kind: 'backreference'; to: string }
  | { kind: 'group'; body: Alternatives; captures?: string[] }
  | { kind: 'look'; negative: boolean; body: Alternatives; source: string };

// Reads a pattern the `u` flag accepted (so its syntax is strict: no stray `]` or `{`, no octal escapes).
class Reader {
  private at = 0;
  private groups = 0;
  constructor(private readonly text: string) {}

  /** Whether the whole pattern was read. */
  done(): boolean {
    return this.at === this.text.length;
  }

  alternatives(): Alternatives {
    const result: Alternatives = { alternatives: [[]], loose: false };
    while (this.at < this.text.length && this.text[this.at] !== ')') {
      const char = this.text[this.at]!;
      if (char === '|') {
        this.at++;
        result.alternatives.push([]);
        continue;
      }
      const atom = this.atom(result);
      result.alternatives.at(-1)!.push({ atom, min: this.quantifier() });
    }
    return result;
  }

  private atom(into: Alternatives): Atom {
    const char = this.text[this.at]!;
    if (char === '^' || char === '$') {
      this.at++;
      return { kind: char === '^' ? 'start' : 'end' };
    }
    if (char === '(') return this.group(into);
    if (char === '[') return this.characterClass();
    if (char === '\\') return this.escape(into);
    const codePoint = String.fromCodePoint(this.text.codePointAt(this.at)!);
    this.at += codePoint.length;
    return { kind: 'character', source: codePoint === '.' ? '.' : codePoint, empty: false };
  }

  private group(into: Alternatives): Atom {
    const start = this.at;
    const opening = /^\((\?(?:[:=!]|<[=!]|<[^>]+>))?/.exec(this.text.slice(this.at))![0];
    this.at += opening.length;
    // Groups are numbered in the order they open.
    const number = opening === '(' || /^\(\?<[^=!]/.test(opening) ? ++this.groups : undefined;
    const body = this.alternatives();
    if (this.text[this.at] !== ')') throw new Error('unclosed group');
    this.at++;
    into.loose ||= body.loose;
    if (opening === '(?=' || opening === '(?!' || opening === '(?<=' || opening === '(?<!') {
      into.loose = true;
      return { kind: 'look', negative: opening.endsWith('!'), body, source: this.text.slice(start, this.at) };
    }
    if (number === undefined) return { kind: 'group', body };
    // A group captures under its number, and a named one under its name besides: `\1` and `\k<name>` read either.
    return { kind: 'group', body, captures: [String(number), ...(opening.length > 1 ? [opening.slice(3, -1)] : [])] };
  }

  private characterClass(): Atom {
    const start = this.at;
    this.at++;
    const negated = this.text[this.at] === '^';
    if (negated) this.at++;
    const first = this.at;
    while (this.at < this.text.length && this.text[this.at] !== ']') this.at += this.text[this.at] === '\\' ? 2 : 1;
    if (this.at >= this.text.length) throw new Error('unclosed class');
    const members = this.text.slice(first, this.at);
    this.at++;
    // `[]` is a class of no character; `[^\s\S]` (and \d\D, \w\W) of none either, said the other way round.
    const empty = negated ? COMPLEMENTS.has(members) : members === '';
    return { kind: 'character', source: this.text.slice(start, this.at), empty };
  }

  private escape(into: Alternatives): Atom {
    const rest = this.text.slice(this.at);
    const assertion = /^\\[bB]|^\\([1-9]\d*)|^\\k<([^>]+)>/.exec(rest);
    if (assertion) {
      this.at += assertion[0].length;
      into.loose = true;
      const to = assertion[1] ?? assertion[2];
      return to === undefined ? { kind: 'boundary' } : { kind: 'backreference', to };
    }
    const escape = /^\\(?:[pP]\{[^}]+\}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[a-zA-Z]|.)/su.exec(rest)![0];
    this.at += escape.length;
    return { kind: 'character', source: escape, empty: false };
  }

  // The fewest times the atom just read must match (1 without a quantifier).
  private quantifier(): number {
    const quantifier = /^(?:([*+?])|\{(\d+)(,\d*)?\})\??/.exec(this.text.slice(this.at));
    if (!quantifier) return 1;
    this.at += quantifier[0].length;
    if (quantifier[1]) return quantifier[1] === '+' ? 1 : 0;
    // `x{0}` matches only nothing, as a skipped item does.
    return quantifier[3] === undefined && quantifier[2] === '0' ? 0 : Number(quantifier[2]);
  }
}

const COMPLEMENTS = new Set(['\\s\\S', '\\S\\s', '\\d\\D', '\\D\\d', '\\w\\W', '\\W\\w']);

/**
 * Follows the pattern from its start (`forward`, where `^` must be) or from its end (`backward`, where `$` must be):
 * `edge` says whether this point may still be that edge, nothing having been matched between. The result: the first
 * construct every way through fails on (`never`), and whether the point after it may still be the edge.
 */
function walk(pattern: Alternatives, edge: boolean, direction: 'forward' | 'backward'): { never?: string; edge: boolean } {
  let never: string | undefined;
  let matches = false;
  let edgeAfter = false;
  for (const alternative of pattern.alternatives) {
    const result = walkItems(direction === 'forward' ? alternative : [...alternative].reverse(), edge, direction);
    if (result.never !== undefined) never ??= result.never;
    else {
      matches = true;
      edgeAfter ||= result.edge;
    }
  }
  return matches ? { edge: edgeAfter } : { never, edge: false };
}

function walkItems(items: Item[], edge: boolean, direction: 'forward' | 'backward'): { never?: string; edge: boolean } {
  let atEdge = edge;
  for (const { atom, min } of items) {
    const result = step(atom, atEdge, direction);
    // An item that may be skipped fails nothing: the edge after it is the edge before, or after it if it matched.
    if (min === 0) atEdge ||= result.never === undefined && result.edge;
    else if (result.never !== undefined) return result;
    else atEdge = result.edge;
  }
  return { edge: atEdge };
}

function step(atom: Atom, edge: boolean, direction: 'forward' | 'backward'): { never?: string; edge: boolean } {
  const anchor = direction === 'forward' ? 'start' : 'end';
  switch (atom.kind) {
    case 'character':
      return atom.empty ? { never: `${atom.source} is a class of no character`, edge: false } : { edge: false };
    case 'start':
    case 'end':
      if (atom.kind === anchor && !edge) {
        return { never: anchor === 'start' ? '^ (the start of the answer) comes after text' : '$ (the end of the answer) comes before text', edge: false };
      }
      return { edge };
    case 'boundary':
      return { edge };
    case 'backreference':
      // A back-reference may match text or nothing: the edge may be past, or not.
      return { edge: true };
    case 'group':
      return walk(atom.body, edge, direction);
    case 'look': {
      // What a lookaround looks at starts (or ends) elsewhere than here: its body is read as if anywhere.
      if (!atom.negative) {
        const body = walk(atom.body, true, direction);
        return body.never ? { never: body.never, edge } : { edge };
      }
      return matchesEmpty(atom.body) ? { never: `${atom.source} fails everywhere: what it must not find matches at every point`, edge } : { edge };
    }
  }
}

// Whether some alternative matches nothing at any point: each of its items may be skipped or is a group that does.
function matchesEmpty(pattern: Alternatives): boolean {
  return pattern.alternatives.some((alternative) =>
    alternative.every(({ atom, min }) => min === 0 || (atom.kind === 'group' && matchesEmpty(atom.body))),
  );
}

// Candidate characters for a sample: an atom is written as the first of them it matches, turn and turn about.
const CANDIDATES = ['a', '1', 'A', '-', 'z', '0', ' ', '_', '.', '@', '+', '/', 'ا', '٤', 'é', 'Z', '9', ':', '#', ',', '\n'];

/** A few texts the pattern's own letters and classes spell, taking each alternative and each repeat its fewest (and one more) times. */
function samplesOf(pattern: Alternatives): string[] {
  const samples = new Set<string>();
  for (let turn = 0; turn < 4; turn++) {
    for (const extra of [0, 1]) samples.add(spell(pattern, turn, extra, { count: 0, captured: new Map(), fitting: new Map() }));
  }
  return [...samples];
}

// A sample is no longer than this: a message is rarely longer, and `(x{300}){300}` would spell 90,000 characters.
const SAMPLE_LENGTH = 2_000;

interface Spelling {
  /** Characters written so far. */
  count: number;
  /** The text of each capturing group, by number and name. */
  captured: Map<string, string>;
  /** The candidates each atom matches, by its source. */
  fitting: Map<string, string[]>;
}

function spell(pattern: Alternatives, turn: number, extra: number, written: Spelling): string {
  const alternative = pattern.alternatives[turn % pattern.alternatives.length]!;
  let text = '';
  for (const { atom, min } of alternative) {
    for (let i = 0; i < min + extra && written.count < SAMPLE_LENGTH; i++) {
      if (atom.kind === 'group') {
        const group = spell(atom.body, turn, extra, written);
        for (const name of atom.captures ?? []) written.captured.set(name, group);
        text += group;
      } else if (atom.kind === 'backreference') text += written.captured.get(atom.to) ?? '';
      else if (atom.kind === 'character') {
        let fitting = written.fitting.get(atom.source);
        if (!fitting) written.fitting.set(atom.source, (fitting = fittingCandidates(atom.source)));
        if (fitting.length > 0) text += fitting[(turn + written.count) % fitting.length]!;
        written.count++;
      }
    }
  }
  return text;
}

// The candidates one atom matches; the characters written in it (`x`, `\.`, those listed in `[ab]`) come first.
function fittingCandidates(source: string): string[] {
  let test: RegExp;
  try {
    test = new RegExp(`^(?:${source})$`, 'u');
  } catch {
    return [];
  }
  const written = [...source.replace(/\\[pPux]\{[^}]*\}|\\[ux][0-9a-fA-F]+|\\./gu, '').replace(/^\[\^?|\]$/g, '')];
  return [...new Set([...written, ...CANDIDATES])].filter((candidate) => test.test(candidate));
}
