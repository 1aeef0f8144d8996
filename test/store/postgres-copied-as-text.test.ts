// A PostgreSQL database filled by a `migrate-store` that stored timelines (and sent parts, erased relays) as their JSON
// text, a string: once a process of this version opens it, the dashboard shows the copied conversations and their
// lifecycle again, where it answered 500.
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';
import { databaseUrl, skipReason, sql } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "أهلاً {{contact.name | there}}!"\n  - close: done\n';

const apps: Switchboard[] = [];
let db: { name: string; url: string } | undefined;

afterAll(async () => {
  for (const app of apps) await app.stop();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}, 60_000);

it.skipIf(!databaseUrl)(`shows the lifecycle of a conversation an earlier migrate-store copied as text${databaseUrl ? '' : ` (SKIPPED: ${skipReason})`}`, async () => {
  db = await makeDatabase();
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  const run = async () => {
    const app = await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: db!.url } as never });
    apps.push(app);
    return app;
  };
  const before = await run();
  await visitor(before.url, 'mona-copied', 'منى 👩‍💻').say('مرحبا');
  const { body: { conversations: [listed] } } = await adminClient(before.url).get<{ conversations: { id: number }[] }>('/conversations');
  // Read once the greeting went out: read while it was still sending, its status would change between the two reads.
  const read = () => adminClient(before.url).get<{ events: { type: string }[]; messages: { status?: string }[] }>(`/conversations/${listed!.id}`);
  let shown = await read();
  for (let tries = 0; shown.body.messages.some((message) => message.status === 'sending') && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    shown = await read();
  }
  expect(shown.body.events.map((event) => event.type)).toEqual(['opened', 'closed']);
  await before.stop();
  // As that copy left them: each document's JSON text, stored as a JSON string; and no migration since.
  await sql(`UPDATE switchboard.docs SET value = to_json(value::text) WHERE collection = 'timelines'`, [], db.url);
  await sql('DELETE FROM switchboard.schema_migrations WHERE version = 6', [], db.url);

  const app = await run();
  const again = await adminClient(app.url).get<{ events: { type: string }[] }>(`/conversations/${listed!.id}`);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(shown.body);
}, 60_000);
