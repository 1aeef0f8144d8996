// A flow's pattern runs within a budget of steps (where V8 cannot count them, 100 ms of the clock). A server kept off
// the CPU for longer than 100 ms (a machine busy with other work; here the process is paused with SIGSTOP) must not
// stop the customer's flow as if the pattern backtracked without end: it ran only a few milliseconds of it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it.skipIf(process.platform === 'win32')('does not stop a quick pattern that was paused mid-match for longer than the limit', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/flows/paused-matcher.ts'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    while (!output.includes('ready\n')) await sleep(20);
    await sleep(200);
    // Six pauses of 250 ms, each landing mid-match nearly always: the matching is nearly all the child does.
    for (let pause = 0; pause < 6; pause++) {
      child.kill('SIGSTOP');
      await sleep(250);
      child.kill('SIGCONT');
      await sleep(150);
    }
    child.stdin.write('stop\n');
    await exited;
    const { runs, timedOut } = JSON.parse(output.split('\n')[1]!) as { runs: number; timedOut: number };
    expect(runs).toBeGreaterThan(0);
    expect(timedOut).toBe(0);
  } finally {
    child.kill('SIGCONT');
    child.kill();
  }
}, 30_000);
