// The express application: security headers on every answer, health, the channels' routes once started, and a
// JSON error for every bad request, with its kind (see src/shared/refusals.ts).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ChannelStatus, FastRouteHandler, FastRoutes } from '../types.ts';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from '../shared/log.ts';
import type { WaitingReplies } from '../bot/outbox.ts';
import { INTERNAL_ERROR, NOT_JSON, retryAfter, STORE_OUT_OF_REACH, UNAVAILABLE_RETRY_AFTER_MS, type ServerRefusal } from '../shared/refusals.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import { mountFavicon } from './favicon.ts';
import { pageLanguage } from './language.ts';

/**
 * What `GET /healthz` answers, as its JSON body: 200 when ok, 503 otherwise, so that a monitor watching status
 * codes notices. `degraded`: the server serves, but a file is refused (the last good version runs), a channel is
 * down (WhatsApp Web waiting for a scan, say) or the store is out of reach (PostgreSQL down: every request that
 * needs it answers 503 meanwhile); `reasons` says what, one line each.
 */
export type Health =
  | { status: 'starting'; reasons: string[] }
  /**
   * `fileErrors`: files refused at load (flow scripts, team.yaml, training data), each as `file:line:column: reason`, as the log says it.
   * `channels`: the channels that keep a connection of their own, by name.
   * `waitingReplies`: replies waiting for their channel after a failure that may pass, by channel, as the dashboard's
   * banner counts them from the store (`waitingFromStore`; this process's own while the store is out of reach);
   * waiting 5 minutes or more, they make the status degraded.
   */
  | { status: 'ok' | 'degraded'; reasons?: string[]; fileErrors?: string[]; channels?: Record<string, ChannelHealth>; waitingReplies?: WaitingReplies[] }
  | { status: 'stopping' };

/**
 * What `GET /readyz` answers: 200 `ready` while this process can serve requests, 503 otherwise (starting, stopping,
 * or its store out of reach: every request needing it would be refused). A refused file or a channel down leaves it
 * ready: the last good version runs and the other channels serve, so a load balancer keeps sending it traffic;
 * `/healthz` is what a monitor pages on.
 */
export type Readiness =
  | { status: 'ready' }
  | { status: 'starting' | 'unavailable'; reasons: string[] }
  | { status: 'stopping' };

/** A channel with a connection of its own: whether it can send and receive, its state, and why not. */
export type ChannelHealth = ChannelStatus;

export interface AppOptions {
  log: Logger;
  health: () => Health | Promise<Health>;
  /** Whether this process can serve requests, for `GET /readyz`. */
  ready: () => Readiness | Promise<Readiness>;
  /** True until the parts behind `routes` are ready; they answer 503 meanwhile. */
  starting: () => boolean;
  /**
   * While starting, how long until start-up tries the database again, when it is waiting for it: the 503's
   * Retry-After says that wait (else `UNAVAILABLE_RETRY_AFTER_MS`: how long the rest takes is not known).
   */
  startWaitMs?: () => number | undefined;
}

export interface App {
  /** The request listener, for `http.createServer`. */
  handler: RequestListener;
  /** Where the channels and the admin API mount their routes; answered 503 while `starting()`. */
  routes: Express;
  /** Routes answered before express (see `FastRouteHandler`), once started; while starting, express answers 503. */
  fast: FastRoutes;
}

/**
 * What every answer carries, as helmet would set it (written out here: a handful of fixed headers needs no dependency).
 * Nothing is framed, sniffed, or given a referrer; an answer that is not a page runs nothing. Pages set their own
 * content security policy (the web chat's pages allow their own scripts and styles, and the widget's iframe its
 * embedding origins), as do files served from the media store.
 */
const securityHeaders: RequestHandler = (req, res, next) => {
  setSecurityHeaders(res, req.secure);
  next();
};

function setSecurityHeaders(res: ServerResponse, secure: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('x-permitted-cross-domain-policies', 'none');
  if (secure) res.setHeader('strict-transport-security', 'max-age=15552000');
}

/** A loopback address: the proxies trusted for X-Forwarded-Proto (`trust proxy` is `loopback`). */
const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** What express's `req.secure` says, without express: TLS here, or HTTPS at a trusted proxy in front. */
function isSecure(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (!loopback.test(req.socket.remoteAddress ?? '')) return false;
  const header = req.headers['x-forwarded-proto'];
  return typeof header === 'string' && header.split(',')[0]?.trim() === 'https';
}

/**
 * What an error a route or express.json threw is answered, at `status`: a body that is not JSON (`badRequest`) or over
 * the route's limit (`tooLarge`, with that limit), another request refused for what it is (its own message), or a
 * failure (`internal`: what failed is in the log, not in the answer).
 */
function refusalOf(error: { type?: unknown; message?: unknown; limit?: unknown } | undefined, status: number): ServerRefusal {
  if (error?.type === 'entity.parse.failed') return NOT_JSON;
  if (error?.type === 'entity.too.large') return { error: 'the body is too large', kind: 'tooLarge', ...(typeof error.limit === 'number' ? { maxBytes: error.limit } : {}) };
  if (status >= 500) return INTERNAL_ERROR;
  return { error: String(error?.message ?? 'bad request'), kind: status === 404 ? 'notFound' : status === 413 ? 'tooLarge' : 'badRequest' };
}

/** What a page asked for while Switchboard starts reads, per language: it reloads itself after `seconds`. */
const STARTING_PAGE = {
  en: { title: 'Switchboard is starting', text: (seconds: string) => `Switchboard is starting (the first start prepares its language model, which takes a minute or so). This page opens by itself once it is ready; it looks again in ${seconds} s.` },
  ar: { title: 'يجري تشغيل Switchboard', text: (seconds: string) => `يجري تشغيل Switchboard (يُجهّز أوّلُ تشغيلٍ نموذجَ اللغة، وقد يستغرق ذلك دقيقة تقريبًا). تُفتح هذه الصفحة من تلقاء نفسها حين يصبح جاهزًا؛ ويُعاد التحقق بعد ${seconds} ث.` },
} as const;

/**
 * The page a browser reads while Switchboard starts, in `language`: why the page is not there yet, and a reload
 * after `seconds` (the Retry-After) that brings it once ready.
 */
function startingPage(language: 'en' | 'ar', seconds: string): string {
  const words = STARTING_PAGE[language];
  return `<!doctype html>
<html lang="${language}" dir="${language === 'ar' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="${seconds}"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${words.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}</style></head>
<body><h1>${words.title}</h1><p>${words.text(seconds)}</p></body>
</html>
`;
}

/** A request refused because the store is out of reach is logged at most this often (the store logs the outage itself). */
const REFUSAL_LOG_EVERY_MS = 60_000;

/**
 * Builds the HTTP application. The server can listen before the parts behind `routes` exist.
 *
 *     const { handler, routes } = createApp({ log, health: () => ({ status: 'ok' }), ready: () => ({ status: 'ready' }), starting: () => false });
 *     webchat.mount(routes); createServer(handler).listen(3000);
 */
export function createApp(options: AppOptions): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);

  app.get('/healthz', async (_req, res) => {
    const health = await options.health();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await options.ready();
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });
  mountFavicon(app);

  // A sub-application, so the routes mounted once the store is open still come before the 404 handler below.
  const routes = express();
  routes.disable('x-powered-by');
  app.use((req, res, next) => {
    if (!options.starting()) {
      next();
      return;
    }
    const wait = retryAfter(options.startWaitMs?.() ?? UNAVAILABLE_RETRY_AFTER_MS);
    res.status(503).set('retry-after', wait);
    // A person who opened the page as soon as the log named its address reads why it is not there yet, and the page
    // comes by itself; an API client reads the refusal as JSON.
    if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html') {
      res.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'").type('html').send(startingPage(pageLanguage(req), wait));
      return;
    }
    res.json({ error: 'Switchboard is starting; try again shortly', kind: 'unavailable' } satisfies ServerRefusal);
  }, routes);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', kind: 'notFound' } satisfies ServerRefusal);
  });

  // When a refusal for the store out of reach was last logged, and how many were not logged since.
  let refusalLoggedAt = -Infinity;
  let refusalsUnlogged = 0;
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    // The database restarting, or the disk full, say: nothing was done, and the same request succeeds once it is back.
    if (error instanceof StoreUnavailableError) {
      // A dashboard left open asks every few seconds: one line a minute says it, with how many (the store says why).
      const now = Date.now();
      if (now - refusalLoggedAt >= REFUSAL_LOG_EVERY_MS) {
        options.log.warn({ err: error.message, path: req.path, ...(refusalsUnlogged > 0 ? { refusedSince: refusalsUnlogged } : {}) }, 'request refused: the store is out of reach');
        refusalLoggedAt = now;
        refusalsUnlogged = 0;
      } else refusalsUnlogged += 1;
      if (!res.headersSent) res.status(503).set('retry-after', retryAfter(error.retryAfterMs ?? UNAVAILABLE_RETRY_AFTER_MS)).json({ error: STORE_OUT_OF_REACH, kind: 'unavailable' } satisfies ServerRefusal);
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status >= 500) options.log.error({ err: error, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(status).json(refusalOf(error, status));
  };
  app.use(onError);

  const fastRoutes = new Map<string, FastRouteHandler>();
  const handler: RequestListener = (req, res) => {
    const fastRoute = req.method === 'POST' && fastRoutes.size > 0 && !options.starting() ? fastRoutes.get(req.url ?? '') : undefined;
    if (!fastRoute) {
      app(req, res);
      return;
    }
    setSecurityHeaders(res, isSecure(req));
    fastRoute(req, res, () => app(req, res));
  };
  const fast: FastRoutes = { post: (path, handle) => void fastRoutes.set(path, handle) };
  return { handler, routes, fast };
}
