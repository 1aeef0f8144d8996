// The embedded store opened for the first time (a new DATA_DIR) acknowledges commits once its journal is synced: after
// a power cut they must be there, so the journal's name, and its folder's in DATA_DIR, must be too. What a cut keeps is
// what was synced (test/power-cut.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { forget, survivors } from '../power-cut.ts';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../power-cut.ts')).recordingFs(await importOriginal()));

const { openStore } = await import('../../src/store/index.ts');

let dir = '';
afterEach(async () => {
  forget();
  await rm(dir, { recursive: true, force: true });
});

it('keeps the journal of a store opened for the first time, and its folder, through a power cut', async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowdb-cut-'));
  const storeDir = join(dir, 'store');
  const store = await openStore({ dir: storeDir });
  // Before: the journal was created and its commits synced (fdatasync), but not its name: a power cut on a new
  // install could lose the file, and with it every message acknowledged.
  expect(survivors(storeDir).names).toContain(join(storeDir, 'journal.jsonl'));
  expect(survivors(dir).names).toContain(storeDir);
  await store.close();
});
