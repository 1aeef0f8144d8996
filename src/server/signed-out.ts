// Sign-ins signed out before they expired (the dashboard's `sb_admin` cookie, an agent's `switchboard_agent`): kept in
// the store (collection `signed-out`, by the SHA-256 of the cookie, never the cookie itself) until the cookie would
// have expired, so that a copied cookie stays refused after a restart and in every process. Read from memory, without
// a store round trip per request: loaded at start, and on PostgreSQL told by the other processes as they sign out
// (the fan-out; read again from the store when the link to them was lost).
import { createHash } from 'node:crypto';
import type { Fanout } from '../shared/fanout.ts';
import type { Store } from '../store/types.ts';

const COLLECTION = 'signed-out';
/** The fan-out topic of "this cookie was signed out": `{ key, until }`. */
const TOPIC = 'signed-out';

interface SignedOutDoc {
  /** When the cookie would have expired (ms since the epoch): kept until then. */
  until: number;
}

export interface SignedOutOptions {
  /** Where sign-outs are kept; without one (a test's harness), they hold in this process only. */
  store?: Store;
  fanout?: Fanout;
  now: () => number;
}

/**
 * The cookies signed out, as one set for every sign-in.
 *
 *     const signedOut = new SignedOut({ store, fanout, now: Date.now });
 *     await signedOut.load();
 *     await signedOut.add(cookie, expiresAtMs); // at sign-out
 *     signedOut.has(cookie); // true until expiresAtMs, in every process
 */
export class SignedOut {
  readonly #until = new Map<string, number>();
  readonly #options: SignedOutOptions;
  #off: (() => void) | undefined;

  constructor(options: SignedOutOptions) {
    this.#options = options;
  }

  /** Reads the sign-outs kept (forgetting those expired) and listens to the other processes'. */
  async load(): Promise<void> {
    this.#off ??= this.#options.fanout?.subscribe(TOPIC, (data) => {
      const { key, until } = data as { key?: unknown; until?: unknown };
      if (typeof key === 'string' && typeof until === 'number') this.#remember(key, until);
    }, { reconnected: () => void this.#read().catch(() => undefined) });
    const expired = await this.#read();
    const store = this.#options.store;
    if (store && expired.length > 0) {
      await store.transaction(COLLECTION, async (tx) => {
        for (const key of expired) tx.deleteDoc(COLLECTION, key);
      });
    }
  }

  /** Whether `cookie` was signed out (and has not expired since). */
  has(cookie: string): boolean {
    const until = this.#until.get(keyOf(cookie));
    return until !== undefined && until > this.#options.now();
  }

  /** Signs `cookie` out until `until` (ms), when it expires anyway: kept in the store before it resolves. */
  async add(cookie: string, until: number): Promise<void> {
    const key = keyOf(cookie);
    const now = this.#options.now();
    const expired = [...this.#until].filter(([, each]) => each <= now).map(([each]) => each);
    const store = this.#options.store;
    if (store) {
      await store.transaction(COLLECTION, async (tx) => {
        tx.putDoc(COLLECTION, key, { until } satisfies SignedOutDoc);
        for (const each of expired) tx.deleteDoc(COLLECTION, each);
      });
    }
    for (const each of expired) this.#until.delete(each);
    this.#remember(key, until);
    this.#options.fanout?.publish(TOPIC, { key, until });
  }

  close(): void {
    this.#off?.();
    this.#off = undefined;
  }

  /** Takes in the sign-outs the store keeps; answers the keys of those expired. */
  async #read(): Promise<string[]> {
    const kept = await this.#options.store?.docs<SignedOutDoc>(COLLECTION);
    const now = this.#options.now();
    const expired: string[] = [];
    for (const [key, doc] of kept ?? []) {
      if (typeof doc?.until === 'number' && doc.until > now) this.#remember(key, doc.until);
      else expired.push(key);
    }
    return expired;
  }

  #remember(key: string, until: number): void {
    this.#until.set(key, Math.max(until, this.#until.get(key) ?? 0));
  }
}

const keyOf = (cookie: string): string => createHash('sha256').update(cookie, 'utf8').digest('base64url');
