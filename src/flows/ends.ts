// Finds whether a flow can run past its last step before handing the conversation over: the conversation then
// closes with nothing in the script saying so (FORMAT.md, "When a flow ends"), which the admin who forgot a `close`
// or an `assign` should hear of. Not an error: a flow that says something and ends is a fine flow.
import { FlowError } from './errors.ts';
import { stepKind, type StepKindName } from './steps/index.ts';
import type { StepExits } from './steps/step.ts';
import type { CompiledFlow, CompiledStep } from './types.ts';

/**
 * The warning for a `conversation.opened` flow that can run past its last step without `close` or `assign`, at that
 * step's line; undefined for any other flow. A `conversation.closed` flow runs in a closed conversation: its end
 * changes nothing.
 *
 *     const warning = endsUnsaidWarning(flow); // String(warning): 'flows/inbound.yaml:5: flow "inbound" can run past…'
 */
export function endsUnsaidWarning(flow: CompiledFlow): FlowError | undefined {
  if (flow.trigger.on !== 'conversation.opened') return undefined;
  const last = endsUnsaid(flow);
  if (!last) return undefined;
  return new FlowError(
    flow.file, last.line,
    `flow "${flow.name}" can run past its last step without close or assign; the conversation then closes, and the customer's next message starts the flow again`,
    'end it with close to say so, or with assign to hand the customer to a team', undefined, { kind: 'endsUnsaid', flow: flow.name },
  );
}

// The last step, when the flow can start and run past it without an `assign` on the way; else undefined. What
// follows an `assign` (a hand back, `on_timeout`) is written for after a person, so it is not followed.
function endsUnsaid(flow: CompiledFlow): CompiledStep | undefined {
  const { steps, stepIndex } = flow;
  const reached = new Set<number>();
  const pending = [0];
  while (pending.length > 0) {
    const index = pending.pop()!;
    const step = steps[index];
    if (!step || reached.has(index)) continue;
    reached.add(index);
    if (step.kind === 'assign') continue;
    const exits = exitsOf(step);
    if (exits.fallsThrough && index === steps.length - 1) return step;
    if (exits.fallsThrough) pending.push(index + 1);
    for (const id of exits.gotos) {
      const target = stepIndex.get(id);
      if (target !== undefined) pending.push(target);
    }
  }
  return undefined;
}

function exitsOf<K extends StepKindName>(step: CompiledStep<K>): StepExits {
  return stepKind(step.kind).exits(step.spec);
}
