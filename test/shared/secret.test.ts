import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../src/shared/secret.ts';

describe('sameSecret', () => {
  it('opens only to the exact secret', () => {
    expect(sameSecret('s3cret-token', 's3cret-token')).toBe(true);
    expect(sameSecret('s3cret-tokeN', 's3cret-token')).toBe(false);
    // A first part, the secret with more after it, and a guess of another length are all refused.
    expect(sameSecret('s3cret', 's3cret-token')).toBe(false);
    expect(sameSecret('s3cret-token-and-more', 's3cret-token')).toBe(false);
    expect(sameSecret('x', 's3cret-token')).toBe(false);
  });

  it('never opens when no secret is sent or none is configured', () => {
    expect(sameSecret(undefined, 's3cret-token')).toBe(false);
    expect(sameSecret('', 's3cret-token')).toBe(false);
    expect(sameSecret('', '')).toBe(false);
    expect(sameSecret('anything', '')).toBe(false);
  });

  it('compares bytes, not UTF-16 units: a secret with accents or emoji matches itself only', () => {
    expect(sameSecret('clé-🔑', 'clé-🔑')).toBe(true);
    // Same number of UTF-16 units, different bytes.
    expect(sameSecret('cle-🔑', 'clé-🔑')).toBe(false);
    expect(sameSecret('clé-🔒', 'clé-🔑')).toBe(false);
  });
});
