// Finds an `expect: regex:` pattern that takes any answer: a check that never re-asks, which the admin who wrote
// `regex:.*` to "accept anything" should know (and `.` takes no line break, so an answer of two lines is refused);
// and one that takes none (`regex:` with nothing after it, `^$`, `\s*`): a question no customer can get past.
// Only written forms known to match every text (or none) are named, and each is tried on sample answers before it is.

/** What a pattern takes of every answer: all of them, all written on one line, or (undefined) it checks something. */
export type AnyAnswer = 'any' | 'one line';

// Anchors and a group around the whole pattern change nothing: `expect: regex:` matches the whole answer already.
const ANCHORED = /^\^|(?<!\\)\$$/g;
const GROUPED = /^\((?:\?:)?([^()]*)\)$/;
// A class of every character (`[\s\S]`, `[\w\W]`, `[\d\D]`, either way round, or `[^]`) or `.`, repeated without end.
const REPEATED = /^(\[(?:\\s\\S|\\S\\s|\\w\\W|\\W\\w|\\d\\D|\\D\\d|\^)\]|\.)(?:\*|\+|\{0,\}|\{1,\})\??$/;

// An answer is never empty (an empty message answers no typed question), so `+` takes all that `*` does.
const SAMPLES = ['a', 'ORD-1234', '٤٢ شكرًا', '🙂 ok', ' x ', 'a\tb'];
const SEVERAL_LINES = ['a\nb', 'a\r\nb', 'a\u2028b'];

/**
 * Whether `written` (the pattern after `regex:`) can take no answer at all, as `compiled` runs it: it is empty (once
 * the anchors and a group around it are set aside), so it matches only an empty text, or it matches only spaces.
 * An answer is checked trimmed, and `trim` takes off exactly what `\s` matches, so neither ever matches one.
 *
 *     acceptsNoAnswer('', compiled);    // 'empty'
 *     acceptsNoAnswer('\\s*', compiled); // 'blank'
 */
export function acceptsNoAnswer(written: string, compiled: RegExp): NoAnswer | undefined {
  const core = coreOf(written);
  const kind: NoAnswer | undefined = core === '' ? 'empty' : BLANK.test(core) ? 'blank' : undefined;
  if (!kind || SAMPLES.some((text) => compiled.test(text))) return undefined;
  return kind;
}

/** Why a pattern takes no answer: it matches only an empty text, or only spaces. */
export type NoAnswer = 'empty' | 'blank';

// A space or `\s`, once or repeated.
const BLANK = /^(?:\\s| |\[(?:\\s| )+\])(?:\*|\+|\?|\{\d+(?:,\d*)?\})?\??$/;

/**
 * Whether `written` (the pattern after `regex:`) takes every answer, as `compiled` (what checks the answers) runs it.
 *
 *     acceptsAnyAnswer('[\\s\\S]*', compiled); // 'any'
 *     acceptsAnyAnswer('.*', compiled);        // 'one line'
 *     acceptsAnyAnswer('ORD-\\d{4}', compiled); // undefined
 */
export function acceptsAnyAnswer(written: string, compiled: RegExp): AnyAnswer | undefined {
  const repeated = REPEATED.exec(coreOf(written));
  if (!repeated) return undefined;
  const kind: AnyAnswer = repeated[1] === '.' ? 'one line' : 'any';
  const takes = (text: string) => compiled.test(text);
  if (!SAMPLES.every(takes)) return undefined;
  if (kind === 'any') return SEVERAL_LINES.every(takes) ? 'any' : undefined;
  return SEVERAL_LINES.some(takes) ? undefined : 'one line';
}

// The pattern without the anchors and groups around it, which change nothing of what it matches.
function coreOf(written: string): string {
  let core = written;
  for (let before = ''; before !== core;) {
    before = core;
    core = core.replace(ANCHORED, '').replace(GROUPED, '$1');
  }
  return core;
}
