// `goto`: the flow goes on at the step with that id.
import { z } from 'zod';
import { defineStep } from './step.ts';

/** A compiled `goto` step. */
export interface GotoStep {
  target: string;
}

/** `- goto: ask_email` */
export const gotoStep = defineStep({
  kind: 'goto',
  shape: { goto: z.string().min(1, 'goto needs a step id') },
  compile: (step, ctx): GotoStep => ({ target: ctx.target(step.goto, ['goto']) }),
  exits: (spec) => ({ gotos: [spec.target], fallsThrough: false, mayWait: false }),
  runner: { run: (spec, ctx) => ({ goto: ctx.indexOf(spec.target) }) },
});
