// A customer's picture through the data-protection erase, with two Switchboard processes on one PostgreSQL and one
// DATA_DIR: an erase whose delete fails (the database restarted) leaves it served to her, her agent and the dashboard,
// on both processes; one whose process stops right after its delete, before the picture went, has it deleted by the
// other process's next sweep, and by a process started after.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { laylaSendsPicture, PICTURE } from '../server/admin/picture.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

const apps: Switchboard[] = [];
const databases: string[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  for (const name of databases.splice(0)) await dropDatabase(name);
  await cleanupDirs();
}, 60_000);

/** A fresh database and shipped DATA_DIR, and what starts a Switchboard process on both. */
async function processes(): Promise<{ dir: string; run: () => Promise<Switchboard> }> {
  const db = await makeDatabase();
  databases.push(db.name);
  const dir = await shippedDataDir();
  const run = async () => {
    const app = await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: db.url } });
    apps.push(app);
    return app;
  };
  return { dir, run };
}

/** From now on, `app`'s erases delete, then never answer, as a process stopped right after its delete: until `stop`. */
function stopsAfterTheDelete(app: Switchboard): { stop: () => void } {
  const real = app.store.eraseContact.bind(app.store);
  let stop!: () => void;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(new StoreUnavailableError('the process stopped'));
  });
  app.store.eraseContact = async (contactId, options) => {
    await real(contactId, options);
    return stopped;
  };
  return { stop };
}

it.skipIf(!databaseUrl)('keeps her picture through a failed erase, and deletes it after the delete of a process that stopped then', async () => {
  const { dir, run } = await processes();
  const [a, b] = [await run(), await run()];
  const { laylaId, picture } = await laylaSendsPicture(a.url);
  const served = { webchat: PICTURE, console: PICTURE, dashboard: PICTURE };
  expect(await picture(b.url)).toEqual(served);

  // The database restarted under A's delete.
  const real = a.store.eraseContact.bind(a.store);
  a.store.eraseContact = () => {
    a.store.eraseContact = real;
    return Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
  };
  expect((await adminClient(a.url).delete(`/contacts/${laylaId}`)).status).toBe(503);
  expect(await picture(a.url)).toEqual(served);
  expect(await picture(b.url)).toEqual(served);

  // Asked again, A deletes her, and stops there (its answer never comes): B's next sweep deletes her picture.
  const { stop } = stopsAfterTheDelete(a);
  const erase = adminClient(a.url).delete(`/contacts/${laylaId}`);
  await expect.poll(async () => (await adminClient(b.url).get(`/contacts/${laylaId}`)).status, { timeout: 10_000 }).toBe(404);
  expect(await readdir(join(dir, 'media'))).toHaveLength(2);
  await b.runtime.sweep();
  expect(await readdir(join(dir, 'media'))).toEqual([]);
  expect(await picture(b.url)).toEqual({ webchat: 401, console: 404, dashboard: 404 });
  stop();
  await erase;
}, 120_000);

it.skipIf(!databaseUrl)('a process started after one that stopped right after its delete deletes her picture', async () => {
  const { dir, run } = await processes();
  const a = await run();
  const { laylaId } = await laylaSendsPicture(a.url);
  const { stop } = stopsAfterTheDelete(a);
  const erase = adminClient(a.url).delete(`/contacts/${laylaId}`);
  await expect.poll(async () => (await a.store.contact(laylaId)) === undefined, { timeout: 10_000 }).toBe(true);
  expect(await readdir(join(dir, 'media'))).toHaveLength(2);
  await run();
  expect(await readdir(join(dir, 'media'))).toEqual([]);
  stop();
  await erase;
}, 120_000);
