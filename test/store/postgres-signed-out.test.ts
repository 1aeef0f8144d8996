// A sign-out on one of two processes sharing one PostgreSQL holds on the other within a moment: the dashboard's
// cookie and an agent's, signed out on the first, are refused by the second (someone who copied the cookie keeps no
// access by asking the other process), and by a process started afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, quietLog, shippedDataDir } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'signed-out-admin-token-0123456789abcdef';
const database = `t_${randomBytes(6).toString('hex')}`;
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

const session = (app: Switchboard, cookie: string) => fetch(`${app.url}/api/session`, { headers: { cookie } }).then((res) => res.status);
const omarsMessages = (app: Switchboard, cookie: string) => fetch(`${app.url}/webchat/agent-omar/messages`, { headers: { cookie } }).then((res) => res.status);

it.skipIf(!databaseUrl)('refuses on the other process a cookie signed out on one, the dashboard\'s and an agent\'s', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await shippedDataDir();
  const open = async () => {
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), ADMIN_TOKEN }, log: quietLog, watch: false, sweepEveryMs: 0 });
    apps.push(app);
    return app;
  };
  const [a, b] = [await open(), await open()];

  const login = await fetch(`${a.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
  const admin = login.headers.get('set-cookie')!.split(';')[0]!;
  const agentLogin = await fetch(`${a.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-omar') }) });
  const agent = agentLogin.headers.get('set-cookie')!.split(';')[0]!;
  expect(await session(b, admin)).toBe(200);
  expect(await omarsMessages(b, agent)).toBe(200);

  expect((await fetch(`${a.url}/api/logout`, { method: 'POST', headers: { cookie: admin, 'x-requested-with': 'switchboard' } })).status).toBe(200);
  expect((await fetch(`${a.url}/agent/logout`, { method: 'POST', headers: { cookie: agent } })).status).toBe(204);
  // Within a second or two on the other process (it hears the sign-out; it does not ask the database per request).
  await expect.poll(() => session(b, admin), { timeout: 10_000, interval: 100 }).toBe(401);
  await expect.poll(() => omarsMessages(b, agent), { timeout: 10_000, interval: 100 }).toBe(401);
  // A process started afterwards reads them from the store.
  const c = await open();
  expect(await session(c, admin)).toBe(401);
  expect(await omarsMessages(c, agent)).toBe(401);
}, 90_000);
