// The admin API (`/api/*`, contract in the dashboard issue) and the dashboard's mount point (`/admin`). Off without
// ADMIN_TOKEN: every /api route answers 503 and /admin says how to turn it on. Otherwise every route needs the
// token (bearer) or the sign-in cookie (see auth.ts); each part of the API lives in its own module.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { AdminAuth } from './auth.ts';
import { mountContacts } from './contacts.ts';
import type { AdminContext, KnownRefusal } from './context.ts';
import { mountConversations } from './conversations.ts';
import { mountEvents } from './events.ts';
import { Watch } from './watch.ts';
import { StoreUnavailableError } from '../../store/errors.ts';
import { mountFlows } from './flows.ts';
import { mountNlp } from './nlp.ts';
import { mountReports } from './reports.ts';
import { mountTeam } from './team.ts';
import type { ServerRefusal } from '../../shared/refusals.ts';
import { isDown } from '../../types.ts';

export type { AdminContext } from './context.ts';
export { AdminAuth } from './auth.ts';

export interface AdminOptions extends AdminContext {
  token: string | undefined;
  /**
   * The sign-in checks, when the caller shares them with another page (the WhatsApp QR page takes the dashboard's
   * cookie too, and a signed-out cookie must be refused there as well); made here from `token` otherwise.
   */
  auth?: AdminAuth;
  /**
   * Mounts the dashboard's page and assets under `/admin` (called only when ADMIN_TOKEN is set; see
   * src/server/dashboard.ts). Without it `/admin` says the dashboard is not part of this build.
   */
  dashboard?: (app: Express) => void;
  /** Heartbeat of the event stream (default 20 s; tests shorten it). */
  heartbeatMs?: number;
  /**
   * How often the "Replies not sent yet" banner's state is looked at without a notice (default 5 s): a test that shows
   * the notice's own news lengthens it, so that what arrives cannot be that look.
   */
  waitingLookMs?: number;
  /** How often the channels' state is looked at while a dashboard is open (default `CHANNELS_WATCH_MS`, 2 s; tests shorten it). */
  channelsLookMs?: number;
}

/** How often the channels' state is looked at while a dashboard is open. */
const CHANNELS_WATCH_MS = 2_000;

/**
 * The page `/admin` shows while the admin API is off. Fixed text: nothing from the request is written into it.
 */
const OFF_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard admin is off</title></head>
<body>
<h1>The admin dashboard is off</h1>
<p>Switchboard's admin dashboard and its API (<code>/api</code>) are turned on by a secret token. Set the
<code>ADMIN_TOKEN</code> environment variable to a long random value and restart, for example:</p>
<pre>ADMIN_TOKEN=$(openssl rand -hex 24) npm start</pre>
<p>Then open this page again and sign in with that token. Keep it to yourself: it opens every conversation.</p>
</body></html>
`;

/**
 * Mounts `/api/*` and `/admin`.
 *
 *     mountAdmin(routes, { token: config.ADMIN_TOKEN, store, directory, flows, publisher, intents, act: runtime.act, … });
 *     // GET /api/conversations?status=open with Authorization: Bearer <ADMIN_TOKEN>
 */
export function mountAdmin(app: Express, options: AdminOptions): void {
  const { token } = options;
  if (!token) {
    app.use('/api', ((_req, res) => {
      res.status(503).json({ error: 'the admin API is off: set ADMIN_TOKEN to turn it on', kind: 'adminOff' } satisfies KnownRefusal & { error: string });
    }) satisfies RequestHandler);
    app.get(['/admin', '/admin/{*rest}'], (_req, res) => {
      res.status(503).set('content-security-policy', "default-src 'none'").type('html').send(OFF_PAGE);
    });
    return;
  }

  const auth = options.auth ?? new AdminAuth({ token, now: () => options.now().getTime() });
  const open = express.Router();
  auth.mountLogin(open);
  const router = express.Router();
  // The server's clock with every answer: the dashboard counts waiting times on it, not on the browser's, which may be off.
  const serverTime: RequestHandler = (_req, res, next) => {
    res.setHeader('x-server-time', String(options.now().getTime()));
    next();
  };
  router.use(auth.guard);
  auth.mountLogout(router);
  router.get('/session', (_req, res) => void res.json({ ok: true }));
  mountFlows(router, options);
  mountTeam(router, options);
  mountConversations(router, options);
  mountContacts(router, options);
  mountNlp(router, options);
  mountReports(router, options);
  const outages = new Watch(() => options.store.outage?.());
  // Read from the channels' own state, in memory: looked at more often than the store.
  const channelsDown = new Watch(() => {
    const down = (options.channels?.() ?? []).filter(isDown);
    return down.length > 0 ? down : undefined;
  }, { everyMs: options.channelsLookMs ?? CHANNELS_WATCH_MS });
  // Read from the store (every process's, and those waiting behind the one tried for each customer): as often as its state.
  const waiting = new Watch(async (fresh) => {
    const replies = (await options.waitingReplies?.(fresh)) ?? [];
    return replies.length > 0 ? replies : undefined;
  }, options.waitingLookMs !== undefined ? { everyMs: options.waitingLookMs } : {});
  // A reply began or stopped waiting, in any process: the banners read it again now, not at the next look.
  options.feed.subscribe((change) => change.type === 'delivery' && change.data.waiting && waiting.changed());
  mountEvents(router, options, { outages, channelsDown, waiting }, { signedIn: (req) => auth.signedIn(req), ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}) });
  router.use((_req, res) => void res.status(404).json({ error: 'no such admin API route', kind: 'notFound' } satisfies ServerRefusal));
  // A page refused because the store is out of reach: the dashboards' banner says why now, not at the next look.
  router.use(((error, _req, _res, next) => {
    if (error instanceof StoreUnavailableError) void outages.look();
    next(error);
  }) satisfies ErrorRequestHandler);
  app.use('/api', serverTime, open, router);

  if (options.dashboard) options.dashboard(app);
  else {
    app.get('/admin', (_req, res) => {
      res.set('content-security-policy', "default-src 'none'").type('html')
        .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard admin</title></head><body><p>The dashboard is not part of this build. The admin API is at <code>/api</code> (see the README).</p></body></html>\n');
    });
  }
}
