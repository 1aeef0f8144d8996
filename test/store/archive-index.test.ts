// The compact indexes of archived messages: where each line is, and their channel ids by hash.
import { describe, expect, it } from 'vitest';
import { ArchivedChannelIds, ArchiveIndex } from '../../src/store/archive-index.ts';
import { identityKey } from '../../src/shared/identity.ts';

describe('ArchiveIndex', () => {
  it('remembers where each message id is, the latest place winning, far past its first size', () => {
    const index = new ArchiveIndex();
    for (let id = 1; id <= 5000; id++) index.set(id, id * 100, 90 + (id % 7));
    index.set(3, 999_999, 42);
    expect(index.get(3)).toEqual({ offset: 999_999, length: 42 });
    expect(index.get(4999)).toEqual({ offset: 499_900, length: 90 + (4999 % 7) });
    expect(index.has(5001)).toBe(false);
    expect(index.get(0)).toBeUndefined();
  });
});

describe('ArchivedChannelIds', () => {
  it('finds the highest message of a channel id among 100,000, tells inbound ones apart, and finds no stranger', () => {
    const ids = new ArchivedChannelIds();
    for (let n = 1; n <= 100_000; n++) ids.add(identityKey('telegram', `42:${n}`), n, n % 2 === 1);
    ids.add(identityKey('telegram', '42:8'), 200_000, false);
    expect(ids.highest(identityKey('telegram', '42:7'), true)).toBe(7);
    expect(ids.highest(identityKey('telegram', '42:8'), true)).toBeUndefined();
    expect(ids.highest(identityKey('telegram', '42:8'), false)).toBe(200_000);
    expect(ids.highest(identityKey('whatsapp', '42:7'), false)).toBeUndefined();
    let strangers = 0;
    for (let n = 100_001; n <= 200_000; n++) if (ids.highest(identityKey('telegram', `42:${n}`), false) !== undefined) strangers++;
    expect(strangers).toBe(0);
  });

  it('finds every id while its tables grow, with ids added again and older ids under the same channel id', () => {
    const ids = new ArchivedChannelIds();
    const key = (n: number): string => identityKey('telegram', `7:${n}`);
    for (let n = 1; n <= 20_000; n++) {
      ids.add(key(n), n, true);
      // The same message archived again (its line rewritten), and an older id under a channel id: neither hides the highest.
      if (n % 3 === 0) ids.add(key(n - 1), n - 1, true);
      if (n % 5 === 0) ids.add(key(n), 1, false);
      for (const earlier of [1, n >>> 1, n - 1, n]) {
        if (earlier > 0) expect(ids.highest(key(earlier), true), `${earlier} after ${n}`).toBe(earlier);
      }
    }
    for (let n = 1; n <= 20_000; n++) expect(ids.highest(key(n), false)).toBe(n);
  });
});
