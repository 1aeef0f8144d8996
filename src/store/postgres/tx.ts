// One attempt of a transaction on PostgreSQL: the same contract as the embedded store's `BufferedTx` (one live
// object per record, reads that see the transaction's own writes, what it saw validated at commit), with the
// committed state read from the database and the commit done in one short database transaction.
//
// The commit takes a transaction-level advisory lock on every record it read or writes (and on each identity,
// inbound channel id and contact whose open conversation it touches), always in one order, so two commits that
// share a record run one after the other and never deadlock. Under those locks it checks that nothing it read has
// changed (record versions) and that no invariant breaks, then writes. Message ids come from a sequence, taken after
// the locks, among which are the contact and the address of every message added: two commits adding messages to
// one contact or one address run one after the other, so the ids of a contact's messages, and of an address's,
// increase in commit order across processes (what a reader polling after=<id> and the outbound claims rely on),
// while commits adding messages for different customers are written together (one WAL flush for several).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConflictError, StaleWriteError } from '../errors.ts';
import { matchesFilter } from '../filter.ts';
import type { Contact, Conversation, Identity, Message, OpenConversationFilter, Tx } from '../types.ts';
import type { KeyHint, KeyLine } from './key-line.ts';
import { lockKey, pipelined, pipelinedSettled, storeError, type Statement } from './pool.ts';
import { clean, cleanText, filterSql, identities, insertMessages, messageColumns, messageFromRow, Params, upsertContacts, upsertConversations, type MessageRow } from './rows.ts';

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

/** A row of the commit's check query (`#committed`): what `a`, `b` and `c` hold depends on `kind`. */
interface CheckRow {
  kind: 'contact' | 'conversation' | 'doc' | 'identity' | 'inbound' | 'put' | 'busy';
  a: string;
  b: string | null;
  c: string | null;
  version: string | null;
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
  readonly #hintUsed = new Set<'contact' | 'open' | 'latest'>();
  readonly #schema: string;
  readonly #contacts = new Map<string, Contact>();
  readonly #conversations = new Map<number, Conversation>();
  readonly #docs = new Map<string, LiveDoc>();
  readonly #putContacts = new Set<string>();
  readonly #putConversations = new Set<number>();
  readonly #putDocs = new Set<string>();
  readonly #messages: Omit<Message, 'id'>[] = [];
  readonly #reads = new Map<string, RecordedRead>();
  /** The addresses of each contact read from the database, as `identitiesOf` gives them: unchanged ones are not rewritten. */
  readonly #committedIdentities = new Map<string, string>();
  /** Conversation ids from the sequence or read from the database: a put of any other id moves the sequence. */
  readonly #knownConversationIds = new Set<number>();
  /** The store's instance lock number, when this commit may claim the replies it adds (`TransactionOptions.claim`). */
  readonly #claimFor: number | undefined;
  /** Addresses with a reply pending or sending, as the commit's check found them. */
  readonly #busy = new Set<string>();
  /** The messages the commit stored `sending`, claimed for this store, with their ids (after `commit`). */
  claimed: Message[] = [];
  /**
   * Whether the commit stored replies that wait for a claim (`pending`), other than those behind a reply it claimed
   * (the outcome of that one, recorded by this store with `claimNext`, claims them).
   */
  storedPending = false;
  /**
   * Inbound ids `hasInbound` answered "not stored" for without asking, on the first attempt: a repeated delivery is
   * rare, and the commit's check (which looks for them) turns one into a conflict, whose retry asks. A round trip
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

  async recentMessages(conversationId: number, limit: number): Promise<Omit<Message, 'id'>[]> {
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
    const [row] = await this.#query<{ id: string }>("SELECT nextval('conversation_ids') AS id", []);
    const id = Number(row?.id);
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
   * Two round trips whatever the work wrote, each one write of several statements: BEGIN, the locks and one query
   * for everything the checks need (a statement after the locks, so it sees every commit that held them); then one
   * statement for every write, COMMIT, and the key's unlock (the transaction is over once its commit is).
   */
  async commit(): Promise<void> {
    const empty = this.#putContacts.size + this.#putConversations.size + this.#messages.length + this.#putDocs.size === 0;
    const client = this.#client;
    if (empty) {
      // Nothing written: the reads must be current now, which one query (one snapshot) shows.
      if (this.#reads.size > 0 || this.#assumedNew.length > 0) this.#check(await this.#query<CheckRow>(...this.#committed()));
      return;
    }
    // From BEGIN until the COMMIT has been answered (a refused statement before it leaves the block open).
    let open = true;
    try {
      const [, , checked] = await pipelined(client, [
        { text: 'BEGIN' },
        { text: 'SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', values: [this.#lockKeys()] },
        this.#statement(...this.#committed()),
      ]);
      this.#check((checked as pg.QueryResult<CheckRow>).rows);
      const { statements: writes, claiming } = this.#write();
      const answers = await pipelinedSettled(client, [...writes, { text: 'COMMIT' }, this.#line.unlock()]);
      open = false;
      // After a refused write the COMMIT was a ROLLBACK, and the unlock still ran: a retry takes the lock again.
      if (answers.at(-1)?.status === 'fulfilled') this.#line.unlocked();
      const failed = answers.find((answer) => answer.status === 'rejected');
      if (failed) throw failed.reason;
      // A reply waiting behind one this commit claimed is this store's to claim, when it records that one's outcome
      // (`markDelivery` with `claimNext`): only the others may be claimable by anyone now.
      const claimedTo = new Set(claiming.map((index) => addressOf(this.#messages[index] as Omit<Message, 'id'>)));
      this.storedPending = this.#messages.some((message, index) => isReply(message) && !claiming.includes(index) && !claimedTo.has(addressOf(message)));
      if (claiming.length > 0) {
        const ids = ((answers[0] as PromiseFulfilledResult<pg.QueryResult<{ ids: string[] | null }>>).value.rows[0]?.ids ?? []).map(Number);
        this.claimed = claiming.map((index) => ({ ...(this.#messages[index] as Omit<Message, 'id'>), id: ids[index] as number, status: 'sending' as const }));
      }
    } catch (error) {
      if (open) await client.query('ROLLBACK').catch(() => {});
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
   * In one query, the committed state the checks need: the versions of the records read, the owners of the
   * identities put, inbound channel ids already stored, and the conversations put or open for a contact put open.
   */
  #committed(): [string, unknown[]] {
    const reads = { contact: [] as string[], conversation: [] as string[], doc: [] as [string, string][] };
    for (const read of this.#reads.values()) {
      if (read.kind === 'doc') reads.doc.push(JSON.parse(read.id) as [string, string]);
      else reads[read.kind].push(read.id);
    }
    const identities = [...this.#putContacts].flatMap((id) => (this.#contacts.get(id) as Contact).identities);
    // Those added, and those `hasInbound` assumed not stored.
    const inbound = [
      ...this.#messages.filter((message) => message.direction === 'in' && message.channelMessageId !== undefined).map((message) => [message.channel, message.channelMessageId as string]),
      ...this.#assumedNew,
    ];
    const put = [...this.#putConversations].map((id) => this.#conversations.get(id) as Conversation);
    const opening = [...new Set(put.filter((conversation) => conversation.status === 'open').map((conversation) => conversation.contactId))];
    // Where the commit may claim a reply: whether the address has one pending or sending already.
    const replyTo = this.#claimFor === undefined ? [] : [...new Map(this.#messages.filter(isReply).map((message) => [addressOf(message), [message.channel, message.address]])).values()];
    return [
      // Every branch looks each value up by its index (a lateral subquery per pair, LIMIT 1), so that the one plan
      // the transactions' connections keep for it (see createPool) is right on an empty table and on a large one.
      `SELECT 'contact' AS kind, id AS a, NULL AS b, NULL AS c, version FROM contacts WHERE id = ANY($1::text[])
       UNION ALL SELECT 'conversation', id::text, NULL, NULL, version FROM conversations WHERE id = ANY($2::bigint[])
       UNION ALL SELECT 'doc', d.collection, d.key, NULL, d.version FROM unnest($3::text[], $4::text[]) AS w(collection, key)
         CROSS JOIN LATERAL (SELECT collection, key, version FROM docs WHERE docs.collection = w.collection AND docs.key = w.key LIMIT 1) d
       UNION ALL SELECT 'identity', i.channel, i.address, i.contact_id, NULL FROM unnest($5::text[], $6::text[]) AS w(channel, address)
         CROSS JOIN LATERAL (SELECT channel, address, contact_id FROM contact_identities
           WHERE contact_identities.channel = w.channel AND contact_identities.address = w.address LIMIT 1) i
       UNION ALL (SELECT 'inbound', m.channel, m.channel_message_id, NULL, NULL FROM unnest($7::text[], $8::text[]) AS w(channel, id)
         CROSS JOIN LATERAL (SELECT channel, channel_message_id FROM messages
           WHERE direction = 'in' AND messages.channel = w.channel AND messages.channel_message_id = w.id LIMIT 1) m LIMIT 1)
       UNION ALL SELECT 'put', id::text, contact_id, status, NULL FROM conversations WHERE id = ANY($9::bigint[])
       UNION ALL SELECT 'put', id::text, contact_id, status, NULL FROM conversations WHERE status = 'open' AND contact_id = ANY($10::text[])
       UNION ALL SELECT 'busy', w.channel, w.address, NULL, NULL FROM unnest($11::text[], $12::text[]) AS w(channel, address)
         CROSS JOIN LATERAL (SELECT 1 FROM messages WHERE messages.channel = w.channel AND messages.address = w.address AND status = 'pending' LIMIT 1) p
       UNION ALL SELECT 'busy', w.channel, w.address, NULL, NULL FROM unnest($11::text[], $12::text[]) AS w(channel, address)
         CROSS JOIN LATERAL (SELECT 1 FROM messages WHERE messages.channel = w.channel AND messages.address = w.address AND status = 'sending' LIMIT 1) s`,
      [
        reads.contact, reads.conversation, reads.doc.map(([collection]) => collection), reads.doc.map(([, key]) => key),
        identities.map((identity) => identity.channel), identities.map((identity) => identity.id),
        inbound.map(([channel]) => channel), inbound.map(([, id]) => id),
        put.map((conversation) => conversation.id), opening,
        replyTo.map(([channel]) => channel), replyTo.map(([, address]) => address),
      ],
    ];
  }

  /**
   * Throws `ConflictError` if a record this transaction read has been committed by another transaction since, or
   * if committing would break an invariant against the committed state (the embedded store's checks, in its order).
   */
  #check(rows: CheckRow[]): void {
    const versions = new Map<string, number>();
    const owners = new Map<string, string>();
    const committedOwner = new Map<number, string>();
    const openOf = new Map<string, number>();
    let storedInbound: CheckRow | undefined;
    for (const row of rows) {
      if (row.kind === 'contact' || row.kind === 'conversation') versions.set(`${row.kind}:${row.a}`, Number(row.version));
      else if (row.kind === 'doc') versions.set(`doc:${docName(row.a, row.b as string)}`, Number(row.version));
      else if (row.kind === 'identity') owners.set(JSON.stringify([row.a, row.b]), row.c as string);
      else if (row.kind === 'inbound') storedInbound = row;
      else if (row.kind === 'busy') this.#busy.add(JSON.stringify([row.a, row.b]));
      else {
        committedOwner.set(Number(row.a), row.b as string);
        if (row.c === 'open') openOf.set(row.b as string, Number(row.a));
      }
    }
    for (const read of this.#reads.values()) {
      // Keys as the database holds them (`cleanText`): a doc's name is made again from its cleaned parts.
      const id = read.kind === 'doc' ? docName(...(clean(JSON.parse(read.id) as string[]) as [string, string])) : cleanText(read.id);
      if ((versions.get(`${read.kind}:${id}`) ?? 0) !== read.version) throw new ConflictError(`${read.what} changed while this transaction ran; retry`);
    }

    // The database names contacts as `cleanText` made their ids.
    const putByStoredId = new Map([...this.#putContacts].map((id) => [cleanText(id), id]));
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
        const stored = owners.get(JSON.stringify([cleanText(identity.channel), cleanText(identity.id)]));
        const owner = stored === undefined ? undefined : (putByStoredId.get(stored) ?? stored);
        const ownerNow = owner === undefined || !this.#putContacts.has(owner) ? undefined : this.#contacts.get(owner);
        if (owner !== undefined && owner !== contact.id && (!ownerNow || hasIdentity(ownerNow, identity))) {
          throw new ConflictError(`identity ${name} already belongs to contact ${owner}, not ${contact.id}`);
        }
      }
    }

    if (storedInbound) throw new ConflictError(`inbound message ${storedInbound.a}:${storedInbound.b} was stored by another transaction meanwhile; retry`);

    const opening = new Map<string, number>();
    for (const id of this.#putConversations) {
      const conversation = this.#conversations.get(id) as Conversation;
      const { contactId } = conversation;
      const owner = committedOwner.get(id);
      if (owner !== undefined && owner !== cleanText(contactId)) {
        throw new ConflictError(`conversation #${id} belongs to contact ${owner}; it cannot move to ${contactId}`);
      }
      if (conversation.status !== 'open') continue;
      const openId = opening.get(contactId) ?? openOf.get(cleanText(contactId));
      const closedHere = openId !== undefined && this.#putConversations.has(openId) && this.#conversations.get(openId)?.status === 'closed';
      if (openId !== undefined && openId !== id && !closedHere) {
        throw new ConflictError(`contact ${contactId} already has open conversation #${openId}; #${id} cannot be open too`);
      }
      opening.set(contactId, id);
    }
  }

  /**
   * The statements that write every record put and every message added: one, and a second when the work chose
   * conversation ids itself. Message ids are taken from the sequence in this statement, under the commit's locks on
   * the messages' contacts and addresses, and given out ascending in the order the work added the messages.
   */
  #write(): { statements: Statement[]; claiming: number[] } {
    const params = new Params();
    const claiming: number[] = [];
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
      // The first reply to an address with nothing pending or sending is claimed for this store in the commit.
      const messages = this.#messages.map((message, index) => {
        const address = addressOf(message);
        if (this.#claimFor === undefined || !isReply(message) || this.#busy.has(address)) return message;
        this.#busy.add(address);
        claiming.push(index);
        return { ...message, status: 'sending' as const };
      });
      const claimedBy = claiming.length > 0 ? messages.map((message) => (message.status === 'sending' ? (this.#claimFor as number) : null)) : undefined;
      parts.push(`messages_put AS (${insertMessages(params, messages, { expression: 'message_ids_taken.ids[t.n]', from: 'message_ids_taken' }, claimedBy)} RETURNING 1)`);
    }
    const result = claiming.length > 0 ? 'SELECT ids FROM message_ids_taken' : 'SELECT 1';
    const statements: Statement[] = [{ text: `WITH ${parts.join(',\n')} ${result}`, values: params.values }];
    if (setSequence !== undefined) statements.push({ text: "SELECT setval('conversation_ids', $1) FROM conversation_ids WHERE last_value < $1", values: [setSequence] });
    return { statements, claiming };
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
  #useHint(part: 'contact' | 'open' | 'latest'): KeyHint | undefined {
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
