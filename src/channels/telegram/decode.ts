// Turns a Telegram update (a webhook body or a polled update) into what the runtime takes. Total: any value
// becomes a message, a button press, something deliberately ignored, or a refusal with its reason; never a throw.
import { z } from 'zod';
import type { InboundMessage } from '../../types.ts';

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

/** What an update turned into. */
export type Decoded =
  | { kind: 'message'; inbound: InboundMessage }
  | { kind: 'callback'; inbound: InboundMessage; queryId: string; chatId?: number; messageId?: number }
  | { kind: 'callback-ignored'; queryId: string; reason: string }
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

const messageSchema = z.object({
  message_id: messageIdSchema,
  // Any value: a date no clock can show does not make the message unreadable (see `sentAt`).
  date: z.unknown(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: textSchema.optional(),
  caption: textSchema.optional(),
  message_thread_id: messageIdSchema.optional(),
  is_topic_message: z.boolean().optional(),
  reply_to_message: z.object({ message_id: messageIdSchema }).optional(),
});

const callbackQuerySchema = z.object({
  id: z.string().min(1).max(256),
  from: userSchema.optional(),
  message: z.object({ message_id: messageIdSchema, chat: chatSchema }).optional(),
  data: z
    .string()
    .refine((data) => Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_DATA_BYTES, `is longer than Telegram's ${MAX_CALLBACK_DATA_BYTES} bytes`)
    .optional(),
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
    return parsed.success ? fromMessage(parsed.data, context) : refused('message', parsed.error);
  }
  if (Object.hasOwn(update, 'callback_query')) {
    const parsed = callbackQuerySchema.safeParse(update.callback_query);
    return parsed.success ? fromCallbackQuery(parsed.data, context.receivedAt) : refused('callback_query', parsed.error);
  }
  const kind = Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
  return { kind: 'ignored', reason: `update of kind ${kind.slice(0, 64)}`, level: 'info' };
}

function fromMessage(message: z.infer<typeof messageSchema>, context: { isDesk: (chatId: string) => boolean; receivedAt: Date }): Decoded {
  const { chat } = message;
  const thread = message.message_thread_id;
  const inDesk = chat.type === 'supergroup' && context.isDesk(String(chat.id)) && message.is_topic_message === true && thread !== undefined;
  if (chat.type !== 'private' && !inDesk) return { kind: 'ignored', reason: `message in a ${chat.type} chat that is not a desk topic`, level: 'debug' };
  const text = message.text ?? message.caption;
  if (text === undefined || text.trim() === '') return { kind: 'ignored', reason: 'message without text', level: 'info' };
  // A channel post has no sender; in a private chat the chat is the person.
  const from: User = message.from ?? { id: chat.id };
  const reply = message.reply_to_message;
  // A deep link t.me/<bot>?start=<payload> arrives as "/start <payload>": the payload is how the person came.
  const start = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/.exec(text);
  return {
    kind: 'message',
    inbound: {
      channel: 'telegram',
      id: `${chat.id}:${message.message_id}`,
      from: person(from),
      text: start ? '/start' : text,
      ...(start?.[1] ? { referral: start[1] } : {}),
      ...(inDesk ? { place: `${chat.id}/${thread}` } : {}),
      ...(!inDesk && reply ? { replyTo: `${chat.id}:${reply.message_id}` } : {}),
      at: sentAt(message.date, context.receivedAt),
    },
  };
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
    inbound: { channel: 'telegram', id: `cb:${query.id}`, from: person(from), choice: query.data, at: receivedAt.toISOString() },
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
