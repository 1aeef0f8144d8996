// The server (a real child process) is killed with SIGKILL while the dashboard's data-protection erase of a customer
// with archived messages and a file is under way. At the restart the store finishes the erase (its line was in the
// journal); the customer's file must be gone too, since the dashboard cannot be asked again (the contact is gone).
// (Found by a helper: the file and its side file stayed in DATA_DIR/media, 4 of 4 runs.)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { cleanupDirs, dataDirWith, visitor } from '../helpers.ts';
import { form } from '../channels/webchat-harness.ts';
import { spawnServer, type ServerProcess } from '../server-process.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7, 7]);
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hello"
`;
const at = '2025-01-01T00:00:00.000Z';

let server: ServerProcess | undefined;
afterEach(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = undefined;
  await cleanupDirs();
});

/** Other customers' history, compacted into the archive: a few MB, so that the erase's rewrite of it takes a while. */
async function seedHistory(storeDir: string): Promise<void> {
  const store = new LowdbStore({ dir: storeDir, compactAfterBytes: 256 * 1024, fsync: false });
  await store.open();
  const filler = 'x'.repeat(600);
  for (let c = 0; c < 100; c++) {
    await store.transaction(`seed-${c}`, async (tx) => {
      const id = `seed-${c}`;
      tx.putContact({ id, identities: [{ channel: 'webchat', id }], name: `Seed ${c}`, fields: {}, tags: [], createdAt: at, updatedAt: at });
      const conversationId = await tx.newConversationId();
      tx.putConversation({ id: conversationId, contactId: id, channel: 'webchat', status: 'closed', stage: 'bot', fields: {}, source: 'contact', openedAt: at, closedAt: at });
      for (let n = 0; n < 60; n++) {
        tx.addMessage({ contactId: id, conversationId, channel: 'webchat', address: id, direction: 'in', from: 'contact', text: `${n} ${filler}`, channelMessageId: `${id}-${n}`, at });
      }
    });
  }
  await store.close();
}

const start = (dataDir: string) => spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN, STORE_COMPACT_AFTER_KB: '64', CONTACT_RATE_LIMIT: '100000/1m' });

it('deletes the files of a customer whose erase was cut short by a kill -9 and finished at the restart', async () => {
  const dataDir = await dataDirWith({ 'inbound.yaml': flow });
  const storeDir = join(dataDir, 'store');
  await seedHistory(storeDir);

  server = await start(dataDir);
  const layla = visitor(server.url, 'layla', 'Layla');
  const { session, token } = await layla.credentials();
  const sent = await fetch(`${server.url}/webchat/${session}/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form({ bytes: png, type: 'image/png', name: 'passport.png' }, { text: 'my passport', clientId: 'p-1' }),
  });
  expect(sent.status).toBe(202);
  const mediaDir = join(dataDir, 'media');
  const files = await readdir(mediaDir);
  expect(files.length).toBeGreaterThan(0);

  const admin = adminClient(server.url);
  const { body } = await admin.get<{ contacts: { id: string; name?: string }[] }>('/contacts?q=layla');
  const contactId = body.contacts[0]!.id;

  // The erase: killed once its line is in the journal, while its compaction rewrites the archive.
  const erase = admin.delete(`/contacts/${contactId}`).catch(() => undefined);
  const journal = join(storeDir, 'journal.jsonl');
  let killed = false;
  for (let tries = 0; tries < 20_000 && !killed; tries++) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.includes('"eraseContact"')) {
      server.child.kill('SIGKILL');
      killed = true;
    }
  }
  await server.exited;
  await erase;
  expect(killed).toBe(true);

  server = await start(dataDir);
  const again = adminClient(server.url);
  // The erase was finished at the start: the contact is gone, and asking again is refused as for no such contact.
  expect((await again.get(`/contacts/${contactId}`)).status).toBe(404);
  expect((await again.delete(`/contacts/${contactId}`)).status).toBe(404);
  const store = (await readdir(storeDir)).filter((name) => name !== 'LOCK');
  const texts = (await Promise.all(store.map((name) => readFile(join(storeDir, name), 'utf8')))).join('\n');
  expect(texts).not.toContain('my passport');
  // …and the customer's file must not outlive them.
  const left = (await readdir(mediaDir)).filter((name) => files.some((file) => name.startsWith(file.split('.')[0]!)));
  expect(left).toEqual([]);
}, 60_000);
