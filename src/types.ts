// The shapes every part shares: what a channel hands the runtime, and what the runtime hands a channel.
import type { Express } from 'express';

/** A customer's (or an agent's) message as a channel adapter delivers it, wire format already removed. */
export interface InboundMessage {
  /** Channel name, e.g. `webchat`, `telegram`. */
  channel: string;
  /** The channel's own message id: together with `channel`, the dedup key. */
  id: string;
  from: { id: string; name?: string; language?: string };
  text?: string;
  /** The id of a button the sender pressed. */
  choice?: string;
  /** The channel message id this message quotes. */
  replyTo?: string;
  /** How the person arrived, when the channel says (a Telegram `/start` deep-link payload, an ad's ref). */
  referral?: string;
  /** Written in a shared thread rather than a private chat: a team desk's topic, as `openThread` named it. */
  place?: string;
  /** When the channel says it was sent (ISO 8601). */
  at: string;
}

export interface Choice {
  id: string;
  title: string;
}

/** What the bot (or an agent) says; each adapter renders `choices` natively or as a numbered list. */
export interface OutboundMessage {
  text: string;
  choices?: Choice[];
  /** The stored message's id; a channel with no ids of its own (the web chat) uses it as the message id. */
  id?: number;
}

/** `Deliver` refused a message for now (the bot is shutting down): nothing was stored; the sender should retry. */
export class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused';
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
 *     await telegram.start(runtime.deliver);
 */
export interface Channel {
  readonly name: string;
  /** Mounts the adapter's webhook routes, if it has any (called before the server listens). */
  mount?(app: Express): void;
  start(deliver: Deliver): Promise<void>;
  /** Sends to the channel's own address of a person (or of a thread); resolves to the channel's message id. */
  send(to: string, message: OutboundMessage): Promise<string>;
  /** Opens a thread titled `title` in a group (a Telegram forum topic); resolves to the thread's address. */
  openThread?(group: string, title: string): Promise<string>;
  /** Closes a thread `openThread` opened. */
  closeThread?(thread: string): Promise<void>;
  stop(): Promise<void>;
}
