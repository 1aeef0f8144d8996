// The Graph API client Meta's channels share (WhatsApp Cloud, Messenger, Instagram): JSON and multipart calls with
// the token as a Bearer header, never in a URL (so never in a log line), and Meta's error bodies read into GraphError.

/**
 * A Graph API call that failed: `status` is the HTTP status (undefined when no answer came: the network, a
 * timeout), `code`, `subcode` and `details` what Meta's error body said.
 *
 *     catch (error) { if (error instanceof GraphError && error.code === 131047) … }
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';

  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code?: number,
    readonly subcode?: number,
    readonly details?: string,
    /** False for a URL called without the token (Messenger's attachment URLs): its refusal is not the token's. */
    readonly tokenSent = true,
  ) {
    super(message);
  }

  /** The token is expired, revoked or wrong: every call fails until the token setting is replaced. */
  get badToken(): boolean {
    return this.tokenSent && (this.code === 190 || (this.status === 401 && this.code === undefined));
  }

  /**
   * Meta may have taken the call: no answer came at all (a network failure, the time limit), or a 2xx whose body
   * broke off or made no sense. A send may then have reached the person.
   */
  get answerLost(): boolean {
    return this.status === undefined || (this.status >= 200 && this.status < 300);
  }
}

export interface GraphOptions {
  /** GRAPH_API_ROOT, e.g. https://graph.facebook.com. */
  root: string;
  /** The Graph API version, e.g. v21.0 (WHATSAPP_API_VERSION, MESSENGER_API_VERSION). */
  version: string;
  token: string;
  /** How long one call may take (default 30 s). */
  timeoutMs?: number;
}

/**
 * A Graph API client for one access token.
 *
 *     const graph = new GraphApi({ root: 'https://graph.facebook.com', version: 'v21.0', token });
 *     const { messages } = await graph.post<{ messages: { id: string }[] }>(`${phoneNumberId}/messages`, payload);
 */
export class GraphApi {
  readonly #options: GraphOptions;

  constructor(options: GraphOptions) {
    this.#options = options;
  }

  /** GET `/{version}/{path}` (`path` may carry a query); resolves to the JSON answer. */
  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.#call<T>(path, { method: 'GET' }, signal);
  }

  /** POST `/{version}/{path}` with a JSON body, or a multipart one (FormData). */
  post<T>(path: string, body: Record<string, unknown> | FormData, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = body instanceof FormData
      ? { method: 'POST', body }
      : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    return this.#call<T>(path, init, signal);
  }

  /**
   * GETs a file's URL; resolves to the response, whose body the caller reads or cancels. Fails with GraphError when
   * the answer is not 2xx. `token: false` for a URL that needs none (Messenger's attachment URLs): the token is
   * only ever sent where Meta asks for it (WhatsApp's media URLs).
   */
  async download(url: string, signal?: AbortSignal, options: { token?: boolean } = {}): Promise<Response> {
    const withToken = options.token ?? true;
    const response = await this.#fetch(url, { method: 'GET' }, signal, withToken);
    if (!response.ok || !response.body) throw await errorOf(response, withToken);
    return response;
  }

  async #call<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
    const { root, version } = this.#options;
    const response = await this.#fetch(`${root.replace(/\/+$/, '')}/${version}/${path}`, init, signal, true);
    if (!response.ok) throw await errorOf(response);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new GraphError(`the Graph API's answer (HTTP ${response.status}) broke off: ${describe(error)}`, response.status);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new GraphError(`the Graph API answered HTTP ${response.status} with a body that is not JSON`, response.status, undefined, undefined, describe(error));
    }
  }

  async #fetch(url: string, init: RequestInit, signal: AbortSignal | undefined, withToken: boolean): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs ?? 30_000);
    try {
      return await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), ...(withToken ? { authorization: `Bearer ${this.#options.token}` } : {}) },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      // Never the URL in the message: a media URL is a credential of its own for a while.
      throw new GraphError(`network error: ${describe(error)}`, undefined);
    }
  }
}

/** Meta's `{ error: { message, type, code, error_subcode, error_data: { details } } }`, or what the status says. */
async function errorOf(response: Response, tokenSent = true): Promise<GraphError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return new GraphError(`the Graph API answered HTTP ${response.status}`, response.status, undefined, undefined, undefined, tokenSent);
  const { message, code, error_subcode: subcode, error_data: data } = error as Record<string, unknown>;
  const details = typeof data === 'object' && data !== null ? (data as { details?: unknown }).details : undefined;
  return new GraphError(
    typeof message === 'string' && message !== '' ? message : `the Graph API answered HTTP ${response.status}`,
    response.status,
    typeof code === 'number' ? code : undefined,
    typeof subcode === 'number' ? subcode : undefined,
    typeof details === 'string' && details !== '' ? details : undefined,
    tokenSent,
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
