// Finds goto loops that never wait for the customer: run, they would spin without end, so such a script is
// refused at load (the interpreter also stops any spin it meets at run time).
import type { StepExits } from './steps/step.ts';

/**
 * A cycle of steps none of which may wait, as step indexes in running order (the last jumps back to the
 * first), or undefined when there is none.
 *
 *     spinningLoop([{ gotos: ['b'], fallsThrough: false, mayWait: false }], new Map([['b', 0]])); // [0]
 */
export function spinningLoop(exits: readonly StepExits[], stepIndex: ReadonlyMap<string, number>): number[] | undefined {
  const successors = (index: number): number[] => {
    const exit = exits[index]!;
    const next = exit.gotos.flatMap((id) => {
      const target = stepIndex.get(id);
      return target === undefined ? [] : [target];
    });
    if (exit.fallsThrough && index + 1 < exits.length) next.push(index + 1);
    return next.filter((target) => !exits[target]!.mayWait);
  };
  const state = new Map<number, 'open' | 'done'>();
  const trail: number[] = [];
  const visit = (index: number): number[] | undefined => {
    state.set(index, 'open');
    trail.push(index);
    for (const next of successors(index)) {
      if (state.get(next) === 'open') return trail.slice(trail.indexOf(next));
      if (state.get(next) === undefined) {
        const loop = visit(next);
        if (loop) return loop;
      }
    }
    trail.pop();
    state.set(index, 'done');
    return undefined;
  };
  for (let index = 0; index < exits.length; index++) {
    if (!exits[index]!.mayWait && state.get(index) === undefined) {
      const loop = visit(index);
      if (loop) return loop;
    }
  }
  return undefined;
}
