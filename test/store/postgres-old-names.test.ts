// A PostgreSQL store kept by a version before contact names were cleaned where they come in: a name stored with a
// direction override (U+202E showed "Dana \u202Eevil" as "Dana live") reads cleaned on the dashboard once a process of
// this version has opened the store, and an Arabic name stays as it was written.
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';
import { databaseUrl, skipReason, sql } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

const apps: Switchboard[] = [];
let db: { name: string; url: string } | undefined;

afterAll(async () => {
  for (const app of apps) await app.stop();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}, 60_000);

it.skipIf(!databaseUrl)(`shows a name an earlier version stored with invisible controls cleaned, once the store opens${databaseUrl ? '' : ` (SKIPPED: ${skipReason})`}`, async () => {
  db = await makeDatabase();
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  const run = async () => {
    const app = await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: db!.url } as never });
    apps.push(app);
    return app;
  };
  const before = await run();
  await visitor(before.url, 'dana-old-name', 'Dana').say('hello');
  await visitor(before.url, 'mona-old-name', 'منى 👩‍💻').say('مرحبا');
  await before.stop();
  // The store as that version left it: Dana's name as her channel gave it, and no migration since.
  // Written as JSON text: a NUL (which jsonb and ->> refuse) is one of the characters to go.
  const [stored] = await sql<{ id: string; data: Record<string, unknown> }>(`SELECT id, data FROM switchboard.contacts WHERE data->>'name' = 'Dana'`, [], db.url);
  await sql('UPDATE switchboard.contacts SET data = $2::json WHERE id = $1', [stored!.id, JSON.stringify({ ...stored!.data, name: 'Dana\u0000 😀\u202Eevil\u200b' })], db.url);
  await sql('DELETE FROM switchboard.schema_migrations WHERE version = 5', [], db.url);

  const app = await run();
  const listed = await adminClient(app.url).get<{ contacts: { id: string; name?: string }[] }>('/contacts');
  expect(listed.body.contacts.map((contact) => contact.name)).toEqual(['منى 👩‍💻', 'Dana 😀evil']);
  const dana = listed.body.contacts[1]!;
  expect((await adminClient(app.url).get<{ contact: { name: string } }>(`/contacts/${dana.id}`)).body.contact.name).toBe('Dana 😀evil');
}, 60_000);
