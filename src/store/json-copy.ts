// Copies and comparisons of JSON data without a trip through JSON text: what the embedded store does per record in
// every transaction (a copy of each record read, a check of each record put back), at a fraction of the cost of
// `JSON.parse(JSON.stringify(value))` and of the garbage that text makes.

/**
 * A deep copy of `value` holding exactly what `JSON.parse(JSON.stringify(value))` would: keys whose value is
 * `undefined`, a function or a symbol left out of objects (null in arrays), non-finite numbers as null, and
 * anything that is not a plain object or array (a Date, a class instance, an object with `toJSON`) copied through
 * JSON text, as the journal would store it.
 *
 *     const live = jsonCopy(committed); // change `live` freely: `committed` is untouched
 */
export function jsonCopy<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    // As in JSON: -0 is 0, and NaN and the infinities are null.
    if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
    return value;
  }
  if (Array.isArray(value)) {
    const copied: unknown[] = [];
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      copied.push(keeps(item) ? copyValue(item) : null);
    }
    return copied;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return JSON.parse(JSON.stringify(value)) as unknown;
  }
  const copied: Record<string, unknown> = {};
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (!keeps(item)) continue;
    // As JSON.parse does: an own "__proto__" key, not a prototype.
    if (key === '__proto__') Object.defineProperty(copied, key, { value: copyValue(item), enumerable: true, writable: true, configurable: true });
    else copied[key] = copyValue(item);
  }
  return copied;
}

/**
 * True when `a` and `b` hold the same JSON data (what `JSON.stringify` keeps of them is equal), key order aside.
 * For data that came through JSON (committed records and their copies); anything else compares through its JSON text.
 *
 *     if (jsonEqual(live, committed)) return; // put back unchanged: nothing to write
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || !plain(a) || !plain(b)) {
    // Primitives (NaN and null are both null in JSON), and what JSON turns into something else (a Date into text).
    return JSON.stringify(a) === JSON.stringify(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let index = 0; index < a.length; index++) if (!jsonEqual(arrayItem(a[index]), arrayItem(other[index]))) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let kept = 0;
  for (const key in left) {
    const item = left[key];
    if (!keeps(item)) continue;
    kept++;
    if (!Object.prototype.hasOwnProperty.call(right, key) || !jsonEqual(item, right[key])) return false;
  }
  for (const key in right) if (keeps(right[key])) kept--;
  return kept === 0;
}

/** Whether JSON keeps an object's key with this value. */
function keeps(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** What JSON makes of an array item: null for what it cannot hold. */
function arrayItem(value: unknown): unknown {
  return keeps(value) ? value : null;
}

/** A plain object or array (what JSON.parse makes), without `toJSON`. */
function plain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
