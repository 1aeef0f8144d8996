// `classify`: the NLP intent of a field's text picks a team (`routes`); below `threshold`, or for an intent
// no route names (out of scope), the bot asks `clarify` with the routes as buttons instead of guessing.
import { z } from 'zod';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../../shared/confidence.ts';
import { needParts } from '../../shared/needs.ts';
import { BUILTIN_FIELDS, writeRefusal, type FieldRef } from '../fields.ts';
import { forEveryLanguage, localizedSchema, type Localized } from '../language.ts';
import type { Template } from '../template.ts';
import type { Classification, CompiledFlow } from '../types.ts';
import type { Reading } from '../beside.ts';
import { matchChoice, type FlowChoice } from '../choices.ts';
import { defaultInvalidText } from '../refusals.ts';
import { EMPTY, SCHEMA_RULES } from '../rules.ts';
import { defineStep, type StepContext, type StepOutcome } from './step.ts';

/** A compiled `classify` step. */
export interface ClassifyStep {
  field: FieldRef;
  /** Intent → team, in the order written (the order of the clarify choices), with its clarify button's title. */
  routes: Route[];
  threshold: number;
  clarify?: Localized<Template>;
}

interface Route {
  intent: string;
  team: string;
  /** The clarify button; the team's name unless the route gives a `title`. */
  title: Localized<string>;
  /** Where it is written, for the check of its team against team.yaml. */
  line?: number;
}

const teamSchema = z.string().min(1, 'a route names a team');

/** `- classify: conversation.need` with `routes: { billing: Billing }`, `threshold`, `clarify`. */
export const classifyStep = defineStep({
  kind: 'classify',
  shape: {
    classify: z.string().min(1, 'classify needs the field to classify, e.g. classify: conversation.need'),
    routes: z
      .record(
        z.string(),
        z.union([teamSchema, z.object({ team: teamSchema, title: localizedSchema(z.string().trim().min(1, 'a title cannot be empty')) }).strict()], {
          errorMap: () => ({ message: SCHEMA_RULES.badRoute }),
        }),
      )
      .refine((routes) => Object.keys(routes).length > 0, { message: 'routes needs at least one intent: team, e.g. routes: { billing: Billing }', params: EMPTY }),
    threshold: z.number().min(0).max(1).optional(),
    clarify: localizedSchema(z.string().min(1, 'clarify needs a question')).optional(),
  },
  compile(step, ctx): ClassifyStep {
    const spec: ClassifyStep = {
      field: ctx.readField(step.classify, ['classify']),
      routes: Object.entries(step.routes).map(([intent, route]) => ({
        ...(typeof route === 'string'
          ? { intent, team: route, title: forEveryLanguage(route) }
          : { intent, team: route.team, title: ctx.title(route.title, ['routes', intent, 'title']) }),
        line: ctx.lineOf(['routes', intent]),
      })),
      threshold: step.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD,
    };
    if (step.clarify !== undefined) spec.clarify = ctx.text(step.clarify, ['clarify']);
    return spec;
  },
  exits: (spec) => ({ gotos: [], fallsThrough: true, mayWait: spec.clarify !== undefined }),
  runner: {
    run(spec, ctx) {
      const value = ctx.read(spec.field);
      const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
      const two = twoNeeds(spec, text, ctx);
      if (two) return routeTo(two.first, two.confidence, ctx, two.also);
      const { prediction, route } = classified(spec, text, ctx);
      if (route) return routeTo(route, prediction.confidence, ctx);
      if (!spec.clarify) {
        ctx.run.log.info({ intent: prediction?.intent, confidence: prediction?.confidence }, 'intent unsure and no clarify question; going on without a team');
        return 'next';
      }
      ctx.run.say({ ...ctx.styled(spec.clarify), choices: ctx.choices(routeChoices(spec)) });
      return { wait: { retries: 0 } };
    },
    resume(spec, ctx, input, waiting): StepOutcome {
      const picked = matchChoice(routeChoices(spec), input);
      const route = picked && spec.routes.find((r) => r.intent === picked.id);
      if (route) return routeTo(route, 1, ctx);
      // Told in other words instead of a button ("my card was charged twice"), the need routes as it would have at first.
      const two = input.text === undefined ? undefined : twoNeeds(spec, input.text, ctx);
      if (two) {
        keepTyped(spec, ctx, input.text!);
        return routeTo(two.first, two.confidence, ctx, two.also);
      }
      const told = input.text === undefined ? undefined : classified(spec, input.text, ctx);
      if (told?.route) {
        keepTyped(spec, ctx, input.text!);
        return routeTo(told.route, told.prediction.confidence, ctx);
      }
      if (waiting.retries >= CLARIFY_RETRIES || !spec.clarify) return 'next';
      // Not the question word for word, which reads as if the answer went unheard: how to answer it, as an ask says.
      ctx.run.say({ text: ctx.localize(defaultInvalidText({ type: 'choice', choices: routeChoices(spec) })), choices: ctx.choices(routeChoices(spec)) });
      return { wait: { retries: waiting.retries + 1 } };
    },
  },
});

/** A clarify question not answered with one of its choices is asked again this many times, then the flow goes on. */
const CLARIFY_RETRIES = 1;

/** The clarify buttons: one per route, in the order written; pressed or typed in any language, they route alike. */
export function routeChoices(spec: ClassifyStep): FlowChoice[] {
  return spec.routes.map((route) => ({ id: route.intent, title: route.title }));
}

/** The model's prediction for `text` (none before a model is ready), with its route when it has one and is sure enough. */
function classified(spec: ClassifyStep, text: string, ctx: StepContext): { prediction: Classification; route: Route } | { prediction?: Classification; route?: undefined } {
  const prediction = ctx.run.classify(text);
  if (!prediction) return {};
  const route = spec.routes.find((r) => r.intent === prediction.intent);
  return route && prediction.confidence >= spec.threshold ? { prediction, route } : { prediction };
}

/**
 * How the flow's classify steps read a text (see `Reading`): a need when one of them routes the model's intent at its
 * threshold, aside when the model is that sure of an intent none of them routes (a greeting: `other`), undefined
 * when it is unsure, no model serves, or the flow classifies nothing.
 *
 *     routedReading(ctx.flow, (text) => ctx.run.classify(text))('I was already charged twice'); // 'need'
 */
export function routedReading(flow: CompiledFlow, classify: (text: string) => Classification | undefined): (text: string) => Reading {
  const steps = flow.steps.flatMap((step) => (step.kind === 'classify' ? [step.spec] : []));
  if (steps.length === 0) return () => undefined;
  const sureAt = Math.min(...steps.map((spec) => spec.threshold));
  return (text) => {
    const prediction = text.trim() === '' ? undefined : classify(text);
    if (!prediction) return undefined;
    const routing = steps.filter((spec) => spec.routes.some((route) => route.intent === prediction.intent));
    if (routing.some((spec) => prediction.confidence >= spec.threshold)) return 'need';
    return routing.length === 0 && prediction.confidence >= sureAt ? 'aside' : undefined;
  };
}

/**
 * The words that routed, typed instead of a clarify button, kept in the field the step read: the agent's card shows
 * what the customer needs ("my card was charged twice"), not the vague words that were asked about ("hello, I need
 * help with something", still on the card as the first message). A field Switchboard fills in itself is left as it is.
 */
function keepTyped(spec: ClassifyStep, ctx: StepContext, text: string): void {
  if (BUILTIN_FIELDS.includes(spec.field.path) || writeRefusal(spec.field)) return;
  ctx.write(spec.field, text.trim());
}

function routeTo(route: Route, confidence: number, ctx: StepContext, also?: string): StepOutcome {
  ctx.run.conversation.intent = route.intent;
  ctx.run.conversation.team = route.team;
  if (also !== undefined) ctx.run.conversation.fields[ALSO_ASKED] = also;
  else delete ctx.run.conversation.fields[ALSO_ASKED];
  ctx.run.log.info({ intent: route.intent, team: route.team, confidence, ...(also !== undefined ? { also: true } : {}) }, 'intent classified');
  return 'next';
}

/** The field a second need is kept in (`conversation.also_asked`), labelled "Also asked" for agents (labels.ts). */
export const ALSO_ASKED = 'also_asked';

/** One need of a text that holds two (`twoNeedsIn`): its part, the route it takes and the model's confidence in it. */
export interface NeedRead {
  part: string;
  route: Route;
  confidence: number;
}

/**
 * Two needs for two teams in one text ("I was charged twice, and the app keeps crashing"): its parts (`needParts`),
 * each classified alone, route to more than one team, each as sure as the step needs. The customer goes to the team
 * of the need said first (`first`), and its agent reads the other on the card (`also`, then any `further` need for
 * another team than the first's), to take it up or pass it on.
 * Undefined for one need, however many parts it is said in. The dashboard's Try says it too (server/admin/nlp.ts).
 *
 *     twoNeedsIn(spec, 'I was charged twice and the app keeps crashing', classify); // { first: { part: 'I was charged twice', … }, also: … }
 */
export function twoNeedsIn(spec: ClassifyStep, text: string, classify: (text: string) => Classification | undefined): { first: NeedRead; also: NeedRead; further: NeedRead[] } | undefined {
  const parts = needParts(text);
  if (parts.length < 2) return undefined;
  let first: NeedRead | undefined;
  const others: NeedRead[] = [];
  for (const part of parts) {
    const prediction = classify(part);
    const route = prediction && prediction.confidence >= spec.threshold ? spec.routes.find((r) => r.intent === prediction.intent) : undefined;
    if (!prediction || !route) continue;
    if (!first) first = { part, route, confidence: prediction.confidence };
    else if (route.team !== first.route.team) others.push({ part, route, confidence: prediction.confidence });
  }
  // A third need and on ("…, and I want to upgrade my plan") are the agent's to read too (`further`), in order.
  const [also, ...further] = others;
  return first && also ? { first, also, further } : undefined;
}

function twoNeeds(spec: ClassifyStep, text: string, ctx: StepContext): { first: Route; confidence: number; also: string } | undefined {
  const two = twoNeedsIn(spec, text, (part) => ctx.run.classify(part));
  if (!two) return undefined;
  // The turn reports the prediction it read last (intent.classified, the log): the one of the need it routes.
  ctx.run.classify(two.first.part);
  return { first: two.first.route, confidence: two.first.confidence, also: joinedNeeds([two.also, ...two.further].map((need) => need.part)) };
}

/** Every further need in one line, in order, with the semicolon of their language: «…؛ …» between Arabic ones. */
function joinedNeeds(parts: string[]): string {
  return parts.reduce((joined, part) => `${joined}${/\p{Script=Arabic}/u.test(part) ? '؛' : ';'} ${part}`);
}
