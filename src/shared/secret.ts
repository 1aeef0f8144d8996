// Comparing a secret someone presented (a webhook header, an API token) with the one configured, in constant time.
import { timingSafeEqual } from 'node:crypto';

/**
 * True when `given` is `expected`, in time that depends on their lengths only: a guess that shares a first part
 * with the secret takes no longer to refuse than one that shares nothing, and a guess of another length is refused
 * after the same comparison of the secret's length. A missing `given` or an empty `expected` never matches: an unset
 * secret must not open the door to a request that sends none.
 *
 *     if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), secret)) res.status(401).end();
 *     sameSecret('s3cret', 's3cret'); // true
 */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  let secret = expectedBytes.get(expected);
  if (!secret) {
    // A few configured secrets, compared on every webhook: each is encoded once.
    if (expectedBytes.size >= 64) expectedBytes.clear();
    secret = Buffer.from(expected, 'utf8');
    expectedBytes.set(expected, secret);
  }
  const guess = Buffer.from(given, 'utf8');
  const sameLength = guess.length === secret.length;
  // Hashing both first did the same in 5-10 µs a webhook (2026-12-03, a CPU profile of `npm run bench`); this takes
  // well under one.
  return timingSafeEqual(sameLength ? guess : secret, secret) && sameLength;
}

const expectedBytes = new Map<string, Buffer>();
