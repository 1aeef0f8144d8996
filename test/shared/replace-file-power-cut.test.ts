// A flow, team.yaml or training data the dashboard saved (`replaceFile`) is answered as saved: after a power cut the
// new file must be there, not the one before. What a cut keeps is what was synced (test/power-cut.ts).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { calls, forget, survivors } from '../power-cut.ts';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../power-cut.ts')).recordingFs(await importOriginal()));

const { replaceFile } = await import('../../src/shared/replace-file.ts');

let dir = '';
afterEach(async () => {
  forget();
  await rm(dir, { recursive: true, force: true });
});

it('keeps a saved team.yaml through a power cut right after the save answered', async () => {
  dir = await mkdtemp(join(tmpdir(), 'replace-cut-'));
  const team = join(dir, 'team.yaml');
  await writeFile(team, 'teams:\n  - name: Billing\n');
  forget();
  await replaceFile(team, 'teams:\n  - name: Billing\n  - name: Support\n');

  // Before: the new text was synced under its temporary name, but the rename over team.yaml was not: a cut could
  // bring back the file from before the save.
  const kept = survivors(dir);
  expect(kept.names).toContain(team);
  expect(kept.contents).toContain(team);
  expect(calls.filter((entry) => entry.call === 'rename')).toHaveLength(1);
  expect(await readFile(team, 'utf8')).toBe('teams:\n  - name: Billing\n  - name: Support\n');
});
