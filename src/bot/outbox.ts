// Sends stored outbound messages through their channel, in order per recipient, and records the outcome.
import type { Channel, OutboundMessage } from '../types.ts';
import type { Message, Store } from '../store/types.ts';
import type { Logger } from '../server/log.ts';

export interface OutboxOptions {
  store: Store;
  channels: ReadonlyMap<string, Channel>;
  log: Logger;
  /** Delays between attempts when a channel's send fails; after the last one the message is marked failed. */
  retryDelaysMs?: number[];
  onSent?: (message: Message) => void;
}

/**
 * Delivery of committed outbound messages. A message is stored (pending) before it is sent, so a crash
 * between the two resends it at the next start instead of losing it.
 *
 *     const outbox = new Outbox({ store, channels, log });
 *     outbox.send(message, recipientChannelId);
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #delays: number[];

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#delays = options.retryDelaysMs ?? [200, 1000, 5000];
  }

  /** Queues `message` for `to` (the channel's address); messages to one recipient leave in queue order. */
  send(message: Message, to: string): Promise<void> {
    const key = `${message.channel}:${to}`;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#attempt(message, to));
    this.#tails.set(key, next);
    void next.finally(() => {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    });
    return next;
  }

  /** Resolves when everything queued so far has been sent or marked failed. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.allSettled([...this.#tails.values()]);
  }

  async #attempt(message: Message, to: string): Promise<void> {
    const { store, channels, log } = this.#options;
    const channel = channels.get(message.channel);
    const outbound: OutboundMessage = { id: message.id, text: message.text, ...(message.choices ? { choices: message.choices } : {}) };
    let lastError = `channel "${message.channel}" is not running`;
    for (let attempt = 0; channel && attempt <= this.#delays.length; attempt++) {
      try {
        const channelMessageId = await channel.send(to, outbound);
        await store.markDelivery(message.id, { channelMessageId });
        this.#options.onSent?.({ ...message, channelMessageId, status: 'sent' });
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        const delay = this.#delays[attempt];
        if (delay === undefined) break;
        log.warn({ message: message.id, channel: message.channel, attempt: attempt + 1, error: lastError }, 'send failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    log.error({ message: message.id, channel: message.channel, error: lastError }, 'message could not be sent');
    await store.markDelivery(message.id, { error: lastError }).catch((error: unknown) => {
      log.error({ message: message.id, error: String(error) }, 'could not record a failed send');
    });
  }
}
