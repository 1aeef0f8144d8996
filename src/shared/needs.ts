// Where one need may end and another begin in a customer's words, for the classify step (two needs for two teams in
// one message) and for `nlp try`, which says what that step does with a text.

/**
 * "and", "also", "plus", "but" (after a comma or a full stop too), and in Arabic the same (و joined to the next word,
 * كمان, أيضًا, بس, لكن). Not a comma alone: "order 54321, total $120, never arrived" is one need told in details.
 */
const NEED_BOUNDARY = /[\s,;.!?،؛]*\s(?:and also|and|also|plus|but|as well as)\s+|[\s,;.!?،؛]*\s(?:و|ف)?(?:كمان|أيضا|أيضًا|ايضا|بس|لكن)\s+|\s+(?=و\S{2,})/giu;

/**
 * The parts of a text that may each say a need of their own; one part for a text with no such boundary.
 *
 *     needParts('I was charged twice, and the app keeps crashing'); // ['I was charged twice', 'the app keeps crashing']
 */
export function needParts(text: string): string[] {
  return text.split(NEED_BOUNDARY).map((part) => part.trim()).filter((part) => part !== '');
}
