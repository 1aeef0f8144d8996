// A transaction key's place in line across processes: the session advisory lock of the key on the connection that
// runs the transaction's work, taken in the same round trip as a read of what the work most likely reads first.
//
// Most keys name a person's address (`telegram:<chat>`, `webchat:<session>`), and the work on such a key reads the
// contact behind that address and their open (or latest) conversation before anything else. Read with the lock,
// after it is granted, they cost no round trip of their own; the transaction still records their versions when it
// uses them, so what it saw is validated at commit exactly as if it had read them then.
import type pg from 'pg';
import type { Contact, Conversation } from '../types.ts';
import { lockKey, pipelined, storeError, type Statement } from './pool.ts';
import { clean } from './rows.ts';

/** A record as the first read found it: its version then and its data. */
export interface VersionedRecord<T> {
  version: string;
  data: T;
}

/** What was read with the lock: the contact behind the key's address, and that contact's open and latest conversations. */
export interface KeyHint {
  channel: string;
  address: string;
  /** Absent: nobody has this address. */
  contact?: VersionedRecord<Contact> & { id: string };
  /** Absent: the contact has no open conversation. */
  open?: VersionedRecord<Conversation> & { id: string };
  /** Absent: the contact has no conversation at all. */
  latest?: VersionedRecord<Conversation> & { id: string };
  /**
   * A conversation id taken from the sequence with the lock, for a transaction that most likely opens a conversation
   * (`TransactionOptions.opening`), when nobody behind the address has an open one: `newConversationId` answers with
   * it once, without a round trip. Unused, it is a gap in the sequence, as a rolled-back transaction's is.
   */
  nextConversationId?: string;
}

interface HintRow {
  /** Null when nobody has the address (the row is there for `next_conversation_id`). */
  id: string | null;
  version: string;
  data: Contact;
  open_id: string | null;
  open_version: string | null;
  open_data: Conversation | null;
  latest_id: string | null;
  latest_version: string | null;
  /** Null when the latest conversation is the open one (sent once). */
  latest_data: Conversation | null;
  next_conversation_id: string | null;
}

// One row whether or not anybody has the address; `nextval` runs only in the branch that uses it (CASE evaluates
// the branch chosen): only for a transaction that asked ($3), and not for a contact with an open conversation.
const HINT_SQL = `SELECT h.*, CASE WHEN $3::boolean AND h.open_id IS NULL THEN nextval('conversation_ids') END AS next_conversation_id
  FROM (VALUES (1)) AS one LEFT JOIN LATERAL (
    SELECT c.id, c.version, c.data, o.id AS open_id, o.version AS open_version, o.data AS open_data,
      l.id AS latest_id, l.version AS latest_version, CASE WHEN l.id = o.id THEN NULL ELSE l.data END AS latest_data
    FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
    LEFT JOIN conversations o ON o.contact_id = c.id AND o.status = 'open'
    LEFT JOIN LATERAL (SELECT id, version, data FROM conversations WHERE contact_id = c.id ORDER BY id DESC LIMIT 1) l ON true
    WHERE i.channel = $1 AND i.address = $2) AS h ON true`;

/**
 * The key's lock on `client`, held from `take` until `release` (or until a commit sends `unlock()` behind its COMMIT).
 *
 *     const line = await KeyLine.take(client, 'switchboard', 'telegram:42');
 *     try { await work(line); } finally { await line.release(); }
 */
export class KeyLine {
  readonly client: pg.PoolClient;
  readonly #lock: Statement;
  readonly #unlock: Statement;
  #held = false;
  #hint: KeyHint | undefined;

  private constructor(client: pg.PoolClient, schema: string, key: string) {
    this.client = client;
    const lock = lockKey(schema, `key:${key}`);
    this.#lock = { text: 'SELECT pg_advisory_lock($1)', values: [lock] };
    this.#unlock = { text: 'SELECT pg_advisory_unlock($1)', values: [lock] };
  }

  /**
   * Waits for the key's lock on `client` and reads, in the same round trip, what work on the key reads first; with
   * `opening`, a conversation id too when the address has no open conversation (see `KeyHint.nextConversationId`).
   */
  static async take(client: pg.PoolClient, schema: string, key: string, options: { opening?: boolean } = {}): Promise<KeyLine> {
    const line = new KeyLine(client, schema, key);
    const colon = key.indexOf(':');
    if (colon <= 0) {
      await line.#take([]);
      return line;
    }
    const [channel, address] = [key.slice(0, colon), key.slice(colon + 1)];
    const [rows] = await line.#take([{ text: HINT_SQL, values: clean([channel, address, options.opening === true]) }]);
    line.#hint = hintOf(channel, address, rows?.rows[0] as HintRow | undefined);
    return line;
  }

  /** Whether this connection holds the key's lock now. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * What was read with the lock, for the first attempt of the work only: a later attempt runs because something
   * changed, and reads afresh.
   */
  takeHint(): KeyHint | undefined {
    const hint = this.#hint;
    this.#hint = undefined;
    return hint;
  }

  /** Takes the lock again if a commit gave it up (a write refused after the commit's statements had been sent). */
  async retake(): Promise<void> {
    if (!this.#held) await this.#take([]);
  }

  /** The statement that releases the lock, to send after a COMMIT; `unlocked()` once it ran. */
  unlock(): Statement {
    return this.#unlock;
  }

  /** Records that the statement of `unlock()` ran. */
  unlocked(): void {
    this.#held = false;
  }

  /** Releases the lock if it is still held; false if that failed (the caller closes the connection, which releases it). */
  async release(): Promise<boolean> {
    if (!this.#held) return true;
    try {
      await this.client.query(this.#unlock.text, this.#unlock.values);
      this.#held = false;
      return true;
    } catch {
      return false;
    }
  }

  async #take(reads: Statement[]): Promise<pg.QueryResult[]> {
    try {
      const [, ...results] = await pipelined(this.client, [this.#lock, ...reads]);
      this.#held = true;
      return results;
    } catch (error) {
      throw storeError(error, 'the transaction');
    }
  }
}

function hintOf(channel: string, address: string, row: HintRow | undefined): KeyHint {
  const next = row?.next_conversation_id ?? null;
  if (!row || row.id === null) return { channel, address, ...(next === null ? {} : { nextConversationId: next }) };
  const open = row.open_id === null ? undefined : { id: row.open_id, version: row.open_version as string, data: row.open_data as Conversation };
  const latest = row.latest_id === null
    ? undefined
    : row.latest_data === null ? open : { id: row.latest_id, version: row.latest_version as string, data: row.latest_data };
  return {
    channel,
    address,
    contact: { id: row.id, version: row.version, data: row.data },
    ...(open ? { open } : {}),
    ...(latest ? { latest } : {}),
    ...(next === null ? {} : { nextConversationId: next }),
  };
}
