// A conversation's lifecycle as its transcript shows it (opened, classified, queued, assigned, transferred, handed
// back, closed): written in the same transaction as the change, so the transcript never tells a story the store
// does not hold. Kept as one small document per conversation (collection `timelines`), never with what anybody wrote.
import type { Tx } from '../store/types.ts';
import type { DomainEvent } from './events.ts';

/** The collection of timelines, keyed by conversation id. */
export const TIMELINES = 'timelines';

/**
 * Who a moment names, as it is recorded: an agent by id (the dashboard shows their name of the day), an admin by the
 * name they gave, and the customer, the bot, the inactivity timer or a workflow by what they are.
 */
export type TimelineActor =
  | { kind: 'customer' | 'bot' | 'inactivity' | 'workflow' }
  /** Without `id`: an agent opened the conversation (its `source` does not say which). */
  | { kind: 'agent'; id?: string }
  | { kind: 'admin'; name: string };

/**
 * One moment of a conversation's life. Who did it and where it went are kept apart (`by`, `to`, `team`, `agentId`,
 * `intent`); `detail` says the same in English for readers of the stored timelines. Moments recorded before the
 * parts were kept have only `detail`.
 */
export interface TimelineEvent {
  at: string;
  /** `sent again`: an admin sent a reply of `agentId`'s that had not reached the customer once more (the dashboard's Send again). */
  /** `blocked`, `unblocked`: the customer blocked the bot (their channel said so: Telegram), or unblocked it. */
  type: 'opened' | 'classified' | 'queued' | 'assigned' | 'transferred' | 'handed back' | 'closed' | 'sent again' | 'blocked' | 'unblocked';
  detail?: string;
  by?: TimelineActor;
  /** Where a transfer went: the team's name, or the colleague's. */
  to?: string;
  /** The team whose queue it joined. */
  team?: string;
  /** The agent it was given to. */
  agentId?: string;
  intent?: string;
  /** Whose it was, when nobody moved it (`by` the inactivity timer): the id of the agent who held it. */
  from?: string;
  /** Why it went, then: its customer waited too long for an answer from `from` (`unanswered`), who is `away`. */
  because?: 'unanswered' | 'away' | 'unreachable';
}

/**
 * The actor an id names, as conversations and events carry them (`closedBy`, `source`, a transfer's `agentId`):
 * `contact`, `agent`, `workflow`, `bot`, `auto`, `admin:<name>` (see `adminActorId`), else an agent's id (a slug,
 * never with a colon).
 *
 *     actorOf('admin:Nadia'); // { kind: 'admin', name: 'Nadia' }
 *     actorOf('omar');        // { kind: 'agent', id: 'omar' }
 */
export function actorOf(id: string): TimelineActor {
  if (id === 'contact') return { kind: 'customer' };
  if (id === 'workflow') return { kind: 'workflow' };
  if (id === 'bot') return { kind: 'bot' };
  if (id === 'auto') return { kind: 'inactivity' };
  if (id === 'agent') return { kind: 'agent' };
  if (id.startsWith('admin:')) return { kind: 'admin', name: id.slice('admin:'.length) };
  return { kind: 'agent', id };
}

/**
 * A moment's `by`, and the same in `detail` as it has always been worded.
 *
 *     ({ at, type: 'closed', ...doneBy(conversation.closedBy) }); // by: { kind: 'admin', name: 'Nadia' }, detail: 'by admin:Nadia'
 */
export const doneBy = (actorId: string): Pick<TimelineEvent, 'by' | 'detail'> => ({ by: actorOf(actorId), detail: `by ${actorId}` });

/** A conversation's timeline keeps at most this many moments (a conversation bounced between teams all day). */
const MAX_EVENTS = 200;

/**
 * A moment of a conversation. Not a closure over `at` in `momentOf`: under tsx (`npm start`) each arrow function made
 * at a call is named at run time (esbuild's `keepNames`), some microseconds every event.
 */
function made(at: string, conversationId: number, type: TimelineEvent['type'], parts: Omit<TimelineEvent, 'at' | 'type'>): { conversationId: number; moment: TimelineEvent } {
  return { conversationId, moment: { at, type, ...parts } };
}

/** The moment an event records, and the conversation it concerns; undefined for events that are no such moment. */
function momentOf(event: DomainEvent, at: string): { conversationId: number; moment: TimelineEvent } | undefined {
  switch (event.type) {
    case 'conversation.opened': return made(at, event.payload.conversation.id, 'opened', doneBy(event.payload.source));
    case 'intent.classified': {
      const { intent } = event.payload;
      return made(at, event.payload.conversation.id, 'classified', intent ? { intent, detail: intent } : {});
    }
    case 'conversation.queued': {
      const { id, team } = event.payload.conversation;
      // Put back by the away rule (AWAY_REQUEUE_AFTER): nobody's move, as an auto-close is.
      const { from, because } = event.payload;
      const by = event.payload.by !== undefined ? { by: actorOf(event.payload.by), ...(from !== undefined ? { from } : {}), ...(because !== undefined ? { because } : {}) } : {};
      return made(at, id, 'queued', team ? { team, detail: event.payload.by !== undefined ? `${team} by ${event.payload.by}` : team, ...by } : by);
    }
    case 'conversation.assigned': {
      const { id, agentId } = event.payload.conversation;
      return made(at, id, 'assigned', agentId ? { agentId, detail: agentId } : {});
    }
    case 'conversation.transferred': {
      const { conversation, to, agentId, from, because } = event.payload;
      return made(at, conversation.id, 'transferred', { to, by: actorOf(agentId), ...(from !== undefined ? { from } : {}), ...(because !== undefined ? { because } : {}), detail: `to ${to} by ${agentId}` });
    }
    case 'conversation.handedBack': return made(at, event.payload.conversation.id, 'handed back', doneBy(event.payload.agentId));
    case 'conversation.closed': {
      const { id, closedBy } = event.payload.conversation;
      return made(at, id, 'closed', closedBy ? doneBy(closedBy) : {});
    }
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

/**
 * Adds one moment no domain event carries to conversation `conversationId`'s timeline, in `tx`.
 *
 *     await recordMoment(tx, 42, { at, type: 'sent again', by: { kind: 'admin', name: 'Nadia' }, agentId: 'omar' });
 */
export async function recordMoment(tx: Tx, conversationId: number, moment: TimelineEvent): Promise<void> {
  const key = String(conversationId);
  tx.putDoc(TIMELINES, key, [...((await tx.doc<TimelineEvent[]>(TIMELINES, key)) ?? []), moment].slice(-MAX_EVENTS));
}
