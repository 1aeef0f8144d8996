// Meta's webhook signature: X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the raw body with the app
// secret. It is checked over the bytes as they came, before anything is parsed (the same JSON re-serialised has
// other bytes), and compared in constant time.
import { createHmac } from 'node:crypto';
import { sameSecret } from '../../shared/secret.ts';

/**
 * True when `header` (the X-Hub-Signature-256 value, undefined when absent) signs `raw` with `appSecret`.
 *
 *     if (!signatureMatches(req.body, req.get('x-hub-signature-256'), appSecret)) res.status(401).end();
 *     signatureMatches(Buffer.from('{}'), 'sha256=nothex', appSecret); // false
 */
export function signatureMatches(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  const expected = createHmac('sha256', appSecret).update(raw).digest('hex');
  const given = header?.trim();
  const hex = given !== undefined && /^sha256=[0-9a-f]{64}$/i.test(given) ? given.slice('sha256='.length).toLowerCase() : undefined;
  return sameSecret(hex, expected);
}
