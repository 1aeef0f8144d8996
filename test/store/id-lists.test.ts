import { describe, expect, it } from 'vitest';
import { IdLists } from '../../src/store/id-lists.ts';

/** The lists as plain arrays, to compare with a model of what they should hold. */
function contents<K extends string | number>(lists: IdLists<K>, keys: K[]): Record<string, number[]> {
  return Object.fromEntries(keys.map((key) => [key, lists.ids(key)]));
}

describe('IdLists', () => {
  it('lists ids ascending by key, above a given id, whether packed or not', () => {
    const lists = new IdLists<string>();
    for (let id = 1; id <= 30; id++) lists.add(id % 3 === 0 ? 'a' : 'b', id);
    const before = contents(lists, ['a', 'b', 'none']);
    expect(before.a).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(before.none).toEqual([]);

    lists.pack();
    expect(contents(lists, ['a', 'b', 'none'])).toEqual(before);
    expect(lists.ids('a', 20)).toEqual([21, 24, 27, 30]);
    expect(lists.ids('a', 30)).toEqual([]);
    // A new array each time: changing it changes no list.
    lists.ids('a').push(99);
    expect(lists.ids('a')).toEqual(before.a);
  });

  // Conversation ids are packed with each id its own slot; an id too large for that packs them all the other way.
  it.each<[string, (string | number)[]]>([
    ['contact ids', ['a', 'b', 'c', 'd', 'e']],
    ['conversation ids', [1, 2, 3, 7, 40]],
    ['conversation ids, one too large to be a slot', [1, 2, 3, 7, 2 ** 25]],
    ['60 contact ids, most of them quiet at each packing', Array.from({ length: 60 }, (_, n) => `contact-${n}`)],
    ['60 conversation ids, most of them quiet at each packing', Array.from({ length: 60 }, (_, n) => n * 3 + 1)],
  ])('keeps every list right through adds, removes and deletes after packing (all, or the quiet ones), in any order, keyed by %s', (_, keys) => {
    // A model (plain sorted arrays) beside the lists, through random changes with a pack now and then.
    // mulberry32: the linear congruential generator this used before, taken modulo small numbers, gave every fourth
    // choice only (never a delete, never a packing but by falling through) and 24 of 60 keys.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const lists = new IdLists<string | number>();
    const model = new Map<string | number, number[]>();
    let next = 2;
    for (let step = 0; step < 6000; step++) {
      const key = keys[random(keys.length)] as string | number;
      const ids = model.get(key) ?? [];
      const choice = random(20);
      if (choice < 12) {
        // Mostly the next (even) id; sometimes an odd one below ids already listed (a message read back, a line replayed).
        const id = choice === 0 ? 2 * random(next / 2) + 1 : (next += 2);
        if (ids.includes(id)) continue;
        lists.add(key, id);
        model.set(key, [...ids, id].sort((x, y) => x - y));
      } else if (choice < 18 && ids.length > 0) {
        const id = ids[random(ids.length)] as number;
        lists.remove(key, id);
        const left = ids.filter((other) => other !== id);
        if (left.length > 0) model.set(key, left);
        else model.delete(key);
      } else if (choice === 18) {
        lists.delete(key);
        model.delete(key);
      } else if (random(4) === 0) lists.pack();
      // At each compaction, the lists that did not change since the last one.
      else lists.packIdle();
      if (step % 50 === 0) expect(contents(lists, keys)).toEqual(Object.fromEntries(keys.map((k) => [k, model.get(k) ?? []])));
    }
    expect(contents(lists, keys)).toEqual(Object.fromEntries(keys.map((k) => [k, model.get(k) ?? []])));
  });
});
