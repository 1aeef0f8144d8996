// A 429 from the Bot Connector goes to the outbox, not to botbuilder's own retries. botbuilder's HTTP pipeline
// (Azure's core-client) waits a 429's Retry-After out and sends again by itself: a wait longer than the send's time
// limit (30 s) made the outbox send too, so the person got the message twice, and a wait longer than a timer holds
// (about 24.8 days) was retried at once, three times. The outbox waits any Retry-After in full and sends once.
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
type Next = (request: unknown) => Promise<Response>;
interface Pipeline {
  addPolicy(policy: { name: string; sendRequest(request: unknown, next: Next): Promise<Response> }, options?: { afterPhase?: string }): void;
}

const POLICY = 'switchboard-throttle-to-outbox';

/**
 * Adds to `connector`'s pipeline, inside its retry policy, a step that hides each 429's wait from that policy (moved to
 * `HELD_RETRY_AFTER`, in milliseconds), so the 429 reaches the caller at once. Does nothing where the pipeline is not
 * where this botbuilder version keeps it (then the pipeline retries 429s, and test/channels/botframework/sending.test.ts
 * fails to say so).
 */
export function throttlesToOutbox(connector: ConnectorClient): void {
  const pipeline = (connector as unknown as { client?: { pipeline?: Partial<Pipeline> } }).client?.pipeline;
  if (typeof pipeline?.addPolicy !== 'function') return;
  pipeline.addPolicy(
    {
      name: POLICY,
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
