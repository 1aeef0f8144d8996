// The data model and the Store contract: lowdb (embedded default) and, later, PostgreSQL implement it.
import type { KnownFailure } from '../types.ts';

export type FieldValue = string | number | boolean | null;
export type Fields = Record<string, FieldValue>;

export interface Identity {
  channel: string;
  /** The channel's address of this person (chat id, phone number, web chat session), as the channel normalises it. */
  id: string;
  /**
   * What the channel needs to reach this person later besides the address (a Bot Framework conversation
   * reference: service URL, conversation id, tenant), as the channel gave it on their last message.
   */
  reference?: Record<string, string>;
}

/** What an attachment is, as a person sees it. */
export type AttachmentKind = 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact';

/** The styles a person's app may show on a stretch of text. */
export type TextStyleName = 'bold' | 'italic' | 'underline' | 'strike' | 'code' | 'pre' | 'spoiler';

/**
 * A stretch of a message's `text` its writer styled (Telegram's bold, a spoiler…): `offset` and `length` count UTF-16
 * units, as JavaScript strings (and Telegram) do.
 */
export interface TextStyle {
  style: TextStyleName;
  offset: number;
  length: number;
}

/**
 * A file, a location or a contact card sent with a message. Bytes are kept in the media store and named by `ref`;
 * a location or a contact card has none.
 */
export interface Attachment {
  kind: AttachmentKind;
  mime?: string;
  /** Bytes. */
  size?: number;
  /** The file name as the sender gave it (never a path: only its last part is kept). */
  name?: string;
  caption?: string;
  /** The bytes in the media store (`MediaStore.put`). */
  ref?: string;
  /** A voice note recorded in the app, rather than an audio file. */
  voice?: boolean;
  /** A GIF: a short silent video that plays by itself, over and over (Telegram sends every GIF as an MPEG-4 one). */
  animation?: boolean;
  /** A round video message (Telegram's video note), recorded in the app: a square MPEG-4 video shown in a circle. */
  round?: boolean;
  /** `live`: shared as a live location, whose moves after this first point are not passed on. */
  location?: { latitude: number; longitude: number; name?: string; address?: string; live?: true };
  contact?: { name: string; phone?: string };
  /** Why the bytes were not kept (over the size limit, could not be fetched): the message arrives without them. */
  refused?: string;
  /** What `refused` means, when it is known, for a reader to be told in their language (`refused` stays as it was said). */
  refusal?: FileRefusal;
}

/** Why a file's bytes were not kept: over `limitBytes`, a type not taken, empty, or not to be had from the channel. */
export type FileRefusal = { kind: 'tooLarge'; limitBytes: number } | { kind: 'fileType' | 'empty' | 'notFetched' };

/** Bytes the media store keeps, by `ref`. */
export interface StoredMedia {
  ref: string;
  size: number;
  mime: string;
  name?: string;
}

/**
 * Where attachments' bytes live (under `DATA_DIR/media` for the embedded store). `put` refuses with
 * `MediaRefusedError` what is over `maxBytes`, empty, or of no valid MIME type, and keeps nothing of it.
 *
 *     const stored = await media.put(bytes, { mime: 'image/jpeg', name: 'receipt.jpg' });
 *     const found = await media.get(stored.ref);
 */
export interface MediaStore {
  readonly maxBytes: number;
  /**
   * `meta.claimed`: the type is only what the sender says (a browser's upload), so a picture type the pages show
   * (PNG, JPEG, GIF, WebP, AVIF, BMP) whose first bytes are not such a picture is kept as `application/octet-stream`.
   */
  put(data: Uint8Array | AsyncIterable<Uint8Array>, meta: { mime?: string; name?: string; claimed?: boolean }): Promise<StoredMedia>;
  /** The bytes and what is known of them, or undefined for an unknown or malformed ref. */
  get(ref: string): Promise<{ media: StoredMedia; bytes(): AsyncIterable<Uint8Array> } | undefined>;
  /** Removes the bytes and what is known of them; true when there was something to remove (an erase, say). */
  delete(ref: string): Promise<boolean>;
}

export interface Contact {
  id: string;
  identities: Identity[];
  name?: string;
  language?: string;
  /** `contact.*` fields: kept across conversations. */
  fields: Fields;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** Where a conversation stands in a flow script; plain data, so a restart resumes exactly here. */
export interface FlowPosition {
  flow: string;
  /** Content hash of the script version the conversation started on. */
  version: string;
  /** Index of the current step in that version. */
  step: number;
  /**
   * How many steps the run has come to, this one included (absent on runs started before it was counted): a question the
   * flow comes back to (a `goto` loop) is asked afresh, and the buttons of its earlier asking are then old (`questionOf`).
   */
  visits?: number;
  /**
   * Set while the step waits for the customer's answer. `unseen`: the channel reported that the question failed to
   * reach them, so their next message gets it again instead (`askAgain`), once: `askedAgain`. `refused`: what was
   * wrong with the last answer refused (an `ask`'s `Refusal` or expect type), so the same mistake again is told shorter.
   * `unsaid`: not said yet, as the customer's next message was in already (`InboundMessage.followed`): it is said only
   * if that message does not answer it.
   */
  waiting?: { retries: number; refused?: string; unseen?: true; askedAgain?: true; unsaid?: true };
  /** The album (several files sent at once) the last message the flow took came with: the rest of it answers nothing. */
  album?: string;
  /**
   * What the customer wrote in this run that no question took yet, newest last (`flows/heard.ts`): the opening message,
   * an answer to another question, what was beside an answer. A question with `skip_if_known` takes its answer from it.
   */
  heard?: string[];
  /** Set once the flow ran past its last step, or stopped on an error. */
  done?: boolean;
  error?: string;
}

export type ConversationSource = 'contact' | 'agent' | 'workflow';

/** A conversation passed on from an agent, or from a queue (see `Conversation.handOvers`). */
export interface HandOver {
  /** The agent it was taken from; none when it waited in a queue. */
  agent?: string;
  /** The team it was with. */
  team?: string;
  at: string;
  /** Who passed it on when not its agent: `admin:<name>` (from the dashboard), `auto` (nobody in team.yaml could take it where it waited). */
  by?: string;
}

export interface Conversation {
  /** A small increasing number people can say out loud: "#42". */
  id: number;
  contactId: string;
  channel: string;
  status: 'open' | 'closed';
  stage: 'bot' | 'queued' | 'assigned';
  team?: string;
  /** The agent holding it now; cleared when they hand it back, or pass it to a queue. */
  agentId?: string;
  /** The agent who held it last, kept when `agentId` is cleared: the reports credit the conversation to them. */
  handledBy?: string;
  intent?: string;
  /**
   * Who passed it on last (an agent's name, or an admin's), and from which team: the card the team it went to reads
   * says so, with the recent exchange. Cleared when it goes back to the bot or back to the queue (its agent left
   * team.yaml); an admin who gives it to an agent is the one who passed it on.
   */
  passedOn?: { by: string; team?: string };
  /** The team desk's thread (a Telegram forum topic, say) where the team works on this conversation. */
  deskThread?: { channel: string; address: string };
  /**
   * The agent who works it in their own chat while its team desk has no thread for it (taken while the bot was out of the
   * desk's group or its opening was given up, or passed on from a colleague's chat where it was worked so): while they
   * hold it, no thread opens for it, and the customer's words go on to their chat.
   */
  heldOutOfDesk?: string;
  /** `conversation.*` fields. */
  fields: Fields;
  flow?: FlowPosition;
  source: ConversationSource;
  openedAt: string;
  queuedAt?: string;
  assignedAt?: string;
  firstResponseAt?: string;
  /**
   * Who gave the first response: an agent's id, `admin:<name>` (a closing note shared from the dashboard), or
   * `app:<channel>` (someone at the business, from its own app). The reports credit the agent with it, who may not be
   * the one holding the conversation now (they answered, then passed it on); absent in conversations stored before.
   */
  firstResponseBy?: string;
  /** The team it was with when the first response was given: the reports credit that team with it, though it was passed on since. */
  firstResponseTeam?: string;
  /**
   * Each time it was passed on from an agent (a transfer by them or an admin, an automatic pass from an away agent or
   * an unanswered customer, its agent gone from team.yaml), or from its queue (an admin gave it to an agent or another
   * team; no agent in team.yaml could take it there): from whom and which team, when, and by whom when not its agent.
   * The reports count them.
   */
  handOvers?: HandOver[];
  lastAgentMessageAt?: string;
  /**
   * The customer's first message relayed to the agent holding it since that agent's last message: while it is later
   * than `lastAgentMessageAt`, they wait for an answer (see `handover/away.ts`).
   */
  customerWaitingSince?: string;
  /**
   * How many of the customer's messages it took while people had it (queued or held): each one writes the conversation,
   * so that a decision on it at the same moment (a claim, a transfer, whose card shows the recent messages) conflicts
   * and runs again.
   */
  customerMessagesForPeople?: number;
  /** When its agent was last reminded that its customer waits for their answer (UNANSWERED_REMIND_AFTER, see `handover/away.ts`). */
  answerRemindedAt?: string;
  /** When the agent holding it now was given it (`assignedAt` is the first assignment's): auto-close counts from here at the earliest. */
  heldSince?: string;
  /**
   * With the bot: since when it waits for the customer, set at the end of each of the bot's turns in it (the
   * customer's message, or its coming back to the bot: a hand back, a queue's timeout). The bot's idle close counts
   * from here; a conversation stored before it was kept counts from its newest message.
   */
  awaitingCustomerSince?: string;
  closedAt?: string;
  closedBy?: string;
  closingNote?: string;
  /** The agent chose to tell the customer the closing note. */
  closingNoteShared?: true;
  /** How the agent styled the shared closing note (`*on its way*` from WhatsApp), for the customer's closing notice. */
  closingNoteStyles?: TextStyle[];
  /**
   * The place in line the customer was last told, and when (improvements are told, at most once a minute); `still`:
   * told as the answer to their writing again (`still_queued`).
   */
  queueNotice?: { position: number; at: string; still?: true };
  /**
   * Queued, and not yet given its place in line: the team's next placing puts it behind every conversation placed
   * before and tells the customer `text` joined around the number (the flow's `queued`, rendered when it queued), with
   * `styles` over it counting each place the number goes as one unit (see `placedText`). `why`: why it went back to a
   * queue (its agent gone or away), said first if it moves on to another team before its placing (its team went with
   * that agent): the move's notice and the place follow in the same message.
   */
  awaitingPlace?: { text?: string[]; styles?: TextStyle[]; why?: string };
  /**
   * The agent the customer was last told is with them ("Sara has joined the conversation."), until they were told
   * otherwise (back with the bot, passed to a team, their place in line): given to that same agent again (a transfer to
   * a team of theirs that they take back at once), the customer hears nothing, since nothing changed for them.
   */
  announcedAgent?: string;
  /** A person at the business answered from the business's own app: the bot stands back in this conversation. */
  takenOver?: { channel: string; at: string };
  /** The album whose files that did not come through the customer was told of: once an album, not once a file. */
  refusalToldFor?: string;
  /**
   * The album of the customer's last photo or video, for a channel that names none (`InboundMessage.albumByTime`), and
   * when they sent it (the channel's time): their next one sent within seconds of it is of the same album. Kept with
   * the conversation, not in a process's memory, so that an album whose photos reach two processes, or one process
   * before and after a restart, is still one album.
   */
  lastAlbum?: { album: string; at: string };
  /**
   * When the customer wrote the newest message this conversation took (the channel's time), on a channel that delivers
   * in no promised order (Meta's): one written before it, coming after, answers no question asked since.
   */
  lastWrittenAt?: string;
}

export interface Message {
  /**
   * Assigned when the transaction that adds it commits, stable across restarts, and increasing in commit order among
   * the messages of one contact and among those of one address (the embedded store: among all): a reader that polls
   * a contact's or an address's messages `after=<id>` never skips one that commits later with a lower id.
   */
  id: number;
  /** The customer it concerns; absent on an agent's own thread with the bot and on a team desk's thread. */
  contactId?: string;
  conversationId?: number;
  channel: string;
  /**
   * The channel's address of the other side of this message: who sent it (inbound) or who it goes to (outbound),
   * a customer's chat, an agent's private chat with the bot, or a team desk's thread.
   */
  address: string;
  direction: 'in' | 'out';
  /** Who wrote it: the customer, the bot, an agent, or an internal note no customer sees. */
  from: 'contact' | 'bot' | 'agent' | 'note';
  agentId?: string;
  /** Who wrote a note that no agent wrote: the admin's name (`X-Admin-Name`, else "admin"). An agent's note has `agentId`. */
  author?: string;
  text: string;
  choices?: { id: string; title: string; styles?: TextStyle[] }[];
  /**
   * The bot's message with `choices` a flow said: the question it asks (`questionOf`), so that a button of it pressed
   * once the flow asks another is told apart from an answer to that one.
   */
  asks?: string;
  /** The button id the customer pressed. */
  choice?: string;
  /**
   * A customer's typed answer the bot took as a button of its question ("billing" to Billing / Sales): the button's id,
   * and the bot's message that offered it, for the web chat to show that button chosen, as a press.
   */
  typedChoice?: { choice: string; of: number };
  /**
   * The press of a button of an earlier question (`oldPress`), or of the flow's questions while in line: it answered
   * nothing, and the customer was told so (in line: their place).
   */
  oldPress?: true;
  /**
   * A customer's message that came while the flow waited for an answer: the question it answered (`questionOf`), so
   * that a reader knows what the bot read it as (an email address, a need, a rating).
   */
  answers?: string;
  attachments?: Attachment[];
  /**
   * A customer's message of a kind nothing here can show (a poll, a story), as the channel names it: `text` says so in
   * English for the transcript, and whoever shows it to an agent words it in theirs.
   */
  unsupported?: string;
  /** A reaction to the message with this channel message id. */
  reaction?: { emoji: string; to: string };
  /**
   * An edit of the message with this channel message id, which now says `edit.text`. The customer's: the message's own
   * `text` says what it said before and what it says now, for anyone reading the transcript. An agent's, of a message
   * of theirs relayed to the customer (the copy's `relayOf`): the correction the customer was sent.
   */
  edit?: {
    of: string;
    text: string;
    /**
     * The answer this edit gave nothing to replace, kept while the conversation waited in the queue (the customer was
     * told): the card of the agent who takes it says so, while the field (`path`) still holds it.
     */
    kept?: { path: string; field: { en: string; ar: string }; kept: string; lacks: { en: string; ar: string }; removed?: true };
  };
  /**
   * A customer's deletion for everyone of their message with this channel message id: `text` says, in English, what
   * it said. Rows kept before this field have that line alone (`[deleted "…"]`).
   */
  deletion?: { of: string };
  /** An approved template sent instead of free text (`text` says what it was). */
  template?: { name: string; language?: string; params: string[] };
  /** Brought by a history sync: what was said before Switchboard took the chat. */
  history?: true;
  /** A notice to an agent (card, relay, answer to a command). */
  toAgent?: true;
  /** Outbound with files or the bot's choices: the language of whoever reads it (the customer's, the agent's, the desk's), for a file the channel cannot send or a list's button. */
  language?: string;
  /** For a notice sent on to an agent's next address: the addresses (`channel:address`) that could not take it. */
  triedAddresses?: string[];
  /**
   * A copy relayed to an agent (or a desk thread) of the customer's message with this channel message id; or, sent to
   * the customer, of the agent's message with this channel message id (on the agent's channel).
   */
  relayOf?: string;
  /** An agent's message in their own chat with the bot that was for a customer: the conversation it was relayed to. */
  relayedTo?: number;
  /** The channel's message id: the dedup key of inbound messages, the sent id of outbound ones. */
  channelMessageId?: string;
  replyTo?: string;
  /** What the message `replyTo` quotes said, short (`shortQuote`): the web chat shows it above this one. */
  quote?: string;
  /** An agent's formatting of `text`, sent to the customer where their channel shows it (`Channel.styles`). */
  styles?: TextStyle[];
  at: string;
  /**
   * Outbound delivery: `pending` until claimed, `sending` (kept through a process crash) while a process hands it
   * to its channel, then `sent` or `failed`. A message found `sending` by a process that did not claim it is in
   * doubt: its send may have happened or not (see `Store.outboundInDoubt`).
   */
  status?: 'pending' | 'sending' | 'sent' | 'failed';
  error?: string;
  /** What `error` is known to mean (`ChannelSendError.known`), for a reader to be told in their language; `error` stays as the channel said it. */
  failure?: KnownFailure;
  /** What the channel reported after accepting it (`DeliveryStatus`), when it reports: delivered, then read. */
  delivery?: 'delivered' | 'read';
}

/** How a send ended, as `Store.markDelivery` records it: sent with the channel's id, or failed with why (`failure`: what it is known to mean). */
export type DeliveryOutcome = { channelMessageId: string } | { error: string; failure?: KnownFailure };

/** A message as `Tx.recentMessages` gives it: committed ones with their id, those the transaction added without. */
export type RecentMessage = Omit<Message, 'id'> & { id?: number };

/** Which open conversations a query wants: every given property must be equal, and the wait must have begun before. */
export interface OpenConversationFilter {
  stage?: Conversation['stage'];
  team?: string;
  agentId?: string;
  /**
   * Only those whose `awaitingCustomerSince` (or, without it, `openedAt`) is before this time (ISO 8601, as
   * `Date.toISOString` writes it): the bot's idle close copies only the conversations due, not every one with the bot.
   */
  awaitingCustomerBefore?: string;
}

/**
 * The work one transaction may do. Reads see the transaction's own writes.
 *
 * **One live object per record.** Within a transaction, every read of a contact, a conversation or a document
 * (by key or through a query) hands out the same object, so every part of the work that changes a record changes
 * the one object: there is no stale copy to write back over a fresher one. `put…` marks it written (a record
 * first created by the work is registered by its `put…`, and is then the live one); what is committed is its
 * state when the work returns. Putting a different object for a record the transaction already holds is a
 * programming error (`StaleWriteError`).
 *
 * **Serializable.** Every committed record the transaction saw (read by key, found absent by key, or handed out by
 * a query) is remembered with its version, and the commit is refused with `ConflictError` if another transaction
 * has committed one of them since. `Store.transaction` then runs the work again, in the same place in its key's
 * line, on the new state; nothing of a refused attempt is kept. The work must therefore only decide: it does
 * nothing outside the transaction (no sends), which is what the effects returned after the commit are for.
 */
export interface Tx {
  /** Validated at commit, absent included. */
  contact(id: string): Promise<Contact | undefined>;
  /** The contact returned is validated at commit. */
  contactByIdentity(channel: string, id: string): Promise<Contact | undefined>;
  /** Validated at commit, absent included. */
  conversation(id: number): Promise<Conversation | undefined>;
  /** The contact's open conversation (at most one exists). The conversation returned is validated at commit. */
  openConversationOf(contactId: string): Promise<Conversation | undefined>;
  /** The contact's most recently opened conversation, open or closed. The conversation returned is validated at commit. */
  latestConversationOf(contactId: string): Promise<Conversation | undefined>;
  /**
   * Open conversations matching `filter` (every open one without it), oldest (lowest id) first, with this
   * transaction's own writes applied (one it opened is in, one it closed is out). Each one returned is the live
   * object, validated at commit. With `{ live: false }`: copies as they are now, not validated, for a transaction
   * that only looks (a listing) or picks one and then reads it by id (`conversation(id)`), like `SKIP LOCKED`.
   */
  openConversations(filter?: OpenConversationFilter, options?: { live?: boolean }): Promise<Conversation[]>;
  /** How many open conversations match `filter`; copies nothing, so it stays cheap with long queues. Not validated. */
  countOpenConversations(filter?: OpenConversationFilter): Promise<number>;
  /**
   * True when an inbound message with this channel id was already stored. Not validated as such, but a commit that
   * adds an inbound message whose channel id another transaction stored meanwhile is refused (`ConflictError`),
   * as a unique index would: run again, this answers true.
   */
  hasInbound(channel: string, channelMessageId: string): Promise<boolean>;
  /**
   * The committed message, inbound or outbound, with this channel message id (an outbound one has it once
   * `markDelivery` recorded it as sent); the newest if several share it. A query: not validated at commit.
   */
  messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined>;
  /**
   * The last `limit` messages of a conversation, oldest first, the ones this transaction added included (those have
   * no id yet). A query: not validated at commit.
   */
  recentMessages(conversationId: number, limit: number): Promise<RecentMessage[]>;
  /** A small generic document (agent status, queues, leases…), by collection and key. Validated at commit, absent included. */
  doc<T>(collection: string, key: string): Promise<T | undefined>;

  newContactId(): Promise<string>;
  newConversationId(): Promise<number>;
  putContact(contact: Contact): void;
  /** Refused at commit (the whole transaction with it) if it would give a contact two open conversations. */
  putConversation(conversation: Conversation): void;
  /** Adds a message; its `id` is given at commit, in commit order. */
  addMessage(message: Omit<Message, 'id'>): void;
  /** Replaces the document whole. */
  putDoc(collection: string, key: string, value: unknown): void;
  deleteDoc(collection: string, key: string): void;
  /**
   * Makes contact `from` part of contact `into` when this transaction commits: every conversation and message of
   * `from` (those committed meanwhile by others included) becomes `into`'s, and `from` is removed, its addresses
   * freed (the work puts `into` with those it takes). Both are read here, so a transaction that read either and
   * commits after it runs again (a customer's message racing it lands on `into`). The commit is refused
   * (`ConflictError`) if `into` would end up with two open conversations: the work closes one first. Called last, after
   * the work's reads and writes of `from`'s records (its conversations keep their `contactId` until the commit).
   * Resolves false (nothing to do) when either contact is absent or they are the same one: a merge done already is
   * not done twice. The stores keep `{ into, at }` under `from` in CONTACT_MERGES.
   *
   *     if (await tx.mergeContact(newcomer.id, customer.id)) tx.putContact(customer);
   */
  mergeContact(from: string, into: string): Promise<boolean>;
}

/** Where the stores remember which contact was merged into which (`Tx.mergeContact`): `{ into, at }` by `from`. */
export const CONTACT_MERGES = 'contact-merges';

/** What `Store.eraseContact` does in the same step as the erase (see there). */
export interface EraseOptions {
  docs?: readonly (readonly [collection: string, key: string])[];
  notice?: { collection: string; key: string; value: (removed: readonly Conversation[]) => unknown };
  /** Where the document naming the files it leaves to delete (`{ files }`, the refs it gives back) is put in the same step. */
  files?: { collection: string; key: string };
}

/** What `Store.eraseContact` removed. */
export interface ErasedContact {
  /** How many conversations (`removed.length`). */
  conversations: number;
  messages: number;
  /** The media refs of the removed messages' attachments. */
  files: string[];
  /** The conversations removed, as they were then, oldest first. */
  removed: Conversation[];
}

export interface TransactionOptions {
  /**
   * How many times the work runs at most when its commit is refused with `ConflictError` (default 60). Every attempt
   * keeps the key's place: the key's next transaction starts only once this one committed or gave up.
   */
  attempts?: number;
  /**
   * Lets the store claim, in this transaction's own commit, outbound messages it adds: for a caller that calls
   * `claimOutbound` right after the commit anyway (the outbox's kick), it saves a commit per reply. The first
   * message the transaction adds to an address with nothing pending or sending is stored `sending` at once, and the
   * next `claimOutbound` hands it out (before anything else it claims); the others wait their turn as usual. A crash
   * before it is handed out leaves it in doubt, as a crash during its send would: it is sent again after a restart,
   * never twice by the same process. A store may ignore this; the embedded and the PostgreSQL ones do it.
   */
  claim?: boolean;
  /**
   * The work most likely opens a conversation when nobody behind the key's address has one open (a customer's
   * message): a store may take a conversation id with its first read, so that `newConversationId` costs no round
   * trip. An id taken and not used is a gap. A store may ignore this; the PostgreSQL one does it.
   */
  opening?: boolean;
}

/**
 * Why the store refuses every call now (`Store.outage`): `disk`, the embedded store cannot write to `DATA_DIR`;
 * `database`, PostgreSQL does not answer. `reason` is the store's own (English, technical: a path, an error code).
 *
 *     { cause: 'disk', reason: 'could not append to …/journal.jsonl (ENOSPC: …)', since: '2026-12-05T03:12:04.000Z', retryAt: '…' }
 */
export interface StoreOutage {
  cause: 'disk' | 'database';
  reason: string;
  /** When it began (ISO 8601); for a database, when this process first found it out of reach. */
  since: string;
  /** When the store tries again by itself (ISO 8601); absent when each call tries (a database). */
  retryAt?: string;
}

/**
 * Durable storage. Every write goes through `transaction` (or the outbound delivery calls): all of it lands or
 * none does, and the promise resolves only once it is on disk.
 *
 *     await store.transaction(`webchat:${session}`, async (tx) => { tx.putContact(contact); });
 */
export interface Store {
  open(): Promise<void>;
  /**
   * Names this opening of the store where one process at a time opens it (the embedded store's directory lock): what
   * a lease names another opening with was left by a process that is gone (killed, or stopped), so it is taken at
   * once rather than waited out. Absent where several live processes share the store (PostgreSQL).
   */
  readonly soleOpening?: string;
  /**
   * Where several live processes share the store (PostgreSQL): this store's number while it is provably alive (it
   * holds a lock the database releases when its process dies). A lease names its holder's, so that the others take it
   * at once when the holder is gone (`instanceHeld`, `whenInstanceGone`) instead of waiting it out.
   */
  readonly liveInstance?: number | undefined;
  /** Whether the store numbered `instance` (`liveInstance`) is alive; false once its process is gone. */
  instanceHeld?(instance: number): Promise<boolean>;
  /** Resolves once the store numbered `instance` is gone (or `signal` aborts); rejects if the wait itself fails. */
  whenInstanceGone?(instance: number, signal: AbortSignal): Promise<void>;
  /** Waits for writes under way, then releases files and locks. */
  close(): Promise<void>;
  /**
   * For a stop that has waited long: when the database does not answer a new connection within a few seconds (a
   * frozen network), gives up on it: every query under way fails now as if its connection had dropped
   * (`StoreUnavailableError`: nothing acknowledged, the sender tries again), and every call after it is refused, so
   * that `close` ends. Resolves true then; false when the database answered (nothing changes: what is under way is
   * slow for another reason, a channel say, and is waited for). A store in the process (the embedded one) leaves it out.
   */
  interrupt?(): Promise<boolean>;
  /**
   * Why the store cannot be reached now, or undefined when it can: for `/healthz`. The embedded store says why it
   * refuses calls since a write to its disk failed; a database's asks it, briefly (at most a few seconds), and may
   * answer from a moment ago.
   */
  unreachable?(): Promise<string | undefined>;
  /**
   * The same as `unreachable`, in parts a page words in its own language (the dashboard's banner): what cannot be
   * reached, since when and when the store tries again by itself; undefined when it can be reached.
   */
  outage?(): Promise<StoreOutage | undefined>;
  /**
   * Runs `work` alone among transactions with the same `key`, in call order, then commits what it wrote.
   * Transactions with different keys run concurrently; one whose reads another changed meanwhile is run again
   * (see `Tx`, `TransactionOptions`), and rejects with `ConflictError` once its attempts are used up. If `work`
   * throws, nothing it wrote is kept and the promise rejects.
   */
  transaction<T>(key: string, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;

  contact(id: string): Promise<Contact | undefined>;
  contactByIdentity(channel: string, id: string): Promise<Contact | undefined>;
  conversation(id: number): Promise<Conversation | undefined>;
  conversations(): Promise<Conversation[]>;
  /**
   * A page of every conversation, newest first: at most `limit` with an id below `before` (from the newest without
   * it). Costs the page, not the whole store: lists and reports read page after page.
   */
  conversationsBefore(before: number | undefined, limit: number): Promise<Conversation[]>;
  /**
   * Optional, for a store that can search where it keeps the messages: the ids of conversations below `before`
   * with a message (not a copy relayed to an agent) whose lower-cased text contains `text` (lower-case), newest
   * first, at most `limit`. Lower-cased as the store does it, which for letters other than ASCII may differ from
   * JavaScript: the caller confirms each in the transcript. Without it, a search reads the transcripts one by one.
   */
  conversationsSaying?(text: string, options: { before?: number; limit: number }): Promise<number[]>;
  /** The conversations of these contacts, open and closed, oldest first, as copies (a dashboard's view of customers). */
  conversationsOfContacts(contactIds: readonly string[]): Promise<Conversation[]>;
  /** Open conversations matching `filter` (all without it), oldest (lowest id) first; costs O(open), not O(all). */
  openConversations(filter?: OpenConversationFilter): Promise<Conversation[]>;
  /** How many open conversations match `filter` (all without it); copies none, so it stays cheap with long queues. */
  countOpenConversations(filter?: OpenConversationFilter): Promise<number>;
  /** Every customer, in the order they were first stored (for reports). */
  contacts(): Promise<Contact[]>;
  /**
   * A page of every customer, the last stored first: at most `limit` of those stored before contact `before` (from
   * the last stored without it); none when `before` is not a contact.
   */
  contactsBefore(before: string | undefined, limit: number): Promise<Contact[]>;
  /** A contact's messages across all conversations with `id > after`, oldest first. */
  messagesOfContact(contactId: string, after?: number, limit?: number): Promise<Message[]>;
  /** The messages exchanged with one address of a channel (a web chat session, an agent's chat) with `id > after`, oldest first. */
  messagesOfAddress(channel: string, address: string, after?: number, limit?: number): Promise<Message[]>;
  /**
   * The id of the newest message of an address (0 if it has none). An address's ids grow in commit order, so every
   * message it gets later has a greater one: where a reader of that address (its event stream) starts.
   */
  lastMessageIdOfAddress(channel: string, address: string): Promise<number>;
  /** When the person at an address of a channel last wrote (their newest inbound message's time), if ever. */
  lastInboundAt(channel: string, address: string): Promise<string | undefined>;
  messagesOfConversation(conversationId: number): Promise<Message[]>;
  /** Outbound messages not yet claimed for sending. */
  pendingOutbound(): Promise<Message[]>;
  /**
   * Claims up to `limit` outbound messages for sending, marking them `sending` before it resolves (kept through a
   * crash of the process; a crash of the machine or the database may lose the last few ms of claims): for each
   * address, its oldest pending message, and only while no other message to that address is `sending`, so messages
   * to one address leave one at a time in the order they were stored, whichever process claims them. Two callers
   * never get the same message.
   */
  claimOutbound(limit: number): Promise<Message[]>;
  /**
   * Messages claimed by a process that stopped before it recorded their outcome (for the embedded store: every
   * `sending` one found at open): their send may or may not have reached the channel.
   */
  outboundInDoubt(): Promise<Message[]>;
  /** Puts messages in doubt back to `pending`, to be claimed and sent again. */
  retryOutbound(messageIds: readonly number[]): Promise<void>;
  /**
   * Messages this store claimed in the database but never handed out (`claimOutbound`), at two calls in a row: a
   * commit or a claim whose answer was lost (a network cut after its COMMIT) claimed them, and nobody else takes a
   * live store's claims as in doubt. Unsent: safe to put back with `retryOutbound`. Absent where no answer can be
   * lost (the embedded store).
   */
  orphanedClaims?(): Promise<Message[]>;
  /**
   * Whether a message `claimOutbound` handed out is still this store's to send, asked right before each attempt:
   * false when another process took it over meanwhile (it found the claim in doubt while this store's instance lock
   * was lost), and then this store must not send it. Absent where a claim cannot be taken over while its store
   * lives (the embedded store).
   */
  confirmClaim?(messageId: number): Promise<boolean>;
  /**
   * The message, inbound or outbound, with this channel message id (an outbound one has it once `markDelivery`
   * recorded it as sent); the newest if several share it.
   */
  messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined>;
  docs<T>(collection: string): Promise<Map<string, T>>;
  doc<T>(collection: string, key: string): Promise<T | undefined>;
  /**
   * Records the outcome of sending a claimed outbound message (or a failure the channel reported later). With
   * `claimNext`, for a caller that claims right after anyway (the outbox), the store may claim the next message to
   * the same address in the same write, handed out by the next `claimOutbound` (as `TransactionOptions.claim`). The
   * embedded store does; PostgreSQL claims in the same round trip whatever became claimable, up to the last
   * `claimOutbound`'s limit. No outcome is recorded over another live process's claim (`ClaimTakenError`: that
   * process sends it again and records its own); with `underClaim` (the outbox, which sent it under its claim) none
   * is recorded either once the message is no longer pending or sending (another process recorded its own).
   */
  markDelivery(messageId: number, outcome: DeliveryOutcome, options?: { claimNext?: boolean; underClaim?: boolean }): Promise<void>;
  /** Records that the channel reported a sent message delivered, or read. */
  recordDelivery(messageId: number, delivery: 'delivered' | 'read'): Promise<void>;
  /** Number of messages stored, for health and benchmarks. */
  messageCount(): Promise<number>;
  /**
   * A data-protection erase: removes the contact, every conversation of theirs and every message of the contact or
   * of those conversations, durably and for good (no file or table of the store keeps them afterwards; ids are not
   * handed out again). Resolves with what it removed and the media refs of the removed messages' attachments, for
   * the caller to delete from the `MediaStore`, and the conversations it removed as they were when it removed them
   * (read in the erase itself: one opened a moment before is among them), for the caller to tell their agents. An
   * unknown contact erases nothing. Transactions that read the contact or one of its conversations meanwhile are
   * refused at commit and run again on the erased state. `docs`: documents that name them, deleted in the same
   * step (all of it lands or none does), as `Tx.deleteDoc` deletes one. `notice`: a document put in the same step,
   * made by `value` from the conversations it removes (none is put when it removes none): what is left to do about
   * them, kept through a crash. `files`: where a document naming the media refs it gives back is put in the same
   * step (none is put when there are none): the files are left for the caller to delete after it, and a crash in
   * between leaves them named.
   *
   *     const { conversations, messages, files, removed } = await store.eraseContact(contactId, { docs: [['webchat-sessions', session]] });
   */
  eraseContact(contactId: string, options?: EraseOptions): Promise<ErasedContact>;
}
