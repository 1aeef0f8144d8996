import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Two projects: the test files that drive Chromium (they, or the admin-ui scenario they use, import playwright-core)
// and the rest. `npm test` (scripts/test.mjs) runs them side by side, each one file at a time: on 2 cores one file at
// a time left a core idle through the server tests, and two browser files at once were no faster than one.
const browser = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .filter((file) => /playwright-core|scenario\.ts'/.test(readFileSync(`test/${file}`, 'utf8')))
  .map((file) => `test/${file}`);
// The fault and attack suite runs apart: npm run test:reliability (vitest.reliability.config.ts).
const exclude = ['test/reliability/**', 'node_modules/**'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // expect.poll's own default (1 s) is too short for what the tests poll, a server, a store's synced commits or
    // Chromium, when both lanes keep the 2 cores busy; a poll ends as soon as its condition holds.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'browser', include: browser, exclude } },
      { extends: true, test: { name: 'server', include: ['test/**/*.test.ts'], exclude: [...exclude, ...browser] } },
    ],
  },
});
