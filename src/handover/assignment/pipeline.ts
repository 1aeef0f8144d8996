// Auto-assignment, read top to bottom: candidates → online → under capacity → the team's selector.
import type { Agent, AgentStatus, Strategy, Team } from '../team.ts';
import { underCapacity } from './capacity.ts';
import { candidates } from './candidates.ts';
import { onlineOnly } from './online.ts';
import { leastOpen, roundRobin } from './selectors.ts';

/** What `chooseAgent` needs to know: plain data and lookups, so the caller decides where they come from. */
export interface AssignmentInput {
  team: Team;
  /** Every agent in team.yaml, in file order. */
  agents: readonly Agent[];
  statusOf: (agentId: string) => AgentStatus;
  /** Open conversations the agent holds now. */
  openCountOf: (agentId: string) => number;
  /** When the agent was last given a conversation (ISO time), for `least_open` ties. */
  lastAssignedAtOf: (agentId: string) => string | undefined;
  /** The agent this team assigned last, for `round_robin`. */
  lastAssignedInTeam?: string;
  /** Overrides the team's strategy (the `assign` step's `strategy:`). */
  strategy?: Strategy;
  /** Only this agent (id or name), as the `assign` step's `agent:` asks. */
  target?: string;
}

// One row per strategy: adding a strategy is adding a row.
const selectors: Record<Strategy, (available: Agent[], input: AssignmentInput) => Agent | undefined> = {
  round_robin: (available, input) =>
    roundRobin(available, input.lastAssignedInTeam, candidates(input.team.name, input.agents).map((agent) => agent.id)),
  least_open: (available, input) => leastOpen(available, input.openCountOf, input.lastAssignedAtOf),
};

/**
 * The agent to give a conversation of `team` to now, or undefined when nobody can take it (it waits in the
 * team's queue). Never an agent who is not online or already at `maxOpen`.
 *
 *     const agent = chooseAgent({ team, agents, statusOf, openCountOf, lastAssignedAtOf, lastAssignedInTeam });
 *     if (!agent) queueConversation(conversation, team.name);
 */
export function chooseAgent(input: AssignmentInput): Agent | undefined {
  const members = candidates(input.team.name, input.agents, input.target);
  const available = underCapacity(onlineOnly(members, input.statusOf), input.openCountOf);
  return selectors[input.strategy ?? input.team.strategy](available, input);
}
