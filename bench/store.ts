// Store throughput: durable transactions/s of one customer message's commit (contact and conversation upsert, three
// messages) from 200 concurrent keys, on an empty store and on one already holding 100,000 messages.
//
//     npx tsx bench/store.ts
//
// BENCH_STORE_TRANSACTIONS (20,000) and BENCH_STORE_KEYS (200) change the load. With DATABASE_URL set, the same
// commits on PostgreSQL instead (a fresh schema, dropped after; BENCH_STORE_POOL connections, 10): transactions/s,
// whether the cluster syncs (fsync), and its WAL flushes per commit (`pg_stat_wal`), which show whether commits of
// different customers share a flush.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../src/store/index.ts';
import type { Store, Tx } from '../src/store/types.ts';

const transactions = Number(process.env.BENCH_STORE_TRANSACTIONS ?? 20_000);
const keys = Number(process.env.BENCH_STORE_KEYS ?? 200);
const preloadMessages = 100_000;

/** The runtime's commit for one inbound message: upsert contact and open conversation, store it and two replies. */
async function handleMessage(tx: Tx, visitor: string, n: number): Promise<void> {
  const now = new Date().toISOString();
  const contact = (await tx.contactByIdentity('webchat', visitor)) ?? {
    id: await tx.newContactId(),
    identities: [{ channel: 'webchat', id: visitor }],
    name: `Visitor ${visitor}`,
    fields: { email: `${visitor}@example.com` },
    tags: ['web'],
    createdAt: now,
    updatedAt: now,
  };
  contact.updatedAt = now;
  tx.putContact(contact);
  const conversation = (await tx.openConversationOf(contact.id)) ?? {
    id: await tx.newConversationId(),
    contactId: contact.id,
    channel: 'webchat',
    status: 'open' as const,
    stage: 'bot' as const,
    fields: {},
    source: 'contact' as const,
    openedAt: now,
    flow: { flow: 'inbound', version: 'a1b2c3d4', step: 0 },
  };
  const flow = conversation.flow ? { ...conversation.flow, step: conversation.flow.step + 1 } : undefined;
  Object.assign(conversation, { fields: { ...conversation.fields, need: `question ${n}` } }, flow ? { flow } : {});
  tx.putConversation(conversation);
  const common = { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', address: visitor, at: now };
  tx.addMessage({ ...common, direction: 'in', from: 'contact', text: `Hello, I was charged twice for order #${n}, can you help me?`, channelMessageId: `${visitor}-${n}` });
  tx.addMessage({ ...common, direction: 'out', from: 'bot', text: 'Thanks for writing to Acme! What is your email address?', status: 'pending' });
  tx.addMessage({
    ...common,
    direction: 'out',
    from: 'bot',
    text: 'Is this about billing, a technical problem, or a purchase?',
    choices: [{ id: 'billing', title: 'Billing' }, { id: 'tech', title: 'Technical problem' }, { id: 'sales', title: 'A purchase' }],
    status: 'pending',
  });
}

/** Commits `total` transactions from `keyCount` concurrent keys; returns transactions/s and latencies. */
async function drive(store: Store, total: number, keyCount: number, prefix: string) {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: keyCount }, async (_, k) => {
      while (issued < total) {
        const n = issued++;
        const begun = performance.now();
        await store.transaction(`webchat:${prefix}${k}`, (tx) => handleMessage(tx, `${prefix}${k}`, n));
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  return { perSecond: Math.round(total / seconds), p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function measure(label: string, dir: string): Promise<void> {
  const compactions: number[] = [];
  const openedAt = performance.now();
  const store = await openStore({
    dir,
    log: (_level, msg, extra) => {
      if (msg === 'store compacted') compactions.push((extra as { ms: number }).ms);
    },
  });
  const openMs = Math.round(performance.now() - openedAt);
  const before = await store.messageCount();
  const result = await drive(store, transactions, keys, 'visitor-');
  await store.close();
  console.log(
    `${label}: ${result.perSecond} transactions/s durable (${transactions} transactions, ${keys} keys, ${before} messages before; ` +
      `latency p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms; ` +
      `${compactions.length} compactions of ${compactions.join(', ')} ms; open ${openMs} ms)`,
  );
}

/** The same commits on PostgreSQL, on a fresh schema of DATABASE_URL's database. */
async function measurePostgres(url: string): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const walSyncs = async (): Promise<number> => Number((await admin.query<{ syncs: string }>('SELECT wal_sync AS syncs FROM pg_stat_wal')).rows[0]?.syncs);
  const fsync = (await admin.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync;
  const store = await openStore({ kind: 'postgres', url, schema, poolSize: Number(process.env.BENCH_STORE_POOL ?? 10) });
  try {
    const before = await walSyncs();
    const result = await drive(store, transactions, keys, 'visitor-');
    const after = await walSyncs();
    console.log(
      `PostgreSQL (fsync ${fsync}): ${result.perSecond} transactions/s (${transactions} transactions, ${keys} keys; latency p50 ${result.p50} ms, ` +
        `p99 ${result.p99} ms, max ${result.max} ms; ${((after - before) / transactions).toFixed(2)} WAL flushes per transaction)`,
    );
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

if (process.env.DATABASE_URL) {
  await measurePostgres(process.env.DATABASE_URL);
  process.exit(0);
}

const empty = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
const preloaded = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
try {
  await measure('empty store', empty);

  // History written without fsync to save time; the measured run syncs every batch as usual.
  const loader = await openStore({ dir: preloaded, fsync: false });
  await drive(loader, Math.ceil(preloadMessages / 3), 500, 'past-');
  await loader.close();
  await measure('100k messages', preloaded);
} finally {
  await rm(empty, { recursive: true, force: true });
  await rm(preloaded, { recursive: true, force: true });
}
