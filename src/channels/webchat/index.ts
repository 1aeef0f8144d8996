// The built-in web chat: the embedded default channel. Sessions made by `POST /webchat/sessions` (a random name
// and a token: capabilities), a JSON and multipart API and server-sent events over the messages the wiring hands
// it, files served from the media store, abuse limits, and the pages that use them (pages.ts).
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { DeliveryRefused, RateLimited, type Channel, type ChannelHost, type InboundMessage, type OutboundMessage } from '../../types.ts';
import { retryAfter } from '../../shared/refusals.ts';
import type { Message, TextStyle, TextStyleName } from '../../store/types.ts';
import { showsOutsideTelegram } from '../../shared/attachments.ts';
import type { Fanout } from '../../shared/fanout.ts';
import type { Logger } from '../../shared/log.ts';
import { blank, storable } from '../../shared/text.ts';
import { kindOf, setMediaHeaders, toWebchatAttachment, type WebchatAttachment } from './attachments.ts';
import { hashToken, newSession, refuse, SessionGate, type Admitted, type AgentSignIn, type Refusal, type WebchatAgents, type WebchatSessions } from './auth.ts';
import { fileLink, plainLink } from './file-links.ts';
import { ConnectionLimiter, DEFAULT_LIMITS, describeRate, RateLimiter, type WebchatLimits } from './limits.ts';
import { mountPages, type PageOptions } from './pages.ts';
import { SESSION_PATTERN } from './session.ts';
import { dropRest, receiveUpload, UploadRefused, type RefusalKind } from './upload.ts';

/**
 * What any refused request is, besides a refused message's `RefusalKind`: over a rate or stream limit
 * (`rateLimited`, 429 with `Retry-After`), not let in to the session (`unauthorized`, 401), a file it may not have
 * (`notFound`), or the chat not taking messages now (`unavailable`, 503: starting or shutting down).
 */
type AnswerKind = RefusalKind | 'rateLimited' | 'unauthorized' | 'notFound' | 'unavailable';

/** The longest message a visitor may send; longer ones are refused with 400, nothing stored. */
export const MAX_TEXT_LENGTH = 20_000;

/** Messages per page of history when the request names no `limit`, and the most a page may hold. */
export const PAGE_SIZE = { default: 50, max: 200 } as const;

const refPattern = /^[A-Za-z0-9_-]{1,128}$/;
/** The fan-out topic of "this session has new messages". */
const FANOUT_TOPIC = 'webchat';

/**
 * The styles a customer sees on the page (ui.js draws them): all but a spoiler, which it would not hide (an agent's
 * spoiler is then not sent, as to any app without them).
 */
const WEBCHAT_STYLES: readonly TextStyleName[] = ['bold', 'italic', 'underline', 'strike', 'code', 'pre'];

const text = z.string().max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`);
// The message's id on the channel, which the stores keep unique per session: text every store holds as given (no
// NUL, no lone surrogate), else two ids could become one in PostgreSQL, which replaces those characters.
const clientId = z.string().min(1).max(128, 'clientId is longer than 128 characters')
  .refine(storable, 'clientId must be plain text: no NUL character and no lone surrogate');
// Direction marks or zero-width spaces alone are no name: agents would read none (`personName`).
const name = z.string().trim().min(1).max(100, 'name is longer than 100 characters').refine((value) => !blank(value), 'name has nothing visible in it');
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
  // Nothing visible (spaces, a direction mark a keyboard put in, a zero-width space) would reach the agent as an empty message.
  .refine((body) => body.text === undefined || !blank(body.text), 'text is empty');

/** A file's caption and the sender's details, as multipart form fields (all text). */
const uploadFields = z
  .object({
    text: text.optional(),
    clientId: clientId.optional(),
    name: name.optional(),
    replyTo: z.string().regex(/^\d{1,15}$/, 'replyTo: must be a message id').transform(Number).pipe(replyTo).optional(),
  })
  .strict();

/** The language of the page that starts a session (`?lang=ar`): a language tag, `ar` or `pt-BR`. */
const language = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/, 'language must be a language tag like en, ar or pt-BR');
const sessionBody = z.object({ name: name.optional(), language: language.optional() }).strict();
const readBody = z.object({ ids: z.array(z.number().int().positive().safe()).min(1, 'ids is empty').max(PAGE_SIZE.max, `at most ${PAGE_SIZE.max} ids`) }).strict();

const afterQuery = z.coerce.number().int().min(0).default(0);
const limitQuery = z.coerce.number().int().min(1).max(PAGE_SIZE.max).default(PAGE_SIZE.default);

/** A message as the web chat API shows it. */
export interface WebchatMessage {
  id: number;
  from: 'contact' | 'bot' | 'agent';
  /** The agent's name, on an agent's message. */
  name?: string;
  text: string;
  /** What the message this one answers said (one line, cut, in quotes): the page shows it above the text. */
  quote?: string;
  /** A button's `styles`: a flow's "*Billing*", as `styles` are the text's. */
  choices?: { id: string; title: string; styles?: TextStyle[] }[];
  /**
   * On the session owner's press of a button, or a typed answer the bot took as one ("billing"): the choice's id, and the
   * message whose button it is, when the press named it.
   */
  choice?: string;
  of?: number;
  /** On a press that answered nothing (its question was answered already, or is no longer asked): the page shows it was not taken. */
  late?: true;
  /** The writer's styles on `text` (a flow's `*Thanks*`, an agent's bold), `{ style, offset, length }` in UTF-16 units. */
  styles?: TextStyle[];
  attachments?: WebchatAttachment[];
  at: string;
  /** The conversation it belongs to: where it changes, a new conversation began. */
  conversationId?: number;
  /** The `clientId` the session's owner posted it with. */
  clientId?: string;
  /** What the reader's device reported of a message sent to it: shown, then read. */
  delivery?: 'delivered' | 'read';
}

/** A page of history: up to `limit` messages, and whether more follow. */
export interface WebchatPage {
  messages: WebchatMessage[];
  more: boolean;
}

export interface WebchatOptions {
  /**
   * Up to `limit` messages exchanged with a session (its visitor's, or an agent's using the web chat) with
   * `id > after`, oldest first: all the web chat reads of the store. It shows them, and serves a file only to a
   * session whose own messages carry it.
   */
  history: (session: string, after: number, limit: number) => Promise<Message[]>;
  /** Where customers' sessions are kept. */
  sessions: WebchatSessions;
  /** The agents with a web chat session, and every agent's name. */
  agents: WebchatAgents;
  /** Agents' sign-in (the /agent cookie), shared with the agent console. */
  signIn: AgentSignIn;
  log: Logger;
  /** Development only: a session name nobody made opens without a token, as in the days before tokens. */
  openSessions?: boolean;
  /** Abuse limits; each one left out keeps its default (`DEFAULT_LIMITS`). */
  limits?: Partial<WebchatLimits>;
  /** The pages' title, colour and the origins that may embed the chat. */
  pages?: Partial<PageOptions>;
  /** Seconds between keep-alive comments on event streams. */
  heartbeatSeconds?: number;
  now?: () => number;
  /**
   * The other processes sharing the store (PostgreSQL): a session's streams are woken in every process, whichever
   * one stored its new message or sent the reply. Absent: this process only (the embedded store).
   */
  fanout?: Fanout;
  /**
   * Told when a session's first event stream in this process opens (`open`) and when its last one closes: an agent's
   * console is connected while its session streams.
   */
  streamsChanged?: (session: string, open: boolean) => void;
  /**
   * Told of each request an agent's own session makes through the HTTP API (its messages read or posted, read marks,
   * files), and waited for before it is served: an agent working through the API, without an event stream, is there.
   */
  agentSessionUsed?: (session: string) => Promise<void>;
  /**
   * An agent's session stream is ended after this long (ms), and its page's EventSource connects again at once: a
   * stream whose page went silent (a laptop asleep sends no TCP close) then stops counting as connected within this
   * time, not after the many minutes TCP takes to give up on it. Absent: never ended.
   */
  agentStreamRenewMs?: number;
  /** How long a file's address in a visitor's chat opens it (ms; default a day, `FILE_LINK_MS`): the page renews it before. */
  fileLinkMs?: number;
}

/** The web chat channel, and how the agent console hands it an agent's reply. */
export interface WebchatChannel extends Channel {
  /**
   * Hands a message to the runtime as though its session had posted it (or to `through`, whose answer it returns),
   * and wakes that session's event streams. Rejects with `DeliveryRefused` (nothing stored) while the channel is not
   * started or the bot shuts down.
   *
   *     await webchat.accept({ channel: 'webchat', id: `${session}:${clientId}`, from: { id: session }, text, replyTo, at });
   *     const result = await webchat.accept(reply, (message) => runtime.reply(omar, message, 42)); // { ok: true, … }
   */
  accept(message: InboundMessage): Promise<void>;
  accept<T>(message: InboundMessage, through: (message: InboundMessage) => Promise<T>): Promise<T>;
  /**
   * Ends the sessions' event streams at once, here and in the other processes: their visitor was erased, and every
   * open tab, connecting again, is refused as any unknown session is, and says the chat has ended.
   *
   *     webchat.endSessions(['v-7f3a']);
   */
  endSessions(sessions: readonly string[]): void;
}

/**
 * The web chat channel.
 *
 *     const webchat = createWebchatChannel({ history: (s, after, limit) => store.messagesOfAddress('webchat', s, after, limit), sessions, agents, signIn, log });
 *     webchat.mount(app); await webchat.start(host);
 */
export function createWebchatChannel(options: WebchatOptions): WebchatChannel {
  const { log, agents } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const postsBySession = new RateLimiter(limits.postsPerSession, options.now);
  const postsByAddress = new RateLimiter(limits.postsPerAddress, options.now);
  const sessionsByAddress = new RateLimiter(limits.sessionsPerAddress, options.now);
  const streamsBySession = new ConnectionLimiter(limits.streamsPerSession);
  const streamsByAddress = new ConnectionLimiter(limits.streamsPerAddress);
  const gate = new SessionGate({ sessions: options.sessions, agents, signIn: options.signIn, openSessions: options.openSessions ?? false });
  const streams = new Map<string, Set<EventStream>>();
  const heartbeatMs = (options.heartbeatSeconds ?? 15) * 1000;
  let host: ChannelHost | undefined;

  function wake(session: string): void {
    for (const stream of streams.get(session) ?? []) void stream.pump();
  }

  /** Wakes the session's streams here and in the other processes. */
  function notify(session: string): void {
    wake(session);
    options.fanout?.publish(FANOUT_TOPIC, { session });
  }

  /** Ends the session's streams in this process (its page connects again, and is refused if the session is gone). */
  function endHere(session: string): void {
    for (const stream of streams.get(session) ?? []) stream.end();
  }

  /** Ends the streams of the sessions whose record is gone (an erase this process may not have been told of). */
  async function endGone(): Promise<void> {
    if (options.openSessions) return;
    for (const session of [...streams.keys()]) {
      if (agents.bySession(session)) continue;
      const record = await options.sessions.get(session).catch(() => ({}));
      if (!record) endHere(session);
    }
  }

  const offFanout = options.fanout?.subscribe(FANOUT_TOPIC, (data) => {
    const { session, ended } = data as { session?: unknown; ended?: unknown };
    if (typeof session !== 'string') return;
    if (ended === true) endHere(session);
    else wake(session);
  }, {
    // Notices may have been missed: every stream looks again (each sends only what it has not sent), and the streams
    // of a session erased meanwhile end.
    reconnected: () => {
      for (const session of streams.keys()) wake(session);
      endGone().catch((error: unknown) => log.warn({ error: String(error) }, 'web chat could not look for erased sessions'));
    },
  });

  /**
   * Up to `limit` messages of the session a person may see after `after` (internal notes are stored under a
   * customer's address too, and are left out), whether more follow, and where the next page starts.
   */
  async function page(session: string, after: number, limit: number): Promise<{ messages: Message[]; more: boolean; cursor: number }> {
    const shown: Message[] = [];
    let cursor = after;
    for (;;) {
      const batch = await options.history(session, cursor, limit + 1);
      for (const message of batch) {
        if (shown.length === limit) return { messages: shown, more: true, cursor };
        cursor = message.id;
        if (message.from !== 'note') shown.push(message);
      }
      if (batch.length <= limit) return { messages: shown, more: false, cursor };
    }
  }

  /** Where the page finds a file of `session`: a visitor's address carries a grant signed with `fileKey` (their token's hash). */
  function linkerOf(session: string, fileKey: string | undefined): (ref: string) => string {
    const now = (options.now ?? Date.now)();
    return fileKey !== undefined ? (ref) => fileLink(session, ref, fileKey, now, options.fileLinkMs) : (ref) => plainLink(session, ref);
  }

  function toWebchat(message: Message, session: string, linkOf: (ref: string) => string): WebchatMessage {
    const agentName = message.from === 'agent' && message.agentId ? agents.nameOf(message.agentId) : undefined;
    const ownId = message.direction === 'in' && message.channelMessageId?.startsWith(`${session}:`) ? message.channelMessageId.slice(session.length + 1) : undefined;
    return {
      id: message.id,
      // What the session's owner wrote is theirs ("contact"), also when the owner is an agent using the web chat.
      from: message.direction === 'in' ? 'contact' : message.from === 'agent' ? 'agent' : 'bot',
      ...(agentName !== undefined && message.direction === 'out' ? { name: agentName } : {}),
      text: message.text,
      ...(message.styles?.length ? { styles: message.styles } : {}),
      ...(message.quote !== undefined && message.replyTo !== undefined ? { quote: message.quote } : {}),
      ...(message.choices ? { choices: message.choices } : {}),
      ...(message.direction === 'in' && message.choice !== undefined ? pressOf(message) : {}),
      ...(message.direction === 'in' && message.choice === undefined && message.typedChoice ? { choice: message.typedChoice.choice, of: message.typedChoice.of } : {}),
      ...(message.attachments?.length ? { attachments: message.attachments.map((attachment) => toWebchatAttachment(attachment, linkOf)) } : {}),
      at: message.at,
      ...(message.conversationId !== undefined && !message.toAgent ? { conversationId: message.conversationId } : {}),
      ...(ownId !== undefined ? { clientId: ownId } : {}),
      ...(message.delivery ? { delivery: message.delivery } : {}),
    };
  }

  /** A message sent to a session's page: reported delivered, once. */
  function shownOnDevice(message: Message): void {
    if (message.direction !== 'out' || message.delivery || !host) return;
    host.report({ channel: 'webchat', messageId: String(message.id), status: 'delivered', at: new Date().toISOString() })
      .catch((error: unknown) => log.warn({ error: String(error), message: message.id }, 'web chat could not record a message as delivered'));
  }

  /** Hands a message to the runtime (or to `through`) once stored; wakes the session's streams. */
  async function accept<T>(message: InboundMessage, through?: (message: InboundMessage) => Promise<T>): Promise<T | void> {
    if (!host) throw new DeliveryRefused('the web chat is not started');
    const answer = through ? await through(message) : await host.deliver(message);
    notify(message.from.id);
    return answer;
  }

  /** Answers 202 once the message is stored; 429 when its sender writes too fast, 503 while shutting down (nothing stored). */
  async function handOver(res: Response, message: InboundMessage): Promise<void> {
    try {
      await accept(message);
    } catch (error) {
      answerDeliveryRefused(res, error);
      return;
    }
    res.status(202).json({ accepted: true });
  }

  /**
   * The visitor left the chat (New visitor): their open conversation closes, its agent is told, and what the agent
   * writes after is refused saying why, where before it went on to a chat nobody read. 200 `{left: true, closed?}`
   * (the number of the conversation closed); 503 with `Retry-After` while the bot cannot take it (nothing changed).
   */
  async function leave(_req: Request, res: Response): Promise<void> {
    const session = res.locals.session as string;
    if (agents.bySession(session)) {
      res.status(400).json({ error: 'this is an agent\'s own session: it has no customer conversation to leave', kind: 'badRequest' } satisfies Answer);
      return;
    }
    let closed: number | undefined;
    try {
      if (!host?.left) throw new DeliveryRefused('the web chat is not started');
      closed = await host.left(session);
    } catch (error) {
      answerDeliveryRefused(res, error);
      return;
    }
    notify(session);
    res.status(200).set('cache-control', 'no-store').json({ left: true, ...(closed !== undefined ? { closed } : {}) });
  }

  /** The session in the URL, checked and let in, with its owner's name; answers the refusal otherwise. */
  function admit(req: Request, res: Response, next: NextFunction): void {
    admitBy((session) => gate.admit(req, session), req, res, next);
  }

  /** The same for a file: its address's grant lets in too, for that file only. */
  function admitFile(req: Request, res: Response, next: NextFunction): void {
    admitBy((session) => gate.admitFile(req, session, String(req.params.ref), (options.now ?? Date.now)()), req, res, next);
  }

  function admitBy(decide: (session: string) => Promise<Admitted | Refusal>, req: Request, res: Response, next: NextFunction): void {
    const session = String(req.params.session);
    if (!SESSION_PATTERN.test(session)) {
      res.status(400).json({ error: 'session must be 1-64 letters, digits, "-" or "_"', kind: 'badRequest' } satisfies Answer);
      dropRest(req);
      return;
    }
    decide(session).then((admission) => {
      if (!('ok' in admission)) {
        refuse(res, admission);
        dropRest(req);
        return;
      }
      res.locals.session = session;
      res.locals.ownerName = admission.name;
      res.locals.ownerLanguage = admission.language;
      res.locals.fileKey = admission.fileKey;
      next();
    }, next);
  }

  /** An agent's own session at work through the API: a sign of them (an event stream counts while open, `streamsChanged`). */
  function used(_req: Request, res: Response, next: NextFunction): void {
    const session = res.locals.session as string;
    if (!options.agentSessionUsed || !agents.bySession(session)) return next();
    options.agentSessionUsed(session).then(() => next(), next);
  }

  /** Posts per session and per address: over either, 429 with `Retry-After`, and nothing read or stored. */
  function limitPosts(req: Request, res: Response, next: NextFunction): void {
    const session = res.locals.session as string;
    const address = req.ip ?? 'unknown';
    const bySession = postsBySession.take(session);
    const byAddress = bySession > 0 ? 0 : postsByAddress.take(address);
    if (bySession === 0 && byAddress === 0) return next();
    if (bySession === 0) postsBySession.giveBack(session);
    const [wait, what] = bySession > 0
      ? [bySession, `this session sends too fast (at most ${describeRate(limits.postsPerSession)})`]
      : [byAddress, `too many messages from your address (at most ${describeRate(limits.postsPerAddress)})`];
    res.status(429).set('retry-after', String(wait)).json({ error: `${what}: nothing was kept; send it again in ${wait} s`, kind: 'rateLimited' } satisfies Answer);
    dropRest(req);
  }

  async function createSession(req: Request, res: Response): Promise<void> {
    const address = req.ip ?? 'unknown';
    const wait = sessionsByAddress.take(address);
    if (wait > 0) {
      res.status(429).set('retry-after', String(wait)).json({ error: `too many new sessions from your address (at most ${describeRate(limits.sessionsPerAddress)}); try again in ${wait} s`, kind: 'rateLimited' } satisfies Answer);
      return;
    }
    const body = sessionBody.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ error: body.error.issues.map(describeIssue).join('; '), kind: 'badRequest' } satisfies Answer);
      return;
    }
    let made = newSession();
    // 128 random bits do not collide; an agent's session name is refused all the same.
    while (agents.bySession(made.session) || (await options.sessions.get(made.session))) made = newSession();
    await options.sessions.put(made.session, {
      tokenHash: hashToken(made.token),
      ...(body.data.name ? { name: body.data.name } : {}),
      ...(body.data.language ? { language: body.data.language } : {}),
      createdAt: new Date().toISOString(),
    });
    res.status(201).set('cache-control', 'no-store').json({ session: made.session, token: made.token });
  }

  async function post(req: Request, res: Response): Promise<void> {
    const session = res.locals.session as string;
    const ownerName = res.locals.ownerName as string | undefined;
    if (req.is('multipart/form-data')) {
      await upload(req, res, session, ownerName);
      return;
    }
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      answerRefusal(res, { status: 400, message: parsed.error.issues.map(describeIssue).join('; '), kind: kindOfIssues(parsed.error.issues) });
      return;
    }
    const body = parsed.data;
    const sender = body.name ?? ownerName;
    await handOver(res, {
      channel: 'webchat',
      id: `${session}:${body.clientId ?? randomUUID()}`,
      from: senderOf(session, sender, res.locals.ownerLanguage as string | undefined),
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.choice !== undefined ? { choice: body.choice } : {}),
      ...(body.replyTo !== undefined ? { replyTo: String(body.replyTo) } : {}),
      at: new Date().toISOString(),
    });
  }

  /** A file, with `text` as its caption: its bytes go to the media store, then the message to the runtime. */
  async function upload(req: Request, res: Response, session: string, ownerName: string | undefined): Promise<void> {
    if (!host) {
      res.status(503).json({ error: 'the web chat is not started', kind: 'unavailable' } satisfies Answer);
      dropRest(req);
      return;
    }
    let received;
    try {
      received = await receiveUpload(req, host.media, {
        fields: Object.keys(uploadFields.shape),
        maxFieldBytes: MAX_TEXT_LENGTH * 4,
        tooLong: (field) => (field === 'text' ? 'textTooLong' : 'badRequest'),
        validate: (fields) => {
          const parsed = uploadFields.safeParse(fields);
          if (!parsed.success) throw new UploadRefused(parsed.error.issues.map(describeIssue).join('; '), kindOfIssues(parsed.error.issues));
          return parsed.data;
        },
      });
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      answerRefusal(res, error);
      dropRest(req);
      return;
    }
    const { fields, media } = received;
    const caption = fields.text?.trim() ? fields.text : undefined;
    const sender = fields.name ?? ownerName;
    await handOver(res, {
      channel: 'webchat',
      id: `${session}:${fields.clientId ?? randomUUID()}`,
      from: senderOf(session, sender, res.locals.ownerLanguage as string | undefined),
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

  /** The page saw these messages while the reader looked: those sent to the session are recorded as read. */
  async function read(req: Request, res: Response): Promise<void> {
    const session = res.locals.session as string;
    const body = readBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: `expected {"ids": [<message id>, …]}: ${body.error.issues.map(describeIssue).join('; ')}`, kind: 'badRequest' } satisfies Answer);
      return;
    }
    const ids = new Set(body.data.ids);
    const from = Math.min(...ids) - 1;
    const seen = (await options.history(session, from, Math.max(...ids) - from)).filter((message) => ids.has(message.id) && message.direction === 'out' && message.delivery !== 'read');
    if (host) {
      const at = new Date().toISOString();
      await Promise.all(seen.map((message) => host?.report({ channel: 'webchat', messageId: String(message.id), status: 'read', at })));
    }
    res.status(204).end();
  }

  /** A file's bytes, only to a session whose own messages carry it; any other gets the same 404 as a ref that never was. */
  async function download(req: Request, res: Response): Promise<void> {
    const session = res.locals.session as string;
    const ref = String(req.params.ref);
    const notFound = () => res.status(404).json({ error: 'not found', kind: 'notFound' } satisfies Answer);
    if (!refPattern.test(ref) || !host) return void notFound();
    if (!(await carries(session, ref))) return void notFound();
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

  /** Whether a message of the session carries the file, read a page at a time. */
  async function carries(session: string, ref: string): Promise<boolean> {
    for (let cursor = 0, more = true; more;) {
      const found = await page(session, cursor, PAGE_SIZE.max);
      if (found.messages.some((message) => message.attachments?.some((attachment) => attachment.ref === ref))) return true;
      ({ more, cursor } = found);
    }
    return false;
  }

  async function list(req: Request, res: Response): Promise<void> {
    const session = res.locals.session as string;
    const after = afterQuery.safeParse(req.query.after ?? 0);
    const limit = limitQuery.safeParse(req.query.limit ?? PAGE_SIZE.default);
    if (!after.success || !limit.success) {
      res.status(400).json({ error: `expected /webchat/<session>/messages?after=<message id>&limit=<1-${PAGE_SIZE.max}, default ${PAGE_SIZE.default}>`, kind: 'badRequest' } satisfies Answer);
      return;
    }
    const found = await page(session, after.data, limit.data);
    const linkOf = linkerOf(session, res.locals.fileKey as string | undefined);
    res.set('cache-control', 'no-store').json({ messages: found.messages.map((message) => toWebchat(message, session, linkOf)), more: found.more } satisfies WebchatPage);
  }

  function events(req: Request, res: Response): void {
    const session = res.locals.session as string;
    const after = afterQuery.safeParse(req.get('last-event-id') ?? req.query.after ?? 0);
    if (!after.success) {
      res.status(400).json({ error: 'expected /webchat/<session>/events?after=<message id>', kind: 'badRequest' } satisfies Answer);
      return;
    }
    const address = req.ip ?? 'unknown';
    if (!streamsBySession.open(session)) {
      res.status(429).set('retry-after', '30').json({ error: `this session has ${limits.streamsPerSession} event streams open already, the most it may; close one first`, kind: 'rateLimited' } satisfies Answer);
      return;
    }
    if (!streamsByAddress.open(address)) {
      streamsBySession.close(session);
      res.status(429).set('retry-after', '30').json({ error: `your address has ${limits.streamsPerAddress} event streams open already, the most it may; close one first`, kind: 'rateLimited' } satisfies Answer);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const renewMs = options.agentStreamRenewMs !== undefined && agents.bySession(session) ? options.agentStreamRenewMs : undefined;
    // The page connects again a second after its stream ends (from the last message it got: nothing missed, nothing twice).
    if (renewMs !== undefined) res.write('retry: 1000\n\n');
    const stream = new EventStream(res, after.data, async (last) => {
      const found = await page(session, last, PAGE_SIZE.default);
      const linkOf = linkerOf(session, res.locals.fileKey as string | undefined);
      return { ...found, messages: found.messages.map((message) => ({ message, shown: toWebchat(message, session, linkOf) })) };
    }, shownOnDevice, log);
    const set = streams.get(session) ?? new Set();
    set.add(stream);
    streams.set(session, set);
    if (set.size === 1) options.streamsChanged?.(session, true);
    // An agent's sign-in that ended since the stream opened (signed out in another tab, its 12 hours over, a new token,
    // the agent gone from team.yaml) ends it, as the dashboard's feed: connecting again is refused, and the console,
    // looking at once, says so instead of going on showing customers' messages.
    const agentStream = agents.bySession(session) !== undefined;
    const signedIn = () => {
      const agent = agents.bySession(session);
      return agent !== undefined && options.signIn.refusalFor(req, agent) === undefined;
    };
    const heartbeat = setInterval(() => {
      if (agentStream && !signedIn()) return void stream.end();
      res.write(': keep-alive\n\n');
    }, heartbeatMs);
    const renew = renewMs !== undefined ? setTimeout(() => stream.end(), renewMs) : undefined;
    res.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(renew);
      streamsBySession.close(session);
      streamsByAddress.close(address);
      set.delete(stream);
      if (set.size > 0) return;
      streams.delete(session);
      options.streamsChanged?.(session, false);
    });
    void stream.pump();
  }

  return {
    name: 'webchat',
    quotes: true,
    styles: WEBCHAT_STYLES,
    // The page plays a video sticker as a video; Telegram's animated ones (.tgs) would be a download no one opens.
    shows: (attachment) => showsOutsideTelegram(attachment, { video: true }),
    mount(app: Express) {
      const router = express.Router();
      // The page drops a stream silent for three keep-alives: it went dead without a close.
      mountPages(router, { streamSilenceMs: 3 * heartbeatMs, ...options.pages }, () => host?.media.maxBytes);
      options.signIn.mount(router);
      router.post('/webchat/sessions', express.json({ limit: '4kb' }), createSession);
      router.post('/webchat/:session/messages', admit, limitPosts, used, express.json({ limit: '256kb' }), post);
      router.post('/webchat/:session/read', admit, used, express.json({ limit: '16kb' }), read);
      router.post('/webchat/:session/leave', admit, leave);
      router.get('/webchat/:session/messages', admit, used, list);
      router.get('/webchat/:session/events', admit, events);
      router.get('/webchat/:session/media/:ref', admitFile, used, download);
      app.use(router);
    },
    async start(given: ChannelHost) {
      host = given;
    },
    accept,
    endSessions(sessions: readonly string[]) {
      for (const session of sessions) {
        endHere(session);
        options.fanout?.publish(FANOUT_TOPIC, { session, ended: true });
      }
    },
    async send(to: string, message: OutboundMessage) {
      // The message, attachments included, is already in the store; the page reads it from there, by its store id.
      setImmediate(() => notify(to));
      return message.id !== undefined ? String(message.id) : `webchat-${randomUUID()}`;
    },
    async stop() {
      host = undefined;
      offFanout?.();
      for (const set of streams.values()) for (const stream of set) stream.end();
      streams.clear();
    },
  };
}

/** What the page shows of a press: which button of which message, and whether it answered nothing. */
function pressOf(message: Message): Pick<WebchatMessage, 'choice' | 'of' | 'late'> {
  const of = message.channel === 'webchat' && message.replyTo !== undefined && /^\d{1,15}$/.test(message.replyTo) ? Number(message.replyTo) : undefined;
  return { choice: message.choice!, ...(of !== undefined ? { of } : {}), ...(message.oldPress ? { late: true } : {}) };
}

/** A refused request's answer: `error` says why in English (for whoever reads the API), `kind` what it is. */
interface Answer {
  error: string;
  kind: AnswerKind;
}

/** Answers a `DeliveryRefused` (429 writing too fast, else 503), each with `Retry-After`; rethrows anything else. */
function answerDeliveryRefused(res: Response, error: unknown): void {
  if (!(error instanceof DeliveryRefused)) throw error;
  const status = error instanceof RateLimited ? 429 : 503;
  res.status(status).set('retry-after', retryAfter(error.retryAfterMs)).json({ error: error.message, kind: status === 429 ? 'rateLimited' : 'unavailable' } satisfies Answer);
}

/**
 * Answers a message refused for what it holds: `error` says why in English (for whoever reads the API), `kind` what
 * it is, for the page to say in its reader's language, with the limit it was over (`maxBytes`, `maxLength`).
 */
function answerRefusal(res: Response, refusal: Pick<UploadRefused, 'status' | 'message' | 'kind' | 'maxBytes'>): void {
  res.status(refusal.status).json({
    error: refusal.message,
    kind: refusal.kind,
    ...(refusal.maxBytes !== undefined ? { maxBytes: refusal.maxBytes } : {}),
    ...(refusal.kind === 'textTooLong' ? { maxLength: MAX_TEXT_LENGTH } : {}),
  });
}

/** A text over `MAX_TEXT_LENGTH` is a visitor's doing, which the page words; anything else a malformed request. */
function kindOfIssues(issues: readonly z.ZodIssue[]): RefusalKind {
  return issues.some((issue) => issue.code === 'too_big' && issue.path.join('.') === 'text') ? 'textTooLong' : 'badRequest';
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.path.length === 0) return 'the body must be a JSON object';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

interface StreamPage {
  messages: { message: Message; shown: WebchatMessage }[];
  more: boolean;
  cursor: number;
}

/**
 * One open event stream: sends every message after the last one it sent, never twice, in id order, a page at a
 * time; the next page waits until the connection has taken the last one (a long transcript never sits whole in
 * memory or in the socket's buffer).
 */
class EventStream {
  #last: number;
  #running: Promise<void> | undefined;
  #again = false;
  #ended = false;

  constructor(
    private readonly res: Response,
    after: number,
    private readonly fetch: (after: number) => Promise<StreamPage>,
    private readonly onSent: (message: Message) => void,
    private readonly log: Logger,
  ) {
    this.#last = after;
    res.once('close', () => {
      this.#ended = true;
    });
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
          for (let more = true; more && !this.#ended;) {
            const found = await this.fetch(this.#last);
            let room = true;
            for (const { message, shown } of found.messages) {
              room = this.res.write(`id: ${shown.id}\ndata: ${JSON.stringify(shown)}\n\n`);
              this.onSent(message);
            }
            this.#last = found.cursor;
            more = found.more;
            if (!room && !this.#ended) await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
          }
        } catch (error) {
          this.log.warn({ error: String(error) }, 'web chat stream could not read messages');
        }
      } while (this.#again && !this.#ended);
      this.#running = undefined;
    })();
    return this.#running;
  }

  end(): void {
    this.res.end();
  }
}

/** Who wrote: the session, the name they gave, and the language of the page that started it (the contact's, if unset). */
function senderOf(session: string, name: string | undefined, language: string | undefined): InboundMessage['from'] {
  return { id: session, ...(name ? { name } : {}), ...(language ? { language } : {}) };
}
