// The PostgreSQL store: the same `Store` as the embedded one, for several Switchboard processes sharing one database.
//
// What keeps the promises across processes: a transaction's key is a session-level advisory lock held by the
// connection that runs its work (per-contact order, and a refused attempt runs again in its place); its commit
// validates what it read and checks the invariants under transaction-level locks (see tx.ts); the unique indexes
// hold the invariants even against a bug; message ids come from a counter row held until commit (commit order);
// outbound claims are serialized by an advisory lock and name the claiming store, whose own session lock tells
// the others whether it is still alive (a claim of a dead store is in doubt).
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ClaimTakenError, StoreBeingCopiedError, StoreUnavailableError } from '../errors.ts';
import { KeyedMutex } from '../keyed-mutex.ts';
import { DEFAULT_ATTEMPTS, retryConflicts } from '../retry.ts';
import type { Contact, Conversation, DeliveryOutcome, ErasedContact, EraseOptions, Message, OpenConversationFilter, Store, StoreOutage, TransactionOptions, Tx } from '../types.ts';
import { migrate } from './migrations.ts';
import { answerWithin, checkout, COPY_LOCK_HELD, createPool, cutConnection, INSTANCE_LOCK_HELD, reachable, LOCK, lockKey, pipelined, pipelinedSettled, SERVER_KEEPALIVES, storeError, type Statement } from './pool.ts';
import { clean, filterSql, messageColumns, messageFromRow, type MessageRow } from './rows.ts';
import { KeyLine } from './key-line.ts';
import { PgTx } from './tx.ts';

/**
 * How long a store goes without asking the database for claimable replies while it knows of none (see `#mayClaim`):
 * the replies a stopped process had claimed and not sent wait at most this long for another's claim.
 */
export const ASK_AGAIN_MS = 1_000;

/**
 * The outbox's bookkeeping (claims, outcomes, receipts) commits without waiting for its WAL to reach the disk
 * (`synchronous_commit` off for that transaction alone): visible to every process at once, durable within
 * PostgreSQL's `wal_writer_delay` (200 ms). A crash of PostgreSQL (not a restart, which writes everything first) may
 * lose that window's claims and outcomes, and those replies are then sent again, as after a crash mid-send. In a
 * FROM list or a SELECT, it makes the statement's own transaction so.
 */
const LAZY_COMMIT = "set_config('synchronous_commit', 'off', true)";

/**
 * The outcomes' statement in a block of its own. Up to `PLANNED_ONCE_MAX` outcomes, it is planned once per
 * connection: on the reads' pool PostgreSQL planned it anew at every run (its generic plan, costed for ten ids, never
 * beat a plan for one), 0.5-0.57 ms each, and the generic plan looks each id up by the primary key (`m.id = ANY($1)`),
 * even when made on a new, empty table (without `enable_seqscan` off it then scanned the table, 1.9 ms a run once it
 * held a few thousand messages). A larger batch (a burst of replies to many addresses) is planned for its arrays: the
 * generic plan joins its ids by nested loops, in time growing with the square of their number (3,000 outcomes took
 * 0.9-1 s against 62-72 ms planned for them).
 */
function outcomeBlock(statement: Statement): Statement[] {
  const ids = statement.values?.[0];
  const once = Array.isArray(ids) && ids.length <= PLANNED_ONCE_MAX;
  return [
    { text: 'BEGIN' },
    { text: "SELECT set_config('plan_cache_mode', $1, true), set_config('enable_seqscan', $2, true)", values: once ? ['force_generic_plan', 'off'] : ['auto', 'on'] },
    { text: statement.text, values: clean(statement.values ?? []), prepared: once },
    { text: 'COMMIT' },
  ];
}
const PLANNED_ONCE_MAX = 64;

/**
 * The outcomes' rows from the answers to `outcomeBlock`'s statements (the statement's, before COMMIT); throws what
 * failed (a block left open: the connection goes).
 */
function outcomeRows(answers: PromiseSettledResult<pg.QueryResult>[], discard: () => void): { id: string; recorded: boolean }[] {
  const failed = answers.find((answer) => answer.status === 'rejected');
  if (failed) {
    discard();
    throw failed.reason;
  }
  return (answers.at(-2) as PromiseFulfilledResult<pg.QueryResult<{ id: string; recorded: boolean }>>).value.rows;
}

/** Conversation ids a search reads at a time (`conversationsSaying`). */
const SAYING_WINDOW = 5_000;

/** Waits before taking a lost instance lock again: growing from the first to the last, while the database is away. */
const RETAKE_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * True for a row of `messages` whose claimer (`column`) holds no instance lock (read at each row: `pg_locks` is
 * live), a row nobody claims included.
 */
const claimerGone = (column: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_locks l WHERE ${INSTANCE_LOCK_HELD} AND l.objid = coalesce(${column}, 0)::oid)`;

/**
 * True for a row of `messages` this store may settle or take back: claimed under one of its numbers (`keys`, an
 * integer[] parameter), or by nobody, or by a store gone. Not one a live process claims (it is sending it).
 */
const mineOrGone = (column: string, keys: string): string => `(coalesce(${column}, 0) = ANY(${keys}::integer[]) OR ${claimerGone(column)})`;

export interface PostgresStoreOptions {
  /** `DATABASE_URL`: `postgresql://user:password@host:5432/database` (`?host=/socket/dir` for a Unix socket). */
  url: string;
  /** The schema holding Switchboard's tables (`switchboard`); created and migrated at open. */
  schema?: string;
  /**
   * Connections for transactions (10): each transaction running holds one while its work runs (it holds its key's
   * lock), so this many keys make progress at once. Reads and outbound delivery use a second pool of the same size.
   */
  poolSize?: number;
  /** Where opening, migrations and failures are reported (nowhere by default). */
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;
  /**
   * Waits before taking a lost instance lock again without a claim needing it, from the first to the last while the
   * database is away (0.1 s growing to 5 s); the next claim takes it at once whatever these are.
   */
  retakeDelaysMs?: readonly number[];
}

/** A `markDelivery` call waiting for its statement. */
interface PendingOutcome {
  id: number;
  outcome: DeliveryOutcome;
  /** The caller claims right after: the statement's write may claim the next replies (see `markDelivery`). */
  claimNext: boolean;
  /** The outcome of a send made under this store's claim (see `markDelivery`). */
  underClaim: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The `Store` on PostgreSQL.
 *
 *     const store = new PostgresStore({ url: process.env.DATABASE_URL, log });
 *     await store.open();
 */
/** How long `unreachable` waits for PostgreSQL's answer. */
const REACH_TIMEOUT_MS = 2_000;
/** Connections failing within this time of one logged are not logged each: they fail together (see `#connectionFailed`). */
const CONNECTIONS_FAIL_TOGETHER_MS = 10_000;
/** How long `unreachable` keeps an answer. */
const REACH_KEPT_MS = 1_000;

export class PostgresStore implements Store {
  readonly #url: string;
  readonly #schema: string;
  readonly #poolSize: number;
  readonly #log: NonNullable<PostgresStoreOptions['log']>;
  readonly #mutex = new KeyedMutex();
  readonly #running = new Set<Promise<unknown>>();
  #phase: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  /** `interrupt` was called: every call is refused, and the connections were cut. */
  #interrupted = false;
  /** Every connection of both pools, those still connecting included: `interrupt` cuts them. */
  readonly #connections = new Set<pg.Client>();
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Transactions: one connection per running key. */
  #txPool: pg.Pool | undefined;
  /** Reads outside transactions, claims and delivery outcomes: never waits behind a transaction's work. */
  #pool: pg.Pool | undefined;
  /** Holds this store's instance lock for its whole life. */
  #instance: pg.PoolClient | undefined;
  /** The second number of this store's instance lock; outbound messages it claims carry it. */
  #instanceKey = 0;
  /**
   * Numbers this store held before `#instanceKey`: a lock lost with a connection the server did not see die (a
   * half-open network cut) stays held by that dead session for a while, and the store takes another number. Claims
   * under those numbers are still this store's own (see `#ownKeys`).
   */
  readonly #pastKeys = new Set<number>();
  /** Taking the instance lock again after its connection was lost. */
  #retaking: Promise<void> | undefined;
  /**
   * Replies claimed by their transaction's commit (`TransactionOptions.claim`) or with a send's outcome
   * (`markDelivery`'s `claimNext`), durable, not yet handed out by `claimOutbound`; in the order claimed.
   */
  #claimed: Message[] = [];
  /**
   * Replies `claimOutbound` handed out whose outcome is not recorded yet (see `orphanedClaims`), each with the
   * `#lockEpoch` of its claim (see `confirmClaim`); and those claimed and waiting in `#claimed`, with theirs.
   */
  readonly #handedOut = new Map<number, number>();
  readonly #claimedEpochs = new Map<number, number>();
  /** Times this store lost its instance lock (with the connection holding it): claims before then may be others' now. */
  #lockEpoch = 0;
  #retakeTimer: NodeJS.Timeout | undefined;
  readonly #retakeDelaysMs: readonly number[];
  /** This store's claims in the database that it did not know of at the last `orphanedClaims`. */
  #suspects = new Set<number>();
  /**
   * Whether a claim in the database may find something: set by what can make a reply claimable in this process (a
   * commit that stored one pending, other than behind a reply it claimed; an outcome recorded without a claim after
   * it; replies put back), cleared when a claim found less than it asked for. Another process's replies are claimed by that process; should it stop before,
   * the claim after `ASK_AGAIN_MS` looks anyway (and its replies in doubt are put back, which sets this).
   */
  #mayClaim = true;
  #askedAt = 0;
  /** How many replies the outbox asks for at a time (its last `claimOutbound`): what a claim with outcomes takes. */
  #claimLimit = 64;
  /** Delivery outcomes waiting for the statement that records them (`markDelivery`). */
  #outcomes: PendingOutcome[] = [];
  #recording = false;
  /** The last answer of `unreachable`, and the ask under way. */
  #reach: { at: number; reason: string | undefined } = { at: 0, reason: undefined };
  #reaching: Promise<string | undefined> | undefined;
  /** When `outage` first found PostgreSQL out of reach, until it answers again. */
  #outSince: string | undefined;
  /** When a connection's failure was last logged (`#connectionFailed`), and how many failed since unlogged. */
  #connectionFailedAt = Number.NEGATIVE_INFINITY;
  #connectionsFailedWith = 0;
  /** The health check's query until PostgreSQL answers it: a database that hangs holds one connection, not one a probe. */
  #reachQuery: Promise<string | undefined> | undefined;

  constructor(options: PostgresStoreOptions) {
    this.#url = options.url;
    this.#schema = options.schema ?? 'switchboard';
    this.#poolSize = options.poolSize ?? 10;
    this.#retakeDelaysMs = options.retakeDelaysMs ?? RETAKE_MS;
    this.#log = options.log ?? (() => {});
  }

  /** The schema this store works in. */
  get schema(): string {
    return this.#schema;
  }

  /** Connects, migrates the schema (once, whichever process comes first) and takes this store's instance lock. */
  open(): Promise<void> {
    if (this.#phase !== 'new') return Promise.reject(new Error('this PostgresStore was already opened; open a new one'));
    this.#phase = 'opening';
    this.#opening = this.#open();
    return this.#opening;
  }

  /** Waits for the transactions called so far, then closes every connection (releasing this store's locks). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * Gives up on PostgreSQL if it does not answer a new connection within `REACH_TIMEOUT_MS` (see `Store.interrupt`):
   * every connection is cut, so what waits for an answer fails now with `StoreUnavailableError`, and every call from
   * now on is refused. A commit whose answer is lost this way may have been done: as after a network cut, the
   * sender's retry finds it (the inbound id is kept). A new connection, not the pools': theirs may all be busy.
   */
  async interrupt(): Promise<boolean> {
    if (this.#interrupted) return true;
    if (this.#phase !== 'open' && this.#phase !== 'closing') return false;
    const why = await reachable(this.#url, REACH_TIMEOUT_MS);
    if (why === undefined || this.#interrupted || (this.#phase !== 'open' && this.#phase !== 'closing')) return this.#interrupted;
    this.#interrupted = true;
    this.#log('warn', 'gave up waiting for PostgreSQL: the queries under way fail, and the store refuses new ones', { schema: this.#schema, connections: this.#connections.size, reason: why });
    for (const client of this.#connections) cutConnection(client);
    return true;
  }

  /**
   * Whether PostgreSQL answers a trivial query within `REACH_TIMEOUT_MS`; the answer is kept for `REACH_KEPT_MS`, so
   * a health check polled often asks the database at most once in that time.
   */
  unreachable(): Promise<string | undefined> {
    if (this.#phase !== 'open') return Promise.resolve(this.#unavailable()?.message);
    if (performance.now() - this.#reach.at < REACH_KEPT_MS) return Promise.resolve(this.#reach.reason);
    this.#reaching ??= this.#ask().then((reason) => {
      this.#reach = { at: performance.now(), reason };
      this.#reaching = undefined;
      return reason;
    });
    return this.#reaching;
  }

  /**
   * `unreachable` in parts, for the dashboard's banner; `since` is when this process first found PostgreSQL out of
   * reach (asked by `unreachable` or by this), forgotten once it answers.
   *
   *     await store.outage(); // { cause: 'database', reason: 'PostgreSQL is out of reach (ECONNREFUSED) …', since: '…' }
   */
  async outage(): Promise<StoreOutage | undefined> {
    const reason = await this.unreachable();
    if (reason === undefined) {
      this.#outSince = undefined;
      return undefined;
    }
    this.#outSince ??= new Date().toISOString();
    return { cause: 'database', reason, since: this.#outSince };
  }

  /** This store's instance number while it holds its instance lock: it is alive as long as the lock is held. */
  get liveInstance(): number | undefined {
    return this.#instance !== undefined && this.#phase === 'open' ? this.#instanceKey : undefined;
  }

  /**
   * Whether the store (of any process) numbered `instance` holds its instance lock: false once its process is gone
   * (killed: PostgreSQL ends its session, and the lock with it) or its connection holding the lock was lost.
   *
   *     if (!(await store.instanceHeld(lease.instance))) takeTheLease();
   */
  async instanceHeld(instance: number): Promise<boolean> {
    const rows = await this.#rows<{ held: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE ${INSTANCE_LOCK_HELD} AND l.objid = $1::oid) AS held`, [instance]);
    return rows[0]?.held === true;
  }

  /**
   * Resolves as soon as the store numbered `instance` no longer holds its instance lock (see `instanceHeld`): a
   * connection of its own waits for that lock, which PostgreSQL grants the moment the holder's session ends. Rejects
   * if that connection fails (the database away); `signal` ends the wait (it then resolves: the caller knows why).
   *
   *     await store.whenInstanceGone(lease.instance, stopping.signal); // the holder was killed: take over now
   */
  async whenInstanceGone(instance: number, signal: AbortSignal): Promise<void> {
    this.#assertReadable();
    const client = new pg.Client({ connectionString: this.#url, application_name: 'switchboard lease watch', options: SERVER_KEEPALIVES, keepAlive: true });
    this.#connections.add(client);
    const ended = new Promise<never>((_, reject) => {
      client.on('error', reject);
      client.on('end', () => reject(new StoreUnavailableError('the connection waiting for a lease holder to go ended')));
    });
    ended.catch(() => {});
    const end = (): void => void client.end().catch(() => {});
    signal.addEventListener('abort', end, { once: true });
    try {
      await Promise.race([client.connect(), ended]);
      if (signal.aborted) return;
      // Shared: granted once the holder's exclusive lock is released, while nobody else's wait holds up another's.
      await Promise.race([client.query('SELECT pg_advisory_lock_shared($1, $2)', LOCK.instance(instance)), ended]);
    } catch (error) {
      if (signal.aborted) return;
      throw storeError(error, 'waiting for a lease holder to go');
    } finally {
      signal.removeEventListener('abort', end);
      end();
      this.#connections.delete(client);
    }
  }

  async #ask(): Promise<string | undefined> {
    this.#reachQuery ??= (this.#pool as pg.Pool).query('SELECT 1').then(
      () => undefined,
      (error: unknown) => {
        const failure = storeError(error, 'a health check');
        return failure instanceof Error ? failure.message : String(failure);
      },
    ).finally(() => {
      this.#reachQuery = undefined;
    });
    return answerWithin(this.#reachQuery, REACH_TIMEOUT_MS, `PostgreSQL did not answer within ${REACH_TIMEOUT_MS / 1000} s`);
  }

  transaction<T>(key: string, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const unavailable = this.#unavailable();
    if (unavailable) return Promise.reject(unavailable);
    // In this process, the key's calls run in call order; across processes, the key's advisory lock lines them up.
    const result = this.#mutex.run(key, () => this.#inKeyLine(key, options.opening === true, (line) => retryConflicts(options, async () => {
      await line.retake();
      // The epoch of the lock the commit claims under (see `confirmClaim`).
      const epoch = this.#lockEpoch;
      // Claimed for this store only while it holds its instance lock: else the others would take them as in doubt.
      const tx = new PgTx(line, this.#schema, {
        ...(options.claim === true && this.#instance !== undefined ? { claimFor: this.#instanceKey } : {}),
        mayRetry: (options.attempts ?? DEFAULT_ATTEMPTS) > 1,
      });
      let value: T;
      try {
        value = await work(tx);
      } finally {
        tx.end();
      }
      await tx.commit();
      this.#noteClaimed(tx.claimed, epoch);
      if (tx.storedPending) this.#mayClaim = true;
      return value;
    })));
    this.#running.add(result);
    const settled = (): void => void this.#running.delete(result);
    result.then(settled, settled);
    return result;
  }

  /**
   * Runs `fn` on a connection holding the session lock of `key` (taken with a read of what work on the key reads
   * first), released after: by the commit, or here (or by closing the connection).
   */
  async #inKeyLine<T>(key: string, opening: boolean, fn: (line: KeyLine) => Promise<T>): Promise<T> {
    let broken = false;
    let client: pg.PoolClient;
    try {
      client = await checkout(this.#txPool as pg.Pool, (error) => {
        broken = true;
        this.#lost(error);
      });
    } catch (error) {
      throw storeError(error, 'the transaction');
    }
    try {
      let line: KeyLine;
      try {
        line = await KeyLine.take(client, this.#schema, key, { opening });
      } catch (error) {
        broken = true;
        throw error;
      }
      try {
        return await fn(line);
      } finally {
        if (!(await line.release())) broken = true;
      }
    } finally {
      // Closing a connection whose unlock failed releases every lock it held.
      client.release(broken);
    }
  }

  async contact(id: string): Promise<Contact | undefined> {
    return (await this.#rows<{ data: Contact }>('SELECT data FROM contacts WHERE id = $1', [id]))[0]?.data;
  }

  async contactByIdentity(channel: string, id: string): Promise<Contact | undefined> {
    const rows = await this.#rows<{ data: Contact }>(
      'SELECT c.data FROM contact_identities i JOIN contacts c ON c.id = i.contact_id WHERE i.channel = $1 AND i.address = $2',
      [channel, id],
    );
    return rows[0]?.data;
  }

  async conversation(id: number): Promise<Conversation | undefined> {
    return (await this.#rows<{ data: Conversation }>('SELECT data FROM conversations WHERE id = $1', [id]))[0]?.data;
  }

  async conversations(): Promise<Conversation[]> {
    return (await this.#rows<{ data: Conversation }>('SELECT data FROM conversations ORDER BY id', [])).map((row) => row.data);
  }

  async conversationsBefore(before: number | undefined, limit: number): Promise<Conversation[]> {
    const rows = before === undefined
      ? await this.#rows<{ data: Conversation }>('SELECT data FROM conversations ORDER BY id DESC LIMIT $1', [limit])
      : await this.#rows<{ data: Conversation }>('SELECT data FROM conversations WHERE id < $1 ORDER BY id DESC LIMIT $2', [before, limit]);
    return rows.map((row) => row.data);
  }

  async conversationsSaying(text: string, options: { before?: number; limit: number }): Promise<number[]> {
    // Windows of conversation ids, newest first, each read forward (a scan backwards gets no read-ahead from the
    // disk: a word said nowhere took 86 s on a database not in memory, 3 s in it). A common word ends in the first.
    const newest = Number((await this.#rows<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM conversations', []))[0]?.id ?? 0);
    let below = Math.min(options.before ?? Infinity, newest + 1);
    const found: number[] = [];
    while (found.length < options.limit && below > 1) {
      const from = Math.max(1, below - SAYING_WINDOW);
      const rows = await this.#rows<{ id: string }>(
        `SELECT DISTINCT conversation_id AS id FROM messages
          WHERE conversation_id >= $2 AND conversation_id < $3 AND (data->>'toAgent') IS DISTINCT FROM 'true'
            AND strpos(lower(data->>'text'), $1) > 0`,
        [text, from, below],
      );
      found.push(...rows.map((row) => Number(row.id)).sort((a, b) => b - a));
      below = from;
    }
    // The newest `limit`: every conversation between the last of them and `before` has been looked at.
    return found.slice(0, options.limit);
  }

  async conversationsOfContacts(contactIds: readonly string[]): Promise<Conversation[]> {
    return (await this.#rows<{ data: Conversation }>('SELECT data FROM conversations WHERE contact_id = ANY($1::text[]) ORDER BY id', [[...contactIds]])).map((row) => row.data);
  }

  async openConversations(filter?: OpenConversationFilter): Promise<Conversation[]> {
    const where = filterSql(filter, 1);
    const rows = await this.#rows<{ data: Conversation }>(`SELECT data FROM conversations WHERE status = 'open'${where.sql} ORDER BY id`, where.params);
    return rows.map((row) => row.data);
  }

  async countOpenConversations(filter?: OpenConversationFilter): Promise<number> {
    const where = filterSql(filter, 1);
    const [row] = await this.#rows<{ count: string }>(`SELECT count(*) FROM conversations WHERE status = 'open'${where.sql}`, where.params);
    return Number(row?.count ?? 0);
  }

  async contacts(): Promise<Contact[]> {
    return (await this.#rows<{ data: Contact }>('SELECT data FROM contacts ORDER BY seq', [])).map((row) => row.data);
  }

  async contactsBefore(before: string | undefined, limit: number): Promise<Contact[]> {
    const rows = before === undefined
      ? await this.#rows<{ data: Contact }>('SELECT data FROM contacts ORDER BY seq DESC LIMIT $1', [limit])
      : await this.#rows<{ data: Contact }>('SELECT data FROM contacts WHERE seq < (SELECT seq FROM contacts WHERE id = $1) ORDER BY seq DESC LIMIT $2', [before, limit]);
    return rows.map((row) => row.data);
  }

  async messagesOfContact(contactId: string, after = 0, limit = Infinity): Promise<Message[]> {
    return this.#messages('contact_id = $1 AND id > $2', [contactId, after], limit);
  }

  async messagesOfAddress(channel: string, address: string, after = 0, limit = Infinity): Promise<Message[]> {
    return this.#messages('channel = $1 AND address = $2 AND id > $3', [channel, address, after], limit);
  }

  async lastMessageIdOfAddress(channel: string, address: string): Promise<number> {
    const rows = await this.#rows<{ id: string | null }>('SELECT max(id) AS id FROM messages WHERE channel = $1 AND address = $2', [channel, address]);
    return Number(rows[0]?.id ?? 0);
  }

  async lastInboundAt(channel: string, address: string): Promise<string | undefined> {
    const rows = await this.#rows<{ data: Message }>(
      "SELECT data FROM messages WHERE channel = $1 AND address = $2 AND direction = 'in' AND NOT history ORDER BY id DESC LIMIT 1",
      [channel, address],
    );
    return rows[0]?.data.at;
  }

  async messagesOfConversation(conversationId: number): Promise<Message[]> {
    return this.#messages('conversation_id = $1', [conversationId], Infinity);
  }

  async pendingOutbound(): Promise<Message[]> {
    return this.#messages("status = 'pending' AND direction = 'out'", [], Infinity);
  }

  async claimOutbound(limit: number): Promise<Message[]> {
    this.#claimLimit = limit;
    // Those their commit claimed first: already durable as sending, nothing to ask the database.
    if (this.#claimed.length > 0) return this.#handOut(this.#claimed.splice(0, limit));
    // The outbox asks until a claim comes back empty: after replies claimed in their commit, that costs a round trip.
    if (!this.#mayClaim && performance.now() - this.#askedAt < ASK_AGAIN_MS) return [];
    // Cleared before asking: whatever sets it meanwhile makes the next call ask again.
    this.#mayClaim = false;
    this.#askedAt = performance.now();
    const epoch = this.#lockEpoch;
    try {
      const claimed = await this.#claimInDatabase(limit);
      if (claimed.length >= limit) this.#mayClaim = true;
      return this.#handOut(claimed, epoch);
    } catch (error) {
      this.#mayClaim = true;
      throw error;
    }
  }

  /** The numbers this store's claims may carry: its instance lock's, and those it held before (`#pastKeys`). */
  #ownKeys(): number[] {
    return [this.#instanceKey, ...this.#pastKeys];
  }

  /** Puts replies claimed (in a commit or with an outcome) in `#claimed`, to hand out; `epoch` as before the claim. */
  #noteClaimed(messages: Message[], epoch: number): void {
    this.#claimed.push(...messages);
    for (const message of messages) this.#claimedEpochs.set(message.id, epoch);
  }

  #handOut(messages: Message[], epoch?: number): Message[] {
    for (const message of messages) {
      this.#handedOut.set(message.id, epoch ?? this.#claimedEpochs.get(message.id) ?? -1);
      this.#claimedEpochs.delete(message.id);
    }
    return messages;
  }

  /**
   * Whether a reply this store handed out is still its own to send: always, without asking, unless the store lost
   * its instance lock since the claim (a restart of PostgreSQL, a network cut). Then another process may have found
   * the claim in doubt and sent the reply; the claim is made this store's again if nobody took it, else false.
   */
  async confirmClaim(messageId: number): Promise<boolean> {
    if (this.#handedOut.get(messageId) === this.#lockEpoch) return true;
    await this.#ensureInstanceLock('confirming a claimed reply');
    const epoch = this.#lockEpoch;
    const rows = await this.#rows(
      `UPDATE messages SET claimed_by = $2 FROM (SELECT ${LAZY_COMMIT}) AS lazy WHERE id = $1 AND status = 'sending'
         AND ${mineOrGone('claimed_by', '$3')} RETURNING id`,
      [messageId, this.#instanceKey, this.#ownKeys()],
    );
    if (rows.length === 0) {
      this.#handedOut.delete(messageId);
      return false;
    }
    this.#handedOut.set(messageId, epoch);
    return true;
  }

  async orphanedClaims(): Promise<Message[]> {
    if (this.#instance === undefined || this.#phase !== 'open') return [];
    const own = await this.#messages("status = 'sending' AND claimed_by = ANY($1::integer[])", [this.#ownKeys()], Infinity);
    // Read after the query: a commit or claim answered meanwhile is known by now.
    const known = new Set([...this.#handedOut.keys(), ...this.#claimed.map((message) => message.id)]);
    const unknown = own.filter((message) => !known.has(message.id));
    // Unknown at two calls in a row (the periodic check's, 30 s apart): not a claim whose answer is on its way.
    const orphans = unknown.filter((message) => this.#suspects.has(message.id));
    this.#suspects = new Set(unknown.filter((message) => !this.#suspects.has(message.id)).map((message) => message.id));
    return orphans;
  }

  async #claimInDatabase(limit: number): Promise<Message[]> {
    await this.#ensureInstanceLock('claiming outbound messages');
    // One claimer at a time (a short lock): each claim sees every claim before it, so an address never has two
    // messages sending, whichever processes claim. One round trip: the statements go in one write.
    const rows = await this.#pipelinedTransaction<MessageRow>('claiming outbound messages', this.#claimStatements(limit));
    return rows.map(messageFromRow).sort((a, b) => a.id - b.id);
  }

  /** The statements of a claim, to run between BEGIN and COMMIT: the claimers' lock, then the claim. */
  #claimStatements(limit: number): Statement[] {
    return [
      // The lock is held until COMMIT, which need not wait for a WAL flush (LAZY_COMMIT) to let the next claimer in.
      { text: `SELECT pg_advisory_xact_lock($1), ${LAZY_COMMIT}`, values: [lockKey(this.#schema, 'outbound-claims')] },
      {
        text: `UPDATE messages SET status = 'sending', claimed_by = $2 WHERE id IN (
           SELECT id FROM (
             SELECT DISTINCT ON (channel, address) id, channel, address FROM messages
             WHERE status = 'pending' AND direction = 'out' ORDER BY channel, address, id
           ) oldest
           -- NOT IN, not NOT EXISTS: one hashed look at the addresses sending, whatever the plan. With NOT EXISTS
           -- the plan a connection kept from a quiet table (or a copy whose statistics say nothing is pending) probed
           -- the sending index once per address waiting: 780 ms a claim with 6,000 replies waiting (its dead entries
           -- read too), every claim under the claimers' lock, so that a backlog grew faster than it drained.
           WHERE (channel, address) NOT IN (SELECT channel, address FROM messages WHERE status = 'sending')
           ORDER BY id LIMIT $1)
         RETURNING ${messageColumns}`,
        values: [limit, this.#instanceKey],
      },
    ];
  }

  async outboundInDoubt(): Promise<Message[]> {
    // This store's own claims are never in doubt for itself (it may be sending them right now): its lock, lost with
    // a connection the database dropped, is taken again first, under the same number when it can be.
    await this.#ensureInstanceLock('looking for outbound messages in doubt');
    // Claimed by a store whose instance lock nobody holds any more: that process stopped mid-send.
    return this.#messages(`status = 'sending' AND coalesce(claimed_by, 0) <> ALL($1::integer[]) AND ${claimerGone('claimed_by')}`, [this.#ownKeys()], Infinity);
  }

  async retryOutbound(messageIds: readonly number[]): Promise<void> {
    if (messageIds.length === 0) return;
    for (const id of messageIds) {
      this.#handedOut.delete(id);
      this.#claimedEpochs.delete(id);
    }
    // Only this store's claims, or those of a store gone: another process may have claimed one again since it was
    // found in doubt (it is sending it now).
    await this.#rows(
      `UPDATE messages SET status = 'pending', claimed_by = NULL FROM (SELECT ${LAZY_COMMIT}) AS lazy WHERE id = ANY($1::bigint[]) AND status = 'sending'
         AND ${mineOrGone('claimed_by', '$2')}`,
      [[...messageIds], this.#ownKeys()],
    );
    this.#mayClaim = true;
  }

  async messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined> {
    return (await this.#messagesDescending('channel = $1 AND channel_message_id = $2', [channel, channelMessageId], 1))[0];
  }

  async docs<T>(collection: string): Promise<Map<string, T>> {
    const rows = await this.#rows<{ key: string; value: T }>('SELECT key, value FROM docs WHERE collection = $1 AND value IS NOT NULL ORDER BY key', [collection]);
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async doc<T>(collection: string, key: string): Promise<T | undefined> {
    return (await this.#rows<{ value: T }>('SELECT value FROM docs WHERE collection = $1 AND key = $2 AND value IS NOT NULL', [collection, key]))[0]?.value;
  }

  /**
   * Outcomes recorded together: the calls made while one statement runs go in the next, one commit for all. With
   * `claimNext`, the same write claims the replies that became claimable (a claim's transaction sent behind the
   * outcomes' statement), for the next `claimOutbound` to hand out: one round trip where the outbox's claim after it
   * took another.
   */
  markDelivery(messageId: number, outcome: DeliveryOutcome, options: { claimNext?: boolean; underClaim?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#outcomes.push({ id: messageId, outcome, claimNext: options.claimNext === true, underClaim: options.underClaim === true, resolve, reject });
      if (this.#recording) return;
      this.#recording = true;
      const recording = this.#recordOutcomes();
      // Closing waits for it: replies it claims are handed out or put back, never left claimed by a closed store.
      this.#running.add(recording);
      void recording.finally(() => this.#running.delete(recording));
    });
  }

  async #recordOutcomes(): Promise<void> {
    // The calls made in the same tick join the first statement.
    await Promise.resolve();
    while (this.#outcomes.length > 0) {
      // One outcome per message in a statement: a second one for the same message waits for the next.
      const ids = new Set<number>();
      const batch: PendingOutcome[] = [];
      this.#outcomes = this.#outcomes.filter((pending) => {
        if (ids.has(pending.id)) return true;
        ids.add(pending.id);
        batch.push(pending);
        return false;
      });
      try {
        const sent = (pending: PendingOutcome): string | null => ('channelMessageId' in pending.outcome ? pending.outcome.channelMessageId : null);
        // Not over a live process's claim: one that found this store's claim in doubt (this process cut off from
        // the database meanwhile) and is sending it again records its outcome, and its address's next reply waits.
        // A claim of a process gone (a send in doubt that happened after all) is recorded. A send's outcome comes too
        // late once another process recorded its own (the message is no longer pending or sending).
        const statement: Statement = {
          text: `WITH t AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $5::boolean[], $6::text[]) AS t(id, sent, error, under_claim, failure)),
             recorded AS (UPDATE messages m SET status = CASE WHEN t.sent IS NULL THEN 'failed' ELSE 'sent' END,
               channel_message_id = coalesce(t.sent, m.channel_message_id), error = t.error, failure = t.failure, claimed_by = NULL
             FROM t, (SELECT ${LAZY_COMMIT}) AS lazy
             WHERE m.id = ANY($1::bigint[]) AND m.id = t.id AND (NOT t.under_claim OR m.status IN ('pending', 'sending'))
               AND ${mineOrGone('m.claimed_by', '$4')} RETURNING m.id)
           SELECT m.id, recorded.id IS NOT NULL
               -- Recorded already, as this outcome says (an earlier attempt whose answer was lost): done, not taken.
               OR (m.claimed_by IS NULL AND m.status = CASE WHEN t.sent IS NULL THEN 'failed' ELSE 'sent' END
                 AND m.channel_message_id IS NOT DISTINCT FROM coalesce(t.sent, m.channel_message_id) AND m.error IS NOT DISTINCT FROM t.error) AS recorded
             FROM t JOIN messages m ON m.id = t.id LEFT JOIN recorded ON recorded.id = m.id WHERE m.id = ANY($1::bigint[])`,
          values: [
            batch.map((pending) => pending.id), batch.map(sent), batch.map((pending) => ('error' in pending.outcome ? pending.outcome.error : null)), this.#ownKeys(),
            batch.map((pending) => pending.underClaim), batch.map((pending) => ('failure' in pending.outcome ? pending.outcome.failure ?? null : null)),
          ],
        };
        // Claimed with them only by a store holding its instance lock (else the others would take them as in doubt).
        const claimNext = batch.some((pending) => pending.claimNext) && this.#instance !== undefined && this.#phase === 'open';
        const rows = claimNext ? await this.#recordAndClaim(statement) : await this.#recordOnly(statement);
        // Those addresses' next replies may be claimed now (before the outbox, told below, asks).
        if (rows.length > 0 && !claimNext) this.#mayClaim = true;
        const found = new Map(rows.map((row) => [Number(row.id), row.recorded]));
        for (const pending of batch) {
          this.#handedOut.delete(pending.id);
          const recorded = found.get(pending.id);
          if (recorded === true) pending.resolve();
          else if (recorded === false) pending.reject(new ClaimTakenError(`markDelivery: message ${pending.id} is claimed by another process now, which records its outcome`));
          else pending.reject(new Error(`markDelivery: message ${pending.id} does not exist`));
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    // In the same turn as the last look at the queue (no await between): a call after it starts the next loop.
    this.#recording = false;
  }

  /**
   * Runs the outcomes' `statement` and, in the same write, a claim's transaction after it (so the claim sees the
   * addresses it freed). Resolves with the outcomes' rows; what the claim took waits in `#claimed`. A claim that
   * failed leaves the outcomes recorded, and the next `claimOutbound` asks the database.
   */
  async #recordAndClaim(statement: Statement): Promise<{ id: string; recorded: boolean }[]> {
    const limit = this.#claimLimit;
    const epoch = this.#lockEpoch;
    return this.#withClient('recording delivery outcomes', async (client, discard) => {
      const block = outcomeBlock(statement);
      const answers = await pipelinedSettled(client, [
        ...block,
        { text: 'BEGIN' },
        ...this.#claimStatements(limit).map((claim) => ({ ...claim, values: clean(claim.values ?? []) })),
        { text: 'COMMIT' },
      ]);
      const outcome = answers.slice(0, block.length);
      const claim = answers.slice(block.length);
      this.#askedAt = performance.now();
      if (claim.every((answer) => answer.status === 'fulfilled')) {
        const rows = (claim.at(-2) as PromiseFulfilledResult<pg.QueryResult<MessageRow>>).value.rows;
        this.#noteClaimed(rows.map(messageFromRow).sort((a, b) => a.id - b.id), epoch);
        if (rows.length >= limit) this.#mayClaim = true;
      } else {
        // The block may still be open (a COMMIT that never ran): the connection is not reused.
        discard();
        this.#mayClaim = true;
      }
      return outcomeRows(outcome, discard);
    });
  }

  /** Runs the outcomes' `statement` alone, planned once, as `#recordAndClaim` does. */
  async #recordOnly(statement: Statement): Promise<{ id: string; recorded: boolean }[]> {
    return this.#withClient('recording delivery outcomes', async (client, discard) => outcomeRows(await pipelinedSettled(client, outcomeBlock(statement)), discard));
  }

  async recordDelivery(messageId: number, delivery: 'delivered' | 'read'): Promise<void> {
    const rows = await this.#rows(`UPDATE messages SET delivery = $2 FROM (SELECT ${LAZY_COMMIT}) AS lazy WHERE id = $1 RETURNING id`, [messageId, delivery]);
    if (rows.length === 0) throw new Error(`recordDelivery: message ${messageId} does not exist`);
  }

  async messageCount(): Promise<number> {
    return Number((await this.#rows<{ count: string }>('SELECT count(*) FROM messages', []))[0]?.count ?? 0);
  }

  /**
   * Deletes a contact, their conversations and every message of theirs or of those conversations, in one
   * transaction that waits for (and then refuses) any commit touching them. Returns what went, and the media refs
   * of the attachments of the deleted messages, for the caller to delete the files.
   *
   *     const { files } = await store.eraseContact(contactId);
   */
  async eraseContact(contactId: string, options: EraseOptions = {}): Promise<ErasedContact> {
    const docs = [...new Map((options.docs ?? []).map(([collection, key]) => [JSON.stringify([collection, key]), [collection, key] as const])).values()];
    for (;;) {
      const before = await this.#conversationIdsOf(this.#pool as pg.Pool, contactId);
      const erased = await this.#inTransaction('erasing a contact', async (client) => {
        const contact = (await client.query<{ data: Contact }>('SELECT data FROM contacts WHERE id = $1', clean([contactId]))).rows[0]?.data;
        const names = [`contact:${contactId}`, `open:${contactId}`, ...before.map((id) => `conversation:${id}`),
          ...(contact?.identities ?? []).map((identity) => `identity:${JSON.stringify([identity.channel, identity.id])}`),
          ...docs.map(([collection, key]) => `doc:${JSON.stringify([collection, key])}`),
          ...[options.notice, options.files].flatMap((put) => (put ? [`doc:${JSON.stringify([put.collection, put.key])}`] : []))];
        const keys = [...new Set(names.map((name) => BigInt(lockKey(this.#schema, name))))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
        await client.query('SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', [keys]);
        const ids = await this.#conversationIdsOf(client, contactId);
        // A conversation opened since the first look is not under a lock yet: look again, with it.
        if (ids.length !== before.length || ids.some((id, index) => id !== before[index])) return undefined;
        const gone = await client.query<{ data: Message }>(
          'DELETE FROM messages WHERE contact_id = $1 OR conversation_id = ANY($2::bigint[]) RETURNING data',
          clean([contactId, ids]),
        );
        const removed = (await client.query<{ data: Conversation }>('DELETE FROM conversations WHERE contact_id = $1 RETURNING data', clean([contactId]))).rows
          .map((row) => row.data).sort((a, b) => a.id - b.id);
        await client.query('DELETE FROM contacts WHERE id = $1', clean([contactId]));
        // As a transaction's deleteDoc: a row without a value, at a new version (one that read it runs again).
        if (docs.length > 0) {
          await client.query(
            `INSERT INTO docs (collection, key, version, value) SELECT collection, key, 1, NULL FROM unnest($1::text[], $2::text[]) AS t(collection, key)
             ON CONFLICT (collection, key) DO UPDATE SET version = docs.version + 1, value = NULL`,
            clean([docs.map(([collection]) => collection), docs.map(([, key]) => key)]),
          );
        }
        const files = gone.rows.flatMap((row) => (row.data.attachments ?? []).flatMap((attachment) => (attachment.ref === undefined ? [] : [attachment.ref])));
        const puts = [
          ...(options.notice && removed.length > 0 ? [[options.notice.collection, options.notice.key, options.notice.value(removed)] as const] : []),
          ...(options.files && files.length > 0 ? [[options.files.collection, options.files.key, { files }] as const] : []),
        ];
        for (const [collection, key, value] of puts) {
          await client.query(
            `INSERT INTO docs (collection, key, version, value) VALUES ($1, $2, 1, $3::json)
             ON CONFLICT (collection, key) DO UPDATE SET version = docs.version + 1, value = EXCLUDED.value`,
            clean([collection, key, JSON.stringify(value)]),
          );
        }
        return { conversations: removed.length, messages: gone.rowCount ?? 0, files, removed };
      });
      if (erased) return erased;
    }
  }

  async #conversationIdsOf(on: pg.Pool | pg.PoolClient, contactId: string): Promise<number[]> {
    try {
      return (await on.query<{ id: string }>('SELECT id FROM conversations WHERE contact_id = $1 ORDER BY id', clean([contactId]))).rows.map((row) => Number(row.id));
    } catch (error) {
      throw storeError(error, 'a read');
    }
  }

  async #open(): Promise<void> {
    const started = performance.now();
    const report = (error: Error): void => this.#connectionFailed('a PostgreSQL connection failed; the next query opens a new one', error);
    try {
      // Every connection, from when it starts connecting until it ends: `interrupt` cuts them (one still connecting too).
      const made = (client: pg.Client): void => {
        this.#connections.add(client);
        client.once('end', () => this.#connections.delete(client));
        if (this.#interrupted) cutConnection(client);
      };
      const common = { url: this.#url, schema: this.#schema, max: this.#poolSize, made };
      this.#txPool = createPool({ ...common, applicationName: 'switchboard transactions', planOnce: true }, report);
      // One more than the size asked: the instance lock keeps a connection of its own (`#holdInstanceLock`).
      this.#pool = createPool({ ...common, max: this.#poolSize + 1, applicationName: 'switchboard' }, report);
      const applied = await migrate(this.#pool, this.#schema);
      if (applied.length > 0) this.#log('info', 'PostgreSQL schema migrated', { schema: this.#schema, applied });
      await this.#holdInstanceLock();
      // After the instance lock: a copy that starts from now on sees this store and refuses.
      const copying = (await (this.#instance as pg.PoolClient).query<{ pid: number }>(`SELECT l.pid FROM pg_locks l WHERE ${COPY_LOCK_HELD}`)).rows[0];
      if (copying) {
        throw new StoreBeingCopiedError(
          `\`npm run migrate-store\` is copying an embedded store into this database (its PostgreSQL session: pid ${copying.pid}); opening the store was not done`,
        );
      }
    } catch (error) {
      this.#instance?.release(true);
      await Promise.allSettled([this.#txPool?.end(), this.#pool?.end()]);
      this.#phase = 'closed';
      throw storeError(error, 'opening the store');
    }
    this.#phase = 'open';
    this.#log('info', 'store opened', { store: 'postgres', schema: this.#schema, ms: Math.round(performance.now() - started) });
  }

  /** Takes this store's instance lock again when the connection holding it was lost. */
  async #ensureInstanceLock(what: string): Promise<void> {
    if (this.#instance || this.#phase !== 'open') return;
    // One attempt at a time: a second connection trying the same number would find it taken and pick another.
    this.#retaking ??= this.#holdInstanceLock().finally(() => {
      this.#retaking = undefined;
    });
    try {
      await this.#retaking;
    } catch (error) {
      throw storeError(error, what);
    }
  }

  /**
   * Takes this store's instance lock on a connection kept for it: the number it had if it can (a lost connection
   * lost the lock), else a random one no live store holds. Claims are in doubt exactly when their number's lock is
   * held by nobody.
   */
  async #holdInstanceLock(): Promise<void> {
    const instance = await checkout(this.#pool as pg.Pool, (error) => {
      // The lock went with the connection: taken again as soon as the database answers (and by the next claim).
      if (this.#instance === instance) {
        this.#instance = undefined;
        this.#lockEpoch += 1;
        this.#retakeSoon(0);
      }
      instance.release(true);
      this.#lost(error);
    });
    try {
      for (let key = this.#instanceKey || randomInt(1, 2 ** 31 - 1); ; key = randomInt(1, 2 ** 31 - 1)) {
        const [row] = (await instance.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', LOCK.instance(key))).rows;
        if (row?.held) {
          if (this.#instanceKey !== 0 && key !== this.#instanceKey) this.#pastKeys.add(this.#instanceKey);
          this.#pastKeys.delete(key);
          this.#instanceKey = key;
          break;
        }
      }
    } catch (error) {
      instance.release(true);
      throw error;
    }
    this.#instance = instance;
  }

  /**
   * Takes the instance lock again after it was lost, without waiting for a claim to need it: meanwhile the others
   * take this store's claims as in doubt. Tries again with a growing wait until the database answers.
   */
  #retakeSoon(attempt: number): void {
    if (this.#phase !== 'open' || this.#retakeTimer !== undefined) return;
    this.#retakeTimer = setTimeout(() => {
      this.#retakeTimer = undefined;
      if (this.#instance !== undefined || this.#phase !== 'open') return;
      this.#ensureInstanceLock('taking the instance lock again').catch(() => this.#retakeSoon(attempt + 1));
    }, this.#retakeDelaysMs[Math.min(attempt, this.#retakeDelaysMs.length - 1)]);
    this.#retakeTimer.unref();
  }

  #lost(error: Error): void {
    this.#connectionFailed('a PostgreSQL connection was lost; the next query opens a new one', error);
  }

  /**
   * Logs a connection's failure, but not those that fail with it (`CONNECTIONS_FAIL_TOGETHER_MS`): a restart of
   * PostgreSQL or a network cut resets every connection of both pools at once, a line each.
   */
  #connectionFailed(message: string, error: Error): void {
    const now = performance.now();
    if (now - this.#connectionFailedAt < CONNECTIONS_FAIL_TOGETHER_MS) {
      this.#connectionsFailedWith += 1;
      return;
    }
    const others = this.#connectionsFailedWith;
    this.#connectionFailedAt = now;
    this.#connectionsFailedWith = 0;
    this.#log('warn', `${message} (others that fail within ${CONNECTIONS_FAIL_TOGETHER_MS / 1000} s are counted in the next line)`, { error: error.message, ...(others > 0 ? { othersFailedBefore: others } : {}) });
  }

  async #close(): Promise<void> {
    if (this.#phase === 'opening') await this.#opening?.catch(() => {});
    if (this.#phase !== 'open') {
      this.#phase = 'closed';
      return;
    }
    this.#phase = 'closing';
    clearTimeout(this.#retakeTimer);
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    // Claimed (in a commit or with an outcome) and never handed out: nobody sends them, so they go back to pending.
    const unsent = this.#claimed.splice(0).map((message) => message.id);
    await this.retryOutbound(unsent).catch((error: Error) => {
      this.#log('warn', 'replies claimed and never sent could not be put back to pending; they are in doubt for the other processes', { error: error.message, messages: unsent });
    });
    // Without the instance lock, what this store still had sending is in doubt for the others from now on. Unlocked
    // before close returns (a connection's end reaches the server a little later).
    const instance = this.#instance;
    this.#instance = undefined;
    let broken = false;
    await instance?.query('SELECT pg_advisory_unlock($1, $2)', LOCK.instance(this.#instanceKey)).catch(() => {
      broken = true;
    });
    instance?.release(broken);
    await Promise.allSettled([this.#txPool?.end(), this.#pool?.end()]);
    this.#phase = 'closed';
    this.#log('info', 'store closed', { store: 'postgres', schema: this.#schema });
  }

  /**
   * Runs `statements` between BEGIN and COMMIT on a connection of the reads' pool, all sent in one write, and returns
   * the rows of the last one. A refused statement makes the COMMIT a ROLLBACK: nothing of them is kept.
   */
  #pipelinedTransaction<R extends object>(what: string, statements: Statement[]): Promise<R[]> {
    return this.#withClient(what, async (client, discard) => {
      try {
        const results = await pipelined(client, [{ text: 'BEGIN' }, ...statements.map((statement) => ({ ...statement, values: clean(statement.values ?? []) })), { text: 'COMMIT' }]);
        return (results.at(-2) as pg.QueryResult<R>).rows;
      } catch (error) {
        // Whether the block ended (a COMMIT that became a ROLLBACK) or the connection failed, it is not reused.
        discard();
        throw error;
      }
    });
  }

  /** Runs `fn` between BEGIN and COMMIT on a connection of the reads' pool; ROLLBACK if it throws. */
  #inTransaction<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#withClient(what, async (client, discard) => {
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(discard);
        throw error;
      }
    });
  }

  /**
   * Lends `use` a connection of the reads' pool, released after it, and not reused if `use` called `discard` or the
   * connection failed meanwhile. Errors come out as the store's errors, saying `what` was being done.
   */
  async #withClient<T>(what: string, use: (client: pg.PoolClient, discard: () => void) => Promise<T>): Promise<T> {
    this.#assertReadable();
    let broken = false;
    let client: pg.PoolClient;
    try {
      client = await checkout(this.#pool as pg.Pool, (error) => {
        broken = true;
        this.#lost(error);
      });
    } catch (error) {
      throw storeError(error, what);
    }
    try {
      return await use(client, () => {
        broken = true;
      });
    } catch (error) {
      throw storeError(error, what);
    } finally {
      client.release(broken);
    }
  }

  async #messages(where: string, params: unknown[], limit: number): Promise<Message[]> {
    const rows = await this.#rows<MessageRow>(
      `SELECT ${messageColumns} FROM messages WHERE ${where} ORDER BY id LIMIT $${params.length + 1}`,
      [...params, Number.isFinite(limit) ? limit : null],
    );
    return rows.map(messageFromRow);
  }

  async #messagesDescending(where: string, params: unknown[], limit: number): Promise<Message[]> {
    const rows = await this.#rows<MessageRow>(`SELECT ${messageColumns} FROM messages WHERE ${where} ORDER BY id DESC LIMIT ${limit}`, params);
    return rows.map(messageFromRow);
  }

  async #rows<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    this.#assertReadable();
    try {
      return (await (this.#pool as pg.Pool).query<R>(sql, clean(params))).rows;
    } catch (error) {
      throw storeError(error, 'a store query');
    }
  }

  #assertReadable(): void {
    if (!this.#interrupted && (this.#phase === 'open' || this.#phase === 'closing')) return;
    throw this.#unavailable() as StoreUnavailableError;
  }

  #unavailable(): StoreUnavailableError | undefined {
    if (this.#interrupted) return new StoreUnavailableError(`the PostgreSQL store (schema ${this.#schema}) gave up waiting for PostgreSQL while stopping`);
    if (this.#phase === 'open') return undefined;
    if (this.#phase === 'new' || this.#phase === 'opening') return new StoreUnavailableError(`the PostgreSQL store (schema ${this.#schema}) is not open yet: await open() first`);
    return new StoreUnavailableError(`the PostgreSQL store (schema ${this.#schema}) is closed`);
  }
}
