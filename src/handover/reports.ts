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
  const inPeriod = timed(conversations).filter(({ opened }) => (from === undefined || opened >= from.getTime()) && (to === undefined || opened < to.getTime()));

  const teamNames = unique([...teams.map((team) => team.name), ...teamsNamed(conversations)]);
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

  // One pass: each conversation to its team (as sameTeam compares names) and to its agent.
  const byTeam = groupBy(inPeriod, (t) => t.conversation.team?.toLowerCase());
  const byAgent = groupBy(inPeriod, (t) => t.conversation.agentId);
  return {
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    generatedAt: now.toISOString(),
    total: figures(inPeriod),
    teams: Object.fromEntries(teamNames.map((team) => [team, figures(byTeam.get(team.toLowerCase()) ?? [])])),
    agents: Object.fromEntries(
      [...agentNames].map(([id, name]) => [id, { name, ...figures(byAgent.get(id) ?? []) }]),
    ),
    queue,
  };
}

/** A conversation with its times parsed once: when it opened (ms), and its durations in seconds when it has them. */
interface Timed {
  conversation: Conversation;
  opened: number;
  toAssignment: number | undefined;
  toFirstResponse: number | undefined;
  toResolution: number | undefined;
}

function timed(conversations: readonly Conversation[]): Timed[] {
  const all: Timed[] = [];
  for (const conversation of conversations) {
    const opened = Date.parse(conversation.openedAt);
    all.push({
      conversation,
      opened,
      toAssignment: secondsSince(opened, conversation.assignedAt),
      toFirstResponse: secondsSince(opened, conversation.firstResponseAt),
      toResolution: secondsSince(opened, conversation.closedAt),
    });
  }
  return all;
}

function figures(conversations: readonly Timed[]): Figures {
  let closed = 0;
  let assigned = 0;
  let stillOpen = 0;
  const toAssignment: number[] = [];
  const toFirstResponse: number[] = [];
  const toResolution: number[] = [];
  for (const t of conversations) {
    if (t.conversation.status === 'closed') closed++;
    if (t.conversation.status === 'open') stillOpen++;
    if (t.conversation.assignedAt !== undefined) assigned++;
    if (t.toAssignment !== undefined) toAssignment.push(t.toAssignment);
    if (t.toFirstResponse !== undefined) toFirstResponse.push(t.toFirstResponse);
    if (t.toResolution !== undefined) toResolution.push(t.toResolution);
  }
  return {
    opened: conversations.length,
    closed,
    assigned,
    stillOpen,
    timeToAssignment: summarise(toAssignment),
    firstResponse: summarise(toFirstResponse),
    resolution: summarise(toResolution),
  };
}

// summarise([10, 20, 30, 40]) is { count: 4, median: 25, p90: 37 }.
function summarise(values: readonly number[]): Durations {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

function percentile(sorted: Float64Array, p: number): number {
  const rank = p * (sorted.length - 1);
  const below = sorted[Math.floor(rank)]!;
  const above = sorted[Math.ceil(rank)]!;
  // Timestamps are whole milliseconds: finer digits would only be floating-point noise.
  return Math.round((below + (above - below) * (rank - Math.floor(rank))) * 1000) / 1000;
}

// Clocks of several processes can disagree by a little; a negative duration is counted as none.
function secondsBetween(start: string, end: string): number | undefined {
  return secondsSince(Date.parse(start), end);
}

function secondsSince(start: number, end: string | undefined): number | undefined {
  if (end === undefined) return undefined;
  const ms = Date.parse(end) - start;
  return Number.isNaN(ms) ? undefined : Math.max(0, ms) / 1000;
}

function unique(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}

/** The team names conversations carry, each spelling once, in the order first seen. */
function teamsNamed(conversations: Iterable<Conversation>): string[] {
  const names = new Set<string>();
  for (const conversation of conversations) if (conversation.team !== undefined) names.add(conversation.team);
  return [...names];
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K | undefined): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Figures by day (UTC) over the conversations opened each day: what the dashboard's charts draw. */
export interface Series {
  /** `2026-11-01`, one per day of the period, oldest first. */
  days: string[];
  /** By team: conversations opened each day (`(no team)` for those no team took). */
  conversationsByTeam: Record<string, number[]>;
  /** Median seconds to the first agent response, of the conversations opened that day; null when none had one. */
  firstResponseSeconds: (number | null)[];
  /** Median seconds to closing, of the conversations opened that day and closed since; null when none closed. */
  resolutionSeconds: (number | null)[];
  /** By intent: conversations opened each day with that intent. */
  intents: Record<string, number[]>;
}

const DAY_MS = 86_400_000;
/** The longest period a series covers. */
export const MAX_SERIES_DAYS = 366;
const NO_TEAM = '(no team)';

/** The UTC day of a time, as `2026-11-01`. */
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The days of [from, to) (UTC), by default the 30 days up to and including today; at most `MAX_SERIES_DAYS`.
 *
 *     seriesDays({ from: new Date('2026-11-01'), to: new Date('2026-11-03'), now }); // ['2026-11-01', '2026-11-02']
 */
export function seriesDays({ from, to, now }: { from?: Date; to?: Date; now: Date }): string[] {
  // `to` is exclusive: its day is in only when it is past that day's midnight.
  const end = Date.parse(dayOf(to ? to.getTime() - 1 : now.getTime()));
  const start = Date.parse(dayOf((from ?? new Date(end - 29 * DAY_MS)).getTime()));
  const days: string[] = [];
  for (let day = Math.max(start, end - (MAX_SERIES_DAYS - 1) * DAY_MS); day <= end; day += DAY_MS) days.push(dayOf(day));
  return days;
}

/**
 * The series of the period's days (see `seriesDays`), team names as `buildReport` gives them.
 *
 *     const series = buildSeries({ conversations, teams, from, to, now });
 *     series.conversationsByTeam.Billing; // [3, 0, 5, …]
 */
export function buildSeries({ conversations, teams, from, to, now }: Omit<ReportInput, 'agents'>): Series {
  const days = seriesDays({ ...(from ? { from } : {}), ...(to ? { to } : {}), now });
  const byDay = onDays(days, timed(conversations));
  const zeros = () => days.map(() => 0);
  const teamNames = unique([...teams.map((team) => team.name), ...teamsNamed(byDay.flat().map((t) => t.conversation))]);
  const nameOf = new Map(teamNames.map((name) => [name.toLowerCase(), name]));
  const conversationsByTeam: Record<string, number[]> = Object.fromEntries(teamNames.map((team) => [team, zeros()]));
  // Without a prototype: an intent may be named `__proto__` or `toString`.
  const intents: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  byDay.forEach((list, i) => {
    for (const { conversation } of list) {
      const team = conversation.team === undefined ? NO_TEAM : nameOf.get(conversation.team.toLowerCase()) ?? conversation.team;
      (conversationsByTeam[team] ??= zeros())[i]! += 1;
      if (conversation.intent !== undefined) (intents[conversation.intent] ??= zeros())[i]! += 1;
    }
  });
  const median = (list: Timed[], seconds: (t: Timed) => number | undefined) =>
    summarise(list.flatMap((t) => seconds(t) ?? [])).median;
  return {
    days,
    conversationsByTeam,
    firstResponseSeconds: byDay.map((list) => median(list, (t) => t.toFirstResponse)),
    resolutionSeconds: byDay.map((list) => median(list, (t) => t.toResolution)),
    intents,
  };
}

/**
 * The period's figures as CSV, one row per day for all teams and one per day and team:
 * `day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds`.
 *
 *     reportCsv({ conversations, teams, from, to, now }); // 'day,team,opened,…\r\n2026-11-01,all,4,3,3,42,600\r\n…'
 */
export function reportCsv({ conversations, teams, from, to, now }: Omit<ReportInput, 'agents'>): string {
  const days = seriesDays({ ...(from ? { from } : {}), ...(to ? { to } : {}), now });
  const teamNames = unique([...teams.map((team) => team.name), ...teamsNamed(conversations)]);
  const rows = [['day', 'team', 'opened', 'closed', 'assigned', 'first_response_median_seconds', 'resolution_median_seconds']];
  // One pass over the conversations (a year of days times every conversation held the server up for 53 s at 100,000).
  const byDay = onDays(days, timed(conversations));
  days.forEach((day, i) => {
    const ofDay = byDay[i]!;
    const row = (team: string, list: Timed[]) => {
      const f = figures(list);
      rows.push([day, team, String(f.opened), String(f.closed), String(f.assigned), f.firstResponse.median === null ? '' : String(f.firstResponse.median), f.resolution.median === null ? '' : String(f.resolution.median)]);
    };
    row('all', ofDay);
    const byTeam = groupBy(ofDay, (t) => t.conversation.team?.toLowerCase());
    for (const team of teamNames) row(team, byTeam.get(team.toLowerCase()) ?? []);
  });
  return rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The conversations opened on each of `days` (consecutive UTC days), by the day's index. */
function onDays(days: readonly string[], conversations: readonly Timed[]): Timed[][] {
  const first = Date.parse(days[0] ?? '');
  const byDay = days.map((): Timed[] => []);
  for (const t of conversations) {
    const day = Math.floor((t.opened - first) / DAY_MS);
    if (day >= 0 && day < byDay.length) (byDay[day] as Timed[]).push(t);
  }
  return byDay;
}

/** A CSV cell, quoted when it must be; a leading `=`, `+`, `-` or `@` is defused so a spreadsheet never runs it. */
function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
