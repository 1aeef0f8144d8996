// What channels report about messages they sent (delivered, read, failed after all), recorded on the message and
// announced; a message an agent wrote that did not reach the customer is told to that agent, in their app.
import type { DeliveryStatus, KnownFailure } from '../types.ts';
import type { Message, Store } from '../store/types.ts';
import { ClaimTakenError } from '../store/errors.ts';
import type { Desk } from '../handover/desk.ts';
import { line, type Line } from '../handover/lines.ts';
import type { Logger } from '../shared/log.ts';
import type { EventBus } from './events.ts';
import type { Transactions } from './transactions.ts';

/**
 * Delivery statuses and failed sends.
 *
 *     await statuses.report({ channel: 'telegram', messageId: '812', status: 'read', at });
 */
export class Statuses {
  /**
   * Ids that stayed unknown through a whole wait lately (the newest 1,000): a message not sent from here (the WhatsApp
   * Business app's) has its sent, delivered and read reported, and each would wait the same seconds for nothing.
   */
  readonly #unknown = new Set<string>();
  /**
   * `failed` statuses for ids still unknown after the wait, kept (5 minutes, the newest 1,000) until the outbox records
   * one of them (`sent`): Meta may report a failure before its answer to the send reaches us, and a failure dropped
   * is an agent never told and a transcript that says sent.
   */
  readonly #earlyFailures = new Map<string, { status: DeliveryStatus; until: number }>();

  constructor(private readonly options: { store: Store; bus: EventBus; log: Logger; desk: Desk; transactions: Transactions; now?: () => Date; lateIdDelaysMs?: number[] }) {}

  async report(status: DeliveryStatus): Promise<void> {
    const { store, log } = this.options;
    const key = `${status.channel}:${status.messageId}`;
    // A channel may report on a message before the outbox has recorded the id its send returned: wait a little,
    // unless that id was waited for in vain already.
    let message = await store.messageByChannelId(status.channel, status.messageId);
    for (const delay of this.#unknown.has(key) ? [] : this.options.lateIdDelaysMs ?? [100, 500, 2_000]) {
      if (message) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
      message = await store.messageByChannelId(status.channel, status.messageId);
    }
    if (message) {
      this.#unknown.delete(key);
    } else {
      this.#unknown.add(key);
      if (this.#unknown.size > 1_000) this.#unknown.delete(this.#unknown.values().next().value as string);
      if (status.status === 'failed') {
        this.#keepEarlyFailure(key, status);
        // The outbox may have recorded the id since the last look, before this failure was kept: then `sent` missed it.
        message = await store.messageByChannelId(status.channel, status.messageId);
        if (!message) {
          log.debug({ channel: status.channel, messageId: status.messageId }, 'a failure for an id not recorded yet; kept until the outbox records it');
          return;
        }
        if (!this.#earlyFailures.delete(key)) return;
      }
    }
    await this.#apply(message, status);
  }

  /**
   * The outbox recorded the id a send returned: a failure the channel reported for that id before is applied now.
   *
   *     outbox.listen({ sent: (message) => { const applying = statuses.sent(message); if (applying) void track(applying); } });
   */
  sent(message: Message): Promise<void> | undefined {
    // Every reply sent passes here: with no failure kept (nearly always), no work at all.
    if (this.#earlyFailures.size === 0 || message.channelMessageId === undefined) return undefined;
    const key = `${message.channel}:${message.channelMessageId}`;
    const early = this.#earlyFailures.get(key);
    if (!early || !this.#earlyFailures.delete(key) || early.until < this.#now()) return undefined;
    return this.#apply(message, early.status);
  }

  #now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  #keepEarlyFailure(key: string, status: DeliveryStatus): void {
    const now = this.#now();
    for (const [kept, { until }] of this.#earlyFailures) {
      if (until >= now && this.#earlyFailures.size < 1_000) break;
      this.#earlyFailures.delete(kept);
    }
    this.#earlyFailures.delete(key);
    this.#earlyFailures.set(key, { status, until: now + 5 * 60_000 });
  }

  /** Records `status` on `message` and tells what it means (a failure, to whom wrote it). */
  async #apply(message: Message | undefined, status: DeliveryStatus): Promise<void> {
    const { store, bus, log } = this.options;
    if (message?.direction !== 'out') {
      log.debug({ channel: status.channel, messageId: status.messageId, status: status.status }, 'a status for a message not sent from here; ignored');
      return;
    }
    if (status.status === 'failed') {
      if (message.status === 'failed') return;
      const reason = status.reason ?? 'the channel reported that it could not be delivered';
      try {
        await store.markDelivery(message.id, { error: reason, ...(status.known ? { failure: status.known } : {}) });
      } catch (error) {
        // Being sent again by another process (it found it in doubt): that send's outcome decides.
        if (error instanceof ClaimTakenError) return;
        throw error;
      }
      await this.tellAuthor(message, reason, status.known);
    } else if (status.status === 'delivered' || status.status === 'read') {
      // Statuses may arrive out of order: read is never taken back to delivered.
      if (message.delivery === 'read' || message.delivery === status.status) return;
      await store.recordDelivery(message.id, status.status);
    }
    bus.emit({ type: 'message.status', payload: { message, status: status.status, ...(status.reason ? { reason: status.reason } : {}) } });
  }

  /**
   * A message that failed: an agent's message to a customer is told to that agent, which one and why; a notice to
   * an agent goes to their next address; the bot's question a flow waits on is asked again at the customer's next
   * message (`markUnseen`).
   */
  async tellAuthor(message: Message, reason: string, known?: KnownFailure): Promise<void> {
    if (message.toAgent && message.agentId) {
      await this.options.transactions.run(`agent:${message.agentId}`, (tx, fx) => this.options.desk.toAgentElsewhere(tx, message, reason, fx));
      return;
    }
    if (message.from === 'bot') {
      await this.#markUnseen(message);
      return;
    }
    // What the failure is known to mean is told in the agent's words (a closed window with what reaches the customer
    // now); anything else, in the channel's.
    await this.#tellAgentWhoWrote(message, (id, name, excerpt) =>
      known === 'windowClosed' ? line('notDeliveredWindowClosed', id, name, excerpt) : line('notDelivered', id, name, excerpt, reason, known));
  }

  /**
   * An agent's message to a customer that waits long for its channel (out of reach, rate-limited: `Outbox`'s
   * `delayed`): its agent is told it has not gone yet, and is sent again by itself; then (`went`) that it went after
   * all. A failure in the end is told by `tellAuthor`. The bot's own messages and notices to agents are not told.
   */
  async tellDelay(message: Message, state: { waiting: string } | 'went'): Promise<void> {
    if (message.toAgent) return;
    await this.#tellAgentWhoWrote(message, (id, name, excerpt) =>
      state === 'went' ? line('deliveredAfterWait', id, name, excerpt) : line('notDeliveredYet', id, name, excerpt, state.waiting));
  }

  /** Tells the agent who wrote `message` to a customer, in the customer's conversation's turn, what `said` makes of it. */
  async #tellAgentWhoWrote(message: Message, said: (id: number, customer: string | undefined, excerpt: string) => Line): Promise<void> {
    if (message.from !== 'agent' || !message.agentId || message.conversationId === undefined) return;
    const conversation = await this.options.store.conversation(message.conversationId);
    if (!conversation) return;
    const agentId = message.agentId;
    const excerpt = message.text.length > 60 ? `${message.text.slice(0, 57)}…` : message.text;
    await this.options.transactions.onCustomerKey(conversation, async (tx, fx) => {
      const name = (await tx.contact(conversation.contactId))?.name;
      await this.options.desk.tell(tx, agentId, said(conversation.id, name, excerpt), fx, conversation.id);
    });
  }

  /**
   * When the failed message is the bot's last in a conversation whose flow waits for an answer, it is (or ends) the
   * question the customer never saw: their next message gets it again instead of being taken as its answer.
   */
  async #markUnseen(message: Message): Promise<void> {
    if (message.conversationId === undefined) return;
    const conversation = await this.options.store.conversation(message.conversationId);
    if (!conversation?.flow?.waiting || conversation.flow.done) return;
    await this.options.transactions.onCustomerKey(conversation, async (tx) => {
      const live = await tx.conversation(conversation.id);
      const waiting = live?.flow?.waiting;
      if (!live?.flow || !waiting || live.flow.done || waiting.unseen || waiting.askedAgain) return;
      const lastFromBot = (await tx.recentMessages(live.id, 20)).reverse().find((each) => each.direction === 'out' && each.from === 'bot');
      if (lastFromBot?.at !== message.at || lastFromBot.text !== message.text) return;
      live.flow = { ...live.flow, waiting: { ...waiting, unseen: true } };
      tx.putConversation(live);
    });
  }
}
