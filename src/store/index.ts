// The store's public face: open the configured store (embedded, or PostgreSQL), and the types and errors everyone
// codes against.
import { LowdbStore, type LowdbStoreOptions } from './lowdb.ts';
import type { PostgresStoreOptions } from './postgres/store.ts';
import type { Store } from './types.ts';

export type * from './types.ts';
export { ConflictError, CorruptStoreError, NewerStoreError, StaleWriteError, StoreLockedError, StoreUnavailableError } from './errors.ts';
export { LowdbStore, type LowdbStoreOptions } from './lowdb.ts';
export type { PostgresStoreOptions } from './postgres/store.ts';
export { describeBytes, FileMediaStore, MediaRefusedError, safeName } from './media.ts';

/** Which store to open: the embedded one (the default), or PostgreSQL. */
export type StoreChoice = ({ kind?: 'lowdb' } & LowdbStoreOptions) | ({ kind: 'postgres' } & PostgresStoreOptions);

/**
 * Opens the chosen store: the embedded one in `options.dir` (created if missing), resolving once it is recovered
 * from disk; or PostgreSQL at `options.url`, resolving once connected and migrated.
 *
 *     const store = await openStore({ dir: join(config.DATA_DIR, 'store'), log });
 *     const shared = await openStore({ kind: 'postgres', url: config.DATABASE_URL, log });
 *     await store.close();
 */
export async function openStore(options: { kind?: 'lowdb' } & LowdbStoreOptions): Promise<LowdbStore>;
export async function openStore(options: StoreChoice): Promise<Store>;
export async function openStore(options: StoreChoice): Promise<Store> {
  if (options.kind === 'postgres') {
    // Loaded only when chosen: the embedded store's processes never load the PostgreSQL client.
    const { PostgresStore } = await import('./postgres/store.ts');
    const store = new PostgresStore(options);
    await store.open();
    return store;
  }
  const store = new LowdbStore(options);
  await store.open();
  return store;
}
