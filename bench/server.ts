// A server under benchmark, in its own process: `switchboard` (the product) or `bare` (express, no logic).
// Prints its URL on stdout; on an IPC "report" message answers with its peak RSS, then stops on SIGTERM.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/shared/log.ts';
import { startSwitchboard } from '../src/server/switchboard.ts';

const [mode, dataDir] = process.argv.slice(2);
let stop: () => Promise<void>;
let url: string;

if (mode === 'bare') {
  // The same HTTP work as the web chat POST (route, JSON body parsing, a JSON answer) and nothing else.
  const app = express();
  app.post('/webchat/:session/messages', express.json({ limit: '256kb' }), (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  const server: Server = await new Promise((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = () => new Promise((done) => server.close(() => done()));
} else {
  const switchboard = await startSwitchboard({
    // Simulated visitors post to sessions they name, from one address, far past the web chat's abuse limits.
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dataDir ?? '', WEBCHAT_OPEN_SESSIONS: '1',
      WEBCHAT_RATE_LIMIT: [{ count: 1_000_000, perMs: 1_000 }, { count: 1_000_000, perMs: 1_000 }],
    },
    log: createLogger({ level: 'warn' }),
    watch: false,
  });
  // Measure the steady state: the NLP model of a fresh DATA_DIR trains in a worker thread at start.
  await switchboard.intents.ready();
  url = switchboard.url;
  stop = switchboard.stop;
}

process.on('message', (message) => {
  if (message === 'report') process.send?.({ maxRssMb: process.resourceUsage().maxRSS / 1024 });
});
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
process.stdout.write(`${url}\n`);
