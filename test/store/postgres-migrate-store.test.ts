// `npm run migrate-store`: the embedded store under DATA_DIR copied into an empty PostgreSQL database, read back the
// same through the Store interface; a database that holds data is refused unless --force.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/server/config.ts';
import { startSwitchboard } from '../../src/server/switchboard.ts';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { FileMediaStore } from '../../src/store/media.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';
import type { Store } from '../../src/store/types.ts';
import { quietLog } from '../helpers.ts';
import { contact, conversation, dump, handleMessage, tempDirs } from './helpers.ts';
import { databaseUrl, skipReason, sql, urlOfDatabase } from './postgres-helpers.ts';

const addresses: [string, string][] = [['webchat', 'ann'], ['webchat', 'bob'], ['telegram', '1001']];
// Timelines (a conversation's lifecycle on the dashboard), sent parts (an agent's Reply on the second part of a long
// relay) and erased relays are held as text by the embedded store.
const collections = ['agents', 'leases', 'flow-versions', 'timelines', 'sent-parts', 'erased-relays'];

describe.skipIf(!databaseUrl)('npm run migrate-store', () => {
  let database: string;
  let dataDir: string;

  beforeAll(async () => {
    database = `ms_${randomBytes(5).toString('hex')}`;
    await sql(`CREATE DATABASE ${database}`);
    dataDir = await tempDirs.make();
    await mkdir(join(dataDir, 'store'));
    const store = new LowdbStore({ dir: join(dataDir, 'store') });
    await store.open();
    for (const [address, id] of [['ann', 'a1'], ['bob', 'b1'], ['ann', 'a2']]) await store.transaction(address as string, (tx) => handleMessage(tx, address as string, id as string));
    await store.transaction('ann', async (tx) => {
      const open = await tx.openConversationOf((await tx.contactByIdentity('webchat', 'ann'))?.id ?? '');
      if (!open) throw new Error('ann has no open conversation');
      open.status = 'closed';
      tx.putConversation(open);
      tx.putContact(contact('cid'));
      tx.putConversation({ ...conversation(await tx.newConversationId(), 'cid'), stage: 'queued', team: 'Billing' });
      tx.addMessage({ channel: 'telegram', address: '1001', agentId: 'omar', direction: 'out', from: 'bot', text: 'You are online.', at: '2025-01-01T00:00:00.000Z', status: 'pending', toAgent: true });
      tx.putDoc('agents', 'omar', { status: 'online' });
      tx.putDoc('leases', 'sweep', { owner: 'p1', until: '2025-01-01T00:00:00.000Z' });
      tx.putDoc('flow-versions', 'inbound@abc', { source: 'flow: inbound' });
      tx.putDoc('timelines', '2', { moments: [{ at: '2025-01-01T00:00:00.000Z', kind: 'queued', team: 'Billing' }] });
      tx.putDoc('sent-parts', 'telegram:9001:41', { of: '9001:40' });
      tx.putDoc('erased-relays', 'agent:omar', { erasedAt: '2025-01-01T00:00:00.000Z', contacts: { gone: '2025-01-01T00:00:00.000Z' } });
    });
    const [first, second] = await store.claimOutbound(2);
    await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-1' });
    await store.recordDelivery(first?.id ?? 0, 'read');
    expect(second).toBeDefined();
    // The second stays `sending`: the copy must show it in doubt.
    await store.close();
  });

  afterAll(async () => {
    await tempDirs.cleanup();
    if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const run = async (...argv: string[]): Promise<{ code: number; output: string }> => {
    const lines: string[] = [];
    const code = await migrateStore(argv, { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  };

  const both = async <T>(look: (store: Store) => Promise<T>): Promise<[T, T]> => {
    const lowdb = new LowdbStore({ dir: join(dataDir, 'store') });
    await lowdb.open();
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      return [await look(lowdb), await look(postgres)];
    } finally {
      await lowdb.close();
      await postgres.close();
    }
  };

  it('copies everything into an empty database, checked by counts, and reads back the same', async () => {
    const { code, output } = await run();
    expect(output).toContain('copied 3 contacts, 3 conversations, 10 messages, 6 documents');
    expect(output).toContain('counted there: 3 contacts, 3 conversations, 10 messages, 6 documents');
    expect(code).toBe(0);
    const [embedded, copied] = await both(async (store) => ({
      everything: await dump(store, collections, addresses),
      contacts: await store.contacts(),
      open: await store.openConversations({ stage: 'queued', team: 'Billing' }),
      inDoubt: (await store.outboundInDoubt()).map((message) => message.id),
      byChannelId: await store.messageByChannelId('webchat', 'wire-1'),
    }));
    expect(copied).toEqual(embedded);
    expect(copied.inDoubt).toHaveLength(1);
    expect(copied.byChannelId).toMatchObject({ status: 'sent', delivery: 'read' });
    // Documents, not their JSON text as a string: the dashboard's lifecycle of #2 reads its moments.
    expect(await both((store) => store.doc('timelines', '2'))).toEqual([{ moments: [expect.objectContaining({ kind: 'queued' })] }, { moments: [expect.objectContaining({ kind: 'queued' })] }]);
    // Vacuumed and analyzed after the copy, as after any bulk load: the first processes plan with statistics.
    const tables = await sql<{ relname: string; vacuumed: boolean; analyzed: boolean }>(
      "SELECT relname, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE schemaname = 'switchboard' AND relname <> 'schema_migrations' ORDER BY relname",
      [],
      urlOfDatabase(database),
    );
    expect(tables).toEqual(['contact_identities', 'contacts', 'conversations', 'docs', 'messages'].map((relname) => ({ relname, vacuumed: true, analyzed: true })));
  });

  it('goes on numbering messages and conversations after the highest ids copied', async () => {
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      const highest = Math.max(...(await postgres.conversations()).map((c) => c.id));
      const id = await postgres.transaction('dan', async (tx) => {
        const next = await tx.newConversationId();
        tx.putContact(contact('dan'));
        tx.putConversation(conversation(next, 'dan'));
        tx.addMessage({ contactId: 'dan', conversationId: next, channel: 'webchat', address: 'dan', direction: 'in', from: 'contact', text: 'hi', channelMessageId: 'd1', at: '2025-01-01T00:00:00.000Z' });
        return next;
      });
      expect(id).toBe(highest + 1);
      expect((await postgres.messageByChannelId('webchat', 'd1'))?.id).toBe(11);
    } finally {
      await postgres.close();
    }
  });

  it('refuses a database that served customers since the copy, even with --force, which would lose them', async () => {
    // Dan wrote on PostgreSQL after the copy (the test above): a second run, days later, must not wipe him.
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('(not customers served from it since a copy: a database holding those is refused even so)');
    const forced = await run('--force');
    expect(forced.code).toBe(1);
    expect(forced.output).toContain('already holds 4 contacts, 4 conversations, 11 messages, 6 documents, of which 1 conversation and 1 message are newer than anything in the embedded store (the newest of 2025-01-01T00:00:00.000Z)');
    expect(forced.output).toContain('--force would not replace them');
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      expect((await postgres.messageByChannelId('webchat', 'd1'))?.text).toBe('hi');
    } finally {
      await postgres.close();
    }
    // Taken away by hand, as the refusal says (here Dan alone): what is left is the copy.
    await sql("DELETE FROM switchboard.messages WHERE contact_id = 'dan'; DELETE FROM switchboard.conversations WHERE contact_id = 'dan'; DELETE FROM switchboard.contacts WHERE id = 'dan'", [], urlOfDatabase(database));
  });

  it('refuses a database that holds data unless --force, which replaces it', async () => {
    await sql("UPDATE switchboard.contacts SET data = '{\"id\":\"cid\",\"identities\":[],\"fields\":{},\"tags\":[],\"name\":\"changed\"}' WHERE id = 'cid'", [], urlOfDatabase(database));
    const refused = await run();
    expect(refused.code).toBe(1);
    // At once: not after reading the embedded store, which takes minutes for a large one.
    expect(refused.output).toMatch(/^the PostgreSQL schema switchboard already holds 3 contacts, 3 conversations, 10 messages, 6 documents; nothing was copied/);
    const forced = await run('--force');
    expect(forced.code).toBe(0);
    const [embedded, copied] = await both((store) => dump(store, collections, addresses));
    expect(copied).toEqual(embedded);
  });

  it('says how long it took and what to do next, and Switchboard no longer starts on the embedded store it copied', async () => {
    const { code, output } = await run('--force');
    expect(code).toBe(0);
    expect(output).toContain(`the embedded store in ${join(dataDir, 'store')} was copied before, into database "${database}" on `);
    expect(output).toMatch(/into PostgreSQL in [\d.]+ m?s; counted there/);
    expect(output).toContain('start Switchboard with STORE=postgres and this DATABASE_URL');
    // STORE left at its default (one host forgotten, a rollback): customers would be served from before the copy.
    const start = () => startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir } as never, log: quietLog, watch: false, sweepEveryMs: 0 });
    const refused = start();
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(`was copied into PostgreSQL (database "${database}" on `);
    await expect(refused).rejects.toThrow(`delete ${join(dataDir, 'store', 'COPIED.json')}`);
    // The operator's way back.
    await rm(join(dataDir, 'store', 'COPIED.json'));
    await (await start()).stop();
  });

  it('says what to look at when the database is out of reach, missing or refuses to write', async () => {
    const readOnly = `ms_ro_${randomBytes(4).toString('hex')}`;
    await sql(`CREATE DATABASE ${readOnly}`);
    await sql(`ALTER DATABASE ${readOnly} SET default_transaction_read_only = on`);
    try {
      const attempt = async (url: string) => {
        const lines: string[] = [];
        expect(await migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: url }, (line) => lines.push(line))).toBe(1);
        return lines.at(-1);
      };
      const gone = new URL(urlOfDatabase(database));
      gone.searchParams.set('host', join(dataDir, 'no-server-here'));
      expect(await attempt(gone.toString())).toMatch(/^PostgreSQL, database "ms_\w+" on .*no-server-here, is out of reach \(.*\); nothing was committed\. Is DATABASE_URL right, is the server up/);
      expect(await attempt(urlOfDatabase(`${database}_typo`))).toMatch(/^PostgreSQL has no database "ms_\w+_typo" .*; nothing was copied\. Create it first/);
      expect(await attempt(urlOfDatabase(readOnly))).toMatch(/refused to write \(cannot execute CREATE SCHEMA in a read-only transaction\); nothing was committed\. The copy needs a primary server that accepts writes/);
    } finally {
      await sql(`DROP DATABASE IF EXISTS ${readOnly} WITH (FORCE)`);
    }
  });

  it('says what is missing when DATABASE_URL is not set', async () => {
    const lines: string[] = [];
    expect(await migrateStore([], { DATA_DIR: dataDir }, (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toContain('DATABASE_URL is not set');
  });
});

describe.skipIf(!databaseUrl)('npm run migrate-store of a store that has archived messages, and of no store', () => {
  let database: string;
  let dataDir: string;
  const customers = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
  let held: { count: number; inMemory: number };

  beforeAll(async () => {
    database = `ms_${randomBytes(5).toString('hex')}`;
    await sql(`CREATE DATABASE ${database}`);
    dataDir = await tempDirs.make();
    await mkdir(join(dataDir, 'store'));
    // A small journal and few messages kept in memory: most of the history is only in the archive, as in a store
    // that has run a while (its journal past 16 MiB) or has had one contact erased (which compacts).
    const options = { dir: join(dataDir, 'store'), compactAfterBytes: 4096, recentMessages: 5 };
    const store = new LowdbStore(options);
    await store.open();
    for (let round = 0; round < 20; round++) {
      for (const id of customers) {
        await store.transaction(id, async (tx) => {
          const known = (await tx.contactByIdentity('webchat', id)) ?? contact(id);
          tx.putContact(known);
          const open = (await tx.openConversationOf(id)) ?? conversation(await tx.newConversationId(), id);
          tx.putConversation(open);
          const at = new Date(Date.UTC(2025, 0, 1, 0, round)).toISOString();
          tx.addMessage({ contactId: id, conversationId: open.id, channel: 'webchat', address: id, direction: 'in', from: 'contact', text: `${id} says ${round}`, channelMessageId: `${id}-${round}`, at });
          tx.addMessage({ contactId: id, conversationId: open.id, channel: 'webchat', address: id, direction: 'out', from: 'bot', text: `to ${id}: ${round}`, at, status: 'sent', channelMessageId: `${id}-out-${round}` });
        });
      }
    }
    expect((await store.eraseContact('c5')).messages).toBe(40);
    await store.close();
    const reopened = new LowdbStore(options);
    await reopened.open();
    held = { count: await reopened.messageCount(), inMemory: (await reopened.messagesOfContact('c0')).length };
    await reopened.close();
  });

  afterAll(async () => {
    await tempDirs.cleanup();
    if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('copies every message, those only in the archive too, and counts them as the store does', async () => {
    expect(held).toEqual({ count: 200, inMemory: 40 });
    const lines: string[] = [];
    const code = await migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line));
    expect(lines.join('\n')).toContain('copied 5 contacts, 5 conversations, 200 messages');
    expect(lines.join('\n')).toContain('counted there: 5 contacts, 5 conversations, 200 messages');
    expect(code).toBe(0);
    const lowdb = new LowdbStore({ dir: join(dataDir, 'store') });
    await lowdb.open();
    const postgres = new PostgresStore({ url: urlOfDatabase(database) });
    await postgres.open();
    try {
      for (const id of customers.slice(0, 5)) {
        const copied = await postgres.messagesOfContact(id);
        expect(copied.map((message) => message.text)).toEqual(Array.from({ length: 20 }, (_, round) => [`${id} says ${round}`, `to ${id}: ${round}`]).flat());
        expect(copied).toEqual(await lowdb.messagesOfContact(id));
      }
      expect(await postgres.messagesOfContact('c5')).toEqual([]);
      expect((await postgres.messageByChannelId('webchat', 'c0-0'))?.text).toBe('c0 says 0');
    } finally {
      await lowdb.close();
      await postgres.close();
    }
  });

  it('refuses a DATA_DIR that holds no embedded store, and makes nothing there', async () => {
    const missing = join(dataDir, 'not-here');
    const lines: string[] = [];
    expect(await migrateStore([], { DATA_DIR: missing, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toContain(`there is no embedded store in ${join(missing, 'store')}`);
    expect(existsSync(missing)).toBe(false);
    // An empty folder is no store either.
    await mkdir(join(dataDir, 'empty', 'store'), { recursive: true });
    expect(await migrateStore([], { DATA_DIR: join(dataDir, 'empty'), DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line))).toBe(1);
    expect(lines.at(-1)).toContain('there is no embedded store in');
  });
});

describe.skipIf(!databaseUrl)('npm run migrate-store, with the files customers and agents sent', () => {
  let database: string | undefined;
  afterAll(async () => {
    await tempDirs.cleanup();
    if (database) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('counts each file sent once, not its bytes and what it is as two, nor a part an interrupted upload left', async () => {
    database = `ms_${randomBytes(5).toString('hex')}`;
    await sql(`CREATE DATABASE ${database}`);
    const dataDir = await tempDirs.make();
    await mkdir(join(dataDir, 'store'));
    const store = new LowdbStore({ dir: join(dataDir, 'store') });
    await store.open();
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await store.close();
    // Two files kept (each its bytes and its .json), and a part an upload cut off by a crash left behind.
    const media = new FileMediaStore({ dir: join(dataDir, 'media'), maxBytes: 1024 });
    await media.put(new TextEncoder().encode('%PDF-1.4 invoice'), { mime: 'application/pdf', name: 'invoice.pdf' });
    await media.put(new TextEncoder().encode('%PDF-1.4 refund'), { mime: 'application/pdf', name: 'refund.pdf' });
    await writeFile(join(dataDir, 'media', `${'0'.repeat(32)}.part`), 'half');
    const lines: string[] = [];
    expect(await migrateStore([], { DATA_DIR: dataDir, DATABASE_URL: urlOfDatabase(database) }, (line) => lines.push(line))).toBe(0);
    // Before: "the 5 files customers and agents sent stay in …", for two files.
    expect(lines.join('\n')).toContain(`the 2 files customers and agents sent stay in ${join(dataDir, 'media')}:`);
  });
});

describe.skipIf(Boolean(databaseUrl))('npm run migrate-store', () => {
  it.skip(skipReason, () => {});
});
