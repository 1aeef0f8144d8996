// `npm test`: the test files in two lanes at once, each running its files one at a time (vitest.config.ts's
// projects): those that drive Chromium, and the rest (most sharing one process, a few in processes of their own).
// Each line of output is headed by its lane; arguments (file filters, -t …) go to both. Fails when a lane fails, or
// when neither found a test file. With SWITCHBOARD_TEST_LANE_DONE set to a folder, each lane writes a file named
// after it there (its exit code) the moment it ends, for CI to start other work on the core a lane gave up.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const lanes = Object.entries({ browser: ['browser'], server: ['server', 'server-isolated'] }).map(([lane, projects]) => new Promise((resolve) => {
  const child = spawn('npx', ['vitest', 'run', ...projects.flatMap((project) => ['--project', project]), '--passWithNoTests', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let found = true;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (/No test files found/.test(line)) found = false;
      (stream === child.stdout ? process.stdout : process.stderr).write(`[${lane}] ${line}\n`);
    });
  }
  child.on('close', (code, signal) => {
    const result = { lane, code: code ?? (signal ? 1 : 0), found };
    const doneDir = process.env.SWITCHBOARD_TEST_LANE_DONE;
    if (doneDir) writeFileSync(join(doneDir, lane), `${result.code}\n`);
    resolve(result);
  });
}));

const results = await Promise.all(lanes);
for (const { lane, code } of results) if (code !== 0) console.error(`[${lane}] failed (exit code ${code})`);
if (results.every((result) => !result.found)) console.error('no test file matched');
process.exitCode = results.some((result) => result.code !== 0) || results.every((result) => !result.found) ? 1 : 0;
