// Syncing a file or a directory by its path: a directory's sync makes the names created, renamed or removed in it
// durable, which syncing the files themselves does not.
import { open } from 'node:fs/promises';

/**
 * Syncs (fsync) the file or directory at `path`.
 *
 *     await rename(temporary, final);
 *     await syncPath(dirname(final)); // the rename survives a power cut
 */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
