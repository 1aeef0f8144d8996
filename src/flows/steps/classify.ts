// `classify`: the NLP intent of a field's text picks a team (`routes`); below `threshold` the bot asks
// `clarify` with the routes as choices. Checked here at load; the runner is registered by the NLP module.
import { z } from 'zod';
import type { FieldRef } from '../fields.ts';
import type { Template } from '../template.ts';
import { defineStep } from './step.ts';

/** A compiled `classify` step. */
export interface ClassifyStep {
  field: FieldRef;
  /** Intent → team, in the order written (the order of the clarify choices). */
  routes: { intent: string; team: string }[];
  threshold: number;
  clarify?: Template;
}

const DEFAULT_THRESHOLD = 0.6;

/** `- classify: conversation.need` with `routes: { billing: Billing }`, `threshold`, `clarify`. */
export const classifyStep = defineStep({
  kind: 'classify',
  shape: {
    classify: z.string().min(1, 'classify needs the field to classify, e.g. classify: conversation.need'),
    routes: z
      .record(z.string(), z.string().min(1, 'a route names a team'))
      .refine((routes) => Object.keys(routes).length > 0, 'routes needs at least one intent: team'),
    threshold: z.number().min(0).max(1).optional(),
    clarify: z.string().min(1).optional(),
  },
  compile(step, ctx): ClassifyStep {
    const spec: ClassifyStep = {
      field: ctx.readField(step.classify, ['classify']),
      routes: Object.entries(step.routes).map(([intent, team]) => ({ intent, team })),
      threshold: step.threshold ?? DEFAULT_THRESHOLD,
    };
    if (step.clarify !== undefined) spec.clarify = ctx.template(step.clarify, ['clarify']);
    return spec;
  },
  exits: (spec) => ({ gotos: [], fallsThrough: true, mayWait: spec.clarify !== undefined }),
});
