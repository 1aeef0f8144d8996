// Sends stored outbound messages through their channel: claimed in the store before each send, one at a time per
// recipient in the order stored, and the outcome recorded apart from the send, so a reply is never sent twice
// because recording it failed. A temporary failure waits (as long as the channel asks) without holding up other
// recipients; a permanent one fails at once, and whoever wrote the message is told. How long a temporary failure is
// waited out depends on who wrote the message: an agent's answer for up to a day, the bot's for minutes only, a notice
// to an agent for minutes when another of their addresses can take it, else for up to a day.
import { setMaxListeners } from 'node:events';
import { ChannelSendError, type Channel, type KnownFailure, type OutboundMessage } from '../types.ts';
import { ClaimTakenError, StoreUnavailableError } from '../store/errors.ts';
import type { DeliveryOutcome, Message, Store } from '../store/types.ts';
import { recordParts } from '../store/sent-parts.ts';
import { Failing } from '../shared/failing.ts';
import { AGENT_REPLY_TRIED_MS, BOT_REPLY_FRESH_MS } from '../shared/reply-ages.ts';
import { WAITING_REPLIES, type WaitingReply } from './waiting-replies.ts';
import type { Logger } from '../shared/log.ts';

export interface OutboxOptions {
  store: Store;
  channels: ReadonlyMap<string, Channel>;
  log: Logger;
  /**
   * Delays between attempts when a send fails for a reason that may pass; a channel's `retryAfterMs` makes the
   * wait longer, never shorter. After the last one the message is marked failed (an agent's to a customer is tried
   * on: `agentReplyTriedMs`).
   */
  retryDelaysMs?: number[];
  /** The clock messages are dated by (the runtime's); how old a message is decides how long it is tried. */
  now?: () => Date;
  /**
   * How long an agent's message to a customer is tried again while its channel fails for a reason that may pass (the
   * token refused, the API down, a long rate limit): past `retryDelaysMs`, every last delay until it is this old
   * (`AGENT_REPLY_TRIED_MS`, 24 h, by default), then it is marked failed. A person's answer the customer waits for is
   * worth sending late; given up after minutes, it was lost however soon the admin fixed the token.
   */
  agentReplyTriedMs?: number;
  /**
   * A bot's message to a customer this old (`BOT_REPLY_FRESH_MS`, 15 min, by default) is not sent any more, after a restart too: what the
   * flow said comes out of context once the customer has waited that long. It is marked failed, and a question is
   * asked again at the customer's next message (`OutboxListener.failed`).
   */
  botReplyFreshMs?: number;
  /**
   * Whether a notice to an agent has another of their addresses to go to when it fails here (`toAgentElsewhere`):
   * then it is marked failed after `retryDelaysMs` and goes there. Without one, a notice that fails for a reason that
   * may pass (their app's API down for half an hour) is tried as long as an agent's reply (`agentReplyTriedMs`), in
   * its turn: given up, the new-conversation card was lost, and the customer's words relayed after it read out of
   * context, or never. Without this option, every notice counts as having another address.
   */
  elsewhere?: (notice: Message) => boolean;
  /** Delays between attempts at recording a send's outcome; the send itself is not repeated. */
  recordDelaysMs?: number[];
  /**
   * A wait before the next attempt this long or longer is a long one (30 s by default): whoever wrote the message
   * hears of it once (`OutboxListener.delayed`), then whether it went after all.
   */
  longWaitMs?: number;
  /** How many messages one claim takes at most. */
  batch?: number;
}

/** Replies of one channel waiting to be tried again after a failure that may pass (`Outbox.waiting`). */
export interface WaitingReplies {
  channel: string;
  replies: number;
  /** When the oldest of them first failed (ISO 8601, on the outbox's clock). */
  since: string;
  /** What the channel said at the latest failure. */
  reason: string;
  /**
   * `replies` is a floor: more customers wait than the store's count looks into (`waitingFromStore`), and for the
   * rest only the reply being tried is counted, not those behind it.
   */
  atLeast?: true;
}

/** What the outbox tells about a message once its outcome is recorded. */
export interface OutboxListener {
  /** `afterDelay`: its author was told of a long wait before it went (`delayed`) by this process. */
  sent?(message: Message, afterDelay: boolean): void;
  /**
   * A message about to wait a long time (`OutboxOptions.longWaitMs`) before its next attempt, for a reason that may
   * pass (the channel out of reach, its rate limit), or at its first failure of those tried for minutes only
   * (`ChannelSendError.briefly`, with what it may mean: `known`): once a message, whatever its attempts after.
   */
  delayed?(message: Message, reason: string, waitMs: number, known?: KnownFailure): void;
  /** Marked failed (refused for good, or out of attempts), with the reason recorded; `known`, as `ChannelSendError` says. */
  failed?(message: Message, reason: string, known: KnownFailure | undefined): void;
  /**
   * Its record in the store that it waits for its channel (`WAITING_REPLIES`) was written, changed or removed: every
   * process's readers of those records (the agent console's "Not sent yet") may look again.
   */
  waiting?(message: Message): void;
}

/**
 * The longest wait a timer can hold (about 24.8 days): Node fires a longer one, or an infinite one, after 1 ms, so a
 * huge `retry_after` would turn into an immediate retry.
 */
const LONGEST_WAIT_MS = 2 ** 31 - 1;

/** Messages behind a waiting one looked through for agents' (`Outbox.#tellBehind`). */
const BEHIND_LOOKED_AT = 50;
/** Agents' messages told they wait behind another, remembered at most (`Outbox.#toldBehind`). */
const TOLD_BEHIND_KEPT = 10_000;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Delivery of committed outbound messages. A message is stored (`pending`) with what caused it, claimed
 * (`sending`, kept through a crash of the process) just before its channel is called, then marked `sent` or `failed`; a crash leaves only
 * the messages whose send was under way in doubt (`Store.outboundInDoubt`).
 *
 *     const outbox = new Outbox({ store, channels, log });
 *     outbox.kick(); // after a commit that stored outbound messages
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #delays: number[];
  readonly #recordDelays: number[];
  readonly #longWaitMs: number;
  readonly #now: () => Date;
  readonly #agentReplyTriedMs: number;
  readonly #botReplyFreshMs: number;
  readonly #sending = new Set<Promise<void>>();
  /** The ids of the messages being delivered: a claim of one again (put back meanwhile, then claimed) is not sent twice. */
  readonly #delivering = new Set<number>();
  readonly #listeners = new Set<OutboxListener>();
  /**
   * The messages waiting to be tried again: their channel and address, when they first failed (ms), why they last did,
   * and, while their next try is a long wait (`longWaitMs`, or a failure tried for minutes only), how long and what it
   * may mean: the agents' messages to that address behind them are told to wait as long (`#tellBehind`).
   */
  readonly #waiting = new Map<number, { channel: string; address: string; since: number; reason: string; long?: { waitMs: number; known?: KnownFailure } }>();
  /**
   * Agents' messages told they wait behind another held up by their channel (`#tellBehind`): not told again when their
   * own first attempt here waits long. The newest `TOLD_BEHIND_KEPT` are kept (one claimed by another process stays).
   */
  readonly #toldBehind = new Set<number>();
  /** The store's record of each message waiting (`#keepWaiting`), its last write under way. */
  readonly #kept = new Map<number, Promise<void>>();
  /** The waits before a message's next try, by channel, each with its recipient: cut short when the channel is back (`wake`). */
  readonly #sleepers = new Map<string, Map<() => void, string | undefined>>();
  #claiming: Promise<void> | undefined;
  #again = false;
  /**
   * While claims fail (the database or the disk away): since when (ms), how many failed, and the first failure. The
   * log says it when it starts and when a claim works again, not at every kick, which an outage makes many.
   */
  readonly #claims: Failing;
  /** Aborts the waits between attempts when the outbox stops. */
  readonly #stopping = new AbortController();

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#claims = new Failing(options.log, {
      failing: 'could not claim outbound messages: they wait in the store, tried again at each new reply and each periodic check (logged again once a claim works)',
      recovered: 'outbound messages are claimed again: those waiting are sent now',
    }, 'error');
    this.#delays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000, 600_000];
    this.#recordDelays = options.recordDelaysMs ?? [50, 200, 1000, 5000];
    this.#longWaitMs = options.longWaitMs ?? 30_000;
    this.#now = options.now ?? (() => new Date());
    this.#agentReplyTriedMs = options.agentReplyTriedMs ?? AGENT_REPLY_TRIED_MS;
    this.#botReplyFreshMs = options.botReplyFreshMs ?? BOT_REPLY_FRESH_MS;
    // Every reply waiting to be tried again listens for the stop (and lets go once tried): an outage of a channel
    // has more than Node's 10 waiting at once, which is not the leak its warning would tell the log.
    setMaxListeners(0, this.#stopping.signal);
  }

  /**
   * Hears about each message's recorded outcome; returns the function that stops it.
   *
   *     const off = outbox.listen({ failed: (message, reason) => tellAgent(message, reason) });
   */
  listen(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * The replies this process holds waiting for their channel, by channel, oldest first: how many, since when, and
   * what the channel last said (what `/healthz` tells an admin).
   *
   *     outbox.waiting(); // [{ channel: 'whatsapp-cloud', replies: 2, since: '2026-03-02T09:00:01.000Z', reason: '…' }]
   */
  waiting(): WaitingReplies[] {
    const byChannel = new Map<string, { replies: number; since: number; reason: string }>();
    for (const { channel, since, reason } of this.#waiting.values()) {
      const seen = byChannel.get(channel);
      if (!seen) byChannel.set(channel, { replies: 1, since, reason });
      else {
        seen.replies++;
        seen.since = Math.min(seen.since, since);
        seen.reason = reason;
      }
    }
    return [...byChannel].sort(([, a], [, b]) => a.since - b.since).map(([channel, { replies, since, reason }]) => ({ channel, replies, since: new Date(since).toISOString(), reason }));
  }

  /**
   * Whether this process holds message `id` waiting for its channel: since when it first failed (ISO 8601) and what the
   * channel last said; undefined when it is not waiting here (sent, failed, never tried, or another process's).
   *
   *     outbox.waitingReply(42); // { since: '2026-03-02T09:00:01.000Z', reason: 'Bad Gateway' }
   */
  waitingReply(id: number): { since: string; reason: string } | undefined {
    const waiting = this.#waiting.get(id);
    return waiting ? { since: new Date(waiting.since).toISOString(), reason: waiting.reason } : undefined;
  }

  /**
   * Claims and sends what is waiting; cheap to call often (calls made while a claim runs are folded into one more).
   * `answered`: where the agents' messages to customers just stored go; one behind a message of this process that
   * waits long for its channel is not tried before it, so its agent is told now that it has not gone yet, with what the
   * channel said (`OutboxListener.delayed`), not once the message ahead is given up or goes.
   *
   *     outbox.kick([{ channel: 'whatsapp-cloud', address: '966501234567' }]);
   */
  kick(answered?: readonly { channel: string; address: string }[]): void {
    if (this.#stopping.signal.aborted) return;
    // Nearly always nothing waits: no look at all.
    if (answered?.length && this.#waiting.size > 0) {
      for (const [id, { channel, address, long }] of this.#waiting) {
        if (long && answered.some((to) => to.channel === channel && to.address === address)) this.#tellBehind(id);
      }
    }
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

  /**
   * Tries now the messages of `channel` waiting to be tried again: it is back (a session reconnected), so they need
   * not wait out a pause that may have grown to minutes. With `address`, only those to that recipient: they blocked
   * the bot, so the channel refuses them now, where waiting would keep them for hours.
   *
   *     host.up = () => outbox.wake('whatsapp-web');
   *     outbox.wake('telegram', '5001');
   */
  wake(channel: string, address?: string): void {
    for (const [woken, to] of [...(this.#sleepers.get(channel) ?? [])]) if (address === undefined || to === address) woken();
  }

  /**
   * Claims nothing more; a message waiting to be tried again goes back to the store as pending (it was not sent),
   * and sends under way finish.
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.drain();
  }

  /** Resolves when nothing is left to claim and every send under way has its outcome recorded. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.#claiming) await this.#claiming;
      else if (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
      else if (this.#kept.size > 0) await Promise.allSettled([...this.#kept.values()]);
      else return;
    }
  }

  async #claim(): Promise<void> {
    const { store } = this.#options;
    for (;;) {
      let claimed: Message[];
      try {
        claimed = await store.claimOutbound(this.#options.batch ?? 64);
      } catch (error) {
        this.#claims.failed(error);
        return;
      }
      this.#claims.worked();
      if (claimed.length === 0) return;
      for (const message of claimed) {
        if (this.#delivering.has(message.id)) continue;
        this.#delivering.add(message.id);
        const sending = this.#deliver(message).finally(() => {
          this.#delivering.delete(message.id);
          if (this.#waiting.delete(message.id)) this.#keepWaiting(message, undefined);
          this.#sending.delete(sending);
          // The recipient's next message may be claimed now.
          this.kick();
        });
        this.#sending.add(sending);
      }
    }
  }

  /**
   * Keeps in the store that `message` waits for its channel (since `since`, ms; `reason`: what it last said), for every
   * process's dashboard (`waitingFromStore`); with no `since`, that it waits no more. Written in order per message;
   * a write that fails is only logged: the banner counts it at the next one, or the reader leaves a reply gone since.
   */
  #keepWaiting(message: Message, since: number | undefined, reason = ''): void {
    const { store, log } = this.#options;
    const key = String(message.id);
    const previous = this.#kept.get(message.id) ?? Promise.resolve();
    const kept = previous.then(() => store.transaction(`${WAITING_REPLIES}:${key}`, async (tx) => {
      if (since === undefined) tx.deleteDoc(WAITING_REPLIES, key);
      else tx.putDoc(WAITING_REPLIES, key, { channel: message.channel, address: message.address, since: new Date(since).toISOString(), reason, at: this.#now().toISOString() } satisfies WaitingReply);
    })).then(() => {
      for (const listener of this.#listeners) listener.waiting?.(message);
    }).catch((error: unknown) => log.debug({ message: message.id, err: describe(error) }, 'could not keep in the store whether this reply waits for its channel'));
    this.#kept.set(message.id, kept);
    void kept.finally(() => {
      if (this.#kept.get(message.id) === kept) this.#kept.delete(message.id);
    });
  }

  /**
   * Tells the authors of the agents' messages waiting behind message `id` (to the same address, not yet tried: the
   * store hands out one at a time) that they have not gone yet, as `id` waits long for its channel: once each, with
   * what the channel said of `id`. A look at the store that fails is only logged: each is told at its own failure.
   */
  #tellBehind(id: number): void {
    const head = this.#waiting.get(id);
    if (!head) return;
    const telling = this.#options.store.messagesOfAddress(head.channel, head.address, id, BEHIND_LOOKED_AT).then((behind) => {
      // Gone or given up meanwhile: those behind it are tried now.
      const still = this.#waiting.get(id);
      if (!still?.long) return;
      for (const message of behind) {
        if (message.direction !== 'out' || message.status !== 'pending' || message.from !== 'agent' || message.toAgent || this.#toldBehind.has(message.id)) continue;
        this.#toldBehind.add(message.id);
        if (this.#toldBehind.size > TOLD_BEHIND_KEPT) this.#toldBehind.delete(this.#toldBehind.values().next().value as number);
        for (const listener of this.#listeners) listener.delayed?.(message, still.reason, still.long.waitMs, still.long.known);
      }
    }).catch((error: unknown) => this.#options.log.debug({ message: id, err: describe(error) }, 'could not look for agents\' messages waiting behind this reply; each is told at its own failure'))
      .finally(() => this.#sending.delete(telling));
    this.#sending.add(telling);
  }

  /** Sends one claimed message, trying again while its failure may pass, then records the outcome. */
  async #deliver(message: Message): Promise<void> {
    const { channels, log, store } = this.#options;
    const channel = channels.get(message.channel);
    // Fields set one by one rather than spread from small objects: this runs for every reply sent.
    const outbound: OutboundMessage = { id: message.id, text: message.text };
    if (message.choices) outbound.choices = message.choices;
    if (message.attachments) outbound.attachments = message.attachments;
    if (message.template) outbound.template = message.template;
    if (message.toAgent) outbound.toAgent = true;
    if (message.from === 'agent') outbound.byAgent = true;
    if (message.replyTo !== undefined) outbound.replyTo = message.replyTo;
    if (message.language !== undefined) outbound.language = message.language;
    if (message.reaction) outbound.reaction = message.reaction;
    if (message.styles) outbound.styles = message.styles;
    // Each part's id, over the attempts (a retry resumes after the parts that went out).
    const parts: string[] = [];
    // Not an arrow function: under tsx (`npm start`) each one made would be named at run time (esbuild's `keepNames`).
    const sentPart: (id: string) => void = parts.push.bind(parts);
    // Told already while it waited behind another message (`#tellBehind`).
    let toldDelay = this.#toldBehind.delete(message.id);
    for (let attempt = 0; ; attempt++) {
      let channelMessageId: string;
      try {
        // Not configured here at all: waiting would not bring it.
        if (!channel) throw new ChannelSendError(`channel "${message.channel}" is not running`, { permanent: true });
        // After a wait (or a lost database connection) another process may have taken the reply over: it sends it.
        const mine = await this.#confirm(message);
        if (mine === undefined) return;
        if (!mine) {
          log.warn({ message: message.id, channel: message.channel }, 'another process took this reply over while this one had lost its claim; it is not sent from here');
          return;
        }
        const late = this.#tooLate(message);
        if (late !== undefined) {
          log.warn({ message: message.id, channel: message.channel, attempts: attempt, waitedMs: late }, 'a reply of the bot waited too long to go out and is not sent: it would come out of context (a question is asked again at the customer\'s next message)');
          const reason = `not sent: it waited ${Math.round(late / 60_000)} min to go out, too late for what the bot said`;
          if (await this.#record(message, { error: reason })) for (const listener of this.#listeners) listener.failed?.(message, reason, undefined);
          return;
        }
        channelMessageId = await channel.send(message.address, outbound, sentPart);
      } catch (error) {
        const failure = error instanceof ChannelSendError ? error : undefined;
        const reason = failure?.message ?? describe(error);
        // A failure that may as well be lasting (`briefly`) gets the listed delays only, an agent's reply too.
        const delay = this.#delays[attempt] ?? (failure?.briefly ? undefined : this.#keptTrying(message));
        if (failure?.permanent || delay === undefined) {
          log.error({ message: message.id, channel: message.channel, attempts: attempt + 1, error: reason }, failure?.permanent ? 'message refused by its channel' : 'message could not be sent, and is not tried again');
          if (await this.#record(message, { error: reason, ...(failure?.known ? { failure: failure.known } : {}) })) for (const listener of this.#listeners) listener.failed?.(message, reason, failure?.known);
          return;
        }
        const waiting = this.#waiting.get(message.id);
        if (waiting?.reason !== reason) this.#keepWaiting(message, waiting?.since ?? this.#now().getTime(), reason);
        const asked = failure?.retryAfterMs ?? 0;
        const wait = Math.min(LONGEST_WAIT_MS, Math.max(delay, Number.isNaN(asked) ? 0 : asked));
        const long = failure?.briefly || wait >= this.#longWaitMs ? { waitMs: wait, ...(failure?.briefly && failure.known ? { known: failure.known } : {}) } : undefined;
        if (waiting) {
          waiting.reason = reason;
          if (long) waiting.long = long;
          else delete waiting.long;
        } else this.#waiting.set(message.id, { channel: message.channel, address: message.address, since: this.#now().getTime(), reason, ...(long ? { long } : {}) });
        // The agents' messages already behind it wait as long: told now (those stored later, at their kick).
        if (long && !waiting?.long) this.#tellBehind(message.id);
        // Past the listed delays (an agent's message through a long outage), about once an hour, not at each attempt.
        if (attempt < this.#delays.length || attempt % 6 === 0) {
          log.warn({ message: message.id, channel: message.channel, attempt: attempt + 1, retryInMs: wait, error: reason }, 'send failed, trying again');
        }
        // A failure tried for minutes only (Messenger's code 2, which may mean the customer blocked the business) is
        // told at once: its author would otherwise hear nothing for those minutes.
        if (!toldDelay && (failure?.briefly || wait >= this.#longWaitMs)) {
          toldDelay = true;
          for (const listener of this.#listeners) listener.delayed?.(message, reason, wait, failure?.briefly ? failure.known : undefined);
        }
        if (!(await this.#wait(wait, message.channel, message.address))) {
          // Stopping: it was not sent, so it is pending again, not in doubt.
          await store.retryOutbound([message.id]).catch((failed: unknown) => log.error({ message: message.id, err: describe(failed) }, 'could not put an unsent message back'));
          return;
        }
        continue;
      }
      if (await this.#record(message, { channelMessageId })) for (const listener of this.#listeners) listener.sent?.({ ...message, channelMessageId, status: 'sent' }, toldDelay);
      await this.#recordParts(message, parts.filter((id) => id !== channelMessageId), channelMessageId);
      return;
    }
  }

  /**
   * Whether the claim of `message` is still this outbox's store's (`Store.confirmClaim`), asking again while the
   * store cannot say (the database away: that is no failed send); undefined when the outbox stopped meanwhile (the
   * claim stays, in doubt for the others once this process's lock is gone).
   */
  async #confirm(message: Message): Promise<boolean | undefined> {
    const { store, log } = this.#options;
    if (!store.confirmClaim) return true;
    const last = this.#recordDelays.length - 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.confirmClaim(message.id);
      } catch (error) {
        const wait = this.#recordDelays[Math.min(attempt, last)] as number;
        // As `#record`: the quick attempts, then about once a minute, not at each of an outage's attempts.
        if (attempt <= last || attempt % 12 === 0) {
          log.warn({ message: message.id, attempt: attempt + 1, err: describe(error) }, 'could not confirm a claimed reply is still this process\'s to send; asking again');
        }
        if (!(await this.#wait(wait))) return undefined;
      }
    }
  }

  /**
   * The age (ms) of a bot's message to a customer too old to send (`botReplyFreshMs`); undefined while it is worth
   * sending, and for everyone else's.
   */
  #tooLate(message: Message): number | undefined {
    if (message.from !== 'bot' || message.toAgent) return undefined;
    const age = this.#now().getTime() - Date.parse(message.at);
    return age >= this.#botReplyFreshMs ? age : undefined;
  }

  /**
   * The wait before one more attempt at an agent's message to a customer, or at a notice to an agent with no other
   * address (`elsewhere`), once the listed delays are used up: the last of them, or what is left of
   * `agentReplyTriedMs`; undefined once that is over, and for everyone else's.
   */
  #keptTrying(message: Message): number | undefined {
    const kept = message.toAgent ? this.#options.elsewhere?.(message) === false : message.from === 'agent';
    if (!kept) return undefined;
    const left = Date.parse(message.at) + this.#agentReplyTriedMs - this.#now().getTime();
    const last = this.#delays.at(-1);
    return left > 0 && last !== undefined ? Math.min(last, left) : undefined;
  }

  /**
   * Keeps the earlier parts' ids of a message that went out in several into an agent's chat or a team desk's thread
   * (no customer's: `contactId`), where an agent's Reply on any part of a relay must find it. Not kept, a Reply on an
   * earlier part goes plain: said in the log, and the send stands.
   */
  async #recordParts(message: Message, parts: string[], of: string): Promise<void> {
    if (parts.length === 0 || message.contactId !== undefined) return;
    try {
      await recordParts(this.#options.store, message.channel, parts, of);
    } catch (error) {
      this.#options.log.warn({ message: message.id, channel: message.channel, err: describe(error) }, 'could not keep the ids of a message\'s earlier parts; a Reply on one of them is not taken as a reply to it');
    }
  }

  /** Waits `ms`, or until `channel` is back (`wake`, for `address` too); false when the outbox stopped meanwhile. */
  #wait(ms: number, channel?: string, address?: string): Promise<boolean> {
    const signal = this.#stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const end = (tryNow: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', stopped);
        if (channel !== undefined) this.#sleepers.get(channel)?.delete(woken);
        resolve(tryNow);
      };
      const stopped = (): void => end(false);
      const woken = (): void => end(true);
      const timer = setTimeout(woken, ms);
      signal.addEventListener('abort', stopped, { once: true });
      if (channel !== undefined) {
        const sleepers = this.#sleepers.get(channel) ?? new Map<() => void, string | undefined>();
        sleepers.set(woken, address);
        this.#sleepers.set(channel, sleepers);
      }
    });
  }

  /**
   * Records a send's outcome, retrying the recording alone; false if it could not be recorded. While the store is
   * out of reach (a database restarting, a network cut) it keeps asking, however long that takes, until the outbox
   * stops: the message is out, and the recipient's next messages wait behind it until its outcome is recorded.
   * Other failures get the few quick attempts only.
   */
  async #record(message: Message, outcome: DeliveryOutcome): Promise<boolean> {
    const { store, log } = this.#options;
    const last = this.#recordDelays.length - 1;
    let triedAtStop = false;
    for (let attempt = 0; ; attempt++) {
      try {
        // The recipient's next message may be claimed with it: the kick after this send claims anyway.
        await store.markDelivery(message.id, outcome, { claimNext: true, underClaim: true });
        return true;
      } catch (error) {
        if (error instanceof ClaimTakenError) {
          // Found in doubt while this process was cut off from the database: the other process sends it again.
          log.warn({ message: message.id }, 'another process took this reply over while this one was cut off from the database; it records the outcome (the customer may see the reply twice)');
          return false;
        }
        const stopping = this.#stopping.signal.aborted;
        const away = error instanceof StoreUnavailableError && !stopping;
        // Stopping: one more attempt at once, no more waits (the shutdown has 10 s for everything).
        const delay = stopping ? (triedAtStop ? undefined : 0) : this.#recordDelays[away ? Math.min(attempt, last) : attempt];
        triedAtStop ||= stopping;
        if (delay === undefined) {
          // Left `sending`: found in doubt once this process is gone (or at the next start), and the channel's
          // guarantee says what the recipient may see.
          log.error({ message: message.id, err: describe(error) }, 'could not record the outcome of a send; the message stays in doubt until this process stops');
          return false;
        }
        if (attempt <= last || attempt % 12 === 0) {
          log.warn({ message: message.id, attempt: attempt + 1, err: describe(error) }, 'could not record the outcome of a send, retrying (the send is not repeated)');
        }
        // Stopping cuts a wait short; the attempt after it is the last.
        if (delay > 0) await this.#wait(delay);
      }
    }
  }
}
