// Small notices between the processes sharing one store ("conversation 42 changed", "session s1 has new messages"),
// so that what one process commits wakes the live streams another serves. The embedded store has one process and no
// fan-out; PostgreSQL's is LISTEN/NOTIFY (src/store/postgres/notify.ts).

/**
 * Publish/subscribe of small JSON notices by topic, across processes. A publisher's own subscribers are not told
 * (it wakes its own streams directly, without a round trip); every other process's are, once each.
 *
 *     const off = fanout.subscribe('webchat', (data) => wake(data.session), { reconnected: wakeAll });
 *     fanout.publish('webchat', { session: 's1' });
 */
export interface Fanout {
  publish(topic: string, data: object): void;
  /**
   * Hears the other processes' notices on `topic`. `reconnected` is called when notices may have been missed (the
   * link to the others was lost and is back): look again at whatever is being watched.
   */
  subscribe(topic: string, listener: (data: unknown) => void, options?: { reconnected?: () => void }): () => void;
  close(): Promise<void>;
  /** Gives up on a link that does not answer: what it was sending fails now, so that `close` ends (see `Store.interrupt`). */
  interrupt?(): void;
}
