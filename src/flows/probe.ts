// Tries a text on a flow script's pattern for the compiler, within a budget of backtracking steps rather than of
// time: whether publishing refuses a file, warns of it or takes it must not depend on how busy the machine is, nor
// differ between two servers loading the same file. V8 counts the steps itself: a regular expression made with a
// backtrack limit fails once it steps back that many times (`%NewRegExpWithBacktrackLimit`, V8's own, reached with
// the natives syntax, which only gives a meaning to `%Name(` where JavaScript has none).
// The count differs between V8's bytecode interpreter and its compiled code for the same pattern (V8 compiles one
// after its first run): a new regular expression is made for each text, so that each is run the same way in every
// process, however often the same file was compiled before.
import { COUNTS_STEPS, probe as tried, type Probe } from './patterns.ts';

export { COUNTS_STEPS, type Probe };

/**
 * How many times V8 may step back trying one text on a pattern before the try is given up: some 10 to 20 ms for a
 * pattern that backtracks without end, like `(a+)+b` on a's and a "!" (4,098 steps on twelve a's, twice as many with
 * each more: seventeen use it up), where the patterns of real questions take a few dozen on any text tried.
 */
export const PROBE_BACKTRACKS = 100_000;

/**
 * Whether `pattern` matches `text` (anywhere in it, as `test` does), found within `backtracks` steps back.
 *
 *     probe(/^(?:ORD-\d{4})$/u, 'ORD-1234');        // 'matches'
 *     probe(/^(?:(a+)+b)$/u, `${'a'.repeat(40)}!`); // 'undecided'
 */
export function probe(pattern: RegExp, text: string, backtracks: number = PROBE_BACKTRACKS): Probe {
  return tried(pattern, text, backtracks);
}
