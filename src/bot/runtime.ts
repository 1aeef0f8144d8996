// The bot runtime: an inbound message in, its effects stored, the replies out through the same channel.
import type { InboundMessage } from '../types.ts';
import type { Contact, Conversation, ConversationSource, Message, Store, Tx } from '../store/types.ts';
import { ConflictError } from '../store/errors.ts';
import { resumeFlow, startFlow, type FlowLibrary, type FlowRun } from '../flows/index.ts';
import type { Logger } from '../server/log.ts';
import type { DomainEvent, EventBus } from './events.ts';
import type { Outbox } from './outbox.ts';

/** How long after closing a question asked by a `conversation.closed` flow still takes the customer's answer. */
const POST_CLOSE_ANSWER_WINDOW_MS = 60 * 60 * 1000;

export interface RuntimeOptions {
  store: Store;
  flows: FlowLibrary;
  bus: EventBus;
  outbox: Outbox;
  log: Logger;
  /** The clock; tests pass a controllable one. */
  now?: () => Date;
}

/** What one handled message produced; sent and announced only once it is durably stored. */
interface Effects {
  events: DomainEvent[];
  outbound: { message: Message; to: string }[];
}

/**
 * Handles inbound messages: dedup, contact, conversation lifecycle, flows. A contact's messages are
 * handled one at a time in arrival order (the store's keyed transactions), and `deliver` resolves only
 * once the message and everything it caused are on disk.
 *
 *     const runtime = new Runtime({ store, flows, bus, outbox, log });
 *     await runtime.deliver({ channel: 'webchat', id: 'm1', from: { id: 's1' }, text: 'hi', at });
 */
export class Runtime {
  readonly #options: RuntimeOptions;
  readonly #now: () => Date;
  readonly #inflight = new Set<Promise<unknown>>();
  #stopping = false;

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Takes an inbound message; resolves when it is durably stored with its effects. */
  deliver = (message: InboundMessage): Promise<void> => {
    if (this.#stopping) return Promise.reject(new Error('the bot is shutting down; try again shortly'));
    const work = this.#handle(message);
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work)).catch(() => {});
    return work;
  };

  /** Resends outbound messages that were stored but not yet sent when the process last stopped. */
  async resumeOutbox(): Promise<void> {
    const { store, outbox } = this.#options;
    for (const message of await store.pendingOutbound()) {
      const contact = await store.contact(message.contactId);
      const to = contact?.identities.find((identity) => identity.channel === message.channel)?.id;
      if (to) void outbox.send(message, to);
    }
  }

  /** Refuses new messages and waits for those under way, then for their replies to leave. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#inflight]);
    await this.#options.outbox.drain();
  }

  async #handle(message: InboundMessage): Promise<void> {
    const key = `${message.channel}:${message.from.id}`;
    let effects: Effects | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        effects = await this.#options.store.transaction(key, (tx) => this.#decide(tx, message));
        break;
      } catch (error) {
        // Another identity of the same contact opened a conversation first: decide again on fresh state.
        if (!(error instanceof ConflictError) || attempt >= 2) throw error;
      }
    }
    if (!effects) return;
    for (const event of effects.events) this.#options.bus.emit(event);
    for (const { message: outbound, to } of effects.outbound) void this.#options.outbox.send(outbound, to);
  }

  /** Everything one message changes, inside one transaction. Returns undefined for a repeated delivery. */
  async #decide(tx: Tx, inbound: InboundMessage): Promise<Effects | undefined> {
    if (await tx.hasInbound(inbound.channel, inbound.id)) return undefined;
    const now = this.#now().toISOString();
    const effects: Effects = { events: [], outbound: [] };
    const contact = await this.#contactOf(tx, inbound, now, effects);

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
    const stored = tx.addMessage({
      contactId: contact.id,
      conversationId: conversation.id,
      channel: inbound.channel,
      direction: 'in',
      from: 'contact',
      text,
      ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
      channelMessageId: inbound.id,
      ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}),
      at: now,
    });
    effects.events.push({ type: 'message.received', payload: { message: stored, conversation } });

    const run = this.#flowRun(tx, contact, conversation, effects, now);
    if (opened) {
      effects.events.push({ type: 'conversation.opened', payload: { conversation, source: 'contact' } });
      this.#startTriggered(run, 'conversation.opened', 'contact');
    } else if (conversation.stage === 'bot' && conversation.flow?.waiting && !conversation.flow.done) {
      const flow = this.#options.flows.version(conversation.flow.flow, conversation.flow.version);
      if (flow) resumeFlow(flow, run, { ...(inbound.text !== undefined ? { text: inbound.text } : {}), ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}) });
      else {
        this.#options.log.error({ conversation: conversation.id, flow: conversation.flow }, 'flow version not found; flow stopped');
        conversation.flow = { ...conversation.flow, done: true, error: 'flow version not found' };
      }
    }
    run.finish();
    tx.putContact(contact);
    tx.putConversation(conversation);
    return effects;
  }

  async #contactOf(tx: Tx, inbound: InboundMessage, now: string, effects: Effects): Promise<Contact> {
    const known = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    if (known) {
      // The name a customer gave us is kept; a channel's profile name only fills a gap.
      const name = known.name ?? inbound.from.name;
      const language = known.language ?? inbound.from.language;
      if (name !== known.name || language !== known.language) {
        const updated = { ...known, updatedAt: now, ...(name ? { name } : {}), ...(language ? { language } : {}) };
        effects.events.push({ type: 'contact.updated', payload: { contact: updated } });
        return updated;
      }
      return known;
    }
    const contact: Contact = {
      id: await tx.newContactId(),
      identities: [{ channel: inbound.channel, id: inbound.from.id }],
      ...(inbound.from.name ? { name: inbound.from.name } : {}),
      ...(inbound.from.language ? { language: inbound.from.language } : {}),
      fields: {},
      tags: [],
      createdAt: now,
      updatedAt: now,
    };
    effects.events.push({ type: 'contact.updated', payload: { contact } });
    return contact;
  }

  async #open(tx: Tx, contact: Contact, channel: string, source: ConversationSource, now: string): Promise<Conversation> {
    return {
      id: await tx.newConversationId(),
      contactId: contact.id,
      channel,
      status: 'open',
      stage: 'bot',
      fields: {},
      source,
      openedAt: now,
    };
  }

  async #choiceTitle(tx: Tx, conversationId: number, choice: string): Promise<string> {
    const recent = await tx.recentMessages(conversationId, 10);
    for (const message of recent.reverse()) {
      const title = message.choices?.find((option) => option.id === choice)?.title;
      if (title) return title;
    }
    return choice;
  }

  #startTriggered(run: RuntimeFlowRun, on: 'conversation.opened' | 'conversation.closed', source?: ConversationSource): void {
    const [flow, ...others] = this.#options.flows.forTrigger(on, source);
    if (!flow) return;
    if (others.length > 0) {
      this.#options.log.warn({ on, source, used: flow.name, ignored: others.map((other) => other.name) }, 'several flows share a trigger; the first one runs');
    }
    startFlow(flow, run);
  }

  /** The flow's view of this message's work: what it says is stored as pending outbound messages. */
  #flowRun(tx: Tx, contact: Contact, conversation: Conversation, effects: Effects, now: string): RuntimeFlowRun {
    const log = this.#options.log;
    const to = contact.identities.find((identity) => identity.channel === conversation.channel)?.id ?? contact.identities[0]?.id ?? '';
    let closeNote: string | undefined;
    let closeRequested = false;
    const run: RuntimeFlowRun = {
      contact,
      conversation,
      now: new Date(now),
      log: {
        info: (o, msg) => log.info({ conversation: conversation.id, ...o }, msg),
        warn: (o, msg) => log.warn({ conversation: conversation.id, ...o }, msg),
        error: (o, msg) => log.error({ conversation: conversation.id, ...o }, msg),
      },
      say: (out) => {
        const message = tx.addMessage({
          contactId: contact.id,
          conversationId: conversation.id,
          channel: conversation.channel,
          direction: 'out',
          from: 'bot',
          text: out.text,
          ...(out.choices && out.choices.length > 0 ? { choices: out.choices } : {}),
          at: now,
          status: 'pending',
        });
        effects.outbound.push({ message, to });
        effects.events.push({ type: 'message.sent', payload: { message } });
      },
      close: (note) => {
        closeRequested = true;
        closeNote = note;
      },
      finish: () => {
        if (!closeRequested || conversation.status === 'closed') return;
        closeRequested = false;
        conversation.status = 'closed';
        conversation.closedAt = now;
        conversation.closedBy = 'bot';
        if (closeNote) conversation.closingNote = closeNote;
        effects.events.push({ type: 'conversation.closed', payload: { conversation } });
        this.#startTriggered(run, 'conversation.closed');
        run.finish();
      },
    };
    return run;
  }
}

interface RuntimeFlowRun extends FlowRun {
  /** Applies what the flow asked for at the end of its run (closing, and the flows that closing starts). */
  finish(): void;
}
