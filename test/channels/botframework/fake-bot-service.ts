// A fake of the Bot Framework's services on 127.0.0.1, speaking their wire formats, for the real server to talk to:
// the OpenID metadata and signing keys (JWKS) that the channels' JWTs are checked against, with a key made here;
// Microsoft Entra's token endpoint, issuing the bot's outbound token for the right app id and secret (a new one once
// the old is made to expire early, which the Bot Connector then refuses); and the Bot
// Connector, recording what the bot POSTs to /v3/conversations/{id}/activities[/{id}] under any service URL path (under
// /teams/, refusing one over Teams' 28 KB as Teams does), and
// serving files (Teams' inline pictures only to the bot's token). `sign` makes the JWT a channel sends.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const APP_ID = '9f3c1f5e-3a8b-4c2d-9e7f-1a2b3c4d5e6f';
export const APP_PASSWORD = 'app-secret~0123456789abcdef';
/** The bot's outbound token, as the fake token endpoint issues it. */
export const BOT_TOKEN = 'bot-token-0123456789';
const ISSUER = 'https://api.botframework.com';
/** What Teams takes of one activity the bot sends (about 28 KB), under the service URL path `/teams/`. */
const TEAMS_MAX_BYTES = 28 * 1024;
const KEY_ID = 'fake-signing-key-1';

/** An activity the bot sent: where to (the service URL's path prefix and the conversation), the token, the body. */
export interface SentActivity {
  /** The service URL's path under the fake, e.g. `/webchat/`. */
  service: string;
  conversation: string;
  token: string;
  activity: Record<string, any>;
  id: string;
}

export interface Failure {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The Bot Connector's error body. */
export function connectorError(status: number, code: string, message: string, headers?: Record<string, string>): Failure {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export class FakeBotService {
  readonly sent: SentActivity[] = [];
  /** Activity POSTs received, those answered with a failure included. */
  attempts = 0;
  /** Token requests, with the form they posted. */
  readonly tokenRequests: { tenant: string; form: Record<string, string> }[] = [];
  /** File downloads: path and the bearer token they carried ('' when none). */
  readonly downloads: { path: string; token: string }[] = [];
  readonly #server: Server;
  readonly #privateKey: KeyObject;
  readonly #jwk: Record<string, unknown>;
  readonly #files = new Map<string, { bytes: Buffer; mime: string; needsToken: boolean }>();
  readonly #failures: Failure[] = [];
  readonly #failuresAt = new Map<number, Failure>();
  #refuseTokens = false;
  #tokenRequired = true;
  /** The token the token endpoint issues, and the Bot Connector takes; `expireToken` replaces it. */
  #token = BOT_TOKEN;
  #next = 1;
  #url = '';
  /** Tells this fake's metadata URL from an earlier fake's on the same port (`openIdMetadataUrl`). */
  readonly #mark = randomUUID();

  private constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    const { n, e } = publicKey.export({ format: 'jwk' });
    this.#jwk = { kty: 'RSA', use: 'sig', kid: KEY_ID, n, e, endorsements: ['msteams', 'webchat', 'directline', 'emulator', 'slack'] };
    this.#server = createServer((req, res) => {
      void this.#handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  }

  static async start(): Promise<FakeBotService> {
    const service = new FakeBotService();
    await new Promise<void>((done) => service.#server.listen(0, '127.0.0.1', done));
    service.#url = `http://127.0.0.1:${(service.#server.address() as AddressInfo).port}`;
    return service;
  }

  /** The base URL: BOTFRAMEWORK_LOGIN_URL, and the root of service URLs. */
  get url(): string {
    return this.#url;
  }

  /**
   * BOTFRAMEWORK_OPENID_METADATA_URL, with this fake's own mark: botbuilder keeps each metadata URL's keys for the
   * process (for an hour, an unknown key id included), and the server lane's files share one process, so a later fake
   * on a port an earlier one had would otherwise be checked against the earlier fake's key (401).
   */
  get openIdMetadataUrl(): string {
    return `${this.#url}/v1/.well-known/openidconfiguration?fake=${this.#mark}`;
  }

  /** A service URL under the fake (`serviceUrl('webchat')` → `http://127.0.0.1:<port>/webchat/`). */
  serviceUrl(name: string): string {
    return `${this.#url}/${name}/`;
  }

  /**
   * The JWT a channel sends with an activity for `serviceUrl`: signed with the fake's key (or `key`, a stranger's), for
   * the bot's app id unless `audience` says otherwise.
   */
  sign(serviceUrl: string, options: { audience?: string; key?: KeyObject; expiresInSeconds?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: KEY_ID };
    const payload = { iss: ISSUER, aud: options.audience ?? APP_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + (options.expiresInSeconds ?? 3600) };
    const data = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(data).sign(options.key ?? this.#privateKey);
    return `${data}.${base64url(signature)}`;
  }

  /** A file the Bot Connector (or anyone) serves at `path`; `needsToken`: only to the bot's token, as Teams' pictures. */
  addFile(path: string, bytes: Buffer, mime: string, options: { needsToken?: boolean } = {}): string {
    this.#files.set(path, { bytes, mime, needsToken: options.needsToken ?? false });
    return `${this.#url}${path}`;
  }

  /** The next activity POSTs are answered with these failures, in order, before the fake accepts again. */
  fail(...failures: Failure[]): void {
    this.#failures.push(...failures);
  }

  /** The activity POST that is the `nth` from now (1: the next) is answered with `failure`. */
  failNth(nth: number, failure: Failure): void {
    this.#failuresAt.set(this.attempts + nth, failure);
  }

  /** From now on the token endpoint refuses the app's secret, as Entra does a wrong one. */
  refuseTokens(refuse = true): void {
    this.#refuseTokens = refuse;
  }

  /**
   * The token issued so far expires before its time (as when the clock of the bot's machine jumped, or Entra revoked
   * it): the Bot Connector refuses it from now on, and the token endpoint issues a new one, which it returns.
   */
  expireToken(): string {
    this.#token = `${BOT_TOKEN}-renewed-${this.tokenRequests.length}`;
    return this.#token;
  }

  /** Whether the Bot Connector takes activities without the bot's token (the Emulator's, for a bot without authentication). */
  requireToken(required: boolean): void {
    this.#tokenRequired = required;
  }

  /** What the bot sent into `conversation` (under the service URL named `service`, if given). */
  sentTo(conversation: string, service?: string): SentActivity[] {
    return this.sent.filter((each) => each.conversation === conversation && (service === undefined || each.service === `/${service}/`));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((done) => this.#server.close(() => done()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    const body = await readBody(req);
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return json(res, 200, { issuer: ISSUER, jwks_uri: `${this.#url}/v1/.well-known/keys?fake=${this.#mark}`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') return json(res, 200, { keys: [this.#jwk] });
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && token) {
      const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      this.tokenRequests.push({ tenant: token[1]!, form });
      if (this.#refuseTokens || form.client_id !== APP_ID || form.client_secret !== APP_PASSWORD || form.grant_type !== 'client_credentials') {
        return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0' });
      }
      return json(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: this.#token });
    }
    // sendToConversation, or replyToActivity (botbuilder's proactive sends reply to their continuation activity's id).
    const activities = /^(\/.*\/)v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(path);
    if (req.method === 'POST' && activities) {
      this.attempts += 1;
      const failure = this.#failuresAt.get(this.attempts) ?? this.#failures.shift();
      this.#failuresAt.delete(this.attempts);
      if (failure) {
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(JSON.stringify(failure.body ?? {}));
        return;
      }
      const bearer = bearerOf(req);
      if (this.#tokenRequired && bearer !== this.#token) return json(res, 401, { message: 'Authorization has been denied for this request.' });
      // Teams refuses a message over about 28 KB.
      if (activities[1] === '/teams/' && body.length > TEAMS_MAX_BYTES) return json(res, 413, { error: { code: 'MessageSizeTooBig', message: 'Message size too big' } });
      const id = `reply-${this.#next++}`;
      this.sent.push({ service: activities[1]!, conversation: decodeURIComponent(activities[2]!), token: bearer, activity: JSON.parse(body.toString('utf8')) as Record<string, any>, id });
      return json(res, 201, { id });
    }
    const file = req.method === 'GET' ? this.#files.get(path) : undefined;
    if (file) {
      const bearer = bearerOf(req);
      this.downloads.push({ path, token: bearer });
      if (file.needsToken && bearer !== this.#token) return json(res, 401, { message: 'Authorization has been denied for this request.' });
      res.writeHead(200, { 'content-type': file.mime, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
      return;
    }
    json(res, 404, { error: { code: 'NotFound', message: `${req.method} ${path} is not served by the fake` } });
  }
}

function bearerOf(req: IncomingMessage): string {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
