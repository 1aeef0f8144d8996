// Matching conversations against a query's filter, shared by the store's transactions and its direct reads.
import type { Conversation, OpenConversationFilter } from './types.ts';

/** True when `conversation` has every property `filter` gives. */
export function matchesFilter(conversation: Conversation, filter: OpenConversationFilter = {}): boolean {
  return (filter.stage === undefined || conversation.stage === filter.stage)
    && (filter.team === undefined || conversation.team === filter.team)
    && (filter.agentId === undefined || conversation.agentId === filter.agentId);
}
