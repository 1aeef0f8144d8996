// The embedded store's search of what was said (`conversationsSaying`) over its messages archive: read in chunks of
// 1 MB, looked for in each chunk's bytes, only the lines it appears in decoded. Against reading every transcript,
// with the archive several chunks long (lines cut at chunk boundaries), nothing of it held in memory, escapes,
// non-ASCII text, the two letters whose lower case is ASCII (İ, the Kelvin sign) and messages still in the journal.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { LowdbStore } from '../../src/store/lowdb.ts';
import { contact, conversation, inbound, openIn, outbound, tempDirs } from './helpers.ts';

afterEach(() => tempDirs.cleanup());

const pieces = ['refund', 'Refund', 'REFUND', 'parcel', 'شكرا', 'طلبي', 'Ça coûte', '😀', '"', '\\', '\n', 'İstanbul', '5 \u212am', 'x', ' ', 'é', '\u2028', 'charged twice'];
let seed = 35;
// In 32-bit integers: in doubles the products pass 2^53 and lose their low bits (seen by a helper).
const rand = (n: number): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
const said = (): string => Array.from({ length: 1 + rand(6) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '');

async function transcriptsSaying(store: LowdbStore, conversations: number, text: string): Promise<number[]> {
  const found: number[] = [];
  for (let id = conversations; id >= 1; id--) {
    if ((await store.messagesOfConversation(id)).some((message) => !message.toAgent && message.text.toLowerCase().includes(text))) found.push(id);
  }
  return found;
}

it('finds what reading every transcript finds, across chunks of the archive and in the journal', async () => {
  const dir = await tempDirs.make();
  // Compacted after every commit, nothing archived kept in memory: every search reads the archive.
  let store = await openIn(dir, { compactAfterBytes: 1, recentMessages: 0, fsync: false });
  const conversations = 600;
  // Long lines (about 4 KB of filler each): the archive passes several chunks.
  const filler = 'filler '.repeat(600);
  for (let first = 1; first <= conversations; first += 50) {
    await store.transaction(`fill:${first}`, async (tx) => {
      for (let n = first; n < first + 50; n++) {
        tx.putContact(contact(`c${n}`));
        tx.putConversation(conversation(n, `c${n}`, 'closed'));
        tx.addMessage(inbound(`c${n}`, n, `m${n}-a`, `${said()} ${filler}`));
        tx.addMessage(outbound(`c${n}`, n, said()));
        if (n % 7 === 0) tx.addMessage({ ...outbound(`c${n}`, n, `relayed ${said()}`), address: 'agent-omar', toAgent: true, contactId: undefined });
      }
    });
  }
  // Compactions run one at a time in the background: commit until the last of them has archived every line.
  for (let tick = 0; (await stat(join(dir, 'messages.jsonl')).catch(() => ({ size: 0 }))).size < conversations * filler.length; tick++) {
    expect(tick).toBeLessThan(1000); // 20 ms apart and a commit each: well past 20 s on a loaded machine
    await store.transaction('tick', async (tx) => tx.putContact(contact('c1')));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await store.close();
  store = await openIn(dir, { recentMessages: 0, fsync: false });
  // Said since the last compaction: in the journal, in memory only.
  await store.transaction('c5', async (tx) => tx.addMessage(inbound('c5', 5, 'm5-late', 'a late Kelvin: 9 \u212aG')));
  const queries = ['refund', 'charged twice', 'parcel', 'شكرا', 'ça coûte', '😀', '"', '\\', '\n', 'stanbul', 'i̇stanbul', 'km', 'kg', 'é', '\u2028', 'relayed', 'filler filler', 'nobody said this', 'x x'];
  for (const text of queries) {
    const expected = await transcriptsSaying(store, conversations, text);
    expect(await store.conversationsSaying(text, { limit: conversations }), JSON.stringify(text)).toEqual(expected);
    expect(await store.conversationsSaying(text, { before: 300, limit: 5 }), JSON.stringify(text)).toEqual(expected.filter((id) => id < 300).slice(0, 5));
  }
  await store.close();
});

it('stops reading back once the newest conversations found have every message read, not before', async () => {
  const dir = await tempDirs.make();
  let store = await openIn(dir, { compactAfterBytes: 1, recentMessages: 0, fsync: false });
  const filler = 'filler '.repeat(600);
  // Conversation 200, the newest, says it first: its line is the oldest of the archive. The older conversations say
  // it after, in more than a chunk of lines.
  await store.transaction('setup', async (tx) => {
    for (let n = 1; n <= 200; n++) {
      tx.putContact(contact(`c${n}`));
      tx.putConversation(conversation(n, `c${n}`, 'closed'));
    }
    tx.addMessage(inbound('c200', 200, 'm200', `a ZEBRA crossing ${filler}`));
  });
  for (let round = 0; round < 2; round++) {
    await store.transaction(`round${round}`, async (tx) => {
      for (let n = 1; n < 200; n++) tx.addMessage(inbound(`c${n}`, n, `m${n}-${round}`, `zebra ${round} ${filler}`));
    });
  }
  for (let tick = 0; (await stat(join(dir, 'messages.jsonl')).catch(() => ({ size: 0 }))).size < 399 * filler.length; tick++) {
    expect(tick).toBeLessThan(1000); // 20 ms apart and a commit each: well past 20 s on a loaded machine
    await store.transaction('tick', async (tx) => tx.putContact(contact('c1')));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await store.close();
  store = await openIn(dir, { recentMessages: 0, fsync: false });
  expect(await store.conversationsSaying('zebra', { limit: 3 })).toEqual([200, 199, 198]);
  expect(await store.conversationsSaying('zebra', { before: 200, limit: 3 })).toEqual([199, 198, 197]);
  expect(await store.conversationsSaying('zebra crossing', { limit: 3 })).toEqual([200]);
  await store.close();
});

/** A store whose archive holds `n` closed conversations of long lines: the newest, n, says "a ZEBRA crossing" first (the archive's oldest line), the others "zebra" after. */
async function zebras(n: number): Promise<{ dir: string; store: LowdbStore }> {
  const dir = await tempDirs.make();
  const store = await openIn(dir, { compactAfterBytes: 1, recentMessages: 0, fsync: false });
  const filler = 'filler '.repeat(6000);
  await store.transaction('setup', async (tx) => {
    for (let c = 1; c <= n; c++) {
      tx.putContact(contact(`c${c}`));
      tx.putConversation(conversation(c, `c${c}`, 'closed'));
    }
    tx.addMessage(inbound(`c${n}`, n, `m${n}`, `a ZEBRA crossing ${filler}`));
  });
  await store.transaction('others', async (tx) => {
    for (let c = 1; c < n; c++) tx.addMessage(inbound(`c${c}`, c, `m${c}`, `zebra ${filler}`));
  });
  for (let tick = 0; (await stat(join(dir, 'messages.jsonl')).catch(() => ({ size: 0 }))).size < n * filler.length; tick++) {
    expect(tick).toBeLessThan(1000); // 20 ms apart and a commit each: well past 20 s on a loaded machine
    await store.transaction('tick', async (tx) => tx.putContact(contact('c1')));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await store.close();
  return { dir, store: await openIn(dir, { compactAfterBytes: 1, recentMessages: 0, fsync: false }) };
}

// (A helper's tests.)
it('finds a conversation whose only match is old when that message changes and moves during the search', async () => {
  const { store } = await zebras(300);
  const [old] = await store.messagesOfConversation(300);
  expect(await store.conversationsSaying('zebra', { limit: 3 })).toEqual([300, 299, 298]);
  // A delivery receipt changes the old message (not its text), and a compaction writes it past where the search began.
  const search = store.conversationsSaying('zebra', { limit: 3 });
  await store.recordDelivery(old!.id, 'read');
  for (let tick = 0; tick < 5; tick++) await store.transaction('tick', async (tx) => tx.putContact(contact('c1')));
  expect(await search).toEqual([300, 299, 298]);
  await store.close();
}, 60_000);

it('answers in full when an erase rewrites the archive during the search', async () => {
  const { store } = await zebras(300);
  const search = store.conversationsSaying('zebra', { limit: 3 });
  const all = store.conversationsSaying('zebra', { limit: 1000 });
  await store.eraseContact('c299');
  // 299 may be listed (it said it when the search began); 300 must be.
  expect((await search).filter((id) => id !== 299).slice(0, 2)).toEqual([300, 298]);
  expect((await all).filter((id) => id !== 299)).toEqual([300, ...Array.from({ length: 298 }, (_, i) => 298 - i)]);
  expect(await store.conversationsSaying('zebra', { limit: 3 })).toEqual([300, 298, 297]);
  await store.close();
}, 60_000);

it('finds every conversation with a message for an empty text, without hanging', async () => {
  const { store } = await zebras(3);
  expect(await store.conversationsSaying('', { limit: 10 })).toEqual([3, 2, 1]);
  await store.close();
});
