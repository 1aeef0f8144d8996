// DATA_DIR set-up: on first start the defaults shipped in the repo's data/ are copied into an empty DATA_DIR.
import { cp, mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  await mkdir(target, { recursive: true });
  if ((await readdir(target)).length > 0) return false;
  for (const entry of await readdir(from)) {
    if (runtimeEntries.has(entry)) continue;
    await cp(resolve(from, entry), resolve(target, entry), { recursive: true });
  }
  return true;
}

/** What the person who set DATA_DIR does about each way a folder cannot be used. */
const DATA_DIR_FIXES: Record<string, string> = {
  EACCES: 'give the user this process runs as the right to write there (chown), or set DATA_DIR to a folder it can write',
  EPERM: 'give the user this process runs as the right to write there (chown), or set DATA_DIR to a folder it can write',
  EROFS: 'it is on a read-only file system: set DATA_DIR to a folder on a writable volume',
  EEXIST: 'a file stands where a folder should be: set DATA_DIR to a folder, or move the file away',
  ENOTDIR: 'a file stands where a folder should be: set DATA_DIR to a folder, or move the file away',
  ENOSPC: 'the disk is full: make room, or set DATA_DIR to a folder on a disk with room',
};

/**
 * A folder under DATA_DIR that cannot be made, read or written at start, as a configuration error naming DATA_DIR
 * and the fix (one line on stderr, as for a bad variable); other failures as they are.
 *
 *     await seedDataDir(dir).catch((error) => { throw dataDirError(error, dir); });
 */
export function dataDirError(error: unknown, dataDir: string): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const fix = typeof code === 'string' ? DATA_DIR_FIXES[code] : undefined;
  if (fix === undefined) return error;
  return new ConfigError(`Bad configuration:\n  DATA_DIR=${JSON.stringify(dataDir)}: cannot be used (${String(message)}): ${fix}.`);
}
