import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Three projects: the test files that drive Chromium (they, or the admin-ui scenario they use, import playwright-core)
// in one shared process, the rest in another, and the few of those that need modules of their own. `npm test` (scripts/test.mjs)
// runs the browser lane and the server lane (the two server projects) side by side, each one file at a time: on 2
// cores one file at a time left a core idle through the server tests, and two browser files at once were no faster
// than one.
const files = readdirSync('test', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.test.ts'));
const using = (pattern: RegExp) => files.filter((file) => pattern.test(readFileSync(`test/${file}`, 'utf8'))).map((file) => `test/${file}`);
const browser = using(/playwright-core|scenario\.ts'/);
// vi.mock replaces a module for the whole process, and a module another file imported first is not replaced: these
// files get a process of their own, as every file did before.
const ownModules = using(/\bvi\.(mock|doMock)\(/);
// The fault and attack suite runs apart: npm run test:reliability (vitest.reliability.config.ts).
const exclude = ['test/reliability/**', 'node_modules/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Hooks start servers and Chromium, train the NLP model when no earlier test kept it, and stop what they started:
    // beside another run (load 8-12) a clean-up took past 20 s after its tests had passed (7fe1edc). A hang still fails.
    hookTimeout: 60_000,
    // expect.poll's own default (1 s) is too short for what the tests poll, a server, a store's synced commits or
    // Chromium, when both lanes keep the 2 cores busy; a poll ends as soon as its condition holds.
    expect: { poll: { timeout: 10_000 } },
    // A test whose wait ran out of time (Playwright's "Timeout 30000ms exceeded", a test past its own time) runs once
    // more: on a loaded 2-core CI machine a Chromium step can miss 30 s while the server lane and PostgreSQL hold both
    // cores (stops 63 and 64 did not land for one such wait each; each passed 16 of 16 alone). A value that was wrong
    // (an assertion, a poll that never saw its condition) fails at once. What passed only on its second run is named
    // at the end of the output ("PASSED ON RETRY", test/retried-reporter.ts), and in CI's summary, to be mended.
    retry: { count: 1, condition: /Timeout \d+ms exceeded|[Tt]est timed out in \d+ms/ },
    reporters: ['default', './test/retried-reporter.ts'],
    pool: 'forks',
    projects: [
      // The browser files share one process too (stop 66): eight of them alternated, each in its own process and all in
      // one, used 58.0 and 78.1 s of CPU against 38.1 and 35.4 (at load 21-33), vitest's import time 108 and 404 s
      // against 23 and 20.
      { extends: true, test: { name: 'browser', include: browser, exclude, isolate: false, setupFiles: ['test/shared-process.ts'] } },
      // Importing the server's modules again for each file, as isolation does, took about 1.4 s of CPU per file and a
      // third of the lane: these files share one process and its modules. The environment each starts with is the
      // lane's (test/shared-process.ts); a spy or stub it leaves is undone by vitest between files.
      {
        extends: true,
        test: { name: 'server', include: ['test/**/*.test.ts'], exclude: [...exclude, ...browser, ...ownModules], isolate: false, setupFiles: ['test/shared-process.ts'] },
      },
      { extends: true, test: { name: 'server-isolated', include: ownModules, exclude: [...exclude, ...browser] } },
    ],
  },
});
