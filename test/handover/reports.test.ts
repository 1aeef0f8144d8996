import { describe, expect, it } from 'vitest';
import { buildReport, buildSeries, midnightIn, ReportBuilder, reportCsv } from '../../src/handover/reports.ts';
import type { Team } from '../../src/handover/team.ts';
import { agent, conversation, queued } from './helpers.ts';

const teams: Team[] = [
  { name: 'Billing', strategy: 'least_open' },
  { name: 'Support', strategy: 'round_robin' },
  { name: 'Sales', strategy: 'round_robin' },
];
const agents = [agent('Omar', ['Billing', 'Support']), agent('Sara', ['Support']), agent('Lina', ['Billing'])];

// A morning on 2025-03-03 (UTC), reported at 11:00 for [00:00, 10:45).
const at = (time: string) => `2025-03-03T${time}:00.000Z`;
const timeline = [
  // Billing, Omar: assigned after 60 s, first reply after 180 s, closed after 1800 s.
  conversation(1, { team: 'Billing', agentId: 'omar', status: 'closed', stage: 'assigned', openedAt: at('09:00'), queuedAt: at('09:01'), assignedAt: at('09:01'), firstResponseAt: at('09:03'), closedAt: at('09:30'), closedBy: 'omar' }),
  // Billing, Lina: 120 s, 300 s, 3600 s.
  conversation(2, { team: 'Billing', agentId: 'lina', status: 'closed', stage: 'assigned', openedAt: at('09:10'), assignedAt: at('09:12'), firstResponseAt: at('09:15'), closedAt: at('10:10'), closedBy: 'lina' }),
  // Support, Omar: 300 s, 360 s, still open.
  conversation(3, { team: 'Support', agentId: 'omar', stage: 'assigned', openedAt: at('09:20'), assignedAt: at('09:25'), firstResponseAt: at('09:26') }),
  // Support, Sara: 600 s, no reply yet.
  conversation(4, { team: 'Support', agentId: 'sara', stage: 'assigned', openedAt: at('09:30'), assignedAt: at('09:40') }),
  // Waiting in Billing since 10:00 and in Support since 10:30.
  queued(5, 'Billing', at('10:00'), { openedAt: at('09:58') }),
  queued(6, 'Support', at('10:30'), { openedAt: at('10:29') }),
  // Sales: the bot closed it after 300 s (a flow's close step), no agent involved.
  conversation(7, { team: 'Sales', status: 'closed', openedAt: at('09:50'), closedAt: at('09:55'), closedBy: 'bot' }),
  // Outside the period: the day before, and after `to` (but waiting now, so in the queue figures).
  conversation(8, { team: 'Billing', agentId: 'omar', status: 'closed', stage: 'assigned', openedAt: '2025-03-02T15:00:00.000Z', assignedAt: '2025-03-02T15:00:10.000Z', closedAt: '2025-03-02T16:00:00.000Z', closedBy: 'omar' }),
  queued(9, 'Billing', at('10:50'), { openedAt: at('10:50') }),
];

const report = buildReport({ conversations: timeline, agents, teams, from: new Date(at('00:00')), to: new Date(at('10:45')), now: new Date(at('11:00')) });

describe('buildReport', () => {
  it('states its period and when it was made', () => {
    expect(report).toMatchObject({ from: at('00:00'), to: at('10:45'), generatedAt: at('11:00') });
  });

  it('counts the conversations opened in the period', () => {
    expect(report.total).toMatchObject({ opened: 7, closed: 3, resolved: 2, closedByBot: 1, autoClosed: 0, assigned: 4, stillOpen: 4 });
  });

  it('gives median and p90 of time to assignment, first response and resolution, in seconds', () => {
    expect(report.total.timeToAssignment).toEqual({ count: 4, median: 210, p90: 510 });
    expect(report.total.firstResponse).toEqual({ count: 3, median: 300, p90: 348 });
    expect(report.total.resolution).toEqual({ count: 2, median: 2700, p90: 3420 });
  });

  it('counts a conversation the customer left with the bot as closed, with no resolution time', () => {
    // Closed a day after the customer stopped answering the bot's question: nothing was resolved in that day.
    const left = conversation(10, { team: 'Sales', status: 'closed', openedAt: at('09:00'), closedAt: '2025-03-04T09:00:00.000Z', closedBy: 'auto' });
    const figures = buildReport({ conversations: [...timeline, left], agents, teams, from: new Date(at('00:00')), to: new Date(at('10:45')), now: new Date(at('11:00')) });
    // Closed after the period's end: it was open then.
    expect(figures.total).toMatchObject({ opened: 8, closed: 4, stillOpen: 5 });
    expect(figures.total.resolution).toEqual(report.total.resolution);
    expect(figures.teams.Sales?.resolution).toEqual(report.teams.Sales?.resolution);
  });

  it('counts as still open what was open at the end of a past period, though closed since, and not what it had closed', () => {
    // Last week, read today: #31 was open when the week ended and closed on Monday; #32 was closed within the week.
    const week = { from: new Date('2025-02-24T00:00:00.000Z'), to: new Date('2025-03-03T00:00:00.000Z') };
    const closedSince = conversation(31, { team: 'Billing', status: 'closed', openedAt: '2025-02-28T10:00:00.000Z', closedAt: at('09:00'), closedBy: 'omar' });
    const closedWithin = conversation(32, { team: 'Billing', status: 'closed', openedAt: '2025-02-28T11:00:00.000Z', closedAt: '2025-02-28T12:00:00.000Z', closedBy: 'omar' });
    const stillOpenNow = conversation(33, { team: 'Support', openedAt: '2025-02-28T12:00:00.000Z' });
    const lastWeek = buildReport({ conversations: [closedSince, closedWithin, stillOpenNow], agents, teams, ...week, now: new Date(at('11:00')) });
    expect(lastWeek.total).toMatchObject({ opened: 3, closed: 2, stillOpen: 2 });
    expect(lastWeek.teams.Billing).toMatchObject({ opened: 2, closed: 2, stillOpen: 1 });
    // A period that runs past now counts what is open now.
    const toNow = buildReport({ conversations: [closedSince, closedWithin, stillOpenNow], agents, teams, from: week.from, to: new Date('2025-03-10T00:00:00.000Z'), now: new Date(at('11:00')) });
    expect(toNow.total.stillOpen).toBe(1);
  });

  it('credits a first response to the team that gave it and the resolution to the team that closed it, and counts each hand-over for the team and agent that passed it on', () => {
    // Omar answered in Billing after 180 s and transferred it to Support, where the away Sara's customer waited too long
    // and it was passed on to Omar again, who closed it after 1800 s.
    const passed = conversation(40, {
      team: 'Support', agentId: 'omar', status: 'closed', stage: 'assigned', openedAt: at('09:00'), assignedAt: at('09:01'),
      firstResponseAt: at('09:03'), firstResponseBy: 'omar', firstResponseTeam: 'Billing', closedAt: at('09:30'), closedBy: 'omar',
      handOvers: [{ agent: 'omar', team: 'Billing', at: at('09:05') }, { agent: 'sara', team: 'Support', at: at('09:20') }],
    });
    const figures = buildReport({ conversations: [passed], agents, teams, from: new Date(at('00:00')), to: new Date(at('10:45')), now: new Date(at('11:00')) });
    expect(figures.total).toMatchObject({ opened: 1, handOvers: 2, firstResponse: { count: 1, median: 180, p90: 180 } });
    expect(figures.teams.Billing).toMatchObject({ opened: 0, handOvers: 1, firstResponse: { count: 1, median: 180, p90: 180 }, resolution: { count: 0 } });
    expect(figures.teams.Support).toMatchObject({ opened: 1, resolved: 1, handOvers: 1, firstResponse: { count: 0 }, resolution: { count: 1, median: 1800, p90: 1800 } });
    expect(figures.agents.omar).toMatchObject({ opened: 1, handOvers: 1, firstResponse: { count: 1 } });
    expect(figures.agents.sara).toMatchObject({ opened: 0, handOvers: 1 });
    expect(figures.teams.Sales).toMatchObject({ handOvers: 0 });
    // A conversation stored before the team of its first response was kept: to the team it is with.
    const older = buildReport({ conversations: [{ ...passed, firstResponseTeam: undefined }], agents, teams, now: new Date(at('11:00')) });
    expect(older.teams.Support?.firstResponse.count).toBe(1);
  });

  it('gives the figures per team, including a team with no agent work', () => {
    expect(report.teams.Billing).toEqual({
      opened: 3, closed: 2, resolved: 2, closedByBot: 0, autoClosed: 0, assigned: 2, stillOpen: 1, handOvers: 0, handOversByAdmin: 0,
      timeToAssignment: { count: 2, median: 90, p90: 114 },
      firstResponse: { count: 2, median: 240, p90: 288 },
      resolution: { count: 2, median: 2700, p90: 3420 },
    });
    expect(report.teams.Support).toEqual({
      opened: 3, closed: 0, resolved: 0, closedByBot: 0, autoClosed: 0, assigned: 2, stillOpen: 3, handOvers: 0, handOversByAdmin: 0,
      timeToAssignment: { count: 2, median: 450, p90: 570 },
      firstResponse: { count: 1, median: 360, p90: 360 },
      resolution: { count: 0, median: null, p90: null },
    });
    expect(report.teams.Sales).toEqual({
      opened: 1, closed: 1, resolved: 0, closedByBot: 1, autoClosed: 0, assigned: 0, stillOpen: 0, handOvers: 0, handOversByAdmin: 0,
      timeToAssignment: { count: 0, median: null, p90: null },
      firstResponse: { count: 0, median: null, p90: null },
      resolution: { count: 0, median: null, p90: null },
    });
  });

  it('gives the figures per agent, by the agent holding the conversation', () => {
    expect(report.agents.omar).toEqual({
      name: 'Omar',
      opened: 2, closed: 1, resolved: 1, closedByBot: 0, autoClosed: 0, assigned: 2, stillOpen: 1, handOvers: 0, handOversByAdmin: 0,
      timeToAssignment: { count: 2, median: 180, p90: 276 },
      firstResponse: { count: 2, median: 270, p90: 342 },
      resolution: { count: 1, median: 1800, p90: 1800 },
    });
    expect(report.agents.sara).toMatchObject({ name: 'Sara', opened: 1, timeToAssignment: { count: 1, median: 600, p90: 600 }, firstResponse: { count: 0, median: null, p90: null } });
    expect(report.agents.lina).toMatchObject({ name: 'Lina', opened: 1, closed: 1, resolution: { count: 1, median: 3600, p90: 3600 } });
  });

  it('shows the queues as they are now, whatever the period', () => {
    expect(report.queue).toEqual({
      Billing: { waiting: 2, longestWaitSeconds: 3600 },
      Support: { waiting: 1, longestWaitSeconds: 1800 },
      Sales: { waiting: 0, longestWaitSeconds: 0 },
    });
  });

  it('includes idle teams and agents with zeros', () => {
    const quiet = buildReport({ conversations: [], agents, teams, now: new Date(at('11:00')) });
    expect(quiet.from).toBeNull();
    expect(quiet.teams.Sales).toEqual({
      opened: 0, closed: 0, resolved: 0, closedByBot: 0, autoClosed: 0, assigned: 0, stillOpen: 0, handOvers: 0, handOversByAdmin: 0,
      timeToAssignment: { count: 0, median: null, p90: null },
      firstResponse: { count: 0, median: null, p90: null },
      resolution: { count: 0, median: null, p90: null },
    });
    expect(Object.keys(quiet.agents)).toEqual(['omar', 'sara', 'lina']);
  });

  it('counts every conversation when the period has no bounds', () => {
    const all = buildReport({ conversations: timeline, agents, teams, now: new Date(at('11:00')) });
    expect(all.total.opened).toBe(9);
    expect(all.agents.omar?.timeToAssignment).toEqual({ count: 3, median: 60, p90: 252 });
  });

  it('keeps conversations of teams and agents that team.yaml no longer lists', () => {
    const old = conversation(20, { team: 'Returns', agentId: 'nadia', stage: 'assigned', openedAt: at('09:00'), assignedAt: at('09:02') });
    const withOld = buildReport({ conversations: [old], agents, teams, now: new Date(at('11:00')) });
    expect(withOld.teams.Returns).toMatchObject({ opened: 1, timeToAssignment: { count: 1, median: 120, p90: 120 } });
    expect(withOld.agents.nadia).toMatchObject({ name: 'nadia', opened: 1 });
  });

  it('groups a team spelled in another case with the configured team', () => {
    const lower = conversation(21, { team: 'billing', openedAt: at('09:00') });
    expect(buildReport({ conversations: [lower], agents, teams, now: new Date(at('11:00')) }).teams.Billing?.opened).toBe(1);
  });
});

describe('resolution, over the conversations a person closed', () => {
  // Opened at 09:00: Omar closes one after 10 min, an admin one after 20 min; a flow's "no agent free within 30
  // minutes" closes one after 30 min, and inactivity one Omar held after 4 h.
  const closes = [
    conversation(1, { team: 'Billing', agentId: 'omar', stage: 'assigned', assignedAt: at('09:01'), status: 'closed', closedAt: at('09:10'), closedBy: 'omar' }),
    conversation(2, { team: 'Billing', agentId: 'lina', stage: 'assigned', assignedAt: at('09:01'), status: 'closed', closedAt: at('09:20'), closedBy: 'admin:Nadia' }),
    conversation(3, { team: 'Billing', stage: 'queued', queuedAt: at('09:00'), status: 'closed', closedAt: at('09:30'), closedBy: 'bot', closingNote: 'no agent free within 30 minutes' }),
    conversation(4, { team: 'Billing', agentId: 'omar', stage: 'assigned', assignedAt: at('09:01'), status: 'closed', closedAt: '2025-03-03T13:00:00.000Z', closedBy: 'auto' }),
  ];
  const closed = buildReport({ conversations: closes, agents, teams, now: new Date(at('14:00')) });

  it('leaves out closes by the bot and after inactivity, and counts them apart', () => {
    expect(closed.total).toMatchObject({ closed: 4, resolved: 2, closedByBot: 1, autoClosed: 1, resolution: { count: 2, median: 900, p90: 1140 } });
    expect(closed.teams.Billing).toMatchObject({ closed: 4, resolved: 2, closedByBot: 1, autoClosed: 1, resolution: { count: 2, median: 900 } });
    expect(closed.agents.omar).toMatchObject({ closed: 2, resolved: 1, autoClosed: 1, resolution: { count: 1, median: 600 } });
  });

  it('does not count a web chat customer who left (New visitor) as resolved by the agent who held them', () => {
    const left = conversation(5, { team: 'Billing', agentId: 'omar', stage: 'assigned', assignedAt: at('09:01'), status: 'closed', closedAt: at('09:05'), closedBy: 'contact', closingNote: 'the customer left the chat' });
    const figures = buildReport({ conversations: [...closes, left], agents, teams, now: new Date(at('14:00')) });
    expect(figures.total).toMatchObject({ closed: 5, resolved: 2, closedByBot: 2, resolution: closed.total.resolution });
    expect(figures.agents.omar).toMatchObject({ closed: 3, resolved: 1 });
  });

  it('draws and exports the same rule by day', () => {
    const period = { conversations: closes, teams, from: new Date('2025-03-03'), to: new Date('2025-03-04'), now: new Date(at('14:00')) };
    expect(buildSeries(period).resolutionSeconds).toEqual([900]);
    const [header, all] = reportCsv(period).split('\r\n');
    expect(header).toBe('day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent');
    expect(all).toBe('2025-03-03,all,4,4,3,,900,2,1,1,0,0,0,');
  });
});

describe('per agent, after a hand back', () => {
  it('credits the agent who held a conversation handed back to the bot or passed to a queue, once', () => {
    const handedBack = conversation(1, { team: 'Support', stage: 'bot', handledBy: 'sara', assignedAt: at('09:01'), firstResponseAt: at('09:02') });
    const passedOn = conversation(2, { team: 'Billing', stage: 'queued', queuedAt: at('09:10'), handledBy: 'omar', assignedAt: at('09:01'), firstResponseAt: at('09:03') });
    const heldNow = conversation(3, { team: 'Billing', stage: 'assigned', agentId: 'lina', handledBy: 'lina', assignedAt: at('09:01') });
    const credited = buildReport({ conversations: [handedBack, passedOn, heldNow], agents, teams, now: new Date(at('11:00')) });
    expect(credited.agents.sara).toMatchObject({ opened: 1, assigned: 1, firstResponse: { count: 1, median: 120 } });
    expect(credited.agents.omar).toMatchObject({ opened: 1, firstResponse: { count: 1, median: 180 } });
    expect(credited.agents.lina).toMatchObject({ opened: 1 });
    expect(Object.values(credited.agents).reduce((sum, figures) => sum + figures.opened, 0)).toBe(credited.total.opened);
  });
});

describe('series by day and CSV', () => {
  it('counts each day\'s conversations by team and intent, with the medians of that day', () => {
    const series = buildSeries({ conversations: timeline.map((c, i) => (i === 0 ? { ...c, intent: 'billing' } : c)), teams, from: new Date('2025-03-02'), to: new Date('2025-03-04'), now: new Date(at('11:00')) });
    expect(series.days).toEqual(['2025-03-02', '2025-03-03']);
    expect(series.conversationsByTeam.Billing).toEqual([1, 4]);
    expect(series.conversationsByTeam.Support).toEqual([0, 3]);
    expect(series.intents).toEqual({ billing: [0, 1] });
    expect(series.firstResponseSeconds).toEqual([null, 300]);
    expect(series.resolutionSeconds[0]).toBe(3600);
  });

  it('counts a conversation passed to another team for each team on the day it took it, its first response for the team that gave it', () => {
    // Opened to Billing on the 2nd, where Lina answered in 2 minutes; she passed it to Support on the 3rd, and Sara
    // closed it. Before, the chart had it in Support on the 2nd, and Billing never.
    const passed = conversation(1, {
      team: 'Support', agentId: 'sara', stage: 'assigned', status: 'closed', closedBy: 'sara', openedAt: '2025-03-02T09:00:00.000Z', assignedAt: '2025-03-02T09:01:00.000Z',
      firstResponseAt: '2025-03-02T09:02:00.000Z', firstResponseBy: 'lina', firstResponseTeam: 'Billing', closedAt: at('10:00'),
      handOvers: [{ agent: 'lina', team: 'Billing', at: at('09:00') }],
    });
    // Opened before the period, passed to Sales within it: Sales's work of the 3rd.
    const older = conversation(2, { team: 'Sales', stage: 'queued', openedAt: '2025-02-20T09:00:00.000Z', handOvers: [{ agent: 'omar', team: 'Billing', at: at('09:30') }] });
    // Passed on within its team (its agent was away): one taking.
    const sameTeam = conversation(3, { team: 'Billing', stage: 'queued', openedAt: at('08:00'), handOvers: [{ agent: 'omar', team: 'Billing', at: at('08:30') }] });
    const period = { conversations: [passed, sameTeam, older], teams, from: new Date('2025-03-02'), to: new Date('2025-03-04'), now: new Date(at('11:00')) };
    const series = buildSeries(period);
    expect(series.conversationsByTeam).toEqual({ Billing: [1, 1], Support: [0, 1], Sales: [0, 1] });
    expect(series.firstResponseSeconds).toEqual([120, null]);
    // The CSV's day rows by team count what the chart draws (an admin comparing the two found Billing's Monday 0 in the
    // CSV and 1 in the chart): Billing keeps the first response it gave on the 2nd, Support the close of the 3rd.
    const rows = reportCsv(period).split('\r\n');
    const opened = (day: string, team: string) => Number(rows.find((row) => row.startsWith(`${day},${team},`))?.split(',')[2]);
    for (const [team, counts] of Object.entries(series.conversationsByTeam)) expect(series.days.map((day) => opened(day, team)), team).toEqual(counts);
    expect(rows.find((row) => row.startsWith('2025-03-02,Billing,'))).toBe('2025-03-02,Billing,1,0,0,120,,0,0,0,0,1,0,');
    expect(rows.find((row) => row.startsWith('2025-03-03,Support,'))).toBe('2025-03-03,Support,1,1,1,,90000,1,0,0,0,0,0,');
    expect(rows.find((row) => row.startsWith('2025-03-03,Sales,'))).toBe('2025-03-03,Sales,1,0,0,,,0,0,0,1,0,0,');
  });

  it('counts intents named like Object properties, and leaves nothing behind for the next report', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const named = ['__proto__', 'toString', 'constructor'].map((intent, i) => conversation(i + 1, { intent, openedAt: '2026-11-10T10:00:00Z' }));
    const series = buildSeries({ conversations: [...named, conversation(9, { openedAt: '2026-11-25T10:00:00Z' })], teams, now });
    expect(Object.keys(series.intents)).toEqual(['__proto__', 'toString', 'constructor']);
    expect(Object.values(series.intents).map((days) => days.reduce((a, b) => a + b))).toEqual([1, 1, 1]);
    expect(JSON.parse(JSON.stringify(series)).intents.__proto__).toHaveLength(30);
    // A later report over a shorter period (an earlier one once set numbered keys on Object.prototype).
    const week = buildSeries({ conversations: named, teams, from: new Date('2026-11-01'), to: new Date('2026-11-08'), now });
    expect(week.days).toHaveLength(7);
    expect(week.conversationsByTeam).toEqual({ Billing: Array(7).fill(0), Support: Array(7).fill(0), Sales: Array(7).fill(0) });
    expect(({} as Record<string, unknown>)[9]).toBeUndefined();
  });

  it('counts days of 23 and 25 hours where the admin\'s clocks change, each conversation on the day its clock showed', () => {
    // Berlin moves to summer time at 02:00 on 29 March 2026 and back at 03:00 on 25 October.
    expect(new Date(midnightIn('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(midnightIn('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(midnightIn('2026-10-26', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    const opened = ['2026-03-28T23:30:00Z', '2026-03-29T21:59:00Z', '2026-03-29T22:30:00Z'].map((openedAt, i) => conversation(i + 1, { team: 'Billing', openedAt }));
    const series = buildSeries({ conversations: opened, teams, from: new Date(midnightIn('2026-03-29', 'Europe/Berlin')), to: new Date(midnightIn('2026-03-31', 'Europe/Berlin')), now: new Date('2026-04-01T00:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(series.days).toEqual(['2026-03-29', '2026-03-30']);
    expect(series.conversationsByTeam.Billing).toEqual([2, 1]);
  });

  it('gives an admin in Riyadh asking at 23:50 for yesterday the conversations of their yesterday, by Riyadh\'s clock, in the figures, the series and the CSV', () => {
    // Riyadh is UTC+3. It is 23:50 on 6 December there; yesterday is the 5th, from 21:00 UTC on the 4th.
    const riyadh = (day: string, time: string) => new Date(Date.parse(`${day}T${time}:00+03:00`)).toISOString();
    const conversations = [
      conversation(1, { team: 'Billing', openedAt: riyadh('2026-12-04', '23:50') }),
      conversation(2, { team: 'Billing', openedAt: riyadh('2026-12-05', '00:10'), status: 'closed', closedBy: 'omar', agentId: 'omar', stage: 'assigned', assignedAt: riyadh('2026-12-05', '00:11'), closedAt: riyadh('2026-12-05', '00:40') }),
      // Closed after yesterday ended there: still open at its end.
      conversation(3, { team: 'Support', openedAt: riyadh('2026-12-05', '23:55'), status: 'closed', closedBy: 'sara', closedAt: riyadh('2026-12-06', '00:30') }),
      conversation(4, { team: 'Billing', openedAt: riyadh('2026-12-06', '00:05') }),
    ];
    const from = new Date(midnightIn('2026-12-05', 'Asia/Riyadh'));
    const to = new Date(midnightIn('2026-12-06', 'Asia/Riyadh'));
    expect([from.toISOString(), to.toISOString()]).toEqual(['2026-12-04T21:00:00.000Z', '2026-12-05T21:00:00.000Z']);
    const builder = ReportBuilder.over({ conversations, agents, teams, from, to, now: new Date(riyadh('2026-12-06', '23:50')), timeZone: 'Asia/Riyadh' });
    expect(builder.report().total).toMatchObject({ opened: 2, closed: 2, resolved: 2, stillOpen: 1 });
    expect(builder.series()).toMatchObject({ days: ['2026-12-05'], conversationsByTeam: { Billing: [1], Support: [1] } });
    const rows = builder.csv().split('\r\n');
    expect(rows[1]).toBe('2026-12-05,all,2,2,1,,1950,2,0,0,1,0,0,');
    expect(rows.filter((row) => row.startsWith('2026-12-05/2026-12-05,all,'))).toEqual(['2026-12-05/2026-12-05,all,2,2,1,,1950,2,0,0,1,0,0,']);
  });

  it('reads the conversations afresh at each call, as they are then', () => {
    const list = [conversation(1, { openedAt: at('09:00'), firstResponseAt: at('09:01') })];
    const period = { agents, teams, from: new Date(at('00:00')), to: new Date(at('10:45')), now: new Date(at('11:00')) };
    expect(buildReport({ conversations: list, ...period }).total).toMatchObject({ opened: 1, closed: 0, firstResponse: { median: 60 } });
    Object.assign(list[0]!, { status: 'closed', closedAt: at('10:00'), closedBy: 'omar', firstResponseAt: at('09:10') });
    list.push(conversation(2, { openedAt: at('09:30') }));
    expect(buildReport({ conversations: list, ...period }).total).toMatchObject({ opened: 2, closed: 1, firstResponse: { median: 600 }, resolution: { count: 1, median: 3600 } });
  });

  it('keeps a team name that a spreadsheet would run as a formula as plain text', () => {
    const csv = reportCsv({ conversations: [conversation(1, { team: '=HYPERLINK("http://x")', openedAt: at('09:00') })], teams: [], from: new Date('2025-03-03'), to: new Date('2025-03-04'), now: new Date(at('11:00')) });
    expect(csv.split('\r\n')[2]).toBe(`2025-03-03,"'=HYPERLINK(""http://x"")",1,0,0,,,0,0,0,1,0,0,`);
  });

  it('gives the period\'s rows per team and per agent, still open and passed on included, each name one cell as a spreadsheet reads it, none run as a formula', () => {
    // Names an admin may give: Arabic, with a comma and quotes, and ones a spreadsheet would take for a formula (a DDE
    // call that starts like a number included).
    const names = ['ليلى', 'Smith, "Jo"', '-2+3+cmd|\' /C calc\'!A0', '@SUM(A1)', '+1 555', '\t=1+1'];
    const people = names.map((name, i) => agent(`a${i}`, ['Billing'], { name }));
    const passedOn = { handOvers: [{ agent: 'a1', team: 'Billing', at: at('09:05') }] };
    const held = people.map((person, i) => conversation(i + 1, { team: i === 0 ? 'Support' : 'Billing', agentId: person.id, stage: 'assigned', assignedAt: at('09:01'), openedAt: at('09:00'), ...(i === 0 ? passedOn : {}) }));
    const builder = ReportBuilder.over({ conversations: held, agents: people, teams: [...teams, { name: '=Sales, "East"', strategy: 'round_robin' }], from: new Date('2025-03-03'), to: new Date('2025-03-04'), now: new Date(at('11:00')) });
    const rows = parseCsv(builder.csv());
    expect(rows[0]).toEqual(['day', 'team', 'opened', 'closed', 'assigned', 'first_response_median_seconds', 'resolution_median_seconds', 'resolved', 'closed_by_bot', 'auto_closed', 'still_open', 'passed_on', 'passed_on_by_admin', 'agent']);
    // The day's, then the period's: all teams, each team (Billing took the one it passed to Support that day too, as
    // the chart counts it), each agent, as the page's tables.
    expect(rows.slice(1, 6).map((row) => [row[0], row[1], row[2], row[10], row[11]])).toEqual([
      ['2025-03-03', 'all', '6', '6', '1'], ['2025-03-03', 'Billing', '6', '5', '1'], ['2025-03-03', 'Support', '1', '1', '0'], ['2025-03-03', 'Sales', '0', '0', '0'], ['2025-03-03', `'=Sales, "East"`, '0', '0', '0'],
    ]);
    const period = rows.filter((row) => row[0] === '2025-03-03/2025-03-03');
    expect(period.slice(0, 3).map((row) => [row[1], row[2], row[10], row[11], row[13]])).toEqual([['all', '6', '6', '1', ''], ['Billing', '5', '5', '1', ''], ['Support', '1', '1', '0', '']]);
    expect(period.slice(5).map((row) => [row[1], row[13], row[2], row[10], row[11]])).toEqual([
      ['', 'ليلى', '1', '1', '0'], ['', 'Smith, "Jo"', '1', '1', '1'], ['', `'-2+3+cmd|' /C calc'!A0`, '1', '1', '0'], ['', "'@SUM(A1)", '1', '1', '0'], ['', "'+1 555", '1', '1', '0'], ['', "'\t=1+1", '1', '1', '0'],
    ]);
    // Every row as long as the header: no name split into two cells.
    expect(new Set(rows.slice(0, -1).map((row) => row.length))).toEqual(new Set([14]));
  });
});

describe('medians and p90s over many conversations', () => {
  /** numpy's default percentile, by sorting: what the report's selection must agree with. */
  const byNumpy = (values: number[], p: number): number | null => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = p * (sorted.length - 1);
    const below = sorted[Math.floor(rank)]!;
    const above = sorted[Math.ceil(rank)]!;
    return Math.round((below + (above - below) * (rank - Math.floor(rank))) * 1000) / 1000;
  };

  it('agree with sorting, for every group size, ties and missing times included', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const opened = Date.parse('2025-03-03T08:00:00.000Z');
    const later = (ms: number) => new Date(opened + ms).toISOString();
    for (let round = 0; round < 40; round++) {
      const count = 1 + Math.floor(random() * (round < 20 ? 12 : 2_000));
      // Few distinct durations in some rounds: ties at the ranks the percentiles read.
      const spread = round % 3 === 0 ? 5_000 : 3_600_000;
      const conversations = Array.from({ length: count }, (_, i) => {
        const assigned = random() < 0.8;
        return conversation(i + 1, {
          team: ['Billing', 'Support', 'Sales'][Math.floor(random() * 3)],
          ...(assigned ? { agentId: ['omar', 'sara', 'lina'][Math.floor(random() * 3)], assignedAt: later(Math.floor(random() * spread / 1000) * 1000) } : {}),
          ...(assigned && random() < 0.7 ? { firstResponseAt: later(Math.floor(random() * spread)) } : {}),
          ...(random() < 0.6 ? { status: 'closed' as const, closedAt: later(Math.floor(random() * spread)), closedBy: ['omar', 'admin:Nadia', 'bot', 'auto'][Math.floor(random() * 4)] } : {}),
          openedAt: later(0),
        });
      });
      const result = buildReport({ conversations, agents, teams, now: new Date(opened + 7_200_000) });
      // Resolution is over the closes of a person only.
      const seconds = (list: typeof conversations, field: 'assignedAt' | 'firstResponseAt' | 'closedAt') =>
        list.flatMap((c) => (c[field] === undefined || (field === 'closedAt' && ['bot', 'auto'].includes(c.closedBy ?? '')) ? [] : [(Date.parse(c[field] as string) - opened) / 1000]));
      const expectFigures = (figures: typeof result.total, list: typeof conversations) => {
        for (const [name, field] of [['timeToAssignment', 'assignedAt'], ['firstResponse', 'firstResponseAt'], ['resolution', 'closedAt']] as const) {
          const values = seconds(list, field);
          expect(figures[name], `${name} of ${values.length} in round ${round}`).toEqual({ count: values.length, median: byNumpy(values, 0.5), p90: byNumpy(values, 0.9) });
        }
      };
      expectFigures(result.total, conversations);
      for (const team of teams) expectFigures(result.teams[team.name]!, conversations.filter((c) => c.team === team.name));
      for (const id of ['omar', 'sara', 'lina']) expectFigures(result.agents[id]!, conversations.filter((c) => c.agentId === id));
    }
  });
});

/** The cells of a CSV as a spreadsheet reads them (RFC 4180: quoted cells, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') rows.at(-1)!.push(cell), (cell = '');
    else if (char === '\r' && text[i + 1] === '\n') rows.at(-1)!.push(cell), (cell = ''), rows.push([]), i++;
    else cell += char;
  }
  return rows;
}
