// Long background work (a compaction of the embedded store) cut into short slices of the event loop, with rests
// between them, so that the requests arriving meanwhile are served within milliseconds instead of queueing behind it.

export interface SliceOptions {
  /** How long a slice runs before the work lets the event loop turn (default 2 ms). */
  sliceMs?: number;
  /**
   * The share of the time the work may take (default 1: it only lets the loop turn). At 0.5 each slice is followed
   * by a rest as long as itself, so the work never takes more than half of a core from the requests.
   */
  share?: number;
}

/**
 * A clock for work done in slices: the work checks `over` as it goes, and once it is, awaits `pause()`.
 *
 *     const slices = new Slices({ share: 0.5 });
 *     for (const record of records) {
 *       write(record);
 *       if (slices.over) await slices.pause();
 *     }
 */
export class Slices {
  readonly #sliceMs: number;
  readonly #share: number;
  #started = performance.now();

  constructor({ sliceMs = 2, share = 1 }: SliceOptions = {}) {
    this.#sliceMs = sliceMs;
    this.#share = Math.min(1, Math.max(0.05, share));
  }

  /** Whether the slice has run its time. */
  get over(): boolean {
    return performance.now() - this.#started >= this.#sliceMs;
  }

  /** Ends the slice: one turn of the event loop, or a rest in proportion to the slice (see `share`). */
  async pause(): Promise<void> {
    const rest = (performance.now() - this.#started) * (1 / this.#share - 1);
    await new Promise((resolve) => (rest >= 1 ? setTimeout(resolve, rest) : setImmediate(resolve)));
    this.restart();
  }

  /** Starts a new slice, after the work awaited something else (a file write) that was no work of its own. */
  restart(): void {
    this.#started = performance.now();
  }
}
