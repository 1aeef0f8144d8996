// An admin erases a web chat visitor (data protection) while the visitor's tabs are open: each tab's event stream ends
// at once, on a real server on 127.0.0.1, so no tab goes on showing the erased conversation; connecting again is
// refused as for a session the server does not know (the page then says the chat has ended), and another visitor's
// stream goes on. (Two processes on PostgreSQL: test/store/postgres-webchat-erase.test.ts.)
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { openTab, until, visitor } from './webchat-tabs.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

const running: Switchboard[] = [];
afterAll(async () => {
  for (const app of running) await app.stop();
  await cleanupDirs();
});

it('ends every open tab of an erased visitor at once, refuses them after, and leaves other visitors streaming', async () => {
  const app = await start(await dataDirWith({ 'inbound.yaml': flow }), { adminToken: ADMIN_TOKEN });
  running.push(app);
  const layla = await visitor(app.url, 'Layla');
  const omar = await visitor(app.url, 'Omar');
  const tabs = [await openTab(app.url, layla), await openTab(app.url, layla)];
  const other = await openTab(app.url, omar);
  for (const tab of [...tabs, other]) await until('the greeting shown', () => tab.texts.includes('Hi Layla!') || tab.texts.includes('Hi Omar!'));

  const contact = await app.store.contactByIdentity('webchat', layla.session);
  const erased = await fetch(`${app.url}/api/contacts/${contact!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(erased.status).toBe(200);

  // Both of Layla's tabs are ended by the server, without her writing or reloading.
  await until('both of Layla\'s streams ended by the server', () => tabs.every((tab) => tab.isEnded()), 3_000);
  // Connecting again (what the page does a second later) is refused: the page says the chat has ended.
  const again = await fetch(`${app.url}/webchat/${layla.session}/events?after=0`, { headers: { authorization: `Bearer ${layla.token}` } });
  expect(again.status).toBe(401);
  expect(((await again.json()) as { kind: string }).kind).toBe('unauthorized');

  // Omar's chat goes on: his stream is still open and shows what comes next.
  expect(other.isEnded()).toBe(false);
  const sent = await fetch(`${app.url}/webchat/${omar.session}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${omar.token}` }, body: JSON.stringify({ text: 'still here?' }) });
  expect(sent.status).toBe(202);
  await until('Omar\'s stream shows his message', () => other.texts.includes('still here?'));
  expect(other.isEnded()).toBe(false);
  other.close();
}, 30_000);
