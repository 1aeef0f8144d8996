import { describe, expect, it } from 'vitest';
import { jsonCopy, jsonEqual } from '../../src/store/json-copy.ts';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Values whose JSON round trip drops, turns or keeps things: what a copy must match exactly. */
const tricky: unknown[] = [
  { id: 1, name: 'Ann', fields: { email: 'a@example.com', tags: ['x', 'y'] }, gone: undefined, fn: () => 1 },
  { list: [1, undefined, () => 2, Symbol('s'), NaN, Infinity, -0, null, 'z'] },
  { at: new Date('2026-12-01T10:00:00Z'), nested: { when: new Date(0) } },
  { withToJSON: { toJSON: () => ({ replaced: true }) } },
  JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
  Object.assign(Object.create(null) as object, { bare: 'object' }),
  [[], {}, [{}], 'text', 0, false],
  'just text',
  42,
  null,
];

describe('jsonCopy', () => {
  it('holds exactly what a trip through JSON text would', () => {
    for (const value of tricky) expect(jsonCopy(value)).toStrictEqual(roundTrip(value));
  });

  it('keeps a "__proto__" key as data, never as the prototype', () => {
    const copied = jsonCopy(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('shares nothing with the original: changing the copy leaves it as it was', () => {
    const original = { fields: { need: 'refund' }, identities: [{ channel: 'telegram', id: '1' }] };
    const copied = jsonCopy(original);
    copied.fields.need = 'other';
    copied.identities[0]!.id = '2';
    expect(original).toEqual({ fields: { need: 'refund' }, identities: [{ channel: 'telegram', id: '1' }] });
  });
});

describe('jsonEqual', () => {
  it('answers as comparing the JSON of both would, key order aside', () => {
    const pairs: [unknown, unknown][] = [
      [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
      [{ a: 1, gone: undefined }, { a: 1 }],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: 1 }, { a: 1, b: null }],
      [[undefined], [null]],
      [{ n: NaN }, { n: null }],
      [{ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' }],
      [{ a: '1' }, { a: 1 }],
      [[1, 2], { 0: 1, 1: 2 }],
      [{}, []],
    ];
    for (const [a, b] of pairs) {
      const sameData = JSON.stringify(sortKeys(roundTrip(a))) === JSON.stringify(sortKeys(roundTrip(b)));
      expect(jsonEqual(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sameData);
    }
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}
