// `say`: the bot says something (optionally with choices as buttons) and the flow goes on at once.
import { z } from 'zod';
import { choicesSchema, compileChoices, type FlowChoice } from '../choices.ts';
import { localizedSchema, type Localized } from '../language.ts';
import type { Template } from '../template.ts';
import { defineStep } from './step.ts';

/** A compiled `say` step. */
export interface SayStep {
  text: Localized<Template>;
  choices?: FlowChoice[];
}

/** `- say: "Hi {{contact.name | there}}!"` or `- say: { en: "Hi!", ar: "مرحبا!" }` */
export const sayStep = defineStep({
  kind: 'say',
  shape: { say: localizedSchema(z.string().min(1, 'say needs a text')), choices: choicesSchema.optional() },
  compile(step, ctx): SayStep {
    const text = ctx.text(step.say, ['say']);
    return step.choices ? { text, choices: compileChoices(step.choices, ['choices'], ctx) } : { text };
  },
  exits: () => ({ gotos: [], fallsThrough: true, mayWait: false }),
  runner: {
    run(spec, ctx) {
      const said = ctx.styled(spec.text);
      ctx.run.say(spec.choices ? { ...said, choices: ctx.choices(spec.choices) } : said);
      return 'next';
    },
  },
});
