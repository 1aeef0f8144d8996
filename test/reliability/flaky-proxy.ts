// A proxy on 127.0.0.1 in front of a fake API (Bot API, Graph API, Bot Connector) that answers some requests itself,
// as an API under strain does: 429 with any Retry-After or retry_after, 5xx, a call that never answers, or one that
// reaches the API and whose answer never comes back. Everything else is passed through to the fake behind it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type Fault =
  | { answer: number; body?: string; headers?: Record<string, string> }
  /** Never answers (the call reaches nobody). */
  | { hang: 'before' }
  /** Passes the call to the API, then never answers: the API acted, the caller does not know. */
  | { hang: 'after' };

export interface ProxiedCall {
  path: string;
  body: string;
  at: number;
  fault?: Fault;
}

export class FlakyProxy {
  readonly calls: ProxiedCall[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #url = '';

  private constructor(readonly upstream: string, readonly decide: (path: string, body: string) => Fault | undefined) {
    this.#server = createServer((req, res) => void this.#handle(req, res).catch(() => res.destroy()));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on a free port in front of `upstream`; `decide` returns a fault for a request, or undefined to pass it. */
  static async start(upstream: string, decide: (path: string, body: string) => Fault | undefined): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(upstream.replace(/\/+$/, ''), decide);
    await new Promise<void>((done) => proxy.#server.listen(0, '127.0.0.1', done));
    proxy.#url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  get url(): string {
    return this.#url;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((done) => this.#server.close(() => done()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = req.url ?? '/';
    const body = raw.toString('utf8');
    const fault = this.decide(path, body);
    this.calls.push({ path, body, at: Date.now(), ...(fault ? { fault } : {}) });
    if (fault && 'answer' in fault) {
      res.writeHead(fault.answer, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '{}');
      return;
    }
    if (fault?.hang === 'before') return;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)).map(([name, value]) => [name, String(value)]));
    const answer = await fetch(`${this.upstream}${path}`, { method: req.method ?? 'GET', headers, ...(raw.length > 0 ? { body: raw } : {}) });
    const bytes = Buffer.from(await answer.arrayBuffer());
    if (fault?.hang === 'after') return;
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(bytes);
  }
}
