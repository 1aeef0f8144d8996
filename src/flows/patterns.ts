// Runs the regular expressions of flow scripts (`expect: regex:`, `matches:`) on what customers write, within a time
// limit: a pattern that backtracks catastrophically (`(a+)+b` on "aaaa…!") would otherwise hold the one thread that
// answers every conversation of every channel, for seconds or hours, on a message a customer typed.
import { createContext, Script } from 'node:vm';

/** How long one match may take: a sound pattern takes microseconds on the longest message. */
export const PATTERN_TIME_LIMIT_MS = 100;

/** A pattern that ran out of time on a text; the step running it fails, and so the flow stops with this message. */
export class PatternTooSlowError extends Error {
  constructor(readonly pattern: RegExp) {
    super(
      `the pattern ${String(pattern)} took over ${PATTERN_TIME_LIMIT_MS} ms on the customer's text and was stopped ` +
        '(it backtracks without end on some texts: avoid a repetition inside a repetition, like (a+)+ or (\\w+\\s?)+)',
    );
    this.name = 'PatternTooSlowError';
  }
}

// V8 interrupts a running regular expression only at a vm timeout: the match runs as a script in a context of its own.
const sandbox = createContext(Object.create(null) as Record<string, unknown>);
const test = new Script('pattern.test(text)', { filename: 'flow-pattern' });

/**
 * Whether `pattern` matches `text`, or throws `PatternTooSlowError` past `PATTERN_TIME_LIMIT_MS`.
 *
 *     if (matchesWithinLimit(expect.pattern, text)) return { ok: true, value: text };
 */
export function matchesWithinLimit(pattern: RegExp, text: string): boolean {
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
