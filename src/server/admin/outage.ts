// Whether the store refuses every call now (the disk full, PostgreSQL out of reach), for the dashboard's banner: looked
// at every few seconds while a dashboard follows the live stream, at once after the admin API was refused for it, and
// told to the streams only when it changes.
import type { Store, StoreOutage } from '../../store/types.ts';

/** How often the store is asked while a dashboard is open: its own state (embedded), or a query kept briefly (PostgreSQL). */
const WATCH_MS = 5_000;

type Listener = (outage: StoreOutage | undefined) => void;

/**
 * Follows `store.outage()` for the streams subscribed; asks nothing while none is.
 *
 *     const watch = new OutageWatch(store);
 *     const off = watch.subscribe((outage) => res.write(`event: store\ndata: ${JSON.stringify({ outage })}\n\n`));
 */
export class OutageWatch {
  readonly #store: Store;
  readonly #everyMs: number;
  readonly #listeners = new Set<Listener>();
  #current: StoreOutage | undefined;
  #timer: NodeJS.Timeout | undefined;
  #looking: Promise<void> | undefined;

  constructor(store: Store, options: { everyMs?: number } = {}) {
    this.#store = store;
    this.#everyMs = options.everyMs ?? WATCH_MS;
  }

  /** Tells `listener` the outage now (undefined: none), then each change of it, until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.look(), this.#everyMs);
      this.#timer.unref();
    }
    void this.look().then(() => {
      if (this.#listeners.has(listener)) listener(this.#current);
    });
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
    };
  }

  /** Asks the store now (one ask at a time), telling the listeners if the answer changed. */
  look(): Promise<void> {
    this.#looking ??= (async () => {
      try {
        const outage = await this.#store.outage?.();
        if (JSON.stringify(outage ?? null) === JSON.stringify(this.#current ?? null)) return;
        this.#current = outage;
        for (const listener of this.#listeners) listener(outage);
      } catch {
        // Asking failed: nothing new to tell; the next look asks again.
      } finally {
        this.#looking = undefined;
      }
    })();
    return this.#looking;
  }
}
