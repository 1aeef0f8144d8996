// Which of two messages of one Telegram chat came first. Telegram numbers the messages of a chat in the order they
// come into it, the bot's and the person's alike (a private chat, or a supergroup across its topics): the agent's
// /close and the relay sent to them after it compare by their message_id.

/**
 * Whether the message `id` came into its chat after `than`, both as this channel names messages (`<chat>:<message
 * id>`); undefined for two chats, or an id that names no sent message.
 *
 *     cameAfter('9001:312', '9001:310'); // true
 *     cameAfter('9001:312', '5001:400'); // undefined
 */
export function cameAfter(id: string, than: string): boolean | undefined {
  const a = parse(id);
  const b = parse(than);
  if (!a || !b || a.chat !== b.chat) return undefined;
  return a.message > b.message;
}

function parse(id: string): { chat: string; message: number } | undefined {
  const match = /^(-?\d+):(\d+)$/.exec(id);
  const message = Number(match?.[2]);
  return match && Number.isSafeInteger(message) ? { chat: match[1]!, message } : undefined;
}
