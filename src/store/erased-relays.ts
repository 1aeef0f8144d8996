// What agents were sent about a customer who was erased since (data-protection): the relays of their messages and the
// cards of their conversations, kept as their channel message ids alone, without a word of them, and which agents held
// one of their conversations. An agent's Reply on one is then known to be for that customer, and reaches no other
// customer the agent holds.
import type { Message, Tx } from './types.ts';
import { partOf } from './sent-parts.ts';

const ERASED_RELAYS = 'erased-relays';

/**
 * Records, in the transaction before an erase, which of `messages` (those of the customer's conversations) went to
 * agents or team desks: those the customer was not sent.
 *
 *     markErased(tx, await store.messagesOfConversation(42));
 */
export function markErased(tx: Tx, messages: readonly Message[]): void {
  for (const message of messages) {
    if (message.direction === 'out' && message.contactId === undefined && message.channelMessageId !== undefined) {
      tx.putDoc(ERASED_RELAYS, `${message.channel}:${message.channelMessageId}`, { erased: true });
    }
  }
}

/**
 * Records, in the transaction before an erase, that the agent `agentId` held one of the customer's conversations: what
 * reached them about that customer while the erase ran (their last words, relayed after the relays above were read,
 * or on their way to the agent's app, whose channel message id only comes once sent) is never known by its id.
 *
 *     markHolderOfErased(tx, 'omar', new Date());
 */
export function markHolderOfErased(tx: Tx, agentId: string, at: Date): void {
  tx.putDoc(ERASED_RELAYS, `agent:${agentId}`, { erasedAt: at.toISOString() });
}

/**
 * How long after an erase an agent who held the customer has a Reply on a message the store does not know taken for
 * one about that customer: what was on its way to their app while the erase ran is answered within the day, and past
 * it a Reply on an unknown message goes as any agent's does again.
 */
const HOLDER_MARK_MS = 24 * 60 * 60 * 1000;

/**
 * Whether the message `id` on `channel` (or the one it went out as an earlier part of), which is no message the store
 * has, was sent to the agent `agentId` about a customer erased since: one marked so, or any such message of an agent
 * who held an erased customer (it may be a relay of theirs the marks missed).
 *
 *     if (await wasErased(tx, 'telegram', '9001:40', 'omar', new Date())) await reply(line('repliedToErased'));
 */
export async function wasErased(tx: Tx, channel: string, id: string, agentId: string, now: Date): Promise<boolean> {
  if ((await tx.doc(ERASED_RELAYS, `${channel}:${id}`)) !== undefined) return true;
  const of = await partOf(tx, channel, id);
  if (of !== undefined && (await tx.doc(ERASED_RELAYS, `${channel}:${of}`)) !== undefined) return true;
  const held = await tx.doc<{ erasedAt?: unknown }>(ERASED_RELAYS, `agent:${agentId}`);
  return typeof held?.erasedAt === 'string' && now.getTime() - Date.parse(held.erasedAt) < HOLDER_MARK_MS;
}
