// A database that refuses new sessions (ALLOW_CONNECTIONS false: SQLSTATE 55000, FATAL) is out of reach: the admin API
// answers 503, not 500 (found by a review, on teaching an NLP example and on adding a note).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'nlp-examples-admin-token-0123456789';
const database = `nlp_refusing_${randomBytes(6).toString('hex')}`;
afterAll(async () => {
  if (databaseUrl) {
    await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
    await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
  await cleanupDirs();
});

it.skipIf(!databaseUrl)('answers the admin API with 503 while the database refuses new sessions', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n' });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  await mkdir(join(dir, 'nlp'), { recursive: true });
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - where is my invoice\n  returns:\n    - I want to send it back\n    - how do I return an item\n');
  const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN }, log: quietLog, watch: false, sweepEveryMs: 0 });
  await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
  await new Promise((r) => setTimeout(r, 300));
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${app.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return `${res.status} ${await res.text()}`;
  };
  const nlp = await post('/nlp/examples', { intent: 'billing', text: 'db refusing example please' });
  const note = await post('/conversations/1/note', { text: 'hello' });
  await sql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
  await app.stop().catch(() => {});
  expect(nlp.slice(0, 3), nlp).toBe('503');
  expect(note.slice(0, 3), note).toBe('503');
}, 60_000);
