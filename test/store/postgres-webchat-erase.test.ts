// Two Switchboard processes on one PostgreSQL: an admin erases a web chat visitor on process A while the visitor's
// tabs stream from process B (a load balancer sent them there). B ends those streams at once, told by A over the
// store's LISTEN/NOTIFY fan-out, so no tab goes on showing the erased conversation; connecting again, to either
// process, is refused as an unknown session (the page says the chat has ended); another visitor on B goes on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { openTab, until, visitor } from '../channels/webchat-tabs.ts';
import { databaseUrl, skipReason } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

const ADMIN_TOKEN = 'erase-webchat-admin-token-0123456789abcdef';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

const apps: Switchboard[] = [];
let db: { name: string; url: string } | undefined;

beforeAll(async () => {
  if (!databaseUrl) return;
  db = await makeDatabase();
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  for (let n = 0; n < 2; n++) apps.push(await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: db.url } as never }));
}, 60_000);

afterAll(async () => {
  for (const app of apps) await app.stop();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}, 60_000);

it.skipIf(!databaseUrl)(`an erase on one process ends the visitor's tabs streaming from the other${databaseUrl ? '' : ` (SKIPPED: ${skipReason})`}`, async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const layla = await visitor(a.url, 'Layla');
  const omar = await visitor(b.url, 'Omar');
  const tabs = [await openTab(b.url, layla), await openTab(b.url, layla)];
  const other = await openTab(b.url, omar);
  await until('Layla\'s tabs show her greeting', () => tabs.every((tab) => tab.texts.includes('Hi Layla!')));
  await until('Omar\'s tab shows his greeting', () => other.texts.includes('Hi Omar!'));

  const contact = await a.store.contactByIdentity('webchat', layla.session);
  const erased = await fetch(`${a.url}/api/contacts/${contact!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(erased.status).toBe(200);

  await until('both of Layla\'s streams on the other process ended', () => tabs.every((tab) => tab.isEnded()), 5_000);
  for (const app of [a, b]) {
    const again = await fetch(`${app.url}/webchat/${layla.session}/events?after=0`, { headers: { authorization: `Bearer ${layla.token}` } });
    expect(again.status).toBe(401);
    await again.arrayBuffer();
  }

  expect(other.isEnded()).toBe(false);
  const sent = await fetch(`${a.url}/webchat/${omar.session}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${omar.token}` }, body: JSON.stringify({ text: 'still here?' }) });
  expect(sent.status).toBe(202);
  await until('Omar\'s stream on the other process shows his message', () => other.texts.includes('still here?'));
  expect(other.isEnded()).toBe(false);
  other.close();
}, 60_000);
