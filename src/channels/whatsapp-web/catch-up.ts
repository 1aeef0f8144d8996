// Reads again, once the session is ready, what people wrote while it was away (logged out, waiting for a scan, the
// server down): whatsapp-web.js reports only messages that arrive while it is connected. Each 1:1 chat with unread
// messages gives the ones newer than the channel's mark (the newest message it handled) and within a window, oldest
// first; older ones stay unread and are counted in the log. The receiver handles them as if they had just come, and
// the runtime's dedup makes a message that also came live count once.
import type { Logger } from '../../shared/log.ts';
import { chatKind } from './address.ts';
import type { WaChat, WaMessage, WhatsAppClient } from './client.ts';
import { withTimeout } from './identities.ts';

export interface CatchUpOptions {
  client: WhatsAppClient;
  /** The time of the newest message the channel handled (seconds since the epoch), if it handled any. */
  mark: number | undefined;
  /** How far back to read: older messages stay unread. */
  withinMs: number;
  /** Chats read at most in one catch-up (the ones waiting longest first). */
  maxChats: number;
  /** Messages read at most in one chat (its newest). */
  maxMessages: number;
  /** Hands a message on, as the client would have. */
  missed: (message: WaMessage) => void;
  log: Logger;
  now?: () => Date;
  /** How long WhatsApp Web may take to list the chats, or one chat's messages (default 30 s). */
  timeoutMs?: number;
}

/** What one catch-up did, for the log. */
export interface CatchUpCount {
  chats: number;
  /** Messages handed on. */
  messages: number;
  /** Older than the window: left unread. */
  tooOld: number;
  /** Over the caps: left unread, for the next catch-up. */
  leftOver: number;
}

/**
 * Hands on the unread messages newer than `mark`, chat by chat; logs what it did.
 *
 *     await catchUp({ client, mark, withinMs: 86_400_000, maxChats: 50, maxMessages: 20, missed, log });
 */
export async function catchUp(options: CatchUpOptions): Promise<CatchUpCount> {
  const { client, mark, log, maxChats, maxMessages } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const since = Math.floor(((options.now ?? (() => new Date()))().getTime() - options.withinMs) / 1000);
  const count: CatchUpCount = { chats: 0, messages: 0, tooOld: 0, leftOver: 0 };
  const unread = (await withTimeout(client.chats(), timeoutMs))
    .filter((chat) => personal(chat) && chat.id !== client.ownId() && chat.unreadCount > 0)
    // A chat whose last activity the channel has seen holds nothing new for it (an agent's conversation stays unread).
    .filter((chat) => mark === undefined || chat.timestamp === undefined || chat.timestamp >= mark)
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  const old = unread.filter((chat) => chat.timestamp !== undefined && chat.timestamp < since);
  for (const chat of old) count.tooOld += chat.unreadCount;
  const recent = unread.filter((chat) => !old.includes(chat));
  for (const chat of recent.slice(maxChats)) count.leftOver += chat.unreadCount;
  for (const chat of recent.slice(0, maxChats)) {
    const messages = await withTimeout(client.chatMessages(chat.id, Math.min(chat.unreadCount, maxMessages)), timeoutMs);
    count.leftOver += Math.max(0, chat.unreadCount - maxMessages);
    let handed = 0;
    for (const message of messages) {
      if (message.fromMe) continue;
      const at = message.timestamp;
      // The one at the mark's second may not have been handled: the dedup makes it count once.
      if (at !== undefined && mark !== undefined && at < mark) continue;
      if (at !== undefined && at < since) {
        count.tooOld++;
        continue;
      }
      options.missed(message);
      handed++;
    }
    count.messages += handed;
    if (handed > 0) count.chats++;
  }
  const { messages, chats, tooOld, leftOver } = count;
  if (messages > 0 || tooOld > 0 || leftOver > 0) {
    log.info({ messages, chats, tooOld, leftOver, withinHours: options.withinMs / 3_600_000 },
      `WhatsApp Web read ${messages} message(s) written while it was away` +
        (tooOld > 0 ? `; ${tooOld} older than the window were skipped and left unread` : '') +
        (leftOver > 0 ? `; ${leftOver} over the catch-up's limits were left unread` : ''));
  }
  return count;
}

/** A person's chat: not a group, a status, a newsletter or a broadcast list. */
function personal(chat: WaChat): boolean {
  return !chat.isGroup && chatKind(chat.id) === 'person';
}
