// The store's indexed queries: open conversations, messages by channel message id, all contacts; live, inside a
// transaction, and after a restart (from the journal, and from the snapshot and archive after compaction).
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import type { LowdbStoreOptions } from '../../src/store/lowdb.ts';
import { contact, conversation, handleMessage, inbound, outbound, tempDirs } from './helpers.ts';

afterEach(() => tempDirs.cleanup());

/** Reopening after a clean close reads the journal; with `compactAfterBytes: 1` every commit is compacted away. */
const restarts: [string, Partial<LowdbStoreOptions>][] = [
  ['the journal', {}],
  ['the snapshot and archive after compaction', { compactAfterBytes: 1 }],
];

describe('openConversations', () => {
  it.each(restarts)('lists open conversations oldest first as they open, close and reopen, also after a restart from %s', async (_from, options) => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir, ...options });
    expect(await store.openConversations()).toEqual([]);
    await store.transaction('setup', async (tx) => {
      for (const who of ['ann', 'bob', 'cid']) tx.putContact(contact(who));
      tx.putConversation(conversation(3, 'cid'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putConversation(conversation(2, 'bob', 'closed'));
    });
    expect((await store.openConversations()).map((c) => c.id)).toEqual([1, 3]);

    await store.transaction('ann', async (tx) => tx.putConversation({ ...conversation(1, 'ann'), status: 'closed', closedAt: 'now' }));
    expect((await store.openConversations()).map((c) => c.id)).toEqual([3]);
    // An old conversation opened again goes back to its place by id.
    await store.transaction('bob', async (tx) => tx.putConversation(conversation(2, 'bob')));
    await store.transaction('ann', async (tx) => tx.putConversation(conversation(4, 'ann')));
    const open = await store.openConversations();
    expect(open.map((c) => [c.id, c.contactId, c.status])).toEqual([
      [2, 'bob', 'open'],
      [3, 'cid', 'open'],
      [4, 'ann', 'open'],
    ]);
    // Copies: changing what it returned changes nothing stored.
    if (open[0]) open[0].status = 'closed';
    expect((await store.openConversations()).map((c) => c.id)).toEqual([2, 3, 4]);
    await store.close();

    const reopened = await openStore({ dir, ...options });
    expect(await reopened.openConversations()).toEqual((await reopened.conversations()).filter((c) => c.status === 'open'));
    expect((await reopened.openConversations()).map((c) => c.id)).toEqual([2, 3, 4]);
    await reopened.close();
  });

  it('shows a transaction the conversations it opened and closed itself, and nobody else before it commits', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putContact(contact('bob'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putConversation(conversation(2, 'bob'));
    });
    await store.transaction('ann', async (tx) => {
      tx.putConversation({ ...conversation(1, 'ann'), status: 'closed' });
      tx.putConversation(conversation(await tx.newConversationId(), 'ann'));
      tx.putConversation({ ...conversation(2, 'bob'), stage: 'queued' });
      const seen = await tx.openConversations();
      expect(seen.map((c) => [c.id, c.stage])).toEqual([
        [2, 'queued'],
        [3, 'bot'],
      ]);
      expect((await store.openConversations()).map((c) => [c.id, c.stage])).toEqual([
        [1, 'bot'],
        [2, 'bot'],
      ]);
    });
    expect((await store.openConversations()).map((c) => [c.id, c.stage])).toEqual([
      [2, 'queued'],
      [3, 'bot'],
    ]);
    // A transaction that fails leaves the index as it was.
    await expect(
      store.transaction('bob', async (tx) => {
        tx.putConversation({ ...conversation(2, 'bob'), status: 'closed' });
        expect((await tx.openConversations()).map((c) => c.id)).toEqual([3]);
        throw new Error('step crashed');
      }),
    ).rejects.toThrow('step crashed');
    expect((await store.openConversations()).map((c) => c.id)).toEqual([2, 3]);
    await store.close();
  });
});

describe('messageByChannelId', () => {
  it.each(restarts)('finds inbound messages, and outbound ones once markDelivery recorded their id, also after a restart from %s', async (_from, options) => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir, ...options });
    const [received, first, second] = await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'in-1'));
    expect(await store.messageByChannelId('webchat', 'in-1')).toEqual(received);
    expect(await store.messageByChannelId('telegram', 'in-1')).toBeUndefined();
    expect(await store.messageByChannelId('webchat', 'wire-1')).toBeUndefined();

    await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-1' });
    await store.markDelivery(second?.id ?? 0, { error: 'blocked by user' });
    const sent = await store.messageByChannelId('webchat', 'wire-1');
    expect(sent).toMatchObject({ id: first?.id, direction: 'out', status: 'sent', channelMessageId: 'wire-1', text: first?.text });
    // A message sent again under a new channel id is found by the new one only.
    await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-2' });
    expect(await store.messageByChannelId('webchat', 'wire-1')).toBeUndefined();
    expect((await store.messageByChannelId('webchat', 'wire-2'))?.id).toBe(first?.id);
    await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'in-2'));
    const expected = {
      in1: await store.messageByChannelId('webchat', 'in-1'),
      in2: await store.messageByChannelId('webchat', 'in-2'),
      wire2: await store.messageByChannelId('webchat', 'wire-2'),
    };
    expect(expected.in2).toMatchObject({ direction: 'in', contactId: (await store.contactByIdentity('webchat', 'bob'))?.id });
    await store.close();

    const reopened = await openStore({ dir, ...options });
    expect({
      in1: await reopened.messageByChannelId('webchat', 'in-1'),
      in2: await reopened.messageByChannelId('webchat', 'in-2'),
      wire2: await reopened.messageByChannelId('webchat', 'wire-2'),
    }).toEqual(expected);
    expect(await reopened.messageByChannelId('webchat', 'wire-1')).toBeUndefined();
    const inTx = await reopened.transaction('ann', async (tx) => ({
      wire2: await tx.messageByChannelId('webchat', 'wire-2'),
      in1: await tx.messageByChannelId('webchat', 'in-1'),
    }));
    expect(inTx).toEqual({ wire2: expected.wire2, in1: expected.in1 });
    await reopened.close();
  });

  it('shows a transaction the messages it added itself (id 0 until commit), and nobody else before it commits', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const added = await store.transaction('ann', async (tx) => {
      const message = tx.addMessage(inbound('ann', 1, 'in-9'));
      expect(await tx.messageByChannelId('webchat', 'in-9')).toMatchObject({ id: 0, text: 'in-9', direction: 'in' });
      expect(await store.messageByChannelId('webchat', 'in-9')).toBeUndefined();
      tx.addMessage({ ...outbound('ann', 1, 'already sent'), status: 'sent', channelMessageId: 'out-9' });
      expect((await tx.messageByChannelId('webchat', 'out-9'))?.text).toBe('already sent');
      return message;
    });
    expect((await store.messageByChannelId('webchat', 'in-9'))?.id).toBe(added.id);
    expect((await store.messageByChannelId('webchat', 'out-9'))?.text).toBe('already sent');
    await store.close();
  });

  it('returns the newest message when two share a channel message id, the same way after a restart', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir, compactAfterBytes: 1 });
    const [pending] = await store.transaction('ann', async (tx) => [tx.addMessage(outbound('ann', 1, 'older'))]);
    await store.transaction('ann', async (tx) => tx.addMessage(inbound('ann', 1, 'same-id', 'newer')));
    // Recorded after the newer one arrived: the newer one still wins.
    await store.markDelivery(pending?.id ?? 0, { channelMessageId: 'same-id' });
    expect((await store.messageByChannelId('webchat', 'same-id'))?.text).toBe('newer');
    await store.close();
    const reopened = await openStore({ dir });
    expect((await reopened.messageByChannelId('webchat', 'same-id'))?.text).toBe('newer');
    await reopened.close();
  });
});

describe('contacts', () => {
  it('lists every contact in the order first stored, as copies, also after a restart', async () => {
    const dir = await tempDirs.make();
    const store = await openStore({ dir });
    expect(await store.contacts()).toEqual([]);
    await store.transaction('a', async (tx) => {
      tx.putContact(contact('zed'));
      tx.putContact(contact('amy'));
    });
    await store.transaction('b', async (tx) => tx.putContact(contact('bob')));
    await store.transaction('a', async (tx) => tx.putContact({ ...contact('zed'), name: 'Zed Z.' }));
    const all = await store.contacts();
    expect(all.map((c) => [c.id, c.name])).toEqual([
      ['zed', 'Zed Z.'],
      ['amy', 'Name amy'],
      ['bob', 'Name bob'],
    ]);
    all[0]?.tags.push('changed outside');
    expect((await store.contact('zed'))?.tags).toEqual([]);
    await store.close();
    const reopened = await openStore({ dir });
    expect(await reopened.contacts()).toEqual(await Promise.all(['zed', 'amy', 'bob'].map((id) => reopened.contact(id))));
    await reopened.close();
  });
});
