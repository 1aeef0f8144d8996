import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSnapshotItems, type SnapshotList } from '../../src/store/snapshot-reader.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshot-reader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the reader hands out for `text`: the head it saw, the items, and what it returns. */
async function read(text: string) {
  const path = join(dir, 'state.json');
  await writeFile(path, text);
  const heads: Record<string, unknown>[] = [];
  const items: Record<SnapshotList, unknown[]> = { contacts: [], conversations: [], docs: [] };
  const result = await readSnapshotItems(path, (head) => heads.push(head), (list, item) => items[list].push(item));
  return { heads, items, result };
}

describe('readSnapshotItems', () => {
  it('hands out every item as JSON.parse reads it, across read chunks, whatever brackets, quotes and escapes its strings hold', async () => {
    // Over 2 MiB, so items straddle the reader's 1 MiB chunks.
    const tricky = ['a"quote', 'a \\ backslash', '{[brackets]}', 'é ü 你好 🙂', '\\"', '"}],'];
    const contacts = Array.from({ length: 6000 }, (_, n) => ({ id: `c${n}`, name: tricky[n % tricky.length], fields: { note: 'x'.repeat(n % 700), nested: [[n], { deep: [] }] }, tags: [] }));
    const conversations = Array.from({ length: 3000 }, (_, n) => ({ id: n + 1, contactId: `c${n}`, status: 'closed', fields: { need: tricky[(n + 3) % tricky.length] } }));
    const docs = [['flows', 'inbound', { steps: [{ say: ']' }] }], ['nlp', '{', null]];
    const snapshot = { version: 2, seq: 41, counters: { message: 9, conversation: 3000 }, contacts, conversations, docs };
    for (const text of [JSON.stringify(snapshot), JSON.stringify(snapshot, null, 2)]) {
      expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
      const { heads, items, result } = await read(text);
      expect(heads).toEqual([{ version: 2, seq: 41, counters: { message: 9, conversation: 3000 } }]);
      expect(items).toEqual({ contacts, conversations, docs });
      expect(result).toEqual({ ...snapshot, contacts: [], conversations: [], docs: [] });
    }
  });

  it('reads empty lists, and a field after them', async () => {
    const { heads, result } = await read('{"version":1,"seq":0,"counters":{"message":0,"conversation":0},"contacts":[],"conversations":[ ],"docs":[],"base":3}');
    expect(heads).toEqual([{ version: 1, seq: 0, counters: { message: 0, conversation: 0 } }]);
    expect(result).toEqual({ version: 1, seq: 0, counters: { message: 0, conversation: 0 }, contacts: [], conversations: [], docs: [], base: 3 });
  });

  it('gives up (undefined) on what is not a snapshot, for its caller to read whole and say where it is wrong', async () => {
    for (const text of ['{\n  "version": 1,\n  "seq": 0,,\n}', '{"version":1,"contacts":[{"id":"a"},"b"]}', '{"version":1,"contacts":[{"id":"a"}', '[{"contacts":[]}]', '{"version":1,"contacts":[{"id":}]}', '']) {
      expect((await read(text)).result).toBeUndefined();
    }
    expect(await readSnapshotItems(join(dir, 'missing.json'), () => {}, () => {})).toBeUndefined();
  });
});
