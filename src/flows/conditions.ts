// Conditions on a field in a `branch` case: a plain value (equals), or one of equals, not, in, contains,
// matches, known, gt, lt. String comparisons ignore case and accents, as customers type either way.
import type { FieldRead } from './fields.ts';
import { isKnown } from './fields.ts';
import { COMMON_TRIED, matchesNothing } from './never-matches.ts';
import { matchesWithinLimit } from './patterns.ts';
import type { CompileContext, Path } from './steps/step.ts';
import { suggest } from '../shared/suggest.ts';
import { asciiDigits, fold } from '../shared/text.ts';

type Scalar = string | number | boolean | null;

/** A compiled condition. */
export type Condition =
  | { op: 'equals' | 'not' | 'contains'; value: Scalar }
  | { op: 'in'; values: Scalar[] }
  | { op: 'matches'; pattern: RegExp }
  | { op: 'known'; value: boolean }
  | { op: 'gt' | 'lt'; value: number | string };

/** The operators a condition map may use. */
export const CONDITION_OPERATORS = ['equals', 'not', 'in', 'contains', 'matches', 'known', 'gt', 'lt'] as const;

/**
 * Compiles a condition as written in the script, reporting what is wrong with it.
 *
 *     compileCondition({ in: ['billing', 'refund'] }, ['branch', 0, 'if', 'conversation.topic'], ctx);
 */
export function compileCondition(raw: unknown, at: Path, ctx: CompileContext): Condition {
  if (isScalar(raw)) return { op: 'equals', value: raw };
  const usage = `write a value, or one of ${CONDITION_OPERATORS.join(', ')}, e.g. { in: [a, b] }`;
  if (typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length !== 1) {
    ctx.error(at, 'a condition is a value or a map with one operator', usage, { kind: 'badCondition', allowed: [...CONDITION_OPERATORS] });
    return never;
  }
  const [op, value] = Object.entries(raw)[0]!;
  const here = [...at, op];
  const wrongValue = (reason: string, hint: string) => ctx.error(here, reason, hint, { kind: 'conditionValue', op });
  switch (op) {
    case 'equals': case 'not': case 'contains':
      if (isScalar(value)) return { op, value };
      wrongValue(`${op} needs a single value`, Array.isArray(value) ? 'to match any of several values use in: [a, b]' : `e.g. ${op}: billing`);
      return never;
    case 'in':
      if (Array.isArray(value) && value.length > 0 && value.every(isScalar)) return { op, values: value };
      wrongValue('in needs a list of values', 'e.g. in: [billing, refund]');
      return never;
    case 'matches':
      if (typeof value === 'string') return { op, pattern: compileMatches(value, here, ctx) };
      wrongValue('matches needs a regular expression', 'e.g. matches: "^ord-\\\\d+$"');
      return never;
    case 'known':
      if (typeof value === 'boolean') return { op, value };
      wrongValue('known needs true or false', 'known: true holds when the field has a value, known: false when it has none');
      return never;
    case 'gt': case 'lt':
      if (typeof value === 'number' || typeof value === 'string') return { op, value };
      wrongValue(`${op} needs a number (or a yyyy-mm-dd date)`, `e.g. ${op}: 3, or ${op}: 2026-01-31`);
      return never;
  }
  const suggestion = suggest(op, CONDITION_OPERATORS);
  ctx.error(
    here, `unknown condition "${op}"`, suggestion !== undefined ? `did you mean "${suggestion}"?` : usage,
    { kind: 'unknownCondition', name: op, ...(suggestion !== undefined ? { suggestion } : {}), allowed: [...CONDITION_OPERATORS] },
  );
  return never;
}

/**
 * Whether a field's value meets a condition. On a list (contact.tags) a value means "has it", and a pattern "one of
 * them matches it". Throws
 * `PatternTooSlowError` when a `matches:` pattern runs out of time on it.
 *
 *     holds({ op: 'gt', value: 3 }, '٤'); // true
 */
export function holds(condition: Condition, value: FieldRead): boolean {
  switch (condition.op) {
    case 'equals': return equals(value, condition.value);
    case 'not': return !equals(value, condition.value);
    case 'in': return condition.values.some((option) => equals(value, option));
    case 'contains':
      if (Array.isArray(value)) return equals(value, condition.value);
      return typeof value === 'string' && fold(value).includes(fold(String(condition.value)));
    case 'matches':
      if (Array.isArray(value)) return value.some((item) => holds(condition, item));
      return (typeof value === 'string' || typeof value === 'number') && matchesWithinLimit(condition.pattern, String(value));
    case 'known': return isKnown(value) === condition.value;
    case 'gt': case 'lt': {
      const order = compare(value, condition.value);
      return order !== undefined && (condition.op === 'gt' ? order > 0 : order < 0);
    }
  }
}

// A pattern no value can match makes its case one that never holds, and the step it goes to one no customer reaches
// from it: refused, like an `expect: regex:` no answer can pass. One that no value tried passes, though it could not
// be shown to match nothing, is warned of.
function compileMatches(written: string, at: Path, ctx: CompileContext): RegExp {
  const pattern = ctx.regex(written, 'i', at);
  const nothing = matchesNothing(written, pattern, 'field');
  if (nothing && 'because' in nothing) {
    ctx.error(
      at, `the pattern "${written}" matches no value at all: ${nothing.because}; this condition never holds, whatever value the field has`, 'write what the value must contain, e.g. matches: "^ord-\\\\d+$"',
      { kind: 'neverMatches', of: 'value', pattern: written, because: nothing.because },
    );
  } else if (nothing) {
    const tried = nothing.tried.map((text) => JSON.stringify(text)).join(', ');
    ctx.warn(
      at, `no value tried passes the pattern "${written}" (${tried ? `${tried}, ` : ''}${COMMON_TRIED.join(', ')} and others): if none can, this condition never holds`,
      'check the pattern against a value the field would hold', { kind: 'noneTriedPasses', of: 'value', pattern: written, tried: [...nothing.tried, ...COMMON_TRIED] },
    );
  }
  return pattern;
}

// Stands in for a condition already reported as wrong; the file is refused, so it never runs.
const never: Condition = { op: 'known', value: false };

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function equals(value: FieldRead, expected: Scalar): boolean {
  if (expected === null) return !isKnown(value);
  if (Array.isArray(value)) return value.some((item) => equals(item, expected));
  if (value === undefined || value === null) return false;
  if (typeof value === 'number' && typeof expected === 'number') return value === expected;
  return fold(String(value)) === fold(String(expected));
}

// Numbers compare as numbers (a saved "٤" too); text bounds compare as text, which orders yyyy-mm-dd dates.
function compare(value: FieldRead, bound: number | string): number | undefined {
  if (typeof bound === 'number') {
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(asciiDigits(value.trim()) || NaN) : NaN;
    return Number.isNaN(number) ? undefined : number - bound;
  }
  if (typeof value !== 'string') return undefined;
  return value < bound ? -1 : value > bound ? 1 : 0;
}
