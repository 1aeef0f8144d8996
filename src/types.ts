// The shapes every part shares: what a channel hands the runtime, and what the runtime hands a channel.
import type { Express } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attachment, MediaStore, TextStyle, TextStyleName } from './store/types.ts';
import { UNAVAILABLE_RETRY_AFTER_MS } from './shared/refusals.ts';

export type { Attachment, AttachmentKind, MediaStore, StoredMedia, TextStyle, TextStyleName } from './store/types.ts';

/** A customer's (or an agent's) message as a channel adapter delivers it, wire format already removed. */
export interface InboundMessage {
  /** Channel name, e.g. `webchat`, `telegram`. */
  channel: string;
  /** The channel's own message id: together with `channel`, the dedup key. */
  id: string;
  /**
   * `aliases`: other addresses the same person has on the channel, where the channel knows them (a Teams user's Teams
   * user id beside their Entra object id): a message from one that team.yaml names as an agent's is that agent's, under
   * that address.
   */
  from: { id: string; name?: string; language?: string; reference?: Record<string, string>; aliases?: string[] };
  text?: string;
  /**
   * The part of `text` a question may take as the answer, when `text` says more than the person wrote (an Instagram
   * story's line before their words): '' when nothing in it answers (a story mention alone). Absent: all of `text`.
   */
  answer?: string;
  /** How the sender styled `text` (bold, a spoiler…), where their app lets them. */
  styles?: TextStyle[];
  /** The id of a button the sender pressed. */
  choice?: string;
  /**
   * The stored id (`OutboundMessage.id`) of the bot's message whose button was pressed, where the button's payload
   * carries it (Messenger's and Instagram's quick replies, Bot Framework's buttons): which question the press answers,
   * as `replyTo` says it on the channels that name the message a button hangs on.
   */
  choiceOf?: number;
  /** Files (already in the media store), locations, contact cards. */
  attachments?: Attachment[];
  /**
   * Written by a person at the business from the business's own app (the phone running WhatsApp, the WhatsApp
   * Business app) into the chat with `from`: that person takes the conversation over, and the bot stands back.
   */
  echo?: true;
  /** An old message a history sync brings (of either side, `echo` for the business's): kept in the transcript only. */
  history?: true;
  /** A kind of message the channel cannot read (a poll, an order…), named: kept as a line, answered politely. */
  unsupported?: string;
  /** A reaction to a message (`to`: its channel message id): recorded, never answered. */
  reaction?: { emoji: string; to: string };
  /**
   * The sender changed an earlier message (`of`: its channel message id) to say `text`: `id` names this edit, not
   * the message. Recorded beside the message it corrects and shown to the agent holding the conversation; never an
   * answer to the bot.
   */
  edit?: { of: string };
  /**
   * The sender deleted an earlier message of theirs (`of`: its channel message id) for everyone: `id` names this
   * deletion. The transcript keeps the message; the agent holding the conversation is told, since their app still shows it.
   */
  deletion?: { of: string };
  /**
   * One of several photos or videos sent at once (an album): the same id on each, as the channel names the album (or,
   * for a channel that does not, as its adapter tells them apart). The album is one answer to the bot, not one per file.
   */
  album?: string;
  /**
   * A photo or video from a channel that names no album (WhatsApp): the runtime names its album, inside the message's
   * transaction, by when it was sent next to the customer's last one (`Conversation.lastAlbum`).
   */
  albumByTime?: true;
  /**
   * More of the sender's messages came in the same delivery, written after this one and before they could read a reply
   * to it (WhatsApp batches what is written within a moment): the flow's question this message leads to waits unsaid
   * for them, and is said only if none of them answers it.
   */
  followed?: true;
  /**
   * The sender wrote more than the channel keeps (this many characters): `text` is its start, marked with …. An agent
   * is told where their message to a customer stopped.
   */
  textCut?: number;
  /** The channel message id this message quotes. */
  replyTo?: string;
  /** Forwarded from another chat: someone else's words (or the sender's own, elsewhere), not written to us. */
  forwarded?: true;
  /**
   * Pressed from the chat app's own menu (Messenger's Get Started button, its persistent menu, Telegram's Start that
   * sends `/start`), not from a question the bot asked: it answers no question, so a question waiting for an answer is
   * asked again instead.
   */
  menu?: true;
  /**
   * A text that shows nothing (only spaces and invisible characters: zero-width spaces and joiners, a byte order mark):
   * no `text`, nothing said. Never kept nor relayed; a question the bot waits on is asked again.
   */
  blank?: true;
  /** How the person arrived, when the channel says (a Telegram `/start` deep-link payload, an ad's ref). */
  referral?: string;
  /**
   * Written in a shared thread rather than a private chat: a team desk's topic, as `openThread` named it; or a place of
   * the desk's group no conversation has (its general thread, a topic someone opened by hand), where nothing reaches a
   * customer. An answer sent to `place` goes there.
   */
  place?: string;
  /** With `place`: the group it was written in, as team.yaml names a team's desk (`telegram_desk:`). */
  group?: string;
  /**
   * Its files were not fetched, the runtime having said they reach no customer (`ChannelHost.filesReachCustomer`).
   * That is decided again in the message's transaction: should they reach one by then (the conversation passed to
   * the writer meanwhile), nothing is stored and `deliver` rejects with `FilesHeldBack`, for the channel to fetch them
   * and deliver the message again.
   */
  filesHeldBack?: true;
  /** When the channel says it was sent (ISO 8601). */
  at: string;
}

export interface Choice {
  id: string;
  /** The words of the button, without WhatsApp's markers a flow wrote them in. */
  title: string;
  /** How a flow styled `title` ("*Billing*"): for a channel that shows words styled where buttons are (the web chat); a button does not carry them. */
  styles?: TextStyle[];
}

/** What the bot (or an agent) says; each adapter renders `choices` natively or as a numbered list. */
export interface OutboundMessage {
  text: string;
  /** How an agent styled `text`: a channel shows those of `Channel.styles`, and sends the rest plain. */
  styles?: TextStyle[];
  choices?: Choice[];
  /** Files to send (bytes from `ChannelHost.media`), locations, contact cards; `text` is then their caption. */
  attachments?: Attachment[];
  /** An approved message template (WhatsApp) to send instead of `text`, which then says what it was for the transcript. */
  template?: MessageTemplate;
  /** Written by a person (an agent), not by the bot: a channel whose late-reply rules are for people (Messenger's HUMAN_AGENT tag) needs to know. */
  byAgent?: true;
  /**
   * A notice to an agent (a card, a relayed message, an answer to a command): a channel with a service window may
   * reach the agent with its notice template when the window is closed.
   */
  toAgent?: true;
  /** The stored message's id; a channel with no ids of its own (the web chat) uses it as the message id. */
  id?: number;
  /** A message in the same chat this one quotes (the id `send` resolved to): a channel that cannot quote sends it plain. */
  replyTo?: string;
  /**
   * The language of whoever reads it (a tag: `ar`, `en-GB`), for the lines a channel writes itself: a file it cannot
   * send is named in it (`word(line('fileGone', attachment), deskLanguage(language))`), and the button that opens a list
   * of choices. Set on messages with files, and on the bot's with choices.
   */
  language?: string;
  /**
   * An agent's reaction to the customer's message `to` (its channel message id) instead of words: `emoji`, or '' to take
   * the reaction back. Sent only where `Channel.reacts` takes that emoji; `text` says what it was for the transcript.
   */
  reaction?: { emoji: string; to: string };
}

/** Whether a channel with a connection of its own can send and receive, its state, and why not (for `/healthz`). */
export interface ChannelStatus {
  up: boolean;
  state: string;
  reason?: string;
  /** While not up: since when it has not been (ISO 8601), through every state it went by meanwhile. */
  downSince?: string;
  /**
   * While not up: false when it should come up by itself shortly (WhatsApp Web starting, or reconnecting within its
   * grace), so neither /healthz nor the dashboard calls the channel down yet; true or absent: down.
   */
  down?: boolean;
  /** What the channel read again on connecting of what was written while it was away (WhatsApp Web), when it did. */
  catchUp?: CatchUpStatus;
  /**
   * The part of the channel that is down while the rest still serves its customers (a Telegram team's desk group): the
   * channel is `up` (it answers), and /healthz and the dashboard say that part is down, not the channel.
   */
  part?: string;
}

/**
 * A channel's reading again of the messages written while it was away: under way since `since`, or done (or failed)
 * at `at` with its count: the messages handed on, in how many chats, and those left unread (older than the window,
 * over the limits).
 */
export type CatchUpStatus =
  | { state: 'reading'; since: string }
  | { state: 'done'; at: string; messages: number; chats: number; tooOld: number; leftOver: number }
  | { state: 'failed'; at: string; reason: string };

/**
 * Whether a channel counts as down for /healthz and the dashboard's banner: itself, or a part of it (`part`).
 *
 *     const down = channels.filter((channel) => isDown(channel.status()));
 */
export function isDown(status: ChannelStatus): boolean {
  return status.part !== undefined || (!status.up && status.down !== false);
}

/** An approved template, by name, with its language and the values of its parameters in order. */
export interface MessageTemplate {
  name: string;
  language?: string;
  params: string[];
}

/**
 * Something a channel learned about a person's identity: their address changed (a new number, a new user id),
 * they have another address on the same channel (a WhatsApp lid and their phone number), or the business's
 * address book names them.
 */
export interface IdentityUpdate {
  channel: string;
  id: string;
  name?: string;
  movedTo?: string;
  alsoKnownAs?: string;
}

/** What a channel reports about a message it sent: `messageId` is the id `send` resolved to. */
export interface DeliveryStatus {
  channel: string;
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** The channel's reason, for `failed`. */
  reason?: string;
  /** For `failed`: what the failure is known to mean, as `ChannelSendError.known`. */
  known?: KnownFailure;
  at: string;
}

/**
 * What a failed send is known to mean, which whoever is told of it reads in their own language (failure-words.js): the
 * customer blocked the bot, their chat is gone, their app cannot receive it (a number not on WhatsApp, an app too
 * old), they are not available to the business now (Meta's 551: messages from it turned off), a file over the channel's size limit or of a type it refuses, a text longer than the channel takes, too many
 * messages too fast, the customer's service window closed (only an approved template reaches them), nothing reaches
 * them until they write (again). The channel's own words stay the reason recorded on the message and logged, for
 * admins.
 */
export type KnownFailure = 'blocked' | 'mayHaveBlocked' | 'noChat' | 'cannotReceive' | 'unavailable' | 'fileTooLarge' | 'fileType' | 'tooLong' | 'rateLimited' | 'windowClosed' | 'writeFirst';

/**
 * A send that failed, as the channel judges it: `permanent` (blocked by the user, a chat that does not exist,
 * a message the channel refuses) fails at once with `message` as the reason; a temporary one is tried again,
 * after `retryAfterMs` when the channel says how long to wait. `known`: what the failure means, when the channel
 * can tell (blocked, a closed service window…), which the agent who wrote is told in their words; `windowClosed` is
 * `known: 'windowClosed'`. `briefly`: a temporary failure that may as well mean something lasting (Messenger's code 2,
 * which Meta says can mean the customer blocked the Page) is tried again for minutes only (the outbox's listed
 * delays), never for the day an agent's reply is otherwise kept trying.
 *
 *     throw new ChannelSendError('Forbidden: bot was blocked by the user', { permanent: true });
 *     throw new ChannelSendError('Too Many Requests', { permanent: false, retryAfterMs: 75_000 });
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;
  readonly known: KnownFailure | undefined;
  readonly windowClosed: boolean;
  readonly briefly: boolean;

  constructor(message: string, options: { permanent: boolean; retryAfterMs?: number; known?: KnownFailure; briefly?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent;
    this.briefly = options.briefly === true;
    this.retryAfterMs = options.retryAfterMs;
    this.known = options.known;
    this.windowClosed = options.known === 'windowClosed';
  }
}

/** An agent command as a channel may show it in a menu. */
export interface CommandDescription {
  command: string;
  description: string;
}

/** What the wiring hands a channel when it starts. */
export interface ChannelHost {
  /** Hands an inbound message to the runtime; resolves once it is stored. */
  deliver: Deliver;
  /** Hands a delivery status to the runtime; resolves once it is recorded. */
  report(status: DeliveryStatus): Promise<void>;
  /** Where attachments' bytes are kept: inbound files go in before `deliver`, outbound ones are read from it. */
  media: MediaStore;
  /** The agent commands, for a channel that shows them (Telegram's command menu). */
  commands: readonly CommandDescription[];
  /** The same in an agent's language (`language:` in team.yaml, e.g. `ar`); `commands` for English or none. */
  commandsIn?: (language: string) => readonly CommandDescription[];
  /** Hands an identity change to the runtime; resolves once it is stored. */
  updateIdentity(update: IdentityUpdate): Promise<void>;
  /** The channel is back (its connection restored): what waits to be sent through it is tried at once. */
  up?: () => void;
  /**
   * The person at `address` left the chat for good (the web chat's New visitor): their open conversation closes and
   * its agent is told. Resolves once stored, with the number of the conversation closed (none open: undefined).
   */
  left?(address: string): Promise<number | undefined>;
  /**
   * The person at `address` blocked the bot (`blocked`: true; or deleted the chat with it), or unblocked it (false), as
   * their channel says at once (Telegram's `my_chat_member`): the agent holding their open conversation is told, once,
   * and its transcript says it. Resolves once stored; nothing happens without an open conversation. `appRemoved`: they
   * removed the bot's app from their Teams (Teams' `installationUpdate`), which the agent is told in those words.
   */
  blocked?(address: string, blocked: boolean, options?: { appRemoved?: boolean }): Promise<void>;
  /**
   * The bot is out of the team desk group `group` (`present`: false; removed or banned from it), or in it again, as
   * the channel learned it (Telegram's `my_chat_member`, or a call there refused for that, or working): once it is
   * back, the threads given up on for its teams' open conversations are opened. Resolves once done.
   */
  deskMembership?(group: string, present: boolean): Promise<void>;
  /**
   * Whether the files of `inbound`, not fetched yet, would reach a customer: false for one in a team desk's group
   * (`place` set) that goes to no one (written where no conversation is, by someone not in team.yaml, in a colleague's
   * or a closed conversation's thread). A channel then does not download them. Without it, every file is fetched.
   */
  filesReachCustomer?(inbound: InboundMessage): Promise<boolean>;
  /** When the person at `address` of this channel last wrote (ISO 8601), for a channel with a service window. */
  lastInboundAt(address: string): Promise<string | undefined>;
  /**
   * The channel's ids of the messages sent to the person at `address` in their latest conversation, stored at or before
   * `upTo` (ISO 8601), that are not yet `status` (nor read): for a channel whose receipts say "everything sent before
   * this time" (Messenger's watermark), what another process sent, or this one before a restart, is in the store only.
   */
  sentUpTo?(address: string, upTo: string, status: 'delivered' | 'read'): Promise<string[]>;
  /**
   * What the channel gave with the last message from `address` to reach that person later (`from.reference`: a Bot
   * Framework conversation reference), customer or agent; undefined when none was kept.
   */
  referenceOf(address: string): Promise<Record<string, string> | undefined>;
  /**
   * Which message's buttons each chat of this channel still shows, kept in the store (through a restart, and for every
   * process on PostgreSQL), for a channel that takes a question's buttons off once they mean nothing (Telegram). A
   * channel without it keeps them in its memory.
   */
  keyboards?: KeptKeyboards;
  /**
   * The channel's bookmark in the store: how far it has read what came in (for WhatsApp Web, the time of the newest
   * message handled), kept through a restart, for a channel that reads again on reconnecting what it missed.
   */
  mark?: ChannelMark;
  /**
   * How people came (an m.me link's ref), told before they write, kept in the store for their next message (through a
   * restart, and for every process on PostgreSQL), for a channel that tells it apart (Messenger's referral event). A
   * channel without it keeps them in its memory.
   */
  referrals?: WaitingReferrals;
}

/**
 * A person's referral waiting for their next message, one a person at most.
 *
 *     await host.referrals.keep('6789012345678901', 'summer-sale');
 *     const ref = await host.referrals.waiting('6789012345678901'); // given to the message, then:
 *     await host.referrals.taken('6789012345678901', ref);
 */
export interface WaitingReferrals {
  /** Keeps `referral` for the next message of `address`, in place of one kept before. */
  keep(address: string, referral: string): Promise<void>;
  waiting(address: string): Promise<string | undefined>;
  /** `referral` went with a stored message of `address`: forgotten, unless another was kept since. */
  taken(address: string, referral: string): Promise<void>;
}

/**
 * One value per channel, kept in the store.
 *
 *     await host.mark?.write('2026-12-07T08:00:00.000Z'); await host.mark?.read(); // '2026-12-07T08:00:00.000Z'
 */
export interface ChannelMark {
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
}

/**
 * The message whose buttons a chat still shows, one a chat at most: kept while they show, forgotten once taken off.
 *
 *     const earlier = await host.keyboards.sent('5001', '42'); // '40': its buttons are to be taken off now
 *     await host.keyboards.removed('5001', '40');
 */
export interface KeptKeyboards {
  /** The channel message id of the message whose buttons the chat `address` shows, if any is kept. */
  shown(address: string): Promise<string | undefined>;
  /** `message` went out to `address` with buttons: resolves to the message shown before it (its buttons to be taken off), if any. */
  sent(address: string, message: string): Promise<string | undefined>;
  /** The buttons of `message` are being taken off: forgotten, unless another message's were sent since. */
  removed(address: string, message: string): Promise<void>;
}

/**
 * `Deliver` refused a message for now (the bot is shutting down, the store out of reach): nothing was stored; the sender
 * should retry after `retryAfterMs` (`UNAVAILABLE_RETRY_AFTER_MS` unless the refusal knows its end).
 */
export class DeliveryRefused extends Error {
  override readonly name: string = 'DeliveryRefused';
  /** How long the sender should wait before trying again: every channel's answer says it (`Retry-After`). */
  readonly retryAfterMs: number;

  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? UNAVAILABLE_RETRY_AFTER_MS;
  }
}

/**
 * `Deliver` refused a message because its sender writes faster than a person does: nothing was stored; answer
 * 429 with `retryAfterMs`, or let the channel's own redelivery bring it later.
 */
export class RateLimited extends DeliveryRefused {
  override readonly name = 'RateLimited';
}

/**
 * `Deliver` refused a message whose files were held back (`InboundMessage.filesHeldBack`) because, in its transaction,
 * they reach a customer after all: nothing was stored. The channel fetches them and delivers it again; one that does
 * not answers as for any `DeliveryRefused`, and the platform's redelivery brings it back.
 *
 *     catch (error) { if (error instanceof FilesHeldBack) inbound.attachments = [await fetchFile(file)]; }
 */
export class FilesHeldBack extends DeliveryRefused {
  override readonly name = 'FilesHeldBack';

  constructor() {
    super('its files were not fetched, and they reach a customer now: fetch them and deliver it again', { retryAfterMs: 1000 });
  }
}

/**
 * Hands an inbound message to the runtime. Resolves once the message and its effects are durably stored:
 * only then may a channel acknowledge it to its sender. Rejects when it could not be stored.
 */
export type Deliver = (message: InboundMessage) => Promise<void>;

/**
 * A channel adapter: turns its wire format into `InboundMessage` and renders `OutboundMessage` natively.
 *
 *     const telegram = createTelegramChannel({ token });
 *     await telegram.start({ deliver: runtime.deliver, report: runtime.report, media, commands });
 */
export interface Channel {
  readonly name: string;
  /**
   * Mounts the adapter's webhook routes, if it has any (called before the server listens); `fast`, for the one
   * route a busy channel's traffic hits, answers it without express's router and body parser.
   */
  mount?(app: Express, fast?: FastRoutes): void;
  start(host: ChannelHost): Promise<void>;
  /**
   * Sends to the channel's own address of a person (or of a thread); resolves to the channel's message id (of the last
   * part, for a message that goes out in several: a long text split, a text and its files). `sentPart`, when given, is
   * told each part's id as it goes out. Fails with `ChannelSendError` saying whether trying again can help (any other
   * error counts as temporary).
   */
  send(to: string, message: OutboundMessage, sentPart?: (id: string) => void): Promise<string>;
  /**
   * The customer sees `replyTo` as a quote of the message it answers (Telegram's reply, WhatsApp's context, the web
   * chat's quote line). Where a channel does not, a message that needs its quote (a correction) says in its text what
   * it is about.
   */
  readonly quotes?: boolean;
  /**
   * The styles (`OutboundMessage.styles`) the customer's app shows: Telegram all of them, WhatsApp its own markup's.
   * Without it, texts go plain; an agent's message with a spoiler is then not sent, since it would show what they hid.
   */
  readonly styles?: readonly TextStyleName[];
  /**
   * Whether the customer sees `emoji` as a reaction from the business on their message (`OutboundMessage.reaction`):
   * Telegram takes a fixed set from bots, WhatsApp any emoji. Without it, the channel shows no reactions.
   */
  reacts?(emoji: string): boolean;
  /**
   * Whether the customer's app shows a file of this kind and type as what it is: Telegram's animated and video
   * stickers are Telegram's own, which other apps would show as a file named "file" or not at all. Without it, every
   * file a channel sends shows.
   */
  shows?(attachment: Pick<Attachment, 'kind' | 'mime'>): boolean;
  /** Opens a thread titled `title` in a group (a Telegram forum topic); resolves to the thread's address. */
  openThread?(group: string, title: string): Promise<string>;
  /** Closes a thread `openThread` opened. */
  closeThread?(thread: string): Promise<void>;
  /**
   * For a channel whose message ids tell the order messages came into a chat: whether the message `id` came into its
   * chat after the message `than` (both ids `send` resolves to or inbound ids); undefined when it cannot tell (two
   * chats). An agent's /close is refused when a relay to them came into their chat after it.
   */
  cameAfter?(id: string, than: string): boolean | undefined;
  /** For a channel with a connection of its own (a WhatsApp Web session): whether it can send and receive now. */
  status?(): ChannelStatus;
  stop(): Promise<void>;
}

/**
 * Answers one request without express (the security headers are set already). It either answers the request itself
 * or, before reading any of its body, hands it to `viaExpress`, which answers it as the express routes would: so it
 * takes only the common case (a well-formed webhook) and leaves every other one, errors included, to express.
 */
export type FastRouteHandler = (req: IncomingMessage, res: ServerResponse, viaExpress: () => void) => void;

/** Where a channel registers a fast route (see `Channel.mount`). */
export interface FastRoutes {
  /** `path` is matched exactly, query string included: anything else goes through express. */
  post(path: string, handle: FastRouteHandler): void;
}
