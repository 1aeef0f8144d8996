// Who may use the admin API: the bearer token or the sign-in cookie; nobody else, on any route; the dashboard's
// page says how to turn it on when ADMIN_TOKEN is unset; cross-site changes and login floods are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient, signIn } from './client.ts';

const ROUTES: [string, string][] = [
  ['GET', '/session'], ['GET', '/flows'], ['GET', '/flows/inbound'], ['POST', '/flows/inbound/validate'], ['PUT', '/flows/inbound'],
  ['GET', '/flows/inbound/versions'], ['POST', '/flows/inbound/rollback'], ['DELETE', '/flows/inbound'], ['GET', '/team'], ['PUT', '/team'],
  ['GET', '/agents'], ['GET', '/conversations'], ['GET', '/conversations/1'], ['POST', '/conversations/1/close'], ['POST', '/conversations/1/note'],
  ['GET', '/contacts'], ['PATCH', '/contacts/x'], ['DELETE', '/contacts/x'], ['GET', '/nlp'], ['POST', '/nlp/examples'], ['POST', '/nlp/retrain'],
  ['GET', '/reports'], ['GET', '/reports.csv'], ['GET', '/events'], ['POST', '/logout'],
];

describe('the admin API without ADMIN_TOKEN', () => {
  afterAll(cleanupDirs);

  it('answers 503 on every route and shows at /admin how to turn it on, without echoing the request', async () => {
    const app = await start(await shippedDataDir());
    try {
      for (const [method, path] of [...ROUTES, ['POST', '/login'] as [string, string]]) {
        const res = await fetch(`${app.url}/api${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(((await res.json()) as { error: string }).error).toContain('set ADMIN_TOKEN');
      }
      const page = await fetch(`${app.url}/admin?name=<script>alert(1)</script>`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain('ADMIN_TOKEN');
      expect(html).not.toContain('<script>');
    } finally {
      await app.stop();
    }
  });
});

describe('the admin API with ADMIN_TOKEN', () => {
  let app: Switchboard;
  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('answers 401 on every route without credentials, with a wrong token or a forged cookie', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { cookie: 'sb_admin=1700000000.forged' }, { authorization: ADMIN_TOKEN }] as Record<string, string>[]) {
      for (const [method, path] of ROUTES) {
        const res = await fetch(`${app.url}/api${path}`, { method, headers: { ...headers, 'x-requested-with': 'switchboard' } });
        expect(res.status, `${method} ${path} with ${JSON.stringify(headers)}`).toBe(401);
        expect(await res.json()).toEqual({ error: expect.any(String) });
      }
    }
    // The Bot Framework's endpoint under /api is not the admin API's; it is off here and stays so.
    expect((await adminClient(app.url).get('/session')).body).toEqual({ ok: true });
  });

  it('signs in with the token into an http-only, same-site cookie, and signs out', async () => {
    expect((await signIn(app.url, 'not-the-token')).status).toBe(401);
    const { status, setCookie, cookie } = await signIn(app.url);
    expect(status).toBe(200);
    expect(setCookie).toMatch(/^sb_admin=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const browser = adminClient(app.url, { cookie: cookie! });
    expect((await browser.get('/session')).body).toEqual({ ok: true });
    expect((await browser.get('/flows')).status).toBe(200);

    // A state change carried by the cookie must come from the dashboard itself.
    const validate = { source: 'flow: inbound\n' };
    expect((await browser.post('/flows/inbound/validate', validate)).status).toBe(403);
    expect((await browser.post('/flows/inbound/validate', validate, { 'x-requested-with': 'switchboard', origin: 'https://evil.example' })).status).toBe(403);
    expect((await browser.post('/flows/inbound/validate', validate, { 'x-requested-with': 'switchboard', origin: app.url })).status).toBe(200);
    expect((await browser.post('/flows/inbound/validate', validate, { 'x-requested-with': 'switchboard' })).status).toBe(200);
    // A script with the bearer token needs neither.
    expect((await adminClient(app.url).post('/flows/inbound/validate', validate)).status).toBe(200);

    const out = await browser.post('/logout', {}, { 'x-requested-with': 'switchboard' });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^sb_admin=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    // The cookie signed out is refused even if it was kept.
    expect((await browser.get('/session')).status).toBe(401);
  });

  it('marks the cookie Secure behind an HTTPS proxy on this machine', async () => {
    const res = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('refuses a sign-in from another site, and more than 10 attempts a minute from one address with 429 and Retry-After', async () => {
    const crossSite = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
    expect(crossSite.status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(app.url, `guess-${i}`)).status);
    // This address signed in 3 times in the tests above, within the same minute.
    const first = statuses.indexOf(429);
    expect(first).toBe(10 - 3);
    expect(statuses).toEqual([...Array(first).fill(401), ...Array(12 - first).fill(429)]);
    const limited = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Bearer requests are not sign-ins: they go on.
    expect((await adminClient(app.url).get('/session')).status).toBe(200);
  });
});
