// What every channel does with a file an inbound message carries: stream it into the media store before the
// message is delivered, trying again a few times while the failure may pass. A file that cannot be had (over the
// size limit, refused, still failing) does not hold the message back: it arrives with the attachment's `refused`
// saying why. Thrown are only failures that are not the file's: the media store's own, or what the channel says
// must not be acknowledged (a token the platform no longer takes). Each channel says how to fetch one try, and
// what its own errors mean.
import { MediaRefusedError, describeBytes } from '../store/media.ts';
import type { Attachment, MediaStore, StoredMedia } from '../types.ts';
import type { FileRefusal } from '../store/types.ts';
import type { Logger } from '../shared/log.ts';

/** A try and its retries together: this many at most, while the failure may pass. */
const ATTEMPTS = 3;

/** A try that failed; `permanent` when trying again cannot help, `reason` as a person should read it. */
export class FileFailure extends Error {
  override readonly name = 'FileFailure';

  constructor(
    message: string,
    readonly permanent: boolean,
    readonly reason?: string,
    /** What `reason` means, when it says more than that the file could not be had (`notFetched`). */
    readonly refusal?: FileRefusal,
  ) {
    super(message);
  }
}

/** The response body broke off: told apart from the media store's own failures, which are not the channel's. */
class TransferError extends Error {
  override readonly name = 'TransferError';
}

export interface KeepOptions {
  media: MediaStore;
  log: Logger;
  /** Where the file comes from, as people read it: `Telegram`, `WhatsApp`, `Messenger`. */
  source: string;
  /** Names the file in log lines, e.g. `{ file: '<file id>' }` (never a URL holding a credential). */
  logFields: Record<string, string>;
  /** Delay before the second try, doubled before the third (default 1000 ms). */
  retryMs?: number;
  /** What a channel error means (undefined: not the file's doing, thrown); network and timeouts are handled here. */
  failureOf(error: unknown): FileFailure | undefined;
}

/**
 * The attachment with the `ref` of its bytes in the media store, or with `refused` set to why it has none.
 * `tryOnce` fetches the bytes once, given the store's size limit, and puts them with `putBody`.
 *
 *     const attachment = await keepRemoteFile(file.attachment, file.size, options, (limit) => download(file, limit));
 */
export async function keepRemoteFile(attachment: Attachment, announcedSize: number | undefined, options: KeepOptions, tryOnce: (limit: number) => Promise<StoredMedia>): Promise<Attachment> {
  const refuse = (reason: string, refusal: FileRefusal): Attachment => ({ ...attachment, refused: reason, refusal });
  const limit = options.media.maxBytes;
  if (announcedSize !== undefined && announcedSize > limit) return refuse(tooLarge(limit), { kind: 'tooLarge', limitBytes: limit });
  let delay = options.retryMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await tryOnce(limit);
      return { ...attachment, ref: stored.ref, size: stored.size, mime: stored.mime, ...(stored.name !== undefined ? { name: stored.name } : {}) };
    } catch (error) {
      if (error instanceof MediaRefusedError) return refuse(error.message, error.refusal);
      const failure = commonFailure(error) ?? options.failureOf(error);
      if (!failure) throw error;
      const last = failure.permanent || attempt >= ATTEMPTS;
      options.log.warn({ err: failure.message, ...options.logFields, attempt, ...(last ? {} : { retryInMs: delay }) }, last ? `${options.source} file not kept` : `${options.source} file download failed; trying again`);
      if (last) return refuse(failure.reason ?? `the file could not be downloaded from ${options.source}`, failure.refusal ?? { kind: 'notFetched' });
      await new Promise((done) => setTimeout(done, delay));
      delay *= 2;
    }
  }
}

/**
 * Puts a downloaded body into the media store, refusing at once a body whose announced length is over the limit.
 *
 *     return putBody(response, limit, options.media, { mime, name });
 */
export async function putBody(response: Response, limit: number, media: MediaStore, meta: { mime?: string; name?: string }): Promise<StoredMedia> {
  const body = response.body;
  if (!body) throw new FileFailure('the download has no body', false);
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > limit) {
    await body.cancel();
    throw new MediaRefusedError(tooLarge(limit), 'too-large', limit);
  }
  return media.put(streamOf(body), meta);
}

/** The refusal of a file over the media store's limit. */
export function tooLarge(limit: number): string {
  return `the file is larger than ${describeBytes(limit)}`;
}

async function* streamOf(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new TransferError(error instanceof Error ? error.message : String(error));
  }
}

/** Failures every channel shares: a body that broke off, a try that timed out. They may pass. */
function commonFailure(error: unknown): FileFailure | undefined {
  if (error instanceof FileFailure) return error;
  if (error instanceof TransferError) return new FileFailure(`download broke off: ${error.message}`, false);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new FileFailure(error.message, false);
  return undefined;
}
