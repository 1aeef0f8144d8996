// Meta's webhook signature, as every Meta channel checks it: over the bytes as they came, in either case of hex.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureMatches } from '../../../src/channels/meta/signature.ts';

const SECRET = 'app-secret';
const sign = (raw: string) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;

describe('X-Hub-Signature-256', () => {
  it('matches the HMAC of the raw bytes with the app secret, and nothing else', () => {
    const raw = '{"object":"page","entry":[{"id":"1","messaging":[{"message":{"text":"\\u0645\\u0631\\u062d\\u0628\\u0627"}}]}]}';
    expect(signatureMatches(Buffer.from(raw), sign(raw), SECRET)).toBe(true);
    expect(signatureMatches(Buffer.from(raw), sign(raw).replace(/[a-f]/g, (hex) => hex.toUpperCase()).replace('SHA256', 'sha256'), SECRET)).toBe(true);
    // The same JSON with other bytes (Meta escapes non-ASCII characters; a parser does not).
    expect(signatureMatches(Buffer.from(JSON.stringify(JSON.parse(raw))), sign(raw), SECRET)).toBe(false);
    expect(signatureMatches(Buffer.from(raw), undefined, SECRET)).toBe(false);
    expect(signatureMatches(Buffer.from(raw), sign(raw).slice('sha256='.length), SECRET)).toBe(false);
    expect(signatureMatches(Buffer.from(raw), `sha1=${createHmac('sha1', SECRET).update(raw).digest('hex')}`, SECRET)).toBe(false);
  });
});
