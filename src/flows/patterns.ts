// Runs the regular expressions of flow scripts (`expect: regex:`, `matches:`) on what customers write, within a budget
// of backtracking steps: a pattern that backtracks catastrophically (`(a+)+b` on "aaaa…!") would otherwise hold the
// one thread that answers every conversation of every channel, for seconds or hours, on a message a customer typed.
// The steps are counted, not timed: a busy machine must not refuse a customer's good answer (a first match, compiling
// the pattern, took over 100 ms on a loaded machine), nor two servers judge one answer differently. V8 counts them
// itself: a regular expression made with a backtrack limit gives up once it steps back that many times
// (`%NewRegExpWithBacktrackLimit`, V8's own, reached with the natives syntax, which only gives a meaning to `%Name(`
// where JavaScript has none). Where this V8 has none, a time limit stands in: the match runs as a script of a vm
// context of its own, which V8 interrupts at its timeout.
import { setFlagsFromString } from 'node:v8';
import { createContext, Script } from 'node:vm';

/**
 * How many times one match may step back: for a pattern that backtracks without end, some 20 ms of CPU, 120 to 140 the
 * first time (V8 interprets a pattern's first run, then compiles it); `(a+)+b` on twenty a's and a "!" takes about a
 * million, 4 ms. A sound pattern takes a few dozen on the longest message. (`npx tsx` of a loop over
 * `matchesWithinLimit` on `(a+)+b`, `(a|aa)+c`, `(.*a){12}` and `(\w*\s?)*!`, three runs each, 2026-12-05.)
 */
export const PATTERN_BACKTRACKS = 5_000_000;

/** How long one match may take where steps cannot be counted. */
export const PATTERN_TIME_LIMIT_MS = 100;

/** What a try of a text on a pattern found: it matches, it fails, or it ran out of steps (or time) first. */
export type Probe = 'matches' | 'fails' | 'undecided';

type WithBacktrackLimit = (source: string, flags: string, limit: number) => RegExp;

const withBacktrackLimit = ((): WithBacktrackLimit | undefined => {
  try {
    setFlagsFromString('--allow-natives-syntax');
    const made = new Function('source', 'flags', 'limit', 'return %NewRegExpWithBacktrackLimit(source, flags, limit);') as WithBacktrackLimit;
    // Some 4,000 steps back to fail on twelve a's: ten are not enough, and the try gives up; enough end it.
    const nested = '^(?:(a+)+b)|()';
    return made(nested, '', 10).exec('aaaaaaaaaaaa!') === null && made(nested, '', 100_000).exec('aaaaaaaaaaaa!') !== null ? made : undefined;
  } catch {
    return undefined;
  }
})();

/** Whether steps are counted (the same verdict whatever the load), else timed. */
export const COUNTS_STEPS = withBacktrackLimit !== undefined;

/**
 * `pattern` tried anywhere in a text within `backtracks` steps back: tried from each place in turn, then, if it
 * matched nowhere, the empty group after `|` takes the text, so that a failed try is a match of that group and only
 * a try out of steps is none at all. Its groups keep their numbers (`\1`), the wrapping adds none before them.
 */
function counted(pattern: RegExp, backtracks: number): RegExp {
  return withBacktrackLimit!(`^[\\s\\S]*?(?:${pattern.source})|()`, pattern.flags.replace(/[gy]/g, ''), backtracks);
}

function verdictOf(match: RegExpExecArray | null): Probe {
  if (match === null) return 'undecided';
  return match[match.length - 1] === '' ? 'fails' : 'matches';
}

/**
 * Whether `pattern` matches `text` (anywhere in it, as `test` does), found within `backtracks` steps back. A new
 * regular expression each time: V8 counts differently once it compiled a pattern after its first runs, and the
 * compiler's verdict on a file must be the same in every process however often it read the file before.
 *
 *     probe(/^(?:ORD-\d{4})$/u, 'ORD-1234', 100_000);        // 'matches'
 *     probe(/^(?:(a+)+b)$/u, `${'a'.repeat(40)}!`, 100_000); // 'undecided'
 */
export function probe(pattern: RegExp, text: string, backtracks: number): Probe {
  if (withBacktrackLimit === undefined) return timed(pattern, text);
  return verdictOf(counted(pattern, backtracks).exec(text));
}

// Customers' answers run on one counted copy of each pattern, made at its first use.
const runs = new WeakMap<RegExp, RegExp>();

/** A pattern that ran out of steps on a text; the step running it fails, and so the flow stops with this message. */
export class PatternTooSlowError extends Error {
  constructor(readonly pattern: RegExp) {
    super(
      `the pattern ${String(pattern)} ${COUNTS_STEPS ? `stepped back over ${PATTERN_BACKTRACKS.toLocaleString('en')} times` : `took over ${PATTERN_TIME_LIMIT_MS} ms`} on the customer's text and was stopped ` +
        '(it backtracks without end on some texts: avoid a repetition inside a repetition, like (a+)+ or (\\w+\\s?)+)',
    );
    this.name = 'PatternTooSlowError';
  }
}

const sandbox = createContext(Object.create(null) as Record<string, unknown>);
const test = new Script('pattern.test(text)', { filename: 'flow-pattern' });

/**
 * Whether `pattern` matches `text`, or throws `PatternTooSlowError` past `PATTERN_BACKTRACKS` steps back.
 *
 *     if (matchesWithinLimit(expect.pattern, text)) return { ok: true, value: text };
 */
export function matchesWithinLimit(pattern: RegExp, text: string): boolean {
  if (withBacktrackLimit !== undefined) {
    let run = runs.get(pattern);
    if (run === undefined) runs.set(pattern, (run = counted(pattern, PATTERN_BACKTRACKS)));
    const verdict = verdictOf(run.exec(text));
    if (verdict === 'undecided') throw new PatternTooSlowError(pattern);
    return verdict === 'matches';
  }
  return timedTest(pattern, text);
}

function timed(pattern: RegExp, text: string): Probe {
  try {
    return timedTest(pattern, text) ? 'matches' : 'fails';
  } catch (error) {
    if (error instanceof PatternTooSlowError) return 'undecided';
    throw error;
  }
}

function timedTest(pattern: RegExp, text: string): boolean {
  sandbox.pattern = pattern;
  sandbox.text = text;
  try {
    return test.runInContext(sandbox, { timeout: PATTERN_TIME_LIMIT_MS }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new PatternTooSlowError(pattern);
    throw error;
  } finally {
    delete sandbox.pattern;
    delete sandbox.text;
  }
}
