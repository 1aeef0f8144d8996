// `npm run migrate-store` against the stores an admin may bring (found by a helper attacking it): a large one, one
// holding ids PostgreSQL cannot tell apart, one whose highest ids were erased; and a database still in use.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copiedMark } from '../../src/store/copied-mark.ts';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { LOCK_SPACE } from '../../src/store/postgres/pool.ts';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import type { Conversation } from '../../src/store/types.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import { contact, conversation, handleMessage, tempDirs } from './helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';
import { HalfOpenLink } from './postgres-link.ts';

const databases: string[] = [];
async function freshDatabase(): Promise<string> {
  const name = `ma_${randomBytes(5).toString('hex')}`;
  await sql(`CREATE DATABASE ${name}`);
  databases.push(name);
  return name;
}
async function lowdbIn(): Promise<{ dataDir: string; store: LowdbStore }> {
  const dataDir = await tempDirs.make();
  await mkdir(join(dataDir, 'store'));
  const store = new LowdbStore({ dir: join(dataDir, 'store') });
  await store.open();
  return { dataDir, store };
}
async function run(dataDir: string, database: string, ...argv: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await migrateStore(argv, { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

afterAll(async () => {
  await tempDirs.cleanup();
  for (const name of databases) await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** On the copy: a new customer, Bob, opens a conversation; its id, and every conversation then. */
async function bobOpensOne(database: string): Promise<{ id: number; conversations: Conversation[] }> {
  const postgres = new PostgresStore({ url: urlOfDatabase(database) });
  await postgres.open();
  try {
    const id = await postgres.transaction('bob', async (tx) => {
      const next = await tx.newConversationId();
      tx.putContact(contact('bob'));
      tx.putConversation(conversation(next, 'bob'));
      return next;
    });
    return { id, conversations: await postgres.conversations() };
  } finally {
    await postgres.close();
  }
}

describe.skipIf(!databaseUrl)('migrate-store attacks', () => {
  it('a store with exactly one conversation (id 1): the next conversation on PostgreSQL gets id 2, not 1 again', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    const [only] = await store.conversations();
    expect(only?.id).toBe(1);
    await store.close();
    const database = await freshDatabase();
    const { code, output } = await run(dataDir, database);
    expect(output).toContain('1 conversation,');
    expect(code).toBe(0);
    const { id, conversations } = await bobOpensOne(database);
    expect(id).toBe(2);
    // Ann's conversation is still hers.
    expect(conversations.filter((c) => c.contactId !== 'bob')).toHaveLength(1);
  });

  it('a store past ~125,000 conversations (README benchmarks 100,000) migrates', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', async (tx) => { tx.putContact(contact('ann')); });
    for (let batch = 0; batch < 150; batch++) {
      await store.transaction('ann', async (tx) => {
        for (let i = 0; i < 1000; i++) tx.putConversation(conversation(await tx.newConversationId(), 'ann', 'closed'));
      });
    }
    expect(await store.conversations()).toHaveLength(150_000);
    await store.close();
    const database = await freshDatabase();
    const { code, output } = await run(dataDir, database);
    expect(output).toContain('copied 1 contact, 150000 conversations');
    expect(code).toBe(0);
  }, 120_000);

  it('web chat messages whose clientIds differ only by a NUL or a lone surrogate (any visitor can post them) migrate', async () => {
    const { dataDir, store } = await lowdbIn();
    const session = 'sess1';
    await store.transaction(session, async (tx) => {
      tx.putContact(contact('mallory', 'webchat', session));
      const open = conversation(await tx.newConversationId(), 'mallory');
      tx.putConversation(open);
      // What the web chat stores for POST /webchat/:session/messages {text, clientId}: channelMessageId `${session}:${clientId}`.
      for (const clientId of ['k\u0000', 'k\ud800', 'k\ufffd']) {
        tx.addMessage({ contactId: 'mallory', conversationId: open.id, channel: 'webchat', address: session, direction: 'in', from: 'contact', text: 'hello', channelMessageId: `${session}:${clientId}`, at: '2025-01-01T00:00:00.000Z' });
      }
    });
    expect(await store.messageCount()).toBe(3);
    await store.close();
    const database = await freshDatabase();
    const { code, output } = await run(dataDir, database);
    expect(output).toContain('copied 1 contact, 1 conversation, 3 messages');
    expect(output).toContain('2 inbound messages were copied without their id on the channel');
    expect(code).toBe(0);
    const rows = await sql<{ id: string; channel_message_id: string | null }>('SELECT id, channel_message_id FROM switchboard.messages ORDER BY id', [], urlOfDatabase(database));
    expect(rows).toEqual([{ id: '1', channel_message_id: 'sess1:k\ufffd' }, { id: '2', channel_message_id: null }, { id: '3', channel_message_id: null }]);
  });

  it('refuses a database that Switchboard processes are using, whatever their connections are named, and changes nothing there', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.close();
    const database = await freshDatabase();
    // The DATABASE_URL of a hosted setup may name its connections (found by a helper: those were not recognised).
    const url = new URL(urlOfDatabase(database));
    url.searchParams.set('application_name', 'switchboard-eu1');
    const running = new PostgresStore({ url: url.toString() });
    await running.open();
    try {
      await running.transaction('doc', async (tx) => tx.putDoc('agents', 'omar', { status: 'online' }));
      const { code, output } = await run(dataDir, database, '--force');
      expect(code).toBe(1);
      expect(output).toMatch(/1 Switchboard process is using this database \(from a local socket\); nothing was copied/);
      expect(await running.doc('agents', 'omar')).toEqual({ status: 'online' });
      expect(await running.messageCount()).toBe(0);
    } finally {
      await running.close();
    }
    expect((await run(dataDir, database, '--force')).code).toBe(0);
  });

  it('migrates nothing of the schema under running processes of an older version when it refuses', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.close();
    const database = await freshDatabase();
    const url = urlOfDatabase(database);
    const made = new PostgresStore({ url });
    await made.open();
    await made.close();
    // The schema of the version before migration 3 (and so before every later one), and a process of it serving
    // (holding its instance lock).
    await sql('DROP FUNCTION switchboard.conflict(text); ALTER TABLE switchboard.messages DROP COLUMN failure; DELETE FROM switchboard.schema_migrations WHERE version >= 3', [], url);
    const live = new pg.Client({ connectionString: url });
    await live.connect();
    try {
      await live.query(`SELECT pg_advisory_lock(${LOCK_SPACE}, 4242)`);
      const { code, output } = await run(dataDir, database);
      expect(code).toBe(1);
      expect(output).toContain('nothing was copied');
      const versions = await sql<{ version: number }>('SELECT version FROM switchboard.schema_migrations ORDER BY version', [], url);
      expect(versions.map((row) => row.version)).toEqual([1, 2]);
    } finally {
      await live.end();
    }
  });

  it('refuses a schema a newer Switchboard migrated, even with --force, and leaves the embedded store unmarked', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.close();
    const database = await freshDatabase();
    const url = urlOfDatabase(database);
    const made = new PostgresStore({ url });
    await made.open();
    await made.close();
    const newest = MIGRATIONS.at(-1)?.version ?? 0;
    await sql('INSERT INTO switchboard.schema_migrations (version, name) VALUES ($1, $2)', [newest + 1, 'a migration of a newer Switchboard'], url);

    // Before: "copied 1 contacts, 1 conversations, 3 messages …" (exit 0), into a schema this version does not know,
    // and the embedded store marked copied.
    for (const argv of [[], ['--force']]) {
      const { code, output } = await run(dataDir, database, ...argv);
      expect(code).toBe(1);
      expect(output).toContain(`was migrated by a newer Switchboard (migration ${newest + 1}`);
      expect(output).toContain('nothing was copied');
    }
    expect(await sql('SELECT count(*)::int AS n FROM switchboard.messages', [], url)).toEqual([{ n: 0 }]);
    expect(await copiedMark(join(dataDir, 'store'))).toBeUndefined();
  });

  it('says how to end the sessions a host cut off from the network left behind, which then lets it copy', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.close();
    const database = await freshDatabase();
    const link = await HalfOpenLink.open(databaseUrl!);
    const running = new PostgresStore({ url: link.url(database) });
    await running.open();
    // Cut off, and the process gone: PostgreSQL keeps its sessions (half-open) until their keepalive gives up.
    link.cut();
    await running.close().catch(() => {});
    try {
      const refused = await run(dataDir, database);
      expect(refused.code).toBe(1);
      const terminate = /SELECT pg_terminate_backend\(pid\) FROM unnest\(ARRAY\[[\d, ]+\]\) AS pid;/.exec(refused.output)?.[0];
      expect(terminate).toBeDefined();
      await sql(terminate as string, [], urlOfDatabase(database));
      expect((await run(dataDir, database)).code).toBe(0);
    } finally {
      link.reap();
      await new Promise<void>((done) => link.server.close(() => done()));
    }
  });

  it('messages changed after they were archived (a read receipt, a send outcome) are copied as they are now', async () => {
    const dataDir = await tempDirs.make();
    await mkdir(join(dataDir, 'store'));
    const options = { dir: join(dataDir, 'store'), compactAfterBytes: 4096, recentMessages: 5 };
    let store = new LowdbStore(options);
    await store.open();
    await store.transaction('ann', async (tx) => {
      tx.putContact(contact('ann'));
      const open = conversation(await tx.newConversationId(), 'ann');
      tx.putConversation(open);
      tx.addMessage({ contactId: 'ann', conversationId: open.id, channel: 'webchat', address: 'ann', direction: 'out', from: 'bot', text: 'first reply', at: '2025-01-01T00:00:00.000Z', status: 'pending' });
      tx.addMessage({ contactId: 'ann', conversationId: open.id, channel: 'webchat', address: 'ann', direction: 'out', from: 'bot', text: 'second reply', at: '2025-01-01T00:00:00.000Z', status: 'pending' });
    });
    const [claimed] = await store.claimOutbound(1);
    await store.markDelivery(claimed?.id ?? 0, { channelMessageId: 'w-1' });
    // Others' traffic pushes Ann's messages into the archive.
    for (let round = 0; round < 40; round++) {
      await store.transaction(`bob${round}`, async (tx) => {
        tx.putContact(contact(`bob${round}`));
        const open = conversation(await tx.newConversationId(), `bob${round}`);
        tx.putConversation(open);
        for (let k = 0; k < 5; k++) tx.addMessage({ contactId: `bob${round}`, conversationId: open.id, channel: 'webchat', address: `bob${round}`, direction: 'in', from: 'contact', text: 'x'.repeat(200), channelMessageId: `b${round}-${k}`, at: '2025-01-01T00:00:00.000Z' });
      });
    }
    await store.recordDelivery(claimed?.id ?? 0, 'read');
    const [second] = await store.claimOutbound(1);
    expect(second?.text).toBe('second reply');
    await store.markDelivery(second?.id ?? 0, { error: 'blocked by the user' });
    await store.close();
    store = new LowdbStore(options);
    await store.open();
    const embedded = await store.messagesOfContact('ann');
    await store.close();
    expect(embedded.map((m) => [m.status, m.delivery, m.error])).toEqual([['sent', 'read', undefined], ['failed', undefined, 'blocked by the user']]);
    const database = await freshDatabase();
    expect((await run(dataDir, database)).code).toBe(0);
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      expect(await postgres.messagesOfContact('ann')).toEqual(embedded);
    } finally {
      await postgres.close();
    }
  });

  it('conversation ids are never handed out again: a store whose only conversation (#1) was erased', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    const annId = (await store.contacts())[0]?.id ?? '';
    await store.eraseContact(annId);
    // The embedded store itself would go on at #2: its counter says #1 was handed out.
    expect((await store.everything()).counters.conversation).toBe(1);
    await store.close();
    const database = await freshDatabase();
    expect((await run(dataDir, database)).code).toBe(0);
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      const id = await postgres.transaction('bob', async (tx) => tx.newConversationId());
      expect(id).toBe(2);
    } finally {
      await postgres.close();
    }
  });

  it('a store whose one conversation (#1) is closed: the next customer on PostgreSQL does not take over #1', async () => {
    const { dataDir, store } = await lowdbIn();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.transaction('ann', async (tx) => {
      const only = await tx.openConversationOf((await tx.contactByIdentity('webchat', 'ann'))?.id ?? '');
      if (!only) throw new Error('no conversation');
      only.status = 'closed';
      tx.putConversation(only);
    });
    const before = await store.conversations();
    expect(before.map((c) => [c.id, c.status])).toEqual([[1, 'closed']]);
    await store.close();
    const database = await freshDatabase();
    expect((await run(dataDir, database)).code).toBe(0);
    const { id, conversations } = await bobOpensOne(database);
    expect(id).toBe(2);
    expect(conversations.find((c) => c.id === 1)?.contactId).toBe(before[0]?.contactId);
  });
});

