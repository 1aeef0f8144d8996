// Sends stored outbound messages through their channel: claimed in the store before each send, one at a time per
// recipient in the order stored, and the outcome recorded apart from the send, so a reply is never sent twice
// because recording it failed.
import type { Channel, OutboundMessage } from '../types.ts';
import type { Message, Store } from '../store/types.ts';
import type { Logger } from '../server/log.ts';

export interface OutboxOptions {
  store: Store;
  channels: ReadonlyMap<string, Channel>;
  log: Logger;
  /** Delays between attempts when a channel's send fails; after the last one the message is marked failed. */
  retryDelaysMs?: number[];
  /** Delays between attempts at recording a send's outcome; the send itself is not repeated. */
  recordDelaysMs?: number[];
  /** How many messages one claim takes at most. */
  batch?: number;
  onSent?: (message: Message) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Delivery of committed outbound messages. A message is stored (`pending`) with what caused it, claimed
 * (`sending`, durably) just before its channel is called, then marked `sent` or `failed`; a crash leaves only
 * the messages whose send was under way in doubt (`Store.outboundInDoubt`).
 *
 *     const outbox = new Outbox({ store, channels, log });
 *     outbox.kick(); // after a commit that stored outbound messages
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #delays: number[];
  readonly #recordDelays: number[];
  readonly #sending = new Set<Promise<void>>();
  #claiming: Promise<void> | undefined;
  #again = false;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#delays = options.retryDelaysMs ?? [200, 1000, 5000];
    this.#recordDelays = options.recordDelaysMs ?? [50, 200, 1000, 5000];
  }

  /** Claims and sends what is waiting; cheap to call often (calls made while a claim runs are folded into one more). */
  kick(): void {
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    this.#claiming = this.#claim().finally(() => {
      this.#claiming = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Resolves when nothing is left to claim and every send under way has its outcome recorded. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.#claiming) await this.#claiming;
      else if (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
      else return;
    }
  }

  async #claim(): Promise<void> {
    const { store, log } = this.#options;
    for (;;) {
      let claimed: Message[];
      try {
        claimed = await store.claimOutbound(this.#options.batch ?? 64);
      } catch (error) {
        log.error({ err: reason(error) }, 'could not claim outbound messages; they are sent at the next kick or start');
        return;
      }
      if (claimed.length === 0) return;
      for (const message of claimed) {
        const sending = this.#deliver(message).finally(() => {
          this.#sending.delete(sending);
          // The recipient's next message may be claimed now.
          this.kick();
        });
        this.#sending.add(sending);
      }
    }
  }

  /** Sends one claimed message, retrying the send on failure, then records the outcome. */
  async #deliver(message: Message): Promise<void> {
    const { channels, log } = this.#options;
    const channel = channels.get(message.channel);
    const outbound: OutboundMessage = { id: message.id, text: message.text, ...(message.choices ? { choices: message.choices } : {}) };
    let lastError = `channel "${message.channel}" is not running`;
    for (let attempt = 0; channel && attempt <= this.#delays.length; attempt++) {
      let channelMessageId: string;
      try {
        channelMessageId = await channel.send(message.address, outbound);
      } catch (error) {
        lastError = reason(error);
        const delay = this.#delays[attempt];
        if (delay === undefined) break;
        log.warn({ message: message.id, channel: message.channel, attempt: attempt + 1, error: lastError }, 'send failed, retrying');
        await sleep(delay);
        continue;
      }
      if (await this.#record(message, { channelMessageId })) this.#options.onSent?.({ ...message, channelMessageId, status: 'sent' });
      return;
    }
    log.error({ message: message.id, channel: message.channel, error: lastError }, 'message could not be sent');
    await this.#record(message, { error: lastError });
  }

  /** Records a send's outcome, retrying the recording alone; false if it could not be recorded. */
  async #record(message: Message, outcome: { channelMessageId: string } | { error: string }): Promise<boolean> {
    const { store, log } = this.#options;
    for (let attempt = 0; ; attempt++) {
      try {
        await store.markDelivery(message.id, outcome);
        return true;
      } catch (error) {
        const delay = this.#recordDelays[attempt];
        if (delay === undefined) {
          // Left `sending`: the next start finds it in doubt and follows the channel's guarantee.
          log.error({ message: message.id, err: reason(error) }, 'could not record the outcome of a send; the message stays in doubt until the next start');
          return false;
        }
        log.warn({ message: message.id, attempt: attempt + 1, err: reason(error) }, 'could not record the outcome of a send, retrying (the send is not repeated)');
        await sleep(delay);
      }
    }
  }
}
