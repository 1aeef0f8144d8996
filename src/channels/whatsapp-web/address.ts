// WhatsApp Web's chat ids and the addresses the rest of Switchboard uses for WhatsApp. A phone chat
// (`15551234567@c.us`) is the number's digits with the country code, as team.yaml's `whatsapp:` writes it; a chat
// WhatsApp names by its privacy id (`1234567890@lid`) is `lid:1234567890`. A lid says nothing about the number behind
// it: the two are linked only when WhatsApp tells (ChannelHost.updateIdentity), never by reading one in the other.

/** What a chat id names. Only `person` chats are conversations with a customer or an agent. */
export type ChatKind = 'person' | 'group' | 'status' | 'newsletter' | 'broadcast' | 'other';

const PHONE_CHAT = /^(\d{5,20})@c\.us$/;
const LID_CHAT = /^(\d{1,40})@lid$/;

/**
 * What kind of chat an id names.
 *
 *     chatKind('15551234567@c.us'); // 'person'
 *     chatKind('status@broadcast'); // 'status'
 */
export function chatKind(chatId: string): ChatKind {
  if (PHONE_CHAT.test(chatId) || LID_CHAT.test(chatId)) return 'person';
  if (chatId.endsWith('@g.us')) return 'group';
  if (chatId === 'status@broadcast') return 'status';
  if (chatId.endsWith('@newsletter')) return 'newsletter';
  if (chatId.endsWith('@broadcast')) return 'broadcast';
  return 'other';
}

/**
 * The address of a person's chat, or undefined for any other chat.
 *
 *     addressOf('15551234567@c.us'); // '15551234567'
 *     addressOf('98765@lid');        // 'lid:98765'
 */
export function addressOf(chatId: string): string | undefined {
  const phone = PHONE_CHAT.exec(chatId);
  if (phone) return phone[1];
  const lid = LID_CHAT.exec(chatId);
  return lid ? `lid:${lid[1]}` : undefined;
}

/**
 * The chat id of an address, or undefined when it is not one of ours.
 *
 *     chatIdOf('15551234567'); // '15551234567@c.us'
 *     chatIdOf('lid:98765');   // '98765@lid'
 */
export function chatIdOf(address: string): string | undefined {
  if (/^\d{5,20}$/.test(address)) return `${address}@c.us`;
  const lid = /^lid:(\d{1,40})$/.exec(address);
  return lid ? `${lid[1]}@lid` : undefined;
}
