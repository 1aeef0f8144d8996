// Retries of a send belong to the outbox, not to botbuilder's HTTP pipeline (Azure's core-client), which sends again
// by itself, unseen by the outbox:
// - a 429: the pipeline waited its Retry-After out and sent again. A wait longer than the send's time limit (30 s)
//   made the outbox send too, so the person got the message twice; a wait longer than a timer holds (about 24.8
//   days) was retried at once, three times. Now the 429 reaches the outbox at once, with its wait.
// - a 5xx or a network failure: the pipeline tries again after 1-2 s, then longer. Within the send's limit that is
//   kept (a passing failure is carried through); once the limit has passed, the outbox counts the send as failed and
//   sends again later, so the pipeline's request, and its retries, are aborted there.
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/** botbuilder's client of the Bot Connector (its type is not exported by `botbuilder` itself). */
export type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** The header a 429's wait is moved to, out of sight of the pipeline's retry policy; `toSendError` reads it. */
export const HELD_RETRY_AFTER = 'x-switchboard-retry-after';

/** The headers the pipeline's throttling retry reads (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After`). */
const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'] as const;

interface Headers {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
}
interface Response {
  status: number;
  headers: Headers;
}
interface Request {
  abortSignal?: AbortSignal;
}
type Next = (request: Request) => Promise<Response>;
interface Pipeline {
  addPolicy(policy: { name: string; sendRequest(request: Request, next: Next): Promise<Response> }, options?: { afterPhase?: string }): void;
}

const THROTTLE_POLICY = 'switchboard-throttle-to-outbox';
const LIMIT_POLICY = 'switchboard-send-limit';

/** Each connector's abort signal: botbuilder makes a connector client for each send (each proactive turn). */
const limits = new WeakMap<object, AbortSignal>();

/**
 * Has every request `connector` makes from now on, and every retry of those, aborted with `signal`. (Not an
 * AsyncLocalStorage: in Node 20 one turns on a hook for every promise of the process.)
 *
 *     await adapter.continueConversationAsync(appId, reference, async (context) => {
 *       limitRequests(context.turnState.get(adapter.ConnectorClientKey), limit.signal);
 *       await context.sendActivity(activity);
 *     });
 */
export function limitRequests(connector: unknown, signal: AbortSignal): void {
  if (typeof connector === 'object' && connector !== null) limits.set(connector, signal);
}

/**
 * Adds two steps to `connector`'s pipeline:
 * - before its retry policy, one that gives each request the abort signal of the send it belongs to
 *   (`limitRequests`), which the retry policy's waits and the HTTP client obey;
 * - inside the retry policy, one that hides each 429's wait from that policy (moved to `HELD_RETRY_AFTER`, in
 *   milliseconds), so the 429 reaches the caller at once.
 *
 * Does nothing where the pipeline is not where this botbuilder version keeps it (then test/channels/botframework/
 * sending.test.ts fails to say so).
 */
export function handsRetriesToOutbox(connector: ConnectorClient): void {
  const pipeline = (connector as unknown as { client?: { pipeline?: Partial<Pipeline> } }).client?.pipeline;
  if (typeof pipeline?.addPolicy !== 'function') return;
  pipeline.addPolicy({
    name: LIMIT_POLICY,
    sendRequest(request, next) {
      const limit = limits.get(connector);
      if (limit) request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, limit]) : limit;
      return next(request);
    },
  });
  pipeline.addPolicy(
    {
      name: THROTTLE_POLICY,
      async sendRequest(request, next) {
        const response = await next(request);
        if (response.status !== 429) return response;
        const waitMs = heldWaitMs(response.headers);
        for (const name of RETRY_AFTER_HEADERS) response.headers.delete(name);
        if (waitMs !== undefined) response.headers.set(HELD_RETRY_AFTER, String(waitMs));
        return response;
      },
    },
    { afterPhase: 'Retry' },
  );
}

/** The wait a 429 asks for, in milliseconds, as the pipeline would read it (milliseconds first, then Retry-After). */
function heldWaitMs(headers: Headers): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers.get(name);
    if (value !== undefined && value.trim() !== '' && Number(value) >= 0) return Number(value);
  }
  return retryAfterMs(headers.get('retry-after'));
}

/** A Retry-After header, in seconds or as an HTTP date, in milliseconds from now; undefined when it says neither. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
