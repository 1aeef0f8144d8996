// `npm run migrate-store` and a Switchboard process starting on the same database at the same time (found by a
// tester: the process served everyone as new while the copy ran, and the copy then failed for another reason). The
// process now waits for the copy to finish and opens on what it committed; a second copy at once is refused.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { cleanupDirs, dataDirWith, freePort, inboundFlow, recordingLog } from '../helpers.ts';
import { handleMessage } from './helpers.ts';
import { COPY_LOCK_HELD } from '../../src/store/postgres/pool.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const databases: string[] = [];
afterAll(async () => {
  await cleanupDirs();
  for (const name of databases) await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** A DATA_DIR whose embedded store holds two customers, and an empty database with the schema made. */
async function setUp(): Promise<{ dataDir: string; url: string }> {
  const dataDir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  await mkdir(join(dataDir, 'store'));
  const embedded = new LowdbStore({ dir: join(dataDir, 'store') });
  await embedded.open();
  await embedded.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
  await embedded.transaction('bob', (tx) => handleMessage(tx, 'bob', 'b1'));
  await embedded.close();
  const name = `md_${randomBytes(5).toString('hex')}`;
  await sql(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = urlOfDatabase(name);
  const made = new PostgresStore({ url });
  await made.open();
  await made.close();
  return { dataDir, url };
}

/** Holds the messages table until `release`: a copy started meanwhile waits at its first look at it. */
async function holdMessagesTable(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  // Ended by the test's DROP DATABASE … WITH (FORCE) if a test fails while it holds the table.
  client.on('error', () => {});
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE switchboard.messages IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

function copy(dataDir: string, url: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  return migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: url }, (line) => lines.push(line)).then((code) => ({ code, output: lines.join('\n') }));
}

async function copyUnderWay(url: string): Promise<void> {
  await expect.poll(async () => (await sql(`SELECT 1 FROM pg_locks l WHERE ${COPY_LOCK_HELD}`, [], url)).length, { timeout: 10_000 }).toBe(1);
}

it.skipIf(!databaseUrl)('a Switchboard started while migrate-store copies waits for the copy, says so on /healthz, then serves what was copied', async () => {
  const { dataDir, url } = await setUp();
  const table = await holdMessagesTable(url);
  const copying = copy(dataDir, url);
  await copyUnderWay(url);

  const { log, lines } = recordingLog();
  const port = await freePort();
  let listening = false;
  const starting = startSwitchboard({ config: { PORT: port, HOST: '127.0.0.1', DATA_DIR: dataDir, STORE: 'postgres', DATABASE_URL: url }, log, watch: false, sweepEveryMs: 0, reachDelaysMs: [100] });
  void starting.then(() => { listening = true; }, () => {});
  const waits = () => lines.filter((line) => line.level === 40 && String(line.msg).startsWith('the database is being copied into')).map((line) => line.msg);
  await expect.poll(() => waits().length, { timeout: 10_000 }).toBeGreaterThan(1);
  expect(waits()[0]).toBe('the database is being copied into (npm run migrate-store); Switchboard waits for it and tries again in 0.1 s');
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: 'starting', reasons: expect.arrayContaining([expect.stringMatching(/^opening the store: `npm run migrate-store` is copying an embedded store into this database \(its PostgreSQL session: pid \d+\); trying again in 0\.1 s$/)]) });
  expect(listening).toBe(false);

  await table.release();
  const copied = await copying;
  expect(copied.output).toContain('copied 2 contacts, 2 conversations, 6 messages');
  expect(copied.code).toBe(0);
  const started = await starting;
  try {
    expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
    // What the copy brought, from the process that waited for it.
    expect((await started.store.contactByIdentity('webchat', 'ann'))?.identities).toEqual([{ channel: 'webchat', id: 'ann' }]);
    expect(await started.store.messageCount()).toBe(6);
    // No "not copied" warning: the process opened after the copy.
    expect(lines.some((line) => String(line.msg).startsWith('PostgreSQL holds no contacts'))).toBe(false);
  } finally {
    await started.stop();
  }
}, 60_000);

it.skipIf(!databaseUrl)('refuses a second copy into a database while one is under way, changing nothing', async () => {
  const { dataDir, url } = await setUp();
  // From another host's DATA_DIR: from the same one, the embedded store's own lock refuses the second.
  const other = await setUp();
  const table = await holdMessagesTable(url);
  const first = copy(dataDir, url);
  await copyUnderWay(url);
  const second = await copy(other.dataDir, url);
  expect(second.output).toBe('another `npm run migrate-store` is copying into this database; nothing was copied. Wait for it to finish.');
  expect(second.code).toBe(1);
  await table.release();
  expect((await first).code).toBe(0);
  // The first copy's two customers, and nothing of the second's.
  expect(await sql('SELECT address FROM switchboard.contact_identities ORDER BY address', [], url)).toEqual([{ address: 'ann' }, { address: 'bob' }]);
  expect(await sql('SELECT count(*)::int AS n FROM switchboard.messages', [], url)).toEqual([{ n: 6 }]);
}, 60_000);
