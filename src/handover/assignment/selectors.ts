// The two ways a team picks one agent among those available: take turns, or spread the load.
import type { Agent } from '../team.ts';

/**
 * The next agent after the one assigned last, in the team's configured order, wrapping round. `order` is
 * every agent id of the team in team.yaml order (default: `agents`' own order); it finds the right turn
 * when the last one is now away or full. When the last one is unknown (first assignment, or removed from
 * team.yaml), the first available agent.
 *
 *     roundRobin(available, 'omar', ['omar', 'sara', 'lina']); // sara if available, else lina, else omar
 */
export function roundRobin(agents: readonly Agent[], lastAssignedAgentId?: string, order: readonly string[] = agents.map((agent) => agent.id)): Agent | undefined {
  const last = lastAssignedAgentId === undefined ? -1 : order.indexOf(lastAssignedAgentId);
  if (last < 0) return agents[0];
  for (let step = 1; step <= order.length; step++) {
    const id = order[(last + step) % order.length];
    const agent = agents.find((candidate) => candidate.id === id);
    if (agent) return agent;
  }
  return agents[0];
}

/**
 * The agent holding the fewest open conversations; on a tie, the one assigned least recently (never
 * counts as longest ago), then the first in the order given.
 *
 *     leastOpen(available, (id) => openCounts.get(id) ?? 0, (id) => lastAssignedAt.get(id));
 */
export function leastOpen(
  agents: readonly Agent[],
  openCountOf: (agentId: string) => number,
  lastAssignedAtOf: (agentId: string) => string | undefined,
): Agent | undefined {
  const lastAssigned = (agent: Agent) => {
    const at = lastAssignedAtOf(agent.id);
    return at === undefined ? -Infinity : Date.parse(at);
  };
  let best: Agent | undefined;
  for (const agent of agents) {
    // Strictly fewer, or strictly earlier: an exact tie keeps the earlier agent in the order.
    if (
      best === undefined ||
      openCountOf(agent.id) < openCountOf(best.id) ||
      (openCountOf(agent.id) === openCountOf(best.id) && lastAssigned(agent) < lastAssigned(best))
    ) {
      best = agent;
    }
  }
  return best;
}
