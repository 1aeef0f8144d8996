// Who may use a web chat session. A customer's session is a capability: its random name and token come from
// `POST /webchat/sessions`, and only a hash of the token is kept. An agent's session (their `webchat:` in team.yaml)
// opens with the agent's own credential: their `webchat_token`, or the cookie that signing in at /agent sets.
// A cookie signed out is refused until it expires, after a restart and in every process too (`SignedOut`).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { sameSecret } from '../../shared/secret.ts';
import { SignedOut } from '../../server/signed-out.ts';
import { retryAfter, UNAVAILABLE_RETRY_AFTER_MS } from '../../shared/refusals.ts';
import { StoreUnavailableError } from '../../store/errors.ts';
import { grantOpens, hasGrant } from './file-links.ts';
import { describeRate, RateLimiter, type Rate } from './limits.ts';

/** What is kept of a customer's session: never the token itself. */
export interface WebchatSession {
  /** SHA-256 of the token, hex. */
  tokenHash: string;
  /** The name the visitor gave when the session was made. */
  name?: string;
  /** The language of the page that made it, when its link chose one (`?lang=ar`). */
  language?: string;
  createdAt: string;
}

/**
 * Where customers' sessions are kept, durably (the wiring puts them in the store's documents).
 *
 *     await sessions.put(session, { tokenHash, createdAt });
 *     (await sessions.get(session))?.tokenHash;
 */
export interface WebchatSessions {
  get(session: string): Promise<WebchatSession | undefined>;
  put(session: string, record: WebchatSession): Promise<void>;
}

/** An agent as the web chat knows them: their session, and what signs them in. */
export interface WebchatAgent {
  id: string;
  name: string;
  /** Their web chat session (`webchat:` in team.yaml). */
  session: string;
  /** Their `webchat_token`; absent when it is read from an environment variable that is not set. */
  token?: string;
  /** The environment variable `webchat_token: env:NAME` names, when it is not set. */
  missingVariable?: string;
}

/** The agents with a web chat session, as team.yaml has them now (the wiring reads the team directory). */
export interface WebchatAgents {
  all(): WebchatAgent[];
  /** The agent whose web chat session this is. */
  bySession(session: string): WebchatAgent | undefined;
  /** An agent's name by id (any agent, web chat or not), for the name shown on their messages. */
  nameOf(agentId: string): string | undefined;
}

/**
 * A new customer session: a random name and token, 128 bits each, base64url.
 *
 *     const { session, token } = newSession(); // session 'v3q2…' (23 characters), token 'Zk1…' (22)
 */
export function newSession(): { session: string; token: string } {
  return { session: `v${randomBytes(16).toString('base64url')}`, token: randomBytes(16).toString('base64url') };
}

/**
 * What is kept of a token.
 *
 *     hashToken(token); // 'e3b0c442…' (64 hex digits)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * True when `token` is the one whose hash is `hash`, in constant time.
 *
 *     tokenMatches(req.query.token, record.tokenHash); // false for undefined
 */
export function tokenMatches(token: string | undefined, hash: string): boolean {
  if (token === undefined || !/^[0-9a-f]{64}$/.test(hash)) return false;
  return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(hash, 'hex'));
}

/**
 * The token of `Authorization: Bearer <token>`, if the request has one.
 *
 *     bearerOf(req); // 'Zk1…', or undefined
 */
export function bearerOf(req: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
}

/** `?token=` on an agent's session, which only what cannot send headers uses (an EventSource): GET requests only. */
function queryTokenOf(req: Request): string | undefined {
  const token = req.query.token;
  return req.method === 'GET' || req.method === 'HEAD' ? (typeof token === 'string' && token !== '' ? token : undefined) : undefined;
}

/** A refusal to answer with: the status and a sentence saying what to send. */
export interface Refusal {
  status: 401;
  error: string;
}

/** The cookie an agent's browser keeps once signed in at /agent. */
export const AGENT_COOKIE = 'switchboard_agent';

const loginBody = z.object({ token: z.string().min(1, 'token is empty').max(512, 'token is too long') }).strict();

export interface AgentSignInOptions {
  agents: WebchatAgents;
  /** How long a sign-in lasts (default 12 hours). */
  maxAgeSeconds?: number;
  /** Sign-in attempts per IP address (default 10 per minute). */
  loginRate?: Rate;
  now?: () => number;
  /** The cookies signed out, kept in the store (shared with the dashboard's sign-in); this process's own otherwise. */
  signedOut?: SignedOut;
}

/**
 * Agents' sign-in at /agent: `POST /agent/login {token}` sets an http-only, SameSite=Strict cookie (Secure over
 * https) that opens the agent's own web chat session and the console's API; `POST /agent/logout` clears it. The
 * cookie is signed with the agent's own token, so it outlives a restart, holds in every process, and a new token
 * in team.yaml ends every sign-in made with the old one.
 *
 *     const signIn = new AgentSignIn({ agents });
 *     signIn.mount(router);
 *     const who = signIn.agentOf(req); // { agent } or { status: 401, error }
 */
export class AgentSignIn {
  readonly #options: AgentSignInOptions;
  readonly #logins: RateLimiter;
  readonly #signedOut: SignedOut;

  constructor(options: AgentSignInOptions) {
    this.#options = options;
    this.#signedOut = options.signedOut ?? new SignedOut({ now: options.now ?? Date.now });
    this.#logins = new RateLimiter(options.loginRate ?? { count: 10, perMs: 60_000 }, options.now);
  }

  /** Mounts `POST /agent/login` and `POST /agent/logout`. */
  mount(router: Router): void {
    router.post('/agent/login', (req, res, next) => {
      const wait = this.#logins.take(req.ip ?? 'unknown');
      if (wait > 0) {
        res.status(429).set('retry-after', String(wait)).json({ error: `too many sign-in attempts (${describeRate(this.#logins.rate)} per address); try again in ${wait} s`, kind: 'rateLimited' });
        return;
      }
      next();
    }, express.json({ limit: '4kb' }), (req, res) => {
      const body = loginBody.safeParse(req.body);
      if (!body.success) {
        res.status(400).json({ error: `expected {"token": "<your webchat_token>"}: ${body.error.issues.map((issue) => issue.message).join('; ')}`, kind: 'badRequest' });
        return;
      }
      const agent = this.#byToken(body.data.token);
      if (!agent) {
        res.status(401).json({ error: `no agent signs in with this token${this.#closedNote()}`, kind: 'unauthorized' });
        return;
      }
      // Not a cookie signed out in this very second (signed with the same time, it would be the same cookie).
      let issued = this.#nowSeconds();
      while (this.#signedOut.has(this.#sign(agent, issued))) issued += 1;
      res.setHeader('set-cookie', this.#cookie(req, this.#sign(agent, issued), this.#maxAge()));
      res.status(204).end();
    });
    router.post('/agent/logout', async (req, res) => {
      // Refused from now on, until it would have expired: a copy of the cookie opens nothing either.
      const cookie = cookieOf(req, AGENT_COOKIE);
      const issued = cookie && this.#fromCookie(req) ? Number(cookie.split('.')[1]) : undefined;
      if (cookie && issued !== undefined) {
        try {
          await this.#signedOut.add(cookie, (issued + this.#maxAge()) * 1000);
        } catch (error) {
          // A sign-out that cannot be kept is none: the cookie is left as it is, and the console says the agent is
          // still signed in, rather than clearing it here while a copy of it would still open everything.
          if (!(error instanceof StoreUnavailableError)) throw error;
          res.status(503).set('retry-after', retryAfter(error.retryAfterMs ?? UNAVAILABLE_RETRY_AFTER_MS))
            .json({ error: 'you are still signed in: Switchboard cannot reach its store to keep your sign-out; nothing was done, try again shortly', kind: 'unavailable' });
          return;
        }
      }
      res.setHeader('set-cookie', this.#cookie(req, '', 0));
      res.status(204).end();
    });
  }

  /**
   * The agent a request comes from: `Authorization: Bearer <webchat_token>` or the sign-in cookie.
   *
   *     const who = signIn.agentOf(req);
   *     if ('error' in who) return res.status(who.status).json({ error: who.error });
   */
  agentOf(req: Request): { agent: WebchatAgent } | Refusal {
    const bearer = bearerOf(req);
    const agent = bearer !== undefined ? this.#byToken(bearer) : this.#fromCookie(req);
    if (agent) return { agent };
    return { status: 401, error: bearer !== undefined ? `no agent signs in with this token${this.#closedNote()}` : 'sign in at /agent (or send Authorization: Bearer <your webchat_token>)' };
  }

  /**
   * Whether a request may use `agent`'s web chat session: their token as a bearer (or `?token=` on a GET), or
   * their sign-in cookie. Undefined when it may; the refusal otherwise, naming the variable to set when the
   * agent's token is an environment variable that is not set.
   */
  refusalFor(req: Request, agent: WebchatAgent): Refusal | undefined {
    if (agent.token === undefined) {
      const variable = agent.missingVariable ?? 'the one team.yaml names';
      return { status: 401, error: `the web chat sign-in of ${agent.name} is closed: set the environment variable ${variable} (team.yaml reads webchat_token: env:${variable}) and restart Switchboard` };
    }
    const given = bearerOf(req) ?? queryTokenOf(req);
    if (given !== undefined) return sameSecret(given, agent.token) ? undefined : { status: 401, error: `this token does not open ${agent.name}'s session: sign in at /agent` };
    if (this.#fromCookie(req)?.id === agent.id) return undefined;
    return { status: 401, error: `this is an agent's web chat session: sign in at /agent, or send Authorization: Bearer <the agent's webchat_token>` };
  }

  #byToken(token: string): WebchatAgent | undefined {
    // Every agent is compared, so the time taken does not tell which one (or whether any) matched.
    let found: WebchatAgent | undefined;
    for (const agent of this.#options.agents.all()) if (agent.token !== undefined && sameSecret(token, agent.token)) found ??= agent;
    return found;
  }

  /** Why someone with a right token may still be refused: agents whose token is an environment variable not set. */
  #closedNote(): string {
    const missing = this.#options.agents.all().flatMap((agent) => (agent.token === undefined && agent.missingVariable ? [agent.missingVariable] : []));
    return missing.length > 0 ? ` (not set, so those agents cannot sign in yet: ${missing.join(', ')})` : '';
  }

  #fromCookie(req: Request): WebchatAgent | undefined {
    const value = cookieOf(req, AGENT_COOKIE);
    const match = value ? /^([A-Za-z0-9_-]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!match || this.#signedOut.has(value as string)) return undefined;
    const agentId = Buffer.from(match[1] as string, 'base64url').toString('utf8');
    const issued = Number(match[2]);
    const agent = this.#options.agents.all().find((each) => each.id === agentId);
    if (!agent?.token || issued > this.#nowSeconds() + 60 || issued + this.#maxAge() < this.#nowSeconds()) return undefined;
    return sameSecret(value as string, this.#sign(agent, issued)) ? agent : undefined;
  }

  #sign(agent: WebchatAgent, issued: number): string {
    const id = Buffer.from(agent.id, 'utf8').toString('base64url');
    const mac = createHmac('sha256', agent.token as string).update(`switchboard agent sign-in:${agent.id}:${issued}`).digest('base64url');
    return `${id}.${issued}.${mac}`;
  }

  #cookie(req: Request, value: string, maxAge: number): string {
    return [`${AGENT_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(req.secure ? ['Secure'] : [])].join('; ');
  }

  #maxAge(): number {
    return this.#options.maxAgeSeconds ?? 12 * 3600;
  }

  #nowSeconds(): number {
    return Math.floor((this.#options.now ?? Date.now)() / 1000);
  }
}

/** One cookie's value from the request's `Cookie` header. */
function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const cut = part.indexOf('=');
    if (cut > 0 && part.slice(0, cut).trim() === name) return part.slice(cut + 1).trim();
  }
  return undefined;
}

/** A request let in to a session, with the name its owner gave (a visitor's at the start, an agent's own). */
export interface Admitted {
  ok: true;
  name?: string;
  /** The language of the page that started a visitor's session, when its link chose one. */
  language?: string;
  /** What signs the addresses of a visitor's files (file-links.ts): their token's hash, which only the server holds. */
  fileKey?: string;
}

/**
 * Decides who may use a web chat session: an agent's needs the agent's credential; a customer's its token, as a
 * bearer only (an address, which proxies log, never opens the session); a name nobody made is open only with
 * `openSessions` (development). A customer's file also opens with its own address's grant (file-links.ts).
 *
 *     const gate = new SessionGate({ sessions, agents, signIn, openSessions: false });
 *     const admission = await gate.admit(req, session); // { ok: true, name } or { status: 401, error }
 */
export class SessionGate {
  constructor(private readonly options: { sessions: WebchatSessions; agents: WebchatAgents; signIn: AgentSignIn; openSessions: boolean }) {}

  async admit(req: Request, session: string): Promise<Admitted | Refusal> {
    const agent = this.options.agents.bySession(session);
    if (agent) return this.options.signIn.refusalFor(req, agent) ?? { ok: true, name: agent.name };
    const given = bearerOf(req);
    const record = await this.options.sessions.get(session);
    const wrong: Refusal = { status: 401, error: 'this token does not open this session (or there is no such session): start one with POST /webchat/sessions' };
    if (!record) {
      if (this.options.openSessions) return { ok: true };
      return given === undefined ? { status: 401, error: missingToken(req) } : wrong;
    }
    if (given === undefined) return { status: 401, error: missingToken(req) };
    return tokenMatches(given, record.tokenHash) ? admitted(record) : wrong;
  }

  /**
   * Who may have file `ref` of `session`: a request with its address's grant (`?expires=&grant=`, checked alone: a
   * grant expired or for another file opens nothing), else whoever `admit` lets in.
   *
   *     const admission = await gate.admitFile(req, session, ref, Date.now());
   */
  async admitFile(req: Request, session: string, ref: string, now: number): Promise<Admitted | Refusal> {
    if (!hasGrant(req.query) || this.options.agents.bySession(session)) return this.admit(req, session);
    const record = await this.options.sessions.get(session);
    if (record && grantOpens(req.query, session, ref, record.tokenHash, now)) return admitted(record);
    return { status: 401, error: 'this file\'s address has expired (it opens the file for a day) or is not this file\'s: open the chat again, which gives a new one' };
  }
}

function admitted(record: WebchatSession): Admitted {
  return { ok: true, ...(record.name ? { name: record.name } : {}), ...(record.language ? { language: record.language } : {}), fileKey: record.tokenHash };
}

function missingToken(req: Request): string {
  // A page made before file addresses carried grants put the token in them: such a link opens nothing any more.
  if (req.query.token !== undefined) return 'a visitor\'s token opens their session only as Authorization: Bearer <token>, never in an address (?token=), which proxies and browsers keep';
  return 'this session needs its token: send Authorization: Bearer <token>, the token POST /webchat/sessions gave with the session';
}

/**
 * Answers a refusal: 401 with `WWW-Authenticate`, the reason, and `kind: "unauthorized"` for a page to word.
 *
 *     const who = signIn.agentOf(req);
 *     if ('error' in who) return refuse(res, who);
 */
export function refuse(res: Response, refusal: Refusal): void {
  res.status(refusal.status).set('www-authenticate', 'Bearer').json({ error: refusal.error, kind: 'unauthorized' });
}
