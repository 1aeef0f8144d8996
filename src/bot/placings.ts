// Placing a team's queue after the transactions that queued conversations in it (see `placeInLine`): one placing of
// a team at a time, in a transaction on the team's key (which lines them up across processes too); a placing asked
// for while another of the team waits to start joins it, which places everyone queued by then.
import type { Desk } from '../handover/desk.ts';
import type { Logger } from '../shared/log.ts';
import type { Transactions } from './transactions.ts';

/**
 * Runs the placings the committed transactions ask for.
 *
 *     const placings = new Placings({ transactions, desk, log });
 *     await placings.place('Billing'); // everyone queued in Billing before this call has a place, and was told it
 */
export class Placings {
  /** Per team key: the placing asked for that has not started yet. */
  readonly #waiting = new Map<string, { done: Promise<void> }>();

  constructor(private readonly options: { transactions: Transactions; desk: Desk; log: Logger }) {}

  /**
   * Resolves once a placing of `team` that started after this call has placed everyone waiting. Never rejects: a
   * placing that fails is logged, and those it did not place wait for the team's next one (or the periodic check's).
   */
  place(team: string): Promise<void> {
    // The key as the team's queue document's: one line per team, whatever the case it is written in.
    const key = `queue:${team.toLowerCase()}`;
    const waiting = this.#waiting.get(key);
    if (waiting) return waiting.done;
    const placing = { done: Promise.resolve() };
    // Registered first: the store may start the work before `#run` returns.
    this.#waiting.set(key, placing);
    placing.done = this.#run(key, team, placing).catch((error: unknown) => {
      if (this.#waiting.get(key) === placing) this.#waiting.delete(key);
      this.options.log.error({ err: error, team }, 'placing the queue failed; its conversations are placed at the next placing');
    });
    return placing.done;
  }

  async #run(key: string, team: string, placing: { done: Promise<void> }): Promise<void> {
    for (;;) {
      const { more } = await this.options.transactions.run(key, async (tx, fx) => {
        // Started: a conversation queued from now on may be read too late for this one, and asks for the next.
        if (this.#waiting.get(key) === placing) this.#waiting.delete(key);
        return { more: await this.options.desk.placeInLine(tx, team, fx) };
      });
      if (!more) return;
    }
  }
}
