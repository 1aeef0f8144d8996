// Turns a Cloud API webhook body into what the runtime takes: customers' messages, the business's own messages
// written from the WhatsApp Business app (echoes) and its shared chat history, delivery statuses and identity news.
// Every entry, change and item of a batch is read; an item that cannot be read is refused on its own (the rest
// of the batch goes on), and only a body that is not a webhook batch at all is refused whole. A message's file is
// only named here (Meta's media id): files.ts brings its bytes, since decoding does no I/O.
import { z } from 'zod';
import { safeName } from '../../store/media.ts';
import { blank, cutText } from '../../shared/text.ts';
import type { Attachment, AttachmentKind, DeliveryStatus, IdentityUpdate, InboundMessage, TextStyle } from '../../types.ts';
import { readMarkup } from '../../shared/markup.ts';
import { knownFailure } from './errors.ts';

export const CHANNEL = 'whatsapp-cloud';

/**
 * The Cloud API sends at most 4,096 characters, but a person's app sends far longer texts (65,536). A body is Meta's
 * once its signature matched: a text (a caption, an edit) past this is kept cut, marked with …, rather than refused
 * (the customer would never be answered), as on Messenger.
 */
const MAX_TEXT_LENGTH = 20_000;
const MAX_NAME_LENGTH = 256;
/** Meta's timestamps are a little ahead of our clock at most; a day covers any skew. */
const MAX_CLOCK_AHEAD_MS = 24 * 3_600_000;

/**
 * A file a message carries, still at Meta: `attachment` is what is known before the download, and gets its `ref`,
 * or the reason it was `refused`, once files.ts fetched it.
 */
export interface CloudMedia {
  mediaId: string;
  /** What the webhook says the file weighs, when it says: a file over the limit is refused without a download. */
  size?: number;
  attachment: Attachment;
}

/** One thing a batch carries, in the order Meta listed it. `where` names it in the body, for the log. */
export type Item =
  /** `alsoKnownAs`: the sender's business-scoped user id, when they are keyed on their wa_id. */
  | { kind: 'message'; where: string; inbound: InboundMessage; media?: CloudMedia; alsoKnownAs?: string }
  | { kind: 'status'; where: string; status: DeliveryStatus }
  | { kind: 'identity'; where: string; update: IdentityUpdate }
  | { kind: 'ignored'; where: string; reason: string; level: 'debug' | 'info' | 'warn' }
  /** Unreadable: acknowledged with the batch and never handed to the runtime, so it cannot block what follows. */
  | { kind: 'refused'; where: string; reason: string };

export type DecodedBatch = { ok: true; items: Item[] } | { ok: false; reason: string };

// Meta's ids are opaque: a wa_id is usually a phone number's digits but need not be, and a business-scoped user id
// looks like US.13491208655302741918 (US.ENT.… for a parent one).
const userIdSchema = z.string().regex(/^[A-Za-z0-9._+:-]{1,256}$/, 'is not a WhatsApp user id');
const wamidSchema = z.string().min(1).max(512);
const textSchema = z.string().transform((text) => cutText(text, MAX_TEXT_LENGTH));
// A detail that is only a hint is dropped when broken, rather than refusing the message with it.
const hint = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);
const nameSchema = hint(z.string().max(MAX_NAME_LENGTH));
// type/subtype (parameters allowed: Meta sends "audio/ogg; codecs=opus"): anything else the media store refuses.
const mimeSchema = hint(z.string().max(255).regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i));

const mediaSchema = z.object({
  // Absent in a history sync: Meta sends the files of recent messages separately, and older ones never.
  id: z.string().min(1).max(256).optional(),
  mime_type: mimeSchema,
  caption: hint(textSchema),
  filename: hint(z.string().max(MAX_TEXT_LENGTH)),
  file_size: hint(z.number().int().nonnegative().safe()),
  voice: hint(z.boolean()),
});
const replySchema = z.object({ id: z.string().min(1).max(256), title: textSchema });
const contactCardSchema = z.object({
  name: hint(z.object({ formatted_name: nameSchema, first_name: nameSchema, last_name: nameSchema })),
  phones: hint(z.array(z.object({ phone: hint(z.string().max(64)), wa_id: hint(z.string().max(64)) })).max(32)),
});

const messageSchema = z.object({
  id: wamidSchema,
  from: userIdSchema.optional(),
  from_user_id: userIdSchema.optional(),
  to: userIdSchema.optional(),
  to_user_id: userIdSchema.optional(),
  // Any value: a time no clock can show does not make the message unreadable (see `sentAt`).
  timestamp: z.unknown(),
  type: z.string().min(1).max(64),
  context: hint(z.object({ id: hint(wamidSchema), forwarded: hint(z.boolean()), frequently_forwarded: hint(z.boolean()) })),
  referral: hint(z.object({ source_id: hint(z.string().max(256)), source_url: hint(z.string().max(2048)) })),
  // Cut in `contentOf`, which says how long it was (an agent is told where their message stopped).
  text: z.object({ body: z.string() }).optional(),
  interactive: z.object({ type: z.string().max(64), button_reply: replySchema.optional(), list_reply: replySchema.optional() }).optional(),
  button: z.object({ payload: z.string().max(1024).optional(), text: textSchema.optional() }).optional(),
  image: mediaSchema.optional(),
  audio: mediaSchema.optional(),
  video: mediaSchema.optional(),
  document: mediaSchema.optional(),
  sticker: mediaSchema.optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: nameSchema, address: nameSchema }).optional(),
  contacts: z.array(contactCardSchema).max(64).optional(),
  // A cart sent from the business's catalog: the products by the business's own ids (SKUs), with what the person wrote.
  order: hint(z.object({
    text: hint(textSchema),
    product_items: hint(z.array(z.object({
      product_retailer_id: z.string().min(1).max(256),
      quantity: hint(z.union([z.number(), z.string().max(32)])),
      item_price: hint(z.union([z.number(), z.string().max(32)])),
      currency: hint(z.string().max(8)),
    })).max(100)),
  })),
  reaction: z.object({ message_id: hint(wamidSchema), emoji: hint(z.string().max(64)) }).optional(),
  system: z.object({
    type: z.string().max(64).optional(),
    wa_id: userIdSchema.optional(),
    new_wa_id: userIdSchema.optional(),
    user_id: userIdSchema.optional(),
    new_user_id: userIdSchema.optional(),
  }).optional(),
  unsupported: hint(z.object({ type: hint(z.string().max(64)) })),
  // A message the person deleted for everyone (on a number also used from the WhatsApp Business app).
  revoke: hint(z.object({ original_message_id: wamidSchema })),
  // A text (or a file's caption) the person changed: the message it changes, and the message as it is now.
  edit: hint(z.object({
    original_message_id: wamidSchema,
    message: z.object({
      text: hint(z.object({ body: textSchema })),
      image: hint(z.object({ caption: hint(textSchema) })),
      video: hint(z.object({ caption: hint(textSchema) })),
      document: hint(z.object({ caption: hint(textSchema) })),
    }),
  })),
});

type Message = z.infer<typeof messageSchema>;

const profileSchema = z.object({
  wa_id: hint(userIdSchema),
  user_id: hint(userIdSchema),
  profile: hint(z.object({ name: nameSchema })),
});
type Profile = z.infer<typeof profileSchema>;
// The senders' profiles only name people: a broken list costs the names, not the messages.
const profilesSchema = z.array(z.unknown()).max(1000).catch([]).transform((list) => list.flatMap((item) => {
  const parsed = profileSchema.safeParse(item);
  return parsed.success ? [parsed.data] : [];
}));

const statusSchema = z.object({
  id: wamidSchema,
  status: z.string().max(32),
  timestamp: z.unknown(),
  errors: hint(z.array(z.object({
    code: hint(z.number()),
    title: hint(z.string().max(1024)),
    message: hint(z.string().max(1024)),
    error_data: hint(z.object({ details: hint(z.string().max(2048)) })),
  })).max(16)),
});

const stateSyncSchema = z.object({
  type: z.string().max(64),
  action: hint(z.string().max(32)),
  contact: hint(z.object({ full_name: nameSchema, first_name: nameSchema, phone_number: hint(z.string().max(64)) })),
});

const historyChunkSchema = z.object({ threads: z.array(z.unknown()).max(100_000).optional(), errors: z.array(z.unknown()).max(100).optional() });
const historyThreadSchema = z.object({ id: userIdSchema.optional(), user_id: userIdSchema.optional(), messages: z.array(z.unknown()).max(100_000) });

/** The frame every webhook body has: anything else is not a batch from the Cloud API (400). */
const batchSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({
    changes: z.array(z.object({ field: z.string().max(128), value: z.record(z.unknown()) })).max(1000),
  })).max(1000),
});

/**
 * Decodes a webhook body (already parsed from JSON); `phoneNumberId` is ours (changes about another number of the
 * same business account are ignored), `receivedAt` stands in for times a message does not carry or carries broken.
 *
 *     const batch = decodeBatch(JSON.parse(raw), { phoneNumberId, receivedAt: new Date() });
 *     if (!batch.ok) res.status(400).json({ error: batch.reason });
 */
export function decodeBatch(body: unknown, context: { phoneNumberId: string; receivedAt: Date }): DecodedBatch {
  const parsed = batchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `not a WhatsApp Cloud API webhook: ${issues(parsed.error)}` };
  const items: Item[] = [];
  parsed.data.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      const where = `entry[${e}].changes[${c}]`;
      const number = (change.value.metadata as { phone_number_id?: unknown } | undefined)?.phone_number_id;
      // Only a string or a number is an id: String() of a nested array or an object can throw (stack, toString).
      const id = typeof number === 'string' || typeof number === 'number' ? String(number) : 'not an id';
      if (number !== undefined && id !== context.phoneNumberId) {
        items.push({ kind: 'ignored', where, reason: `a change for another phone number of the business account (${id.slice(0, 32)})`, level: 'info' });
        return;
      }
      items.push(...decodeChange(change.field, change.value, where, context.receivedAt));
    });
  });
  return { ok: true, items };
}

function decodeChange(field: string, value: Record<string, unknown>, where: string, receivedAt: Date): Item[] {
  switch (field) {
    case 'messages': {
      const profiles = profilesSchema.parse(value.contacts);
      return [
        ...each(value, 'messages', where, (message, place) => fromMessage(message, profiles, place, receivedAt)),
        ...each(value, 'statuses', where, (status, place) => fromStatus(status, place, receivedAt)),
        ...metaErrors(value, where),
      ];
    }
    case 'smb_message_echoes':
      return each(value, 'message_echoes', where, (message, place) => fromEcho(message, place, receivedAt));
    case 'history':
      return each(value, 'history', where, (chunk, place) => fromHistoryChunk(chunk, place, receivedAt));
    case 'smb_app_state_sync':
      return each(value, 'state_sync', where, (item, place) => fromStateSync(item, place));
    default:
      return [{ kind: 'ignored', where, reason: `a change of field ${field.slice(0, 64)}`, level: 'info' }];
  }
}

/** The items of `value[key]` (absent: none), each decoded on its own. */
function each(value: Record<string, unknown>, key: string, where: string, decode: (item: unknown, where: string) => Item | Item[]): Item[] {
  const list = value[key];
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [{ kind: 'refused', where: `${where}.${key}`, reason: 'is not a list' }];
  return list.flatMap((item, index) => decode(item, `${where}.${key}[${index}]`));
}

function metaErrors(value: Record<string, unknown>, where: string): Item[] {
  if (!Array.isArray(value.errors)) return [];
  return [{ kind: 'ignored', where: `${where}.errors`, reason: `Meta reported: ${JSON.stringify(value.errors).slice(0, 500)}`, level: 'warn' }];
}

function fromMessage(raw: unknown, profiles: Profile[], where: string, receivedAt: Date): Item {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const message = parsed.data;
  if (message.type === 'system') {
    const moved = movedIdentity(message);
    if (moved) return 'reason' in moved ? { kind: 'refused', where, reason: moved.reason } : { kind: 'identity', where, update: moved };
    // WhatsApp's own notice about the person (their security code changed: a reinstall, a new phone), not something
    // they wrote: it opens no conversation and answers no question.
    return { kind: 'ignored', where, reason: `a system message (${(message.system?.type ?? 'no type').slice(0, 64)})`, level: 'info' };
  }
  const profile = profileOf(message, profiles);
  // Keyed on what Meta gives: the wa_id when there is one, else the business-scoped user id.
  const sender = message.from ?? profile?.wa_id ?? message.from_user_id ?? profile?.user_id;
  if (sender === undefined) return { kind: 'refused', where, reason: 'no sender: neither from nor from_user_id' };
  const userId = message.from_user_id ?? profile?.user_id;
  const content = message.type === 'edit' ? editContent(message) : message.type === 'revoke' ? revokeContent(message) : contentOf(message);
  if ('refused' in content) return { kind: 'refused', where, reason: content.refused };
  if ('ignored' in content) return { kind: 'ignored', where, reason: content.ignored, level: 'info' };
  // An order's lines name products by SKU, which markup would change ("_A1_" is no italic A1): taken as sent.
  const { media, ...said } = message.type === 'order' ? content : styled(content);
  const name = profile?.profile?.name;
  const referral = message.referral?.source_id ?? message.referral?.source_url;
  return {
    kind: 'message',
    where,
    ...(media ? { media } : {}),
    ...(userId !== undefined && userId !== sender ? { alsoKnownAs: userId } : {}),
    inbound: {
      channel: CHANNEL,
      id: message.id,
      from: { id: sender, ...(name ? { name } : {}) },
      ...said,
      ...(message.context?.id !== undefined ? { replyTo: message.context.id } : {}),
      ...(message.context?.forwarded === true || message.context?.frequently_forwarded === true ? { forwarded: true as const } : {}),
      ...(referral ? { referral } : {}),
      at: sentAt(message.timestamp, receivedAt),
    },
  };
}

/**
 * What a person typed, read as WhatsApp shows it: the words without the markup that styled them (`*bold*`), and the
 * styles, which each channel then shows its own way. A button's title is not typed: it stays as it is.
 */
function styled<T extends { text?: string; choice?: string; media?: CloudMedia; attachments?: Attachment[] }>(content: T): T & { styles?: TextStyle[] } {
  if (content.text === undefined || content.choice !== undefined) return content;
  const { text, styles } = readMarkup(content.text);
  if (styles.length === 0) return content;
  // A file's caption is its text: the one the agent reads beside the file reads the same.
  const media = content.media?.attachment.caption !== undefined ? { media: { ...content.media, attachment: { ...content.media.attachment, caption: text } } } : {};
  const attachments = content.attachments?.map((attachment) => (attachment.caption !== undefined ? { ...attachment, caption: text } : attachment));
  return { ...content, text, styles, ...media, ...(attachments ? { attachments } : {}) };
}

/** The sender's profile: the one naming them, or a lone one that names nobody else. */
function profileOf(message: Message, profiles: Profile[]): Profile | undefined {
  const named = profiles.find((known) => (message.from !== undefined && known.wa_id === message.from) || (message.from_user_id !== undefined && known.user_id === message.from_user_id));
  if (named || profiles.length !== 1) return named;
  const [lone] = profiles as [Profile];
  const someoneElse = (lone.wa_id !== undefined && message.from !== undefined) || (lone.user_id !== undefined && message.from_user_id !== undefined);
  return someoneElse ? undefined : lone;
}

/**
 * A system message saying the person's address changed: a new number (`user_changed_number`; older payloads say
 * `customer_changed_number` and `new_wa_id`) or a new business-scoped user id (`user_changed_user_id`). Undefined
 * for any other system message, which is ignored (WhatsApp speaking, not the person).
 */
function movedIdentity(message: Message): IdentityUpdate | { reason: string } | undefined {
  const system = message.system;
  const type = system?.type;
  let from: string | undefined;
  let to: string | undefined;
  if (type === 'user_changed_number' || type === 'customer_changed_number') {
    from = message.from;
    to = system?.wa_id ?? system?.new_wa_id;
  } else if (type === 'user_changed_user_id') {
    from = message.from_user_id ?? message.from;
    to = system?.user_id ?? system?.new_user_id;
  } else {
    return undefined;
  }
  if (from === undefined || to === undefined) return { reason: `a ${type} system message without the old or the new id` };
  return { channel: CHANNEL, id: from, movedTo: to };
}

/** What a person said, whoever said it: text, a button's id, files, places and cards, a reaction, or an unreadable kind. */
type Content =
  | {
    text?: string; choice?: string; attachments?: Attachment[]; media?: CloudMedia; reaction?: { emoji: string; to: string }; edit?: { of: string };
    deletion?: { of: string }; unsupported?: string; textCut?: number; blank?: true;
  }
  | { refused: string }
  | { ignored: string };

function contentOf(message: Message): Content {
  switch (message.type) {
    case 'text':
      if (!message.text) return { refused: 'a text message without text.body' };
      // Only spaces or invisible characters: nothing said, so no blank line reaches an agent or the transcript; but a
      // customer the bot asked something would see nothing happen, so the runtime asks it again (`blank`).
      if (blank(message.text.body)) return { blank: true };
      return message.text.body.length > MAX_TEXT_LENGTH ? { text: cutText(message.text.body, MAX_TEXT_LENGTH), textCut: message.text.body.length } : { text: message.text.body };
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (reply) return { text: reply.title, choice: reply.id };
      return { unsupported: message.interactive?.type ?? 'interactive' };
    }
    case 'button': {
      // A quick-reply button of a template: its payload is the choice.
      const { payload, text } = message.button ?? {};
      if (payload === undefined && text === undefined) return { refused: 'a button message without payload or text' };
      return { ...(text !== undefined ? { text } : {}), ...(payload !== undefined ? { choice: payload } : {}) };
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return fileContent(message, message.type);
    case 'location': {
      if (!message.location) return { refused: 'a location message without location' };
      const { latitude, longitude, name, address } = message.location;
      return { attachments: [{ kind: 'location', location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } }] };
    }
    case 'contacts': {
      const cards = (message.contacts ?? []).map(contactCard);
      return cards.length > 0 ? { attachments: cards } : { refused: 'a contacts message without contacts' };
    }
    case 'order':
      return orderContent(message);
    case 'reaction': {
      const { emoji, message_id: to } = message.reaction ?? {};
      // An empty emoji takes a reaction back (an agent's then comes off the customer's message; a customer's says nothing).
      if (!to) return { ignored: 'a reaction without the message it is on' };
      return { reaction: { emoji: emoji ?? '', to } };
    }
    case 'request_welcome':
      return { ignored: 'a person opened the chat for the first time (request_welcome)' };
    // A person changing or taking back what they sent before (on a number also used from the WhatsApp Business app).
    // Not a new message: taken as one of a kind nobody can read, the customer was told "that kind of message cannot
    // be read here" for fixing a typo. A customer's edit is read by `editContent`; one in an echo or a history sync
    // (the business's, or an old one) changes nothing, and a deletion keeps the original in the transcript.
    case 'edit':
      return { ignored: 'an edit of a message, outside a customer\'s own messages; the original is kept' };
    case 'revoke':
      return { ignored: 'a deletion of a message, outside a customer\'s own messages; the original is kept' };
    case 'unsupported':
      return { unsupported: message.unsupported?.type ?? 'unsupported' };
    default:
      return { unsupported: message.type };
  }
}

/**
 * A cart from the business's catalog as text: what the person wrote, then a line per product (its SKU, how many, at
 * what price), which the agent reads as the customer's message; taken as a kind nobody can read, the customer was told
 * to write their order instead. Words-free lines (🛒), so that they read the same to an agent in any language.
 */
function orderContent(message: Message): Content {
  const order = message.order;
  const lines = (order?.product_items ?? []).map((item) => {
    const price = item.item_price !== undefined ? ` · ${item.item_price}${item.currency ? ` ${item.currency}` : ''}` : '';
    return `🛒 ${item.quantity ?? 1} × ${item.product_retailer_id}${price}`;
  });
  const written = order?.text !== undefined && !blank(order.text) ? [order.text] : [];
  if (lines.length === 0) return { unsupported: 'order' };
  return { text: [...written, ...lines].join('\n') };
}

/** A customer's deletion of a message they sent, which the transcript keeps (and the agent is told of). */
function revokeContent(message: Message): Content {
  const of = message.revoke?.original_message_id;
  return of !== undefined ? { deletion: { of } } : { ignored: 'a deletion without the message it deletes (revoke.original_message_id)' };
}

/** A customer's edit: the text (or caption) the message says now, as an edit of it; one that leaves no text says nothing. */
function editContent(message: Message): Content {
  const edit = message.edit;
  if (!edit) return { refused: 'an edit without the message it changes (edit.original_message_id) or the message as it is now' };
  const { text, image, video, document } = edit.message;
  const now = text?.body ?? image?.caption ?? video?.caption ?? document?.caption;
  if (now === undefined || now.trim() === '') return { ignored: 'an edit that leaves no text' };
  return { text: now, edit: { of: edit.original_message_id } };
}

const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg',
  audio: 'audio/ogg',
  video: 'video/mp4',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** A file message: its caption is the message's text too, so whoever reads a relay of it sees it beside the file. */
function fileContent(message: Message, kind: Extract<AttachmentKind, 'image' | 'audio' | 'video' | 'document' | 'sticker'>): Content {
  const file = message[kind];
  if (!file) return { refused: `a ${kind} message without ${kind}` };
  const caption = file.caption !== undefined && !blank(file.caption) ? file.caption : undefined;
  const attachment: Attachment = {
    kind,
    mime: (file.mime_type ?? DEFAULT_MIME[kind] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase(),
    ...(file.file_size !== undefined ? { size: file.file_size } : {}),
    ...(file.filename !== undefined ? { name: safeName(file.filename) } : {}),
    ...(caption !== undefined ? { caption } : {}),
    ...(kind === 'audio' && file.voice ? { voice: true } : {}),
  };
  const text = caption !== undefined ? { text: caption } : {};
  // Not handed over (never too large): the customer is asked to send it again, not a smaller one.
  if (file.id === undefined) return { ...text, attachments: [{ ...attachment, refused: 'WhatsApp did not share this file', refusal: { kind: 'notFetched' } }] };
  return { ...text, media: { mediaId: file.id, ...(file.file_size !== undefined ? { size: file.file_size } : {}), attachment } };
}

function contactCard(card: z.infer<typeof contactCardSchema>): Attachment {
  const { formatted_name: formatted, first_name: first, last_name: last } = card.name ?? {};
  const name = formatted ?? [first, last].filter((part) => part !== undefined && part !== '').join(' ');
  const phone = card.phones?.find((found) => found.phone || found.wa_id);
  const number = phone?.phone ?? phone?.wa_id;
  return { kind: 'contact', contact: { name, ...(number ? { phone: number } : {}) } };
}

/** A message written from the WhatsApp Business app on our number: the person at the business takes the chat over. */
function fromEcho(raw: unknown, where: string, receivedAt: Date): Item {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const message = parsed.data;
  const customer = message.to ?? message.to_user_id;
  if (customer === undefined) return { kind: 'refused', where, reason: 'an echo without the customer it went to (to)' };
  const content = contentOf(message);
  if ('refused' in content) return { kind: 'refused', where, reason: content.refused };
  if ('ignored' in content) return { kind: 'ignored', where, reason: content.ignored, level: 'info' };
  const { media, ...said } = styled(content);
  return {
    kind: 'message',
    where,
    ...(media ? { media } : {}),
    inbound: { channel: CHANNEL, id: message.id, from: { id: customer }, echo: true, ...said, at: sentAt(message.timestamp, receivedAt) },
  };
}

/**
 * One chunk of a history sync: threads, one a customer, with messages of both sides (the business's have a `to`, or
 * a `from` that is not the customer). Each becomes a history message at its own time. A chunk with only errors says
 * the business declined to share its history.
 */
function fromHistoryChunk(raw: unknown, where: string, receivedAt: Date): Item[] {
  const parsed = historyChunkSchema.safeParse(raw);
  if (!parsed.success) return [{ kind: 'refused', where, reason: issues(parsed.error) }];
  const items: Item[] = [];
  if (parsed.data.errors && parsed.data.errors.length > 0) {
    items.push({ kind: 'ignored', where: `${where}.errors`, reason: `no chat history: ${JSON.stringify(parsed.data.errors).slice(0, 500)}`, level: 'info' });
  }
  (parsed.data.threads ?? []).forEach((rawThread, t) => {
    const at = `${where}.threads[${t}]`;
    const thread = historyThreadSchema.safeParse(rawThread);
    if (!thread.success) {
      items.push({ kind: 'refused', where: at, reason: issues(thread.error) });
      return;
    }
    const customer = thread.data.id ?? thread.data.user_id;
    if (customer === undefined) {
      items.push({ kind: 'refused', where: at, reason: 'a thread without the customer\'s id' });
      return;
    }
    thread.data.messages.forEach((rawMessage, m) => items.push(fromHistoryMessage(rawMessage, customer, `${at}.messages[${m}]`, receivedAt)));
  });
  return items;
}

function fromHistoryMessage(raw: unknown, customer: string, where: string, receivedAt: Date): Item {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const message = parsed.data;
  const fromCustomer = message.to === undefined && message.to_user_id === undefined && (message.from === customer || message.from_user_id === customer);
  const content = contentOf(message);
  if ('refused' in content) return { kind: 'refused', where, reason: content.refused };
  if ('ignored' in content) return { kind: 'ignored', where, reason: content.ignored, level: 'debug' };
  const { media, ...said } = styled(content);
  return {
    kind: 'message',
    where,
    ...(media ? { media } : {}),
    inbound: {
      channel: CHANNEL,
      id: message.id,
      from: { id: customer },
      history: true,
      ...(fromCustomer ? {} : { echo: true as const }),
      ...said,
      at: sentAt(message.timestamp, receivedAt, { past: true }),
    },
  };
}

/** A contact in the WhatsApp Business app's address book, added or edited: the name the business knows them by. */
function fromStateSync(raw: unknown, where: string): Item {
  const parsed = stateSyncSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const { type, action, contact } = parsed.data;
  if (type !== 'contact') return { kind: 'ignored', where, reason: `a state sync of ${type.slice(0, 64)}`, level: 'debug' };
  if (action === 'remove') return { kind: 'ignored', where, reason: 'a contact removed from the business\'s address book', level: 'debug' };
  const name = contact?.full_name ?? contact?.first_name;
  // Address books hold numbers as people wrote them: "+1 650-555-1234" is the wa_id 16505551234.
  const phone = contact?.phone_number !== undefined && /^[\d\s()+.-]+$/.test(contact.phone_number) ? contact.phone_number.replace(/\D/g, '') : contact?.phone_number;
  if (!phone || !name) return { kind: 'ignored', where, reason: 'an address-book contact without number or name', level: 'debug' };
  return { kind: 'identity', where, update: { channel: CHANNEL, id: phone, name } };
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function fromStatus(raw: unknown, where: string, receivedAt: Date): Item {
  const parsed = statusSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const { id, status, timestamp, errors } = parsed.data;
  if (!STATUSES.has(status)) return { kind: 'ignored', where, reason: `a status of ${status}`, level: 'debug' };
  const error = errors?.[0];
  const words = [error?.title, error?.error_data?.details ?? error?.message].filter((part, index, all): part is string => part !== undefined && part !== '' && all.indexOf(part) === index);
  const reason = error ? `${words.join(': ') || 'failed'}${error.code !== undefined ? ` (#${error.code})` : ''}` : undefined;
  const known = knownFailure(error?.code);
  return {
    kind: 'status',
    where,
    status: {
      channel: CHANNEL, messageId: id, status: status as DeliveryStatus['status'], ...(reason ? { reason } : {}),
      ...(known ? { known } : {}), at: sentAt(timestamp, receivedAt),
    },
  };
}

/**
 * When it was sent: Meta's Unix seconds (a string or a number). A time no clock could show, or far ahead of ours, is
 * replaced by the arrival time rather than refusing what was said. `past`: any time before ours is taken (history).
 */
function sentAt(timestamp: unknown, receivedAt: Date, options: { past?: boolean } = {}): string {
  const seconds = typeof timestamp === 'string' && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : timestamp;
  const ms = typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  const limit = receivedAt.getTime() + (options.past ? 0 : MAX_CLOCK_AHEAD_MS);
  return ms !== undefined && ms <= limit ? new Date(ms).toISOString() : receivedAt.toISOString();
}

function issues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}
