// Who may use the admin API: `Authorization: Bearer <ADMIN_TOKEN>` (scripts), or the `sb_admin` cookie that
// `POST /api/login {token}` sets (the dashboard). The cookie is signed with ADMIN_TOKEN, so it holds across restarts
// and processes and dies with a new token. A browser sends cookies on cross-site requests too, so a state-changing
// request carried by the cookie must also carry `X-Requested-With: switchboard` (a header another site's page cannot
// add without asking) and, when the browser says where it comes from, an Origin of this very host. A cookie signed out
// is refused until it expires, after a restart and in every process too (`SignedOut` keeps it in the store).
import { createHmac } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { sameSecret } from '../../shared/secret.ts';
import { personName } from '../../shared/text.ts';
import { SignedOut } from '../signed-out.ts';

export const ADMIN_COOKIE = 'sb_admin';
/** How long a sign-in lasts. */
const SESSION_SECONDS = 12 * 3600;
/** Login attempts one address may make per window, then 429. */
const LOGIN_ATTEMPTS = 10;
const LOGIN_WINDOW_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AdminAuthOptions {
  token: string;
  now: () => number;
  /** The cookies signed out, shared with the agents' sign-in and kept in the store; this process's own otherwise. */
  signedOut?: SignedOut;
}

/** How the request proved who it is, or undefined. */
type Credential = 'bearer' | 'cookie';

/**
 * The admin API's sign-in routes and the guard every other route sits behind.
 *
 *     const auth = new AdminAuth({ token, now: Date.now });
 *     auth.mountLogin(router); router.use(auth.guard);
 */
export class AdminAuth {
  readonly #attempts = new Map<string, { count: number; resetAt: number }>();
  /** Cookies signed out before they expired: refused until then. */
  readonly #signedOut: SignedOut;

  constructor(private readonly options: AdminAuthOptions) {
    this.#signedOut = options.signedOut ?? new SignedOut({ now: options.now });
  }

  /** `POST /login {token}` and `POST /logout`. */
  mountLogin(router: Router): void {
    const body = z.object({ token: z.string().max(4096) }).strict();
    router.post('/login', (req, res, next) => {
      if (!this.#sameOrigin(req)) return void res.status(403).json({ error: 'a sign-in from another site is refused' });
      const wait = this.#attempt(req.ip ?? 'unknown');
      if (wait > 0) {
        res.set('retry-after', String(Math.ceil(wait / 1000)));
        return void res.status(429).json({ error: `too many sign-in attempts; try again in ${Math.ceil(wait / 1000)} s` });
      }
      next();
    }, express.json({ limit: '8kb' }), (req, res) => {
      const parsed = body.safeParse(req.body);
      if (!parsed.success || !sameSecret(parsed.data.token, this.options.token)) {
        return void res.status(401).json({ error: 'that is not the admin token (ADMIN_TOKEN)' });
      }
      // Not a cookie signed out in this very second (signed with the same time, it would be the same cookie).
      let issued = Math.floor(this.options.now() / 1000);
      while (this.#signedOut.has(this.#sign(issued))) issued += 1;
      res.setHeader('set-cookie', this.#cookie(req, this.#sign(issued), SESSION_SECONDS));
      res.json({ ok: true });
    });
  }

  /** `POST /logout`, behind the guard: forgets the cookie in this browser and refuses it from now on. */
  mountLogout(router: Router): void {
    router.post('/logout', async (req, res) => {
      const cookie = cookieOf(req, ADMIN_COOKIE);
      const issued = cookie && this.#validCookie(cookie) ? Number(/^(\d+)\./.exec(cookie)?.[1]) : undefined;
      // Kept before the answer: a sign-out the store could not keep fails, and the browser keeps its cookie to try again.
      if (cookie && issued !== undefined) await this.#signedOut.add(cookie, (issued + SESSION_SECONDS) * 1000);
      res.setHeader('set-cookie', this.#cookie(req, '', 0));
      res.json({ ok: true });
    });
  }

  /** 401 without valid credentials; 403 for a cross-site state change carried by the cookie. */
  readonly guard: RequestHandler = (req, res, next) => {
    const credential = this.#credential(req);
    if (!credential) return void res.status(401).json({ error: 'sign in: send Authorization: Bearer <ADMIN_TOKEN>, or POST /api/login {"token": …}' });
    if (credential === 'cookie' && !SAFE_METHODS.has(req.method)) {
      if (req.get('x-requested-with') !== 'switchboard' || !this.#sameOrigin(req)) {
        return void res.status(403).json({ error: 'refused: a change made with the sign-in cookie must come from the dashboard (X-Requested-With: switchboard, same origin)' });
      }
    }
    res.set('cache-control', 'no-store');
    res.locals.adminName = adminName(req);
    next();
  };

  /**
   * Whether the request carries good admin credentials (the token, or the sign-in cookie), for a read-only page
   * outside `/api` that the dashboard shows: WhatsApp Web's QR page. It answers nothing and checks no CSRF header.
   *
   *     mountQrPage(app, { token, status, signedIn: (req) => auth.signedIn(req) });
   */
  signedIn(req: Request): boolean {
    return this.#credential(req) !== undefined;
  }

  #credential(req: Request): Credential | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined) return sameSecret(bearer, this.options.token) ? 'bearer' : undefined;
    const cookie = cookieOf(req, ADMIN_COOKIE);
    return cookie && this.#validCookie(cookie) ? 'cookie' : undefined;
  }

  #validCookie(value: string): boolean {
    const now = this.options.now();
    if (this.#signedOut.has(value)) return false;
    const issued = Number(/^(\d+)\./.exec(value)?.[1]);
    if (!Number.isSafeInteger(issued)) return false;
    const age = now / 1000 - issued;
    return age >= -60 && age < SESSION_SECONDS && sameSecret(value, this.#sign(issued));
  }

  #sign(issued: number): string {
    const mac = createHmac('sha256', this.options.token).update(`${ADMIN_COOKIE}:${issued}`).digest('base64url');
    return `${issued}.${mac}`;
  }

  #cookie(req: Request, value: string, maxAge: number): string {
    return [`${ADMIN_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(req.secure ? ['Secure'] : [])].join('; ');
  }

  /** Counts a login attempt of `address`; 0 when it may go on, else the milliseconds until it may. */
  #attempt(address: string): number {
    const now = this.options.now();
    let window = this.#attempts.get(address);
    if (!window || window.resetAt <= now) {
      if (this.#attempts.size > 10_000) for (const [key, each] of this.#attempts) if (each.resetAt <= now) this.#attempts.delete(key);
      window = { count: 0, resetAt: now + LOGIN_WINDOW_MS };
      this.#attempts.set(address, window);
    }
    window.count += 1;
    return window.count > LOGIN_ATTEMPTS ? window.resetAt - now : 0;
  }

  /** No Origin (a script, an old browser), or the Origin of this host. */
  #sameOrigin(req: Request): boolean {
    const origin = req.get('origin');
    return origin === undefined || origin === `${req.protocol}://${req.get('host')}`;
  }
}

/**
 * The name an admin's decisions are recorded under: `X-Admin-Name` as agents read every name (`personName`: no direction
 * override or other invisible character), at most 60 characters, else "admin". A name beyond Latin-1 comes
 * percent-encoded (UTF-8), as the dashboard sends every name; one that is not an encoding (`50% off`) is taken as sent.
 */
export function adminName(req: Request): string {
  const sent = req.get('x-admin-name') ?? '';
  let name = sent;
  try {
    name = decodeURIComponent(sent);
  } catch {
    // Not percent-encoded: a script's plain name.
  }
  const given = [...(personName(name) ?? '')].slice(0, 60).join('').trim();
  return given === '' ? 'admin' : given;
}

/** The admin's name as the guard found it. */
export const nameOf = (res: Response): string => String(res.locals.adminName ?? 'admin');

/** One cookie's value from the request's `Cookie` header. */
function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
