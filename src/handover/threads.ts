// Team desks: a group on a channel with a thread per conversation (a Telegram forum topic, say). The card opens
// the thread, the customer's messages are relayed into it, and whatever an agent of the team writes there goes
// to the customer (the first to write takes the conversation; a Reply on a relay answers that message); /close there
// closes both, unless the customer's words relayed into the thread had not come into it when /close was sent.
import type { InboundMessage } from '../types.ts';
import type { Conversation, Tx } from '../store/types.ts';
import { messageOrPartOf } from '../store/sent-parts.ts';
import { drainFor, giveTo } from './assignment/assign.ts';
import { assignmentCard } from './card.ts';
import { close, unseenInApp } from './closing.ts';
import { closedLine, word } from './lines.ts';
import { closingNote, parseAgentCommand } from './commands.ts';
import { stamp, threadKey, type DeskContext, type DeskEffects, type DeskThread } from './context.ts';
import { holderOf, mayTouch } from './lookups.ts';
import { fromAgentToCustomer, kept, relayedIn } from './relay.ts';
import { toThread } from './outgoing.ts';
import type { Agent } from './team.ts';

const RECENT_FOR_CARD = 5;

/** Posts a desk conversation's card as the first message of its thread, once the thread exists. */
export async function postCard(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
  const contact = await tx.contact(conversation.contactId);
  if (!contact || !conversation.deskThread) return;
  const recent = (await tx.recentMessages(conversation.id, 30)).filter((m) => m.from === 'contact').slice(-RECENT_FOR_CARD);
  const team = conversation.team ? ctx.directory.team(conversation.team) : undefined;
  const holder = holderOf(ctx, conversation);
  const card = assignmentCard({ conversation, contact, ...(team ? { team } : {}), messages: recent });
  const text = holder ? `${card}\n\n${holder.name} has it.` : `${card}\n\nWhoever writes here first takes it.`;
  await toThread(ctx, tx, conversation, { text, attachments: kept(recent.flatMap((m) => m.attachments ?? [])) }, fx);
}

/** An agent writing in a desk thread: /close closes its conversation; anything else goes to the customer, and claims it. */
export async function agentInThread(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, thread: string, fx: DeskEffects): Promise<void> {
  const desk = await tx.doc<DeskThread>('desk-threads', threadKey(inbound.channel, thread));
  const text = inbound.text ?? '';
  const conversation = desk ? await tx.conversation(desk.conversationId) : undefined;
  if (!conversation) return;
  tx.addMessage({
    conversationId: conversation.id, channel: inbound.channel, address: thread, direction: 'in', from: 'agent', agentId: agent.id, text,
    ...(inbound.attachments ? { attachments: inbound.attachments } : {}), channelMessageId: inbound.id,
    ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: stamp(ctx),
  });
  const reply = (answer: string) => toThread(ctx, tx, conversation, answer, fx);
  if (conversation.status !== 'open') return reply(`#${conversation.id} is closed.`);
  if (!mayTouch(conversation, agent)) return reply(`${agent.name} is not in ${conversation.team}: nothing was sent.`);
  const command = parseAgentCommand(text, agent.language);
  if (command && 'error' in command) return reply(command.error);
  if (command?.name === 'close') {
    if (command.conversationId !== undefined && command.conversationId !== conversation.id) return reply(`This topic is #${conversation.id}; close #${command.conversationId} in its own topic.`);
    const unseen = await unseenInApp(ctx, tx, conversation, agent.id, { channel: inbound.channel, address: thread, messageId: inbound.id }, 'topic');
    if (unseen) return reply(word(unseen, agent.language));
    const holder = holderOf(ctx, conversation);
    const { note, shared } = closingNote(command.note);
    close(ctx, tx, conversation, agent.id, note, fx, { shared });
    await reply(closedLine(`Closed #${conversation.id}`, note));
    if (holder) await drainFor(ctx, tx, holder, fx);
    return;
  }
  if (command) return reply('In a desk thread, write to the customer or send /close [note]; other commands work in your private chat with the bot.');
  if (!text.trim() && !inbound.attachments?.length) return;
  if (conversation.stage !== 'assigned') {
    await giveTo(ctx, tx, conversation, agent, fx, { announce: true });
    // "Omar has joined the conversation." before Omar's first words, which took the conversation.
    await fx.noticesNow();
  }
  // A Reply on the relay of one of the customer's messages in the thread answers that message.
  const quoted = inbound.replyTo !== undefined ? await messageOrPartOf(tx, inbound.channel, inbound.replyTo) : undefined;
  await fromAgentToCustomer(ctx, tx, agent, conversation, inbound, fx, reply, relayedIn(conversation, quoted));
}
