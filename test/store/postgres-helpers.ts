// PostgreSQL for the store tests: the database DATABASE_URL names, and a fresh schema per store made (dropped after).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/store.ts';

/** The database the PostgreSQL tests run against, if any (`npm run test:postgres` starts one when unset). */
export const databaseUrl = process.env.DATABASE_URL;

/** Why the PostgreSQL tests are skipped, for the test names. */
export const skipReason = 'DATABASE_URL is not set: run `npm run test:postgres` (it starts a throwaway PostgreSQL) to run these';

/** A schema name no other test uses. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Opens a PostgresStore on `schema` (migrated at open). */
export async function openPostgres(schema: string, options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = new PostgresStore({ url: databaseUrl as string, schema, poolSize: 6, ...options });
  await store.open();
  return store;
}

/** Runs `sql` once on a connection of its own, to DATABASE_URL's database or the one `url` names. */
export async function sql<R extends object = Record<string, unknown>>(text: string, params: unknown[] = [], url = databaseUrl): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a schema made by a test, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** DATABASE_URL with another database name. */
export function urlOfDatabase(name: string): string {
  const url = new URL(databaseUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
}
