// The Bot API's HTTP client: grammY's own (node-fetch through an http.Agent) cost about as much CPU per call as a
// whole bare webhook→reply round trip under load, so grammY is given a `fetch` on undici instead. JSON calls (every
// send) go through the undici agent's `request` on one keep-alive pool per API root, each URL's origin and path read
// once (undici's `request(url)` parsed the URL at every call); the rare multipart upload through
// undici's `fetch`, which takes grammY's streamed form body.
import { Agent, fetch as undiciFetch } from 'undici';

/** The part of a fetch response grammY reads. */
interface BotApiResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface BotApiClient {
  /** For grammY's `client.fetch` option. */
  fetch: (url: string, options?: CallOptions) => Promise<BotApiResponse>;
  /** Closes the pooled connections once the calls under way end. Idempotent. */
  close(): Promise<void>;
}

/**
 * A keep-alive client for grammY's `Api`.
 *
 *     const client = createBotApiClient();
 *     const api = new Api(token, { apiRoot, fetch: client.fetch as never });
 */
export function createBotApiClient(): BotApiClient {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  const targets: Targets = new Map();
  let closing: Promise<void> | undefined;
  return {
    async fetch(url, options = {}) {
      const { method = 'GET', headers, body, signal } = options;
      if (body === undefined || typeof body === 'string') {
        const { origin, path } = targetOf(targets, url);
        const response = await dispatcher.request({ origin, path, method: method as 'POST', headers, body: body as string | undefined, signal });
        // `json()` a method, not an arrow function: under tsx each one made would be named at run time (esbuild's `keepNames`).
        return {
          ok: response.statusCode < 300,
          status: response.statusCode,
          json() {
            return response.body.json();
          },
        };
      }
      // grammY's signal comes from its own AbortController, which undici's fetch does not take: a native one follows it.
      const controller = new AbortController();
      if (signal?.aborted) controller.abort();
      else signal?.addEventListener('abort', () => controller.abort(), { once: true });
      const init = { method, headers, body: body as AsyncIterable<Uint8Array>, signal: controller.signal, dispatcher, duplex: 'half' };
      const response = await undiciFetch(url, init as Parameters<typeof undiciFetch>[1]);
      return { ok: response.ok, status: response.status, json: () => response.json() };
    },
    close() {
      closing ??= dispatcher.close();
      return closing;
    },
  };
}

/** The origin and path of each URL called, as undici's `request(url)` reads them: one per method, read once, not at every send. */
type Targets = Map<string, { origin: string; path: string }>;

function targetOf(targets: Targets, url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${parsed.protocol} is not an HTTP address`);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    // Bot API URLs are one per method: a client handed other URLs keeps only the latest few hundred.
    if (targets.size >= 256) targets.clear();
    targets.set(url, target);
  }
  return target;
}
