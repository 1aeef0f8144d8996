// `tag`: adds tags to the contact (kept across conversations, never twice).
import { z } from 'zod';
import { SCHEMA_RULES } from '../rules.ts';
import { defineStep } from './step.ts';

/** A compiled `tag` step. */
export interface TagStep {
  tags: string[];
}

const tagSchema = z.string().trim().min(1, 'a tag cannot be empty');

/** `- tag: vip` or `- tag: [vip, wholesale]` */
export const tagStep = defineStep({
  kind: 'tag',
  shape: {
    tag: z.union([tagSchema, z.array(tagSchema).min(1, 'tag needs at least one tag')], {
      errorMap: () => ({ message: SCHEMA_RULES.badTag }),
    }),
  },
  compile: (step): TagStep => ({ tags: [...new Set(typeof step.tag === 'string' ? [step.tag] : step.tag)] }),
  exits: () => ({ gotos: [], fallsThrough: true, mayWait: false }),
  runner: {
    run(spec, ctx) {
      const tags = ctx.run.contact.tags;
      for (const tag of spec.tags) if (!tags.includes(tag)) tags.push(tag);
      return 'next';
    },
  },
});
