// Shared helpers for the store tests: temporary store directories and realistic records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbStore, type LowdbStoreOptions } from '../../src/store/lowdb.ts';
import type { Contact, Conversation, Message, Store, Tx } from '../../src/store/types.ts';

const at = '2025-01-01T00:00:00.000Z';

/**
 * The store's own warnings that the machine is slow (src/store/lowdb.ts: commits waited for a journal sync, on a slow
 * disk or an event loop too busy to see it end), by their message: a loaded runner earns one at any commit, the
 * periodic check's included. A test counting what a store or server says about something else leaves these out, and
 * only these.
 */
export const SLOW_MACHINE_WARNING = /^(the disk is slow|the event loop was busy): commits waited for a journal sync/;

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

/** A customer's web chat message; the contact's address is its id unless given. */
export function inbound(contactId: string, conversationId: number, channelMessageId: string, text = channelMessageId, address = contactId): Omit<Message, 'id'> {
  return { contactId, conversationId, channel: 'webchat', address, direction: 'in', from: 'contact', text, channelMessageId, at };
}

export function outbound(contactId: string, conversationId: number, text: string, address = contactId): Omit<Message, 'id'> {
  return { contactId, conversationId, channel: 'webchat', address, direction: 'out', from: 'bot', text, at, status: 'pending' };
}

/**
 * What the runtime does with one customer message: find or create the contact, its open conversation, store
 * the inbound message and two bot replies. Returns the messages it added (their ids are given at commit: see
 * `storedMessages`).
 */
export async function handleMessage(tx: Tx, address: string, channelMessageId: string): Promise<Omit<Message, 'id'>[]> {
  let known = await tx.contactByIdentity('webchat', address);
  if (!known) known = contact(await tx.newContactId(), 'webchat', address);
  known.updatedAt = new Date().toISOString();
  tx.putContact(known);
  let open = await tx.openConversationOf(known.id);
  if (!open) open = conversation(await tx.newConversationId(), known.id);
  open.fields.last = channelMessageId;
  tx.putConversation(open);
  const added = [
    inbound(known.id, open.id, channelMessageId, `text of ${channelMessageId}`, address),
    outbound(known.id, open.id, `reply 1 to ${channelMessageId}`, address),
    outbound(known.id, open.id, `reply 2 to ${channelMessageId}`, address),
  ];
  for (const message of added) tx.addMessage(message);
  return added;
}

/** The three messages `handleMessage` stored for `channelMessageId`, as committed (ids included), found by their texts. */
export async function storedMessages(store: Store, address: string, channelMessageId: string): Promise<Message[]> {
  const received = await store.messageByChannelId('webchat', channelMessageId);
  if (!received) throw new Error(`no message ${channelMessageId} was stored`);
  const since = await store.messagesOfAddress('webchat', address, received.id - 1);
  return [`text of ${channelMessageId}`, `reply 1 to ${channelMessageId}`, `reply 2 to ${channelMessageId}`].map((text) => {
    const message = since.find((candidate) => candidate.text === text);
    if (!message) throw new Error(`no message "${text}" was stored for ${address}`);
    return message;
  });
}

/**
 * Everything a store holds, as plain data, to compare two stores (or one store before and after a restart):
 * `docCollections` and the messages of `addresses` (`[channel, address]`, for those kept under no contact) included.
 */
export async function dump(store: Store, docCollections: string[] = [], addresses: [string, string][] = []): Promise<unknown> {
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
    byAddress: await Promise.all(addresses.map(([channel, address]) => store.messagesOfAddress(channel, address))),
    pending: await store.pendingOutbound(),
    count: await store.messageCount(),
    docs,
  };
}
