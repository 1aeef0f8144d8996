// `/api/reports` (today's figures and the series by day the charts draw) and `/api/reports.csv`.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Router } from 'express';
import { z } from 'zod';
import { TIMELINES, type TimelineEvent } from '../../bot/timeline.ts';
import { isTimeZone, midnightIn, ReportBuilder } from '../../handover/reports.ts';
import { agentNamedNow, teamNamedNow } from '../../handover/agents-on-file.ts';
import type { Conversation, Store } from '../../store/types.ts';
import { badRequest, type AdminContext } from './context.ts';
import { conversationsNewestFirst } from './pages.ts';
import { routeTitle } from '../../flows/labels.ts';
import { pageLanguage } from '../language.ts';

/** The forms a period's ends are written in: a day, or a day and time, with or without seconds and an offset. */
const DATE_FORM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Why `text` is not a date of the calendar as written, or undefined when it is: `2026-02-30` is not (where Date.parse
 * reads 2 March), nor `1` (where it reads 2001).
 *
 *     dateRefusal('2026-02-30'); // 'February 2026 has 28 days'
 */
function dateRefusal(text: string): string | undefined {
  const parts = DATE_FORM.exec(text);
  if (!parts) return 'it is not written YYYY-MM-DD';
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = Array.from({ length: 8 }, (_, at) => Number(parts[at + 1] ?? 0)) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12) return `there is no month ${parts[2]}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  if (hour > 23 || minute > 59 || second > 59) return 'there is no such time of day';
  if (offsetHours > 23 || offsetMinutes > 59) return 'there is no such offset from UTC';
  return Number.isNaN(Date.parse(text)) ? 'it is not a date' : undefined;
}

const isoDate = z.string().superRefine((text, context) => {
  const refusal = dateRefusal(text);
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  if (refusal) context.addIssue({ code: 'custom', message: `${JSON.stringify(shown)} is not a date (${refusal}): write one such as 2026-11-01 or 2026-11-01T09:00:00Z` });
});
const period = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  tz: z.string().refine(isTimeZone, 'must be a time zone such as Asia/Riyadh or UTC (the days of the report are that zone\'s)').optional(),
};
/** The period's bounds: a date alone is its midnight in `tz` (UTC without it), the admin's day, not London's. */
const inZone = <T extends { from?: string | undefined; to?: string | undefined; tz?: string | undefined }>({ from, to, tz, ...rest }: T) => {
  const at = (text: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) && tz ? midnightIn(text, tz) : Date.parse(text));
  return { ...rest, ...(from ? { from: at(from) } : {}), ...(to ? { to: at(to) } : {}), ...(tz ? { timeZone: tz } : {}) };
};
// A query, not a body: the error names the parameter to change, and how to ask for a single day.
const inOrder = ({ from, to }: { from?: Date | undefined; to?: Date | undefined }) => !from || !to || from < to;
const notInOrder = { message: 'must come after from (to is not included: from=2026-11-01&to=2026-11-02 is 1 November)', path: ['to'] };
const reportQuery = z.object(period).strict().transform(inZone).refine(inOrder, notInOrder);
// A download link sends no header of the page's: the language of the CSV's words comes in the query.
const csvQuery = z.object({ ...period, lang: z.enum(['en', 'ar']).optional() }).strict().transform(inZone).refine(inOrder, notInOrder);

/** Mounts the report routes on the admin router. */
export function mountReports(router: Router, context: AdminContext): void {
  router.get('/reports', async (req, res) => {
    const query = reportQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const builder = await built(context, between(query.data));
    const report = builder.report();
    // A turn for the customers between the two.
    await nextTurn();
    const series = builder.series();
    // The intents by the titles of their routes in the page's language (الفواتير, not billing), as conversations show them.
    const wording = await context.flows.wording({});
    const language = pageLanguage(req);
    const intentTitles = Object.fromEntries(Object.keys(series.intents).flatMap((intent) => {
      const title = routeTitle(intent, wording, language);
      return title === undefined ? [] : [[intent, title]];
    }));
    // The team each intent's route hands to, so that the chart of intents draws one in its team's colour.
    const intentTeams: Record<string, string> = {};
    for (const step of context.flows.inService().flatMap((flow) => flow.steps)) {
      if (step.kind !== 'classify') continue;
      for (const route of step.spec.routes) if (route.intent in series.intents && !(route.intent in intentTeams)) intentTeams[route.intent] = route.team;
    }
    res.json({ ...report, series: { ...series, intentTitles, intentTeams } });
  });

  router.get('/reports.csv', async (req, res) => {
    const query = csvQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const builder = await built(context, between(query.data));
    res.set('content-type', 'text/csv; charset=utf-8');
    res.set('content-disposition', `attachment; filename="${csvFileName(builder.periodDays())}"`);
    res.send(builder.csv(query.data.lang));
  });
}

/**
 * The CSV's file name, by the period's days as the admin counts them, so that yesterday's and last week's do not
 * both come down as switchboard-report.csv: `switchboard-report-2026-12-05.csv`, `switchboard-report-2026-11-23-to-2026-12-06.csv`.
 */
function csvFileName({ first, last }: { first?: string; last?: string }): string {
  if (first === undefined || last === undefined) return 'switchboard-report.csv';
  return first === last ? `switchboard-report-${first}.csv` : `switchboard-report-${first}-to-${last}.csv`;
}

const between = ({ from, to, timeZone }: { from?: Date | undefined; to?: Date | undefined; timeZone?: string | undefined }): { from?: Date; to?: Date; timeZone?: string } =>
  ({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(timeZone ? { timeZone } : {}) });

/** How many conversations a report adds between two turns of the event loop (2-5 ms of work). */
const ADDED_PER_TURN = 2_000;

/**
 * The report of `period` with every conversation added, oldest first: read page by page (see `conversationsNewestFirst`),
 * then added a slice at a time, with a turn for the customers between two (100,000 conversations took 180 ms at once).
 */
async function built(context: AdminContext, period: { from?: Date; to?: Date; timeZone?: string }): Promise<ReportBuilder> {
  const { store, directory } = context;
  const agents = await agentNamedNow(store, directory);
  const builder = new ReportBuilder({ agents: directory.agents(), teams: directory.teams(), now: context.now(), removedAgents: agents.removed, ...period });
  const all: Conversation[] = [];
  const named = { team: await teamNamedNow(store), agent: agents.id };
  for await (const conversation of conversationsNewestFirst(store)) all.push(withNamesNow(await withHandler(store, conversation), named));
  for (let end = all.length; end > 0; end -= ADDED_PER_TURN) {
    for (let i = end - 1; i >= Math.max(0, end - ADDED_PER_TURN); i--) builder.add(all[i] as Conversation);
    await nextTurn();
  }
  return builder;
}

/**
 * A conversation an agent handed back to the bot, or passed to a queue, before conversations kept the agent who held
 * them (`handledBy`): with that agent, read from its timeline's last assignment, so the reports credit them as they
 * do for newer ones. Any other conversation as it is, without reading anything.
 */
async function withHandler(store: Store, conversation: Conversation): Promise<Conversation> {
  if (conversation.agentId !== undefined || conversation.handledBy !== undefined || conversation.assignedAt === undefined || conversation.takenOver) return conversation;
  const timeline = (await store.doc<TimelineEvent[]>(TIMELINES, String(conversation.id))) ?? [];
  const handledBy = timeline.filter((moment) => moment.type === 'assigned' && moment.agentId !== undefined).at(-1)?.agentId;
  return handledBy === undefined ? conversation : { ...conversation, handledBy };
}

/**
 * A conversation with the teams and agents it names as team.yaml names them now (`named`): one closed before its team
 * was renamed counts in the renamed team's row, and one closed before its agent was renamed (`Omar` → `Omar Khalid`) in
 * the renamed agent's, not in a row of the old name beside it.
 */
function withNamesNow(conversation: Conversation, named: { team: (team: string) => string; agent: (id: string) => string }): Conversation {
  const { team, firstResponseTeam, handOvers, agentId, handledBy, firstResponseBy } = conversation;
  const teams = [team, firstResponseTeam, ...(handOvers ?? []).map((handOver) => handOver.team)];
  const agents = [agentId, handledBy, firstResponseBy, ...(handOvers ?? []).map((handOver) => handOver.agent)];
  const same = (now: (name: string) => string) => (name: string | undefined) => name === undefined || now(name) === name;
  if (teams.every(same(named.team)) && agents.every(same(named.agent))) return conversation;
  const teamNow = (name: string | undefined) => (name === undefined ? undefined : named.team(name));
  // `firstResponseBy` of a person who is no agent (`admin:Nadia`) names no agent: kept as it is.
  const agentNow = (id: string | undefined) => (id === undefined || id.includes(':') ? id : named.agent(id));
  return {
    ...conversation,
    ...(team !== undefined ? { team: teamNow(team) } : {}),
    ...(firstResponseTeam !== undefined ? { firstResponseTeam: teamNow(firstResponseTeam) } : {}),
    ...(agentId !== undefined ? { agentId: agentNow(agentId) } : {}),
    ...(handledBy !== undefined ? { handledBy: agentNow(handledBy) } : {}),
    ...(firstResponseBy !== undefined ? { firstResponseBy: agentNow(firstResponseBy) } : {}),
    ...(handOvers ? { handOvers: handOvers.map((handOver) => ({ ...handOver, ...(handOver.team !== undefined ? { team: teamNow(handOver.team) } : {}), ...(handOver.agent !== undefined ? { agent: agentNow(handOver.agent) } : {}) })) } : {}),
  };
}
