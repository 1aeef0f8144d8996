// Brings the file of an inbound message from Telegram into the media store: getFile names its path, then the
// bytes stream from `${apiRoot}/file/bot<token>/<path>` straight into `MediaStore.put`, before the message is
// delivered. A file that cannot be had (over the size limit, refused by Telegram, still failing after a few tries)
// does not hold the message back: it arrives with the attachment's `refused` saying why, so the person is answered
// and nothing blocks the updates behind it. Only a failure of our own media store is thrown, like a failed deliver,
// so that the update is not acknowledged and comes back.
import { GrammyError, HttpError, type Api } from 'grammy';
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { Attachment, MediaStore, StoredMedia } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { FileFailure, keepRemoteFile, putBody, tooLarge } from '../remote-file.ts';
import type { TelegramFile } from './decode.ts';

/** The most the cloud Bot API lets a bot download (a self-hosted Bot API server allows more). */
const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export interface FileOptions {
  api: Api;
  /** The Bot API's base URL: files are served under `${apiRoot}/file/bot<token>/`. */
  apiRoot: string;
  token: string;
  media: MediaStore;
  log: Logger;
  /** Delay before the second try, doubled before the third (default 1000 ms). */
  retryMs?: number;
  /** How long one try (getFile and the download) may take (default 60 s). */
  timeoutMs?: number;
}

/**
 * The attachment of `file`, with the `ref` of its bytes in the media store, or with `refused` set to why it has none.
 * Rejects only when the media store itself fails (a full disk): the message should then not be acknowledged.
 *
 *     const attachment = await fetchFile(decoded.file, { api, apiRoot, token, media: host.media, log });
 *     inbound.attachments = [attachment];
 */
export function fetchFile(file: TelegramFile, options: FileOptions): Promise<Attachment> {
  return keepRemoteFile(
    file.attachment,
    file.size,
    { ...options, source: 'Telegram', logFields: { file: file.fileId }, failureOf },
    (limit) => download(file, limit, options),
  );
}

async function download(file: TelegramFile, limit: number, options: FileOptions): Promise<StoredMedia> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  // grammY types its signal as the abort-controller shim's; Node's own works the same at run time.
  const found = await options.api.getFile(file.fileId, signal as unknown as Parameters<Api['getFile']>[1]);
  if (found.file_size !== undefined && found.file_size > limit) throw new MediaRefusedError(tooLarge(limit), 'too-large', limit);
  const path = found.file_path;
  // A path that climbs out of the bot's folder is not one Telegram would give.
  if (path === undefined || path === '' || path.split('/').some((part) => part === '..' || part === '.')) {
    throw new FileFailure(`getFile gave no usable file_path (${JSON.stringify(path)})`, true);
  }
  const url = `${options.apiRoot.replace(/\/+$/, '')}/file/bot${options.token}/${path.split('/').map(encodeURIComponent).join('/')}`;
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    // Never the URL in a message: it holds the token.
    throw new FileFailure(`download failed: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const status = response.status;
    throw new FileFailure(`download answered HTTP ${status}`, !(status >= 500 || status === 408 || status === 429));
  }
  const { mime, name } = file.attachment;
  return putBody(response, limit, options.media, { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

/** What a Bot API failure means for the file; the network may come back. */
function failureOf(error: unknown): FileFailure | undefined {
  if (error instanceof GrammyError) {
    if (/file is too big/i.test(error.description)) {
      return new FileFailure(error.message, true, `the file is larger than ${describeBytes(TELEGRAM_DOWNLOAD_LIMIT)}, the most Telegram lets a bot download`, { kind: 'tooLarge', limitBytes: TELEGRAM_DOWNLOAD_LIMIT });
    }
    // Telegram's flood waits longer than auto-retry absorbs, and its own failures, may pass; a refusal will not.
    return new FileFailure(error.message, error.error_code !== 429 && error.error_code < 500);
  }
  if (error instanceof HttpError) return new FileFailure(error.message, false);
  return undefined;
}
