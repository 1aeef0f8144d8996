// A fake Graph API on 127.0.0.1 speaking the wire format of Meta's channels. WhatsApp Cloud: POST /{version}/{phone
// number id}/messages (JSON), POST /{version}/{phone number id}/media (multipart upload), GET /{version}/{media id}
// (a customer's file: its URL) and GET that URL (the bytes). Messenger and Instagram: POST /{version}/me/messages
// (a message, or a sender action), POST /{version}/me/message_attachments (multipart `filedata`), GET
// /{version}/{psid}?fields=… (a profile), GET /{version}/me?fields=… (the Page the token is for), and GET /cdn/… (a customer's file at the URL its webhook gave, which needs
// no token). Every other request must carry the token as a Bearer header, else it is answered as Meta answers a bad
// token (401, code 190). Errors are Meta's `{ error: { message, type, code, error_data } }`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export interface RecordedCall {
  method: string;
  path: string;
  /** The Bearer token the request carried ('' when none). */
  token: string;
  /** The query string ('' when none). */
  query: string;
  status?: number;
}

/** A message the fake accepted: the JSON body as posted, and the wamid (or Messenger mid) it answered. */
export interface SentMessage {
  id: string;
  body: Record<string, any>;
}

export interface Upload {
  id: string;
  fields: Record<string, string>;
  file: { name: string; mime: string; bytes: Buffer };
}

export interface Failure {
  status: number;
  body: Record<string, unknown>;
}

/** Meta's error body for `code` (with `details` as error_data.details). */
export function metaError(status: number, code: number, message: string, details?: string, subcode?: number): Failure {
  return { status, body: { error: { message, type: 'OAuthException', code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: 'AbCdEf' } } };
}

export class FakeGraphApi {
  readonly calls: RecordedCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly uploads: Upload[] = [];
  /** Media ids (WhatsApp) or file names (/cdn/, Messenger) whose bytes were downloaded, in order. */
  readonly downloads: string[] = [];
  /** Messenger sender actions accepted (`mark_seen`, `typing_on`), in order. */
  readonly senderActions: { to: string; action: string; payload?: Record<string, unknown> }[] = [];
  /** Ids whose profile was asked for, in order. */
  readonly profileLookups: string[] = [];
  readonly #profiles = new Map<string, Record<string, unknown>>();
  readonly #profileFailures: Failure[] = [];
  #page: Record<string, unknown> | undefined;
  #lostAnswers = 0;
  #stalledSends = 0;
  #heldSends = 0;
  readonly #held: (() => void)[] = [];
  readonly #server: Server;
  readonly #token: string;
  readonly #media = new Map<string, { bytes: Buffer; mime: string; size?: number }>();
  readonly #failures: (Failure | undefined)[] = [];
  #failedDownloads: number[] = [];
  #next = 1;
  #url = '';

  private constructor(token: string) {
    this.#token = token;
    this.#server = createServer((req, res) => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const call: RecordedCall = { method: req.method ?? '', path, token: bearer(req), query };
      this.calls.push(call);
      void this.#handle(req, res, call).catch((error: unknown) => {
        call.status = 500;
        res.writeHead(500).end(String(error));
      });
    });
  }

  /** Listens on a free port; requests must carry `token`. */
  static async start(token: string): Promise<FakeGraphApi> {
    const api = new FakeGraphApi(token);
    await new Promise<void>((done) => api.#server.listen(0, '127.0.0.1', done));
    api.#url = `http://127.0.0.1:${(api.#server.address() as AddressInfo).port}`;
    return api;
  }

  /** GRAPH_API_ROOT. */
  get url(): string {
    return this.#url;
  }

  /** A file a customer sent, as Meta keeps it: GET /{version}/{mediaId} names its URL (and `size`, default its real size). */
  addMedia(mediaId: string, bytes: Buffer, options: { mime: string; size?: number }): void {
    this.#media.set(mediaId, { bytes, ...options });
  }

  /** A customer's file at a URL that needs no token (a Messenger attachment): resolves to that URL. */
  addFile(name: string, bytes: Buffer, mime: string): string {
    this.#media.set(`cdn:${name}`, { bytes, mime });
    return `${this.#url}/cdn/${encodeURIComponent(name)}`;
  }

  /** A person's profile (Messenger, Instagram): GET /{version}/{id}?fields=… answers it. */
  addProfile(id: string, profile: Record<string, unknown>): void {
    this.#profiles.set(id, profile);
  }

  /** The Page the token is for (Messenger, Instagram): GET /{version}/me?fields=… answers it; unset, Meta's 400. */
  setPage(page: { id: string; instagram_business_account?: { id: string } } | undefined): void {
    this.#page = page;
  }

  /** The next `times` profile lookups fail with `failure`. */
  failProfiles(times: number, failure: Failure): void {
    for (let i = 0; i < times; i++) this.#profileFailures.push(failure);
  }

  /** The next `times` sends (POST …/messages, not sender actions), after `after` that succeed, fail with `failure`. */
  fail(times: number, failure: Failure, after = 0): void {
    for (let i = 0; i < after; i++) this.#failures.push(undefined);
    for (let i = 0; i < times; i++) this.#failures.push(failure);
  }

  /** The failures still queued for sends are dropped: the next sends succeed (a token replaced, the API back). */
  recover(): void {
    this.#failures.length = 0;
  }

  /** The next `times` sends are taken (in `sent`) but their answer is lost: cut off after its first bytes. */
  loseAnswers(times: number): void {
    this.#lostAnswers += times;
  }

  /** The next `times` sends are taken (in `sent`) and never answered: the caller waits until it gives up or dies. */
  stallSends(times: number): void {
    this.#stalledSends += times;
  }

  /**
   * The next `times` WhatsApp sends are taken (in `sent`, with their wamid) and answered only at `releaseAnswers`: a
   * slow answer from the Graph API, while Meta may already report on the message.
   */
  holdAnswers(times: number): void {
    this.#heldSends += times;
  }

  /** Answers the sends `holdAnswers` held. */
  releaseAnswers(): void {
    for (const answer of this.#held.splice(0)) answer();
  }

  /** The next `times` downloads of bytes are answered with HTTP `status`. */
  failDownloads(times: number, status = 502): void {
    for (let i = 0; i < times; i++) this.#failedDownloads.push(status);
  }

  /**
   * The bodies of the messages accepted for `to` (a wa_id, a business-scoped user id sent as `recipient`, or a
   * Messenger `recipient.id`).
   */
  sentTo(to: string): Record<string, any>[] {
    return this.sent.filter((message) => message.body.to === to || message.body.recipient === to || message.body.recipient?.id === to).map((message) => message.body);
  }

  /**
   * What each message accepted for `to` says: a text's body, an interactive's body, `template:<name>`, or its type
   * (Messenger: the text, or `[<attachment type>]`).
   */
  saidTo(to: string): string[] {
    return this.sentTo(to).map((body) => {
      if (body.message !== undefined) return body.message.text ?? `[${body.message.attachment?.type}]`;
      if (body.type === 'text') return body.text.body;
      if (body.type === 'interactive') return body.interactive.body.text;
      if (body.type === 'template') return `template:${body.template.name}`;
      return `[${body.type}]`;
    });
  }

  /** Calls made to `path` suffix (e.g. '/messages'), with their tokens. */
  callsTo(suffix: string): RecordedCall[] {
    return this.calls.filter((call) => call.path.endsWith(suffix));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse, call: RecordedCall): Promise<void> {
    const answer = (status: number, body: unknown) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const cdn = /^\/cdn\/(.+)$/.exec(call.path);
    if (req.method === 'GET' && cdn) {
      const name = decodeURIComponent(cdn[1]!);
      this.downloads.push(name);
      const failed = this.#failedDownloads.shift();
      const file = this.#media.get(`cdn:${name}`);
      call.status = failed ?? (file ? 200 : 404);
      if (failed !== undefined || !file) {
        res.writeHead(call.status, { 'content-type': 'text/plain' }).end('no such file');
        return;
      }
      res.writeHead(200, { 'content-type': file.mime, 'content-length': file.bytes.byteLength }).end(file.bytes);
      return;
    }
    if (call.token !== this.#token) {
      await drain(req);
      const { status, body } = metaError(401, 190, 'Error validating access token: Session has expired.');
      answer(status, body);
      return;
    }
    const download = /^\/media-download\/(.+)$/.exec(call.path);
    if (req.method === 'GET' && download) {
      const id = decodeURIComponent(download[1]!);
      this.downloads.push(id);
      const failed = this.#failedDownloads.shift();
      const media = this.#media.get(id);
      call.status = failed ?? (media ? 200 : 404);
      if (failed !== undefined || !media) {
        res.writeHead(call.status, { 'content-type': 'text/plain' }).end('no such media');
        return;
      }
      res.writeHead(200, { 'content-type': media.mime, 'content-length': media.bytes.byteLength }).end(media.bytes);
      return;
    }
    const match = /^\/(v\d+\.\d+)\/([^/]+)(?:\/(messages|media|message_attachments))?$/.exec(call.path);
    if (!match) {
      await drain(req);
      answer(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
      return;
    }
    const [, , node, edge] = match as unknown as [string, string, string, string | undefined];
    if (req.method === 'GET' && node === 'me' && edge === undefined && this.#page) {
      const fields = new URLSearchParams(call.query).get('fields')?.split(',') ?? ['id'];
      answer(200, Object.fromEntries(Object.entries(this.#page).filter(([field]) => fields.includes(field))));
      return;
    }
    if (req.method === 'GET' && edge === undefined && this.#profiles.has(decodeURIComponent(node))) {
      const id = decodeURIComponent(node);
      this.profileLookups.push(id);
      const failure = this.#profileFailures.shift();
      if (failure) {
        answer(failure.status, failure.body);
        return;
      }
      const fields = new URLSearchParams(call.query).get('fields')?.split(',') ?? [];
      answer(200, { id, ...Object.fromEntries(Object.entries(this.#profiles.get(id)!).filter(([field]) => fields.includes(field))) });
      return;
    }
    if (req.method === 'POST' && node === 'me' && edge === 'messages') {
      const body = JSON.parse((await drain(req)).toString('utf8')) as Record<string, any>;
      if (body.sender_action !== undefined) {
        this.senderActions.push({ to: body.recipient?.id, action: body.sender_action, ...(body.payload !== undefined ? { payload: body.payload } : {}) });
        answer(200, { recipient_id: body.recipient?.id });
        return;
      }
      const failure = this.#failures.shift();
      if (failure) {
        answer(failure.status, failure.body);
        return;
      }
      const id = `m_OUT${String(this.#next++).padStart(4, '0')}`;
      this.sent.push({ id, body });
      if (this.#stalledSends > 0) {
        this.#stalledSends -= 1;
        call.status = 200;
        return;
      }
      if (this.#lostAnswers > 0) {
        this.#lostAnswers -= 1;
        call.status = 200;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' }).write('{"recipient_id":');
        setTimeout(() => res.destroy(), 10);
        return;
      }
      answer(200, { recipient_id: body.recipient?.id, message_id: id });
      return;
    }
    if (req.method === 'POST' && node === 'me' && edge === 'message_attachments') {
      const upload = await parseUpload(req);
      const id = `attachment-${this.#next++}`;
      this.uploads.push({ id, ...upload });
      answer(200, { attachment_id: id });
      return;
    }
    if (req.method === 'GET' && edge === undefined) {
      const id = decodeURIComponent(node);
      const media = this.#media.get(id);
      if (!media) {
        answer(400, metaError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`).body);
        return;
      }
      answer(200, { messaging_product: 'whatsapp', id, url: `${this.#url}/media-download/${encodeURIComponent(id)}`, mime_type: media.mime, sha256: 'c0ffee', file_size: media.size ?? media.bytes.byteLength });
      return;
    }
    if (req.method === 'POST' && edge === 'messages') {
      const body = JSON.parse((await drain(req)).toString('utf8')) as Record<string, any>;
      const failure = this.#failures.shift();
      if (failure) {
        answer(failure.status, failure.body);
        return;
      }
      const id = `wamid.OUT${String(this.#next++).padStart(4, '0')}`;
      this.sent.push({ id, body });
      const accepted = () => answer(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to ?? body.recipient, wa_id: body.to ?? body.recipient }], messages: [{ id }] });
      if (this.#heldSends > 0) {
        this.#heldSends -= 1;
        this.#held.push(accepted);
        return;
      }
      accepted();
      return;
    }
    if (req.method === 'POST' && edge === 'media') {
      const upload = await parseUpload(req);
      const id = `media-up-${this.#next++}`;
      this.uploads.push({ id, ...upload });
      answer(200, { id });
      return;
    }
    await drain(req);
    answer(404, { error: { message: 'Unsupported request', type: 'OAuthException', code: 100 } });
  }
}

function bearer(req: IncomingMessage): string {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

function drain(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function parseUpload(req: IncomingMessage): Promise<Omit<Upload, 'id'>> {
  return new Promise((done, fail) => {
    const fields: Record<string, string> = {};
    let file: Upload['file'] | undefined;
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        file = { name: info.filename ?? '', mime: info.mimeType, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('close', () => (file ? done({ fields, file }) : fail(new Error('no file in the upload'))));
    parser.on('error', fail);
    req.pipe(parser);
  });
}
