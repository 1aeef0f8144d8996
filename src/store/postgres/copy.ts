// Copying an embedded store into PostgreSQL (`npm run migrate-store`): everything in one database transaction, ids
// kept, then checked by counting what landed against what the embedded store holds.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import type { LowdbStore } from '../lowdb.ts';
import type { Message } from '../types.ts';
import { migrate, MIGRATIONS } from './migrations.ts';
import { checkout, createPool, INSTANCE_LOCK_HELD, LOCK } from './pool.ts';
import { identities, insertMessages, Params, upsertContacts, upsertConversations } from './rows.ts';

/** Rows per insert statement. */
const BATCH = 1000;

/** What was copied, counted in the embedded store (`source`) and in PostgreSQL (`target`). */
export interface CopyReport {
  source: Counts;
  target: Counts;
  /** Inbound messages copied without their channel message id (see `insertAll`). */
  withoutChannelId: number;
  /** Why the tables could not be vacuumed and analyzed after the copy (which is committed all the same). */
  vacuumFailed?: string;
}

/** The tables a copy fills. */
const TABLES = 'contacts, contact_identities, conversations, messages, docs';

export interface Counts {
  contacts: number;
  conversations: number;
  messages: number;
  docs: number;
}

/** A copy refused or ended in a way its message tells the admin in full: no stack trace needed. */
export class CopyError extends Error {}

/** The target already holds data and `force` was not given: nothing was changed. */
export class TargetNotEmptyError extends CopyError {
  override readonly name = 'TargetNotEmptyError';
}

/** The counts after the copy differ from the source's: the copy was rolled back. */
export class CopyMismatchError extends CopyError {
  override readonly name = 'CopyMismatchError';
}

/** Switchboard processes are connected to the target: nothing was changed. */
export class TargetInUseError extends CopyError {
  override readonly name = 'TargetInUseError';
}

/** The target's schema was migrated by a newer Switchboard: nothing was changed. */
export class NewerSchemaError extends CopyError {
  override readonly name = 'NewerSchemaError';
}

/** The connection was lost during COMMIT: the copy may be in the database, or not. */
export class CommitUnknownError extends CopyError {
  override readonly name = 'CommitUnknownError';
}

/**
 * The Switchboard stores open on the database `client` is connected to: each holds its instance lock (LOCK.instance)
 * for its whole life, whatever its connections are named. Asked a few times over 2 s: a process that has just
 * stopped ends its sessions a moment after it closed them.
 */
async function liveStores(client: pg.PoolClient): Promise<{ pid: number; client: string }[]> {
  const look = async () => (await client.query<{ pid: number; client: string }>(
    `SELECT l.pid, coalesce(host(a.client_addr), 'a local socket') AS client FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE ${INSTANCE_LOCK_HELD} ORDER BY l.pid`,
  )).rows;
  let live = await look();
  for (let attempt = 0; attempt < 10 && live.length > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    live = await look();
  }
  return live;
}

/**
 * Copies everything the store `open` opens holds into the PostgreSQL database at `url` (schema `schema`, migrated
 * first); `open` is called once the target is found fit, so that a refusal does not wait for a large store to be read.
 * Refuses a target that holds any contact, conversation, message or document unless `force`, which empties it first.
 * The counts are compared inside the transaction: on a mismatch nothing is committed.
 *
 *     const report = await copyToPostgres(async () => lowdb, { url: process.env.DATABASE_URL, force: false });
 */
export async function copyToPostgres(
  open: () => Promise<LowdbStore>,
  options: {
    url: string; schema?: string; force?: boolean; legacyFlowVersionsDir?: string;
    /** Told how many messages are in the database's transaction so far, after each batch, and how many there are. */
    progress?: (messages: number, of: number) => void;
  },
): Promise<CopyReport> {
  const schema = options.schema ?? 'switchboard';
  // Two connections: one checks and copies, the migrations take the other.
  const pool = createPool({ url: options.url, schema, max: 2, applicationName: 'switchboard migrate-store' }, () => {});
  try {
    const client = await checkout(pool, () => {});
    let locked = false;
    try {
      // Held until the end: a store that starts meanwhile waits for the copy to finish (it looks for this lock after
      // taking its instance lock, which the check below looks for after taking this one).
      locked = (await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', LOCK.copy)).rows[0]?.held === true;
      if (!locked) {
        throw new TargetInUseError('another `npm run migrate-store` is copying into this database; nothing was copied. Wait for it to finish.');
      }
      // Copying under running processes would replace (with --force) or mix with what they serve, and they would go
      // on from what they hold in memory; migrating the schema first could break an older version's processes.
      const live = await liveStores(client);
      if (live.length > 0) {
        const pids = live.map((store) => store.pid).join(', ');
        throw new TargetInUseError(
          `${live.length} Switchboard process${live.length === 1 ? ' is' : 'es are'} using this database (from ${[...new Set(live.map((store) => store.client))].join(', ')}); nothing was copied. ` +
            `Stop every Switchboard process on it first. If they are gone already (a host cut off from the network: PostgreSQL keeps its sessions until their keepalive gives up), end those sessions: SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[${pids}]) AS pid;`,
        );
      }
      // A schema a newer Switchboard migrated past what this one knows: copying this version's rows into it, even
      // into empty tables, writes what that version may not read, and the store would be marked copied.
      const unknown = await newerMigrations(client);
      if (unknown.length > 0) {
        const newest = MIGRATIONS.at(-1)?.version ?? 0;
        throw new NewerSchemaError(
          `the PostgreSQL schema ${schema} was migrated by a newer Switchboard (migration ${unknown.join(', ')}: ${unknown.length === 1 ? 'one' : 'ones'} this version, which knows up to ${newest}, does not); nothing was copied, even with --force. ` +
            'Run migrate-store of the version that migrated it (or a newer one), or copy into another database.',
        );
      }
      // Before the embedded store is read, which takes a while for a large one: a refusal comes at once.
      if (options.force !== true && (await holdsTables(client))) {
        const before = await count(client);
        if (Object.values(before).some((n) => n > 0)) throw notEmpty(before, schema);
      }
      const source = await open();
      await migrate(pool, schema);
      const data = await source.everything();
      if (options.legacyFlowVersionsDir) data.docs.push(...(await legacyFlowVersions(options.legacyFlowVersionsDir, data.docs)));
      // The messages as the store counts them (in memory and archived alike), not as the copy read them: a message
      // the copy missed shows as a mismatch below.
      const sourceCounts: Counts = { contacts: data.contacts.length, conversations: data.conversations.length, messages: data.messageCount, docs: data.docs.length };
      const { target, withoutChannelId } = await copyAll(client, data, source, sourceCounts, options.force === true, schema, options.progress);
      // As after any bulk load: the planner's statistics, and the pages marked all-visible, before the first process
      // starts (else autovacuum does both under its first load, and until then the plans are guessed). The copy is
      // committed by now, whatever this does.
      try {
        await client.query(`VACUUM (ANALYZE) ${TABLES}`);
        return { source: sourceCounts, target, withoutChannelId };
      } catch (error) {
        return { source: sourceCounts, target, withoutChannelId, vacuumFailed: (error as Error).message };
      }
    } finally {
      // Let go of before the copy returns: a session's locks otherwise outlive its connection's end by as long as the
      // server takes to see it close, and a store opened right after the copy found the lock and refused to open.
      // A connection that broke has lost the lock with it.
      if (locked) await client.query('SELECT pg_advisory_unlock($1, $2)', LOCK.copy).catch(() => undefined);
      client.release();
    }
  } finally {
    await pool.end();
  }
}

/**
 * The flow versions releases before 0.2 kept as files (`<flow>@<version>.yaml` in DATA_DIR/store/flow-versions), which
 * the embedded store's servers still read, as the documents the store keeps versions in now; those the store already
 * holds are left out.
 */
async function legacyFlowVersions(dir: string, docs: readonly [string, string, unknown][]): Promise<[string, string, unknown][]> {
  const held = new Set(docs.filter(([collection]) => collection === 'flow-versions').map(([, key]) => key));
  const found: [string, string, unknown][] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const match = /^([a-z0-9_-]{1,64})@([0-9a-f]{12})\.yaml$/.exec(name);
    if (!match || held.has(`${match[1]}@${match[2]}`)) continue;
    const file = join(dir, name);
    const [source, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    found.push(['flow-versions', `${match[1]}@${match[2]}`, { flow: match[1], version: match[2], source, publishedAt: info.mtime.toISOString() }]);
  }
  return found;
}

/** The copy in one transaction: refused if the target holds data (unless `force`), rolled back on a count mismatch. */
async function copyAll(
  client: pg.PoolClient, data: Awaited<ReturnType<LowdbStore['everything']>>, source: LowdbStore, sourceCounts: Counts, force: boolean, schema: string,
  progress: ((messages: number, of: number) => void) | undefined,
): Promise<{ target: Counts; withoutChannelId: number }> {
  await client.query('BEGIN');
  let target: Counts;
  let withoutChannelId: number;
  try {
    const before = await count(client);
    const served = await servedSince(client, data);
    if (served) {
      // Ids on PostgreSQL go on after the embedded store's highest: these came after a copy of this store, from
      // customers served there since. --force would replace them with the older copy.
      throw new TargetNotEmptyError(
        `the PostgreSQL schema ${schema} already holds ${describe(before)}, of which ${many(served.conversations, 'conversation')} and ${many(served.messages, 'message')} ` +
          `are newer than anything in the embedded store${served.newest ? ` (the newest of ${served.newest})` : ''}: customers served from it since it was copied (or another store's). ` +
          `Nothing was copied, and --force would not replace them. Start Switchboard with STORE=postgres on it; to copy the embedded store over it all the same, ` +
          `losing those, empty it first (in psql: DROP SCHEMA ${schema} CASCADE;).`,
      );
    }
    if (!force && Object.values(before).some((n) => n > 0)) throw notEmpty(before, schema);
    if (force) await client.query(`TRUNCATE ${TABLES}`);
    withoutChannelId = await insertAll(client, data, source.allMessages(BATCH), (messages) => progress?.(messages, sourceCounts.messages));
    target = await count(client);
    if (Object.keys(sourceCounts).some((name) => sourceCounts[name as keyof Counts] !== target[name as keyof Counts])) {
      throw new CopyMismatchError(`the copy holds ${describe(target)} but the embedded store holds ${describe(sourceCounts)}; nothing was committed`);
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  try {
    await client.query('COMMIT');
  } catch (error) {
    throw new CommitUnknownError(
      `the connection to PostgreSQL was lost as the copy was being committed (${(error as Error).message}): the copy may be in the database, or not. ` +
        'Run migrate-store again: if it says the database already holds data, the copy is there.',
      { cause: error },
    );
  }
  return { target, withoutChannelId };
}

/**
 * Inserts everything; returns how many inbound messages were copied without their channel message id: an id that
 * differs from another only by a NUL or a lone surrogate (which a web chat visitor could post before they were
 * refused) is the same id once PostgreSQL's text holds it (see `cleanText`), and the one-inbound-per-id index refuses
 * the second. That message is kept whole, only its id on the channel is left out.
 */
async function insertAll(
  client: pg.PoolClient, data: Awaited<ReturnType<LowdbStore['everything']>>, messages: AsyncIterable<Message[]>, inserted: (messages: number) => void,
): Promise<number> {
  const run = async <R extends object = object>(build: (params: Params) => string): Promise<R[]> => {
    const params = new Params();
    const sql = build(params);
    return (await client.query<R>(sql, params.values)).rows;
  };
  for (const contacts of batches(data.contacts)) {
    // In the embedded store's order, which is the order contacts were first stored (`seq`).
    await run((params) => upsertContacts(params, contacts));
    await run((params) => `INSERT INTO contact_identities (channel, address, contact_id) SELECT channel, address, contact_id FROM ${identities(params, contacts)} ON CONFLICT DO NOTHING`);
  }
  for (const conversations of batches(data.conversations)) await run((params) => upsertConversations(params, conversations));
  let lastCopied = 0;
  let withoutChannelId = 0;
  let soFar = 0;
  for await (const batch of messages) {
    const copied = await run<{ id: string }>((params) => `${insertMessages(params, batch, batch.map((message) => message.id))}
      ON CONFLICT (channel, channel_message_id) WHERE direction = 'in' AND channel_message_id IS NOT NULL DO NOTHING RETURNING id`);
    if (copied.length < batch.length) {
      const ids = new Set(copied.map((row) => Number(row.id)));
      const refused = batch.filter((message) => !ids.has(message.id)).map(({ channelMessageId: _id, ...message }) => message);
      await run((params) => insertMessages(params, refused, refused.map((message) => message.id)));
      withoutChannelId += refused.length;
    }
    lastCopied = batch.at(-1)?.id ?? lastCopied;
    inserted((soFar += batch.length));
  }
  for (const docs of batches(data.docs)) {
    await run((params) => `INSERT INTO docs (collection, key, version, value)
      SELECT collection, key, 1, value FROM unnest(${params.add(docs.map(([collection]) => collection))}::text[], ${params.add(docs.map(([, key]) => key))}::text[],
        ${params.add(docs.map(([, , value]) => JSON.stringify(value)))}::json[]) AS t(collection, key, value)`);
  }
  // Ids go on from the highest the embedded store handed out (those of records erased since included), as they
  // would have there. A sequence never used reads last_value 1 and is_called false: 1 is still to be handed out.
  const lastMessage = Math.max(data.counters.message, lastCopied);
  if (lastMessage > 0) await client.query("SELECT setval('message_ids', $1) FROM message_ids WHERE last_value < $1 OR NOT is_called", [lastMessage]);
  const lastConversation = lastConversationId(data);
  if (lastConversation > 0) await client.query("SELECT setval('conversation_ids', $1) FROM conversation_ids WHERE last_value < $1 OR NOT is_called", [lastConversation]);
  return withoutChannelId;
}

/** The highest conversation id the embedded store handed out (of conversations erased since too). */
function lastConversationId(data: Awaited<ReturnType<LowdbStore['everything']>>): number {
  return data.conversations.reduce((highest, conversation) => Math.max(highest, conversation.id), data.counters.conversation);
}

/** The refusal of a target holding `before` without --force. */
function notEmpty(before: Counts, schema: string): TargetNotEmptyError {
  return new TargetNotEmptyError(
    `the PostgreSQL schema ${schema} already holds ${describe(before)}; nothing was copied. ` +
      'Copy into an empty database, or run again with --force (`npm run migrate-store -- --force`: npm keeps a --force written without the -- for itself) to replace what it holds ' +
      '(not customers served from it since a copy: a database holding those is refused even so).',
  );
}

/** The migrations the schema on the search path has applied that this version does not know, if it has any. */
async function newerMigrations(client: pg.PoolClient): Promise<number[]> {
  const { rows } = await client.query<{ made: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS made");
  if (rows[0]?.made !== true) return [];
  const known = MIGRATIONS.map((migration) => migration.version);
  const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE NOT (version = ANY($1::integer[])) ORDER BY version', [known]);
  return applied.rows.map((row) => row.version);
}

/** Whether the schema on the search path has the copy's tables (a database never migrated has not). */
async function holdsTables(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ made: boolean }>("SELECT to_regclass('contacts') IS NOT NULL AND to_regclass('docs') IS NOT NULL AS made");
  return rows[0]?.made === true;
}

/**
 * The conversations and messages the target holds with ids above the highest the embedded store handed out (the
 * ids a copy of it goes on from), and when the newest of those messages was; undefined when there are none.
 */
async function servedSince(
  client: pg.PoolClient, data: Awaited<ReturnType<LowdbStore['everything']>>,
): Promise<{ conversations: number; messages: number; newest?: string } | undefined> {
  const lastConversation = lastConversationId(data);
  // The data as text: ->> refuses a document holding a \u0000.
  const { rows } = await client.query<{ conversations: string; messages: string; newest: string | null }>(
    `SELECT (SELECT count(*) FROM conversations WHERE id > $1) AS conversations, (SELECT count(*) FROM messages WHERE id > $2) AS messages,
       (SELECT data::text FROM messages WHERE id > $2 ORDER BY id DESC LIMIT 1) AS newest`,
    [lastConversation, data.counters.message],
  );
  const row = rows[0];
  if (!row || (Number(row.conversations) === 0 && Number(row.messages) === 0)) return undefined;
  const at = row.newest === null ? undefined : (JSON.parse(row.newest) as { at?: unknown }).at;
  return { conversations: Number(row.conversations), messages: Number(row.messages), ...(typeof at === 'string' ? { newest: at } : {}) };
}

async function count(client: pg.PoolClient): Promise<Counts> {
  const { rows } = await client.query<Record<keyof Counts, string>>(
    `SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM conversations) AS conversations,
       (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM docs WHERE value IS NOT NULL) AS docs`,
  );
  const row = rows[0] as Record<keyof Counts, string>;
  return { contacts: Number(row.contacts), conversations: Number(row.conversations), messages: Number(row.messages), docs: Number(row.docs) };
}

/** "3 contacts, 4 conversations, 12 messages, 2 documents". */
export function describe(counts: Counts): string {
  return `${many(counts.contacts, 'contact')}, ${many(counts.conversations, 'conversation')}, ${many(counts.messages, 'message')}, ${many(counts.docs, 'document')}`;
}

/** `1 contact`, `2 contacts`, `0 contacts`. */
function many(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += BATCH) yield items.slice(start, start + BATCH);
}
