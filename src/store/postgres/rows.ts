// How records sit in PostgreSQL rows: whole as JSON, with the columns queries filter on beside them; messages split
// into their unchanging part (JSON) and the delivery fields that change after they are stored (columns).
//
// PostgreSQL never looks inside the JSON: its json type keeps any text JSON.stringify writes (\u0000 and lone
// surrogates included), but its operators refuse some of it. Columns come from JavaScript as typed arrays, and a
// string bound for a text column has what text cannot hold replaced, the same way in writes and lookups.
import { UNSTORABLE } from '../../shared/text.ts';
import type { Contact, Conversation, Message, OpenConversationFilter } from '../types.ts';

/** The columns a message is read back from. */
export const messageColumns = 'id, channel_message_id, status, error, failure, delivery, data';

export interface MessageRow {
  id: string;
  channel_message_id: string | null;
  status: Message['status'] | null;
  error: string | null;
  failure: Message['failure'] | null;
  delivery: Message['delivery'] | null;
  data: Omit<Message, 'id' | 'channelMessageId' | 'status' | 'error' | 'failure' | 'delivery'>;
}

/** The message a row holds. */
export function messageFromRow(row: MessageRow): Message {
  return {
    ...row.data,
    id: Number(row.id),
    ...(row.channel_message_id !== null ? { channelMessageId: row.channel_message_id } : {}),
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.failure !== null ? { failure: row.failure } : {}),
    ...(row.delivery !== null ? { delivery: row.delivery } : {}),
  };
}


/** A string as a text column holds it: NUL and lone surrogates become U+FFFD. */
export function cleanText(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

/** A query's parameters as PostgreSQL takes them: `cleanText` on each string, and on each string of an array. */
export function clean(params: readonly unknown[]): unknown[] {
  const one = (value: unknown): unknown => (typeof value === 'string' ? cleanText(value) : value);
  return params.map((value) => (Array.isArray(value) ? value.map(one) : one(value)));
}

/**
 * The parameters of one statement, numbered as they are added.
 *
 *     const params = new Params();
 *     await client.query(`SELECT … WHERE id = ${params.add(id)}`, params.values);
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(clean([value])[0]);
    return `$${this.values.length}`;
  }
}

/** Contacts written whole (a new one gets version 1, a rewritten one its version plus one), in the order given. */
export function upsertContacts(params: Params, contacts: readonly Contact[]): string {
  return `INSERT INTO contacts (id, version, data)
    SELECT id, 1, data FROM unnest(${params.add(contacts.map((contact) => contact.id))}::text[],
      ${params.add(contacts.map((contact) => JSON.stringify(contact)))}::json[]) WITH ORDINALITY AS t(id, data, n) ORDER BY n
    ON CONFLICT (id) DO UPDATE SET version = contacts.version + 1, data = EXCLUDED.data`;
}

/** The identities of `contacts` as three parameters (channels, addresses, contact ids) and the unnest reading them. */
export function identities(params: Params, contacts: readonly Contact[]): string {
  const all = contacts.flatMap((contact) => contact.identities.map((identity) => [identity.channel, identity.id, contact.id] as const));
  return `unnest(${params.add(all.map(([channel]) => channel))}::text[], ${params.add(all.map(([, address]) => address))}::text[],
    ${params.add(all.map(([, , contactId]) => contactId))}::text[]) AS i(channel, address, contact_id)`;
}

/** Conversations written whole, in the order given (the unique index checks each row as it is written). */
export function upsertConversations(params: Params, conversations: readonly Conversation[]): string {
  const column = <T>(pick: (conversation: Conversation) => T): string => params.add(conversations.map(pick));
  return `INSERT INTO conversations (id, contact_id, status, stage, team, agent_id, version, data)
    SELECT id, contact_id, status, stage, team, agent_id, 1, data FROM unnest(${column((c) => c.id)}::bigint[], ${column((c) => c.contactId)}::text[],
      ${column((c) => c.status)}::text[], ${column((c) => c.stage)}::text[], ${column((c) => c.team ?? null)}::text[],
      ${column((c) => c.agentId ?? null)}::text[], ${column((c) => JSON.stringify(c))}::json[])
      WITH ORDINALITY AS t(id, contact_id, status, stage, team, agent_id, data, n) ORDER BY n
    ON CONFLICT (id) DO UPDATE SET contact_id = EXCLUDED.contact_id, status = EXCLUDED.status, stage = EXCLUDED.stage,
      team = EXCLUDED.team, agent_id = EXCLUDED.agent_id, version = conversations.version + 1, data = EXCLUDED.data`;
}

/**
 * Inserts `messages`; their ids are `ids` (as an SQL expression of `t.n`, the 1-based position, when a string, like
 * `taken.ids[t.n]` with a `taken` in FROM), or the numbers given. With `claim`, each message marked a candidate is
 * stored `sending`, claimed by `claim.by`, when its address has nothing pending or sending (else as it is): what a
 * commit claims (`TransactionOptions.claim`), decided in the statement so that the commit takes one round trip.
 */
export function insertMessages(
  params: Params,
  messages: readonly (Omit<Message, 'id'> & { id?: number })[],
  ids: { expression: string; from: string } | number[],
  claim?: { candidates: readonly boolean[]; by: number },
): string {
  const column = <T>(pick: (message: Omit<Message, 'id'>) => T): string => params.add(messages.map(pick));
  const data = messages.map(({ id: _id, channelMessageId: _channelMessageId, status: _status, error: _error, failure: _failure, delivery: _delivery, ...rest }) => JSON.stringify(rest));
  const explicit = Array.isArray(ids);
  // The address is idle when it has nothing pending and nothing sending (an index lookup each).
  const idle = claim === undefined
    ? ''
    : ` LEFT JOIN LATERAL (SELECT NOT EXISTS (SELECT 1 FROM messages q WHERE q.channel = t.channel AND q.address = t.address AND q.status = 'pending')
          AND NOT EXISTS (SELECT 1 FROM messages q WHERE q.channel = t.channel AND q.address = t.address AND q.status = 'sending') AS idle) a
        ON (${params.add(claim.candidates)}::boolean[])[t.n]`;
  const status = claim === undefined ? 't.status' : "CASE WHEN a.idle THEN 'sending' ELSE t.status END";
  const claimedBy = claim === undefined ? 'NULL::integer' : `CASE WHEN a.idle THEN ${params.add(claim.by)}::integer END`;
  return `INSERT INTO messages (id, contact_id, conversation_id, channel, address, direction, channel_message_id, status, error, failure, delivery, history, data, claimed_by)
    SELECT ${explicit ? 't.id' : ids.expression}, t.contact_id, t.conversation_id, t.channel, t.address, t.direction, t.channel_message_id, ${status}, t.error,
      t.failure, t.delivery, t.history, t.data, ${claimedBy}
    FROM ${explicit ? '' : `${ids.from}, `}unnest(${column((m) => m.contactId ?? null)}::text[], ${column((m) => m.conversationId ?? null)}::bigint[],
      ${column((m) => m.channel)}::text[], ${column((m) => m.address)}::text[], ${column((m) => m.direction)}::text[],
      ${column((m) => m.channelMessageId ?? null)}::text[], ${column((m) => m.status ?? null)}::text[], ${column((m) => m.error ?? null)}::text[],
      ${column((m) => m.failure ?? null)}::text[], ${column((m) => m.delivery ?? null)}::text[], ${column((m) => m.history === true)}::boolean[], ${params.add(data)}::json[]${explicit ? `, ${params.add(ids)}::bigint[]` : ''})
      WITH ORDINALITY AS t(contact_id, conversation_id, channel, address, direction, channel_message_id, status, error, failure, delivery, history, data${explicit ? ', id' : ''}, n)${idle}`;
}

/**
 * The SQL conditions (each starting with ` AND `) of an open-conversation filter, with parameters numbered from
 * `first`.
 *
 *     const where = filterSql({ stage: 'queued', team: 'Billing' }, 1); // " AND stage = $1 AND team = $2"
 */
export function filterSql(filter: OpenConversationFilter = {}, first: number): { sql: string; params: string[] } {
  const params: string[] = [];
  let sql = '';
  for (const [column, value] of [['stage', filter.stage], ['team', filter.team], ['agent_id', filter.agentId]] as const) {
    if (value === undefined) continue;
    params.push(value);
    sql += ` AND ${column} = $${first + params.length - 1}`;
  }
  // Read from the record, not a column of its own: only the bot's idle close asks, for the open conversations with the
  // bot, which the stage's index finds; the database compares there and sends back only those due. "C": byte order,
  // the order in time of ISO 8601 strings of one length, whatever the database's collation.
  if (filter.awaitingCustomerBefore !== undefined) {
    params.push(filter.awaitingCustomerBefore);
    sql += ` AND COALESCE(data->>'awaitingCustomerSince', data->>'openedAt') COLLATE "C" < $${first + params.length - 1}`;
  }
  return { sql, params };
}
