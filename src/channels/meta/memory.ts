// A bounded set of what this process already did (messages delivered, files fetched): Meta sends a batch again when
// it was not acknowledged, and what was handled the first time need not be fetched again. Only a shortcut: the
// runtime's dedup is what makes a repeated delivery change nothing.

/** How many keys are remembered by default. */
const REMEMBERED = 10_000;

/**
 * A bounded set: the oldest entries are forgotten first.
 *
 *     const memory = new Memory(); memory.add('in:wamid.1'); memory.has('in:wamid.1'); // true
 */
export class Memory {
  readonly #keys = new Set<string>();

  constructor(private readonly size = REMEMBERED) {}

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.add(key);
    if (this.#keys.size > this.size) this.#keys.delete(this.#keys.values().next().value!);
  }
}
