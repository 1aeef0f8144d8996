// The one shape every step kind has: a zod schema of its map → load-time checks that compile it →
// a runner that runs it (and resumes it when it waited for the customer).
import { z } from 'zod';
import type { FieldValue, TextStyle } from '../../store/types.ts';
import type { Choice } from '../../types.ts';
import type { FlowChoice } from '../choices.ts';
import type { ExtraFields, FieldRead, FieldRef } from '../fields.ts';
import type { Localized, LocalizedSource } from '../language.ts';
import type { Template } from '../template.ts';
import type { CompiledFlow, CompiledStep, FlowInput, FlowRun } from '../types.ts';

import { SCHEMA_RULES } from '../rules.ts';
import type { KnownFileError } from '../../shared/file-error.ts';
import type { Path } from '../../shared/yaml-source.ts';

export type { Path };

/**
 * What a step's compile gets from the loader: error reporting that knows lines, and checks that need the
 * whole file (goto targets) or every file (which fields exist). Each helper reports its own errors and still
 * returns something usable, so one compile reports everything wrong with a step at once.
 */
export interface CompileContext {
  /**
   * Refuses the file: `reason` at the line of `at` in this step, with the fix when obvious; `known`, what it is, for a
   * page that says it in its own words (the Arabic flow editor): every refusal has one.
   */
  error(at: Path, reason: string, hint: string | undefined, known: KnownFileError): void;
  /**
   * Says what is worth knowing at the line of `at` in this step, without refusing the file (the editor's warnings, the
   * log); `known`, what it is, for a page that says it in its own words.
   */
  warn(at: Path, reason: string, hint: string | undefined, known: KnownFileError): void;
  /** Parses a template; the fields it names are checked against every loaded flow's fields. */
  template(text: string, at: Path): Template;
  /** A text the customer reads: one template, or one per language (`{ en: …, ar: … }`), each parsed like `template`. */
  text(text: LocalizedSource, at: Path): Localized<Template>;
  /** A choice title: one text, or one per language. */
  title(text: LocalizedSource, at: Path): Localized<string>;
  /** A field the step reads; it must be a builtin or saved by some loaded flow. */
  readField(path: string, at: Path): FieldRef;
  /** A field the step writes; it becomes readable in every flow's templates. */
  writeField(path: string, at: Path): FieldRef;
  /** What agents read for a field the flow saves; a field has one label in a flow. */
  label(field: FieldRef, label: LocalizedSource, at: Path): void;
  /** A goto target; it must be a step id in this file. */
  target(id: string, at: Path): string;
  /** Requires a step of `kind` somewhere in this file (e.g. `on_fail: assign` needs an assign step); else refuses it with `reason`. */
  requireKind(kind: string, at: Path, reason: string, known: KnownFileError): void;
  /** Compiles a regular expression (always with the `u` flag). */
  regex(pattern: string, flags: string, at: Path): RegExp;
  /** The line of `at` in this step, for what is checked later (a route's team against team.yaml). */
  lineOf(at: Path): number;
}

/** How control may leave a step: the loader's loop check walks these. */
export interface StepExits {
  /** Step ids it may jump to. */
  gotos: readonly string[];
  /** Whether it may go on to the next step. */
  fallsThrough: boolean;
  /** Whether it may stop and wait for the customer (a loop through such a step is not a spin). */
  mayWait: boolean;
}

/** What the flow does after a step. */
export type StepOutcome =
  | 'next'
  /** The flow is over (e.g. after `close`). */
  | 'end'
  /** Continue at this step index. */
  | { goto: number }
  /** Stop until the customer answers; `retries` (and `refused`, what was wrong last) is kept in the conversation's position. */
  | { wait: Waiting };

/** What a waiting step counted: invalid answers re-asked, and what was wrong with the last one (`refused`). */
export interface Waiting {
  retries: number;
  refused?: string;
  /** The question is not said yet: the customer's next message was in already (`FlowRun.followed`), and may answer it. */
  unsaid?: true;
}

/** What a running step may use: the run, and helpers that read and write fields on its records. */
export interface StepContext {
  readonly run: FlowRun;
  readonly flow: CompiledFlow;
  readonly step: CompiledStep;
  render(template: Template, extra?: ExtraFields): string;
  /** A text in the contact's language (`localize`), filled in. */
  text(text: Localized<Template>, extra?: ExtraFields): string;
  /** `text` as the customer reads it: the admin's WhatsApp markup (`*Thanks!*`) read into styles (`renderStyled`). */
  styled(text: Localized<Template>, extra?: ExtraFields): { text: string; styles?: TextStyle[] };
  /** Choices titled in the contact's language; a choice's id is the same in every language. */
  choices(choices: readonly FlowChoice[]): Choice[];
  /** The variant for the contact's language (`contact.language`, read when called). */
  localize<T>(text: Localized<T>): T;
  /** A template's value; a lone placeholder keeps the field's type. */
  value(template: Template): FieldValue;
  read(field: FieldRef): FieldRead;
  write(field: FieldRef, value: FieldValue): void;
  /** Index of the step with this id (checked at load). */
  indexOf(id: string): number;
}

/**
 * Runs one step kind. `resume` receives the customer's answer when `run` (or an earlier `resume`) waited.
 *
 *     const runner: StepRunner<AssignStep> = { run: (spec, ctx) => ({ wait: { retries: 0 } }), resume: … };
 */
export interface StepRunner<Spec> {
  run(spec: Spec, ctx: StepContext): StepOutcome;
  resume?(spec: Spec, ctx: StepContext, input: FlowInput, waiting: Waiting): StepOutcome;
}

/** A step kind as the loader and interpreter see it; build one with `defineStep`. */
export interface StepKind<Spec> {
  readonly kind: string;
  /** The step's whole map: the kind key, its options and `id`; strict, so typos are refused. */
  readonly schema: z.ZodTypeAny;
  /** Checks a step's map against `schema` and compiles it: its spec and id, or what the schema refused. */
  load(raw: Readonly<Record<string, unknown>>, ctx: CompileContext): { spec: Spec; id?: string } | { issues: z.ZodIssue[] };
  exits(spec: Spec): StepExits;
  /** Runs (and resumes) steps of this kind. */
  readonly runner: StepRunner<Spec>;
}

/** A step id: what `goto` names. */
export const stepIdSchema = z
  .string()
  .regex(/^[\p{L}\p{N}_-]+$/u, SCHEMA_RULES.badStepId);

/**
 * Declares a step kind: its keys (the kind key first), how to compile the parsed map, and its exits.
 *
 *     export const gotoStep = defineStep({ kind: 'goto', shape: { goto: z.string() },
 *       compile: (step, ctx) => ({ target: ctx.target(step.goto, ['goto']) }), exits: …, runner: … });
 */
export function defineStep<Spec, Shape extends z.ZodRawShape>(definition: {
  kind: string;
  shape: Shape;
  compile(parsed: z.output<z.ZodObject<Shape>>, ctx: CompileContext): Spec;
  exits(spec: Spec): StepExits;
  runner: StepRunner<Spec>;
}): StepKind<Spec> {
  const options = z.object(definition.shape).strict();
  const id = stepIdSchema.optional();
  return {
    kind: definition.kind,
    schema: options.extend({ id }),
    // `id` is every kind's and no compile's business, so it is checked on its own and the options without it.
    load({ id: rawId, ...rawOptions }, ctx) {
      const parsed = options.safeParse(rawOptions);
      const parsedId = id.safeParse(rawId);
      if (!parsed.success || !parsedId.success) {
        return {
          issues: [
            ...(parsed.error?.issues ?? []),
            ...(parsedId.error?.issues ?? []).map((issue) => ({ ...issue, path: ['id', ...issue.path] })),
          ],
        };
      }
      const spec = definition.compile(parsed.data, ctx);
      return parsedId.data === undefined ? { spec } : { spec, id: parsedId.data };
    },
    exits: definition.exits,
    runner: definition.runner,
  };
}
