// `npm start`: reads the configuration, starts Switchboard, stops it cleanly on SIGTERM or Ctrl-C.
import { ConfigError, readConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startSwitchboard } from './switchboard.ts';

let config;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const log = createLogger({ level: config.LOG_LEVEL });
try {
  const switchboard = await startSwitchboard({ config, log });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    switchboard.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  log.fatal({ err: error }, 'Switchboard could not start');
  process.exit(1);
}
