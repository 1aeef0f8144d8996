// A file posted to the web chat as multipart/form-data: its form fields, and one `file` part streamed into the
// media store as it arrives (never held whole in memory), kept only once the whole request is read and valid.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { describeBytes, MediaRefusedError } from '../../store/media.ts';
import type { MediaStore, StoredMedia } from '../../types.ts';

/**
 * What a refused message (a file, or JSON) is, for a page to word in its reader's language (the answer's `error` says
 * it in English): over the size limit (`tooLarge`, 413, with `maxBytes`), an empty file, a type that is not a MIME
 * type (`fileType`), a text longer than the chat takes (`textTooLong`, with `maxLength`), a request that is not
 * what the API takes (`badRequest`: a bug of whoever sent it, not something a visitor did), or a file the server had
 * no room to keep (`diskFull`, 507: its disk or quota full; nothing of it kept, the same file goes once there is room).
 */
export type RefusalKind = 'tooLarge' | 'empty' | 'fileType' | 'textTooLong' | 'badRequest' | 'diskFull';

/**
 * An upload refused for what the sender sent, or for the server's disk having no room for it: `status` is the HTTP
 * answer (413 over the size limit, then with `maxBytes`, 507 for `diskFull`, else 400), `kind` what it is. Nothing of
 * it was kept.
 *
 *     throw new UploadRefused('send one file per message'); // a badRequest, 400
 */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  readonly status: 400 | 413 | 507;

  constructor(
    message: string,
    readonly kind: RefusalKind = 'badRequest',
    readonly maxBytes?: number,
  ) {
    super(message);
    this.status = kind === 'tooLarge' ? 413 : kind === 'diskFull' ? 507 : 400;
  }
}

export interface UploadOptions<T> {
  /** The form fields taken besides `file`; any other is refused. */
  fields: readonly string[];
  /** The longest value of a field, in bytes. */
  maxFieldBytes: number;
  /** What a field longer than `maxFieldBytes` is refused as (`badRequest` unless it says). */
  tooLong?(field: string): RefusalKind;
  /** Checks the fields once the whole request is read, before the file is kept; throws `UploadRefused` to refuse. */
  validate(fields: Record<string, string>): T;
}

/**
 * Reads a multipart/form-data request holding one file, in a part named `file`, and form fields (before or after
 * it). The file streams into `media`, which refuses it past its size limit (busboy cuts the part just above that
 * limit, so the rest of a huge upload is never passed on), empty, or of no valid MIME type. The bytes become
 * visible under their ref only once the request was read to its end and `validate` accepted the fields: a
 * refusal (`UploadRefused`) or a broken request keeps nothing.
 *
 *     const { fields, media } = await receiveUpload(req, host.media, { fields: ['text'], maxFieldBytes: 80_000, validate: (f) => f });
 *     media.ref; // '3f0c…'
 */
export function receiveUpload<T>(req: IncomingMessage, media: MediaStore, options: UploadOptions<T>): Promise<{ fields: T; media: StoredMedia }> {
  return new Promise((resolve, reject) => {
    // A body its Content-Length says is longer than the largest file with the most its fields and part headers can
    // take holds a file over the limit: refused before a byte of it is read, rather than once the limit was reached.
    const declared = Number(req.headers['content-length']);
    if (Number.isSafeInteger(declared) && declared > mostBodyBytes(req, media.maxBytes, options)) {
      reject(tooLarge(media.maxBytes));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as UTF-8 (busboy's default reads them as Latin-1).
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: media.maxBytes + 1, fields: options.fields.length, fieldSize: options.maxFieldBytes, parts: options.fields.length + 1 },
      });
    } catch {
      reject(new UploadRefused('the body must be multipart/form-data with a boundary'));
      return;
    }

    // The file part's bytes end by waiting for this: resolved, the media store keeps them; rejected, it drops them.
    let accept!: () => void;
    let drop!: (error: Error) => void;
    const verdict = new Promise<void>((onAccept, onDrop) => {
      accept = onAccept;
      drop = onDrop;
    });
    verdict.catch(() => undefined);

    const fields: Record<string, string> = {};
    let file: Readable | undefined;
    let stored: Promise<StoredMedia> | undefined;
    let settled = false;

    const refuse = (error: unknown): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      const reason = toRefusal(error, media.maxBytes);
      drop(reason);
      file?.destroy(reason);
      // Answered once the media store has dropped what it wrote.
      void (stored ?? Promise.resolve()).catch(() => undefined).then(() => reject(reason));
    };

    parser.on('field', (name, value, info) => {
      if (name === 'file') return refuse(new UploadRefused('the "file" part must be a file, with a filename'));
      if (!options.fields.includes(name)) return refuse(new UploadRefused(`unknown field "${name}"`));
      if (info.valueTruncated) return refuse(new UploadRefused(`${name} is longer than ${describeBytes(options.maxFieldBytes)}`, options.tooLong?.(name)));
      if (name in fields) return refuse(new UploadRefused(`the field "${name}" is given twice`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return refuse(new UploadRefused(`unknown file part "${name}": send the file in a part named "file"`));
      }
      file = stream;
      // A refusal destroys it with the reason, which the media store (reading it) already hears of.
      stream.on('error', () => undefined);
      // Browsers write a quote in a file name as %22 (the HTML form encoding).
      const fileName = info.filename?.replaceAll('%22', '"');
      // The type is the browser's guess from the file's name (or what a script says): checked against the bytes.
      stored = media.put(bytesThen(stream, verdict), { mime: info.mimeType, claimed: true, ...(fileName ? { name: fileName } : {}) });
      stored.catch(refuse);
    });
    parser.on('filesLimit', () => refuse(new UploadRefused('send one file per message')));
    parser.on('fieldsLimit', () => refuse(new UploadRefused(`too many fields: expected "file" and at most ${options.fields.map((f) => `"${f}"`).join(', ')}`)));
    parser.on('partsLimit', () => refuse(new UploadRefused(`too many parts: expected "file" and at most ${options.fields.map((f) => `"${f}"`).join(', ')}`)));
    parser.on('error', (error: Error) => refuse(new UploadRefused(`the multipart body is malformed (${error.message})`)));
    parser.on('close', () => {
      if (settled) return;
      if (!stored) return refuse(new UploadRefused('no file: send it in a part named "file" (with a filename)'));
      let checked: T;
      try {
        checked = options.validate(fields);
      } catch (error) {
        return refuse(error);
      }
      accept();
      stored.then((kept) => {
        if (settled) return;
        settled = true;
        resolve({ fields: checked, media: kept });
      }, refuse);
    });
    // A sender that goes away mid-upload: the media store drops the part it wrote.
    req.on('close', () => {
      if (!req.complete) refuse(new UploadRefused('the upload was cut off before its end'));
    });
    req.pipe(parser);
  });
}

/**
 * After answering a refused upload the sender is still sending: reads and drops the rest for up to `ms` (like a
 * web server's lingering close), so a browser reads the answer rather than a reset connection, then cuts it.
 *
 *     res.status(413).json({ error }); dropRest(req);
 */
export function dropRest(req: IncomingMessage, ms = 5_000): void {
  if (req.complete) return;
  const cut = setTimeout(() => req.socket.destroy(), ms);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
  req.once('close', () => clearTimeout(cut));
  req.resume();
}

/**
 * The longest multipart body that may hold a file of `maxBytes` and the fields taken: each part's boundary line, its
 * headers (busboy reads at most 16 KB of them) and, for a field, its longest value. Browsers send no preamble.
 */
function mostBodyBytes(req: IncomingMessage, maxBytes: number, options: Pick<UploadOptions<unknown>, 'fields' | 'maxFieldBytes'>): number {
  const boundary = Buffer.byteLength(req.headers['content-type'] ?? '') + 8;
  const parts = options.fields.length + 1;
  return maxBytes + options.fields.length * options.maxFieldBytes + parts * (PART_HEADER_BYTES + boundary) + boundary;
}

/** The most of a part's headers busboy reads. */
const PART_HEADER_BYTES = 16 * 1024;

/** The file's bytes as they arrive, then a wait for the verdict on the whole request. */
async function* bytesThen(stream: Readable, verdict: Promise<void>): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) yield chunk as Uint8Array;
  await verdict;
}

function toRefusal(error: unknown, maxBytes: number): Error {
  if (error instanceof UploadRefused) return error;
  if (error instanceof MediaRefusedError) {
    if (error.reason === 'too-large') return tooLarge(maxBytes);
    return new UploadRefused(error.message, error.reason === 'empty' ? 'empty' : 'fileType');
  }
  // The media store removed what it wrote of the file; the disk full for the store's journal is the store's own outage.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new UploadRefused('the server has no room to keep the file now (its disk is full); nothing of it was kept, try again later', 'diskFull');
  return error instanceof Error ? error : new Error(String(error));
}

function tooLarge(maxBytes: number): UploadRefused {
  return new UploadRefused(`the file is larger than ${describeBytes(maxBytes)}, the largest this chat takes`, 'tooLarge', maxBytes);
}
