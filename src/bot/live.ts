// What the dashboard watches live: a small change feed (conversation, agents, flows) fed from the domain events
// after each commit. An interface with a local implementation, so a store shared by several processes can fan the
// same changes out between them (PostgreSQL's LISTEN/NOTIFY, say) behind the same two calls.
import type { Fanout } from '../shared/fanout.ts';
import type { Conversation, Message } from '../store/types.ts';
import type { EventBus } from './events.ts';

/** One change as the dashboard's event stream carries it (`GET /api/events`: the event's name and its data). */
export type LiveChange =
  | { type: 'conversation'; data: { id: number; status: Conversation['status']; stage: Conversation['stage']; team?: string; agentId?: string } }
  | { type: 'agents'; data: Record<string, never> }
  // A reply in the conversation began or stopped waiting for its channel (`waiting`), its record in the store written, or
  // an agent's reply in it was sent, delivered, read or failed: the consoles that show it look again ("Not sent yet", its
  // ticks), whichever process tries it or hears of it.
  | { type: 'delivery'; data: { conversationId: number; waiting?: true } }
  // `onDisk`: the file changed on disk (a text editor, a git pull), not by a publish from the dashboard.
  | { type: 'flows'; data: { name: string; version: string | null; onDisk?: true } };

/**
 * Publish/subscribe of live changes. `publish` is called after the change is durably stored; every subscriber of
 * every process sharing the store should hear it (from another process maybe twice: a change is a state, so hearing
 * it again is harmless).
 *
 *     const off = feed.subscribe((change) => stream.write(change));
 *     feed.publish({ type: 'flows', data: { name: 'inbound', version: '3f9a0c1b2d4e' } });
 */
export interface LiveFeed {
  publish(change: LiveChange): void;
  subscribe(listener: (change: LiveChange) => void): () => void;
}

/** The feed of one process: changes reach this process's subscribers only (the embedded store's case). */
export class LocalLiveFeed implements LiveFeed {
  readonly #listeners = new Set<(change: LiveChange) => void>();

  publish(change: LiveChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // A stream that broke is dropped by its own close handler; it never stops the others.
      }
    }
  }

  subscribe(listener: (change: LiveChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}

/**
 * The feed of several processes sharing a store: a change reaches this process's subscribers at once, and the other
 * processes' through `fanout` (the payloads are the small records above: ids, names, states).
 *
 *     const feed = new SharedLiveFeed(await PostgresFanout.open({ url, schema }));
 */
export class SharedLiveFeed implements LiveFeed {
  readonly #local = new LocalLiveFeed();
  readonly #fanout: Fanout;

  constructor(fanout: Fanout) {
    this.#fanout = fanout;
    fanout.subscribe(FANOUT_TOPIC, (data) => this.#local.publish(data as LiveChange));
  }

  publish(change: LiveChange): void {
    this.#local.publish(change);
    this.#fanout.publish(FANOUT_TOPIC, change);
  }

  subscribe(listener: (change: LiveChange) => void): () => void {
    return this.#local.subscribe(listener);
  }
}

/** The fan-out topic of the dashboard's changes. */
const FANOUT_TOPIC = 'live';

/** The change a conversation's event makes on the board. */
export function conversationChange(conversation: Conversation): LiveChange {
  const { id, status, stage, team, agentId } = conversation;
  return { type: 'conversation', data: { id, status, stage, ...(team !== undefined ? { team } : {}), ...(agentId !== undefined ? { agentId } : {}) } };
}

/**
 * The change a new delivery state of `message` makes (sent, delivered, read, failed): an agent's reply to a customer
 * only, whose ticks the consoles show; none for the bot's, so that the customer's own messages cost no more.
 *
 *     const change = deliveryChange(message); if (change) feed.publish(change);
 */
export function deliveryChange(message: Message): LiveChange | undefined {
  if (message.from !== 'agent' || message.toAgent || message.conversationId === undefined) return undefined;
  return { type: 'delivery', data: { conversationId: message.conversationId } };
}

/**
 * Publishes on `feed` what the bus announces: every change of a conversation, and agents' status and load.
 *
 *     const stop = feedFromBus(bus, feed);
 */
export function feedFromBus(bus: EventBus, feed: LiveFeed): () => void {
  // One action announces several events that often make the same change (a message that opens a conversation is
  // also received; a transfer that finds nobody free also queues): a change published already in this turn of the
  // event loop is not published again.
  let published: Set<string> | undefined;
  const publish = (change: LiveChange): void => {
    const key = JSON.stringify(change);
    if (published?.has(key)) return;
    if (!published) {
      published = new Set();
      setImmediate(() => {
        published = undefined;
      });
    }
    published.add(key);
    feed.publish(change);
  };
  const agents = (): void => publish({ type: 'agents', data: {} });
  const offs = [
    bus.on('conversation.opened', ({ conversation }) => publish(conversationChange(conversation))),
    bus.on('message.received', ({ conversation }) => conversation && publish(conversationChange(conversation))),
    bus.on('intent.classified', ({ conversation }) => publish(conversationChange(conversation))),
    bus.on('conversation.queued', ({ conversation }) => publish(conversationChange(conversation))),
    bus.on('conversation.assigned', ({ conversation }) => (publish(conversationChange(conversation)), agents())),
    bus.on('conversation.transferred', ({ conversation }) => (publish(conversationChange(conversation)), agents())),
    bus.on('conversation.handedBack', ({ conversation }) => (publish(conversationChange(conversation)), agents())),
    bus.on('conversation.closed', ({ conversation }) => (publish(conversationChange(conversation)), agents())),
    bus.on('agent.status', agents),
    bus.on('agent.reachability', agents),
  ];
  return () => {
    for (const off of offs) off();
  };
}
