// Brings the file of an inbound message from Meta into the media store: GET /{version}/{media id} names a short-lived
// URL, whose bytes (asked for with the token too) stream straight into `MediaStore.put`, before the message is
// delivered. A file that cannot be had (over the size limit, refused by Meta, still failing after a few tries)
// does not hold the message back: it arrives with the attachment's `refused` saying why. Thrown, so that the batch
// is not acknowledged and Meta sends it again, are only the failures that are ours: the media store's own, and a
// token Meta no longer takes (the file is still there once WHATSAPP_TOKEN is replaced; Meta keeps media 30 days).
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { Attachment, MediaStore } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import type { CloudMedia } from './decode.ts';
import { GraphError, type GraphApi } from './graph.ts';

/** The lookup and the download together are tried this many times when they fail for a reason that may pass. */
const ATTEMPTS = 3;

export interface FileOptions {
  graph: GraphApi;
  media: MediaStore;
  log: Logger;
  /** Delay before the second try, doubled before the third (default 1000 ms). */
  retryMs?: number;
  /** How long one try (the lookup and the download) may take (default 60 s). */
  timeoutMs?: number;
}

/** A try that failed; `permanent` when trying again cannot help. */
class FileFailure extends Error {
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
 *     const attachment = await fetchMedia(item.media, { graph, media: host.media, log });
 *     inbound.attachments = [attachment];
 */
export async function fetchMedia(file: CloudMedia, options: FileOptions): Promise<Attachment> {
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
      options.log.warn({ err: failure.message, media: file.mediaId, attempt, ...(last ? {} : { retryInMs: delay }) }, last ? 'WhatsApp file not kept' : 'WhatsApp file download failed; trying again');
      if (last) return refuse('the file could not be downloaded from WhatsApp');
      await new Promise((done) => setTimeout(done, delay));
      delay *= 2;
    }
  }
}

async function download(file: CloudMedia, options: FileOptions): Promise<{ ref: string; size: number; mime: string; name?: string }> {
  const limit = options.media.maxBytes;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const found = await options.graph.get<{ url?: unknown; mime_type?: unknown; file_size?: unknown }>(encodeURIComponent(file.mediaId), signal);
  if (typeof found.file_size === 'number' && found.file_size > limit) throw new MediaRefusedError(tooLarge(limit), 'too-large');
  if (typeof found.url !== 'string' || !/^https?:\/\//.test(found.url)) throw new FileFailure('the media lookup gave no URL', true);
  const response = await options.graph.download(found.url, signal);
  const body = response.body!;
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > limit) {
    await body.cancel();
    throw new MediaRefusedError(tooLarge(limit), 'too-large');
  }
  const looked = typeof found.mime_type === 'string' ? found.mime_type : undefined;
  const mime = file.attachment.mime ?? looked;
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
