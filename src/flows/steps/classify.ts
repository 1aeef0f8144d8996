// `classify`: the NLP intent of a field's text picks a team (`routes`); below `threshold`, or for an intent
// no route names (out of scope), the bot asks `clarify` with the routes as buttons instead of guessing.
import { z } from 'zod';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../../shared/confidence.ts';
import type { FieldRef } from '../fields.ts';
import type { Template } from '../template.ts';
import { matchChoice } from '../choices.ts';
import type { Choice } from '../../types.ts';
import { defineStep, type StepContext, type StepOutcome } from './step.ts';

/** A compiled `classify` step. */
export interface ClassifyStep {
  field: FieldRef;
  /** Intent → team, in the order written (the order of the clarify choices). */
  routes: { intent: string; team: string }[];
  threshold: number;
  clarify?: Template;
}


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
      threshold: step.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD,
    };
    if (step.clarify !== undefined) spec.clarify = ctx.template(step.clarify, ['clarify']);
    return spec;
  },
  exits: (spec) => ({ gotos: [], fallsThrough: true, mayWait: spec.clarify !== undefined }),
  runner: {
    run(spec, ctx) {
      const value = ctx.read(spec.field);
      const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
      const prediction = ctx.run.classify(text);
      const route = prediction && spec.routes.find((r) => r.intent === prediction.intent);
      if (prediction && route && prediction.confidence >= spec.threshold) return routeTo(route, prediction.confidence, ctx);
      if (!spec.clarify) {
        ctx.run.log.info({ intent: prediction?.intent, confidence: prediction?.confidence }, 'intent unsure and no clarify question; going on without a team');
        return 'next';
      }
      ctx.run.say({ text: ctx.render(spec.clarify), choices: routeChoices(spec) });
      return { wait: { retries: 0 } };
    },
    resume(spec, ctx, input, waiting): StepOutcome {
      const picked = matchChoice(routeChoices(spec), input);
      const route = picked && spec.routes.find((r) => r.intent === picked.id);
      if (route) return routeTo(route, 1, ctx);
      if (waiting.retries >= CLARIFY_RETRIES || !spec.clarify) return 'next';
      ctx.run.say({ text: ctx.render(spec.clarify), choices: routeChoices(spec) });
      return { wait: { retries: waiting.retries + 1 } };
    },
  },
});

/** A clarify question not answered with one of its choices is asked again this many times, then the flow goes on. */
const CLARIFY_RETRIES = 1;

/** The clarify buttons: one per route, titled with its team, in the order written. */
function routeChoices(spec: ClassifyStep): Choice[] {
  return spec.routes.map((route) => ({ id: route.intent, title: route.team }));
}

function routeTo(route: { intent: string; team: string }, confidence: number, ctx: StepContext): StepOutcome {
  ctx.run.conversation.intent = route.intent;
  ctx.run.conversation.team = route.team;
  ctx.run.log.info({ intent: route.intent, team: route.team, confidence }, 'intent classified');
  return 'next';
}
