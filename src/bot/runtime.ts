// The bot runtime: an inbound message in, its effects stored, the replies out through the same channel.
// Who is speaking decides the path: a customer's message goes to their conversation (the flow, the queue, or
// the agent holding it); an agent's message goes to the handover desk.
import { randomUUID } from 'node:crypto';
import { DeliveryRefused, type Channel, type DeliveryStatus, type InboundMessage } from '../types.ts';
import type { Contact, Conversation, ConversationSource, Fields, Message, Store, Tx } from '../store/types.ts';
import { resumeFlow, startFlow, type AssignRequest, type Classification, type FlowInput, type FlowLibrary, type FlowRun } from '../flows/index.ts';
import type { AssignStep } from '../flows/index.ts';
import { Desk, type DeskEffects } from '../handover/desk.ts';
import type { TeamDirectory } from '../handover/team-file.ts';
import type { Agent } from '../handover/team.ts';
import type { Logger } from '../shared/log.ts';
import type { DomainEvent, EventBus } from './events.ts';
import type { Outbox } from './outbox.ts';

/** How long after closing a question asked by a `conversation.closed` flow still takes the customer's answer. */
const POST_CLOSE_ANSWER_WINDOW_MS = 60 * 60 * 1000;
/** Attempts at opening a team desk's thread for one conversation, one per check, before giving up on it. */
const DESK_THREAD_ATTEMPTS = 5;

export interface RuntimeOptions {
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  bus: EventBus;
  outbox: Outbox;
  log: Logger;
  /** Inactivity after which a conversation an agent holds is closed (ms, counted from the last agent message). */
  autoCloseAfterMs?: number;
  /** How often timeouts (auto-close, assign `timeout`) are checked; 0 turns the timer off (tests call `sweep`). */
  sweepEveryMs?: number;
  /** The channels, for team desk threads (Telegram forum topics) opened and closed after a commit. */
  channels?: ReadonlyMap<string, Channel>;
  /** The NLP model's prediction for a text, for `classify` steps; undefined while none is ready. */
  classify?: (text: string) => Classification | undefined;
  /** The clock; tests pass a controllable one. */
  now?: () => Date;
}

/** What one attempt of a transaction produced; sent and announced only once it is durably stored. */
class Effects implements DeskEffects {
  readonly events: DomainEvent[] = [];
  outbound = 0;
  readonly closedConversations: Conversation[] = [];
  readonly threadsToOpen: { conversation: Conversation; group: string; title: string }[] = [];
  readonly threadsToClose: string[] = [];

  constructor(private readonly tx: Tx) {}

  openThread(conversation: Conversation, group: string, title: string): void {
    this.threadsToOpen.push({ conversation, group, title });
  }

  closeThread(thread: string): void {
    this.threadsToClose.push(thread);
  }

  send(message: Omit<Message, 'id'>): void {
    this.tx.addMessage(message);
    this.outbound++;
  }

  emit(event: DomainEvent): void {
    this.events.push(event);
  }

  closed(conversation: Conversation): void {
    this.closedConversations.push(conversation);
  }
}

/** A flow's turn, plus what it asked of the runtime (closing, handing over) to do once the flow has run. */
interface Turn extends FlowRun {
  closeRequest?: { note?: string };
  assignRequest?: AssignRequest;
  /** The last prediction the flow asked for, announced if it set the conversation's intent. */
  prediction?: Classification;
  /** The conversation's intent when the turn began (or was last announced). */
  intentBefore?: string;
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
  readonly #now: () => Date;
  readonly #desk: Desk;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Who holds the sweeper's lease when this process does: one sweeper at a time across processes. */
  readonly #owner = randomUUID();
  /** Desk threads being opened, and failed attempts per conversation (retried at each check, bounded). */
  readonly #threadsOpening = new Set<number>();
  readonly #threadAttempts = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #offDirectory: (() => void) | undefined;
  #stopping = false;

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#desk = new Desk({ directory: options.directory, now: this.#now, log: options.log });
  }

  /** Takes an inbound message; resolves when it is durably stored with its effects. */
  deliver = (message: InboundMessage): Promise<void> => {
    if (this.#stopping) return Promise.reject(new DeliveryRefused('the bot is shutting down; try again shortly'));
    return this.#track(this.#transact(`${message.channel}:${message.from.id}`, (tx, fx) => this.#decide(tx, message, fx)));
  };

  /** Takes what a channel reports about a message it sent; resolves once it is recorded. */
  report = (status: DeliveryStatus): Promise<void> => this.#track(this.#report(status));

  /**
   * A message the outbox could not send (refused by its channel, or out of attempts): an agent's message to a
   * customer is told to that agent, in their app.
   */
  sendFailed = (message: Message, reason: string): void => {
    void this.#track(this.#tellAuthor(message, reason));
  };

  async #report(status: DeliveryStatus): Promise<void> {
    const { store, bus, log } = this.#options;
    const message = await store.messageByChannelId(status.channel, status.messageId);
    if (message?.direction !== 'out') {
      log.debug({ channel: status.channel, messageId: status.messageId, status: status.status }, 'a status for a message not sent from here; ignored');
      return;
    }
    if (status.status === 'failed') {
      if (message.status === 'failed') return;
      const reason = status.reason ?? 'the channel reported that it could not be delivered';
      await store.markDelivery(message.id, { error: reason });
      await this.#tellAuthor(message, reason);
    } else if (status.status === 'delivered' || status.status === 'read') {
      // Statuses may arrive out of order: read is never taken back to delivered.
      if (message.delivery === 'read' || message.delivery === status.status) return;
      await store.recordDelivery(message.id, status.status);
    }
    bus.emit({ type: 'message.status', payload: { message, status: status.status, ...(status.reason ? { reason: status.reason } : {}) } });
  }

  async #tellAuthor(message: Message, reason: string): Promise<void> {
    if (message.from !== 'agent' || !message.agentId || message.conversationId === undefined) return;
    const conversation = await this.#options.store.conversation(message.conversationId);
    if (!conversation) return;
    const agentId = message.agentId;
    const excerpt = message.text.length > 60 ? `${message.text.slice(0, 57)}…` : message.text;
    await this.#onCustomerKey(conversation, async (tx, fx) => {
      const name = (await tx.contact(conversation.contactId))?.name ?? 'the customer';
      await this.#desk.tell(tx, agentId, `#${conversation.id}: your message to ${name} was not delivered ("${excerpt}"): ${reason}`, fx, conversation.id);
    });
  }

  /**
   * Sends again what a stopped process was sending (the send may or may not have happened: each channel's
   * guarantee says what a customer may see), sends what was stored but not sent, hands back conversations of
   * agents removed from team.yaml while the server was down, and starts the timeout checks.
   */
  async start(): Promise<void> {
    const { store, outbox, directory, log } = this.#options;
    const inDoubt = await store.outboundInDoubt();
    if (inDoubt.length > 0) {
      const byChannel: Record<string, number> = {};
      for (const message of inDoubt) byChannel[message.channel] = (byChannel[message.channel] ?? 0) + 1;
      log.warn({ inDoubt: byChannel }, 'replies were being sent when the process stopped; sending them again (a channel without idempotent sends may show them twice)');
      await store.retryOutbound(inDoubt.map((message) => message.id));
    }
    outbox.kick();
    await this.#requeueOrphans();
    this.#offDirectory = directory.onChange(() => void this.#track(this.#requeueOrphans()));
    const every = this.#options.sweepEveryMs ?? 30_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#track(this.sweep()), every);
      this.#timer.unref();
    }
  }

  /** Refuses new messages and waits for those under way, then for their replies to leave. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#offDirectory?.();
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#options.outbox.stop();
  }

  /**
   * The periodic check, run by one process at a time (a lease in the store): closes conversations idle past
   * `autoCloseAfterMs`, moves queued conversations whose assign `timeout` passed on to their `on_timeout`, hands
   * back conversations of agents no longer in team.yaml, and opens desk threads whose opening failed. Each action
   * re-reads its conversation in its own transaction, so running one twice changes nothing. Tests call it with a
   * controllable clock.
   */
  async sweep(): Promise<void> {
    if (!(await this.#takeLease('sweeper', Math.max(60_000, 2 * (this.#options.sweepEveryMs ?? 30_000))))) return;
    const { store, flows } = this.#options;
    const now = this.#now().getTime();
    const autoCloseAfter = this.#options.autoCloseAfterMs ?? 24 * 3_600_000;
    await this.#requeueOrphans();
    await this.#retryDeskThreads();
    // Only conversations with an agent or in a queue have timeouts; copying the rest would be wasted work.
    const timed = [...(await store.openConversations({ stage: 'assigned' })), ...(await store.openConversations({ stage: 'queued' }))];
    for (const conversation of timed) {
      if (conversation.stage === 'assigned') {
        const since = Date.parse(conversation.lastAgentMessageAt ?? conversation.assignedAt ?? conversation.openedAt);
        if (now - since < autoCloseAfter) continue;
        await this.#onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversation.id);
          if (fresh?.status !== 'open' || fresh.stage !== 'assigned') return;
          if (now - Date.parse(fresh.lastAgentMessageAt ?? fresh.assignedAt ?? fresh.openedAt) < autoCloseAfter) return;
          await this.#desk.autoClose(tx, fresh, describeDuration(autoCloseAfter), fx);
          await this.#closedFlows(tx, fx);
        });
      } else if (conversation.stage === 'queued' && conversation.flow && !conversation.flow.done) {
        const step = (await flows.version(conversation.flow.flow, conversation.flow.version))?.steps[conversation.flow.step];
        const timeoutMs = step?.kind === 'assign' ? (step.spec as AssignStep).timeoutMs : undefined;
        if (timeoutMs === undefined || now - Date.parse(conversation.queuedAt ?? conversation.openedAt) < timeoutMs) continue;
        await this.#onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversation.id);
          if (fresh?.status !== 'open' || fresh.stage !== 'queued') return;
          const contact = await tx.contact(fresh.contactId);
          if (!contact) return;
          fresh.stage = 'bot';
          delete fresh.agentId;
          tx.putConversation(fresh);
          const turn = this.#turn(contact, fresh, fx);
          await this.#resume(turn, { timedOut: true });
          await this.#settle(tx, turn, fx);
          tx.putContact(contact);
        });
      }
    }
  }

  /** Takes or renews the lease `name` for this process; false while another live process holds it. */
  async #takeLease(name: string, ttlMs: number): Promise<boolean> {
    const now = this.#now().getTime();
    return this.#options.store.transaction(`lease:${name}`, async (tx) => {
      const lease = await tx.doc<{ owner: string; until: string }>('leases', name);
      if (lease && lease.owner !== this.#owner && Date.parse(lease.until) > now) return false;
      tx.putDoc('leases', name, { owner: this.#owner, until: new Date(now + ttlMs).toISOString() });
      return true;
    });
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work)).catch(() => {});
    return work;
  }

  /**
   * Runs `decide` in a transaction on `key` (the store decides it again, in the key's place, when another
   * transaction changed what it read); then announces and sends what the committed attempt produced.
   */
  async #transact(key: string, decide: (tx: Tx, fx: Effects) => Promise<unknown>): Promise<void> {
    const effects = await this.#options.store.transaction(key, async (tx) => {
      const fx = new Effects(tx);
      return (await decide(tx, fx)) === false ? undefined : fx;
    });
    if (!effects) return;
    for (const event of effects.events) this.#options.bus.emit(event);
    if (effects.outbound > 0) this.#options.outbox.kick();
    for (const request of effects.threadsToOpen) void this.#track(this.#openThread(request.conversation.id, request.group, request.title));
    for (const thread of effects.threadsToClose) {
      void this.#options.channels?.get('telegram')?.closeThread?.(thread).catch((error: unknown) => {
        this.#options.log.warn({ thread, err: String(error) }, 'could not close the desk thread');
      });
    }
  }

  /**
   * Opens a team desk's thread for a conversation (a network call, so outside any transaction), then posts its
   * card there. A failure is tried again at the next checks, `DESK_THREAD_ATTEMPTS` times in all.
   */
  async #openThread(conversationId: number, group: string, title: string): Promise<void> {
    const { log } = this.#options;
    const channel = this.#options.channels?.get('telegram');
    if (!channel?.openThread) {
      log.warn({ conversation: conversationId, group }, 'the team has a telegram_desk but the Telegram channel is not running');
      return;
    }
    if (this.#threadsOpening.has(conversationId)) return;
    this.#threadsOpening.add(conversationId);
    try {
      let thread: string;
      try {
        thread = await channel.openThread(group, title);
      } catch (error) {
        const attempts = (this.#threadAttempts.get(conversationId) ?? 0) + 1;
        this.#threadAttempts.set(conversationId, attempts);
        const last = attempts >= DESK_THREAD_ATTEMPTS;
        log.error(
          { conversation: conversationId, group, attempt: attempts, err: String(error) },
          last ? 'could not open the desk thread; giving up (the conversation stays in its queue, /claim takes it)' : 'could not open the desk thread; it is tried again at the next check',
        );
        return;
      }
      this.#threadAttempts.delete(conversationId);
      let used = false;
      const conversation = await this.#options.store.conversation(conversationId);
      if (conversation) {
        await this.#onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversationId);
          used = fresh?.status === 'open' && !fresh.deskThread;
          if (!fresh || !used) return;
          fresh.deskThread = thread;
          tx.putConversation(fresh);
          await this.#desk.postCard(tx, fresh, fx);
        });
      }
      // Another process (or a closing) got there first: the thread is not needed.
      if (!used) await channel.closeThread?.(thread).catch(() => {});
    } finally {
      this.#threadsOpening.delete(conversationId);
    }
  }

  /** Opens the desk threads whose opening failed (in this process or one that stopped), while attempts are left. */
  async #retryDeskThreads(): Promise<void> {
    const { store } = this.#options;
    for (const team of this.#options.directory.teams()) {
      if (!team.telegramDesk) continue;
      const waiting = [...(await store.openConversations({ stage: 'queued', team: team.name })), ...(await store.openConversations({ stage: 'assigned', team: team.name }))];
      for (const conversation of waiting) {
        if (conversation.deskThread || (this.#threadAttempts.get(conversation.id) ?? 0) >= DESK_THREAD_ATTEMPTS) continue;
        const name = (await this.#options.store.contact(conversation.contactId))?.name ?? 'customer';
        await this.#openThread(conversation.id, team.telegramDesk, `#${conversation.id} ${name} · ${team.name}`);
      }
    }
  }

  /**
   * A transaction on the key of the customer of `conversation`, so it is ordered with their messages. A failure
   * is logged; the check that called it finds the conversation again next time.
   */
  async #onCustomerKey(conversation: Conversation, decide: (tx: Tx, fx: Effects) => Promise<void>): Promise<void> {
    const contact = await this.#options.store.contact(conversation.contactId);
    const identity = contact?.identities.find((i) => i.channel === conversation.channel) ?? contact?.identities[0];
    const key = identity ? `${identity.channel}:${identity.id}` : `conversation:${conversation.id}`;
    await this.#transact(key, decide).catch((error: unknown) => {
      this.#options.log.error({ err: error, conversation: conversation.id }, 'a timed action failed; it is retried at the next check');
    });
  }

  /**
   * Conversations held by agents no longer in team.yaml go back to their team's queue. Runs at start (an agent
   * removed while the server was down), on every change of team.yaml, and at every check (a failed one retries).
   */
  async #requeueOrphans(): Promise<void> {
    const { store, directory, log } = this.#options;
    // While team.yaml is refused, the agents in service may not be the ones on file: better to wait for a good file.
    if (directory.errors().length > 0) return;
    const orphans = (await store.openConversations({ stage: 'assigned' })).filter((c) => !directory.agent(c.agentId ?? ''));
    for (const conversation of orphans) {
      await this.#onCustomerKey(conversation, async (tx, fx) => {
        const fresh = await tx.conversation(conversation.id);
        if (fresh?.status !== 'open' || fresh.stage !== 'assigned' || directory.agent(fresh.agentId ?? '')) return;
        log.warn({ conversation: fresh.id, agent: fresh.agentId }, 'agent removed from team.yaml; conversation back in its queue');
        await this.#desk.requeue(tx, fresh, fx);
      });
    }
  }

  /** Everything one message changes, inside one transaction. Returns false for a repeated delivery. */
  async #decide(tx: Tx, inbound: InboundMessage, fx: Effects): Promise<boolean> {
    if (await tx.hasInbound(inbound.channel, inbound.id)) return false;
    const agent = this.#desk.agentOf(inbound.channel, inbound.from.id);
    // In a desk's group only agents are heard; anyone else's message there is not a customer's.
    if (!agent && inbound.place !== undefined) return false;
    if (agent) {
      await this.#desk.handleAgentMessage(tx, agent, inbound, fx);
      await this.#closedFlows(tx, fx);
      return true;
    }

    const now = this.#now().toISOString();
    const contact = await this.#contactOf(tx, inbound, now, fx);
    let conversation = await tx.openConversationOf(contact.id);
    let opened = false;
    if (!conversation) {
      const latest = await tx.latestConversationOf(contact.id);
      // A flow started by `conversation.closed` (a satisfaction question, say) takes the answer, for a while.
      const recentlyClosed = latest?.closedAt !== undefined && Date.parse(now) - Date.parse(latest.closedAt) < POST_CLOSE_ANSWER_WINDOW_MS;
      if (latest?.flow?.waiting && !latest.flow.done && recentlyClosed) conversation = latest;
      else {
        conversation = await this.#open(tx, contact, inbound.channel, 'contact', now);
        opened = true;
      }
    }

    const text = inbound.text ?? (inbound.choice ? await this.#choiceTitle(tx, conversation.id, inbound.choice) : '');
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id,
      conversationId: conversation.id,
      channel: inbound.channel,
      address: inbound.from.id,
      direction: 'in',
      from: 'contact',
      text,
      ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
      channelMessageId: inbound.id,
      ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}),
      at: now,
    };
    tx.addMessage(stored);
    fx.emit({ type: 'message.received', payload: { message: stored, conversation } });

    const turn = this.#turn(contact, conversation, fx);
    if (opened) {
      fx.emit({ type: 'conversation.opened', payload: { conversation, source: 'contact' } });
      this.#startTriggered(turn, 'conversation.opened', 'contact');
    } else if (conversation.status === 'open' && (conversation.stage === 'assigned' || conversation.deskThread)) {
      await this.#desk.relay(tx, conversation, contact, text, fx);
    } else if (conversation.stage === 'bot' || conversation.status === 'closed') {
      // The flow's question, or the one a `conversation.closed` flow asked after an agent closed it.
      await this.#resume(turn, { ...(inbound.text !== undefined ? { text: inbound.text } : {}), ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}) });
    }
    // A queued customer's messages wait in the conversation: the agent who takes it sees them on the card.
    await this.#settle(tx, turn, fx);
    tx.putContact(contact);
    tx.putConversation(conversation);
    await this.#closedFlows(tx, fx, turn);
    return true;
  }

  /** Feeds `input` to the step the conversation's flow waits on, if it waits. */
  async #resume(turn: Turn, input: FlowInput): Promise<void> {
    const position = turn.conversation.flow;
    if (!position?.waiting || position.done) return;
    const flow = await this.#options.flows.version(position.flow, position.version);
    if (flow) resumeFlow(flow, turn, input);
    else {
      this.#options.log.error({ conversation: turn.conversation.id, flow: position }, 'flow version not found; flow stopped');
      turn.conversation.flow = { ...position, done: true, error: 'flow version not found' };
    }
  }

  /** Carries out what the flow asked for during its turn: a hand-over to a team, or closing. */
  async #settle(tx: Tx, turn: Turn, fx: Effects): Promise<void> {
    const { conversation } = turn;
    if (conversation.intent !== undefined && conversation.intent !== turn.intentBefore) {
      // A pressed clarify button is the customer's own word: full confidence.
      const confidence = turn.prediction?.intent === conversation.intent ? turn.prediction.confidence : 1;
      fx.emit({ type: 'intent.classified', payload: { conversation, intent: conversation.intent, confidence } });
      turn.intentBefore = conversation.intent;
    }
    const assign = turn.assignRequest;
    delete turn.assignRequest;
    if (assign && conversation.status === 'open') await this.#desk.assign(tx, conversation, assign, fx);
    const close = turn.closeRequest;
    delete turn.closeRequest;
    if (close && conversation.status === 'open') this.#desk.close(tx, conversation, 'bot', close.note, fx);
  }

  /** Starts the `conversation.closed` flows of every conversation closed in this transaction. */
  async #closedFlows(tx: Tx, fx: Effects, current?: Turn): Promise<void> {
    while (fx.closedConversations.length > 0) {
      const conversation = fx.closedConversations.shift() as Conversation;
      if (current && current.conversation.id === conversation.id) {
        this.#startTriggered(current, 'conversation.closed');
        await this.#settle(tx, current, fx);
        tx.putContact(current.contact);
        tx.putConversation(current.conversation);
        continue;
      }
      const contact = await tx.contact(conversation.contactId);
      if (!contact) continue;
      const turn = this.#turn(contact, conversation, fx);
      this.#startTriggered(turn, 'conversation.closed');
      await this.#settle(tx, turn, fx);
      tx.putContact(contact);
      tx.putConversation(conversation);
    }
  }

  async #contactOf(tx: Tx, inbound: InboundMessage, now: string, fx: Effects): Promise<Contact> {
    const known = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    const referral: Fields = inbound.referral ? { referral: inbound.referral } : {};
    if (known) {
      // The name a customer gave us is kept; a channel's profile name only fills a gap.
      const name = known.name ?? inbound.from.name;
      const language = known.language ?? inbound.from.language;
      if (name !== known.name || language !== known.language || (inbound.referral && inbound.referral !== known.fields.referral)) {
        Object.assign(known, { updatedAt: now, fields: { ...known.fields, ...referral }, ...(name ? { name } : {}), ...(language ? { language } : {}) });
        tx.putContact(known);
        fx.emit({ type: 'contact.updated', payload: { contact: known } });
      }
      return known;
    }
    const contact: Contact = {
      id: await tx.newContactId(),
      identities: [{ channel: inbound.channel, id: inbound.from.id }],
      ...(inbound.from.name ? { name: inbound.from.name } : {}),
      ...(inbound.from.language ? { language: inbound.from.language } : {}),
      fields: { ...referral },
      tags: [],
      createdAt: now,
      updatedAt: now,
    };
    // Put at once: from now on every read of it in this transaction (the agent's card, say) sees this object.
    tx.putContact(contact);
    fx.emit({ type: 'contact.updated', payload: { contact } });
    return contact;
  }

  async #open(tx: Tx, contact: Contact, channel: string, source: ConversationSource, now: string): Promise<Conversation> {
    const conversation: Conversation = {
      id: await tx.newConversationId(),
      contactId: contact.id,
      channel,
      status: 'open',
      stage: 'bot',
      fields: {},
      source,
      openedAt: now,
    };
    tx.putConversation(conversation);
    return conversation;
  }

  async #choiceTitle(tx: Tx, conversationId: number, choice: string): Promise<string> {
    const recent = await tx.recentMessages(conversationId, 10);
    for (const message of recent.reverse()) {
      const title = message.choices?.find((option) => option.id === choice)?.title;
      if (title) return title;
    }
    return choice;
  }

  #startTriggered(turn: Turn, on: 'conversation.opened' | 'conversation.closed', source?: ConversationSource): void {
    const [flow, ...others] = this.#options.flows.forTrigger(on, source);
    if (!flow) return;
    if (others.length > 0) {
      this.#options.log.warn({ on, source, used: flow.name, ignored: others.map((other) => other.name) }, 'several flows share a trigger; the first one runs');
    }
    startFlow(flow, turn);
  }

  /** The flow's view of this transaction: what it says is stored as pending outbound messages. */
  #turn(contact: Contact, conversation: Conversation, fx: Effects): Turn {
    const log = this.#options.log;
    const now = this.#now();
    const to = contact.identities.find((identity) => identity.channel === conversation.channel)?.id ?? contact.identities[0]?.id ?? '';
    const turn: Turn = {
      contact,
      conversation,
      now,
      ...(conversation.intent !== undefined ? { intentBefore: conversation.intent } : {}),
      log: {
        info: (o, msg) => log.info({ conversation: conversation.id, ...o }, msg),
        warn: (o, msg) => log.warn({ conversation: conversation.id, ...o }, msg),
        error: (o, msg) => log.error({ conversation: conversation.id, ...o }, msg),
      },
      say: (out) => {
        fx.send({
          contactId: contact.id,
          conversationId: conversation.id,
          channel: conversation.channel,
          address: to,
          direction: 'out',
          from: 'bot',
          text: out.text,
          ...(out.choices && out.choices.length > 0 ? { choices: out.choices } : {}),
          at: now.toISOString(),
          status: 'pending',
        });
      },
      close: (note) => {
        turn.closeRequest = note === undefined ? {} : { note };
      },
      assign: (request) => {
        turn.assignRequest = request;
      },
      classify: (text) => {
        const prediction = this.#options.classify?.(text);
        if (prediction) turn.prediction = prediction;
        return prediction;
      },
    };
    return turn;
  }
}

/** `86400000` → `24 h`, `604800000` → `7 d`, for messages people read. */
function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms <= 72 * 3_600_000) return `${ms / 3_600_000} h`;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
