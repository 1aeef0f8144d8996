// The agent console's JSON API (`/agent/api/*`, the page is /agent): for an agent signed in at /agent (or sending
// their webchat_token as a bearer), the conversations they hold and their teams' queues with unread counts, each
// one's transcript, their decisions through the agent action API, and their replies to customers.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { DeliveryRefused, type InboundMessage, type MediaStore } from '../types.ts';
import type { Attachment, Conversation, FileRefusal, Message, Store, TextStyle } from '../store/types.ts';
import type { ActionResult, AgentAction } from '../handover/actions.ts';
import { line, word, wordEach, type DeskLanguage, type Line } from '../handover/lines.ts';
import type { AgentState } from '../handover/agent-state.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import { inTeam, sameTeam, type Agent } from '../handover/team.ts';
import { isTimeZone } from '../handover/reports.ts';
import { refuse, type AgentSignIn } from '../channels/webchat/auth.ts';
import { setMediaHeaders } from '../channels/webchat/attachments.ts';
import { MAX_TEXT_LENGTH, PAGE_SIZE } from '../channels/webchat/index.ts';
import { TIMELINES, type TimelineEvent } from '../bot/timeline.ts';
import { WAITING_REPLIES, type WaitingReply } from '../bot/waiting-replies.ts';
import type { Logger } from '../shared/log.ts';
import type { LiveFeed } from '../bot/live.ts';
import { retryAfter, type ServerRefusal } from '../shared/refusals.ts';
import { pageLanguage } from './language.ts';
import { NO_WORDING, shownFields, topicOf, type ShownField, type Wording } from '../flows/labels.ts';
import { appOf, isDeletion, lastWords, previewText, quotingFrom, shownText, type Quoting } from '../handover/card.ts';
import { looksLikeCommand } from '../handover/commands.ts';
import { contactTag } from '../shared/identity.ts';
import { readMarkup } from '../shared/markup.ts';
import { againCopy, lastWebchatMessage, sendAgainOrWhyNot, sendAgainWithheld, sentAgainIds, webchatSession } from './send-again.ts';

export interface AgentConsoleOptions {
  store: Store;
  directory: TeamDirectory;
  /** The agent action API (`runtime.act`). */
  act: (agent: Agent, action: AgentAction) => Promise<ActionResult>;
  signIn: AgentSignIn;
  /**
   * Hands an agent's reply for one conversation to the web chat as though their own session had posted it
   * (`WebchatChannel.accept` through `runtime.reply`): refused when they no longer hold the conversation. `answered`:
   * the channel message id of the customer's message it answers (the agent's Reply on it).
   */
  reply: (agent: Agent, message: InboundMessage, conversationId: number, answered?: string) => Promise<ActionResult>;
  media: MediaStore;
  /** The approved templates agents may send (`WHATSAPP_TEMPLATES`); the console offers them when there are any. */
  templates?: readonly { name: string }[];
  /** How long nobody writes before a conversation closes by itself (`AUTO_CLOSE_AFTER`), as the agent's app was told it. */
  autoCloseAfterMs?: number;
  /** The labels of a conversation's fields and the titles of its intents (`FlowLibrary.wording`); without it, paths and intents. */
  wording?: (conversation: Conversation) => Promise<Wording>;
  /**
   * Why a hand back of a conversation would be refused (`runtime.whyNoHandBack`): the console says it beside a disabled
   * Hand back, by the rule the hand back itself keeps. Without it, Hand back is offered.
   */
  whyNoHandBack?: (conversation: Conversation) => Promise<Line | undefined>;
  /** How long a customer waits for an away agent before going to a colleague (`AWAY_REQUEUE_AFTER`), as the agent's app was told it; absent when off. */
  awayRequeueAfterMs?: number;
  /** How long a customer waits for an online agent's answer before going to a colleague (`UNANSWERED_PASS_ON_AFTER`), as the agent's app was told it; absent when off. */
  unansweredPassOnAfterMs?: number;
  /** How long without a console sets an agent Away (`CONSOLE_AWAY_AFTER`), as the console says it. */
  awayAfterMs?: number;
  /** How often a quiet `GET /agent/api/events` says it is alive and looks whether its sign-in still holds (default 20 s). */
  heartbeatMs?: number;
  /**
   * Told of each request of a signed-in agent: their console is open (`ConsolePresence.seen`); `now`, and waited for,
   * before their own status action, so that the sign is stored before the status is.
   */
  seen?: (agent: Agent, now?: boolean) => Promise<void>;
  /**
   * The dashboard's live change feed: the console follows agents' changes on it (`GET /agent/api/events`), so a status
   * set elsewhere (a chat command, the dashboard, no console open) shows at once; without it, the console looks every 15 s.
   */
  feed?: LiveFeed;
  /**
   * Of a reply to a customer: whether this process's outbox holds it waiting for its channel after a failure that may
   * pass (`Outbox.waitingReply`), before its record in the store (which every process reads) is written.
   */
  waiting?: (messageId: number) => { since: string; reason: string } | undefined;
  log: Logger;
}

/** How often a quiet console stream says it is alive, so proxies keep it open. */
const CONSOLE_HEARTBEAT_MS = 20_000;

/** A conversation as the console lists it. */
export interface ConsoleConversation {
  id: number;
  stage: Conversation['stage'];
  channel: string;
  /** The app the customer writes from where `channel` carries several (`msteams`: Teams), as the agent's card names it. */
  app?: string;
  team?: string;
  intent?: string;
  /** What it is about in the page's language: the title of the route that set `intent` (absent when it is the team's name). */
  topic?: string;
  openedAt: string;
  queuedAt?: string;
  assignedAt?: string;
  /** The customer, with what is known of them (`contact.*` fields); one without a name has `tag`, the start of their contact id. */
  contact: { name?: string; tag?: string; fields: Conversation['fields'] };
  /** `conversation.*` fields collected in this conversation. */
  fields: Conversation['fields'];
  /** The fields as the agent reads them: contact's then conversation's, labelled in the page's language, none twice. */
  shown: ShownField[];
  /** The customer's messages the agent has not opened yet. */
  unread: number;
  /**
   * `mine`: an agent's message this agent wrote (the list says "You:"); `late`: the customer's press of a button of an
   * earlier question, which answered nothing (the list marks it, as the transcript does).
   */
  lastMessage?: { id: number; from: Message['from']; mine?: true; late?: true; text: string; at: string };
  /** Of one the agent holds that the server would refuse to hand back: why, in the page's language. */
  noHandBack?: string;
}

/** A message of a transcript, as the console shows it. */
export interface ConsoleMessage {
  id: number;
  from: Message['from'];
  /** The customer's name on theirs, the agent's on an agent's message or note. */
  name?: string;
  text: string;
  /** The writer's styles on `text` (bold, italic…), `{ style, offset, length }` in UTF-16 units. */
  styles?: TextStyle[];
  choices?: { id: string; title: string }[];
  attachments?: { kind: string; mime?: string; name?: string; size?: number; url?: string; refused?: string; refusal?: FileRefusal; location?: object; contact?: object }[];
  at: string;
  /** Of a message to the customer: pending, sending, sent or failed; then what the customer's device reported. */
  status?: Message['status'];
  /** Of an answer to one of the customer's messages: what that message said (short), shown above it. */
  quote?: string;
  /** Of the customer's message: the agent may answer this one in particular (the console's Reply). */
  answerable?: true;
  /** Of the customer's message: they deleted it since (for everyone), so it is no one's to answer. */
  deleted?: true;
  /** Of the customer's press of a button of an earlier question: it answered nothing, and the bot told them so. */
  late?: true;
  /** Of the customer's message: what it says now that they edited it (their app shows this, not `text`), which a Reply on it quotes. */
  edited?: string;
  /**
   * Of a message to the customer: written by a person at the business in the business's own app (the WhatsApp Business
   * app on its phone, the Page's inbox), not through Switchboard: no agent of team.yaml wrote it.
   */
  inApp?: true;
  delivery?: Message['delivery'];
  /** Of a message that failed: why, as the channel said it (English); `failure`, what that is known to mean, which the console words. */
  error?: string;
  failure?: Message['failure'];
  /**
   * Of a message to the customer not sent yet: it waits for its channel, tried again by itself, since `since` (when it
   * first failed), the channel having said `reason` (English) at the latest attempt.
   */
  waiting?: { since: string; reason: string };
  /**
   * Of a reply the viewing agent wrote in their console: the `clientId` it was sent with, by which their console knows
   * its draft went (a reload before the server's answer came), and offers it no more.
   */
  clientId?: string;
}

/** Where the console keeps, per agent, the last message they saw of each conversation (unread counts). */
const READ_MARKS = 'agent-console';
interface ReadMarks {
  read: Record<string, number>;
}

const conversationId = z.number().int().positive().safe();
const action = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.enum(['online', 'away']) }).strict(),
  z.object({ kind: z.literal('claim'), conversationId }).strict(),
  z.object({ kind: z.literal('transfer'), conversationId, to: z.string().trim().min(1, 'to is empty').max(100) }).strict(),
  z.object({ kind: z.literal('note'), conversationId, text: z.string().trim().min(1, 'text is empty').max(4_000) }).strict(),
  z.object({ kind: z.literal('close'), conversationId, note: z.string().trim().max(1_000).optional().transform((note) => note || undefined), shareNote: z.boolean().optional(), seen: z.number().int().min(0).safe().optional() }).strict(),
  z.object({ kind: z.literal('handBack'), conversationId }).strict(),
  z.object({ kind: z.literal('template'), conversationId, name: z.string().trim().min(1).max(512), params: z.array(z.string().max(1_024)).max(20).default([]) }).strict(),
]);
const actBody = z.object({ action }).strict();

/**
 * An action as the agent meant it: a closing note and a note read as WhatsApp's markup, as the console's replies are
 * (and an agent's `/close` from WhatsApp): "Your *refund* is on its way" is kept, and told, with "refund" bold.
 */
function written(asked: z.infer<typeof action>): AgentAction {
  if (asked.kind === 'note') {
    const read = readMarkup(asked.text);
    return { ...asked, text: read.text, ...(read.styles.length > 0 ? { styles: read.styles } : {}) };
  }
  if (asked.kind !== 'close' || asked.note === undefined) return asked;
  const read = readMarkup(asked.note);
  return { ...asked, note: read.text, ...(read.styles.length > 0 ? { noteStyles: read.styles } : {}) };
}
const replyBody = z.object({
  text: z.string().max(MAX_TEXT_LENGTH).refine((text) => text.trim() !== '', 'text is empty'),
  /** The id (as the transcript lists it) of the customer's message this reply answers. */
  replyTo: z.number().int().positive().safe().optional(),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientId: 1-64 letters, digits, - or _').optional(),
}).strict();
const readBody = z.object({ upTo: z.number().int().positive().safe() }).strict();
const pageQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE.max).default(PAGE_SIZE.default),
}).strict();
const idParam = z.coerce.number().int().positive().safe();

/**
 * Mounts `/agent/api/*`:
 * `GET state`, `GET conversations/:id/messages?after=&limit=`, `POST conversations/:id/messages {text, replyTo?}`,
 * `POST conversations/:id/messages/:message/again` (Send again), `POST conversations/:id/read {upTo}`, `GET conversations/:id/media/:ref`, `GET conversations/:id/outcome`, `POST act {action}`.
 *
 *     mountAgentConsole(routes, { store, directory, act: runtime.act, signIn, reply: (agent, message, id) => webchat.accept(message, (m) => runtime.reply(agent, m, id)), media, log });
 */
export function mountAgentConsole(app: Express, options: AgentConsoleOptions): void {
  const { store, directory, log } = options;
  const router = express.Router();

  /** The signed-in agent, as team.yaml has them now. */
  router.use((req: Request, res: Response, next: NextFunction) => {
    const who = options.signIn.agentOf(req);
    if ('error' in who) return void refuse(res, who);
    const agent = directory.agent(who.agent.id);
    if (!agent) return void refuse(res, { status: 401, error: 'you are no longer an agent in team.yaml' });
    // The zone of the agent's screen (`X-Time-Zone: Asia/Riyadh`, as the console sends its browser's): the times its
    // answers say are in it, as its messages' times are. One this server cannot read keeps team.yaml's: the page sent
    // it, not a person, and the answer names the zone it says.
    const zone = req.get('x-time-zone');
    res.locals.agent = zone !== undefined && isTimeZone(zone) ? { ...agent, timeZone: zone } : agent;
    void options.seen?.(agent);
    res.set('cache-control', 'no-store');
    next();
  });

  /** An open conversation the agent holds or may take from their teams' queues; undefined for any other. */
  async function visible(agent: Agent, id: number): Promise<Conversation | undefined> {
    const conversation = await store.conversation(id);
    if (!conversation || conversation.status !== 'open') return undefined;
    if (conversation.stage === 'assigned') return conversation.agentId === agent.id ? conversation : undefined;
    if (conversation.stage === 'queued') return conversation.team === undefined || inTeam(agent, conversation.team) ? conversation : undefined;
    return undefined;
  }

  /** The conversation named in the URL, when the agent may see it; 404 otherwise, as for one that never was. */
  async function conversationOf(req: Request, res: Response): Promise<Conversation | undefined> {
    const id = idParam.safeParse(req.params.id);
    const conversation = id.success ? await visible(res.locals.agent as Agent, id.data) : undefined;
    if (!conversation) res.status(404).json(refusal(line('notAmongYours', String(req.params.id)), req));
    return conversation;
  }

  async function readMarks(agent: Agent): Promise<Record<string, number>> {
    return (await store.doc<ReadMarks>(READ_MARKS, agent.id))?.read ?? {};
  }

  async function summary(conversation: Conversation, readUpTo: number, language: DeskLanguage, agent: Agent): Promise<ConsoleConversation> {
    const contact = await store.contact(conversation.contactId);
    const wording = options.wording ? await options.wording(conversation) : NO_WORDING;
    const topic = topicOf(conversation, wording, language);
    const messages = transcript(await store.messagesOfConversation(conversation.id));
    // What the list shows of it: the last words between the customer and the agents, as the dashboard's lists show.
    const last = lastWords(messages);
    const noHandBack = conversation.stage === 'assigned' && conversation.agentId === agent.id ? await options.whyNoHandBack?.(conversation) : undefined;
    return {
      id: conversation.id,
      stage: conversation.stage,
      channel: conversation.channel,
      ...appOf(conversation, contact),
      ...(conversation.team !== undefined ? { team: conversation.team } : {}),
      ...(conversation.intent !== undefined ? { intent: conversation.intent } : {}),
      ...(topic !== undefined ? { topic } : {}),
      openedAt: conversation.openedAt,
      ...(conversation.queuedAt !== undefined ? { queuedAt: conversation.queuedAt } : {}),
      ...(conversation.assignedAt !== undefined ? { assignedAt: conversation.assignedAt } : {}),
      // A nameless customer's `tag` tells them apart from another in the list ("Customer 3f9a"), as in the agents' apps.
      contact: { ...(contact?.name !== undefined ? { name: contact.name } : contact ? { tag: contactTag(contact) } : {}), fields: contact?.fields ?? {} },
      fields: conversation.fields,
      shown: shownFields(contact?.fields ?? {}, conversation.fields, wording, language),
      // A press of an earlier question's button asks nothing of the agent: the bot answered it.
      unread: messages.filter((message) => message.direction === 'in' && message.from === 'contact' && !message.oldPress && message.id > readUpTo).length,
      ...(last
        ? { lastMessage: { id: last.id, from: last.from, ...(last.from === 'agent' && last.agentId === agent.id ? { mine: true as const } : {}), ...(last.direction === 'in' && last.oldPress ? { late: true as const } : {}), text: excerpt(previewText(last, language)), at: last.at } }
        : {}),
      ...(noHandBack ? { noHandBack: word(noHandBack, language) } : {}),
    };
  }

  router.get('/state', async (req, res) => {
    const agent = res.locals.agent as Agent;
    const language = pageLanguage(req);
    // Where the console's event stream (of the agent's own web chat session) starts: after the newest message it
    // holds, which the console has shown, so it misses nothing to come and shows nothing twice.
    const session = webchatSession(agent);
    const cursor = session === undefined ? 0 : await store.lastMessageIdOfAddress('webchat', session);
    const marks = await readMarks(agent);
    const mark = (conversation: Conversation) => marks[String(conversation.id)] ?? 0;
    const held = await store.openConversations({ stage: 'assigned', agentId: agent.id });
    const queued = await store.openConversations({ stage: 'queued' });
    const teams = agent.teams.map((name) => directory.team(name)?.name ?? name);
    const queues: { team: string | null; conversations: ConsoleConversation[] }[] = [];
    for (const team of teams) {
      queues.push({ team, conversations: await Promise.all(queued.filter((c) => c.team !== undefined && sameTeam(c.team, team)).map((c) => summary(c, mark(c), language, agent))) });
    }
    const unrouted = queued.filter((c) => c.team === undefined);
    if (unrouted.length > 0) queues.push({ team: null, conversations: await Promise.all(unrouted.map((c) => summary(c, mark(c), language, agent))) });
    res.json({
      agent: { id: agent.id, name: agent.name, teams, session: webchatSession(agent) },
      ...statusOf(await store.doc<AgentState>('agents', agent.id), options.awayAfterMs),
      cursor,
      held: await Promise.all(held.map((c) => summary(c, mark(c), language, agent))),
      queues,
      teams: directory.teams().map((team) => team.name),
      // How each team reads in each language the console speaks (its titles): the console shows them, and sends names.
      teamTitles: Object.fromEntries(directory.teams().map((team) => [team.name, directory.titled(team.name).perLanguage])),
      colleagues: directory.agents().filter((other) => other.id !== agent.id).map((other) => ({ id: other.id, name: other.name })),
      templates: (options.templates ?? []).map((template) => template.name),
    });
  });

  // A change of the agents (a status, a load) as an event without data: the console looks at /state again, which
  // says only what this agent may see. A reply that began or stopped waiting for its channel names its conversation.
  // 404 without a feed: the console keeps its 15 s look.
  router.get('/events', (req, res) => {
    const feed = options.feed;
    if (!feed) return void res.status(404).json({ error: 'no live feed here' });
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    const off = feed.subscribe((change) => {
      if (change.type === 'agents') res.write('event: agents\ndata: {}\n\n');
      // A conversation's number only: a console showing it looks at it again (its replies' "Not sent yet").
      if (change.type === 'delivery') res.write(`event: delivery\ndata: ${JSON.stringify({ conversationId: change.data.conversationId })}\n\n`);
    });
    // A sign-in that ended since the stream opened ends it, as the dashboard's feed (see the web chat's agent streams).
    const heartbeat = setInterval(() => {
      const who = options.signIn.agentOf(req);
      if ('error' in who || directory.agent(who.agent.id)?.id !== (res.locals.agent as Agent).id) return void res.end();
      res.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? CONSOLE_HEARTBEAT_MS);
    heartbeat.unref();
    res.once('close', () => {
      off();
      clearInterval(heartbeat);
    });
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const query = pageQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: `expected ?after=<message id>&limit=<1-${PAGE_SIZE.max}, default ${PAGE_SIZE.default}>` });
      return;
    }
    const { after, limit } = query.data;
    const contact = await store.contact(conversation.contactId);
    const messages = await store.messagesOfConversation(conversation.id);
    const later = transcript(messages).filter((message) => message.id > after);
    // A reaction names the message it answers, which may be on an earlier page.
    const quoting = quotingFrom(messages);
    const deleted = deletedIds(messages);
    const edited = editedTexts(messages);
    const resent = sentAgainIds(messages);
    const withheld = sendAgainWithheld(messages);
    const page = later.slice(0, limit);
    const waitingNow = await waitingOf(page);
    // The channel message id of a reply from the console is its session and clientId: the viewer's own are told theirs.
    const own = webchatSession(res.locals.agent as Agent);
    const clientIdOf = (message: Message) => (own !== undefined && message.direction === 'out' && message.from === 'agent' && message.relayOf?.startsWith(`${own}:`) ? message.relayOf.slice(own.length + 1) : undefined);
    res.json({
      conversation: await summary(conversation, (await readMarks(res.locals.agent as Agent))[String(conversation.id)] ?? 0, pageLanguage(req), res.locals.agent as Agent),
      messages: page.map((message) => {
        const name = message.from === 'contact' ? contact?.name : message.agentId !== undefined ? directory.agent(message.agentId)?.name : undefined;
        const shown = toConsole(message, conversation.id, name, pageLanguage(req), quoting, deleted, edited);
        const waiting = waitingNow.get(message.id);
        // A failed reply sent again has its copy below it: no second Send again; one it would be refused for says why instead.
        const notAgain = withheld.get(message.id);
        const clientId = clientIdOf(message);
        return { ...shown, ...(waiting ? { waiting } : {}), ...(resent.has(message.id) ? { sentAgain: true } : {}), ...(notAgain ? { notAgain: wordEach(notAgain) } : {}), ...(clientId !== undefined ? { clientId } : {}) };
      }),
      more: later.length > limit,
    });
  });

  /**
   * Of `page`'s replies not sent yet, those waiting for their channel after a failure that may pass, and since when and
   * why: as the store's records say (any process's outbox may be trying one: read from this process's memory, the
   * console served by another process on PostgreSQL showed it as sent), else as this process's outbox knows (its
   * record not written yet).
   */
  async function waitingOf(page: readonly Message[]): Promise<Map<number, { since: string; reason: string }>> {
    const unsent = page.filter((message) => message.direction === 'out' && (message.status === 'pending' || message.status === 'sending'));
    const found = await Promise.all(unsent.map(async (message) => {
      const record = await store.doc<WaitingReply>(WAITING_REPLIES, String(message.id));
      return [message.id, record ? { since: record.since, reason: record.reason } : options.waiting?.(message.id)] as const;
    }));
    return new Map(found.filter((each): each is readonly [number, { since: string; reason: string }] => each[1] !== undefined));
  }

  /**
   * What became of a conversation the agent held until someone else took it (an admin closed, moved, gave or handed it
   * back, or inactivity closed it), in the page's language: the notices the agent's app gets are in the agent's language from team.yaml.
   */
  router.get('/conversations/:id/outcome', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const conversation = id.success ? await store.conversation(id.data) : undefined;
    const said = conversation ? await outcomeOf(conversation, res.locals.agent as Agent) : undefined;
    if (!said) return void res.status(404).json({ error: word(line('notAmongYours', String(req.params.id)), pageLanguage(req)) });
    res.json({ message: word(said, pageLanguage(req)) });
  });

  /** The line of what took `conversation` from `agent` since they last held it, from its timeline. */
  async function outcomeOf(conversation: Conversation, agent: Agent): Promise<Line | undefined> {
    if (conversation.status === 'open' && conversation.stage === 'assigned' && conversation.agentId === agent.id) return undefined;
    const timeline = (await store.doc<TimelineEvent[]>(TIMELINES, String(conversation.id))) ?? [];
    const held = timeline.map((event) => event.type === 'assigned' && event.agentId === agent.id).lastIndexOf(true);
    if (held === -1) return undefined;
    const after = timeline.slice(held + 1);
    const taken = after.find((event) => event.type === 'closed' || event.type === 'transferred' || event.type === 'handed back' || event.type === 'queued');
    if (taken?.by?.kind === 'inactivity' && taken.type === 'closed') return line('autoClosed', conversation.id, options.autoCloseAfterMs);
    // Put back in its queue by no one: its customer waited too long while this agent was away.
    if (taken?.type === 'queued' && taken.by?.kind === 'inactivity' && options.awayRequeueAfterMs !== undefined) {
      const taker = after.slice(after.indexOf(taken) + 1).find((event) => event.type === 'assigned')?.agentId;
      const customer = (await store.contact(conversation.contactId))?.name;
      const team = directory.title(taken.team ?? '', agent.language);
      return line('passedOnWhileAway', conversation.id, customer, options.awayRequeueAfterMs, team, taker !== undefined ? directory.agent(taker)?.name ?? taker : undefined);
    }
    // Given to a colleague by no one: its customer waited too long for this agent's answer.
    if (taken?.type === 'transferred' && taken.by?.kind === 'inactivity' && options.unansweredPassOnAfterMs !== undefined) {
      const customer = (await store.contact(conversation.contactId))?.name;
      return line('passedOnUnanswered', conversation.id, customer, options.unansweredPassOnAfterMs, taken.to ?? '');
    }
    if (taken?.by?.kind !== 'admin') return undefined;
    const by = taken.by.name;
    if (taken.type === 'closed') return line('closedBy', conversation.id, by, conversation.closingNote);
    if (taken.type === 'handed back') return line('handedBackBy', conversation.id, by);
    const to = taken.to ?? '';
    const team = directory.team(to);
    return team ? line('movedBy', conversation.id, directory.titled(team.name), by) : line('givenBy', conversation.id, to, by);
  }

  router.post('/conversations/:id/read', express.json({ limit: '4kb' }), async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const body = readBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'expected {"upTo": <the id of the last message seen>}' });
      return;
    }
    const agent = res.locals.agent as Agent;
    await store.transaction(`${READ_MARKS}:${agent.id}`, async (tx) => {
      const marks = (await tx.doc<ReadMarks>(READ_MARKS, agent.id)) ?? { read: {} };
      marks.read[String(conversation.id)] = Math.max(marks.read[String(conversation.id)] ?? 0, body.data.upTo);
      // Marks of conversations that have closed are of no more use.
      for (const key of Object.keys(marks.read)) if ((await store.conversation(Number(key)))?.status !== 'open') delete marks.read[key];
      tx.putDoc(READ_MARKS, agent.id, marks);
    });
    res.status(204).end();
  });

  router.get('/conversations/:id/media/:ref', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const ref = String(req.params.ref);
    const carried = (await store.messagesOfConversation(conversation.id)).some((message) => message.attachments?.some((attachment) => attachment.ref === ref));
    const found = carried ? await options.media.get(ref) : undefined;
    if (!found) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    setMediaHeaders(res, found.media);
    try {
      await pipeline(found.bytes(), res);
    } catch (error) {
      log.debug({ ref, error: String(error) }, 'console file not served whole');
      res.destroy();
    }
  });

  router.post('/act', express.json({ limit: '16kb' }), async (req, res) => {
    const body = actBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json(refusal(actionProblem(body.error), req));
      return;
    }
    const agent = res.locals.agent as Agent;
    try {
      if (body.data.action.kind === 'status') await options.seen?.(agent, true);
      const result = await options.act(agent, written(body.data.action));
      res.json({ ok: result.ok, message: word(result.line, pageLanguage(req)), inEachLanguage: wordEach(result.line) });
    } catch (error) {
      if (!(error instanceof DeliveryRefused)) throw error;
      refuseForNow(res, error);
    }
  });

  router.post('/conversations/:id/messages', express.json({ limit: '256kb' }), async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const agent = res.locals.agent as Agent;
    const body = replyBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json(refusal(replyProblem(body.error), req));
      return;
    }
    const { text } = body.data;
    const messages = await store.messagesOfConversation(conversation.id);
    // The customer's message the agent picked Reply on: answered through the same path as their app's Reply on its relay.
    const answered = body.data.replyTo !== undefined ? messages.find((message) => message.id === body.data.replyTo) : undefined;
    const deleted = deletedIds(messages);
    // Taken back by the customer a moment before the reply: quoting it would bring back what they deleted.
    if (answered && deleted.has(answered.channelMessageId ?? '')) {
      res.status(409).json(refusal(line('replyToDeleted', conversation.id), req));
      return;
    }
    if (body.data.replyTo !== undefined && (!answered || !isAnswerable(answered))) {
      res.status(400).json(refusal(line('badRequest', `replyTo: ${body.data.replyTo} is not a message of the customer's in #${conversation.id}`), req));
      return;
    }
    if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) {
      res.status(409).json(refusal(line('claimFirst', conversation.id), req));
      return;
    }
    if (looksLikeCommand(text)) {
      res.status(400).json(refusal(line('replyLooksLikeCommand'), req));
      return;
    }
    const session = webchatSession(agent);
    if (session === undefined) {
      res.status(409).json(refusal(line('noWebchatSession'), req));
      return;
    }
    const clientId = body.data.clientId ?? randomUUID();
    const from = { id: session, name: agent.name };
    const at = new Date().toISOString();
    // Shown in the agent's own thread as a reply to the customer's last web chat message, when there is one.
    const quoted = lastWebchatMessage(messages);
    // Read as WhatsApp's markup, as an agent's message from WhatsApp is: "*Sorry*" reaches the customer bold where their app shows it.
    const read = readMarkup(text);
    const inbound: InboundMessage = {
      channel: 'webchat', id: `${session}:${clientId}`, from, text: read.text, ...(read.styles.length > 0 ? { styles: read.styles } : {}),
      ...(quoted !== undefined ? { replyTo: quoted } : {}), at,
    };
    const result = await replyOrRefuse(req, res, agent, inbound, conversation.id, answered?.channelMessageId);
    if (!result) return;
    // Sent again edited, after the first version had reached the customer: the agent is told it went as a correction.
    if (result.line.key === 'replyCorrected') {
      res.status(202).json({ accepted: true, corrected: true, message: word(result.line, pageLanguage(req)), inEachLanguage: wordEach(result.line) });
      return;
    }
    res.status(202).json({ accepted: true });
  });

  /**
   * Send again: a reply of an agent's that did not reach the customer goes out once more as a new reply of this agent's
   * with the same text, once (its id is the failed message's: a second press is the same message, taken once).
   * Refused while nothing would reach the customer (blocked, their window closed) and they have not written since.
   */
  router.post('/conversations/:id/messages/:message/again', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const agent = res.locals.agent as Agent;
    if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) {
      res.status(409).json(refusal(line('claimFirst', conversation.id), req));
      return;
    }
    const messages = await store.messagesOfConversation(conversation.id);
    const found = sendAgainOrWhyNot(conversation.id, messages, String(req.params.message));
    if ('refused' in found) {
      res.status(409).json(refusal(found.refused, req));
      return;
    }
    const session = webchatSession(agent);
    if (session === undefined) {
      res.status(409).json(refusal(line('noWebchatSession'), req));
      return;
    }
    const inbound = againCopy(session, agent, found.failed, messages);
    if (!(await replyOrRefuse(req, res, agent, inbound, conversation.id))) return;
    const sent = line('sentAgain', conversation.id);
    res.status(202).json({ accepted: true, message: word(sent, pageLanguage(req)), inEachLanguage: wordEach(sent) });
  });

  /**
   * Sends `inbound` as `agent`'s reply in the conversation; answers the request itself when it was not sent (503 while
   * the store or the channel refuses for now; 409 when the conversation was closed or moved since the checks, by an
   * admin, a colleague, another process) and resolves undefined then.
   */
  async function replyOrRefuse(req: Request, res: Response, agent: Agent, inbound: InboundMessage, conversationId: number, answered?: string): Promise<ActionResult | undefined> {
    let result: ActionResult;
    try {
      result = await options.reply(agent, inbound, conversationId, answered);
    } catch (error) {
      if (!(error instanceof DeliveryRefused)) throw error;
      refuseForNow(res, error);
      return undefined;
    }
    if (!result.ok) {
      res.status(409).json(refusal(result.line, req));
      return undefined;
    }
    return result;
  }

  app.use('/agent/api', router);
}

/**
 * Answers an action or a reply the runtime refused for now (the store out of reach, the bot shutting down): 503 with
 * the refusal's wait as Retry-After, nothing done, and `kind: "unavailable"` for the console to say it in the agent's
 * language with that wait ("Try again in 5 seconds"). Neither cause has a known end: PostgreSQL is connected to anew
 * at each request (no reconnect schedule to read), and a stop takes what it takes; so the wait is
 * UNAVAILABLE_RETRY_AFTER_MS, the one every webhook and the admin API say for the same refusal (src/shared/refusals.ts).
 */
function refuseForNow(res: Response, refused: DeliveryRefused): void {
  res.status(503).set('retry-after', retryAfter(refused.retryAfterMs)).json({ error: refused.message, kind: 'unavailable' } satisfies ServerRefusal);
}

/**
 * A refusal's answer: why, in the page's language, and in each language the console offers, to be said again in the
 * one the agent switches to (console.js).
 *
 *     res.status(409).json(refusal(line('claimFirst', 42), req));
 */
function refusal(said: Line, req: Request): { error: string; inEachLanguage: Record<DeskLanguage, string> } {
  return { error: word(said, pageLanguage(req)), inEachLanguage: wordEach(said) };
}

/**
 * The agent's status as the console shows it; `awayBecause: 'noConsole'` and `awayAfterMs` when they were set Away
 * because no console of theirs was connected, which the console tells them.
 */
function statusOf(state: AgentState | undefined, awayAfterMs: number | undefined): { status: AgentState['status']; awayBecause?: 'noConsole'; awayAfterMs?: number } {
  const status = state?.status ?? 'offline';
  if (status !== 'away' || state?.awayBecause !== 'noConsole') return { status };
  return { status, awayBecause: 'noConsole', ...(awayAfterMs !== undefined ? { awayAfterMs } : {}) };
}

/** What agents read of a conversation: what the customer, the bot and agents said, and notes; not the copies relayed to agents. */
function transcript(messages: Message[]): Message[] {
  return messages.filter((message) => !message.toAgent);
}

/** A message of the customer's that an agent may answer in particular: one they wrote, known on their channel by its id. */
function isAnswerable(message: Message): boolean {
  return message.direction === 'in' && message.from === 'contact' && message.channelMessageId !== undefined && message.reaction === undefined && message.edit === undefined && !isDeletion(message);
}

/** The channel message ids of the customer's messages they deleted since. */
function deletedIds(messages: readonly Message[]): Set<string> {
  return new Set(messages.flatMap((message) => (message.deletion !== undefined && isDeletion(message) ? [message.deletion.of] : [])));
}

/** What the customer's messages they edited say now, by their channel message id: the last edit of each. */
function editedTexts(messages: readonly Message[]): Map<string, string> {
  return new Map(messages.flatMap((message) => (message.direction === 'in' && message.from === 'contact' && message.edit !== undefined ? [[message.edit.of, message.edit.text] as const] : [])));
}

/** A message as the console shows it, worded (a kind nothing here can show) in the page's `language`. */
function toConsole(
  message: Message, conversationId: number, name: string | undefined, language: DeskLanguage, quoting: Quoting, deleted: ReadonlySet<string>, edited: ReadonlyMap<string, string>,
): ConsoleMessage {
  const taken = isAnswerable(message) && deleted.has(message.channelMessageId ?? '');
  const now = isAnswerable(message) && !taken ? edited.get(message.channelMessageId ?? '') : undefined;
  const text = shownText(message, language, quoting);
  return {
    id: message.id,
    from: message.from,
    ...(name !== undefined ? { name } : {}),
    text,
    // The writer's styles (an agent's bold, a flow's *Thanks*), on the words as they were written: none on a line worded here.
    ...(message.styles?.length && text === message.text ? { styles: message.styles } : {}),
    ...(message.choices ? { choices: message.choices } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map((attachment) => consoleAttachment(attachment, conversationId)) } : {}),
    at: message.at,
    ...(message.direction === 'out' && message.status ? { status: message.status } : {}),
    ...(message.direction === 'out' && message.replyTo !== undefined && message.quote !== undefined ? { quote: message.quote } : {}),
    ...(isAnswerable(message) && !taken ? { answerable: true as const } : {}),
    ...(taken ? { deleted: true as const } : {}),
    ...(message.direction === 'in' && message.oldPress ? { late: true as const } : {}),
    ...(now !== undefined ? { edited: now } : {}),
    ...(message.direction === 'out' && message.from === 'agent' && message.agentId === undefined ? { inApp: true as const } : {}),
    ...(message.delivery ? { delivery: message.delivery } : {}),
    ...(message.error ? { error: message.error } : {}),
    ...(message.error && message.failure ? { failure: message.failure } : {}),
  };
}

function consoleAttachment(attachment: Attachment, conversationId: number): NonNullable<ConsoleMessage['attachments']>[number] {
  const { kind, mime, name, size, ref, location, contact, refused, refusal } = attachment;
  return {
    kind,
    ...(mime !== undefined ? { mime } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(ref !== undefined ? { url: `/agent/api/conversations/${conversationId}/media/${encodeURIComponent(ref)}` } : {}),
    ...(location ? { location } : {}),
    ...(contact ? { contact } : {}),
    ...(refused !== undefined ? { refused } : {}),
    ...(refused !== undefined && refusal ? { refusal } : {}),
  };
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Why an action's body is refused: what the console's forms can send in words its agent reads, the rest as it is. */
function actionProblem(error: z.ZodError): Line {
  const [issue] = error.issues;
  const field = issue?.path.at(-1);
  if (issue?.code === 'too_small' && field === 'to') return line('pickTransferTarget');
  if (issue?.code === 'too_small' && field === 'text') return line('noteEmpty');
  return line('badRequest', `expected {"action": {"kind": "status"|"claim"|"transfer"|"note"|"close"|"handBack"|"template", …}}: ${error.issues.map(describeIssue).join('; ')}`);
}

/** Why a reply's body is refused. */
function replyProblem(error: z.ZodError): Line {
  const [issue] = error.issues;
  if (issue?.path[0] === 'text' && issue.code === 'too_big') return line('tooLong', MAX_TEXT_LENGTH);
  if (issue?.path[0] === 'text' && issue.code === 'custom') return line('replyEmpty');
  return line('badRequest', error.issues.map(describeIssue).join('; '));
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_union_discriminator') return `${issue.path.join('.')}: must be one of ${issue.options.map((option) => `"${String(option)}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.path.length === 0) return 'the body must be a JSON object';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
