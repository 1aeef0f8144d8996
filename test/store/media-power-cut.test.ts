// A file a customer sent is in the media store before the message naming it is stored and acknowledged (README,
// "Attachments"): after a power cut it must still be there. What a power cut keeps is what was synced, so this
// records the file system calls of a put and reads, from them, what a cut right after the put returned would leave.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

/** The calls a put made, in order: a handle's sync names the path it was opened on. */
const calls: { call: 'open' | 'sync' | 'rename'; path: string; to?: string }[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    const path = String(args[0]);
    calls.push({ call: 'open', path });
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      calls.push({ call: 'sync', path });
      return sync();
    };
    return handle;
  };
  const rename = async (from: Parameters<typeof real.rename>[0], to: Parameters<typeof real.rename>[1]) => {
    calls.push({ call: 'rename', path: String(from), to: String(to) });
    return real.rename(from, to);
  };
  return { ...real, open, rename, default: { ...real, open, rename } };
});

const { FileMediaStore } = await import('../../src/store/media.ts');

let dir = '';
afterEach(async () => {
  calls.length = 0;
  await rm(dir, { recursive: true, force: true });
});

/**
 * What survives a power cut after the calls made: a file's content once synced after it was written; a name in the
 * directory (a new file, a rename's result) once the directory was synced after it was made.
 */
function survivors(root: string): { names: Set<string>; contents: Set<string> } {
  const names = new Set<string>();
  const contents = new Set<string>();
  const pendingNames = new Set<string>();
  for (const entry of calls) {
    if (entry.call === 'open' && entry.path !== root) pendingNames.add(entry.path);
    if (entry.call === 'rename') {
      pendingNames.delete(entry.path);
      pendingNames.add(entry.to as string);
      if (contents.has(entry.path)) contents.add(entry.to as string);
    }
    if (entry.call === 'sync' && entry.path === root) {
      for (const name of pendingNames) names.add(name);
      pendingNames.clear();
    } else if (entry.call === 'sync') contents.add(entry.path);
  }
  return { names, contents };
}

it('keeps a file it took, and what it is, through a power cut right after it answered', async () => {
  dir = await mkdtemp(join(tmpdir(), 'media-cut-'));
  const root = join(dir, 'media');
  const store = new FileMediaStore({ dir: root, maxBytes: 1 << 20 });
  const { ref } = await store.put(new TextEncoder().encode('receipt bytes'), { mime: 'image/jpeg', name: 'receipt.jpg' });

  // Before: the bytes were synced, but neither their name (the rename) nor the metadata: after a cut the photo of an
  // acknowledged message read as gone, or its metadata as an empty file.
  const kept = survivors(root);
  for (const path of [join(root, ref), join(root, `${ref}.json`)]) {
    expect(kept.names, `${path} named after a cut`).toContain(path);
    expect(kept.contents, `${path} written after a cut`).toContain(path);
  }
  // The bytes take their name last: metadata synced before, so a named file always has its metadata.
  const renamed = calls.findIndex((entry) => entry.call === 'rename' && entry.to === join(root, ref));
  const metadataSynced = calls.findIndex((entry) => entry.call === 'sync' && entry.path === join(root, `${ref}.json`));
  expect(metadataSynced).toBeGreaterThanOrEqual(0);
  expect(metadataSynced).toBeLessThan(renamed);
  expect((await store.get(ref))?.media).toEqual({ ref, size: 13, mime: 'image/jpeg', name: 'receipt.jpg' });
});
