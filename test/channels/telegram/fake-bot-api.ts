// A fake Telegram Bot API on 127.0.0.1 speaking the wire format: POST /bot<token>/<method> with a JSON or
// form body, answered { ok: true, result } or { ok: false, error_code, description }. It records every call.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  token: string;
  /** The HTTP status answered, and the result when it was ok. */
  status?: number;
  result?: unknown;
}

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
  readonly #server: Server;
  readonly #failures = new Map<string, (Failure | undefined)[]>();
  readonly #updates: Record<string, unknown>[] = [];
  readonly #waiters = new Set<() => void>();
  #nextMessageId = 100;
  #nextThreadId = 55;
  #url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(({ status, body, call }) => {
        if (call) {
          call.status = status;
          if (body.ok === true) call.result = body.result;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
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

  async #handle(req: IncomingMessage): Promise<Failure & { call?: RecordedCall }> {
    const call = { method: '', params: {}, token: '' } as RecordedCall;
    return { ...(await this.#answer(req, call)), ...(call.method ? { call } : {}) };
  }

  async #answer(req: IncomingMessage, call: RecordedCall): Promise<Failure> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (req.method !== 'POST' || !match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    const [, token, method] = match as unknown as [string, string, string];
    const params = parseParams(raw, String(req.headers['content-type'] ?? ''));
    Object.assign(call, { method, params, token });
    this.calls.push(call);
    const failure = this.#failures.get(method)?.shift();
    if (failure) return failure;
    const ok = (result: unknown): Failure => ({ status: 200, body: { ok: true, result } });
    switch (method) {
      case 'sendMessage':
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/** JSON bodies as they are; form bodies with each value JSON-decoded where it is JSON (as the Bot API does). */
function parseParams(raw: string, type: string): Record<string, unknown> {
  if (raw === '') return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      params[key] = JSON.parse(value);
    } catch {
      params[key] = value;
    }
  }
  return params;
}
