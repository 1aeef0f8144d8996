// The committed data in memory with the indexes every query needs, changed only by whole journal records.
import { identityKey } from '../shared/identity.ts';
import { personName } from '../shared/text.ts';
import { ArchivedChannelIds, ArchiveIndex } from './archive-index.ts';
import { ContactTable, ConversationTable, type StoredJson } from './text-tables.ts';
import { firstAbove, IdLists, insertSorted } from './id-lists.ts';
import { jsonCopy } from './json-copy.ts';
import { CONTACT_MERGES, type Contact, type Conversation, type Message, type OpenConversationFilter } from './types.ts';

/**
 * One change in a journal line. Each record replaces one thing whole (a message record is both "add" and
 * "delivery outcome"), so replaying a record that a snapshot or the archive already holds changes nothing.
 */
export type JournalRecord =
  | { contact: Contact }
  | { conversation: Conversation }
  | { message: Message }
  | { doc: [collection: string, key: string, value: unknown] }
  | { deleteDoc: [collection: string, key: string] }
  /** A data-protection erase: the contact, their conversations and every message of either, gone (`StoreState.erase`). */
  | { eraseContact: string }
  /** Contact `from` made part of contact `into` (`Tx.mergeContact`): its conversations and messages are `into`'s, it is gone. */
  | { mergeContact: [from: string, into: string] };

/**
 * The snapshot format written: 2 since a `state-delta.json` may stand beside `state.json` (read with it). A version
 * of Switchboard that reads only 1 would ignore the delta and lose what it holds, so it refuses a 2 instead.
 */
export const SNAPSHOT_VERSION = 2;

/**
 * The lowdb document (`state.json`): every small document, and the journal sequence it includes. A snapshot captured
 * to be written (`Captured`) holds idle contacts and closed conversations as their stored JSON text.
 */
export interface Snapshot<P = Contact, C = Conversation> {
  /** 1 (before snapshot deltas) is read too. */
  version: 1 | typeof SNAPSHOT_VERSION;
  seq: number;
  /** The highest ids handed out, so ids are never reused after the records that used them are compacted. */
  counters: { message: number; conversation: number };
  contacts: P[];
  conversations: C[];
  /** `[collection, key, value]`: a list rather than an object, so any key (even `__proto__`) is safe. */
  docs: [string, string, unknown][];
}

/**
 * `state-delta.json`: the contacts, conversations and documents that changed since the snapshot of sequence `base`
 * (each whole, as of sequence `seq`), and those removed since. A compaction writes one instead of the whole
 * snapshot while the deltas since the last snapshot add up to less than one (see `LowdbStore`).
 */
export interface SnapshotDelta<P = Contact, C = Conversation> extends Snapshot<P, C> {
  base: number;
  removed: { contacts: string[]; conversations: number[]; docs: [collection: string, key: string][] };
}

/** A snapshot or delta as `StoreState` captures it to be written: idle contacts and closed conversations as their stored text. */
export type Captured = Snapshot<Contact | StoredJson, Conversation | StoredJson>;
export type CapturedDelta = SnapshotDelta<Contact | StoredJson, Conversation | StoredJson>;

/**
 * Collections of one small document per conversation (or per message sent to an agent), written a few times and
 * read seldom (an admin's or agent's view of a conversation, a report, an agent's Reply): they grow with the history,
 * so memory holds each of their documents as its JSON text, one string, where its objects were a dozen or more for
 * the garbage collector to walk at every full collection (a conversation's timeline of four moments: 17). A read
 * parses it; a snapshot writes the text as it is (`docJson`).
 */
const TEXT_COLLECTIONS: ReadonlySet<string> = new Set(['timelines', 'sent-parts', 'erased-relays']);

/**
 * A captured document's JSON, for a snapshot: its text as held, for a collection held as text.
 *
 *     docJson('timelines', '{"at":…}') // '{"at":…}'
 */
export function docJson(collection: string, value: unknown): string {
  return TEXT_COLLECTIONS.has(collection) ? (value as string) : JSON.stringify(value);
}

/** An empty store's snapshot. */
export function emptySnapshot(): Snapshot {
  return { version: SNAPSHOT_VERSION, seq: 0, counters: { message: 0, conversation: 0 }, contacts: [], conversations: [], docs: [] };
}


/**
 * The names under which the records a transaction can read by key are versioned (`StoreState.version`). Messages
 * have none: no transaction reads one by id.
 */
export const versionKey = {
  contact: (id: string): string => `contact\u0000${id}`,
  conversation: (id: number): string => `conversation\u0000${id}`,
  doc: (collection: string, key: string): string => `doc\u0000${JSON.stringify([collection, key])}`,
};

/** The version keys a record writes, read before it is applied (an erase names what it removes only then). */
function versionKeysOf(state: StoreState, record: JournalRecord): string[] {
  if ('contact' in record) return [versionKey.contact(record.contact.id)];
  if ('conversation' in record) return [versionKey.conversation(record.conversation.id)];
  if ('doc' in record) return [versionKey.doc(record.doc[0], record.doc[1])];
  if ('deleteDoc' in record) return [versionKey.doc(record.deleteDoc[0], record.deleteDoc[1])];
  if ('eraseContact' in record) {
    return [versionKey.contact(record.eraseContact), ...state.erasable(record.eraseContact).conversations.map((id) => versionKey.conversation(id))];
  }
  if ('mergeContact' in record) {
    const [from, into] = record.mergeContact;
    return [versionKey.contact(from), versionKey.contact(into), ...state.conversations.idsOfContact(from).map((id) => versionKey.conversation(id))];
  }
  return [];
}

/** Below this many versions kept, they are not pruned while transactions run. */
const pruneVersionsFrom = 4096;

/** Removes `id` from the ascending list `ids`, if it is there. */
function removeSorted(ids: number[], id: number): void {
  const index = firstAbove(ids, id) - 1;
  if (index >= 0 && ids[index] === id) ids.splice(index, 1);
}

/** Adds `id` to the ascending list `ids` unless it is there already. */
function addSorted(ids: number[], id: number): void {
  const index = firstAbove(ids, id) - 1;
  if (index < 0 || ids[index] !== id) insertSorted(ids, id);
}

/**
 * Committed state. Stored objects are never changed in place, only replaced, so a snapshot can hold
 * references to them while the store goes on changing.
 *
 *     const state = new StoreState();
 *     state.apply({ contact }); state.contactIdByIdentity('telegram', '42');
 */
export class StoreState {
  /** Contacts with an open conversation as objects, the others as JSON text outside the heap (see `ContactTable`). */
  readonly contacts = new ContactTable<Contact>();
  /** Open conversations as objects, closed ones as JSON text outside the heap (see `ConversationTable`). */
  readonly conversations = new ConversationTable<Conversation>();
  /**
   * The messages held in memory: those not yet archived (the recent ones), those waiting to be sent or being sent,
   * and archived ones read back to be changed. Every other message is only in `archived`, read from disk on demand.
   */
  readonly messages = new Map<number, Message>();
  /** Where the archived messages are in messages.jsonl. */
  readonly archived = new ArchiveIndex();
  /** The channel message ids of archived messages; `#inbound` and `#byChannelId` hold those of messages in memory. */
  readonly #archivedChannelIds = new ArchivedChannelIds();
  /** Messages stored, in memory or archived. */
  messageCount = 0;
  readonly #docs = new Map<string, Map<string, unknown>>();
  /**
   * One string per contact id for every index keyed by it (`#contactId`): parsed with each archived message and each
   * conversation, one id was three strings of 56 bytes, 8 MB of the heap at 50,000 contacts.
   */
  readonly #contactIds = new Map<string, string>();
  readonly #contactByIdentity = new Map<string, string>();
  readonly #openByContact = new Map<string, number>();
  readonly #latestByContact = new Map<string, number>();
  readonly #messagesByContact = new IdLists<string>();
  readonly #messagesByConversation = new IdLists<number>();
  readonly #inbound = new Set<string>();
  /** Channel message id (inbound or outbound) → message id; on a collision the highest message id wins. */
  readonly #byChannelId = new Map<string, number>();
  readonly #messagesByAddress = new IdLists<string>();
  readonly #pending = new Set<number>();
  /** Pending outbound ids by address (channel + address), ascending: the first one leaves next. */
  readonly #pendingTo = new Map<string, number[]>();
  /** Addresses with a pending message and none `sending`: what a claim takes, without scanning. */
  readonly #ready = new Set<string>();
  readonly #sending = new Set<number>();
  /** Addresses with a message `sending`: their next message waits for its outcome. */
  readonly #sendingTo = new Map<string, number>();
  /** Ids of the open conversations, ascending. */
  readonly #openIds: number[] = [];
  /** Open conversation ids by stage and team, and by stage and agent: queues and agent loads without a scan. */
  readonly #openBy = new Map<string, Set<number>>();
  /**
   * Record versions for read validation: the number of the commit (see `commit`) that last wrote the record.
   * A record missing here has version 0: not written since every transaction running now started.
   */
  readonly #versions = new Map<string, number>();
  /** Commits applied through `commit`: the version the next one gives what it writes is one more. */
  #commits = 0;
  /** The commit number each running transaction started at → how many started there. */
  readonly #running = new Map<number, number>();
  #pruneVersionsAt = pruneVersionsFrom;
  /** What changed since the last full snapshot (`forgetChanges`): what a snapshot delta holds. */
  #changed = { contacts: new Set<string>(), conversations: new Set<number>(), docs: new Map<string, Set<string>>() };
  lastMessageId = 0;
  lastConversationId = 0;

  /** Hands out a conversation id at once, like a database sequence: never twice, even if its transaction fails. */
  nextConversationId(): number {
    return ++this.lastConversationId;
  }

  contactIdByIdentity(channel: string, id: string): string | undefined {
    return this.#contactByIdentity.get(identityKey(channel, id));
  }

  openConversationId(contactId: string): number | undefined {
    return this.#openByContact.get(contactId);
  }

  latestConversationId(contactId: string): number | undefined {
    return this.#latestByContact.get(contactId);
  }

  hasInbound(channel: string, channelMessageId: string): boolean {
    const key = identityKey(channel, channelMessageId);
    return this.#inbound.has(key) || this.#archivedChannelIds.highest(key, true) !== undefined;
  }

  /** Id of the message (inbound or outbound) with this channel message id; the highest one if several share it. */
  messageIdByChannelId(channel: string, channelMessageId: string): number | undefined {
    const key = identityKey(channel, channelMessageId);
    return this.#byChannelId.get(key) ?? this.#archivedChannelIds.highest(key, false);
  }

  /** Ids of the open conversations, ascending. */
  openConversationIds(): readonly number[] {
    return this.#openIds;
  }

  /**
   * Ids of open conversations that may match `filter`, from an index when the filter names a stage and a team
   * or an agent (then exactly the matches), else every open one. In no particular order.
   */
  openConversationIdsFor(filter: OpenConversationFilter = {}): Iterable<number> {
    const key = openIndexKeys(filter)[0];
    return key === undefined ? this.#openIds : (this.#openBy.get(key) ?? []);
  }

  /** The version of a record named by `versionKey`: it grows with every commit that writes the record. */
  version(key: string): number {
    return this.#versions.get(key) ?? 0;
  }

  /**
   * Registers a transaction starting now, so the versions it may read stay comparable until it calls `finish`
   * with the returned start.
   */
  begin(): number {
    const start = this.#commits;
    this.#running.set(start, (this.#running.get(start) ?? 0) + 1);
    return start;
  }

  finish(start: number): void {
    const count = this.#running.get(start) ?? 0;
    if (count <= 1) this.#running.delete(start);
    else this.#running.set(start, count - 1);
  }

  /** Ids of a contact's messages above `after`, ascending. */
  messageIdsOfContact(contactId: string, after = 0): number[] {
    return this.#messagesByContact.ids(contactId, after);
  }

  /** Ids of a conversation's messages, ascending. */
  messageIdsOfConversation(conversationId: number): number[] {
    return this.#messagesByConversation.ids(conversationId);
  }

  /** Ids of the messages exchanged with an address of a channel above `after`, ascending. */
  messageIdsOfAddress(channel: string, address: string, after = 0): number[] {
    return this.#messagesByAddress.ids(identityKey(channel, address), after);
  }

  pendingIds(): number[] {
    return [...this.#pending].sort((a, b) => a - b);
  }

  sendingIds(): number[] {
    return [...this.#sending].sort((a, b) => a - b);
  }

  /**
   * Up to `limit` pending outbound messages that may be sent now: the oldest pending one of each address that has
   * no message `sending`. Costs O(limit), however many messages wait.
   */
  claimableIds(limit: number): number[] {
    const claimable: number[] = [];
    for (const to of this.#ready) {
      if (claimable.length >= limit) break;
      const first = this.#pendingTo.get(to)?.[0];
      if (first !== undefined) claimable.push(first);
    }
    return claimable;
  }

  /**
   * The message to the address of `message` that may be claimed once `message` (being sent) has its outcome: the
   * oldest pending one, unless another one is sending too.
   */
  nextAfter(message: Message): number | undefined {
    const to = identityKey(message.channel, message.address);
    const sending = (this.#sendingTo.get(to) ?? 0) - (message.status === 'sending' && this.#sending.has(message.id) ? 1 : 0);
    return sending > 0 ? undefined : this.#pendingTo.get(to)?.[0];
  }

  /** True when no outbound message to this address is pending or sending: a new one would leave next. */
  idleAddress(channel: string, address: string): boolean {
    const to = identityKey(channel, address);
    return !this.#pendingTo.has(to) && !this.#sendingTo.has(to);
  }

  /** A document, the caller's own to change (parsed, for a collection held as text; else a copy), or undefined. */
  doc(collection: string, key: string): unknown {
    return this.#ownCopy(collection, this.#docs.get(collection)?.get(key));
  }

  /** Every document of `collection` by key, each the caller's own, as `doc` gives them. */
  docs(collection: string): Map<string, unknown> {
    return new Map([...(this.#docs.get(collection) ?? [])].map(([key, value]) => [key, this.#ownCopy(collection, value)]));
  }

  #ownCopy(collection: string, value: unknown): unknown {
    if (value === undefined) return undefined;
    return TEXT_COLLECTIONS.has(collection) ? JSON.parse(value as string) : jsonCopy(value);
  }

  /**
   * Applies the records of one live commit and gives what they write a new version. (`apply` alone, as recovery
   * uses it, versions nothing: no transaction runs then.)
   */
  commit(records: readonly JournalRecord[]): void {
    this.#pruneVersions();
    const version = ++this.#commits;
    for (const record of records) {
      const keys = versionKeysOf(this, record);
      this.apply(record);
      for (const key of keys) this.#versions.set(key, version);
    }
  }

  /** Applies one record. */
  apply(record: JournalRecord): void {
    if ('contact' in record) this.#putContact(record.contact);
    else if ('conversation' in record) this.#putConversation(record.conversation);
    else if ('message' in record) this.#putMessage(record.message);
    else if ('doc' in record) this.#putDoc(...record.doc);
    else if ('eraseContact' in record) this.#erase(record.eraseContact);
    else if ('mergeContact' in record) this.#merge(...record.mergeContact);
    else this.#deleteDoc(...record.deleteDoc);
  }

  /**
   * The contact a message of contact `id` belongs to now: `id`, or the one it was merged into (`Tx.mergeContact`),
   * however many merges ago. A message archived before a merge still names the contact it was written for.
   */
  mergedInto(id: string): string {
    const merges = this.#docs.get(CONTACT_MERGES);
    let current = id;
    for (let hops = 0; hops < 100; hops++) {
      const next = (merges?.get(current) as { into?: string } | undefined)?.into;
      if (next === undefined || next === current) return current;
      current = next;
    }
    return current;
  }

  /**
   * Makes contact `from` part of `into`: its conversations and messages theirs (those in memory changed, archived
   * ones by the index, and `mergedInto` when read back), and `from` gone with its addresses. Again harmless.
   */
  #merge(from: string, into: string): void {
    for (const id of this.conversations.idsOfContact(from)) {
      const conversation = this.conversations.get(id);
      if (conversation) this.#putConversation({ ...conversation, contactId: into });
    }
    for (const id of this.#messagesByContact.ids(from)) {
      const message = this.messages.get(id);
      if (message) this.messages.set(id, { ...message, contactId: into });
      this.#messagesByContact.add(this.#contactId(into), id);
    }
    this.#messagesByContact.delete(from);
    const contact = this.contacts.get(from);
    for (const identity of contact?.identities ?? []) {
      const key = identityKey(identity.channel, identity.id);
      if (this.#contactByIdentity.get(key) === from) this.#contactByIdentity.delete(key);
    }
    if (this.contacts.get(from) !== undefined) {
      this.contacts.delete(from);
      this.#changed.contacts.add(from);
    }
    this.#openByContact.delete(from);
    this.#latestByContact.delete(from);
    this.#contactIds.delete(from);
  }

  /**
   * After recovery: the archived messages of contacts merged since (indexed by the contact their line names) are
   * their new contact's.
   */
  settleMerges(): void {
    for (const from of this.#docs.get(CONTACT_MERGES)?.keys() ?? []) {
      if (this.#messagesByContact.ids(from).length > 0 || this.conversations.idsOfContact(from).length > 0) this.#merge(from, this.mergedInto(from));
    }
  }

  #deleteDoc(collection: string, key: string): void {
    this.#docs.get(collection)?.delete(key);
    this.#docChanged(collection, key);
  }

  #docChanged(collection: string, key: string): void {
    let keys = this.#changed.docs.get(collection);
    if (!keys) this.#changed.docs.set(collection, (keys = new Set()));
    keys.add(key);
  }

  /**
   * What erasing a contact removes: their conversations, the messages of the contact or of those conversations
   * (ascending ids), and the media refs of those messages' attachments.
   *
   *     const { conversations, messages, files } = state.erasable(contactId);
   */
  erasable(contactId: string): { conversations: number[]; messages: number[]; files: string[] } {
    const conversations = this.conversations.idsOfContact(contactId);
    const ids = new Set(this.#messagesByContact.ids(contactId));
    for (const id of conversations) for (const message of this.#messagesByConversation.ids(id)) ids.add(message);
    const messages = [...ids].sort((a, b) => a - b);
    const files = new Set<string>();
    for (const id of messages) for (const attachment of this.messages.get(id)?.attachments ?? []) if (attachment.ref) files.add(attachment.ref);
    return { conversations, messages, files: [...files] };
  }

  /** Removes a contact, their conversations and their messages from every index; ids are never handed out again. */
  #erase(contactId: string): void {
    const { conversations, messages } = this.erasable(contactId);
    for (const id of messages) this.#removeMessage(id);
    for (const id of conversations) this.#removeConversation(id);
    const contact = this.contacts.get(contactId);
    for (const identity of contact?.identities ?? []) {
      const key = identityKey(identity.channel, identity.id);
      if (this.#contactByIdentity.get(key) === contactId) this.#contactByIdentity.delete(key);
    }
    this.contacts.delete(contactId);
    this.#changed.contacts.add(contactId);
    this.#messagesByContact.delete(contactId);
    this.#openByContact.delete(contactId);
    this.#latestByContact.delete(contactId);
    this.#contactIds.delete(contactId);
  }

  /** The one string the indexes hold for contact id `id` (see `#contactIds`). */
  #contactId(id: string): string {
    const held = this.#contactIds.get(id);
    if (held !== undefined) return held;
    this.#contactIds.set(id, id);
    return id;
  }

  #removeConversation(id: number): void {
    const conversation = this.conversations.get(id);
    if (!conversation) return;
    // Closed first, so it leaves the open indexes as a closed conversation would.
    this.#putConversation({ ...conversation, status: 'closed' });
    this.conversations.delete(id);
    this.#messagesByConversation.delete(id);
  }

  #removeMessage(id: number): void {
    const message = this.messages.get(id);
    // An archived message not in memory (an erase replayed at recovery): the store's lookups skip ids it no longer
    // finds, so what stays of it in the contact, conversation, address and channel id indexes is never read.
    if (this.archived.has(id) || message) this.messageCount -= 1;
    this.archived.delete(id);
    if (!message) return;
    // As if it became a message nobody sends: out of the pending and sending indexes.
    this.#trackOutbound(message, { ...message, direction: 'in' });
    if (message.channelMessageId !== undefined) {
      const key = identityKey(message.channel, message.channelMessageId);
      if (message.direction === 'in') this.#inbound.delete(key);
      if (this.#byChannelId.get(key) === id) this.#byChannelId.delete(key);
    }
    if (message.address !== undefined) {
      this.#messagesByAddress.remove(identityKey(message.channel, message.address), id);
    }
    if (message.contactId !== undefined) this.#messagesByContact.remove(message.contactId, id);
    if (message.conversationId !== undefined) this.#messagesByConversation.remove(message.conversationId, id);
    this.#pending.delete(id);
    this.#sending.delete(id);
    this.messages.delete(id);
  }

  /** Loads a snapshot into this (empty or archive-only) state: nothing has changed since it. */
  restore(snapshot: Snapshot): void {
    this.applyChanges(snapshot);
    this.forgetChanges();
  }

  /** Applies a snapshot delta (or, as `restore` does, a whole snapshot): what changed is then changed since the last snapshot. */
  applyChanges(changes: Snapshot | SnapshotDelta): void {
    for (const contact of changes.contacts) this.#putContact(contact);
    for (const conversation of changes.conversations) this.#putConversation(conversation);
    for (const [collection, key, value] of changes.docs) this.#putDoc(collection, key, value);
    if ('removed' in changes) {
      for (const [collection, key] of changes.removed.docs) this.#deleteDoc(collection, key);
      for (const id of changes.removed.conversations) this.#removeConversation(id);
      // A contact merged into another is not erased: its messages are the other's.
      for (const id of changes.removed.contacts) {
        if (this.#docs.get(CONTACT_MERGES)?.has(id)) this.#merge(id, this.mergedInto(id));
        else this.#erase(id);
      }
    }
    this.lastMessageId = Math.max(this.lastMessageId, changes.counters.message);
    this.lastConversationId = Math.max(this.lastConversationId, changes.counters.conversation);
  }

  /** Contacts, conversations and documents: what a snapshot holds. */
  recordCount(): number {
    let docs = 0;
    for (const entries of this.#docs.values()) docs += entries.size;
    return this.contacts.size + this.conversations.size + docs;
  }

  /** Contacts, conversations and documents changed (or removed) since the last full snapshot: what a delta holds. */
  changedCount(): number {
    let docs = 0;
    for (const keys of this.#changed.docs.values()) docs += keys.size;
    return this.#changed.contacts.size + this.#changed.conversations.size + docs;
  }

  /** A full snapshot is being written: changes from now on are changes since it. */
  forgetChanges(): void {
    this.#changed = { contacts: new Set(), conversations: new Set(), docs: new Map() };
  }

  /**
   * What changed since the last full snapshot (of sequence `base`), as a delta covering journal sequence `seq`.
   * Like `capture`, references taken where memory and journal agree.
   */
  captureChanges(seq: number, base: number): CapturedDelta {
    const delta: CapturedDelta = {
      version: SNAPSHOT_VERSION,
      base,
      seq,
      counters: { message: this.lastMessageId, conversation: this.lastConversationId },
      contacts: [],
      conversations: [],
      docs: [],
      removed: { contacts: [], conversations: [], docs: [] },
    };
    for (const id of this.#changed.contacts) {
      const contact = this.contacts.object(id) ?? this.contacts.stored(id);
      if (contact) delta.contacts.push(contact);
      else delta.removed.contacts.push(id);
    }
    for (const id of this.#changed.conversations) {
      const conversation = this.conversations.object(id) ?? this.conversations.stored(id);
      if (conversation) delta.conversations.push(conversation);
      else delta.removed.conversations.push(id);
    }
    for (const [collection, keys] of this.#changed.docs) {
      const entries = this.#docs.get(collection);
      for (const key of keys) {
        if (entries?.has(key)) delta.docs.push([collection, key, entries.get(key)]);
        else delta.removed.docs.push([collection, key]);
      }
    }
    return delta;
  }

  /**
   * The state as a snapshot covering journal sequence `seq`. Cheap and synchronous (references, not copies), so
   * it is taken exactly where memory and journal agree.
   */
  capture(seq: number): Captured {
    const docs: [string, string, unknown][] = [];
    for (const [collection, entries] of this.#docs) {
      for (const [key, value] of entries) docs.push([collection, key, value]);
    }
    return {
      version: SNAPSHOT_VERSION,
      seq,
      counters: { message: this.lastMessageId, conversation: this.lastConversationId },
      contacts: this.contacts.entries(),
      conversations: this.conversations.entries(),
      docs,
    };
  }

  /**
   * Forgets versions no running transaction can have read before they were written (version ≤ the oldest start):
   * they then read as 0, which is never above a version recorded by a read, so no change goes unseen and no
   * unchanged record looks changed. Keeps the map as small as the writes made while transactions run.
   */
  #pruneVersions(): void {
    if (this.#running.size === 0) {
      if (this.#versions.size > 0) this.#versions.clear();
      return;
    }
    if (this.#versions.size < this.#pruneVersionsAt) return;
    let oldest = Infinity;
    for (const start of this.#running.keys()) oldest = Math.min(oldest, start);
    for (const [key, version] of this.#versions) if (version <= oldest) this.#versions.delete(key);
    this.#pruneVersionsAt = Math.max(pruneVersionsFrom, this.#versions.size * 2);
  }

  #putContact(stored: Contact): void {
    const contact = shownName(stored);
    const previous = this.contacts.get(contact.id);
    for (const identity of previous?.identities ?? []) {
      const key = identityKey(identity.channel, identity.id);
      if (this.#contactByIdentity.get(key) === contact.id) this.#contactByIdentity.delete(key);
    }
    const contactId = this.#contactId(contact.id);
    for (const identity of contact.identities) this.#contactByIdentity.set(identityKey(identity.channel, identity.id), contactId);
    // Held as an object while the contact has an open conversation (see #putConversation).
    this.contacts.set(contactId, contact, { asText: !this.#openByContact.has(contactId) });
    this.#changed.contacts.add(contactId);
  }

  #putConversation(conversation: Conversation): void {
    // Before desks were channel-neutral, a thread was a Telegram topic's address alone.
    if (typeof conversation.deskThread === 'string') conversation.deskThread = { channel: 'telegram', address: conversation.deskThread };
    // A contact with an open conversation is read at each of their messages: held as an object while it lasts.
    if (conversation.status === 'open') this.contacts.hold(conversation.contactId);
    conversation.contactId = this.#contactId(conversation.contactId);
    const { id, contactId } = conversation;
    // Only an open conversation is in the open indexes, and only those are held as objects.
    const previous = this.conversations.object(id);
    if (previous?.status === 'open') {
      for (const key of openIndexKeys(previous)) {
        const ids = this.#openBy.get(key);
        ids?.delete(id);
        if (ids?.size === 0) this.#openBy.delete(key);
      }
    }
    if (conversation.status === 'open') {
      for (const key of openIndexKeys(conversation)) {
        const ids = this.#openBy.get(key) ?? new Set<number>();
        ids.add(id);
        this.#openBy.set(key, ids);
      }
    }
    if (this.#openByContact.get(contactId) === id && conversation.status !== 'open') this.#openByContact.delete(contactId);
    if (conversation.status === 'open') this.#openByContact.set(contactId, id);
    if (!this.#openByContact.has(contactId)) this.contacts.release(contactId);
    if (conversation.status === 'open') addSorted(this.#openIds, id);
    else removeSorted(this.#openIds, id);
    if ((this.#latestByContact.get(contactId) ?? 0) < id) this.#latestByContact.set(contactId, id);
    this.conversations.set(id, conversation);
    this.#changed.conversations.add(id);
    this.lastConversationId = Math.max(this.lastConversationId, id);
  }

  /**
   * Lets the memory of message `id` go now that its line at `offset` (`length` bytes) of the archive is durable,
   * unless it changed since (`expected` is no longer its object), is still to be sent, or has no address yet (a
   * message of an older version, addressed after recovery).
   */
  archive(id: number, offset: number, length: number, expected?: Message): void {
    const message = this.messages.get(id);
    if (!message || (expected !== undefined && message !== expected)) return;
    if (message.status === 'pending' || message.status === 'sending' || message.address === undefined) return;
    this.archived.set(id, offset, length);
    this.messages.delete(id);
    if (message.channelMessageId === undefined) return;
    const key = identityKey(message.channel, message.channelMessageId);
    const inbound = message.direction === 'in';
    if (inbound) this.#inbound.delete(key);
    if (this.#byChannelId.get(key) === id) this.#byChannelId.delete(key);
    this.#archivedChannelIds.add(key, id, inbound);
  }

  /** Holds an archived message read back from disk in memory again, so that a change to it sees what it replaces. */
  cache(message: Message): void {
    if (!this.messages.has(message.id)) this.messages.set(message.id, message);
  }

  #putMessage(message: Message): void {
    const { id } = message;
    const previous = this.messages.get(id);
    // An archived message not in memory is in the indexes already; what changes in a settled message (its delivery,
    // a failure reported later) touches none of them.
    if (!previous && !this.archived.has(id)) this.#indexNew(message);
    if (message.direction === 'in' && message.channelMessageId !== undefined) {
      this.#inbound.add(identityKey(message.channel, message.channelMessageId));
    }
    this.#indexChannelId(previous, message);
    this.#trackOutbound(previous, message);
    this.messages.set(id, message);
    this.lastMessageId = Math.max(this.lastMessageId, id);
  }

  /**
   * Recovery of one archive line: the message indexed as `archive` would leave it, without making it an object in
   * memory first (at millions of lines, that garbage was most of the peak memory of opening). A message that must
   * stay in memory (in memory already, to be sent, or without an address) goes the usual way.
   */
  restoreArchived(message: Message, offset: number, length: number): void {
    const { id } = message;
    if (this.messages.has(id) || message.status === 'pending' || message.status === 'sending' || message.address === undefined) {
      this.#putMessage(message);
      this.archive(id, offset, length);
      return;
    }
    if (!this.archived.has(id)) this.#indexNew(message);
    if (message.channelMessageId !== undefined) {
      this.#archivedChannelIds.add(identityKey(message.channel, message.channelMessageId), id, message.direction === 'in');
    }
    this.archived.set(id, offset, length);
    this.lastMessageId = Math.max(this.lastMessageId, id);
  }

  /** Counts a message seen for the first time and puts it in the contact, conversation and address indexes. */
  #indexNew(message: Message): void {
    const { id } = message;
    this.messageCount += 1;
    if (message.contactId !== undefined) this.#messagesByContact.add(this.#contactId(message.contactId), id);
    if (message.address !== undefined) this.#indexAddress(message);
    if (message.conversationId !== undefined) this.#messagesByConversation.add(message.conversationId, id);
  }

  /** Keeps the pending and sending indexes, and which addresses are ready to send, in step with a message's status. */
  #trackOutbound(previous: Message | undefined, message: Message): void {
    const { id } = message;
    const to = identityKey(message.channel, message.address);
    if (previous?.status === 'pending' && this.#pending.delete(id)) {
      const ids = this.#pendingTo.get(to) ?? [];
      removeSorted(ids, id);
      if (ids.length === 0) this.#pendingTo.delete(to);
    }
    if (previous?.status === 'sending' && this.#sending.delete(id)) {
      const count = (this.#sendingTo.get(to) ?? 1) - 1;
      if (count <= 0) this.#sendingTo.delete(to);
      else this.#sendingTo.set(to, count);
    }
    if (message.direction === 'out' && message.status === 'pending') {
      this.#pending.add(id);
      const ids = this.#pendingTo.get(to);
      if (ids) addSorted(ids, id);
      else this.#pendingTo.set(to, [id]);
    }
    if (message.direction === 'out' && message.status === 'sending') {
      this.#sending.add(id);
      this.#sendingTo.set(to, (this.#sendingTo.get(to) ?? 0) + 1);
    }
    if (this.#pendingTo.has(to) && !this.#sendingTo.has(to)) this.#ready.add(to);
    else this.#ready.delete(to);
  }

  #indexAddress(message: Message): void {
    this.#messagesByAddress.add(identityKey(message.channel, message.address), message.id);
  }

  /** Packs the id lists into typed arrays (see `IdLists`): once the archive is read, and again after recovery. */
  packIndexes(): void {
    this.#messagesByContact.pack();
    this.#messagesByConversation.pack();
    this.#messagesByAddress.pack();
    this.conversations.packIndex();
  }

  /** Packs the id lists that did not change since the last call (see `IdLists.packIdle`): at each compaction. */
  packIdleIndexes(): void {
    this.#messagesByContact.packIdle();
    this.#messagesByConversation.packIdle();
    this.#messagesByAddress.packIdle();
    this.conversations.packIdleIndex();
  }

  /**
   * Gives messages stored before messages had an `address` the one of their contact on their channel (agents'
   * and desk threads' messages were then kept under contacts of their own). Run once after recovery.
   */
  addressLegacyMessages(): number {
    let fixed = 0;
    for (const [id, message] of this.messages) {
      if (message.address !== undefined || message.contactId === undefined) continue;
      const identity = this.contacts.get(message.contactId)?.identities.find((own) => own.channel === message.channel);
      if (!identity) continue;
      const addressed = { ...message, address: identity.id };
      // Out of the outbound indexes under no address, into them under its address.
      this.#trackOutbound(message, { ...message, direction: 'in' });
      this.#trackOutbound(undefined, addressed);
      this.messages.set(id, addressed);
      this.#indexAddress(addressed);
      fixed++;
    }
    return fixed;
  }

  /** Keeps `#byChannelId` pointing at the highest message id per channel message id, whatever the apply order. */
  #indexChannelId(previous: Message | undefined, message: Message): void {
    const { id, channelMessageId } = message;
    if (previous?.channelMessageId !== undefined && (previous.channelMessageId !== channelMessageId || previous.channel !== message.channel)) {
      const key = identityKey(previous.channel, previous.channelMessageId);
      if (this.#byChannelId.get(key) === id) this.#byChannelId.delete(key);
    }
    if (channelMessageId === undefined) return;
    const key = identityKey(message.channel, channelMessageId);
    const indexed = this.#byChannelId.get(key);
    if (indexed === undefined || indexed <= id) this.#byChannelId.set(key, id);
  }

  #putDoc(collection: string, key: string, value: unknown): void {
    let entries = this.#docs.get(collection);
    if (!entries) this.#docs.set(collection, (entries = new Map()));
    // As the journal line has it: a value JSON cannot hold (a function) is null.
    entries.set(key, TEXT_COLLECTIONS.has(collection) ? (JSON.stringify(value) ?? 'null') : value);
    this.#docChanged(collection, key);
  }
}

/** The index keys of a conversation (or of a filter: its first key is the one to look up, if any). */
function openIndexKeys(of: { stage?: string; team?: string; agentId?: string }): string[] {
  if (of.stage === undefined) return [];
  const keys: string[] = [];
  if (of.team !== undefined) keys.push(`${of.stage}\u0000team\u0000${of.team}`);
  if (of.agentId !== undefined) keys.push(`${of.stage}\u0000agent\u0000${of.agentId}`);
  return keys;
}

/**
 * `contact` with its name as agents are shown names (`personName`): one stored before names were cleaned where they
 * come in (a U+202E turned "Dana \u202Eevil" into "Dana live") reads cleaned from the store's open on, and a snapshot
 * keeps it so. The same contact when its name is clean.
 */
function shownName(contact: Contact): Contact {
  if (contact.name === undefined) return contact;
  const name = personName(contact.name);
  if (name === contact.name) return contact;
  const { name: _stored, ...rest } = contact;
  return name === undefined ? rest : { ...rest, name };
}
