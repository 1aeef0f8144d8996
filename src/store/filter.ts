// Matching conversations against a query's filter, shared by the store's transactions and its direct reads.
import type { Conversation, OpenConversationFilter } from './types.ts';

/** True when `conversation` has every property `filter` gives, and its wait for the customer began before the one it gives. */
export function matchesFilter(conversation: Conversation, filter: OpenConversationFilter = {}): boolean {
  return (filter.stage === undefined || conversation.stage === filter.stage)
    && (filter.team === undefined || conversation.team === filter.team)
    && (filter.agentId === undefined || conversation.agentId === filter.agentId)
    && (filter.awaitingCustomerBefore === undefined || awaitingCustomerSince(conversation) < filter.awaitingCustomerBefore);
}

/**
 * Since when a conversation waits for its customer, as the filter compares it: ISO 8601 strings of one length, so
 * their order as text is their order in time (PostgreSQL compares them the same way, byte by byte).
 */
function awaitingCustomerSince(conversation: Conversation): string {
  return conversation.awaitingCustomerSince ?? conversation.openedAt;
}
