// `close`: asks the runtime to close the conversation, with an optional closing note; the flow ends.
import { z } from 'zod';
import type { Template } from '../template.ts';
import { SCHEMA_RULES } from '../rules.ts';
import { defineStep } from './step.ts';

/** A compiled `close` step. */
export interface CloseStep {
  note?: Template;
}

/** `- close: true` or `- close: "Answered by the bot"` */
export const closeStep = defineStep({
  kind: 'close',
  shape: {
    close: z.union([z.literal(true), z.string().min(1)], {
      errorMap: () => ({ message: SCHEMA_RULES.badClose }),
    }),
  },
  compile: (step, ctx): CloseStep => (step.close === true ? {} : { note: ctx.template(step.close, ['close']) }),
  exits: () => ({ gotos: [], fallsThrough: false, mayWait: false }),
  runner: {
    run(spec, ctx) {
      ctx.run.close(spec.note ? ctx.render(spec.note) : undefined);
      return 'end';
    },
  },
});
