// One live object per record within a transaction: every read hands out the same object, a copy cannot be put back
// over it, and a transaction run again after a conflict keeps its place in its key's line.
import { expect, it } from 'vitest';
import { StaleWriteError } from '../../../src/store/errors.ts';
import type { Tx } from '../../../src/store/types.ts';
import { contact, conversation } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { gate } from './timing.ts';

interface Agent {
  status: string;
  open: number;
}

/** One live object per record, stale copies refused, a re-run's place in its key's line, on stores from `open`. */
export function identity(open: OpenStore): void {
  /** Ann with queued conversation 1 of team Billing, and agent omar's document. */
  const setup = async (tx: Tx): Promise<void> => {
    tx.putContact(contact('ann'));
    tx.putConversation({ ...conversation(1, 'ann'), stage: 'queued', team: 'Billing' });
    tx.putDoc('agents', 'omar', { status: 'online', open: 0 });
  };

  it('hands out the same object from every read of a record, by key or through a query', async () => {
    const { store } = await open();
    await store.transaction('setup', setup);
    await store.transaction('k', async (tx) => {
      const ann = await tx.contact('ann');
      expect(ann).toMatchObject({ id: 'ann' });
      expect(await tx.contactByIdentity('webchat', 'ann')).toBe(ann);
      expect(await tx.contact('ann')).toBe(ann);

      const [queued] = await tx.openConversations({ stage: 'queued' });
      expect(queued).toMatchObject({ id: 1 });
      expect(await tx.conversation(1)).toBe(queued);
      expect(await tx.openConversationOf('ann')).toBe(queued);
      expect(await tx.latestConversationOf('ann')).toBe(queued);
      expect((await tx.openConversations())[0]).toBe(queued);
      expect((await tx.openConversations({ stage: 'queued', team: 'Billing' }))[0]).toBe(queued);

      const omar = await tx.doc<Agent>('agents', 'omar');
      expect(omar).toEqual({ status: 'online', open: 0 });
      expect(await tx.doc('agents', 'omar')).toBe(omar);

      // A record the work creates is live from its put on.
      const bob = contact('bob');
      tx.putContact(bob);
      expect(await tx.contact('bob')).toBe(bob);
      expect(await tx.contactByIdentity('webchat', 'bob')).toBe(bob);
    });
  });

  it('commits each record that was put as its live object is when the work returns, and no record that was not put', async () => {
    const { store } = await open();
    await store.transaction('setup', setup);
    const bob = contact('bob');
    await store.transaction('k', async (tx) => {
      const ann = await tx.contactByIdentity('webchat', 'ann');
      if (!ann) throw new Error('ann is missing');
      ann.name = 'Ann B.';
      tx.putContact(ann);
      // Changed after its put: the change is committed too.
      ann.tags.push('vip');
      tx.putContact(bob);
      bob.name = 'Bob B.';
      const omar = await tx.doc<Agent>('agents', 'omar');
      if (!omar) throw new Error('omar is missing');
      tx.putDoc('agents', 'omar', omar);
      omar.open = 1;
      // Changed and never put: not committed.
      const queued = await tx.conversation(1);
      if (queued) queued.stage = 'assigned';
    });
    expect(await store.contact('ann')).toMatchObject({ name: 'Ann B.', tags: ['vip'] });
    expect(await store.contact('bob')).toMatchObject({ name: 'Bob B.' });
    expect(await store.doc('agents', 'omar')).toEqual({ status: 'online', open: 1 });
    expect((await store.conversation(1))?.stage).toBe('queued');
    // Once committed, the object is the caller's again: the store holds its own copy.
    bob.name = 'changed after the commit';
    expect((await store.contact('bob'))?.name).toBe('Bob B.');
  });

  const staleCopies: [string, string, (tx: Tx) => Promise<void>][] = [
    [
      'a contact read by identity',
      'contact ann',
      async (tx) => {
        const ann = await tx.contactByIdentity('webchat', 'ann');
        tx.putContact({ ...contact('ann'), ...ann, name: 'Ann B.' });
      },
    ],
    [
      'a conversation read by key',
      'conversation #1',
      async (tx) => {
        const read = await tx.conversation(1);
        tx.putConversation({ ...conversation(1, 'ann'), ...read, stage: 'assigned' });
      },
    ],
    [
      'a conversation openConversations handed out',
      'conversation #1',
      async (tx) => {
        const [queued] = await tx.openConversations({ stage: 'queued', team: 'Billing' });
        tx.putConversation({ ...conversation(1, 'ann'), ...queued, stage: 'assigned', agentId: 'omar' });
      },
    ],
    [
      'a contact the work put before',
      'contact bob',
      async (tx) => {
        tx.putContact(contact('bob'));
        tx.putContact({ ...contact('bob'), name: 'Bob B.' });
      },
    ],
  ];

  it.each(staleCopies)('refuses a copy of %s with StaleWriteError: the work runs once and nothing of it is kept', async (_what, record, putCopy) => {
    const { store } = await open();
    await store.transaction('setup', setup);
    let runs = 0;
    const stale = store.transaction('k', async (tx) => {
      runs += 1;
      tx.putDoc('notes', 'k', 'written before the copy');
      await putCopy(tx);
    });
    await expect(stale).rejects.toBeInstanceOf(StaleWriteError);
    await expect(stale).rejects.toThrow(`a copy of ${record} was put, not the object this transaction handed out for it; change that object instead`);
    expect(runs).toBe(1);
    expect(await store.docs('notes')).toEqual(new Map());
    expect(await store.contact('ann')).toEqual(contact('ann'));
    expect(await store.contact('bob')).toBeUndefined();
    expect(await store.conversation(1)).toMatchObject({ stage: 'queued', team: 'Billing' });
  });

  it("runs a transaction refused by a conflict again in its place: its key's next transaction starts after it committed", async () => {
    const { store } = await open();
    await store.transaction('setup', setup);
    const events: string[] = [];
    const hasRead = gate();
    const changedMeanwhile = gate();
    let runs = 0;
    const first = store.transaction('agent:omar', async (tx) => {
      const run = ++runs;
      events.push(`first, run ${run}`);
      const omar = await tx.doc<Agent>('agents', 'omar');
      if (!omar) throw new Error('omar is missing');
      if (run === 1) {
        hasRead.open();
        await changedMeanwhile.wait;
      }
      omar.open += 1;
      tx.putDoc('agents', 'omar', omar);
    });
    const second = store.transaction('agent:omar', async (tx) => {
      events.push('second');
      tx.putDoc('notes', 'second saw', (await tx.doc<Agent>('agents', 'omar')) ?? null);
    });
    await hasRead.wait;
    await store.transaction('admin', async (tx) => tx.putDoc('agents', 'omar', { status: 'away', open: 10 }));
    changedMeanwhile.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['first, run 1', 'first, run 2', 'second']);
    expect(await store.doc('notes', 'second saw')).toEqual({ status: 'away', open: 11 });
  });
}
