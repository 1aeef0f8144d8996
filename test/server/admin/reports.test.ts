// The reports over the admin API as an admin reads them: resolution time is over the conversations a person closed
// (those the flow closed when nobody was free within 30 minutes, and those closed after inactivity, are counted
// apart, in the JSON and the CSV); a conversation an agent handed back to the bot stays in their figures.
import { afterAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src/store/types.ts';
import type { Report } from '../../../src/handover/reports.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

afterAll(cleanupDirs);

describe('resolution time in the reports', () => {
  it('counts the conversations an agent closed, and shows how many the bot and inactivity closed', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (minutes: number) => (current = Date.parse('2026-11-24T09:00:00Z') + minutes * 60_000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    const charged = async (name: string) => {
      const customer = visitor(app.url, name.toLowerCase(), name);
      for (const text of ['hello', `${name.toLowerCase()}@example.com`, 'I was charged twice']) await customer.say(text);
    };
    try {
      // Nobody online: the flow closes Tom's conversation after 30 minutes in the queue.
      at(0);
      await charged('Tom');
      at(31);
      await app.runtime.sweep();
      const omar = visitor(app.url, 'agent-omar');
      await omar.say('/online');
      // Omar answers Layla after a minute and closes after 8.
      at(32);
      await charged('Layla');
      at(33);
      await omar.say('Hello Layla, looking into it');
      at(40);
      await omar.say('/close refunded');
      // Omar answers Sam, who never writes again: closed after AUTO_CLOSE_AFTER (24 h).
      at(41);
      await charged('Sam');
      at(42);
      await omar.say('Hello Sam, looking into it');
      at(42 + 24 * 60 + 1);
      await app.runtime.sweep();

      const report = (await admin.get<Report & { series: { resolutionSeconds: (number | null)[] } }>('/reports?from=2026-11-24&to=2026-11-26')).body;
      expect(report.total).toMatchObject({ opened: 3, closed: 3, resolved: 1, closedByBot: 1, autoClosed: 1, resolution: { count: 1, median: 480, p90: 480 } });
      expect(report.teams.Billing).toMatchObject({ closed: 3, resolved: 1, closedByBot: 1, autoClosed: 1, resolution: { count: 1, median: 480 } });
      expect(report.agents.omar).toMatchObject({ closed: 2, resolved: 1, autoClosed: 1, resolution: { count: 1, median: 480 } });
      expect(report.series.resolutionSeconds).toEqual([480, null]);

      const csv = (await admin.get<string>('/reports.csv?from=2026-11-24&to=2026-11-25')).body.split('\r\n');
      expect(csv[0]).toBe('day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent');
      expect(csv[1]).toBe('2026-11-24,all,3,3,2,60,480,1,1,1,1,0,0,');
    } finally {
      await app.stop();
    }
  });
});

describe('per agent figures in the reports', () => {
  it('keep a conversation the agent answered and handed back to the bot, once, stores from before included', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (minutes: number) => (current = Date.parse('2026-11-24T09:00:00Z') + minutes * 60_000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const omar = visitor(app.url, 'agent-omar');
      await omar.say('/online');
      const layla = visitor(app.url, 'layla', 'Layla');
      at(0);
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      at(2);
      await omar.say('Refunded: anything else?');
      await omar.say('/handback');
      const [conversation] = await app.store.conversations();
      expect(conversation).toMatchObject({ stage: 'bot', handledBy: 'omar' });
      expect(conversation?.agentId).toBeUndefined();

      const omarFigures = async () => (await admin.get<Report>('/reports?from=2026-11-24&to=2026-11-25')).body.agents.omar;
      const expected = { opened: 1, assigned: 1, firstResponse: { count: 1, median: 120, p90: 120 } };
      expect(await omarFigures()).toMatchObject(expected);

      // Handed back before conversations kept `handledBy`: the timeline's last assignment names him.
      await app.store.transaction('test', async (tx) => {
        const stored = (await tx.conversation(conversation!.id)) as Conversation;
        delete stored.handledBy;
        tx.putConversation(stored);
      });
      expect((await app.store.conversation(conversation!.id))?.handledBy).toBeUndefined();
      expect(await omarFigures()).toMatchObject(expected);
    } finally {
      await app.stop();
    }
  });
});

describe('a conversation passed from one agent to another in the reports', () => {
  it('counts its first response for the agent who gave it and its resolution for the one who closed it', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (minutes: number) => (current = Date.parse('2026-11-24T09:00:00Z') + minutes * 60_000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const omar = visitor(app.url, 'agent-omar');
      const sara = visitor(app.url, 'agent-sara');
      await omar.say('/online');
      await sara.say('/online');
      at(0);
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      // Omar answers after 2 minutes, then passes Layla to Sara, who answers too and closes at 20 minutes.
      at(2);
      await omar.say('Hello Layla, Sara will sort out the refund');
      at(3);
      await omar.say('/transfer Sara');
      at(10);
      await sara.say('Hi Layla, refunded');
      at(20);
      await sara.say('/close refunded');

      const { agents, total } = (await admin.get<Report>('/reports?from=2026-11-24&to=2026-11-25')).body;
      expect(total).toMatchObject({ opened: 1, resolved: 1, firstResponse: { count: 1, median: 120 }, resolution: { count: 1, median: 1200 } });
      // Sara's first words came 10 minutes in: Omar's 2 minutes were his, not hers.
      expect(agents.omar).toMatchObject({ opened: 0, firstResponse: { count: 1, median: 120 }, resolution: { count: 0 } });
      expect(agents.sara).toMatchObject({ opened: 1, resolved: 1, firstResponse: { count: 0, median: null }, resolution: { count: 1, median: 1200 } });
    } finally {
      await app.stop();
    }
  });

  it('counts its first response for the team that gave it, its resolution for the team that closed it, and the transfer for the team and agent that passed it on', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (minutes: number) => (current = Date.parse('2026-11-24T09:00:00Z') + minutes * 60_000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const lina = visitor(app.url, 'agent-lina');
      const sara = visitor(app.url, 'agent-sara');
      await lina.say('/online');
      await sara.say('/online');
      at(0);
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      // Lina (Billing) answers after 2 minutes and passes Layla to Support, where Sara closes at 20 minutes.
      at(2);
      await lina.say('Hello Layla, Support will look at the app');
      at(3);
      await lina.say('/transfer Support');
      at(10);
      await sara.say('Hi Layla, fixed');
      at(20);
      await sara.say('/close fixed');

      const { teams, agents, total } = (await admin.get<Report>('/reports?from=2026-11-24&to=2026-11-25')).body;
      expect(total).toMatchObject({ opened: 1, resolved: 1, handOvers: 1, firstResponse: { count: 1, median: 120 } });
      // Billing kept Layla 2 minutes for a first answer, and gave it: before, Billing had nothing of her.
      expect(teams.Billing).toMatchObject({ opened: 0, handOvers: 1, firstResponse: { count: 1, median: 120 }, resolution: { count: 0 } });
      expect(teams.Support).toMatchObject({ opened: 1, resolved: 1, handOvers: 0, firstResponse: { count: 0 }, resolution: { count: 1, median: 1200 } });
      expect(agents.lina).toMatchObject({ handOvers: 1, firstResponse: { count: 1, median: 120 } });
      expect(agents.sara).toMatchObject({ handOvers: 0, resolved: 1 });
      // The CSV gives what the page's tables do, per team and per agent: who passed it on, and what is still open.
      const csv = (await admin.get<string>('/reports.csv?from=2026-11-24&to=2026-11-25')).body.split('\r\n');
      expect(csv.filter((row) => row.startsWith('2026-11-24/2026-11-24,'))).toEqual([
        '2026-11-24/2026-11-24,all,1,1,1,120,1200,1,0,0,0,1,0,',
        '2026-11-24/2026-11-24,Billing,0,0,0,120,,0,0,0,0,1,0,',
        '2026-11-24/2026-11-24,Support,1,1,1,,1200,1,0,0,0,0,0,',
        '2026-11-24/2026-11-24,Sales,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-24/2026-11-24,,0,0,0,,,0,0,0,0,0,0,Omar',
        '2026-11-24/2026-11-24,,1,1,1,,1200,1,0,0,0,0,0,Sara',
        '2026-11-24/2026-11-24,,0,0,0,120,,0,0,0,0,1,0,Lina',
      ]);
      // And the day's row, how many were passed on that day.
      expect(csv[1]).toBe('2026-11-24,all,1,1,1,120,1200,1,0,0,0,1,0,');
    } finally {
      await app.stop();
    }
  });
});

describe('hand-overs an admin made in the reports', () => {
  it('counts an admin giving a queued customer to an agent, and moving one from its agent to another team, and says both were the admin\'s', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (minutes: number) => (current = Date.parse('2026-11-24T09:00:00Z') + minutes * 60_000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    const charged = async (name: string) => {
      const customer = visitor(app.url, name.toLowerCase(), name);
      for (const text of ['hello', `${name.toLowerCase()}@example.com`, 'I was charged twice']) await customer.say(text);
    };
    try {
      // Nobody of Billing online: Layla waits in its queue, and the admin gives her to Sara (Support).
      const sara = visitor(app.url, 'agent-sara');
      await sara.say('/online');
      at(0);
      await charged('Layla');
      const layla = (await app.store.conversations()).at(-1)!;
      expect(layla).toMatchObject({ stage: 'queued', team: 'Billing' });
      at(5);
      expect((await admin.post(`/conversations/${layla.id}/assign`, { agentId: 'sara' })).status).toBe(200);
      // Lina takes Tom; the admin moves him to Support.
      const lina = visitor(app.url, 'agent-lina');
      await lina.say('/online');
      at(10);
      await charged('Tom');
      const tom = (await app.store.conversations()).at(-1)!;
      expect(tom).toMatchObject({ stage: 'assigned', agentId: 'lina' });
      at(12);
      expect((await admin.post(`/conversations/${tom.id}/transfer`, { team: 'Support' })).status).toBe(200);

      const { total, teams, agents } = (await admin.get<Report>('/reports?from=2026-11-24&to=2026-11-25')).body;
      expect(total).toMatchObject({ handOvers: 2, handOversByAdmin: 2 });
      expect(teams.Billing).toMatchObject({ handOvers: 2, handOversByAdmin: 2 });
      expect(agents.lina).toMatchObject({ handOvers: 1, handOversByAdmin: 1 });
      // Layla was nobody's: Billing's queue passed her on, no agent did.
      expect(agents.sara).toMatchObject({ handOvers: 0 });
      const csv = (await admin.get<string>('/reports.csv?from=2026-11-24&to=2026-11-25')).body.split('\r\n');
      expect(csv[0]).toBe('day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent');
      expect(csv.find((row) => row.startsWith('2026-11-24/2026-11-24,all,'))?.split(',').slice(-3)).toEqual(['2', '2', '']);
      expect(csv.find((row) => row.endsWith(',Lina'))?.split(',').slice(-3)).toEqual(['1', '1', 'Lina']);
    } finally {
      await app.stop();
    }
  });
});

describe('the reports of an admin whose day is not UTC\'s', () => {
  it('count the days of the admin\'s time zone: a conversation at 1:30 in Riyadh is on that day there, not on the day before', async () => {
    let current = Date.parse('2026-11-30T22:30:00Z');
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    const opens = async (name: string, at: string) => {
      current = Date.parse(at);
      const customer = visitor(app.url, name.toLowerCase(), name);
      for (const text of ['hello', `${name.toLowerCase()}@example.com`, 'I was charged twice']) await customer.say(text);
    };
    try {
      // Riyadh is UTC+3: Tom writes at 01:30 on 1 December there, Sam and Zaid after midnight on the 2nd.
      await opens('Tom', '2026-11-30T22:30:00Z');
      await opens('Layla', '2026-12-01T10:00:00Z');
      await opens('Sam', '2026-12-01T21:30:00Z');
      await opens('Zaid', '2026-12-01T22:00:00Z');
      type Answer = Report & { series: { days: string[]; conversationsByTeam: Record<string, number[]> } };
      const inRiyadh = (await admin.get<Answer>('/reports?from=2026-12-01&to=2026-12-02&tz=Asia/Riyadh')).body;
      expect(inRiyadh).toMatchObject({ from: '2026-11-30T21:00:00.000Z', to: '2026-12-01T21:00:00.000Z', total: { opened: 2 } });
      expect(inRiyadh.series.days).toEqual(['2026-12-01']);
      expect(inRiyadh.series.conversationsByTeam.Billing).toEqual([2]);
      const riyadhCsv = await admin.get<string>('/reports.csv?from=2026-12-01&to=2026-12-02&tz=Asia/Riyadh');
      expect(riyadhCsv.body.split('\r\n')[1]).toBe('2026-12-01,all,2,0,0,,,0,0,0,2,0,0,');
      // Named by Riyadh's day, so that each day's download keeps its own name (before, all were switchboard-report.csv).
      expect(riyadhCsv.headers.get('content-disposition')).toBe('attachment; filename="switchboard-report-2026-12-01.csv"');
      expect((await admin.get<string>('/reports.csv?from=2026-11-18&to=2026-12-02&tz=Asia/Riyadh')).headers.get('content-disposition')).toBe('attachment; filename="switchboard-report-2026-11-18-to-2026-12-01.csv"');
      expect((await admin.get<string>('/reports.csv')).headers.get('content-disposition')).toBe('attachment; filename="switchboard-report.csv"');
      // It is the 2nd in Riyadh already: today's bar is the 2nd's, with Sam and Zaid.
      expect((await admin.get<Answer>('/reports?tz=Asia/Riyadh')).body.series.conversationsByTeam.Billing?.slice(-2)).toEqual([2, 2]);
      // Scripts that name no zone keep UTC's days.
      expect((await admin.get<Answer>('/reports?from=2026-12-01&to=2026-12-02')).body.total.opened).toBe(3);
      const wrong = await admin.get<{ error: string }>('/reports?tz=Riyadh');
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(wrong.body)).toContain('must be a time zone such as Asia/Riyadh');
    } finally {
      await app.stop();
    }
  });
});

describe('the reports of a day whose midnight a clock change skips', () => {
  it('begin Santiago\'s 6 September 2026 at 01:00 there (its clocks go from 00:00 to 01:00), not at 23:00 the evening before', async () => {
    let current = Date.parse('2026-09-06T03:30:00Z');
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    const opens = async (name: string, at: string) => {
      current = Date.parse(at);
      const customer = visitor(app.url, name.toLowerCase(), name);
      for (const text of ['hello', `${name.toLowerCase()}@example.com`, 'I was charged twice']) await customer.say(text);
    };
    try {
      // Tom writes at 23:30 on 5 September in Santiago (UTC-4 until midnight), Layla at 10:00 on the 6th (UTC-3 then).
      await opens('Tom', '2026-09-06T03:30:00Z');
      await opens('Layla', '2026-09-06T13:00:00Z');
      type Answer = Report & { series: { days: string[]; conversationsByTeam: Record<string, number[]> } };
      const sixth = (await admin.get<Answer>('/reports?from=2026-09-06&to=2026-09-07&tz=America/Santiago')).body;
      expect(sixth).toMatchObject({ from: '2026-09-06T04:00:00.000Z', to: '2026-09-07T03:00:00.000Z', total: { opened: 1 } });
      expect(sixth.series.days).toEqual(['2026-09-06']);
      expect(sixth.series.conversationsByTeam.Billing).toEqual([1]);
      // Tom on the 5th, where his evening is.
      const both = (await admin.get<Answer>('/reports?from=2026-09-05&to=2026-09-07&tz=America/Santiago')).body;
      expect(both.series.days).toEqual(['2026-09-05', '2026-09-06']);
      expect(both.series.conversationsByTeam.Billing).toEqual([1, 1]);
      const csv = await admin.get<string>('/reports.csv?from=2026-09-06&to=2026-09-07&tz=America/Santiago');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="switchboard-report-2026-09-06.csv"');
      expect(csv.body.split('\r\n')[1]).toBe('2026-09-06,all,1,0,0,,,0,0,0,1,0,0,');
    } finally {
      await app.stop();
    }
  });
});

describe('the reports as an Arabic admin reads them', () => {
  it('titles the intents as their routes do in the page\'s language, and words the CSV\'s header in Arabic, readable in a spreadsheet', async () => {
    const current = Date.parse('2026-11-24T09:00:00Z');
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      const titles = async (language: string) => (await admin.get<{ series: { intents: Record<string, number[]>; intentTitles: Record<string, string> } }>('/reports?from=2026-11-24&to=2026-11-25', { 'accept-language': language })).body.series;
      expect(Object.keys((await titles('ar')).intents)).toEqual(['billing']);
      expect((await titles('ar')).intentTitles).toEqual({ billing: 'الفواتير' });
      expect((await titles('en')).intentTitles).toEqual({ billing: 'Billing' });

      const bytes = Buffer.from(await (await fetch(`${app.url}/api/reports.csv?from=2026-11-24&to=2026-11-25&lang=ar`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).arrayBuffer());
      // The byte order mark: without it, Excel reads the UTF-8 of Arabic as Latin-1 mojibake.
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3).toString('utf8').split('\r\n').slice(0, 3)).toEqual([
        'اليوم,الفريق,فُتحت,أُغلقت,أُسندت إلى موظف,أول رد (الوسيط، بالثواني),مدة الحل (الوسيط، بالثواني),أغلقها موظف أو مشرف,أغلقها البوت,أُغلقت لعدم النشاط,ما زالت مفتوحة,حُوّلت,حوّلها مشرف,الموظف',
        '2026-11-24,كل الفرق,1,0,0,,,0,0,0,1,0,0,',
        '2026-11-24,Billing,1,0,0,,,0,0,0,1,0,0,',
      ]);
      // Scripts that ask for no language get the columns they know.
      expect((await admin.get<string>('/reports.csv?from=2026-11-24&to=2026-11-25')).body.split('\r\n')[0]).toBe('day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent');
      expect((await admin.get<{ error: string }>('/reports.csv?lang=fr')).status).toBe(400);
    } finally {
      await app.stop();
    }
  });
});

describe('a period whose end is not a date of the calendar', () => {
  it('is refused naming the parameter and the value, where 2026-02-30 was read as 2 March and 1 as the year 2001', async () => {
    const app = await start(await shippedDataDir(), { now: () => new Date('2026-03-10T09:00:00Z'), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const february = await admin.get<{ error: string }>('/reports?from=2026-02-30&to=2026-03-01');
      expect(february.status).toBe(400);
      expect(february.body.error).toBe('from: "2026-02-30" is not a date (February 2026 has 28 days): write one such as 2026-11-01 or 2026-11-01T09:00:00Z');
      const one = await admin.get<{ error: string }>('/reports.csv?from=1');
      expect(one.status).toBe(400);
      expect(one.body.error).toContain('from: "1" is not a date');
      const month = await admin.get<{ error: string }>('/reports?to=2026-13-01');
      expect(month.status).toBe(400);
      expect(month.body.error).toContain('to: "2026-13-01" is not a date (there is no month 13)');
      expect((await admin.get<{ error: string }>('/reports?from=2026-03-01T25:00:00Z')).status).toBe(400);
      // The forms it documents still answer: a leap day, a day and time with an offset.
      expect((await admin.get('/reports?from=2028-02-29&to=2028-03-01')).status).toBe(200);
      expect((await admin.get('/reports?from=2026-03-01T09:00:00Z&to=2026-03-02T09:00:00.000%2B03:00')).status).toBe(200);
      expect((await admin.get('/reports.csv?from=2026-03-01&to=2026-03-02&tz=Asia/Riyadh')).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
