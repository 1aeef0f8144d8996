// What only PostgreSQL has to show: two stores (two processes' worth) on one schema. Migrations run once when they
// open together; a lease, outbound claims and message ids hold across them; a store's claims are in doubt for the
// other only once it is gone; a contact is erased with their conversations and messages.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { LOCK_SPACE, lockKey } from '../../src/store/postgres/pool.ts';
import { ASK_AGAIN_MS, type PostgresStore } from '../../src/store/postgres/store.ts';
import type { Message } from '../../src/store/types.ts';
import { handleMessage, outbound } from './helpers.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, skipReason, sql } from './postgres-helpers.ts';
import { delay, pause } from './contract/timing.ts';

describe.skipIf(!databaseUrl)('PostgresStore, two stores on one schema', () => {
  const opened: PostgresStore[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await Promise.all(schemas.splice(0).map(dropSchema));
  });
  /** Two stores on one fresh schema, opened at the same time. */
  const pair = async (): Promise<[PostgresStore, PostgresStore]> => {
    const schema = freshSchema();
    schemas.push(schema);
    const stores = await Promise.all([openPostgres(schema), openPostgres(schema)]);
    opened.push(...stores);
    return stores;
  };

  it('applies each migration once when two stores open a new schema at the same time', async () => {
    const [first] = await pair();
    const applied = await sql<{ version: number }>(`SELECT version FROM ${first.schema}.schema_migrations`);
    expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it('goes on numbering messages after those of a schema made by the first version, which counted them in a row', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    // The first version's schema as it left it: migration 1 applied, 41 messages numbered by its counter row.
    await sql(`CREATE SCHEMA ${schema}; SET search_path = ${schema};
      CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
      ${(MIGRATIONS[0] as { sql: string }).sql}
      INSERT INTO schema_migrations (version, name) VALUES (1, 'contacts, conversations, messages, documents');
      UPDATE store_counters SET value = 41 WHERE name = 'message';
      INSERT INTO messages (id, contact_id, conversation_id, channel, address, direction, status, data)
        VALUES (41, 'ann', 1, 'webchat', 'ann', 'out', 'sent', '{"contactId":"ann","conversationId":1,"channel":"webchat","address":"ann","direction":"out","from":"bot","text":"the last one before","at":"2026-01-01T00:00:00.000Z"}');`);
    const stores = await Promise.all([openPostgres(schema), openPostgres(schema)]);
    opened.push(...stores);
    const [a, b] = stores;
    await a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'first after the upgrade')));
    await b.transaction('webchat:bob', async (tx) => tx.addMessage(outbound('bob', 2, 'bob, after the upgrade')));
    expect((await b.messagesOfAddress('webchat', 'ann')).map((message) => [message.id, message.text])).toEqual([
      [41, 'the last one before'],
      [42, 'first after the upgrade'],
    ]);
    expect((await a.messagesOfAddress('webchat', 'bob')).map((message) => message.id)).toEqual([43]);
    // An older process beside these would fail its commits rather than number messages out of order.
    expect(await sql(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'store_counters'`, [schema])).toEqual([]);
  });

  it("orders one customer's messages behind a commit adding theirs, and lets another customer's through meanwhile", async () => {
    const [a, b] = await pair();
    // A connection of its own holds what a commit adding a message to ann's address holds until its COMMIT is durable.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      const key = lockKey(a.schema, `messages-of-address:${JSON.stringify(['webchat', 'ann'])}`);
      await holder.query('SELECT pg_advisory_lock($1)', [key]);
      let annStored = false;
      const ann = a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'for ann'))).then(() => {
        annStored = true;
      });
      await b.transaction('webchat:bob', async (tx) => tx.addMessage(outbound('bob', 2, 'for bob')));
      expect((await a.messagesOfAddress('webchat', 'bob')).map((message) => message.text)).toEqual(['for bob']);
      // Ann's commit waits for that very lock (or, were it not ordered behind it, finishes meanwhile): whichever comes
      // first, however long either takes (other tests' waits for other locks do not count).
      const annWaits = async (): Promise<boolean> => (await sql(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
        AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`, [key])).length > 0;
      while (!annStored && !(await annWaits())) await delay(10);
      expect(annStored).toBe(false);
      await holder.query('SELECT pg_advisory_unlock_all()');
      await ann;
      const [bob] = await a.messagesOfAddress('webchat', 'bob');
      const [annMessage] = await b.messagesOfAddress('webchat', 'ann');
      expect(annMessage?.text).toBe('for ann');
      expect(annMessage?.id).toBeGreaterThan(bob?.id ?? Infinity);
    } finally {
      await holder.end();
    }
  });

  it('gives a lease to one of two stores taking it at once, and to the other once it expired', async () => {
    const [a, b] = await pair();
    const take = (store: PostgresStore, owner: string, now: number) =>
      store.transaction('lease:sweep', async (tx) => {
        const lease = await tx.doc<{ owner: string; until: number }>('leases', 'sweep');
        await pause();
        if (lease && lease.owner !== owner && lease.until > now) return false;
        tx.putDoc('leases', 'sweep', { owner, until: now + 1000 });
        return true;
      });
    for (let round = 0; round < 20; round++) {
      const now = round * 2000;
      const won = await Promise.all([take(a, 'a', now), take(b, 'b', now), take(a, 'a', now + 1), take(b, 'b', now + 1)]);
      const owner = (await a.doc<{ owner: string }>('leases', 'sweep'))?.owner;
      // Whoever holds it renewed it; the other one was refused.
      expect(won.filter(Boolean).length, `round ${round}`).toBe(2);
      expect(won, `round ${round}`).toEqual(owner === 'a' ? [true, false, true, false] : [false, true, false, true]);
    }
  });

  it('never hands one outbound message to both stores, and sends each address in order', async () => {
    const [a, b] = await pair();
    const addresses = Array.from({ length: 10 }, (_, n) => `s${n}`);
    for (let n = 1; n <= 5; n++) {
      for (const to of addresses) await (n % 2 ? a : b).transaction(`webchat:${to}`, async (tx) => tx.addMessage(outbound(to, 1, `${to} #${n}`)));
    }
    const claims = new Map<number, number>();
    const delivered = new Map<string, string[]>();
    const sending = new Set<string>();
    const claimer = async (store: PostgresStore): Promise<void> => {
      for (let idle = 0; idle < 50;) {
        const claimed = await store.claimOutbound(3);
        if (claimed.length === 0) {
          idle += sending.size === 0 ? 1 : 0;
          await pause();
          continue;
        }
        for (const message of claimed) {
          claims.set(message.id, (claims.get(message.id) ?? 0) + 1);
          expect(sending.has(message.address), `two messages to ${message.address} sending at once`).toBe(false);
          sending.add(message.address);
          delivered.set(message.address, [...(delivered.get(message.address) ?? []), message.text]);
        }
        await Promise.all(claimed.map(async (message: Message) => {
          await pause();
          sending.delete(message.address);
          await store.markDelivery(message.id, { channelMessageId: `wire-${message.id}` });
        }));
      }
    };
    await Promise.all([claimer(a), claimer(b), claimer(a), claimer(b)]);
    expect(claims.size).toBe(50);
    expect([...claims.values()].every((count) => count === 1)).toBe(true);
    for (const to of addresses) expect(delivered.get(to), to).toEqual([1, 2, 3, 4, 5].map((n) => `${to} #${n}`));
  });

  it("puts another store's claims in doubt only once that store is closed, never its own or a live one's", async () => {
    const [a, b] = await pair();
    await a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'ann #1')));
    await a.transaction('webchat:bob', async (tx) => tx.addMessage(outbound('bob', 1, 'bob #1')));
    const [first] = await a.claimOutbound(1);
    const [second] = await b.claimOutbound(1);
    expect([first?.text, second?.text]).toEqual(['ann #1', 'bob #1']);
    expect(await a.outboundInDoubt()).toEqual([]);
    expect(await b.outboundInDoubt()).toEqual([]);
    await b.close();
    expect((await a.outboundInDoubt()).map((message) => message.id)).toEqual([second?.id]);
    await a.retryOutbound([second?.id ?? 0]);
    expect((await a.claimOutbound(5)).map((message) => message.id)).toEqual([second?.id]);
  });

  it('survives losing the connection of its instance lock: the next claim takes its instance lock again, so its claims are in doubt only meanwhile', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    // Store a takes its lock again only when a claim needs it (its own retake an hour away): the time it has none is
    // the test's to look at, not a race against its 0.1 s retake.
    const [a, b] = await Promise.all([openPostgres(schema, { retakeDelaysMs: [3_600_000] }), openPostgres(schema)]);
    opened.push(a, b);
    await a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'ann #1')));
    await a.transaction('webchat:bob', async (tx) => tx.addMessage(outbound('bob', 1, 'bob #1')));
    const [claimed] = await a.claimOutbound(1);
    const [{ claimed_by: key } = { claimed_by: 0 }] = await sql<{ claimed_by: number }>(`SELECT claimed_by FROM ${a.schema}.messages WHERE id = $1`, [claimed?.id]);
    // The database drops the connection holding store a's instance lock (a restart, a network cut, an admin).
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_SPACE} AND objsubid = 2 AND objid = $1`, [key]);
    // In doubt once its backend has ended, however long that takes.
    while ((await b.outboundInDoubt()).length === 0) await delay(20);
    expect((await b.outboundInDoubt()).map((message) => message.id)).toEqual([claimed?.id]);
    expect((await a.claimOutbound(5)).map((message) => message.text)).toEqual(['bob #1']);
    // The lock is held again under the same number: a's first claim is its own again, not in doubt.
    expect(await b.outboundInDoubt()).toEqual([]);
    expect(await a.transaction('webchat:ann', async (tx) => (await tx.doc('none', 'x')) ?? 'still working')).toBe('still working');
  });

  it('numbers messages in commit order across both stores: a reader polling either never skips one', async () => {
    const [a, b] = await pair();
    let done = false;
    const seen: number[] = [];
    const reader = (async () => {
      let last = 0;
      for (;;) {
        const finished = done;
        const page = await (seen.length % 2 ? a : b).messagesOfAddress('webchat', 'ann', last, 7);
        seen.push(...page.map((message) => message.id));
        last = page.at(-1)?.id ?? last;
        if (page.length > 0) continue;
        if (finished) return;
        await pause();
      }
    })();
    await Promise.all(Array.from({ length: 60 }, (_, n) => (n % 2 ? a : b).transaction(`writer-${n}`, async (tx) => {
      tx.addMessage(outbound('ann', 1, `${n}`));
      if (n % 3 === 0) await tx.doc('desk', 'shared');
      tx.addMessage(outbound('ann', 1, `${n} again`));
    })));
    done = true;
    await reader;
    expect(seen).toEqual((await a.messagesOfAddress('webchat', 'ann')).map((message) => message.id));
    expect(seen).toHaveLength(120);
  });

  it('claims in its commit the first reply to each idle address for the store that commits, hands it out at its next claim, and puts it back at close if never sent', async () => {
    const [a, b] = await pair();
    const statuses = async (address: string): Promise<unknown[]> => (await b.messagesOfAddress('webchat', address)).map((m) => [m.text, m.status]);
    await b.transaction('webchat:bob', async (tx) => tx.addMessage(outbound('bob', 2, 'bob, before')));
    await a.transaction('webchat:ann', async (tx) => {
      tx.addMessage(outbound('ann', 1, 'ann #1'));
      tx.addMessage(outbound('ann', 1, 'ann #2'));
      tx.addMessage(outbound('bob', 2, 'bob, after'));
      tx.addMessage(outbound('cy', 3, 'cy #1'));
    }, { claim: true });
    // Bob had a reply pending already: his next one waits its turn.
    expect(await statuses('ann')).toEqual([['ann #1', 'sending'], ['ann #2', 'pending']]);
    expect(await statuses('bob')).toEqual([['bob, before', 'pending'], ['bob, after', 'pending']]);
    expect(await statuses('cy')).toEqual([['cy #1', 'sending']]);
    // The other store neither claims them again nor takes them as in doubt: their claimer is alive.
    expect((await b.claimOutbound(10)).map((m) => m.text)).toEqual(['bob, before']);
    // Its last look in the database found less than it asked for: it knows of no other reply to claim from then on.
    const lookedAt = performance.now();
    expect(await b.outboundInDoubt()).toEqual([]);
    const handed = await a.claimOutbound(10);
    expect(handed.map((m) => [m.text, m.status])).toEqual([['ann #1', 'sending'], ['cy #1', 'sending']]);
    expect(handed.map((m) => m.id)).toEqual((await Promise.all([b.messagesOfAddress('webchat', 'ann'), b.messagesOfAddress('webchat', 'cy')])).map(([first]) => first?.id));
    await a.markDelivery(handed[0]?.id ?? 0, { channelMessageId: 'wire-ann-1' });
    expect((await a.claimOutbound(10)).map((m) => m.text)).toEqual(['ann #2']);

    // Claimed in a commit, and the store closed before handing it out: pending again, for any store to send.
    await a.transaction('webchat:dee', async (tx) => tx.addMessage(outbound('dee', 4, 'dee #1')), { claim: true });
    expect(await statuses('dee')).toEqual([['dee #1', 'sending']]);
    await a.close();
    expect(await statuses('dee')).toEqual([['dee #1', 'pending']]);
    // The other store, which knows of nothing new for itself, looks in the database again once a second
    // (`ASK_AGAIN_MS`) passed since its last look: its first claim after that takes it, however long that took.
    for (let left = ASK_AGAIN_MS; left > 0; left = ASK_AGAIN_MS - (performance.now() - lookedAt)) await delay(left);
    expect((await b.claimOutbound(10)).map((m) => m.text)).toEqual(['dee #1']);
  });

  it("assumes a first attempt's inbound message is new (no round trip), and finds a repeated delivery at its commit: the retry says so", async () => {
    const [a, b] = await pair();
    let runs = 0;
    const deliver = (store: PostgresStore, id: string, options: { attempts?: number } = {}) =>
      store.transaction('telegram:9', async (tx) => {
        runs++;
        if (await tx.hasInbound('telegram', id)) return 'repeated';
        tx.addMessage({ channel: 'telegram', address: '9', direction: 'in', from: 'contact', text: `delivery ${id}`, channelMessageId: id, at: '2026-01-01T00:00:00.000Z' });
        return 'stored';
      }, options);
    expect(await deliver(a, 'u1')).toBe('stored');
    expect(runs).toBe(1);
    // Delivered again, to the other process: its first attempt took it for new, and its commit refused it.
    runs = 0;
    expect(await deliver(b, 'u1')).toBe('repeated');
    expect(runs).toBe(2);
    // A caller that allows one attempt gets the answer from the database at once.
    runs = 0;
    expect(await deliver(b, 'u1', { attempts: 1 })).toBe('repeated');
    expect(runs).toBe(1);
    // Read-only work is checked too: the assumption is confirmed or refused like any read.
    runs = 0;
    expect(await b.transaction('telegram:9', async (tx) => { runs++; return tx.hasInbound('telegram', 'u1'); })).toBe(true);
    expect(runs).toBe(2);
    expect((await a.messagesOfAddress('telegram', '9')).map((message) => message.text)).toEqual(['delivery u1']);
  });

  it("takes a new conversation's id with the key's lock when asked (no round trip of its own), a fresh one on a retry, none while a conversation is open", async () => {
    const [a, b] = await pair();
    const asked: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      const text = typeof config === 'string' ? config : config?.text ?? '';
      if (text.includes("nextval('conversation_ids') AS id")) asked.push(text);
      return (query as (...rest: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      /** What the sequence gives next. */
      const upcoming = async (): Promise<number> => {
        const [row] = await sql<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${a.schema}.conversation_ids`);
        return Number(row?.last_value) + (row?.is_called ? 1 : 0);
      };
      const opening = { opening: true };
      const next = await upcoming();
      // Work on keys that open nothing (a lease, an address nobody has) takes no id.
      await a.transaction('lease:sweeper', async (tx) => tx.putDoc('leases', 'sweeper', { owner: 'a' }));
      await a.transaction('webchat:nobody', async (tx) => tx.contactByIdentity('webchat', 'nobody'));
      expect(await upcoming()).toBe(next);
      // A new address, for work that opens: the id comes with the lock, and is the next in the sequence.
      const [first] = await a.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'm1'), opening);
      expect(asked).toEqual([]);
      expect(first?.conversationId).toBe(next);
      // While the conversation is open, the lock takes no id.
      const [second] = await a.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'm2'), opening);
      expect(second?.conversationId).toBe(next);
      expect(await upcoming()).toBe(next + 1);
      // A second id in one transaction, and a retry after a conflict, ask the sequence: never the same id twice.
      const ids: number[] = [];
      let runs = 0;
      await b.transaction('webchat:bob', async (tx) => {
        runs++;
        ids.push(await tx.newConversationId(), await tx.newConversationId());
        // The first attempt reads a contact that the other store changes before this commit: a conflict, a retry.
        const ann = await tx.contactByIdentity('webchat', 'ann');
        if (runs === 1) await a.transaction('webchat:ann', (other) => handleMessage(other, 'ann', 'm3'));
        return ann;
      }, opening);
      expect(runs).toBe(2);
      expect(new Set(ids).size).toBe(4);
      expect(asked.length).toBe(3);
      expect(Math.min(...ids)).toBe(next + 1);
    } finally {
      pg.Client.prototype.query = query;
    }
  });

  it('works with pools of one connection each: the instance lock keeps one more of its own', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = await openPostgres(schema, { poolSize: 1 });
    opened.push(store);
    const [reply] = (await store.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'm1'), { claim: true })).slice(1);
    expect(reply?.text).toBe('reply 1 to m1');
    expect((await store.messagesOfAddress('webchat', 'ann')).map((message) => message.text)).toEqual(['text of m1', 'reply 1 to m1', 'reply 2 to m1']);
  });

  it('moves a sequence never used past a conversation id the work chose itself', async () => {
    const [a] = await pair();
    await a.transaction('webchat:ann', async (tx) => {
      const contact = await tx.newContactId();
      tx.putContact({ id: contact, identities: [{ channel: 'webchat', id: 'ann' }], fields: {}, tags: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
      tx.putConversation({ id: 1, contactId: contact, channel: 'webchat', status: 'closed', stage: 'bot', fields: {}, source: 'contact', openedAt: '2026-01-01T00:00:00.000Z' });
    });
    expect(await a.transaction('webchat:bob', (tx) => tx.newConversationId())).toBe(2);
  });

  it("claims, in the write of a send's outcome, the reply that was waiting behind it, for the store that recorded it; closing puts it back", async () => {
    const [a, b] = await pair();
    const statuses = async (): Promise<unknown[]> => (await b.messagesOfAddress('webchat', 'ann')).map((m) => [m.text, m.status]);
    await a.transaction('webchat:ann', async (tx) => {
      tx.addMessage(outbound('ann', 1, 'ann #1'));
      tx.addMessage(outbound('ann', 1, 'ann #2'));
    }, { claim: true });
    const [first] = await a.claimOutbound(10);
    expect(first?.text).toBe('ann #1');
    await a.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-1' }, { claimNext: true });
    // Claimed by the time the outcome is recorded: the other store neither gets it nor takes it as in doubt.
    expect(await statuses()).toEqual([['ann #1', 'sent'], ['ann #2', 'sending']]);
    expect(await b.claimOutbound(10)).toEqual([]);
    expect(await b.outboundInDoubt()).toEqual([]);
    const [second] = await a.claimOutbound(10);
    expect(second?.text).toBe('ann #2');
    // Without claimNext the outcome only records; the claim after it finds the next reply.
    await a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'ann #3')), { claim: true });
    await a.markDelivery(second?.id ?? 0, { channelMessageId: 'wire-2' });
    expect((await statuses()).at(-1)).toEqual(['ann #3', 'pending']);
    expect((await a.claimOutbound(10)).map((m) => m.text)).toEqual(['ann #3']);
    // Claimed with an outcome, and the store closed before handing it out: pending again, for any store to send.
    await a.transaction('webchat:ann', async (tx) => tx.addMessage(outbound('ann', 1, 'ann #4')), { claim: true });
    const third = (await b.messagesOfAddress('webchat', 'ann')).find((m) => m.text === 'ann #3');
    await a.markDelivery(third?.id ?? 0, { channelMessageId: 'wire-3' }, { claimNext: true });
    expect((await statuses()).at(-1)).toEqual(['ann #4', 'sending']);
    await a.close();
    expect((await statuses()).at(-1)).toEqual(['ann #4', 'pending']);
  });

  it('keeps any text JSON carries, NUL and lone surrogates included, and finds records by such keys', async () => {
    const [a] = await pair();
    const odd = 'a\u0000b \ud800';
    await a.transaction(`webchat:${odd}`, async (tx) => {
      tx.putContact({ id: odd, identities: [{ channel: 'webchat', id: odd }], name: odd, fields: { note: odd }, tags: [odd], createdAt: odd, updatedAt: odd });
      tx.addMessage({ contactId: odd, channel: 'webchat', address: odd, direction: 'in', from: 'contact', text: odd, channelMessageId: odd, at: odd });
      tx.putDoc(odd, odd, { value: odd });
    });
    expect((await a.contactByIdentity('webchat', odd))?.name).toBe(odd);
    expect(await a.contact(odd)).toMatchObject({ id: odd, fields: { note: odd }, tags: [odd] });
    expect((await a.messageByChannelId('webchat', odd))?.text).toBe(odd);
    expect((await a.messagesOfAddress('webchat', odd)).map((message) => message.text)).toEqual([odd]);
    expect(await a.doc(odd, odd)).toEqual({ value: odd });
    // Read and written again inside a transaction: validated against itself, no false conflict.
    await a.transaction(`webchat:${odd}`, async (tx) => {
      expect(await tx.hasInbound('webchat', odd)).toBe(true);
      const contact = await tx.contactByIdentity('webchat', odd);
      if (!contact) throw new Error('the contact was not found');
      contact.tags.push('again');
      tx.putContact(contact);
      tx.putDoc(odd, odd, { value: `${(await tx.doc<{ value: string }>(odd, odd))?.value} again` });
    }, { attempts: 1 });
    expect(await a.doc(odd, odd)).toEqual({ value: `${odd} again` });
    expect(await a.eraseContact(odd)).toEqual({ conversations: 0, messages: 1, files: [], removed: [] });
  });

  it("loses no change made by the other store between a transaction's key lock (which reads the contact and conversation) and the work's own reads", async () => {
    const [a, b] = await pair();
    await a.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const slow = a.transaction('webchat:ann', async (tx) => {
      runs++;
      // The first attempt waits here, after its key's lock (and the read that comes with it), while b commits.
      if (runs === 1) await held;
      const ann = await tx.contactByIdentity('webchat', 'ann');
      const open = ann && (await tx.openConversationOf(ann.id));
      if (!ann || !open) throw new Error('ann and her conversation were stored');
      ann.tags.push('from a');
      open.fields.a = 'yes';
      tx.putContact(ann);
      tx.putConversation(open);
    });
    while (runs === 0) await pause();
    const annId = (await b.contactByIdentity('webchat', 'ann'))?.id as string;
    // Another key (an agent's, say) changes the same records meanwhile.
    await b.transaction(`contact:${annId}`, async (tx) => {
      const ann = await tx.contact(annId);
      const open = await tx.openConversationOf(annId);
      if (!ann || !open) throw new Error('ann and her conversation were stored');
      ann.tags.push('from b');
      open.fields.b = 'yes';
      tx.putContact(ann);
      tx.putConversation(open);
    });
    release();
    await slow;
    expect((await a.contact(annId))?.tags).toEqual(['from b', 'from a']);
    expect((await a.openConversations())[0]?.fields).toMatchObject({ a: 'yes', b: 'yes' });
  });

  it('records the outcomes of many sends made at once, each as given, and refuses only the one of a message that does not exist', async () => {
    const [a] = await pair();
    const addresses = Array.from({ length: 12 }, (_, n) => `r${n}`);
    for (const to of addresses) await a.transaction(`webchat:${to}`, async (tx) => tx.addMessage(outbound(to, 1, `to ${to}`)));
    const claimed = await a.claimOutbound(100);
    expect(claimed).toHaveLength(12);
    const outcomes = await Promise.allSettled([
      ...claimed.map((message, n) => a.markDelivery(message.id, n % 3 === 0 ? { error: `refused ${n}` } : { channelMessageId: `wire-${n}` })),
      a.markDelivery(999_999, { channelMessageId: 'nowhere' }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...claimed.map(() => 'fulfilled'), 'rejected']);
    const stored = (await a.messagesOfConversation(1)).sort((x, y) => x.id - y.id);
    expect(stored.map((message) => [message.status, message.channelMessageId, message.error])).toEqual(
      claimed.map((_, n) => (n % 3 === 0 ? ['failed', undefined, `refused ${n}`] : ['sent', `wire-${n}`, undefined])),
    );
    expect(await a.outboundInDoubt()).toEqual([]);
  });

  it('erases a contact with their conversations and messages, and returns the media refs to delete', async () => {
    const [a] = await pair();
    await a.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'a1'));
    await a.transaction('webchat:bob', (tx) => handleMessage(tx, 'bob', 'b1'));
    const ann = await a.contactByIdentity('webchat', 'ann');
    if (!ann) throw new Error('ann was not stored');
    await a.transaction('webchat:ann', async (tx) => {
      const open = await tx.openConversationOf(ann.id);
      tx.addMessage({ ...outbound(ann.id, open?.id ?? 0, 'a receipt', 'ann'), attachments: [{ kind: 'image', ref: 'f'.repeat(32) }, { kind: 'location', location: { latitude: 1, longitude: 2 } }] });
    });
    const erased = await a.eraseContact(ann.id);
    expect(erased).toMatchObject({ conversations: 1, messages: 4, files: ['f'.repeat(32)], removed: [{ contactId: ann.id, status: 'open' }] });
    expect(await a.contact(ann.id)).toBeUndefined();
    expect(await a.contactByIdentity('webchat', 'ann')).toBeUndefined();
    expect(await a.messagesOfAddress('webchat', 'ann')).toEqual([]);
    expect((await a.conversations()).map((conversation) => conversation.contactId)).toEqual([(await a.contactByIdentity('webchat', 'bob'))?.id]);
    expect(await a.messageCount()).toBe(3);
    // The address is free again: the next message makes a new contact.
    await a.transaction('webchat:ann', (tx) => handleMessage(tx, 'ann', 'a2'));
    expect((await a.contactByIdentity('webchat', 'ann'))?.id).not.toBe(ann.id);
    expect(await a.eraseContact('nobody')).toEqual({ conversations: 0, messages: 0, files: [], removed: [] });
  });
});

describe.skipIf(Boolean(databaseUrl))('PostgresStore, two stores on one schema', () => {
  it.skip(skipReason, () => {});
});
