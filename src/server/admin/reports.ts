// `/api/reports` (today's figures and the series by day the charts draw) and `/api/reports.csv`.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Router } from 'express';
import { z } from 'zod';
import { buildReport, buildSeries, reportCsv } from '../../handover/reports.ts';
import type { Conversation, Store } from '../../store/types.ts';
import { badRequest, type AdminContext } from './context.ts';
import { conversationsNewestFirst } from './pages.ts';

const isoDate = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be a date such as 2026-11-01 or 2026-11-01T09:00:00Z')
  .transform((text) => new Date(text));
const reportQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict()
  .refine(({ from, to }) => !from || !to || from < to, 'from must come before to');

/** Mounts the report routes on the admin router. */
export function mountReports(router: Router, context: AdminContext): void {
  const { store, directory } = context;

  router.get('/reports', async (req, res) => {
    const query = reportQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const period = { ...(query.data.from ? { from: query.data.from } : {}), ...(query.data.to ? { to: query.data.to } : {}) };
    const conversations = await everyConversation(store);
    const now = context.now();
    const report = buildReport({ conversations, agents: directory.agents(), teams: directory.teams(), now, ...period });
    // A turn for the customers between the two (about 100 ms each over 100,000 conversations).
    await nextTurn();
    res.json({ ...report, series: buildSeries({ conversations, teams: directory.teams(), now, ...period }) });
  });

  router.get('/reports.csv', async (req, res) => {
    const query = reportQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const period = { ...(query.data.from ? { from: query.data.from } : {}), ...(query.data.to ? { to: query.data.to } : {}) };
    const csv = reportCsv({ conversations: await everyConversation(store), teams: directory.teams(), now: context.now(), ...period });
    res.set('content-type', 'text/csv; charset=utf-8');
    res.set('content-disposition', 'attachment; filename="switchboard-report.csv"');
    res.send(csv);
  });
}

/** Every conversation, oldest first, read page by page (see `conversationsNewestFirst`). */
async function everyConversation(store: Store): Promise<Conversation[]> {
  const all: Conversation[] = [];
  for await (const conversation of conversationsNewestFirst(store)) all.push(conversation);
  return all.reverse();
}
