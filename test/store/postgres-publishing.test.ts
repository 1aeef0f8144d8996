// Publishing flows and team.yaml from two processes on one PostgreSQL sharing DATA_DIR: two admins publishing from
// the same version at once, one on each process, get one 200 and one 409 (the version check and the write are one
// step across processes), and the other process serves what was published without a file watcher; so it does an
// NLP example taught on one process.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { versionOf } from '../../src/flows/versions.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'publish-admin-token-0123456789abcdef';
const flowSource = (greeting: string) => `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "${greeting}"\n`;
const teamSource = (team: string) => `teams:\n  - name: Support\n  - name: ${team}\nagents: []\n`;
const database = `t_${randomBytes(6).toString('hex')}`;
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

async function put(app: Switchboard, path: string, body: object): Promise<number> {
  const res = await fetch(`${app.url}/api${path}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 25) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it.skipIf(!databaseUrl)('lets one of two admins on two processes publish from a version, refuses the other, and puts it in service in both', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const first = flowSource('Hello!');
  const dir = await dataDirWith({ 'inbound.yaml': first });
  await writeFile(join(dir, 'team.yaml'), teamSource('Billing'));
  await mkdir(join(dir, 'nlp'), { recursive: true });
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - where is my invoice\n  returns:\n    - I want to send it back\n    - how do I return an item\n');
  for (let i = 0; i < 2; i++) {
    apps.push(await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN },
      log: quietLog,
      watch: false,
      sweepEveryMs: 0,
    }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];

  for (let round = 0; round < 5; round++) {
    const base = versionOf(a.flows.servedBy('flows/inbound.yaml')!.source);
    const fromA = flowSource(`Hello from Nadia, round ${round}!`);
    const fromB = flowSource(`Hello from Omar, round ${round}!`);
    const statuses = await Promise.all([put(a, '/flows/inbound', { source: fromA, baseVersion: base }), put(b, '/flows/inbound', { source: fromB, baseVersion: base })]);
    expect([...statuses].sort()).toEqual([200, 409]);
    const won = statuses[0] === 200 ? fromA : fromB;
    // Both processes serve the winner, the one that did not write it too.
    await until(() => a.flows.servedBy('flows/inbound.yaml')?.source === won && b.flows.servedBy('flows/inbound.yaml')?.source === won, 'both processes serving the published flow');
  }

  // An example taught on one process: the other retrains on it too (neither watches the files).
  const taught = 'the parcel came with a cracked screen';
  expect(b.intents.nearest(taught, 5).some((neighbour) => neighbour.text === taught)).toBe(false);
  const res = await fetch(`${a.url}/api/nlp/examples`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ intent: 'returns', text: taught }) });
  expect(res.status).toBe(201);
  await until(() => [a, b].every((app) => app.intents.nearest(taught, 5).some((neighbour) => neighbour.text === taught)), 'both processes retrained on the taught example');

  const teamBase = versionOf(teamSource('Billing'));
  const teams = await Promise.all([put(a, '/team', { source: teamSource('Sales'), baseVersion: teamBase }), put(b, '/team', { source: teamSource('Returns'), baseVersion: teamBase })]);
  expect([...teams].sort()).toEqual([200, 409]);
  const winner = teams[0] === 200 ? 'Sales' : 'Returns';
  await until(() => [a, b].every((app) => app.directory.teams().some((team) => team.name === winner)), 'both processes reading the published team.yaml');
}, 60_000);
