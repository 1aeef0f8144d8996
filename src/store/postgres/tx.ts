// One attempt of a transaction on PostgreSQL: the same contract as the embedded store's `BufferedTx` (one live
// object per record, reads that see the transaction's own writes, what it saw validated at commit), with the
// committed state read from the database and the commit done in one short database transaction.
//
// The commit takes a transaction-level advisory lock on every record it read or writes (and on each identity,
// inbound channel id and contact whose open conversation it touches), always in one order, so two commits that
// share a record run one after the other and never deadlock. Under those locks it checks that nothing it read has
// changed (record versions) and that no invariant breaks, writes, and last takes the message counter's row: that
// row is held until COMMIT, so message ids increase in commit order across processes.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConflictError, StaleWriteError } from '../errors.ts';
import { matchesFilter } from '../filter.ts';
import type { Contact, Conversation, Identity, Message, OpenConversationFilter, Tx } from '../types.ts';
import { lockKey, storeError } from './pool.ts';
import { filterSql, messageColumns, messageFromRow, messageRow, type MessageRow } from './rows.ts';

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const docName = (collection: string, key: string): string => JSON.stringify([collection, key]);
const hasIdentity = (contact: Contact, identity: Identity): boolean =>
  contact.identities.some((own) => own.channel === identity.channel && own.id === identity.id);

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
 * The `Tx` handed to one attempt of a transaction's work, reading through `client` (which holds the key's lock).
 *
 *     const tx = new PgTx(client, schema);
 *     const value = await work(tx); tx.end(); await tx.commit();
 */
export class PgTx implements Tx {
  readonly #client: pg.PoolClient;
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
  #ended = false;

  constructor(client: pg.PoolClient, schema: string) {
    this.#client = client;
    this.#schema = schema;
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
    const row = (await this.#query<VersionedRow<Contact> & { id: string }>(
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
    const row = (await this.#query<VersionedRow<Conversation> & { id: string }>(
      "SELECT id, version, data FROM conversations WHERE contact_id = $1 AND status = 'open'",
      [contactId],
    ))[0];
    // A live object of it was checked above: this transaction closed it.
    if (!row || this.#conversations.has(Number(row.id))) return undefined;
    return this.#adoptConversation(Number(row.id), row);
  }

  async latestConversationOf(contactId: string): Promise<Conversation | undefined> {
    this.#assertActive();
    const row = (await this.#query<VersionedRow<Conversation> & { id: string }>(
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
    return randomUUID();
  }

  async newConversationId(): Promise<number> {
    this.#assertActive();
    const [row] = await this.#query<{ id: string }>("SELECT nextval('conversation_ids') AS id", []);
    return Number(row?.id);
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
   */
  async commit(): Promise<void> {
    const empty = this.#putContacts.size + this.#putConversations.size + this.#messages.length + this.#putDocs.size === 0;
    if (empty) {
      // Nothing written: the reads must be current now, which one query (one snapshot) shows.
      await this.#checkReads(this.#client);
      return;
    }
    const client = this.#client;
    await client.query('BEGIN');
    try {
      await client.query('SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', [this.#lockKeys()]);
      await this.#checkReads(client);
      await this.#checkInvariants(client);
      await this.#write(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw storeError(error, 'the commit');
    }
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
    for (const message of this.#messages) {
      if (message.direction === 'in' && message.channelMessageId !== undefined) names.add(`inbound:${JSON.stringify([message.channel, message.channelMessageId])}`);
    }
    const keys = [...names].map((name) => BigInt(lockKey(this.#schema, name)));
    return [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  }

  /** Throws `ConflictError` for the first record read whose version moved since. */
  async #checkReads(client: pg.PoolClient): Promise<void> {
    if (this.#reads.size === 0) return;
    const ids = { contact: [] as string[], conversation: [] as string[], doc: [] as string[] };
    for (const read of this.#reads.values()) ids[read.kind].push(read.id);
    const { rows } = await client.query<{ kind: RecordedRead['kind']; id: string; version: string }>(
      `SELECT 'contact' AS kind, id, version FROM contacts WHERE id = ANY($1::text[])
       UNION ALL SELECT 'conversation', id::text, version FROM conversations WHERE id = ANY($2::bigint[])
       UNION ALL SELECT 'doc', json_build_array(collection, key)::text, version FROM docs
         WHERE (collection, key) IN (SELECT d->>0, d->>1 FROM unnest($3::json[]) AS d)`,
      [ids.contact, ids.conversation, ids.doc],
    );
    const now = new Map(rows.map((row) => [`${row.kind}:${docNameOf(row)}`, Number(row.version)]));
    for (const read of this.#reads.values()) {
      if ((now.get(`${read.kind}:${read.id}`) ?? 0) !== read.version) throw new ConflictError(`${read.what} changed while this transaction ran; retry`);
    }
  }

  /** The embedded store's invariant checks, against the committed state under this commit's locks. */
  async #checkInvariants(client: pg.PoolClient): Promise<void> {
    const putContacts = [...this.#putContacts].map((id) => this.#contacts.get(id) as Contact);
    const identities = putContacts.flatMap((contact) => contact.identities.map((identity) => [identity.channel, identity.id]));
    const owners = new Map<string, string>();
    if (identities.length > 0) {
      const { rows } = await client.query<{ channel: string; address: string; contact_id: string }>(
        `SELECT channel, address, contact_id FROM contact_identities
         WHERE (channel, address) IN (SELECT i->>0, i->>1 FROM unnest($1::json[]) AS i)`,
        [identities.map((pair) => JSON.stringify(pair))],
      );
      for (const row of rows) owners.set(JSON.stringify([row.channel, row.address]), row.contact_id);
    }
    const claimed = new Map<string, string>();
    for (const contact of putContacts) {
      for (const identity of contact.identities) {
        const name = `${identity.channel}:${identity.id}`;
        const other = claimed.get(name);
        if (other !== undefined && other !== contact.id) {
          throw new ConflictError(`identity ${name} is put on two contacts (${other}, ${contact.id}) in one transaction`);
        }
        claimed.set(name, contact.id);
        const owner = owners.get(JSON.stringify([identity.channel, identity.id]));
        const ownerNow = owner === undefined || !this.#putContacts.has(owner) ? undefined : this.#contacts.get(owner);
        if (owner !== undefined && owner !== contact.id && (!ownerNow || hasIdentity(ownerNow, identity))) {
          throw new ConflictError(`identity ${name} already belongs to contact ${owner}, not ${contact.id}`);
        }
      }
    }

    const inbound = this.#messages.filter((message) => message.direction === 'in' && message.channelMessageId !== undefined);
    if (inbound.length > 0) {
      const { rows } = await client.query<{ channel: string; channel_message_id: string }>(
        `SELECT channel, channel_message_id FROM messages WHERE direction = 'in'
         AND (channel, channel_message_id) IN (SELECT m->>0, m->>1 FROM unnest($1::json[]) AS m) LIMIT 1`,
        [inbound.map((message) => JSON.stringify([message.channel, message.channelMessageId]))],
      );
      const [stored] = rows;
      if (stored) throw new ConflictError(`inbound message ${stored.channel}:${stored.channel_message_id} was stored by another transaction meanwhile; retry`);
    }

    if (this.#putConversations.size === 0) return;
    const put = [...this.#putConversations].map((id) => this.#conversations.get(id) as Conversation);
    const { rows } = await client.query<{ id: string; contact_id: string; status: string }>(
      `SELECT id, contact_id, status FROM conversations WHERE id = ANY($1::bigint[])
       OR (status = 'open' AND contact_id = ANY($2::text[]))`,
      [put.map((conversation) => conversation.id), [...new Set(put.filter((c) => c.status === 'open').map((c) => c.contactId))]],
    );
    const committedOwner = new Map<number, string>();
    const openOf = new Map<string, number>();
    for (const row of rows) {
      committedOwner.set(Number(row.id), row.contact_id);
      if (row.status === 'open') openOf.set(row.contact_id, Number(row.id));
    }
    const opening = new Map<string, number>();
    for (const conversation of put) {
      const { id, contactId } = conversation;
      const owner = committedOwner.get(id);
      if (owner !== undefined && owner !== contactId) {
        throw new ConflictError(`conversation #${id} belongs to contact ${owner}; it cannot move to ${contactId}`);
      }
      if (conversation.status !== 'open') continue;
      const openId = opening.get(contactId) ?? openOf.get(contactId);
      const closedHere = openId !== undefined && this.#putConversations.has(openId) && this.#conversations.get(openId)?.status === 'closed';
      if (openId !== undefined && openId !== id && !closedHere) {
        throw new ConflictError(`contact ${contactId} already has open conversation #${openId}; #${id} cannot be open too`);
      }
      opening.set(contactId, id);
    }
  }

  /** Writes every record put and every message added; the message counter last, held until COMMIT. */
  async #write(client: pg.PoolClient): Promise<void> {
    if (this.#putContacts.size > 0) {
      const contacts = [...this.#putContacts].map((id) => plain(this.#contacts.get(id) as Contact));
      await client.query(
        `INSERT INTO contacts (id, version, data) SELECT id, 1, data FROM unnest($1::text[], $2::json[]) AS t(id, data)
         ON CONFLICT (id) DO UPDATE SET version = contacts.version + 1, data = EXCLUDED.data`,
        [contacts.map((contact) => contact.id), contacts.map((contact) => JSON.stringify(contact))],
      );
      // The identity index changes only for contacts whose addresses changed (or that are new).
      const moved = contacts.filter((contact) => this.#committedIdentities.get(contact.id) !== identitiesOf(contact));
      if (moved.length > 0) {
        await client.query('DELETE FROM contact_identities WHERE contact_id = ANY($1::text[])', [moved.map((contact) => contact.id)]);
        const identities = moved.flatMap((contact) => contact.identities.map((identity) => JSON.stringify([identity.channel, identity.id, contact.id])));
        await client.query('INSERT INTO contact_identities (channel, address, contact_id) SELECT i->>0, i->>1, i->>2 FROM unnest($1::json[]) AS i', [identities]);
      }
    }
    if (this.#putConversations.size > 0) {
      const conversations = [...this.#putConversations].map((id) => plain(this.#conversations.get(id) as Conversation));
      // Closed ones first: a conversation closed and another opened for the same contact never meet in the index.
      const upsert = `INSERT INTO conversations (id, contact_id, status, stage, team, agent_id, version, data)
        SELECT (c->>'id')::bigint, c->>'contactId', c->>'status', c->>'stage', c->>'team', c->>'agentId', 1, c FROM unnest($1::json[]) AS c
        ON CONFLICT (id) DO UPDATE SET contact_id = EXCLUDED.contact_id, status = EXCLUDED.status, stage = EXCLUDED.stage,
          team = EXCLUDED.team, agent_id = EXCLUDED.agent_id, version = conversations.version + 1, data = EXCLUDED.data`;
      for (const open of [false, true]) {
        const batch = conversations.filter((conversation) => (conversation.status === 'open') === open);
        if (batch.length > 0) await client.query(upsert, [batch.map((conversation) => JSON.stringify(conversation))]);
      }
      // Ids chosen by the work (not from newConversationId) move the sequence past them.
      const highest = Math.max(...conversations.map((conversation) => conversation.id));
      await client.query("SELECT setval('conversation_ids', $1) FROM conversation_ids WHERE last_value < $1", [highest]);
    }
    if (this.#putDocs.size > 0) {
      const docs = [...this.#putDocs].map((name) => this.#docs.get(name) as LiveDoc);
      await client.query(
        `INSERT INTO docs (collection, key, version, value) SELECT collection, key, 1, value FROM unnest($1::text[], $2::text[], $3::json[]) AS t(collection, key, value)
         ON CONFLICT (collection, key) DO UPDATE SET version = docs.version + 1, value = EXCLUDED.value`,
        [docs.map((doc) => doc.collection), docs.map((doc) => doc.key), docs.map((doc) => (doc.value === undefined ? null : JSON.stringify(doc.value)))],
      );
    }
    if (this.#messages.length > 0) {
      const [counter] = (await client.query<{ value: string }>(
        "UPDATE store_counters SET value = value + $1 WHERE name = 'message' RETURNING value",
        [this.#messages.length],
      )).rows;
      const first = Number(counter?.value) - this.#messages.length + 1;
      const rows = this.#messages.map((message, index) => messageRow({ ...message, id: first + index }));
      await client.query(
        `INSERT INTO messages (id, contact_id, conversation_id, channel, address, direction, channel_message_id, status, error, delivery, data)
         SELECT (r->>'id')::bigint, r->>'contactId', (r->>'conversationId')::bigint, r->>'channel', r->>'address', r->>'direction',
           r->>'channelMessageId', r->>'status', r->>'error', r->>'delivery', r->'data'
         FROM unnest($1::json[]) AS r`,
        [rows.map((row) => JSON.stringify(row))],
      );
    }
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
    if (row) this.#conversations.set(id, row.data);
    return row?.data;
  }

  /** Records the version of a committed record on its first read (a later change shows as a newer version). */
  #recordRead(kind: RecordedRead['kind'], id: string, version: number, what: string): void {
    const key = `${kind}:${id}`;
    if (!this.#reads.has(key)) this.#reads.set(key, { kind, id, version, what });
  }

  async #query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.#client.query<R>(sql, params)).rows;
    } catch (error) {
      throw storeError(error, 'a read');
    }
  }

  #assertActive(): void {
    if (this.#ended) throw new Error('this transaction has ended: use its tx only inside the work function, before it returns');
  }
}

/** The id a version row names its record by: a doc's `[collection, key]` as JSON, like `docName`. */
function docNameOf(row: { kind: string; id: string }): string {
  return row.kind === 'doc' ? JSON.stringify(JSON.parse(row.id)) : row.id;
}

/** Makes `value` the live object of a record, unless another object already is: that one is the fresh one. */
function adopt<K, V>(live: Map<K, V>, id: K, value: V, what: string): void {
  const current = live.get(id);
  if (current !== undefined && current !== value) {
    throw new StaleWriteError(`a copy of ${what} was put, not the object this transaction handed out for it; change that object instead`);
  }
  live.set(id, value);
}
