// Closing a conversation: by its agent, by a flow's `close` step, or after too long without activity.
import type { Conversation, Tx } from '../store/types.ts';
import { drainFor } from './assignment/assign.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { toAgent } from './outgoing.ts';

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

/** Closes a conversation nobody wrote in for too long, tells its agent, and frees their capacity. */
export async function autoClose(ctx: DeskContext, tx: Tx, conversation: Conversation, idleFor: string, fx: DeskEffects): Promise<void> {
  const agent = conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
  close(ctx, tx, conversation, 'auto', `closed automatically after ${idleFor} without activity`, fx);
  if (agent) {
    await toAgent(ctx, tx, agent, `#${conversation.id} was closed after ${idleFor} without activity.`, fx, conversation.id);
    await drainFor(ctx, tx, agent, fx);
  }
}
