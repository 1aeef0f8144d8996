// Connections to PostgreSQL, and what every part of the PostgreSQL store shares: the schema it works in, advisory
// lock keys, and turning the database's errors into the store's own (a conflict to retry, or the store unavailable).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConflictError, StoreUnavailableError } from '../errors.ts';

/** Anything that runs a query: the pool or one client checked out of it. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * The first of two numbers of every two-number advisory lock the store takes (`pg_advisory_lock(int, int)`): the
 * one-number locks are for keys and records, so the two kinds never meet.
 */
export const LOCK_SPACE = 0x5357; // "SW"

/** Which two-number advisory lock does what, as the second number. */
export const LOCK = {
  /** Held by a live store for its whole life; its outbound claims name it (`claimed_by`). Random per store. */
  instance: (key: number): [number, number] => [LOCK_SPACE, key],
  /** Held by `npm run migrate-store` while it copies into the database: no store opens beside it (see `COPY_LOCK_HELD`). */
  copy: [LOCK_SPACE + 1, 1] as [number, number],
};

/**
 * The condition on a row `l` of `pg_locks` that it is an instance lock (LOCK.instance) held in the current database:
 * a live store's (exclusive: a process waiting for a lease holder to go takes it shared, a moment, once it is gone).
 *
 *     SELECT l.pid FROM pg_locks l WHERE ${INSTANCE_LOCK_HELD}
 */
export const INSTANCE_LOCK_HELD = `l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = ${LOCK_SPACE} AND l.objsubid = 2`;

/**
 * The condition on a row `l` of `pg_locks` that it is the copy's lock (LOCK.copy) held in the current database. A
 * store takes its instance lock, then looks for this one; the copy takes this one, then looks for instance locks:
 * whichever comes second sees the other.
 */
export const COPY_LOCK_HELD = `l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = ${LOCK_SPACE + 1} AND l.objid = 1 AND l.objsubid = 2`;

/** Schema names the store accepts: a plain SQL identifier, so it can be written into statements. */
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name, or an error a person can act on. */
export function checkSchema(schema: string): string {
  if (!SCHEMA.test(schema)) throw new Error(`PostgreSQL schema "${schema}": use lower-case letters, digits and _ only (like switchboard)`);
  return schema;
}

/**
 * A 64-bit advisory lock key for `name` in `schema` (a signed bigint, as PostgreSQL takes it): collisions only make
 * two unrelated things wait for each other, never let two related ones run together.
 *
 *     await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey('switchboard', 'doc:agents/omar')]);
 */
export function lockKey(schema: string, name: string): string {
  const input = `${schema}\u0000${name}`;
  let key = lockKeys.get(input);
  if (key === undefined) {
    // The same hash in every version: processes of two versions (a rolling upgrade) must lock the same things.
    key = createHash('sha256').update(input).digest().readBigInt64BE(0).toString();
    // Every customer message locks its contact's and address's keys again: a hash each was 1.7% of a process's CPU.
    if (lockKeys.size >= 10_000) lockKeys.clear();
    lockKeys.set(input, key);
  }
  return key;
}

const lockKeys = new Map<string, string>();

export interface PoolOptions {
  /** `postgresql://user:password@host:port/database`, or with `?host=/socket/dir` for a Unix socket. */
  url: string;
  /** Told of every connection the pool makes, as it starts connecting (so that it can be cut, see `cutConnection`). */
  made?: (client: pg.Client) => void;
  /** Every table lives in this schema, created if missing. */
  schema: string;
  /** At most this many connections. */
  max: number;
  /** A name the server shows in `pg_stat_activity`. */
  applicationName: string;
  /**
   * Plan each prepared statement once per connection (a generic plan) and never by scanning a whole table. For
   * connections that run only lookups by key: PostgreSQL otherwise plans statements whose parameters are arrays
   * anew on every run (their generic plan is costed for ten elements), and the commit's check query took 0.57 ms to
   * plan against 0.07 ms to run.
   */
  planOnce?: boolean;
}

/**
 * The server's TCP keepalives on this process's sessions (ignored on a Unix socket): after a network cut that the
 * server does not notice (no FIN or RST reaches it), it drops the dead session, and the advisory locks it held (this
 * process's instance lock, a customer's key), within about a minute (30 s idle, then 3 probes 10 s apart), not the
 * system default's two hours.
 */
export const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3';

/**
 * A pool of connections whose `search_path` is the store's schema. A connection the server drops is reported, not
 * thrown: the next query opens a new one. Connections pipeline (`pipelined` sends several statements in one write
 * and waits for their answers once): on this store's hot path a round trip costs more CPU, on both sides, than
 * the statements themselves.
 *
 *     const pool = createPool({ url, schema: 'switchboard', max: 10, applicationName: 'switchboard' });
 */
export function createPool(options: PoolOptions, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: options.applicationName,
    options: `-c search_path=${checkSchema(options.schema)} ${SERVER_KEEPALIVES}${options.planOnce ? ' -c plan_cache_mode=force_generic_plan -c enable_seqscan=off' : ''}`,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    pipeline: true,
    ...(options.made ? { Client: tracked(options.made) } : {}),
  });
  pool.on('error', onError);
  return pool;
}

/** A pg.Client class that tells `made` of each of its instances as it is made. */
function tracked(made: (client: pg.Client) => void): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      made(this);
    }
  };
}

/**
 * Why PostgreSQL at `url` cannot be reached on a new connection within `withinMs` (connected, and `SELECT 1`
 * answered), or undefined when it can. The connection is cut after, whatever happened.
 */
export async function reachable(url: string, withinMs: number): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, application_name: 'switchboard probe', connectionTimeoutMillis: withinMs });
  client.on('error', () => {});
  const asked = (async () => {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  })().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  try {
    return await answerWithin(asked, withinMs, `PostgreSQL did not answer a new connection within ${withinMs / 1000} s`);
  } finally {
    cutConnection(client);
  }
}

/** What `work` resolves with, or `late` once `ms` have passed first. */
export async function answerWithin<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Cuts a connection at once, without waiting for the server (which may never answer): its queries under way fail
 * as on a dropped connection, and pg then ends it and leaves it out of its pool.
 */
export function cutConnection(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * A connection checked out of `pool` that reports, instead of throwing, the connection being lost while nobody is
 * querying (pg emits that as an 'error' event, which would otherwise end the process). `release` takes the listener
 * off again and may be called twice; a lost or doubtful connection is released with `true`, which closes it.
 *
 *     const client = await checkout(pool, (error) => log('warn', error.message));
 *     try { await client.query('SELECT 1'); } finally { client.release(); }
 */
export async function checkout(pool: pg.Pool, onLost: (error: Error) => void): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const listener = (error: Error): void => onLost(error);
  client.on('error', listener);
  const release = client.release.bind(client);
  let released = false;
  // Idempotent: the connection may be given up both where it was lost and where its user finishes.
  client.release = (destroy?: Error | boolean) => {
    if (released) return;
    released = true;
    client.off('error', listener);
    release(destroy);
  };
  return client;
}

/** SQLSTATEs that mean "another transaction got there first: run again": unique violation, serialization, deadlock. */
const CONFLICTS = new Set(['23505', '40001', '40P01']);
/** SQLSTATE classes that mean the database cannot be reached or is going away (connection, shutdown, resources). */
const UNAVAILABLE_CLASSES = ['08', '53', '57'];
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/**
 * "Object not in prerequisite state", which PostgreSQL answers a new session with, as FATAL, while the database does
 * not accept connections (`ALLOW_CONNECTIONS false`, during some maintenance). Not the same SQLSTATE in a statement.
 */
const REFUSED_SESSION = '55000';

/**
 * The store's error for a failed query: `ConflictError` for what a retry resolves, `StoreUnavailableError` when the
 * database is out of reach (a request then fails cleanly and nothing is acknowledged), the error itself otherwise.
 */
export function storeError(error: unknown, what: string): unknown {
  if (error instanceof ConflictError || error instanceof StoreUnavailableError) return error;
  const { code, message, severity } = (error ?? {}) as { code?: string; message?: string; severity?: string };
  if (code !== undefined && CONFLICTS.has(code)) return new ConflictError(`${what}: ${message ?? code}; retry`, { cause: error });
  const unreachable = (code !== undefined && (NETWORK.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2))))
    || (code === REFUSED_SESSION && severity === 'FATAL')
    || /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message ?? '');
  if (unreachable) return new StoreUnavailableError(`PostgreSQL is out of reach (${message ?? code}); ${what} was not done`, { cause: error });
  return error;
}

/** A statement for `pipelined`: its text and parameters (cleaned by the caller). */
export interface Statement {
  text: string;
  values?: unknown[];
  /**
   * False: planned anew at every run, for its parameters (not a named statement). For statements on a connection that
   * does not plan once (see `PoolOptions.planOnce`) whose generic plan could scan a whole table.
   */
  prepared?: boolean;
}

/** Texts that got a prepared-statement name, so each connection parses and plans them once. */
const names = new Map<string, string>();
/** Texts made per call (lock lists, ad hoc filters) must not fill the server's memory: past this many, no more names. */
const MAX_NAMED = 512;

/** The prepared statement's name for `text`, or undefined once `MAX_NAMED` texts have one. */
function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Sends `statements` to the server in one write (a pipeline: each with parameters is parsed once per connection, as
 * a named statement) and resolves with each one's result once every one is answered; rejects with the first error,
 * in order. Inside a transaction block a failed statement makes the server refuse the rest of the block (and turns
 * its COMMIT into a ROLLBACK), which is what a caller of one transaction wants.
 *
 *     const [, , check] = await pipelined(client, [{ text: 'BEGIN' }, lock, { text: 'SELECT …', values }]);
 */
export async function pipelined(client: pg.PoolClient, statements: readonly Statement[]): Promise<pg.QueryResult[]> {
  const answers = await pipelinedSettled(client, statements);
  const failed = answers.find((answer) => answer.status === 'rejected');
  if (failed) throw failed.reason;
  return answers.map((answer) => (answer as PromiseFulfilledResult<pg.QueryResult>).value);
}

/** `pipelined`, with each statement's outcome, failed or not (what ran after a failure outside a transaction block). */
export async function pipelinedSettled(client: pg.PoolClient, statements: readonly Statement[]): Promise<PromiseSettledResult<pg.QueryResult>[]> {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  let answers: Promise<pg.QueryResult>[];
  try {
    answers = statements.map((statement) => {
      const name = statement.values === undefined || statement.prepared === false ? undefined : nameOf(statement.text);
      return client.query({ text: statement.text, ...(statement.values ? { values: statement.values } : {}), ...(name ? { name } : {}) });
    });
  } finally {
    stream?.uncork?.();
  }
  return Promise.allSettled(answers);
}
