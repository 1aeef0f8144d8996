// Shared helpers for the store tests: temporary store directories and realistic records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbStore, type LowdbStoreOptions } from '../../src/store/lowdb.ts';
import type { Contact, Conversation, Message, Store, Tx } from '../../src/store/types.ts';

const at = '2025-01-01T00:00:00.000Z';

/** A fresh directory under the OS temp dir; `cleanup` removes every one made so far. */
export const tempDirs = {
  made: [] as string[],
  async make(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-store-'));
    this.made.push(dir);
    return dir;
  },
  async cleanup(): Promise<void> {
    await Promise.all(this.made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  },
};

/** Opens a LowdbStore in `dir`. */
export async function openIn(dir: string, options: Partial<LowdbStoreOptions> = {}): Promise<LowdbStore> {
  const store = new LowdbStore({ dir, ...options });
  await store.open();
  return store;
}

export function contact(id: string, channel = 'webchat', address = id): Contact {
  return { id, identities: [{ channel, id: address }], name: `Name ${id}`, fields: {}, tags: [], createdAt: at, updatedAt: at };
}

export function conversation(id: number, contactId: string, status: Conversation['status'] = 'open'): Conversation {
  return { id, contactId, channel: 'webchat', status, stage: 'bot', fields: {}, source: 'contact', openedAt: at };
}

export function inbound(contactId: string, conversationId: number, channelMessageId: string, text = channelMessageId): Omit<Message, 'id'> {
  return { contactId, conversationId, channel: 'webchat', direction: 'in', from: 'contact', text, channelMessageId, at };
}

export function outbound(contactId: string, conversationId: number, text: string): Omit<Message, 'id'> {
  return { contactId, conversationId, channel: 'webchat', direction: 'out', from: 'bot', text, at, status: 'pending' };
}

/**
 * What the runtime does with one customer message: find or create the contact, its open conversation, store
 * the inbound message and two bot replies. Returns the stored messages (ids known once committed).
 */
export async function handleMessage(tx: Tx, address: string, channelMessageId: string): Promise<Message[]> {
  let known = await tx.contactByIdentity('webchat', address);
  if (!known) known = contact(await tx.newContactId(), 'webchat', address);
  tx.putContact({ ...known, updatedAt: new Date().toISOString() });
  let open = await tx.openConversationOf(known.id);
  if (!open) open = conversation(await tx.newConversationId(), known.id);
  tx.putConversation({ ...open, fields: { ...open.fields, last: channelMessageId } });
  return [
    tx.addMessage(inbound(known.id, open.id, channelMessageId, `text of ${channelMessageId}`)),
    tx.addMessage(outbound(known.id, open.id, `reply 1 to ${channelMessageId}`)),
    tx.addMessage(outbound(known.id, open.id, `reply 2 to ${channelMessageId}`)),
  ];
}

/** Everything a store holds, as plain data, to compare two stores (or one store before and after a restart). */
export async function dump(store: Store, docCollections: string[] = []): Promise<unknown> {
  const conversations = await store.conversations();
  const contactIds = [...new Set(conversations.map((c) => c.contactId))].sort();
  const contacts = await Promise.all(contactIds.map((id) => store.contact(id)));
  const messages = await Promise.all(contactIds.map((id) => store.messagesOfContact(id)));
  const docs = await Promise.all(docCollections.map(async (name) => [name, [...(await store.docs(name))].sort()]));
  return {
    contacts,
    conversations,
    messages,
    byConversation: await Promise.all(conversations.map((c) => store.messagesOfConversation(c.id))),
    pending: await store.pendingOutbound(),
    count: await store.messageCount(),
    docs,
  };
}
