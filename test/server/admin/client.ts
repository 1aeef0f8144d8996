// Speaking the admin API in tests: with the bearer token (a script), or as a browser signed in with the cookie.

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * An admin API client. `auth` is the headers that prove who it is (the bearer token by default).
 *
 *     const admin = adminClient(app.url);
 *     const { body } = await admin.get('/flows');
 */
export function adminClient(url: string, auth: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) {
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // CSV and other text answers stay text.
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = Record<string, unknown>>(path: string, body: unknown = {}, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    put: <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PUT', path, body, headers),
    patch: <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    delete: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
  };
}

/** Signs in with `POST /api/login` and returns the cookie (`sb_admin=…`) the browser would keep. */
export async function signIn(url: string, token = ADMIN_TOKEN): Promise<{ status: number; cookie?: string; setCookie?: string }> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  return { status: res.status, ...(setCookie ? { setCookie, cookie: setCookie.split(';')[0]! } : {}) };
}
