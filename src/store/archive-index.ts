// Where each archived message's latest line sits in messages.jsonl, by message id, in two typed arrays: 12 bytes a
// message (ids are dense), so a store of millions of messages keeps none of them in memory, only where to read them.

const initialCapacity = 1024;

/**
 * Byte offset and length of a message's line in the archive, by id.
 *
 *     const index = new ArchiveIndex();
 *     index.set(42, 1_000, 180); index.get(42); // { offset: 1000, length: 180 }
 */
export class ArchiveIndex {
  #offsets = new Float64Array(initialCapacity);
  /** 0: not archived (a line is never empty). */
  #lengths = new Uint32Array(initialCapacity);

  has(id: number): boolean {
    return id < this.#lengths.length && (this.#lengths[id] ?? 0) > 0;
  }

  get(id: number): { offset: number; length: number } | undefined {
    if (!this.has(id)) return undefined;
    return { offset: this.#offsets[id] as number, length: this.#lengths[id] as number };
  }

  /** Forgets message `id` (erased). */
  delete(id: number): void {
    if (id < this.#lengths.length) this.#lengths[id] = 0;
  }

  set(id: number, offset: number, length: number): void {
    if (id >= this.#lengths.length) this.#grow(id);
    this.#offsets[id] = offset;
    this.#lengths[id] = length;
  }

  #grow(id: number): void {
    let capacity = this.#lengths.length;
    while (capacity <= id) capacity *= 2;
    const offsets = new Float64Array(capacity);
    offsets.set(this.#offsets);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.#lengths);
    this.#offsets = offsets;
    this.#lengths = lengths;
  }
}

/** Marks an inbound message's id in `ArchivedChannelIds` (message ids stay below 2^31). */
const inboundBit = 0x80000000;

/** Two 32-bit FNV-1a style hashes of `key` with different seeds and multipliers: 64 bits together. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}

/** `ArchivedChannelIds` is this many tables, by the top bits of a key's second hash, each growing on its own. */
const shardBits = 7;
const shardSlots = 128;

/**
 * The channel message ids of archived messages (inbound ones marked), by a 64-bit hash of the key, in open-
 * addressing tables of typed arrays: 12 bytes a slot, at most half of them used, instead of about 150 bytes a
 * message for a string in a Map. Two different keys share a hash with a chance of about n/2^64 for each lookup among
 * n messages: at ten million messages, once in about 10^12 lookups. The store reads a message found here back and
 * checks its channel id where it can.
 *
 * A slot's three numbers (the two hashes and the id) sit side by side, so a probe reads one cache line. The ids are
 * spread over 128 tables that each double on their own, so a growth rehashes a 128th of them: one table of a
 * million entries held the event loop for 650 ms when it doubled (and 85 ms just to allocate the new one).
 *
 *     const ids = new ArchivedChannelIds();
 *     ids.add(identityKey('telegram', '42'), 7, true); ids.highest(identityKey('telegram', '42'), true); // 7
 */
export class ArchivedChannelIds {
  /** Per slot: hash a, hash b, message id (with `inboundBit` for an inbound one; 0: an empty slot, ids start at 1). */
  readonly #tables: Uint32Array[] = Array.from({ length: 1 << shardBits }, () => new Uint32Array(shardSlots * 3));
  /** Entries in each table. */
  readonly #sizes = new Uint32Array(1 << shardBits);

  add(key: string, id: number, inbound: boolean): void {
    const [a, b] = hashes(key);
    const shard = b >>> (32 - shardBits);
    const table = this.#tables[shard] as Uint32Array;
    if (!insert(table, a, b, (inbound ? id | inboundBit : id) >>> 0)) return;
    const size = (this.#sizes[shard] = (this.#sizes[shard] ?? 0) + 1);
    if (size * 2 > table.length / 3) this.#tables[shard] = grown(table);
  }

  /** The highest message id stored under `key` (only inbound ones with `inboundOnly`), if any. */
  highest(key: string, inboundOnly: boolean): number | undefined {
    const [a, b] = hashes(key);
    const table = this.#tables[b >>> (32 - shardBits)] as Uint32Array;
    const mask = table.length / 3 - 1;
    let best: number | undefined;
    for (let slot = (a ^ b) & mask, found = table[slot * 3 + 2] ?? 0; found !== 0; slot = (slot + 1) & mask, found = table[slot * 3 + 2] ?? 0) {
      if (table[slot * 3] !== a || table[slot * 3 + 1] !== b) continue;
      if (inboundOnly && (found & inboundBit) === 0) continue;
      const id = (found & ~inboundBit) >>> 0;
      if (best === undefined || id > best) best = id;
    }
    return best;
  }
}

/** Puts an entry in `table` (see `ArchivedChannelIds`); false if that very entry was there already. */
function insert(table: Uint32Array, a: number, b: number, value: number): boolean {
  const mask = table.length / 3 - 1;
  let slot = (a ^ b) & mask;
  for (let found = table[slot * 3 + 2] ?? 0; found !== 0; found = table[slot * 3 + 2] ?? 0) {
    if (found === value && table[slot * 3] === a && table[slot * 3 + 1] === b) return false;
    slot = (slot + 1) & mask;
  }
  table[slot * 3] = a;
  table[slot * 3 + 1] = b;
  table[slot * 3 + 2] = value;
  return true;
}

/** `table`'s entries in a table twice its size. */
function grown(table: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(table.length * 2);
  for (let slot = 0; slot < table.length / 3; slot++) {
    const value = table[slot * 3 + 2] ?? 0;
    if (value !== 0) insert(bigger, table[slot * 3] as number, table[slot * 3 + 1] as number, value);
  }
  return bigger;
}
