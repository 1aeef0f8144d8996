import { defineConfig } from 'vitest/config';

// The fault and attack suite (npm run test:reliability): long, so outside `npm test`. RELIABILITY_FUZZ sets the
// fuzzed bodies per channel (10,000 by default; CI runs fewer), RELIABILITY_KILLS the kill -9 rounds (10 by default).
// The kill -9 test of the embedded store is the normal suite's, run here with more rounds.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts', 'test/server/replies-after-kill.test.ts'],
    env: { RELIABILITY_KILLS: process.env.RELIABILITY_KILLS ?? '10' },
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    // botbuilder prints every refused token to stderr (the README says so); the fuzz forges hundreds.
    onConsoleLog: (log) => !log.startsWith('Error finding key for token'),
  },
});
