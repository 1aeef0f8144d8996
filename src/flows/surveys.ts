// Finds the questions of a closing survey (a `conversation.closed` flow) that take any text. Such a question takes the
// customer's next message, for an hour after the close, as its answer whatever it says: "my invoice is wrong again"
// is saved as the comment and opens no conversation, so nobody sees the request. A `number` or `choice` question
// lets a message that is plainly no answer open a new conversation instead (FORMAT.md, "When a flow ends"). Not an
// error: "Anything else you want to tell us?" may mean to take anything, and the admin who writes it should know.
import { FlowError } from './errors.ts';
import type { CompiledFlow } from './types.ts';

/**
 * A warning for each `ask` of a `conversation.closed` flow whose `expect` is `text` (written, or by default), at the
 * step's line; none for any other flow.
 *
 *     surveyTextWarnings(flow); // [FlowError: flows/survey.yaml:6: a question of a conversation.closed flow with expect: text takes …]
 */
export function surveyTextWarnings(flow: CompiledFlow): FlowError[] {
  if (flow.trigger.on !== 'conversation.closed') return [];
  return flow.steps.flatMap((step) => (
    step.kind === 'ask' && step.spec.expect.type === 'text'
      ? [new FlowError(
        flow.file, step.line,
        'this question comes after the conversation closed, and with expect: text it takes whatever the customer writes next as its answer: a new request ("my invoice is wrong again") is saved here, and no conversation opens for it',
        'ask a rating with expect: number or choice, so that a message that is no answer opens a new conversation; keep expect: text only if any words are a fine answer here',
        undefined, { kind: 'surveyTakesText' },
      )]
      : []
  ));
}
