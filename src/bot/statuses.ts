// What channels report about messages they sent (delivered, read, failed after all), recorded on the message and
// announced; a message an agent wrote that did not reach the customer is told to that agent, in their app.
import type { DeliveryStatus, KnownFailure } from '../types.ts';
import { keepInList, takeFromList, type Kept, type KeptBounds } from '../store/kept-lists.ts';
import type { Message, Store, Tx } from '../store/types.ts';
import { ClaimTakenError } from '../store/errors.ts';
import type { Desk } from '../handover/desk.ts';
import { recordFirstResponse, type DeskEffects } from '../handover/context.ts';
import { line, type Line } from '../handover/lines.ts';
import type { Logger } from '../shared/log.ts';
import type { EventBus } from './events.ts';
import type { Transactions } from './transactions.ts';

/**
 * Where `failed` statuses for ids not stored yet wait for the outbox to store one of them (`Statuses.sent`), a list by
 * channel: Meta may report a failure before its answer to the send reaches us, and to another process than the one
 * sending. Dropped, a failure is an agent never told and a transcript that says sent.
 */
const EARLY_FAILURES = 'early-failures';
/** A send's answer comes within seconds: a failure waits 5 minutes for it, and the newest 1,000 wait. */
const EARLY_FAILURES_KEPT: KeptBounds = { keptMs: 5 * 60_000, max: 1_000 };
/**
 * The channels that report a failure after the send, by the id its answer gave (WhatsApp Cloud's webhook, WhatsApp
 * Web's acks): each message sent on one looks for a failure that came first. Those of other channels do not read the
 * store for it.
 */
const FAILURES_COME_LATER = new Set(['whatsapp-cloud', 'whatsapp-web']);
/** How many of a conversation's latest messages are looked through for the first response after one that failed. */
const ANSWERS_LOOKED_AT = 200;

/**
 * The agents' messages whose agent was told they had not gone yet, by message id: kept in the store, so that the agent
 * hears whether it went after a restart too (the admin fixed the token and restarted); gone once told.
 */
const DELAYS_TOLD = 'delays-told';

/** A failure kept for the id `id` since `at`, with what the channel said of it. */
interface EarlyFailure extends Kept {
  reason?: string;
  known?: KnownFailure;
}

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
      if (status.status === 'failed' && FAILURES_COME_LATER.has(status.channel)) {
        await this.#keepEarlyFailure(status);
        // The outbox may have recorded the id since the last look, before this failure was kept: then `sent` missed it.
        message = await store.messageByChannelId(status.channel, status.messageId);
        if (!message) {
          log.debug({ channel: status.channel, messageId: status.messageId }, 'a failure for an id not recorded yet; kept until the outbox records it');
          return;
        }
        if (!(await this.#takeEarlyFailure(status.channel, status.messageId))) return;
      }
    }
    await this.#apply(message, status);
  }

  /**
   * The outbox recorded the id a send returned: a failure the channel reported for that id before, to this process or
   * another, before a restart or since, is applied now (by one process: the one that takes it from the store).
   *
   *     outbox.listen({ sent: (message) => { const applying = statuses.sent(message); if (applying) void track(applying); } });
   */
  sent(message: Message): Promise<void> | undefined {
    // Every reply sent passes here: on a channel that reports no failure later, no work at all.
    if (message.channelMessageId === undefined || !FAILURES_COME_LATER.has(message.channel)) return undefined;
    return this.#applyEarlyFailure(message, message.channelMessageId);
  }

  async #applyEarlyFailure(message: Message, id: string): Promise<void> {
    // One read, nearly always of nothing; a transaction only when a failure for this id is kept.
    const kept = await this.options.store.doc<EarlyFailure[]>(EARLY_FAILURES, message.channel);
    if (!kept?.some((each) => each.id === id)) return;
    const early = await this.#takeEarlyFailure(message.channel, id);
    if (!early || this.#now() - Date.parse(early.at) >= EARLY_FAILURES_KEPT.keptMs) return;
    const { reason, known } = early;
    await this.#apply(message, { channel: message.channel, messageId: id, status: 'failed', ...(reason ? { reason } : {}), ...(known ? { known } : {}), at: early.at });
  }

  #now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  #keepEarlyFailure(status: DeliveryStatus): Promise<void> {
    const failure: EarlyFailure = { id: status.messageId, at: new Date(this.#now()).toISOString(), ...(status.reason ? { reason: status.reason } : {}), ...(status.known ? { known: status.known } : {}) };
    return this.options.store.transaction(`${EARLY_FAILURES}:${status.channel}`, (tx) => keepInList(tx, EARLY_FAILURES, status.channel, failure, EARLY_FAILURES_KEPT));
  }

  /** The failure kept for `id`, no longer kept; undefined when none is (another process, or `report`, took it). */
  async #takeEarlyFailure(channel: string, id: string): Promise<EarlyFailure | undefined> {
    const taken = await this.options.store.transaction(`${EARLY_FAILURES}:${channel}`, (tx) => takeFromList<EarlyFailure>(tx, EARLY_FAILURES, channel, (each) => each.id === id));
    return taken[0];
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
      await this.tellAuthor(message, reason, await this.#stillMeant(message, status.known));
    } else if (status.status === 'delivered' || status.status === 'read') {
      // Statuses may arrive out of order: read is never taken back to delivered.
      if (message.delivery === 'read' || message.delivery === status.status) return;
      await store.recordDelivery(message.id, status.status);
    }
    bus.emit({ type: 'message.status', payload: { message, status: status.status, ...(status.reason ? { reason: status.reason } : {}) } });
  }

  /**
   * What a failure reported after the send is known to mean, unless it is of a notice to an agent stored before they
   * last wrote from that address: a late report (a WhatsApp status after they unblocked the bot and wrote again) says
   * nothing of the address now, and must not mark them unreachable again (unreachable.ts).
   */
  async #stillMeant(message: Message, known: KnownFailure | undefined): Promise<KnownFailure | undefined> {
    if (known === undefined || !message.toAgent || message.agentId === undefined) return known;
    const wrote = await this.options.store.lastInboundAt(message.channel, message.address);
    if (wrote === undefined || Date.parse(wrote) <= Date.parse(message.at)) return known;
    this.options.log.info({ agent: message.agentId, channel: message.channel, messageId: message.id, failure: known },
      'a late failure of a notice to an agent, who wrote from that address since: it does not mark them unreachable');
    return undefined;
  }

  /**
   * A message that failed: an agent's message to a customer is told to that agent, which one and why; a notice to
   * an agent goes to their next address; the bot's question a flow waits on is asked again at the customer's next
   * message (`markUnseen`).
   */
  async tellAuthor(message: Message, reason: string, known?: KnownFailure): Promise<void> {
    if (message.toAgent && message.agentId) {
      await this.options.transactions.run(`agent:${message.agentId}`, (tx, fx) => this.options.desk.toAgentElsewhere(tx, message, reason, fx, known));
      return;
    }
    if (message.from === 'bot') {
      await this.#markUnseen(message);
      return;
    }
    await this.#answeredNobody(message);
    // What the failure is known to mean is told in the agent's words (a closed window with the templates that reach the
    // customer now, a customer nothing reaches with what is left to do); anything else, in the channel's.
    await this.#tellAgentWhoWrote(message, async (tx, id, name, excerpt, fx) => {
      tx.deleteDoc(DELAYS_TOLD, String(message.id));
      // A reaction is told as one, not as a message quoting "[reacted 👍]"; no template carries it.
      if (message.reaction) return line('reactionNotDelivered', id, name, message.reaction.emoji, reason, known);
      if (known !== 'windowClosed') return line('notDelivered', id, name, excerpt, reason, known);
      // A closed window: the re-engagement template goes in the reply's place, when one is set and has not gone yet.
      const template = await this.options.desk.reengage(tx, message, fx);
      return template ? line('reengaged', id, name, excerpt, template) : line('notDeliveredWindowClosed', id, name, excerpt, this.options.desk.templateNames());
    });
  }

  /**
   * An agent's message to a customer that waits long for its channel (out of reach, rate-limited: `Outbox`'s
   * `delayed`): its agent is told it has not gone yet, and is sent again by itself; then (`went`, called for every
   * message sent) that it went after all, when they were told it had not, by this process or one before a restart. A failure
   * in the end is told by `tellAuthor`. The bot's own messages and notices to agents are not told. One tried for
   * minutes only because its failure may mean the customer blocked the business (`known: 'mayHaveBlocked'`) is told so.
   */
  async tellDelay(message: Message, state: { waiting: string; known?: KnownFailure } | 'went'): Promise<void> {
    if (message.toAgent || message.from !== 'agent') return;
    const key = String(message.id);
    // Most of an agent's messages go at once: one read tells those apart before any transaction.
    if (state === 'went' && (await this.options.store.doc(DELAYS_TOLD, key)) === undefined) return;
    await this.#tellAgentWhoWrote(message, async (tx, id, name, excerpt) => {
      if (state !== 'went') {
        tx.putDoc(DELAYS_TOLD, key, { at: message.at });
        if (state.known === 'mayHaveBlocked') return line('notDeliveredYetMayHaveBlocked', id, name, excerpt);
        return line('notDeliveredYet', id, name, excerpt, state.waiting);
      }
      if ((await tx.doc(DELAYS_TOLD, key)) === undefined) return undefined;
      tx.deleteDoc(DELAYS_TOLD, key);
      return line('deliveredAfterWait', id, name, excerpt);
    });
  }

  /**
   * A person's message that never reached the customer answered nobody: when it was their conversation's first response,
   * the first response is now the next of the business's messages to them that did not fail, else a closing note
   * shared with them, else none yet. Counted, it made the reports' first response minutes shorter than the customer's
   * wait for a word from anyone.
   */
  async #answeredNobody(message: Message): Promise<void> {
    if (message.from !== 'agent' || message.conversationId === undefined) return;
    const conversation = await this.options.store.conversation(message.conversationId);
    if (conversation?.firstResponseAt !== message.at) return;
    await this.options.transactions.onCustomerKey(conversation, async (tx) => {
      const live = await tx.conversation(conversation.id);
      if (live?.firstResponseAt !== message.at) return;
      const next = (await tx.recentMessages(live.id, ANSWERS_LOOKED_AT)).find((each) =>
        each.direction === 'out' && each.from === 'agent' && !each.toAgent && each.status !== 'failed' && each.id !== message.id && each.at >= message.at);
      delete live.firstResponseAt;
      delete live.firstResponseBy;
      delete live.firstResponseTeam;
      if (next) recordFirstResponse(live, next.agentId ?? `app:${next.channel}`, next.at);
      else if (live.closingNoteShared && live.closedAt !== undefined && live.closedBy !== undefined) recordFirstResponse(live, live.closedBy, live.closedAt);
      tx.putConversation(live);
    });
  }

  /**
   * Tells the agent who wrote `message` to a customer, in the customer's conversation's turn, what `said` makes of it
   * (nothing when it makes nothing).
   */
  async #tellAgentWhoWrote(
    message: Message,
    said: (tx: Tx, id: number, customer: string | undefined, excerpt: string, fx: DeskEffects) => Line | undefined | Promise<Line | undefined>,
  ): Promise<void> {
    if (message.from !== 'agent' || !message.agentId || message.conversationId === undefined) return;
    const conversation = await this.options.store.conversation(message.conversationId);
    if (!conversation) return;
    const agentId = message.agentId;
    const excerpt = message.text.length > 60 ? `${message.text.slice(0, 57)}…` : message.text;
    await this.options.transactions.onCustomerKey(conversation, async (tx, fx) => {
      const name = (await tx.contact(conversation.contactId))?.name;
      const told = await said(tx, conversation.id, name, excerpt, fx);
      if (told) await this.options.desk.tell(tx, agentId, told, fx, conversation.id);
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
