// Where one need may end and another begin in a customer's words, for the classify step (two needs for two teams in
// one message) and for `nlp try`, which says what that step does with a text.

/**
 * "and", "also", "plus", "but" (after a comma or a full stop too), and in Arabic the same (و joined to the next word,
 * كمان, أيضًا, بس, لكن). Not a comma alone: "order 54321, total $120, never arrived" is one need told in details.
 */
const NEED_BOUNDARY = /[\s,;.!?،؛]*\s(?:and also|and|also|plus|but|as well as)\s+|[\s,;.!?،؛]*\s(?:و|ف)?(?:كمان|أيضا|أيضًا|ايضا|بس|لكن)\s+|\s+(?=و\S{2,})/giu;

/**
 * A joining word left at a part's start ("also, the app…" after "And also,", و joined to «التطبيق», «وما»): the agent
 * reads the need as the customer's, not as the rest of a sentence. و is taken off only before the article ال and
 * ما / لا / لم, where it can only be the conjunction («وصل» keeps its و).
 */
const LEADING_JOINER = /^(?:(?:and also|and|also|plus|but|as well as)(?![\p{L}\p{N}])|(?:و|ف)?(?:كمان|أيضا|أيضًا|ايضا|بس|لكن)(?![\p{L}\p{N}])|و(?=ال|(?:ما|لا|لم)(?![\p{L}\p{N}])))[\s,;:.!?،؛]*/iu;
/** A joining word left at a part's end («دفعت مرتين و» before «كمان» said apart). */
const TRAILING_JOINER = /[\s,;،؛]+(?:and|و)$/iu;

/**
 * The parts of a text that may each say a need of their own, without the words joining them; one part for a text
 * with no such boundary.
 *
 *     needParts('I was charged twice, and the app keeps crashing'); // ['I was charged twice', 'the app keeps crashing']
 *     needParts('دفعت مرتين والتطبيق يتوقف'); // ['دفعت مرتين', 'التطبيق يتوقف']
 */
export function needParts(text: string): string[] {
  return text.split(NEED_BOUNDARY).map(withoutJoiners).filter((part) => part !== '');
}

function withoutJoiners(part: string): string {
  let rest = part.trim();
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(LEADING_JOINER, '').replace(TRAILING_JOINER, '').trim();
  }
  return rest;
}
