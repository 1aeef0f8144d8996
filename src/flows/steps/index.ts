// Every step kind, keyed by the key that names it in a script: adding a kind is adding a row.
import { askStep } from './ask.ts';
import { assignStep } from './assign.ts';
import { branchStep } from './branch.ts';
import { classifyStep } from './classify.ts';
import { closeStep } from './close.ts';
import { gotoStep } from './goto.ts';
import { sayStep } from './say.ts';
import { setStep } from './set.ts';
import type { StepKind } from './step.ts';
import { tagStep } from './tag.ts';

/**
 * The step kinds a script may use.
 *
 *     const kind = stepKinds.ask;
 *     const parsed = kind.schema.safeParse({ ask: 'Your email?', expect: 'email' });
 */
export const stepKinds = {
  say: sayStep,
  ask: askStep,
  branch: branchStep,
  set: setStep,
  tag: tagStep,
  goto: gotoStep,
  close: closeStep,
  classify: classifyStep,
  assign: assignStep,
};

/** A step kind's name, e.g. `'assign'`. */
export type StepKindName = keyof typeof stepKinds;

/** The compiled options of a kind, e.g. `StepSpec<'assign'>` is `AssignStep`. */
export type StepSpec<K extends StepKindName> = (typeof stepKinds)[K] extends StepKind<infer Spec> ? Spec : never;

// The registry seen kind by kind: indexing it with a generic kind `K` gives `StepKind<StepSpec<K>>`, which
// lets the loader and the interpreter hand a step's spec to its own kind's functions without a cast.
const kindsByName: { readonly [K in StepKindName]: StepKind<StepSpec<K>> } = stepKinds;

/**
 * The step kind named `kind`, typed by it.
 *
 *     const { runner } = stepKind(step.kind); // step: CompiledStep<K>
 *     runner.run(step.spec, ctx);
 */
export function stepKind<K extends StepKindName>(kind: K): StepKind<StepSpec<K>> {
  return kindsByName[kind];
}

/**
 * True when `key` names a step kind.
 *
 *     if (isStepKind(key)) stepKinds[key].schema.safeParse(step);
 */
export function isStepKind(key: string): key is StepKindName {
  return Object.hasOwn(stepKinds, key);
}
