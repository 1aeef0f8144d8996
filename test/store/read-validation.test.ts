// Serializable transactions: what a transaction read by key is validated at commit, so concurrent transactions
// of different keys cannot act on a record another one changed meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';
import type { Conversation, Store, Tx } from '../../src/store/types.ts';
import { contact, conversation, inbound, openIn, tempDirs } from './helpers.ts';

afterEach(() => tempDirs.cleanup());

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A meeting point for `parties` transactions: each `arrive` resolves once all of them arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return all;
  };
}

/** A gate opened from outside: `wait` resolves once `open` was called. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Runs the transaction again after every ConflictError until it commits; returns its value and the attempts. */
async function retrying<T>(store: Store, key: string, work: (tx: Tx) => Promise<T>): Promise<{ value: T; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { value: await store.transaction(key, work), attempts };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

interface Agent {
  open: number;
  by?: string;
}

describe('two transactions that read and write the same record', () => {
  it('commits exactly one of two that read and write the same doc; the other leaves no trace and succeeds on retry', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
    const bothRead = barrier(2);
    const assign = (key: string, waitForOther: boolean) => async (tx: Tx) => {
      const omar = (await tx.doc<Agent>('agents', 'omar')) ?? { open: 0 };
      if (waitForOther) await bothRead();
      tx.putDoc('agents', 'omar', { open: omar.open + 1, by: key });
      tx.addMessage(inbound(key, 1, `from ${key}`));
      tx.putDoc('notes', key, 'written');
      return omar.open;
    };
    const results = await Promise.allSettled([store.transaction('ann', assign('ann', true)), store.transaction('bob', assign('bob', true))]);
    const won = results.findIndex((result) => result.status === 'fulfilled');
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const lost = results[1 - won] as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    expect((lost.reason as Error).message).toBe('doc agents/omar changed while this transaction ran; retry');

    const winner = won === 0 ? 'ann' : 'bob';
    const loser = won === 0 ? 'bob' : 'ann';
    const onlyWinner = async (view: Store): Promise<void> => {
      expect(await view.doc('agents', 'omar')).toEqual({ open: 1, by: winner });
      expect([...(await view.docs('notes')).keys()]).toEqual([winner]);
      expect(await view.messagesOfContact(loser)).toEqual([]);
      expect(await view.messageCount()).toBe(1);
    };
    await onlyWinner(store);
    await store.close();
    const reopened = await openStore({ dir });
    await onlyWinner(reopened);

    // Run again, it reads the winner's write and commits on top of it.
    expect(await reopened.transaction(loser, assign(loser, false))).toBe(1);
    expect(await reopened.doc('agents', 'omar')).toEqual({ open: 2, by: loser });
    expect((await reopened.docs('notes')).size).toBe(2);
    await reopened.close();
  });

  it('commits exactly one of an agent\'s and a customer\'s transaction that both update conversation 42', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(42, 'ann'));
    });
    const bothRead = barrier(2);
    const update = (key: string, change: (c: Conversation) => Conversation) =>
      store.transaction(key, async (tx) => {
        const current = await tx.conversation(42);
        await bothRead();
        if (!current) throw new Error('conversation 42 is missing');
        tx.putConversation(change(current));
        tx.addMessage(inbound('ann', 42, `from ${key}`));
      });
    const results = await Promise.allSettled([
      update('agent:omar', (c) => ({ ...c, stage: 'assigned', agentId: 'omar' })),
      update('webchat:ann', (c) => ({ ...c, fields: { ...c.fields, email: 'ann@example.com' } })),
    ]);
    const lost = results.filter((result) => result.status === 'rejected');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
    expect((lost[0]?.reason as Error).message).toBe('conversation 42 changed while this transaction ran; retry');
    const stored = await store.conversation(42);
    const agentWon = results[0]?.status === 'fulfilled';
    expect(stored?.agentId).toBe(agentWon ? 'omar' : undefined);
    expect(stored?.fields).toEqual(agentWon ? {} : { email: 'ann@example.com' });
    expect(await store.messageCount()).toBe(1);
    await store.close();
  });
});

describe('what counts as a conflicting read', () => {
  it('refuses a transaction that read a doc as absent when another one created it meanwhile', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const created = gate();
    const reader = store.transaction('ann', async (tx) => {
      expect(await tx.doc('locks', 'queue')).toBeUndefined();
      await created.wait;
      tx.putDoc('locks', 'queue', 'ann');
    });
    await store.transaction('bob', async (tx) => tx.putDoc('locks', 'queue', 'bob'));
    created.open();
    await expect(reader).rejects.toThrow(new ConflictError('doc locks/queue changed while this transaction ran; retry'));
    expect(await store.doc('locks', 'queue')).toBe('bob');
    await store.close();
  });

  it('refuses a transaction that read a contact or conversation as absent when another one stored it meanwhile', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const stored = gate();
    const readers = [
      store.transaction('r1', async (tx) => {
        expect(await tx.contact('ann')).toBeUndefined();
        await stored.wait;
        tx.putDoc('notes', 'r1', 1);
      }),
      store.transaction('r2', async (tx) => {
        expect(await tx.conversation(7)).toBeUndefined();
        await stored.wait;
        tx.putDoc('notes', 'r2', 1);
      }),
    ];
    await store.transaction('w', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(7, 'ann'));
    });
    stored.open();
    await expect(readers[0]).rejects.toThrow('contact ann changed while this transaction ran; retry');
    await expect(readers[1]).rejects.toThrow('conversation 7 changed while this transaction ran; retry');
    expect((await store.docs('notes')).size).toBe(0);
    await store.close();
  });

  // Each way a transaction reads a record by key; the other transaction changes that record.
  const reads: [string, (tx: Tx) => Promise<unknown>][] = [
    ['contact', (tx) => tx.contact('ann')],
    ['contactByIdentity', (tx) => tx.contactByIdentity('webchat', 'ann')],
    ['conversation', (tx) => tx.conversation(1)],
    ['openConversationOf', (tx) => tx.openConversationOf('ann')],
    ['latestConversationOf', (tx) => tx.latestConversationOf('ann')],
    ['doc', (tx) => tx.doc('agents', 'omar')],
  ];
  const changes: Record<string, (tx: Tx) => void> = {
    contact: (tx) => tx.putContact({ ...contact('ann'), name: 'Ann B.' }),
    conversation: (tx) => tx.putConversation({ ...conversation(1, 'ann'), stage: 'queued' }),
    doc: (tx) => tx.putDoc('agents', 'omar', { open: 1 }),
  };
  const changed = (method: string): string => (method.startsWith('contact') ? 'contact ann' : method === 'doc' ? 'doc agents/omar' : 'conversation 1');

  it.each(reads)('refuses a transaction that only read (through %s) a record another one changed, writes elsewhere or none', async (method, read) => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putDoc('agents', 'omar', { open: 0 });
    });
    const changedMeanwhile = gate();
    const writesElsewhere = store.transaction('reader', async (tx) => {
      expect(await read(tx)).toBeDefined();
      await changedMeanwhile.wait;
      tx.putDoc('notes', 'reader', 'kept only if nothing it read changed');
    });
    const readsOnly = store.transaction('read-only', async (tx) => {
      await read(tx);
      await changedMeanwhile.wait;
      return 'answer built from what it read';
    });
    const kind = method.startsWith('contact') ? 'contact' : method === 'doc' ? 'doc' : 'conversation';
    await store.transaction('writer', async (tx) => changes[kind]?.(tx));
    changedMeanwhile.open();
    const message = `${changed(method)} changed while this transaction ran; retry`;
    await expect(writesElsewhere).rejects.toThrow(new ConflictError(message));
    await expect(readsOnly).rejects.toThrow(new ConflictError(message));
    expect(await store.docs('notes')).toEqual(new Map());
    await store.close();
  });

  it('commits transactions whose reads nobody changed while others commit around them', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putContact(contact('bob'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putConversation(conversation(2, 'bob'));
      tx.putDoc('agents', 'omar', { open: 0 });
    });
    const readerHasRead = gate();
    const othersCommitted = gate();
    const reader = store.transaction('ann', async (tx) => {
      const ann = await tx.contactByIdentity('webchat', 'ann');
      const open = await tx.openConversationOf('ann');
      await tx.latestConversationOf('ann');
      const omar = await tx.doc<Agent>('agents', 'omar');
      expect(await tx.doc('agents', 'lina')).toBeUndefined();
      expect(await tx.conversation(99)).toBeUndefined();
      // Queries are not validated: bob's conversation shows up here and changes meanwhile.
      expect((await tx.openConversations()).map((c) => c.id)).toEqual([1, 2]);
      readerHasRead.open();
      await othersCommitted.wait;
      expect((await tx.openConversations()).map((c) => c.id)).toEqual([1]);
      tx.putConversation({ ...(open ?? conversation(1, 'ann')), fields: { seen: true } });
      tx.putDoc('notes', 'ann', { name: ann?.name ?? '', omar: omar?.open ?? -1 });
      return 'committed';
    });
    await readerHasRead.wait;
    await store.transaction('bob', async (tx) => {
      tx.putContact({ ...contact('bob'), name: 'Bob B.' });
      tx.putConversation({ ...conversation(2, 'bob'), status: 'closed' });
      tx.putDoc('agents', 'sara', { open: 3 });
    });
    othersCommitted.open();
    await expect(reader).resolves.toBe('committed');
    expect(await store.doc('notes', 'ann')).toEqual({ name: 'Name ann', omar: 0 });
    expect((await store.conversation(1))?.fields).toEqual({ seen: true });
    await store.close();
  });

  it('does not count reads of records the transaction wrote itself, nor its blind writes', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putDoc('agents', 'omar', { open: 0 });
    });
    const changedMeanwhile = gate();
    const own = store.transaction('ann', async (tx) => {
      tx.putDoc('agents', 'omar', { open: 10, by: 'ann' });
      expect(await tx.doc('agents', 'omar')).toEqual({ open: 10, by: 'ann' });
      tx.putContact({ ...contact('ann'), name: 'Ann (own)' });
      expect((await tx.contactByIdentity('webchat', 'ann'))?.name).toBe('Ann (own)');
      expect((await tx.contact('ann'))?.name).toBe('Ann (own)');
      const id = await tx.newConversationId();
      tx.putConversation(conversation(id, 'ann'));
      expect((await tx.openConversationOf('ann'))?.id).toBe(id);
      expect((await tx.latestConversationOf('ann'))?.id).toBe(id);
      expect((await tx.conversation(id))?.id).toBe(id);
      await changedMeanwhile.wait;
      return id;
    });
    await store.transaction('bob', async (tx) => {
      tx.putDoc('agents', 'omar', { open: 1, by: 'bob' });
      tx.putContact({ ...contact('ann'), name: 'Ann (bob)' });
    });
    changedMeanwhile.open();
    const id = await own;
    // Last committer wins for blind writes.
    expect(await store.doc('agents', 'omar')).toEqual({ open: 10, by: 'ann' });
    expect((await store.contact('ann'))?.name).toBe('Ann (own)');
    expect((await store.conversation(id))?.status).toBe('open');
    await store.close();
  });

  it('keeps a read recorded once read, even when the transaction writes the record afterwards', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
    const changedMeanwhile = gate();
    const stale = store.transaction('ann', async (tx) => {
      const omar = (await tx.doc<Agent>('agents', 'omar')) ?? { open: 0 };
      tx.putDoc('agents', 'omar', { open: omar.open + 1 });
      expect(await tx.doc('agents', 'omar')).toEqual({ open: 1 });
      await changedMeanwhile.wait;
    });
    await store.transaction('bob', async (tx) => tx.putDoc('agents', 'omar', { open: 5 }));
    changedMeanwhile.open();
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    expect(await store.doc('agents', 'omar')).toEqual({ open: 5 });
    await store.close();
  });
});

describe('many concurrent transactions', () => {
  it('counts to exactly 100 when 100 keys each increment one doc, retrying on ConflictError', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        retrying(store, `customer-${n}`, async (tx) => {
          const omar = (await tx.doc<Agent>('agents', 'omar')) ?? { open: 0 };
          if (n % 3 === 0) await delay(n % 2);
          tx.putDoc('agents', 'omar', { open: omar.open + 1 });
          tx.putDoc('assigned', `customer-${n}`, omar.open + 1);
          return omar.open + 1;
        }),
      ),
    );
    expect(await store.doc('agents', 'omar')).toEqual({ open: 100 });
    // Each committed increment saw a distinct value: no two commits acted on the same read.
    expect(outcomes.map((outcome) => outcome.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, n) => n + 1));
    expect(outcomes.some((outcome) => outcome.attempts > 1)).toBe(true);
    expect((await store.docs('assigned')).size).toBe(100);
    await store.close();
    const reopened = await openStore({ dir });
    expect(await reopened.doc('agents', 'omar')).toEqual({ open: 100 });
    await reopened.close();
  });

  it('keeps validating a transaction that runs across thousands of other commits, without false conflicts', async () => {
    const store = await openIn(await tempDirs.make(), { fsync: false });
    await store.transaction('setup', async (tx) => {
      tx.putDoc('agents', 'omar', { open: 0 });
      tx.putDoc('agents', 'lina', { open: 0 });
    });
    const othersDone = gate();
    const changed = store.transaction('long-1', async (tx) => {
      await tx.doc('agents', 'omar');
      await tx.doc('agents', 'lina');
      await othersDone.wait;
      tx.putDoc('notes', 'long-1', 1);
    });
    const unchanged = store.transaction('long-2', async (tx) => {
      await tx.doc('agents', 'lina');
      expect(await tx.doc('agents', 'nobody')).toBeUndefined();
      await othersDone.wait;
      tx.putDoc('notes', 'long-2', 1);
    });
    // Changed before thousands of other commits (the store forgets old versions meanwhile): still a conflict.
    await store.transaction('omar', async (tx) => tx.putDoc('agents', 'omar', { open: 1 }));
    for (let n = 0; n < 5000; n++) await store.transaction(`bulk-${n % 7}`, async (tx) => tx.putDoc('bulk', String(n), n));
    othersDone.open();
    await expect(changed).rejects.toThrow('doc agents/omar changed while this transaction ran; retry');
    await expect(unchanged).resolves.toBeUndefined();
    expect([...(await store.docs('notes')).keys()]).toEqual(['long-2']);
    await store.close();
  });
});
