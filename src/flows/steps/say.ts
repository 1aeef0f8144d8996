// `say`: the bot says something (optionally with choices as buttons) and the flow goes on at once.
import { z } from 'zod';
import type { Choice } from '../../types.ts';
import { choicesSchema, compileChoices } from '../choices.ts';
import type { Template } from '../template.ts';
import { defineStep } from './step.ts';

/** A compiled `say` step. */
export interface SayStep {
  text: Template;
  choices?: Choice[];
}

/** `- say: "Hi {{contact.name | there}}!"` */
export const sayStep = defineStep({
  kind: 'say',
  shape: { say: z.string().min(1, 'say needs a text'), choices: choicesSchema.optional() },
  compile(step, ctx): SayStep {
    const text = ctx.template(step.say, ['say']);
    return step.choices ? { text, choices: compileChoices(step.choices, ['choices'], ctx) } : { text };
  },
  exits: () => ({ gotos: [], fallsThrough: true, mayWait: false }),
  runner: {
    run(spec, ctx) {
      const text = ctx.render(spec.text);
      ctx.run.say(spec.choices ? { text, choices: spec.choices } : { text });
      return 'next';
    },
  },
});
