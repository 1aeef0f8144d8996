// The figures behind GET /api/reports, computed from conversation records alone (each carries its own
// timestamps), so a report needs no event log and can be recomputed for any period.
//
// The period is the conversations *opened* in [from, to); a missing bound is open. For those:
// - opened: how many; closed: how many are closed now; assigned: how many an agent was ever given
//   (`assignedAt` set); stillOpen: how many are open now (with the bot, queued or with an agent).
// - timeToAssignment: `assignedAt − openedAt`, the customer's whole wait for a person (flow and queue).
// - firstResponse: `firstResponseAt − openedAt`; only an agent's message sets `firstResponseAt`, so the
//   bot's instant replies never count as a response.
// - resolution: `closedAt − openedAt`, for closed conversations.
// Each duration is `{ count, median, p90 }` in seconds over the conversations that have both timestamps;
// median and p90 interpolate between the two nearest values (numpy's default); null when count is 0.
// The same figures per team (`conversation.team`) and per agent (`conversation.agentId`, the agent holding
// it last); every team and agent of team.yaml appears, with zeros when idle, and so do teams and agents
// that conversations name but team.yaml no longer does.
// queue: the conversations waiting now, whatever their period: per team, how many and how long the
// longest has waited (`now − queuedAt`), in seconds.
import type { Conversation } from '../store/types.ts';
import { queueOf } from './assignment/queue.ts';
import { sameTeam, type Agent, type Team } from './team.ts';

/** Seconds, summarised. */
export interface Durations {
  count: number;
  median: number | null;
  p90: number | null;
}

/** The figures of a set of conversations (see the header of reports.ts). */
export interface Figures {
  opened: number;
  closed: number;
  assigned: number;
  stillOpen: number;
  timeToAssignment: Durations;
  firstResponse: Durations;
  resolution: Durations;
}

export interface Report {
  from: string | null;
  to: string | null;
  generatedAt: string;
  total: Figures;
  /** By team name. */
  teams: Record<string, Figures>;
  /** By agent id. */
  agents: Record<string, Figures & { name: string }>;
  /** By team name: conversations waiting now. */
  queue: Record<string, { waiting: number; longestWaitSeconds: number }>;
}

export interface ReportInput {
  conversations: readonly Conversation[];
  agents: readonly Agent[];
  teams: readonly Team[];
  from?: Date;
  to?: Date;
  now: Date;
}

/**
 * The report over conversations opened in [from, to).
 *
 *     const report = buildReport({ conversations: await store.conversations(), agents, teams, from, now: clock() });
 *     report.teams.Billing?.firstResponse.median; // seconds, or null
 */
export function buildReport({ conversations, agents, teams, from, to, now }: ReportInput): Report {
  const inPeriod = conversations.filter((conversation) => {
    const opened = Date.parse(conversation.openedAt);
    return (from === undefined || opened >= from.getTime()) && (to === undefined || opened < to.getTime());
  });

  const teamNames = unique([...teams.map((team) => team.name), ...conversations.flatMap((c) => (c.team === undefined ? [] : [c.team]))]);
  const agentNames = new Map(agents.map((agent) => [agent.id, agent.name]));
  for (const conversation of conversations) {
    if (conversation.agentId !== undefined && !agentNames.has(conversation.agentId)) agentNames.set(conversation.agentId, conversation.agentId);
  }

  const open = conversations.filter((conversation) => conversation.status === 'open');
  const queue: Report['queue'] = {};
  for (const team of teamNames) {
    const waiting = queueOf(team, open);
    const first = waiting[0];
    queue[team] = {
      waiting: waiting.length,
      longestWaitSeconds: first === undefined ? 0 : secondsBetween(first.queuedAt ?? first.openedAt, now.toISOString()) ?? 0,
    };
  }

  return {
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    generatedAt: now.toISOString(),
    total: figures(inPeriod),
    teams: Object.fromEntries(teamNames.map((team) => [team, figures(inPeriod.filter((c) => c.team !== undefined && sameTeam(c.team, team)))])),
    agents: Object.fromEntries(
      [...agentNames].map(([id, name]) => [id, { name, ...figures(inPeriod.filter((c) => c.agentId === id)) }]),
    ),
    queue,
  };
}

function figures(conversations: readonly Conversation[]): Figures {
  const durations = (end: (c: Conversation) => string | undefined): Durations =>
    summarise(conversations.flatMap((c) => {
      const at = end(c);
      const seconds = at === undefined ? undefined : secondsBetween(c.openedAt, at);
      return seconds === undefined ? [] : [seconds];
    }));
  return {
    opened: conversations.length,
    closed: conversations.filter((c) => c.status === 'closed').length,
    assigned: conversations.filter((c) => c.assignedAt !== undefined).length,
    stillOpen: conversations.filter((c) => c.status === 'open').length,
    timeToAssignment: durations((c) => c.assignedAt),
    firstResponse: durations((c) => c.firstResponseAt),
    resolution: durations((c) => c.closedAt),
  };
}

// summarise([10, 20, 30, 40]) is { count: 4, median: 25, p90: 37 }.
function summarise(values: readonly number[]): Durations {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const below = sorted[Math.floor(rank)]!;
  const above = sorted[Math.ceil(rank)]!;
  // Timestamps are whole milliseconds: finer digits would only be floating-point noise.
  return Math.round((below + (above - below) * (rank - Math.floor(rank))) * 1000) / 1000;
}

// Clocks of several processes can disagree by a little; a negative duration is counted as none.
function secondsBetween(start: string, end: string): number | undefined {
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isNaN(ms) ? undefined : Math.max(0, ms) / 1000;
}

function unique(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}
