// A message a channel sent in several parts (a long text split, a text and its files) is stored with the last part's
// channel message id. The earlier parts' ids are kept as small documents, each naming that id, so that someone's Reply
// on any part (an agent's, on the first part of a long relay) finds the message.
import type { Message, Store, Tx } from './types.ts';

const SENT_PARTS = 'sent-parts';

/** What a part's document says: the channel message id of the message it is part of. */
interface SentPart {
  of: string;
}

/**
 * Records that `parts` (channel message ids on `channel`) went out as earlier parts of the message sent as `of`.
 *
 *     await recordParts(store, 'telegram', ['9001:40', '9001:41'], '9001:42');
 */
export async function recordParts(store: Store, channel: string, parts: readonly string[], of: string): Promise<void> {
  if (parts.length === 0) return;
  await store.transaction(`${SENT_PARTS}:${channel}:${of}`, async (tx) => {
    for (const part of parts) tx.putDoc(SENT_PARTS, `${channel}:${part}`, { of } satisfies SentPart);
  });
}

/**
 * The message with this channel message id on `channel`, or the one it was an earlier part of.
 *
 *     const quoted = await messageOrPartOf(tx, 'telegram', '9001:40'); // the relay sent as '9001:42'
 */
export async function messageOrPartOf(tx: Tx, channel: string, id: string): Promise<Message | undefined> {
  const message = await tx.messageByChannelId(channel, id);
  if (message) return message;
  const of = await partOf(tx, channel, id);
  return of !== undefined ? tx.messageByChannelId(channel, of) : undefined;
}

/**
 * The channel message id of the message that `id` (on `channel`) went out as an earlier part of, if it did.
 *
 *     await partOf(tx, 'telegram', '9001:40'); // '9001:42'
 */
export async function partOf(tx: Tx, channel: string, id: string): Promise<string | undefined> {
  return (await tx.doc<SentPart>(SENT_PARTS, `${channel}:${id}`))?.of;
}
