// `branch`: the first case whose conditions all hold jumps to its step; `else` catches the rest; with no
// match and no else the flow goes on to the next step.
import { z } from 'zod';
import { compileCondition, holds, type Condition } from '../conditions.ts';
import type { FieldRef } from '../fields.ts';
import { EMPTY, SCHEMA_RULES } from '../rules.ts';
import { defineStep } from './step.ts';

/** A compiled `branch` case; `else` has no conditions. */
interface BranchCase {
  when: { field: FieldRef; condition: Condition }[];
  target: string;
}

/** A compiled `branch` step. */
export interface BranchStep {
  cases: BranchCase[];
}

const caseSchema = z
  .object({
    if: z.record(z.string(), z.unknown()).optional(),
    goto: z.string().min(1).optional(),
    else: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const isIf = value.if !== undefined && value.goto !== undefined && value.else === undefined;
    const isElse = value.else !== undefined && value.if === undefined && value.goto === undefined;
    if (!isIf && !isElse) {
      ctx.addIssue({ code: 'custom', message: SCHEMA_RULES.badCase });
    } else if (value.if && Object.keys(value.if).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['if'], message: 'if needs at least one field, e.g. { conversation.topic: billing }', params: EMPTY });
    }
  });

/** `- branch: [ { if: { conversation.topic: billing }, goto: billing }, { else: general } ]` */
export const branchStep = defineStep({
  kind: 'branch',
  shape: { branch: z.array(caseSchema).min(1, 'branch needs at least one case') },
  compile(step, ctx): BranchStep {
    const cases = step.branch.map((item, index): BranchCase => {
      const at = ['branch', index] as const;
      if (item.else !== undefined) {
        if (index !== step.branch.length - 1) ctx.error([...at, 'else'], 'else must be the last case: the cases after it are never tried', 'move it to the end', { kind: 'elseNotLast' });
        return { when: [], target: ctx.target(item.else, [...at, 'else']) };
      }
      const when = Object.entries(item.if ?? {}).map(([path, raw]) => ({
        field: ctx.readField(path, [...at, 'if', path]),
        condition: compileCondition(raw, [...at, 'if', path], ctx),
      }));
      return { when, target: ctx.target(item.goto ?? '', [...at, 'goto']) };
    });
    return { cases };
  },
  exits: (spec) => ({
    gotos: spec.cases.map((item) => item.target),
    fallsThrough: spec.cases.every((item) => item.when.length > 0),
    mayWait: false,
  }),
  runner: {
    run(spec, ctx) {
      const match = spec.cases.find((item) => item.when.every(({ field, condition }) => holds(condition, ctx.read(field))));
      return match ? { goto: ctx.indexOf(match.target) } : 'next';
    },
  },
});
