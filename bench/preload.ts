// Writes a history of `count` messages straight into an embedded store's files (messages.jsonl and state.json, as a
// compaction leaves them), in seconds where committing them one by one would take minutes: 10 messages per
// conversation, 2 conversations per contact, all closed, on the Telegram channel.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contact, Conversation, Message } from '../src/store/types.ts';
import type { Snapshot } from '../src/store/state.ts';

const perConversation = 10;
const conversationsPerContact = 2;

/**
 * Fills `storeDir` (an empty embedded store's folder) with `count` messages of history.
 *
 *     await preloadStore(join(dataDir, 'store'), 1_000_000);
 */
export async function preloadStore(storeDir: string, count: number): Promise<void> {
  await mkdir(storeDir, { recursive: true });
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const conversationCount = Math.ceil(count / perConversation);
  const contacts: Contact[] = [];
  const conversations: Conversation[] = [];
  const archive = createWriteStream(join(storeDir, 'messages.jsonl'));
  let chunk: string[] = [];
  let messageId = 0;
  for (let c = 1; c <= conversationCount; c++) {
    const n = Math.ceil(c / conversationsPerContact);
    const contactId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const address = String(900_000_000 + n);
    if ((c - 1) % conversationsPerContact === 0) {
      contacts.push({ id: contactId, identities: [{ channel: 'telegram', id: address }], name: `Contact ${n}`, fields: { email: `c${n}@example.com` }, tags: [], createdAt: at, updatedAt: at });
    }
    conversations.push({ id: c, contactId, channel: 'telegram', status: 'closed', stage: 'bot', fields: { need: 'an old question about an invoice' }, source: 'contact', openedAt: at, closedAt: at, closedBy: 'bot' });
    for (let m = 0; m < perConversation && messageId < count; m++) {
      messageId++;
      const inbound = m % 2 === 0;
      const message: Message = inbound
        ? { id: messageId, contactId, conversationId: c, channel: 'telegram', address, direction: 'in', from: 'contact', text: `history message ${m} of conversation ${c}`, channelMessageId: `${address}:${messageId}`, at }
        : { id: messageId, contactId, conversationId: c, channel: 'telegram', address, direction: 'out', from: 'bot', text: `an answer of the bot, number ${m} of conversation ${c}`, channelMessageId: `${address}:${messageId}`, status: 'sent', at };
      chunk.push(JSON.stringify(message));
    }
    if (chunk.length >= 10_000) {
      if (!archive.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => archive.once('drain', () => resolve()));
      chunk = [];
    }
  }
  if (chunk.length > 0) archive.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => archive.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const snapshot: Snapshot = { version: 1, seq: 0, counters: { message: messageId, conversation: conversationCount }, contacts, conversations, docs: [] };
  await writeFile(join(storeDir, 'state.json'), JSON.stringify(snapshot));
}
