// How every store runs a transaction's work again when its commit is refused: in the key's place (the caller holds
// the key's turn), with a little jitter so that transactions racing for one record (an agent, a queue) do not
// collide again, until the attempts run out.
import { ConflictError } from './errors.ts';
import type { TransactionOptions } from './types.ts';

/** Attempts of a transaction whose commits keep being refused, unless its caller says otherwise. */
export const DEFAULT_ATTEMPTS = 60;

/**
 * Runs `attempt` until it does not end in `ConflictError`, or the attempts run out (then that error is thrown).
 *
 *     return retryConflicts(options, () => this.#attempt(work));
 */
export async function retryConflicts<T>(options: TransactionOptions, attempt: () => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || tried >= attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(tried, 10)));
  }
}
