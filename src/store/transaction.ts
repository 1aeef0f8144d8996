// One transaction's buffer: one live object per record it touches, its reads seeing its own writes over the
// committed state, nothing shared before it commits, and what it saw validated at commit (optimistic concurrency).
import { randomUUID } from 'node:crypto';
import { ConflictError, StaleWriteError } from './errors.ts';
import { matchesFilter } from './filter.ts';
import { jsonCopy, jsonEqual } from './json-copy.ts';
import { versionKey, type JournalRecord, type StoreState } from './state.ts';
import { CONTACT_MERGES, type Contact, type Conversation, type Identity, type Message, type OpenConversationFilter, type RecentMessage, type Tx } from './types.ts';

/** A deep copy holding exactly what survives a trip through the journal (no `undefined` keys, no Dates). */
const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : jsonCopy(value));

const docKey = (collection: string, key: string): string => `${collection}\u0000${key}`;
const hasIdentity = (contact: Contact, identity: Identity): boolean =>
  contact.identities.some((own) => own.channel === identity.channel && own.id === identity.id);

/** A record read from the committed state: its version then, and how to name it in a `ConflictError`. */
interface RecordedRead {
  version: number;
  what: string;
}

interface LiveDoc {
  collection: string;
  key: string;
  /** `undefined`: absent, or deleted. */
  value: unknown;
}

/**
 * The `Tx` handed to one attempt of a transaction's work. The store checks it (`check`), turns it into journal
 * records (`records`) and applies them; after `end` it refuses any further use, and `release` (once checked, or
 * failed) tells the state it no longer needs the versions of what it read.
 *
 *     const tx = new BufferedTx(state, (ids) => loadMessages(ids));
 *     await work(tx); tx.end(); tx.check(); state.commit(tx.records(state.lastMessageId + 1)); tx.release();
 */
/** Reads committed messages by id, from memory or wherever the store keeps the older ones. */
export type MessageLoader = (ids: readonly number[]) => Promise<Message[]>;

export class BufferedTx implements Tx {
  readonly #state: StoreState;
  readonly #load: MessageLoader;
  readonly #start: number;
  /** The live object of every contact, conversation and doc this transaction touched (read or wrote). */
  readonly #contacts = new Map<string, Contact>();
  readonly #conversations = new Map<number, Conversation>();
  readonly #docs = new Map<string, LiveDoc>();
  /** Which live records were put: those are committed, as they are when the work returns. */
  readonly #putContacts = new Set<string>();
  readonly #putConversations = new Set<number>();
  readonly #putDocs = new Set<string>();
  readonly #messages: Omit<Message, 'id'>[] = [];
  /** Contacts merged into others at commit (`mergeContact`): `from` → `into`. */
  readonly #merges = new Map<string, string>();
  /** Version key → the first read of that record from the committed state. */
  readonly #reads = new Map<string, RecordedRead>();
  /**
   * The committed record each live contact and conversation was copied from, by version key (committed records are
   * never changed in place): one put back unchanged (a turn puts its contact whether or not the flow changed it) is
   * not written again, so it costs no copy, journal bytes or new version.
   */
  readonly #readFrom = new Map<string, object>();
  #ended = false;
  #released = false;

  constructor(state: StoreState, load: MessageLoader) {
    this.#state = state;
    this.#load = load;
    this.#start = state.begin();
  }

  async contact(id: string): Promise<Contact | undefined> {
    this.#assertActive();
    return this.#contact(id);
  }

  async contactByIdentity(channel: string, id: string): Promise<Contact | undefined> {
    this.#assertActive();
    const identity = { channel, id };
    for (const contact of this.#contacts.values()) if (hasIdentity(contact, identity)) return contact;
    const owner = this.#state.contactIdByIdentity(channel, id);
    // A live object of the owner was checked above: it gave the identity away.
    if (owner === undefined || this.#contacts.has(owner)) return undefined;
    return this.#contact(owner);
  }

  async conversation(id: number): Promise<Conversation | undefined> {
    this.#assertActive();
    return this.#conversation(id);
  }

  async openConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId && conversation.status === 'open') return conversation;
    }
    const id = this.#state.openConversationId(contactId);
    // A live object of it was checked above: this transaction closed it.
    if (id === undefined || this.#conversations.has(id)) return undefined;
    return this.#conversation(id);
  }

  async latestConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    let latest = this.#state.latestConversationId(contactId) ?? 0;
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId) latest = Math.max(latest, conversation.id);
    }
    return latest === 0 ? undefined : this.#conversation(latest);
  }

  async openConversations(filter?: OpenConversationFilter, options: { live?: boolean } = {}): Promise<Conversation[]> {
    this.#assertActive();
    const live = options.live ?? true;
    const open: Conversation[] = [];
    for (const conversation of this.#conversations.values()) {
      if (conversation.status === 'open' && matchesFilter(conversation, filter)) open.push(live ? conversation : structuredClone(conversation));
    }
    for (const id of this.#state.openConversationIdsFor(filter)) {
      if (this.#conversations.has(id)) continue;
      const committed = this.#state.conversations.get(id);
      if (committed && matchesFilter(committed, filter)) open.push(live ? (this.#conversation(id) as Conversation) : structuredClone(committed));
    }
    return open.sort((a, b) => a.id - b.id);
  }

  async countOpenConversations(filter?: OpenConversationFilter): Promise<number> {
    this.#assertActive();
    let count = 0;
    for (const id of this.#state.openConversationIdsFor(filter)) {
      if (this.#conversations.has(id)) continue;
      const committed = this.#state.conversations.get(id);
      if (committed && matchesFilter(committed, filter)) count++;
    }
    for (const conversation of this.#conversations.values()) {
      if (conversation.status === 'open' && matchesFilter(conversation, filter)) count++;
    }
    return count;
  }

  async messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined> {
    this.#assertActive();
    const id = this.#state.messageIdByChannelId(channel, channelMessageId);
    const [message] = id === undefined ? [] : await this.#load([id]);
    // An archived message's former channel id may still point at it (see LowdbStore.messageByChannelId).
    return message?.channel === channel && message.channelMessageId === channelMessageId ? copy(message) : undefined;
  }

  async hasInbound(channel: string, channelMessageId: string): Promise<boolean> {
    this.#assertActive();
    const own = this.#messages.some(
      (message) => message.direction === 'in' && message.channel === channel && message.channelMessageId === channelMessageId,
    );
    return own || this.#state.hasInbound(channel, channelMessageId);
  }

  async recentMessages(conversationId: number, limit: number): Promise<RecentMessage[]> {
    this.#assertActive();
    const own = this.#messages.filter((message) => message.conversationId === conversationId);
    const ids = this.#state.messageIdsOfConversation(conversationId);
    const committed = await this.#load(ids.slice(Math.max(0, ids.length - limit)));
    return structuredClone([...committed, ...own].slice(-limit));
  }

  async doc<T>(collection: string, key: string): Promise<T | undefined> {
    this.#assertActive();
    const name = docKey(collection, key);
    let live = this.#docs.get(name);
    if (!live) {
      this.#recordRead(versionKey.doc(collection, key), `doc ${collection}/${key}`);
      // The transaction's own copy (StoreState.doc copies).
      live = { collection, key, value: this.#state.doc(collection, key) };
      this.#docs.set(name, live);
    }
    return live.value as T | undefined;
  }

  async newContactId(): Promise<string> {
    this.#assertActive();
    return randomUUID();
  }

  async newConversationId(): Promise<number> {
    this.#assertActive();
    return this.#state.nextConversationId();
  }

  putContact(contact: Contact): void {
    this.#assertActive();
    this.#adopt(this.#contacts, contact.id, contact, `contact ${contact.id}`);
    this.#putContacts.add(contact.id);
  }

  putConversation(conversation: Conversation): void {
    this.#assertActive();
    this.#adopt(this.#conversations, conversation.id, conversation, `conversation #${conversation.id}`);
    this.#putConversations.add(conversation.id);
  }

  addMessage(message: Omit<Message, 'id'>): void {
    this.#assertActive();
    this.#messages.push(jsonCopy(message));
  }

  putDoc(collection: string, key: string, value: unknown): void {
    this.#assertActive();
    if (value === undefined) throw new TypeError(`putDoc("${collection}", "${key}"): the value is undefined; use deleteDoc to remove a document`);
    const name = docKey(collection, key);
    // A document is a value: a new one replaces the old whole, so there is no stale copy to guard against.
    this.#docs.set(name, { collection, key, value });
    this.#putDocs.add(name);
  }

  deleteDoc(collection: string, key: string): void {
    this.#assertActive();
    const name = docKey(collection, key);
    this.#docs.set(name, { collection, key, value: undefined });
    this.#putDocs.add(name);
  }

  async mergeContact(from: string, into: string): Promise<boolean> {
    this.#assertActive();
    if (from === into || this.#merges.has(from)) return false;
    const [gone, kept] = [this.#contact(from), this.#contact(into)];
    if (!gone || !kept) return false;
    this.#merges.set(from, into);
    this.putDoc(CONTACT_MERGES, from, { into, at: new Date().toISOString() });
    return true;
  }

  /** Ends the work phase: from now on the tx refuses reads and writes. */
  end(): void {
    this.#ended = true;
  }

  /** True when the transaction wrote nothing. */
  get isEmpty(): boolean {
    return this.#putContacts.size + this.#putConversations.size + this.#messages.length + this.#putDocs.size + this.#merges.size === 0;
  }

  /**
   * Throws `ConflictError` if a record this transaction saw has been committed by another transaction since,
   * or if committing would break an invariant against the current committed state.
   */
  check(): void {
    const state = this.#state;
    for (const [key, read] of this.#reads) {
      if (state.version(key) > read.version) throw new ConflictError(`${read.what} changed while this transaction ran; retry`);
    }
    const claimed = new Map<string, string>();
    for (const id of this.#putContacts) {
      const contact = this.#contacts.get(id) as Contact;
      for (const identity of contact.identities) {
        const name = `${identity.channel}:${identity.id}`;
        const other = claimed.get(name);
        if (other !== undefined && other !== contact.id) {
          throw new ConflictError(`identity ${name} is put on two contacts (${other}, ${contact.id}) in one transaction`);
        }
        claimed.set(name, contact.id);
        const owner = state.contactIdByIdentity(identity.channel, identity.id);
        const ownerNow = owner === undefined || !this.#putContacts.has(owner) ? undefined : this.#contacts.get(owner);
        // A contact merged into this one gives its addresses up.
        if (owner !== undefined && owner !== contact.id && this.#merges.get(owner) !== contact.id && (!ownerNow || hasIdentity(ownerNow, identity))) {
          throw new ConflictError(`identity ${name} already belongs to contact ${owner}, not ${contact.id}`);
        }
      }
    }
    // Invariant 2 held by the store, as a unique index would: one inbound message per channel message id.
    for (const message of this.#messages) {
      if (message.direction === 'in' && message.channelMessageId !== undefined && state.hasInbound(message.channel, message.channelMessageId)) {
        throw new ConflictError(`inbound message ${message.channel}:${message.channelMessageId} was stored by another transaction meanwhile; retry`);
      }
    }
    const opening = new Map<string, number>();
    for (const id of this.#putConversations) {
      const conversation = this.#conversations.get(id) as Conversation;
      const { contactId } = conversation;
      const committed = state.conversations.get(id);
      if (committed && committed.contactId !== contactId) {
        throw new ConflictError(`conversation #${id} belongs to contact ${committed.contactId}; it cannot move to ${contactId}`);
      }
      if (conversation.status !== 'open') continue;
      const openId = opening.get(contactId) ?? state.openConversationId(contactId);
      const closedHere = openId !== undefined && this.#putConversations.has(openId) && this.#conversations.get(openId)?.status === 'closed';
      if (openId !== undefined && openId !== id && !closedHere) {
        throw new ConflictError(`contact ${contactId} already has open conversation #${openId}; #${id} cannot be open too`);
      }
      opening.set(contactId, id);
    }
    for (const [from, into] of this.#merges) {
      if (state.contacts.get(from) === undefined || state.contacts.get(into) === undefined) throw new ConflictError(`contact ${from} or ${into} is gone; the merge runs again`);
      if (this.#openAfter(from) !== undefined && this.#openAfter(into) !== undefined) {
        throw new ConflictError(`contacts ${from} and ${into} both have an open conversation; close one before merging them`);
      }
    }
  }

  /** The id of the contact's open conversation once this transaction commits, if any. */
  #openAfter(contactId: string): number | undefined {
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId && conversation.status === 'open' && this.#putConversations.has(conversation.id)) return conversation.id;
    }
    const id = this.#state.openConversationId(contactId);
    if (id === undefined || (this.#putConversations.has(id) && this.#conversations.get(id)?.status !== 'open')) return undefined;
    return id;
  }

  /**
   * The journal records of this transaction, its messages numbered from `firstMessageId` in the order added. With
   * `claim`: each outbound pending message it answers true for (asked only for the first one to each address) is
   * recorded `sending` instead, claimed in this commit.
   */
  records(firstMessageId: number, claim?: (message: Message) => boolean): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const id of this.#putContacts) {
      const contact = this.#changed(this.#contacts.get(id) as Contact, versionKey.contact(id));
      if (contact) records.push({ contact });
    }
    for (const id of this.#putConversations) {
      const conversation = this.#changed(this.#conversations.get(id) as Conversation, versionKey.conversation(id));
      if (conversation) records.push({ conversation });
    }
    const claimed = new Set<string>();
    this.#messages.forEach((message, index) => {
      const id = firstMessageId + index;
      const numbered = { id, ...message } as Message;
      // An id the message carried of its own is ignored.
      numbered.id = id;
      if (claim && numbered.direction === 'out' && numbered.status === 'pending') {
        // Only the first of this transaction's messages to an address can be the oldest one there.
        const to = `${numbered.channel}\u0000${numbered.address}`;
        if (!claimed.has(to) && claim(numbered)) numbered.status = 'sending';
        claimed.add(to);
      }
      records.push({ message: numbered });
    });
    // After what the work put (the contact taking the addresses, the conversation it closed), before the documents.
    for (const [from, into] of this.#merges) records.push({ mergeContact: [from, into] });
    for (const name of this.#putDocs) {
      const { collection, key, value } = this.#docs.get(name) as LiveDoc;
      records.push(value === undefined ? { deleteDoc: [collection, key] } : { doc: [collection, key, jsonCopy(value)] });
    }
    return records;
  }

  /** Tells the state this transaction is over (checked, or failed): what it read needs no version any more. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#state.finish(this.#start);
  }

  /** The live contact, first read from the committed state (and recorded as read, absent included). */
  #contact(id: string): Contact | undefined {
    const live = this.#contacts.get(id);
    if (live) return live;
    const key = versionKey.contact(id);
    this.#recordRead(key, `contact ${id}`);
    const committed = this.#copyRead(this.#state.contacts.get(id), key);
    if (committed) this.#contacts.set(id, committed);
    return committed;
  }

  /** The live conversation, first read from the committed state (and recorded as read, absent included). */
  #conversation(id: number): Conversation | undefined {
    const live = this.#conversations.get(id);
    if (live) return live;
    const key = versionKey.conversation(id);
    this.#recordRead(key, `conversation ${id}`);
    const committed = this.#copyRead(this.#state.conversations.get(id), key);
    if (committed) this.#conversations.set(id, committed);
    return committed;
  }

  /** A copy of a committed record, remembering which record it was made from (see `#readFrom`). */
  #copyRead<T extends object>(committed: T | undefined, key: string): T | undefined {
    if (committed === undefined) return undefined;
    this.#readFrom.set(key, committed);
    return jsonCopy(committed);
  }

  /**
   * The record to commit for a live object put: a fresh copy (the work may keep the live object and change it
   * later; committed records never change); or undefined when it holds just what was read (nothing to write).
   */
  #changed<T extends object>(live: T, key: string): T | undefined {
    const read = this.#readFrom.get(key);
    if (read !== undefined && jsonEqual(live, read)) return undefined;
    return jsonCopy(live);
  }

  /** Makes `value` the live object of a record, unless another object already is: that one is the fresh one. */
  #adopt<K, V>(live: Map<K, V>, id: K, value: V, what: string): void {
    const current = live.get(id);
    if (current !== undefined && current !== value) {
      throw new StaleWriteError(`a copy of ${what} was put, not the object this transaction handed out for it; change that object instead`);
    }
    live.set(id, value);
  }

  /** Records the version of a committed record on its first read (a later change shows as a newer version). */
  #recordRead(key: string, what: string): void {
    if (!this.#reads.has(key)) this.#reads.set(key, { version: this.#state.version(key), what });
  }

  #assertActive(): void {
    if (this.#ended) throw new Error('this transaction has ended: use its tx only inside the work function, before it returns');
  }
}
