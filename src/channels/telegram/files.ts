// Brings the file of an inbound message from Telegram into the media store: getFile names its path, then the
// bytes stream from `${apiRoot}/file/bot<token>/<path>` straight into `MediaStore.put`, before the message is
// delivered. A file that cannot be had (over the size limit, refused by Telegram, still failing after a few tries)
// does not hold the message back: it arrives with the attachment's `refused` saying why, so the person is answered
// and nothing blocks the updates behind it. Only a failure of our own media store is thrown, like a failed deliver,
// so that the update is not acknowledged and comes back.
import { GrammyError, HttpError, type Api } from 'grammy';
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { Attachment, MediaStore } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import type { TelegramFile } from './decode.ts';

/** The most the cloud Bot API lets a bot download (a self-hosted Bot API server allows more). */
const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
/** getFile and the download together are tried this many times when they fail for a reason that may pass. */
const ATTEMPTS = 3;

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

/** A try that failed; `permanent` when trying again cannot help, `reason` as a person should read it. */
class FileFailure extends Error {
  override readonly name = 'FileFailure';

  constructor(
    message: string,
    readonly permanent: boolean,
    readonly reason = 'the file could not be downloaded from Telegram',
  ) {
    super(message);
  }
}

/** The response body broke off: told apart from the media store's own failures, which are not Telegram's. */
class TransferError extends Error {
  override readonly name = 'TransferError';
}

/**
 * The attachment of `file`, with the `ref` of its bytes in the media store, or with `refused` set to why it has none.
 * Rejects only when the media store itself fails (a full disk): the message should then not be acknowledged.
 *
 *     const attachment = await fetchFile(decoded.file, { api, apiRoot, token, media: host.media, log });
 *     inbound.attachments = [attachment];
 */
export async function fetchFile(file: TelegramFile, options: FileOptions): Promise<Attachment> {
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
      const failure = asFailure(error);
      if (!failure) throw error;
      const last = failure.permanent || attempt >= ATTEMPTS;
      options.log.warn({ err: failure.message, file: file.fileId, attempt, ...(last ? {} : { retryInMs: delay }) }, last ? 'Telegram file not kept' : 'Telegram file download failed; trying again');
      if (last) return refuse(failure.reason);
      await new Promise((done) => setTimeout(done, delay));
      delay *= 2;
    }
  }
}

async function download(file: TelegramFile, options: FileOptions): Promise<{ ref: string; size: number; mime: string; name?: string }> {
  const limit = options.media.maxBytes;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  // grammY types its signal as the abort-controller shim's; Node's own works the same at run time.
  const found = await options.api.getFile(file.fileId, signal as unknown as Parameters<Api['getFile']>[1]);
  if (found.file_size !== undefined && found.file_size > limit) throw new MediaRefusedError(tooLarge(limit), 'too-large');
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
    throw new FileFailure(`download failed: ${describe(error)}`, false);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const status = response.status;
    throw new FileFailure(`download answered HTTP ${status}`, !(status >= 500 || status === 408 || status === 429));
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > limit) {
    await response.body.cancel();
    throw new MediaRefusedError(tooLarge(limit), 'too-large');
  }
  const { mime, name } = file.attachment;
  return options.media.put(streamOf(response.body), { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

async function* streamOf(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new TransferError(describe(error));
  }
}

/** What a failed try means, or undefined when it is not Telegram's doing (the media store's own failure). */
function asFailure(error: unknown): FileFailure | undefined {
  if (error instanceof FileFailure) return error;
  if (error instanceof TransferError) return new FileFailure(`download broke off: ${error.message}`, false);
  if (error instanceof GrammyError) {
    if (/file is too big/i.test(error.description)) {
      return new FileFailure(error.message, true, `the file is larger than ${describeBytes(TELEGRAM_DOWNLOAD_LIMIT)}, the most Telegram lets a bot download`);
    }
    // Telegram's flood waits longer than auto-retry absorbs, and its own failures, may pass; a refusal will not.
    return new FileFailure(error.message, error.error_code !== 429 && error.error_code < 500);
  }
  // The network, or a try that timed out: it may come back.
  if (error instanceof HttpError || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))) {
    return new FileFailure(error.message, false);
  }
  return undefined;
}

function tooLarge(limit: number): string {
  return `the file is larger than ${describeBytes(limit)}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
