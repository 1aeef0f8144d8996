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

/**
 * The channel message ids of archived messages (inbound ones marked), by a 64-bit hash of the key, in an open-
 * addressing table of typed arrays: 24 bytes a message instead of about 150 for a string in a Map. Two different
 * keys share a hash with a chance of about n/2^64 for each lookup among n messages: at ten million messages, once
 * in about 10^12 lookups. The store reads a message found here back and checks its channel id where it can.
 *
 *     const ids = new ArchivedChannelIds();
 *     ids.add(identityKey('telegram', '42'), 7, true); ids.highest(identityKey('telegram', '42'), true); // 7
 */
export class ArchivedChannelIds {
  #a = new Uint32Array(initialCapacity);
  #b = new Uint32Array(initialCapacity);
  /** Message id, with `inboundBit` for an inbound one; 0: an empty slot (ids start at 1). */
  #ids = new Uint32Array(initialCapacity);
  #size = 0;

  add(key: string, id: number, inbound: boolean): void {
    const [a, b] = hashes(key);
    const value = (inbound ? id | inboundBit : id) >>> 0;
    const mask = this.#ids.length - 1;
    let slot = (a ^ b) & mask;
    for (let found = this.#ids[slot] ?? 0; found !== 0; found = this.#ids[slot] ?? 0) {
      if (found === value && this.#a[slot] === a && this.#b[slot] === b) return;
      slot = (slot + 1) & mask;
    }
    this.#a[slot] = a;
    this.#b[slot] = b;
    this.#ids[slot] = value;
    this.#size += 1;
    if (this.#size * 2 > this.#ids.length) this.#grow();
  }

  /** The highest message id stored under `key` (only inbound ones with `inboundOnly`), if any. */
  highest(key: string, inboundOnly: boolean): number | undefined {
    if (this.#size === 0) return undefined;
    const [a, b] = hashes(key);
    const mask = this.#ids.length - 1;
    let best: number | undefined;
    for (let slot = (a ^ b) & mask, found = this.#ids[slot] ?? 0; found !== 0; slot = (slot + 1) & mask, found = this.#ids[slot] ?? 0) {
      if (this.#a[slot] !== a || this.#b[slot] !== b) continue;
      if (inboundOnly && (found & inboundBit) === 0) continue;
      const id = (found & ~inboundBit) >>> 0;
      if (best === undefined || id > best) best = id;
    }
    return best;
  }

  #grow(): void {
    const [oldA, oldB, oldIds] = [this.#a, this.#b, this.#ids];
    const capacity = oldIds.length * 2;
    this.#a = new Uint32Array(capacity);
    this.#b = new Uint32Array(capacity);
    this.#ids = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let index = 0; index < oldIds.length; index++) {
      const value = oldIds[index] ?? 0;
      if (value === 0) continue;
      const a = oldA[index] as number;
      const b = oldB[index] as number;
      let slot = (a ^ b) & mask;
      while ((this.#ids[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      this.#a[slot] = a;
      this.#b[slot] = b;
      this.#ids[slot] = value;
    }
  }
}
