// One transaction's buffer: its reads see its own writes over the committed state, nothing it writes is shared
// before it commits, and the records it read are validated at commit (optimistic concurrency control).
import { randomUUID } from 'node:crypto';
import { ConflictError } from './errors.ts';
import { versionKey, type JournalRecord, type StoreState } from './state.ts';
import type { Contact, Conversation, Identity, Message, OpenConversationFilter, Tx } from './types.ts';
import { matchesFilter } from './filter.ts';

/** A deep copy holding exactly what survives a trip through the journal (no `undefined` keys, no Dates). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : structuredClone(value));
const docKey = (collection: string, key: string): string => `${collection}\u0000${key}`;
const hasIdentity = (contact: Contact, identity: Identity): boolean =>
  contact.identities.some((own) => own.channel === identity.channel && own.id === identity.id);

interface BufferedMessage {
  record: Message;
  /** The object `addMessage` returned; it learns its id once the commit is durable. */
  handle: Message;
}

/** A record read from the committed state: its version then, and how to name it in a `ConflictError`. */
interface RecordedRead {
  version: number;
  what: string;
}

interface BufferedDoc {
  collection: string;
  key: string;
  /** `undefined`: deleted. */
  value: unknown;
}

/**
 * The `Tx` handed to a transaction's work. The store checks it (`check`), turns it into journal records
 * (`records`) and applies them; after `end` it refuses any further use, and `release` (once checked, or failed)
 * tells the state it no longer needs the versions of what it read.
 *
 *     const tx = new BufferedTx(state);
 *     await work(tx); tx.end(); tx.check(); state.commit(tx.records(state.lastMessageId + 1)); tx.release();
 *
 * Reads of committed records by key record the record's version; `check` refuses the commit if another commit
 * has written one of them since. Reads served from the transaction's own writes are not recorded.
 */
export class BufferedTx implements Tx {
  readonly #state: StoreState;
  readonly #start: number;
  readonly #contacts = new Map<string, Contact>();
  readonly #conversations = new Map<number, Conversation>();
  readonly #messages: BufferedMessage[] = [];
  readonly #docs = new Map<string, BufferedDoc>();
  /** Version key → the first read of that record from the committed state. */
  readonly #reads = new Map<string, RecordedRead>();
  #ended = false;
  #released = false;

  constructor(state: StoreState) {
    this.#state = state;
    this.#start = state.begin();
  }

  async contact(id: string): Promise<Contact | undefined> {
    this.#assertActive();
    const own = this.#contacts.get(id);
    if (own) return copy(own);
    this.#recordRead(versionKey.contact(id), `contact ${id}`);
    return copy(this.#state.contacts.get(id));
  }

  async contactByIdentity(channel: string, id: string): Promise<Contact | undefined> {
    this.#assertActive();
    const identity = { channel, id };
    for (const contact of this.#contacts.values()) if (hasIdentity(contact, identity)) return copy(contact);
    const owner = this.#state.contactIdByIdentity(channel, id);
    // A buffered version of the owner was checked above: it gave the identity away.
    if (owner === undefined || this.#contacts.has(owner)) return undefined;
    this.#recordRead(versionKey.contact(owner), `contact ${owner}`);
    return copy(this.#state.contacts.get(owner));
  }

  async conversation(id: number): Promise<Conversation | undefined> {
    this.#assertActive();
    const own = this.#conversations.get(id);
    return own ? copy(own) : this.#committedConversation(id);
  }

  async openConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId && conversation.status === 'open') return copy(conversation);
    }
    const id = this.#state.openConversationId(contactId);
    if (id === undefined || this.#conversations.has(id)) return undefined;
    return this.#committedConversation(id);
  }

  async latestConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    let latest = this.#state.latestConversationId(contactId) ?? 0;
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId) latest = Math.max(latest, conversation.id);
    }
    const own = this.#conversations.get(latest);
    if (own) return copy(own);
    return this.#state.conversations.has(latest) ? this.#committedConversation(latest) : undefined;
  }

  async openConversations(filter?: OpenConversationFilter): Promise<Conversation[]> {
    return structuredClone(this.#open(filter).sort((a, b) => a.id - b.id));
  }

  async countOpenConversations(filter?: OpenConversationFilter): Promise<number> {
    return this.#open(filter).length;
  }

  /** The matching open conversations, committed ones with this transaction's writes over them; not copies. */
  #open(filter: OpenConversationFilter | undefined): Conversation[] {
    this.#assertActive();
    const open: Conversation[] = [];
    for (const id of this.#state.openConversationIdsFor(filter)) {
      if (this.#conversations.has(id)) continue;
      const conversation = this.#state.conversations.get(id);
      if (conversation && matchesFilter(conversation, filter)) open.push(conversation);
    }
    for (const conversation of this.#conversations.values()) {
      if (conversation.status === 'open' && matchesFilter(conversation, filter)) open.push(conversation);
    }
    return open;
  }

  async messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined> {
    this.#assertActive();
    for (let index = this.#messages.length - 1; index >= 0; index--) {
      const record = this.#messages[index]?.record;
      if (record?.channel === channel && record.channelMessageId === channelMessageId) return copy(record);
    }
    const id = this.#state.messageIdByChannelId(channel, channelMessageId);
    return id === undefined ? undefined : copy(this.#state.messages.get(id));
  }

  async hasInbound(channel: string, channelMessageId: string): Promise<boolean> {
    this.#assertActive();
    const own = this.#messages.some(
      ({ record }) => record.direction === 'in' && record.channel === channel && record.channelMessageId === channelMessageId,
    );
    return own || this.#state.hasInbound(channel, channelMessageId);
  }

  async recentMessages(conversationId: number, limit: number): Promise<Message[]> {
    this.#assertActive();
    const ids = this.#state.messageIdsOfConversation(conversationId);
    return structuredClone(ids.slice(Math.max(0, ids.length - limit)).map((id) => this.#state.messages.get(id) as Message));
  }

  async doc<T>(collection: string, key: string): Promise<T | undefined> {
    this.#assertActive();
    const buffered = this.#docs.get(docKey(collection, key));
    if (buffered) return copy(buffered.value as T | undefined);
    this.#recordRead(versionKey.doc(collection, key), `doc ${collection}/${key}`);
    return copy(this.#state.doc(collection, key) as T | undefined);
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
    this.#contacts.set(contact.id, plain(contact));
  }

  putConversation(conversation: Conversation): void {
    this.#assertActive();
    this.#conversations.set(conversation.id, plain(conversation));
  }

  addMessage(message: Omit<Message, 'id'>): Message {
    this.#assertActive();
    const record = plain({ ...message, id: 0 });
    const handle = structuredClone(record);
    this.#messages.push({ record, handle });
    return handle;
  }

  putDoc(collection: string, key: string, value: unknown): void {
    this.#assertActive();
    if (value === undefined) throw new TypeError(`putDoc("${collection}", "${key}"): the value is undefined; use deleteDoc to remove a document`);
    this.#docs.set(docKey(collection, key), { collection, key, value: plain(value) });
  }

  deleteDoc(collection: string, key: string): void {
    this.#assertActive();
    this.#docs.set(docKey(collection, key), { collection, key, value: undefined });
  }

  /** Ends the work phase: from now on the tx refuses reads and writes. */
  end(): void {
    this.#ended = true;
  }

  /** True when the transaction wrote nothing. */
  get isEmpty(): boolean {
    return this.#contacts.size + this.#conversations.size + this.#messages.length + this.#docs.size === 0;
  }

  /**
   * Throws `ConflictError` if a record this transaction read has been committed by another transaction since,
   * or if committing would break an invariant against the current committed state.
   */
  check(): void {
    const state = this.#state;
    for (const [key, read] of this.#reads) {
      if (state.version(key) > read.version) throw new ConflictError(`${read.what} changed while this transaction ran; retry`);
    }
    const claimed = new Map<string, string>();
    for (const contact of this.#contacts.values()) {
      for (const identity of contact.identities) {
        const name = `${identity.channel}:${identity.id}`;
        const other = claimed.get(name);
        if (other !== undefined && other !== contact.id) {
          throw new ConflictError(`identity ${name} is put on two contacts (${other}, ${contact.id}) in one transaction`);
        }
        claimed.set(name, contact.id);
        const owner = state.contactIdByIdentity(identity.channel, identity.id);
        const ownerNow = owner === undefined ? undefined : this.#contacts.get(owner);
        if (owner !== undefined && owner !== contact.id && (!ownerNow || hasIdentity(ownerNow, identity))) {
          throw new ConflictError(`identity ${name} already belongs to contact ${owner}, not ${contact.id}`);
        }
      }
    }
    const opening = new Map<string, number>();
    for (const conversation of this.#conversations.values()) {
      const { id, contactId } = conversation;
      const committed = state.conversations.get(id);
      if (committed && committed.contactId !== contactId) {
        throw new ConflictError(`conversation #${id} belongs to contact ${committed.contactId}; it cannot move to ${contactId}`);
      }
      if (conversation.status !== 'open') continue;
      const openId = opening.get(contactId) ?? state.openConversationId(contactId);
      if (openId !== undefined && openId !== id && this.#conversations.get(openId)?.status !== 'closed') {
        throw new ConflictError(`contact ${contactId} already has open conversation #${openId}; #${id} cannot be open too`);
      }
      opening.set(contactId, id);
    }
  }

  /** The journal records of this transaction, its messages numbered from `firstMessageId` in the order added. */
  records(firstMessageId: number): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const contact of this.#contacts.values()) records.push({ contact });
    for (const conversation of this.#conversations.values()) records.push({ conversation });
    this.#messages.forEach((buffered, index) => {
      buffered.record.id = firstMessageId + index;
      records.push({ message: buffered.record });
    });
    for (const { collection, key, value } of this.#docs.values()) {
      records.push(value === undefined ? { deleteDoc: [collection, key] } : { doc: [collection, key, value] });
    }
    return records;
  }

  /** Gives the messages `addMessage` returned their ids, once the commit is durable. */
  revealIds(): void {
    for (const { record, handle } of this.#messages) handle.id = record.id;
  }

  /** Tells the state this transaction is over (checked, or failed): what it read needs no version any more. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#state.finish(this.#start);
  }

  /** A committed conversation (or its absence), recorded as read. */
  #committedConversation(id: number): Conversation | undefined {
    this.#recordRead(versionKey.conversation(id), `conversation ${id}`);
    return copy(this.#state.conversations.get(id));
  }

  /** Records the version of a committed record on its first read (a later change shows as a newer version). */
  #recordRead(key: string, what: string): void {
    if (!this.#reads.has(key)) this.#reads.set(key, { version: this.#state.version(key), what });
  }

  #assertActive(): void {
    if (this.#ended) throw new Error('this transaction has ended: use its tx only inside the work function, before it returns');
  }
}
