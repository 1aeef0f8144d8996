// Where one need may end and another begin in a customer's words, for the classify step (two needs for two teams in
// one message) and for `nlp try`, which says what that step does with a text.
import { saysMoreThanHello } from './small-talk.ts';

/**
 * "and", "also", "plus", "but" (after a comma or a full stop too), and in Arabic the same (كمان, أيضًا, بس, لكن; و
 * joined to a word is `AT_WAW`). Not a comma alone: "order 54321, total $120, never arrived" is one need told in details.
 */
const NEED_BOUNDARY = /[\s,;.!?،؛]*\s(?:and also|and|also|plus|but|as well as)\s+|[\s,;.!?،؛]*\s(?:و|ف)?(?:كمان|أيضا|أيضًا|ايضا|بس|لكن)\s+/giu;

/**
 * A word that may start with the conjunction و ("and", joined to the word): «والتطبيق», «وأريد», but also «وصل»,
 * «وقت», whose و is the root's. A need is split there only when both sides are long enough to say a need of their
 * own: two words each before the article ال or a hamza (where و can only be the conjunction: «دفعت مرتين | والتطبيق
 * يتوقف», «… | وأريد ترقية الباقة»), three each otherwise, so «الطلب ما وصل» or «دفعت مرتين وما وصلني شي» stays one
 * need; never after a negation (ما, لا, لم, لن), which needs the word after it («كلمة المرور ما وصلت على الإيميل»).
 */
const AT_WAW = /^و\S{2,}/u;
const SURE_WAW = /^و(?:ال|[أإآ])/u;
const WORDS_BESIDE_WAW = 3;
const WORDS_BESIDE_SURE_WAW = 2;
const NEGATION = /^(?:و|ف)?(?:ما|لا|لم|لن)$/u;

/**
 * A joining word left at a part's start ("also, the app…" after "And also,", و joined to «التطبيق», «وما»): the agent
 * reads the need as the customer's, not as the rest of a sentence. و is taken off only before the article ال, a hamza
 * («وأريد») and ما / لا / لم, where it can only be the conjunction («وصل» keeps its و).
 */
const LEADING_JOINER = /^(?:(?:and also|and|also|plus|but|as well as)(?![\p{L}\p{N}])|(?:و|ف)?(?:كمان|أيضا|أيضًا|ايضا|بس|لكن)(?![\p{L}\p{N}])|و(?=ال|[أإآ]|(?:ما|لا|لم)(?![\p{L}\p{N}])))[\s,;:.!?،؛]*/iu;
/** A joining word left at a part's end («دفعت مرتين و» before «كمان» said apart). */
const TRAILING_JOINER = /[\s,;،؛]+(?:and|و)$/iu;

/**
 * The parts of a text that may each say a need of their own, without the words joining them; one part for a text
 * with no such boundary, none for a text that is only a greeting. A part that says no more than hello ("hi there", «مرحبا», "thanks") is no need: "hi there
 * and I was charged twice" is one need, not a greeting routed (or read by the agent as "Also asked") beside it.
 *
 *     needParts('I was charged twice, and the app keeps crashing'); // ['I was charged twice', 'the app keeps crashing']
 *     needParts('دفعت مرتين والتطبيق يتوقف'); // ['دفعت مرتين', 'التطبيق يتوقف']
 *     needParts('hi there and I was charged twice'); // ['I was charged twice']
 */
export function needParts(text: string): string[] {
  return text.split(NEED_BOUNDARY).flatMap(splitAtWaw).map(withoutJoiners).filter((part) => part !== '' && saysMoreThanHello(part));
}

/** A part split before its words that start with و where both sides are long enough (`AT_WAW`). */
function splitAtWaw(part: string): string[] {
  const words = part.trim().split(/\s+/u);
  const parts: string[][] = [[]];
  words.forEach((word, i) => {
    const current = parts.at(-1)!;
    const least = SURE_WAW.test(word) ? WORDS_BESIDE_SURE_WAW : WORDS_BESIDE_WAW;
    const negated = NEGATION.test(current.at(-1) ?? '');
    if (AT_WAW.test(word) && !negated && current.length >= least && words.length - i >= least) parts.push([word]);
    else current.push(word);
  });
  return parts.map((said) => said.join(' '));
}

function withoutJoiners(part: string): string {
  let rest = part.trim();
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(LEADING_JOINER, '').replace(TRAILING_JOINER, '').trim();
  }
  return rest;
}
