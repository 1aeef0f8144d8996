// How records sit in PostgreSQL rows: the queries' filters, and messages split into their unchanging part (JSON)
// and the delivery fields that change after they are stored (columns).
import type { Message, OpenConversationFilter } from '../types.ts';

/** The columns a message is read back from. */
export const messageColumns = 'id, channel_message_id, status, error, delivery, data';

export interface MessageRow {
  id: string;
  channel_message_id: string | null;
  status: Message['status'] | null;
  error: string | null;
  delivery: Message['delivery'] | null;
  data: Omit<Message, 'id' | 'channelMessageId' | 'status' | 'error' | 'delivery'>;
}

/** The message a row holds. */
export function messageFromRow(row: MessageRow): Message {
  return {
    ...row.data,
    id: Number(row.id),
    ...(row.channel_message_id !== null ? { channelMessageId: row.channel_message_id } : {}),
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.delivery !== null ? { delivery: row.delivery } : {}),
  };
}

/** A message as the insert takes it: its columns, and `data` without the fields kept in columns. */
export function messageRow(message: Message): Record<string, unknown> {
  const { id, channelMessageId, status, error, delivery, ...data } = message;
  return { id, contactId: message.contactId, conversationId: message.conversationId, channel: message.channel, address: message.address,
    direction: message.direction, channelMessageId, status, error, delivery, data };
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
  return { sql, params };
}
