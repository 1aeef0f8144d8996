// A customer's edit, deletion or reaction that arrives before the message it is of: Meta does not promise its webhooks
// in order, and sends a batch again later when it was not acknowledged (a store out of reach, a fast writer held back),
// so "Please cancel order 4521" can come after its deletion. Dropped, the agent would read the message as if nothing
// had changed it (the card number deleted, the order number corrected); taken at once, a reaction would reach them as
// "reacted 👍 to a message", without the words it answers. Kept here, by the customer's address, until
// the message comes, then taken as if it had come after it. An edit or deletion never followed by its message (one of
// a message older than the store) is forgotten after a while; a reaction is told without its words at the customer's
// next message once it has waited `REACTION_WAITS_MS`: a 👍 to an answer sent before the store was, or to the
// business's app, is still the customer's word to the agent.
import { keepInList, takeFromList } from '../store/kept-lists.ts';
import type { Tx } from '../store/types.ts';

/** Where the changes wait, by `channel:address` of the customer who made them. */
export const EARLY_CHANGES = 'early-changes';
/** How long a change waits for its message: longer than Meta goes on sending a batch again (a few days). */
const KEPT_MS = 7 * 24 * 3_600_000;
/** How many changes one customer has waiting at most; past it, the oldest go. */
const MAX_KEPT = 20;
/**
 * How long a reaction waits for its message before it is told without it (at the customer's next message): Meta's
 * deliveries out of order come seconds apart, a batch sent again minutes later.
 */
export const REACTION_WAITS_MS = 2 * 60_000;

/**
 * The channels whose changes may come before their message: Meta's (webhooks in no promised order, batches sent again).
 * Telegram, the web chat, WhatsApp Web and the Bot Framework hand a person's events over in order: their messages do
 * not read the store for changes that came first (a read a message on PostgreSQL, for nothing).
 */
const OUT_OF_ORDER = new Set(['whatsapp-cloud', 'messenger', 'instagram']);

/** Whether a change on `channel` may come before the message it changes. */
export function changesMayComeFirst(channel: string): boolean {
  return OUT_OF_ORDER.has(channel);
}

/** An edit (the text the message says now), a deletion or a reaction (its emoji) of the message with channel message id `of`. */
export type EarlyChange =
  | { kind: 'edit'; id: string; of: string; text: string; at: string }
  | { kind: 'deletion'; id: string; of: string; at: string }
  | { kind: 'reaction'; id: string; of: string; emoji: string; at: string };

/** The document key of a customer's waiting changes; the erase of a contact deletes it for each of their identities. */
export function earlyChangesKey(channel: string, address: string): string {
  return `${channel}:${address}`;
}

/**
 * Keeps `change` until its message arrives (`takeEarlyChanges`); the same change delivered again is kept once.
 *
 *     await keepEarlyChange(tx, 'whatsapp-cloud', '16505551234', { kind: 'deletion', id: 'wamid.B', of: 'wamid.A', at });
 */
export async function keepEarlyChange(tx: Tx, channel: string, address: string, change: EarlyChange): Promise<void> {
  await keepInList(tx, EARLY_CHANGES, earlyChangesKey(channel, address), change, { keptMs: KEPT_MS, max: MAX_KEPT });
}

/**
 * The changes that waited for the message `id` of the customer at `address`, and the reactions that have waited
 * `REACTION_WAITS_MS` by `now` for a message still not come (their `of` is another id), in the order they came, no
 * longer kept.
 *
 *     for (const change of await takeEarlyChanges(tx, inbound.channel, inbound.from.id, inbound.id, now)) …
 */
export function takeEarlyChanges(tx: Tx, channel: string, address: string, id: string, now: string): Promise<EarlyChange[]> {
  const waitedSince = Date.parse(now) - REACTION_WAITS_MS;
  return takeFromList<EarlyChange>(
    tx, EARLY_CHANGES, earlyChangesKey(channel, address),
    (change) => change.of === id || (change.kind === 'reaction' && Date.parse(change.at) <= waitedSince),
  );
}
