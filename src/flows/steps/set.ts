// `set`: writes fields; text values are templates, so a field can be copied into another.
import { z } from 'zod';
import type { FieldValue } from '../../store/types.ts';
import type { FieldRef } from '../fields.ts';
import type { Template } from '../template.ts';
import { EMPTY, SCHEMA_RULES } from '../rules.ts';
import { defineStep } from './step.ts';

/** A compiled `set` step: each field with a fixed value or a template. */
export interface SetStep {
  writes: ({ field: FieldRef; value: Exclude<FieldValue, string> } | { field: FieldRef; template: Template })[];
}

const valueSchema = z.union([z.string(), z.number().finite(SCHEMA_RULES.badSetValue), z.boolean(), z.null()], {
  errorMap: () => ({ message: SCHEMA_RULES.badSetValue }),
});

/** `- set: { conversation.priority: high, contact.vip: true }` */
export const setStep = defineStep({
  kind: 'set',
  shape: {
    set: z.record(z.string(), valueSchema).refine((fields) => Object.keys(fields).length > 0, { message: 'set needs at least one field, e.g. set: { conversation.priority: high }', params: EMPTY }),
  },
  compile: (step, ctx): SetStep => ({
    writes: Object.entries(step.set).map(([path, value]) => {
      const field = ctx.writeField(path, ['set', path]);
      return typeof value === 'string' ? { field, template: ctx.template(value, ['set', path]) } : { field, value };
    }),
  }),
  exits: () => ({ gotos: [], fallsThrough: true, mayWait: false }),
  runner: {
    run(spec, ctx) {
      for (const write of spec.writes) ctx.write(write.field, 'template' in write ? ctx.value(write.template) : write.value);
      return 'next';
    },
  },
});
