// DATA_DIR set-up: on first start the defaults shipped in the repo's data/ are copied into an empty DATA_DIR.
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreLockedError } from '../store/errors.ts';
import { ConfigError } from './config.ts';

/** The repo's data/ folder, holding the shipped flows, team.yaml and NLP examples. */
export const shippedDataDir = fileURLToPath(new URL('../../data', import.meta.url));

/** Runtime folders that are never copied from the shipped defaults (whatsapp-web holds a linked session: a credential). */
const runtimeEntries = new Set(['store', 'sessions', 'cache', 'media', 'whatsapp-web']);

/**
 * Copies the shipped defaults into `dataDir` when it is missing or empty; files already there are used as they are.
 *
 *     const seeded = await seedDataDir('/var/lib/switchboard'); // true on the first start
 */
export async function seedDataDir(dataDir: string, from: string = shippedDataDir): Promise<boolean> {
  const target = resolve(dataDir);
  if (target === resolve(from)) return false;
  await makeFolder(target);
  if ((await readdir(target)).length > 0) return false;
  for (const entry of await readdir(from)) {
    if (runtimeEntries.has(entry)) continue;
    await cp(resolve(from, entry), resolve(target, entry), { recursive: true });
  }
  return true;
}

/**
 * `mkdir -p`, one folder at a time from the nearest one there: Node's recursive mkdir never ends where the folder
 * there refuses new ones with ENOENT (/proc, /sys), as it takes that for a missing parent and tries again.
 *
 *     await makeFolder('/var/lib/switchboard'); // ENOENT at once for '/proc/nope'
 */
async function makeFolder(target: string): Promise<void> {
  const missing: string[] = [];
  let folder = target;
  for (;;) {
    const found = await stat(folder).catch((error: NodeJS.ErrnoException) => { if (error.code === 'ENOENT') return undefined; throw error; });
    if (found) break;
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
    folder = dirname(folder);
  }
  // There already: a folder is left as it is, a file refused (EEXIST).
  if (missing.length === 0) return void (await mkdir(target, { recursive: true }));
  // A file where a folder should be (ENOTDIR), or a folder that takes no new ones (ENOENT): said at once.
  for (const each of missing) await mkdir(each);
}

/** What the person who set DATA_DIR does about each way a folder cannot be used. */
const DATA_DIR_FIXES: Record<string, string> = {
  EACCES: 'give the user this process runs as the right to write there (chown), or set DATA_DIR to a folder it can write',
  EPERM: 'give the user this process runs as the right to write there (chown), or set DATA_DIR to a folder it can write',
  EROFS: 'it is on a read-only file system: set DATA_DIR to a folder on a writable volume',
  EEXIST: 'a file stands where a folder should be: set DATA_DIR to a folder, or move the file away',
  ENOTDIR: 'a file stands where a folder should be: set DATA_DIR to a folder, or move the file away',
  ENOSPC: 'the disk is full: make room, or set DATA_DIR to a folder on a disk with room',
  // A parent there that takes no new folders: /proc, /sys.
  ENOENT: 'no folder can be made there (a system folder such as /proc or /sys, not a disk): set DATA_DIR to a folder on a disk',
};

/**
 * A folder under DATA_DIR that cannot be made, read or written at start, or whose store another live process holds,
 * as a configuration error naming DATA_DIR and the fix (one line on stderr, as for a bad variable); other failures as
 * they are.
 *
 *     await seedDataDir(dir).catch((error) => { throw dataDirError(error, dir); });
 */
export function dataDirError(error: unknown, dataDir: string): unknown {
  // A second `npm start` beside the first one: what to do is the person's, as for a port in use.
  if (error instanceof StoreLockedError) {
    return new ConfigError(
      `DATA_DIR=${JSON.stringify(dataDir)} is in use by another Switchboard (process ${error.pid}): stop that one first (Ctrl-C where it runs), ` +
        `or set DATA_DIR to another folder for this one; if process ${error.pid} is not a Switchboard (its pid was reused), delete ${error.lockFile}`,
    );
  }
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const fix = typeof code === 'string' ? DATA_DIR_FIXES[code] : undefined;
  if (fix === undefined) return error;
  return new ConfigError(`Bad configuration:\n  DATA_DIR=${JSON.stringify(dataDir)}: cannot be used (${String(message)}): ${fix}.`);
}
