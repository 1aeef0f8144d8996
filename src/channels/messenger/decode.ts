// Turns a Messenger Platform webhook body (`object: page` for Messenger, `instagram` for Instagram Direct) into what
// the runtime takes: customers' messages, quick replies, postbacks, reactions and edits; the Page's own messages (echoes),
// which receive.ts tells apart (ours, or a person's at the business); referrals; delivery and read receipts. Every
// entry and event of a batch is read, `messaging[]` and `standby[]` alike; an event that cannot be read is refused
// on its own, and only a body that is not a webhook batch at all is refused whole. Files are only named here (their
// URL): receive.ts brings their bytes, since decoding does no I/O.
import { z } from 'zod';
import { safeName } from '../../store/media.ts';
import { line, word } from '../../handover/lines.ts';
import { blank, cutText } from '../../shared/text.ts';
import type { Attachment, InboundMessage } from '../../types.ts';
import { PLATFORMS, type Platform } from './platforms.ts';

/**
 * The Send API's texts are at most 2,000 characters, but a person may send far longer ones. A body is Meta's once its
 * signature matched: a text past this is kept cut, marked with …, rather than refused (the customer would never be
 * answered).
 */
const MAX_TEXT_LENGTH = 20_000;
/** Meta's timestamps are a little ahead of our clock at most; a day covers any skew. */
const MAX_CLOCK_AHEAD_MS = 24 * 3_600_000;

/** A file a message carries, at the URL Meta gives: `attachment` gets its `ref`, or why it was `refused`, once fetched. */
export interface LinkedFile {
  url: string;
  attachment: Attachment;
}

/**
 * One thing a batch carries, in the order Meta listed it. `where` names it in the body, for the log; `account` is its
 * entry's id, the Page (or Instagram account) it was sent to, when the entry gave one.
 */
export type Item =
  /**
   * A customer's message, postback, reaction or edit. `getStarted`: a postback's payload, which is how the person
   * arrived when this is the first thing they ever sent (the Get Started button) and no referral came with it.
   */
  | { kind: 'message'; where: string; platform: Platform; account?: string; inbound: InboundMessage; files: LinkedFile[]; getStarted?: string }
  /** A message the Page sent, to `inbound.from.id`: our own, or a person's at the business (receive.ts decides). */
  | { kind: 'echo'; where: string; platform: Platform; account?: string; inbound: InboundMessage; files: LinkedFile[]; metadata?: string; appId?: string; timestamp?: number }
  /** How a person came back into an existing thread (an m.me link with a ref, an ad), without writing yet. */
  | { kind: 'referral'; where: string; platform: Platform; account?: string; from: string; referral: string; at: string }
  /** Delivery (`mids`, and everything sent before `watermark`) or read receipts (before `watermark`, or up to `mid`). */
  | { kind: 'receipt'; where: string; platform: Platform; account?: string; status: 'delivered' | 'read'; from: string; mids: string[]; watermark?: number; at: string }
  | { kind: 'ignored'; where: string; reason: string; level: 'debug' | 'info' | 'warn' }
  /** Unreadable: acknowledged with the batch and never handed to the runtime, so it cannot block what follows. */
  | { kind: 'refused'; where: string; reason: string };

export type DecodedBatch = { ok: true; items: Item[] } | { ok: false; reason: string };

// Page-scoped and Instagram-scoped ids are digits, sent as strings (numbers in some old payloads).
const idSchema = z.union([z.string(), z.number().int().nonnegative()]).transform(String).pipe(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'is not a Meta user id'));
const midSchema = z.string().min(1).max(512);
const textSchema = z.string().transform(cut);
// A detail that is only a hint is dropped when broken, rather than refusing the event with it.
const hint = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);
const payloadSchema = z.string().min(1).max(1000);

const referralSchema = z.object({
  ref: hint(z.string().min(1).max(1000)),
  source: hint(z.string().max(64)),
  type: hint(z.string().max(64)),
  ad_id: hint(z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1).max(128))),
  ads_context_data: hint(z.object({ ad_id: hint(z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1).max(128))) })),
});
type Referral = z.infer<typeof referralSchema>;

const attachmentSchema = z.object({
  type: z.string().min(1).max(64),
  title: hint(z.string().max(1000)),
  payload: hint(z.object({
    url: hint(z.string().max(8192)),
    // An Instagram caption runs to 2,200 characters.
    title: hint(z.string().max(2200)),
    sticker_id: hint(z.union([z.number(), z.string()])),
    coordinates: hint(z.object({ lat: z.number().min(-90).max(90), long: z.number().min(-180).max(180) })),
  }).nullable()),
});

const messageSchema = z.object({
  mid: midSchema,
  // Cut in `contentOf`, which says how long it was (the agent is told the customer's message was cut).
  text: z.string().optional(),
  is_echo: hint(z.boolean()),
  app_id: hint(z.union([z.number(), z.string()]).transform(String)),
  metadata: hint(z.string().max(1000)),
  quick_reply: hint(z.object({ payload: payloadSchema })),
  // `story`: the customer answered one of the Instagram account's stories (`url`: its media, which Meta stops serving
  // once the story expires, within 24 hours).
  reply_to: hint(z.object({ mid: hint(midSchema), story: hint(z.object({ url: hint(z.string().max(8192)), id: hint(z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1).max(128))) })) })),
  attachments: z.array(z.unknown()).max(100).optional(),
  referral: hint(referralSchema),
  is_deleted: hint(z.boolean()),
  is_unsupported: hint(z.boolean()),
});
type Message = z.infer<typeof messageSchema>;

const eventSchema = z.object({
  sender: hint(z.object({ id: idSchema })),
  recipient: hint(z.object({ id: idSchema })),
  // Any value: a time no clock can show does not make the event unreadable (see `sentAt`).
  timestamp: z.unknown(),
  message: z.unknown().optional(),
  postback: z.object({ title: hint(textSchema), payload: hint(payloadSchema), mid: hint(midSchema), referral: hint(referralSchema) }).optional(),
  referral: referralSchema.optional(),
  reaction: z.object({ reaction: hint(z.string().max(64)), emoji: hint(z.string().min(1).max(64)), action: hint(z.string().max(32)), mid: hint(midSchema) }).optional(),
  // How many times the message was edited (Meta documents an integer, and its example shows a string): it tells edits apart.
  message_edit: z.object({ mid: midSchema, text: textSchema, num_edit: hint(z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,6}$/)]).transform(String)) }).optional(),
  delivery: z.object({ mids: hint(z.array(midSchema).max(1000)), watermark: hint(z.number().nonnegative()) }).optional(),
  read: z.object({ watermark: hint(z.number().nonnegative()), mid: hint(midSchema) }).optional(),
});
type Event = z.infer<typeof eventSchema>;

/** Events that are not messages, each only recorded in the log: the handover protocol, and what Switchboard does not use. */
const RECORDED_ONLY: Record<string, string> = {
  pass_thread_control: 'another app passed the thread to this one (handover protocol)',
  take_thread_control: 'another app took the thread (handover protocol)',
  request_thread_control: 'another app asked for the thread (handover protocol)',
  app_roles: 'the app roles of the Page changed (handover protocol)',
  optin: 'an opt-in (a plugin or a marketing message request)',
  account_linking: 'an account linking event',
  policy_enforcement: 'a policy enforcement notice from Meta',
  game_play: 'an instant game was played',
};

/** The frame every webhook body has: anything else is not a batch from the Messenger Platform (400). */
const batchSchema = z.object({
  object: z.enum(['page', 'instagram']),
  entry: z.array(z.object({
    id: hint(idSchema),
    messaging: z.array(z.unknown()).max(1000).optional(),
    standby: z.array(z.unknown()).max(1000).optional(),
    changes: z.array(z.unknown()).max(1000).optional(),
  })).max(1000),
});

/**
 * Decodes a webhook body (already parsed from JSON); `receivedAt` stands in for times an event does not carry or
 * carries broken.
 *
 *     const batch = decodeBatch(JSON.parse(raw), { receivedAt: new Date() });
 *     if (!batch.ok) res.status(400).json({ error: batch.reason });
 */
export function decodeBatch(body: unknown, context: { receivedAt: Date }): DecodedBatch {
  const parsed = batchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `not a Messenger Platform webhook: ${issues(parsed.error)}` };
  const platform = PLATFORMS.find((row) => row.object === parsed.data.object)!;
  const items: Item[] = [];
  parsed.data.entry.forEach((entry, e) => {
    (entry.messaging ?? []).forEach((raw, m) => items.push(toAccount(fromEvent(raw, platform, `entry[${e}].messaging[${m}]`, context.receivedAt), entry.id)));
    (entry.standby ?? []).forEach((raw, s) => items.push(fromStandby(raw, platform, `entry[${e}].standby[${s}]`)));
    if (entry.changes && entry.changes.length > 0) {
      items.push({ kind: 'ignored', where: `entry[${e}].changes`, reason: 'changes of the Page or account (feed, comments…), not messages', level: 'info' });
    }
  });
  return { ok: true, items };
}

/** The item, marked with the Page or account its entry was for (nothing to mark on what is ignored or refused). */
function toAccount(item: Item, account: string | undefined): Item {
  return account === undefined || item.kind === 'ignored' || item.kind === 'refused' ? item : { ...item, account };
}

function fromEvent(raw: unknown, platform: Platform, where: string, receivedAt: Date): Item {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const event = parsed.data;
  const at = sentAt(event.timestamp, receivedAt);
  const sender = event.sender?.id;
  if (event.message !== undefined) return fromMessage(event, platform, where, at);
  if (sender === undefined) return { kind: 'refused', where, reason: 'an event without sender.id' };
  if (event.postback) {
    const { title, payload, mid, referral } = event.postback;
    if (title === undefined && payload === undefined) return { kind: 'refused', where, reason: 'a postback without title or payload' };
    const ref = referralOf(referral);
    return {
      kind: 'message',
      where,
      platform,
      files: [],
      // An old postback has no mid: its sender and time name it, the same whenever Meta sends it again.
      inbound: {
        channel: platform.channel,
        id: mid ?? `postback:${sender}:${timeKey(event.timestamp)}`,
        from: { id: sender },
        ...(title !== undefined && title !== '' ? { text: title } : {}),
        ...(payload !== undefined ? { choice: payload } : {}),
        ...(ref !== undefined ? { referral: ref } : {}),
        // The bot's own choices go out as quick replies, never postback buttons: a postback comes from the Page's Get
        // Started button or its persistent menu, and answers no question the bot asked.
        menu: true,
        at,
      },
      ...(ref === undefined && payload !== undefined ? { getStarted: payload } : {}),
    };
  }
  if (event.referral) {
    const ref = referralOf(event.referral);
    if (ref === undefined) return { kind: 'ignored', where, reason: 'a referral without ref or ad id', level: 'info' };
    return { kind: 'referral', where, platform, from: sender, referral: ref, at };
  }
  if (event.reaction) {
    const { emoji, reaction, action, mid } = event.reaction;
    // Taking a reaction back: nothing to record.
    if (action === 'unreact') return { kind: 'ignored', where, reason: 'a reaction taken back', level: 'debug' };
    const shown = emoji ?? reaction;
    if (mid === undefined || shown === undefined) return { kind: 'refused', where, reason: 'a reaction without the message it is on, or without an emoji' };
    return {
      kind: 'message',
      where,
      platform,
      files: [],
      inbound: { channel: platform.channel, id: `reaction:${sender}:${mid}:${timeKey(event.timestamp)}`, from: { id: sender }, reaction: { emoji: shown, to: mid }, at },
    };
  }
  if (event.message_edit) {
    const { mid, text, num_edit: count } = event.message_edit;
    if (text.trim() === '') return { kind: 'ignored', where, reason: 'an edit that leaves no text', level: 'debug' };
    return {
      kind: 'message',
      where,
      platform,
      files: [],
      // The edit keeps the message's mid: which edit of it this is (else when it came) names the edit.
      inbound: { channel: platform.channel, id: `edit:${mid}:${count ?? timeKey(event.timestamp)}`, from: { id: sender }, text, edit: { of: mid }, at },
    };
  }
  if (event.delivery) {
    const { mids, watermark } = event.delivery;
    if (mids === undefined && watermark === undefined) return { kind: 'refused', where, reason: 'a delivery without mids or watermark' };
    return { kind: 'receipt', where, platform, status: 'delivered', from: sender, mids: mids ?? [], ...(watermark !== undefined ? { watermark } : {}), at };
  }
  if (event.read) {
    // Messenger says "everything before the watermark"; Instagram names the last message read.
    const { mid, watermark } = event.read;
    if (mid === undefined && watermark === undefined) return { kind: 'refused', where, reason: 'a read receipt without watermark or mid' };
    return { kind: 'receipt', where, platform, status: 'read', from: sender, mids: mid !== undefined ? [mid] : [], ...(watermark !== undefined ? { watermark } : {}), at };
  }
  const other = Object.keys(raw as object).find((key) => key in RECORDED_ONLY);
  if (other !== undefined) return { kind: 'ignored', where, reason: `${other}: ${RECORDED_ONLY[other]}`, level: 'info' };
  return { kind: 'ignored', where, reason: `an event of a kind not read here (${Object.keys(raw as object).filter((key) => !['sender', 'recipient', 'timestamp'].includes(key)).join(', ').slice(0, 100) || 'empty'})`, level: 'info' };
}

/** A customer's message, or the Page's own (`is_echo`: sender is the Page, recipient the person). */
function fromMessage(event: Event, platform: Platform, where: string, at: string): Item {
  const parsed = messageSchema.safeParse(event.message);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error, 'message') };
  const message = parsed.data;
  const person = message.is_echo ? event.recipient?.id : event.sender?.id;
  if (message.is_deleted) {
    // The person's own unsend: the transcript keeps the message, and the agent holding the conversation is told.
    if (message.is_echo || person === undefined) return { kind: 'ignored', where, reason: 'a message its sender took back', level: 'info' };
    return { kind: 'message', where, platform, files: [], inbound: { channel: platform.channel, id: `deleted:${message.mid}`, from: { id: person }, deletion: { of: message.mid }, at } };
  }
  if (person === undefined) return { kind: 'refused', where, reason: message.is_echo ? 'an echo without recipient.id' : 'a message without sender.id' };
  const content = contentOf(message, platform);
  if ('refused' in content) return { kind: 'refused', where, reason: content.refused };
  const { files, ...said } = content;
  const inbound: InboundMessage = { channel: platform.channel, id: message.mid, from: { id: person }, ...said, at };
  if (message.is_echo) {
    const timestamp = typeof event.timestamp === 'number' && Number.isSafeInteger(event.timestamp) ? event.timestamp : undefined;
    return {
      kind: 'echo', where, platform, files,
      inbound: { ...inbound, echo: true },
      ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
      ...(message.app_id !== undefined ? { appId: message.app_id } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    };
  }
  const referral = referralOf(message.referral);
  return { kind: 'message', where, platform, files, inbound: { ...inbound, ...(referral !== undefined ? { referral } : {}) } };
}

/** What a message says: its text, a quick reply's payload, files (by URL), places, a quoted message, or a kind not read. */
type Content =
  | { text?: string; answer?: string; textCut?: number; choice?: string; choiceOf?: number; replyTo?: string; attachments?: Attachment[]; unsupported?: string; blank?: true; files: LinkedFile[] }
  | { refused: string };

const FILE_KINDS: Record<string, Attachment['kind']> = { image: 'image', audio: 'audio', video: 'video', file: 'document' };
/** A post or reel someone shared from Instagram: its payload gives its caption (`title`) and a link to it (`url`). */
const SHARED_POSTS = new Set(['share', 'ig_post', 'ig_reel', 'reel']);

function contentOf(message: Message, platform: Platform): Content {
  const files: LinkedFile[] = [];
  const attachments: Attachment[] = [];
  const unread: string[] = [];
  // Shared links are text: their address (and title), after what the person wrote.
  const links: string[] = [];
  // The lines naming a story (replied to, mentioned), which the agent reads and no question takes as the answer.
  const storyLines: string[] = [];
  for (const raw of message.attachments ?? []) {
    const parsed = attachmentSchema.safeParse(raw);
    if (!parsed.success) {
      unread.push('attachment');
      continue;
    }
    const { type, title, payload } = parsed.data;
    const kind = FILE_KINDS[type];
    if (kind !== undefined) {
      // A sticker (Messenger's thumbs up too) arrives as a picture with its sticker id.
      const attachment: Attachment = { kind: kind === 'image' && payload?.sticker_id !== undefined ? 'sticker' : kind, ...(kind === 'document' ? nameOf(payload?.url) : {}) };
      if (payload?.url !== undefined && /^https?:\/\//.test(payload.url)) files.push({ url: payload.url, attachment });
      // Not handed over (never too large): the customer is asked to send it again, not a smaller one.
      else attachments.push({ ...attachment, refused: `${platform.label} did not share this file`, refusal: { kind: 'notFetched' } });
    } else if (type === 'location' && payload?.coordinates) {
      const name = title ?? payload.title;
      attachments.push({ kind: 'location', location: { latitude: payload.coordinates.lat, longitude: payload.coordinates.long, ...(name ? { name } : {}) } });
    } else if (type === 'fallback' && payload?.url !== undefined && /^https?:\/\//.test(payload.url)) {
      // A typed address comes with its preview as this attachment, maybe behind Facebook's redirect: said once.
      if (!/https?:\/\//.test(message.text ?? '')) {
        const named = title ?? payload.title;
        links.push(named !== undefined && named.trim() !== '' ? `${named}: ${payload.url}` : payload.url);
      }
    } else if (SHARED_POSTS.has(type) && payload?.url !== undefined && /^https?:\/\//.test(payload.url)) {
      // A post or reel shared from Instagram ("is this one in stock?"): its caption and link, as a shared link, so the
      // agent sees what was shared. Meta sends a post as `share` and `ig_post` alike, with the same link: said once.
      const named = payload.title ?? title;
      const link = named !== undefined && !blank(named) ? `${named}: ${payload.url}` : payload.url;
      if (!links.includes(link)) links.push(link);
    } else if (type === 'story_mention' && payload?.url !== undefined && /^https?:\/\//.test(payload.url)) {
      // The customer mentioned the account in their story: its link, which works until the story expires. Not words
      // to the bot: it answers no question.
      const mentioned = word(line('storyMentioned', payload.url));
      links.push(mentioned);
      storyLines.push(mentioned);
    } else {
      // A link without an address, a template: nothing here can show it.
      unread.push(type === 'fallback' ? 'shared link' : type.replace(/_/g, ' '));
    }
  }
  if (message.is_unsupported) unread.push('unsupported');
  // An answer to one of the account's stories: which one, before what the customer wrote about it.
  const story = message.reply_to?.story;
  // (In English, as the transcript keeps it; each agent reads it in their language.)
  const replied = story === undefined ? undefined : word(line('storyReplied', story.url !== undefined && /^https?:\/\//.test(story.url) ? story.url : undefined));
  const written = [replied ?? '', message.text ?? '', ...links].filter((part) => !blank(part)).join('\n');
  const text = written !== '' ? cut(written) : undefined;
  const words = [message.text ?? '', ...links.filter((link) => !storyLines.includes(link))].filter((part) => !blank(part)).join('\n');
  const answer = replied !== undefined || storyLines.length > 0 ? { answer: cut(words) } : {};
  const textCut = written.length > MAX_TEXT_LENGTH ? { textCut: written.length } : {};
  const pressed = message.quick_reply && pressedChoice(message.quick_reply.payload);
  const choice = pressed?.choice;
  const readable = text !== undefined || choice !== undefined || files.length > 0 || attachments.length > 0;
  // Only spaces or invisible characters: nothing said, so nothing is kept (not a malformed message); but a customer the
  // bot asked something would see nothing happen, so the runtime asks it again (`blank`), as on the other channels.
  if (!readable && unread.length === 0 && message.text !== undefined && blank(message.text)) return { files: [], blank: true };
  if (!readable && unread.length === 0) return { refused: 'a message with neither text nor attachments' };
  return {
    files,
    ...(text !== undefined ? { text, ...textCut, ...answer } : {}),
    ...(choice !== undefined ? { choice } : {}),
    ...(pressed?.of !== undefined ? { choiceOf: pressed.of } : {}),
    ...(message.reply_to?.mid !== undefined ? { replyTo: message.reply_to.mid } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    // Beside a text or files too (a template with a text): those are read, an answer like any other, and the agent
    // is told something else came.
    ...(unread.length > 0 ? { unsupported: [...new Set(unread)].join(', ') } : {}),
  };
}

/** A quick reply's payload as render.ts writes it (`{"choice","of"}`, the message it hangs on), or a bare choice id. */
const namedPayload = z.object({ choice: z.string().min(1), of: z.number().int().positive().safe() }).strict();

function pressedChoice(payload: string): { choice: string; of?: number } {
  if (!payload.startsWith('{')) return { choice: payload };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { choice: payload };
  }
  const named = namedPayload.safeParse(parsed);
  return named.success ? named.data : { choice: payload };
}

/** `text`, or its first `MAX_TEXT_LENGTH` characters marked with … (never half a surrogate pair). */
function cut(text: string): string {
  return cutText(text, MAX_TEXT_LENGTH);
}

/** A file's name, from the last part of its URL's path (Messenger sends no name). */
function nameOf(url: string | undefined): { name?: string } {
  if (url === undefined) return {};
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return last !== '' ? { name: safeName(last) } : {};
  } catch {
    return {};
  }
}

/** How a person arrived: an m.me link's ref, else the ad's id. */
function referralOf(referral: Referral | undefined): string | undefined {
  return referral?.ref ?? referral?.ad_id ?? referral?.ads_context_data?.ad_id;
}

/** A standby event: another app holds the thread (the Page Inbox, say). Recorded, never answered. */
function fromStandby(raw: unknown, platform: Platform, where: string): Item {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'refused', where, reason: issues(parsed.error) };
  const { sender, recipient, message } = parsed.data;
  const echo = typeof message === 'object' && message !== null && (message as { is_echo?: unknown }).is_echo === true;
  const person = echo ? recipient?.id : sender?.id;
  return { kind: 'ignored', where, reason: `standby: another app holds the ${platform.label} thread with ${person ?? 'someone'}; not answered`, level: 'info' };
}

/** The timestamp as part of an id: the same each time Meta sends the event again. */
function timeKey(timestamp: unknown): string {
  return typeof timestamp === 'number' || typeof timestamp === 'string' ? String(timestamp).slice(0, 32) : 'unknown';
}

/** When it happened: Meta's milliseconds. A time no clock could show, or far ahead of ours, is the arrival time. */
function sentAt(timestamp: unknown, receivedAt: Date): string {
  const ms = typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp > 0 ? timestamp : undefined;
  return ms !== undefined && ms <= receivedAt.getTime() + MAX_CLOCK_AHEAD_MS ? new Date(ms).toISOString() : receivedAt.toISOString();
}

function issues(error: z.ZodError, prefix?: string): string {
  return error.issues.slice(0, 5).map((issue) => `${[prefix, ...issue.path].filter((part) => part !== undefined).join('.') || 'body'}: ${issue.message}`).join('; ');
}
