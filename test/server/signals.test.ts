// The process as a process manager runs it: SIGTERM sent to the pid it started (`npm start`, or the built
// `node dist/server/main.js`) stops the server within 10 s, freeing the port and the store lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STOP_WITHIN_MS = 10_000;
const leftovers: { pids: number[]; dir: string }[] = [];

afterEach(async () => {
  for (const { pids, dir } of leftovers.splice(0)) {
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` on a fresh DATA_DIR; resolves once it logs that it listens, with the server's own pid. */
async function launch(command: string, args: string[]) {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-signals-'));
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const launched = { pids: [child.pid!], dir: dataDir };
  leftovers.push(launched);
  let stderr = '';
  const logged: string[] = [];
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = (line.startsWith('{') ? JSON.parse(line) : {}) as { msg?: string; url?: string };
      if (entry.msg) logged.push(entry.msg);
      if (entry.msg === 'Switchboard is listening' && entry.url) resolve(entry.url);
    });
    void exited.then(({ code }) => reject(new Error(`${command} exited with ${code}: ${stderr}`)));
  });
  // The store's lock holds the pid of the process that opened it: the server, whatever launched it.
  const lock = join(dataDir, 'store', 'LOCK');
  const serverPid = Number(await readFile(lock, 'utf8'));
  launched.pids.push(serverPid);
  return { child, url, serverPid, lock, exited, logged };
}

/** Launches, lets `check` look at the running server, sends SIGTERM to the launched pid, and expects it all gone within 10 s. */
async function stopsOnSigterm(command: string, args: string[], check?: (running: Awaited<ReturnType<typeof launch>>) => Promise<void>): Promise<void> {
  const running = await launch(command, args);
  const { child, url, serverPid, lock, exited } = running;
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  await check?.(running);
  const sent = Date.now();
  child.kill('SIGTERM');
  const exit = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), STOP_WITHIN_MS))]);
  while (isAlive(serverPid) && Date.now() - sent < STOP_WITHIN_MS) await new Promise((resolve) => setTimeout(resolve, 20));
  const took = Date.now() - sent;

  expect(exit).toEqual({ code: 0, signal: null });
  expect(isAlive(serverPid)).toBe(false);
  expect(took).toBeLessThan(STOP_WITHIN_MS);
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  expect(existsSync(lock)).toBe(false);
}

describe('SIGTERM from a process manager', () => {
  it('stops `npm start` and its server when sent to the npm process', async () => {
    await stopsOnSigterm('npm', ['start']);
  }, 45_000);

  // The build takes longer than this test (tsc, 6 s here): .ci/run builds first and sets SWITCHBOARD_TEST_DIST=1.
  describe.runIf(process.env.SWITCHBOARD_TEST_DIST === '1')('built by `npm run build`', () => {
    it('stops `node dist/server/main.js`, which serves the web chat page and trains the NLP model in its worker', async () => {
      await stopsOnSigterm(process.execPath, ['dist/server/main.js'], async ({ url, logged }) => {
        const page = await fetch(`${url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<html/i);
        expect(logged).toContain('NLP model trained');
      });
    }, 45_000);
  });
});
