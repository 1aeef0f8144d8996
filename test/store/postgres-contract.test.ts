// The store contract on PostgreSQL (DATABASE_URL), each test on a fresh schema: the same suite the embedded store passes.
import { describe, it } from 'vitest';
import { storeContract, type StoreFactory } from './contract/index.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, skipReason } from './postgres-helpers.ts';

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
