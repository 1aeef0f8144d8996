// The data-protection erase: a contact, their conversations and their messages gone from every query, for good
// (after a restart too), without touching anyone else, and without a concurrent transaction bringing them back.
import { expect, it } from 'vitest';
import type { Message } from '../../../src/store/types.ts';
import { contact, conversation, inbound, outbound } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { pause } from './timing.ts';

/** What a store answers about one contact, to compare with "never existed". */
async function traces(store: Awaited<ReturnType<OpenStore>>['store'], contactId: string, address: string, conversationIds: number[]) {
  return {
    contact: await store.contact(contactId),
    byIdentity: await store.contactByIdentity('webchat', address),
    conversations: (await store.conversations()).filter((c) => c.contactId === contactId || conversationIds.includes(c.id)),
    open: (await store.openConversations()).filter((c) => c.contactId === contactId),
    ofContact: await store.messagesOfContact(contactId),
    ofConversations: (await Promise.all(conversationIds.map((id) => store.messagesOfConversation(id)))).flat(),
    ofAddress: await store.messagesOfAddress('webchat', address),
    byChannelId: await store.messageByChannelId('webchat', `${contactId}-m1`),
    pending: (await store.pendingOutbound()).filter((m) => m.contactId === contactId),
    lastInbound: await store.lastInboundAt('webchat', address),
    lastId: await store.lastMessageIdOfAddress('webchat', address),
  };
}

const gone = { contact: undefined, byIdentity: undefined, conversations: [], open: [], ofContact: [], ofConversations: [], ofAddress: [], byChannelId: undefined, pending: [], lastInbound: undefined, lastId: 0 };

/** `eraseContact`, on stores from `open`. */
export function erase(open: OpenStore): void {
  it('erases a contact with their conversations, messages and file refs, leaves others as they were, and stays erased after a restart', async () => {
    const { store, reopen } = await open();
    const photo: Omit<Message, 'id'> = { ...inbound('ann', 2, 'ann-photo', 'my receipt'), attachments: [{ kind: 'image', mime: 'image/png', ref: 'a'.repeat(32) }, { kind: 'location', location: { latitude: 1, longitude: 2 } }] };
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putContact(contact('bob'));
      tx.putConversation(conversation(1, 'ann', 'closed'));
      tx.putConversation({ ...conversation(2, 'ann'), stage: 'queued', team: 'Billing' });
      tx.putConversation(conversation(3, 'bob'));
      tx.addMessage(inbound('ann', 1, 'ann-m1', 'my card number is 4111'));
      tx.addMessage(outbound('ann', 1, 'thanks Ann'));
      tx.addMessage(photo);
      // A note and an agent's notice about Ann's conversation, kept under no contact.
      tx.addMessage({ conversationId: 2, channel: 'webchat', address: 'agent-omar', direction: 'out', from: 'bot', toAgent: true, text: '#2 Ann: my receipt', at: '2025-01-01T00:00:00.000Z', status: 'pending' });
      tx.addMessage(inbound('bob', 3, 'bob-m1', 'hello'));
      tx.putDoc('agents', 'omar', { status: 'online' });
    });
    const bobBefore = await traces(store, 'bob', 'bob', [3]);
    const countBefore = await store.messageCount();

    const erased = await store.eraseContact('ann');
    expect(erased).toEqual({ conversations: 2, messages: 4, files: ['a'.repeat(32)], removed: [conversation(1, 'ann', 'closed'), { ...conversation(2, 'ann'), stage: 'queued', team: 'Billing' }] });
    expect(await traces(store, 'ann', 'ann', [1, 2])).toEqual(gone);
    expect(await store.messagesOfAddress('webchat', 'agent-omar')).toEqual([]);
    expect(await store.messageCount()).toBe(countBefore - 4);
    expect(await traces(store, 'bob', 'bob', [3])).toEqual(bobBefore);
    expect(await store.doc('agents', 'omar')).toEqual({ status: 'online' });

    const reopened = await reopen();
    expect(await traces(reopened, 'ann', 'ann', [1, 2])).toEqual(gone);
    expect(await traces(reopened, 'bob', 'bob', [3])).toEqual(bobBefore);
    expect(await reopened.messageCount()).toBe(countBefore - 4);

    // Ann writing again is a new contact; ids are not handed out twice, and her old message id may be stored again.
    const ids = await reopened.transaction('webchat:ann', async (tx) => {
      expect(await tx.contactByIdentity('webchat', 'ann')).toBeUndefined();
      expect(await tx.hasInbound('webchat', 'ann-m1')).toBe(false);
      const id = await tx.newContactId();
      tx.putContact(contact(id, 'webchat', 'ann'));
      const opened = conversation(await tx.newConversationId(), id);
      tx.putConversation(opened);
      tx.addMessage(inbound(id, opened.id, 'ann-m1', 'hello again', 'ann'));
      return { contactId: id, conversationId: opened.id };
    });
    expect(ids.conversationId).toBeGreaterThan(3);
    const [again] = await reopened.messagesOfContact(ids.contactId);
    expect(again!.id).toBeGreaterThan(5);
    expect(await (await reopen()).contactByIdentity('webchat', 'ann')).toMatchObject({ id: ids.contactId });
  });

  it('deletes the documents named with the erase in the same step, puts its notice of what it removed, and gives the conversations it removed as they were then', async () => {
    const { store, reopen } = await open();
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(1, 'ann', 'closed'));
      tx.putDoc('timelines', '1', { opened: 'by Ann' });
      tx.putDoc('webchat-sessions', 'ann', { name: 'Ann' });
      tx.putDoc('webchat-sessions', 'bob', { name: 'Bob' });
    });
    // One opened after the caller looked at hers, before the erase: removed, and given back with the others.
    await store.transaction('webchat:ann', async (tx) => tx.putConversation({ ...conversation(2, 'ann'), stage: 'assigned', agentId: 'omar' }));
    const notice = { collection: 'erase-notices', key: 'ann', value: (removed: readonly { id: number; agentId?: string }[]) => ({ told: removed.map((c) => [c.id, c.agentId ?? null]) }) };
    const erased = await store.eraseContact('ann', { docs: [['timelines', '1'], ['webchat-sessions', 'ann'], ['timelines', 'never-there']], notice });
    expect(erased.removed).toEqual([conversation(1, 'ann', 'closed'), { ...conversation(2, 'ann'), stage: 'assigned', agentId: 'omar' }]);
    // Nothing removed, no notice.
    await store.eraseContact('nobody', { notice: { ...notice, key: 'nobody' } });
    const docs = async (reader: typeof store) => ({
      timeline: await reader.doc('timelines', '1'), session: await reader.doc('webchat-sessions', 'ann'),
      never: await reader.doc('timelines', 'never-there'), bob: await reader.doc('webchat-sessions', 'bob'),
      notice: await reader.doc('erase-notices', 'ann'), none: await reader.doc('erase-notices', 'nobody'),
    });
    const left = { timeline: undefined, session: undefined, never: undefined, bob: { name: 'Bob' }, notice: { told: [[1, null], [2, 'omar']] }, none: undefined };
    expect(await docs(store)).toEqual(left);
    expect(await docs(await reopen())).toEqual(left);
  });

  it('puts, in the same step, the document naming the files it removes (none for a contact without files), there after a restart too', async () => {
    const { store, reopen } = await open();
    const file = (ref: string): Omit<Message, 'id'> => ({ ...inbound('ann', 1, `ann-${ref}`, 'my receipt'), attachments: [{ kind: 'image', mime: 'image/png', ref }] });
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putContact(contact('bob'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putConversation(conversation(2, 'bob'));
      tx.addMessage(file('a'.repeat(32)));
      tx.addMessage(file('b'.repeat(32)));
      tx.addMessage(inbound('bob', 2, 'bob-m1', 'hello'));
    });
    const erased = await store.eraseContact('ann', { files: { collection: 'erased-files', key: 'ann' } });
    expect([...erased.files].sort()).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    await store.eraseContact('bob', { files: { collection: 'erased-files', key: 'bob' } });
    const named = async (reader: typeof store) => ({
      ann: [...((await reader.doc<{ files: string[] }>('erased-files', 'ann'))?.files ?? [])].sort(), bob: await reader.doc('erased-files', 'bob'),
    });
    const left = { ann: ['a'.repeat(32), 'b'.repeat(32)], bob: undefined };
    expect(await named(store)).toEqual(left);
    expect(await named(await reopen())).toEqual(left);
  });

  it('erases nothing for an unknown contact', async () => {
    const { store } = await open();
    await store.transaction('setup', async (tx) => tx.putContact(contact('bob')));
    expect(await store.eraseContact('nobody')).toEqual({ conversations: 0, messages: 0, files: [], removed: [] });
    expect(await store.contact('bob')).toMatchObject({ id: 'bob' });
  });

  it('runs again a transaction that read the contact before the erase and commits after it, so nothing of them comes back', async () => {
    const { store } = await open();
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(1, 'ann'));
    });
    let runs = 0;
    let erasing: Promise<unknown> | undefined;
    const writer = store.transaction('webchat:ann', async (tx) => {
      runs += 1;
      const known = await tx.contactByIdentity('webchat', 'ann');
      const open = known && (await tx.openConversationOf(known.id));
      if (runs === 1) {
        erasing = store.eraseContact('ann');
        await erasing;
        await pause();
      }
      if (known && open) {
        known.fields.email = 'ann@example.com';
        tx.putContact(known);
        open.fields.need = 'refund';
        tx.putConversation(open);
        tx.addMessage(inbound(known.id, open.id, 'late', 'late message'));
      }
      return known?.id;
    });
    expect(await writer).toBeUndefined();
    expect(runs).toBe(2);
    expect(await store.contact('ann')).toBeUndefined();
    expect(await store.conversation(1)).toBeUndefined();
    expect(await store.messageByChannelId('webchat', 'late')).toBeUndefined();
  });
}
