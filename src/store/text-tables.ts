// The embedded store's contacts and conversations: those in use as objects, the others as their JSON text in
// buffers outside V8's heap. A store with a long history holds far more closed conversations than open ones, and
// far more contacts without an open conversation than with one (in the 1,000,000-message benchmark, 100,000 closed
// conversations and 50,000 idle contacts: 37 and 25 MB of objects). Kept as objects, they were most of what the
// heap held live, and V8 lets the heap grow to several times that before a full collection, which then has all of
// them to mark. Nothing reads one of them on a customer's message but their own contact and latest conversation.
import { IdLists } from './id-lists.ts';

/** Bytes of one buffer that texts are appended to. */
const chunkBytes = 1024 * 1024;
/** The buffers are rewritten without the replaced texts once those are half of them, and at least this much. */
const rewriteAfterGarbage = 8 * 1024 * 1024;
const initialCapacity = 1024;
/** Conversation ids past this stay objects (texts are indexed by id; ids from the store's counter are dense). */
const maxTextId = 1 << 24;

/**
 * A record's JSON as stored: what a snapshot writes without parsing and serializing it again. The bytes never change
 * (a rewrite copies them to new buffers), so a snapshot captured earlier can still read them.
 */
export class StoredJson {
  constructor(
    readonly buffer: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  text(): string {
    return this.buffer.toString('utf8', this.start, this.end);
  }
}

/** Texts by slot number (1 and up), appended to 1 MiB buffers; the space of replaced ones is reclaimed by rewriting. */
class TextSlots {
  /** By slot: 0 when empty, else the index of its buffer plus one. */
  #chunkOf = new Int32Array(initialCapacity);
  #startOf = new Uint32Array(initialCapacity);
  #lengthOf = new Uint32Array(initialCapacity);
  #chunks: Buffer[] = [];
  /** Bytes used in the last buffer. */
  #used = chunkBytes;
  count = 0;
  /** Bytes of texts appended, and of those no longer current (replaced, or forgotten). */
  #bytes = 0;
  #garbage = 0;

  get currentBytes(): number {
    return this.#bytes - this.#garbage;
  }

  get bufferBytes(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  /** The highest slot number that may hold a text, plus one. */
  get end(): number {
    return this.#chunkOf.length;
  }

  has(slot: number): boolean {
    return slot > 0 && slot < this.#chunkOf.length && this.#chunkOf[slot] !== 0;
  }

  stored(slot: number): StoredJson | undefined {
    if (!this.has(slot)) return undefined;
    const start = this.#startOf[slot] as number;
    return new StoredJson(this.#chunks[(this.#chunkOf[slot] as number) - 1] as Buffer, start, start + (this.#lengthOf[slot] as number));
  }

  text(slot: number): string | undefined {
    return this.stored(slot)?.text();
  }

  put(slot: number, json: string): void {
    this.forget(slot);
    const length = Buffer.byteLength(json, 'utf8');
    const [buffer, start] = this.#place(slot, length);
    buffer.write(json, start, length, 'utf8');
    if (this.#garbage >= rewriteAfterGarbage && this.#garbage * 2 >= this.#bytes) this.#rewrite();
  }

  forget(slot: number): boolean {
    if (!this.has(slot)) return false;
    this.#chunkOf[slot] = 0;
    this.#garbage += this.#lengthOf[slot] as number;
    this.count--;
    return true;
  }

  /** Room for `length` bytes of text in `slot`, recorded as its place. */
  #place(slot: number, length: number): [Buffer, number] {
    if (slot >= this.#chunkOf.length) this.#grow(slot);
    if (this.#used + length > chunkBytes || this.#chunks.length === 0) {
      // A text longer than a buffer gets one of its own size.
      this.#chunks.push(Buffer.allocUnsafeSlow(Math.max(chunkBytes, length)));
      this.#used = 0;
    }
    const start = this.#used;
    this.#chunkOf[slot] = this.#chunks.length;
    this.#startOf[slot] = start;
    this.#lengthOf[slot] = length;
    this.#used += length;
    this.#bytes += length;
    this.count++;
    return [this.#chunks.at(-1) as Buffer, start];
  }

  /** Copies the current texts to new buffers, so the replaced ones' space goes (a captured `StoredJson` keeps its old buffer). */
  #rewrite(): void {
    const old = this.#chunks;
    const chunkOf = this.#chunkOf;
    this.#chunks = [];
    this.#used = chunkBytes;
    this.#bytes = 0;
    this.#garbage = 0;
    this.count = 0;
    this.#chunkOf = new Int32Array(chunkOf.length);
    for (let slot = 1; slot < chunkOf.length; slot++) {
      if (chunkOf[slot] === 0) continue;
      const from = old[(chunkOf[slot] as number) - 1] as Buffer;
      // Read before #place records the new place over them.
      const start = this.#startOf[slot] as number;
      const length = this.#lengthOf[slot] as number;
      const [buffer, at] = this.#place(slot, length);
      from.copy(buffer, at, start, start + length);
    }
  }

  #grow(slot: number): void {
    let capacity = this.#chunkOf.length;
    while (capacity <= slot) capacity *= 2;
    const chunkOf = new Int32Array(capacity);
    chunkOf.set(this.#chunkOf);
    const startOf = new Uint32Array(capacity);
    startOf.set(this.#startOf);
    const lengthOf = new Uint32Array(capacity);
    lengthOf.set(this.#lengthOf);
    this.#chunkOf = chunkOf;
    this.#startOf = startOf;
    this.#lengthOf = lengthOf;
  }
}

interface ConversationLike {
  id: number;
  contactId: string;
  status: string;
}

/**
 * Conversations by id, with the `Map` methods the store uses: open ones as objects, closed ones as text. `get` of a
 * closed conversation parses its text each time: the object is the caller's, and changing it changes nothing
 * stored (stored records are only ever replaced).
 *
 *     const table = new ConversationTable<Conversation>();
 *     table.set(7, closed); table.get(7); // an equal object, parsed
 */
export class ConversationTable<C extends ConversationLike> {
  /** Conversations kept as objects: the open ones, and any whose id is past `maxTextId`. */
  readonly #objects = new Map<number, C>();
  /** Closed ones, in the slot of their id. */
  readonly #texts = new TextSlots();
  /**
   * Each contact's conversation ids, ascending: a contacts page or a contact's detail finds theirs without reading
   * every closed conversation's text (a pass over 100,000 of them took 35-50 ms, the server waiting meanwhile).
   * Packed after recovery (see `IdLists`): as an array per contact, grown by `splice`, this was 11 MB of the heap at
   * 50,000 contacts.
   */
  readonly #byContact = new IdLists<string>();

  get size(): number {
    return this.#objects.size + this.#texts.count;
  }

  /** Bytes of the current texts, and of the buffers holding them (with replaced texts not yet reclaimed). */
  get textBytes(): { current: number; buffers: number } {
    return { current: this.#texts.currentBytes, buffers: this.#texts.bufferBytes };
  }

  get(id: number): C | undefined {
    const object = this.#objects.get(id);
    if (object !== undefined) return object;
    const text = this.#isText(id) ? this.#texts.text(id) : undefined;
    return text === undefined ? undefined : (JSON.parse(text) as C);
  }

  /** The conversation if it is held as an object (open), the cheap read; `undefined` for a closed one. */
  object(id: number): C | undefined {
    return this.#objects.get(id);
  }

  /** A closed conversation's stored text; `undefined` if not stored, or held as an object. */
  stored(id: number): StoredJson | undefined {
    return this.#isText(id) ? this.#texts.stored(id) : undefined;
  }

  /** Stores `conversation` under `id`: as text if it is closed (the object can then be let go), else as itself. */
  set(id: number, conversation: C): void {
    const owner = this.#ownerOf(id);
    if (owner !== conversation.contactId) {
      if (owner !== undefined) this.#byContact.remove(owner, id);
      this.#byContact.add(conversation.contactId, id);
    }
    if (conversation.status === 'closed' && Number.isInteger(id) && id > 0 && id < maxTextId) {
      this.#objects.delete(id);
      this.#texts.put(id, JSON.stringify(conversation));
      return;
    }
    if (this.#isText(id)) this.#texts.forget(id);
    this.#objects.set(id, conversation);
  }

  delete(id: number): boolean {
    const owner = this.#ownerOf(id);
    if (owner !== undefined) this.#byContact.remove(owner, id);
    return this.#objects.delete(id) || (this.#isText(id) && this.#texts.forget(id));
  }

  /** Every conversation by ascending id: open ones as objects, closed ones as their stored text. */
  entries(): (C | StoredJson)[] {
    const all: (C | StoredJson)[] = [];
    const objects = [...this.#objects.values()].sort((a, b) => a.id - b.id);
    let next = 0;
    for (let id = 1; id < this.#texts.end; id++) {
      const stored = this.#texts.stored(id);
      if (stored === undefined) continue;
      while (next < objects.length && (objects[next] as C).id < id) all.push(objects[next++] as C);
      all.push(stored);
    }
    while (next < objects.length) all.push(objects[next++] as C);
    return all;
  }

  /**
   * At most `limit` conversations with an id below `before` (every id without it), newest (highest id) first: open
   * ones as objects, closed ones as their stored text. Reads only the slots it walks past, not the whole table.
   */
  entriesBefore(before: number | undefined, limit: number): (C | StoredJson)[] {
    const objects = [...this.#objects.values()].filter((conversation) => before === undefined || conversation.id < before).sort((a, b) => b.id - a.id);
    const page: (C | StoredJson)[] = [];
    let next = 0;
    let id = Math.min(before ?? Infinity, this.#texts.end) - 1;
    while (page.length < limit && (id >= 1 || next < objects.length)) {
      if (next < objects.length && (objects[next] as C).id > id) {
        page.push(objects[next++] as C);
        continue;
      }
      const stored = this.#texts.stored(id--);
      if (stored !== undefined) page.push(stored);
    }
    return page;
  }

  /** Ids of the conversations of `contactId`, ascending. */
  idsOfContact(contactId: string): number[] {
    return this.idsOfContacts(new Set([contactId]));
  }

  /** Ids of the conversations of any of `contactIds`, ascending. */
  idsOfContacts(contactIds: ReadonlySet<string>): number[] {
    const ids: number[] = [];
    for (const contactId of contactIds) ids.push(...this.#byContact.ids(contactId));
    return ids.sort((a, b) => a - b);
  }

  /** Packs the contacts' conversation-id lists (see `IdLists.pack`); run after recovery. */
  packIndex(): void {
    this.#byContact.pack();
  }

  /** Packs the lists of contacts quiet since the last call (see `IdLists.packIdle`). */
  packIdleIndex(): void {
    this.#byContact.packIdle();
  }

  /** The contact of the conversation stored under `id` (a closed one's text parsed: only when it is replaced or deleted). */
  #ownerOf(id: number): string | undefined {
    const object = this.#objects.get(id);
    if (object !== undefined) return object.contactId;
    const text = this.#isText(id) ? this.#texts.text(id) : undefined;
    return text === undefined ? undefined : (JSON.parse(text) as C).contactId;
  }

  #isText(id: number): boolean {
    return Number.isInteger(id) && this.#texts.has(id);
  }
}

/**
 * Contacts by id, with the `Map` methods the store uses, in the order they were first stored. Each is held as an
 * object or as text, as the store says (`set`, `hold`, `release`): the store holds those with an open
 * conversation. `get` of one held as text parses it each time.
 *
 *     const table = new ContactTable<Contact>();
 *     table.set(ann.id, ann, { asText: true }); table.hold(ann.id); table.object(ann.id); // ann, parsed once
 */
export class ContactTable<C extends { id: string }> {
  /** The object, or the slot of its text. */
  readonly #entries = new Map<string, C | number>();
  readonly #texts = new TextSlots();
  /** Slots free for the next text (of contacts erased, or held as objects again). */
  readonly #free: number[] = [];
  #nextSlot = 1;
  /** The ids in stored order and each one's place, for `entriesBefore` (read page after page): kept until one comes or goes. */
  #ids: string[] | undefined;
  #positions: Map<string, number> | undefined;

  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of the current texts, and of the buffers holding them (with replaced texts not yet reclaimed). */
  get textBytes(): { current: number; buffers: number } {
    return { current: this.#texts.currentBytes, buffers: this.#texts.bufferBytes };
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  get(id: string): C | undefined {
    const entry = this.#entries.get(id);
    return typeof entry === 'number' ? (JSON.parse(this.#texts.text(entry) as string) as C) : entry;
  }

  /** The contact if it is held as an object, the cheap read; `undefined` for one held as text. */
  object(id: string): C | undefined {
    const entry = this.#entries.get(id);
    return typeof entry === 'number' ? undefined : entry;
  }

  /** The stored text of a contact held as text. */
  stored(id: string): StoredJson | undefined {
    const entry = this.#entries.get(id);
    return typeof entry === 'number' ? this.#texts.stored(entry) : undefined;
  }

  set(id: string, contact: C, options: { asText: boolean }): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) this.#forgetOrder();
    if (!options.asText) {
      if (typeof entry === 'number') this.#letGo(entry);
      this.#entries.set(id, contact);
      return;
    }
    const slot = typeof entry === 'number' ? entry : this.#slot();
    this.#texts.put(slot, JSON.stringify(contact));
    this.#entries.set(id, slot);
  }

  /** Holds contact `id` as an object from now on (parsed once). */
  hold(id: string): void {
    const entry = this.#entries.get(id);
    if (typeof entry !== 'number') return;
    const contact = JSON.parse(this.#texts.text(entry) as string) as C;
    this.#letGo(entry);
    this.#entries.set(id, contact);
  }

  /** Holds contact `id` as text from now on. */
  release(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined || typeof entry === 'number') return;
    this.set(id, entry, { asText: true });
  }

  delete(id: string): boolean {
    const entry = this.#entries.get(id);
    if (entry !== undefined) this.#forgetOrder();
    if (typeof entry === 'number') this.#letGo(entry);
    return this.#entries.delete(id);
  }

  /** Every contact, in the order they were first stored: as the object held, or as its stored text. */
  entries(): (C | StoredJson)[] {
    const all: (C | StoredJson)[] = [];
    for (const entry of this.#entries.values()) all.push(typeof entry === 'number' ? (this.#texts.stored(entry) as StoredJson) : entry);
    return all;
  }

  /**
   * At most `limit` contacts stored before contact `before` (from the last stored without it), the last stored first,
   * as `entries` gives them; none when `before` is not a contact.
   */
  entriesBefore(before: string | undefined, limit: number): (C | StoredJson)[] {
    const ids = (this.#ids ??= [...this.#entries.keys()]);
    const positions = (this.#positions ??= new Map(ids.map((id, index) => [id, index])));
    const end = before === undefined ? ids.length : positions.get(before) ?? -1;
    const page: (C | StoredJson)[] = [];
    for (let i = end - 1; i >= 0 && page.length < limit; i--) {
      const entry = this.#entries.get(ids[i] as string) as C | number;
      page.push(typeof entry === 'number' ? (this.#texts.stored(entry) as StoredJson) : entry);
    }
    return page;
  }

  #forgetOrder(): void {
    this.#ids = undefined;
    this.#positions = undefined;
  }

  #slot(): number {
    return this.#free.pop() ?? this.#nextSlot++;
  }

  #letGo(slot: number): void {
    this.#texts.forget(slot);
    this.#free.push(slot);
  }
}
