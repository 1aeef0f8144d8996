// An agent holding `maxOpen` open conversations gets no more (invariant 6); one given more room by team.yaml takes
// from the queue at once.
import { inTeam, type Agent } from '../team.ts';

/**
 * The agents holding fewer open conversations than their `maxOpen`, in the order given.
 *
 *     underCapacity(online, (id) => openCounts.get(id) ?? 0);
 */
export function underCapacity(agents: readonly Agent[], openCountOf: (agentId: string) => number): Agent[] {
  return agents.filter((agent) => openCountOf(agent.id) < agent.maxOpen);
}

/**
 * The agents of `after` (team.yaml as just reloaded) who may take conversations they could not take in `before`: new
 * in the file, a higher `max_open`, or a team more. Nothing else frees a seat, so only their queues are drained: a
 * reload that changes no agent's room writes nothing.
 *
 *     roomAdded(before.agents, after.agents); // [omar] once his max_open went from 2 to 3
 */
export function roomAdded(before: readonly Agent[], after: readonly Agent[]): Agent[] {
  const was = new Map(before.map((agent) => [agent.id, agent]));
  return after.filter((agent) => {
    const old = was.get(agent.id);
    return !old || agent.maxOpen > old.maxOpen || agent.teams.some((team) => !inTeam(old, team));
  });
}
