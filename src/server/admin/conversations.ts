// `/api/conversations`: the list with filters, search and paging; a transcript with notes, files, delivery and the
// conversation's lifecycle; and an admin's decisions (close, transfer, hand back, assign, note), each through the
// agent action API so the customer and the agents hear of it exactly as when an agent decides.
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { AdminAction } from '../../handover/admin-actions.ts';
import { line, UNSHOWN_KINDS, word, wordEach, type DeskLanguage, type Line } from '../../handover/lines.ts';
import type { ActionResult } from '../../handover/actions.ts';
import { DeliveryRefused } from '../../types.ts';
import { retryAfter, type ServerRefusal } from '../../shared/refusals.ts';
import { againCopy, sendAgainOrWhyNot, sendAgainWithheld, sentAgainIds, webchatSession, writerLetGo } from '../send-again.ts';
import { isDeletion, quotingFrom, shownText } from '../../handover/card.ts';
import type { TeamDirectory } from '../../handover/directory.ts';
import { sameTeam } from '../../handover/team.ts';
import { setMediaHeaders } from '../../channels/webchat/attachments.ts';
import { actorOf, doneBy, TIMELINES, type TimelineActor, type TimelineEvent } from '../../bot/timeline.ts';
import type { Contact, Conversation, Message, TextStyle } from '../../store/types.ts';
import { safeName } from '../../store/media.ts';
import { readMarkup } from '../../shared/markup.ts';
import { nameOf } from './auth.ts';
import { badRequest, describeZod, type AdminContext } from './context.ts';
import { pageLanguage } from '../language.ts';
import { routeTitle, shownFields, type Wording } from '../../flows/labels.ts';
import { contactsNewestFirst, conversationsNewestFirst } from './pages.ts';
import { inTranscript, summarize } from './summary.ts';
import { teachable } from './teachable.ts';
import { byWait, waitedSince } from '../../handover/assignment/queue.ts';
import { isTimeZone } from '../../handover/reports.ts';

const listQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  stage: z.enum(['bot', 'queued', 'assigned']).optional(),
  team: z.string().max(100).optional(),
  agent: z.string().max(100).optional(),
  channel: z.string().max(100).optional(),
  intent: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
  // A conversation's number (newest first), or in the queue's order `<ms queued>-<number>` (see `queueFirst`).
  cursor: z.string().regex(/^\d{1,16}(-\d{1,16})?$/, 'a cursor as a previous page gave it (nextCursor)').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();

const idParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const note = z.string().trim().min(1).max(4000);
/** The agent (id) the admin's screen showed holding the conversation, null for none: refused if that changed since. */
const holder = z.string().trim().min(1).max(100).nullable().optional();
const actionBodies = {
  close: z.object({ note: z.string().trim().max(2000).optional(), shareNote: z.boolean().optional(), seen: z.number().int().min(0).safe().optional(), holder }).strict(),
  transfer: z.object({ team: z.string().trim().min(1).max(100).optional(), agentId: z.string().trim().min(1).max(100).optional(), holder }).strict()
    .refine((body) => (body.team === undefined) !== (body.agentId === undefined), 'give a team or an agentId (one of the two)'),
  handback: z.object({ holder }).strict(),
  assign: z.object({ agentId: z.string().trim().min(1).max(100), holder }).strict(),
  note: z.object({ text: note }).strict(),
} as const;

/** Whether a conversation (with its contact) answers the search `q`: the contact's name and fields, the conversation's fields. */
function matchesFields(q: string, conversation: Conversation, contact: Contact | undefined): boolean {
  const texts = [contact?.name, ...Object.values(contact?.fields ?? {}), ...Object.values(conversation.fields)];
  return texts.some((text) => text !== undefined && text !== null && String(text).toLowerCase().includes(q));
}

/** The invisible marks that keep a quoted text's direction: not typed by anyone searching. */
const ISOLATES = /[\u2066-\u2069]/g;

/**
 * A message as the admin reads it in `language`, lower-cased for a search: a reaction, an edit or a deletion in the
 * admin's words ("[تفاعل بـ 👍]"), not the transcript's English line ("[reacted 👍]") the store keeps.
 */
function searchedText(message: Message, language: DeskLanguage, quoting: ReturnType<typeof quotingFrom>): string {
  return shownText(message, language, quoting).replace(ISOLATES, '').toLowerCase();
}

/**
 * Whether a word of `q` is found in the words that frame an event line in `language` ("تفاعل", "deleted"), which the
 * store does not hold as the admin reads them: such a search ("تفاعل بـ 👍") reads the transcripts rather than ask the
 * store for the text.
 */
function inEventWords(q: string, language: DeskLanguage): boolean {
  const framing = [line('reactedWith', '', undefined), line('editedMessage', '', ''), line('editedMessage', ' ', ' '), line('deletedMessage', ''), line('deletedMessage', ' '), line('kindNotShown', UNSHOWN_KINDS.join(', ')), line('kindNotShownInApp', UNSHOWN_KINDS.join(', '))]
    .map((said) => word(said, language).replace(ISOLATES, '').toLowerCase()).join('\n');
  return q.split(/\s+/).some((part) => part.length > 1 && framing.includes(part));
}

/**
 * Whether every letter of `text` (as typed, before lower-casing: İ becomes i and a combining dot) is ASCII or has no
 * case: what any database lower-cases as JavaScript does.
 */
function caseless(text: string): boolean {
  for (const char of text) if (char.charCodeAt(0) >= 128 && (char.toUpperCase() !== char || char.toLowerCase() !== char)) return false;
  return true;
}

/**
 * Which conversations said a searched text, asked (`ask`: `Store.conversationsSaying` for that text) in batches down
 * from the newest, as a search walks the conversations newest first.
 */
export class Saying {
  readonly #ids = new Set<number>();
  /** Every conversation at or above this id has been asked about. */
  #below = Number.MAX_SAFE_INTEGER;
  #exhausted = false;

  /** `batch`: ids asked for at a time (more than a page's worth). */
  constructor(private readonly ask: (options: { before: number; limit: number }) => Promise<number[]>, private readonly batch: number) {}

  async has(id: number): Promise<boolean> {
    while (!this.#exhausted && id < this.#below) {
      const found = await this.ask({ before: this.#below, limit: this.batch });
      for (const one of found) this.#ids.add(one);
      if (found.length < this.batch) this.#exhausted = true;
      // The lowest found: every conversation between it and the last bound has been asked about.
      else this.#below = found.at(-1) as number;
    }
    return this.#ids.has(id);
  }
}

/** An attachment as the transcript gives it: what it is, and where an admin fetches its bytes. */
function attachmentOf(conversationId: number, attachment: NonNullable<Message['attachments']>[number]) {
  const { kind, name, mime, ref, refused, location, contact, caption } = attachment;
  return {
    kind,
    // Cleaned as shown too: a name stored before names were cleaned where they come in may still carry a U+202E.
    ...(name !== undefined ? { name: safeName(name) } : {}),
    ...(mime !== undefined ? { mime } : {}),
    ...(caption !== undefined ? { caption } : {}),
    ...(ref !== undefined ? { url: `/api/conversations/${conversationId}/media/${ref}` } : {}),
    ...(refused !== undefined ? { refused } : {}),
    ...(location ? { location } : {}),
    ...(contact ? { contact } : {}),
  };
}

/** The lifecycle of a conversation: its timeline, or what its timestamps tell for one older than timelines. */
function eventsOf(conversation: Conversation, timeline: TimelineEvent[] | undefined): TimelineEvent[] {
  if (timeline && timeline.length > 0) return timeline;
  const { team, agentId, closedBy } = conversation;
  const events: TimelineEvent[] = [{ at: conversation.openedAt, type: 'opened', ...doneBy(conversation.source) }];
  if (conversation.queuedAt) events.push({ at: conversation.queuedAt, type: 'queued', ...(team ? { team, detail: team } : {}) });
  if (conversation.assignedAt) events.push({ at: conversation.assignedAt, type: 'assigned', ...(agentId ? { agentId, detail: agentId } : {}) });
  if (conversation.closedAt) events.push({ at: conversation.closedAt, type: 'closed', ...(closedBy ? doneBy(closedBy) : {}) });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

/** Who a moment names as the dashboard words it in the admin's language: an agent by their name, not their id. */
interface Actor {
  kind: TimelineActor['kind'];
  name?: string;
}

function named(actor: TimelineActor, directory: TeamDirectory): Actor {
  if (actor.kind === 'admin') return { kind: 'admin', name: actor.name };
  if (actor.kind === 'agent' && actor.id !== undefined) return { kind: 'agent', name: directory.agent(actor.id)?.name ?? actor.id };
  return { kind: actor.kind };
}

/**
 * A moment recorded before timelines kept who and where apart, with its English `detail` taken apart. Only for
 * those (timelines already in a lowdb file or a PostgreSQL database): it misreads a team or admin whose name says
 * " by ", which is why moments are now recorded with their parts.
 */
function partsFromDetail(event: TimelineEvent): TimelineEvent {
  const { detail } = event;
  if (detail === undefined) return event;
  const moved = /^to (.+) by (.+)$/s.exec(detail);
  if (event.type === 'transferred' && moved) return { ...event, to: moved[1]!, by: actorOf(moved[2]!) };
  const by = /^by (.+)$/s.exec(detail);
  if (by) return { ...event, by: actorOf(by[1]!) };
  if (event.type === 'classified') return { ...event, intent: detail };
  if (event.type === 'queued') return { ...event, team: detail };
  if (event.type === 'assigned') return { ...event, agentId: detail };
  return event;
}

/**
 * A moment as the transcript gives it: who did it (`by`), where it went (`to`), the team, agent (by name) or intent
 * with the title of its route in the page's language (`topic`), so that nobody reads `by admin:Nadia`, an agent's id
 * or an intent's id alone; `detail` stays as recorded. The parts recorded with the moment are used as they are; the
 * English `detail` is parsed only for a moment recorded without them.
 */
function described(event: TimelineEvent, directory: TeamDirectory, wording: Wording, language: string | undefined) {
  const recordedApart = event.by !== undefined || event.to !== undefined || event.team !== undefined || event.agentId !== undefined || event.intent !== undefined;
  const { at, type, detail, by, to, team, agentId, intent, from, because } = recordedApart ? event : partsFromDetail(event);
  const topic = intent !== undefined ? routeTitle(intent, wording, language) : undefined;
  return {
    at, type,
    ...(detail !== undefined ? { detail } : {}),
    ...(by ? { by: named(by, directory) } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(team !== undefined ? { team } : {}),
    ...(agentId !== undefined ? { agent: directory.agent(agentId)?.name ?? agentId } : {}),
    ...(intent !== undefined ? { intent } : {}),
    ...(topic !== undefined ? { topic } : {}),
    ...(from !== undefined ? { from: directory.agent(from)?.name ?? from } : {}),
    ...(because !== undefined ? { because } : {}),
  };
}

/** Where a page of the list starts: below a conversation's number, or after a place in the queue. */
type ListCursor = { id: number } | { since: number; id: number };

function cursorOf(text: string | undefined): ListCursor | undefined {
  if (text === undefined) return undefined;
  const [first, second] = text.split('-').map(Number) as [number, number | undefined];
  return second === undefined ? { id: first } : { since: first, id: second };
}

/** The cursor after `conversation`: its place in the queue (`inQueue`), or its number. */
function cursorAfter(conversation: Conversation, inQueue: boolean): string {
  return inQueue ? `${waitedSince(conversation)}-${conversation.id}` : String(conversation.id);
}

/**
 * The queue longest-waiting first (by when each joined it, then number: what the dashboard shows as *Waiting*), all of
 * it, page after page, not only the newest 200; then, for any status (`closedToo`), those closed while queued, newest
 * first. A page starts after the cursor: a place in the queue, or (among the closed) a number.
 */
async function* queueFirst(store: AdminContext['store'], cursor: ListCursor | undefined, closedToo: boolean, agentId: string | undefined): AsyncGenerator<Conversation> {
  if (cursor === undefined || 'since' in cursor) {
    const queued = (await store.openConversations({ stage: 'queued', ...(agentId ? { agentId } : {}) })).sort(byWait);
    for (const conversation of queued) {
      if (cursor === undefined || waitedSince(conversation) > cursor.since || (waitedSince(conversation) === cursor.since && conversation.id > cursor.id)) yield conversation;
    }
  }
  if (closedToo) {
    for await (const conversation of conversationsNewestFirst(store, cursor !== undefined && !('since' in cursor) ? cursor.id : undefined)) {
      if (conversation.status === 'closed') yield conversation;
    }
  }
}

/** Mounts the conversation routes on the admin router. */
export function mountConversations(router: Router, context: AdminContext): void {
  const { store, directory } = context;

  const summaryOf = async (conversation: Conversation, language: DeskLanguage) =>
    summarize(conversation, { contact: await store.contact(conversation.contactId), directory, messages: await store.messagesOfConversation(conversation.id), now: context.now(), language });

  /** The conversation of the URL, or undefined after answering 400 or 404. */
  const conversationOf = async (req: Request, res: Response): Promise<Conversation | undefined> => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return void res.status(400).json({ error: word(line('notAnId'), pageLanguage(req)) });
    const conversation = await store.conversation(id.data);
    if (!conversation) res.status(404).json({ error: word(line('noSuchConversation', id.data), pageLanguage(req)) });
    return conversation;
  };

  router.get('/conversations', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const { status, stage, team, agent, channel, intent, limit } = query.data;
    const q = query.data.q?.trim().toLowerCase() || undefined;
    const at = cursorOf(query.data.cursor);
    // The queue in its order (longest waiting first); a place in it is no cursor for the other lists.
    const queueOrder = stage === 'queued' && status !== 'closed';
    if (at && 'since' in at && !queueOrder) return void res.status(400).json({ error: 'cursor: a place in the queue (as a page of stage=queued gave it) pages only the queue' });
    const cursor = at && !('since' in at) ? at.id : undefined;
    // Open ones (the queue board) from the store's open index, not from every conversation ever held.
    // The others page by page, newest first, from the cursor on.
    const all = queueOrder
      ? queueFirst(store, at, status === undefined, agent)
      : status === 'open'
        ? (await store.openConversations({ ...(stage ? { stage } : {}), ...(agent ? { agentId: agent } : {}) })).sort((a, b) => b.id - a.id)
        : conversationsNewestFirst(store, cursor);
    // A search looks at every contact: read once (page by page), not one conversation at a time.
    const contacts = new Map<string, Contact | undefined>();
    if (q) for await (const contact of contactsNewestFirst(store)) contacts.set(contact.id, contact);
    const contactOf = async (id: string) => {
      if (!contacts.has(id)) contacts.set(id, await store.contact(id));
      return contacts.get(id);
    };
    // The database narrows a search down when it lower-cases the text as JavaScript does: for ASCII letters and
    // scripts without case (Arabic). For other letters (İ, Σ, É on a database whose ctype is C) it may not: those
    // searches read the transcripts. Either way the transcript has the last word.
    const language = pageLanguage(req);
    const search = q && caseless(query.data.q ?? '') && !inEventWords(q, language) ? store.conversationsSaying?.bind(store) : undefined;
    const saying = q && search ? new Saying((options) => search(q, options), Math.max(200, limit + 1)) : undefined;
    const page: { conversation: Conversation; messages: Message[] }[] = [];
    let more = false;
    // An open list read from the open index (the queue board) counts what matches beyond its page: "Waiting 200" over a
    // queue of 260 would hide the surge. A search or a history would read every transcript or record to count: neither does.
    const counting = status === 'open' && !q && at === undefined;
    let beyond = 0;
    // And by team, as the board groups them (by the conversation's team, '' for none): "Billing 200" of 253 misled too.
    const teams: Record<string, number> = Object.create(null);
    for await (const conversation of all) {
      if (cursor !== undefined && conversation.id >= cursor) continue;
      if (status && conversation.status !== status) continue;
      if (stage && conversation.stage !== stage) continue;
      if (team && !(conversation.team !== undefined && sameTeam(conversation.team, team))) continue;
      if (agent && conversation.agentId !== agent) continue;
      if (channel && conversation.channel !== channel) continue;
      if (intent && conversation.intent !== intent) continue;
      let messages: Message[] | undefined;
      if (q && !matchesFields(q, conversation, await contactOf(conversation.contactId))) {
        if (saying && !(await saying.has(conversation.id))) continue;
        messages = await store.messagesOfConversation(conversation.id);
        const quoting = quotingFrom(messages);
        if (!messages.some((message) => inTranscript(message) && searchedText(message, language, quoting).includes(q))) continue;
      }
      if (counting) teams[conversation.team ?? ''] = (teams[conversation.team ?? ''] ?? 0) + 1;
      if (page.length === limit) {
        more = true;
        if (!counting) break;
        beyond++;
        continue;
      }
      page.push({ conversation, messages: messages ?? await store.messagesOfConversation(conversation.id) });
    }
    const now = context.now();
    const conversations = await Promise.all(page.map(async ({ conversation, messages }) =>
      summarize(conversation, { contact: await contactOf(conversation.contactId), directory, messages, now, language })));
    const last = page.at(-1)?.conversation;
    res.json({ conversations, ...(more && last ? { nextCursor: cursorAfter(last, queueOrder && last.status === 'open') } : {}), ...(counting ? { total: page.length + beyond, teams } : {}) });
  });

  router.get('/conversations/:id', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const contact = await store.contact(conversation.contactId);
    const messages = await store.messagesOfConversation(conversation.id);
    const timeline = await store.doc<TimelineEvent[]>(TIMELINES, String(conversation.id));
    const language = pageLanguage(req);
    const quoting = quotingFrom(messages);
    const resent = sentAgainIds(messages);
    const withheld = sendAgainWithheld(messages, { conversation, name: (agentId) => directory.agent(agentId)?.name ?? agentId });
    const summary = summarize(conversation, { contact, directory, messages, now: context.now(), language });
    const wording = await context.flows.wording(conversation);
    // Its intent by its route's title, as the reports name intents ("Billing", not billing), though the team says the same.
    const topic = conversation.intent !== undefined ? routeTitle(conversation.intent, wording, language) : undefined;
    const teach = await teachable(conversation, contact, messages, context.flows);
    const noHandBack = conversation.status === 'open' && conversation.stage !== 'bot' ? await context.whyNoHandBack?.(conversation) : undefined;
    res.json({
      conversation: {
        ...summary,
        fields: conversation.fields,
        // As the agent reads them: labelled in the dashboard's language, the contact's too, none twice; the route's title.
        shown: shownFields(contact?.fields ?? {}, conversation.fields, wording, language),
        ...(topic !== undefined ? { topic } : {}),
        ...(conversation.flow ? { flow: { name: conversation.flow.flow, version: conversation.flow.version, step: conversation.flow.step, ...(conversation.flow.done ? { done: true } : {}) } } : {}),
        ...(conversation.closingNote !== undefined ? { closingNote: conversation.closingNote, ...(conversation.closingNoteStyles ? { closingNoteStyles: conversation.closingNoteStyles } : {}) } : {}),
        ...(conversation.firstResponseAt !== undefined ? { firstResponseAt: conversation.firstResponseAt } : {}),
        // Why Hand back would be refused, in each language: the view says it in place of the button.
        ...(noHandBack ? { noHandBack: wordEach(noHandBack) } : {}),
      },
      contact: contact ?? null,
      messages: messages.filter(inTranscript).map((message) => {
        const agentName = message.agentId !== undefined ? directory.agent(message.agentId)?.name ?? message.agentId : undefined;
        return {
        id: message.id, direction: message.direction, from: message.from,
        ...(message.agentId !== undefined ? { agentId: message.agentId, agentName } : {}),
        // A note says who wrote it: an agent (by name) or an admin (notes from before authors were kept: "admin").
        ...(message.from === 'note' ? { author: message.author ?? agentName ?? 'admin' } : {}),
        // Written in the business's own app (the WhatsApp Business app on its phone), not by an agent of Switchboard's.
        ...(message.direction === 'out' && message.from === 'agent' && message.agentId === undefined ? { inApp: true } : {}),
        // A kind nothing here can show, a reaction, an edit, a deletion: in the page's words, not the transcript's English
        // line (`unsupported`: which kind; `event`: what the customer did; neither has words of the customer's to teach).
        text: shownText(message, language, quoting), ...(message.unsupported !== undefined ? { unsupported: message.unsupported } : {}),
        // The writer's styles (an agent's bold, a flow's *Thanks*), on the words as they were written: none on a line worded here.
        ...(message.styles?.length && shownText(message, language, quoting) === message.text ? { styles: message.styles } : {}),
        ...eventOf(message), at: message.at,
        // A press of a button of an earlier question answered nothing: said so, as in the agent console.
        ...(message.direction === 'in' && message.oldPress ? { late: true } : {}),
        // Words the bot read, or could have read, for the customer's need: what Teach its intent is offered under.
        ...(teach.has(message.id) ? { teach: true } : {}),
        ...(message.status !== undefined ? { status: message.status } : {}),
        ...(message.delivery !== undefined ? { delivery: message.delivery } : {}),
        ...(message.error !== undefined ? { error: message.error } : {}),
        // What the failure is known to mean, which the dashboard says in its own words (`error`: the channel's).
        ...(message.error !== undefined && message.failure !== undefined ? { failure: message.failure } : {}),
        // A failed reply sent again has its copy below it: no second Send again.
        ...(resent.has(message.id) ? { sentAgain: true } : {}),
        // One Send again would be refused for: why, instead of the button, in each language (said again in the one the admin switches to).
        ...(withheld.has(message.id) ? { notAgain: wordEach(withheld.get(message.id)!) } : {}),
        ...(message.choices ? { choices: message.choices } : {}),
        ...(message.attachments ? { attachments: message.attachments.map((attachment) => attachmentOf(conversation.id, attachment)) } : {}),
        };
      }),
      events: eventsOf(conversation, timeline).map((event) => described(event, directory, wording, language)),
    });
  });

  router.get('/conversations/:id/media/:ref', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const ref = String(req.params.ref);
    const owned = (await store.messagesOfConversation(conversation.id)).some((message) => message.attachments?.some((attachment) => attachment.ref === ref));
    const found = owned ? await context.media.get(ref) : undefined;
    if (!found) return void res.status(404).json({ error: 'no such file in this conversation' });
    setMediaHeaders(res, found.media);
    await pipeline(found.bytes(), res);
  });

  mountSendAgain(router, context, conversationOf);

  for (const [route, schema] of Object.entries(actionBodies)) {
    router.post(`/conversations/:id/${route}`, express.json({ limit: '16kb' }), async (req, res) => {
      const conversation = await conversationOf(req, res);
      if (!conversation) return;
      const language = pageLanguage(req);
      const body = schema.safeParse(req.body ?? {});
      if (!body.success) return void res.status(422).json({ error: word(line('badRequest', describeZod(body.error)), language) });
      // The zone of the admin's screen (`?tz=Asia/Riyadh`, as the Reports page sends it): a refusal says times in it.
      const tz = typeof req.query.tz === 'string' ? req.query.tz : undefined;
      if (tz !== undefined && !isTimeZone(tz)) return void res.status(422).json({ error: word(line('badRequest', `tz: must be a time zone such as Asia/Riyadh or UTC`), language) });
      const action = toAction(route as keyof typeof actionBodies, conversation.id, body.data as Record<string, unknown>);
      const result = await context.act({ kind: 'admin', name: nameOf(res), ...(tz !== undefined ? { timeZone: tz } : {}) }, action);
      if (!result.ok) return void res.status(409).json({ error: word(result.line, language) });
      const after = await store.conversation(conversation.id);
      res.json({ ok: true, message: word(result.line, language), conversation: after ? await summaryOf(after, language) : null });
    });
  }
}

/**
 * Send again, from the dashboard: a reply of an agent's that did not reach the customer goes once more as that agent's
 * reply (the copy the agent console's Send again sends, so that either goes once), while that agent still holds the
 * conversation; refused as the console refuses it (not a failed text reply, sent again already, nothing would reach the
 * customer), and the admin's move recorded in the conversation's timeline.
 */
function mountSendAgain(router: Router, context: AdminContext, conversationOf: (req: Request, res: Response) => Promise<Conversation | undefined>): void {
  const { store, directory } = context;
  router.post('/conversations/:id/messages/:message/again', async (req, res) => {
    const conversation = await conversationOf(req, res);
    if (!conversation) return;
    const language = pageLanguage(req);
    const refuse = (said: Line) => void res.status(409).json({ error: word(said, language) });
    const messages = await store.messagesOfConversation(conversation.id);
    const found = sendAgainOrWhyNot(conversation.id, messages, String(req.params.message));
    if ('refused' in found) return refuse(found.refused);
    const writer = found.failed.agentId !== undefined ? directory.agent(found.failed.agentId) : undefined;
    if (!writer) return refuse(line('sendAgainNotFailed', conversation.id));
    if (writerLetGo(conversation, found.failed)) return refuse(line('sendAgainNotHeld', conversation.id, writer.name));
    const session = webchatSession(writer);
    if (session === undefined || !context.reply) return refuse(line('sendAgainNoSession', conversation.id, writer.name));
    const by = { kind: 'admin', name: nameOf(res) } as const;
    // Written with the copy, in one write: a crash between them cannot leave one without the other.
    const moment: TimelineEvent = { at: context.now().toISOString(), type: 'sent again', by, agentId: writer.id, detail: `message ${found.failed.id} of ${writer.id} by admin:${by.name}` };
    let result: ActionResult;
    try {
      result = await context.reply(writer, againCopy(session, writer, found.failed, messages), conversation.id, moment);
    } catch (error) {
      if (!(error instanceof DeliveryRefused)) throw error;
      return void res.status(503).set('retry-after', retryAfter(error.retryAfterMs)).json({ error: error.message, kind: 'unavailable' } satisfies ServerRefusal);
    }
    if (!result.ok) return refuse(result.line);
    res.status(202).json({ accepted: true, message: word(line('sentAgain', conversation.id), language) });
  });
}

/** The admin action a route and its body ask for. */
function toAction(route: keyof typeof actionBodies, conversationId: number, body: Record<string, unknown>): AdminAction {
  switch (route) {
    case 'close': {
      const note = body.note ? readNote(body.note as string) : undefined;
      return { kind: 'close', conversationId, ...(note ? { note: note.text, ...(note.styles ? { noteStyles: note.styles } : {}) } : {}), ...(body.shareNote ? { shareNote: true } : {}), ...(body.seen !== undefined ? { seen: body.seen as number } : {}), ...heldBy(body) };
    }
    case 'transfer': return { kind: 'transfer', conversationId, ...(body.team ? { team: body.team as string } : {}), ...(body.agentId ? { agentId: body.agentId as string } : {}), ...heldBy(body) };
    case 'handback': return { kind: 'handBack', conversationId, ...heldBy(body) };
    case 'assign': return { kind: 'assign', conversationId, agentId: body.agentId as string, ...heldBy(body) };
    case 'note': return { kind: 'note', conversationId, ...readNote(body.text as string) };
  }
}

/**
 * A note read as WhatsApp's markup, as the agent console reads its notes and replies: "*VIP*, refund `R-42`" is kept
 * as its words with "VIP" bold, and the agent told of the close reads them without the markers.
 */
function readNote(written: string): { text: string; styles?: TextStyle[] } {
  const read = readMarkup(written);
  return read.styles.length > 0 ? read : { text: read.text };
}

/** The holder the admin's screen showed, when the body says it. */
function heldBy(body: Record<string, unknown>): { holder?: string | null } {
  return body.holder !== undefined ? { holder: body.holder as string | null } : {};
}

/** What a transcript row stands for when the customer did something rather than wrote: reacted, edited or deleted a message. */
function eventOf(message: Message): { event?: 'reaction' | 'edit' | 'deletion' } {
  if (message.reaction) return { event: 'reaction' };
  if (message.edit && message.from === 'contact') return { event: 'edit' };
  return isDeletion(message) ? { event: 'deletion' } : {};
}
