// The dashboard's lists and reports over a history longer than one read of the store (500 records): the admin API
// reads it page by page, newest first, and an admin paging, filtering or searching sees every record once, in order,
// whichever page of the store's reads it is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import type { Contact, Conversation } from '../../../src/store/types.ts';
import { cleanupDirs, shippedDataDir, start } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const CONTACTS = 700;
const CONVERSATIONS = 2 * CONTACTS;
const at = '2026-11-20T10:00:00.000Z';
const contactId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Customer n (1-based) with two conversations an admin closed, 2n − 1 and 2n; one conversation of the oldest asked for a refund. */
async function fill(app: Switchboard): Promise<void> {
  for (let first = 1; first <= CONTACTS; first += 100) {
    await app.store.transaction(`fill:${first}`, async (tx) => {
      for (let n = first; n < first + 100 && n <= CONTACTS; n++) {
        const contact: Contact = { id: contactId(n), identities: [{ channel: 'webchat', id: `s${n}` }], name: `Customer ${n}`, fields: { email: `c${n}@example.com` }, tags: [], createdAt: at, updatedAt: at };
        tx.putContact(contact);
        for (const id of [2 * n - 1, 2 * n]) {
          const conversation: Conversation = { id, contactId: contact.id, channel: 'webchat', status: 'closed', stage: 'bot', fields: {}, source: 'contact', openedAt: at, closedAt: '2026-11-20T10:05:00.000Z', closedBy: 'admin:Nadia', ...(id === 3 ? { intent: 'refund', team: 'Billing' } : {}) };
          tx.putConversation(conversation);
        }
      }
    });
  }
}

describe('the admin API over a long history', () => {
  let app: Switchboard;
  const admin = () => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}` });

  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    await fill(app);
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  /** Every page of `path` (with `limit`), following `nextCursor`. */
  async function everyPage<T>(path: string, key: 'conversations' | 'contacts'): Promise<T[][]> {
    const pages: T[][] = [];
    let cursor: string | undefined;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const { status, body } = await admin().get<Record<string, unknown>>(`${path}${cursor ? `${separator}cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      pages.push(body[key] as T[]);
      cursor = body.nextCursor as string | undefined;
    } while (cursor && pages.length < 100);
    return pages;
  }

  it('pages through every conversation newest first, with filters and searches that match only old ones', async () => {
    const pages = await everyPage<{ id: number }>('/conversations?limit=150', 'conversations');
    expect(pages.map((page) => page.length)).toEqual([...Array(9).fill(150), 50]);
    expect(pages.flat().map((c) => c.id)).toEqual(Array.from({ length: CONVERSATIONS }, (_, i) => CONVERSATIONS - i));

    const list = async (query: string) => (await admin().get<{ conversations: { id: number; contact: { name?: string } }[]; nextCursor?: string }>(`/conversations${query}`)).body;
    // Found past the store's first reads, with nothing after it.
    expect(await list('?intent=refund')).toEqual({ conversations: [expect.objectContaining({ id: 3, contact: expect.objectContaining({ name: 'Customer 2' }) })] });
    expect((await list('?team=billing&status=closed')).conversations.map((c) => c.id)).toEqual([3]);
    expect((await list('?q=c2%40example.com')).conversations.map((c) => c.id)).toEqual([4, 3]);
    expect((await list('?q=customer%201&limit=3')).conversations.map((c) => c.id)).toEqual([398, 397, 396]);
    const later = await list('?q=c1%40example.com&cursor=2');
    expect(later.conversations.map((c) => c.id)).toEqual([1]);
    expect(later.nextCursor).toBeUndefined();
    expect((await list('?status=open')).conversations).toEqual([]);
  });

  it('pages through every contact, the last stored first, and searches them all', async () => {
    const pages = await everyPage<{ id: string; name: string; conversations: number }>('/contacts?limit=200', 'contacts');
    expect(pages.map((page) => page.length)).toEqual([200, 200, 200, 100]);
    expect(pages.flat().map((c) => c.name)).toEqual(Array.from({ length: CONTACTS }, (_, i) => `Customer ${CONTACTS - i}`));
    expect(pages.flat().every((c) => c.conversations === 2)).toBe(true);
    const found = await admin().get<{ contacts: { name: string }[]; nextCursor?: string }>('/contacts?q=c7%40example.com');
    expect(found.body).toEqual({ contacts: [expect.objectContaining({ name: 'Customer 7' })] });
    expect((await admin().get(`/contacts?cursor=${contactId(CONTACTS + 1)}`)).status).toBe(400);
  });

  it('reports over every conversation', async () => {
    const { body } = await admin().get<{ total: { opened: number; closed: number; resolution: { count: number; median: number } }; teams: Record<string, { opened: number }> }>('/reports?from=2026-11-01&to=2026-12-01');
    expect(body.total).toMatchObject({ opened: CONVERSATIONS, closed: CONVERSATIONS, resolution: { count: CONVERSATIONS, median: 300 } });
    expect(body.teams.Billing?.opened).toBe(1);
    const csv = await admin().get<string>('/reports.csv?from=2026-11-20&to=2026-11-21');
    expect(csv.body.split('\r\n')[1]).toBe(`2026-11-20,all,${CONVERSATIONS},${CONVERSATIONS},0,,300,${CONVERSATIONS},0,0,0,0,0,`);
  });

  // Last: it erases a customer. (Found by a helper: the walk ended at the erased contact, and the search found nothing.)
  it('searches every contact when the one a page of the walk ends with is erased meanwhile', async () => {
    const store = app.store;
    const original = store.contactsBefore.bind(store);
    let erased: string | undefined;
    // The erase lands in the turn between the walk's first two pages of 500, on the last contact of the first.
    store.contactsBefore = async (before, limit) => {
      const page = await original(before, limit);
      if (erased === undefined && page.length === limit) {
        erased = page.at(-1)!.id;
        await store.eraseContact(erased);
      }
      return page;
    };
    try {
      const found = await admin().get<{ contacts: { name: string }[] }>('/contacts?q=c7%40example.com');
      expect(erased).toBe(contactId(CONTACTS - 499));
      expect(found.body.contacts.map((c) => c.name)).toEqual(['Customer 7']);
      erased = undefined;
      const everyone = await everyPage<{ name: string }>('/contacts?q=customer&limit=200', 'contacts');
      expect(everyone.flat()).toHaveLength(CONTACTS - 2);
      expect(new Set(everyone.flat().map((c) => c.name)).size).toBe(CONTACTS - 2);
    } finally {
      store.contactsBefore = original;
    }
  });
});
