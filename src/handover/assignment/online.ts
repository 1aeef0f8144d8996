// Only agents who said /online get new conversations (invariant 6): away and offline ones are skipped.
import type { Agent, AgentStatus } from '../team.ts';

/**
 * The agents whose status is `online`, in the order given.
 *
 *     onlineOnly(candidates('Billing', agents), (id) => statuses.get(id) ?? 'offline');
 */
export function onlineOnly(agents: readonly Agent[], statusOf: (agentId: string) => AgentStatus): Agent[] {
  return agents.filter((agent) => statusOf(agent.id) === 'online');
}
