// The embedded store's tables of contacts and conversations: those kept as JSON text outside the heap must read back
// equal, in order, through replacements and the rewrites that reclaim replaced texts' space.
import { afterEach, describe, expect, it } from 'vitest';
import { ContactTable, ConversationTable, StoredJson } from '../../src/store/text-tables.ts';
import type { Contact, Conversation } from '../../src/store/types.ts';
import { contact as webContact, conversation as webConversation, inbound, openIn, tempDirs } from './helpers.ts';

afterEach(() => tempDirs.cleanup());

/** Every record of a table as the store reads them: objects as held, texts parsed. */
const records = <T>(entries: (T | StoredJson)[]): T[] => entries.map((entry) => (entry instanceof StoredJson ? (JSON.parse(entry.text()) as T) : entry));

const at = '2026-12-01T10:00:00.000Z';
function conversation(id: number, contactId: string, status: Conversation['status'], fields: Record<string, string> = {}): Conversation {
  return { id, contactId, channel: 'telegram', status, stage: 'bot', fields, source: 'contact', openedAt: at, ...(status === 'closed' ? { closedAt: at } : {}) };
}

describe('ConversationTable', () => {
  it('reads back closed conversations equal and as fresh objects, open ones as the object stored', () => {
    const table = new ConversationTable<Conversation>();
    const closed = conversation(1, 'ann', 'closed', { need: 'a refund of order 10022 — «vite» ✓', nested: '{"contactId":"bob"}' });
    const open = conversation(2, 'ann', 'open');
    table.set(1, closed);
    table.set(2, open);
    expect(table.get(1)).toEqual(closed);
    expect(table.get(1)).not.toBe(table.get(1));
    expect(table.object(1)).toBeUndefined();
    expect(table.stored(1)).toBeInstanceOf(StoredJson);
    expect(table.get(2)).toBe(open);
    expect(table.size).toBe(2);
    expect([table.get(1), table.get(2), table.get(3)].map((each) => each !== undefined)).toEqual([true, true, false]);

    // Reopened: an object again; closed again: text again.
    const reopened = { ...closed, status: 'open' as const };
    table.set(1, reopened);
    expect(table.get(1)).toBe(reopened);
    expect(table.stored(1)).toBeUndefined();
    table.set(1, closed);
    expect(table.get(1)).toEqual(closed);
    expect(table.size).toBe(2);

    expect(table.delete(1)).toBe(true);
    expect(table.delete(1)).toBe(false);
    expect(table.get(1)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('lists every conversation by id, and finds a contact\'s without taking a field that names another contact', () => {
    const table = new ConversationTable<Conversation>();
    const all = [
      conversation(5, 'bob', 'open'),
      conversation(1, 'ann', 'closed'),
      conversation(3, 'bob', 'closed', { note: '"contactId":"ann"' }),
      conversation(2, 'cat', 'closed', { contactId: 'ann' } as Record<string, string>),
      conversation(4, 'ann', 'open'),
      // Past the ids the index covers: kept as an object, closed or not.
      conversation(2 ** 25, 'ann', 'closed'),
    ];
    for (const each of all) table.set(each.id, each);
    expect(records(table.entries())).toEqual([...all].sort((a, b) => a.id - b.id));
    expect(table.entries().map((entry) => (entry instanceof StoredJson ? 'text' : 'object'))).toEqual(['text', 'text', 'text', 'object', 'object', 'object']);
    expect(table.idsOfContact('ann')).toEqual([1, 4, 2 ** 25]);
    expect(table.idsOfContact('bob')).toEqual([3, 5]);
    expect(table.idsOfContact('dan')).toEqual([]);
    // Many contacts at once (each text's keys read, not each contact looked for), quotes and Arabic in ids included.
    for (const [id, contactId] of [[6, 'q"uote'], [7, 'ليلى'], [8, 'e\\f']] as const) table.set(id, conversation(id, contactId, 'closed'));
    expect(table.idsOfContacts(new Set(['ann', 'bob', 'q"uote', 'ليلى', 'e\\f', 'dan']))).toEqual([1, 3, 4, 5, 6, 7, 8, 2 ** 25]);
    expect(table.idsOfContacts(new Set(['cat', 'x1', 'x2', 'x3', 'x4']))).toEqual([2]);
  });

  it('reclaims replaced texts by rewriting its buffers, and a text captured before still reads as it was', () => {
    const table = new ConversationTable<Conversation>();
    const big = 'x'.repeat(4000);
    for (let id = 1; id <= 100; id++) table.set(id, conversation(id, `c${id}`, 'closed', { note: `${big} ${id}` }));
    const captured = table.entries();
    // Each round replaces every text: 400 KB of garbage a round, 40 MB in all without the rewrites.
    for (let round = 1; round <= 100; round++) {
      for (let id = 1; id <= 100; id++) table.set(id, conversation(id, `c${id}`, 'closed', { note: `${big} ${id} round ${round}` }));
    }
    expect(table.textBytes.current).toBeLessThan(440_000);
    expect(table.textBytes.buffers).toBeLessThan(16 * 1024 * 1024);
    for (let id = 1; id <= 100; id++) expect(table.get(id)?.fields.note).toBe(`${big} ${id} round 100`);
    expect(captured.map((entry) => JSON.parse((entry as StoredJson).text()).fields.note)).toEqual(Array.from({ length: 100 }, (_, i) => `${big} ${i + 1}`));
  });

  it('keeps a text longer than one buffer whole', () => {
    const table = new ConversationTable<Conversation>();
    const long = conversation(1, 'ann', 'closed', { transcript: 'é'.repeat(1_200_000) });
    table.set(2, conversation(2, 'bob', 'closed'));
    table.set(1, long);
    table.set(3, conversation(3, 'cat', 'closed'));
    expect(table.get(1)).toEqual(long);
    expect(table.get(2)?.contactId).toBe('bob');
    expect(table.get(3)?.contactId).toBe('cat');
  });
});

function contact(id: string, name: string): Contact {
  return { id, identities: [{ channel: 'telegram', id: `${id}-tg` }], name, fields: {}, tags: [], createdAt: at, updatedAt: at };
}

describe('ContactTable', () => {
  it('holds a contact as text or as an object as told, and reads it back equal either way, in the order first stored', () => {
    const table = new ContactTable<Contact>();
    const ann = contact('ann', 'Ann Ö\'Brien "the first"');
    const bob = contact('bob', 'Bob');
    table.set('ann', ann, { asText: true });
    table.set('bob', bob, { asText: false });
    expect(table.get('ann')).toEqual(ann);
    expect(table.get('ann')).not.toBe(table.get('ann'));
    expect(table.object('ann')).toBeUndefined();
    expect(table.get('bob')).toBe(bob);
    expect(table.stored('bob')).toBeUndefined();

    // Ann's conversation opens: held as an object, parsed once; it closes: text again.
    table.hold('ann');
    const held = table.object('ann');
    expect(held).toEqual(ann);
    expect(table.get('ann')).toBe(held);
    table.release('ann');
    expect(table.object('ann')).toBeUndefined();
    expect(table.get('ann')).toEqual(ann);

    // A contact changed keeps its place in the order.
    const renamed = { ...ann, name: 'Ann' };
    table.set('cat', contact('cat', 'Cat'), { asText: true });
    table.set('ann', renamed, { asText: true });
    expect(records(table.entries()).map((each) => each.name)).toEqual(['Ann', 'Bob', 'Cat']);
    expect(table.entries().map((entry) => (entry instanceof StoredJson ? 'text' : 'object'))).toEqual(['text', 'object', 'text']);
    expect(table.size).toBe(3);
  });

  it('reuses the text slots of contacts erased or held, and never hands one contact another one\'s text', () => {
    const table = new ContactTable<Contact>();
    for (let n = 0; n < 200; n++) table.set(`c${n}`, contact(`c${n}`, `Contact ${n}`), { asText: true });
    for (let n = 0; n < 200; n += 2) expect(table.delete(`c${n}`)).toBe(true);
    for (let n = 1; n < 200; n += 4) table.hold(`c${n}`);
    for (let n = 200; n < 400; n++) table.set(`c${n}`, contact(`c${n}`, `Contact ${n}`), { asText: true });
    for (let n = 1; n < 200; n += 4) table.release(`c${n}`);
    expect(table.size).toBe(300);
    for (let n = 0; n < 400; n++) {
      if (n < 200 && n % 2 === 0) expect(table.get(`c${n}`)).toBeUndefined();
      else expect(table.get(`c${n}`)?.name).toBe(`Contact ${n}`);
    }
    expect(table.delete('c0')).toBe(false);
  });

  it('pages the last stored first, seeing contacts that came or went since the page before', () => {
    const table = new ContactTable<Contact>();
    for (const id of ['a', 'b', 'c', 'd']) table.set(id, contact(id, id.toUpperCase()), { asText: id !== 'c' });
    const names = (page: ReturnType<typeof table.entriesBefore>) => records(page).map((each) => each.name);
    expect(names(table.entriesBefore(undefined, 3))).toEqual(['D', 'C', 'B']);
    expect(names(table.entriesBefore('b', 3))).toEqual(['A']);
    table.set('e', contact('e', 'E'), { asText: true });
    table.delete('b');
    table.set('a', contact('a', 'A2'), { asText: false });
    expect(names(table.entriesBefore(undefined, 10))).toEqual(['E', 'D', 'C', 'A2']);
    expect(names(table.entriesBefore('c', 10))).toEqual(['A2']);
    expect(table.entriesBefore('b', 10)).toEqual([]);
  });
});

describe('the embedded store with contacts and conversations held as text', () => {
  it('closes, reopens, moves an address and compacts (whole snapshots and deltas) without changing what it returns', async () => {
    const dir = await tempDirs.make();
    // A compaction after every commit, and a whole snapshot whenever the deltas add up to the records.
    const store = await openIn(dir, { compactAfterBytes: 1 });
    await store.transaction('setup', async (tx) => {
      for (const name of ['ann', 'bob', 'cat']) tx.putContact({ ...webContact(name), name: `${name} «${name.toUpperCase()}»` });
      tx.putConversation(webConversation(1, 'ann', 'closed'));
      tx.putConversation(webConversation(2, 'bob', 'open'));
      tx.putConversation(webConversation(3, 'cat', 'closed'));
      tx.addMessage(inbound('ann', 1, 'ann-1'));
    });
    // Ann writes again: a new conversation opens, her contact is read and changed.
    await store.transaction('ann', async (tx) => {
      const ann = (await tx.contactByIdentity('webchat', 'ann')) as Contact;
      expect(await tx.openConversationOf(ann.id)).toBeUndefined();
      expect((await tx.latestConversationOf(ann.id))?.id).toBe(1);
      ann.fields.email = 'ann@example.com';
      tx.putContact(ann);
      tx.putConversation(webConversation(4, ann.id, 'open'));
    });
    // Bob's conversation closes, and his address moves to Cat, whose contact is text.
    await store.transaction('bob', async (tx) => {
      const bob = (await tx.contact('bob')) as Contact;
      const cat = (await tx.contact('cat')) as Contact;
      const open = (await tx.openConversationOf('bob')) as Conversation;
      open.status = 'closed';
      tx.putConversation(open);
      cat.identities.push(...bob.identities);
      bob.identities = [];
      tx.putContact(bob);
      tx.putContact(cat);
    });
    // A closed conversation changed after closing (a rating).
    await store.transaction('cat', async (tx) => {
      const closed = (await tx.conversation(3)) as Conversation;
      closed.fields.rating = '5';
      tx.putConversation(closed);
    });
    const before = await store.everything();
    expect(before.conversations.map((c) => [c.id, c.status, c.fields.rating])).toEqual([[1, 'closed', undefined], [2, 'closed', undefined], [3, 'closed', '5'], [4, 'open', undefined]]);
    expect(before.contacts.find((c) => c.id === 'ann')?.fields.email).toBe('ann@example.com');
    expect((await store.contactByIdentity('webchat', 'bob'))?.id).toBe('cat');
    expect(await store.contacts()).toEqual(before.contacts);
    expect(await store.conversations()).toEqual(before.conversations);
    await store.close();

    const reopened = await openIn(dir);
    // Messages aside: \`everything\` lists those in memory, and the archive holds Ann's after reopening.
    expect({ ...(await reopened.everything()), messages: [] }).toEqual({ ...before, messages: [] });
    expect((await reopened.messagesOfContact('ann')).map((m) => m.text)).toEqual(['ann-1']);
    expect((await reopened.contactByIdentity('webchat', 'bob'))?.id).toBe('cat');
    expect((await reopened.openConversations()).map((c) => c.id)).toEqual([4]);
    expect(await reopened.eraseContact('cat')).toMatchObject({ conversations: 1 });
    expect((await reopened.conversations()).map((c) => c.id)).toEqual([1, 2, 4]);
    await reopened.close();
  });
});
