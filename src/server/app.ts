// The express application: health, the channels' routes, and a JSON error for every bad request.
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Channel } from '../types.ts';
import type { Logger } from './log.ts';

export interface AppOptions {
  channels: Channel[];
  /** Files refused at load (flow scripts, team.yaml), as `file:line: reason` lines. */
  fileErrors: () => string[];
  log: Logger;
  /** True once the store is open and the flows are loaded. */
  ready: () => boolean;
  /** Mounts further routes (the admin API) before the 404 handler. */
  mount?: (app: Express) => void;
}

/**
 * Builds the HTTP application.
 *
 *     const app = createApp({ channels, fileErrors: () => [], log, ready: () => true });
 *     app.listen(3000);
 */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    if (!options.ready()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    const fileErrors = options.fileErrors();
    res.json({ status: 'ok', ...(fileErrors.length > 0 ? { fileErrors } : {}) });
  });

  for (const channel of options.channels) channel.mount?.(app);
  options.mount?.(app);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    const reason =
      error?.type === 'entity.parse.failed' ? 'the body is not valid JSON'
      : error?.type === 'entity.too.large' ? 'the body is too large'
      : status < 500 ? String(error?.message ?? 'bad request')
      : 'internal error; nothing was acknowledged, please retry';
    if (status >= 500) options.log.error({ err: error, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(status).json({ error: reason });
  };
  app.use(onError);
  return app;
}
