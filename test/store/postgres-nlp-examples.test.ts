// Teaching the NLP from the dashboard (POST /api/nlp/examples) on PostgreSQL deployments:
// - examples taught at once on two processes sharing DATA_DIR (each answered 201) are all kept in
//   DATA_DIR/nlp/admin.yaml: with a lock of each process only, some were lost (found by a helper using two processes);
// - a database refusing new sessions (ALLOW_CONNECTIONS false: SQLSTATE 55000, FATAL) is out of reach: the admin API
//   answers 503, not 500 (found by a review, on teaching an example and on adding a note).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'nlp-examples-admin-token-0123456789';
const databases: string[] = [];
const apps: Switchboard[] = [];
afterAll(async () => {
  // The databases take sessions again first: a process stopping lets go of its lease and claims there.
  for (const database of databases) await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
  for (const app of apps) await app.stop().catch(() => {});
  for (const database of databases) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
}, 60_000);

/** A new database and a DATA_DIR with a flow, a team and two intents; `count` processes started on them. */
async function deployment(count: number): Promise<{ dir: string; database: string; apps: Switchboard[] }> {
  const database = `nlp_examples_${randomBytes(6).toString('hex')}`;
  databases.push(database);
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n' });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  await mkdir(join(dir, 'nlp'), { recursive: true });
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - where is my invoice\n  returns:\n    - I want to send it back\n    - how do I return an item\n');
  const started: Switchboard[] = [];
  for (let i = 0; i < count; i++) {
    started.push(await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN },
      log: quietLog, watch: false, sweepEveryMs: 0,
    }));
  }
  apps.push(...started);
  return { dir, database, apps: started };
}

/** The admin API's answer: its status and body. */
async function post(app: Switchboard, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

it.skipIf(!databaseUrl)('keeps every example taught at once on two processes (each answered 201)', async () => {
  const { dir, apps: [a, b] } = await deployment(2);
  const taught: string[] = [];
  for (let round = 0; round < 3; round++) {
    const jobs: Promise<{ status: number }>[] = [];
    for (let n = 0; n < 3; n++) {
      const onA = `round ${round} refund number ${n} please`;
      const onB = `round ${round} return parcel ${n} please`;
      taught.push(onA, onB);
      jobs.push(post(a!, '/nlp/examples', { intent: 'billing', text: onA }), post(b!, '/nlp/examples', { intent: 'returns', text: onB }));
    }
    expect((await Promise.all(jobs)).map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201, 201]);
  }
  const file = await readFile(join(dir, 'nlp', 'admin.yaml'), 'utf8');
  expect(taught.filter((text) => !file.includes(text))).toEqual([]);
}, 60_000);

it.skipIf(!databaseUrl)('answers the admin API with 503 while the database refuses new sessions', async () => {
  const { database, apps: [app] } = await deployment(1);
  await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const example = await post(app!, '/nlp/examples', { intent: 'billing', text: 'db refusing example please' });
  const note = await post(app!, '/conversations/1/note', { text: 'hello' });
  await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
  expect(example.status, example.text).toBe(503);
  expect(note.status, note.text).toBe(503);
}, 60_000);
