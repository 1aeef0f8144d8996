// Placing: the conversations queued in a team since its last placing take their places at the end of its line, and
// their customers are told them. It runs after the queuing transactions commit, one placing of a team at a time (a
// transaction on the team's key, across processes too): each sees the places given before it, so no two customers
// are told one place, and nobody who queued later is put ahead of a place told.
import type { Conversation, TextStyle, Tx } from '../../store/types.ts';
import { spliced } from '../../shared/text-styles.ts';
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
    const { text, styles } = conversation.awaitingPlace;
    delete conversation.awaitingPlace;
    conversation.queueNotice = { position, at: stamp(ctx) };
    // Told they wait in line: whoever takes them next is news, the agent who held them before too.
    if (text) delete conversation.announcedAgent;
    tx.putConversation(conversation);
    if (text) await toCustomer(ctx, tx, conversation, { from: 'bot', ...placedText(text, styles, position) }, fx);
  }
  return waiting.length > PLACED_AT_ONCE;
}

/**
 * A queued text worded with `mark` where the place in line goes, as `Conversation.awaitingPlace` keeps it: the words
 * around the place, and their styles counting each place as one unit (a style over it grows with the number).
 *
 *     aroundPlace('You are number MARK in line', [], 'MARK'); // { text: ['You are number ', ' in line'] }
 */
export function aroundPlace(text: string, styles: readonly TextStyle[], mark: string): { text: string[]; styles?: TextStyle[] } {
  const parts = text.split(mark);
  let placed = [...styles];
  for (let index = parts.length - 2; index >= 0; index--) {
    const at = parts.slice(0, index + 1).reduce((sum, part) => sum + part.length, 0) + index * mark.length;
    placed = spliced(placed, at, mark.length, 1);
  }
  return placed.length > 0 ? { text: parts, styles: placed } : { text: parts };
}

/**
 * `aroundPlace`'s words with the customer's place put in, and their styles.
 *
 *     placedText(['You are number ', ' in line'], undefined, 3); // { text: 'You are number 3 in line' }
 */
export function placedText(parts: readonly string[], styles: readonly TextStyle[] | undefined, position: number): { text: string; styles?: TextStyle[] } {
  const number = String(position);
  let placed = [...(styles ?? [])];
  for (let index = parts.length - 2; index >= 0; index--) {
    const at = parts.slice(0, index + 1).reduce((sum, part) => sum + part.length, 0) + index;
    placed = spliced(placed, at, 1, number.length);
  }
  const text = parts.join(number);
  return placed.length > 0 ? { text, styles: placed } : { text };
}
