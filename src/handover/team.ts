// Teams and agents as team.yaml defines them: who may take which conversations, and how many at once.
import type { Identity } from '../store/types.ts';

/** How a team picks among its available agents. */
export type Strategy = 'round_robin' | 'least_open';

/** A group of agents sharing one queue. */
export interface Team {
  name: string;
  strategy: Strategy;
  /** The Telegram supergroup (chat id) whose topics are this team's desk, one topic per conversation. */
  telegramDesk?: string;
}

/** A person who takes conversations over from the bot, in the messaging app they already use. */
export interface Agent {
  /** The slug of `name` (`Omar Khalid` → `omar-khalid`); unique within team.yaml. */
  id: string;
  name: string;
  /** Where this person writes from: a message from one of these is an agent message, not a customer one. */
  identities: Identity[];
  /** Team names as team.yaml spells them, in the order given. */
  teams: string[];
  /** Auto-assignment never gives this agent more open conversations than this. */
  maxOpen: number;
}

/** `online` takes new conversations; `away` keeps what it holds but takes nothing new; agents start `offline`. */
export type AgentStatus = 'online' | 'away' | 'offline';

/** The strategies a team (or an `assign` step) may name. */
export const STRATEGIES = ['round_robin', 'least_open'] as const satisfies readonly Strategy[];

/**
 * The id of the agent called `name`, so people can name agents as they like (`/transfer 42 omar khalid`).
 *
 *     agentId('Omar Khalid'); // 'omar-khalid'
 *     agentId('José');        // 'jose'
 */
export function agentId(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Whether `agent` belongs to `team`; team names match whatever their case, as flows and agents type them.
 *
 *     inTeam(omar, 'billing'); // true when team.yaml lists Omar in Billing
 */
export function inTeam(agent: Agent, team: string): boolean {
  return agent.teams.some((name) => sameTeam(name, team));
}

/**
 * Whether two spellings name the same team.
 *
 *     sameTeam('Billing', 'billing'); // true
 */
export function sameTeam(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
