// DATA_DIR set-up: on first start the defaults shipped in the repo's data/ are copied into an empty DATA_DIR.
import { cp, mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
