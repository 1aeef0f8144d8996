// A team's queue: open conversations waiting for an agent, first come first served. It is not stored
// apart: a conversation is in the queue while its stage is `queued`, so the queue cannot drift from them.
import type { Conversation } from '../../store/types.ts';
import { inTeam, sameTeam, type Agent } from '../team.ts';

/**
 * The conversations waiting in `team`'s queue, in the order agents take them (see `inLine`).
 *
 *     queueOf('Billing', openConversations)[0]; // the next one Billing serves
 */
export function queueOf(team: string, open: readonly Conversation[]): Conversation[] {
  return inLine(open.filter((conversation) => conversation.team !== undefined && sameTeam(conversation.team, team) && isQueued(conversation)));
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
  return inLine(open.filter(isQueued)).find((conversation) =>
    conversation.agentId === undefined
      ? conversation.team !== undefined && inTeam(agent, conversation.team)
      : conversation.agentId === agent.id,
  );
}

/**
 * Queued conversations in the order they are served: longest-waiting first (by `queuedAt`, then number), except
 * that one still waiting for its place (`awaitingPlace`) comes after every conversation of its team that has one.
 * Its transaction stamped `queuedAt` before it committed, maybe before others that committed and were told their
 * place first: it joins the line behind them, as `placeInLine` puts it.
 *
 *     inLine(queued)[0]; // the next one served
 */
export function inLine(queued: readonly Conversation[]): Conversation[] {
  const lastPlaced = new Map<string, Conversation>();
  for (const conversation of queued) {
    if (conversation.awaitingPlace) continue;
    const last = lastPlaced.get(teamKey(conversation));
    if (!last || byWait(last, conversation) < 0) lastPlaced.set(teamKey(conversation), conversation);
  }
  // Where a conversation stands: its own wait, or, waiting for its place, no earlier than its team's last placed.
  const standing = (conversation: Conversation): Conversation => {
    const last = conversation.awaitingPlace ? lastPlaced.get(teamKey(conversation)) : undefined;
    return last && byWait(conversation, last) < 0 ? last : conversation;
  };
  const waiting = (conversation: Conversation): number => (conversation.awaitingPlace ? 1 : 0);
  return [...queued].sort((a, b) => byWait(standing(a), standing(b)) || waiting(a) - waiting(b) || byWait(a, b));
}

/**
 * Whether `a` has waited longer than `b` (negative), by `queuedAt` (set when a conversation enters the queue;
 * `openedAt` stands in for records written without it), then number.
 */
export function byWait(a: Conversation, b: Conversation): number {
  return waitedSince(a) - waitedSince(b) || a.id - b.id;
}

/** When `conversation` joined its queue, in ms. */
export function waitedSince(conversation: Conversation): number {
  return Date.parse(conversation.queuedAt ?? conversation.openedAt);
}

function isQueued(conversation: Conversation): boolean {
  return conversation.status === 'open' && conversation.stage === 'queued';
}

const teamKey = (conversation: Conversation): string => conversation.team?.toLowerCase() ?? '';
