// The periodic check and the timeouts, run by one process at a time (a lease in the store): sends again the replies a stopped process
// was sending (several processes on one store: one may die while the others run on), closes conversations idle past the
// auto-close time and those whose customer left the bot waiting past the bot's idle-close time, places queued
// conversations never placed, moves queued conversations whose assign `timeout` passed on to their `on_timeout`, hands
// back conversations of agents no longer in team.yaml or whose customer waited too long for them while they were away, opens desk threads whose opening failed,
// and removes the records of replies tried again that a stopped process left. Each action re-reads its conversation in its own transaction, so running one twice changes nothing.
// The check runs every 30 s, but a timeout does not wait for it: the holder of the lease wakes up when the next one
// falls due (planned at each check, and when a commit makes one due sooner: in another process, it tells the holder).
import { randomUUID } from 'node:crypto';
import { Failing } from '../shared/failing.ts';
import type { Conversation, Store, Tx } from '../store/types.ts';
import type { FlowLibrary } from '../flows/index.ts';
import type { AgentState } from '../handover/agent-state.ts';
import { agentOnFile, carryState, renamedTeams, renamedTo } from '../handover/agents-on-file.ts';
import { waitsSince } from '../handover/assignment/assign.ts';
import { awayDueAt, remindDueAt, waitingSince } from '../handover/away.ts';
import { byWait, queueOf } from '../handover/assignment/queue.ts';
import type { Desk } from '../handover/desk.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import type { Agent, Team } from '../handover/team.ts';
import type { Logger } from '../shared/log.ts';
import type { DeskThreads } from './desk-threads.ts';
import { placeHeldBack, type Notices } from './notices.ts';
import { forgetStaleWaiting } from './waiting-replies.ts';
import type { Transactions } from './transactions.ts';
import type { Turns } from './turns.ts';

export interface TimersOptions {
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  log: Logger;
  now: () => Date;
  desk: Desk;
  turns: Turns;
  /** Tells queued customers the better place a minute's limit held back (`Notices.heldBackPlace`). */
  notices: Pick<Notices, 'heldBackPlace'>;
  threads: DeskThreads;
  transactions: Transactions;
  /** Places a team's queue (`Placings.place`): for conversations whose placing did not run after their commit. */
  place: (team: string) => Promise<void>;
  /** Claims and sends what is pending: called after replies in doubt were put back. */
  kickOutbox: () => void;
  /** Inactivity after which a conversation an agent holds is closed (ms, counted from the last agent message). */
  autoCloseAfterMs: number;
  /**
   * How long a customer waits for an answer from an agent who is away before their conversation goes back to its
   * team's queue (ms, see `awayDueAt`); 0: never.
   */
  awayRequeueAfterMs: number;
  /** How long a customer waits for their agent's answer before the agent is reminded, and again (ms, see `remindDueAt`); 0: never. */
  unansweredRemindAfterMs: number;
  /** How long a customer waits for their online agent's answer before a free colleague takes them (ms); 0: never. */
  unansweredPassOnAfterMs: number;
  /**
   * How long a conversation with the bot waits for its customer before it closes (ms, counted from their last message
   * or its coming back to the bot); 0: never.
   */
  botIdleCloseAfterMs: number;
  /**
   * How often the check runs (`SWEEP_EVERY`, 30 s by default); the lease lasts twice that. Timeouts fall due between
   * checks: the process holding the lease wakes up for each. 0: no check, no wake-up (tests call `sweep`).
   */
  everyMs: number;
  /**
   * Tells the other processes of a timeout due at `at` (ms) that this one, not holding the lease, learned of (a
   * commit here queued a conversation with a short assign `timeout`): the holder's `heard` plans it.
   */
  announce?: (at: number) => void;
  /** Tells the other processes this one gave up the lease (it is stopping): one of them takes the timers over now. */
  released?: () => void;
  /** Keeps a wake-up's work among what a stop waits for (`Runtime.#track`). */
  track: <T>(work: Promise<T>) => Promise<T>;
}

/**
 * Who may run the timers until when; `opening`: the store's opening it was taken in (`Store.soleOpening`);
 * `instance`: the holder's store (`Store.liveInstance`), whose end ends the lease.
 */
interface Lease {
  owner: string;
  until: string;
  opening?: string;
  instance?: number;
}

/** The shortest time between two wake-ups: timeouts falling due close together are done by one. */
const MIN_GAP_MS = 250;

/** How long a stop waits to give up the sweeper's lease. */
const RELEASE_WAIT_MS = 1_000;
/** The lease of checks run only when called (tests' `sweep()`): the default interval's. */
const CALLED_LEASE_MS = 60_000;

/**
 * The timed work of the runtime.
 *
 *     await timers.sweep(); // tests call it with a controllable clock
 */
export class Timers {
  /** The key of the last record of replies tried again looked into (`forgetStaleWaiting`): the next check goes on after it. */
  #waitingAfter = 0;
  /** Who holds the sweeper's lease when this process does. */
  readonly #owner = randomUUID();
  /** Whether this process held the lease at its last check: only the holder plans wake-ups. */
  #holding = false;
  #stopped = false;
  /** The next wake-up, and the time (the runtime's clock, ms) it is for. */
  #wake: NodeJS.Timeout | undefined;
  #wakeAt: number | undefined;
  /** When timeouts were last acted on (wall clock, ms). */
  #firedAt = 0;
  /** The store instance this process took the lease under (`Store.liveInstance`): lost with it. */
  #leaseInstance: number | undefined;
  /** The other process's store instance holding the lease, when this one last found it held. */
  #holder: number | undefined;
  /** The wait for the lease holder's store to go (`Store.whenInstanceGone`), while another process holds it. */
  #watching: { instance: number; stop: AbortController } | undefined;

  /** `retryOrphaned` runs at every check, in every process: its failures are logged when they start and end. */
  readonly #lookingForOrphans: Failing;
  /**
   * The wake-ups (a timeout planned, the link to the other processes back, another's lease given up): while the store
   * is away, each fails the same way; logged when they start failing, and when a wake-up or a check acts again.
   */
  readonly #wakingUp: Failing;

  constructor(private readonly options: TimersOptions) {
    this.#lookingForOrphans = new Failing(options.log, {
      failing: 'could not look for claimed replies whose claim was never answered; each check looks again (logged again once it works)',
      recovered: 'looking for claimed replies whose claim was never answered works again',
    });
    this.#wakingUp = new Failing(options.log, {
      failing: 'could not act on the timeouts due; the next check tries again (logged again once it works)',
      recovered: 'the timeouts due are acted on again',
    });
  }

  async sweep(): Promise<void> {
    // In every process: only this one knows which of its claims it never handed out.
    await this.retryOrphaned();
    // And the replies stored meanwhile that nothing sent: a claim that failed (the store away at that moment) is
    // otherwise tried again only at the next commit that stores a reply, which a quiet chat may never make.
    this.options.kickOutbox();
    if (!(await this.#holdLease())) return;
    if ((await this.retryInDoubt()) > 0) this.options.kickOutbox();
    await this.requeueOrphans();
    await this.options.threads.retry();
    await this.#fireDue({ placeUnplaced: true });
    await this.#tellHeldBackPlaces();
    await this.#forgetStaleWaiting();
    this.#wakingUp.worked();
  }

  /**
   * The records of replies tried again that a process stopped short left behind (`forgetStaleWaiting`), removed a
   * bounded number at a time; a failure is logged and left to the next check, which keeps the rest of it going.
   */
  async #forgetStaleWaiting(): Promise<void> {
    try {
      this.#waitingAfter = await forgetStaleWaiting(this.options.store, this.#waitingAfter);
    } catch (error) {
      this.options.log.warn({ err: String(error) }, 'could not look for records of replies tried again that a stopped process left; the next check tries again');
    }
  }

  /**
   * Queued customers whose place improved while the minute's limit between two notices held it back, and whose line
   * has not moved since: told now, each in their own transaction, within a check of the minute's end.
   */
  async #tellHeldBackPlaces(): Promise<void> {
    const { store, transactions, notices, now: clock } = this.options;
    const now = clock().getTime();
    const queued = await store.openConversations({ stage: 'queued' });
    for (const team of new Set(queued.flatMap((conversation) => conversation.team ?? []))) {
      for (const [index, waiting] of queueOf(team, queued).entries()) {
        if (!this.#stillHolding()) return;
        if (!placeHeldBack(waiting, index + 1, now)) continue;
        await transactions.onCustomerKey(waiting, (tx, fx) => notices.heldBackPlace(tx, fx, waiting.id));
      }
    }
  }

  /**
   * Conversations whose timeout falls due at a time the check had not planned (a commit queued one with a short
   * assign `timeout`, say): the lease holder wakes up for the earliest, another process tells it (`announce`).
   * Only those due before the next periodic check count: that check plans the others.
   *
   *     await timers.noticed([conversation]); // after the commit that queued it
   */
  async noticed(conversations: readonly Conversation[]): Promise<void> {
    if (this.options.everyMs <= 0 || this.#stopped) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const conversation of conversations) earliest = Math.min(earliest, (await this.#dueAt(conversation)) ?? earliest);
    if (earliest - this.options.now().getTime() > this.options.everyMs) return;
    if (this.#holding) this.#plan(earliest);
    else this.options.announce?.(earliest);
  }

  /** Another process announced a timeout due at `at` (ms): planned here if this process runs the timers. */
  heard(at: number): void {
    if (this.#holding && !this.#stopped && this.options.everyMs > 0 && at - this.options.now().getTime() <= this.options.everyMs) this.#plan(at);
  }

  /**
   * Runs what is due now, if this process holds the lease (or takes it), and plans the next wake-up: at start, and
   * when announcements may have been missed (the link between processes was lost). `at`: the time it was planned for;
   * if another process took the lease meanwhile, it is told. Never rejects: a failure (the store away) is logged when
   * the wake-ups start failing, and the next check tries again.
   *
   *     await timers.wakeUp();
   */
  async wakeUp(at?: number): Promise<void> {
    if (this.#stopped) return;
    await this.#wakeUp(at).then(() => this.#wakingUp.worked(), (error: unknown) => this.#wakingUp.failed(error));
  }

  async #wakeUp(at: number | undefined): Promise<void> {
    if (!(await this.#holdLease())) {
      if (at !== undefined) this.options.announce?.(at);
      return;
    }
    await this.#fireDue();
  }

  /** No more wake-ups: the process is stopping. */
  stopWaking(): void {
    this.#stopped = true;
    clearTimeout(this.#wake);
    this.#wake = undefined;
    this.#unwatch();
  }

  /**
   * Waits for the store of the process holding the lease to go (killed, its connection lost), then runs the check at
   * once: the timeouts due, and the replies it was sending, do not wait for its lease to run out (up to a minute).
   * Where the store cannot tell (the embedded store: one process), the lease runs out.
   */
  #watch(instance: number): void {
    const { store, log } = this.options;
    if (!store.whenInstanceGone || this.#stopped || this.options.everyMs <= 0 || this.#watching?.instance === instance) return;
    this.#unwatch();
    const watching = { instance, stop: new AbortController() };
    this.#watching = watching;
    store.whenInstanceGone(instance, watching.stop.signal).then(() => {
      if (this.#watching !== watching) return;
      this.#watching = undefined;
      void this.options.track(this.sweep()).catch((error: unknown) => log.warn({ err: String(error) }, 'could not take over the timeouts of a process that is gone; the next check tries again'));
    }, () => {
      // The wait failed (the database away): the next check finds the holder again, and waits again.
      if (this.#watching === watching) this.#watching = undefined;
    });
  }

  #unwatch(): void {
    this.#watching?.stop.abort();
    this.#watching = undefined;
  }

  /**
   * Whether this process still runs the timers under the store instance it took the lease with: once it lost that
   * (its connection cut, the others may have found the lease's holder gone and taken it), what is left of a run stops.
   */
  #stillHolding(): boolean {
    return this.#leaseInstance === undefined || this.options.store.liveInstance === this.#leaseInstance;
  }

  /**
   * Acts on every timeout due (auto-close, assign `timeout`, the bot's idle close), then plans a wake-up for the
   * earliest one due before the next periodic check, so that it fires on time rather than at that check.
   * `placeUnplaced` (the periodic check): places the queues of conversations queued and never placed first.
   */
  async #fireDue(options: { placeUnplaced?: boolean } = {}): Promise<void> {
    const { store, desk, turns, transactions, now: clock, autoCloseAfterMs, awayRequeueAfterMs, unansweredRemindAfterMs, unansweredPassOnAfterMs } = this.options;
    const now = clock().getTime();
    this.#firedAt = Date.now();
    let next = Number.POSITIVE_INFINITY;
    // Only conversations with an agent or in a queue have these timeouts; copying the rest would be wasted work.
    const timed = [...(await store.openConversations({ stage: 'assigned' })), ...(await store.openConversations({ stage: 'queued' }))];
    // Whose agents are away: their customers waiting for an answer are passed on once they waited too long.
    const agents = awayRequeueAfterMs > 0 && timed.some((conversation) => conversation.stage === 'assigned') ? await store.docs<AgentState>('agents') : undefined;
    if (options.placeUnplaced) {
      // Queued and never placed: the process stopped between the commit that queued them and its placing, say.
      const unplaced = timed.filter((conversation) => conversation.stage === 'queued' && conversation.awaitingPlace && conversation.team !== undefined);
      for (const team of new Set(unplaced.map((conversation) => conversation.team as string))) await this.options.place(team);
    }
    for (const conversation of timed) {
      if (!this.#stillHolding()) return;
      const due = await this.#dueAt(conversation, agents);
      if (due === undefined) continue;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (conversation.stage === 'assigned') {
        await transactions.onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversation.id);
          if (fresh?.status !== 'open' || fresh.stage !== 'assigned') return;
          if (await desk.passOnFromAway(tx, fresh, awayRequeueAfterMs, fx)) return;
          if (await desk.passOnUnanswered(tx, fresh, unansweredPassOnAfterMs, fx)) return;
          if (await desk.remindUnanswered(tx, fresh, unansweredRemindAfterMs, fx)) return;
          if (waitingSince(fresh) !== undefined || now - idleSince(fresh) < autoCloseAfterMs) return;
          await desk.autoClose(tx, fresh, autoCloseAfterMs, fx);
          await turns.closedFlows(tx, fx);
        });
      } else {
        await transactions.onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversation.id);
          if (fresh?.status !== 'open' || fresh.stage !== 'queued') return;
          // Due as read here: the check that ran first (another process's, before the lease passed) may have moved it
          // on already, to another assign step whose own timeout starts now.
          const freshDue = await this.#queueDueAt(fresh);
          if (freshDue === undefined || freshDue > now) return;
          const contact = await tx.contact(fresh.contactId);
          if (!contact) return;
          fresh.stage = 'bot';
          delete fresh.agentId;
          // Back with the bot, as after a hand back: whoever its flow gives it to next did not get it passed on.
          delete fresh.passedOn;
          const turn = turns.turn(contact, fresh, fx);
          await turns.resume(turn, { timedOut: true });
          await turns.settle(tx, turn, fx);
        });
      }
    }
    if (this.options.botIdleCloseAfterMs > 0) next = Math.min(next, await this.#closeLeftWithBot(now));
    if (next - now <= this.options.everyMs) this.#plan(next);
  }

  /**
   * Sets the wake-up for a timeout due at `at` (the runtime's clock, ms), unless one is set for earlier already.
   * Several due close together are done by one wake-up (`MIN_GAP_MS`).
   */
  #plan(at: number): void {
    if (this.#stopped || this.options.everyMs <= 0 || !Number.isFinite(at)) return;
    if (this.#wake !== undefined && this.#wakeAt !== undefined && this.#wakeAt <= at) return;
    clearTimeout(this.#wake);
    this.#wakeAt = at;
    const delay = Math.max(at - this.options.now().getTime(), this.#firedAt + MIN_GAP_MS - Date.now(), 0);
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#wakeAt = undefined;
      void this.options.track(this.wakeUp(at));
    }, delay);
    this.#wake.unref();
  }

  /**
   * When the conversation's timeout falls due (ms), if it has one: auto-close, passing on from an away agent (`agents`:
   * the agents' states, when read), assign `timeout`, or the bot's idle close.
   */
  async #dueAt(conversation: Conversation, agents?: ReadonlyMap<string, AgentState>): Promise<number | undefined> {
    if (conversation.status !== 'open') return undefined;
    if (conversation.stage === 'assigned') {
      // A customer whose question waits for the agent's answer did not go quiet: only the agent's silence after their
      // own last words closes it.
      const closes = waitingSince(conversation) === undefined ? idleSince(conversation) + this.options.autoCloseAfterMs : undefined;
      const away = agents && conversation.agentId !== undefined ? awayDueAt(conversation, agents.get(conversation.agentId), this.options.awayRequeueAfterMs) : undefined;
      const remind = remindDueAt(conversation, this.options.unansweredRemindAfterMs);
      // Tried at each check once due, as long as no colleague is free (it stays with its agent meanwhile).
      const since = waitingSince(conversation);
      const passOn = since !== undefined && this.options.unansweredPassOnAfterMs > 0 ? since + this.options.unansweredPassOnAfterMs : undefined;
      const due = [closes, away, remind, passOn].filter((at): at is number => at !== undefined);
      return due.length > 0 ? Math.min(...due) : undefined;
    }
    if (conversation.stage === 'queued') return this.#queueDueAt(conversation);
    const { botIdleCloseAfterMs } = this.options;
    // Without `awaitingCustomerSince` (stored before it was kept), the wait is read in the close's transaction.
    if (botIdleCloseAfterMs <= 0 || !aloneWithBot(conversation) || conversation.awaitingCustomerSince === undefined) return undefined;
    return Date.parse(conversation.awaitingCustomerSince) + botIdleCloseAfterMs;
  }

  /** When a queued conversation's assign `timeout` falls due (ms), if its step has one. */
  async #queueDueAt(conversation: Conversation): Promise<number | undefined> {
    if (!conversation.flow || conversation.flow.done) return undefined;
    const step = (await this.options.flows.version(conversation.flow.flow, conversation.flow.version))?.steps[conversation.flow.step];
    const timeoutMs = step?.kind === 'assign' ? step.spec.timeoutMs : undefined;
    return timeoutMs === undefined ? undefined : Date.parse(conversation.queuedAt ?? conversation.openedAt) + timeoutMs;
  }

  /** Takes or renews the sweeper's lease; remembers whether this process holds it (it then plans the wake-ups). */
  async #holdLease(): Promise<boolean> {
    this.#holding = await this.#takeLease('sweeper', this.options.everyMs > 0 ? 2 * this.options.everyMs : CALLED_LEASE_MS);
    if (this.#holding) this.#unwatch();
    else if (this.#holder !== undefined) this.#watch(this.#holder);
    return this.#holding;
  }

  /**
   * Closes the conversations whose customer left the bot waiting (a question unanswered) for the bot's idle-close
   * time: their next message opens a new conversation, which the flow greets, instead of answering a question asked
   * long ago. The store gives only those due, or due before the next check (the conversations with the bot can be
   * many). Each is looked at again in a transaction on its customer's key: a message of theirs that came first started
   * the wait again, and keeps it open. Returns when the next of them falls due (ms; infinite: none before the check).
   */
  async #closeLeftWithBot(now: number): Promise<number> {
    const { store, desk, transactions, botIdleCloseAfterMs, everyMs } = this.options;
    // Waiting since `now − botIdleCloseAfterMs` or earlier: due, as the check in the transaction counts; and those due
    // before the next check, for the wake-up.
    const before = new Date(now - botIdleCloseAfterMs + Math.max(everyMs, 0) + 1).toISOString();
    let next = Number.POSITIVE_INFINITY;
    for (const conversation of await store.openConversations({ stage: 'bot', awaitingCustomerBefore: before })) {
      if (!aloneWithBot(conversation)) continue;
      if (!this.#stillHolding()) break;
      const due = await this.#dueAt(conversation);
      if (due !== undefined && due > now) {
        next = Math.min(next, due);
        continue;
      }
      await transactions.onCustomerKey(conversation, async (tx, fx) => {
        const fresh = await tx.conversation(conversation.id);
        if (fresh?.status !== 'open' || !aloneWithBot(fresh)) return;
        if (now - (await awaitingCustomerSince(tx, fresh)) < botIdleCloseAfterMs) return;
        // No `conversation.closed` flow starts, and so no notice: a survey's question would take the customer's next
        // message, days later, as its answer (what this close is for is that it opens a new conversation).
        await desk.closeLeftWithBot(tx, fresh, botIdleCloseAfterMs, fx);
      });
    }
    return next;
  }

  /**
   * Replies this process's store claimed in a commit or a claim whose answer was lost (a network cut after the
   * COMMIT), unknown to it at two checks in a row: never sent, and no other process would send them while this one
   * lives. Put back to be claimed and sent. Returns how many.
   */
  async retryOrphaned(): Promise<number> {
    const { store, log } = this.options;
    const orphans = (await store.orphanedClaims?.().then((found) => {
      this.#lookingForOrphans.worked();
      return found;
    }, (error: unknown) => {
      this.#lookingForOrphans.failed(error);
      return [];
    })) ?? [];
    if (orphans.length === 0) return 0;
    log.warn({ replies: orphans.map((message) => message.id) }, 'replies claimed by a commit whose answer was lost were never sent; sending them now');
    await store.retryOutbound(orphans.map((message) => message.id));
    return orphans.length;
  }

  /**
   * Puts back to pending the replies a stopped process was sending (the store knows which: the embedded store those
   * found `sending` at open, PostgreSQL those claimed by a store whose instance lock is gone), so they are sent again.
   * The send may or may not have happened: each channel's guarantee says what a customer may see. Returns how many.
   */
  async retryInDoubt(): Promise<number> {
    const { store, log } = this.options;
    const inDoubt = await store.outboundInDoubt();
    if (inDoubt.length === 0) return 0;
    const byChannel: Record<string, number> = {};
    for (const message of inDoubt) byChannel[message.channel] = (byChannel[message.channel] ?? 0) + 1;
    log.warn({ inDoubt: byChannel }, 'replies were being sent by a process that stopped; sending them again (a channel without idempotent sends may show them twice)');
    await store.retryOutbound(inDoubt.map((message) => message.id));
    return inDoubt.length;
  }

  /**
   * Conversations held by agents no longer in team.yaml go back to their team's queue, and those queued where no agent
   * in team.yaml could take them go to a team whose agents can. Runs at start (an agent removed while the server was
   * down), on every change of team.yaml, and at every check (a failed one retries). `removed`: the agents the change
   * removed, as team.yaml had them: each is told, in their language, where their conversations went.
   */
  async requeueOrphans(removed: readonly Agent[] = []): Promise<void> {
    const { store, directory, log, desk, transactions } = this.options;
    // While team.yaml is refused, the agents in service may not be the ones on file: better to wait for a good file.
    if (directory.errors().length > 0) return;
    const now = this.options.now().toISOString();
    // Renamed, not removed (see `renamedTo`): by old id, the agent under their new name, who keeps their status once
    // their customers are theirs under it. Not before: online under the new id while holding none under it yet, an
    // assignment meanwhile would count them as free and give them more than max_open.
    const renames = new Map<string, Agent>();
    for (const was of removed) {
      const renamed = renamedTo(was, directory);
      if (renamed) renames.set(was.id, renamed);
    }
    // The customers who have waited longest for an answer go back first: each takes its place as it goes back.
    const orphans = (await store.openConversations({ stage: 'assigned' })).filter((c) => !c.takenOver && !directory.agent(c.agentId ?? ''))
      .sort((a, b) => Date.parse(waitsSince(a, now)) - Date.parse(waitsSince(b, now)) || a.id - b.id);
    // Its team renamed (see `renamedTeams`): as the store kept team.yaml before this change, so read before it is kept
    // anew, and only when a team is gone.
    const teamGone = (c: Conversation) => c.team !== undefined && !directory.team(c.team);
    let teamNow: ((team: string) => Team | undefined) | undefined;
    const readRenames = async (conversations: readonly Conversation[]) => {
      if (!teamNow && conversations.some(teamGone)) teamNow = await renamedTeams(store, directory);
    };
    await readRenames(orphans);
    for (const conversation of orphans) {
      await transactions.onCustomerKey(conversation, async (tx, fx) => {
        const fresh = await tx.conversation(conversation.id);
        if (fresh?.status !== 'open' || fresh.stage !== 'assigned' || fresh.takenOver || directory.agent(fresh.agentId ?? '')) return;
        // Removed while the server was down: as team.yaml last had them (the store kept it), so they are told too.
        const was = removed.find((agent) => agent.id === fresh.agentId) ?? await agentOnFile(tx, fresh.agentId ?? '', fresh.id);
        const renamed = was && renamedTo(was, directory);
        if (renamed) {
          // The same person under the name team.yaml gives them now: their customer stays with them, nobody is told.
          log.info({ conversation: fresh.id, agent: fresh.agentId, now: renamed.id }, 'agent renamed in team.yaml; the conversation stays with them');
          renames.set(fresh.agentId ?? '', renamed);
          if (fresh.handledBy === fresh.agentId) fresh.handledBy = renamed.id;
          fresh.agentId = renamed.id;
          tx.putConversation(fresh);
          return;
        }
        log.warn({ conversation: fresh.id, agent: fresh.agentId }, 'agent removed from team.yaml; conversation back in its queue');
        await desk.requeue(tx, fresh, fx, was);
        // Its team went with its agent: on to the team that takes it now, before its placing, so its customer reads
        // once where they are (that team and their place), not a place in a line nobody serves, then the move.
        const back = await tx.conversation(fresh.id);
        if (back?.stage === 'queued' && desk.stranded(back)) await desk.rehome(tx, back, fx, teamGone(back) ? teamNow?.(back.team ?? '')?.name : undefined);
      });
    }
    for (const [from, renamed] of renames) await store.transaction(`agents:${renamed.id}`, (tx) => carryState(tx, from, renamed));
    // Queued for an agent or a team nobody in team.yaml is any more: never taken where they are.
    const queued = await store.openConversations({ stage: 'queued' });
    const stranded = queued.filter((c) => desk.stranded(c)).sort((a, b) => byWait(a, b));
    // Held by an agent in service, or queued for one by name, in a team gone from team.yaml: see below.
    const astray = [...await store.openConversations({ stage: 'assigned' }), ...queued].filter((c) => teamGone(c) && !stranded.includes(c));
    await readRenames([...stranded, ...astray]);
    for (const conversation of stranded) {
      await transactions.onCustomerKey(conversation, async (tx, fx) => {
        const fresh = await tx.conversation(conversation.id);
        if (fresh?.status !== 'open' || fresh.stage !== 'queued' || !desk.stranded(fresh)) return;
        const renamed = fresh.team !== undefined && !directory.team(fresh.team) ? teamNow?.(fresh.team) : undefined;
        await desk.rehome(tx, fresh, fx, renamed?.name);
      });
    }
    // Its agent is in the team, newly named: so is the conversation, for transfers, the agent's /list, the dashboard
    // and the reports, and, queued for the agent by name, to be taken from the team's queue as they come online.
    for (const conversation of astray) {
      const renamed = teamNow?.(conversation.team ?? '');
      if (!renamed) continue;
      await transactions.onCustomerKey(conversation, async (tx, fx) => {
        const fresh = await tx.conversation(conversation.id);
        if (fresh?.status !== 'open' || !teamGone(fresh) || (fresh.stage !== 'assigned' && fresh.stage !== 'queued')) return;
        if (fresh.stage === 'queued') {
          if (!desk.stranded(fresh)) await desk.rehome(tx, fresh, fx, renamed.name);
          return;
        }
        log.warn({ conversation: fresh.id, team: fresh.team, now: renamed.name, agent: fresh.agentId }, `team ${fresh.team ?? ''} is not in team.yaml any more; its agents are in ${renamed.name} now, so the conversation is in it (a team renamed)`);
        fresh.team = renamed.name;
        tx.putConversation(fresh);
      });
    }
  }

  /**
   * Gives up the sweeper's lease if this process holds it (it is stopping): another process, told (`released`), takes
   * the check and the timeouts over at once, instead of waiting for the lease to run out (up to a minute, by default, without auto-closes, queue timeouts or
   * replies in doubt sent again, at each process of a rolling restart). A failure is logged; the lease then runs out.
   */
  async releaseLease(): Promise<void> {
    const released = this.options.store.transaction('lease:sweeper', async (tx) => {
      const lease = await tx.doc<Lease>('leases', 'sweeper');
      if (lease?.owner !== this.#owner) return false;
      tx.deleteDoc('leases', 'sweeper');
      return true;
    }).then(
      (gaveUp) => {
        this.#holding = false;
        // The timeouts due soon would otherwise wait for another process's next check.
        if (gaveUp) this.options.released?.();
        return true as const;
      },
      (error: unknown) => void this.options.log.warn({ err: String(error) }, 'could not give up the periodic check\'s lease; another process takes it once it runs out'),
    );
    // Not longer than this: a database out of reach would hold a stop for a connection's timeout (10 s).
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([released, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), RELEASE_WAIT_MS)))]);
    clearTimeout(timer);
    if (waited === false) this.options.log.warn({ waitedMs: RELEASE_WAIT_MS }, 'the store did not answer in time to give up the periodic check\'s lease; another process takes it once it runs out');
  }

  /**
   * Takes or renews the lease `name` for this process; false while another live process holds it. On a store one
   * process at a time opens (`Store.soleOpening`), a lease of an earlier opening is its dead holder's: taken at once,
   * so that a restart after a crash runs the timeouts due as it starts, not once that lease runs out (up to a minute).
   * On a store several processes share (PostgreSQL), a lease whose holder's store is gone (`Store.instanceHeld`:
   * its process killed, or its connection lost) is taken at once too; one whose holder lives is never taken early.
   */
  async #takeLease(name: string, ttlMs: number): Promise<boolean> {
    const now = this.options.now().getTime();
    const { store } = this.options;
    const { soleOpening, liveInstance } = store;
    let holder: number | undefined;
    const taken = await store.transaction(`lease:${name}`, async (tx) => {
      const lease = await tx.doc<Lease>('leases', name);
      holder = undefined;
      const live = lease !== undefined && Date.parse(lease.until) > now && (soleOpening === undefined || lease.opening === soleOpening);
      if (live && lease.owner !== this.#owner) {
        if (lease.instance === undefined || !store.instanceHeld || (await store.instanceHeld(lease.instance))) {
          holder = lease.instance;
          return false;
        }
        this.options.log.info({ lease: name, instance: lease.instance }, 'the process holding the timers\' lease is gone; this one takes them over now');
      }
      tx.putDoc('leases', name, {
        owner: this.#owner,
        until: new Date(now + ttlMs).toISOString(),
        ...(soleOpening === undefined ? {} : { opening: soleOpening }),
        ...(liveInstance === undefined ? {} : { instance: liveInstance }),
      });
      return true;
    });
    this.#holder = holder;
    this.#leaseInstance = taken ? liveInstance : undefined;
    return taken;
  }
}

/**
 * Since when the agent holding a conversation has let it sit: their last message, or when they were given it if that
 * is later (a transfer, a new assignment after a hand back: the last message may be a colleague's).
 */
function idleSince(conversation: Conversation): number {
  const lastMessage = Date.parse(conversation.lastAgentMessageAt ?? conversation.assignedAt ?? conversation.openedAt);
  return conversation.heldSince === undefined ? lastMessage : Math.max(lastMessage, Date.parse(conversation.heldSince));
}

/**
 * With the bot and nobody else: no person from the business answers from the business's own app, so nobody would
 * answer the customer but the bot. One handed back from a team desk's thread is too: the customer's words go to the
 * bot's flow, not to the thread, which closes with it.
 */
function aloneWithBot(conversation: Conversation): boolean {
  return conversation.stage === 'bot' && !conversation.takenOver;
}

/**
 * Since when a conversation with the bot has waited for its customer (ms): the end of the bot's last turn in it; for
 * one stored before that was kept, its newest message, else its opening.
 */
async function awaitingCustomerSince(tx: Tx, conversation: Conversation): Promise<number> {
  if (conversation.awaitingCustomerSince !== undefined) return Date.parse(conversation.awaitingCustomerSince);
  const [newest] = await tx.recentMessages(conversation.id, 1);
  return Math.max(Date.parse(conversation.openedAt), newest ? Date.parse(newest.at) : 0);
}
