// Closing a conversation: by its agent, by a flow's `close` step, or after too long without activity.
import type { Conversation, Tx } from '../store/types.ts';
import { drainFor } from './assignment/assign.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { shortQuote } from './card.ts';
import { customerName } from './lookups.ts';
import { toAgent } from './outgoing.ts';
import { endsSentence } from '../shared/text.ts';

/** How many of a conversation's latest messages are looked through for one its closer has not seen. */
const UNSEEN_LOOKED_AT = 50;

/**
 * Closes a conversation; its desk thread closes with it, the flow it was in is over, and its `conversation.closed`
 * flows start.
 *
 *     close(ctx, tx, conversation, agent.id, 'refunded', fx);
 */
export function close(ctx: DeskContext, tx: Tx, conversation: Conversation, by: string, note: string | undefined, fx: DeskEffects): void {
  tx.putConversation(conversation);
  conversation.status = 'closed';
  conversation.closedAt = stamp(ctx);
  conversation.closedBy = by;
  if (note) conversation.closingNote = note;
  // The flow that greeted them is over, though it waited (a question, a queue): after a close, the customer's next
  // words answer only a question a `conversation.closed` flow asks (that flow takes the conversation's place);
  // anything else opens a new conversation, which the flow greets.
  if (conversation.flow && !conversation.flow.done) conversation.flow = { ...conversation.flow, done: true };
  if (conversation.deskThread) fx.closeThread(conversation.deskThread.channel, conversation.deskThread.address);
  fx.emit({ type: 'conversation.closed', payload: { conversation } });
  fx.closed(conversation);
}

/**
 * What agents and admins read about a closing: `said`, then the closing note in brackets, then a stop, unless the note
 * brings its own ("….)" rather than "….).").
 *
 *     closedLine('Closed #42', 'refunded'); // 'Closed #42 (refunded).'
 *     closedLine('Closed #42', 'Your refund is on its way.'); // 'Closed #42 (Your refund is on its way.)'
 */
export function closedLine(said: string, note: string | undefined): string {
  if (!note) return `${said}.`;
  return `${said} (${note})${endsSentence(note) ? '' : '.'}`;
}

/** Closes a conversation nobody wrote in for too long, tells its agent, and frees their capacity. */
export async function autoClose(ctx: DeskContext, tx: Tx, conversation: Conversation, idleFor: string, fx: DeskEffects): Promise<void> {
  const agent = conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
  close(ctx, tx, conversation, 'auto', `closed automatically after ${idleFor} without activity`, fx);
  if (agent) {
    await toAgent(ctx, tx, agent, `#${conversation.id} was closed after ${idleFor} without activity.`, fx, conversation.id);
    await drainFor(ctx, tx, agent, fx);
  }
}

/**
 * Why a close from a screen (the dashboard, the agent console) is refused: the customer wrote after the newest
 * message that screen showed (`seen`, its id), and whoever closes would end the conversation on words they never
 * read. Undefined when nothing new came from the customer. Looked at in the close's own transaction, so a message
 * stored before the close is either seen or refuses it.
 *
 *     await unseenByCloser(tx, conversation, 118); // 'Layla wrote in #42 since your screen last showed it: "one more thing". Nothing was closed: read it, then close again.'
 */
export async function unseenByCloser(tx: Tx, conversation: Conversation, seen: number): Promise<string | undefined> {
  const unseen = (await tx.recentMessages(conversation.id, UNSEEN_LOOKED_AT)).filter((message) => message.from === 'contact' && message.id !== undefined && message.id > seen);
  const newest = unseen.at(-1);
  if (!newest) return undefined;
  const words = shortQuote(newest.text) ?? 'a file';
  const more = unseen.length > 1 ? ` (and ${unseen.length - 1} more)` : '';
  return `${await customerName(tx, conversation)} wrote in #${conversation.id} since your screen last showed it: ${words}${more}. Nothing was closed: read it, then close again.`;
}
