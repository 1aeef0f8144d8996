// Turns a message the client reports into what the runtime takes, or says why it is ignored. Total and without I/O:
// a file is only described here (receive.ts downloads it). Only 1:1 chats with a person are conversations: groups,
// status updates, newsletters and broadcast lists are ignored.
import { createHash } from 'node:crypto';
import { safeName } from '../../store/media.ts';
import { blank } from '../../shared/text.ts';
import type { Attachment, AttachmentKind, InboundMessage } from '../../types.ts';
import { readMarkup } from '../../shared/markup.ts';
import { addressOf, chatKind } from './address.ts';
import type { WaMessage, WaOrder, WaOrderItem, WaProduct } from './client.ts';

/** A file a message carries, still on WhatsApp's servers. */
export interface PendingFile {
  /** What is known before the download (kind, MIME type, name, caption); gets `ref` or `refused` once fetched. */
  attachment: Attachment;
  /** What WhatsApp says the file weighs, when it says: a file over the limit is refused without a download. */
  size?: number;
}

export type Decoded =
  | { kind: 'ignored'; reason: string }
  | { kind: 'message'; chatId: string; inbound: InboundMessage; file?: PendingFile };

/** WhatsApp's own bookkeeping in a chat: nothing anybody wrote. */
const SILENT_TYPES = new Set([
  'e2e_notification', 'notification', 'notification_template', 'gp2', 'group_notification', 'protocol', 'ciphertext',
  'revoked', 'call_log', 'broadcast_notification', 'debug', 'reaction', 'album', 'pinned_message',
]);

/** Kinds nobody here can read, as a person names them; any other unknown type is named by its own name. */
const UNSUPPORTED_NAMES: Record<string, string> = {
  poll_creation: 'poll',
  order: 'order',
  product: 'product',
  payment: 'payment',
  groups_v4_invite: 'group invitation',
  scheduled_event_creation: 'event',
  oversized: 'oversized',
  unknown: 'unknown',
};

/** What a sender can edit: a text, or the caption of a photo, a video or a document. */
const EDITABLE_TYPES = new Set(['chat', 'image', 'video', 'document']);

const FILE_KINDS: Record<string, { kind: AttachmentKind; mime: string; voice?: true }> = {
  image: { kind: 'image', mime: 'image/jpeg' },
  video: { kind: 'video', mime: 'video/mp4' },
  // A video note (the round video the app records), which whatsapp-web.js's MessageTypes do not list.
  ptv: { kind: 'video', mime: 'video/mp4' },
  audio: { kind: 'audio', mime: 'audio/mpeg' },
  ptt: { kind: 'audio', mime: 'audio/ogg', voice: true },
  document: { kind: 'document', mime: 'application/octet-stream' },
  sticker: { kind: 'sticker', mime: 'image/webp' },
};

/** WhatsApp's own clock may run a little ahead of ours; a day covers any skew. */
const MAX_CLOCK_AHEAD_MS = 24 * 3_600_000;

/**
 * Decodes a message; `echo` for one the business wrote (`message_create` with `fromMe`), whose chat is `to`.
 *
 *     const decoded = decodeMessage(message, { echo: false, receivedAt: new Date() });
 *     if (decoded.kind === 'ignored') log.debug({ reason: decoded.reason }, 'WhatsApp message ignored');
 */
export function decodeMessage(message: WaMessage, context: { echo: boolean; receivedAt: Date }): Decoded {
  const chat = personChat(message, context.echo);
  if (typeof chat === 'string') return ignored(chat);
  const { chatId, address } = chat;
  if (SILENT_TYPES.has(message.type)) return ignored(`a ${message.type} message`);

  // Read as WhatsApp shows it: the words without the markup that styled them (`*bold*`), and the styles.
  const read = !blank(message.body) ? readMarkup(message.body) : undefined;
  const written = read?.text;
  let text: string | undefined;
  let file: PendingFile | undefined;
  let attachments: Attachment[] | undefined;
  let unsupported: string | undefined;
  const fileKind = FILE_KINDS[message.type];
  if (fileKind) {
    text = written;
    const pending = pendingFile(message, fileKind, written);
    if (message.hasMedia) file = pending;
    else attachments = [{ ...pending.attachment, refused: 'the file is no longer available on WhatsApp' }];
  } else if (message.type === 'location' && message.location) {
    attachments = [{ kind: 'location', location: message.location }];
  } else if ((message.type === 'vcard' || message.type === 'multi_vcard') && message.vCards?.length) {
    attachments = message.vCards.map((card): Attachment => ({ kind: 'contact', contact: contactCard(card) }));
  } else if (message.type === 'order' || message.type === 'product') {
    // Their body is a picture's thumbnail, no words: what they say is in their own fields.
    const said = message.type === 'order' ? orderText(message.order ?? {}) : productText(message.product ?? {});
    if (said !== undefined) text = said;
    else unsupported = message.type;
  } else if (message.type === 'chat' || (written !== undefined && !(message.type in UNSUPPORTED_NAMES))) {
    // A text, or a reply to a button or a list, whose body is what the person picked.
    text = written;
  } else {
    unsupported = UNSUPPORTED_NAMES[message.type] ?? message.type;
  }
  // A text of only spaces or invisible characters: nothing said, so nothing is kept; but a customer the bot asked
  // something would see nothing happen, so the runtime asks it again (`blank`).
  const blankText = message.type === 'chat' && message.body !== '' && read === undefined;
  if (text === undefined && !file && !attachments && unsupported === undefined && !blankText) return ignored(`a ${message.type} message without text`);

  const inbound: InboundMessage = {
    channel: 'whatsapp-web',
    id: message.id,
    from: { id: address, ...(!context.echo && message.notifyName ? { name: message.notifyName } : {}) },
    ...(context.echo ? { echo: true as const } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(blankText ? { blank: true as const } : {}),
    ...(text !== undefined && text === written && read && read.styles.length > 0 ? { styles: read.styles } : {}),
    ...(attachments ? { attachments } : {}),
    ...(unsupported !== undefined ? { unsupported } : {}),
    ...(message.quoted ? { replyTo: quotedId(message, chatId, message.quoted) } : {}),
    ...(message.forwarded && !context.echo ? { forwarded: true as const } : {}),
    at: sentAt(message.timestamp, context.receivedAt),
  };
  return { kind: 'message', chatId, inbound, ...(file ? { file } : {}) };
}

/**
 * Decodes a change of a message's text (`message_edit`): a person's edit of a text or a file's caption they sent, as
 * an edit of that message, named by the message and the time of the edit (so a change reported twice is one edit).
 * WhatsApp Web reports a message being filled in (decrypted, its caption loaded) the same way, from no text: that is
 * no edit. An edit of what the business sent is not taken: the transcript keeps what was sent.
 *
 *     decodeEdit(message, { newBody: 'A-1234', prevBody: 'A-1243' }, { receivedAt: new Date() });
 *     // { kind: 'message', inbound: { id: 'edit:false_1555…_3EB0…:1796…', text: 'A-1234', edit: { of: 'false_1555…_3EB0…' } }, … }
 */
export function decodeEdit(message: WaMessage, change: { newBody: string; prevBody: string }, context: { receivedAt: Date }): Decoded {
  if (message.fromMe) return ignored('an edit of a message the business sent');
  const chat = personChat(message, false);
  if (typeof chat === 'string') return ignored(chat);
  if (!EDITABLE_TYPES.has(message.type)) return ignored(`a change of a ${message.type} message`);
  if (change.prevBody.trim() === '') return ignored('a message filled in (decrypted, or its caption loaded), not an edit');
  if (change.newBody.trim() === '') return ignored('an edit that leaves no text');
  if (change.newBody === change.prevBody) return ignored('an edit that changes nothing');
  const stamp = message.editedAt !== undefined && Number.isSafeInteger(message.editedAt) && message.editedAt > 0 ? message.editedAt : undefined;
  const key = stamp !== undefined ? String(stamp) : createHash('sha256').update(change.newBody).digest('hex').slice(0, 16);
  const inbound: InboundMessage = {
    channel: 'whatsapp-web',
    id: `edit:${message.id}:${key}`,
    from: { id: chat.address },
    // Without its markup, as the message it changes was read.
    text: readMarkup(change.newBody).text,
    edit: { of: message.id },
    at: sentAtMs(stamp, context.receivedAt),
  };
  return { kind: 'message', chatId: chat.chatId, inbound };
}

/**
 * A message its sender deleted for everyone (`message_revoke_everyone`: the message as it is now, with its id): a
 * deletion of it, which the agent holding the conversation is told of, or, the agent's own, what they are told of.
 * The business's own deletions change nothing.
 *
 *     const decoded = decodeRevoke(message, { receivedAt: new Date() }); // inbound.deletion: { of: message.id }
 */
export function decodeRevoke(message: WaMessage, context: { receivedAt: Date }): Decoded {
  if (message.fromMe) return ignored('a deletion of a message the business sent');
  const chat = personChat(message, false);
  if (typeof chat === 'string') return ignored(chat);
  const inbound: InboundMessage = {
    channel: 'whatsapp-web',
    id: `revoke:${message.id}`,
    from: { id: chat.address },
    deletion: { of: message.id },
    at: context.receivedAt.toISOString(),
  };
  return { kind: 'message', chatId: chat.chatId, inbound };
}

/**
 * A reaction someone added (`message_reaction`, as a message of type `reaction`): a customer's is recorded and shown to
 * their agent, an agent's is told to them as not passed on. One taken back, and the business's own, change nothing.
 *
 *     const decoded = decodeReaction(message, { receivedAt: new Date() }); // inbound.reaction: { emoji: '👍', to: '…' }
 */
export function decodeReaction(message: WaMessage, context: { receivedAt: Date }): Decoded {
  if (message.fromMe) return ignored('a reaction of the business');
  if (!message.reaction || blank(message.reaction.emoji)) return ignored('a reaction taken back');
  // A reaction comes from whoever reacted (`from`) wherever they did (`to`, the reaction's chat): in a group it is
  // still that person's, but no part of their chat with the business.
  const where = chatKind(message.to);
  if (where !== 'person') return ignored(`a reaction in a ${where} chat`);
  const chat = personChat(message, false);
  if (typeof chat === 'string') return ignored(chat);
  const inbound: InboundMessage = {
    channel: 'whatsapp-web',
    id: `reaction:${message.id}:${message.reaction.emoji}`,
    from: { id: chat.address },
    reaction: message.reaction,
    at: sentAtMs(message.timestamp !== undefined ? message.timestamp * 1000 : undefined, context.receivedAt),
  };
  return { kind: 'message', chatId: chat.chatId, inbound };
}

/**
 * A message still not decrypted after whatsapp-web.js's recovery attempt (`message_ciphertext_failed`): kept as a kind
 * nobody here can read, so the person is answered and their agent told, instead of it vanishing. Named apart from the
 * message (`undecrypted:<id>`): should it decrypt after all, it arrives as itself and is no repeat.
 *
 *     decodeUndecrypted(message, { receivedAt: new Date() }); // inbound: { id: 'undecrypted:false_1555…', unsupported: 'unreadable message' }
 */
export function decodeUndecrypted(message: WaMessage, context: { receivedAt: Date }): Decoded {
  if (message.fromMe) return ignored('an undecrypted message of the business');
  const chat = personChat(message, false);
  if (typeof chat === 'string') return ignored(chat);
  const inbound: InboundMessage = {
    channel: 'whatsapp-web',
    id: `undecrypted:${message.id}`,
    from: { id: chat.address, ...(message.notifyName ? { name: message.notifyName } : {}) },
    unsupported: 'unreadable message',
    at: sentAt(message.timestamp, context.receivedAt),
  };
  return { kind: 'message', chatId: chat.chatId, inbound };
}

/**
 * A cart from the business's catalogue as text the agent reads as the customer's message: what the customer wrote, a
 * line per product (or, before WhatsApp tells them, the cart's title and item count), then the total. Words-free
 * lines (🛒, 🧾), so that they read the same to an agent in any language; undefined when the cart says nothing.
 *
 *     orderText({ text: 'Before Friday please', total1000: 37500, currency: 'AED' }, [{ name: 'Oud oil', quantity: 2 }]);
 *     // 'Before Friday please\n🛒 2 × Oud oil\n🧾 37.50 AED'
 */
export function orderText(order: WaOrder, items?: readonly WaOrderItem[]): string | undefined {
  const lines = items?.length
    ? items.map((item) => `🛒 ${item.quantity ?? 1} × ${item.name}`)
    : order.title !== undefined ? [`🛒 ${order.title}${order.itemCount !== undefined ? ` (${order.itemCount})` : ''}`] : [];
  if (order.total1000 !== undefined && order.total1000 > 0) lines.push(`🧾 ${amount(order.total1000, order.currency)}`);
  if (lines.length === 0) return undefined;
  return [...(order.text !== undefined && !blank(order.text) ? [order.text.trim()] : []), ...lines].join('\n');
}

/** A shared product as a line: its name, the business's SKU, its price. */
function productText(product: WaProduct): string | undefined {
  const name = product.title ?? product.retailerId;
  if (name === undefined) return undefined;
  const sku = product.title !== undefined && product.retailerId !== undefined ? ` (${product.retailerId})` : '';
  const price = product.price1000 !== undefined && product.price1000 > 0 ? ` · ${amount(product.price1000, product.currency)}` : '';
  return `🛍️ ${name}${sku}${price}`;
}

/** An amount WhatsApp keeps in thousandths, as a price reads: `37.50 AED`, `120 AED`. */
function amount(thousandths: number, currency: string | undefined): string {
  const value = thousandths / 1000;
  const digits = Number.isInteger(value) ? 0 : Number.isInteger(value * 100) ? 2 : 3;
  return `${value.toFixed(digits)}${currency !== undefined ? ` ${currency}` : ''}`;
}

/**
 * The id of the message `message` quotes, as the client names messages (`<fromMe>_<chat>_<stanza id>`): in a 1:1 chat
 * it was written by the same side as `message` when its author is the sender, else by the other side (the business's
 * relay an agent answers, say), which is also taken when WhatsApp names no author.
 *
 *     quotedId(incoming('15550009001@c.us'), '15550009001@c.us', { stanzaId: '3EB0A1', participant: '15550000000@c.us' }); // 'true_15550009001@c.us_3EB0A1'
 */
function quotedId(message: WaMessage, chatId: string, quoted: { stanzaId: string; participant?: string }): string {
  const sameSide = quoted.participant !== undefined && quoted.participant === message.from;
  return `${sameSide ? message.fromMe : !message.fromMe}_${chatId}_${quoted.stanzaId}`;
}

/** Where a message is from: a person's 1:1 chat (`echo`: the business wrote it, to `to`), or why it is not. */
function personChat(message: WaMessage, echo: boolean): { chatId: string; address: string } | string {
  const chatId = echo ? message.to : message.from;
  if (message.isStatus) return 'a status update';
  const kind = chatKind(chatId);
  if (kind !== 'person') return `a message in a ${kind} chat`;
  if (message.broadcast) return 'a message sent through a broadcast list';
  if (!echo && message.author) return 'a message with an author: not a 1:1 chat';
  return { chatId, address: addressOf(chatId)! };
}

function pendingFile(message: WaMessage, fileKind: (typeof FILE_KINDS)[string], caption: string | undefined): PendingFile {
  const { media } = message;
  const attachment: Attachment = {
    kind: fileKind.kind,
    mime: media?.mimetype ?? fileKind.mime,
    ...(fileKind.voice ? { voice: true } : {}),
    ...(media?.filename ? { name: safeName(media.filename) } : {}),
    ...(caption !== undefined ? { caption } : {}),
  };
  return { attachment, ...(media?.size !== undefined ? { size: media.size } : {}) };
}

/**
 * The name and number on a vCard: `FN`, and the first `TEL` (its `waid`, the WhatsApp number, when it has one).
 *
 *     contactCard('BEGIN:VCARD\nFN:Layla\nTEL;waid=15551234567:+1 555 123 4567\nEND:VCARD'); // { name: 'Layla', phone: '+15551234567' }
 */
export function contactCard(vcard: string): { name: string; phone?: string } {
  // Long lines are folded: a line break followed by a space continues the line.
  const lines = vcard.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  let name = '';
  let phone: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [key = '', ...params] = line.slice(0, colon).split(';');
    const value = line.slice(colon + 1).trim();
    if (/^(item\d+\.)?FN$/i.test(key) && name === '') name = value;
    if (/^(item\d+\.)?TEL$/i.test(key) && phone === undefined) {
      const waid = params.map((param) => /^waid=(\d+)$/i.exec(param)?.[1]).find((found) => found !== undefined);
      phone = waid ? `+${waid}` : value || undefined;
    }
  }
  return { name: name.slice(0, 256), ...(phone ? { phone: phone.slice(0, 64) } : {}) };
}

function sentAt(seconds: number | undefined, receivedAt: Date): string {
  return sentAtMs(seconds !== undefined && Number.isSafeInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined, receivedAt);
}

function sentAtMs(ms: number | undefined, receivedAt: Date): string {
  return ms !== undefined && ms <= receivedAt.getTime() + MAX_CLOCK_AHEAD_MS ? new Date(ms).toISOString() : receivedAt.toISOString();
}

function ignored(reason: string): Decoded {
  return { kind: 'ignored', reason };
}
