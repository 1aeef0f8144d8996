// The data model and the Store contract: lowdb (embedded default) and, later, PostgreSQL implement it.

export type FieldValue = string | number | boolean | null;
export type Fields = Record<string, FieldValue>;

export interface Identity {
  channel: string;
  /** The channel's address of this person (chat id, phone number, web chat session). */
  id: string;
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
  /** Set while the step waits for the customer's answer. */
  waiting?: { retries: number };
  /** Set once the flow ran past its last step, or stopped on an error. */
  done?: boolean;
  error?: string;
}

export type ConversationSource = 'contact' | 'agent' | 'workflow';

export interface Conversation {
  /** A small increasing number people can say out loud: "#42". */
  id: number;
  contactId: string;
  channel: string;
  status: 'open' | 'closed';
  stage: 'bot' | 'queued' | 'assigned';
  team?: string;
  agentId?: string;
  intent?: string;
  /** The team desk's thread (a Telegram forum topic) where the team works on this conversation. */
  deskThread?: string;
  /** `conversation.*` fields. */
  fields: Fields;
  flow?: FlowPosition;
  source: ConversationSource;
  openedAt: string;
  queuedAt?: string;
  assignedAt?: string;
  firstResponseAt?: string;
  lastAgentMessageAt?: string;
  closedAt?: string;
  closedBy?: string;
  closingNote?: string;
}

export interface Message {
  /** Increasing in commit order; stable across restarts. 0 until the transaction that adds it commits. */
  id: number;
  contactId: string;
  conversationId?: number;
  channel: string;
  direction: 'in' | 'out';
  /** Who wrote it: the customer, the bot, an agent, or an internal note no customer sees. */
  from: 'contact' | 'bot' | 'agent' | 'note';
  agentId?: string;
  text: string;
  choices?: { id: string; title: string }[];
  /** The button id the customer pressed. */
  choice?: string;
  /** The channel's message id: the dedup key of inbound messages, the sent id of outbound ones. */
  channelMessageId?: string;
  replyTo?: string;
  at: string;
  /** Outbound delivery: pending until the channel accepted it. */
  status?: 'pending' | 'sent' | 'failed';
  error?: string;
}

/** Which open conversations a query wants: every given property must be equal. */
export interface OpenConversationFilter {
  stage?: Conversation['stage'];
  team?: string;
  agentId?: string;
}

/**
 * The work one transaction may do. Reads see the transaction's own writes.
 *
 * Transactions are serializable by optimistic validation: every record read by key (`contact`,
 * `contactByIdentity`, `conversation`, `openConversationOf`, `latestConversationOf`, `doc`: the record returned,
 * and for `contact`, `conversation` and `doc` also a record found absent) is remembered with its version, and the
 * commit is refused with `ConflictError` ("conversation 42 changed while this transaction ran; retry") if another
 * transaction has committed one of them since, even one this transaction only read. Nothing of a refused
 * transaction is kept; run it again, it reads the new state. Reads served from the transaction's own writes, and
 * the queries (`openConversations`, `recentMessages`, `hasInbound`, `messageByChannelId`), are not validated.
 *
 *     for (;;) {
 *       try { return await store.transaction(key, work); }
 *       catch (error) { if (!(error instanceof ConflictError)) throw error; }
 *     }
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
   * transaction's own writes applied (one it opened is in, one it closed is out). A query: not validated at commit.
   */
  openConversations(filter?: OpenConversationFilter): Promise<Conversation[]>;
  /** How many open conversations match `filter`; copies nothing, so it stays cheap with long queues. */
  countOpenConversations(filter?: OpenConversationFilter): Promise<number>;
  /** True when an inbound message with this channel id was already stored. */
  hasInbound(channel: string, channelMessageId: string): Promise<boolean>;
  /**
   * The message, inbound or outbound, with this channel message id (an outbound one has it once `markDelivery`
   * recorded it as sent); the newest if several share it. Messages this transaction added are included, with
   * `id` 0 until it commits. A query: not validated at commit.
   */
  messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined>;
  /** The last `limit` messages of a conversation, oldest first (committed ones only). */
  recentMessages(conversationId: number, limit: number): Promise<Message[]>;
  /** A small generic document (agent status, queues, …), by collection and key. Validated at commit, absent included. */
  doc<T>(collection: string, key: string): Promise<T | undefined>;

  newContactId(): Promise<string>;
  newConversationId(): Promise<number>;
  putContact(contact: Contact): void;
  /** Refused at commit (the whole transaction with it) if it would give a contact two open conversations. */
  putConversation(conversation: Conversation): void;
  /** Returns the record; its `id` is assigned when the transaction commits. */
  addMessage(message: Omit<Message, 'id'>): Message;
  putDoc(collection: string, key: string, value: unknown): void;
  deleteDoc(collection: string, key: string): void;
}

/**
 * Durable storage. Every write goes through `transaction`: all of it lands or none does, and the promise
 * resolves only once it is on disk.
 *
 *     await store.transaction(`webchat:${session}`, async (tx) => { tx.putContact(contact); });
 */
export interface Store {
  open(): Promise<void>;
  /** Waits for writes under way, then releases files and locks. */
  close(): Promise<void>;
  /**
   * Runs `work` alone among transactions with the same `key`, in call order, then commits what it wrote.
   * Transactions with different keys run concurrently; one whose reads another changed meanwhile is refused with
   * `ConflictError` (see `Tx`). If `work` throws, or the commit is refused, nothing it wrote is kept and the
   * promise rejects.
   */
  transaction<T>(key: string, work: (tx: Tx) => Promise<T>): Promise<T>;

  contact(id: string): Promise<Contact | undefined>;
  contactByIdentity(channel: string, id: string): Promise<Contact | undefined>;
  conversation(id: number): Promise<Conversation | undefined>;
  conversations(): Promise<Conversation[]>;
  /** Open conversations matching `filter` (all without it), oldest (lowest id) first; costs O(open), not O(all). */
  openConversations(filter?: OpenConversationFilter): Promise<Conversation[]>;
  /** Every contact, in the order they were first stored (for reports). */
  contacts(): Promise<Contact[]>;
  /** A contact's messages across all conversations with `id > after`, oldest first. */
  messagesOfContact(contactId: string, after?: number, limit?: number): Promise<Message[]>;
  messagesOfConversation(conversationId: number): Promise<Message[]>;
  /** Outbound messages not yet accepted by their channel (to retry after a restart). */
  pendingOutbound(): Promise<Message[]>;
  /**
   * The message, inbound or outbound, with this channel message id (an outbound one has it once `markDelivery`
   * recorded it as sent); the newest if several share it.
   */
  messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined>;
  docs<T>(collection: string): Promise<Map<string, T>>;
  doc<T>(collection: string, key: string): Promise<T | undefined>;
  /** Records the outcome of sending an outbound message. */
  markDelivery(messageId: number, outcome: { channelMessageId: string } | { error: string }): Promise<void>;
  /** Number of messages stored, for health and benchmarks. */
  messageCount(): Promise<number>;
}
