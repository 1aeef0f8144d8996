// The PostgreSQL schema as numbered migrations, applied at start-up: each once, in order, by one process (an
// advisory lock), each in its own transaction with its row in `schema_migrations`.
//
// The invariants the database itself holds (ARCHITECTURE.md): one open conversation per contact and one inbound
// message per channel message id (unique partial indexes), one contact per identity (primary key). Records are
// kept whole as JSON, with the columns queries filter on beside them; `version` grows with every write of a record
// and is what a transaction's reads are validated against.
import type pg from 'pg';
import { personName } from '../../shared/text.ts';
import type { Contact } from '../types.ts';
import { checkout, checkSchema, lockKey } from './pool.ts';

interface Migration {
  version: number;
  name: string;
  sql?: string;
  /** What the SQL cannot say, run after it in the same transaction (schema on the search path). */
  run?: (client: pg.PoolClient) => Promise<void>;
}

/** Append only: a released migration is never edited, a change is a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'contacts, conversations, messages, documents',
    sql: `
      CREATE TABLE contacts (
        id text PRIMARY KEY,
        -- The order contacts were first stored in (Store.contacts).
        seq bigserial NOT NULL,
        version bigint NOT NULL,
        data json NOT NULL
      );
      CREATE INDEX contacts_by_seq ON contacts (seq);

      -- Who is behind an address of a channel: one contact at most (the primary key says so).
      CREATE TABLE contact_identities (
        channel text NOT NULL,
        address text NOT NULL,
        contact_id text NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        PRIMARY KEY (channel, address)
      );
      CREATE INDEX contact_identities_by_contact ON contact_identities (contact_id);

      CREATE SEQUENCE conversation_ids;
      CREATE TABLE conversations (
        id bigint PRIMARY KEY,
        contact_id text NOT NULL,
        status text NOT NULL,
        stage text NOT NULL,
        team text,
        agent_id text,
        version bigint NOT NULL,
        data json NOT NULL
      );
      -- Invariant 1: at most one open conversation per contact, whichever process opens it.
      CREATE UNIQUE INDEX one_open_conversation_per_contact ON conversations (contact_id) WHERE status = 'open';
      CREATE INDEX conversations_by_contact ON conversations (contact_id, id);
      CREATE INDEX open_conversations ON conversations (id) WHERE status = 'open';
      CREATE INDEX open_conversations_by_team ON conversations (stage, team, id) WHERE status = 'open';
      CREATE INDEX open_conversations_by_agent ON conversations (stage, agent_id, id) WHERE status = 'open';

      -- Message ids are handed out from this counter by the committing transaction, which holds its row until it
      -- commits: ids increase in commit order, so a reader polling after=<id> never skips one.
      CREATE TABLE store_counters (name text PRIMARY KEY, value bigint NOT NULL);
      INSERT INTO store_counters (name, value) VALUES ('message', 0);

      CREATE TABLE messages (
        id bigint PRIMARY KEY,
        contact_id text,
        conversation_id bigint,
        channel text NOT NULL,
        address text NOT NULL,
        direction text NOT NULL,
        -- Changed after the message is stored (outbound delivery): kept out of data.
        channel_message_id text,
        status text,
        error text,
        delivery text,
        -- Brought by a history sync (not something the person wrote to Switchboard).
        history boolean NOT NULL DEFAULT false,
        -- The live store that claimed it for sending (its instance lock), while status = 'sending'.
        claimed_by integer,
        data json NOT NULL
      );
      -- Invariant 2: an inbound message is stored once per channel message id.
      CREATE UNIQUE INDEX one_inbound_per_channel_id ON messages (channel, channel_message_id)
        WHERE direction = 'in' AND channel_message_id IS NOT NULL;
      CREATE INDEX messages_by_channel_id ON messages (channel, channel_message_id, id) WHERE channel_message_id IS NOT NULL;
      CREATE INDEX messages_by_contact ON messages (contact_id, id) WHERE contact_id IS NOT NULL;
      CREATE INDEX messages_by_conversation ON messages (conversation_id, id) WHERE conversation_id IS NOT NULL;
      CREATE INDEX messages_by_address ON messages (channel, address, id);
      CREATE INDEX outbound_pending ON messages (channel, address, id) WHERE status = 'pending';
      CREATE INDEX outbound_sending ON messages (channel, address) WHERE status = 'sending';

      -- Small documents (agent status, leases, flow versions…). A deleted one stays as a row without a value, so
      -- that a transaction that read it sees its version move.
      CREATE TABLE docs (
        collection text NOT NULL,
        key text NOT NULL,
        version bigint NOT NULL,
        value json,
        PRIMARY KEY (collection, key)
      );
    `,
  },
  {
    version: 2,
    name: 'message ids from a sequence',
    // The counter row of version 1 was held by every commit that added messages until its COMMIT, fsync included,
    // so those commits were written one after another, never grouped. Ids now come from a sequence, taken under
    // transaction locks on each added message's contact and address (see PgTx): what a reader polls (a contact's
    // messages after an id, an address's, the oldest pending reply of an address) still sees ids in commit order.
    // The counter table is dropped, so a process of an older version fails its commits instead of handing out ids
    // out of order beside this one.
    sql: `
      CREATE SEQUENCE message_ids;
      SELECT setval('message_ids', greatest(value, 1), value > 0) FROM store_counters WHERE name = 'message';
      DROP TABLE store_counters;
    `,
  },
  {
    version: 3,
    name: 'commits checked in the database',
    // A commit's guard (PgTx) calls this at the first thing that would break: the transaction is refused as a
    // serialization failure, which the store runs again, with the hint that tells it from PostgreSQL's own. The
    // check then needs no round trip of its own.
    sql: `
      CREATE FUNCTION conflict(reason text) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = reason, HINT = 'switchboard: the transaction runs again';
      END
      $$;
    `,
  },
  {
    version: 4,
    name: 'what a failed send is known to mean',
    // Beside `error` (the channel's own words), what they are known to mean (blocked, too large…), which the agent
    // console words in its reader's language. Set with `error`, after the message is stored: a column, as `error` is.
    sql: `
      ALTER TABLE messages ADD COLUMN failure text;
    `,
  },
  {
    version: 5,
    name: 'contact names as agents read them',
    // Names stored before they were cleaned where they come in kept direction overrides and zero-width characters
    // (a U+202E showed "Dana \u202Eevil" as "Dana live" on every card and page). `personName` says what a name shows.
    run: cleanContactNames,
  },
  {
    version: 6,
    name: 'documents a copy stored as their text',
    // `npm run migrate-store` of releases since the embedded store held timelines, sent parts and erased relays as
    // their JSON text stored that text as a JSON string: the dashboard could not read a copied conversation's
    // lifecycle, and an agent's Reply on a later part of a long relay found no customer.
    run: parseDocumentsStoredAsText,
  },
];

/** The collections whose documents the embedded store held as their JSON text then (`TEXT_COLLECTIONS` in state.ts). */
const COPIED_AS_TEXT = ['timelines', 'sent-parts', 'erased-relays'];

/**
 * Rewrites each document of `COPIED_AS_TEXT` stored as a JSON string as the document that string is, with its version
 * moved on. None of them is ever a string itself. Read and written as text: `->>` and jsonb refuse a \u0000.
 */
async function parseDocumentsStoredAsText(client: pg.PoolClient): Promise<void> {
  const found = await client.query<{ collection: string; key: string; text: string }>(
    `SELECT collection, key, value::text AS text FROM docs WHERE collection = ANY($1) AND left(value::text, 1) = '"'`,
    [COPIED_AS_TEXT],
  );
  if (found.rows.length === 0) return;
  await client.query(
    `UPDATE docs d SET version = d.version + 1, value = u.value::json
     FROM unnest($1::text[], $2::text[], $3::text[]) AS u(collection, key, value) WHERE d.collection = u.collection AND d.key = u.key`,
    [found.rows.map((row) => row.collection), found.rows.map((row) => row.key), found.rows.map((row) => JSON.parse(row.text) as string)],
  );
}

/**
 * A contact's JSON text holding a `"name"` whose string is not plain single-spaced ASCII: an escape (a control, a
 * NUL), a character beyond ASCII, a space at either end or two in a row. Matched on the stored text, since `->>`,
 * `->` and jsonb all refuse a JSON holding a \u0000; it may match a name among the fields too, which then reads as is.
 */
const NAME_TO_LOOK_AT = String.raw`"name":"(?: |(?:[^"\\]|\\.)*(?:[^ -~]|\\|  | "))`;

/**
 * Rewrites the name of every contact whose stored name `personName` would change (one that shows nothing goes), with
 * its version moved on so that a transaction that read it runs again. Only the contacts `NAME_TO_LOOK_AT` finds are
 * read: any other name reads as it is.
 */
async function cleanContactNames(client: pg.PoolClient): Promise<void> {
  const found = await client.query<{ id: string; data: Contact }>('SELECT id, data FROM contacts WHERE data::text ~ $1', [NAME_TO_LOOK_AT]);
  const cleaned = found.rows.flatMap(({ id, data }) => {
    const { name, ...rest } = data;
    if (typeof name !== 'string') return [];
    const shown = personName(name);
    return shown === name ? [] : [[id, JSON.stringify(shown === undefined ? rest : { ...rest, name: shown })] as const];
  });
  if (cleaned.length === 0) return;
  await client.query(
    `UPDATE contacts c SET version = c.version + 1, data = u.data::json
     FROM unnest($1::text[], $2::text[]) AS u(id, data) WHERE c.id = u.id`,
    [cleaned.map(([id]) => id), cleaned.map(([, data]) => data)],
  );
}

/**
 * Brings `schema` up to the newest migration. Processes starting at once wait for each other on an advisory lock,
 * so each migration runs once; one already applied is skipped. Returns the versions this call applied.
 *
 *     const applied = await migrate(pool, 'switchboard');
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<number[]> {
  checkSchema(schema);
  let broken = false;
  const client = await checkout(pool, () => {
    broken = true;
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey(schema, 'migrations')]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows.map((row) => row.version));
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path = ${schema}`);
          if (migration.sql) await client.query(migration.sql);
          await migration.run?.(client);
          await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey(schema, 'migrations')]).catch(() => {
        broken = true;
      });
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    // A connection whose unlock failed is closed, which releases the lock.
    client.release(broken);
  }
}
