// The store directory's lock file: one process at a time owns the files, and a crashed owner does not block the next.
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/**
 * Takes `dir/LOCK` (holding this process's pid) and returns the function that releases it. A lock whose
 * process is dead is stale and taken over; a live holder, this process included, is refused.
 *
 *     const release = await acquireLock('/var/lib/switchboard');
 *     await release();
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const lockFile = join(dir, 'LOCK');
  const candidate = join(dir, `LOCK.${process.pid}.tmp`);
  // The pid is written before the lock appears (link is atomic), so a reader never sees an empty lock.
  await writeFile(candidate, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        await link(candidate, lockFile);
        return () => rm(lockFile, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new StoreLockedError(lockFile, holder);
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(candidate, { force: true });
  }
}
