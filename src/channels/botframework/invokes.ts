// What POST /api/messages answers an invoke: Teams waits for the answer of a button that sends one (an Adaptive
// Card's Action.Execute, a dialog's task/fetch, a message extension) and shows an error to the person for anything
// but a 200 it can read; botbuilder's own answer to an invoke nobody handled is 501. Switchboard's cards send
// messages, not invokes, so an invoke comes from a card of someone else's making, or an old or forwarded one: a
// choice it carries is read as a pressed button (decode.ts); each kind gets its quiet answer, which shows nothing.

/** An Adaptive Card action's answer that shows no message (Universal Actions: `adaptiveCard/action`). */
const CARD_ACTION_DONE = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' };
/** A message extension's search with no results. */
const NO_RESULTS = { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } };

/**
 * The body of the 200 that answers an invoke named `name`; a dialog's task/fetch or task/submit, and any other
 * invoke, gets an empty one (a dialog then closes, or none opens).
 *
 *     res.status(200).json(invokeAnswer(activity.name)); // { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' }
 */
export function invokeAnswer(name: unknown): Record<string, unknown> {
  if (name === 'adaptiveCard/action') return CARD_ACTION_DONE;
  if (name === 'composeExtension/query') return NO_RESULTS;
  return {};
}
