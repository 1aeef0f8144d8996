// Abuse limits of the web chat: how fast a session or an address may post or open sessions (token buckets), and
// how many event streams it may hold open at once. All in memory: a limit is per process.
import { describeDuration, parseDuration } from '../../shared/duration.ts';

/** `count` per `perMs`, e.g. 20 messages per 10 s. */
export interface Rate {
  count: number;
  perMs: number;
}

/**
 * Reads a rate as people write it: `20/10s`, `60/m`, `20/1h`.
 *
 *     parseRate('20/10s'); // { count: 20, perMs: 10_000 }
 *     parseRate('fast');   // undefined
 */
export function parseRate(text: string): Rate | undefined {
  const match = /^\s*(\d{1,9})\s*\/\s*(\S+)\s*$/.exec(text);
  if (!match) return undefined;
  const span = match[2] as string;
  const perMs = parseDuration(/^\d/.test(span) ? span : `1${span}`);
  const count = Number(match[1]);
  return count > 0 && perMs !== undefined && perMs > 0 ? { count, perMs } : undefined;
}

/**
 * A rate as people read it.
 *
 *     describeRate({ count: 20, perMs: 10_000 });    // '20 per 10 s'
 *     describeRate({ count: 20, perMs: 3_600_000 }); // '20 per hour'
 */
export function describeRate(rate: Rate): string {
  const names: Record<number, string> = { 1_000: 'second', 60_000: 'minute', 3_600_000: 'hour', 86_400_000: 'day' };
  return `${rate.count} per ${names[rate.perMs] ?? describeDuration(rate.perMs)}`;
}

/**
 * A token bucket per key: a burst of up to `count` passes, then one more every `perMs / count`. `take` answers 0
 * when the request may go, else the seconds to wait (for `Retry-After`); a refused request takes nothing.
 *
 *     const posts = new RateLimiter({ count: 20, perMs: 10_000 });
 *     const wait = posts.take(session); // 0, or e.g. 1 once 20 went in a burst
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #takes = 0;

  constructor(
    readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): number {
    const now = this.now();
    const refillPerMs = this.rate.count / this.rate.perMs;
    const bucket = this.#buckets.get(key) ?? { tokens: this.rate.count, at: now };
    bucket.tokens = Math.min(this.rate.count, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (++this.#takes % 1_000 === 0) this.#prune(now, refillPerMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
  }

  /** Returns what `take` took, for a request another limit refused after all. */
  giveBack(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.rate.count, bucket.tokens + 1);
  }

  /** Buckets that have filled up again are the same as none: dropped, so memory follows the active keys. */
  #prune(now: number, refillPerMs: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * refillPerMs >= this.rate.count) this.#buckets.delete(key);
    }
  }
}

/**
 * Counts open connections per key, up to `max` each.
 *
 *     if (!streams.open(session)) return res.status(429)…;
 *     res.on('close', () => streams.close(session));
 */
export class ConnectionLimiter {
  readonly #open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more for `key`, or answers false (counting nothing) when it holds `max` already. */
  open(key: string): boolean {
    const count = this.#open.get(key) ?? 0;
    if (count >= this.max) return false;
    this.#open.set(key, count + 1);
    return true;
  }

  close(key: string): void {
    const count = (this.#open.get(key) ?? 0) - 1;
    if (count > 0) this.#open.set(key, count);
    else this.#open.delete(key);
  }
}

/** The web chat's abuse limits. */
export interface WebchatLimits {
  /** Messages (and files) a session may post. Default 20 per 10 s. */
  postsPerSession: Rate;
  /** Messages all sessions of one IP address may post together. Default 60 per 10 s. */
  postsPerAddress: Rate;
  /** Sessions one IP address may create. Default 20 per hour. */
  sessionsPerAddress: Rate;
  /** Event streams open at once on one session. Default 5. */
  streamsPerSession: number;
  /** Event streams open at once from one IP address. Default 50. */
  streamsPerAddress: number;
}

export const DEFAULT_LIMITS: WebchatLimits = {
  postsPerSession: { count: 20, perMs: 10_000 },
  postsPerAddress: { count: 60, perMs: 10_000 },
  sessionsPerAddress: { count: 20, perMs: 3_600_000 },
  streamsPerSession: 5,
  streamsPerAddress: 50,
};
