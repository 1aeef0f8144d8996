// A file's address in a visitor's chat: it carries a grant for that one file of that one session, for a day, never
// the session's token. A picture, a player or a download link cannot send the token in a header; an address can be
// copied, kept by a proxy's log or sent on as a Referer, and then it must open nothing but that file, and not for long.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How long a file's address opens it by default: 24 hours, counted from the start of the hour it was given in. The
 * page asks for new addresses before its ones run out (`expires`), so a tab kept open for days still shows its files.
 */
export const FILE_LINK_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/**
 * The address of `ref` in `session`'s chat, with a grant signed with `key` (the session's token hash, which only the
 * server holds) that opens it for `lifetimeMs` (a day unless given): the same address for a 24th of that (an hour,
 * at most), so a browser's cache keeps a picture across reloads.
 *
 *     fileLink('v3q2…', 'ab12…', record.tokenHash, Date.now()); // '/webchat/v3q2…/media/ab12…?expires=1767225600&grant=Xy9…'
 */
export function fileLink(session: string, ref: string, key: string, now: number, lifetimeMs = FILE_LINK_MS): string {
  // Whole seconds, as `expires` is: from one second (a test's lifetime) to an hour (a day's).
  const step = Math.min(HOUR_MS, Math.max(1000, Math.floor(lifetimeMs / 24 / 1000) * 1000));
  const expires = Math.ceil(((Math.floor(now / step) + 1) * step + lifetimeMs) / 1000);
  return `${plainLink(session, ref)}?expires=${expires}&grant=${sign(session, ref, expires, key)}`;
}

/** The address of `ref` without a grant: for whoever sends a credential of their own (a header, an agent's cookie). */
export function plainLink(session: string, ref: string): string {
  return `/webchat/${session}/media/${encodeURIComponent(ref)}`;
}

/**
 * Whether the request's `?expires=&grant=` open `ref` of `session` now: signed with `key`, for that file, not expired.
 *
 *     grantOpens(req.query, 'v3q2…', 'ab12…', record.tokenHash, Date.now()); // true or false
 */
export function grantOpens(query: { expires?: unknown; grant?: unknown }, session: string, ref: string, key: string, now: number): boolean {
  const { expires, grant } = query;
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof grant !== 'string') return false;
  if (Number(expires) * 1000 <= now) return false;
  const given = Buffer.from(grant, 'utf8');
  const expected = Buffer.from(sign(session, ref, Number(expires), key), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether the request carries a grant at all (then it is checked as one, and nothing else is asked of it). */
export function hasGrant(query: { grant?: unknown }): boolean {
  return query.grant !== undefined;
}

function sign(session: string, ref: string, expires: number, key: string): string {
  return createHmac('sha256', key).update(`switchboard web chat file:${session}:${ref}:${expires}`).digest('base64url');
}
