// Placing: the conversations queued in a team since its last placing take their places at the end of its line, and
// their customers are told them. It runs after the queuing transactions commit, one placing of a team at a time (a
// transaction on the team's key, across processes too): each sees the places given before it, so no two customers
// are told one place, and nobody who queued later is put ahead of a place told.
import type { Conversation, Tx } from '../../store/types.ts';
import { stamp, type DeskContext, type DeskEffects } from '../context.ts';
import { toCustomer } from '../outgoing.ts';
import { byWait, queueOf, waitedSince } from './queue.ts';

/** How many conversations one placing places at most: a long line is placed in several short transactions. */
const PLACED_AT_ONCE = 100;

/**
 * Places the conversations of `team` waiting for their place, longest-waiting first, behind every one placed before,
 * and tells each customer the flow's `queued` text with their place. True when some are left for another placing.
 *
 *     while (await placeInLine(ctx, tx, 'Billing', fx)); // each call in a transaction on the team's key
 */
export async function placeInLine(ctx: DeskContext, tx: Tx, team: string, fx: DeskEffects): Promise<boolean> {
  // As copies, counted as they are: one served meanwhile makes a place told one too far back (later told better), and
  // one queued meanwhile waits for its place, behind these.
  const line = queueOf(team, await tx.openConversations({ stage: 'queued', team }, { live: false }));
  const waiting = line.filter((conversation) => conversation.awaitingPlace);
  let position = line.length - waiting.length;
  // `inLine` puts those waiting after every placed one: the last placed is the one before them.
  let last: Conversation | undefined = line[position - 1];
  // Read together, then their customers: a round trip each, not two per conversation one after the other.
  const placing = await Promise.all(waiting.slice(0, PLACED_AT_ONCE).map((copy) => tx.conversation(copy.id)));
  await Promise.all(placing.map((conversation) => conversation && tx.contact(conversation.contactId)));
  for (const conversation of placing) {
    if (conversation?.status !== 'open' || conversation.stage !== 'queued' || !conversation.awaitingPlace) continue;
    // Stamped before a conversation placed already (its transaction committed after that one's): it goes behind.
    if (last && byWait(conversation, last) < 0) conversation.queuedAt = new Date(waitedSince(last) + 1).toISOString();
    last = conversation;
    position++;
    const text = conversation.awaitingPlace.text;
    delete conversation.awaitingPlace;
    conversation.queueNotice = { position, at: stamp(ctx) };
    // Told they wait in line: whoever takes them next is news, the agent who held them before too.
    if (text) delete conversation.announcedAgent;
    tx.putConversation(conversation);
    if (text) await toCustomer(ctx, tx, conversation, { from: 'bot', text: text.join(String(position)) }, fx);
  }
  return waiting.length > PLACED_AT_ONCE;
}
