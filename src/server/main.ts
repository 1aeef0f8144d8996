// The process: reads the configuration, starts Switchboard, stops it cleanly on SIGTERM or Ctrl-C (also when
// one arrives during start-up). `npm start` runs it from the TypeScript source, `npm run start:prod` built.
import { ConfigError, readConfig } from './config.ts';
import { createLogger } from '../shared/log.ts';
import { startSwitchboard } from './switchboard.ts';

/** What a process manager waits before it sends SIGKILL is commonly 10 s; a clean stop must fit in it. */
const STOP_WITHIN_MS = 10_000;

let config;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const log = createLogger({ level: config.LOG_LEVEL });
// A stop asked for while the start waits for the database ends that wait.
const startAborted = new AbortController();
const starting = startSwitchboard({ config, log, signal: startAborted.signal });

let shuttingDown = false;
const shutdown = (signal: NodeJS.Signals) => {
  // Ctrl-C reaches both npm and this process, and npm forwards it: the same signal may come twice.
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    log.error(`shutdown took longer than ${STOP_WITHIN_MS / 1000} s; exiting`);
    process.exit(1);
  }, STOP_WITHIN_MS);
  force.unref();
  startAborted.abort(new Error(`${signal} during start-up`));
  starting.then((switchboard) => switchboard.stop(), () => undefined /* the start closed what it opened */).then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

try {
  await starting;
} catch (error) {
  // Ended by SIGTERM or Ctrl-C while it waited for the database: `shutdown` exits, with 0.
  if (!startAborted.signal.aborted) {
    // A port in use or a bad HOST is the person's to fix, like a bad variable: one plain line naming it.
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else log.fatal({ err: error }, 'Switchboard could not start');
    process.exit(1);
  }
}
