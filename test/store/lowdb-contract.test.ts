// The store contract on the embedded store: as configured by default, and compacting after every commit (so that
// reopening reads the snapshot and the messages archive instead of the journal).
import { rm } from 'node:fs/promises';
import type { LowdbStoreOptions } from '../../src/store/lowdb.ts';
import { storeContract, type StoreFactory } from './contract/index.ts';
import { openIn, tempDirs } from './helpers.ts';

/** Fresh LowdbStores in temporary directories, opened with `options`. */
function lowdb(options: Partial<LowdbStoreOptions>): StoreFactory {
  return {
    async create() {
      const dir = await tempDirs.make();
      let store = await openIn(dir, options);
      return {
        store,
        async reopen() {
          await store.close();
          store = await openIn(dir, options);
          return store;
        },
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  };
}

storeContract('LowdbStore', lowdb({}));
storeContract('LowdbStore compacting after every commit', lowdb({ compactAfterBytes: 1 }));
