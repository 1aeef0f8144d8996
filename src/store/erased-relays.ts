// What agents were sent about a customer who was erased since (data-protection): the relays of their messages and the
// cards of their conversations, kept as their channel message ids alone, without a word of them. An agent's Reply on
// one is then known to be for that customer, and reaches no other customer the agent holds.
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
 * Whether the message `id` on `channel` (or the one it went out as an earlier part of) was sent to an agent about a
 * customer erased since.
 *
 *     if (await wasErased(tx, 'telegram', '9001:40')) await reply(line('repliedToErased'));
 */
export async function wasErased(tx: Tx, channel: string, id: string): Promise<boolean> {
  if ((await tx.doc(ERASED_RELAYS, `${channel}:${id}`)) !== undefined) return true;
  const of = await partOf(tx, channel, id);
  return of !== undefined && (await tx.doc(ERASED_RELAYS, `${channel}:${of}`)) !== undefined;
}
