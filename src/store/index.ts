// The store's public face: open the embedded store, and the types and errors everyone codes against.
import { LowdbStore, type LowdbStoreOptions } from './lowdb.ts';

export type * from './types.ts';
export { ConflictError, CorruptStoreError, StaleWriteError, StoreLockedError, StoreUnavailableError } from './errors.ts';
export { LowdbStore, type LowdbStoreOptions } from './lowdb.ts';
export { describeBytes, FileMediaStore, MediaRefusedError, safeName } from './media.ts';

/**
 * Opens the embedded store in `options.dir` (created if missing); resolves once it is recovered from disk.
 *
 *     const store = await openStore({ dir: join(config.DATA_DIR, 'store'), log });
 *     await store.close();
 */
export async function openStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  const store = new LowdbStore(options);
  await store.open();
  return store;
}
