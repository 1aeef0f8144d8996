// The fan-out between processes on one PostgreSQL: NOTIFY after a commit, LISTEN on a connection of its own in every
// process. Payloads are small (ids, never message texts: PostgreSQL refuses 8000 bytes and more) and name the
// publishing process, which skips its own.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Fanout } from '../../shared/fanout.ts';
import { checkSchema, cutConnection, SERVER_KEEPALIVES } from './pool.ts';

/** PostgreSQL's limit is 8000 bytes; a notice near it is a mistake, not something to send. */
const MAX_PAYLOAD_BYTES = 7_900;
/**
 * Notices published within this many milliseconds go out in one statement: a round trip per commit would cost the
 * process more than the commit's own statements, and nobody watching a dashboard or a web chat tells 20 ms apart.
 */
const GATHER_MS = 20;
/** Waits before connecting again after the listening connection was lost: doubling from the first to the last. */
const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000];
/**
 * Notices kept while the connection is down, sent once it is back. Past this many the oldest go, and the others
 * are told to look again instead (`RESYNC`).
 */
const MAX_KEPT = 1_000;
/** The topic of a notice that tells every listener of the other processes to look again (their `reconnected`). */
const RESYNC = '';

export interface PostgresFanoutOptions {
  url: string;
  /** The store's schema: processes on other schemas of the same database hear nothing of these. */
  schema: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;
}

interface Notice {
  /** The publishing process. */
  o: string;
  /** The topic. */
  t: string;
  /** The data. */
  d: unknown;
}

/**
 * LISTEN/NOTIFY on one channel per schema. Notices published while the connection is down are kept and sent once it
 * is back (past `MAX_KEPT`, the other processes are told to look again instead), and this process's own listeners
 * are told `reconnected`, to look again for what the others sent meanwhile; the connection is made again with a
 * growing wait. A send cut before PostgreSQL answered goes again: a notice comes at least once, maybe twice, so
 * listeners treat it as "look again", never as a count.
 *
 *     const fanout = await PostgresFanout.open({ url: process.env.DATABASE_URL, schema: 'switchboard' });
 */
export class PostgresFanout implements Fanout {
  readonly #origin = randomUUID();
  readonly #channel: string;
  readonly #options: PostgresFanoutOptions;
  readonly #log: NonNullable<PostgresFanoutOptions['log']>;
  readonly #listeners = new Map<string, Set<{ heard: (data: unknown) => void; reconnected?: () => void }>>();
  #client: pg.Client | undefined;
  /** Notices waiting to go out, sent together in one statement. */
  #outgoing: string[] = [];
  #flushing = false;
  #gathering: NodeJS.Timeout | undefined;
  #closed = false;
  /** Notices were dropped (past `MAX_KEPT`): the others are told to look again once the connection is back. */
  #overflowed = false;
  #failures = 0;
  /** When the connection was lost (ms), for the line that says it is back. */
  #lostSince = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: PostgresFanoutOptions) {
    this.#options = options;
    this.#channel = `${checkSchema(options.schema).slice(0, 50)}_live`;
    this.#log = options.log ?? (() => {});
  }

  /** Connects and listens; a first connection that fails is retried in the background, like a lost one. */
  static async open(options: PostgresFanoutOptions): Promise<PostgresFanout> {
    const fanout = new PostgresFanout(options);
    await fanout.#connect();
    return fanout;
  }

  publish(topic: string, data: object): void {
    if (this.#closed) return;
    const payload = JSON.stringify({ o: this.#origin, t: topic, d: data } satisfies Notice);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      this.#log('warn', 'a live notice too large for NOTIFY was not sent to the other processes', { topic, bytes: Buffer.byteLength(payload) });
      return;
    }
    this.#outgoing.push(payload);
    this.#keepWithin();
    // Without a connection, they wait for it (see #connect).
    if (!this.#client) return;
    // One timer for the notices of the next GATHER_MS; a flush under way takes those that arrive meanwhile too.
    if (this.#gathering === undefined && !this.#flushing) {
      this.#gathering = setTimeout(() => {
        this.#gathering = undefined;
        void this.#flush();
      }, GATHER_MS);
    }
  }

  subscribe(topic: string, listener: (data: unknown) => void, options: { reconnected?: () => void } = {}): () => void {
    const entry = { heard: listener, ...options };
    const set = this.#listeners.get(topic) ?? new Set();
    set.add(entry);
    this.#listeners.set(topic, set);
    return () => void set.delete(entry);
  }

  /** Cuts the connection (see `Fanout.interrupt`): a send under way fails, and `close` does not wait for it. */
  interrupt(): void {
    this.#closed = true;
    clearTimeout(this.#gathering);
    this.#gathering = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) cutConnection(client);
  }

  async close(): Promise<void> {
    // What was published before closing still goes out.
    clearTimeout(this.#gathering);
    this.#gathering = undefined;
    await this.#flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#outgoing.length > 0 && this.#client) {
        const batch = this.#outgoing;
        this.#outgoing = [];
        const sent = await this.#client.query({ name: 'sb_notify', text: 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', values: [this.#channel, batch] }).then(
          () => true,
          (error: Error) => {
            // The connection is lost: they go again, first, once it is back.
            this.#log('warn', 'live notices not sent to the other processes yet; they go once the connection is back', { error: error.message, notices: batch.length });
            this.#outgoing = [...batch, ...this.#outgoing];
            this.#keepWithin();
            return false;
          },
        );
        if (!sent) break;
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#options.url, application_name: 'switchboard live', options: SERVER_KEEPALIVES, keepAlive: true });
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      void client.end().catch(() => {});
      if (this.#closed) return;
      // Once per outage: each attempt to connect again fails the same way while PostgreSQL is away.
      if (this.#failures === 0) {
        this.#lostSince = Date.now();
        this.#log('warn', 'the live notices connection was lost; connecting again (logged again once it is back)', { error: error?.message ?? 'ended' });
      }
      this.#retry();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.#heard(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    const attempts = this.#failures;
    this.#failures = 0;
    this.#client = client;
    if (attempts > 0) {
      this.#log('info', 'the live notices connection is back', { failedForMs: Date.now() - this.#lostSince, attempts, kept: this.#outgoing.length, dropped: this.#overflowed });
      this.#lookAgain();
    }
    if (this.#overflowed) {
      this.#overflowed = false;
      this.#outgoing.push(JSON.stringify({ o: this.#origin, t: RESYNC, d: null } satisfies Notice));
    }
    if (this.#outgoing.length > 0) void this.#flush();
  }

  /** Drops the oldest notices past `MAX_KEPT` (the others will be told to look again). */
  #keepWithin(): void {
    if (this.#outgoing.length <= MAX_KEPT) return;
    this.#outgoing.splice(0, this.#outgoing.length - MAX_KEPT);
    this.#overflowed = true;
  }

  /** Tells this process's listeners to look again: what they were told meanwhile may be missing. */
  #lookAgain(): void {
    for (const set of this.#listeners.values()) for (const listener of [...set]) listener.reconnected?.();
  }

  #retry(): void {
    const wait = RECONNECT_MS[Math.min(this.#failures, RECONNECT_MS.length - 1)] as number;
    this.#failures += 1;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), wait);
    this.#timer.unref();
  }

  #heard(payload: string | undefined): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload ?? '') as Notice;
    } catch {
      return;
    }
    if (notice.o === this.#origin) return;
    if (notice.t === RESYNC) {
      this.#lookAgain();
      return;
    }
    for (const listener of [...(this.#listeners.get(notice.t) ?? [])]) {
      try {
        listener.heard(notice.d);
      } catch (error) {
        this.#log('warn', 'a live notice listener failed', { topic: notice.t, error: String(error) });
      }
    }
  }
}
