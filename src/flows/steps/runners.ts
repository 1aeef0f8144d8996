// Which code runs each step kind: the kind's built-in runner, or one another module registered (the NLP
// module for classify, the handover module for assign), so they plug in without touching the interpreter.
import { stepKinds, type StepKindName, type StepSpec } from './index.ts';
import type { StepRunner } from './step.ts';

const registered = new Map<string, StepRunner<unknown>>();

/**
 * Makes `runner` run every step of `kind` from now on (replacing the built-in one, if any); the returned
 * function takes it back.
 *
 *     const unregister = registerStepRunner('assign', { run: (spec, ctx) => …, resume: (spec, ctx, input) => … });
 */
export function registerStepRunner<K extends StepKindName>(kind: K, runner: StepRunner<StepSpec<K>>): () => void {
  const entry = runner as StepRunner<unknown>;
  registered.set(kind, entry);
  return () => {
    if (registered.get(kind) === entry) registered.delete(kind);
  };
}

/**
 * The runner of a kind, or undefined while no module has registered one.
 *
 *     const runner = runnerFor(step.kind);
 *     if (runner) outcome = runner.run(step.spec, ctx);
 */
export function runnerFor(kind: string): StepRunner<unknown> | undefined {
  return registered.get(kind) ?? (stepKinds as Record<string, { runner?: StepRunner<unknown> }>)[kind]?.runner;
}
