// Brings a file a message names into the media store before the message is delivered: a Teams file from its
// download link, a Teams inline picture from the Bot Connector with the bot's token, a Web Chat upload from its
// URL, a small file sent inline as a data: URI. One try, bounded in time: the Bot Framework waits 15 seconds for
// the answer, and a file that cannot be had does not hold the message back; it arrives with the attachment's
// `refused` saying why. Only a failure of our own media store is thrown, like a failed deliver.
//
// A Web Chat or Direct Line page chooses what its activities say, URLs included, so the server fetches only from
// the activity's own service URL (whose address the channel's signed token vouches for) and from public https
// hosts, never from a loopback, private or link-local address named literally, and follows no redirect elsewhere.
import { isIP } from 'node:net';
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { Attachment, MediaStore } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import type { RemoteFile } from './decode.ts';

/** Short of the Bot Framework's 15 s, so the message is still answered in time when a download hangs. */
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export interface FileOptions {
  media: MediaStore;
  log: Logger;
  /** The bot's token for the Bot Connector's own URLs; resolves to undefined when authentication is off. */
  token: () => Promise<string | undefined>;
  /** Drops the token held, which the Bot Connector refused (401): `token()` then asks for a new one. */
  forgetToken?: () => void;
  /** How long the download may take (default 10 s). */
  timeoutMs?: number;
}

/** The download failed in a way the person should be told about. */
class FileFailure extends Error {
  override readonly name = 'FileFailure';
}

/** The response body broke off: told apart from the media store's own failures. */
class TransferError extends Error {
  override readonly name = 'TransferError';
}

/**
 * The attachment of `file`, with the `ref` of its bytes in the media store, or with `refused` set to why it has none.
 * Rejects only when the media store itself fails: the activity should then not be acknowledged.
 *
 *     const attachment = await fetchFile(file, activity.serviceUrl, { media: host.media, log, token });
 */
export async function fetchFile(file: RemoteFile, serviceUrl: string, options: FileOptions): Promise<Attachment> {
  const { attachment } = file;
  try {
    const stored = file.url.startsWith('data:') ? await fromDataUri(file, options.media) : await download(file, serviceUrl, options);
    return { ...attachment, ref: stored.ref, size: stored.size, mime: stored.mime, ...(stored.name !== undefined ? { name: stored.name } : {}) };
  } catch (error) {
    if (error instanceof MediaRefusedError) return { ...attachment, refused: error.message, refusal: error.refusal };
    const reason = error instanceof FileFailure ? error.message : error instanceof TransferError ? 'the download broke off' : undefined;
    if (reason === undefined) throw error;
    const cause = error instanceof Error && error.cause instanceof Error ? { cause: error.cause.message } : {};
    options.log.warn({ err: error instanceof Error ? error.message : String(error), ...cause, host: hostOf(file.url) }, 'Bot Framework file not kept');
    return { ...attachment, refused: reason, refusal: { kind: 'notFetched' } };
  }
}

async function download(file: RemoteFile, serviceUrl: string, options: FileOptions): Promise<{ ref: string; size: number; mime: string; name?: string }> {
  const limit = options.media.maxBytes;
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let token = file.withToken ? await options.token() : undefined;
  let renewed = false;
  let url = file.url;
  let response: Response;
  for (let hops = 0; ; ) {
    if (!fetchable(url, serviceUrl)) throw new FileFailure('the file is at an address the bot does not fetch from');
    // The token goes only to the address decode.ts judged the Bot Connector's, never to where it redirects.
    const authorization: Record<string, string> = token !== undefined && url === file.url ? { authorization: `Bearer ${token}` } : {};
    try {
      response = await fetch(url, { signal, redirect: 'manual', headers: authorization });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new FileFailure(timedOut ? 'the download took too long' : 'the file\'s server could not be reached', { cause: error });
    }
    // A token refused before its time (AppTokens.forget) is asked anew, once, rather than losing the customer's picture.
    if (response.status === 401 && authorization.authorization !== undefined && !renewed && options.forgetToken) {
      await response.body?.cancel();
      options.forgetToken();
      token = await options.token();
      renewed = true;
      continue;
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) break;
    await response.body?.cancel();
    if (hops++ >= MAX_REDIRECTS) throw new FileFailure('the file\'s address redirects too many times');
    url = new URL(location, url).toString();
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new FileFailure(`the file could not be downloaded (HTTP ${response.status})`);
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > limit) {
    await response.body.cancel();
    throw new MediaRefusedError(`the file is larger than ${describeBytes(limit)}`, 'too-large', limit);
  }
  const given = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const mime = file.attachment.mime ?? (given !== undefined && given !== '' ? given : undefined);
  const { name } = file.attachment;
  return options.media.put(streamOf(response.body), { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

/** `data:image/png;base64,…`: the bytes are in the activity itself. */
async function fromDataUri(file: RemoteFile, media: MediaStore): Promise<{ ref: string; size: number; mime: string; name?: string }> {
  const match = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)?(?:;[^,;]*)*?;base64,([A-Za-z0-9+/=\s]*)$/i.exec(file.url);
  if (!match) throw new FileFailure('the file is an inline data: URI that is not base64');
  const mime = file.attachment.mime ?? match[1]?.toLowerCase();
  const { name } = file.attachment;
  return media.put(Buffer.from(match[2]!, 'base64'), { ...(mime !== undefined ? { mime } : {}), ...(name !== undefined ? { name } : {}) });
}

/** Under the activity's service URL, or https on a host not named by a loopback, private or link-local address. */
function fetchable(url: string, serviceUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.origin === new URL(serviceUrl).origin) return true;
  if (target.protocol !== 'https:' || target.username !== '' || target.password !== '') return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  return isIP(host) === 0 || !isInternal(host);
}

function isInternal(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const embedded = embeddedIPv4(ip);
  if (embedded !== undefined) return isInternal(embedded);
  return ip === '::' || ip === '::1' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
}

/**
 * The IPv4 address an IPv6 one carries (IPv4-mapped `::ffff:…`, or the older IPv4-compatible `::…`), which the
 * socket reaches as that IPv4 address; URL writes it in hex, so `[::ffff:127.0.0.1]` arrives as `::ffff:7f00:1`.
 *
 *     embeddedIPv4('::ffff:7f00:1'); // '127.0.0.1'
 *     embeddedIPv4('2001:db8::1');   // undefined
 */
function embeddedIPv4(ip: string): string | undefined {
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (dotted) return dotted[1];
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

async function* streamOf(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw new TransferError(error instanceof Error ? error.message : String(error));
  }
}

/** The host a URL names, for log lines (never the whole URL: a download link is a credential). */
function hostOf(url: string): string | undefined {
  if (url.startsWith('data:')) return 'data:';
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
