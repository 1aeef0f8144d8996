// An agent holding `maxOpen` open conversations gets no more (invariant 6).
import type { Agent } from '../team.ts';

/**
 * The agents holding fewer open conversations than their `maxOpen`, in the order given.
 *
 *     underCapacity(online, (id) => openCounts.get(id) ?? 0);
 */
export function underCapacity(agents: readonly Agent[], openCountOf: (agentId: string) => number): Agent[] {
  return agents.filter((agent) => openCountOf(agent.id) < agent.maxOpen);
}
