// A backlog of replies (a channel down for an hour, a burst across two processes) is claimed in work that grows with
// the backlog, not with the backlog times the replies being sent. Every recorded outcome claims the next replies
// under the claimers' lock, so a claim that looked up the addresses sending once per address waiting (the plan a
// connection keeps when the table's statistics say nothing is pending, as on a fresh copy) made each claim slower
// as the backlog grew: two processes in the benchmark fell 20 s behind. Counted, not timed: the sending index's
// scans, as PostgreSQL's statistics report them.
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { databaseUrl, dropSchema, freshSchema, sql } from './postgres-helpers.ts';

const schemas: string[] = [];
const stores: PostgresStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close().catch(() => {});
  if (databaseUrl) for (const schema of schemas) await dropSchema(schema);
});

it.skipIf(!databaseUrl)('claims from a backlog of 400 addresses with 100 sending in one look at the addresses sending', async () => {
  const schema = freshSchema();
  schemas.push(schema);
  const store = new PostgresStore({ url: databaseUrl!, schema, poolSize: 2 });
  stores.push(store);
  await store.open();
  // Statistics taken while every reply had gone, as after a quiet night or a copy by migrate-store.
  await sql(`INSERT INTO ${schema}.messages (id, channel, address, direction, status, data)
    SELECT n, 'telegram', 'gone' || n, 'out', 'sent', '{}' FROM generate_series(1, 2000) AS n`);
  await sql(`ANALYZE ${schema}.messages`);
  // Then the backlog: 100 addresses with a reply being sent, and 400 others with a reply waiting.
  await sql(`INSERT INTO ${schema}.messages (id, channel, address, direction, status, claimed_by, data)
    SELECT 10000 + n, 'telegram', 'busy' || n, 'out', 'sending', 1, '{}' FROM generate_series(1, 100) AS n`);
  await sql(`INSERT INTO ${schema}.messages (id, channel, address, direction, status, data)
    SELECT 20000 + n, 'telegram', 'waiting' || n, 'out', 'pending', '{}' FROM generate_series(1, 400) AS n`);

  const scans = async (): Promise<number> => {
    const [row] = await sql<{ scans: string }>(`SELECT idx_scan AS scans FROM pg_stat_user_indexes WHERE schemaname = $1 AND indexrelname = 'outbound_sending'`, [schema]);
    return Number(row?.scans ?? 0);
  };
  const before = await scans();
  // Claims as the outbox makes them, until the 400 waiting are all claimed (a plan kept after five is used too).
  const claimed: number[] = [];
  for (let round = 0; round < 10 && claimed.length < 400; round++) claimed.push(...(await store.claimOutbound(64)).map((message) => message.id));
  expect(claimed.length).toBe(400);
  expect(new Set(claimed).size).toBe(400);
  expect(Math.min(...claimed)).toBeGreaterThan(20000);
  // The statistics reach the view once the connection that scanned reports them (within a second or so).
  await store.close();
  await expect.poll(scans, { timeout: 20_000, interval: 200 }).toBeGreaterThan(before);
  // One look at the addresses sending per claim (7 claims), not one per address waiting (400 in the first claim).
  expect((await scans()) - before).toBeLessThanOrEqual(20);
});
