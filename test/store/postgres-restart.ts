// Restarting the test cluster in the middle of a test: PG_RESTART_COMMAND (run with sh -c), or PG_DATA_DIR (the
// throwaway cluster's data directory, restarted with pg_ctl, as the postgres user when run as root).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The command that restarts the cluster, or undefined when neither variable is set (the test is skipped). */
export function restartCommand(): [string, string[]] | undefined {
  if (process.env.PG_RESTART_COMMAND) return ['sh', ['-c', process.env.PG_RESTART_COMMAND]];
  const dir = process.env.PG_DATA_DIR;
  if (!dir) return undefined;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const pgCtl = versions.map((version) => `/usr/lib/postgresql/${version}/bin/pg_ctl`).reverse().find((path) => existsSync(path)) ?? 'pg_ctl';
  // The restarted server logs to a file: without -l it would keep pg_ctl's output pipe open, and execFile would
  // wait for that pipe (its timeout) long after the server is back.
  const args = ['-D', dir, '-m', 'fast', '-w', '-l', join(dir, 'restart.log'), 'restart'];
  // pg_ctl refuses to run as root: as the cluster's owner then.
  if (process.getuid?.() === 0 && statSync(dir).uid !== 0) return ['runuser', ['-u', 'postgres', '--', pgCtl, ...args]];
  return [pgCtl, args];
}

/** Restarts the cluster and waits until it answers again. */
export async function restartPostgres(command = restartCommand()): Promise<void> {
  if (!command) throw new Error('set PG_RESTART_COMMAND or PG_DATA_DIR to restart PostgreSQL');
  await run(command[0], command[1], { timeout: 60_000 });
}
