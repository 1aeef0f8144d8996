// Switchboard as a process of its own (`node --import tsx src/server/main.ts`), as it runs in production, for the
// tests that kill it with SIGKILL, run two of them on one database, or pull the database from under it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The servers started and not exited yet. A test that fails (a timeout, a throw before its own kill) leaves its
 * server running: in the lane whose files share one process it would run on beside every later file, and past the
 * test run itself. `stopLeftoverServers` (after each file of that lane) and this process's exit kill them.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills (SIGKILL) every server this process started that is still running, and waits for each to exit. */
export async function stopLeftoverServers(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  /** What it printed (JSON log lines and stderr). */
  output(): string;
}

/**
 * Starts a server on a free port with `env` on top of this process's environment; resolves with its URL once it
 * listens, rejects with what it printed if it exits first.
 *
 *     const server = await spawnServer({ DATA_DIR: dir, TELEGRAM_BOT_TOKEN: '123:test' });
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => {
    running.delete(child);
    resolve();
  }));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"url":"(http:[^"]+)"[^\n]*Switchboard is listening|Switchboard is listening[^\n]*"url":"(http:[^"]+)"/.exec(output);
      if (listening) resolve((listening[1] ?? listening[2]) as string);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`the server exited before listening:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}
