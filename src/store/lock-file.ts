// The store directory's lock file: one process at a time owns the files, and a crashed owner does not block the next.
import { link, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StoreLockedError } from './errors.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock files this process holds now (see `staleOwnPid`). */
const held = new Set<string>();

/** How often a holder touches its lock file, and how old a touch makes an ambiguous lock stale. */
const TOUCH_EVERY_MS = 10_000;
const STALE_AFTER_MS = 30_000;

/**
 * A lock naming this process's pid that this process does not hold: left by an earlier process that had the same pid
 * (in a container the server, the exec-form CMD, is pid 1 at every start, so after a crash the lock names the restarted
 * server itself), or held by a live process in another pid namespace (another container on the same volume). Only the
 * lock's age tells them apart: a holder touches it every 10 s, so one untouched for 30 s is stale.
 */
async function staleOwnPid(lockFile: string): Promise<boolean> {
  const touched = await stat(lockFile).then((info) => info.mtimeMs, () => undefined);
  return touched === undefined || Date.now() - touched > STALE_AFTER_MS;
}

/**
 * Takes `dir/LOCK` (holding this process's pid) and returns the function that releases it. A lock whose
 * process is dead is stale and taken over; a live holder, this process included, is refused. A lock naming this
 * process that it does not hold is stale once untouched for 30 s (see `staleOwnPid`).
 *
 *     const release = await acquireLock('/var/lib/switchboard');
 *     await release();
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const lockFile = resolve(dir, 'LOCK');
  const candidate = join(dir, `LOCK.${process.pid}.tmp`);
  // The pid is written before the lock appears (link is atomic), so a reader never sees an empty lock.
  await writeFile(candidate, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        await link(candidate, lockFile);
        held.add(lockFile);
        const touch = setInterval(() => {
          const now = new Date();
          utimes(lockFile, now, now).catch(() => {});
        }, TOUCH_EVERY_MS);
        touch.unref();
        return async () => {
          clearInterval(touch);
          held.delete(lockFile);
          await rm(lockFile, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      const live = holder === process.pid && !held.has(lockFile) ? !(await staleOwnPid(lockFile)) : isAlive(holder);
      if (Number.isInteger(holder) && holder > 0 && live) throw new StoreLockedError(lockFile, holder);
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(candidate, { force: true });
  }
}
