// A team's queue: open conversations waiting for an agent, first come first served. It is not stored
// apart: a conversation is in the queue while its stage is `queued`, so the queue cannot drift from them.
import type { Conversation } from '../../store/types.ts';
import { inTeam, sameTeam, type Agent } from '../team.ts';

/**
 * The conversations waiting in `team`'s queue, longest-waiting first (by `queuedAt`, then number).
 *
 *     queueOf('Billing', openConversations)[0]; // the next one Billing serves
 */
export function queueOf(team: string, open: readonly Conversation[]): Conversation[] {
  return open.filter((conversation) => conversation.team !== undefined && sameTeam(conversation.team, team) && isQueued(conversation)).sort(byWait);
}

/**
 * The longest-waiting conversation `agent` may take: queued in one of their teams and waiting for anyone,
 * or waiting for this agent by name (`agentId` set while queued), whatever its team. Whether the agent is
 * online and has room is for the caller to check first.
 *
 *     const next = nextFor(agent, open); // after /online, a /close, or a transfer away
 *     if (next) assign(next, agent);
 */
export function nextFor(agent: Agent, open: readonly Conversation[]): Conversation | undefined {
  const takeable = open.filter(
    (conversation) =>
      isQueued(conversation) &&
      (conversation.agentId === undefined
        ? conversation.team !== undefined && inTeam(agent, conversation.team)
        : conversation.agentId === agent.id),
  );
  return takeable.sort(byWait)[0];
}

function isQueued(conversation: Conversation): boolean {
  return conversation.status === 'open' && conversation.stage === 'queued';
}

// queuedAt is set when a conversation enters the queue; openedAt stands in for records written without it.
function byWait(a: Conversation, b: Conversation): number {
  return Date.parse(a.queuedAt ?? a.openedAt) - Date.parse(b.queuedAt ?? b.openedAt) || a.id - b.id;
}
