// The Reports page in Chromium against the fake admin API, as an admin reads it: what resolution time is over and
// what it leaves out; the charts of median first response and resolution times, each in the unit its own times call
// for, so seconds are drawn apart, and minutes beside hours.
// Screenshots go to test-results/admin-ui/. Skipped, saying so, where Chromium is not installed.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { FLOW } from './flows.ts';
import { hasChromium, inChromium, shot, withChromium, withPage } from './scenario.ts';

const title = inChromium('the Reports page in Chromium');

/**
 * Opens Reports, signs in there (in Arabic when asked: the sign-in page's language switch) and waits until its
 * charts are drawn. Signed in at Reports' own address, the page draws Reports alone: the queue board, which signing
 * in at /admin drew first, cost each page its CPU for nothing this file checks.
 */
async function reports(page: Page, fake: FakeApi, arabic = false): Promise<void> {
  await page.goto(`${fake.url}/admin#/reports`);
  if (arabic) await page.locator('button.lang').click();
  await page.locator('#token').fill(fake.token);
  await page.locator('form button[type="submit"]').click();
  await page.locator('.figures').waitFor();
}

/** The chart of median first response times: its caption, and whether it is drawn (else it says there is no data). */
const timesChart = (page: Page) => page.locator('.chart', { has: page.locator('figcaption', { hasText: /First response, median|أول رد، الوسيط/ }) });
/** The chart of median resolution times. */
const resolutionChart = (page: Page) => page.locator('.chart', { has: page.locator('figcaption', { hasText: /Resolution, median|مدة الحل، الوسيط/ }) });

/**
 * Where the bars of a colour (#rrggbb) are drawn in a chart of median times (both: slate, #475569, no team's colour), above
 * its day labels: the top row of the colour in each column, and the most rows of it one column holds (a bar's height;
 * a dot's few rows).
 */
function firstResponseDrawn(page: Page, chart = timesChart(page), color = '#475569'): Promise<{ tops: number[]; tallest: number }> {
  return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement, hex) => {
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
    const blue = (x: number, y: number) => {
      const i = (y * width + x) * 4;
      return Math.abs(pixels[i]! - r) < 24 && Math.abs(pixels[i + 1]! - g) < 24 && Math.abs(pixels[i + 2]! - b) < 24 && pixels[i + 3]! > 200;
    };
    // The day labels take the bottom 30 px.
    const above = height - 30 * devicePixelRatio;
    const tops: number[] = [];
    let tallest = 0;
    for (let x = 0; x < width; x++) {
      let rows = 0;
      for (let y = 0; y < above; y++) {
        if (!blue(x, y)) continue;
        if (rows === 0) tops.push(y);
        rows++;
      }
      tallest = Math.max(tallest, rows);
    }
    return { tops, tallest };
  }, color);
}

/**
 * The colours (#rrggbb) a chart fills bars with: the saturated ones that cover at least `least` of its pixels (not the
 * grid's greys, nor the antialiased edges of its texts).
 */
function barColours(chart: ReturnType<Page['locator']>, least = 150): Promise<string[]> {
  return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement, min) => {
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts = new Map<string, number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
      if (a < 250 || Math.max(r, g, b) - Math.min(r, g, b) < 30) continue;
      const hex = `#${[r, g, b].map((value) => value.toString(16).padStart(2, '0')).join('')}`;
      counts.set(hex, (counts.get(hex) ?? 0) + 1);
    }
    return [...counts].filter(([, count]) => count >= min).map(([hex]) => hex);
  }, least);
}

/** How many rows apart the highest and the lowest first response times are drawn. */
const spread = ({ tops }: { tops: number[] }) => (tops.length === 0 ? 0 : Math.max(...tops) - Math.min(...tops));

/**
 * Records the texts each chart draws (its axis labels, legend), by the chart's title, as of its last drawing: read
 * with `drawnTexts`. Before the page's scripts run.
 */
async function recordDrawnTexts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const drawn: Record<string, string[]> = {};
    (window as unknown as { drawn: typeof drawn }).drawn = drawn;
    const { fillText, clearRect } = CanvasRenderingContext2D.prototype;
    // Where each text is drawn, from its left to its right edge in the canvas's pixels (Chart.js moves the context to a
    // tick label's place, then writes it at 0).
    const places: Record<string, { text: string; left: number; right: number }[]> = {};
    (window as unknown as { places: typeof places }).places = places;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, ...rest: [number, number, number?]) {
      const chart = this.canvas.getAttribute('aria-label') ?? '';
      (drawn[chart] ??= []).push(String(text));
      const { a, e } = this.getTransform();
      const x = a * rest[0] + e;
      const width = a * this.measureText(String(text)).width;
      const end = this.textAlign === 'right' || this.textAlign === (this.direction === 'rtl' ? 'start' : 'end');
      const left = this.textAlign === 'center' ? x - width / 2 : end ? x - width : x;
      (places[chart] ??= []).push({ text: String(text), left, right: left + width });
      return fillText.call(this, text, ...rest);
    };
    CanvasRenderingContext2D.prototype.clearRect = function (...area: [number, number, number, number]) {
      drawn[this.canvas.getAttribute('aria-label') ?? ''] = [];
      places[this.canvas.getAttribute('aria-label') ?? ''] = [];
      return clearRect.apply(this, area);
    };
  });
}

const drawnTexts = (page: Page, chart: string) => page.evaluate((name) => (window as unknown as { drawn: Record<string, string[]> }).drawn[name] ?? [], chart);

/** A day's label on a chart's axis, in the page's language: "Dec 5", "5 ديسمبر". */
const DAY_LABEL = /^(?:[A-Z][a-z]{2} \d{1,2}|\d{1,2} [\u0621-\u064A]+)$/;

/** Today's label on a chart's axis, as the page's language writes the day (a UTC day, as the report counts them). */
const todayLabel = (arabic: boolean) => new Intl.DateTimeFormat(arabic ? 'ar' : 'en', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date());

/** The day labels ("Dec 5") a chart draws, with where each is drawn, and the canvas's width: read after `recordDrawnTexts`. */
const dayLabelsDrawn = (page: Page, chart: string) => page.evaluate(([name, pattern]) => {
  const places = (window as unknown as { places: Record<string, { text: string; left: number; right: number }[]> }).places[name] ?? [];
  const canvas = [...document.querySelectorAll('canvas')].find((each) => each.getAttribute('aria-label') === name)!;
  return { labels: places.filter((place) => new RegExp(pattern).test(place.text)), width: canvas.width };
}, [chart, DAY_LABEL.source] as const);

describe.skipIf(!hasChromium)(title, () => {
  let browser: Browser;
  let fake: FakeApi;
  withChromium(() => startFakeApi({ flows: { inbound: FLOW } }), (running) => ({ browser, server: fake } = running));

  it('says resolution time is over the conversations a person closed, and how many the bot and inactivity closed', async () => {
    fake.setReport({ total: { closed: 17, resolved: 12, closedByBot: 3, autoClosed: 2, resolution: { count: 12, median: 1500, p90: 4000 } } });
    await withPage(browser, 'reports-resolution', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake);
      const resolution = page.locator('.figure', { hasText: 'Resolution (median)' });
      expect(await resolution.innerText()).toBe('25 min\nResolution (median)\nover 12 closed by an agent or admin');
      expect(await page.locator('.not-resolved').innerText()).toBe('Resolution time leaves out 3 closed by the bot (a flow\u2019s close) or left by the customer, and 2 closed after inactivity.');
      await shot(page, 'reports-resolution-en');
    });
    await withPage(browser, 'reports-resolution-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake, true);
      expect(await page.locator('.figure', { hasText: 'مدة الحل' }).innerText()).toContain('من 12 أغلقها موظف أو مشرف');
      expect(await page.locator('.not-resolved').innerText()).toContain('3 أغلقها البوت');
      await shot(page, 'reports-resolution-ar');
    });
  }, 60_000);

  it('says which conversations the period holds, what the times count from and over how many, and whose first response and hand-overs a team\'s and an agent\'s row count, in English and Arabic', async () => {
    fake.setReport({
      total: { firstResponse: { count: 5, median: 120, p90: 660 }, resolution: { count: 3, median: 1800, p90: 207720 }, resolved: 3 },
      agents: { omar: { name: 'Omar', opened: 4, firstResponse: { count: 5, median: 120, p90: 660 } } },
      teams: { Billing: { opened: 4, handOvers: 1 } },
    });
    await withPage(browser, 'reports-explained', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake);
      expect(await page.locator('.figure', { hasText: 'First response (median)' }).innerText()).toBe('2 min\nFirst response (median)\nover 5 answered by a person');
      expect(await page.locator('.times-explained').innerText()).toBe('Both times count from when the customer\u2019s conversation opened, so the bot\u2019s questions and the wait in the queue are part of them. First response: until a person\u2019s first words reached the customer (the bot\u2019s replies never count, nor a reply that failed to send). Resolution: until an agent or admin closed it.');
      expect(await page.locator('.period-explained').innerText()).toBe('These are the conversations opened in the period, each on the day it opened (in your time zone): one closed after the period counts here, with its times, and one opened before it does not.');
      expect(await page.locator('.figures-table.agents p').innerText()).toBe('A conversation counts for the agent who holds it, or held it last; its first response counts for the agent who gave it, though they passed it on. Passed on: the times an agent\u2019s conversations went to someone else (their transfer or an admin\u2019s, or automatically: they were away, or left the customer unanswered); in brackets, how many of them an admin made.');
      expect(await page.locator('.figures-table.teams p').innerText()).toBe('A conversation counts for the team it is with last, which resolved it; its first response counts for the team it was with when that was given, though it was transferred since. Passed on: the times a team\u2019s conversations went on from one of its agents, or from its queue (an admin gave one to an agent or another team; nobody in team.yaml could take it); in brackets, how many of them an admin made.');
      await shot(page, 'reports-explained-en');
    });
    await withPage(browser, 'reports-explained-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake, true);
      expect(await page.locator('.figure', { hasText: 'أول رد' }).innerText()).toContain('من 5 ردّ عليها شخص');
      expect(await page.locator('.times-explained').innerText()).toContain('يُحسب الوقتان من لحظة فتح محادثة العميل');
      expect(await page.locator('.period-explained').innerText()).toContain('المحادثات التي فُتحت في الفترة');
      expect(await page.locator('.figures-table.agents p').innerText()).toContain('للموظف الذي أرسله');
      expect(await page.locator('.figures-table.teams p').innerText()).toContain('للفريق الذي كانت عنده حين أُرسل');
      expect(await page.locator('.figures-table.teams p').innerText()).toContain('أو من قائمة انتظاره');
      await shot(page, 'reports-explained-ar');
    });
  }, 60_000);

  it('draws medians of a few seconds in seconds: 7 s above 4 s, and 2 s every day as bars at 2, not "No data"', async () => {
    const noResolution = (days: string[]) => days.map(() => null);
    await withPage(browser, 'reports-seconds', { viewport: { width: 1280, height: 900 } }, async (page) => {
      fake.setReport({ total: { firstResponse: { count: 14, median: 4, p90: 7 } }, series: { firstResponseSeconds: (days: string[]) => days.map((_, i) => (i === 0 ? 7 : 4)), resolutionSeconds: noResolution } });
      await reports(page, fake);
      await timesChart(page).locator('canvas').waitFor();
      expect(await timesChart(page).locator('figcaption').innerText()).toBe('First response, median (seconds)');
      // On a 0-8 s scale, 7 s and 4 s are far apart; drawn as 0.1 min both, they were one height.
      expect(spread(await firstResponseDrawn(page))).toBeGreaterThan(40);
      await shot(page, 'reports-seconds-en');
    });
    fake.setReport({ total: { firstResponse: { count: 14, median: 2, p90: 2 } }, series: { firstResponseSeconds: (days: string[]) => days.map(() => 2), resolutionSeconds: noResolution } });
    await withPage(browser, 'reports-two-seconds', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake);
      expect(await page.locator('.figure', { hasText: 'First response' }).locator('.value').innerText()).toBe('2 s');
      await timesChart(page).locator('canvas').waitFor();
      expect(await timesChart(page).innerText()).not.toContain('No data');
      expect((await firstResponseDrawn(page)).tallest).toBeGreaterThan(0);
    });
    await withPage(browser, 'reports-two-seconds-ar', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake, true);
      await timesChart(page).locator('canvas').waitFor();
      expect(await timesChart(page).locator('figcaption').innerText()).toBe('أول رد، الوسيط (بالثواني)');
      await shot(page, 'reports-seconds-ar');
    });
  }, 60_000);

  it('names today\'s bar on the axis of the charts by day, however many days there are to label, as the page\'s language writes a day', async () => {
    fake.setReport({ series: { conversationsByTeam: (days: string[]) => ({ Support: days.map((_, i) => i % 3), Billing: days.map(() => 1) }) } });
    for (const [name, width, arabic] of [['reports-today-label', 1280, false], ['reports-today-label-phone', 390, false], ['reports-today-label-ar', 1280, true], ['reports-today-label-ar-phone', 390, true]] as const) {
      const today = todayLabel(arabic);
      await withPage(browser, name, { viewport: { width, height: 900 } }, async (page) => {
        await recordDrawnTexts(page);
        await reports(page, fake, arabic);
        const charts = await page.locator('.chart canvas').evaluateAll((canvases) => canvases.map((canvas) => canvas.getAttribute('aria-label')!));
        expect(charts).toHaveLength(4);
        for (const chart of charts) {
          await expect.poll(() => drawnTexts(page, chart), { message: chart }).toContain(today);
          // Where they do not all fit, days a few apart are labelled, not today alone.
          expect((await drawnTexts(page, chart)).filter((text) => DAY_LABEL.test(text)).length, chart).toBeGreaterThan(2);
          // A month's name, never the month's number: 12-05 read as the 12th of May to many.
          expect((await drawnTexts(page, chart)).filter((text) => /^\d\d-\d\d$/.test(text)), chart).toEqual([]);
        }
        await shot(page, name);
      });
    }
  }, 60_000);

  it('draws the median times of a single day of data as bars an admin can read against the axis, not a lone dot', async () => {
    const lastDayOnly = (seconds: number) => (days: string[]) => days.map((_, i) => (i === days.length - 1 ? seconds : null));
    fake.setReport({ total: { firstResponse: { count: 1, median: 40, p90: 40 } }, series: { firstResponseSeconds: lastDayOnly(40), resolutionSeconds: lastDayOnly(100) } });
    for (const [name, arabic] of [['reports-one-day', false], ['reports-one-day-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await reports(page, fake, arabic);
        await timesChart(page).locator('canvas').waitFor();
        // The bar rises a good part of the chart's height; a dot was 7 rows high.
        expect((await firstResponseDrawn(page)).tallest).toBeGreaterThan(40);
        await shot(page, name);
      });
    }
  }, 60_000);

  it('runs the days from the right in Arabic, today\'s label whole at the left edge on a phone too, as the English page has it at the right', async () => {
    fake.setReport({ series: { conversationsByTeam: (days: string[]) => ({ Support: days.map((_, i) => i % 3), Billing: days.map(() => 1) }) } });
    for (const [name, width, arabic] of [['reports-days-ar-phone', 390, true], ['reports-days-ar', 1280, true], ['reports-days-phone', 390, false]] as const) {
      const today = todayLabel(arabic);
      await withPage(browser, name, { viewport: { width, height: 900 } }, async (page) => {
        await recordDrawnTexts(page);
        await reports(page, fake, arabic);
        const charts = await page.locator('.chart canvas').evaluateAll((canvases) => canvases.map((canvas) => canvas.getAttribute('aria-label')!));
        for (const chart of charts) {
          await expect.poll(() => drawnTexts(page, chart), { message: chart }).toContain(today);
          const drawn = await dayLabelsDrawn(page, chart);
          const lefts = drawn.labels.map((label) => label.left);
          // Newest on the left in Arabic, on the right in English; and none cut by the canvas's edges.
          const newest = drawn.labels.find((label) => label.text === today)!;
          expect(arabic ? newest.left : -newest.left, `${chart}: today's label at the ${arabic ? 'left' : 'right'}`).toBe(Math.min(...lefts.map((left) => (arabic ? left : -left))));
          for (const label of drawn.labels) {
            expect(label.left, `${chart}: ${label.text} inside the canvas`).toBeGreaterThanOrEqual(0);
            expect(label.right, `${chart}: ${label.text} inside the canvas`).toBeLessThanOrEqual(drawn.width);
          }
        }
        await shot(page, name);
      });
    }
  }, 60_000);

  it('names in Arabic the intents by their routes\' titles and the conversations of no team as such, and asks for the CSV in Arabic', async () => {
    fake.setReport({ series: { conversationsByTeam: (days: string[]) => ({ Support: days.map(() => 2), '(no team)': days.map(() => 1) }) } });
    for (const [name, arabic] of [['reports-names', false], ['reports-names-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await recordDrawnTexts(page);
        await reports(page, fake, arabic);
        const byTeam = arabic ? 'المحادثات حسب الفريق' : 'Conversations by team';
        const intents = arabic ? 'النوايا' : 'Intents';
        await expect.poll(() => drawnTexts(page, intents)).toContain(arabic ? 'الفواتير' : 'Billing');
        expect(await drawnTexts(page, intents)).toContain(arabic ? 'الدعم الفني' : 'Support');
        expect(await drawnTexts(page, intents)).not.toContain('tech_support');
        expect(await drawnTexts(page, byTeam)).toContain(arabic ? 'بلا فريق' : 'No team');
        expect(await drawnTexts(page, byTeam)).not.toContain('(no team)');
        const csv = new URL(await page.locator('a[download]').getAttribute('href') ?? '', fake.url);
        expect(csv.pathname).toBe('/api/reports.csv');
        expect(csv.searchParams.get('lang')).toBe(arabic ? 'ar' : 'en');
        await shot(page, name);
      });
    }
  }, 60_000);

  it('gives each team\'s and agent\'s figures of the period in a table, how many each passed on included, in Arabic and English, on a phone each row a card that says what its figures are', async () => {
    fake.setReport({
      teams: { Billing: { opened: 12, closed: 10, assigned: 9, stillOpen: 2, handOvers: 4, handOversByAdmin: 1, firstResponse: { count: 3, median: 95, p90: 120 } }, 'الدعم': { opened: 3, closed: 0, assigned: 0, stillOpen: 3 } },
      agents: { omar: { name: 'Omar', opened: 7, closed: 6, assigned: 7, stillOpen: 1, handOvers: 3, resolution: { count: 6, median: 1500, p90: 4000 } }, layla: { name: 'ليلى095', opened: 2, closed: 0, assigned: 2, stillOpen: 2, handOvers: 1, firstResponse: { count: 2, median: 4000, p90: 4000 } } },
    });
    const rows = (page: Page, kind: string) => page.locator(`.figures-table.${kind} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)));
    await withPage(browser, 'reports-tables', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake);
      expect(await page.locator('.figures-table.teams th').allInnerTexts()).toEqual(['Team', 'Opened', 'Closed', 'Given to an agent', 'Still open', 'First response (median)', 'Resolution (median)', 'Passed on']);
      // Of the 4 Billing passed on, the one an admin made is told apart. Times to the nearest minute: 95 s is 2 min, 4000 s 1 h 7 min.
      expect(await rows(page, 'teams')).toEqual([['Billing', '12', '10', '9', '2', '2 min', '—', '4 (1 by an admin)'], ['الدعم', '3', '0', '0', '3', '2 min', '—', '0']]);
      expect(await rows(page, 'agents')).toEqual([['Omar', '7', '6', '7', '1', '2 min', '25 min', '3'], ['ليلى095', '2', '0', '2', '2', '1 h 7 min', '—', '1']]);
      await shot(page, 'reports-tables-en');
    });
    for (const [name, width] of [['reports-tables-ar', 1280], ['reports-tables-ar-phone', 390]] as const) {
      await withPage(browser, name, { viewport: { width, height: 900 } }, async (page) => {
        await reports(page, fake, true);
        expect(await page.locator('.figures-table.teams h2').innerText()).toBe('حسب الفريق');
        expect(await page.locator('.figures-table.agents h2').innerText()).toBe('حسب الموظف');
        expect(await page.locator('.figures-table.agents th').allTextContents()).toEqual(['الموظف', 'فُتحت', 'أُغلقت', 'أُسندت إلى موظف', 'ما زالت مفتوحة', 'أول رد (الوسيط)', 'مدة الحل (الوسيط)', 'حُوّلت']);
        expect((await rows(page, 'agents'))[1]).toEqual(['ليلى095', '2', '0', '2', '2', '1 س 7 د', '—', '1']);
        expect((await rows(page, 'teams'))[0]?.at(-1)).toBe('4 (1 منها بيد مشرف)');
        // The table reads from the right: the name first, at the right edge.
        const [nameCell, opened] = await page.locator('.figures-table.agents tbody tr').first().locator('td').evaluateAll((tds) => tds.slice(0, 2).map((td) => td.getBoundingClientRect()));
        if (width > 700) expect(nameCell!.left).toBeGreaterThan(opened!.left);
        else expect(await page.locator('.figures-table.agents tbody tr').first().locator('td').first().evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"الموظف: "');
        await page.locator('.figures-table.agents').scrollIntoViewIfNeeded();
        await shot(page, name);
      });
    }
    // No teams or agents in the report: no empty tables.
    fake.setReport({});
    await withPage(browser, 'reports-tables-none', { viewport: { width: 1280, height: 900 } }, async (page) => {
      await reports(page, fake, true);
      expect(await page.locator('.figures-table').count()).toBe(0);
    });
  }, 60_000);

  it('says under the chart of conversations by team that each team counts on the day it took them, a transfer to another team included, in English and Arabic', async () => {
    fake.setReport({ series: { conversationsByTeam: (days: string[]) => ({ Billing: days.map(() => 1), Support: days.map((_, i) => (i === days.length - 1 ? 1 : 0)) }) } });
    for (const [name, arabic] of [['reports-by-team-note', false], ['reports-by-team-note-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await reports(page, fake, arabic);
        const chart = page.locator('.chart', { has: page.locator('figcaption', { hasText: arabic ? 'المحادثات حسب الفريق' : 'Conversations by team' }) });
        expect(await chart.locator('.chart-note').innerText()).toBe(arabic
          ? 'لكل فريق في يوم تسلّمها: المحادثة المحوّلة إلى فريق آخر تُحسب لذلك الفريق أيضًا، في يوم تحويلها.'
          : 'Each team on the day it took them: a conversation passed to another team counts for that team too, on the day it was passed.');
        await chart.scrollIntoViewIfNeeded();
        await shot(page, name);
      });
    }
  }, 60_000);

  it('writes the range\'s days in the page\'s language whatever the browser\'s, read from the right in Arabic, and asks for the days picked', async () => {
    fake.setReport({});
    const whole = (arabic: boolean, day: string) => new Intl.DateTimeFormat(arabic ? 'ar' : 'en', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
    const today = new Date().toISOString().slice(0, 10);
    // Each page in a browser of the other language: a date input wrote 12/05/2026 (en-US) or ٠٥/١٢/٢٠٢٦ whatever the page's.
    for (const [name, width, arabic, locale] of [['reports-range-en', 1280, false, 'ar-EG'], ['reports-range-ar', 1280, true, 'en-US'], ['reports-range-ar-phone', 390, true, 'en-US']] as const) {
      await withPage(browser, name, { viewport: { width, height: 900 }, locale }, async (page) => {
        // The admin chose English once in this Arabic browser (the page starts in the browser's language).
        if (!arabic) await page.addInitScript(() => localStorage.setItem('switchboard.admin.lang', 'en'));
        await reports(page, fake, arabic);
        const from = page.locator('.day-field', { has: page.locator('input[name=from]') });
        const to = page.locator('.day-field', { has: page.locator('input[name=to]') });
        expect(await to.locator('.day-shown').innerText()).toBe(whole(arabic, today));
        expect(await to.innerText()).toContain(arabic ? 'إلى' : 'To');
        // The month by its name: never all figures, which the browser's locale would order its own way.
        expect(await to.locator('.day-shown').innerText()).toMatch(arabic ? /ديسمبر|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر/ : /[A-Z][a-z]{2} \d/);
        // "From … To …" read in the page's direction: from first, at the right in Arabic.
        const [fromBox, toBox] = [await from.boundingBox(), await to.boundingBox()];
        if (width > 700) expect(arabic ? fromBox!.x > toBox!.x : fromBox!.x < toBox!.x).toBe(true);
        // A day picked is shown at once in the page's words, and the report asked for from that day.
        await page.locator('input[name=from]').fill('2026-11-03');
        expect(await from.locator('.day-shown').innerText()).toBe(whole(arabic, '2026-11-03'));
        const asked = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/reports' && new URL(request.url()).searchParams.get('from') === '2026-11-03');
        await page.locator('.filters button[type=submit]').click();
        await asked;
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await shot(page, name);
      });
    }
  }, 60_000);

  it('counts the days of the admin\'s time zone: at 01:30 in Riyadh, today is that day there, and the report is asked for in Riyadh\'s days', async () => {
    await withPage(browser, 'reports-riyadh', { viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Riyadh' }, async (page) => {
      // 22:30 UTC on 5 December: 01:30 on the 6th in Riyadh.
      await page.clock.setFixedTime(new Date('2026-12-05T22:30:00Z'));
      const asked = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/reports');
      await reports(page, fake, true);
      const params = new URL((await asked).url()).searchParams;
      expect([params.get('from'), params.get('to'), params.get('tz')]).toEqual(['2026-11-23', '2026-12-07', 'Asia/Riyadh']);
      expect(await page.locator('.day-field').nth(1).locator('.day-shown').innerText()).toBe('6 ديسمبر 2026');
      expect(new URL(await page.locator('a[download]').getAttribute('href') ?? '', fake.url).searchParams.get('tz')).toBe('Asia/Riyadh');
      await shot(page, 'reports-riyadh-ar');
    });
  }, 60_000);

  // Before: the page computed today once, when it loaded; left open past midnight it kept asking for the old day.
  it('moves the period to today on to the new day when the page is left open past midnight in the admin\'s zone, and keeps a past period picked', async () => {
    fake.setReport({});
    await withPage(browser, 'reports-past-midnight', { viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Riyadh' }, async (page) => {
      // 23:58 on 6 December in Riyadh (20:58 UTC); the clock then runs on.
      await page.clock.install({ time: new Date('2026-12-06T20:58:00Z') });
      const asked = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/reports');
      await reports(page, fake, true);
      const first = new URL((await asked).url()).searchParams;
      expect([first.get('from'), first.get('to')]).toEqual(['2026-11-23', '2026-12-07']);
      const to = page.locator('.day-field').nth(1).locator('.day-shown');
      expect(await to.innerText()).toBe('6 ديسمبر 2026');
      expect(await page.locator('input[name=to]').getAttribute('max')).toBe('2026-12-06');
      // Five minutes on: 00:03 on the 7th. The last 14 days are those to the 7th, asked for again.
      const again = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/reports' && new URL(request.url()).searchParams.get('to') === '2026-12-08');
      await page.clock.fastForward('05:00');
      expect(new URL((await again).url()).searchParams.get('from')).toBe('2026-11-24');
      await expect.poll(() => to.innerText()).toBe('7 ديسمبر 2026');
      expect(await page.locator('.day-field').nth(0).locator('.day-shown').innerText()).toBe('24 نوفمبر 2026');
      expect(new URL(await page.locator('a[download]').getAttribute('href') ?? '', fake.url).searchParams.get('to')).toBe('2026-12-08');
      await shot(page, 'reports-past-midnight-ar');

      // A past period the admin picked stays as it is the next midnight, "Still open" at its end said.
      await page.locator('input[name=to]').fill('2026-11-30');
      await page.locator('input[name=from]').fill('2026-11-24');
      const picked = page.waitForRequest((request) => new URL(request.url()).searchParams.get('to') === '2026-12-01');
      await page.locator('.filters button[type=submit]').click();
      await picked;
      const asks: string[] = [];
      page.on('request', (request) => { if (new URL(request.url()).pathname === '/api/reports') asks.push(request.url()); });
      await page.clock.fastForward('24:00:00');
      // The page has turned to the 8th (the picker's last day, drawn with the period), the period has not.
      await expect.poll(() => page.locator('input[name=to]').getAttribute('max')).toBe('2026-12-08');
      expect(await to.innerText()).toBe('30 نوفمبر 2026');
      expect(asks).toEqual([]);
    });
  }, 60_000);

  it('follows the conversations as they close during the day, for the period the admin picked, where the admin scrolled to', async () => {
    fake.setReport({ total: { opened: 9, closed: 3 } });
    await withPage(browser, 'reports-live', { viewport: { width: 1280, height: 600 } }, async (page) => {
      await reports(page, fake);
      // The admin picks the last 3 days and reads the tables at the bottom.
      const from = await page.locator('input[name=to]').inputValue().then((to) => new Date(Date.parse(`${to}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10));
      await page.locator('input[name=from]').fill(from);
      const picked = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/reports' && new URL(request.url()).searchParams.get('from') === from);
      await page.locator('.filters button[type=submit]').click();
      await picked;
      // Scrolled to the bottom once the period's tables are drawn (the page grows when its answer comes).
      await expect.poll(() => page.evaluate(() => {
        window.scrollTo(0, document.body.scrollHeight);
        return window.scrollY;
      })).toBeGreaterThan(0);
      const scrolled = await page.evaluate(() => window.scrollY);
      const closed = page.locator('.figure', { hasText: 'Closed' }).locator('.value');
      expect(await closed.innerText()).toBe('3');

      // Two conversations close, a second apart: the figures come again once, for the same period (before: not until
      // midnight or Apply).
      const asked: string[] = [];
      page.on('request', (request) => { if (new URL(request.url()).pathname === '/api/reports') asked.push(new URL(request.url()).searchParams.get('from') ?? ''); });
      fake.setReport({ total: { opened: 9, closed: 5 } });
      fake.tell('conversation', { id: 1, status: 'closed', stage: 'assigned' });
      await page.waitForTimeout(1000);
      fake.tell('conversation', { id: 2, status: 'closed', stage: 'assigned' });
      await expect.poll(() => closed.innerText(), { timeout: 30_000 }).toBe('5');
      expect(asked).toEqual([from]);
      expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
      await shot(page, 'reports-live');
    });
  }, 60_000);

  it('says "Still open" of a past period counts what was open when it ended, and of a period to today what is open now', async () => {
    fake.setReport({ total: { stillOpen: 4 } });
    for (const [name, arabic] of [['reports-open-at-end', false], ['reports-open-at-end-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await page.clock.setFixedTime(new Date('2026-12-06T12:00:00Z'));
        await reports(page, fake, arabic);
        const stillOpen = page.locator('.figure', { hasText: arabic ? 'ما زالت مفتوحة' : 'Still open' });
        // To today: open now, nothing more to say.
        expect(await stillOpen.innerText()).toBe(arabic ? '4\nما زالت مفتوحة' : '4\nStill open');
        await page.locator('input[name=to]').fill('2026-11-30');
        await page.locator('input[name=from]').fill('2026-11-24');
        const asked = page.waitForRequest((request) => new URL(request.url()).searchParams.get('to') === '2026-12-01');
        await page.locator('.filters button[type=submit]').click();
        await asked;
        await expect.poll(() => stillOpen.locator('.note').count()).toBe(1);
        expect(await stillOpen.locator('.note').innerText()).toBe(arabic ? 'كانت مفتوحة عند نهاية 30 نوفمبر 2026، نهاية الفترة' : 'open when Nov 30, 2026 ended, as the period did');
        await shot(page, name);
      });
    }
  }, 60_000);

  it('draws first responses of minutes and resolutions of hours each in a chart of its own, on its own scale: 5 min and 15 min far apart, not slivers at the axis', async () => {
    fake.setReport({ series: { firstResponseSeconds: (days: string[]) => days.map((_, i) => (i % 2 ? 900 : 300)), resolutionSeconds: (days: string[]) => days.map((_, i) => 3600 * (2 + (i % 3))) } });
    for (const [name, arabic] of [['reports-hours', false], ['reports-hours-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await reports(page, fake, arabic);
        await timesChart(page).locator('canvas').waitFor();
        await resolutionChart(page).locator('canvas').waitFor();
        expect(await timesChart(page).locator('figcaption').innerText()).toBe(arabic ? 'أول رد، الوسيط (بالدقائق)' : 'First response, median (minutes)');
        expect(await resolutionChart(page).locator('figcaption').innerText()).toBe(arabic ? 'مدة الحل، الوسيط (بالساعات)' : 'Resolution, median (hours)');
        // On a 0-15 min scale, 5 min and 15 min are far apart; beside hours, both were a sliver 2 px high.
        const firstResponses = await firstResponseDrawn(page);
        expect(spread(firstResponses)).toBeGreaterThan(60);
        expect(firstResponses.tallest).toBeGreaterThan(100);
        expect(spread(await firstResponseDrawn(page, resolutionChart(page)))).toBeGreaterThan(60);
        await shot(page, name);
      });
    }
  }, 60_000);

  it('draws the median times in a colour no team has, so that an admin reads no team into them, in English and Arabic, on a phone too', async () => {
    const teams = ['Support', 'Billing', 'Sales', 'Returns', 'Shipping', 'Accounts', 'Partners', 'Wholesale'];
    fake.setReport({ series: {
      conversationsByTeam: (days: string[]) => Object.fromEntries(teams.map((team) => [team, days.map(() => 1)])),
      firstResponseSeconds: (days: string[]) => days.map((_, i) => 60 + i * 10), resolutionSeconds: (days: string[]) => days.map((_, i) => 600 + i * 60),
    } });
    const byTeam = (page: Page) => page.locator('.chart', { has: page.locator('figcaption', { hasText: /Conversations by team|المحادثات حسب الفريق/ }) });
    for (const [name, width, arabic] of [['reports-figure-colour', 1280, false], ['reports-figure-colour-ar-phone', 390, true]] as const) {
      await withPage(browser, name, { viewport: { width, height: 1400 } }, async (page) => {
        await reports(page, fake, arabic);
        for (const chart of [byTeam(page), timesChart(page), resolutionChart(page)]) await chart.locator('canvas').waitFor();
        const teamColours = await barColours(byTeam(page));
        expect(teamColours.length, 'each of the eight teams in its colour').toBeGreaterThanOrEqual(8);
        for (const chart of [timesChart(page), resolutionChart(page)]) {
          // Drawn, and in no colour the teams are drawn in (resolution was Sales's orange, first response Support's blue).
          const colours = await barColours(chart, 1000);
          expect(colours.length).toBeGreaterThan(0);
          for (const colour of colours) expect(teamColours).not.toContain(colour);
          expect((await firstResponseDrawn(page, chart, colours[0])).tallest, 'bars an admin can read against the axis').toBeGreaterThan(40);
        }
        await shot(page, name);
      });
    }
  }, 60_000);

  it('draws an intent in the colour its route\'s team has in the chart of conversations by team beside it, not in another team\'s', async () => {
    // Support first in the chart by team (blue), Billing second (green); the billing intent first among the intents.
    fake.setReport({ series: {
      conversationsByTeam: (days: string[]) => ({ Support: days.map(() => 1), Billing: days.map(() => 2) }),
      intents: (days: string[]) => ({ billing: days.map(() => 2), tech_support: days.map(() => 0) }),
    } });
    const intentsChart = (page: Page) => page.locator('.chart', { has: page.locator('figcaption', { hasText: /^(Intents|النوايا)$/ }) });
    for (const [name, arabic] of [['reports-intent-colours', false], ['reports-intent-colours-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 1400 } }, async (page) => {
        await reports(page, fake, arabic);
        await intentsChart(page).locator('canvas').waitFor();
        // Billing's bars are green in both charts; they were blue, Support's colour beside them.
        expect(await barColours(intentsChart(page), 1000)).toEqual(['#16a34a']);
        await shot(page, name);
      });
    }
  }, 60_000);

  it('lists the intents in the order of their teams in the chart of conversations by team beside them, legend and bars, in English and Arabic', async () => {
    // Sales, Support, Billing by team; the intents come billing, tech_support, sales (and one of no team).
    fake.setReport({ series: {
      conversationsByTeam: (days: string[]) => ({ Sales: days.map(() => 3), Support: days.map(() => 2), Billing: days.map(() => 1) }),
      intents: (days: string[]) => ({ billing: days.map(() => 1), greeting: days.map(() => 1), tech_support: days.map(() => 2), sales: days.map(() => 3) }),
      intentTitles: { billing: 'Billing', tech_support: 'Support', sales: 'Sales', greeting: 'Hello' },
      intentTeams: { billing: 'Billing', tech_support: 'Support', sales: 'Sales' },
    } });
    const shown = ['Sales', 'Support', 'Billing'];
    for (const [name, arabic] of [['reports-intent-order', false], ['reports-intent-order-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 1400 } }, async (page) => {
        await recordDrawnTexts(page);
        await reports(page, fake, arabic);
        const byTeam = arabic ? 'المحادثات حسب الفريق' : 'Conversations by team';
        const intents = arabic ? 'النوايا' : 'Intents';
        const legend = async (chart: string) => (await drawnTexts(page, chart)).filter((text) => [...shown, 'Hello'].includes(text));
        await expect.poll(() => legend(intents)).toHaveLength(4);
        expect(await legend(byTeam)).toEqual(shown);
        // They were Billing, Hello, Support, Sales.
        expect(await legend(intents)).toEqual([...shown, 'Hello']);
        await page.locator('.chart', { has: page.locator('figcaption', { hasText: intents }) }).scrollIntoViewIfNeeded();
        await shot(page, name);
      });
    }
  }, 60_000);

  it('draws medians of seconds in whole seconds, as the figures above them say them: 1.6 s is "2 s" in the card and 2 on the axis', async () => {
    fake.setReport({
      total: { firstResponse: { count: 14, median: 1.6, p90: 1.6 }, resolution: { count: 14, median: 4.7, p90: 4.7 }, resolved: 14 },
      series: { firstResponseSeconds: (days: string[]) => days.map(() => 1.6), resolutionSeconds: (days: string[]) => days.map(() => 4.7) },
    });
    for (const [name, arabic] of [['reports-whole-seconds', false], ['reports-whole-seconds-ar', true]] as const) {
      await withPage(browser, name, { viewport: { width: 1280, height: 900 } }, async (page) => {
        await recordDrawnTexts(page);
        await reports(page, fake, arabic);
        for (const [chart, card, top] of [[timesChart(page), /First response|أول رد/, 2], [resolutionChart(page), /Resolution|مدة الحل/, 5]] as const) {
          await chart.locator('canvas').waitFor();
          const label = (await chart.locator('canvas').getAttribute('aria-label'))!;
          // The axis's numbers (Western or Arabic-Indic digits, as the page writes them), read as numbers.
          const ticks = async () => (await drawnTexts(page, label))
            .map((text) => text.replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660)).replace('٫', '.'))
            .filter((text) => /^\d+(\.\d+)?$/.test(text)).map(Number);
          await expect.poll(async () => Math.max(...(await ticks())), { message: label }).toBe(top);
          expect((await ticks()).every(Number.isInteger), `${label}: whole seconds`).toBe(true);
          expect(await page.locator('.figure', { hasText: card }).locator('.value').innerText()).toMatch(new RegExp(`^(${top}|${String.fromCharCode(0x0660 + top)}) `));
        }
        await shot(page, name);
      });
    }
  }, 60_000);
});
