// The store's message-id lists by contact, conversation and address. At a million stored messages the three indexes
// hold three million ids in some 200,000 lists; as JS arrays that was 36 MB of the heap (8 bytes an id, and an array
// object and a header per list), and the garbage collector sizes the heap in proportion to what is live. `pack`
// moves every list into one typed array outside the heap, 4 bytes an id; a list that changes again (a contact who
// writes again, an erase) gets back an array of its own.

/**
 * Ascending message-id lists by key.
 *
 *     const byConversation = new IdLists<number>();
 *     byConversation.add(7, 41); byConversation.add(7, 42);
 *     byConversation.pack();
 *     byConversation.ids(7, 41); // [42]
 */
export class IdLists<K> {
  /** A list of its own (ascending), or the slot of a packed one in `#starts` and `#lengths`. */
  readonly #lists = new Map<K, number[] | number>();
  #pool: Uint32Array = new Uint32Array(0);
  #starts = new Uint32Array(0);
  #lengths = new Uint32Array(0);

  /** Ids of `key` above `after`, ascending, in a new array. */
  ids(key: K, after = 0): number[] {
    const list = this.#lists.get(key);
    if (list === undefined) return [];
    if (typeof list !== 'number') return list.slice(firstAbove(list, after));
    const packed = this.#packed(list);
    return Array.from(packed.subarray(firstAbove(packed, after)));
  }

  /** Adds `id` to `key`'s list; ids almost always arrive in increasing order, so this is a push. */
  add(key: K, id: number): void {
    const list = this.#own(key);
    if (list) insertSorted(list, id);
    else this.#lists.set(key, [id]);
  }

  /** Removes `id` from `key`'s list, and the list when it is then empty. */
  remove(key: K, id: number): void {
    const list = this.#own(key);
    if (!list) return;
    const index = firstAbove(list, id) - 1;
    if (index >= 0 && list[index] === id) list.splice(index, 1);
    if (list.length === 0) this.#lists.delete(key);
  }

  delete(key: K): void {
    this.#lists.delete(key);
  }

  /**
   * Moves every list into one typed array (and forgets what lists taken out of it left there). Lists are read from it
   * until they change. Run when many lists were built and few will change: after recovery.
   */
  pack(): void {
    let total = 0;
    for (const list of this.#lists.values()) total += typeof list === 'number' ? (this.#lengths[list] as number) : list.length;
    const pool = new Uint32Array(total);
    const starts = new Uint32Array(this.#lists.size);
    const lengths = new Uint32Array(this.#lists.size);
    let at = 0;
    let slot = 0;
    for (const [key, list] of this.#lists) {
      const ids = typeof list === 'number' ? this.#packed(list) : list;
      pool.set(ids, at);
      starts[slot] = at;
      lengths[slot] = ids.length;
      at += ids.length;
      this.#lists.set(key, slot++);
    }
    this.#pool = pool;
    this.#starts = starts;
    this.#lengths = lengths;
  }

  #packed(slot: number): Uint32Array {
    const start = this.#starts[slot] as number;
    return this.#pool.subarray(start, start + (this.#lengths[slot] as number));
  }

  /** `key`'s list as an array of its own, taken out of the pool if it was packed; undefined when there is none. */
  #own(key: K): number[] | undefined {
    const list = this.#lists.get(key);
    if (typeof list !== 'number') return list;
    const own = Array.from(this.#packed(list));
    this.#lists.set(key, own);
    return own;
  }
}

/** Index of the first id in the ascending list `ids` that is greater than `after`. */
export function firstAbove(ids: ArrayLike<number>, after: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] ?? 0) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Adds `id` to the ascending list `ids`; ids almost always arrive in increasing order, so this is a push. */
export function insertSorted(ids: number[], id: number): void {
  const last = ids[ids.length - 1];
  if (last === undefined || last < id) ids.push(id);
  else ids.splice(firstAbove(ids, id), 0, id);
}
