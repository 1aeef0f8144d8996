// Fuzzed webhook bodies: a seeded generator that turns a real fixture into a malformed or hostile variant (fields
// dropped, wrong types, huge strings, deep nesting, unicode/RTL/emoji/NUL, numbers as strings, arrays for objects,
// duplicated ids), or into random JSON, and serialises it, sometimes truncated. The same seed gives the same bodies,
// so a failure printed with its seed and index can be replayed.

/** A small seeded PRNG (mulberry32): fast, and good enough to pick mutations. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ODD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u202Eevil\u202C', 'مرحبا بالعالم', 'שלום', '👩‍👩‍👧‍👦🏳️‍🌈', '\uD800', '\uDFFF\uD800',
  '\u200B\u200D\uFEFF', '𝕳𝖊𝖑𝖑𝖔', '../../etc/passwd', '<script>alert(1)</script>', "'; DROP TABLE messages; --", '${process.exit()}',
  '{{contact.name}}', '__proto__', 'constructor', 'NaN', '-1', '1e309', '0x10', 'true', 'null', '[]', '{}', '\r\n\r\n', '%00', '\\u0000',
];
const ODD_NUMBERS = [0, -1, 1.5, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE, 4294967296, 9007199254740993];

export interface Generator {
  pick<T>(items: readonly T[]): T;
  int(max: number): number;
  chance(p: number): boolean;
}

export function generator(seed: number): Generator {
  const next = random(seed);
  return {
    pick: (items) => items[Math.floor(next() * items.length)]!,
    int: (max) => Math.floor(next() * max),
    chance: (p) => next() < p,
  };
}

/** Every path (as keys) to a value inside `value`, the root included, down to 40 levels (a nesting made earlier is deeper). */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (prefix.length >= 40) return out;
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  return out;
}

function get(value: Json, path: readonly (string | number)[]): Json {
  let at: any = value;
  for (const key of path) at = at?.[key];
  return at as Json;
}

function set(root: Json, path: readonly (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const parent: any = get(root, path.slice(0, -1));
  const key = path.at(-1)!;
  if (parent === null || typeof parent !== 'object') return root;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else {
    parent[key] = replacement;
  }
  return root;
}

/** Random JSON, `depth` levels at most. */
export function randomJson(g: Generator, depth = 3): Json {
  const kind = g.int(depth > 0 ? 7 : 5);
  switch (kind) {
    case 0: return null;
    case 1: return g.chance(0.5);
    case 2: return g.chance(0.5) ? g.pick(ODD_NUMBERS) : g.int(1000);
    case 3: return g.pick(ODD_STRINGS);
    case 4: return 'x'.repeat(g.int(40));
    case 5: return Array.from({ length: g.int(4) }, () => randomJson(g, depth - 1));
    default: return Object.fromEntries(Array.from({ length: g.int(5) }, () => [g.pick([...ODD_STRINGS, 'id', 'text', 'type', 'from', 'message', 'entry', 'object']), randomJson(g, depth - 1)]));
  }
}

/**
 * A marker for a nesting `levels` deep, written into the text only when the body is serialised: a value nested
 * thousands deep cannot go through JSON.stringify (nor through the next mutation) without overflowing the stack.
 */
function nested(g: Generator, levels: number): Json {
  return `@@NEST${g.chance(0.5) ? 'A' : 'O'}${levels}@@`;
}

/** The body's text with each nesting marker replaced by its arrays or objects, around a 0. */
function serialise(json: Json): string {
  return (JSON.stringify(json) ?? 'null').replace(/"@@NEST([AO])(\d+)@@"/g, (_, kind: string, levels: string) => {
    const n = Number(levels);
    return kind === 'A' ? `${'['.repeat(n)}0${']'.repeat(n)}` : `${'{"a":'.repeat(n)}0${'}'.repeat(n)}`;
  });
}

/** One mutation applied in place (the value is a deep copy); returns the new root. */
function mutateOnce(g: Generator, root: Json, ids: readonly Json[]): Json {
  const all = paths(root);
  const path = g.pick(all);
  const value = get(root, path);
  switch (g.int(12)) {
    case 0: return path.length === 0 ? root : set(root, path, undefined); // drop a field
    case 1: return set(root, path, randomJson(g, 1)); // a wrong type
    case 2: return set(root, path, g.pick(['x', '€', 'ب', '😀', '\u0000']).repeat(1000 + g.int(g.chance(0.1) ? 300_000 : 20_000))); // huge string
    case 3: return set(root, path, nested(g, 50 + g.int(g.chance(0.2) ? 20_000 : 500))); // deep nesting
    case 4: return set(root, path, typeof value === 'string' ? value + g.pick(ODD_STRINGS) + g.pick(ODD_STRINGS) : g.pick(ODD_STRINGS)); // unicode, RTL, NUL
    case 5: return set(root, path, typeof value === 'number' ? String(value) : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : g.pick(ODD_NUMBERS)); // numbers as strings
    case 6: return set(root, path, value !== null && typeof value === 'object' && !Array.isArray(value) ? [value] : Array.isArray(value) ? { ...value } : [value]); // arrays for objects
    case 7: return set(root, path, ids.length > 0 ? g.pick(ids) : value); // a duplicated id
    case 8: { // an extra key, maybe a poisonous one
      const parent = get(root, path);
      if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) (parent as Record<string, Json>)[g.pick(['__proto__', 'constructor', 'prototype', 'toString', 'x', ''])] = randomJson(g, 2);
      return root;
    }
    case 9: { // an array repeated
      const parent = get(root, path.slice(0, -1));
      if (Array.isArray(parent) && parent.length > 0) for (let i = g.int(50); i > 0; i--) parent.push(structuredClone(g.pick(parent)));
      return root;
    }
    case 10: return set(root, path, g.pick([null, true, false, 0, '', [], {}]));
    default: return set(root, path, typeof value === 'string' ? value.slice(0, g.int(value.length + 1)) : value);
  }
}

/** A fuzzed body: the JSON and how to send it. */
export interface FuzzedBody {
  /** The bytes to post (maybe not JSON at all). */
  raw: string;
  /** The parsed value when `raw` is JSON, for the sender to read fields such as a service URL. */
  json?: Json;
  contentType: string;
  /** What was done, for a failure message. */
  how: string;
}

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json; charset=latin1'];

/**
 * The `index`-th fuzzed body made from `fixtures` (real shapes), `ids` being ids seen in them (to duplicate).
 * About 1 in 12 is random JSON, 1 in 14 truncated, 1 in 20 has a wrong content type, and 1 in 8 is a fixture
 * unchanged but for fresh ids (`fresh`), so that a share of the bodies is accepted and reaches the store.
 */
export function fuzzedBody(g: Generator, fixtures: readonly Json[], ids: readonly Json[], fresh: (body: Json, n: number) => Json, index: number): FuzzedBody {
  let json: Json;
  let how: string;
  const roll = g.int(24);
  if (roll < 2) {
    json = randomJson(g, 4);
    how = 'random JSON';
  } else if (roll < 5) {
    json = fresh(structuredClone(g.pick(fixtures)), index);
    how = 'fixture with fresh ids';
  } else {
    json = fresh(structuredClone(g.pick(fixtures)), index);
    const times = 1 + g.int(g.chance(0.2) ? 8 : 3);
    for (let i = 0; i < times; i++) json = mutateOnce(g, json, ids);
    how = `fixture mutated ${times}×`;
  }
  let raw = serialise(json);
  let contentType = 'application/json';
  if (g.chance(1 / 14)) {
    raw = raw.slice(0, g.int(raw.length));
    how += ', truncated';
    return { raw, contentType, how };
  }
  if (g.chance(1 / 20)) {
    contentType = g.pick(CONTENT_TYPES);
    how += `, content-type ${JSON.stringify(contentType)}`;
  }
  return { raw, json, contentType, how };
}
