// The embedded store's contract: durability across restarts, keyed ordering, atomic commits, recovery and compaction.
import { appendFile, cp, mkdir, open as openFile, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConflictError, CorruptStoreError, NewerStoreError, StoreLockedError, StoreUnavailableError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { contact, conversation, dump, handleMessage, inbound, openIn, outbound, SLOW_MACHINE_WARNING, storedMessages, tempDirs } from './helpers.ts';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  vi.restoreAllMocks();
  await tempDirs.cleanup();
});

describe('restart', () => {
  it('restores contacts, conversations, messages, docs and dedup, and keeps counting ids up', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    const stored = await Promise.all(
      ['ann', 'bob', 'cid'].flatMap((who) =>
        [1, 2].map(async (n) => {
          await store.transaction(who, (tx) => handleMessage(tx, who, `${who}-${n}`));
          return storedMessages(store, who, `${who}-${n}`);
        }),
      ),
    );
    await store.transaction('docs', async (tx) => {
      tx.putDoc('agents', 'omar', { status: 'online', open: [1, 2] });
      tx.putDoc('agents', 'lina', { status: 'away' });
      tx.putDoc('queues', 'Billing', [3]);
    });
    await store.transaction('docs', async (tx) => tx.deleteDoc('agents', 'lina'));
    const firstSent = stored[0]?.[1];
    await store.markDelivery(firstSent?.id ?? 0, { channelMessageId: 'wire-1' });
    const before = await dump(store, ['agents', 'queues']);
    const maxId = Math.max(...stored.flat().map((message) => message.id));
    await store.close();

    const reopened = await openStore({ dir });
    expect(await dump(reopened, ['agents', 'queues'])).toEqual(before);
    expect(await reopened.doc('agents', 'omar')).toEqual({ status: 'online', open: [1, 2] });
    expect(await reopened.doc('agents', 'lina')).toBeUndefined();
    const ann = await reopened.contactByIdentity('webchat', 'ann');
    expect(ann?.name).toBe('Name ' + ann?.id);
    const seen = await reopened.transaction('ann', async (tx) => [await tx.hasInbound('webchat', 'ann-2'), await tx.hasInbound('webchat', 'ann-9')]);
    expect(seen).toEqual([true, false]);

    await reopened.transaction('dan', (tx) => handleMessage(tx, 'dan', 'dan-1'));
    const [next] = await storedMessages(reopened, 'dan', 'dan-1');
    expect(next?.id).toBe(maxId + 1);
    const conversationIds = (await reopened.conversations()).map((c) => c.id);
    expect(conversationIds).toEqual([1, 2, 3, 4]);
    await reopened.close();
  });

  it('keeps timelines (held in memory as their JSON text) through full snapshots, deltas and restarts, and reads each as a new object', async () => {
    const dir = await tempDirs.make();
    // A small journal, so the commits below are compacted: full snapshots first, then deltas.
    const store = await openIn(dir, { compactAfterBytes: 2_000 });
    // Documents that do not change, so that most compactions write a delta rather than the whole snapshot.
    await store.transaction('teams', async (tx) => {
      for (let n = 0; n < 60; n++) tx.putDoc('teams', `team-${n}`, { name: `Team ${n}` });
    });
    const moment = (n: number) => ({ at: `2026-12-05T04:0${n % 10}:00.000Z`, type: 'assigned', by: { kind: 'admin', name: 'Nadia «ن»' }, detail: `to omar ${n}`, ['__proto__']: { odd: true } });
    for (let n = 1; n <= 40; n++) {
      await store.transaction(`c${n}`, async (tx) => {
        const before = (await tx.doc<unknown[]>('timelines', String(n % 7))) ?? [];
        tx.putDoc('timelines', String(n % 7), [...before, moment(n)]);
        tx.putDoc('agents', 'omar', { open: [n] });
      });
    }
    await store.transaction('gone', async (tx) => tx.deleteDoc('timelines', '3'));
    const read = await store.doc<Record<string, unknown>[]>('timelines', '1');
    expect(read).toHaveLength(6);
    expect(Object.keys(read?.[0] ?? {})).toEqual(['at', 'type', 'by', 'detail', '__proto__']);
    // A read is the caller's own: changing it changes nothing stored.
    (read as Record<string, unknown>[]).push({ type: 'mine' });
    expect(await store.doc<unknown[]>('timelines', '1')).toHaveLength(6);
    const before = await dump(store, ['timelines', 'agents']);
    await store.close();
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['state.json', 'state-delta.json']));

    const reopened = await openIn(dir, { compactAfterBytes: 2_000 });
    expect(await dump(reopened, ['timelines', 'agents'])).toEqual(before);
    expect(await reopened.doc('timelines', '3')).toBeUndefined();
    expect((await reopened.docs<unknown[]>('timelines')).get('6')).toEqual([moment(6), moment(13), moment(20), moment(27), moment(34)]);
    await reopened.close();
  });

  it('gives message ids in commit order that never change', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, n) => store.transaction(`k${n % 4}`, async (tx) => tx.addMessage(inbound('c', 1, `m${n}`)))));
    const stored = await store.messagesOfContact('c');
    expect(stored.map((message) => message.id)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    await store.close();
    const reopened = await openStore({ dir });
    const byText = new Map((await reopened.messagesOfContact('c')).map((message) => [message.channelMessageId, message.id]));
    for (const message of stored) expect(byText.get(message.channelMessageId)).toBe(message.id);
    await reopened.close();
  });
});

describe('ordering', () => {
  it('runs 50 transactions on one key one at a time, in call order', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const events: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        store.transaction('one', async (tx) => {
          events.push(`start ${n}`);
          await delay(n % 3);
          tx.putDoc('order', String(n), n);
          events.push(`end ${n}`);
        }),
      ),
    );
    expect(events).toEqual(Array.from({ length: 50 }, (_, n) => [`start ${n}`, `end ${n}`]).flat());
    await store.close();
  });

  it('runs transactions on different keys at the same time', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    let running = 0;
    let most = 0;
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((key) =>
        store.transaction(key, async (tx) => {
          running += 1;
          most = Math.max(most, running);
          await delay(20);
          tx.putDoc('keys', key, true);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(4);
    await store.close();
  });

  it('holds a key until its commit is durable, so the next transaction on it reads the commit', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const counts = await Promise.all(
      Array.from({ length: 30 }, () =>
        store.transaction('counter', async (tx) => {
          const count = ((await tx.doc<number>('counters', 'n')) ?? 0) + 1;
          tx.putDoc('counters', 'n', count);
          return count;
        }),
      ),
    );
    expect(counts).toEqual(Array.from({ length: 30 }, (_, n) => n + 1));
    await store.close();
  });
});

describe('atomic commits', () => {
  it('keeps no trace of a transaction whose work throws', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-1'));
    const before = await dump(store, ['notes']);
    const failure = store.transaction('ann', async (tx) => {
      await handleMessage(tx, 'ann', 'ann-2');
      tx.putDoc('notes', 'x', 'never');
      throw new Error('flow step crashed');
    });
    await expect(failure).rejects.toThrow('flow step crashed');
    expect(await dump(store, ['notes'])).toEqual(before);
    expect(await store.transaction('ann', (tx) => tx.hasInbound('webchat', 'ann-2'))).toBe(false);
    await store.close();
    const reopened = await openStore({ dir });
    expect(await dump(reopened, ['notes'])).toEqual(before);
    await reopened.close();
  });

  it('refuses a second open conversation for a contact with ConflictError and keeps nothing of that transaction', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('ann', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(await tx.newConversationId(), 'ann'));
    });
    const before = await dump(store, ['notes']);
    const second = store.transaction(
      'ann',
      async (tx) => {
        tx.putConversation(conversation(await tx.newConversationId(), 'ann'));
        tx.addMessage(inbound('ann', 2, 'lost'));
        tx.putDoc('notes', 'n', 1);
      },
      { attempts: 1 },
    );
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toThrow('contact ann already has open conversation #1');
    expect(await dump(store, ['notes'])).toEqual(before);

    // Closing the first one in the same transaction makes the second one allowed.
    await store.transaction('ann', async (tx) => {
      tx.putConversation({ ...conversation(1, 'ann'), status: 'closed' });
      tx.putConversation(conversation(await tx.newConversationId(), 'ann'));
    });
    expect((await store.conversations()).map((c) => [c.id, c.status])).toEqual([[1, 'closed'], [3, 'open']]);
    await store.close();
  });

  it('lets only one of two concurrent transactions on different keys open a conversation for the same contact', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('setup', async (tx) => tx.putContact(contact('ann')));
    let arrived = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const attempt = (key: string): Promise<number> =>
      store.transaction(
        key,
        async (tx) => {
          expect(await tx.openConversationOf('ann')).toBeUndefined();
          if (++arrived === 2) bothRead();
          await barrier;
          const id = await tx.newConversationId();
          tx.putConversation(conversation(id, 'ann'));
          tx.addMessage(inbound('ann', id, `from ${key}`));
          tx.putDoc('notes', key, 'written');
          return id;
        },
        { attempts: 1 },
      );
    const results = await Promise.allSettled([attempt('webchat:ann'), attempt('telegram:ann')]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const keptOnly = async (view: Store): Promise<void> => {
      expect((await view.conversations()).filter((c) => c.status === 'open')).toHaveLength(1);
      expect(await view.messagesOfContact('ann')).toHaveLength(1);
      expect((await view.docs('notes')).size).toBe(1);
    };
    await keptOnly(store);
    await store.close();
    const reopened = await openStore({ dir });
    await keptOnly(reopened);
    await reopened.close();
  });

  it('refuses to give an identity that belongs to one contact to another', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('a', async (tx) => tx.putContact(contact('ann', 'telegram', '42')));
    await expect(store.transaction('b', async (tx) => tx.putContact(contact('bob', 'telegram', '42')), { attempts: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    // Moving it in one transaction is fine.
    await store.transaction('a', async (tx) => {
      tx.putContact({ ...contact('ann'), identities: [] });
      tx.putContact(contact('bob', 'telegram', '42'));
    });
    expect((await store.contactByIdentity('telegram', '42'))?.id).toBe('bob');
    await store.close();
  });

  it('shows a transaction its own writes and hides them from everyone else until commit', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('ann', async (tx) => {
      tx.putContact(contact('ann', 'webchat', 's1'));
      tx.putConversation(conversation(7, 'ann'));
      tx.addMessage(inbound('ann', 7, 'w1'));
      tx.putDoc('d', 'k', { v: 1 });
      expect((await tx.contactByIdentity('webchat', 's1'))?.id).toBe('ann');
      expect((await tx.openConversationOf('ann'))?.id).toBe(7);
      expect((await tx.latestConversationOf('ann'))?.id).toBe(7);
      expect(await tx.hasInbound('webchat', 'w1')).toBe(true);
      expect(await tx.doc('d', 'k')).toEqual({ v: 1 });
      expect(await store.contact('ann')).toBeUndefined();
      expect(await store.doc('d', 'k')).toBeUndefined();
      tx.deleteDoc('d', 'k');
      expect(await tx.doc('d', 'k')).toBeUndefined();
    });
    await store.transaction('ann', async (tx) => {
      tx.putConversation({ ...conversation(7, 'ann'), status: 'closed' });
      expect(await tx.openConversationOf('ann')).toBeUndefined();
      expect((await tx.latestConversationOf('ann'))?.status).toBe('closed');
      expect((await tx.recentMessages(7, 5)).map((m) => m.channelMessageId)).toEqual(['w1']);
    });
    expect(await store.contact('ann')).toMatchObject({ id: 'ann' });
    await store.close();
  });

  it('hands out copies, so callers cannot change stored data behind its back', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const mine = contact('ann');
    await store.transaction('ann', async (tx) => {
      tx.putContact(mine);
      // The transaction's live object until its work returns: these changes are committed.
      mine.name = 'changed after put';
      const read = await tx.contact('ann');
      if (read) read.tags.push('changed in a read');
    });
    mine.name = 'changed after the commit';
    const read = await store.contact('ann');
    expect(read).toMatchObject({ name: 'changed after put', tags: ['changed in a read'] });
    if (read) read.name = 'changed outside';
    expect((await store.contact('ann'))?.name).toBe('changed after put');
    await store.close();
  });

  it('refuses to let a tx be used after its work returned', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const leaked = await store.transaction('k', async (tx) => tx);
    expect(() => leaked.putDoc('d', 'k', 1)).toThrow('this transaction has ended');
    await store.close();
  });
});

describe('outbound delivery', () => {
  it('lists pending outbound messages and records sent and failed outcomes durably', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-1'));
    const [, first, second] = await storedMessages(store, 'ann', 'ann-1');
    expect((await store.pendingOutbound()).map((m) => m.id)).toEqual([first?.id, second?.id]);
    await store.markDelivery(first?.id ?? 0, { error: 'timeout' });
    await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-9' });
    await store.markDelivery(second?.id ?? 0, { error: 'blocked by user' });
    await expect(store.markDelivery(999, { channelMessageId: 'x' })).rejects.toThrow('message 999 does not exist');
    expect(await store.pendingOutbound()).toEqual([]);
    await store.close();

    const reopened = await openStore({ dir });
    const messages = await reopened.messagesOfContact((await reopened.contactByIdentity('webchat', 'ann'))?.id ?? '');
    expect(messages.map((m) => [m.status, m.channelMessageId, m.error])).toEqual([
      [undefined, 'ann-1', undefined],
      ['sent', 'wire-9', undefined],
      ['failed', undefined, 'blocked by user'],
    ]);
    await reopened.close();
  });

  it('claims in its commit the first reply of a transaction that asks it to, per idle address, and hands it out at the next claim', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    const journalLines = async (): Promise<number> => (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
    await store.transaction('ann', async (tx) => {
      tx.addMessage(outbound('ann', 1, 'ann #1'));
      tx.addMessage(outbound('ann', 1, 'ann #2'));
      tx.addMessage(outbound('bob', 2, 'bob #1'));
    }, { claim: true });
    const statuses = async (): Promise<unknown[]> =>
      [...(await store.messagesOfAddress('webchat', 'ann')), ...(await store.messagesOfAddress('webchat', 'bob'))].map((m) => [m.text, m.status]);
    expect(await statuses()).toEqual([['ann #1', 'sending'], ['ann #2', 'pending'], ['bob #1', 'sending']]);
    // A later reply to an address with one sending waits its turn.
    await store.transaction('bob', async (tx) => tx.addMessage(outbound('bob', 2, 'bob #2')), { claim: true });
    const lines = await journalLines();
    const claimed = await store.claimOutbound(10);
    expect(claimed.map((m) => [m.text, m.status])).toEqual([['ann #1', 'sending'], ['bob #1', 'sending']]);
    // Claimed with their commit: handing them out wrote nothing.
    expect(await journalLines()).toBe(lines);
    expect(await store.claimOutbound(10)).toEqual([]);
    await store.markDelivery(claimed[0]?.id ?? 0, { channelMessageId: 'wire-ann-1' });
    expect((await store.claimOutbound(10)).map((m) => m.text)).toEqual(['ann #2']);
    // An outcome recorded with claimNext claims the address's next message in the same line.
    await store.markDelivery(claimed[1]?.id ?? 0, { error: 'blocked' }, { claimNext: true });
    expect(await statuses()).toEqual([['ann #1', 'sent'], ['ann #2', 'sending'], ['bob #1', 'failed'], ['bob #2', 'sending']]);
    const afterOutcome = await journalLines();
    expect((await store.claimOutbound(10)).map((m) => [m.text, m.status])).toEqual([['bob #2', 'sending']]);
    expect(await journalLines()).toBe(afterOutcome);
    await store.close();
  });

  it('puts replies claimed in their commit and never handed out back to pending at close, and in doubt after a crash', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    await store.transaction('ann', async (tx) => tx.addMessage(outbound('ann', 1, 'ann #1')), { claim: true });
    // A kill -9 now: the files as they are, the claim durable with its commit.
    const crashed = await tempDirs.make();
    for (const file of ['journal.jsonl', 'state.json', 'messages.jsonl']) await cp(join(dir, file), join(crashed, file)).catch(() => {});
    await store.close();

    const restarted = await openStore({ dir });
    expect(await restarted.outboundInDoubt()).toEqual([]);
    expect((await restarted.pendingOutbound()).map((m) => m.text)).toEqual(['ann #1']);
    await restarted.close();

    const afterCrash = await openStore({ dir: crashed });
    expect((await afterCrash.outboundInDoubt()).map((m) => [m.text, m.status])).toEqual([['ann #1', 'sending']]);
    await afterCrash.close();
  });

  it('pages a contact\'s messages with after and limit', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    for (let n = 1; n <= 4; n++) await store.transaction('ann', async (tx) => tx.addMessage(inbound('ann', 1, `m${n}`)));
    await store.transaction('bob', async (tx) => tx.addMessage(inbound('bob', 2, 'other')));
    expect((await store.messagesOfContact('ann', 1, 2)).map((m) => m.id)).toEqual([2, 3]);
    expect((await store.messagesOfContact('ann', 3)).map((m) => m.id)).toEqual([4]);
    expect(await store.messagesOfContact('ann', 4)).toEqual([]);
    await store.close();
  });
});

describe('recovery', () => {
  it('drops a torn last journal line on open and keeps working', async () => {
    const dir = await tempDirs.make();
    const logs: string[] = [];
    const store = await openStore({ dir });
    for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    const before = await dump(store);
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const size = (await stat(journal)).size;
    await appendFile(journal, '{"s":4,"r":[{"message":{"id":10,"contactId":"ann","te');

    const reopened = await openStore({ dir, log: (_level, msg) => logs.push(msg) });
    expect(await dump(reopened)).toEqual(before);
    expect((await stat(journal)).size).toBe(size);
    expect(logs.some((msg) => msg.includes('unfinished last line'))).toBe(true);
    await reopened.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-4'));
    await reopened.close();
    const again = await openStore({ dir });
    expect(await again.messageCount()).toBe(12);
    await again.close();
  });

  it('opens after a power cut left the unsynced end of the journal as NUL bytes, its last newline written', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    const before = await dump(store);
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const size = (await stat(journal)).size;
    // A batch of two lines written, never synced: ext4 kept the file's new size and the page holding its end, not the
    // pages before it, which read as zeros.
    const lines = (await readFile(journal, 'utf8')).split('\n');
    const batch = Buffer.from([4, 5, 6, 7, 8, 9].map((seq) => `${lines[2]?.replace('"s":3', `"s":${seq}`)}\n`).join(''));
    const blockEnd = Math.ceil((size + 30) / 4096) * 4096 - size;
    expect(blockEnd).toBeLessThan(batch.length - 100);
    batch.fill(0, 30, blockEnd);
    await appendFile(journal, batch);
    const logs: { msg: string; fields: unknown }[] = [];

    // Before: "journal.jsonl:4: not valid JSON ... restore the file from a backup, or repair or remove that line by hand".
    const reopened = await openStore({ dir, log: (_level, msg, fields) => logs.push({ msg, fields }) });
    expect(await dump(reopened)).toEqual(before);
    expect((await stat(journal)).size).toBe(size);
    expect(logs).toContainEqual({ msg: expect.stringContaining('power cut left unwritten'), fields: { file: journal, fromLine: 4, bytes: batch.length } });
    await reopened.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-4'));
    await reopened.close();
    const again = await openStore({ dir });
    expect(await again.messageCount()).toBe(12);
    await again.close();
  });

  it('refuses a journal line damaged by NUL bytes that are not whole disk blocks (what was synced, damaged)', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const text = Buffer.from(await readFile(journal));
    text.fill(0, 20, 60);
    await writeFile(journal, text);
    await expect(openStore({ dir })).rejects.toThrow(`${journal}:1: not valid JSON`);
  });

  it('refuses to open on a journal line of valid JSON that is not a record it writes, naming the file, line and what is missing', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const lines = await readFile(journal, 'utf8');
    // Before: the store opened with a conversation of no id among the open ones (the dashboard's list and the sweep
    // then hung the server, which no longer stopped on SIGTERM), and a message of id "x" counted.
    for (const [record, problem] of [
      ['{"conversation":{"status":"open"}}', 'a conversation without its id, contactId or status'],
      ['{"message":{"id":"x","text":"hi"}}', 'a message without a whole-number id'],
    ]) {
      await writeFile(journal, `${lines}{"s":4,"r":[${record}]}\n`);
      await expect(openStore({ dir })).rejects.toThrow(`${journal}:4: not a record the store writes: ${problem}. The store refuses to open`);
    }
  });

  it('reads back a journal larger than its read chunks, with lines longer than a chunk', async () => {
    const dir = await tempDirs.make();
    const store = await openIn(dir, { fsync: false });
    await store.transaction('big', async (tx) => tx.putDoc('blobs', 'big', 'x'.repeat(3_000_000)));
    const customer = async (k: number): Promise<void> => {
      for (let n = 0; n < 50; n++) await store.transaction(`k${k}`, (tx) => handleMessage(tx, `k${k}`, `k${k}-${n}`));
    };
    await Promise.all(Array.from({ length: 20 }, (_, k) => customer(k)));
    const before = await dump(store, ['blobs']);
    await store.close();
    expect((await stat(join(dir, 'journal.jsonl'))).size).toBeGreaterThan(4_000_000);
    const reopened = await openIn(dir);
    expect(await dump(reopened, ['blobs'])).toEqual(before);
    await reopened.close();
  });

  it('refuses to open when a journal line in the middle is corrupt, naming the file and line', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[1] = lines[1]?.slice(0, 40) ?? '';
    await writeFile(journal, lines.join('\n'));

    const attempt = openStore({ dir });
    await expect(attempt).rejects.toBeInstanceOf(CorruptStoreError);
    await expect(attempt).rejects.toThrow(`${journal}:2: not valid JSON`);
    // The failed open released the lock: the next attempt reports the same corruption, not a lock.
    await expect(openStore({ dir })).rejects.toThrow(`${journal}:2`);
  });

  it('refuses to open when state.json is not valid JSON, naming the file and line', async () => {
    const dir = await tempDirs.make();
    await writeFile(join(dir, 'state.json'), '{\n  "version": 1,\n  "seq": 0,,\n}');
    await expect(openStore({ dir })).rejects.toThrow(`${join(dir, 'state.json')}:3: not valid JSON`);
  });
});

describe('compaction', () => {
  it('folds the journal into state.json and the messages archive, and keeps everything across restarts', async () => {
    const dir = await tempDirs.make();
    const logs: string[] = [];
    const store = await openStore({ dir, compactAfterBytes: 4096, log: (_level, msg) => logs.push(msg) });
    const sent: number[] = [];
    const compactions = () => logs.filter((msg) => msg === 'store compacted').length;
    await Promise.all(
      Array.from({ length: 10 }, async (_, who) => {
        for (let n = 0; n < 12; n++) {
          // Halfway, every customer waits for a compaction to end: the second half's commits pass 4 KiB again.
          while (n === 6 && compactions() === 0) await new Promise((resolve) => setTimeout(resolve, 2));
          await store.transaction(`c${who}`, async (tx) => {
            tx.putDoc('progress', `c${who}`, n);
            return handleMessage(tx, `c${who}`, `c${who}-${n}`);
          });
          const [, reply] = await storedMessages(store, `c${who}`, `c${who}-${n}`);
          if (n % 3 === 0 && reply) {
            await store.markDelivery(reply.id, { channelMessageId: `wire-${reply.id}` });
            sent.push(reply.id);
          }
        }
      }),
    );
    const before = await dump(store, ['progress']);
    await store.close();
    // One compaction at a time, in the background while the commits go on: the journal passes 4 KiB several times.
    expect(compactions()).toBeGreaterThanOrEqual(2);

    const state = await readFile(join(dir, 'state.json'), 'utf8');
    expect(state).not.toContain('text of');
    // What the last compaction captured; the commits made while it ran are in the journal (checked by reopening).
    expect(JSON.parse(state)).toMatchObject({ version: 2 });
    expect(JSON.parse(state).counters.message).toBeGreaterThan(100);
    // The journal holds only what followed the last compaction's start: fewer lines than the 160 commits made.
    const journalLines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
    expect(journalLines.length).toBeLessThan(120);
    // (Empty when the last batch started the last compaction.)
    for (const line of journalLines) expect(JSON.parse(line).s).toBeGreaterThan(JSON.parse(state).seq);
    const archived = (await readFile(join(dir, 'messages.jsonl'), 'utf8')).trim().split('\n');
    expect(archived.length).toBeGreaterThan(100);

    const reopened = await openStore({ dir, compactAfterBytes: 4096 });
    expect(await dump(reopened, ['progress'])).toEqual(before);
    const pendingIds = new Set((await reopened.pendingOutbound()).map((m) => m.id));
    for (const id of sent) expect(pendingIds.has(id)).toBe(false);
    await reopened.transaction('c0', (tx) => handleMessage(tx, 'c0', 'c0-new'));
    expect(await reopened.messageCount()).toBe(363);
    await reopened.close();
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'messages.jsonl', 'state.json']);
  });
});

describe('compaction in the background', () => {
  it('acknowledges commits while a compaction runs, and the store reopens with all of them', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir, compactAfterBytes: 2048 });
    const oldJournal = join(dir, 'journal.old.jsonl');
    let duringCompaction = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, who) => {
        for (let n = 0; n < 20; n++) {
          await store.transaction(`c${who}`, (tx) => handleMessage(tx, `c${who}`, `c${who}-${n}`));
          if (existsSync(oldJournal)) duringCompaction++;
        }
      }),
    );
    const before = await dump(store);
    await store.close();
    // Before, every commit waited for the compaction under way: none was acknowledged while it ran.
    expect(duringCompaction).toBeGreaterThan(0);
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'messages.jsonl', 'state.json']);
    const reopened = await openStore({ dir });
    expect(await dump(reopened)).toEqual(before);
    expect(await reopened.messageCount()).toBe(600);
    await reopened.close();
  });

  it('finishes at the next open a compaction that a crash cut short, with the lines of both journals', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    for (let n = 0; n < 6; n++) await store.transaction('c1', (tx) => handleMessage(tx, 'c1', `m${n}`));
    const before = await dump(store);
    await store.close();
    // As a crash leaves it: the journal renamed aside for a compaction, and a new journal with what followed.
    const lines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter((line) => line !== '');
    await writeFile(join(dir, 'journal.old.jsonl'), `${lines.slice(0, 4).join('\n')}\n`);
    await writeFile(join(dir, 'journal.jsonl'), `${lines.slice(4).join('\n')}\n`);

    const reopened = await openStore({ dir });
    expect(await dump(reopened)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(['LOCK', 'journal.jsonl', 'messages.jsonl', 'state.json']);
    await reopened.transaction('c1', (tx) => handleMessage(tx, 'c1', 'm6'));
    await reopened.close();
    const again = await openStore({ dir });
    expect(await again.messageCount()).toBe(21);
    await again.close();
  });
  it("writes a new journal's first batch while its directory is being synced, and acknowledges it only after", async () => {
    const dir = await tempDirs.make();
    const store = await openIn(dir, { compactAfterBytes: 2048 });
    const oldJournal = join(dir, 'journal.old.jsonl');
    // The sync of the directory right after the journal is renamed aside waits until the test lets it go.
    const probe = await openFile(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = prototype.sync;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    let hold = () => {};
    const holding = new Promise<void>((resolve) => (hold = resolve));
    vi.spyOn(prototype, 'sync').mockImplementation(async function (this: unknown) {
      if (!held && existsSync(oldJournal)) {
        held = true;
        hold();
        await released;
      }
      return await sync.call(this);
    });
    // Ann writes until the journal passes 2 KiB and is renamed aside (her last commit may land in the new journal).
    let n = 0;
    const ann: Promise<unknown>[] = [];
    while (!held) {
      ann.push(store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n++}`)));
      await Promise.race([ann.at(-1), holding]);
    }
    let acknowledged = false;
    const bob = store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1')).then(() => (acknowledged = true));
    // Bob's commit reaches the new journal and its sync while the directory's is still under way...
    await vi.waitFor(async () => expect(await readFile(join(dir, 'journal.jsonl'), 'utf8')).toContain('bob-1'), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // ...but is not acknowledged before the new journal's name is durable too.
    expect(acknowledged).toBe(false);
    release();
    await bob;
    await Promise.all(ann);
    await store.close();
    const reopened = await openStore({ dir });
    expect(await reopened.messagesOfAddress('webchat', 'bob')).toHaveLength(3);
    expect(await reopened.messageCount()).toBe(3 * (n + 1));
    expect(await reopened.messagesOfAddress('webchat', 'ann')).toHaveLength(3 * n);
    await reopened.close();
  });
});

describe('history on disk', () => {
  it('keeps archived messages out of memory, reads them back whole, and still refuses their inbound ids again', async () => {
    const dir = await tempDirs.make();
    const opened: { messages?: number; inMemory?: number }[] = [];
    const store = await openStore({ dir, compactAfterBytes: 2048, recentMessages: 0 });
    for (let n = 0; n < 40; n++) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    const [, reply] = await storedMessages(store, 'ann', 'ann-0');
    await store.markDelivery(reply?.id ?? 0, { channelMessageId: 'wire-old' });
    await store.recordDelivery(reply?.id ?? 0, 'read');
    const before = await store.messagesOfAddress('webchat', 'ann');
    expect(before).toHaveLength(120);
    await store.close();

    const reopened = await openStore({ dir, compactAfterBytes: 2048, recentMessages: 0, log: (_level, msg, extra) => msg === 'store opened' && opened.push(extra as never) });
    // Everything settled was archived; the pending replies wait in memory to be sent.
    expect(opened[0]).toMatchObject({ messages: 120 });
    expect(opened[0]?.inMemory).toBeLessThan(120);
    expect(await reopened.messagesOfAddress('webchat', 'ann')).toEqual(before);
    expect(await reopened.messageByChannelId('webchat', 'wire-old')).toMatchObject({ id: reply?.id, status: 'sent', delivery: 'read' });
    expect(await reopened.lastInboundAt('webchat', 'ann')).toBe(before.at(-3)?.at);
    const again = await reopened.transaction('ann', async (tx) => {
      const seen = await tx.hasInbound('webchat', 'ann-0');
      if (!seen) tx.addMessage({ ...before[0]!, id: undefined } as never);
      return seen;
    });
    expect(again).toBe(true);
    // An archived message changed later is read back, changed, and found by its new channel id after a restart.
    await reopened.markDelivery(reply?.id ?? 0, { channelMessageId: 'wire-new' });
    await reopened.close();
    const third = await openStore({ dir });
    expect(await third.messageByChannelId('webchat', 'wire-new')).toMatchObject({ id: reply?.id, text: reply?.text });
    expect(await third.messageByChannelId('webchat', 'wire-old')).toBeUndefined();
    expect(await third.messageCount()).toBe(120);
    await third.close();
  });

  it('lists the history read back at open and the messages after it as one, by contact, conversation and address', async () => {
    // The lists of message ids read back at open are packed together; a contact who writes again gets theirs back.
    const dir = await tempDirs.make();
    const store = await openStore({ dir, compactAfterBytes: 2048, recentMessages: 0 });
    for (let n = 0; n < 10; n++) {
      await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
      await store.transaction('bob', (tx) => handleMessage(tx, 'bob', `bob-${n}`));
    }
    await store.close();

    const reopened = await openStore({ dir, compactAfterBytes: 2048, recentMessages: 0 });
    for (let n = 10; n < 13; n++) await reopened.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    const ann = await reopened.contactByIdentity('webchat', 'ann');
    const byAddress = await reopened.messagesOfAddress('webchat', 'ann');
    expect(byAddress.filter((message) => message.direction === 'in').map((message) => message.text)).toEqual(
      Array.from({ length: 13 }, (_, n) => `text of ann-${n}`),
    );
    expect(byAddress.map((message) => message.id)).toEqual([...byAddress.map((message) => message.id)].sort((a, b) => a - b));
    expect(await reopened.messagesOfContact(ann?.id ?? '')).toEqual(byAddress);
    expect((await reopened.messagesOfContact(ann?.id ?? '', byAddress[20]?.id, 5)).map((message) => message.id)).toEqual(
      byAddress.slice(21, 26).map((message) => message.id),
    );
    const [conversationId] = new Set(byAddress.map((message) => message.conversationId));
    expect(await reopened.messagesOfConversation(conversationId ?? 0)).toEqual(byAddress.filter((message) => message.conversationId === conversationId));
    // Erased after the restart: nothing of theirs is listed any more, and the other contact's history is whole.
    const bob = await reopened.messagesOfAddress('webchat', 'bob');
    expect(bob).toHaveLength(30);
    expect(await reopened.eraseContact(ann?.id ?? '')).toMatchObject({ messages: 39 });
    expect(await reopened.messagesOfAddress('webchat', 'ann')).toEqual([]);
    expect(await reopened.messagesOfContact(ann?.id ?? '')).toEqual([]);
    expect(await reopened.messagesOfAddress('webchat', 'bob')).toEqual(bob);
    await reopened.close();
  });
});

describe('erasing with history on disk', () => {
  it('erases a contact whose messages are archived, and keeps every other archived message readable, also after a restart', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir, compactAfterBytes: 2048, recentMessages: 0 });
    for (let n = 0; n < 15; n++) {
      await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
      await store.transaction('bob', (tx) => handleMessage(tx, 'bob', `bob-${n}`));
    }
    const bob = await store.messagesOfAddress('webchat', 'bob');
    const ann = await store.contactByIdentity('webchat', 'ann');
    expect(await store.eraseContact(ann?.id ?? '')).toMatchObject({ messages: 45 });
    expect(await store.messagesOfAddress('webchat', 'bob')).toEqual(bob);
    expect(await store.messageByChannelId('webchat', 'ann-3')).toBeUndefined();
    expect(await store.messageCount()).toBe(45);
    await store.close();
    expect(await readFile(join(dir, 'messages.jsonl'), 'utf8')).not.toContain('ann-');
    const reopened = await openStore({ dir, recentMessages: 0 });
    expect(await reopened.messagesOfAddress('webchat', 'bob')).toEqual(bob);
    expect(await reopened.messageCount()).toBe(45);
    await reopened.close();
  });
});

describe('compaction crash safety', () => {
  it('recovers the same state after a crash between any two compaction steps', async () => {
    // A store with an archive, a snapshot, and journal lines the snapshot does not include.
    const base = await tempDirs.make();
    const early = await openIn(base, { compactAfterBytes: 1 });
    for (const n of [1, 2, 3]) await early.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    await early.close();
    const late = await openIn(base);
    for (const n of [4, 5]) await late.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
    await late.close();

    const commit = (store: Store): Promise<void> =>
      store.transaction('xena', async (tx) => {
        tx.putContact(contact('xena'));
        tx.putConversation(conversation(100, 'xena'));
        tx.addMessage(inbound('xena', 100, 'x-1'));
        tx.putDoc('d', 'x', 1);
      });
    const copyOfBase = async (): Promise<string> => {
      const dir = await tempDirs.make();
      await cp(base, dir, { recursive: true });
      return dir;
    };
    const read = (dir: string, name: string): Promise<Buffer> => readFile(join(dir, name));

    // The same commit twice: once only journaled, once journaled and then compacted.
    const journaled = await copyOfBase();
    const plain = await openIn(journaled);
    await commit(plain);
    const expected = await dump(plain, ['d']);
    await plain.close();
    const compacted = await copyOfBase();
    const folding = await openIn(compacted, { compactAfterBytes: 1 });
    await commit(folding);
    await folding.close();

    const oldArchive = await read(base, 'messages.jsonl');
    const newArchive = await read(compacted, 'messages.jsonl');
    const tornArchive = newArchive.subarray(0, oldArchive.length + Math.floor((newArchive.length - oldArchive.length) / 2));
    const crashes: Record<string, Record<string, Buffer>> = {
      'while appending to the archive': {
        'messages.jsonl': tornArchive,
        'state.json': await read(base, 'state.json'),
        'journal.jsonl': await read(journaled, 'journal.jsonl'),
      },
      'after the archive, before the snapshot': {
        'messages.jsonl': newArchive,
        'state.json': await read(base, 'state.json'),
        'journal.jsonl': await read(journaled, 'journal.jsonl'),
      },
      'after the snapshot, before the journal is emptied': {
        'messages.jsonl': newArchive,
        'state.json': await read(compacted, 'state.json'),
        'journal.jsonl': await read(journaled, 'journal.jsonl'),
      },
      'after the journal is emptied': {
        'messages.jsonl': newArchive,
        'state.json': await read(compacted, 'state.json'),
        'journal.jsonl': await read(compacted, 'journal.jsonl'),
      },
    };
    for (const [moment, files] of Object.entries(crashes)) {
      const dir = await tempDirs.make();
      for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
      const recovered = await openIn(dir);
      expect(await dump(recovered, ['d']), moment).toEqual(expected);
      await recovered.close();
    }
  });
});

describe('snapshot deltas', () => {
  /** A store of `count` contacts, each with a conversation, one message and a doc, snapshotted whole. */
  async function history(count: number): Promise<string> {
    const dir = await tempDirs.make();
    const store = await openIn(dir);
    for (let n = 0; n < count; n++) {
      await store.transaction(`c${n}`, async (tx) => {
        await handleMessage(tx, `c${n}`, `c${n}-1`);
        tx.putDoc('notes', `c${n}`, { n });
      });
    }
    await store.close();
    // Opened once more to compact at the first commit, which writes the whole snapshot (nothing on disk yet).
    const compacting = await openIn(dir, { compactAfterBytes: 1 });
    await compacting.transaction('docs', async (tx) => tx.putDoc('notes', 'first', 0));
    await compacting.close();
    return dir;
  }

  /** Changes contact `who` (found by address), its conversation, and adds a message: the same records on every run. */
  const touch = (store: Store, who: string, version: number): Promise<void> =>
    store.transaction(who, async (tx) => {
      const known = await tx.contactByIdentity('webchat', who);
      const open = known && (await tx.openConversationOf(known.id));
      if (!known || !open) throw new Error(`no contact ${who} with an open conversation`);
      known.fields = { ...known.fields, version };
      open.fields = { ...open.fields, version };
      tx.putContact(known);
      tx.putConversation(open);
      tx.addMessage(inbound(known.id, open.id, `${who}-v${version}`, `version ${version}`, who));
    });

  /** The kind of each compaction logged ('full' or 'delta of N'), and `compacted(work)`: the work, then its compaction. */
  const compactions = () => {
    const kinds: string[] = [];
    const log = (_level: string, msg: string, extra?: object): void => {
      if (msg === 'store compacted') kinds.push(String((extra as { snapshot: string }).snapshot));
    };
    const compacted = async (work: () => Promise<unknown>): Promise<void> => {
      const before = kinds.length;
      await work();
      await vi.waitFor(() => expect(kinds.length).toBe(before + 1), { timeout: 10_000 });
    };
    return { kinds, log, compacted };
  };

  it('writes only what changed since the snapshot, until the deltas add up to a whole one, and recovers the same state', async () => {
    const dir = await history(20);
    const snapshot = await readFile(join(dir, 'state.json'), 'utf8');
    const { log, kinds, compacted } = compactions();
    const store = await openIn(dir, { compactAfterBytes: 1, log });
    await compacted(() => touch(store, 'c3', 2));
    await compacted(() =>
      store.transaction('docs', async (tx) => {
        tx.deleteDoc('notes', 'c4');
        tx.putDoc('notes', 'new', { added: true });
      }),
    );
    const withDelta = await dump(store, ['notes']);
    await store.close();
    // The contact and conversation of c3, then also the two notes: state.json untouched, beside a delta.
    expect(kinds).toEqual(['delta of 2', 'delta of 4']);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(snapshot);
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl', 'messages.jsonl', 'state-delta.json', 'state.json']);

    const reopened = await openIn(dir, { compactAfterBytes: 1, log });
    expect(await dump(reopened, ['notes'])).toEqual(withDelta);
    expect(await reopened.doc('notes', 'c4')).toBeUndefined();
    // 61 records: 20 contacts, 20 conversations, 21 notes.
    for (let n = 5; n < 20; n++) await compacted(() => touch(reopened, `c${n}`, 2));
    const final = await dump(reopened, ['notes']);
    await reopened.close();
    // Each delta holds every change since the snapshot: a full one comes when the next delta (2 + 4 + ... + 14 = 56
    // written, 16 more) would add up to the 61 records a full snapshot holds.
    const cycle = [2, 4, 6, 8, 10, 12, 14].map((n) => `delta of ${n}`);
    expect(kinds).toEqual([...cycle, 'full', ...cycle, 'full', 'delta of 2']);
    const third = await openIn(dir);
    expect(await dump(third, ['notes'])).toEqual(final);
    expect(await third.messageCount()).toBe(20 * 3 + 16);
    await third.close();
  });

  it('recovers the same state after a crash anywhere around a delta or the full snapshot that replaces it', async () => {
    const base = await history(6);
    const copyOf = async (dir: string): Promise<string> => {
      const copy = await tempDirs.make();
      await cp(dir, copy, { recursive: true });
      return copy;
    };
    const read = (dir: string, name: string): Promise<Buffer> => readFile(join(dir, name));
    const { log, kinds, compacted } = compactions();
    // A delta (c1 changed), then, from there, changes (c1 changed again) whose last compaction writes a full snapshot.
    const afterDelta = await copyOf(base);
    const first = await openIn(afterDelta, { compactAfterBytes: 1, log });
    await compacted(() => touch(first, 'c1', 2));
    await first.close();
    expect(kinds).toEqual(['delta of 2']);
    const later = async (store: Store, step = (work: () => Promise<unknown>) => work()): Promise<void> => {
      for (const n of [1, 2, 3, 4]) await step(() => touch(store, `c${n}`, 3));
    };
    const journaled = await copyOf(afterDelta);
    const plain = await openIn(journaled);
    await later(plain);
    const expected = await dump(plain, ['notes']);
    await plain.close();
    const folded = await copyOf(afterDelta);
    const folding = await openIn(folded, { compactAfterBytes: 1, log });
    await later(folding, compacted);
    await folding.close();
    // 19 records; the delta read at open counts as written: 2, then deltas of 2, 4 and 6, and 8 more would reach 19.
    expect(kinds).toEqual(['delta of 2', 'delta of 2', 'delta of 4', 'delta of 6', 'full']);
    expect(existsSync(join(folded, 'state-delta.json'))).toBe(false);

    const files = (dir: string, names: string[]) => Promise.all(names.map(async (name) => [name, await read(dir, name)] as const));
    const crashes: Record<string, (readonly [string, Buffer])[]> = {
      'a delta half written beside the one before': [
        ...(await files(journaled, ['state.json', 'state-delta.json', 'messages.jsonl', 'journal.jsonl'])),
        ['state-delta.json.tmp', (await read(afterDelta, 'state-delta.json')).subarray(0, 40)],
      ],
      'a full snapshot in place, the delta of the snapshot before not yet removed': [
        ...(await files(folded, ['state.json', 'messages.jsonl'])),
        ['state-delta.json', await read(afterDelta, 'state-delta.json')],
        ['journal.jsonl', await read(journaled, 'journal.jsonl')],
      ],
      'after the full snapshot and the delta removed, before the journal is emptied': [
        ...(await files(folded, ['state.json', 'messages.jsonl'])),
        ['journal.jsonl', await read(journaled, 'journal.jsonl')],
      ],
      'after everything': await files(folded, ['state.json', 'messages.jsonl', 'journal.jsonl']),
    };
    for (const [moment, written] of Object.entries(crashes)) {
      const dir = await tempDirs.make();
      for (const [name, content] of written) await writeFile(join(dir, name), content);
      const recovered = await openIn(dir);
      expect(await dump(recovered, ['notes']), moment).toEqual(expected);
      expect((await recovered.contactByIdentity('webchat', 'c1'))?.fields, moment).toEqual({ version: 3 });
      await recovered.close();
    }
  });

  it('refuses to open when state-delta.json is not a delta, naming the file', async () => {
    const dir = await history(4);
    await writeFile(join(dir, 'state-delta.json'), '{"version":1,"seq":3}');
    await expect(openStore({ dir })).rejects.toThrow(`${join(dir, 'state-delta.json')}: not a Switchboard store snapshot delta`);
    await writeFile(join(dir, 'state-delta.json'), '{\n"version": 1,,\n}');
    await expect(openStore({ dir })).rejects.toBeInstanceOf(CorruptStoreError);
    await expect(openStore({ dir })).rejects.toThrow(`${join(dir, 'state-delta.json')}:2: not valid JSON`);
  });

  it('marks its snapshots as format 2, which a version reading only 1 refuses; reads 1, and refuses a newer one', async () => {
    // A Switchboard of before the deltas checks for format 1: it refuses a 2 instead of ignoring the delta beside it.
    const dir = await history(4);
    const { log, kinds, compacted } = compactions();
    const store = await openIn(dir, { compactAfterBytes: 1, log });
    await compacted(() => touch(store, 'c1', 2));
    const before = await dump(store, ['notes']);
    await store.close();
    expect(kinds).toEqual(['delta of 2']);
    for (const file of ['state.json', 'state-delta.json']) expect(JSON.parse(await readFile(join(dir, file), 'utf8'))).toMatchObject({ version: 2 });

    // A store of format 1 (no delta then) still opens as it was.
    const snapshot = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    const older = await tempDirs.make();
    await cp(dir, older, { recursive: true });
    await writeFile(join(older, 'state.json'), JSON.stringify({ ...snapshot, version: 1 }));
    await rm(join(older, 'state-delta.json'));
    const current = await openIn(dir);
    const count = await current.messageCount();
    expect(await dump(current, ['notes'])).toEqual(before);
    await current.close();
    const reopened = await openIn(older);
    expect(await reopened.messageCount()).toBe(count);
    expect(await reopened.contactByIdentity('webchat', 'c3')).toBeDefined();
    await reopened.close();

    // Format 3, in either file: refused with what to do, and nothing written.
    for (const file of ['state.json', 'state-delta.json']) {
      const newer = await tempDirs.make();
      await cp(dir, newer, { recursive: true });
      const text = await readFile(join(newer, file), 'utf8');
      await writeFile(join(newer, file), JSON.stringify({ ...JSON.parse(text), version: 3 }));
      const files = await readdir(newer);
      await expect(openStore({ dir: newer })).rejects.toBeInstanceOf(NewerStoreError);
      await expect(openStore({ dir: newer })).rejects.toThrow(`${join(newer, file)}: written by a newer Switchboard (format 3; this one reads 1 and 2)`);
      expect((await readdir(newer)).sort()).toEqual(files.sort());
    }
  });

  it('writes the whole snapshot at an erase, so that no file keeps the erased contact', async () => {
    const dir = await history(8);
    const { log, kinds, compacted } = compactions();
    const store = await openIn(dir, { compactAfterBytes: 1, log });
    await compacted(() => touch(store, 'c1', 2));
    const erased = await store.contactByIdentity('webchat', 'c2');
    await store.eraseContact(erased?.id ?? '');
    await store.close();
    expect(kinds).toEqual(['delta of 2', 'full']);
    for (const file of await readdir(dir)) {
      if (file !== 'LOCK') expect(await readFile(join(dir, file), 'utf8'), file).not.toContain(erased?.id ?? '');
    }
  });
});

describe('lock', () => {
  it('refuses a second opener while the first one holds the store', async () => {
    const dir = await tempDirs.make();
    const first = await openStore({ dir });
    const second = openStore({ dir });
    await expect(second).rejects.toBeInstanceOf(StoreLockedError);
    await expect(second).rejects.toThrow(`${join(dir, 'LOCK')}: the store is in use by process ${process.pid}`);
    await first.close();
    const third = await openStore({ dir });
    await third.close();
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = await tempDirs.make();
    await writeFile(join(dir, 'LOCK'), '2147483646\n');
    const store = await openStore({ dir });
    expect((await readFile(join(dir, 'LOCK'), 'utf8')).trim()).toBe(String(process.pid));
    await store.close();
  });

  it('takes over a lock that names this process but that this process does not hold (a container restarted after a crash: node is pid 1 again)', async () => {
    const dir = await tempDirs.make();
    // What a crashed server left, run as the same pid as this one (in a container, the exec-form CMD is always pid 1),
    // a minute ago (a live holder touches its lock every 10 s).
    await writeFile(join(dir, 'LOCK'), `${process.pid}\n`);
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'LOCK'), minuteAgo, minuteAgo);
    const store = await openStore({ dir });
    expect((await readFile(join(dir, 'LOCK'), 'utf8')).trim()).toBe(String(process.pid));
    // Held now: a second opener in this process is still refused.
    await expect(openStore({ dir })).rejects.toBeInstanceOf(StoreLockedError);
    await store.close();
  });

  it('refuses a fresh lock that names this process but that this process does not hold (another container on the same volume, also pid 1)', async () => {
    const dir = await tempDirs.make();
    await writeFile(join(dir, 'LOCK'), `${process.pid}\n`);
    await expect(openStore({ dir })).rejects.toBeInstanceOf(StoreLockedError);
  });
});

describe('disk failure', () => {
  /**
   * The disk as the store's write boundary meets it: while `full`, every fdatasync fails with ENOSPC (the line a
   * write put in the page cache never reaches the disk), as on a disk that filled up; `full = false` frees it.
   */
  async function fillableDisk(dir: string): Promise<{ full: boolean; syncs: number }> {
    const probe = await openFile(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    await rm(join(dir, 'probe'));
    const disk = { full: false, syncs: 0 };
    const datasync = prototype.datasync;
    vi.spyOn(prototype, 'datasync').mockImplementation(function (this: unknown) {
      if (!disk.full) return datasync.call(this);
      disk.syncs += 1;
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' }));
    });
    return disk;
  }

  it('refuses every call while the disk is full, keeps nothing it refused, and accepts again by itself once a write succeeds', async () => {
    const dir = await tempDirs.make();
    const logs: { level: string; msg: string }[] = [];
    const store = await openIn(dir, { retryWritesMs: [10, 20], log: (level, msg) => void logs.push({ level, msg }) });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-1'));
    const before = await dump(store);
    const disk = await fillableDisk(dir);
    disk.full = true;

    const failed = store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-2'));
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failed).rejects.toThrow('ENOSPC');
    const refused = await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toContain('accepts nothing until a write succeeds again');
    // How long the sender is asked to wait: until the next attempt, never less than a second.
    expect((refused as StoreUnavailableError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    await expect(store.contact('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.unreachable()).toMatch(/^it cannot write to the disk: could not append to .*journal\.jsonl \(ENOSPC: no space left on device, fdatasync\), since /);
    // A write cut short by the full disk: half a line at the end of the journal.
    await appendFile(join(dir, 'journal.jsonl'), '{"s":99,"r":[{"message":{"id":');

    // It keeps trying in the background, and says so once in the log, not at each attempt.
    await vi.waitFor(() => expect(disk.syncs).toBeGreaterThanOrEqual(4), { timeout: 5000 });
    await expect(store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'))).rejects.toBeInstanceOf(StoreUnavailableError);
    // (A slow sync's warning, the disk's or a busy event loop's, which a loaded machine's first commit can earn, is no
    // part of this.)
    expect(logs.filter((entry) => entry.level !== 'info' && !SLOW_MACHINE_WARNING.test(entry.msg))).toEqual([{ level: 'error', msg: 'the store cannot write: it refuses every call (nothing refused is kept) and tries again by itself' }]);

    disk.full = false;
    await vi.waitFor(async () => expect(await store.unreachable()).toBeUndefined(), { timeout: 5000 });
    expect(logs.filter((entry) => entry.msg.startsWith('the store'))).toEqual([
      { level: 'error', msg: 'the store cannot write: it refuses every call (nothing refused is kept) and tries again by itself' },
      { level: 'info', msg: 'the store writes again: calls are accepted' },
    ]);
    // What was acknowledged is there, and nothing of what was refused: the sender's retry is taken as new, once.
    expect(await dump(store)).toEqual(before);
    expect(await store.messageByChannelId('webchat', 'ann-2')).toBeUndefined();
    await store.transaction('ann', async (tx) => (await tx.hasInbound('webchat', 'ann-2')) ? [] : handleMessage(tx, 'ann', 'ann-2'));
    await store.transaction('ann', async (tx) => (await tx.hasInbound('webchat', 'ann-2')) ? [] : handleMessage(tx, 'ann', 'ann-2'));
    await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'));
    const ann2 = await storedMessages(store, 'ann', 'ann-2');
    const all = await dump(store);
    await store.close();

    // A restart finds the same: no half line, nothing refused, everything accepted since.
    const reopened = await openIn(dir, { log: (level, msg) => void logs.push({ level, msg }) });
    expect(await dump(reopened)).toEqual(all);
    expect((await reopened.messagesOfContact(ann2[0]?.contactId as string)).filter((message) => message.channelMessageId === 'ann-2')).toHaveLength(1);
    expect(logs.some((entry) => entry.msg.startsWith('dropped an unfinished last line'))).toBe(false);
    await reopened.close();
  });

  it('finishes a compaction that failed (its snapshot could not be written) once it can write again, and keeps every acknowledged commit', async () => {
    const dir = await tempDirs.make();
    const store = await openIn(dir, { compactAfterBytes: 2_000, retryWritesMs: [10] });
    // The snapshot's temporary file cannot be created: a directory stands in its place (EISDIR), as a permission would.
    await mkdir(join(dir, 'state.json.tmp'));
    await mkdir(join(dir, 'state-delta.json.tmp'));
    const acknowledged: string[] = [];
    for (let n = 1; n <= 200 && (await store.unreachable()) === undefined; n++) {
      const id = `ann-${n}`;
      const stored = await store.transaction('ann', (tx) => handleMessage(tx, 'ann', id)).then(() => true, (error: unknown) => {
        if (!(error instanceof StoreUnavailableError)) throw error;
        return false;
      });
      if (stored) acknowledged.push(id);
    }
    expect(await store.unreachable()).toMatch(/compaction into .* failed \(EISDIR/);
    await expect(store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'))).rejects.toBeInstanceOf(StoreUnavailableError);

    await rm(join(dir, 'state.json.tmp'), { recursive: true });
    await rm(join(dir, 'state-delta.json.tmp'), { recursive: true });
    await vi.waitFor(async () => expect(await store.unreachable()).toBeUndefined(), { timeout: 5000 });
    expect(existsSync(join(dir, 'journal.old.jsonl'))).toBe(false);
    await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'));
    const all = await dump(store);
    for (const id of acknowledged) expect(await store.messageByChannelId('webchat', id), id).toBeDefined();
    await store.close();
    const reopened = await openIn(dir);
    expect(await dump(reopened)).toEqual(all);
    await reopened.close();
  });

  it('gives a message refused during the failure a new id, never one a read may have shown before it', async () => {
    const dir = await tempDirs.make();
    const store = await openIn(dir, { retryWritesMs: [10] });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-1'));
    const disk = await fillableDisk(dir);
    disk.full = true;
    await expect(store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-2'))).rejects.toBeInstanceOf(StoreUnavailableError);
    disk.full = false;
    await vi.waitFor(async () => expect(await store.unreachable()).toBeUndefined(), { timeout: 5000 });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-3'));
    const [first] = await storedMessages(store, 'ann', 'ann-3');
    // ann-1 took ids 1-3 and the refused ann-2 4-6 (in memory a moment before its sync failed).
    expect(first?.id).toBe(7);
    await store.close();
  });
});

describe('close', () => {
  it('waits for running transactions, refuses new ones and can be called twice', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    const slow = store.transaction('ann', async (tx) => {
      await delay(30);
      return handleMessage(tx, 'ann', 'ann-1');
    });
    const closing = store.close();
    await expect(store.transaction('bob', async () => 1)).rejects.toThrow('is closed');
    await Promise.all([closing, store.close()]);
    await expect(slow).resolves.toHaveLength(3);
    const reopened = await openStore({ dir });
    expect(await reopened.messageCount()).toBe(3);
    await reopened.close();
  });
});


describe('a slow disk', () => {
  it('warns when commits waited for a slow journal sync, at most once in ten seconds and at close, and not for quick ones', async () => {
    const dir = await tempDirs.make();
    // The disk is played here, not the machine's: a real fdatasync on a runner whose disk other test files keep busy
    // can itself take 100 ms (a quick commit reported as slow). A quick disk syncs at once; a slow one in 150 ms.
    const probe = await openFile(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    let syncMs = 0;
    vi.spyOn(prototype, 'datasync').mockImplementation(async () => {
      if (syncMs > 0) await delay(syncMs);
    });
    const warnings: { msg: string; extra: Record<string, unknown> }[] = [];
    const store = await openIn(dir, { log: (level, msg, extra) => level === 'warn' && warnings.push({ msg, extra: extra as Record<string, unknown> }) });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-quick'));
    expect(warnings).toEqual([]);

    // Every fdatasync from now on takes 150 ms, as on a disk busy with another machine's writes.
    syncMs = 150;
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-slow-1'));
    await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-slow-2'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toBe('the disk is slow: commits waited for a journal sync (fdatasync)');
    expect(warnings[0]?.extra).toMatchObject({ file: join(dir, 'journal.jsonl'), commits: 1, slowSyncs: 1 });
    expect(warnings[0]?.extra.ms).toBeGreaterThanOrEqual(140);
    // Slow, yet nothing was lost or refused.
    expect(await store.messagesOfAddress('webchat', 'bob')).toHaveLength(3);
    // The slow sync not reported yet is told at close.
    await store.close();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.extra).toMatchObject({ slowSyncs: 1 });
    expect(warnings[1]?.extra.slowestMs).toBeGreaterThanOrEqual(140);
  });
  it('does not blame the disk for a sync the event loop was too busy to see end', async () => {
    const dir = await tempDirs.make();
    const warnings: { msg: string; extra: Record<string, unknown> }[] = [];
    const store = await openIn(dir, { log: (level, msg, extra) => level === 'warn' && warnings.push({ msg, extra: extra as Record<string, unknown> }) });
    // The sync itself is quick, but the process is busy for 150 ms right after starting it (a long collection of
    // the heap, say): the commit waits as long, and the disk is not the cause. The sync is played, done at once: a
    // real one on a runner's busy disk can take as long again, and then the disk is rightly blamed.
    const probe = await openFile(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    vi.spyOn(prototype, 'datasync').mockImplementation(() => {
      const syncing = Promise.resolve();
      const until = performance.now() + 150;
      while (performance.now() < until);
      return syncing;
    });
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-busy'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/^the event loop was busy: commits waited for a journal sync/);
    expect(warnings[0]?.extra).toMatchObject({ file: join(dir, 'journal.jsonl'), commits: 1, slowSyncs: 1 });
    expect(warnings[0]?.extra.ms).toBeGreaterThanOrEqual(140);
    expect(warnings[0]?.extra.loopBusyMs).toBeGreaterThanOrEqual(140);
    expect(await store.messagesOfAddress('webchat', 'ann')).toHaveLength(3);
    // Nothing is left to report for the disk at close.
    await store.close();
    expect(warnings.filter((w) => w.msg.startsWith('the disk is slow'))).toEqual([]);
  });
});

describe("the outbox's bookkeeping", () => {
  it('is written at once but synced with the next durable commit, or 20 ms later, and kept through a reopen', async () => {
    // The 20 ms are the store's one timer, played here: on the real clock, a runner busy for 20 ms between a claim and
    // the check that it is not synced yet sees it synced.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const dir = await tempDirs.make();
    const probe = await openFile(join(dir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const datasync = prototype.datasync;
    let syncs = 0;
    vi.spyOn(prototype, 'datasync').mockImplementation(function (this: unknown) {
      syncs += 1;
      return datasync.call(this);
    });
    let store = await openIn(dir);
    const journal = join(dir, 'journal.jsonl');
    await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-1'));
    const afterMessage = syncs;
    // A customer message is acknowledged only once synced.
    expect(afterMessage).toBeGreaterThan(0);

    // Claims and outcomes are acknowledged once written: a process that dies now leaves them in the file.
    const [first] = await store.claimOutbound(10);
    await store.markDelivery(first!.id, { channelMessageId: 'tg-1' }, { claimNext: true });
    expect(syncs).toBe(afterMessage);
    const written = (await readFile(journal, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { r: { message?: { id: number; status?: string } }[] });
    expect(written.at(-2)?.r.map((record) => [record.message?.id, record.message?.status])).toEqual([[first!.id, 'sending']]);
    expect(written.at(-1)?.r.map((record) => [record.message?.id, record.message?.status])).toEqual([
      [first!.id, 'sent'],
      [first!.id + 1, 'sending'],
    ]);
    // ... and synced 20 ms later, with no other commit to carry them.
    await vi.advanceTimersByTimeAsync(19);
    expect(syncs).toBe(afterMessage);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(syncs).toBe(afterMessage + 1), { timeout: 5_000, interval: 5 });

    // An outcome followed by a customer message: the message's sync carries both.
    const [second] = await store.claimOutbound(10);
    expect(second?.id).toBe(first!.id + 1);
    await store.markDelivery(second!.id, { error: 'blocked by the user' });
    await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'));
    expect(syncs).toBe(afterMessage + 2);
    await vi.advanceTimersByTimeAsync(60);
    expect(syncs).toBe(afterMessage + 2);

    // Closing syncs what is left; reopened, the outcomes and claims are all there.
    const [bobs] = await store.claimOutbound(1);
    await store.close();
    store = await openIn(dir);
    const anns = await store.messagesOfAddress('webchat', 'ann');
    expect(anns.filter((message) => message.direction === 'out').map((message) => [message.status, message.channelMessageId ?? message.error])).toEqual([
      ['sent', 'tg-1'],
      ['failed', 'blocked by the user'],
    ]);
    expect((await store.outboundInDoubt()).map((message) => message.id)).toEqual([bobs!.id]);
    await store.close();
  });
});
