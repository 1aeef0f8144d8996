// Reading and appending the store's JSON-lines files (journal and messages archive), crash leftovers included.
import { writeSync } from 'node:fs';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { CorruptStoreError } from './errors.ts';

const chunkBytes = 1 << 20;

export interface JsonLinesRead {
  /** Size of the file once an unfinished last line, if any, was cut away. */
  bytes: number;
  /** Bytes of the unfinished last line that was cut away (0 when there was none). */
  droppedBytes: number;
  /** With `nulTorn`: the line from which a stretch of NUL bytes was cut away, with every line after it. */
  nulTornLine?: number;
}

/**
 * Reads a JSON-lines file that only ever grows by whole lines, in chunks (it may be larger than a string can be),
 * handing each parsed line, its 1-based number and where it is (bytes, newline excluded) to `onLine`. An unfinished last line (no newline: a write cut
 * short by a crash, never acknowledged) is truncated away; any other line that does not parse is an error naming
 * the file and line. A missing file reads as empty.
 *
 * With `nulTorn`, for a file appended to and then synced (the journal): a line that does not parse and holds NUL
 * bytes (JSON.stringify never writes one) that end where a disk block does is where a power cut left the blocks of
 * writes never synced as zeros (ext4 may keep a file's new size without its data): that line and every one after it,
 * written later and so never synced either, are truncated away as an unfinished last line is. NUL bytes that end
 * elsewhere are damage to what was synced, an error as any other line that does not parse.
 *
 *     await readJsonLines('/data/store/journal.jsonl', (value, line) => replay(value, line));
 */
export async function readJsonLines(
  path: string,
  onLine: (value: unknown, line: number, at: { offset: number; length: number }) => void,
  options: { nulTorn?: boolean } = {},
): Promise<JsonLinesRead> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: 0, droppedBytes: 0 };
    throw error;
  }
  let total = 0;
  let line = 0;
  let rest = Buffer.alloc(0);
  // Where a torn stretch of NUL bytes starts (see `nulTorn`), once found.
  let torn: number | undefined;
  let tornLine: number | undefined;
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    reading: for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      // The file offset of `data`'s first byte.
      const base = total - rest.length;
      total += bytesRead;
      const data = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
        line += 1;
        let value: unknown;
        try {
          value = JSON.parse(data.toString('utf8', start, end));
        } catch (error) {
          if (options.nulTorn && unwrittenPages(data, start, end, base)) {
            torn = base + start;
            tornLine = line;
            total = (await file.stat()).size;
            break reading;
          }
          throw new CorruptStoreError(path, line, `not valid JSON (${(error as Error).message})`);
        }
        onLine(value, line, { offset: base + start, length: end - start });
        start = end + 1;
      }
      // Copied: `chunk` is reused by the next read.
      rest = Buffer.from(data.subarray(start));
    }
  } finally {
    await file.close();
  }
  const kept = torn ?? total - rest.length;
  if (kept < total) await truncate(path, kept);
  return { bytes: kept, droppedBytes: total - kept, ...(tornLine === undefined ? {} : { nulTornLine: tornLine }) };
}

/** A disk's blocks are multiples of 512 bytes: a block never written reads as zeros up to one of those. */
const BLOCK = 512;

/**
 * Whether the line `data[start, end)`, `data[0]` at file offset `base`, holds NUL bytes, each stretch of them ending
 * at a disk block's end: blocks of the file never written, not bytes damaged inside one.
 */
function unwrittenPages(data: Buffer, start: number, end: number, base: number): boolean {
  let at = data.indexOf(0, start);
  if (at === -1 || at >= end) return false;
  while (at !== -1 && at < end) {
    let after = at;
    while (after < end && data[after] === 0) after += 1;
    if ((base + after) % BLOCK !== 0) return false;
    at = data.indexOf(0, after);
  }
  return true;
}

/** Writes all of `data` at the end of a file opened for appending, however many write calls it takes. */
export async function appendAll(file: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

/**
 * `appendAll` without the thread pool, for the journal's small batches: a write of a few kilobytes into the page
 * cache takes microseconds on the main thread, where handing it to the pool and back cost some 40 µs of CPU more.
 * Its durability is `datasync`'s business, as before.
 */
export function appendAllSync(file: FileHandle, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(file.fd, data, written, data.length - written);
}
