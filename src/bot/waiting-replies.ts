// The replies waiting for their channel as the store knows them, for the dashboard's banner: every process's outbox
// keeps a small document per reply it tries again after a failure that may pass (the channel, the address, since when,
// what the channel last said), gone once its outcome is recorded; the count adds the replies to the same customers
// waiting their turn behind each. One process's memory would count its own only, and only the one being tried. A
// process killed while trying again leaves its records behind: the reader removes those whose outcome was recorded,
// and so does the timers' lease holder at start and at each check (forgetStaleWaiting), whether anyone reads or not.
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
 * Customers whose replies are looked into at one read at most, the longest waiting first (a query each): through an
 * outage with thousands waiting, the rest count their reply being tried only, and the figure says "at least".
 */
export const LOOKED_INTO = 50;

/**
 * The replies waiting for their channel, by channel, oldest first, in every process sharing `store`: those tried again
 * and those behind them to the same customers, since when the first waits and what the channel last said. Looks into
 * `LOOKED_INTO` customers at most (a query each); past them, `atLeast`.
 *
 *     await waitingFromStore(store); // [{ channel: 'whatsapp-cloud', replies: 3, since: '2026-03-02T09:00:01.000Z', reason: '…' }]
 */
export async function waitingFromStore(store: Pick<Store, 'docs' | 'messagesOfAddress' | 'transaction'>): Promise<WaitingReplies[]> {
  const tried = await store.docs<WaitingReply>(WAITING_REPLIES);
  const byChannel = new Map<string, { replies: number; since: string; reason: string; at: string; atLeast?: true }>();
  const add = (reply: WaitingReply, replies: number, atLeast: boolean): void => {
    const channel = byChannel.get(reply.channel);
    if (!channel) byChannel.set(reply.channel, { replies, since: reply.since, reason: reply.reason, at: reply.at });
    else {
      channel.replies += replies;
      if (reply.since < channel.since) channel.since = reply.since;
      if (reply.at > channel.at) [channel.reason, channel.at] = [reply.reason, reply.at];
    }
    if (atLeast) byChannel.get(reply.channel)!.atLeast = true;
  };
  /** Customers past `LOOKED_INTO`, counted by their reply being tried. */
  const notLookedInto = new Set<string>();
  let lookedInto = 0;
  /** Per customer counted: the ids still to go from its oldest reply tried, and whether that list was cut short. */
  const counted = new Map<string, { ids: Set<number>; after: number; whole: boolean }>();
  const stale: [string, WaitingReply][] = [];
  for (const [key, reply] of [...tried].sort(([a], [b]) => Number(a) - Number(b))) {
    const address = `${reply.channel}:${reply.address}`;
    const seen = counted.get(address);
    if (seen) {
      // Behind a reply counted: stale if no longer to go (its outcome recorded), already counted otherwise.
      if (seen.whole && Number(key) > seen.after && !seen.ids.has(Number(key))) stale.push([key, reply]);
      continue;
    }
    if (notLookedInto.has(address)) continue;
    if (lookedInto >= LOOKED_INTO) {
      notLookedInto.add(address);
      add(reply, 1, true);
      continue;
    }
    // Its own and those behind it that are still to go; none when its outcome was recorded since (a process that stopped short of removing it).
    lookedInto++;
    const listed = await store.messagesOfAddress(reply.channel, reply.address, Number(key) - 1, COUNTED_PER_CUSTOMER);
    const waiting = listed.filter((message) => message.direction === 'out' && (message.status === 'pending' || message.status === 'sending'));
    if (!waiting.some((message) => message.id === Number(key))) {
      stale.push([key, reply]);
      continue;
    }
    counted.set(address, { ids: new Set(waiting.map((message) => message.id)), after: Number(key), whole: listed.length < COUNTED_PER_CUSTOMER });
    add(reply, waiting.length, false);
  }
  await forgetStale(store, stale);
  return [...byChannel].sort(([, a], [, b]) => a.since.localeCompare(b.since)).map(([channel, { replies, since, reason, atLeast }]) => ({ channel, replies, since, reason, ...(atLeast ? { atLeast } : {}) }));
}

/** Stale records removed at one read at most: a store full of them empties over a few reads, none of them slow. */
const FORGOTTEN_PER_READ = 100;

/** Records looked into at one tidying at most (a query each): a store full of them is gone through over a few checks. */
export const TIDIED_PER_CHECK = 100;

/**
 * Removes the records of replies whose outcome was recorded (left by a process stopped while trying them again) without
 * waiting for a dashboard or `/healthz` to read them: run at start and at each periodic check by the process holding the
 * timers' lease. Looks into `TIDIED_PER_CHECK` records at most, those after the key `after` (where the previous run
 * stopped: records still waiting, oldest first, never keep those behind them from being looked into), from the first
 * again once past the last; resolves the key to go on after.
 *
 *     let after = 0;
 *     after = await forgetStaleWaiting(store, after); // at each check
 */
export async function forgetStaleWaiting(store: Pick<Store, 'docs' | 'messagesOfAddress' | 'transaction'>, after = 0): Promise<number> {
  const records = [...(await store.docs<WaitingReply>(WAITING_REPLIES))].sort(([a], [b]) => Number(a) - Number(b));
  const ahead = records.filter(([key]) => Number(key) > after);
  const looked = (ahead.length > 0 ? ahead : records).slice(0, TIDIED_PER_CHECK);
  const stale: [string, WaitingReply][] = [];
  for (const [key, reply] of looked) {
    const [message] = await store.messagesOfAddress(reply.channel, reply.address, Number(key) - 1, 1);
    if (message?.id !== Number(key) || (message.status !== 'pending' && message.status !== 'sending')) stale.push([key, reply]);
  }
  await forgetStale(store, stale);
  return looked.length > 0 ? Number(looked.at(-1)![0]) : 0;
}

/**
 * Removes the records of replies whose outcome was recorded (a process stopped, or was killed, while trying them
 * again, and did not remove its own): each only if unchanged since read, so a record an outbox writes again (the reply
 * put back and failing anew) stays. A removal that fails is left to the next read.
 */
async function forgetStale(store: Pick<Store, 'transaction'>, stale: readonly [string, WaitingReply][]): Promise<void> {
  await Promise.allSettled(stale.slice(0, FORGOTTEN_PER_READ).map(([key, reply]) => store.transaction(`${WAITING_REPLIES}:${key}`, async (tx) => {
    if ((await tx.doc<WaitingReply>(WAITING_REPLIES, key))?.at === reply.at) tx.deleteDoc(WAITING_REPLIES, key);
  })));
}

/**
 * `waitingFromStore` for `store`, read at most once every `everyMs`: the dashboard's banner and `/healthz` (which a
 * load balancer may ask every second) share one look, a store query per customer waiting, instead of each its own.
 *
 *     const waiting = sharedWaitingLook(store);
 *     await waiting(); // read from the store; a second call within a second gets the same answer
 *     await waiting(true); // read from the store again: a reply began or stopped waiting since
 */
export function sharedWaitingLook(store: Parameters<typeof waitingFromStore>[0], everyMs = 1_000): (fresh?: boolean) => Promise<WaitingReplies[]> {
  let last: { at: number; look: Promise<WaitingReplies[]> } | undefined;
  return (fresh = false) => {
    const now = performance.now();
    if (fresh || !last || now - last.at >= everyMs) {
      const look = waitingFromStore(store);
      last = { at: now, look };
      // A failed look is not kept: the next call reads again.
      look.catch(() => {
        if (last?.look === look) last = undefined;
      });
    }
    return last.look;
  };
}

