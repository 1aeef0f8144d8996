// NLP examples taught at once on two processes sharing DATA_DIR (POST /api/nlp/examples, each answered 201) are all
// kept in DATA_DIR/nlp/admin.yaml: with a lock of each process only, some were lost (found by a helper using two processes).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'nlp-examples-admin-token-0123456789';
const database = `nlp_examples_${randomBytes(6).toString('hex')}`;
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

it.skipIf(!databaseUrl)('keeps every example taught at once on two processes (each answered 201)', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n' });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  await mkdir(join(dir, 'nlp'), { recursive: true });
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - where is my invoice\n  returns:\n    - I want to send it back\n    - how do I return an item\n');
  for (let i = 0; i < 2; i++) {
    apps.push(await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN },
      log: quietLog, watch: false, sweepEveryMs: 0,
    }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];
  const teach = async (app: Switchboard, intent: string, text: string) => {
    const res = await fetch(`${app.url}/api/nlp/examples`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ intent, text }) });
    await res.arrayBuffer();
    return res.status;
  };
  const taught: string[] = [];
  for (let round = 0; round < 3; round++) {
    const jobs: Promise<number>[] = [];
    for (let n = 0; n < 3; n++) {
      const onA = `round ${round} refund number ${n} please`;
      const onB = `round ${round} return parcel ${n} please`;
      taught.push(onA, onB);
      jobs.push(teach(a, 'billing', onA), teach(b, 'returns', onB));
    }
    expect(await Promise.all(jobs)).toEqual([201, 201, 201, 201, 201, 201]);
  }
  const file = await readFile(join(dir, 'nlp', 'admin.yaml'), 'utf8');
  expect(taught.filter((text) => !file.includes(text))).toEqual([]);
}, 60_000);
