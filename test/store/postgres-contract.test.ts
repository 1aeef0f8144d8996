// The store contract on PostgreSQL (DATABASE_URL), each test on a fresh schema: the same suite the embedded store passes.
import { describe, it, vi } from 'vitest';
import { storeContract, type StoreFactory } from './contract/index.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, skipReason } from './postgres-helpers.ts';

// Every read and commit is a round trip to the database: the 300 rounds of the invariants test take 9-37 s in CI
// here, and over 90 s with a load average of 20 on the two cores.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 30_000 });

const postgres: StoreFactory = {
  async create() {
    const schema = freshSchema();
    let store = await openPostgres(schema);
    return {
      store,
      async reopen() {
        await store.close();
        store = await openPostgres(schema);
        return store;
      },
      cleanup: () => dropSchema(schema),
    };
  },
};

if (databaseUrl) storeContract('PostgresStore', postgres);
else describe('PostgresStore', () => it.skip(skipReason, () => {}));
