// A file a customer sent is in the media store before the message naming it is stored and acknowledged (README,
// "Attachments"): after a power cut it must still be there. What a power cut keeps is what was synced, so this
// records the file system calls of a put and reads, from them, what a cut right after the put returned would leave
// (test/power-cut.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { calls, forget, survivors } from '../power-cut.ts';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../power-cut.ts')).recordingFs(await importOriginal()));

const { FileMediaStore } = await import('../../src/store/media.ts');

let dir = '';
afterEach(async () => {
  forget();
  await rm(dir, { recursive: true, force: true });
});

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
