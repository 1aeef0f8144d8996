// The compaction's file writer: everything written arrives intact, flushed to disk as it goes.
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlushingWriter } from '../../src/store/jsonl.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function written(fsync: boolean, pieces: Buffer[]): Promise<{ content: Buffer; syncs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-jsonl-'));
  dirs.push(dir);
  const file = await open(join(dir, 'out'), 'w');
  const datasync = vi.spyOn(file, 'datasync');
  const writer = new FlushingWriter(file, fsync);
  for (const piece of pieces) await writer.write(piece);
  await writer.end();
  const syncs = datasync.mock.calls.length;
  await file.close();
  return { content: await readFile(join(dir, 'out')), syncs };
}

describe('FlushingWriter', () => {
  it('writes every byte in order and flushes every 256 KiB on the way, then at the end', async () => {
    const pieces = [100, 300, 50, 700].map((kib, n) => Buffer.alloc(kib * 1024, 97 + n));
    const { content, syncs } = await written(true, pieces);
    expect(content.equals(Buffer.concat(pieces))).toBe(true);
    // 1,150 KiB: four flushes on the way (after 256, 512, 768 and 1,024 KiB, whichever call wrote them), one at the end.
    expect(syncs).toBe(5);
  });

  it('never flushes when the store does not fsync', async () => {
    const pieces = [Buffer.alloc(600 * 1024, 120)];
    const { content, syncs } = await written(false, pieces);
    expect(content.equals(pieces[0] as Buffer)).toBe(true);
    expect(syncs).toBe(0);
  });
});
