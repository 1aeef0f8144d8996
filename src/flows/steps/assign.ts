// `assign`: hands the conversation to a team (optionally a given agent), telling the customer their place
// in the queue (`queued`) and giving up after `timeout` (`on_timeout`). The runtime does the handing over.
import { z } from 'zod';
import { parseDuration } from '../../shared/duration.ts';
import { localizedSchema, type Localized } from '../language.ts';
import type { Template } from '../template.ts';
import { compileJump, jumpOutcome, jumpTargets, type Jump } from './jump.ts';
import { SCHEMA_RULES } from '../rules.ts';
import { defineStep } from './step.ts';

/** A compiled `assign` step. */
export interface AssignStep {
  team: Template;
  /** Overrides the team's strategy from team.yaml. */
  strategy?: 'least_open' | 'round_robin';
  agent?: Template;
  queued?: Localized<Template>;
  timeoutMs?: number;
  onTimeout: Jump;
}

const TIMEOUT_FORMAT = SCHEMA_RULES.badTimeout;

/** `- assign: { team: "{{conversation.team}}", strategy: least_open }` with `queued`, `timeout`, `on_timeout`. */
export const assignStep = defineStep({
  kind: 'assign',
  shape: {
    assign: z
      .object({
        team: z.string().min(1, 'assign needs a team'),
        strategy: z.enum(['least_open', 'round_robin']).optional(),
        agent: z.string().min(1).optional(),
      })
      .strict(),
    queued: localizedSchema(z.string().min(1, 'queued needs a text')).optional(),
    timeout: z.union([z.number().positive(TIMEOUT_FORMAT).finite(TIMEOUT_FORMAT), z.string().regex(/^\d+\s*[smhd]$/, TIMEOUT_FORMAT)], {
      errorMap: () => ({ message: TIMEOUT_FORMAT }),
    }).optional(),
    on_timeout: z.string().optional(),
  },
  compile(step, ctx): AssignStep {
    const spec: AssignStep = {
      team: ctx.template(step.assign.team, ['assign', 'team']),
      onTimeout: compileJump(step.on_timeout ?? 'continue', ['on_timeout'], ['continue'], ctx),
    };
    if (step.assign.strategy) spec.strategy = step.assign.strategy;
    if (step.assign.agent !== undefined) spec.agent = ctx.template(step.assign.agent, ['assign', 'agent']);
    if (step.queued !== undefined) spec.queued = ctx.text(step.queued, ['queued']);
    if (step.timeout !== undefined) spec.timeoutMs = parseDuration(step.timeout) ?? 0;
    else if (step.on_timeout !== undefined) ctx.error(['on_timeout'], 'on_timeout needs a timeout', 'add timeout: 10m', { kind: 'keyNeedsKey', name: 'on_timeout', needs: 'timeout', example: 'timeout: 10m' });
    return spec;
  },
  exits: (spec) => ({ gotos: jumpTargets(spec.onTimeout), fallsThrough: true, mayWait: true }),
  runner: {
    run(spec, ctx) {
      const { queued, agent, strategy } = spec;
      ctx.run.assign({
        team: ctx.render(spec.team),
        ...(agent ? { agent: ctx.render(agent) } : {}),
        ...(strategy ? { strategy } : {}),
        ...(queued ? { queuedText: (position: number | string) => ctx.styled(queued, { 'queue.position': position }) } : {}),
      });
      // The flow rests here while the conversation is queued or with an agent; only a timeout moves it on.
      return { wait: { retries: 0 } };
    },
    resume(spec, ctx, input, waiting) {
      // Handed back by an agent: the flow goes on after the hand-over, as if nobody had been needed.
      if (input.handedBack) return 'next';
      return input.timedOut ? jumpOutcome(spec.onTimeout, ctx) : { wait: waiting };
    },
  },
});
