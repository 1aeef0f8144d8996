// The built-in web chat: the embedded default channel. A JSON and multipart API and server-sent events over the
// messages the wiring hands it, files served from the media store, and the page that uses them (page.html).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { DeliveryRefused, type Channel, type ChannelHost, type InboundMessage, type OutboundMessage } from '../../types.ts';
import type { Message } from '../../store/types.ts';
import type { Logger } from '../../shared/log.ts';
import { kindOf, setMediaHeaders, toWebchatAttachment, type WebchatAttachment } from './attachments.ts';
import { SESSION_PATTERN } from './session.ts';
import { dropRest, receiveUpload, UploadRefused } from './upload.ts';

/** The longest message a visitor may send; longer ones are refused with 400, nothing stored. */
export const MAX_TEXT_LENGTH = 20_000;

const refPattern = /^[A-Za-z0-9_-]{1,128}$/;

const text = z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`);
const clientId = z.string().min(1).max(128, 'clientId is longer than 128 characters');
const name = z.string().trim().min(1).max(100, 'name is longer than 100 characters');
/** The id of the message this one quotes (an agent answering one customer among several): a store id, so a safe integer. */
const replyTo = z.number().int().positive().safe();

const postBody = z
  .object({
    text: text.optional(),
    choice: z.string().min(1, 'choice is empty').max(256, 'choice is longer than 256 characters').optional(),
    clientId: clientId.optional(),
    name: name.optional(),
    replyTo: replyTo.optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.choice === undefined), 'send exactly one of "text" or "choice"')
  .refine((body) => body.text === undefined || body.text.trim().length > 0, 'text is empty');

/** A file's caption and the sender's details, as multipart form fields (all text). */
const uploadFields = z
  .object({
    text: text.optional(),
    clientId: clientId.optional(),
    name: name.optional(),
    replyTo: z.string().regex(/^\d{1,15}$/, 'replyTo: must be a message id').transform(Number).pipe(replyTo).optional(),
  })
  .strict();

const afterQuery = z.coerce.number().int().min(0).default(0);

/** A message as the web chat API shows it. */
export interface WebchatMessage {
  id: number;
  from: 'contact' | 'bot' | 'agent';
  text: string;
  choices?: { id: string; title: string }[];
  attachments?: WebchatAttachment[];
  at: string;
}

export interface WebchatOptions {
  /**
   * The messages exchanged with a session (its visitor's, or an agent's using the web chat) with `id > after`,
   * oldest first: all the web chat reads of the store. It shows them, and serves a file only to a session whose
   * own messages carry it.
   */
  history: (session: string, after: number) => Promise<Message[]>;
  log: Logger;
  /** Seconds between keep-alive comments on event streams. */
  heartbeatSeconds?: number;
}

/**
 * The web chat channel. A session id in the URL names the visitor.
 *
 *     const webchat = createWebchatChannel({ history: (session, after) => store.messagesOfAddress('webchat', session, after), log });
 *     webchat.mount(app); await webchat.start(host);
 */
export function createWebchatChannel(options: WebchatOptions): Channel {
  const { log } = options;
  const streams = new Map<string, Set<EventStream>>();
  const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
  let host: ChannelHost | undefined;

  function notify(session: string): void {
    for (const stream of streams.get(session) ?? []) void stream.pump();
  }

  /** The session's messages a person may see: internal notes are stored under a customer's address too. */
  async function shown(session: string, after: number): Promise<Message[]> {
    return (await options.history(session, after)).filter((message) => message.from !== 'note');
  }

  async function history(session: string, after: number): Promise<WebchatMessage[]> {
    return (await shown(session, after)).map((message) => toWebchat(message, session));
  }

  /** Hands a visitor's message to the runtime and answers 202 once stored, or 503 (shutting down, nothing stored). */
  async function handOver(res: Response, message: InboundMessage): Promise<void> {
    if (!host) {
      res.status(503).json({ error: 'the web chat is not started' });
      return;
    }
    try {
      await host.deliver(message);
    } catch (error) {
      if (!(error instanceof DeliveryRefused)) throw error;
      res.status(503).set('retry-after', '5').json({ error: error.message });
      return;
    }
    notify(message.from.id);
    res.status(202).json({ accepted: true });
  }

  async function post(req: Request, res: Response): Promise<void> {
    const session = String(req.params.session);
    if (!SESSION_PATTERN.test(session)) {
      res.status(400).json({ error: 'session must be 1-64 letters, digits, "-" or "_"' });
      return;
    }
    if (req.is('multipart/form-data')) {
      await upload(req, res, session);
      return;
    }
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues.map(describeIssue).join('; ') });
      return;
    }
    const body = parsed.data;
    await handOver(res, {
      channel: 'webchat',
      id: `${session}:${body.clientId ?? randomUUID()}`,
      from: { id: session, ...(body.name ? { name: body.name } : {}) },
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.choice !== undefined ? { choice: body.choice } : {}),
      ...(body.replyTo !== undefined ? { replyTo: String(body.replyTo) } : {}),
      at: new Date().toISOString(),
    });
  }

  /** A file, with `text` as its caption: its bytes go to the media store, then the message to the runtime. */
  async function upload(req: Request, res: Response, session: string): Promise<void> {
    if (!host) {
      res.status(503).json({ error: 'the web chat is not started' });
      return;
    }
    let received;
    try {
      received = await receiveUpload(req, host.media, {
        fields: Object.keys(uploadFields.shape),
        maxFieldBytes: MAX_TEXT_LENGTH * 4,
        validate: (fields) => {
          const parsed = uploadFields.safeParse(fields);
          if (!parsed.success) throw new UploadRefused(parsed.error.issues.map(describeIssue).join('; '), 400);
          return parsed.data;
        },
      });
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      res.status(error.status).json({ error: error.message });
      dropRest(req);
      return;
    }
    const { fields, media } = received;
    const caption = fields.text?.trim() ? fields.text : undefined;
    await handOver(res, {
      channel: 'webchat',
      id: `${session}:${fields.clientId ?? randomUUID()}`,
      from: { id: session, ...(fields.name ? { name: fields.name } : {}) },
      ...(caption !== undefined ? { text: caption } : {}),
      attachments: [{
        kind: kindOf(media.mime),
        mime: media.mime,
        size: media.size,
        ...(media.name !== undefined ? { name: media.name } : {}),
        ref: media.ref,
        ...(caption !== undefined ? { caption } : {}),
      }],
      ...(fields.replyTo !== undefined ? { replyTo: String(fields.replyTo) } : {}),
      at: new Date().toISOString(),
    });
  }

  /** A file's bytes, only to a session whose own messages carry it; any other gets the same 404 as a ref that never was. */
  async function download(req: Request, res: Response): Promise<void> {
    const session = String(req.params.session);
    const ref = String(req.params.ref);
    const notFound = () => res.status(404).json({ error: 'not found' });
    if (!SESSION_PATTERN.test(session) || !refPattern.test(ref) || !host) return void notFound();
    const messages = await shown(session, 0);
    if (!messages.some((message) => message.attachments?.some((attachment) => attachment.ref === ref))) return void notFound();
    const found = await host.media.get(ref);
    if (!found) return void notFound();
    setMediaHeaders(res, found.media);
    if (req.method === 'HEAD') return void res.end();
    try {
      await pipeline(found.bytes(), res);
    } catch (error) {
      // Mostly a reader that went away; the answer is cut either way.
      log.debug({ ref, error: String(error) }, 'web chat file not served whole');
      res.destroy();
    }
  }

  async function list(req: Request, res: Response): Promise<void> {
    const session = String(req.params.session);
    const after = afterQuery.safeParse(req.query.after ?? 0);
    if (!SESSION_PATTERN.test(session) || !after.success) {
      res.status(400).json({ error: 'expected /webchat/<session>/messages?after=<message id>' });
      return;
    }
    res.json({ messages: await history(session, after.data) });
  }

  function events(req: Request, res: Response): void {
    const session = String(req.params.session);
    const after = afterQuery.safeParse(req.get('last-event-id') ?? req.query.after ?? 0);
    if (!SESSION_PATTERN.test(session) || !after.success) {
      res.status(400).json({ error: 'expected /webchat/<session>/events?after=<message id>' });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const stream = new EventStream(res, after.data, (last) => history(session, last), log);
    const set = streams.get(session) ?? new Set();
    set.add(stream);
    streams.set(session, set);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), (options.heartbeatSeconds ?? 15) * 1000);
    res.on('close', () => {
      clearInterval(heartbeat);
      set.delete(stream);
      if (set.size === 0) streams.delete(session);
    });
    void stream.pump();
  }

  return {
    name: 'webchat',
    mount(app: Express) {
      const router = express.Router();
      router.get('/', (_req, res) => {
        res.type('html').send(page);
      });
      router.post('/webchat/:session/messages', express.json({ limit: '256kb' }), post);
      router.get('/webchat/:session/messages', list);
      router.get('/webchat/:session/events', events);
      router.get('/webchat/:session/media/:ref', download);
      app.use(router);
    },
    async start(given: ChannelHost) {
      host = given;
    },
    async send(to: string, message: OutboundMessage) {
      // The message, attachments included, is already in the store; the page reads it from there, by its store id.
      setImmediate(() => notify(to));
      return message.id !== undefined ? String(message.id) : `webchat-${randomUUID()}`;
    },
    async stop() {
      host = undefined;
      for (const set of streams.values()) for (const stream of set) stream.end();
      streams.clear();
    },
  };
}

function toWebchat(message: Message, session: string): WebchatMessage {
  return {
    id: message.id,
    // What the session's owner wrote is theirs ("contact"), also when the owner is an agent using the web chat.
    from: message.direction === 'in' ? 'contact' : message.from === 'agent' ? 'agent' : 'bot',
    text: message.text,
    ...(message.choices ? { choices: message.choices } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map((attachment) => toWebchatAttachment(attachment, session)) } : {}),
    at: message.at,
  };
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.path.length === 0) return 'the body must be a JSON object';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** One open event stream: sends every message after the last one it sent, never twice, in id order. */
class EventStream {
  #last: number;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly res: Response,
    after: number,
    private readonly fetch: (after: number) => Promise<WebchatMessage[]>,
    private readonly log: Logger,
  ) {
    this.#last = after;
  }

  pump(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          for (const message of await this.fetch(this.#last)) {
            this.res.write(`id: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`);
            this.#last = message.id;
          }
        } catch (error) {
          this.log.warn({ error: String(error) }, 'web chat stream could not read messages');
        }
      } while (this.#again);
      this.#running = undefined;
    })();
    return this.#running;
  }

  end(): void {
    this.res.end();
  }
}
