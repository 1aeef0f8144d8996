// The admin API: reports for now (teams, agents and flows editing come with the dashboard issue).
// Every route needs `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN set the admin API is off.
import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Store } from '../store/types.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import { buildReport } from '../handover/reports.ts';

export interface AdminOptions {
  token: string | undefined;
  store: Store;
  directory: TeamDirectory;
  now: () => Date;
}

const isoDate = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be a date such as 2026-11-01 or 2026-11-01T09:00:00Z')
  .transform((text) => new Date(text));
const reportQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();

/**
 * Mounts `/api/*`.
 *
 *     mountAdmin(app, { token: config.ADMIN_TOKEN, store, directory, now: () => new Date() });
 *     // GET /api/reports?from=2026-11-01&to=2026-12-01
 */
export function mountAdmin(app: Express, options: AdminOptions): void {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!options.token) {
      res.status(503).json({ error: 'the admin API is off: set ADMIN_TOKEN to turn it on' });
      return;
    }
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(given, options.token)) {
      res.status(401).json({ error: 'send Authorization: Bearer <ADMIN_TOKEN>' });
      return;
    }
    next();
  });
  router.get('/reports', async (req, res) => {
    const query = reportQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: query.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; ') });
      return;
    }
    const { directory, store, now } = options;
    res.json(buildReport({
      conversations: await store.conversations(),
      agents: directory.agents(),
      teams: directory.teams(),
      now: now(),
      ...(query.data.from ? { from: query.data.from } : {}),
      ...(query.data.to ? { to: query.data.to } : {}),
    }));
  });
  app.use('/api', router);
}

/** Compares secrets in constant time, so response timing tells nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
