// A fake Telegram Bot API on 127.0.0.1 speaking the wire format: POST /bot<token>/<method> with a JSON, form or
// multipart body (uploads), answered { ok: true, result } or { ok: false, error_code, description }, and files
// served at GET /file/bot<token>/<file_path> once getFile named them. It records every call and every download.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file uploaded with a call (multipart/form-data), under the parameter that named it (`document`, `photo`…). */
export interface UploadedFile {
  field: string;
  /** The file name as the upload gave it. */
  name: string;
  bytes: Buffer;
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  token: string;
  /** Files uploaded with the call. */
  files: UploadedFile[];
  /** The HTTP status answered, and the result when it was ok. */
  status?: number;
  result?: unknown;
}

/** A file users sent, as Telegram keeps it: getFile names its path, the path serves its bytes. */
interface KeptFile {
  bytes: Buffer;
  path: string;
  /** What getFile says the file weighs (default: its real size). */
  size?: number;
}

const SEND_METHODS = new Set(['sendPhoto', 'sendVoice', 'sendAudio', 'sendVideo', 'sendVideoNote', 'sendAnimation', 'sendDocument', 'sendSticker', 'sendLocation', 'sendVenue', 'sendContact']);

interface Failure {
  status: number;
  body: Record<string, unknown>;
}

export const tooManyRequests: Failure = {
  status: 429,
  body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
};

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  /** Every answer leaves this many ms late (a slow Telegram); the call is recorded when it arrives. */
  answerAfterMs = 0;
  /** Chats whose person blocked the bot: every send to them is refused (403), as Telegram refuses it. */
  readonly blocked = new Set<string>();
  /** The file paths downloaded (GET /file/bot<token>/<path>), in order. */
  readonly downloads: string[] = [];
  readonly #server: Server;
  readonly #files = new Map<string, KeptFile>();
  #failedDownloads: number[] = [];
  readonly #failures = new Map<string, (Failure | undefined)[]>();
  readonly #updates: Record<string, unknown>[] = [];
  readonly #waiters = new Set<() => void>();
  /** Methods whose calls wait (unrecorded, unnumbered) until released: on their way to Telegram. */
  readonly #held = new Map<string, Promise<void>>();
  /** Chats whose sends wait on their way until released (`holdChat`), with how many are waiting. */
  readonly #heldChats = new Map<string, { gate: Promise<void>; waiting: number }>();
  #nextMessageId = 100;
  #nextThreadId = 55;
  #url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/file/')) {
        this.#serveFile(req, res);
        return;
      }
      void this.#handle(req).then(({ status, body, call }) => {
        if (status === 0) return; // dropped: its sender is gone
        if (call) {
          call.status = status;
          if (body.ok === true) call.result = body.result;
        }
        const answer = (): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (this.answerAfterMs > 0) setTimeout(answer, this.answerAfterMs);
        else answer();
      });
    });
  }

  /** Listens on `port` (default: a free one). */
  static async start(port = 0): Promise<FakeBotApi> {
    const api = new FakeBotApi();
    await new Promise<void>((done) => api.#server.listen(port, '127.0.0.1', done));
    api.#url = `http://127.0.0.1:${(api.#server.address() as AddressInfo).port}`;
    return api;
  }

  /** The apiRoot to give grammY (TELEGRAM_API_ROOT). */
  get url(): string {
    return this.#url;
  }

  /** The next `times` calls of `method` (after `after` calls that succeed) fail with `failure` (default: 429, retry after 1 s). */
  fail(method: string, times: number, failure: Failure = tooManyRequests, after = 0): void {
    const queue = this.#failures.get(method) ?? [];
    for (let i = 0; i < after; i++) queue.push(undefined);
    for (let i = 0; i < times; i++) queue.push(failure);
    this.#failures.set(method, queue);
  }

  /** The failures still queued for `method` are dropped: its next calls succeed (a token fixed, Telegram back). */
  recover(method: string): void {
    this.#failures.delete(method);
  }

  /**
   * Holds the calls of `method` on their way until `release()`: only then do they reach Telegram, are recorded and get
   * their message_id (a slow network, a send waiting in the outbox).
   */
  hold(method: string): () => void {
    let release = () => {};
    this.#held.set(method, new Promise<void>((done) => (release = done)));
    return () => {
      this.#held.delete(method);
      release();
    };
  }

  /**
   * Holds every call to `chatId` on its way: `waiting()` counts the calls that arrived and wait. `release()` lets them
   * through; a call whose sender died meanwhile (a kill -9 mid-send) never reached Telegram: it is dropped, unrecorded.
   *
   *     const toOmar = api.holdChat(9001);
   *     await eventually(() => toOmar.waiting() > 0); // the card is on its way: kill now
   */
  holdChat(chatId: number | string): { waiting: () => number; release: () => void } {
    let release = () => {};
    const held = { gate: new Promise<void>((done) => (release = done)), waiting: 0 };
    this.#heldChats.set(String(chatId), held);
    return {
      waiting: () => held.waiting,
      release: () => {
        if (this.#heldChats.get(String(chatId)) === held) this.#heldChats.delete(String(chatId));
        release();
      },
    };
  }

  /**
   * The message_id Telegram gives a message a person sends now: a chat's ids and the bot's sends share one count, so
   * the person's message and the bot's later sends compare by it (the ids of one chat increase with each message).
   */
  takeMessageId(): number {
    return this.#nextMessageId++;
  }

  /** Keeps a file as Telegram would after a user sent it: getFile(`fileId`) names `path`, which serves `bytes`. */
  addFile(fileId: string, bytes: Buffer, options: { path?: string; size?: number } = {}): void {
    this.#files.set(fileId, { bytes, path: options.path ?? `documents/file_${this.#files.size}.bin`, ...options });
  }

  /** The next `times` file downloads are answered with HTTP `status`. */
  failDownloads(times: number, status = 502): void {
    for (let i = 0; i < times; i++) this.#failedDownloads.push(status);
  }

  /** Queues an update for getUpdates. */
  push(update: Record<string, unknown>): void {
    this.#updates.push(update);
    for (const wake of [...this.#waiters]) wake();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages sent to `chatId` (sendMessage answered ok), in order. */
  messagesTo(chatId: number | string): { text: string; message_id: number; reply_markup?: unknown }[] {
    return this.callsOf('sendMessage')
      .filter((call) => String(call.params.chat_id) === String(chatId) && call.status === 200)
      .map((call) => call.result as { text: string; message_id: number; reply_markup?: unknown });
  }

  /** Texts sent to `chatId`, in order. */
  sentTo(chatId: number | string): string[] {
    return this.messagesTo(chatId).map((message) => message.text);
  }

  async close(): Promise<void> {
    for (const wake of [...this.#waiters]) wake();
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  #serveFile(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    const path = match ? decodeURIComponent(match[2]!) : '';
    this.downloads.push(path);
    const failed = this.#failedDownloads.shift();
    const file = [...this.#files.values()].find((kept) => kept.path === path);
    if (failed !== undefined || !file) {
      res.writeHead(failed ?? 404, { 'content-type': 'text/plain' }).end('no such file');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.byteLength }).end(file.bytes);
  }

  async #handle(req: IncomingMessage): Promise<Failure & { call?: RecordedCall }> {
    const call = { method: '', params: {}, token: '', files: [] } as RecordedCall;
    return { ...(await this.#answer(req, call)), ...(call.method ? { call } : {}) };
  }

  async #answer(req: IncomingMessage, call: RecordedCall): Promise<Failure> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (req.method !== 'POST' || !match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const [, token, method] = match as unknown as [string, string, string];
    await this.#held.get(method);
    const { params, files } = parseParams(raw, String(req.headers['content-type'] ?? ''));
    const heldChat = this.#heldChats.get(String(params.chat_id));
    if (heldChat) {
      heldChat.waiting++;
      await heldChat.gate;
      // The sender's socket closes when it dies: the kernel ends its connections.
      await new Promise((done) => setTimeout(done, 50));
      if (req.socket.destroyed) return { status: 0, body: {} };
    }
    Object.assign(call, { method, params, token, files });
    this.calls.push(call);
    const failure = this.#failures.get(method)?.shift();
    if (failure) return failure;
    if ((SEND_METHODS.has(method) || method === 'sendMessage') && this.blocked.has(String(params.chat_id))) {
      return { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } };
    }
    const ok = (result: unknown): Failure => ({ status: 200, body: { ok: true, result } });
    if (SEND_METHODS.has(method)) {
      return ok({
        message_id: this.#nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(params.chat_id), type: 'private' },
        from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' },
        ...(params.caption ? { caption: params.caption } : {}),
      });
    }
    switch (method) {
      case 'getFile': {
        const file = this.#files.get(String(params.file_id));
        if (!file) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' } };
        return ok({ file_id: params.file_id, file_unique_id: `u-${params.file_id}`, file_size: file.size ?? file.bytes.byteLength, file_path: file.path });
      }
      case 'sendMessage':
        if (String(params.text ?? '').trim() === '') return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } };
        return ok({
          message_id: this.#nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(params.chat_id), type: 'private' },
          from: { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' },
          text: params.text,
          ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
        });
      case 'createForumTopic':
        return ok({ message_thread_id: this.#nextThreadId++, name: params.name, icon_color: 7322096 });
      case 'closeForumTopic':
        return ok(true);
      case 'getUpdates':
        return ok(await this.#getUpdates(params));
      case 'getMe':
        return ok({ id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' });
      case 'setWebhook':
      case 'deleteWebhook':
      case 'setMyCommands':
      case 'answerCallbackQuery':
      case 'editMessageReplyMarkup':
      case 'setMessageReaction':
        return ok(true);
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: `Not Found: method ${method}` } };
    }
  }

  /** Drops updates below the offset (they are confirmed), then serves the rest, waiting up to `timeout` s for one. */
  async #getUpdates(params: Record<string, unknown>): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    const timeout = Number(params.timeout ?? 0);
    const drop = () => {
      while (this.#updates.length > 0 && Number(this.#updates[0]!.update_id) < offset) this.#updates.shift();
    };
    drop();
    if (this.#updates.length === 0 && timeout > 0) {
      await new Promise<void>((done) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          done();
        };
        const timer = setTimeout(wake, timeout * 1000);
        this.#waiters.add(wake);
      });
      drop();
    }
    return this.#updates.slice(0, Number(params.limit ?? 100));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

/**
 * JSON bodies as they are; form and multipart bodies with each value JSON-decoded where it is JSON (as the Bot API
 * does). An uploaded file's parameter reads `attach://<part>`; the file is listed under that parameter's name.
 */
function parseParams(raw: Buffer, type: string): { params: Record<string, unknown>; files: UploadedFile[] } {
  if (raw.byteLength === 0) return { params: {}, files: [] };
  if (type.includes('application/json')) return { params: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: [] };
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  const fields: [string, string][] = [];
  const parts = new Map<string, { name: string; bytes: Buffer }>();
  if (boundary) {
    for (const part of multipartParts(raw, boundary)) {
      const head = part.subarray(0, part.indexOf('\r\n\r\n')).toString('utf8');
      const body = part.subarray(part.indexOf('\r\n\r\n') + 4);
      const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
      const filename = /filename=(.*?)(\r\n|$)/.exec(head)?.[1];
      if (filename === undefined) fields.push([name, body.toString('utf8')]);
      else parts.set(name, { name: filename, bytes: body });
    }
  } else {
    fields.push(...new URLSearchParams(raw.toString('utf8')));
  }
  const params: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  for (const [key, value] of fields) {
    try {
      params[key] = JSON.parse(value);
    } catch {
      params[key] = value;
    }
    const attached = /^attach:\/\/(.+)$/.exec(value)?.[1];
    const file = attached !== undefined ? parts.get(attached) : undefined;
    if (file) files.push({ field: key, ...file });
  }
  return { params, files };
}

/** The parts of a multipart/form-data body, each its headers, a blank line and its bytes. */
function multipartParts(raw: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.byteLength + 2;
    const end = raw.indexOf(delimiter, from);
    if (end === -1) break;
    // Each part ends with the CRLF that precedes the next delimiter.
    parts.push(raw.subarray(from, end - 2));
    start = end;
  }
  return parts;
}
