// Reports: the figures of a date range (default: the last 14 days), charts by day (conversations by team, median
// first response time, median resolution time, intents), each team's and agent's figures, and the same as CSV. The "to" day
// is included; the days are those of the browser's time zone, a period to today follows the clock past midnight, and
// the figures follow the conversations as the live stream tells of them.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { api, query, timeZone, type Durations, type Figures, type Report } from '../api.ts';
import { duration, lang, named, reportDay, t, type StringKey } from '../i18n.ts';
import { TeamName, teamShown, useTeamTitles } from '../teams.tsx';
import { throttle, useLive } from '../live.ts';
import { Loading, useLoad } from '../ui.tsx';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** How long after a conversation changed the figures are asked for again, once for all the changes in between. */
const LIVE_REFRESH_MS = 5000;

/** The colours of the names of a chart (teams, intents), one each in their order. */
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
/**
 * The colour of a chart of one figure (median first response, resolution): none of the teams', so that an admin who
 * has just read the chart of conversations by team beside it does not read a team into it (resolution was drawn in
 * the orange of the third team, Sales).
 */
const FIGURE_COLOR = '#475569';

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The day it is now where the admin is (`2026-12-06`), not in UTC: at 01:00 in Riyadh, today is not yesterday. */
function today(): string {
  const now = new Date();
  return day(new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())));
}

/** The days of `period` once `before` has turned into `now`: a period to today still ends today, as long; any other stays. */
function followDay<T extends { from: string; to: string }>(period: T, before: string, now: string): T {
  if (period.to !== before) return period;
  const days = Math.round((Date.parse(`${before}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / 86_400_000);
  return { ...period, from: addDays(now, -days), to: now };
}

function addDays(text: string, days: number): string {
  const date = new Date(`${text}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return day(date);
}

/** Whether a chart has nothing to draw: only gaps, and for counts only zeros (a time of 0 s is a time). */
function isEmpty(config: ChartConfiguration, times: boolean): boolean {
  const nothing = times ? (value: number | null) => value === null : (value: number | null) => !value;
  return config.data.datasets.every((dataset) => (dataset.data as (number | null)[]).every(nothing));
}

/**
 * The unit a chart of times in seconds reads in, by the longest it draws, as the figures above it are worded: seconds
 * under 2 minutes, minutes under 2 hours, else hours. Whole minutes rounded 4 s and 7 s to one height, and 2 s to 0.
 *
 *     timeUnit([4, 7, null]); // { name: 'inSeconds', seconds: 1 }
 */
function timeUnit(values: readonly (number | null)[]): { name: StringKey; seconds: number } {
  const longest = Math.max(0, ...values.filter((value): value is number => value !== null));
  if (longest < 120) return { name: 'inSeconds', seconds: 1 };
  return longest < 7200 ? { name: 'inMinutes', seconds: 60 } : { name: 'inHours', seconds: 3600 };
}

/** The room one day's label ("Dec 14", "14 ديسمبر") takes on the axis, gap included. */
const LABEL_WIDTH = 72;

/**
 * The label of the day at `index` on an axis `width` pixels long: the day in the page's language ("Dec 5", "5 ديسمبر"),
 * as the tables write dates, or '' where the days are too many to label
 * each. Counted from the range's last day (today, by default), so it always has its label; Chart.js's own skipping
 * counts from the first, and left today's bar unnamed every other day. `newestFirst`: the days run from the last.
 *
 *     dayLabel(days, days.length - 1, 300); // 'Dec 5'
 */
function dayLabel(days: readonly string[], index: number, width: number, newestFirst: boolean): string {
  const every = Math.ceil(days.length / Math.max(1, Math.floor(width / LABEL_WIDTH)));
  const fromLast = newestFirst ? index : days.length - 1 - index;
  const day = days[index];
  return fromLast % every === 0 && day !== undefined ? reportDay(day, 'short') : '';
}

/**
 * A chart as an Arabic page draws it: the days from the right (today on the left), the value axis on the right. The
 * data are turned around, not the axis: Chart.js makes room for the end labels by the first and last days, and with
 * `reverse` it made it on the wrong sides (today's label was cut at the left edge on a phone).
 */
function rightToLeft(config: ChartConfiguration<'bar'>): ChartConfiguration<'bar'> {
  const datasets = config.data.datasets.map((dataset) => ({ ...dataset, data: [...dataset.data].reverse() }));
  return { ...config, data: { ...config.data, labels: [...(config.data.labels ?? [])].reverse(), datasets } };
}

/**
 * One chart of bars by day, drawn again when its configuration changes, and in the page's direction: counts stacked
 * (a day's teams add up to its conversations); `times`, one median time a day, its name in the title, so no legend.
 */
function ChartBox({ title, config, times = false, whole = !times, note }: { title: string; config: ChartConfiguration<'bar'>; times?: boolean; whole?: boolean; note?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const empty = isEmpty(config as ChartConfiguration, times);
  useEffect(() => {
    if (empty) return;
    const rtl = lang() === 'ar';
    const drawn = rtl ? rightToLeft(config) : config;
    // Days in the page's words on the axis, as many as fit; the tooltip says the whole date.
    const labels = (drawn.data.labels ?? []) as string[];
    const chart = new Chart(canvas.current!, {
      ...drawn,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // Numbers on the axes and in the tooltips as the page writes them, whatever the browser's language.
        locale: lang(),
        ...config.options,
        // Turned around, side by side bars are listed back in their own order.
        plugins: { legend: { rtl, position: 'bottom', display: !times }, tooltip: { rtl, ...config.options?.plugins?.tooltip, callbacks: { title: (items: { label: string }[]) => reportDay(items[0]?.label ?? '', 'whole'), ...config.options?.plugins?.tooltip?.callbacks } } },
        scales: {
          x: { stacked: !times, ticks: { maxRotation: 0, autoSkip: false, callback: function (this: { width: number }, _value: unknown, index: number) { return dayLabel(labels, index, this.width, rtl); } } },
          y: { beginAtZero: true, stacked: !times, position: rtl ? 'right' : 'left', ...(whole ? { ticks: { precision: 0 } } : {}) },
        },
      },
    } as ChartConfiguration);
    return () => chart.destroy();
  }, [config, empty, times, whole, lang()]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {note ? <p class="chart-note muted">{note}</p> : null}
      {empty ? <p class="muted">{t('noData')}</p> : <div class="chart-area"><canvas ref={canvas} role="img" aria-label={title} /></div>}
    </figure>
  );
}

/** The conversations of no team, as the API names them in `conversationsByTeam`. */
const NO_TEAM = '(no team)';

/** Bars by name (team, intent), each in its colour (`colours`, by name), labelled as `label` words the name. */
function datasets(series: Record<string, number[]>, label: (name: string) => string, colours: Record<string, string>) {
  return Object.entries(series).map(([name, data]) => ({ label: label(name), data, backgroundColor: colours[name], borderColor: colours[name] }));
}

/**
 * The colour of each team, in the order the chart of conversations by team lists them, and of each intent: its route's
 * team's, as that chart draws it beside ("Billing" is one colour in both); else, and for a second intent of the same
 * team, one no team and no other intent has. The intents were coloured in their own order, and billing was drawn in
 * the colour Support had beside it.
 *
 *     colours({ conversationsByTeam: { Support: [], Billing: [] }, intents: { billing: [] }, intentTeams: { billing: 'Billing' } }).intents.billing; // '#16a34a'
 */
function colours(series: Pick<NonNullable<Report['series']>, 'conversationsByTeam' | 'intents' | 'intentTeams'>): { teams: Record<string, string>; intents: Record<string, string> } {
  const teams = Object.fromEntries(Object.keys(series.conversationsByTeam).map((team, index) => [team, COLORS[index % COLORS.length]!]));
  const taken = new Set(Object.values(teams));
  let next = Object.keys(teams).length;
  const intents: Record<string, string> = {};
  for (const intent of Object.keys(series.intents)) {
    const team = series.intentTeams?.[intent];
    const theirs = team === undefined ? undefined : teams[team];
    if (theirs !== undefined && !Object.values(intents).includes(theirs)) {
      intents[intent] = theirs;
      continue;
    }
    const free = COLORS.find((colour) => !taken.has(colour));
    intents[intent] = free ?? COLORS[next++ % COLORS.length]!;
    taken.add(intents[intent]);
  }
  return { teams, intents };
}

/**
 * The intents in the order their routes' teams have in the chart of conversations by team beside them, so that both
 * legends (and bars) read alike (Sales, Support, Billing in both, not Billing, Support, Sales under the intents); those
 * of no team there after them, in their own order.
 *
 *     inTeamOrder({ conversationsByTeam: { Sales: [], Billing: [] }, intents: { billing: [], sales: [] }, intentTeams: { billing: 'Billing', sales: 'Sales' } }); // { sales: [], billing: [] }
 */
function inTeamOrder(series: Pick<NonNullable<Report['series']>, 'conversationsByTeam' | 'intents' | 'intentTeams'>): Record<string, number[]> {
  const teams = Object.keys(series.conversationsByTeam);
  const place = (intent: string) => {
    const index = teams.indexOf(series.intentTeams?.[intent] ?? '');
    return index < 0 ? teams.length : index;
  };
  return Object.fromEntries(Object.entries(series.intents).sort(([a], [b]) => place(a) - place(b)));
}

function Figure({ label, value, note }: { label: string; value: string | number; note?: string }) {
  return <div class="figure"><div class="value">{value}</div><div class="label">{label}</div>{note ? <div class="note">{note}</div> : null}</div>;
}

/** How many times they were passed on, and how many of those an admin made: "4 (1 by an admin)". */
function passedOn(figures: Figures): string {
  const byAdmin = figures.handOversByAdmin;
  return byAdmin > 0 ? `${figures.handOvers} (${t('passedOnByAdmin', { n: byAdmin })})` : String(figures.handOvers);
}

function median(durations: Durations): string {
  return durations.median === null ? t('none') : duration(durations.median);
}

/**
 * The period's figures of each team or agent, one row each, under the words of the figures above (on a phone, each
 * row a card whose lines say what they are). Names as written, isolated: an Arabic name beside Latin figures, or a Latin
 * one in the Arabic page, keeps its place.
 */
function FiguresTable({ kind, title, rows, note }: { kind: 'teams' | 'agents'; title: string; rows: [string, Figures][]; note?: string }) {
  if (rows.length === 0) return null;
  const columns: [StringKey, (figures: Figures) => string | number][] = [
    ['opened', (f) => f.opened], ['closedCount', (f) => f.closed], ['assignedCount', (f) => f.assigned], ['stillOpen', (f) => f.stillOpen],
    ['firstResponse', (f) => median(f.firstResponse)], ['resolution', (f) => median(f.resolution)], ['handOvers', passedOn],
  ];
  const name = kind === 'teams' ? t('team') : t('agent');
  return (
    <section class={`figures-table ${kind}`}>
      <h2>{title}</h2>
      {note ? <p class="muted">{note}</p> : null}
      <table class="list">
        <thead><tr><th>{name}</th>{columns.map(([key]) => <th>{t(key)}</th>)}</tr></thead>
        <tbody>
          {rows.map(([label, figures]) => (
            <tr>
              <td data-label={name}>{kind === 'teams' ? <TeamName name={label} /> : <bdi>{label}</bdi>}</td>
              {columns.map(([key, value]) => <td data-label={t(key)} class="number">{value(figures)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A day of the range, shown in the page's language ("Dec 5, 2026", "5 ديسمبر 2026") whatever the browser's: a date
 * input writes its day as the browser's locale does (12/05/2026 in an Arabic page). The input lies over the words,
 * unseen, so a tap or a click opens the browser's own calendar, and the keyboard still types the day.
 */
function DayField({ name, label, value, min, max, onPick }: { name: string; label: string; value: string; min?: string; max?: string; onPick: (day: string) => void }) {
  return (
    <label class="day-field">
      {label}{' '}
      <span class="day-box">
        <span class="day-shown" aria-hidden="true">{reportDay(value, 'whole')}</span>
        <input type="date" name={name} value={value} min={min} max={max} aria-label={`${label} ${reportDay(value, 'whole')}`}
          onClick={(e) => { try { e.currentTarget.showPicker(); } catch { /* Opened by the browser itself, or not allowed here. */ } }}
          onInput={(e) => e.currentTarget.value && onPick(e.currentTarget.value)} />
      </span>
    </label>
  );
}

export function ReportsPage() {
  // Today where the admin is, following the clock (looked at every 30 s): the page once kept the day it was loaded on.
  const shownOn = useRef(today());
  const [day, setDay] = useState(shownOn.current);
  const [range, setRange] = useState(() => ({ from: addDays(day, -13), to: day }));
  const [applied, setApplied] = useState(range);
  // Past midnight the period to today (the last 14 days, unless the admin picked another) moves on to the new day, in
  // the same render as the day.
  useEffect(() => {
    const timer = setInterval(() => {
      const [before, now] = [shownOn.current, today()];
      if (now === before) return;
      shownOn.current = now;
      setDay(now);
      setRange((period) => followDay(period, before, now));
      setApplied((period) => followDay(period, before, now));
    }, 30_000);
    return () => clearInterval(timer);
  }, []);
  // The days are the admin's: a conversation at 01:30 in Riyadh is on that day, not on the one before as in UTC.
  const tz = timeZone();
  const params = query({ from: applied.from, to: addDays(applied.to, 1), tz });
  // Again on a language switch: the intents come titled in the page's language.
  const report = useLoad(() => api<Report>('GET', `/api/reports${params}`), [params, lang()]);
  // While conversations open, move and close, the figures of the period applied follow them, at most every few seconds
  // (a report reads every conversation); what is shown stays until the new figures come, so the page keeps its scroll.
  const refresh = useMemo(() => throttle(report.reload, LIVE_REFRESH_MS), []);
  useEffect(() => refresh.cancel, []);
  useLive('conversation', refresh);
  useTeamTitles();
  return (
    <div class="reports">
      <h1>{t('reportsTitle')}</h1>
      <form class="filters" onSubmit={(event) => { event.preventDefault(); setApplied(range); }}>
        <DayField name="from" label={t('from')} value={range.from} max={range.to} onPick={(from) => setRange({ ...range, from })} />
        <DayField name="to" label={t('to')} value={range.to} min={range.from} max={day} onPick={(to) => setRange({ ...range, to })} />
        <button type="submit">{t('apply')}</button>
        <a class="button secondary" href={`/api/reports.csv${query({ from: applied.from, to: addDays(applied.to, 1), tz, lang: lang() })}`} download>{t('downloadCsv')}</a>
      </form>
      <Loading loaded={report}>
        {(data) => {
          const series = data.series;
          const drawn = series ? colours(series) : { teams: {}, intents: {} };
          // Each time in a chart of its own, on its own scale: beside resolutions of hours, first responses of minutes were
          // slivers at the axis, all one height.
          const timeChart = (title: StringKey, values: (number | null)[]) => {
            const unit = timeUnit(values);
            // The tooltip says the time as the figures do ("2 s", "1 h 5 min"), not a fraction of the unit.
            const tooltip = { callbacks: { label: (item: { parsed: { y: number | null } }) => duration((item.parsed.y ?? 0) * unit.seconds) } };
            // In seconds, whole ones, as the figure above says them: a median of 1.6 s read "2 s" there and 1.6 here.
            const seconds = unit.seconds === 1;
            return (
              <ChartBox times whole={seconds} title={t(title, { unit: t(unit.name) })} config={{ type: 'bar', options: { plugins: { tooltip } }, data: { labels: series!.days, datasets: [
                { label: t(title === 'firstResponseByDay' ? 'firstResponse' : 'resolution'), data: values.map((value) => (value === null ? null : seconds ? Math.round(value) : value / unit.seconds)), borderColor: FIGURE_COLOR, backgroundColor: FIGURE_COLOR, minBarLength: 2 },
              ] } }} />
            );
          };
          const waiting = Object.entries(data.queue ?? {}).filter(([, queue]) => queue.waiting > 0);
          return (
            <>
              <div class="figures">
                <Figure label={t('opened')} value={data.total.opened} />
                <Figure label={t('closedCount')} value={data.total.closed} />
                <Figure label={t('assignedCount')} value={data.total.assigned} />
                <Figure label={t('stillOpen')} value={data.total.stillOpen} {...(applied.to < day ? { note: t('openAtEnd', { day: reportDay(applied.to, 'whole') }) } : {})} />
                <Figure label={t('firstResponse')} value={median(data.total.firstResponse)} {...(data.total.firstResponse.count > 0 ? { note: t('answeredCount', { n: data.total.firstResponse.count }) } : {})} />
                <Figure label={t('resolution')} value={median(data.total.resolution)} {...(data.total.resolved > 0 ? { note: t('resolvedCount', { n: data.total.resolved }) } : {})} />
              </div>
              <p class="period-explained muted">{t('periodExplained')}</p>
              <p class="times-explained muted">{t('timesExplained')}</p>
              {data.total.closedByBot + data.total.autoClosed > 0 ? (
                <p class="not-resolved muted">{t('notResolved', { bot: data.total.closedByBot, auto: data.total.autoClosed })}</p>
              ) : null}
              {waiting.length > 0 ? (
                <p class="waiting-now">{t('waitingNow')}: {waiting.map(([team, queue]) => `${named(teamShown(team))} ${queue.waiting} (${t('longestWait', { time: duration(queue.longestWaitSeconds) })})`).join(' · ')}</p>
              ) : null}
              {/* A period longer than the server draws by day (366 days): the charts start later than it, and say so. */}
              {series && series.days.length > 0 && series.days[0]! > applied.from ? (
                <p class="charts-from notice info">{t('chartsFrom', { count: series.days.length, day: reportDay(series.days[0]!, 'whole') })}</p>
              ) : null}
              {!series || series.days.length === 0 ? <p class="muted">{t('noData')}</p> : (
                <div class="charts">
                  <ChartBox title={t('conversationsByTeam')} note={t('byTeamByDayExplained')} config={{ type: 'bar', data: { labels: series.days, datasets: datasets(series.conversationsByTeam, (team) => (team === NO_TEAM ? t('noTeam') : teamShown(team)), drawn.teams) } }} />
                  {/* Bars, not a line: a day alone (the first day of data) is a bar against the axis, not a lone dot;
                      a day without a median is no bar, where a line drew one across it. minBarLength shows 0 s. */}
                  {timeChart('firstResponseByDay', series.firstResponseSeconds)}
                  {timeChart('resolutionByDay', series.resolutionSeconds)}
                  <ChartBox title={t('intents')} config={{ type: 'bar', data: { labels: series.days, datasets: datasets(inTeamOrder(series), (intent) => series.intentTitles?.[intent] ?? intent, drawn.intents) } }} />
                </div>
              )}
              <FiguresTable kind="teams" title={t('perTeam')} rows={Object.entries(data.teams)} note={t('perTeamExplained')} />
              <FiguresTable kind="agents" title={t('perAgent')} rows={Object.values(data.agents ?? {}).map((agent) => [agent.name, agent])} note={t('perAgentExplained')} />
            </>
          );
        }}
      </Loading>
    </div>
  );
}
