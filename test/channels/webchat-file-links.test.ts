// A web chat file's address: a grant for that file of that session, for a day, which a browser can keep in its cache
// for the hour it is given in.
import { describe, expect, it } from 'vitest';
import { fileLink, grantOpens } from '../../src/channels/webchat/file-links.ts';

const key = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const query = (link: string) => Object.fromEntries(new URL(link, 'http://chat.example').searchParams);
const hour = 3_600_000;
const given = Date.UTC(2026, 11, 5, 18, 20);

describe('a web chat file address', () => {
  it('opens its file for a day after it was given, and not after', () => {
    const link = fileLink('v-layla', 'ab12', key, given);
    expect(grantOpens(query(link), 'v-layla', 'ab12', key, given + 23 * hour)).toBe(true);
    expect(grantOpens(query(link), 'v-layla', 'ab12', key, given + 25 * hour)).toBe(false);
  });

  it('opens its file for as long as the channel is told, a test\'s few seconds too', () => {
    const link = fileLink('v-layla', 'ab12', key, given, 10_000);
    expect(grantOpens(query(link), 'v-layla', 'ab12', key, given + 9_000)).toBe(true);
    expect(grantOpens(query(link), 'v-layla', 'ab12', key, given + 12_000)).toBe(false);
  });

  it('opens no other file, no other session, and nothing once the session has another key', () => {
    const link = fileLink('v-layla', 'ab12', key, given);
    expect(grantOpens(query(link), 'v-layla', 'cd34', key, given)).toBe(false);
    expect(grantOpens(query(link), 'v-omar', 'ab12', key, given)).toBe(false);
    expect(grantOpens(query(link), 'v-layla', 'ab12', key.replace('e3', 'f4'), given)).toBe(false);
    expect(grantOpens({ expires: query(link).expires }, 'v-layla', 'ab12', key, given)).toBe(false);
  });

  it('is the same address all the hour it is given in, so a reload finds pictures in the browser\'s cache', () => {
    expect(fileLink('v-layla', 'ab12', key, given + 30 * 60_000)).toBe(fileLink('v-layla', 'ab12', key, given));
    expect(fileLink('v-layla', 'ab12', key, given + hour)).not.toBe(fileLink('v-layla', 'ab12', key, given));
  });
});
