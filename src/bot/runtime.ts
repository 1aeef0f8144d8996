// The bot runtime: an inbound message in, its effects stored, the replies out through the same channel. This file
// puts the parts together; each lives in its own: intake (what a message changes), turns (flows), the handover's
// desk, timers (the periodic check), desk threads, statuses, and the outbox.
import { DeliveryRefused, RateLimited, type Channel, type DeliveryStatus, type IdentityUpdate, type InboundMessage } from '../types.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import { deleteErasedFilesLeft } from '../store/erased-files.ts';
import type { Attachment, Conversation, Identity, MediaStore, Store } from '../store/types.ts';
import type { Classification, FlowLibrary } from '../flows/index.ts';
import type { ActionResult, AgentAction } from '../handover/actions.ts';
import type { Admin, AdminAction } from '../handover/admin-actions.ts';
import type { AgentState } from '../handover/agent-state.ts';
import { formerAgentAt, rememberRoster } from '../handover/agents-on-file.ts';
import { line, type Line } from '../handover/lines.ts';
import { reachedAt } from '../handover/outgoing.ts';
import { roomAdded } from '../handover/assignment/capacity.ts';
import { Desk } from '../handover/desk.ts';
import { ERASE_NOTICES } from '../handover/erasing.ts';
import { DESKS_LOST } from '../handover/lookups.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import type { Roster } from '../handover/team-file.ts';
import type { Agent } from '../handover/team.ts';
import { Failing } from '../shared/failing.ts';
import type { Fanout } from '../shared/fanout.ts';
import type { Logger } from '../shared/log.ts';
import { STORE_OUT_OF_REACH } from '../shared/refusals.ts';
import { DeskThreads } from './desk-threads.ts';
import type { Effects } from './effects.ts';
import type { EventBus } from './events.ts';
import { Intake, updateIdentity } from './intake.ts';
import { RateLimit } from './limits.ts';
import { Notices } from './notices.ts';
import { Placings } from './placings.ts';
import type { Outbox } from './outbox.ts';
import { Statuses } from './statuses.ts';
import { Timers } from './timers.ts';
import { recordMoment, recordTimeline, TIMELINES, type TimelineEvent } from './timeline.ts';
import { Transactions } from './transactions.ts';
import { Turns } from './turns.ts';

export interface RuntimeOptions {
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  bus: EventBus;
  outbox: Outbox;
  log: Logger;
  /**
   * Inactivity after which a conversation an agent holds is closed (ms, counted from the last agent message; never
   * while its customer waits for an answer).
   */
  autoCloseAfterMs?: number;
  /**
   * How long a customer waits for an answer from an agent who is away before their conversation goes back to its
   * team's queue (ms, default 10 min); 0: never.
   */
  awayRequeueAfterMs?: number;
  /** How long a customer waits for their agent's answer before the agent is reminded, and again (ms, default 30 min); 0: never. */
  unansweredRemindAfterMs?: number;
  /** How long a customer waits for their online agent's answer before a free colleague takes them (ms, default 2 h); 0: never. */
  unansweredPassOnAfterMs?: number;
  /**
   * How long a conversation with the bot waits for its customer before it closes (ms, counted from their last message
   * or its coming back to the bot; default 24 h); 0: never.
   */
  botIdleCloseAfterMs?: number;
  /**
   * How often the periodic check runs (default 30 s); timeouts (auto-close, the bot's idle close, assign `timeout`)
   * fire when due, between checks. 0 turns both off (tests call `sweep`).
   */
  sweepEveryMs?: number;
  /** The link between the processes sharing the store (PostgreSQL): a timeout one of them learns of reaches the one running the timers. */
  fanout?: Fanout;
  /** The channels, for team desk threads opened and closed after a commit. */
  channels?: ReadonlyMap<string, Channel>;
  /** The NLP model's prediction for a text, for `classify` steps; undefined while none is ready. */
  classify?: (text: string) => Classification | undefined;
  /** The clock; tests pass a controllable one. */
  now?: () => Date;
  /** The approved message templates agents may send with /template. */
  templates?: readonly { name: string; language?: string }[];
  /** WHATSAPP_REENGAGE_TEMPLATE: goes once in place of an agent's reply a closed 24-hour window refused (`DeskContext.reengage`). */
  reengage?: { name: string; language?: string };
  /** How many messages one customer may send at once, and over how long that refills (default 30 a minute). */
  contactRate?: { capacity: number; perMs: number };
  /** Where attachments' bytes live: the files an erase left (a crash right after its delete) are deleted from it. */
  media?: MediaStore;
}

/** What a change of team.yaml did for the customers waiting in the queues of the agents it gave more room. */
export interface RoomGiven {
  /** How many this process seated with those agents. */
  seated: number;
  /**
   * Some of it is left to the periodic check: a queue could not be drained (the store out of reach; the check tries
   * again), or was still being drained when asked (it goes on).
   */
  left: boolean;
}

/** The room a save of team.yaml gives, while it is given (`Runtime.roomGivenBy`). */
export interface RoomGiving {
  /**
   * Resolves once the customers seated were told (their notices sent, or failed), or at the latest `withinMs` later,
   * with what was given by then.
   */
  within(withinMs: number): Promise<RoomGiven>;
}

/** The room one reload of team.yaml gives: counted as its drains commit. */
interface Giving extends RoomGiven {
  settled: boolean;
  done: Promise<void>;
}

/**
 * Handles inbound messages: dedup, who is speaking, contact, conversation lifecycle, flows, handover. A
 * contact's messages are handled one at a time in arrival order (the store's keyed transactions), and
 * `deliver` resolves only once the message and everything it caused are on disk.
 *
 *     const runtime = new Runtime({ store, flows, directory, bus, outbox, log });
 *     await runtime.deliver({ channel: 'webchat', id: 'm1', from: { id: 's1' }, text: 'hi', at });
 */
export class Runtime {
  readonly #options: RuntimeOptions;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #transactions: Transactions;
  readonly #desk: Desk;
  readonly #intake: Intake;
  readonly #threads: DeskThreads;
  readonly #timers: Timers;
  readonly #statuses: Statuses;
  readonly #turns: Turns;
  readonly #placings: Placings;
  /**
   * The periodic check's jobs that read the store, in every check: while it is away (an outage of PostgreSQL), their
   * failures are logged when they start and when the job works again, not at every check.
   */
  readonly #checks: Failing;
  readonly #erasesLeft: Failing;
  readonly #erasedFilesLeft: Failing;
  /** Giving the agents the room team.yaml gave them (`#giveRoom`), tried again at every check while the store is away. */
  readonly #givingRoom: Failing;
  #timer: NodeJS.Timeout | undefined;
  #offDirectory: (() => void) | undefined;
  #offFanout: (() => void) | undefined;
  /** Agents team.yaml gave more room whose queues could not be drained then (the store out of reach): the next check tries. */
  readonly #roomToGive = new Set<string>();
  /** The saves of team.yaml under way (`roomGivenBy`): each is handed the room every reload meanwhile gives. */
  readonly #roomWatchers = new Set<(giving: Giving) => void>();
  readonly #offOutbox: () => void;
  #stopping = false;
  readonly #rate: RateLimit;
  /** The runtime's clock (`RuntimeOptions.now`), for all it decides. */
  readonly #now: () => Date;

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#rate = new RateLimit(options.contactRate ?? { capacity: 30, perMs: 60_000 });
    const { store, flows, directory, bus, log } = options;
    const now = options.now ?? (() => new Date());
    this.#now = now;
    const notices = new Notices({ flows, directory, now });
    this.#transactions = new Transactions({ store, log, notices: (tx, effects) => notices.add(tx, effects), beforeCommit: async (tx, effects) => {
      await notices.add(tx, effects);
      await recordTimeline(tx, effects.events, now().toISOString());
    }, afterCommit: (effects) => this.#afterCommit(effects), followUp: async (effects) => {
      for (const team of effects.queuesToPlace) await this.#placings.place(team);
    } });
    const turns = new Turns({ flows, log, now, notices, ...(options.classify ? { classify: options.classify } : {}) });
    const channels = options.channels;
    // What the handover asks of the channels: which run, how their message ids order a chat, which show quotes, reactions and which files.
    const ofChannels = channels
      ? {
          running: (channel: string) => channels.has(channel),
          cameAfter: (channel: string, id: string, than: string) => channels.get(channel)?.cameAfter?.(id, than),
          quotes: (channel: string) => channels.get(channel)?.quotes === true,
          reacts: (channel: string, emoji: string) => channels.get(channel)?.reacts?.(emoji) === true,
          styles: (channel: string) => channels.get(channel)?.styles ?? [],
          shows: (channel: string, attachment: Pick<Attachment, 'kind' | 'mime'>) => channels.get(channel)?.shows?.(attachment) !== false,
        }
      : {};
    this.#desk = new Desk({ directory, now, log, ...(options.templates ? { templates: options.templates } : {}), ...(options.reengage ? { reengage: options.reengage } : {}), ...ofChannels, handBack: (tx, conversation, fx) => turns.handBack(tx, conversation, fx as Effects), botCanResume: (conversation) => turns.canResume(conversation), wording: (conversation) => flows.wording(conversation) });
    turns.desk = this.#desk;
    this.#turns = turns;
    const transactions = this.#transactions;
    const desk = this.#desk;
    this.#intake = new Intake({ desk, turns, notices, now, log, formerAgentAt: (channel, id) => formerAgentAt(store, directory, channel, id) });
    this.#placings = new Placings({ transactions, desk, log });
    this.#threads = new DeskThreads({ store, directory, log, desk, transactions, ...(options.channels ? { channels: options.channels } : {}) });
    this.#timers = new Timers({
      store, flows, directory, log, now, desk, turns, notices, transactions, threads: this.#threads, kickOutbox: () => options.outbox.kick(),
      place: (team) => this.#placings.place(team),
      autoCloseAfterMs: options.autoCloseAfterMs ?? 24 * 3_600_000,
      awayRequeueAfterMs: options.awayRequeueAfterMs ?? 10 * 60_000,
      unansweredRemindAfterMs: options.unansweredRemindAfterMs ?? 30 * 60_000,
      unansweredPassOnAfterMs: options.unansweredPassOnAfterMs ?? 2 * 3_600_000,
      botIdleCloseAfterMs: options.botIdleCloseAfterMs ?? 24 * 3_600_000,
      everyMs: options.sweepEveryMs ?? 30_000,
      track: (work) => this.#track(work),
      ...(options.fanout ? {
        announce: (at: number) => options.fanout?.publish(TIMERS_TOPIC, { at }),
        released: () => options.fanout?.publish(TIMERS_TOPIC, { released: true }),
      } : {}),
    });
    this.#statuses = new Statuses({ store, bus, log, desk, transactions, now });
    this.#checks = new Failing(log, {
      failing: 'the periodic check could not run: queue timeouts, auto-closes and replies in doubt wait for it; each check tries again (logged again once one works)',
      recovered: 'the periodic check runs again',
    });
    this.#erasesLeft = new Failing(log, {
      failing: 'what erases left to tell could not be read; each check tries again (logged again once it works)',
      recovered: 'what erases left to tell is read again',
    });
    this.#erasedFilesLeft = new Failing(log, {
      failing: 'the files of erased contacts could not all be deleted; each check tries again (logged again once it works)',
      recovered: 'the files of erased contacts left are deleted again',
    });
    this.#givingRoom = new Failing(log, {
      failing: 'could not give the customers waiting the room team.yaml gave these agents; each check tries again (logged again once it works)',
      recovered: 'the customers waiting are given the room team.yaml gave again',
    }, 'error');
    this.#offOutbox = options.outbox.listen({
      sent: (message) => {
        bus.emit({ type: 'message.sent', payload: { message } });
        // A failure the channel reported before this id was stored (rare): applied now.
        const applying = this.#statuses.sent(message);
        if (applying) void this.#track(applying).catch((error: unknown) => log.warn({ err: error, message: message.id }, 'could not look for a failure reported before this reply\'s id was stored; if there was one, it is not applied'));
        // Told it had not gone yet, by this process or one before a restart (the admin fixed a token and restarted):
        // its agent hears it went after all.
        void this.#track(this.#statuses.tellDelay(message, 'went')).catch((error: unknown) => log.warn({ err: error, message: message.id }, 'could not tell the agent their message went after the wait they were told of'));
      },
      delayed: (message, reason, _waitMs, known) => void this.#track(this.#statuses.tellDelay(message, { waiting: reason, ...(known ? { known } : {}) })),
      failed: (message, reason, known) => void this.#track(this.#statuses.tellAuthor(message, reason, known)),
    });
  }

  /** Takes an inbound message; resolves when it is durably stored with its effects. */
  deliver = (given: InboundMessage): Promise<void> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    const message = this.#asAgentAlias(given);
    // Customers only: agents type fast, and history or the business's own messages are not a person writing now.
    const customer = !this.#desk.agentOf(message.channel, message.from.id);
    const key = `${message.channel}:${message.from.id}`;
    const counted = !message.history && !message.echo && customer;
    if (counted) {
      // The runtime's clock, as for the rest of what it decides: a flood is one however long storing each message takes.
      const wait = this.#rate.take(key, this.#now().getTime());
      if (wait > 0) return this.#refuseUnlessStored(message, wait);
    }
    // A customer's message opens a conversation when they have none open: the store may take its id with its first read.
    return refuseWhileUnavailable(this.#track(this.#transactions.run(key, (tx, fx) => this.#intake.decide(tx, message, fx), { opening: customer }))).then((handled) => {
      // Nothing of it stored (a platform delivering it again, found by the dedup the message goes through anyway): the
      // person did not write it, and a platform's retries must not spend their allowance for their next messages.
      if (counted && !handled) this.#rate.giveBack(key);
    });
  };

  /**
   * A customer's message past their allowance: refused with the wait, unless it is one stored already (a platform
   * delivering it again while they write fast), which is acknowledged as done, as the dedup would. Read only on this path.
   */
  async #refuseUnlessStored(message: InboundMessage, waitMs: number): Promise<void> {
    const stored = await refuseWhileUnavailable(this.#options.store.messageByChannelId(message.channel, message.id));
    if (stored?.direction !== 'in') throw new RateLimited(`too many messages at once; try again in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs });
  }

  /**
   * `inbound` from the address team.yaml gives its agent, when it names them by one of the sender's `aliases` (a Teams
   * user id where the message comes by their object id): otherwise the agent would be taken for a customer.
   */
  #asAgentAlias(inbound: InboundMessage): InboundMessage {
    // Only Teams gives aliases: every other message goes on as it came, without a copy of its sender.
    if (inbound.from.aliases === undefined) return inbound;
    const { aliases, ...from } = inbound.from;
    const alias = this.#desk.agentOf(inbound.channel, from.id) ? undefined : aliases.find((address) => this.#desk.agentOf(inbound.channel, address));
    return { ...inbound, from: { ...from, ...(alias !== undefined ? { id: alias } : {}) } };
  }

  /**
   * Whether the files of `inbound` would reach a customer (`ChannelHost.filesReachCustomer`): in a desk's group, only
   * an agent's in a conversation's thread that goes to its customer; anywhere else, every one.
   *
   *     if (!(await runtime.filesReachCustomer(inbound))) attachment.refused = 'not fetched: it reaches no customer';
   */
  filesReachCustomer = async (inbound: InboundMessage): Promise<boolean> => {
    if (inbound.place === undefined) return true;
    const agent = this.#desk.agentOf(inbound.channel, inbound.from.id);
    return agent !== undefined && this.#desk.reachesCustomer(this.#options.store, agent, inbound);
  };

  /**
   * A reply an agent wrote in the agent console for conversation `conversationId` (`inbound` from their web chat
   * session): relayed to its customer if they hold it when it is stored, else refused with the reason; with `answered`
   * (the channel message id of one of the customer's messages), as an answer to that message. Resolves once stored; a
   * delivery seen before (the same id) resolves as done without acting again, or, its text edited since, corrects it.
   * `moment`: added to the conversation's timeline in the same write as the reply, when it is stored (not for a
   * delivery seen before): the dashboard's Send again, whose entry and copy a crash cannot part.
   *
   *     await runtime.reply(omar, { channel: 'webchat', id: 'agent-omar:c-1', from: { id: 'agent-omar' }, text: 'Refunded!', at }, 42);
   */
  reply = (agent: Agent, inbound: InboundMessage, conversationId: number, answered?: string, moment?: TimelineEvent): Promise<ActionResult> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    // The key of the agent's own messages from that session: their typed ones and these stay in order.
    return refuseWhileUnavailable(this.#track(this.#transactions.run(`${inbound.channel}:${inbound.from.id}`, async (tx, fx) => {
      const seen = moment !== undefined && (await tx.hasInbound(inbound.channel, inbound.id));
      const result = await this.#desk.replyFromConsole(tx, agent, inbound, conversationId, fx, answered);
      if (moment !== undefined && !seen && result.ok) await recordMoment(tx, conversationId, moment);
      return result;
    })));
  };

  /** Why a hand back of `conversation` would be refused, before anyone asks (`Desk.whyNoHandBack`); undefined when the bot goes on. */
  whyNoHandBack = (conversation: Conversation): Promise<Line | undefined> => this.#desk.whyNoHandBack(conversation);

  /**
   * Takes what a channel learned about a person's identity (a new number or user id, another address of theirs,
   * the name the business's address book gives them); resolves once it is stored.
   */
  updateIdentity = (update: IdentityUpdate): Promise<void> =>
    refuseWhileUnavailable(this.#track(this.#transactions.run(`${update.channel}:${update.id}`, (tx, fx) => updateIdentity(tx, update, fx, this.#options.log, this.#now().toISOString(), this.#desk))));

  /**
   * The customer at `address` on `channel` left the chat (the web chat's New visitor): their open conversation, if
   * any, closes as they left, and its agent is told (see `customerLeft`). In line with their messages; resolves once
   * stored, with the number of the conversation closed.
   *
   *     await runtime.left('webchat', 'v-7f3a'); // 42
   */
  left = (channel: string, address: string): Promise<number | undefined> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    return refuseWhileUnavailable(this.#track(this.#transactions.run(`${channel}:${address}`, async (tx, fx) => {
      const contact = await tx.contactByIdentity(channel, address);
      const conversation = contact ? await tx.openConversationOf(contact.id) : undefined;
      if (!conversation) return undefined;
      await this.#desk.customerLeft(tx, conversation, fx);
      return conversation.id;
    })));
  };

  /**
   * The customer at `address` on `channel` blocked the bot (`blocked`), or unblocked it: their open conversation's
   * timeline says so, and its agent (or desk thread) is told of a block, once however often the channel says it,
   * until an unblock. In line with their messages; resolves once stored. Without an open conversation, nothing. An
   * agent's address is marked unreachable at a block (see "Agents nothing reaches any more"). `appRemoved`: they
   * removed the bot's app (Teams), which the agent is told in those words.
   *
   *     await runtime.blocked('telegram', '5001', true);
   */
  blocked = (channel: string, address: string, blocked: boolean, options: { appRemoved?: boolean } = {}): Promise<void> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    return refuseWhileUnavailable(this.#track(this.#transactions.run(`${channel}:${address}`, async (tx, fx) => {
      // An agent who blocks the bot is marked at once, as by the first notice refused there; an unblock clears
      // nothing: their next message does, as after any refusal.
      const agent = this.#desk.agentOf(channel, address);
      if (agent) {
        if (blocked) await this.#desk.agentBlocked(tx, agent, { channel, id: address }, fx);
        return;
      }
      const contact = await tx.contactByIdentity(channel, address);
      const conversation = contact ? await tx.openConversationOf(contact.id) : undefined;
      if (!conversation) return;
      const timeline = (await tx.doc<TimelineEvent[]>(TIMELINES, String(conversation.id))) ?? [];
      const last = timeline.filter((moment) => moment.type === 'blocked' || moment.type === 'unblocked').at(-1);
      // Told already (Telegram's redelivery, a second block without an unblock), or never blocked: nothing changes.
      if ((last?.type === 'blocked') === blocked) return;
      // The type says all (whose act, what it means): a `by` or `detail` would only say "the customer" again beside it.
      await recordMoment(tx, conversation.id, { at: this.#now().toISOString(), type: blocked ? 'blocked' : 'unblocked' });
      if (blocked) await this.#desk.customerBlocked(tx, conversation, fx, options);
    })));
  };

  /**
   * The bot is out of the team desk group `group` on `channel` (`present`: false), or in it again: once back, the
   * threads given up on for the open conversations of its teams open, oldest first, each once (see `DeskThreads.reopen`).
   *
   *     await runtime.deskMembership('telegram', '-1001234567890', true);
   */
  deskMembership = async (channel: string, group: string, present: boolean): Promise<void> => {
    if (this.#stopping) return;
    const desk = { channel, group };
    const key = `${channel}:${group}`;
    // A loss is kept until the bot is back, so its agents are told of it once, whoever hears it (a redelivery, a
    // refused call, another process, after a restart).
    await this.#track(this.#transactions.run(`desk:${key}`, async (tx, fx) => {
      const lost = await tx.doc<{ since: string }>(DESKS_LOST, key);
      if (present) {
        if (lost) tx.deleteDoc(DESKS_LOST, key);
      } else if (!lost && this.#desk.hasDesk(desk)) {
        // Put first: what is passed on now (to a colleague in the team) is worked in their chat, not in the lost group.
        tx.putDoc(DESKS_LOST, key, { since: this.#now().toISOString() });
        await this.#desk.deskLost(tx, desk, fx);
      }
    }));
    if (present) await this.#track(this.#threads.reopen(desk));
  };

  /** Takes what a channel reports about a message it sent; resolves once it is recorded. */
  report = (status: DeliveryStatus): Promise<void> => refuseWhileUnavailable(this.#track(this.#statuses.report(status)));

  /**
   * An agent's decision (claim, transfer, note, close, hand back to the bot, set status), or an admin's from the
   * dashboard (close, note, hand back, transfer, assign, on any open conversation): what the chat commands, the
   * agent console and the dashboard all call. Resolves once it is stored, with the line the actor reads.
   *
   *     await runtime.act(omar, { kind: 'close', conversationId: 42, note: 'refunded' });
   *     await runtime.act({ kind: 'admin', name: 'Nadia' }, { kind: 'assign', conversationId: 42, agentId: 'omar' });
   */
  act: {
    (agent: Agent, action: AgentAction): Promise<ActionResult>;
    (admin: Admin, action: AdminAction): Promise<ActionResult>;
  } = (actor: Agent | Admin, action: AgentAction | AdminAction): Promise<ActionResult> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    // A conversation the decision closed starts its `conversation.closed` flows and tells the customer, as a typed /close does.
    const key = 'kind' in actor ? `admin:${actor.name}` : `agent:${actor.id}`;
    return refuseWhileUnavailable(this.#track(this.#transactions.run(key, async (tx, fx) => {
      const result = 'kind' in actor ? await this.#desk.adminAct(tx, actor, action as AdminAction, fx) : await this.#desk.act(tx, actor, action as AgentAction, fx);
      await this.#turns.closedFlows(tx, fx);
      return result;
    })));
  };

  /**
   * Tells what the erase of the contact `contactId` left to tell (`tellErased`): the agents and desk threads of the
   * conversations it removed, once; the seats it freed go to the queues. Resolves once stored. What a crash or a
   * store out of reach left untold is told at the next start, or sweep.
   *
   *     await runtime.erased(contact.id);
   */
  erased = (contactId: string): Promise<void> =>
    refuseWhileUnavailable(this.#track(this.#transactions.run(`erase:${contactId}`, (tx, fx) => this.#desk.tellErased(tx, contactId, fx))));

  /** Deletes the files erases left (a crash, a store out of reach, between an erase and its files' delete). */
  async #deleteErasedFilesLeft(): Promise<void> {
    const { store, media } = this.#options;
    if (!media) return;
    await deleteErasedFilesLeft(store, media).then(() => this.#erasedFilesLeft.worked(), (error: unknown) => this.#erasedFilesLeft.failed(error));
  }

  /** Tells what erases left to tell (a crash, a store out of reach, between an erase and its telling). */
  async #tellErasedLeft(): Promise<void> {
    const left = await this.#options.store.docs(ERASE_NOTICES).then((found) => {
      this.#erasesLeft.worked();
      return found;
    }, (error: unknown) => {
      this.#erasesLeft.failed(error);
      return new Map<string, unknown>();
    });
    for (const contactId of left.keys()) {
      await this.erased(contactId).catch((error: unknown) => this.#options.log.error({ err: error, contact: contactId }, 'the agents of an erased contact could not be told; tried again at the next sweep'));
    }
  }

  /**
   * Sends again what a stopped process was sending (the send may or may not have happened: each channel's
   * guarantee says what a customer may see; the periodic check does the same for processes that stop later), sends what was stored but not sent, hands back conversations of
   * agents removed from team.yaml while the server was down, seats the customers waiting for an agent it gave more room
   * meanwhile, finishes what erases left (their agents told, their files deleted), and starts the timeout checks.
   */
  async start(): Promise<void> {
    const { outbox, directory } = this.#options;
    await this.#timers.retryInDoubt();
    outbox.kick();
    await this.#timers.requeueOrphans();
    await this.#rememberRoster({ teams: directory.teams(), agents: directory.agents() });
    await this.#tellErasedLeft();
    await this.#deleteErasedFilesLeft();
    await this.#giveRoom(await this.#roomWithCustomersWaiting());
    this.#offDirectory = directory.onChange((before, after) => {
      const giving: Giving = { seated: 0, left: false, settled: false, done: Promise.resolve() };
      giving.done = this.#track(this.#teamChanged(before, after, giving)).finally(() => {
        giving.settled = true;
      });
      for (const watch of this.#roomWatchers) watch(giving);
    });
    const every = this.#options.sweepEveryMs ?? 30_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#track(this.#check()), every);
      this.#timer.unref();
      const wakeUp = (): void => void this.#track(this.#timers.wakeUp());
      // Another process's timeout (`{ at }`), or its lease given up as it stopped (`{ released }`): this one may take it.
      this.#offFanout = this.#options.fanout?.subscribe(TIMERS_TOPIC, (data) => {
        const notice = data as { at?: unknown; released?: unknown };
        if (typeof notice.at === 'number') this.#timers.heard(notice.at);
        else if (notice.released === true) wakeUp();
      }, { reconnected: wakeUp });
      // What fell due while no process ran (a restart) fires now, not at the first check.
      void this.#track(this.#check(() => this.#timers.sweep()));
    }
  }

  /**
   * Runs `save` (team.yaml written and read again) and gathers the room the reloads during it give (whichever reads
   * the new file first: this one, or the file watcher's), for an admin who saved it to be told what it did: how many
   * waiting customers were seated, once they are told. A reload that changes nothing gives nothing, so the watcher's
   * reload after the save's seats nobody again.
   *
   *     const room = await runtime.roomGivenBy(async () => { await writeTeamFile(); await directory.reload(); });
   *     const { seated, left } = await room.within(5_000);
   */
  roomGivenBy = async (save: () => Promise<void>): Promise<RoomGiving> => {
    const givings: Giving[] = [];
    const watch = (giving: Giving): void => void givings.push(giving);
    this.#roomWatchers.add(watch);
    try {
      await save();
    } finally {
      this.#roomWatchers.delete(watch);
    }
    const told = (async () => {
      await Promise.all(givings.map((giving) => giving.done));
      if (givings.some((giving) => giving.seated > 0)) await this.#options.outbox.drain();
    })();
    return {
      within: async (withinMs) => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([told, new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)))]);
        clearTimeout(timer);
        return {
          seated: givings.reduce((sum, giving) => sum + giving.seated, 0),
          left: givings.some((giving) => giving.left || !giving.settled),
        };
      },
    };
  };

  /** Refuses new messages and waits for those under way, then for their replies to leave. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timers.stopWaking();
    this.#offFanout?.();
    this.#offDirectory?.();
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#options.outbox.stop();
    // A failure recorded while stopping is told to the agent too.
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    this.#offOutbox();
    await this.#timers.releaseLease();
  }

  /** Runs the periodic check (`check`: the first, at start, is the timers' only), its failures logged as they start and end. */
  #check(check: () => Promise<void> = () => this.sweep()): Promise<void> {
    return check().then(() => this.#checks.worked(), (error: unknown) => this.#checks.failed(error));
  }

  /** The periodic check (see `Timers`); runs on a timer, tests call it with a controllable clock. */
  async sweep(): Promise<void> {
    if (this.#roomToGive.size > 0) await this.#giveRoom([...this.#roomToGive]);
    await Promise.all([this.#timers.sweep(), this.#tellErasedLeft(), this.#deleteErasedFilesLeft()]);
  }

  /**
   * Keeps the agents as team.yaml has them (see `agents-on-file.ts`), once their removed colleagues' conversations went
   * back to the queue: one removed while the server is down is told at the next start. A failure is logged; the
   * next start or change of team.yaml keeps them again.
   */
  async #rememberRoster(roster: Roster): Promise<void> {
    if (this.#options.directory.errors().length > 0) return;
    await rememberRoster(this.#options.store, roster).catch((error: unknown) => this.#options.log.warn({ err: error }, 'could not keep team.yaml\'s agents in the store; an agent removed while the server is down may not be told where their customers went'));
  }

  /**
   * team.yaml changed (a save by hand, from the dashboard, or in another process): the conversations of agents no longer
   * in it go back to their queue, and the agents it gave more room (see `roomAdded`) take the customers waiting in
   * their queues now, rather than at their next close or /online. What it gives is counted in `given`.
   */
  async #teamChanged(before: Roster, after: Roster, given: RoomGiven): Promise<void> {
    const removed = before.agents.filter((agent) => !after.agents.some((kept) => kept.id === agent.id));
    await this.#timers.requeueOrphans(removed).catch((error: unknown) => this.#options.log.warn({ err: error }, 'could not look for conversations of agents removed from team.yaml; the next check looks again'));
    await this.#tellAddressMoved(before, after).catch((error: unknown) => this.#options.log.warn({ err: error }, 'could not tell agents given another address in team.yaml which conversations they hold'));
    await this.#rememberRoster(after);
    await this.#giveRoom(roomAdded(before.agents, after.agents).map((agent) => agent.id), given);
  }

  /**
   * An agent whom team.yaml now reaches at another address (their Telegram id corrected, a new phone) is told there,
   * once per conversation they hold, that it is still theirs: its customer's next words would otherwise be the first
   * thing that chat reads of it.
   */
  async #tellAddressMoved(before: Roster, after: Roster): Promise<void> {
    const { store } = this.#options;
    const same = (a: Identity | undefined, b: Identity | undefined) => a?.channel === b?.channel && a?.id === b?.id;
    for (const agent of after.agents) {
      const was = before.agents.find((each) => each.id === agent.id);
      if (!was || JSON.stringify(was.identities) === JSON.stringify(agent.identities)) continue;
      const written = (await store.doc<AgentState>('agents', agent.id))?.replyTo;
      if (same(reachedAt(was, written, () => true), reachedAt(agent, written, () => true))) continue;
      for (const conversation of await store.openConversations({ stage: 'assigned', agentId: agent.id })) {
        await this.#transactions.onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversation.id);
          if (fresh?.status !== 'open' || fresh.stage !== 'assigned' || fresh.agentId !== agent.id) return;
          await this.#desk.tell(tx, agent.id, line('addressMoved', fresh.id, (await tx.contact(fresh.contactId))?.name), fx, fresh.id);
        });
      }
    }
  }

  /**
   * The agents who could seat a waiting customer now: online, under their max_open, with someone waiting in one of
   * their teams' queues or for them by name. At start, for the room team.yaml gave while the server was down: there is
   * no version before to compare with, and an agent nobody waits for is not written to. Counted, not copied: the
   * queues are longest after an outage. (A queue whose every customer waits for another agent by name counts too:
   * the drain then finds nobody, and only notes when it looked.)
   */
  async #roomWithCustomersWaiting(): Promise<string[]> {
    const { store, directory } = this.#options;
    if ((await store.countOpenConversations({ stage: 'queued' })) === 0) return [];
    const agents: string[] = [];
    const waiting = async (agent: Agent): Promise<boolean> => {
      for (const team of agent.teams) if ((await store.countOpenConversations({ stage: 'queued', team })) > 0) return true;
      return (await store.countOpenConversations({ stage: 'queued', agentId: agent.id })) > 0;
    };
    for (const agent of directory.agents()) {
      if ((await store.doc<AgentState>('agents', agent.id))?.status !== 'online') continue;
      if ((await store.countOpenConversations({ stage: 'assigned', agentId: agent.id })) >= agent.maxOpen) continue;
      if (await waiting(agent)) agents.push(agent.id);
    }
    return agents;
  }

  /**
   * Drains the queues of these agents (those still in team.yaml), in a transaction each. Every process that reloads
   * team.yaml does it: the drain that commits second has read what the first gave (the agent's state, the count they
   * hold, the conversations it took) and runs again, so it gives only the room left, and no conversation twice.
   * `given`: where the customers seated, and a queue left to the next check, are counted. While the store is away,
   * logged once (with the agents left) when it starts failing, and once when every agent left is given their room.
   */
  async #giveRoom(agentIds: readonly string[], given: RoomGiven = { seated: 0, left: false }): Promise<void> {
    const errors: unknown[] = [];
    for (const id of agentIds) {
      this.#roomToGive.delete(id);
      await this.#transactions.run(`agent:${id}`, async (tx, fx) => {
        const agent = this.#options.directory.agent(id);
        return agent ? this.#desk.drain(tx, agent, fx) : 0;
      }).then((seated) => {
        given.seated += seated;
      }, (error: unknown) => {
        given.left = true;
        this.#roomToGive.add(id);
        errors.push(error);
      });
    }
    if (errors.length > 0) this.#givingRoom.failed(errors[0], { agents: [...this.#roomToGive] });
    else if (this.#roomToGive.size === 0) this.#givingRoom.worked();
  }

  /** Announces and carries out what a committed transaction produced. */
  #afterCommit(effects: Effects): void {
    for (const event of effects.events) this.#options.bus.emit(event);
    if (effects.outbound > 0) this.#options.outbox.kick(effects.answered);
    const changed = timedConversations(effects);
    if (changed.length > 0) void this.#track(this.#timers.noticed(changed)).catch((error: unknown) => this.#options.log.warn({ err: error }, 'could not plan a timeout; the next check finds it'));
    for (const request of effects.threadsToOpen) void this.#track(this.#threads.open(request.conversationId, request.desk, request.title));
    for (const { channel, thread } of effects.threadsToClose) this.#threads.close(channel, thread);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work)).catch(() => {});
    return work;
  }
}

/**
 * The fan-out topic of the timers between processes: a timeout one of them learned of, for the one running the timers
 * (`{ at }`, ms), and the lease given up by a process stopping (`{ released: true }`).
 */
const TIMERS_TOPIC = 'timers';

/**
 * The conversations a commit changed in a way that may set a timeout (queued, assigned, a customer's message to the
 * bot), each once, as committed.
 */
function timedConversations(effects: Effects): Conversation[] {
  const changed = new Map<number, Conversation>();
  for (const event of effects.events) {
    const conversation = 'conversation' in event.payload ? event.payload.conversation : undefined;
    if (conversation && conversation.status === 'open') changed.set(conversation.id, conversation);
  }
  return [...changed.values()];
}

/**
 * The store out of reach (the database restarting, say) is a refusal for now, not a failure: nothing was stored, so
 * the channel answers 503 with Retry-After and its sender tries again; the next call reaches the store anew.
 */
export function refuseWhileUnavailable<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    if (error instanceof StoreUnavailableError) {
      // Answered as it is to the channel, the console or the page: the words every store-down answer says, the file,
      // socket or host that failed only in the cause (the store logs its outage with them).
      throw new DeliveryRefused(STORE_OUT_OF_REACH, { cause: error, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) });
    }
    throw error;
  });
}
