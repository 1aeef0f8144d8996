// Replaces a file whole or not at all: the text goes to a hidden temporary file beside it, synced, then renamed over
// it, and the directory synced. A reader (the file watcher, another process sharing DATA_DIR) sees the old file or the
// new one, never half of one; a failure leaves the old file and no temporary one; once it returns, a power cut keeps
// the new one.
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncPath } from './sync-path.ts';

/**
 * Writes `text` over `path` atomically (see above).
 *
 *     await replaceFile('data/team.yaml', source);
 */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path).replace(/\.[^.]*$/, '')}.${randomUUID()}.tmp`);
  const file = await open(temporary, 'wx');
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
  // Unsynced, the rename could be lost with a power cut: a save the dashboard said was done came back as before.
  await syncPath(dirname(path));
}
