// Team desks: a group on a channel with a thread per conversation (a Telegram forum topic, say). The card opens
// the thread, the customer's messages are relayed into it, and whatever an agent of the team writes there goes
// to the customer (the first to write takes the conversation, and from then on only they write to the customer from
// there; a Reply on a relay answers that message); /close there closes both, unless the customer's words relayed into
// the thread had not come into it when /close was sent.
import type { InboundMessage } from '../types.ts';
import type { Conversation, Tx } from '../store/types.ts';
import { messageOrPartOf } from '../store/sent-parts.ts';
import { drainFor, giveTo } from './assignment/assign.ts';
import { assignmentCard } from './card.ts';
import { close, unseenInApp } from './closing.ts';
import { line, word } from './lines.ts';
import { closingNote, parseAgentCommand } from './commands.ts';
import { stamp, threadKey, type DeskContext, type DeskEffects, type DeskThread } from './context.ts';
import { holderOf, mayTouch, threadLanguage } from './lookups.ts';
import { fromAgentToCustomer, kept, relayedIn } from './relay.ts';
import { toThread } from './outgoing.ts';
import type { Agent } from './team.ts';

const RECENT_FOR_CARD = 5;

/** Posts a desk conversation's card as the first message of its thread, once the thread exists, in the team's language. */
export async function postCard(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
  const contact = await tx.contact(conversation.contactId);
  if (!contact || !conversation.deskThread) return;
  const recent = (await tx.recentMessages(conversation.id, 30)).filter((m) => m.from === 'contact').slice(-RECENT_FOR_CARD);
  const team = conversation.team ? ctx.directory.team(conversation.team) : undefined;
  const holder = holderOf(ctx, conversation);
  const language = threadLanguage(ctx, conversation);
  const wording = ctx.wording ? await ctx.wording(conversation) : undefined;
  const card = assignmentCard({ conversation, contact, ...(team ? { team } : {}), messages: recent, language, ...(wording ? { wording } : {}) });
  const text = `${card}\n\n${word(holder ? line('threadHeldBy', holder.name) : line('threadOpenToAll'), language)}`;
  await toThread(ctx, tx, conversation, { text, attachments: kept(recent.flatMap((m) => m.attachments ?? [])) }, fx);
}

/**
 * An agent writing in a desk thread: /close closes its conversation; anything else goes to the customer, and claims it,
 * unless a colleague holds it: then it goes nowhere, and the thread says so.
 * The bot answers there in the team's language, whoever wrote: the whole team reads the thread.
 */
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
  const language = threadLanguage(ctx, conversation);
  if (conversation.status !== 'open') return reply(word(line('threadClosed', conversation.id), language));
  if (!mayTouch(conversation, agent)) return reply(word(line('notInThreadTeam', agent.name, conversation.team), language));
  const command = parseAgentCommand(text, language);
  if (command && 'error' in command) return reply(command.error);
  if (command?.name === 'close') {
    if (command.conversationId !== undefined && command.conversationId !== conversation.id) return reply(word(line('closeInOwnThread', conversation.id, command.conversationId), language));
    const unseen = await unseenInApp(ctx, tx, conversation, agent.id, { channel: inbound.channel, address: thread, messageId: inbound.id }, 'topic');
    if (unseen) return reply(word(unseen, language));
    const holder = holderOf(ctx, conversation);
    const { note, shared } = closingNote(command.note);
    close(ctx, tx, conversation, agent.id, note, fx, { shared });
    await reply(word(line('closed', conversation.id, note), language));
    if (holder) await drainFor(ctx, tx, holder, fx);
    return;
  }
  if (command) return reply(word(line('onlyCloseInThread'), language));
  if (!text.trim() && !inbound.attachments?.length) return;
  // Another agent holds it: the customer was told who is with them, and hears them alone. The colleague learns at once
  // that their words went nowhere, rather than believing the customer read them.
  const holder = holderOf(ctx, conversation);
  if (holder && holder.id !== agent.id) {
    const customer = (await tx.contact(conversation.contactId))?.name;
    return reply(word(line('threadNotYours', conversation.id, agent.name, holder.name, customer), language));
  }
  if (conversation.stage !== 'assigned') {
    await giveTo(ctx, tx, conversation, agent, fx, { announce: true });
    // "Omar has joined the conversation." before Omar's first words, which took the conversation.
    await fx.noticesNow();
  }
  // A Reply on the relay of one of the customer's messages in the thread answers that message.
  const quoted = inbound.replyTo !== undefined ? await messageOrPartOf(tx, inbound.channel, inbound.replyTo) : undefined;
  await fromAgentToCustomer(ctx, tx, agent, conversation, inbound, fx, (said) => reply(word(said, language)), relayedIn(conversation, quoted));
}
