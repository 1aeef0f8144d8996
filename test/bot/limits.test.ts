// The per-sender rate limit: a flood is refused, and memory follows the senders of the last few seconds.
import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../src/bot/limits.ts';

describe('RateLimit', () => {
  it('refuses the message past capacity and says how long to wait, across its sweeps', () => {
    const limit = new RateLimit({ capacity: 30, perMs: 60_000 });
    // Thirty at once go on, spread over sweep times (one every 2 s: 60 s / 30) with other senders in between.
    for (let n = 0; n < 30; n++) {
      expect(limit.take('telegram:1', 1_000_000 + n)).toBe(0);
      limit.take(`telegram:other-${n}`, 1_000_000 + n);
    }
    expect(limit.take('telegram:1', 1_000_030)).toBeGreaterThan(1_900);
    // A sweep 3 s later (other senders' buckets full again) keeps this one: one token back, taken, then refused.
    expect(limit.take('telegram:2', 1_003_030)).toBe(0);
    expect(limit.take('telegram:1', 1_003_031)).toBe(0);
    expect(limit.take('telegram:1', 1_003_032)).toBeGreaterThan(0);
  });

  it('forgets a sender once their bucket is full again, not only past 100,000 senders', () => {
    const limit = new RateLimit({ capacity: 30, perMs: 60_000 });
    // 20,000 customers, four messages each, 1,000 a second (a busy server's day in 20 s).
    let now = 5_000_000;
    for (let customer = 0; customer < 20_000; customer++) {
      for (let message = 0; message < 4; message++) expect(limit.take(`telegram:${customer}`, now)).toBe(0);
      now += 1;
    }
    // A customer who wrote four messages is full again 8 s later: those of the last 8-10 s are remembered.
    expect(limit.size).toBeLessThan(11_000);
    limit.take('telegram:late', now + 20_000);
    expect(limit.size).toBe(1);
  });
});
