// An erase of one contact while other customers' archived history is read back (a transcript, a web chat reload, an
// agent opening a conversation): those reads answer, and nothing of the other customers is lost, before or after a
// restart. (Found by a helper attacking the store's long life: reads in the erase's window failed with "file closed",
// and what they brought back into memory was written nowhere by the archive's rewrite.)
import { afterEach, expect, it } from 'vitest';
import { handleMessage, openIn, tempDirs } from './helpers.ts';
import type { LowdbStore } from '../../src/store/lowdb.ts';

afterEach(() => tempDirs.cleanup());

const CUSTOMERS = 80;

/** A store of CUSTOMERS customers (9 messages each) whose history is compacted, reopened: it is on disk only. */
async function history(dir: string): Promise<{ store: LowdbStore; ids: string[] }> {
  const store = await openIn(dir, { compactAfterBytes: 4096 });
  for (let n = 0; n < 3; n++) {
    for (let c = 0; c < CUSTOMERS; c++) await store.transaction(`c${c}`, (tx) => handleMessage(tx, `c${c}`, `c${c}-${n}`));
  }
  await store.close();
  const reopened = await openIn(dir, { compactAfterBytes: 4096 });
  const ids: string[] = [];
  for (let c = 0; c < CUSTOMERS; c++) ids.push((await reopened.contactByIdentity('webchat', `c${c}`))!.id);
  return { store: reopened, ids };
}

/** Reads customers 1.. (each history read back from disk) until `done` resolves; the failures. */
async function readWhile(store: LowdbStore, ids: string[], done: Promise<unknown>, readers = 1): Promise<string[]> {
  let stop = false;
  void done.finally(() => (stop = true));
  const failures: string[] = [];
  // `readers` people reading at once (an admin, agents, web chat reloads), each customer read once.
  let next = 1;
  await Promise.all(Array.from({ length: readers }, async () => {
    for (let c = next++; !stop && c < ids.length; c = next++) {
      try {
        const messages = await store.messagesOfContact(ids[c]!);
        if (messages.length !== 9) failures.push(`c${c}: ${messages.length} messages`);
      } catch (error) {
        failures.push(`c${c}: ${String(error)}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }));
  return failures;
}

it('answers reads of other customers\' archived history while an erase rewrites the archive', async () => {
  const dir = await tempDirs.make();
  const { store, ids } = await history(dir);
  const erase = store.eraseContact(ids[0]!);
  const failures = await readWhile(store, ids, erase);
  expect((await erase).messages).toBe(9);
  await store.close();
  expect(failures.slice(0, 5)).toEqual([]);
});

it('keeps every other customer\'s messages, after a restart, when their history was read while an erase rewrote the archive', async () => {
  const dir = await tempDirs.make();
  const { store, ids } = await history(dir);
  const count = await store.messageCount();
  const erase = store.eraseContact(ids[0]!);
  await readWhile(store, ids, erase, 4);
  await erase;
  await store.close();

  const third = await openIn(dir, {});
  const missing: string[] = [];
  for (let c = 1; c < CUSTOMERS; c++) {
    const messages = await third.messagesOfAddress('webchat', `c${c}`);
    if (messages.length !== 9) missing.push(`c${c}: ${messages.length} of 9 messages`);
  }
  const left = await third.messageCount();
  await third.close();
  expect(missing).toEqual([]);
  expect(left).toBe(count - 9);
});
