// A server under benchmark, in its own process: `switchboard` (the product, web chat), `bare` (express, no logic),
// or `telegram` (the product behind the Telegram webhook, its Bot API at BOT_API_ROOT; STORE and DATABASE_URL from
// the environment). Prints its URL on stdout; answers an IPC "report" with its CPU time and peak RSS
// (peers/report.ts), then stops on SIGTERM.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/shared/log.ts';
import { startSwitchboard } from '../src/server/switchboard.ts';
import { BOT_TOKEN, WEBHOOK_SECRET } from './ask-flow.ts';
import { serveBenchmark } from './peers/report.ts';

const [mode, dataDir] = process.argv.slice(2);

if (mode === 'bare') {
  // The same HTTP work as the web chat POST (route, JSON body parsing, a JSON answer) and nothing else.
  const app = express();
  app.post('/webchat/:session/messages', express.json({ limit: '256kb' }), (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  const server: Server = await new Promise((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => new Promise((done) => server.close(() => done())));
} else {
  const telegram = mode === 'telegram'
    ? {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_API_ROOT: process.env.BOT_API_ROOT as string,
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ...(process.env.STORE === 'postgres' ? { STORE: 'postgres' as const, DATABASE_URL: process.env.DATABASE_URL as string } : {}),
      }
    : {};
  const switchboard = await startSwitchboard({
    // Simulated visitors post to sessions they name, from one address, far past the web chat's abuse limits.
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir ?? '', WEBCHAT_OPEN_SESSIONS: '1',
      WEBCHAT_RATE_LIMIT: [{ count: 1_000_000, perMs: 1_000 }, { count: 1_000_000, perMs: 1_000 }],
      ...telegram,
      // BENCH: STORE_COMPACT_AFTER_KB=… to see what compaction costs (the default is the product's).
      ...(process.env.STORE_COMPACT_AFTER_KB ? { STORE_COMPACT_AFTER_KB: Number(process.env.STORE_COMPACT_AFTER_KB) } : {}),
    },
    // BENCH_LOG_LEVEL=info shows the store's compactions (with their time) beside a run's timeline.
    log: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }),
    watch: false,
  });
  // Measure the steady state: the NLP model of a fresh DATA_DIR trains in a worker thread at start.
  await switchboard.intents.ready();
  serveBenchmark(switchboard.url, switchboard.stop);
}
