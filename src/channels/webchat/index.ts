// The built-in web chat: the embedded default channel. A JSON API and server-sent events over the store,
// and the page that uses them (page.html).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { DeliveryRefused, type Channel, type ChannelHost, type Deliver, type OutboundMessage } from '../../types.ts';
import type { Message, Store } from '../../store/types.ts';
import type { Logger } from '../../shared/log.ts';

/** The longest message a visitor may send; longer ones are refused with 400, nothing stored. */
export const MAX_TEXT_LENGTH = 20_000;

const sessionPattern = /^[A-Za-z0-9_-]{1,64}$/;

const postBody = z
  .object({
    text: z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`).optional(),
    choice: z.string().min(1, 'choice is empty').max(256, 'choice is longer than 256 characters').optional(),
    clientId: z.string().min(1).max(128, 'clientId is longer than 128 characters').optional(),
    name: z.string().trim().min(1).max(100, 'name is longer than 100 characters').optional(),
    /** The id of the message this one quotes (an agent answering one customer among several): a store id, so a safe integer. */
    replyTo: z.number().int().positive().safe().optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.choice === undefined), 'send exactly one of "text" or "choice"')
  .refine((body) => body.text === undefined || body.text.trim().length > 0, 'text is empty');

const afterQuery = z.coerce.number().int().min(0).default(0);

/** A message as the web chat API shows it. */
export interface WebchatMessage {
  id: number;
  from: 'contact' | 'bot' | 'agent';
  text: string;
  choices?: { id: string; title: string }[];
  at: string;
}

export interface WebchatOptions {
  store: Store;
  log: Logger;
  /** Seconds between keep-alive comments on event streams. */
  heartbeatSeconds?: number;
}

/**
 * The web chat channel. A session id in the URL names the visitor.
 *
 *     const webchat = createWebchatChannel({ store, log });
 *     webchat.mount(app); await webchat.start(host);
 */
export function createWebchatChannel(options: WebchatOptions): Channel {
  const { store, log } = options;
  const streams = new Map<string, Set<EventStream>>();
  const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
  let deliver: Deliver | undefined;

  function notify(session: string): void {
    for (const stream of streams.get(session) ?? []) void stream.pump();
  }

  async function history(session: string, after: number): Promise<WebchatMessage[]> {
    const messages = await store.messagesOfAddress('webchat', session, after);
    return messages.filter((message) => message.from !== 'note').map(toWebchat);
  }

  async function post(req: Request, res: Response): Promise<void> {
    const session = String(req.params.session);
    if (!sessionPattern.test(session)) {
      res.status(400).json({ error: 'session must be 1-64 letters, digits, "-" or "_"' });
      return;
    }
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues.map(describeIssue).join('; ') });
      return;
    }
    if (!deliver) {
      res.status(503).json({ error: 'the web chat is not started' });
      return;
    }
    const body = parsed.data;
    try {
      await deliver({
        channel: 'webchat',
        id: `${session}:${body.clientId ?? randomUUID()}`,
        from: { id: session, ...(body.name ? { name: body.name } : {}) },
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.choice !== undefined ? { choice: body.choice } : {}),
        ...(body.replyTo !== undefined ? { replyTo: String(body.replyTo) } : {}),
        at: new Date().toISOString(),
      });
    } catch (error) {
      if (!(error instanceof DeliveryRefused)) throw error;
      res.status(503).set('retry-after', '5').json({ error: error.message });
      return;
    }
    notify(session);
    res.status(202).json({ accepted: true });
  }

  async function list(req: Request, res: Response): Promise<void> {
    const session = String(req.params.session);
    const after = afterQuery.safeParse(req.query.after ?? 0);
    if (!sessionPattern.test(session) || !after.success) {
      res.status(400).json({ error: 'expected /webchat/<session>/messages?after=<message id>' });
      return;
    }
    res.json({ messages: await history(session, after.data) });
  }

  function events(req: Request, res: Response): void {
    const session = String(req.params.session);
    const after = afterQuery.safeParse(req.get('last-event-id') ?? req.query.after ?? 0);
    if (!sessionPattern.test(session) || !after.success) {
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
      app.use(router);
    },
    async start(host: ChannelHost) {
      deliver = host.deliver;
    },
    async send(to: string, message: OutboundMessage) {
      // The message is already in the store; the visitor's page reads it from there, by its store id.
      setImmediate(() => notify(to));
      return message.id !== undefined ? String(message.id) : `webchat-${randomUUID()}`;
    },
    async stop() {
      deliver = undefined;
      for (const set of streams.values()) for (const stream of set) stream.end();
      streams.clear();
    },
  };
}

function toWebchat(message: Message): WebchatMessage {
  return {
    id: message.id,
    // What the session's owner wrote is theirs ("contact"), also when the owner is an agent using the web chat.
    from: message.direction === 'in' ? 'contact' : message.from === 'agent' ? 'agent' : 'bot',
    text: message.text,
    ...(message.choices ? { choices: message.choices } : {}),
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
