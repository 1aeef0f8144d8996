// The queue as the dashboard lists it (stage Waiting) when more customers wait than one page holds: the admin API
// gives it longest-waiting first, page after page, so the customer who has waited longest is on the first page, not
// the 200 who came last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import type { Contact, Conversation } from '../../../src/store/types.ts';
import { cleanupDirs, shippedDataDir, start } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const QUEUED = 260;
const MINUTE = 60_000;
const contactId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the queue over the admin API, longer than a page', () => {
  let app: Switchboard;
  const admin = () => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}` });
  const start0 = Date.now() - 24 * 60 * MINUTE;

  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    // Customer n queued n minutes after the first (the first has waited longest), in Billing's queue; nobody online.
    // Number 1 closed while it waited (an admin closed it): it is no longer in the queue.
    await app.store.transaction('fill', async (tx) => {
      for (let n = 1; n <= QUEUED + 1; n++) {
        const at = new Date(start0 + n * MINUTE).toISOString();
        const contact: Contact = { id: contactId(n), identities: [{ channel: 'webchat', id: `s${n}` }], name: `Customer ${n}`, fields: {}, tags: [], createdAt: at, updatedAt: at };
        tx.putContact(contact);
        const conversation: Conversation = {
          id: n, contactId: contact.id, channel: 'webchat', status: n === 1 ? 'closed' : 'open', stage: 'queued', team: 'Billing', fields: {}, source: 'contact', openedAt: at, queuedAt: at,
          ...(n === 1 ? { closedAt: at, closedBy: 'admin:Nadia' } : {}),
        };
        tx.putConversation(conversation);
      }
    });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  /** Every page of `path`, following `nextCursor`: the conversations' numbers, page by page. */
  async function pages(path: string): Promise<number[][]> {
    const all: number[][] = [];
    let cursor: string | undefined;
    do {
      const { status, body } = await admin().get<{ conversations: { id: number }[]; nextCursor?: string }>(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      all.push(body.conversations.map((conversation) => conversation.id));
      cursor = body.nextCursor;
    } while (cursor && all.length < 10);
    return all;
  }

  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

  it('lists the open queue longest-waiting first, the longest on the first page, the rest after it', async () => {
    // Before: the first page was the 200 newest (261 down to 62): the 60 who had waited longest were on none.
    expect(await pages('/conversations?status=open&stage=queued&limit=200')).toEqual([range(2, 201), range(202, 261)]);
    expect(await pages('/conversations?status=open&stage=queued&limit=100')).toEqual([range(2, 101), range(102, 201), range(202, 261)]);
  });

  it('says how many wait in all, beyond the page the queue board reads', async () => {
    // Before: nothing said it, and the board counted the 200 it read.
    const { body } = await admin().get<{ conversations: unknown[]; total?: number }>('/conversations?status=open&stage=queued&limit=200');
    expect(body.conversations).toHaveLength(200);
    expect(body.total).toBe(QUEUED);
    expect((await admin().get<{ total?: number }>('/conversations?status=open&stage=assigned&limit=200')).body.total).toBe(0);
  });

  it('lists the queue first for any status, then those closed while queued', async () => {
    expect((await pages('/conversations?stage=queued&limit=200')).flat()).toEqual([...range(2, 261), 1]);
  });
});
