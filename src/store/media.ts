// Attachments' bytes on disk: one file per upload under `DATA_DIR/media`, named by a random ref, written whole
// (temporary file, then rename) so that a crash or a refusal never leaves half a file where a ref points, and durable
// (bytes, metadata and the directory synced) before the message naming it is stored and acknowledged.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncPath } from '../shared/sync-path.ts';
import { withoutInvisibles } from '../shared/text.ts';
import type { FileRefusal, MediaStore, StoredMedia } from './types.ts';

/** A file the media store will not keep: too large, empty, or of no valid MIME type. Nothing of it was kept. */
export class MediaRefusedError extends Error {
  override readonly name = 'MediaRefusedError';

  constructor(
    message: string,
    readonly reason: 'too-large' | 'empty' | 'bad-type',
    /** For `too-large`: the limit the file was over. */
    readonly limitBytes?: number,
  ) {
    super(message);
  }

  /**
   * What the refusal means, for a reader to be told in their language.
   *
   *     new MediaRefusedError('the file is larger than 20 MB', 'too-large', 20_971_520).refusal; // { kind: 'tooLarge', limitBytes: 20971520 }
   */
  get refusal(): FileRefusal {
    if (this.reason === 'too-large' && this.limitBytes !== undefined) return { kind: 'tooLarge', limitBytes: this.limitBytes };
    return { kind: this.reason === 'empty' ? 'empty' : this.reason === 'bad-type' ? 'fileType' : 'notFetched' };
  }
}

/** A kept file's name under `DATA_DIR/media`: its ref (beside it `<ref>.json`, what it is; `<ref>.part` while written). */
export const REF = /^[0-9a-f]{32}$/;
// type/subtype with the characters RFC 6838 allows, and optional parameters; anything else is not a MIME type.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;.*)?$/i;

/**
 * The embedded media store.
 *
 *     const media = new FileMediaStore({ dir: join(DATA_DIR, 'media'), maxBytes: 20 * 1024 * 1024 });
 *     const { ref } = await media.put(bytes, { mime: 'image/jpeg', name: 'receipt.jpg' });
 */
export class FileMediaStore implements MediaStore {
  readonly maxBytes: number;
  readonly #dir: string;

  constructor(options: { dir: string; maxBytes: number }) {
    this.#dir = options.dir;
    this.maxBytes = options.maxBytes;
  }

  async put(data: Uint8Array | AsyncIterable<Uint8Array>, meta: { mime?: string; name?: string; claimed?: boolean }): Promise<StoredMedia> {
    const mime = (meta.mime ?? 'application/octet-stream').trim().toLowerCase();
    if (!MIME.test(mime)) throw new MediaRefusedError(`"${meta.mime}" is not a MIME type (type/subtype, like image/jpeg)`, 'bad-type');
    // Created now (the first file): its name in DATA_DIR must survive a power cut too.
    if (await mkdir(this.#dir, { recursive: true })) await syncPath(dirname(this.#dir));
    const ref = randomUUID().replaceAll('-', '');
    const temp = join(this.#dir, `${ref}.part`);
    let size = 0;
    // The file's first bytes, enough for a picture's signature.
    let head = Buffer.alloc(0);
    const file = await open(temp, 'wx');
    try {
      const chunks = data instanceof Uint8Array ? [data] : data;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > this.maxBytes) throw new MediaRefusedError(`the file is larger than ${describeBytes(this.maxBytes)}`, 'too-large', this.maxBytes);
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        await file.write(chunk);
      }
      if (size === 0) throw new MediaRefusedError('the file is empty', 'empty');
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    const type = mime.split(';')[0]?.trim() ?? mime;
    const media: StoredMedia = { ref, size, mime: meta.claimed ? checkedType(type, head) : type, ...(meta.name ? { name: safeName(meta.name) } : {}) };
    // The message naming the ref is acknowledged once this returns: after a power cut its file must be there, so the
    // metadata is synced before the bytes take their name (the bytes named mean a whole put), and the directory
    // after, or the rename may be lost with the cut. Unsynced, the customer's photo read as gone (or its metadata as
    // an empty file) after a power cut, though the message was acknowledged.
    try {
      const metadata = await open(join(this.#dir, `${ref}.json`), 'wx');
      try {
        await metadata.writeFile(JSON.stringify(media), 'utf8');
        await metadata.sync();
      } finally {
        await metadata.close();
      }
      await rename(temp, join(this.#dir, ref));
      await syncPath(this.#dir);
    } catch (error) {
      // A full disk (or any failed write) here: the put is refused, so nothing of it stays, the bytes above all (left
      // behind, they kept the disk full, the journal's writes included, until someone found them by hand).
      await Promise.all([temp, join(this.#dir, ref), join(this.#dir, `${ref}.json`)].map((path) => rm(path, { force: true }).catch(() => undefined)));
      throw error;
    }
    return media;
  }

  async get(ref: string): Promise<{ media: StoredMedia; bytes(): AsyncIterable<Uint8Array> } | undefined> {
    if (!REF.test(ref)) return undefined;
    let media: StoredMedia;
    try {
      media = JSON.parse(await readFile(join(this.#dir, `${ref}.json`), 'utf8')) as StoredMedia;
      // The bytes are renamed into place last: metadata without them is an interrupted put.
      await (await open(join(this.#dir, ref), 'r')).close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const path = join(this.#dir, ref);
    return { media, bytes: () => createReadStream(path) };
  }

  async delete(ref: string): Promise<boolean> {
    if (!REF.test(ref)) return false;
    const path = join(this.#dir, ref);
    const existed = await stat(path).then(() => true, () => false);
    // The bytes first: metadata without bytes reads as absent, bytes without metadata would not.
    await rm(path, { force: true });
    await rm(`${path}.json`, { force: true });
    return existed;
  }
}

/** How a picture the pages show starts: its bytes from `at`. */
const PICTURES: Record<string, { at: number; bytes: string }[]> = {
  'image/png': [{ at: 0, bytes: '\x89PNG\r\n\x1a\n' }],
  'image/jpeg': [{ at: 0, bytes: '\xff\xd8\xff' }],
  'image/gif': [{ at: 0, bytes: 'GIF87a' }, { at: 0, bytes: 'GIF89a' }],
  'image/webp': [{ at: 8, bytes: 'WEBP' }],
  'image/avif': [{ at: 4, bytes: 'ftypavif' }, { at: 4, bytes: 'ftypavis' }],
  'image/bmp': [{ at: 0, bytes: 'BM' }],
};
const HEAD_BYTES = 16;

/**
 * A type a sender claimed, as kept: a picture type the pages show whose bytes do not start as that picture does
 * becomes `application/octet-stream` (a download), so a program sent as "image/png" is never shown as a picture.
 *
 *     checkedType('image/png', Buffer.from('MZ\x90\x00')); // 'application/octet-stream'
 *     checkedType('application/pdf', Buffer.from('MZ')); // 'application/pdf'
 */
function checkedType(mime: string, head: Buffer): string {
  const signatures = PICTURES[mime];
  if (!signatures) return mime;
  const matches = signatures.some(({ at, bytes }) => head.subarray(at, at + bytes.length).equals(Buffer.from(bytes, 'latin1')));
  return matches ? mime : 'application/octet-stream';
}

/**
 * The last part of a file name a sender gave, without path separators and without the invisible characters that
 * could disguise it (`withoutInvisibles`: U+202E showed "invoice\u202Efdp.exe", a program, as "invoiceexe.pdf").
 * Every channel's decoder, the media store and every renderer pass names through it; an Arabic name stays as sent.
 *
 *     safeName('../../etc/passwd'); // 'passwd'
 *     safeName('C:\\Users\\me\\receipt.pdf'); // 'receipt.pdf'
 *     safeName('invoice\u202Efdp.exe'); // 'invoicefdp.exe'
 */
export function safeName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const clean = withoutInvisibles(last).trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** `20971520` → `20 MB`, for messages people read. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
