// Merging two contacts (`Tx.mergeContact`): a customer whose new address made a contact of its own before the channel
// said it was theirs. One contact afterwards, with the other's conversations and messages, for good (after a restart
// too), once however often it is asked, and a message racing the merge lands on the contact that stays.
import { expect, it } from 'vitest';
import { ConflictError } from '../../../src/store/errors.ts';
import { CONTACT_MERGES, type Store, type Tx } from '../../../src/store/types.ts';
import { contact, conversation, inbound, outbound } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { gate } from './timing.ts';

/** Ann (address `ann`) with closed conversation 1; "nina" (address `ann-new`) with open conversation 2. */
async function setup(store: Store): Promise<void> {
  await store.transaction('setup', async (tx) => {
    tx.putContact({ ...contact('ann'), fields: { email: 'ann@example.com' } });
    tx.putContact(contact('nina', 'webchat', 'ann-new'));
    tx.putConversation(conversation(1, 'ann', 'closed'));
    tx.putConversation({ ...conversation(2, 'nina'), stage: 'queued', team: 'Billing' });
    tx.addMessage(inbound('ann', 1, 'ann-m1', 'my order never came', 'ann'));
    tx.addMessage(outbound('ann', 1, 'sorry Ann', 'ann'));
    tx.addMessage(inbound('nina', 2, 'nina-m1', 'it is me, new number', 'ann-new'));
  });
}

/** The merge as the runtime does it: Ann takes the new address, "nina" becomes part of her. */
async function merge(tx: Tx): Promise<boolean> {
  const ann = await tx.contact('ann');
  if (!ann || !(await tx.contact('nina'))) return false;
  if (!(await tx.mergeContact('nina', 'ann'))) return false;
  ann.identities = [{ channel: 'webchat', id: 'ann-new' }];
  tx.putContact(ann);
  return true;
}

async function oneContact(store: Store): Promise<void> {
  expect(await store.contact('nina')).toBeUndefined();
  expect((await store.contacts()).map((each) => each.id)).toEqual(['ann']);
  expect(await store.contactByIdentity('webchat', 'ann-new')).toMatchObject({ id: 'ann', fields: { email: 'ann@example.com' } });
  expect(await store.contactByIdentity('webchat', 'ann')).toBeUndefined();
  expect((await store.conversationsOfContacts(['ann'])).map((each) => [each.id, each.contactId, each.status])).toEqual([[1, 'ann', 'closed'], [2, 'ann', 'open']]);
  expect(await store.conversationsOfContacts(['nina'])).toEqual([]);
  expect((await store.openConversations({ stage: 'queued', team: 'Billing' })).map((each) => [each.id, each.contactId])).toEqual([[2, 'ann']]);
  expect((await store.conversation(2))?.contactId).toBe('ann');
  expect((await store.messagesOfContact('ann')).map((m) => [m.text, m.contactId])).toEqual([
    ['my order never came', 'ann'], ['sorry Ann', 'ann'], ['it is me, new number', 'ann'],
  ]);
  expect(await store.messagesOfContact('nina')).toEqual([]);
  expect((await store.messagesOfConversation(2)).map((m) => m.contactId)).toEqual(['ann']);
  expect((await store.messageByChannelId('webchat', 'nina-m1'))?.contactId).toBe('ann');
  expect(await store.doc(CONTACT_MERGES, 'nina')).toMatchObject({ into: 'ann' });
}

/** `Tx.mergeContact`, on stores from `open`. */
export function merging(open: OpenStore): void {
  it('makes one contact of two: conversations, messages and addresses the kept one\'s, the other gone, after a restart too', async () => {
    const { store, reopen } = await open();
    await setup(store);
    expect(await store.transaction('merge', merge)).toBe(true);
    await oneContact(store);
    // A second notice of the same change finds nothing to merge.
    expect(await store.transaction('merge', merge)).toBe(false);
    await oneContact(await reopen());
    // Her next message, and a later one after a restart, are hers.
    const again = await reopen();
    await again.transaction('webchat:ann-new', async (tx) => {
      const owner = await tx.contactByIdentity('webchat', 'ann-new');
      tx.addMessage(inbound(owner!.id, 2, 'nina-m2', 'any news?', 'ann-new'));
    });
    expect((await again.messagesOfContact('ann')).map((m) => m.text)).toEqual(['my order never came', 'sorry Ann', 'it is me, new number', 'any news?']);
  });

  it('refuses to leave the kept contact with two open conversations, and merges once the work closed one', async () => {
    const { store } = await open();
    await setup(store);
    await store.transaction('reopen', async (tx) => {
      const first = await tx.conversation(1);
      first!.status = 'open';
      tx.putConversation(first!);
    });
    await expect(store.transaction('merge', merge, { attempts: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect(await store.contact('nina')).toBeDefined();
    expect((await store.messagesOfContact('nina')).map((m) => m.text)).toEqual(['it is me, new number']);
    await store.transaction('merge', async (tx) => {
      const newer = await tx.conversation(2);
      newer!.status = 'closed';
      tx.putConversation(newer!);
      await merge(tx);
    });
    expect((await store.conversationsOfContacts(['ann'])).map((each) => [each.id, each.status])).toEqual([[1, 'open'], [2, 'closed']]);
    expect((await store.openConversations()).map((each) => [each.id, each.contactId])).toEqual([[1, 'ann']]);
  });

  it('keeps a message racing the merge: stored before, it moves with her; stored after, on her', async () => {
    for (const messageFirst of [true, false]) {
      const { store } = await open();
      await setup(store);
      const read = gate();
      const go = gate();
      // The customer's message reads "nina" and waits; the merge commits meanwhile, or the other way round.
      const message = store.transaction('webchat:ann-new', async (tx) => {
        const owner = await tx.contactByIdentity('webchat', 'ann-new');
        const open = await tx.openConversationOf(owner!.id);
        read.open();
        if (!messageFirst) await go.wait;
        tx.addMessage(inbound(owner!.id, open!.id, 'race', 'are you there?', 'ann-new'));
      });
      await read.wait;
      const merged = store.transaction('merge', async (tx) => {
        const done = await merge(tx);
        if (messageFirst) await message;
        return done;
      });
      if (!messageFirst) {
        await merged;
        go.open();
      }
      await Promise.all([message, merged]);
      expect(await store.contact('nina')).toBeUndefined();
      const ofAnn = await store.messagesOfContact('ann');
      expect(ofAnn.map((m) => [m.text, m.contactId, m.conversationId])).toContainEqual(['are you there?', 'ann', 2]);
      expect(await store.messagesOfContact('nina')).toEqual([]);
    }
  });
}
