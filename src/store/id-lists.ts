// The store's message-id lists by contact, conversation and address. At a million stored messages the three indexes
// hold three million ids in some 200,000 lists; as JS arrays that was 36 MB of the heap (8 bytes an id, and an array
// object and a header per list), and the garbage collector sizes the heap in proportion to what is live. `pack`
// moves every list into one typed array outside the heap, 4 bytes an id; a list that changes again (a contact who
// writes again, an erase) gets back an array of its own. Lists keyed by small integers (conversation ids, dense) are
// packed without a map entry either: their key is their slot.

/**
 * Ascending message-id lists by key.
 *
 *     const byConversation = new IdLists<number>();
 *     byConversation.add(7, 41); byConversation.add(7, 42);
 *     byConversation.pack();
 *     byConversation.ids(7, 41); // [42]
 */
export class IdLists<K> {
  /**
   * A list of its own (ascending), or the slot of a packed one in `#starts` and `#lengths`; a packed list of a key
   * that is its own slot (`#keyedSlots`) has no entry.
   */
  readonly #lists = new Map<K, number[] | number>();
  #pool: Uint32Array = new Uint32Array(0);
  #starts = new Uint32Array(0);
  /** 0: no packed list in this slot (one is never empty). */
  #lengths = new Uint32Array(0);
  /**
   * Whether the last `pack` found only integer keys below `maxKeyedSlot`, and so made each key its list's slot: at
   * 100,000 conversations the map's entries were 3.5 MB of the heap.
   */
  #keyedSlots = false;
  /** Slots in use (the others, past it, are free), and pool entries in use: `packIdle` appends at both ends. */
  #slots = 0;
  #used = 0;
  /** Pool entries of lists taken out since the last `pack` (dead): past half the pool, `packIdle` packs anew. */
  #dead = 0;
  /** Keys whose list is an array of its own, and those of them changed since the last `packIdle`. */
  #owned = new Set<K>();
  #touched = new Set<K>();

  /** Ids of `key` above `after`, ascending, in a new array. */
  ids(key: K, after = 0): number[] {
    const list = this.#lists.get(key) ?? this.#keyedSlot(key);
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
    this.#owned.add(key);
    this.#touched.add(key);
  }

  /** Removes `id` from `key`'s list, and the list when it is then empty. */
  remove(key: K, id: number): void {
    const list = this.#own(key);
    if (!list) return;
    const index = firstAbove(list, id) - 1;
    if (index >= 0 && list[index] === id) list.splice(index, 1);
    this.#owned.add(key);
    this.#touched.add(key);
    if (list.length === 0) this.delete(key);
  }

  delete(key: K): void {
    const list = this.#lists.get(key) ?? this.#keyedSlot(key);
    if (typeof list === 'number') this.#dead += this.#lengths[list] as number;
    this.#lists.delete(key);
    this.#owned.delete(key);
    this.#touched.delete(key);
    const slot = this.#keyedSlot(key);
    if (slot !== undefined) this.#lengths[slot] = 0;
  }

  /**
   * Moves every list into one typed array (and forgets what lists taken out of it left there). Lists are read from it
   * until they change. Run when many lists were built and few will change: after recovery.
   */
  pack(): void {
    const lists: [K, ArrayLike<number>][] = [];
    for (const [key, list] of this.#lists) lists.push([key, typeof list === 'number' ? this.#packed(list) : list]);
    if (this.#keyedSlots) {
      for (let slot = 0; slot < this.#lengths.length; slot++) if (this.#lengths[slot] !== 0) lists.push([slot as K, this.#packed(slot)]);
    }
    const keyedSlots = lists.every(([key]) => Number.isInteger(key) && (key as number) >= 0 && (key as number) < maxKeyedSlot);
    let slots = lists.length;
    if (keyedSlots) slots = lists.reduce((end, [key]) => Math.max(end, (key as number) + 1), 0);
    let total = 0;
    for (const [, ids] of lists) total += ids.length;
    const pool = new Uint32Array(total);
    const starts = new Uint32Array(slots);
    const lengths = new Uint32Array(slots);
    // Keyed by slot, the lists need no entry; else each key keeps its entry, its value replaced (a map rebuilt at each
    // packing of the archive, every 100,000 lines at open, was 50 MB of garbage at a million messages).
    if (keyedSlots) this.#lists.clear();
    let at = 0;
    lists.forEach(([key, ids], index) => {
      const slot = keyedSlots ? (key as number) : index;
      pool.set(ids, at);
      starts[slot] = at;
      lengths[slot] = ids.length;
      at += ids.length;
      if (!keyedSlots) this.#lists.set(key, slot);
    });
    this.#pool = pool;
    this.#starts = starts;
    this.#lengths = lengths;
    this.#keyedSlots = keyedSlots;
    this.#slots = slots;
    this.#used = total;
    this.#dead = 0;
    this.#owned = new Set();
    this.#touched = new Set();
  }

  /**
   * Packs the lists that are arrays of their own and did not change since the last call (those of customers gone
   * quiet), appending them to the typed array; those that changed wait for the next call. Run every now and then
   * (at each compaction): without it, every list built since the start stayed a JS array on the heap (three per
   * customer who wrote since, 140,000 of a busy server's 840,000 heap objects in a benchmark). Its cost follows the
   * lists it packs, not the history, unless the lists taken out since the last full packing fill half the typed
   * array: then it packs everything anew, as `pack` does.
   */
  packIdle(): void {
    const idle: [K, number[]][] = [];
    for (const key of this.#owned) {
      if (this.#touched.has(key)) continue;
      const list = this.#lists.get(key);
      if (Array.isArray(list)) idle.push([key, list]);
    }
    this.#owned = this.#touched;
    this.#touched = new Set();
    if (idle.length === 0) return;
    const keyed = this.#keyedSlots && idle.every(([key]) => Number.isInteger(key) && (key as number) >= 0 && (key as number) < maxKeyedSlot);
    if (!keyed && this.#keyedSlots && this.#slots > 0) return this.pack();
    if (this.#dead > this.#used / 2 && this.#dead > 1_024) return this.pack();
    let needed = 0;
    for (const [, ids] of idle) needed += ids.length;
    let slots = this.#slots;
    if (keyed) for (const [key] of idle) slots = Math.max(slots, (key as number) + 1);
    else slots += idle.length;
    this.#grow(this.#used + needed, slots);
    for (const [key, ids] of idle) {
      const slot = keyed ? (key as number) : this.#slots++;
      this.#pool.set(ids, this.#used);
      this.#starts[slot] = this.#used;
      this.#lengths[slot] = ids.length;
      this.#used += ids.length;
      if (keyed) this.#lists.delete(key);
      else this.#lists.set(key, slot);
    }
    if (keyed) this.#slots = slots;
    this.#keyedSlots = keyed;
  }

  /** Room for `entries` in the pool and `slots` slots, doubling what it must grow. */
  #grow(entries: number, slots: number): void {
    if (entries > this.#pool.length) {
      const pool = new Uint32Array(Math.max(entries, this.#pool.length * 2, 1_024));
      pool.set(this.#pool.subarray(0, this.#used));
      this.#pool = pool;
    }
    if (slots > this.#lengths.length) {
      const size = Math.max(slots, this.#lengths.length * 2, 256);
      const starts = new Uint32Array(size);
      const lengths = new Uint32Array(size);
      starts.set(this.#starts);
      lengths.set(this.#lengths);
      this.#starts = starts;
      this.#lengths = lengths;
    }
  }

  /** The slot of `key`'s packed list when keys are slots and it has one. */
  #keyedSlot(key: K): number | undefined {
    if (!this.#keyedSlots || typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= this.#lengths.length) return undefined;
    return this.#lengths[key] === 0 ? undefined : key;
  }

  #packed(slot: number): Uint32Array {
    const start = this.#starts[slot] as number;
    return this.#pool.subarray(start, start + (this.#lengths[slot] as number));
  }

  /** `key`'s list as an array of its own, taken out of the pool if it was packed; undefined when there is none. */
  #own(key: K): number[] | undefined {
    const list = this.#lists.get(key) ?? this.#keyedSlot(key);
    if (list === undefined || typeof list !== 'number') return list;
    const own = Array.from(this.#packed(list));
    this.#lists.set(key, own);
    this.#dead += own.length;
    // Out of the pool: the map's entry is the list now.
    if (this.#keyedSlots) this.#lengths[list] = 0;
    return own;
  }
}

/** Keys at or past this are never slots: a typed array of that many slots would be mostly empty. */
const maxKeyedSlot = 1 << 24;

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
