// A conversation's lifecycle as its transcript shows it (opened, classified, queued, assigned, transferred, handed
// back, closed): written in the same transaction as the change, so the transcript never tells a story the store
// does not hold. Kept as one small document per conversation (collection `timelines`), never with what anybody wrote.
import type { Tx } from '../store/types.ts';
import type { DomainEvent } from './events.ts';

/** The collection of timelines, keyed by conversation id. */
export const TIMELINES = 'timelines';

/** One moment of a conversation's life. */
export interface TimelineEvent {
  at: string;
  type: 'opened' | 'classified' | 'queued' | 'assigned' | 'transferred' | 'handed back' | 'closed';
  detail?: string;
}

/** A conversation's timeline keeps at most this many moments (a conversation bounced between teams all day). */
const MAX_EVENTS = 200;

/** The moment an event records, and the conversation it concerns; undefined for events that are no such moment. */
function momentOf(event: DomainEvent, at: string): { conversationId: number; moment: TimelineEvent } | undefined {
  const make = (conversationId: number, type: TimelineEvent['type'], detail?: string) => ({ conversationId, moment: { at, type, ...(detail ? { detail } : {}) } });
  switch (event.type) {
    case 'conversation.opened': return make(event.payload.conversation.id, 'opened', `by ${event.payload.source}`);
    case 'intent.classified': return make(event.payload.conversation.id, 'classified', event.payload.intent);
    case 'conversation.queued': return make(event.payload.conversation.id, 'queued', event.payload.conversation.team);
    case 'conversation.assigned': return make(event.payload.conversation.id, 'assigned', event.payload.conversation.agentId);
    case 'conversation.transferred': return make(event.payload.conversation.id, 'transferred', `to ${event.payload.to} by ${event.payload.agentId}`);
    case 'conversation.handedBack': return make(event.payload.conversation.id, 'handed back', `by ${event.payload.agentId}`);
    case 'conversation.closed': return make(event.payload.conversation.id, 'closed', event.payload.conversation.closedBy ? `by ${event.payload.conversation.closedBy}` : undefined);
    default: return undefined;
  }
}

/**
 * Adds the moments of a transaction's events to their conversations' timelines, in that transaction.
 *
 *     await recordTimeline(tx, effects.events, now().toISOString());
 */
export async function recordTimeline(tx: Tx, events: readonly DomainEvent[], at: string): Promise<void> {
  const added = new Map<number, TimelineEvent[]>();
  // Conversation ids are never reused: one opened by this transaction has no stored timeline to read.
  const opened = new Set<number>();
  for (const event of events) {
    if (event.type === 'conversation.opened') opened.add(event.payload.conversation.id);
    const found = momentOf(event, at);
    if (!found) continue;
    const list = added.get(found.conversationId) ?? [];
    list.push(found.moment);
    added.set(found.conversationId, list);
  }
  for (const [conversationId, moments] of added) {
    const key = String(conversationId);
    const stored = opened.has(conversationId) ? [] : ((await tx.doc<TimelineEvent[]>(TIMELINES, key)) ?? []);
    tx.putDoc(TIMELINES, key, [...stored, ...moments].slice(-MAX_EVENTS));
  }
}
