// The replies waiting for their channel as the store knows them, for the dashboard's banner: every process's outbox
// keeps a small document per reply it tries again after a failure that may pass (the channel, the address, since when,
// what the channel last said), gone once its outcome is recorded; the count adds the replies to the same customers
// waiting their turn behind each. One process's memory would count its own only, and only the one being tried.
import type { Store } from '../store/types.ts';
import type { WaitingReplies } from './outbox.ts';

/** The collection of replies being tried again, keyed by message id. */
export const WAITING_REPLIES = 'waiting-replies';

/** A reply some process's outbox tries again after a failure that may pass. */
export interface WaitingReply {
  channel: string;
  address: string;
  /** When it first failed (ISO 8601). */
  since: string;
  /** What the channel said at its latest failure, and when (ISO 8601). */
  reason: string;
  at: string;
}

/** Replies to one customer counted at most: a banner says "1,000", not the exact backlog. */
const COUNTED_PER_CUSTOMER = 1_000;

/**
 * The replies waiting for their channel, by channel, oldest first, in every process sharing `store`: those tried again
 * and those behind them to the same customers, since when the first waits and what the channel last said.
 *
 *     await waitingFromStore(store); // [{ channel: 'whatsapp-cloud', replies: 3, since: '2026-03-02T09:00:01.000Z', reason: '…' }]
 */
export async function waitingFromStore(store: Pick<Store, 'docs' | 'messagesOfAddress'>): Promise<WaitingReplies[]> {
  const tried = await store.docs<WaitingReply>(WAITING_REPLIES);
  const byChannel = new Map<string, { replies: number; since: string; reason: string; at: string }>();
  const counted = new Set<string>();
  for (const [key, reply] of [...tried].sort(([a], [b]) => Number(a) - Number(b))) {
    const address = `${reply.channel}:${reply.address}`;
    if (counted.has(address)) continue;
    // Its own and those behind it that are still to go; none when its outcome was recorded since (a process that stopped short of removing it).
    const waiting = (await store.messagesOfAddress(reply.channel, reply.address, Number(key) - 1, COUNTED_PER_CUSTOMER))
      .filter((message) => message.direction === 'out' && (message.status === 'pending' || message.status === 'sending'));
    if (!waiting.some((message) => message.id === Number(key))) continue;
    counted.add(address);
    const seen = byChannel.get(reply.channel);
    if (!seen) byChannel.set(reply.channel, { replies: waiting.length, since: reply.since, reason: reply.reason, at: reply.at });
    else {
      seen.replies += waiting.length;
      if (reply.since < seen.since) seen.since = reply.since;
      if (reply.at > seen.at) [seen.reason, seen.at] = [reply.reason, reply.at];
    }
  }
  return [...byChannel].sort(([, a], [, b]) => a.since.localeCompare(b.since)).map(([channel, { replies, since, reason }]) => ({ channel, replies, since, reason }));
}
