// The embedded store's erase leaves no copy on disk: neither the journal nor the messages archive nor the snapshot
// holds what was erased once `eraseContact` resolves, whether the contact's messages were still in the journal or
// already compacted into the archive.
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact, conversation, inbound, openIn, outbound, tempDirs } from './helpers.ts';

afterEach(() => tempDirs.cleanup());

/**
 * Every file of the store's folder, as text. A background compaction renames and removes files while they are read:
 * a file gone between the listing and its reading means the folder changed, so it is listed and read again.
 */
async function everything(dir: string): Promise<string> {
  for (;;) {
    const names = (await readdir(dir)).filter((name) => name !== 'LOCK');
    try {
      return (await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')))).join('\n');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

describe('LowdbStore eraseContact', () => {
  for (const [label, options] of [['still in the journal', {}], ['compacted into the archive', { compactAfterBytes: 1 }]] as const) {
    it(`leaves nothing of the contact in any file (messages ${label})`, async () => {
      const dir = await tempDirs.make();
      const store = await openIn(dir, options);
      await store.transaction('setup', async (tx) => {
        tx.putContact({ ...contact('ann'), name: 'Ann Secretname' });
        tx.putContact(contact('bob'));
        tx.putConversation(conversation(1, 'ann'));
        tx.putConversation(conversation(2, 'bob'));
        tx.addMessage(inbound('ann', 1, 'ann-1', 'my passport is X1234567'));
        tx.addMessage(outbound('ann', 1, 'noted, Ann Secretname'));
        tx.addMessage(inbound('bob', 2, 'bob-1', 'bob stays'));
      });
      // With compaction after every commit, the setup's compaction may still be moving the lines between files.
      await vi.waitFor(async () => expect(await everything(dir)).toContain('X1234567'), { timeout: 10_000 });
      await store.eraseContact('ann');
      const left = await everything(dir);
      expect(left).not.toContain('X1234567');
      expect(left).not.toContain('Secretname');
      expect(left).toContain('bob stays');
      await store.close();
      const reopened = await openIn(dir, options);
      expect(await reopened.messagesOfContact('bob')).toHaveLength(1);
      expect(await reopened.contact('ann')).toBeUndefined();
      await reopened.close();
    });
  }
});

describe('LowdbStore recovering an erase', () => {
  it('finishes at the next start an erase whose compaction a crash cut short, so no file keeps what it erased', async () => {
    const dir = await tempDirs.make();
    const store = await openIn(dir, { compactAfterBytes: 1 });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(1, 'ann'));
      tx.addMessage(inbound('ann', 1, 'ann-1', 'my passport is X1234567'));
    });
    await store.close();
    // What a crash right after the erase's journal line leaves: the archive and the snapshot still hold Ann.
    const snapshot = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { seq: number };
    await appendFile(join(dir, 'journal.jsonl'), `${JSON.stringify({ s: snapshot.seq + 1, r: [{ eraseContact: 'ann' }] })}\n`);
    expect(await everything(dir)).toContain('X1234567');

    const reopened = await openIn(dir, { compactAfterBytes: 1 });
    expect(await reopened.contact('ann')).toBeUndefined();
    expect(await reopened.messageCount()).toBe(0);
    expect(await everything(dir)).not.toContain('X1234567');
    await reopened.close();
    const again = await openIn(dir);
    expect(await again.messagesOfContact('ann')).toEqual([]);
    await again.close();
  });
});
