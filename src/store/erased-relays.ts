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
 * Records, in the transaction before an erase of the contact `contactId`, that the agent `agentId` held one of their
 * conversations: what reached them about that customer while the erase ran (their last words, relayed after the
 * relays above were read, or on their way to the agent's app, whose channel message id only comes once sent) is never
 * known by its id. The mark holds only once the contact is gone: an erase that failed before its delete leaves it
 * without effect, and one asked again renews it.
 *
 *     await markHolderOfErased(tx, 'omar', 'c-17', new Date());
 */
export async function markHolderOfErased(tx: Tx, agentId: string, contactId: string, at: Date): Promise<void> {
  const held = await tx.doc<HolderMark>(ERASED_RELAYS, `agent:${agentId}`);
  // Those of a day ago or more are of no use any more (`HOLDER_MARK_MS`).
  const contacts = Object.fromEntries(Object.entries(held?.contacts ?? {}).filter(([, when]) => at.getTime() - Date.parse(when) < HOLDER_MARK_MS));
  tx.putDoc(ERASED_RELAYS, `agent:${agentId}`, { erasedAt: at.toISOString(), contacts: { ...contacts, [contactId]: at.toISOString() } } satisfies HolderMark);
}

/** An agent's mark: when a contact they held was last erased, and since when each was (absent in marks of old). */
interface HolderMark {
  erasedAt?: unknown;
  contacts?: Record<string, string>;
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
 * who held a customer erased within the day (it may be a relay of theirs the marks missed); not one whose erase did
 * not happen (the contact is still there).
 *
 *     if (await wasErased(tx, 'telegram', '9001:40', 'omar', new Date())) await reply(line('repliedToErased'));
 */
export async function wasErased(tx: Tx, channel: string, id: string, agentId: string, now: Date): Promise<boolean> {
  if ((await tx.doc(ERASED_RELAYS, `${channel}:${id}`)) !== undefined) return true;
  const of = await partOf(tx, channel, id);
  if (of !== undefined && (await tx.doc(ERASED_RELAYS, `${channel}:${of}`)) !== undefined) return true;
  const held = await tx.doc<HolderMark>(ERASED_RELAYS, `agent:${agentId}`);
  const recent = (at: unknown): boolean => typeof at === 'string' && now.getTime() - Date.parse(at) < HOLDER_MARK_MS;
  if (!held?.contacts) return recent(held?.erasedAt);
  for (const [contactId, at] of Object.entries(held.contacts)) {
    if (recent(at) && (await tx.contact(contactId)) === undefined) return true;
  }
  return false;
}
