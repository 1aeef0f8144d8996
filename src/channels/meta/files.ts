// Brings the file of an inbound message from Meta into the media store, before the message is delivered: the
// channel says where its bytes are (WhatsApp looks a media id up; Messenger's webhook gives the URL itself), and they
// stream straight into `MediaStore.put`. A file that cannot be had (over the size limit, refused by Meta, still
// failing after a few tries) does not hold the message back: it arrives with the attachment's `refused` saying why.
// Thrown, so that the batch is not acknowledged and Meta sends it again, are only the failures that are ours: the
// media store's own, and a token Meta no longer takes (the file is still there once the token is replaced).
import { MediaRefusedError } from '../../store/media.ts';
import type { Attachment, MediaStore, StoredMedia } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { FileFailure, keepRemoteFile, putBody, tooLarge } from '../remote-file.ts';
import { GraphError } from './graph.ts';

export { FileFailure };

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

/**
 * The attachment of `file`, with the `ref` of its bytes in the media store, or with `refused` set to why it has
 * none. Rejects when the media store fails or the token is refused: the batch should then not be acknowledged.
 *
 *     const attachment = await fetchMedia(file, { media: host.media, log, source: 'WhatsApp' });
 *     inbound.attachments = [attachment];
 */
export function fetchMedia(file: RemoteFile, options: FileOptions): Promise<Attachment> {
  return keepRemoteFile(
    file.attachment,
    file.size,
    { ...options, logFields: { media: file.id }, failureOf },
    (limit) => download(file, limit, options),
  );
}

async function download(file: RemoteFile, limit: number, options: FileOptions): Promise<StoredMedia> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const found = await file.locate(signal);
  if (found.size !== undefined && found.size > limit) throw new MediaRefusedError(tooLarge(limit), 'too-large', limit);
  if (!/^https?:\/\//.test(found.url)) throw new FileFailure('the file has no http(s) URL', true);
  const response = await file.download(found.url, signal);
  const served = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const mime = file.attachment.mime ?? found.mime ?? (served !== undefined && served !== '' ? served : undefined);
  const { name } = file.attachment;
  return putBody(response, limit, options.media, { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

/** What a Graph API failure means for the file; a token Meta no longer takes is not the file's (thrown). */
function failureOf(error: unknown): FileFailure | undefined {
  if (!(error instanceof GraphError) || error.badToken) return undefined;
  const status = error.status;
  return new FileFailure(error.message, status !== undefined && status < 500 && status !== 408 && status !== 429);
}
