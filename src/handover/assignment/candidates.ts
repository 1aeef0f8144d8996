// Who could take a conversation of a team at all: its members, or just the one person the flow asked for.
import { agentId, inTeam, type Agent } from '../team.ts';

/**
 * The agents of `team`, in team.yaml order; with `target` (an agent's id or name), only that agent, and
 * only if they are in the team.
 *
 *     candidates('Billing', agents);           // every Billing agent
 *     candidates('Billing', agents, 'Omar');   // [omar], or [] when Omar is not in Billing
 */
export function candidates(team: string, agents: readonly Agent[], target?: string): Agent[] {
  const members = agents.filter((agent) => inTeam(agent, team));
  if (target === undefined) return members;
  const wanted = agentId(target);
  return members.filter((agent) => agent.id === wanted);
}
