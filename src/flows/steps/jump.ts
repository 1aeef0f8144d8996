// Where a step goes when something does not work out (`on_fail:`, `on_timeout:`): on, to a step, or to
// the flow's assign step.
import { suggest } from '../../shared/suggest.ts';
import type { CompileContext, Path, StepContext, StepOutcome } from './step.ts';

/** A compiled `on_fail:` / `on_timeout:`. */
export type Jump = { to: 'continue' } | { to: 'goto'; target: string } | { to: 'assign' };

/**
 * Compiles `continue`, `goto:<id>` or (where allowed) `assign`, reporting anything else.
 *
 *     compileJump(step.on_fail ?? 'continue', ['on_fail'], ['continue', 'assign'], ctx);
 */
export function compileJump(text: string, at: Path, words: readonly ('continue' | 'assign')[], ctx: CompileContext): Jump {
  const value = text.trim();
  if (value.startsWith('goto:')) return { to: 'goto', target: ctx.target(value.slice('goto:'.length).trim(), at) };
  if (value === 'continue' && words.includes('continue')) return { to: 'continue' };
  if (value === 'assign' && words.includes('assign')) {
    ctx.requireKind('assign', at, 'the flow has no assign step to go to', { kind: 'noAssignStep', name: String(at[at.length - 1]) });
    return { to: 'assign' };
  }
  const allowed = [...words, 'goto:<id>'];
  const suggestion = suggest(value, [...words, 'goto:']);
  ctx.error(
    at, `"${value}" is not one of ${allowed.join(', ')}`, suggestion !== undefined ? `did you mean "${suggestion}"?` : `e.g. ${String(at[at.length - 1])}: ${words[0]}`,
    { kind: 'notOneOf', name: String(at[at.length - 1]), ...(suggestion !== undefined ? { suggestion } : {}), allowed },
  );
  return { to: 'continue' };
}

/**
 * The outcome a jump leads to at run time.
 *
 *     return jumpOutcome(spec.onFail, ctx);
 */
export function jumpOutcome(jump: Jump, ctx: StepContext): StepOutcome {
  switch (jump.to) {
    case 'continue': return 'next';
    case 'goto': return { goto: ctx.indexOf(jump.target) };
    case 'assign': return { goto: ctx.flow.steps.findIndex((step) => step.kind === 'assign') };
  }
}

/** The step ids a jump may lead to, for the loader's loop check. */
export function jumpTargets(jump: Jump): string[] {
  return jump.to === 'goto' ? [jump.target] : [];
}
