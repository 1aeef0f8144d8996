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
