// The dashboard's conversation search on PostgreSQL, where the store searches the messages in place
// (`conversationsSaying`): the same conversations as reading every transcript finds, newest first, lower-cased,
// Arabic and accented text included, an agent's relayed copy not counted, and pages that follow one another.
// (Reading every transcript took about a minute for 100,000 conversations; found by a helper.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../server/admin/client.ts';
import { contact, conversation, inbound, outbound } from './helpers.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

describe.skipIf(!databaseUrl)('conversation search on PostgreSQL', () => {
  const schema = freshSchema();
  let store: PostgresStore;
  const texts: Record<number, string[]> = {
    1: ['I was CHARGED twice', 'refund please'],
    2: ['Where is my parcel?'],
    3: ['أين طلبي؟', 'شكرا'],
    4: ['Ça coûte trop cher'],
    5: ['hello'],
  };

  beforeAll(async () => {
    store = await openPostgres(schema);
    await store.transaction('setup', async (tx) => {
      for (const [id, said] of Object.entries(texts)) {
        const n = Number(id);
        tx.putContact(contact(`c${n}`));
        tx.putConversation(conversation(n, `c${n}`, 'closed'));
        said.forEach((text, index) => tx.addMessage(index % 2 === 0 ? inbound(`c${n}`, n, `m${n}-${index}`, text) : outbound(`c${n}`, n, text)));
      }
      // A copy relayed to an agent is not what the customer said in that conversation.
      tx.addMessage({ ...outbound('c5', 5, '#5 relayed-to-agent-only'), address: 'agent-omar', toAgent: true, contactId: undefined });
    });
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  /** What reading every transcript finds, newest first. */
  const reading = (q: string, before = Infinity): number[] =>
    Object.entries(texts).filter(([id, said]) => Number(id) < before && said.some((text) => text.toLowerCase().includes(q))).map(([id]) => Number(id)).sort((a, b) => b - a);

  it('finds what reading every transcript finds', async () => {
    for (const q of ['charged twice', 'parcel', 'طلبي', 'coûte', 'ça', 'e', 'refund', 'nobody said this', '?']) {
      expect(await store.conversationsSaying(q, { limit: 10 }), q).toEqual(reading(q));
    }
    expect(await store.conversationsSaying('relayed-to-agent-only', { limit: 10 })).toEqual([]);
  });

  it('pages down from `before`, newest first, at most `limit`', async () => {
    expect(await store.conversationsSaying('e', { limit: 2 })).toEqual(reading('e').slice(0, 2));
    expect(await store.conversationsSaying('e', { before: 4, limit: 10 })).toEqual(reading('e', 4));
    expect(await store.conversationsSaying('e', { before: 1, limit: 10 })).toEqual([]);
  });
});

describe.skipIf(!databaseUrl)('the dashboard search on a PostgreSQL deployment', () => {
  let db: { name: string; url: string };
  let app: Switchboard;
  beforeAll(async () => {
    db = await makeDatabase();
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: db.url } });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    if (db) await dropDatabase(db.name);
    await cleanupDirs();
  }, 60_000);

  it('searches what was said, contacts and fields, and pages through what it found', async () => {
    const layla = visitor(app.url, 'pg-layla', 'Layla');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
    await visitor(app.url, 'pg-sam', 'Sam').say('hello, where is my PARCEL');
    await visitor(app.url, 'pg-noor', 'Noor').say('مرحبا، أين طلبي');
    const list = async (query: string) => (await adminClient(app.url).get<{ conversations: { id: number; contact: { name?: string } }[]; nextCursor?: string }>(`/conversations${query}`)).body;
    const names = async (query: string) => (await list(query)).conversations.map((c) => c.contact.name);
    expect(await names('?q=CHARGED%20twice')).toEqual(['Layla']);
    expect(await names('?q=parcel')).toEqual(['Sam']);
    expect(await names(`?q=${encodeURIComponent('طلبي')}`)).toEqual(['Noor']);
    expect(await names('?q=layla%40example')).toEqual(['Layla']);
    expect(await names('?q=nobody-said-this')).toEqual([]);
    // Capitals whose lower case JavaScript and the database's ctype disagree on: found as the embedded store finds
    // them (JavaScript lower-cases the search and the transcript alike; found by a helper).
    await visitor(app.url, 'pg-ayse', 'Ayşe').say('İSTANBUL');
    await visitor(app.url, 'pg-nikos', 'Nikos').say('ΟΔΟΣ');
    expect(await names(`?q=${encodeURIComponent('İSTANBUL')}`)).toEqual(['Ayşe']);
    expect(await names('?q=istanbul')).toEqual([]);
    expect(await names(`?q=${encodeURIComponent('ΟΔΟΣ')}`)).toEqual(['Nikos']);
    // Said by two (Noor was greeted in Arabic), one a page.
    const all = await names('?q=hello');
    expect(all).toEqual(['Sam', 'Layla']);
    const paged: (string | undefined)[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const body = await list(`?q=hello&limit=1${cursor}`);
      paged.push(...body.conversations.map((c) => c.contact.name));
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    expect(paged).toEqual(all);
  });
});
