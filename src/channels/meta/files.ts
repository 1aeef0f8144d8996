// Brings the file of an inbound message from Meta into the media store, before the message is delivered: the
// channel says where its bytes are (WhatsApp looks a media id up; Messenger's webhook gives the URL itself), and they
// stream straight into `MediaStore.put`. A file that cannot be had (over the size limit, refused by Meta, still
// failing after a few tries) does not hold the message back: it arrives with the attachment's `refused` saying why.
// Thrown, so that the batch is not acknowledged and Meta sends it again, are only the failures that are ours: the
// media store's own, and a token Meta no longer takes (the file is still there once the token is replaced).
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { Attachment, MediaStore } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { GraphError } from './graph.ts';

/** Finding the file and downloading it are tried this many times together when they fail for a reason that may pass. */
const ATTEMPTS = 3;

/**
 * A file a message carries, still at Meta: `attachment` is what is known before the download, and gets its `ref`,
 * or the reason it was `refused`, once fetched.
 */
export interface RemoteFile {
  /** Names the file in log lines (a media id, or the message id for a URL, which is a credential for a while). */
  id: string;
  /** What the webhook says the file weighs, when it says: a file over the limit is refused without a download. */
  size?: number;
  attachment: Attachment;
  /** Where the bytes are (WhatsApp: a lookup of the media id, which may name the size and type too). */
  locate(signal: AbortSignal): Promise<{ url: string; size?: number; mime?: string }>;
  /** GETs the bytes at `url`; fails with GraphError when the answer is not 2xx. */
  download(url: string, signal: AbortSignal): Promise<Response>;
}

export interface FileOptions {
  media: MediaStore;
  log: Logger;
  /** Where the file comes from, as people read it: `WhatsApp`, `Messenger`, `Instagram`. */
  source: string;
  /** Delay before the second try, doubled before the third (default 1000 ms). */
  retryMs?: number;
  /** How long one try (finding and downloading) may take (default 60 s). */
  timeoutMs?: number;
}

/** A try that failed; `permanent` when trying again cannot help. */
export class FileFailure extends Error {
  override readonly name = 'FileFailure';

  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** The response body broke off: told apart from the media store's own failures. */
class TransferError extends Error {
  override readonly name = 'TransferError';
}

/**
 * The attachment of `file`, with the `ref` of its bytes in the media store, or with `refused` set to why it has
 * none. Rejects when the media store fails or the token is refused: the batch should then not be acknowledged.
 *
 *     const attachment = await fetchMedia(file, { media: host.media, log, source: 'WhatsApp' });
 *     inbound.attachments = [attachment];
 */
export async function fetchMedia(file: RemoteFile, options: FileOptions): Promise<Attachment> {
  const { attachment } = file;
  const refuse = (reason: string): Attachment => ({ ...attachment, refused: reason });
  const limit = options.media.maxBytes;
  if (file.size !== undefined && file.size > limit) return refuse(tooLarge(limit));
  let delay = options.retryMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await download(file, options);
      return { ...attachment, ref: stored.ref, size: stored.size, mime: stored.mime, ...(stored.name !== undefined ? { name: stored.name } : {}) };
    } catch (error) {
      if (error instanceof MediaRefusedError) return refuse(error.message);
      if (error instanceof GraphError && error.badToken) throw error;
      const failure = asFailure(error);
      if (!failure) throw error;
      const last = failure.permanent || attempt >= ATTEMPTS;
      options.log.warn({ err: failure.message, media: file.id, attempt, ...(last ? {} : { retryInMs: delay }) }, last ? `${options.source} file not kept` : `${options.source} file download failed; trying again`);
      if (last) return refuse(`the file could not be downloaded from ${options.source}`);
      await new Promise((done) => setTimeout(done, delay));
      delay *= 2;
    }
  }
}

async function download(file: RemoteFile, options: FileOptions): Promise<{ ref: string; size: number; mime: string; name?: string }> {
  const limit = options.media.maxBytes;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const found = await file.locate(signal);
  if (found.size !== undefined && found.size > limit) throw new MediaRefusedError(tooLarge(limit), 'too-large');
  if (!/^https?:\/\//.test(found.url)) throw new FileFailure('the file has no http(s) URL', true);
  const response = await file.download(found.url, signal);
  const body = response.body!;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > limit) {
    await body.cancel();
    throw new MediaRefusedError(tooLarge(limit), 'too-large');
  }
  const served = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const mime = file.attachment.mime ?? found.mime ?? (served !== undefined && served !== '' ? served : undefined);
  const { name } = file.attachment;
  return options.media.put(streamOf(body), { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

async function* streamOf(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new TransferError(error instanceof Error ? error.message : String(error));
  }
}

/** What a failed try means, or undefined when it is not Meta's doing (the media store's own failure). */
function asFailure(error: unknown): FileFailure | undefined {
  if (error instanceof FileFailure) return error;
  if (error instanceof TransferError) return new FileFailure(`download broke off: ${error.message}`, false);
  if (error instanceof GraphError) {
    const status = error.status;
    return new FileFailure(error.message, status !== undefined && status < 500 && status !== 408 && status !== 429);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new FileFailure(error.message, false);
  return undefined;
}

function tooLarge(limit: number): string {
  return `the file is larger than ${describeBytes(limit)}`;
}
