// One-at-a-time execution per key, in call order: what keeps a contact's messages from being handled concurrently.

const ignore = (): void => {};

/**
 * A FIFO mutex per key: calls with the same key run one after another in call order, calls with different
 * keys run concurrently. A key costs nothing once its last call has settled.
 *
 *     const mutex = new KeyedMutex();
 *     await mutex.run(`telegram:${chatId}`, async () => handle(message));
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier call with `key` has settled; settles as `fn` does. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous ? previous.then(fn) : fn();
    const tail = result.then(ignore, ignore);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
