// Turns a Telegram update (a webhook body or a polled update) into what the runtime takes. Total: any value
// becomes a message, a button press, something deliberately ignored, or a refusal with its reason; never a throw.
// A message's file is only named here (Telegram's file id); files.ts brings its bytes, since decoding does no I/O.
// zod's v4 engine (inside the zod 3 package): every inbound update is decoded here, and v4 does it in about 6 µs and
// 4.7 KB against v3's 15 µs and 8-14 KB. The rest of the code, off the hot path, stays on v3 for now.
import { z } from 'zod/v4';
import { safeName } from '../../store/media.ts';
import { blank } from '../../shared/text.ts';
import { withInsertion } from '../../shared/text-styles.ts';
import type { Attachment, InboundMessage, TextStyle, TextStyleName } from '../../types.ts';

/** Telegram's limit on a button's callback_data, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;
/**
 * The longest text or caption taken, in UTF-16 units: four times Telegram's 4,096 characters, so no real message
 * is refused whatever Telegram counts in, while a forged megabyte never reaches the store.
 */
const MAX_TEXT_LENGTH = 4 * 4096;
/** Telegram's names are at most 64 characters; anything far beyond is not Telegram's. */
const MAX_NAME_LENGTH = 256;
/** Telegram sends message dates a little ahead of our clock at most; a day covers any skew. */
const MAX_CLOCK_AHEAD_MS = 24 * 3_600_000;

/**
 * A file a message carries, still on Telegram's servers: `attachment` is what is known before the download (kind,
 * MIME type, name, caption), and gets its `ref`, or the reason it was `refused`, once files.ts fetched it.
 */
export interface TelegramFile {
  fileId: string;
  /** What Telegram says the file weighs, when it says: a file over the limit is then refused without a download. */
  size?: number;
  attachment: Attachment;
}

/** What an update turned into. */
export type Decoded =
  | { kind: 'message'; inbound: InboundMessage; file?: TelegramFile }
  | { kind: 'callback'; inbound: InboundMessage; queryId: string; chatId?: number; messageId?: number }
  | { kind: 'callback-ignored'; queryId: string; reason: string }
  /** The person of a private chat blocked the bot (or deleted the chat), or unblocked it: `address`, their chat. */
  | { kind: 'blocked'; address: string; blocked: boolean }
  /** The bot was removed from a team desk's group (`present`: false), or is in it again; `title`: the group's name. */
  | { kind: 'desk'; group: string; present: boolean; title?: string }
  | { kind: 'ignored'; reason: string; level: 'debug' | 'info' }
  /** Not a well-formed update: permanent, so it is acknowledged and never handed to the runtime. */
  | { kind: 'refused'; reason: string };

/** A chat or user id: Telegram sends whole numbers; digit strings are taken too, as the number they spell. */
const idSchema = z.unknown().transform((id, context): number => {
  const number = typeof id === 'string' && /^-?\d{1,16}$/.test(id) ? Number(id) : id;
  if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
  context.addIssue({ code: 'custom', message: 'is not a Telegram id (a whole number)' });
  return z.NEVER;
});
const messageIdSchema = z.number().int().safe();
const chatSchema = z.object({ id: idSchema, type: z.string().max(32) });
const userSchema = z.object({
  id: idSchema,
  first_name: z.string().max(MAX_NAME_LENGTH).optional(),
  last_name: z.string().max(MAX_NAME_LENGTH).optional(),
  // RFC 5646 asks to support language tags of up to 35 characters.
  language_code: z.string().max(35).optional(),
});
const textSchema = z.string().max(MAX_TEXT_LENGTH);

// A file's optional details are only hints (the download and the media store check what matters), so a broken one
// is dropped rather than refusing the message with it.
const hint = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
// type/subtype as RFC 6838 allows them: anything else would be refused by the media store, losing the bytes.
const mimeSchema = hint(z.string().max(255).regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i));
const fileFields = {
  file_id: z.string().min(1).max(1024),
  file_size: hint(z.number().int().nonnegative().safe()),
};
const namedFile = z.object({ ...fileFields, mime_type: mimeSchema, file_name: hint(z.string().max(MAX_TEXT_LENGTH)) });
const photoSizeSchema = z.object({ ...fileFields, width: hint(z.number()), height: hint(z.number()) });
const stickerSchema = z.object({ ...fileFields, is_animated: hint(z.boolean()), is_video: hint(z.boolean()) });
// `live_period`: a live location, which Telegram then moves by editing the message.
const locationSchema = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), live_period: hint(z.number().int().positive().safe()) });
const venueSchema = z.object({ location: locationSchema, title: z.string().max(MAX_NAME_LENGTH), address: z.string().max(MAX_NAME_LENGTH) });
const contactSchema = z.object({
  // Telegram sends phone numbers as the user saved them, with spaces and signs.
  phone_number: z.string().max(64),
  first_name: z.string().max(MAX_NAME_LENGTH),
  last_name: hint(z.string().max(MAX_NAME_LENGTH)),
});

// Where a text's formatting lies: a link's address (`text_link`, words that link elsewhere), which the words alone lose,
// and the styles other apps may show too (`STYLES`). A broken list is dropped, as for any hint.
const entitySchema = z.object({ type: z.string().max(64), offset: z.number().int().nonnegative().safe(), length: z.number().int().positive().safe(), url: z.string().max(8192).optional() });
const entitiesSchema = hint(z.array(entitySchema.catch({ type: 'unknown', offset: 0, length: 1 })).max(4096));

const messageSchema = z.object({
  message_id: messageIdSchema,
  // Any value: a date no clock can show does not make the message unreadable (see `sentAt`).
  date: z.unknown(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: textSchema.optional(),
  entities: entitiesSchema,
  caption: textSchema.optional(),
  caption_entities: entitiesSchema,
  message_thread_id: messageIdSchema.optional(),
  is_topic_message: z.boolean().optional(),
  reply_to_message: z.object({ message_id: messageIdSchema }).optional(),
  // Photos and videos sent at once come as one message each, sharing this id.
  media_group_id: hint(z.string().min(1).max(256)),
  photo: z.array(photoSizeSchema).min(1).max(32).optional(),
  voice: namedFile.optional(),
  audio: namedFile.optional(),
  video: namedFile.optional(),
  video_note: z.object(fileFields).optional(),
  // A GIF arrives as `animation` and, for clients that do not know animations, as this `document` too.
  animation: namedFile.optional(),
  document: namedFile.optional(),
  sticker: stickerSchema.optional(),
  venue: venueSchema.optional(),
  location: locationSchema.optional(),
  contact: contactSchema.optional(),
});

type Message = z.infer<typeof messageSchema>;

// An edit is the whole message again, with its new text and when it was edited: that time tells two edits apart.
const editedMessageSchema = messageSchema.extend({ edit_date: z.number().int().positive().safe() });

const callbackQuerySchema = z.object({
  id: z.string().min(1).max(256),
  from: userSchema.optional(),
  message: z.object({ message_id: messageIdSchema, chat: chatSchema }).optional(),
  data: z
    .string()
    .refine((data) => Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_DATA_BYTES, `is longer than Telegram's ${MAX_CALLBACK_DATA_BYTES} bytes`)
    .optional(),
});

// A reaction is an emoji, a custom emoji (a sticker-like picture with no character of its own) or a paid star.
const reactionTypeSchema = z.object({ type: z.string().max(32), emoji: z.string().min(1).max(64).optional() });
const messageReactionSchema = z.object({
  chat: chatSchema,
  message_id: messageIdSchema,
  // Absent for an anonymous group admin: no person to hear from.
  user: userSchema.optional(),
  date: z.unknown(),
  old_reaction: z.array(reactionTypeSchema).max(16),
  new_reaction: z.array(reactionTypeSchema).max(16),
});

// The bot's own membership of a chat changed (`ChatMemberUpdated`): in a private chat, only when its person blocked the
// bot ("kicked") or unblocked it ("member"); in a group, when it was added, promoted, removed ("left") or banned ("kicked").
const chatMemberSchema = z.object({ status: z.string().max(32) });
const myChatMemberSchema = z.object({
  chat: chatSchema.extend({ title: hint(z.string().max(MAX_NAME_LENGTH)) }),
  date: z.unknown(),
  old_chat_member: chatMemberSchema,
  new_chat_member: chatMemberSchema,
});

type User = z.infer<typeof userSchema>;

/**
 * Decodes one update; `receivedAt` stands in for dates the update does not carry or carries broken.
 *
 *     const decoded = decodeUpdate(req.body, { isDesk: (chatId) => desks.includes(chatId), receivedAt: new Date() });
 *     if (decoded.kind === 'refused') log.warn({ reason: decoded.reason }, 'Telegram update refused');
 */
export function decodeUpdate(update: unknown, context: { isDesk: (chatId: string) => boolean; receivedAt: Date }): Decoded {
  if (!isRecord(update)) return { kind: 'refused', reason: 'not a JSON object' };
  if (!Number.isSafeInteger(update.update_id)) return { kind: 'refused', reason: 'update_id is not a whole number' };
  if (Object.hasOwn(update, 'message')) {
    const parsed = messageSchema.safeParse(update.message);
    return parsed.success ? fromMessage(parsed.data, update.message as object, context) : refused('message', parsed.error);
  }
  if (Object.hasOwn(update, 'edited_message')) {
    const parsed = editedMessageSchema.safeParse(update.edited_message);
    return parsed.success ? fromEdit(parsed.data, context) : refused('edited_message', parsed.error);
  }
  if (Object.hasOwn(update, 'callback_query')) {
    const parsed = callbackQuerySchema.safeParse(update.callback_query);
    return parsed.success ? fromCallbackQuery(parsed.data, context.receivedAt) : refused('callback_query', parsed.error);
  }
  if (Object.hasOwn(update, 'message_reaction')) {
    const parsed = messageReactionSchema.safeParse(update.message_reaction);
    return parsed.success ? fromReaction(parsed.data, context.receivedAt) : refused('message_reaction', parsed.error);
  }
  if (Object.hasOwn(update, 'my_chat_member')) {
    const parsed = myChatMemberSchema.safeParse(update.my_chat_member);
    return parsed.success ? fromMembership(parsed.data, context.isDesk) : refused('my_chat_member', parsed.error);
  }
  const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
  return { kind: 'ignored', reason: `update of kind ${kind.slice(0, 64)}`, level: 'info' };
}

/** The statuses of a bot that is out of a group. */
const OUT_OF_GROUP = new Set(['left', 'kicked']);

/**
 * A private chat's person blocked or unblocked the bot, or the bot left or came back to a team desk's group; any other
 * change of the bot's membership is only logged.
 */
function fromMembership(update: z.infer<typeof myChatMemberSchema>, isDesk: (chatId: string) => boolean): Decoded {
  const { chat, new_chat_member: now, old_chat_member: was } = update;
  const status = `the bot's membership of a ${chat.type} chat went from ${was.status} to ${now.status}`;
  if (chat.type === 'supergroup' && isDesk(String(chat.id)) && OUT_OF_GROUP.has(now.status) !== OUT_OF_GROUP.has(was.status)) {
    return { kind: 'desk', group: String(chat.id), present: !OUT_OF_GROUP.has(now.status), ...(chat.title !== undefined ? { title: chat.title } : {}) };
  }
  if (chat.type !== 'private' || now.status === was.status) return { kind: 'ignored', reason: status, level: 'info' };
  if (now.status === 'kicked') return { kind: 'blocked', address: String(chat.id), blocked: true };
  if (now.status === 'member') return { kind: 'blocked', address: String(chat.id), blocked: false };
  return { kind: 'ignored', reason: status, level: 'info' };
}

/** What a person may send that carries neither text nor a file this channel keeps. */
const UNREADABLE_KINDS = ['poll', 'dice', 'game', 'story', 'invoice', 'giveaway', 'giveaway_winners', 'paid_media', 'checklist'] as const;

function fromMessage(message: Message, rawMessage: object, context: { isDesk: (chatId: string) => boolean; receivedAt: Date }): Decoded {
  const { chat } = message;
  const thread = message.message_thread_id;
  const desk = chat.type === 'supergroup' && context.isDesk(String(chat.id));
  const inDesk = desk && message.is_topic_message === true && thread !== undefined;
  if (chat.type !== 'private' && !desk) return { kind: 'ignored', reason: `message in a ${chat.type} chat that is not a desk`, level: 'debug' };
  // A caption is the message's text too, so that whoever reads a relay of it sees it beside the file.
  const written = writtenOf(message);
  const text = written !== undefined && !blank(written.text) ? written.text : undefined;
  const styles = written && text !== undefined && written.styles.length > 0 ? written.styles : undefined;
  const { file, attachment } = attachmentOf(message);
  // Something the person sent that cannot be read here (a poll, a dice, a forwarded story…): kept as a line naming it,
  // and answered politely while the bot waits for an answer, as on the other channels. Service messages stay ignored.
  // Beside a caption too (paid media): the caption is read, and the kind named beside it.
  const unreadable = !file && !attachment ? UNREADABLE_KINDS.find((kind) => Object.hasOwn(rawMessage, kind)) : undefined;
  // Only spaces or invisible characters: nothing said, so nothing is kept; but a customer the bot asked something would
  // see nothing happen, so the runtime asks it again (`blank`).
  const blankText = written !== undefined && text === undefined && !file && !attachment && unreadable === undefined;
  if (text === undefined && !file && !attachment && unreadable === undefined && !blankText) return { kind: 'ignored', reason: 'message without text or attachment', level: 'info' };
  // A channel post has no sender; in a private chat the chat is the person.
  const from: User = message.from ?? { id: chat.id };
  const reply = message.reply_to_message;
  // A deep link t.me/<bot>?start=<payload> arrives as "/start <payload>": the payload is how the person came.
  const start = message.text !== undefined ? /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/.exec(message.text) : null;
  // /help and /settings are the commands Telegram tells users every bot answers (its "global commands"): sent while
  // asked for an email they read "That doesn't look like an email address" and spent a retry; as a need, "/help"
  // went to the agent's card. Like /start they answer no question; the words stay in the transcript as written.
  const globalCommand = message.text !== undefined && /^\/(?:help|settings)(?:@\w+)?\s*$/i.test(message.text);
  return {
    kind: 'message',
    // Nothing written in the desk group outside its topics goes anywhere: its files are not fetched.
    ...(file && (!desk || inDesk) ? { file } : {}),
    inbound: {
      channel: 'telegram',
      id: `${chat.id}:${message.message_id}`,
      from: person(from),
      ...(text !== undefined ? { text: start ? '/start' : text } : {}),
      ...(blankText ? { blank: true as const } : {}),
      ...(styles ? { styles } : {}),
      ...(attachment ? { attachments: [attachment] } : {}),
      ...(unreadable !== undefined ? { unsupported: unreadable } : {}),
      ...(message.media_group_id !== undefined ? { album: message.media_group_id } : {}),
      // Where it came from (`forward_origin`; `forward_date` before Bot API 7.0) is not kept, only that it was forwarded.
      ...(Object.hasOwn(rawMessage, 'forward_origin') || Object.hasOwn(rawMessage, 'forward_date') ? { forwarded: true as const } : {}),
      ...(start?.[1] ? { referral: start[1] } : {}),
      // Telegram sends /start when the chat is opened again (the Start button, a deep link): it answers no question.
      ...((start || globalCommand) && !desk ? { menu: true as const } : {}),
      // Outside any topic of the desk (its General topic), sent to the group itself: answered there.
      ...(desk ? { place: inDesk ? `${chat.id}/${thread}` : String(chat.id), group: String(chat.id) } : {}),
      // In a topic every message replies to the one that opened it: only a Reply on another message quotes.
      ...(reply && !(inDesk && reply.message_id === thread) ? { replyTo: `${chat.id}:${reply.message_id}` } : {}),
      at: sentAt(message.date, context.receivedAt),
    },
  };
}

/**
 * The one thing a message carries besides text (Telegram sends at most one): a file still to fetch, or a location
 * or contact card, which have no bytes.
 */
function attachmentOf(message: Message): { file?: TelegramFile; attachment?: Attachment } {
  const caption = message.caption !== undefined && !blank(message.caption) ? { caption: withLinks(message.caption, message.caption_entities).text } : {};
  const file = (found: { file_id: string; file_size?: number | undefined; file_name?: string | undefined }, attachment: Attachment): { file: TelegramFile } => {
    const size = found.file_size !== undefined ? { size: found.file_size } : {};
    const name = found.file_name !== undefined ? { name: safeName(found.file_name) } : {};
    return { file: { fileId: found.file_id, ...size, attachment: { ...attachment, ...size, ...name, ...caption } } };
  };
  if (message.photo) return file(largest(message.photo), { kind: 'image', mime: 'image/jpeg' });
  if (message.voice) return file(message.voice, { kind: 'audio', mime: message.voice.mime_type ?? 'audio/ogg', voice: true });
  if (message.audio) return file(message.audio, { kind: 'audio', mime: message.audio.mime_type ?? 'audio/mpeg' });
  if (message.video) return file(message.video, { kind: 'video', mime: message.video.mime_type ?? 'video/mp4' });
  // A round video message: always MPEG-4, never named.
  if (message.video_note) return file(message.video_note, { kind: 'video', mime: 'video/mp4', round: true });
  // A GIF is a video (an MPEG-4 one, whatever its name says): other apps play it as one, where a document would be a download.
  if (message.animation) return file(message.animation, { kind: 'video', mime: message.animation.mime_type ?? 'video/mp4', animation: true });
  if (message.document) return file(message.document, { kind: 'document', mime: message.document.mime_type ?? 'application/octet-stream' });
  if (message.sticker) {
    const { is_animated: animated, is_video: video } = message.sticker;
    return file(message.sticker, { kind: 'sticker', mime: animated ? 'application/x-tgsticker' : video ? 'video/webm' : 'image/webp' });
  }
  // A venue carries its location too: the venue says more.
  if (message.venue) {
    const { location, title, address } = message.venue;
    return { attachment: { kind: 'location', location: { ...location, name: title, address } } };
  }
  if (message.location) {
    const { latitude, longitude, live_period: live } = message.location;
    return { attachment: { kind: 'location', location: { latitude, longitude, ...(live !== undefined ? { live: true as const } : {}) } } };
  }
  if (message.contact) {
    const { first_name: first, last_name: last, phone_number: phone } = message.contact;
    const name = [first, last].filter((part) => part !== undefined && part !== '').join(' ');
    return { attachment: { kind: 'contact', contact: { name, ...(phone !== '' ? { phone } : {}) } } };
  }
  return {};
}

/** A message's text, else its caption, with the addresses its links hide (`withLinks`), and its styles. */
function writtenOf(message: Message): { text: string; styles: TextStyle[] } | undefined {
  if (message.text !== undefined) return withLinks(message.text, message.entities);
  return message.caption !== undefined ? withLinks(message.caption, message.caption_entities) : undefined;
}

/** Telegram's entity types that are a style other apps may show, by the style's name here. */
const STYLES: Record<string, TextStyleName> = {
  bold: 'bold', italic: 'italic', underline: 'underline', strikethrough: 'strike', code: 'code', pre: 'pre', spoiler: 'spoiler',
};

/**
 * `text` with the address of each of its words that link elsewhere (`text_link`) after them, in brackets, unless the
 * words show it already: no other channel, nor the transcript, keeps Telegram's links, and "fill in this form"
 * without its address is of no use to the one who reads it. With the styles of the text (`STYLES`), where they lie
 * once the addresses are in. Offsets count UTF-16 units, as JavaScript strings do.
 *
 *     withLinks('Fill in this form.', [{ type: 'text_link', offset: 13, length: 4, url: 'https://acme.example/refund' }]);
 *     // { text: 'Fill in this form (https://acme.example/refund).', styles: [] }
 */
function withLinks(text: string, entities: z.infer<typeof entitiesSchema>): { text: string; styles: TextStyle[] } {
  let styles: TextStyle[] = (entities ?? [])
    .filter((entity) => Object.hasOwn(STYLES, entity.type) && entity.offset + entity.length <= text.length)
    .map((entity) => ({ style: STYLES[entity.type]!, offset: entity.offset, length: entity.length }));
  const links = (entities ?? [])
    .filter((entity) => entity.type === 'text_link' && entity.url !== undefined && entity.url.trim() !== '' && entity.offset + entity.length <= text.length)
    .filter((entity) => !text.slice(entity.offset, entity.offset + entity.length).includes(entity.url!.trim()))
    .sort((a, b) => b.offset + b.length - (a.offset + a.length));
  let linked = text;
  for (const link of links) {
    const end = link.offset + link.length;
    const address = ` (${link.url!.trim()})`;
    // A forged update's thousands of long links would make a text no one sends: past twice the longest text taken, no more.
    if (linked.length + address.length > 2 * MAX_TEXT_LENGTH) continue;
    linked = `${linked.slice(0, end)}${address}${linked.slice(end)}`;
    styles = withInsertion(styles, end, address.length);
  }
  return { text: linked, styles };
}

/** Telegram sends a photo in several sizes: the one with the most pixels (the original) is kept. */
function largest(sizes: z.infer<typeof photoSizeSchema>[]): z.infer<typeof photoSizeSchema> {
  const pixels = (size: z.infer<typeof photoSizeSchema>) => (size.width ?? 0) * (size.height ?? 0);
  return sizes.reduce((best, size) => (pixels(size) > pixels(best) || (pixels(size) === pixels(best) && (size.file_size ?? 0) > (best.file_size ?? 0)) ? size : best));
}

function fromCallbackQuery(query: z.infer<typeof callbackQuerySchema>, receivedAt: Date): Decoded {
  const { from, message: origin } = query;
  if (!from) return { kind: 'callback-ignored', queryId: query.id, reason: 'no sender' };
  if (origin && origin.chat.type !== 'private') return { kind: 'callback-ignored', queryId: query.id, reason: `button in a ${origin.chat.type} chat` };
  if (query.data === undefined || query.data === '') return { kind: 'callback-ignored', queryId: query.id, reason: 'no callback data' };
  return {
    kind: 'callback',
    queryId: query.id,
    ...(origin ? { chatId: origin.chat.id, messageId: origin.message_id } : {}),
    // The message whose keyboard it is, as a reply names it: an old one's button still reads as its title.
    inbound: {
      channel: 'telegram', id: `cb:${query.id}`, from: person(from), choice: query.data, at: receivedAt.toISOString(),
      ...(origin ? { replyTo: `${origin.chat.id}:${origin.message_id}` } : {}),
    },
  };
}

/**
 * A person changed a message's text (or a file's caption) in a private chat, or in a desk's topic (an agent correcting
 * what went to the customer): the new text, as an edit of that message. An edit that leaves no text (a live location
 * moving, a caption removed) has nothing to show; one anywhere else in a group is nobody's business here.
 */
function fromEdit(message: z.infer<typeof editedMessageSchema>, context: { isDesk: (chatId: string) => boolean; receivedAt: Date }): Decoded {
  const { chat } = message;
  const { receivedAt } = context;
  const thread = message.message_thread_id;
  const inDesk = chat.type === 'supergroup' && context.isDesk(String(chat.id)) && message.is_topic_message === true && thread !== undefined;
  if (chat.type !== 'private' && !inDesk) return { kind: 'ignored', reason: `edit in a ${chat.type} chat`, level: 'debug' };
  const written = writtenOf(message);
  if (written === undefined || written.text.trim() === '') return { kind: 'ignored', reason: 'an edit that leaves no text', level: 'debug' };
  const { text, styles } = written;
  return {
    kind: 'message',
    inbound: {
      channel: 'telegram',
      id: `edit:${chat.id}:${message.message_id}:${message.edit_date}`,
      from: person(message.from ?? { id: chat.id }),
      text,
      ...(styles.length > 0 ? { styles } : {}),
      edit: { of: `${chat.id}:${message.message_id}` },
      ...(inDesk ? { place: `${chat.id}/${thread}`, group: String(chat.id) } : {}),
      at: sentAt(message.edit_date, receivedAt),
    },
  };
}

/**
 * A person's reactions to a message changed: the emoji they added is a reaction to it; taking back every emoji
 * reaction is an empty one (an agent's then comes off the customer's message). Adding only a custom emoji (no
 * character to show) says nothing.
 */
function fromReaction(changed: z.infer<typeof messageReactionSchema>, receivedAt: Date): Decoded {
  const { chat, user } = changed;
  if (chat.type !== 'private') return { kind: 'ignored', reason: `reaction in a ${chat.type} chat`, level: 'debug' };
  const before = new Set(changed.old_reaction.map((reaction) => reaction.emoji));
  const emojis = (reactions: typeof changed.new_reaction) => reactions.filter((reaction) => reaction.type === 'emoji' && reaction.emoji !== undefined);
  const takenBack = emojis(changed.new_reaction).length === 0 && emojis(changed.old_reaction).length > 0;
  const added = takenBack ? { emoji: '' } : emojis(changed.new_reaction).find((reaction) => !before.has(reaction.emoji));
  if (added?.emoji === undefined) return { kind: 'ignored', reason: 'a reaction without an emoji', level: 'debug' };
  const at = sentAt(changed.date, receivedAt);
  return {
    kind: 'message',
    inbound: {
      channel: 'telegram',
      // A reaction has no message id of its own: the message, the emoji and the time name it.
      id: `reaction:${chat.id}:${changed.message_id}:${added.emoji}:${at}`,
      from: person(user ?? { id: chat.id }),
      reaction: { emoji: added.emoji, to: `${chat.id}:${changed.message_id}` },
      at,
    },
  };
}

/**
 * When the message was sent. A date no clock could have shown (not a positive whole number of seconds, or
 * past what a Date holds, or far ahead of ours) is replaced by the arrival time rather than refusing the
 * message: its text is fine and the customer expects an answer, and the runtime stamps what it stores with
 * its own clock anyway.
 */
function sentAt(date: unknown, receivedAt: Date): string {
  const ms = typeof date === 'number' && Number.isSafeInteger(date) && date > 0 ? date * 1000 : undefined;
  return ms !== undefined && ms <= receivedAt.getTime() + MAX_CLOCK_AHEAD_MS ? new Date(ms).toISOString() : receivedAt.toISOString();
}

function refused(field: string, error: z.ZodError): Decoded {
  const reason = error.issues.map((issue) => `${[field, ...issue.path].join('.')}: ${issue.message}`).join('; ');
  return { kind: 'refused', reason };
}

function person(who: User): InboundMessage['from'] {
  const name = [who.first_name, who.last_name].filter((part) => part !== undefined && part !== '').join(' ');
  return {
    id: String(who.id),
    ...(name !== '' ? { name } : {}),
    ...(who.language_code !== undefined ? { language: who.language_code } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
