// One attempt of a transaction on PostgreSQL: the same contract as the embedded store's `BufferedTx` (one live
// object per record, reads that see the transaction's own writes, what it saw validated at commit), with the
// committed state read from the database and the commit done in one short database transaction.
//
// The commit takes a transaction-level advisory lock on every record it read or writes (and on each identity,
// inbound channel id and contact whose open conversation it touches), always in one order, so two commits that
// share a record run one after the other and never deadlock. Under those locks the database checks that nothing it
// read has changed (record versions) and that no invariant breaks (the guard), then it writes; all of it, COMMIT
// included, sent in one write. Message ids come from a sequence, taken after
// the locks, among which are the contact and the address of every message added: two commits adding messages to
// one contact or one address run one after the other, so the ids of a contact's messages, and of an address's,
// increase in commit order across processes (what a reader polling after=<id> and the outbound claims rely on),
// while commits adding messages for different customers are written together (one WAL flush for several).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConflictError, StaleWriteError } from '../errors.ts';
import { matchesFilter } from '../filter.ts';
import { CONTACT_MERGES, type Contact, type Conversation, type Identity, type Message, type OpenConversationFilter, type RecentMessage, type Tx } from '../types.ts';
import type { KeyHint, KeyLine } from './key-line.ts';
import { lockKey, pipelined, pipelinedSettled, storeError, type Statement } from './pool.ts';
import { clean, filterSql, identities, insertMessages, messageColumns, messageFromRow, Params, upsertContacts, upsertConversations, type MessageRow } from './rows.ts';

/** The hint of the errors the schema's `conflict` function raises (migration 3). */
const CONFLICT_HINT = 'switchboard: the transaction runs again';

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const docName = (collection: string, key: string): string => JSON.stringify([collection, key]);
const hasIdentity = (contact: Contact, identity: Identity): boolean =>
  contact.identities.some((own) => own.channel === identity.channel && own.id === identity.id);

/** An outbound message waiting to be sent, which a commit may claim. */
const isReply = (message: Omit<Message, 'id'>): boolean => message.direction === 'out' && message.status === 'pending';
const addressOf = (message: Omit<Message, 'id'>): string => JSON.stringify([message.channel, message.address]);

/** A contact's addresses, comparable as one string. */
const identitiesOf = (contact: Contact): string => JSON.stringify(contact.identities.map((identity) => [identity.channel, identity.id]));

/** A record read from the committed state: which one, its version then, and how a `ConflictError` names it. */
interface RecordedRead {
  kind: 'contact' | 'conversation' | 'doc';
  id: string;
  version: number;
  what: string;
}

interface LiveDoc {
  collection: string;
  key: string;
  /** `undefined`: absent, or deleted. */
  value: unknown;
}

interface VersionedRow<T> {
  version: string;
  data: T;
}

/**
 * The `Tx` handed to one attempt of a transaction's work, reading through the connection of `line` (which holds the
 * key's lock, and what was read with it).
 *
 *     const tx = new PgTx(line, schema, { mayRetry: true });
 *     const value = await work(tx); tx.end(); await tx.commit();
 */
export class PgTx implements Tx {
  readonly #client: pg.PoolClient;
  readonly #line: KeyLine;
  /** What was read with the key's lock: each part answers the first read of it, as that read's query would have. */
  readonly #hint: KeyHint | undefined;
  readonly #hintUsed = new Set<'contact' | 'open' | 'latest' | 'next'>();
  readonly #schema: string;
  readonly #contacts = new Map<string, Contact>();
  readonly #conversations = new Map<number, Conversation>();
  readonly #docs = new Map<string, LiveDoc>();
  readonly #putContacts = new Set<string>();
  readonly #putConversations = new Set<number>();
  readonly #putDocs = new Set<string>();
  readonly #messages: Omit<Message, 'id'>[] = [];
  /** Contacts merged into others at commit (`mergeContact`): `from` → `into`. */
  readonly #merges = new Map<string, string>();
  readonly #reads = new Map<string, RecordedRead>();
  /** The addresses of each contact read from the database, as `identitiesOf` gives them: unchanged ones are not rewritten. */
  readonly #committedIdentities = new Map<string, string>();
  /** Conversation ids from the sequence or read from the database: a put of any other id moves the sequence. */
  readonly #knownConversationIds = new Set<number>();
  /** The store's instance lock number, when this commit may claim the replies it adds (`TransactionOptions.claim`). */
  readonly #claimFor: number | undefined;
  /** The messages the commit stored `sending`, claimed for this store, with their ids (after `commit`). */
  claimed: Message[] = [];
  /**
   * Whether the commit stored replies that wait for a claim (`pending`), other than those behind a reply it claimed
   * (the outcome of that one, recorded by this store with `claimNext`, claims them).
   */
  storedPending = false;
  /**
   * Inbound ids `hasInbound` answered "not stored" for without asking, on the first attempt: a repeated delivery is
   * rare, and the commit's guard (which looks for them) turns one into a conflict, whose retry asks. A round trip
   * less for every message.
   */
  readonly #assumedNew: [channel: string, channelMessageId: string][] = [];
  readonly #assumeNew: boolean;
  /** Contacts made by this transaction (`newContactId`): the database holds no conversation of theirs. */
  readonly #newContacts = new Set<string>();
  #ended = false;

  /**
   * `claimFor`: the number of the store's instance lock, to claim in the commit (see `TransactionOptions.claim`).
   * `mayRetry`: whether a conflict runs the work again (else `hasInbound` always asks; see `#assumedNew`).
   */
  constructor(line: KeyLine, schema: string, options: { claimFor?: number; mayRetry: boolean }) {
    this.#line = line;
    this.#client = line.client;
    this.#schema = schema;
    this.#hint = line.takeHint();
    this.#claimFor = options.claimFor;
    this.#assumeNew = options.mayRetry && this.#hint !== undefined;
  }

  async contact(id: string): Promise<Contact | undefined> {
    this.#assertActive();
    const live = this.#contacts.get(id);
    if (live) return live;
    const row = (await this.#query<VersionedRow<Contact>>('SELECT version, data FROM contacts WHERE id = $1', [id]))[0];
    return this.#adoptContact(id, row);
  }

  async contactByIdentity(channel: string, id: string): Promise<Contact | undefined> {
    this.#assertActive();
    const identity = { channel, id };
    for (const contact of this.#contacts.values()) if (hasIdentity(contact, identity)) return contact;
    const hint = this.#hint !== undefined && this.#hint.channel === channel && this.#hint.address === id ? this.#useHint('contact') : undefined;
    const row = hint ? hint.contact : (await this.#query<VersionedRow<Contact> & { id: string }>(
      'SELECT c.id, c.version, c.data FROM contact_identities i JOIN contacts c ON c.id = i.contact_id WHERE i.channel = $1 AND i.address = $2',
      [channel, id],
    ))[0];
    // A live object of the owner was checked above: it gave the identity away.
    if (!row || this.#contacts.has(row.id)) return undefined;
    return this.#adoptContact(row.id, row);
  }

  async conversation(id: number): Promise<Conversation | undefined> {
    this.#assertActive();
    const live = this.#conversations.get(id);
    if (live) return live;
    const row = (await this.#query<VersionedRow<Conversation>>('SELECT version, data FROM conversations WHERE id = $1', [id]))[0];
    return this.#adoptConversation(id, row);
  }

  async openConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId && conversation.status === 'open') return conversation;
    }
    if (this.#newContacts.has(contactId)) return undefined;
    const hint = this.#hint?.contact?.id === contactId ? this.#useHint('open') : undefined;
    const row = hint ? hint.open : (await this.#query<VersionedRow<Conversation> & { id: string }>(
      "SELECT id, version, data FROM conversations WHERE contact_id = $1 AND status = 'open'",
      [contactId],
    ))[0];
    // A live object of it was checked above: this transaction closed it.
    if (!row || this.#conversations.has(Number(row.id))) return undefined;
    return this.#adoptConversation(Number(row.id), row);
  }

  async latestConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    const hint = this.#hint?.contact?.id === contactId ? this.#useHint('latest') : undefined;
    const row = this.#newContacts.has(contactId) ? undefined : hint ? hint.latest : (await this.#query<VersionedRow<Conversation> & { id: string }>(
      'SELECT id, version, data FROM conversations WHERE contact_id = $1 ORDER BY id DESC LIMIT 1',
      [contactId],
    ))[0];
    let latest = row ? Number(row.id) : 0;
    for (const conversation of this.#conversations.values()) {
      if (conversation.contactId === contactId) latest = Math.max(latest, conversation.id);
    }
    if (latest === 0) return undefined;
    return this.#conversations.get(latest) ?? this.#adoptConversation(latest, row);
  }

  async openConversations(filter?: OpenConversationFilter, options: { live?: boolean } = {}): Promise<Conversation[]> {
    this.#assertActive();
    const live = options.live ?? true;
    const open: Conversation[] = [];
    for (const conversation of this.#conversations.values()) {
      if (conversation.status === 'open' && matchesFilter(conversation, filter)) open.push(live ? conversation : structuredClone(conversation));
    }
    const where = filterSql(filter, 1);
    const rows = await this.#query<VersionedRow<Conversation> & { id: string }>(
      `SELECT id, version, data FROM conversations WHERE status = 'open'${where.sql} ORDER BY id`,
      where.params,
    );
    for (const row of rows) {
      const id = Number(row.id);
      if (this.#conversations.has(id)) continue;
      open.push(live ? (this.#adoptConversation(id, row) as Conversation) : row.data);
    }
    return open.sort((a, b) => a.id - b.id);
  }

  async countOpenConversations(filter?: OpenConversationFilter): Promise<number> {
    this.#assertActive();
    const where = filterSql(filter, 2);
    const [row] = await this.#query<{ count: string }>(
      `SELECT count(*) FROM conversations WHERE status = 'open' AND NOT (id = ANY($1::bigint[]))${where.sql}`,
      [[...this.#conversations.keys()], ...where.params],
    );
    let count = Number(row?.count ?? 0);
    for (const conversation of this.#conversations.values()) {
      if (conversation.status === 'open' && matchesFilter(conversation, filter)) count++;
    }
    return count;
  }

  async messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined> {
    this.#assertActive();
    const rows = await this.#query<MessageRow>(
      `SELECT ${messageColumns} FROM messages WHERE channel = $1 AND channel_message_id = $2 ORDER BY id DESC LIMIT 1`,
      [channel, channelMessageId],
    );
    return rows[0] ? messageFromRow(rows[0]) : undefined;
  }

  async hasInbound(channel: string, channelMessageId: string): Promise<boolean> {
    this.#assertActive();
    const own = this.#messages.some(
      (message) => message.direction === 'in' && message.channel === channel && message.channelMessageId === channelMessageId,
    );
    if (own) return true;
    // The first attempt (the one with the key's hint) assumes a new message; a later one runs after a conflict, and asks.
    if (this.#assumeNew) {
      this.#assumedNew.push([channel, channelMessageId]);
      return false;
    }
    const rows = await this.#query("SELECT 1 FROM messages WHERE direction = 'in' AND channel = $1 AND channel_message_id = $2", [channel, channelMessageId]);
    return rows.length > 0;
  }

  async recentMessages(conversationId: number, limit: number): Promise<RecentMessage[]> {
    this.#assertActive();
    const own = this.#messages.filter((message) => message.conversationId === conversationId);
    const rows = limit <= 0 ? [] : await this.#query<MessageRow>(
      `SELECT * FROM (SELECT ${messageColumns} FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) recent ORDER BY id`,
      [conversationId, limit],
    );
    return structuredClone([...rows.map(messageFromRow), ...own].slice(-limit));
  }

  async doc<T>(collection: string, key: string): Promise<T | undefined> {
    this.#assertActive();
    const name = docName(collection, key);
    let live = this.#docs.get(name);
    if (!live) {
      const row = (await this.#query<{ version: string; value: unknown; absent: boolean }>(
        'SELECT version, value, value IS NULL AS absent FROM docs WHERE collection = $1 AND key = $2',
        [collection, key],
      ))[0];
      // Read while the query ran: a put or delete of the same doc meanwhile wins.
      live = this.#docs.get(name);
      if (live) return live.value as T | undefined;
      this.#recordRead('doc', name, row ? Number(row.version) : 0, `doc ${collection}/${key}`);
      live = { collection, key, value: row && !row.absent ? row.value : undefined };
      this.#docs.set(name, live);
    }
    return live.value as T | undefined;
  }

  async newContactId(): Promise<string> {
    this.#assertActive();
    const id = randomUUID();
    this.#newContacts.add(id);
    return id;
  }

  async newConversationId(): Promise<number> {
    this.#assertActive();
    // Taken with the key's lock when nobody behind the address had an open conversation (see `KeyHint`).
    const taken = this.#hint?.nextConversationId !== undefined ? this.#useHint('next')?.nextConversationId : undefined;
    const id = Number(taken ?? (await this.#query<{ id: string }>("SELECT nextval('conversation_ids') AS id", []))[0]?.id);
    this.#knownConversationIds.add(id);
    return id;
  }

  putContact(contact: Contact): void {
    this.#assertActive();
    adopt(this.#contacts, contact.id, contact, `contact ${contact.id}`);
    this.#putContacts.add(contact.id);
  }

  putConversation(conversation: Conversation): void {
    this.#assertActive();
    adopt(this.#conversations, conversation.id, conversation, `conversation #${conversation.id}`);
    this.#putConversations.add(conversation.id);
  }

  addMessage(message: Omit<Message, 'id'>): void {
    this.#assertActive();
    this.#messages.push(plain(message));
  }

  putDoc(collection: string, key: string, value: unknown): void {
    this.#assertActive();
    if (value === undefined) throw new TypeError(`putDoc("${collection}", "${key}"): the value is undefined; use deleteDoc to remove a document`);
    const name = docName(collection, key);
    this.#docs.set(name, { collection, key, value });
    this.#putDocs.add(name);
  }

  async mergeContact(from: string, into: string): Promise<boolean> {
    this.#assertActive();
    if (from === into || this.#merges.has(from)) return false;
    const [gone, kept] = [await this.contact(from), await this.contact(into)];
    if (!gone || !kept) return false;
    this.#merges.set(from, into);
    this.putDoc(CONTACT_MERGES, from, { into, at: new Date().toISOString() });
    return true;
  }

  deleteDoc(collection: string, key: string): void {
    this.#assertActive();
    const name = docName(collection, key);
    this.#docs.set(name, { collection, key, value: undefined });
    this.#putDocs.add(name);
  }

  /** Ends the work phase: from now on the tx refuses reads and writes. */
  end(): void {
    this.#ended = true;
  }

  /**
   * Commits what the work wrote, or checks that what a read-only work saw is still current. Throws `ConflictError`
   * when a record it read changed meanwhile or an invariant would break; nothing is kept then.
   *
   * One round trip whatever the work wrote, one write of several statements: BEGIN, the locks, the guard (a
   * statement after the locks, so it sees every commit that held them, which refuses the transaction when what the
   * work saw changed or an invariant would break: see `#guard`), one statement for every write, COMMIT, and the
   * key's unlock (the transaction is over once its commit is). A refused statement makes the COMMIT a ROLLBACK.
   */
  async commit(): Promise<void> {
    const empty = this.#putContacts.size + this.#putConversations.size + this.#messages.length + this.#putDocs.size + this.#merges.size === 0;
    const client = this.#client;
    if (empty) {
      // Nothing written: the reads must be current now, which the guard alone (one snapshot) shows.
      if (this.#reads.size > 0 || this.#assumedNew.length > 0) {
        await pipelined(client, [this.#statement(...this.#guard())]).catch((error: unknown) => {
          throw storeError(conflictOf(error), 'the commit');
        });
      }
      return;
    }
    this.#checkWithin();
    const { statements: writes, candidates } = this.#write();
    // Until every statement was answered (a statement that could not even be sent leaves the block open).
    let answered = false;
    try {
      const answers = await pipelinedSettled(client, [
        { text: 'BEGIN' },
        { text: 'SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', values: [this.#lockKeys()] },
        this.#statement(...this.#guard()),
        ...writes,
        { text: 'COMMIT' },
        this.#line.unlock(),
      ]);
      answered = true;
      // After a refused statement the COMMIT was a ROLLBACK, and the unlock still ran: a retry takes the lock again.
      if (answers.at(-1)?.status === 'fulfilled') this.#line.unlocked();
      const failed = answers.find((answer) => answer.status === 'rejected');
      if (failed) throw conflictOf(failed.reason);
      if (candidates.length > 0) {
        const row = (answers[3] as PromiseFulfilledResult<pg.QueryResult<{ ids: string[] | null; claimed: string[] | null }>>).value.rows[0];
        const ids = (row?.ids ?? []).map(Number);
        const claimedIds = new Set((row?.claimed ?? []).map(Number));
        const claiming = candidates.filter((index) => claimedIds.has(ids[index] as number));
        this.claimed = claiming.map((index) => ({ ...(this.#messages[index] as Omit<Message, 'id'>), id: ids[index] as number, status: 'sending' as const }));
      }
      // A reply waiting behind one this commit claimed is this store's to claim, when it records that one's outcome
      // (`markDelivery` with `claimNext`): only the others may be claimable by anyone now.
      const claimedTo = new Set(this.claimed.map(addressOf));
      this.storedPending = this.#messages.some((message) => isReply(message) && !claimedTo.has(addressOf(message)));
    } catch (error) {
      if (!answered) await client.query('ROLLBACK').catch(() => {});
      throw storeError(error, 'the commit');
    }
  }

  /** A statement with its parameters as a text column holds them. */
  #statement(text: string, values: unknown[]): Statement {
    return { text, values: clean(values) };
  }

  /** Every lock the commit needs, sorted (one order for every commit: no deadlock), as bigint strings. */
  #lockKeys(): string[] {
    const names = new Set<string>();
    for (const read of this.#reads.values()) names.add(`${read.kind}:${read.id}`);
    for (const id of this.#putContacts) {
      names.add(`contact:${id}`);
      for (const identity of (this.#contacts.get(id) as Contact).identities) names.add(`identity:${JSON.stringify([identity.channel, identity.id])}`);
    }
    for (const id of this.#putConversations) {
      names.add(`conversation:${id}`);
      names.add(`open:${(this.#conversations.get(id) as Conversation).contactId}`);
    }
    for (const name of this.#putDocs) names.add(`doc:${name}`);
    for (const [from, into] of this.#merges) {
      for (const id of [from, into]) for (const kind of ['contact', 'open', 'messages-of-contact']) names.add(`${kind}:${id}`);
    }
    for (const [channel, id] of this.#assumedNew) names.add(`inbound:${JSON.stringify([channel, id])}`);
    for (const message of this.#messages) {
      if (message.direction === 'in' && message.channelMessageId !== undefined) names.add(`inbound:${JSON.stringify([message.channel, message.channelMessageId])}`);
      // The order of message ids: by contact and by address, the orders readers poll in (see the file's comment).
      if (message.contactId !== undefined) names.add(`messages-of-contact:${message.contactId}`);
      names.add(`messages-of-address:${JSON.stringify([message.channel, message.address])}`);
    }
    const keys = [...names].map((name) => BigInt(lockKey(this.#schema, name)));
    return [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  }

  /**
   * What the commit checks against the database, as one statement that refuses the transaction (SQLSTATE 40001,
   * through the schema's `conflict` function, see migration 3) at the first thing that would break, in the
   * embedded store's order: a record the work read has a new version; an identity put belongs to a contact other
   * than its new owner (or one this commit takes it from); an inbound channel id added, or assumed new by
   * `hasInbound`, is stored already; a conversation put belongs to another contact; a contact would have two open
   * conversations. Every branch looks each value up by its index (a lateral subquery, LIMIT 1), so that the one plan
   * the transactions' connections keep for it (see createPool) is right on an empty table and on a large one.
   */
  #guard(): [string, unknown[]] {
    const reads = [...this.#reads.values()];
    const doc = (read: RecordedRead): [string, string] | [null, null] => (read.kind === 'doc' ? JSON.parse(read.id) as [string, string] : [null, null]);
    // Who may own each identity put: its contact, or a contact put by this commit without it (it moves).
    const identities: [channel: string, address: string, contact: string, name: string][] = [];
    const allowed: [channel: string, address: string, owner: string][] = [];
    for (const id of this.#putContacts) {
      for (const identity of (this.#contacts.get(id) as Contact).identities) {
        identities.push([identity.channel, identity.id, id, `${identity.channel}:${identity.id}`]);
        allowed.push([identity.channel, identity.id, id]);
        for (const other of this.#putContacts) {
          if (other !== id && !hasIdentity(this.#contacts.get(other) as Contact, identity)) allowed.push([identity.channel, identity.id, other]);
        }
        // A contact merged into this one gives its addresses up.
        for (const [from, into] of this.#merges) if (into === id) allowed.push([identity.channel, identity.id, from]);
      }
    }
    const inbound = [
      ...this.#messages.filter((message) => message.direction === 'in' && message.channelMessageId !== undefined).map((message) => [message.channel, message.channelMessageId as string]),
      ...this.#assumedNew,
    ];
    const put = [...this.#putConversations].map((id) => this.#conversations.get(id) as Conversation);
    const opening = put.filter((conversation) => conversation.status === 'open');
    const closing = put.filter((conversation) => conversation.status !== 'open').map((conversation) => conversation.id);
    return [
      `SELECT conflict(w.what || ' changed while this transaction ran; retry')
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::text[]) AS w(kind, contact, conversation, collection, key, version, what)
         LEFT JOIN LATERAL (SELECT version FROM contacts WHERE w.kind = 'contact' AND contacts.id = w.contact LIMIT 1) c ON true
         LEFT JOIN LATERAL (SELECT version FROM conversations WHERE w.kind = 'conversation' AND conversations.id = w.conversation LIMIT 1) v ON true
         LEFT JOIN LATERAL (SELECT version FROM docs WHERE w.kind = 'doc' AND docs.collection = w.collection AND docs.key = w.key LIMIT 1) d ON true
         WHERE coalesce(c.version, v.version, d.version, 0) <> w.version
       UNION ALL SELECT conflict('identity ' || w.name || ' already belongs to contact ' || i.contact_id || ', not ' || w.contact)
         FROM unnest($8::text[], $9::text[], $10::text[], $11::text[]) AS w(channel, address, contact, name)
         CROSS JOIN LATERAL (SELECT contact_id FROM contact_identities
           WHERE contact_identities.channel = w.channel AND contact_identities.address = w.address LIMIT 1) i
         WHERE NOT EXISTS (SELECT 1 FROM unnest($12::text[], $13::text[], $14::text[]) AS a(channel, address, owner)
           WHERE a.channel = w.channel AND a.address = w.address AND a.owner = i.contact_id)
       UNION ALL SELECT conflict('inbound message ' || m.channel || ':' || m.channel_message_id || ' was stored by another transaction meanwhile; retry')
         FROM unnest($15::text[], $16::text[]) AS w(channel, id)
         CROSS JOIN LATERAL (SELECT channel, channel_message_id FROM messages
           WHERE direction = 'in' AND messages.channel = w.channel AND messages.channel_message_id = w.id LIMIT 1) m
       UNION ALL SELECT conflict('conversation #' || w.id || ' belongs to contact ' || c.contact_id || '; it cannot move to ' || w.contact)
         FROM unnest($17::bigint[], $18::text[]) AS w(id, contact)
         CROSS JOIN LATERAL (SELECT contact_id FROM conversations WHERE conversations.id = w.id LIMIT 1) c
         WHERE c.contact_id <> w.contact
       UNION ALL SELECT conflict('contact ' || w.contact || ' already has open conversation #' || o.id || '; #' || w.id || ' cannot be open too')
         FROM unnest($19::bigint[], $20::text[]) AS w(id, contact)
         CROSS JOIN LATERAL (SELECT id FROM conversations WHERE status = 'open' AND conversations.contact_id = w.contact
           AND conversations.id <> w.id AND NOT (conversations.id = ANY($21::bigint[])) LIMIT 1) o`,
      [
        reads.map((read) => read.kind), reads.map((read) => (read.kind === 'contact' ? read.id : null)),
        reads.map((read) => (read.kind === 'conversation' ? Number(read.id) : null)), reads.map((read) => doc(read)[0]), reads.map((read) => doc(read)[1]),
        reads.map((read) => read.version), reads.map((read) => read.what),
        identities.map(([channel]) => channel), identities.map(([, address]) => address), identities.map(([, , contact]) => contact), identities.map(([, , , name]) => name),
        allowed.map(([channel]) => channel), allowed.map(([, address]) => address), allowed.map(([, , owner]) => owner),
        inbound.map(([channel]) => channel), inbound.map(([, id]) => id),
        put.map((conversation) => conversation.id), put.map((conversation) => conversation.contactId),
        opening.map((conversation) => conversation.id), opening.map((conversation) => conversation.contactId), closing,
      ],
    ];
  }

  /**
   * The checks the database has no part in, made before anything is sent: one identity put on two contacts, or two
   * conversations of one contact put open, by this commit.
   */
  #checkWithin(): void {
    const claimed = new Map<string, string>();
    for (const id of this.#putContacts) {
      for (const identity of (this.#contacts.get(id) as Contact).identities) {
        const name = `${identity.channel}:${identity.id}`;
        const other = claimed.get(name);
        if (other !== undefined && other !== id) throw new ConflictError(`identity ${name} is put on two contacts (${other}, ${id}) in one transaction`);
        claimed.set(name, id);
      }
    }
    const opening = new Map<string, number>();
    for (const id of this.#putConversations) {
      const conversation = this.#conversations.get(id) as Conversation;
      if (conversation.status !== 'open') continue;
      const other = opening.get(conversation.contactId);
      if (other !== undefined) throw new ConflictError(`contact ${conversation.contactId} already has open conversation #${other}; #${id} cannot be open too`);
      opening.set(conversation.contactId, id);
    }
  }

  /**
   * The statements that write every record put and every message added: one, and a second when the work chose
   * conversation ids itself. Message ids are taken from the sequence in this statement, under the commit's locks on
   * the messages' contacts and addresses, and given out ascending in the order the work added the messages.
   */
  #write(): { statements: Statement[]; candidates: number[] } {
    const params = new Params();
    const candidates: number[] = [];
    const parts: string[] = [];
    if (this.#putContacts.size > 0) {
      const contacts = [...this.#putContacts].map((id) => plain(this.#contacts.get(id) as Contact));
      parts.push(`contacts_put AS (${upsertContacts(params, contacts)} RETURNING 1)`);
      // The identity index changes only for contacts whose addresses changed (or that are new).
      const moved = contacts.filter((contact) => this.#committedIdentities.get(contact.id) !== identitiesOf(contact));
      if (moved.length > 0) {
        const now = identities(params, moved);
        parts.push(`identities_gone AS (DELETE FROM contact_identities WHERE contact_id = ANY(${params.add(moved.map((contact) => contact.id))}::text[])
          AND (channel, address) NOT IN (SELECT channel, address FROM ${now}) RETURNING 1)`);
        parts.push(`identities_put AS (INSERT INTO contact_identities (channel, address, contact_id) SELECT channel, address, contact_id FROM ${now}
          ON CONFLICT (channel, address) DO UPDATE SET contact_id = EXCLUDED.contact_id RETURNING 1)`);
      }
    }
    let setSequence: number | undefined;
    if (this.#putConversations.size > 0) {
      // Closed ones first: a conversation closed and another opened for the same contact never meet in the index.
      const conversations = [...this.#putConversations].map((id) => plain(this.#conversations.get(id) as Conversation))
        .sort((a, b) => Number(a.status === 'open') - Number(b.status === 'open'));
      parts.push(`conversations_put AS (${upsertConversations(params, conversations)} RETURNING 1)`);
      // Ids the work chose itself (not from newConversationId, not read) move the sequence past them.
      const chosen = conversations.filter((conversation) => !this.#knownConversationIds.has(conversation.id));
      if (chosen.length > 0) setSequence = Math.max(...chosen.map((conversation) => conversation.id));
    }
    if (this.#putDocs.size > 0) {
      const docs = [...this.#putDocs].map((name) => this.#docs.get(name) as LiveDoc);
      parts.push(`docs_put AS (INSERT INTO docs (collection, key, version, value)
        SELECT collection, key, 1, value FROM unnest(${params.add(docs.map((doc) => doc.collection))}::text[], ${params.add(docs.map((doc) => doc.key))}::text[],
          ${params.add(docs.map((doc) => (doc.value === undefined ? null : JSON.stringify(doc.value))))}::json[]) AS t(collection, key, value)
        ON CONFLICT (collection, key) DO UPDATE SET version = docs.version + 1, value = EXCLUDED.value RETURNING 1)`);
    }
    if (this.#messages.length > 0) {
      const count = params.add(this.#messages.length);
      // Sorted: a sequence gives each row a value, not in any promised order of the rows.
      parts.push(`message_ids_taken AS (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT nextval('message_ids') AS id FROM generate_series(1, ${count}::int)) taken)`);
      // The first reply of the commit to each address is claimed for this store in the commit if the address has
      // nothing pending or sending (the insert looks, under the commit's lock on the address).
      const first = new Set<string>();
      if (this.#claimFor !== undefined) {
        this.#messages.forEach((message, index) => {
          if (!isReply(message) || first.has(addressOf(message))) return;
          first.add(addressOf(message));
          candidates.push(index);
        });
      }
      const flags = this.#messages.map(() => false);
      for (const index of candidates) flags[index] = true;
      const claim = candidates.length > 0 ? { candidates: flags, by: this.#claimFor as number } : undefined;
      parts.push(`messages_put AS (${insertMessages(params, this.#messages, { expression: 'message_ids_taken.ids[t.n]', from: 'message_ids_taken' }, claim)} RETURNING id, claimed_by)`);
    }
    const result = candidates.length > 0
      ? 'SELECT ids, (SELECT array_agg(id) FROM messages_put WHERE claimed_by IS NOT NULL) AS claimed FROM message_ids_taken'
      : 'SELECT 1';
    const statements: Statement[] = parts.length > 0 ? [{ text: `WITH ${parts.join(',\n')} ${result}`, values: params.values }] : [{ text: 'SELECT 1' }];
    // After what the work put (the contact taking the addresses, the conversation it closed): the merged contact's
    // conversations and messages become the other's, under the commit's locks on both, and it goes.
    for (const [from, into] of this.#merges) {
      const moved = (table: string, extra = ''): string =>
        `UPDATE ${table} SET contact_id = $2${extra}, data = jsonb_set(data::jsonb, '{contactId}', to_jsonb($2::text))::json WHERE contact_id = $1`;
      statements.push(
        { text: `SELECT conflict('contacts ' || $1 || ' and ' || $2 || ' both have an open conversation; close one before merging them')
            WHERE EXISTS (SELECT 1 FROM conversations WHERE contact_id = $1 AND status = 'open') AND EXISTS (SELECT 1 FROM conversations WHERE contact_id = $2 AND status = 'open')`, values: [from, into] },
        { text: moved('conversations', ', version = version + 1'), values: [from, into] },
        { text: moved('messages'), values: [from, into] },
        { text: 'DELETE FROM contacts WHERE id = $1', values: [from] },
      );
    }
    if (setSequence !== undefined) statements.push({ text: "SELECT setval('conversation_ids', $1) FROM conversation_ids WHERE last_value < $1 OR (NOT is_called AND last_value = $1)", values: [setSequence] });
    return { statements, candidates };
  }

  #adoptContact(id: string, row: VersionedRow<Contact> | undefined): Contact | undefined {
    const live = this.#contacts.get(id);
    if (live) return live;
    this.#recordRead('contact', id, row ? Number(row.version) : 0, `contact ${id}`);
    if (row) {
      this.#contacts.set(id, row.data);
      this.#committedIdentities.set(id, identitiesOf(row.data));
    }
    return row?.data;
  }

  #adoptConversation(id: number, row: VersionedRow<Conversation> | undefined): Conversation | undefined {
    const live = this.#conversations.get(id);
    if (live) return live;
    this.#recordRead('conversation', String(id), row ? Number(row.version) : 0, `conversation ${id}`);
    if (row) {
      this.#conversations.set(id, row.data);
      this.#knownConversationIds.add(id);
    }
    return row?.data;
  }

  /** Records the version of a committed record on its first read (a later change shows as a newer version). */
  #recordRead(kind: RecordedRead['kind'], id: string, version: number, what: string): void {
    const key = `${kind}:${id}`;
    if (!this.#reads.has(key)) this.#reads.set(key, { kind, id, version, what });
  }

  async #query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return ((await pipelined(this.#client, [this.#statement(sql, params)]))[0] as pg.QueryResult<R>).rows;
    } catch (error) {
      throw storeError(error, 'a read');
    }
  }

  /** The hint, if its `part` has not answered a read yet (it answers one). */
  #useHint(part: 'contact' | 'open' | 'latest' | 'next'): KeyHint | undefined {
    if (this.#hintUsed.has(part)) return undefined;
    this.#hintUsed.add(part);
    return this.#hint;
  }

  #assertActive(): void {
    if (this.#ended) throw new Error('this transaction has ended: use its tx only inside the work function, before it returns');
  }
}

/** Makes `value` the live object of a record, unless another object already is: that one is the fresh one. */
function adopt<K, V>(live: Map<K, V>, id: K, value: V, what: string): void {
  const current = live.get(id);
  if (current !== undefined && current !== value) {
    throw new StaleWriteError(`a copy of ${what} was put, not the object this transaction handed out for it; change that object instead`);
  }
  live.set(id, value);
}

/**
 * The store's `ConflictError` for a refusal of the commit's guard (its message as the guard wrote it), else the
 * error itself.
 */
function conflictOf(error: unknown): unknown {
  const { code, hint, message } = (error ?? {}) as { code?: string; hint?: string; message?: string };
  return code === '40001' && hint === CONFLICT_HINT ? new ConflictError(message ?? 'a record changed while this transaction ran; retry', { cause: error }) : error;
}
