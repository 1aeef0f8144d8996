// What the dashboard's banners follow, for the event stream: whether the store refuses every call now (the disk full,
// PostgreSQL out of reach) and which channels are down (Telegram's token refused, WhatsApp Web logged out). Looked at
// every few seconds while a dashboard follows the live stream (the store also at once after the admin API was refused
// for it; the replies waiting soon after the feed says one began or stopped waiting), and told to the streams only when
// it changes.

/** How often it is looked at while a dashboard is open: the store's own state (embedded), or a query kept briefly (PostgreSQL). */
const WATCH_MS = 5_000;
/** The soonest a change told (`changed`) is read after the last look began: a burst of changes costs one read a second. */
const CHANGED_MS = 1_000;

type Listener<T> = (value: T | undefined) => void;

/**
 * Follows `read()` for the streams subscribed; asks nothing while none is.
 *
 *     const outages = new Watch(() => store.outage?.());
 *     const off = outages.subscribe((outage) => res.write(`event: store\ndata: ${JSON.stringify({ outage })}\n\n`));
 */
export class Watch<T> {
  readonly #read: (fresh: boolean) => Promise<T | undefined> | T | undefined;
  readonly #everyMs: number;
  readonly #listeners = new Set<Listener<T>>();
  #current: T | undefined;
  #timer: NodeJS.Timeout | undefined;
  #looking: Promise<void> | undefined;
  #lookedAt = 0;
  #soon: NodeJS.Timeout | undefined;

  /** `read(fresh)`: `fresh` when looking because of a change told (`changed`): not an answer kept from before it. */
  constructor(read: (fresh: boolean) => Promise<T | undefined> | T | undefined, options: { everyMs?: number } = {}) {
    this.#read = read;
    this.#everyMs = options.everyMs ?? WATCH_MS;
  }

  /** Tells `listener` the value now (undefined: nothing wrong), then each change of it, until the returned function is called. */
  subscribe(listener: Listener<T>): () => void {
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

  /**
   * What it reads changed (told by whoever changed it, in any process): read again soon, not at the next look, while a
   * stream follows it; after the look under way, which may have begun before the change.
   *
   *     feed.subscribe((change) => change.type === 'delivery' && waiting.changed());
   */
  changed(): void {
    if (this.#listeners.size === 0 || this.#soon) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void (this.#looking ?? Promise.resolve()).then(() => this.look(true));
    }, Math.max(0, this.#lookedAt + CHANGED_MS - Date.now()));
    this.#soon.unref();
  }

  /** Reads it now (one read at a time), telling the listeners if it changed. */
  look(fresh = false): Promise<void> {
    this.#looking ??= (async () => {
      this.#lookedAt = Date.now();
      try {
        const value = await this.#read(fresh);
        if (JSON.stringify(value ?? null) === JSON.stringify(this.#current ?? null)) return;
        this.#current = value;
        for (const listener of this.#listeners) listener(value);
      } catch {
        // Reading failed: nothing new to tell; the next look reads again.
      } finally {
        this.#looking = undefined;
      }
    })();
    return this.#looking;
  }
}
