// Contacts over the admin API: list and search, one contact with their conversations, edits of the name and fields,
// and the data-protection erase: the contact, their conversations, messages and files gone, after a restart too,
// with the log saying what was erased by ids and counts, never by contents.
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { StoreUnavailableError } from '../../../src/store/errors.ts';
import { cleanupDirs, recordingLog, shippedDataDir, visitor } from '../../helpers.ts';
import { form } from '../../channels/webchat-harness.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';
import { laylaSendsPicture, PICTURE } from './picture.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9, 9]);

interface ListedContact { id: string; name?: string; identities: { channel: string; id: string }[]; fields: Record<string, unknown>; conversations: number }

/** Every file under `dir`, as text. */
async function everything(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const texts = await Promise.all(entries.filter((entry) => entry.isFile() && entry.name !== 'LOCK').map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')));
  return texts.join('\n');
}

afterAll(cleanupDirs);

describe('contacts over the admin API', () => {
  it('lists, searches and edits contacts, and erases one with their conversations, messages and files for good', async () => {
    const dir = await shippedDataDir();
    const { log, lines } = recordingLog();
    const run = (): Promise<Switchboard> => startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN }, log, watch: false, sweepEveryMs: 0 });
    let app = await run();
    const admin = () => adminClient(app.url);
    try {
      const layla = visitor(app.url, 'layla', 'Layla');
      await layla.say('hello');
      await layla.say('layla@example.com');
      await layla.say('my card 4111 was charged twice');
      const { session, token } = await layla.credentials();
      const upload = await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form({ bytes: png, type: 'image/png', name: 'statement.png' }, { text: 'my statement' }) });
      expect(upload.status).toBe(202);
      await visitor(app.url, 'bob', 'Bob').say('hello');

      const listed = await admin().get<{ contacts: ListedContact[] }>('/contacts');
      expect(listed.body.contacts.map((c) => [c.name, c.conversations])).toEqual([['Bob', 1], ['Layla', 1]]);
      const found = await admin().get<{ contacts: ListedContact[] }>('/contacts?q=LAYLA%40example');
      expect(found.body.contacts).toEqual([expect.objectContaining({ name: 'Layla', identities: [{ channel: 'webchat', id: session }], fields: { email: 'layla@example.com' }, conversations: 1 })]);
      const page = await admin().get<{ contacts: ListedContact[]; nextCursor?: string }>('/contacts?limit=1');
      expect(page.body.contacts.map((c) => c.name)).toEqual(['Bob']);
      expect((await admin().get<{ contacts: ListedContact[] }>(`/contacts?limit=1&cursor=${page.body.nextCursor}`)).body.contacts.map((c) => c.name)).toEqual(['Layla']);
      const laylaId = found.body.contacts[0]!.id;

      const one = await admin().get<{ contact: { name: string }; conversations: { id: number; intent?: string }[] }>(`/contacts/${laylaId}`);
      expect(one.body.contact.name).toBe('Layla');
      expect(one.body.conversations).toEqual([expect.objectContaining({ id: 1, intent: 'billing' })]);

      const edited = await admin().patch<{ contact: { name: string; fields: Record<string, unknown> } }>(`/contacts/${laylaId}`, { name: 'Layla K.', fields: { email: null, vip: true, order_id: 'A-17' } });
      expect(edited.status).toBe(200);
      expect(edited.body.contact).toMatchObject({ name: 'Layla K.', fields: { vip: true, order_id: 'A-17' } });
      expect(edited.body.contact.fields.email).toBeUndefined();
      expect(await app.store.contact(laylaId)).toMatchObject({ name: 'Layla K.', fields: { vip: true, order_id: 'A-17' } });
      expect((await admin().patch(`/contacts/${laylaId}`, { fields: { '1bad': 'x' } })).status).toBe(422);
      expect((await admin().patch(`/contacts/${laylaId}`, { fields: { nested: { a: 1 } } })).status).toBe(422);
      expect((await admin().patch('/contacts/nobody', { name: 'X' })).status).toBe(404);

      // The file is in the transcript and served to the admin.
      const transcript = await admin().get<{ messages: { text: string; attachments?: { kind: string; url?: string }[] }[] }>('/conversations/1');
      const url = transcript.body.messages.find((m) => m.attachments)!.attachments![0]!.url!;
      const file = await fetch(`${app.url}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
      expect(await readdir(join(dir, 'media'))).toHaveLength(2);

      const erased = await admin().delete<{ erased: { conversations: number; messages: number; files: number } }>(`/contacts/${laylaId}`);
      expect(erased.status).toBe(200);
      expect(erased.body.erased).toEqual({ conversations: 1, messages: expect.any(Number), files: 1 });
      expect(erased.body.erased.messages).toBeGreaterThanOrEqual(5);
      expect(await readdir(join(dir, 'media'))).toEqual([]);
      expect((await admin().get(`/contacts/${laylaId}`)).status).toBe(404);
      expect((await admin().get('/conversations/1')).status).toBe(404);
      expect((await fetch(`${app.url}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
      expect((await admin().get<{ conversations: { id: number }[] }>('/conversations')).body.conversations.map((c) => c.id)).toEqual([2]);
      // Her web chat session is gone with her name.
      expect((await fetch(`${app.url}/webchat/${session}/messages`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

      const said = lines.filter((line) => String(line.msg).includes('erased'));
      expect(said.length).toBeGreaterThan(0);
      const logged = JSON.stringify(said);
      for (const secret of ['Layla', 'layla@example.com', 'card 4111', 'statement']) expect(logged).not.toContain(secret);
      expect(said.at(-1)).toMatchObject({ contact: laylaId, conversations: 1, files: 1 });
    } finally {
      await app.stop();
    }

    app = await run();
    try {
      expect((await admin().get(`/contacts`)).body).toEqual({ contacts: [expect.objectContaining({ name: 'Bob' })] });
      expect((await admin().get('/conversations/1')).status).toBe(404);
      expect(await app.store.messageCount()).toBeGreaterThan(0);
      const onDisk = await everything(join(dir, 'store'));
      for (const secret of ['Layla', 'layla@example.com', 'card 4111', 'statement.png']) expect(onDisk).not.toContain(secret);
    } finally {
      await app.stop();
    }
  });

  it('an erase whose delete fails (the store out of reach) leaves the web chat visitor chatting as before; asked again, it erases her', async () => {
    const dir = await shippedDataDir();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN }, log: recordingLog().log, watch: false, sweepEveryMs: 0 });
    const admin = adminClient(app.url);
    try {
      const layla = visitor(app.url, 'layla-failed-erase', 'Layla');
      await layla.say('hello');
      const { session, token } = await layla.credentials();
      const laylaId = (await app.store.contactByIdentity('webchat', session))!.id;
      // The database restarted under the delete, once.
      const real = app.store.eraseContact.bind(app.store);
      let fail = true;
      app.store.eraseContact = (contactId, options) => {
        if (!fail) return real(contactId, options);
        fail = false;
        return Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
      };

      const failed = await admin.delete<{ error: string }>(`/contacts/${laylaId}`);
      expect(failed.status).toBe(503);
      // Her chat goes on: her session still opens, and what she writes is answered.
      const read = await fetch(`${app.url}/webchat/${session}/messages`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.status).toBe(200);
      expect((await layla.say('are you there?')).status).toBeLessThan(300);
      expect(failed.body.error).toContain('erase them again');

      expect((await admin.delete(`/contacts/${laylaId}`)).status).toBe(200);
      expect((await admin.get(`/contacts/${laylaId}`)).status).toBe(404);
      expect((await fetch(`${app.url}/webchat/${session}/messages`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await app.stop();
    }
  });

  it('an erase whose delete fails leaves her picture to her, her agent and the dashboard; asked again, it erases it', async () => {
    const dir = await shippedDataDir();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN }, log: recordingLog().log, watch: false, sweepEveryMs: 0 });
    const admin = adminClient(app.url);
    try {
      const { laylaId, picture } = await laylaSendsPicture(app.url);
      const served = { webchat: PICTURE, console: PICTURE, dashboard: PICTURE };
      expect(await picture(app.url)).toEqual(served);
      // The database restarted under the delete, once.
      const real = app.store.eraseContact.bind(app.store);
      app.store.eraseContact = () => {
        app.store.eraseContact = real;
        return Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
      };

      const failed = await admin.delete<{ error: string }>(`/contacts/${laylaId}`);
      expect(failed.status).toBe(503);
      expect(await picture(app.url)).toEqual(served);
      expect(failed.body.error).toContain('with their conversations, messages and files');

      const erased = await admin.delete<{ erased: { files: number } }>(`/contacts/${laylaId}`);
      expect(erased.status).toBe(200);
      expect(erased.body.erased.files).toBe(1);
      expect(await picture(app.url)).toEqual({ webchat: 401, console: 404, dashboard: 404 });
      expect(await readdir(join(dir, 'media'))).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it('a server stopped in the middle of an erase keeps her picture when it stopped before the delete, and deletes it at the next start when after', async () => {
    const dir = await shippedDataDir();
    const run = (dataDir: string): Promise<Switchboard> => startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN }, log: recordingLog().log, watch: false, sweepEveryMs: 0 });
    // DATA_DIR as the disk holds it at that moment: what a server killed then leaves (its store's lock stale then).
    const stoppedHere = async (): Promise<string> => {
      const image = `${dir}-stopped-${Math.random().toString(36).slice(2)}`;
      await cp(dir, image, { recursive: true, filter: (path) => path !== join(dir, 'store', 'LOCK') });
      return image;
    };
    const stopped: string[] = [];
    const app = await run(dir);
    let layla: Awaited<ReturnType<typeof laylaSendsPicture>>;
    try {
      layla = await laylaSendsPicture(app.url);
      const real = app.store.eraseContact.bind(app.store);
      app.store.eraseContact = async (contactId, options) => {
        stopped.push(await stoppedHere());
        const erased = await real(contactId, options);
        stopped.push(await stoppedHere());
        return erased;
      };
      expect((await adminClient(app.url).delete(`/contacts/${layla.laylaId}`)).status).toBe(200);
    } finally {
      await app.stop();
    }
    const [beforeTheDelete, afterTheDelete] = stopped as [string, string];

    // Stopped before the delete: she is there, her picture served as before; asked again, the erase takes it.
    const before = await run(beforeTheDelete);
    try {
      expect((await adminClient(before.url).get(`/contacts/${layla.laylaId}`)).status).toBe(200);
      expect(await layla.picture(before.url)).toEqual({ webchat: PICTURE, console: PICTURE, dashboard: PICTURE });
      expect((await adminClient(before.url).delete(`/contacts/${layla.laylaId}`)).status).toBe(200);
      expect(await readdir(join(beforeTheDelete, 'media'))).toEqual([]);
    } finally {
      await before.stop();
    }

    // Stopped after the delete, before her picture went: the next start deletes it.
    expect(await readdir(join(afterTheDelete, 'media'))).toHaveLength(2);
    const after = await run(afterTheDelete);
    try {
      expect((await adminClient(after.url).get(`/contacts/${layla.laylaId}`)).status).toBe(404);
      expect(await readdir(join(afterTheDelete, 'media'))).toEqual([]);
    } finally {
      await after.stop();
      await Promise.all(stopped.map((image) => rm(image, { recursive: true, force: true })));
    }
  });

  it('removes a field named __proto__ an older store holds (it answered 200 and kept it), and refuses a value for such a name instead of dropping it, in the admin’s language', async () => {
    const dir = await shippedDataDir();
    const app = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN }, log: recordingLog().log, watch: false, sweepEveryMs: 0 });
    try {
      await visitor(app.url, 'old-store', 'Omar').say('hello');
      const [contact] = await app.store.contacts();
      await app.store.transaction(`contact:${contact!.id}`, async (tx) => {
        const stored = (await tx.contact(contact!.id))!;
        stored.fields = JSON.parse('{"__proto__":"gold","constructor":"built-in","plan":"pro"}') as typeof stored.fields;
        tx.putContact(stored);
      });
      const admin = adminClient(app.url);
      // JSON as a browser sends it: __proto__ an own key.
      const refused = await admin.patch<{ error: string }>(`/contacts/${contact!.id}`, JSON.parse('{"fields":{"__proto__":"platinum","constructor":"x"}}'));
      expect(refused.status).toBe(422);
      expect(refused.body.error).toContain('fields.__proto__: "__proto__" is a name JavaScript keeps for itself: flows cannot read it (rename the field, or remove it with null)');
      expect(refused.body.error).toContain('fields.constructor: "constructor" is a name JavaScript keeps for itself');
      expect(Object.hasOwn((await app.store.contact(contact!.id))!.fields, '__proto__')).toBe(true);

      // An Arabic dashboard reads it in Arabic, as the API's other refusals; a bad name beside it is still said.
      const inArabic = await admin.patch<{ error: string }>(`/contacts/${contact!.id}`, JSON.parse('{"fields":{"constructor":"x","1st":"y"}}'), { 'accept-language': 'ar' });
      expect(inArabic.status).toBe(422);
      const arabic = inArabic.body.error.replace(/[\u2066-\u2069]/g, '');
      expect(arabic).toContain('fields.constructor: الاسم «constructor» تحجزه لغة JavaScript لنفسها، فلا تستطيع مسارات المحادثة قراءته (غيّر اسم الحقل، أو احذفه بإرسال null)');
      expect(arabic).toContain('الطلب غير صالح: fields.1st: a field name is letters, digits');
      expect(arabic).not.toContain('keeps for itself');
      expect((await app.store.contact(contact!.id))!.fields).toMatchObject({ constructor: 'built-in' });

      const removed = await admin.patch<{ contact: { fields: Record<string, unknown> } }>(`/contacts/${contact!.id}`, JSON.parse('{"fields":{"__proto__":null,"constructor":null,"tier":"gold"}}'));
      expect(removed.status).toBe(200);
      expect(removed.body.contact.fields).toEqual({ plan: 'pro', tier: 'gold' });
      expect(Object.keys((await app.store.contact(contact!.id))!.fields).sort()).toEqual(['plan', 'tier']);
    } finally {
      await app.stop();
    }
  });
});
