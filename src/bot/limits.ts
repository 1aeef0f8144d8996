// How fast one person may write: a token bucket per sender, so a flood is refused at the door (nothing of it
// stored, the sender told to wait) instead of filling a conversation and an agent's screen.

/**
 * A rate per key: `capacity` messages at once, refilled to that over `perMs`.
 *
 *     const limit = new RateLimit({ capacity: 30, perMs: 60_000 });
 *     const wait = limit.take('telegram:5001', Date.now()); // 0: go on; else milliseconds to wait
 */
export class RateLimit {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** When full buckets were last dropped. */
  #sweptAt = 0;

  constructor(private readonly options: { capacity: number; perMs: number }) {}

  /** Senders remembered: those whose bucket is not yet full again, give or take one sweep. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one message's token for `key`; 0 when it may go on, else how long until it may. */
  take(key: string, now: number): number {
    const { capacity, perMs } = this.options;
    // Full buckets are dropped every few seconds (the time one token takes to come back, at least a second), not
    // only past 100,000 senders: a busy server kept some 25,000 in a benchmark, 80,000 objects of its heap that every
    // full garbage collection walked. A sweep walks only the senders of the last few seconds. Before this sender's
    // bucket is read, so that the token it takes is not in a bucket the sweep just dropped.
    if (now - this.#sweptAt >= Math.max(1_000, perMs / capacity) || this.#buckets.size >= 100_000) {
      this.#sweptAt = now;
      this.#forgetFull(now);
    }
    const rate = capacity / perMs;
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }

  /**
   * Gives back the token `take` took for `key`: the message turned out to be one already stored (a platform delivering
   * it again), which is not the person writing.
   *
   *     if (repeated) limit.giveBack('telegram:5001');
   */
  giveBack(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.options.capacity, bucket.tokens + 1);
  }

  /** Buckets refilled to the brim say nothing a new bucket would not: dropped, so memory follows the active senders. */
  #forgetFull(now: number): void {
    const { capacity, perMs } = this.options;
    for (const [key, bucket] of this.#buckets) if (bucket.tokens + ((now - bucket.at) * capacity) / perMs >= capacity) this.#buckets.delete(key);
  }
}
