// `/api/contacts`: list and search, one contact with their conversations, edit the name and `contact.*` fields, and
// the data-protection erase (the contact, their conversations, messages and files), logged with ids and counts only.
import express, { type Request, type Response, type Router } from 'express';
import { z, type ZodError, type ZodIssue } from 'zod';
import { EARLY_CHANGES, earlyChangesKey } from '../../bot/early-changes.ts';
import { OPEN_KEYBOARDS, openKeyboardKey } from '../../bot/kept-keyboards.ts';
import { WAITING_REFERRALS, waitingReferralKey } from '../../bot/waiting-referrals.ts';
import { TIMELINES } from '../../bot/timeline.ts';
import { RESERVED_FIELD_NAMES } from '../../flows/fields.ts';
import type { CompiledFlow } from '../../flows/types.ts';
import { beforeErase, ERASE_NOTICES, eraseNotice } from '../../handover/erasing.ts';
import { line, word, type DeskLanguage } from '../../handover/lines.ts';
import { pageLanguage } from '../language.ts';
import { deleteErasedFiles, ERASED_FILES } from '../../store/erased-files.ts';
import { markErased } from '../../store/erased-relays.ts';
import type { Contact, Conversation, ErasedContact } from '../../store/types.ts';
import { personName } from '../../shared/text.ts';
import { retryAfter, UNAVAILABLE_RETRY_AFTER_MS, type ServerRefusal } from '../../shared/refusals.ts';
import { nameOf } from './auth.ts';
import { badRequest, describeZod, type AdminContext } from './context.ts';
import { contactsNewestFirst } from './pages.ts';
import { summarize } from './summary.ts';

const listQuery = z.object({
  q: z.string().max(200).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();

/** A field name as flows write it after `contact.` (`contact.email`). */
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const fieldKey = z.string().regex(FIELD_KEY, 'a field name is letters, digits and "_", not starting with a digit (like email or order_id)');
const fieldValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);

/**
 * `fields` as its own entries, each checked: zod's record leaves out a key named `__proto__` (an edit of it answered
 * 200 and did nothing), which an older store may hold and the admin must be able to remove. A name no flow may use
 * (`constructor`…) may only be removed (null).
 */
const fieldEdits = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object of field names and values')
  .transform((fields, ctx) => {
    const edits: [string, z.infer<typeof fieldValue>][] = [];
    for (const [key, value] of Object.entries(fields)) {
      const name = fieldKey.safeParse(key);
      const parsed = fieldValue.safeParse(value);
      for (const issue of [...(name.error?.issues ?? []), ...(parsed.error?.issues ?? [])]) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as z.IssueData);
      if (parsed.success && parsed.data !== null && RESERVED_FIELD_NAMES.includes(key)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `"${key}" is a name JavaScript keeps for itself`, params: { reservedField: key } });
      }
      if (name.success && parsed.success) edits.push([key, parsed.data]);
    }
    return edits;
  });
/**
 * A contact's new name as agents will read it (`personName`): an admin's paste keeps no direction override or zero-width
 * character a channel's name would lose. One that shows nothing is refused, as a blank one always was.
 */
const nameEdit = z.string().max(200).transform((name, ctx) => {
  const shown = personName(name);
  if (shown === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a name needs a visible character', params: { blankName: true } });
  return shown ?? z.NEVER;
});
/**
 * What the admin read before their edit, for what they change: `name` (null: none), and each field's value (null:
 * none). An edit over a value someone changed since is refused (409), never written over it unseen.
 */
const seenBody = z.object({
  name: z.string().nullable().optional(),
  fields: z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object of field names and the values you read').optional(),
}).strict();
const patchBody = z.object({
  name: nameEdit.optional(),
  fields: fieldEdits.optional(),
  seen: seenBody.optional(),
}).strict();

/** The same value, a missing one as null: fields hold strings, numbers and booleans (and what an older store kept). */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What `edit` changes that someone changed since the admin read it (`edit.seen`), and to other than the admin's
 * value: `name` and the fields' names.
 *
 *     changedSince(contact, { fields: [['email', 'b@x.com']], seen: { fields: { email: 'old@x.com' } } }); // ['email'] when it is a@x.com now
 */
function changedSince(contact: Contact, edit: z.infer<typeof patchBody>): string[] {
  const { seen } = edit;
  if (!seen) return [];
  const changed: string[] = [];
  if (edit.name !== undefined && seen.name !== undefined && !sameValue(contact.name, seen.name) && !sameValue(contact.name, edit.name)) changed.push('name');
  for (const [key, value] of edit.fields ?? []) {
    if (!seen.fields || !Object.hasOwn(seen.fields, key)) continue;
    const now = Object.hasOwn(contact.fields, key) ? contact.fields[key] : null;
    if (!sameValue(now, seen.fields[key]) && !sameValue(now, value)) changed.push(key);
  }
  return changed;
}

/**
 * Why an edit was refused, in the admin's language: a value for a reserved field name worded as the dashboard words
 * it, any other problem as the schema says it (in Arabic behind "the request is not valid").
 *
 *     res.status(422).json({ error: editRefused(body.error, pageLanguage(req)) });
 */
function editRefused(error: ZodError, language: DeskLanguage): string {
  const others = error.issues.filter((issue) => reservedIn(issue) === undefined && !blankName(issue));
  return [
    ...(others.length > 0 ? [word(line('badRequest', describeZod(new z.ZodError(others))), language)] : []),
    ...(error.issues.some(blankName) ? [word(line('blankContactName'), language)] : []),
    ...error.issues.flatMap((issue) => {
      const field = reservedIn(issue);
      return field === undefined ? [] : [word(line('reservedFieldName', issue.path.join('.'), field), language)];
    }),
  ].join('; ');
}

/** The reserved field name an issue of `fieldEdits` refuses a value for. */
function reservedIn(issue: ZodIssue): string | undefined {
  return issue.code === z.ZodIssueCode.custom ? (issue.params as { reservedField?: string } | undefined)?.reservedField : undefined;
}

/** Whether an issue of `nameEdit` refuses a name that shows nothing. */
function blankName(issue: ZodIssue): boolean {
  return issue.code === z.ZodIssueCode.custom && (issue.params as { blankName?: boolean } | undefined)?.blankName === true;
}

/**
 * The edits that give a value to a field a flow in service saves under other capitals (`Email` beside
 * `save: contact.email`), each with the flow's name for it: flows read a field by its name as written, so the
 * question `skip_if_known` would skip is asked again, and agents read the two side by side.
 */
function miscasedFields(edits: [string, unknown][], flows: readonly CompiledFlow[]): [string, string][] {
  const saved = new Map<string, string>();
  for (const flow of flows) {
    for (const path of flow.saves) if (path.startsWith('contact.')) saved.set(path.slice('contact.'.length).toLowerCase(), path.slice('contact.'.length));
  }
  return edits.flatMap(([key, value]): [string, string][] => {
    const field = saved.get(key.toLowerCase());
    return value !== null && field !== undefined && field !== key ? [[key, field]] : [];
  });
}

/** Where web chat sessions are kept (one document per session, holding the name its visitor gave). */
const WEBCHAT_SESSIONS = 'webchat-sessions';

/** A contact as the list gives it. */
function listed(contact: Contact, conversations: number) {
  const { id, name, identities, fields, tags, createdAt, updatedAt } = contact;
  return { id, ...(name !== undefined ? { name } : {}), identities: identities.map(({ channel, id: address }) => ({ channel, id: address })), fields, tags, createdAt, updatedAt, conversations };
}

/** Whether a contact answers the search `q`: name, fields, addresses. */
function matches(q: string, contact: Contact): boolean {
  const texts = [contact.name, contact.id, ...Object.values(contact.fields), ...contact.identities.map((identity) => identity.id)];
  return texts.some((text) => text !== undefined && text !== null && String(text).toLowerCase().includes(q));
}

/** Mounts the contact routes on the admin router. */
export function mountContacts(router: Router, context: AdminContext): void {
  const { store, directory } = context;

  const contactOf = async (req: Request, res: Response): Promise<Contact | undefined> => {
    const id = String(req.params.id);
    const contact = id.length <= 100 ? await store.contact(id) : undefined;
    if (!contact) res.status(404).json({ error: word(line('noSuchContact'), pageLanguage(req)) });
    return contact;
  };

  router.get('/contacts', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return void badRequest(res, query.error);
    const { cursor, limit } = query.data;
    const q = query.data.q?.trim().toLowerCase() || undefined;
    // Newest (the last stored) first, page by page; the cursor is the last contact of the previous page.
    if (cursor !== undefined && !(await store.contact(cursor))) return void res.status(400).json({ error: 'cursor: not a contact of this list (start again without it)' });
    const page: Contact[] = [];
    let more = false;
    for await (const contact of contactsNewestFirst(store, cursor)) {
      if (q && !matches(q, contact)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(contact);
    }
    // Counted for the page only (not from every conversation held), in one read.
    const counts = new Map<string, number>();
    for (const conversation of await store.conversationsOfContacts(page.map((contact) => contact.id))) {
      counts.set(conversation.contactId, (counts.get(conversation.contactId) ?? 0) + 1);
    }
    res.json({
      contacts: page.map((contact) => listed(contact, counts.get(contact.id) ?? 0)),
      ...(more ? { nextCursor: page.at(-1)!.id } : {}),
    });
  });

  router.get('/contacts/:id', async (req, res) => {
    const contact = await contactOf(req, res);
    if (!contact) return;
    const conversations = (await store.conversationsOfContacts([contact.id])).reverse();
    const now = context.now();
    res.json({
      contact,
      conversations: await Promise.all(conversations.map(async (conversation) => summarize(conversation, { contact, directory, messages: await store.messagesOfConversation(conversation.id), now, language: pageLanguage(req) }))),
    });
  });

  router.patch('/contacts/:id', express.json({ limit: '64kb' }), async (req, res) => {
    const body = patchBody.safeParse(req.body);
    if (!body.success) return void res.status(422).json({ error: editRefused(body.error, pageLanguage(req)) });
    const miscased = miscasedFields(body.data.fields ?? [], context.flows.inService());
    if (miscased.length > 0) return void res.status(422).json({ error: miscased.map(([key, field]) => word(line('fieldNameCase', `fields.${key}`, field), pageLanguage(req))).join('; ') });
    const known = await contactOf(req, res);
    if (!known) return;
    const identity = known.identities[0];
    // On the customer's key, so the edit takes its place among their messages.
    const outcome = await store.transaction(identity ? `${identity.channel}:${identity.id}` : `contact:${known.id}`, async (tx): Promise<Contact | { changed: string[]; contact: Contact } | undefined> => {
      const contact = await tx.contact(known.id);
      if (!contact) return undefined;
      const changed = changedSince(contact, body.data);
      if (changed.length > 0) return { changed, contact };
      if (body.data.name !== undefined) contact.name = body.data.name;
      for (const [key, value] of body.data.fields ?? []) {
        if (value === null) delete contact.fields[key];
        else contact.fields[key] = value;
      }
      contact.updatedAt = context.now().toISOString();
      tx.putContact(contact);
      return contact;
    });
    if (!outcome) return void res.status(404).json({ error: word(line('noSuchContact'), pageLanguage(req)) });
    // `kind` and `changed` for the page that words it in its own language; `contact` as it is now.
    if ('changed' in outcome) return void res.status(409).json({ error: word(line('contactChangedSince', outcome.changed.join(', ')), pageLanguage(req)), kind: 'changedSince', changed: outcome.changed, contact: outcome.contact });
    const updated = outcome;
    context.log.info({ contact: updated.id, fields: (body.data.fields ?? []).map(([key]) => key), name: body.data.name !== undefined, by: nameOf(res) }, 'contact edited from the admin API');
    res.json({ contact: updated });
  });

  router.delete('/contacts/:id', async (req, res) => {
    const contact = await contactOf(req, res);
    if (!contact) return;
    const conversations = await store.conversationsOfContacts([contact.id]);
    // Which messages agents were sent about them, by id alone: an agent's Reply on one then reaches no other customer.
    const toAgents = (await Promise.all(conversations.map((conversation) => store.messagesOfConversation(conversation.id)))).flat();
    // And, once they are gone, an agent who held one of their conversations chooses whom they write to before a plain
    // message of theirs reaches anyone: it may be meant for the customer erased. Those marks hold only once the
    // conversation (or the contact) is gone, so an erase that fails below, or a process killed before it, leaves
    // the agent writing to the customer as before; asking again marks again, and erases.
    const desk = { directory, now: context.now, log: context.log };
    await store.transaction(`erase:${contact.id}`, async (tx) => {
      markErased(tx, toAgents);
      await beforeErase(desk, tx, contact.id, conversations);
    });
    // What else names them goes in the erase's own step (their lifecycle timelines, the name their web chat sessions
    // were made with): the compaction that ends it leaves no older copy of those in the journal either, and an erase
    // that fails leaves them, and the web chat visitor's session, as they were.
    const sessions = contact.identities.filter((identity) => identity.channel === 'webchat').map((identity) => identity.id);
    const docs: [string, string][] = [
      ...conversations.map((conversation): [string, string] => [TIMELINES, String(conversation.id)]),
      ...sessions.map((session): [string, string] => [WEBCHAT_SESSIONS, session]),
      // An edit or deletion of theirs still waiting for the message it changes says what they wrote.
      ...contact.identities.map((identity): [string, string] => [EARLY_CHANGES, earlyChangesKey(identity.channel, identity.id)]),
      // The message whose buttons their chat still shows.
      ...contact.identities.map((identity): [string, string] => [OPEN_KEYBOARDS, openKeyboardKey(identity.channel, identity.id)]),
      // How they came, told before a message of theirs that never came.
      ...contact.identities.map((identity): [string, string] => [WAITING_REFERRALS, waitingReferralKey(identity.channel, identity.id)]),
    ];
    // What is left to tell of it (its agents, the desk threads) is kept in its own step: told once, after a crash too.
    const before = new Set(conversations.map((conversation) => conversation.id));
    const notice = { collection: ERASE_NOTICES, key: contact.id, value: (removed: readonly Conversation[]) => eraseNotice(nameOf(res), removed, before) };
    let erased: ErasedContact;
    try {
      // Their files go after it, named in its own step: an erase that fails leaves them all, and one a crash cuts short
      // after its delete has them deleted at the next start (`deleteErasedFilesLeft`).
      erased = await store.eraseContact(contact.id, { docs, notice, files: { collection: ERASED_FILES, key: contact.id } });
    } catch (error) {
      // Nothing of the store's erase was done: the contact is there with their files, and the admin asks again.
      context.log.error({ err: error, contact: contact.id, by: nameOf(res) }, 'a contact\'s erase failed: the contact is still there (asked from the admin API)');
      return void res.status(503).set('retry-after', retryAfter(UNAVAILABLE_RETRY_AFTER_MS)).json({ error: word(line('eraseNotDone'), pageLanguage(req)), kind: 'unavailable' } satisfies ServerRefusal);
    }
    // Their open chat tabs stop showing the erased conversation at once: each, connecting again, is told it has ended.
    context.webchatErased?.(sessions);
    const files = await deleteErasedFiles(store, context.media, contact.id, erased.files).catch((error: unknown) => {
      context.log.error({ err: error, contact: contact.id }, 'the erased contact\'s files could not all be deleted yet (deleted at the next sweep)');
      return 0;
    });
    context.log.info({ contact: contact.id, conversations: erased.conversations, messages: erased.messages, files, by: nameOf(res) }, 'contact erased from the admin API (data-protection request)');
    // Those the erase removed, as it found them when it removed them: one opened since the read above is among them.
    const unmarked = erased.removed.filter((conversation) => !before.has(conversation.id));
    // The timeline of one opened since goes after (in the next compaction's files only).
    if (unmarked.length > 0) {
      await store.transaction(`erase:${contact.id}`, async (tx) => {
        for (const conversation of unmarked) tx.deleteDoc(TIMELINES, String(conversation.id));
      }).catch((error: unknown) => context.log.error({ err: error, contact: contact.id }, 'the timeline of a conversation opened during the erase could not be deleted'));
    }
    // The erase is done whatever comes of this: a store out of reach now leaves their agents untold until the next
    // sweep or start (the notice stays). Only by the erase that removed them: the same erase asked twice at once (of
    // two processes) tells them once.
    if (erased.removed.length > 0) {
      await context.erased(contact.id).catch((error: unknown) => {
        context.log.error({ err: error, contact: contact.id }, 'the agents who held the erased contact\'s conversations could not be told yet (told at the next sweep)');
      });
    }
    for (const conversation of erased.removed) {
      if (conversation.status === 'open') context.feed.publish({ type: 'conversation', data: { id: conversation.id, status: 'closed', stage: conversation.stage } });
    }
    context.feed.publish({ type: 'agents', data: {} });
    res.json({ erased: { conversations: erased.conversations, messages: erased.messages, files } });
  });
}
