// Who of a Meta webhook batch waits for Meta's next try because they write faster than the runtime takes (it refuses
// their message with RateLimited): that person's refused item and every later item of theirs, kept in Meta's order
// for when the batch comes again (it is answered 503 for them). The other people of the batch are not held back:
// stopping the batch at the refusal made every customer in it wait for Meta's retry, again while the fast writer
// kept writing. What this process stored before the refusal is not handed over again on the retry (each channel's
// receive.ts skips what its Memory holds), so the retry spends the person's allowance only on what still waits.
import { RateLimited } from '../../types.ts';

/**
 * The people of one batch held back for writing too fast.
 *
 *     const fast = new FastWriters();
 *     for (const item of items) if (!fast.holds(item.person)) await fast.take(item.person, () => host.deliver(item.inbound));
 *     fast.settle(); // throws the first refusal: the batch is answered 503 and Meta sends it again
 */
export class FastWriters {
  readonly #people = new Set<string>();
  #refusal: RateLimited | undefined;

  /** True once `person` had an item refused for writing too fast: their later items of the batch wait too. */
  holds(person: string): boolean {
    return this.#people.has(person);
  }

  /** Runs `receive` for an item of `person`; a refusal for writing too fast holds them back instead of stopping the batch. */
  async take(person: string, receive: () => Promise<void>): Promise<void> {
    try {
      await receive();
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      this.#refusal ??= error;
      this.#people.add(person);
    }
  }

  /** Once the batch went through: throws the first refusal when someone was held back, so Meta sends the batch again. */
  settle(): void {
    if (this.#refusal) throw this.#refusal;
  }
}
