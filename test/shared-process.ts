// Set-up before each test file of the 'server' project, whose files share one process (vitest.config.ts): a file
// starts as in a process of its own, whatever an earlier one left. Its environment variables are the lane's, whatever
// an earlier file set or deleted (shippedDataDir() sets the shipped agents' tokens, which agentToken() then reads),
// and after it the clock is the real one, globals are unstubbed (vitest itself restores spies between files) and a
// server process a failed test left running is killed.
import { afterAll, vi } from 'vitest';
import { stopLeftoverServers } from './server-process.ts';

const LANE_ENV = Symbol.for('switchboard.test.laneEnv');
const lane = ((globalThis as Record<symbol, NodeJS.ProcessEnv | undefined>)[LANE_ENV] ??= { ...process.env });
// vitest's own variables (the worker's id, the file's pool) are set for each file by vitest itself.
const own = (name: string) => name.startsWith('VITEST');
for (const name of Object.keys(process.env)) if (!own(name) && !(name in lane)) delete process.env[name];
for (const [name, value] of Object.entries(lane)) if (!own(name)) process.env[name] = value;

afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  await stopLeftoverServers();
});
