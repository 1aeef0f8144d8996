// The relay: a customer's message to the agent holding the conversation (or its desk thread), tagged with the
// conversation's number; an agent's message to the customer, on the customer's channel. Files travel too; one
// whose bytes were not kept is a clear line instead.
import type { InboundMessage } from '../types.ts';
import type { Attachment, Contact, Conversation, Tx } from '../store/types.ts';
import { requeue } from './assignment/assign.ts';
import { editText, reactionText, relayText } from './card.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { toAgent, toCustomer, toThread, type Said } from './outgoing.ts';
import type { Agent } from './team.ts';

/** The attachments whose bytes were kept (or that need none: a location, a contact card). */
export const kept = (attachments: readonly Attachment[] | undefined): Attachment[] => (attachments ?? []).filter((a) => a.refused === undefined);

/** One line per attachment that could not be kept, for the person on the other side. */
export function refusedLines(attachments: readonly Attachment[] | undefined): string[] {
  return (attachments ?? []).filter((a) => a.refused !== undefined).map((a) => `[${a.name ?? `a ${a.kind}`} was not received: ${a.refused}]`);
}

/**
 * A customer's message in a conversation an agent holds, or that waits in a team desk: relayed to the desk's
 * thread, or to the agent, tagged with its number. A conversation whose agent is gone goes back to the queue.
 */
export async function relay(ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, said: Said, fx: DeskEffects): Promise<void> {
  const text = [said.text, ...refusedLines(said.attachments)].filter((line) => line !== '').join('\n');
  await toHolder(ctx, tx, conversation, {
    text: relayText(conversation, contact.name, text), attachments: kept(said.attachments), ...(said.relayOf !== undefined ? { relayOf: said.relayOf } : {}),
  }, fx);
}

/**
 * A customer's reaction (`to`: the channel message id of the message it answers, on `channel`) in a conversation an
 * agent holds or that waits in a team desk: the agent sees the emoji and which message it answers.
 */
export async function relayReaction(
  ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, reaction: { emoji: string; to: string; channel: string }, fx: DeskEffects,
): Promise<void> {
  const answered = await tx.messageByChannelId(reaction.channel, reaction.to);
  const quoted = answered && answered.text.trim() !== '' ? answered.text : answered?.attachments?.[0] ? `[${answered.attachments[0].kind}]` : undefined;
  await toHolder(ctx, tx, conversation, { text: reactionText(conversation, contact.name, reaction.emoji, quoted) }, fx);
}

/**
 * A customer's edit of a message (`of`: its channel message id) in a conversation an agent holds or that waits in a
 * team desk: the agent sees what it says now and what it said (`was`), since their app still shows the first version,
 * quoting the relay of it where their channel can.
 */
export async function relayEdit(
  ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, edit: { text: string; was: string; of: string }, fx: DeskEffects,
): Promise<void> {
  await toHolder(ctx, tx, conversation, { text: editText(conversation, contact.name, edit.text, edit.was), quoting: edit.of }, fx);
}

/** To whoever works on the conversation: its desk thread, else the agent holding it; with neither, back to the queue. */
async function toHolder(ctx: DeskContext, tx: Tx, conversation: Conversation, message: Said, fx: DeskEffects): Promise<void> {
  if (conversation.deskThread) {
    await toThread(ctx, tx, conversation, message, fx);
    return;
  }
  const agent = conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
  if (!agent) {
    await requeue(ctx, tx, conversation, fx);
    return;
  }
  await toAgent(ctx, tx, agent, message, fx, conversation.id);
}

/**
 * What an agent writes for a customer: sent on the customer's channel, with the files whose bytes were kept; a
 * file that was not is told to the agent.
 */
export async function fromAgentToCustomer(
  ctx: DeskContext, tx: Tx, agent: Agent, conversation: Conversation, inbound: InboundMessage, fx: DeskEffects,
  reply: (text: string) => Promise<void>,
): Promise<void> {
  const attachments = kept(inbound.attachments);
  const text = inbound.text ?? '';
  for (const line of refusedLines(inbound.attachments)) await reply(`#${conversation.id}: not sent to the customer. ${line}`);
  if (text.trim() === '' && attachments.length === 0) return;
  await toCustomer(ctx, tx, conversation, { from: 'agent', agentId: agent.id, text, ...(attachments.length > 0 ? { attachments } : {}) }, fx);
  conversation.firstResponseAt ??= stamp(ctx);
  conversation.lastAgentMessageAt = stamp(ctx);
  tx.putConversation(conversation);
}
