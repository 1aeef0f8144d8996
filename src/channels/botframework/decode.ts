// Turns a Bot Framework activity (already authenticated by the adapter) into what the runtime takes. Total: any
// value becomes a message, something deliberately ignored, or a refusal with its reason; never a throw. Files are
// only named here (their URLs); files.ts brings their bytes, since decoding does no I/O.
//
// What is delivered: `message` activities of one person's own conversation with the bot (text, a pressed button's
// `value`, files), a card's Action.Execute carrying a choice (an `adaptiveCard/action` invoke), `messageReaction`s to
// a message, and Teams' edits of a message (`messageUpdate`, `editMessage`). A
// `conversationUpdate` (the bot installed in Teams, a Web Chat page opened) is not a message: nobody said anything
// yet, and Web Chat sends one on every page load, so greeting there would open conversations nobody started. A
// deleted message (`messageDelete`) stays in the transcript and in the agent's chat as it was. Messages in Teams
// group chats and channels are not read: a customer's conversation is never held where others read it (the chat is
// told so, receive.ts). Teams' mention
// markup (`<at>Acme Bot</at>`) is not part of what anyone said.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { safeName } from '../../store/media.ts';
import { cutText } from '../../shared/text.ts';
import type { Attachment, AttachmentKind, InboundMessage } from '../../types.ts';
import { CHANNEL, personAddress, TEAMS } from './address.ts';
import { flatten } from './reference.ts';

/**
 * Far beyond what Teams (28 KB messages) sends; a Web Chat visitor may paste more, which is kept cut, marked with …,
 * rather than refused (the customer would see their message fail on every try, and never be answered).
 */
const MAX_TEXT_LENGTH = 32 * 1024;
/** Files fetched of one message; those past it arrive refused, so the customer is told rather than losing them all. */
const MAX_FILES = 10;
/** Attachments read of one activity (an authenticated one: the channel's own, within the 1 MB body). */
const MAX_ATTACHMENTS = 100;
/** A channel's clock may run a little ahead of ours; a day covers any skew. */
const MAX_CLOCK_AHEAD_MS = 24 * 3_600_000;
/** Teams' file in a personal chat: the bytes are at `content.downloadUrl`, a pre-authenticated link. */
const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
/** Teams' `channelData.eventType` of a `messageUpdate` that is a person's edit of their message. */
const TEAMS_EDIT = 'editMessage';
/** Teams' reaction types and the emoji people see. */
const REACTIONS: Record<string, string> = { like: '👍', heart: '❤️', laugh: '😆', surprised: '😮', sad: '😢', angry: '😠' };

/**
 * A file a message names, still at the channel: `attachment` is what is known before the download, and gets its
 * `ref`, or the reason it was `refused`, once files.ts fetched it. `withToken`: the URL is the Bot Connector's own
 * (Teams' inline images), which serves it only to the bot's token.
 */
export interface RemoteFile {
  url: string;
  withToken: boolean;
  attachment: Attachment;
}

/** What an activity turned into. */
export type Decoded =
  /** `serviceUrl`: the activity's, the one address files may come from over plain http (files.ts). */
  | { kind: 'message'; inbound: InboundMessage; files: RemoteFile[]; serviceUrl: string }
  | { kind: 'ignored'; reason: string }
  /** The person at `address` removed the bot from their Teams (`removed`: true), or added it back; `reason` says which. */
  | { kind: 'removed'; address: string; removed: boolean; reason: string }
  /** A message to the bot in the Teams group chat or channel `chat`: not read, but answered there once (receive.ts). */
  | { kind: 'group'; chat: string; language?: string; reason: string }
  /** Not an activity the bot can read (no id, no sender): acknowledged, so the channel does not send it again. */
  | { kind: 'refused'; reason: string };

// Optional details are hints: a broken one is dropped rather than refusing the message with it.
const hint = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);
const id = z.string().min(1).max(1024);
const accountSchema = z.object({ id, name: hint(z.string().max(512)), aadObjectId: hint(z.string().max(128)) });
const attachmentSchema = z.object({
  contentType: z.string().max(255),
  contentUrl: hint(z.string()),
  name: hint(z.string().max(1024)),
  content: z.unknown().optional(),
});

const activitySchema = z.object({
  type: z.string().min(1).max(64),
  id: id.optional(),
  timestamp: z.unknown(),
  channelId: z.string().min(1).max(64).regex(/^[\w.-]+$/, 'is not a channel id'),
  serviceUrl: z.string().url().max(2048),
  from: accountSchema,
  recipient: accountSchema,
  conversation: z.object({
    id,
    conversationType: hint(z.string().max(64)),
    tenantId: hint(z.string().max(128)),
    isGroup: hint(z.boolean()),
  }),
  channelData: hint(z.object({ tenant: hint(z.object({ id: z.string().max(128) })), eventType: hint(z.string().max(64)) })),
  locale: hint(z.string().max(35)),
  // Cut in `fromMessage` and `fromEdit`, which say how long it was (an agent is told where their message stopped).
  text: z.string().optional(),
  value: z.unknown(),
  attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS).optional(),
  replyToId: hint(z.string().min(1).max(1024)),
  reactionsAdded: hint(z.array(z.object({ type: z.string().min(1).max(64) })).max(16)),
  membersAdded: hint(z.array(accountSchema).max(1000)),
  /** An installationUpdate's: `add`, `remove` (or `add-upgrade`, `remove-upgrade` around an app's update). */
  action: hint(z.string().max(64)),
  entities: hint(z.array(z.unknown()).max(MAX_ATTACHMENTS)),
  /** An invoke's kind: `adaptiveCard/action`, `task/fetch`, `composeExtension/query`… */
  name: hint(z.string().max(128)),
});

type Activity = z.infer<typeof activitySchema>;

/** Teams' mention of someone in a message: `text` is how it stands in the message's text (`<at>Acme Bot</at>`). */
const mentionEntity = z.object({ type: z.literal('mention'), text: z.string().min(1).max(1024), mentioned: z.object({ id: z.string() }) });

/** A pressed card button or suggested action: rendered by render.ts as `{ choice: <id>, of: <message id> }`; older cards carry no `of`. */
const choiceValue = z.object({ choice: z.string().min(1).max(256), of: hint(z.number().int().positive().safe()) });
/** An Adaptive Card's Action.Execute (an `adaptiveCard/action` invoke): its title, and its data, a choice when it carries one. */
const cardAction = z.object({ action: z.object({ title: hint(z.string().max(1024)), data: z.unknown() }) });
const teamsFileContent = z.object({ downloadUrl: z.string().url(), fileType: hint(z.string().max(16)) });

/** How activities are read: `trustedUserIds`, the channels whose user ids Enhanced authentication vouches for (address.ts). */
export interface DecodeOptions {
  trustedUserIds?: ReadonlySet<string>;
}

/**
 * Decodes one activity; `receivedAt` stands in for a timestamp the activity does not carry or carries broken.
 *
 *     const decoded = decodeActivity(context.activity, new Date(), { trustedUserIds: new Set(['directline']) });
 *     if (decoded.kind === 'message') await host.deliver(decoded.inbound);
 */
export function decodeActivity(value: unknown, receivedAt: Date, options: DecodeOptions = {}): Decoded {
  const parsed = activitySchema.safeParse(value);
  if (!parsed.success) {
    return { kind: 'refused', reason: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'activity'}: ${issue.message}`).join('; ') };
  }
  const activity = parsed.data;
  const { conversation } = activity;
  if (activity.type === 'conversationUpdate') {
    const added = activity.membersAdded?.length ?? 0;
    return { kind: 'ignored', reason: `conversationUpdate (${added} member${added === 1 ? '' : 's'} added): not a message` };
  }
  const eventType = activity.channelData?.eventType;
  if (activity.type === 'messageDelete') {
    return { kind: 'ignored', reason: `messageDelete${eventType ? ` (${eventType})` : ''}: a deleted message stays in the transcript as it was` };
  }
  // Web Chat and Direct Line have no edits; Teams also says a deleted message was restored (`undeleteMessage`).
  if (activity.type === 'messageUpdate' && (activity.channelId !== TEAMS || eventType !== TEAMS_EDIT)) {
    return { kind: 'ignored', reason: `messageUpdate${eventType ? ` (${eventType})` : ''} from ${activity.channelId}: not an edit of a message` };
  }
  const choosing = activity.type === 'invoke' && activity.name === 'adaptiveCard/action';
  if (activity.type !== 'message' && activity.type !== 'messageReaction' && activity.type !== 'messageUpdate' && activity.type !== 'installationUpdate' && !choosing) {
    return { kind: 'ignored', reason: `activity of type ${activity.type}${activity.name !== undefined ? ` (${activity.name})` : ''}` };
  }
  if (conversation.isGroup === true || (conversation.conversationType !== undefined && conversation.conversationType !== 'personal')) {
    const reason = `${activity.type} in a ${conversation.conversationType ?? 'group'} conversation, not a personal one`;
    // Someone called the bot there (Teams delivers a group's messages only when the bot is mentioned): told where to write.
    if (activity.type === 'message' && activity.channelId === TEAMS) return { kind: 'group', chat: conversation.id, ...(activity.locale ? { language: activity.locale } : {}), reason };
    return { kind: 'ignored', reason };
  }
  if (activity.type === 'installationUpdate') return fromInstallation(activity, options.trustedUserIds);
  if (activity.id === undefined) return { kind: 'refused', reason: `${activity.type} without an id` };
  const reading: Reading = { receivedAt, trusted: options.trustedUserIds ?? new Set() };
  if (activity.type === 'messageUpdate') return fromEdit(activity, reading);
  if (choosing) return fromCardAction(activity, reading);
  return activity.type === 'message' ? fromMessage(activity, reading) : fromReaction(activity, reading);
}

function fromMessage(activity: Activity, reading: Reading): Decoded {
  // A Reply on a message of the conversation (a relay an agent answers) names it, as the bot's sends are named.
  const inbound = { ...base(activity, reading), ...(activity.replyToId !== undefined ? { replyTo: `${activity.conversation.id}:${activity.replyToId}` } : {}) };
  const whole = textOf(activity);
  const said = whole !== undefined ? cut(whole) : undefined;
  const text = said !== undefined && said.trim() !== '' ? said : undefined;
  const textCut = text !== undefined && whole!.length > MAX_TEXT_LENGTH ? { textCut: whole!.length } : {};
  const pressed = choiceValue.safeParse(activity.value);
  // The choice a button stands for is what answers; its own text (its title, which the messageBack carries) is what
  // the person saw, and what is read when no question offers it any more (a button of an old card, which Teams keeps).
  if (pressed.success) return message({ ...inbound, choice: pressed.data.choice, ...(pressed.data.of !== undefined ? { choiceOf: pressed.data.of } : {}), ...(text !== undefined ? { text } : {}) }, activity);
  const files: RemoteFile[] = [];
  const unreadable: string[] = [];
  const refused: Attachment[] = [];
  for (const attachment of activity.attachments ?? []) {
    const read = readAttachment(attachment, activity);
    if (read === 'skip') continue;
    if (typeof read === 'string') unreadable.push(read);
    else if (files.length < MAX_FILES) files.push(read);
    else refused.push({ ...read.attachment, refused: `only the first ${MAX_FILES} files of a message are kept` });
  }
  // A card beside the text or the files is named beside them, not dropped: the agent knows something else came.
  const unshown = unreadable.length > 0 ? { unsupported: unreadable.join(', ') } : {};
  if (text !== undefined || files.length > 0) return message({ ...inbound, ...(text !== undefined ? { text, ...textCut } : {}), ...(refused.length > 0 ? { attachments: refused } : {}), ...unshown }, activity, files);
  if (unreadable.length > 0) return message({ ...inbound, unsupported: unreadable.join(', ') }, activity);
  // A card's form submitted (an Adaptive Card of someone else's making).
  if (activity.value !== undefined) return message({ ...inbound, unsupported: 'a card\'s form' }, activity);
  return { kind: 'ignored', reason: 'message without text, attachment or value' };
}

/**
 * A card's Action.Execute that carries a choice, as Switchboard's buttons do (an Adaptive Card made from one, or an
 * old or forwarded one): the choice pressed, as a messageBack's, with the button's title as what the person saw.
 * Any other card action is not Switchboard's to read: Teams gets its quiet answer (invokes.ts) and nothing is stored.
 */
function fromCardAction(activity: Activity, reading: Reading): Decoded {
  const invoked = cardAction.safeParse(activity.value);
  const pressed = invoked.success ? choiceValue.safeParse(invoked.data.action.data) : undefined;
  if (!invoked.success || !pressed?.success) return { kind: 'ignored', reason: 'adaptiveCard/action that carries no choice' };
  const title = invoked.data.action.title?.trim();
  return message({ ...base(activity, reading), choice: pressed.data.choice, ...(pressed.data.of !== undefined ? { choiceOf: pressed.data.of } : {}), ...(title ? { text: cut(title) } : {}) }, activity);
}

/** A file to fetch, 'skip' for what only repeats the text, or the name of what cannot be read. */
function readAttachment(attachment: z.infer<typeof attachmentSchema>, activity: Activity): RemoteFile | 'skip' | string {
  const type = attachment.contentType.toLowerCase();
  const name = attachment.name !== undefined && attachment.name.trim() !== '' ? { name: safeName(attachment.name) } : {};
  // Teams sends the message again as HTML beside its text.
  if (activity.channelId === TEAMS && type === 'text/html') return 'skip';
  if (type === TEAMS_FILE) {
    const content = teamsFileContent.safeParse(attachment.content);
    if (!content.success) return 'a Teams file without a download link';
    const extension = (content.data.fileType ?? attachment.name?.split('.').at(-1) ?? '').toLowerCase();
    return { url: content.data.downloadUrl, withToken: false, attachment: { kind: kindOfExtension(extension), ...name } };
  }
  if (type.startsWith('application/vnd.microsoft.card.')) return 'a card';
  if (attachment.contentUrl === undefined) return `an attachment of type ${type.slice(0, 64)}`;
  // Teams says image/* for an inline picture: the type is then the download's.
  const mime = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type) ? { mime: type } : {};
  return { url: attachment.contentUrl, withToken: isConnectorUrl(attachment.contentUrl, activity), attachment: { kind: kindOfMime(type), ...mime, ...name } };
}

/**
 * Whether the Bot Connector serves `url` to the bot's token: under the activity's service URL (Teams' inline
 * images, /v3/attachments/…), or Teams' older image store. The token is never sent anywhere else.
 */
function isConnectorUrl(url: string, activity: Activity): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.origin === new URL(activity.serviceUrl).origin) return true;
  return activity.channelId === TEAMS && target.protocol === 'https:' && target.hostname.endsWith('.asm.skype.com');
}

/**
 * Teams' word that a person removed the app from their own Teams (`remove`), after which the Bot Connector refuses
 * every message to them (403), or added it again (`add`): the agent holding their conversation hears it then, as of a
 * Telegram customer who blocks the bot, rather than at their next reply. An update's own remove and add (`…-upgrade`)
 * leave the person reachable.
 */
function fromInstallation(activity: Activity, trusted: ReadonlySet<string> = new Set()): Decoded {
  const { action } = activity;
  if (action !== 'remove' && action !== 'add') return { kind: 'ignored', reason: `installationUpdate (${action ?? 'no action'}): nobody removed or added the bot` };
  const removed = action === 'remove';
  return { kind: 'removed', address: personAddress(activity.channelId, activity.from, activity.conversation.id, trusted), removed, reason: `installationUpdate (${action}): the person ${removed ? 'removed the bot' : 'added the bot back'}` };
}

function fromReaction(activity: Activity, reading: Reading): Decoded {
  const added = activity.reactionsAdded?.[0];
  if (!added) return { kind: 'ignored', reason: 'messageReaction that only removes a reaction' };
  if (activity.replyToId === undefined) return { kind: 'ignored', reason: 'messageReaction without the message it reacts to' };
  const emoji = REACTIONS[added.type] ?? added.type;
  return message({ ...base(activity, reading), reaction: { emoji, to: `${activity.conversation.id}:${activity.replyToId}` } }, activity);
}

/**
 * A Teams user changed the text of a message they sent: the new text, as an edit of that message. The update carries
 * the edited message's own `id`, so it names the same message its `message` activity did (`base`); when it was made
 * (`timestamp`) tells this edit from the next one, and is the same each time the Bot Framework delivers it again.
 * An edit that leaves no text (a file's message emptied) has nothing to show.
 */
function fromEdit(activity: Activity, reading: Reading): Decoded {
  const whole = textOf(activity);
  const text = whole !== undefined ? cut(whole) : undefined;
  if (text === undefined || text.trim() === '') return { kind: 'ignored', reason: 'an edit that leaves no text' };
  const inbound = base(activity, reading);
  return message({ ...inbound, id: `edit:${inbound.id}:${editKey(activity.timestamp, text)}`, text, edit: { of: inbound.id } }, activity);
}

/**
 * What the person wrote. Teams writes each mention into the text as `<at>Name</at>`: a mention of the bot (a habit
 * from group chats, where it must be called by name) is dropped, so that `<at>Acme Bot</at> /close` is the command
 * and a customer's words reach the agent without it; a mention of anyone else is left as `@Name`.
 */
function textOf(activity: Activity): string | undefined {
  const { text, recipient } = activity;
  if (text === undefined || activity.channelId !== TEAMS || !text.includes('<at>')) return text;
  const bot = new Set([`<at>${recipient.name ?? ''}</at>`]);
  for (const entity of activity.entities ?? []) {
    const mention = mentionEntity.safeParse(entity);
    if (mention.success && mention.data.mentioned.id === recipient.id) bot.add(mention.data.text);
  }
  const cut = text.replace(/[ \t]*(<at>([^<]*)<\/at>)([,.;:!?،؛؟]?)([ \t]*)/g, (markup: string, mention: string, name: string, mark: string, after: string, at: number) => {
    if (!bot.has(mention)) return markup.replace(mention, () => `@${name}`);
    // Called by name first ("@Acme Bot: /close", «@Acme Bot، مرحبا»): nothing of the call stays, its punctuation included.
    if (text.slice(0, at).trim() === '') return '';
    // One space stays between the words either side, none before punctuation.
    if (mark !== '') return `${mark}${after}`;
    return at + markup.length === text.length ? '' : ' ';
  });
  return cut.trim();
}

/** What tells one edit of a message from another: when it was made, else (no timestamp) what it says now. */
function editKey(timestamp: unknown, text: string): string {
  if (typeof timestamp === 'string' && timestamp !== '') return timestamp.slice(0, 40);
  if (timestamp instanceof Date && Number.isFinite(timestamp.getTime())) return timestamp.toISOString();
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** When the activity arrived, and whose user ids are the person's. */
interface Reading {
  receivedAt: Date;
  trusted: ReadonlySet<string>;
}

function message(inbound: InboundMessage, activity: Activity, files: RemoteFile[] = []): Decoded {
  return { kind: 'message', inbound, files, serviceUrl: activity.serviceUrl };
}

/** The message's id, sender and time, shared by every kind. */
function base(activity: Activity, reading: Reading): InboundMessage {
  const { from, conversation } = activity;
  const tenantId = conversation.tenantId ?? activity.channelData?.tenant?.id;
  const reference = flatten({
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: { id: conversation.id, conversationType: conversation.conversationType, tenantId },
    bot: activity.recipient,
    user: from,
  });
  const name = from.name !== undefined && from.name.trim() !== '' ? { name: from.name.trim() } : {};
  const address = personAddress(activity.channelId, from, conversation.id, reading.trusted);
  // A Teams user addressed by their object id is also their Teams user id (29:…), which team.yaml may give an agent.
  const byUserId = activity.channelId === TEAMS ? `${TEAMS}:${from.id}` : address;
  return {
    channel: CHANNEL,
    id: `${conversation.id}:${activity.id}`,
    from: { id: address, ...name, ...(activity.locale ? { language: activity.locale } : {}), reference, ...(byUserId !== address ? { aliases: [byUserId] } : {}) },
    at: sentAt(activity.timestamp, reading.receivedAt),
  };
}

/** `text`, or its first `MAX_TEXT_LENGTH` characters marked with … (never half a surrogate pair). */
function cut(text: string): string {
  return cutText(text, MAX_TEXT_LENGTH);
}

function kindOfMime(mime: string): AttachmentKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'document';
}

function kindOfExtension(extension: string): AttachmentKind {
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'heic'].includes(extension)) return 'image';
  if (['mp3', 'm4a', 'wav', 'ogg', 'aac'].includes(extension)) return 'audio';
  if (['mp4', 'mov', 'webm', 'avi'].includes(extension)) return 'video';
  return 'document';
}

/** When the activity was sent; a timestamp no clock could show is replaced by the arrival time. */
function sentAt(timestamp: unknown, receivedAt: Date): string {
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : timestamp instanceof Date ? timestamp.getTime() : Number.NaN;
  return Number.isFinite(ms) && ms > 0 && ms <= receivedAt.getTime() + MAX_CLOCK_AHEAD_MS ? new Date(ms).toISOString() : receivedAt.toISOString();
}
