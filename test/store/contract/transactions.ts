// Serializable transactions: what a transaction read is validated at commit, so concurrent transactions of different
// keys cannot act on a record another one changed meanwhile; a refused commit runs the work again, on the new state.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/store/errors.ts';
import type { Conversation, Store, Tx } from '../../../src/store/types.ts';
import { contact, conversation, inbound } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { barrier, delay, gate } from './timing.ts';

/** To observe a refusal: the first ConflictError rejects the transaction instead of running its work again. */
const once = { attempts: 1 };

interface Agent {
  open: number;
  by?: string;
}

/** Read validation, conflicts and running the work again, on stores from `open`. */
export function transactions(open: OpenStore): void {
  describe('two transactions that read and write the same record', () => {
    it('commits exactly one of two that read and write the same doc; the other leaves no trace and succeeds when run again', async () => {
      const { store, reopen } = await open();
      await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
      const bothRead = barrier(2);
      const assign = (key: string, waitForOther: boolean) => async (tx: Tx) => {
        const omar = (await tx.doc<Agent>('agents', 'omar')) ?? { open: 0 };
        if (waitForOther) await bothRead.arrive();
        tx.putDoc('agents', 'omar', { open: omar.open + 1, by: key });
        tx.addMessage(inbound(key, 1, `from ${key}`));
        tx.putDoc('notes', key, 'written');
        return omar.open;
      };
      const results = await Promise.allSettled([
        store.transaction('ann', assign('ann', true), once),
        store.transaction('bob', assign('bob', true), once),
      ]);
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
      const reopened = await reopen();
      await onlyWinner(reopened);

      // Run again, it reads the winner's write and commits on top of it.
      expect(await reopened.transaction(loser, assign(loser, false))).toBe(1);
      expect(await reopened.doc('agents', 'omar')).toEqual({ open: 2, by: loser });
      expect((await reopened.docs('notes')).size).toBe(2);
    });

    it("commits exactly one of an agent's and a customer's transaction that both update conversation 42", async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putConversation(conversation(42, 'ann'));
      });
      const bothRead = barrier(2);
      const update = (key: string, change: (c: Conversation) => void): Promise<void> =>
        store.transaction(
          key,
          async (tx) => {
            const current = await tx.conversation(42);
            await bothRead.arrive();
            if (!current) throw new Error('conversation 42 is missing');
            change(current);
            tx.putConversation(current);
            tx.addMessage(inbound('ann', 42, `from ${key}`));
          },
          once,
        );
      const results = await Promise.allSettled([
        update('agent:omar', (c) => {
          c.stage = 'assigned';
          c.agentId = 'omar';
        }),
        update('webchat:ann', (c) => {
          c.fields.email = 'ann@example.com';
        }),
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
    });
  });

  describe('what counts as a conflicting read', () => {
    it('stores an inbound channel id once when two keys add it at the same time, as a unique index would', async () => {
      const { store } = await open();
      const bothChecked = barrier(2);
      const add = (key: string) =>
        store.transaction(key, async (tx) => {
          const seen = await tx.hasInbound('telegram', 'update-7');
          await bothChecked.arrive();
          if (seen) return 'already stored';
          tx.addMessage({ channel: 'telegram', address: '1001', direction: 'in', from: 'agent', text: `via ${key}`, channelMessageId: 'update-7', at: '2025-01-01T00:00:00.000Z' });
          return 'stored';
        });
      const outcomes = await Promise.all([add('agent:omar'), add('telegram:1001')]);
      expect(outcomes.sort()).toEqual(['already stored', 'stored']);
      expect((await store.messagesOfAddress('telegram', '1001')).map((m) => m.channelMessageId)).toEqual(['update-7']);
    });

    it('refuses a transaction that read a doc as absent when another one created it meanwhile', async () => {
      const { store } = await open();
      const hasRead = gate();
      const created = gate();
      const reader = store.transaction(
        'ann',
        async (tx) => {
          expect(await tx.doc('locks', 'queue')).toBeUndefined();
          hasRead.open();
          await created.wait;
          tx.putDoc('locks', 'queue', 'ann');
        },
        once,
      );
      await hasRead.wait;
      await store.transaction('bob', async (tx) => tx.putDoc('locks', 'queue', 'bob'));
      created.open();
      await expect(reader).rejects.toThrow(new ConflictError('doc locks/queue changed while this transaction ran; retry'));
      expect(await store.doc('locks', 'queue')).toBe('bob');
    });

    it('refuses a transaction that read a contact or conversation as absent when another one stored it meanwhile', async () => {
      const { store } = await open();
      const bothRead = barrier(2);
      const stored = gate();
      const readers = [
        store.transaction(
          'r1',
          async (tx) => {
            expect(await tx.contact('ann')).toBeUndefined();
            void bothRead.arrive();
            await stored.wait;
            tx.putDoc('notes', 'r1', 1);
          },
          once,
        ),
        store.transaction(
          'r2',
          async (tx) => {
            expect(await tx.conversation(7)).toBeUndefined();
            void bothRead.arrive();
            await stored.wait;
            tx.putDoc('notes', 'r2', 1);
          },
          once,
        ),
      ];
      await bothRead.all;
      await store.transaction('w', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putConversation(conversation(7, 'ann'));
      });
      stored.open();
      await expect(readers[0]).rejects.toThrow('contact ann changed while this transaction ran; retry');
      await expect(readers[1]).rejects.toThrow('conversation 7 changed while this transaction ran; retry');
      expect((await store.docs('notes')).size).toBe(0);
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
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putConversation(conversation(1, 'ann'));
        tx.putDoc('agents', 'omar', { open: 0 });
      });
      const bothRead = barrier(2);
      const changedMeanwhile = gate();
      const writesElsewhere = store.transaction(
        'reader',
        async (tx) => {
          expect(await read(tx)).toBeDefined();
          void bothRead.arrive();
          await changedMeanwhile.wait;
          tx.putDoc('notes', 'reader', 'kept only if nothing it read changed');
        },
        once,
      );
      const readsOnly = store.transaction(
        'read-only',
        async (tx) => {
          await read(tx);
          void bothRead.arrive();
          await changedMeanwhile.wait;
          return 'answer built from what it read';
        },
        once,
      );
      await bothRead.all;
      const kind = method.startsWith('contact') ? 'contact' : method === 'doc' ? 'doc' : 'conversation';
      await store.transaction('writer', async (tx) => changes[kind]?.(tx));
      changedMeanwhile.open();
      const message = `${changed(method)} changed while this transaction ran; retry`;
      await expect(writesElsewhere).rejects.toThrow(new ConflictError(message));
      await expect(readsOnly).rejects.toThrow(new ConflictError(message));
      expect(await store.docs('notes')).toEqual(new Map());
    });

    it('commits transactions whose reads nobody changed while others commit around them', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putContact(contact('bob'));
        tx.putConversation(conversation(1, 'ann'));
        tx.putConversation(conversation(2, 'bob'));
        tx.putDoc('agents', 'omar', { open: 0 });
      });
      const readerHasRead = gate();
      const othersCommitted = gate();
      const reader = store.transaction(
        'ann',
        async (tx) => {
          const ann = await tx.contactByIdentity('webchat', 'ann');
          const current = await tx.openConversationOf('ann');
          await tx.latestConversationOf('ann');
          const omar = await tx.doc<Agent>('agents', 'omar');
          expect(await tx.doc('agents', 'lina')).toBeUndefined();
          expect(await tx.conversation(99)).toBeUndefined();
          // A count is not validated: bob's conversation is counted here and closed meanwhile.
          expect(await tx.countOpenConversations()).toBe(2);
          readerHasRead.open();
          await othersCommitted.wait;
          if (!current) throw new Error('conversation 1 is missing');
          current.fields = { seen: true };
          tx.putConversation(current);
          tx.putDoc('notes', 'ann', { name: ann?.name ?? '', omar: omar?.open ?? -1 });
          return 'committed';
        },
        once,
      );
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
    });

    it('refuses a transaction when a conversation openConversations handed out changed meanwhile, even one it did not write', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putContact(contact('bob'));
        tx.putConversation({ ...conversation(1, 'ann'), stage: 'queued', team: 'Billing' });
        tx.putConversation({ ...conversation(2, 'bob'), stage: 'queued', team: 'Billing' });
      });
      const hasRead = gate();
      const changedMeanwhile = gate();
      const claimOldest = async (tx: Tx): Promise<number | undefined> => {
        const [oldest] = await tx.openConversations({ stage: 'queued', team: 'Billing' });
        if (!oldest) return undefined;
        oldest.stage = 'assigned';
        oldest.agentId = 'omar';
        tx.putConversation(oldest);
        return oldest.id;
      };
      const stale = store.transaction(
        'agent:omar',
        async (tx) => {
          expect((await tx.openConversations({ stage: 'queued' })).map((c) => c.id)).toEqual([1, 2]);
          hasRead.open();
          await changedMeanwhile.wait;
          return claimOldest(tx);
        },
        once,
      );
      await hasRead.wait;
      await store.transaction('webchat:bob', async (tx) => {
        const bobs = await tx.conversation(2);
        if (!bobs) throw new Error('conversation 2 is missing');
        bobs.fields.email = 'bob@example.com';
        tx.putConversation(bobs);
      });
      changedMeanwhile.open();
      await expect(stale).rejects.toThrow(new ConflictError('conversation 2 changed while this transaction ran; retry'));
      expect((await store.conversation(1))?.stage).toBe('queued');
      // Run again (the default), it reads the new state and commits.
      expect(await store.transaction('agent:omar', claimOldest)).toBe(1);
      expect((await store.openConversations({ stage: 'assigned', agentId: 'omar' })).map((c) => c.id)).toEqual([1]);
    });

    it('does not count reads of records the transaction wrote itself, nor its blind writes', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putDoc('agents', 'omar', { open: 0 });
      });
      const changedMeanwhile = gate();
      const own = store.transaction(
        'ann',
        async (tx) => {
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
        },
        once,
      );
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
    });

    it('keeps a read recorded once read, even when the transaction writes the record afterwards', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
      const hasRead = gate();
      const changedMeanwhile = gate();
      const stale = store.transaction(
        'ann',
        async (tx) => {
          const omar = (await tx.doc<Agent>('agents', 'omar')) ?? { open: 0 };
          tx.putDoc('agents', 'omar', { open: omar.open + 1 });
          expect(await tx.doc('agents', 'omar')).toEqual({ open: 1 });
          hasRead.open();
          await changedMeanwhile.wait;
        },
        once,
      );
      await hasRead.wait;
      await store.transaction('bob', async (tx) => tx.putDoc('agents', 'omar', { open: 5 }));
      changedMeanwhile.open();
      await expect(stale).rejects.toBeInstanceOf(ConflictError);
      expect(await store.doc('agents', 'omar')).toEqual({ open: 5 });
    });
  });

  describe('running the work again', () => {
    it('keeps nothing of a refused run: the commit holds only what the last run of the work wrote', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
      const hasRead = gate();
      const changedMeanwhile = gate();
      let runs = 0;
      const result = store.transaction('ann', async (tx) => {
        const run = ++runs;
        const omar = await tx.doc<Agent>('agents', 'omar');
        tx.addMessage(inbound('ann', 1, `run ${run}`));
        tx.putDoc('notes', `run ${run}`, omar ?? null);
        if (run === 1) {
          hasRead.open();
          await changedMeanwhile.wait;
        }
        return run;
      });
      await hasRead.wait;
      await store.transaction('bob', async (tx) => tx.putDoc('agents', 'omar', { open: 1 }));
      changedMeanwhile.open();
      expect(await result).toBe(2);
      expect((await store.messagesOfContact('ann')).map((m) => m.channelMessageId)).toEqual(['run 2']);
      expect([...(await store.docs('notes'))]).toEqual([['run 2', { open: 1 }]]);
    });

    it('gives up with ConflictError once its attempts are used up, having run the work that many times', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
      let runs = 0;
      const refused = store.transaction(
        'ann',
        async (tx) => {
          const run = ++runs;
          const omar = await tx.doc<Agent>('agents', 'omar');
          // Another key changes what this run read before it commits, every time.
          await store.transaction(`bob-${run}`, async (other) => other.putDoc('agents', 'omar', { open: run }));
          tx.putDoc('notes', 'ann', omar ?? null);
        },
        { attempts: 3 },
      );
      await expect(refused).rejects.toThrow(new ConflictError('doc agents/omar changed while this transaction ran; retry'));
      expect(runs).toBe(3);
      expect(await store.doc('agents', 'omar')).toEqual({ open: 3 });
      expect(await store.docs('notes')).toEqual(new Map());
    });
  });

  describe('many concurrent transactions', () => {
    it('counts to exactly 100 when 100 keys each increment one doc, the store running refused work again', async () => {
      const { store, reopen } = await open();
      await store.transaction('setup', async (tx) => tx.putDoc('agents', 'omar', { open: 0 }));
      let runs = 0;
      const values = await Promise.all(
        Array.from({ length: 100 }, (_, n) =>
          store.transaction(`customer-${n}`, async (tx) => {
            runs += 1;
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
      expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, n) => n + 1));
      expect(runs).toBeGreaterThan(100);
      expect((await store.docs('assigned')).size).toBe(100);
      const reopened = await reopen();
      expect(await reopened.doc('agents', 'omar')).toEqual({ open: 100 });
    });

    it('keeps validating a transaction that runs across thousands of other commits, without false conflicts', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putDoc('agents', 'omar', { open: 0 });
        tx.putDoc('agents', 'lina', { open: 0 });
      });
      const bothRead = barrier(2);
      const othersDone = gate();
      const changed = store.transaction(
        'long-1',
        async (tx) => {
          await tx.doc('agents', 'omar');
          await tx.doc('agents', 'lina');
          void bothRead.arrive();
          await othersDone.wait;
          tx.putDoc('notes', 'long-1', 1);
        },
        once,
      );
      const unchanged = store.transaction(
        'long-2',
        async (tx) => {
          await tx.doc('agents', 'lina');
          expect(await tx.doc('agents', 'nobody')).toBeUndefined();
          void bothRead.arrive();
          await othersDone.wait;
          tx.putDoc('notes', 'long-2', 1);
        },
        once,
      );
      await bothRead.all;
      // Changed before thousands of other commits (a store may forget old versions meanwhile): still a conflict.
      await store.transaction('omar', async (tx) => tx.putDoc('agents', 'omar', { open: 1 }));
      await Promise.all(
        Array.from({ length: 10 }, async (_, key) => {
          for (let n = key; n < 5000; n += 10) await store.transaction(`bulk-${key}`, async (tx) => tx.putDoc('bulk', String(n), n));
        }),
      );
      othersDone.open();
      await expect(changed).rejects.toThrow('doc agents/omar changed while this transaction ran; retry');
      await expect(unchanged).resolves.toBeUndefined();
      expect([...(await store.docs('notes')).keys()]).toEqual(['long-2']);
    });
  });
}
