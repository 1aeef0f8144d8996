// The top level of a flow script: its name, its trigger and its list of steps (each step is checked by
// its own kind's schema, see steps/).
import { z } from 'zod';
import { LANGUAGE_TAG, localizedSchema } from './language.ts';
import { labelSchema } from './labels.ts';
import { SCHEMA_RULES } from './rules.ts';

/** The lifecycle moments a flow's `notices:` may word for the customer. */
export const NOTICE_MOMENTS = ['assigned', 'queue_moved', 'transferred', 'closed', 'auto_closed', 'handed_back', 'still_queued'] as const;
export type NoticeMoment = (typeof NOTICE_MOMENTS)[number];

/** Flow names become file names of stored versions, so they stay plain. */
export const FLOW_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * A flow script's top-level map.
 *
 *     const parsed = flowFileSchema.safeParse(yaml.parse(text));
 *     if (parsed.success) parsed.data.trigger.on; // 'conversation.opened'
 */
export const flowFileSchema = z
  .object({
    flow: z.string().regex(FLOW_NAME, SCHEMA_RULES.badFlowName),
    trigger: z.discriminatedUnion('on', [
      z.object({
        on: z.literal('conversation.opened'),
        source: z.enum(['contact', 'agent', 'workflow']).default('contact'),
      }).strict(),
      z.object({ on: z.literal('conversation.closed') }).strict(),
    ]),
    steps: z.array(z.unknown()).min(1, 'a flow needs at least one step'),
    /** The language of a text written per language that has no variant for the customer's language. */
    language: z.string().regex(LANGUAGE_TAG, SCHEMA_RULES.badLanguageTag).optional(),
    /** What the customer hears at each lifecycle moment of a conversation this flow started ("" says nothing). */
    notices: z.record(z.enum(NOTICE_MOMENTS), localizedSchema(z.string())).optional(),
    /** How agents read the fields the flow saves: `{ conversation.need: { label: { en: Need, ar: الطلب } } }`. */
    fields: z.record(z.string(), z.object({ label: labelSchema }).strict()).optional(),
  })
  .strict();
