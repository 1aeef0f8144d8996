// Comparing a secret someone presented (a webhook header, an API token) with the one configured, in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `given` is `expected`. Both are hashed first, so neither the time taken nor an early length mismatch
 * tells a caller how much of a guess was right. A missing `given` or an empty `expected` never matches: an unset
 * secret must not open the door to a request that sends none.
 *
 *     if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), secret)) res.status(401).end();
 *     sameSecret('s3cret', 's3cret'); // true
 */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  let expectedDigest = expectedDigests.get(expected);
  if (!expectedDigest) {
    // A few configured secrets, compared on every webhook: each is hashed once.
    if (expectedDigests.size >= 64) expectedDigests.clear();
    expectedDigest = digest(expected);
    expectedDigests.set(expected, expectedDigest);
  }
  return timingSafeEqual(digest(given), expectedDigest);
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
const expectedDigests = new Map<string, Buffer>();
