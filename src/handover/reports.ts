// The figures behind GET /api/reports, computed from conversation records alone (each carries its own
// timestamps), so a report needs no event log and can be recomputed for any period.
//
// The period is the conversations *opened* in [from, to); a missing bound is open. For those:
// - opened: how many; closed: how many are closed now; assigned: how many an agent was ever given
//   (`assignedAt` set); stillOpen: how many were open (with the bot, queued or with an agent) at the period's end, or
//   now when it ends later: an admin reading last week finds what it left open, though it was closed since (then it
//   counts in `closed` too).
// - Of the closed: resolved, closed by a person (an agent, or an admin from the dashboard); closedByBot, by a flow's
//   `close` step, the bot, or the customer leaving the chat; autoClosed, after AUTO_CLOSE_AFTER without activity. The
//   three add up to closed.
// - timeToAssignment: `assignedAt − openedAt`, the customer's whole wait for a person (flow and queue).
// - firstResponse: `firstResponseAt − openedAt`; only a person's words to the customer set `firstResponseAt` (an
//   agent's reply from their app, the console or a desk thread, a template, a closing note shared with the customer,
//   a reply from the business's own app), so the bot's instant replies never count as a response; a reply the channel
//   refused or reported failed is taken back from it (`Statuses`), as the customer never read it.
// - resolution: `closedAt − openedAt`, for the resolved ones only: a flow's close after "no agent free within 30
//   minutes" is nobody's resolution, and an auto-close would add the idle timer to it.
// Each duration is `{ count, median, p90 }` in seconds over the conversations that have both timestamps;
// median and p90 interpolate between the two nearest values (numpy's default); null when count is 0.
// - handOvers: how many times they were passed on from an agent (`Conversation.handOvers`: a transfer by the agent or
//   an admin, an automatic pass from an away agent or to a colleague of one who left the customer unanswered, the
//   agent gone from team.yaml) or from a queue (an admin gave it to an agent or another team; nobody in team.yaml could
//   take it there, `rehome`); per team and agent, the times they passed one on (the team it was with then; a queue's
//   is no agent's); handOversByAdmin, those of them an admin made.
// The same figures per team (`conversation.team`: the team it is with now, or was with at its close; but its first
// response to the team it was with when that was given, `firstResponseTeam`) and per agent (`creditedAgent`: the agent holding it now, else
// the one who held it last, though they handed it back to the bot or passed it to a queue), each conversation to
// one agent, but its first response to the agent who gave it (`responder`), who may have passed it on since; every team and agent of team.yaml appears, with zeros when idle, and so do teams and agents that
// conversations name but team.yaml no longer does (an agent by the name it last gave them, `removedAgents`).
// queue: the conversations waiting now, whatever their period: per team, how many and how long the
// longest has waited (`now − queuedAt`), in seconds.
import quickselect from 'quickselect';
import type { Conversation, HandOver } from '../store/types.ts';
import { queueOf } from './assignment/queue.ts';
import type { DeskLanguage } from './lines.ts';
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
  /** Closed by an agent or an admin: the conversations `resolution` is over. */
  resolved: number;
  /** Closed by a flow's `close` step, or by the bot. */
  closedByBot: number;
  /** Closed after AUTO_CLOSE_AFTER without activity. */
  autoClosed: number;
  assigned: number;
  stillOpen: number;
  /** Times passed on from an agent or a queue: of all, or (per team and agent) from that team or agent. */
  handOvers: number;
  /** Of `handOvers`, those an admin made from the dashboard. */
  handOversByAdmin: number;
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
  /** Oldest first: where two spell a team differently, the first one's spelling is shown. */
  conversations: readonly Conversation[];
  agents: readonly Agent[];
  teams: readonly Team[];
  from?: Date;
  to?: Date;
  now: Date;
  /** The time zone whose days the series and the CSV are by (`Asia/Riyadh`): the admin's; UTC without it. */
  timeZone?: string;
  /** The names of agents team.yaml no longer has, by id, as it last had them: their rows are named so, not by their ids. */
  removedAgents?: ReadonlyMap<string, string>;
}

/**
 * The report over conversations opened in [from, to).
 *
 *     const report = buildReport({ conversations: await store.conversations(), agents, teams, from, now: clock() });
 *     report.teams.Billing?.firstResponse.median; // seconds, or null
 */
export function buildReport(input: ReportInput): Report {
  return ReportBuilder.over(input).report();
}

/** A conversation with its durations in seconds, parsed once, when it has them. */
interface Timed {
  conversation: Conversation;
  toAssignment: number | undefined;
  toFirstResponse: number | undefined;
  toResolution: number | undefined;
  /** Open at the end of the period (or now, when that is earlier). */
  openAtEnd: boolean;
}

/** The figures of a set of conversations, counted one conversation at a time. */
class Tally {
  opened = 0;
  closed = 0;
  resolved = 0;
  closedByBot = 0;
  autoClosed = 0;
  assigned = 0;
  stillOpen = 0;
  handOvers = 0;
  handOversByAdmin = 0;
  readonly toAssignment: number[] = [];
  readonly toFirstResponse: number[] = [];
  readonly toResolution: number[] = [];

  add({ conversation, toAssignment, toFirstResponse, toResolution, openAtEnd }: Timed): void {
    this.opened++;
    if (conversation.status === 'closed') {
      this.closed++;
      const closer = closerOf(conversation);
      if (closer === 'person') this.resolved++;
      else if (closer === 'inactivity') this.autoClosed++;
      else this.closedByBot++;
    }
    if (openAtEnd) this.stillOpen++;
    if (conversation.assignedAt !== undefined) this.assigned++;
    if (toAssignment !== undefined) this.toAssignment.push(toAssignment);
    if (toFirstResponse !== undefined) this.toFirstResponse.push(toFirstResponse);
    if (toResolution !== undefined) this.toResolution.push(toResolution);
  }

  /** A conversation a team took and passed on to another: it counts among those it took (`opened`), for nothing else. */
  addTaken(): void {
    this.opened++;
  }

  addHandOver({ by }: HandOver): void {
    this.handOvers++;
    if (by?.startsWith('admin:')) this.handOversByAdmin++;
  }

  /** The first response of a conversation counted for another agent or team than this one (see `responder`). */
  addFirstResponse(seconds: number): void {
    this.toFirstResponse.push(seconds);
  }

  figures(): Figures {
    return {
      opened: this.opened,
      closed: this.closed,
      resolved: this.resolved,
      closedByBot: this.closedByBot,
      autoClosed: this.autoClosed,
      assigned: this.assigned,
      stillOpen: this.stillOpen,
      handOvers: this.handOvers,
      handOversByAdmin: this.handOversByAdmin,
      timeToAssignment: summarise(this.toAssignment),
      firstResponse: summarise(this.toFirstResponse),
      resolution: summarise(this.toResolution),
    };
  }
}

/**
 * Who closed a conversation, as the reports tell closes apart, by its `closedBy` (see `close`): a person (an agent's id,
 * `admin:<name>`), the inactivity timer (`auto`), or the bot (`bot` for a flow's `close` step, and a close recorded
 * without its closer).
 *
 *     closerOf({ ...conversation, status: 'closed', closedBy: 'admin:Nadia' }); // 'person'
 */
function closerOf({ status, closedBy }: Conversation): 'person' | 'inactivity' | 'bot' | undefined {
  if (status !== 'closed') return undefined;
  if (closedBy === 'auto') return 'inactivity';
  return closedBy === undefined || BOT_CLOSERS.has(closedBy) ? 'bot' : 'person';
}

/** The `closedBy` of closes nobody at the business decided (`contact`: the customer left the chat, `CUSTOMER_LEFT`). */
const BOT_CLOSERS = new Set(['bot', 'workflow', 'contact']);

/**
 * The agent a conversation counts for: the one holding it now, else the one who held it last (`handledBy`), so that
 * handing a conversation back to the bot does not take it from the figures of the agent who worked on it.
 *
 *     creditedAgent({ ...conversation, stage: 'bot', handledBy: 'omar' }); // 'omar'
 */
function creditedAgent(conversation: Conversation): string | undefined {
  return conversation.agentId ?? conversation.handledBy;
}

/**
 * The agent a conversation's first response counts for: the one who gave it (`firstResponseBy`), though another holds
 * the conversation now, as Chatwoot and respond.io credit the first response's sender; none when a person who is no
 * agent gave it (`admin:<name>`, `app:<channel>`: agent ids have no colon); the credited agent when the conversation
 * was stored before `firstResponseBy` was kept.
 *
 *     responder({ ...conversation, agentId: 'sara', firstResponseBy: 'omar' }); // 'omar'
 */
function responder(conversation: Conversation): string | undefined {
  const by = conversation.firstResponseBy;
  if (by === undefined) return creditedAgent(conversation);
  return by.includes(':') ? undefined : by;
}

/**
 * Counts a conversation in the tallies of its team (lower case): all of it for the team it is with, but its first
 * response for the team it was with when that was given, when another (see `Conversation.firstResponseTeam`), in
 * `answeredIn` (the CSV's row of the day it opened; none when outside the period).
 */
function addByTeam(tallies: Map<string, Tally>, timed: Timed, answeredIn: Map<string, Tally> | undefined): void {
  const team = timed.conversation.team?.toLowerCase();
  const answering = (timed.conversation.firstResponseTeam ?? timed.conversation.team)?.toLowerCase();
  if (answering === team || timed.toFirstResponse === undefined) {
    if (team !== undefined) tallyOf(tallies, team).add(timed);
    return;
  }
  if (team !== undefined) tallyOf(tallies, team).add({ ...timed, toFirstResponse: undefined });
  if (answering !== undefined && answeredIn !== undefined) tallyOf(answeredIn, answering).addFirstResponse(timed.toFirstResponse);
}

/** The tally of `key` in `tallies`, made when missing. */
function tallyOf<K>(tallies: Map<K, Tally>, key: K): Tally {
  let tally = tallies.get(key);
  if (!tally) tallies.set(key, (tally = new Tally()));
  return tally;
}

/**
 * The report, the series and the CSV of one period, gathered one conversation at a time (oldest first): each
 * conversation's times are parsed and counted where they belong as it is added, so a caller reading a long history
 * a page at a time can let others run between pages; what is left at the end is a median and a p90 per group.
 *
 *     const builder = new ReportBuilder({ agents, teams, from, to, now });
 *     for (const conversation of oldestFirst) builder.add(conversation);
 *     builder.report(); builder.series(); builder.csv();
 */
export class ReportBuilder {
  readonly #agents: readonly Agent[];
  readonly #removedAgents: ReadonlyMap<string, string>;
  readonly #teams: readonly Team[];
  readonly #from: number | undefined;
  readonly #to: number | undefined;
  readonly #now: Date;
  readonly #timeZone: string;
  /** When the period ends, or now, when that is earlier: the moment `stillOpen` counts at. */
  readonly #end: number;
  readonly #days: string[];
  /** When each day of `#days` begins, and the next after the last. */
  readonly #dayStarts: number[];
  /** The team names conversations carry, each spelling once, in the order first seen. */
  readonly #spellings = new Set<string>();
  /** Agents named by conversations and not by the directory, in the order first seen. */
  readonly #otherAgents = new Set<string>();
  readonly #known: Set<string>;
  readonly #open: Conversation[] = [];
  readonly #total = new Tally();
  /** Of the period, by team (lower case, as sameTeam compares) and by agent. */
  readonly #byTeam = new Map<string, Tally>();
  readonly #byAgent = new Map<string, Tally>();
  /** Of each day of the series, by the day's index: all, by team (lower case), the team names and intents seen. */
  readonly #dayAll: Tally[];
  readonly #dayTeams: Map<string, Tally>[];
  readonly #daySpellings: Set<string>[];
  readonly #dayIntents: Map<string, number>[];
  readonly #dayNoTeam: number[];
  /** Of each day of the series, by team (lower case): the conversations it took that day (see `takenBy`). */
  readonly #dayTaken: Map<string, number>[];

  constructor({ agents, teams, from, to, now, timeZone = 'UTC', removedAgents = new Map() }: Omit<ReportInput, 'conversations'>) {
    this.#agents = agents;
    this.#removedAgents = removedAgents;
    this.#teams = teams;
    this.#from = from?.getTime();
    this.#to = to?.getTime();
    this.#now = now;
    this.#timeZone = timeZone;
    this.#end = Math.min(this.#to ?? Infinity, now.getTime());
    this.#days = seriesDays({ ...(from ? { from } : {}), ...(to ? { to } : {}), now, timeZone });
    this.#dayStarts = [...this.#days, addDays(this.#days.at(-1) ?? dayIn(now.getTime(), timeZone), 1)].map((day) => midnightIn(day, timeZone));
    this.#known = new Set(agents.map((agent) => agent.id));
    this.#dayAll = this.#days.map(() => new Tally());
    this.#dayTeams = this.#days.map(() => new Map());
    this.#daySpellings = this.#days.map(() => new Set());
    this.#dayIntents = this.#days.map(() => new Map());
    this.#dayNoTeam = this.#days.map(() => 0);
    this.#dayTaken = this.#days.map(() => new Map());
  }

  /** A builder with every conversation of `input` added. */
  static over({ conversations, ...options }: ReportInput): ReportBuilder {
    const builder = new ReportBuilder(options);
    for (const conversation of conversations) builder.add(conversation);
    return builder;
  }

  add(conversation: Conversation): void {
    const opened = Date.parse(conversation.openedAt);
    const timed: Timed = {
      conversation,
      toAssignment: secondsSince(opened, conversation.assignedAt),
      toFirstResponse: secondsSince(opened, conversation.firstResponseAt),
      toResolution: closerOf(conversation) === 'person' ? secondsSince(opened, conversation.closedAt) : undefined,
      // Closed at the very moment the period ends (now, say) is not open at its end.
      openAtEnd: opened <= this.#end && (conversation.status === 'open' || Date.parse(conversation.closedAt ?? '') > this.#end),
    };
    const team = conversation.team;
    if (team !== undefined) this.#spellings.add(team);
    const agentId = creditedAgent(conversation);
    const answeredBy = responder(conversation);
    for (const id of [agentId, answeredBy]) if (id !== undefined && !this.#known.has(id)) this.#otherAgents.add(id);
    if (conversation.status === 'open') this.#open.push(conversation);
    if ((this.#from === undefined || opened >= this.#from) && (this.#to === undefined || opened < this.#to)) {
      this.#total.add(timed);
      addByTeam(this.#byTeam, timed, this.#byTeam);
      for (const handOver of conversation.handOvers ?? []) {
        this.#total.addHandOver(handOver);
        if (handOver.agent !== undefined) {
          tallyOf(this.#byAgent, handOver.agent).addHandOver(handOver);
          if (!this.#known.has(handOver.agent)) this.#otherAgents.add(handOver.agent);
        }
        if (handOver.team !== undefined) {
          this.#spellings.add(handOver.team);
          tallyOf(this.#byTeam, handOver.team.toLowerCase()).addHandOver(handOver);
        }
      }
      if (conversation.firstResponseTeam !== undefined && timed.toFirstResponse !== undefined) this.#spellings.add(conversation.firstResponseTeam);
      if (answeredBy === agentId) {
        if (agentId !== undefined) tallyOf(this.#byAgent, agentId).add(timed);
      } else {
        // Answered by one agent and held by another: each counts what they did.
        if (agentId !== undefined) tallyOf(this.#byAgent, agentId).add({ ...timed, toFirstResponse: undefined });
        if (answeredBy !== undefined && timed.toFirstResponse !== undefined) tallyOf(this.#byAgent, answeredBy).addFirstResponse(timed.toFirstResponse);
      }
    }
    // The chart's conversations by team: each team on the day it took the conversation, though it was opened before;
    // the CSV's day rows by team the same, so that the two give the same numbers.
    const day = dayIndex(this.#dayStarts, opened);
    const takings = takenBy(conversation);
    takings.forEach((taken, i) => {
      const index = dayIndex(this.#dayStarts, taken.at);
      if (index < 0) return;
      if (taken.team === undefined) return void ((this.#dayNoTeam[index] as number) += 1);
      const counts = this.#dayTaken[index] as Map<string, number>;
      counts.set(taken.team.toLowerCase(), (counts.get(taken.team.toLowerCase()) ?? 0) + 1);
      (this.#daySpellings[index] as Set<string>).add(taken.team);
      const tallies = this.#dayTeams[index] as Map<string, Tally>;
      // A team that passed it on took it, no more; the rest is the work of the team it is with last, as the period's rows.
      if (i < takings.length - 1 || taken.team.toLowerCase() !== team?.toLowerCase()) tallyOf(tallies, taken.team.toLowerCase()).addTaken();
      else addByTeam(tallies, timed, day < 0 ? undefined : this.#dayTeams[day]);
    });
    if (day >= 0) {
      (this.#dayAll[day] as Tally).add(timed);
      // The times that day's conversations were passed on, for the team each went on from, as the period's rows count them.
      for (const handOver of conversation.handOvers ?? []) {
        (this.#dayAll[day] as Tally).addHandOver(handOver);
        if (handOver.team !== undefined) {
          this.#spellings.add(handOver.team);
          tallyOf(this.#dayTeams[day] as Map<string, Tally>, handOver.team.toLowerCase()).addHandOver(handOver);
        }
      }
      if (conversation.intent !== undefined) {
        const intents = this.#dayIntents[day] as Map<string, number>;
        intents.set(conversation.intent, (intents.get(conversation.intent) ?? 0) + 1);
      }
    }
  }

  report(): Report {
    const teamNames = this.#teamNames();
    const queue: Report['queue'] = {};
    for (const team of teamNames) {
      const waiting = queueOf(team, this.#open);
      const first = waiting[0];
      queue[team] = {
        waiting: waiting.length,
        longestWaitSeconds: first === undefined ? 0 : secondsBetween(first.queuedAt ?? first.openedAt, this.#now.toISOString()) ?? 0,
      };
    }
    const agentNames = this.#agentNames();
    const figuresOf = (tally: Tally | undefined): Figures => (tally ?? new Tally()).figures();
    return {
      from: this.#from === undefined ? null : new Date(this.#from).toISOString(),
      to: this.#to === undefined ? null : new Date(this.#to).toISOString(),
      generatedAt: this.#now.toISOString(),
      total: this.#total.figures(),
      teams: Object.fromEntries(teamNames.map((team) => [team, figuresOf(this.#byTeam.get(team.toLowerCase()))])),
      agents: Object.fromEntries([...agentNames].map(([id, name]) => [id, { name, ...figuresOf(this.#byAgent.get(id)) }])),
      queue,
    };
  }

  /** The series of the period's days (see `seriesDays`), team names as the report gives them. */
  series(): Series {
    const days = this.#days;
    const zeros = () => days.map(() => 0);
    // The team names of the days' conversations, day by day.
    const teamNames = unique([...this.#teams.map((team) => team.name), ...this.#daySpellings.flatMap((spellings) => [...spellings])]);
    const conversationsByTeam: Record<string, number[]> = Object.fromEntries(
      teamNames.map((team) => [team, this.#dayTaken.map((counts) => counts.get(team.toLowerCase()) ?? 0)]),
    );
    this.#dayNoTeam.forEach((count, i) => {
      if (count > 0) (conversationsByTeam[NO_TEAM] ??= zeros())[i]! += count;
    });
    // Without a prototype: an intent may be named `__proto__` or `toString`.
    const intents: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
    this.#dayIntents.forEach((counts, i) => {
      for (const [intent, count] of counts) (intents[intent] ??= zeros())[i]! += count;
    });
    return {
      days,
      conversationsByTeam,
      firstResponseSeconds: this.#dayAll.map((tally) => summarise(tally.toFirstResponse).median),
      resolutionSeconds: this.#dayAll.map((tally) => summarise(tally.toResolution).median),
      intents,
    };
  }

  /**
   * The period's figures as CSV (see `reportCsv`); `ar`: its header row and the all-teams rows worded in Arabic, for an
   * admin who opens it in a spreadsheet, with the byte order mark by which Excel reads it as UTF-8 (without it, Arabic
   * read as Latin-1 mojibake).
   */
  csv(language: DeskLanguage = 'en'): string {
    const teamNames = this.#teamNames();
    const words = CSV_WORDS[language];
    const rows = [words.header];
    const row = (day: string, team: string, agent: string, tally: Tally | undefined) => {
      const f = (tally ?? new Tally()).figures();
      const median = (durations: Durations) => (durations.median === null ? '' : String(durations.median));
      rows.push([day, team, String(f.opened), String(f.closed), String(f.assigned), median(f.firstResponse), median(f.resolution), String(f.resolved), String(f.closedByBot), String(f.autoClosed), String(f.stillOpen), String(f.handOvers), String(f.handOversByAdmin), agent]);
    };
    this.#days.forEach((day, i) => {
      row(day, words.all, '', this.#dayAll[i]);
      for (const team of teamNames) row(day, team, '', this.#dayTeams[i]?.get(team.toLowerCase()));
    });
    // The whole period, as the page's figures and its tables per team and per agent give it.
    const period = this.#periodName();
    row(period, words.all, '', this.#total);
    for (const team of teamNames) row(period, team, '', this.#byTeam.get(team.toLowerCase()));
    for (const [id, name] of this.#agentNames()) row(period, '', name, this.#byAgent.get(id));
    return (language === 'ar' ? '\uFEFF' : '') + rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
  }

  /** The period as the CSV's rows of the whole of it name it: its first and last days (`2026-11-01/2026-11-30`), `..` for an open bound. */
  #periodName(): string {
    const { first, last } = this.periodDays();
    return `${first ?? '..'}/${last ?? '..'}`;
  }

  /**
   * The first and last days of the period in the report's time zone (the admin's), none for an open bound.
   *
   *     new ReportBuilder({ from, to, timeZone: 'Asia/Riyadh', … }).periodDays(); // { first: '2026-12-05', last: '2026-12-05' }
   */
  periodDays(): { first?: string; last?: string } {
    return {
      ...(this.#from === undefined ? {} : { first: dayIn(this.#from, this.#timeZone) }),
      ...(this.#to === undefined ? {} : { last: dayIn(this.#to - 1, this.#timeZone) }),
    };
  }

  /** The agents of team.yaml by id with their names, then those only conversations name, by the names they had (else their ids). */
  #agentNames(): Map<string, string> {
    const names = new Map(this.#agents.map((agent) => [agent.id, agent.name]));
    for (const id of this.#otherAgents) names.set(id, this.#removedAgents.get(id) ?? id);
    return names;
  }

  /** The configured teams, then the others conversations name, each spelling once. */
  #teamNames(): string[] {
    return unique([...this.#teams.map((team) => team.name), ...this.#spellings]);
  }
}

/**
 * The teams that took a conversation, each with when: the first it was with (`undefined`: none) when it opened, then
 * each other team it was passed to (`handOvers`), when it was passed. The day's work counts where it was done: Billing
 * took it on Monday, Support on Tuesday.
 *
 *     takenBy({ ...conversation, team: 'Support', handOvers: [{ agent: 'lina', team: 'Billing', at }] }); // Billing at openedAt, Support at `at`
 */
function takenBy({ team, openedAt, handOvers = [] }: Conversation): { team: string | undefined; at: number }[] {
  const along = [...handOvers.map((handOver) => handOver.team), team];
  const taken = [{ team: along[0], at: Date.parse(openedAt) }];
  handOvers.forEach((handOver, i) => {
    const next = along[i + 1];
    if (next !== undefined && next.toLowerCase() !== handOver.team?.toLowerCase()) taken.push({ team: next, at: Date.parse(handOver.at) });
  });
  return taken;
}

// summarise([10, 20, 30, 40]) is { count: 4, median: 25, p90: 37 }.
function summarise(values: readonly number[]): Durations {
  if (values.length === 0) return { count: 0, median: null, p90: null };
  // Selected, not sorted: a report's dozens of groups over 100,000 conversations spent most of its time sorting.
  const copy = Float64Array.from(values);
  const median = percentile(copy, 0.5, 0);
  return { count: copy.length, median, p90: percentile(copy, 0.9, Math.floor(0.5 * (copy.length - 1))) };
}

/**
 * The `p` percentile of `values`, interpolated between the two nearest ranks; `values` is reordered in place, and
 * must hold its `from` smallest before index `from` (a percentile taken before, of rank `from`, leaves it so).
 */
function percentile(values: Float64Array, p: number, from: number): number {
  const rank = p * (values.length - 1);
  const at = Math.floor(rank);
  quickselect(values as unknown as number[], at, from);
  const below = values[at]!;
  let above = below;
  if (rank > at) {
    // Everything past `at` is at least `below`: the next rank is the least of them.
    above = Infinity;
    for (let i = at + 1; i < values.length; i++) if (values[i]! < above) above = values[i]!;
  }
  // Timestamps are whole milliseconds: finer digits would only be floating-point noise.
  return Math.round((below + (above - below) * (rank - at)) * 1000) / 1000;
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

/** Figures by day (in the report's time zone, UTC by default) over the conversations opened each day: what the dashboard's charts draw. */
export interface Series {
  /** `2026-11-01`, one per day of the period, oldest first. */
  days: string[];
  /**
   * By team: the conversations each took each day: opened to it, or passed to it from another team that day (though
   * opened before); `(no team)` for those opened to no team.
   */
  conversationsByTeam: Record<string, number[]>;
  /** Median seconds to the first agent response, of the conversations opened that day; null when none had one. */
  firstResponseSeconds: (number | null)[];
  /** Median seconds to closing, of the conversations opened that day and resolved since (closed by a person); null when none. */
  resolutionSeconds: (number | null)[];
  /** By intent: conversations opened each day with that intent. */
  intents: Record<string, number[]>;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The longest period a series covers. */
export const MAX_SERIES_DAYS = 366;
const NO_TEAM = '(no team)';

/** The UTC day of a time, as `2026-11-01`. */
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The day `days` after `day` (`2026-11-01`), a calendar's, whatever the time zone. */
const addDays = (day: string, days: number): string => dayOf(Date.parse(day) + days * DAY_MS);

/** One formatter per time zone: making one costs far more than using it. */
const clocks = new Map<string, Intl.DateTimeFormat>();

/** The date and time a wall clock in `timeZone` shows at `ms`, as if it were UTC (ms since the epoch). */
function wallClock(ms: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) clocks.set(timeZone, (clock = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })));
  const part: Record<string, number> = {};
  for (const { type, value } of clock.formatToParts(new Date(ms))) part[type] = Number(value);
  return Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!) + (ms - Math.floor(ms / 1000) * 1000);
}

/**
 * Whether `timeZone` is one the reports can count days in (an IANA name, such as `Asia/Riyadh`, or `UTC`).
 *
 *     isTimeZone('Asia/Riyadh'); // true
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The day a time falls on in `timeZone`, as `2026-11-01`. */
function dayIn(ms: number, timeZone: string): string {
  return timeZone === 'UTC' ? dayOf(ms) : dayOf(wallClock(ms, timeZone));
}

/**
 * When `day` (`2026-11-01`) begins in `timeZone`: its midnight there, or its first moment where a clock change skips
 * midnight.
 *
 *     new Date(midnightIn('2026-12-01', 'Asia/Riyadh')).toISOString(); // '2026-11-30T21:00:00.000Z'
 */
export function midnightIn(day: string, timeZone: string): number {
  const utc = Date.parse(day);
  if (timeZone === 'UTC') return utc;
  const offsetAt = (ms: number) => wallClock(ms, timeZone) - ms;
  // The zone's offset at the guess, then again at the instant it gives, in case a clock change lies between.
  const guess = utc - offsetAt(utc);
  const midnight = utc - offsetAt(guess);
  if (wallClock(midnight, timeZone) === utc) return midnight;
  // No midnight that day: by each offset the zone has around it, the earliest instant that falls on the day. Where
  // the change skips midnight (Santiago's 00:00 to 01:00), the offset after it gives 23:00 the day before, and the
  // one before it the change itself, the day's first moment.
  const candidates = [utc - HOUR_MS * 14, utc, guess, utc + HOUR_MS * 14].map((at) => utc - offsetAt(at));
  const onTheDay = candidates.filter((at) => dayIn(at, timeZone) === day);
  return onTheDay.length > 0 ? Math.min(...onTheDay) : midnight;
}

/** The index of the day among `starts` (each day's beginning, then the next's) that `ms` falls on; -1 when none. */
function dayIndex(starts: readonly number[], ms: number): number {
  if (!(ms >= starts[0]!) || !(ms < starts.at(-1)!)) return -1;
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (starts[middle]! <= ms) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The days of [from, to) in `timeZone` (UTC by default), by default the 30 days up to and including today; at most
 * `MAX_SERIES_DAYS`.
 *
 *     seriesDays({ from: new Date('2026-11-01'), to: new Date('2026-11-03'), now }); // ['2026-11-01', '2026-11-02']
 */
export function seriesDays({ from, to, now, timeZone = 'UTC' }: { from?: Date; to?: Date; now: Date; timeZone?: string }): string[] {
  // `to` is exclusive: its day is in only when it is past that day's midnight.
  const end = dayIn(to ? to.getTime() - 1 : now.getTime(), timeZone);
  const start = from ? dayIn(from.getTime(), timeZone) : addDays(end, -29);
  const first = Math.max(Date.parse(start), Date.parse(end) - (MAX_SERIES_DAYS - 1) * DAY_MS);
  const days: string[] = [];
  for (let day = first; day <= Date.parse(end); day += DAY_MS) days.push(dayOf(day));
  return days;
}

/**
 * The series of the period's days (see `seriesDays`), team names as `buildReport` gives them.
 *
 *     const series = buildSeries({ conversations, teams, from, to, now });
 *     series.conversationsByTeam.Billing; // [3, 0, 5, …]
 */
export function buildSeries(input: Omit<ReportInput, 'agents'>): Series {
  return ReportBuilder.over({ ...input, agents: [] }).series();
}

/**
 * The period's figures as CSV, one row per day for all teams (of the conversations opened that day) and one per day and
 * team (of the conversations the team took that day, as the chart counts them: its `opened`; the rest of each
 * conversation's figures for the team it is with last, on the day that team took it), then the whole period's (its days as `2026-11-01/2026-11-30`) for all teams, per team and per agent, as
 * the dashboard shows them:
 * `day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent`.
 *
 *     reportCsv({ conversations, teams, from, to, now }); // 'day,team,opened,…\r\n2026-11-01,all,4,3,3,42,600,2,1,0,1,0,0,\r\n…'
 */
export function reportCsv(input: Omit<ReportInput, 'agents'>): string {
  return ReportBuilder.over({ ...input, agents: [] }).csv();
}

/** The CSV's header row and the name of its all-teams rows, by language: the dashboard's words for the figures. */
const CSV_WORDS: Record<DeskLanguage, { header: string[]; all: string }> = {
  en: {
    header: ['day', 'team', 'opened', 'closed', 'assigned', 'first_response_median_seconds', 'resolution_median_seconds', 'resolved', 'closed_by_bot', 'auto_closed', 'still_open', 'passed_on', 'passed_on_by_admin', 'agent'],
    all: 'all',
  },
  ar: {
    header: ['اليوم', 'الفريق', 'فُتحت', 'أُغلقت', 'أُسندت إلى موظف', 'أول رد (الوسيط، بالثواني)', 'مدة الحل (الوسيط، بالثواني)', 'أغلقها موظف أو مشرف', 'أغلقها البوت', 'أُغلقت لعدم النشاط', 'ما زالت مفتوحة', 'حُوّلت', 'حوّلها مشرف', 'الموظف'],
    all: 'كل الفرق',
  },
};

/**
 * A CSV cell, quoted when it must be; a leading `=`, `+`, `-`, `@`, tab or carriage return is defused so a spreadsheet
 * never runs it, unless the whole cell is a number: `-2+3+cmd|' /C calc'!A0` (a name) starts with a number too.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
