// Team desks: a group on a channel with a thread per conversation (a Telegram forum topic, say). The card opens
// the thread, the customer's messages are relayed into it, and whatever an agent of the team writes there goes
// to the customer (the first to write takes the conversation, and from then on only they write to the customer from
// there; a Reply on a relay answers that message); /close there closes both (its holder's, as in their chat with the
// bot; /transfer and /handback there are its holder's too), unless the customer's words relayed into the thread had not come into it when /close was sent. Whatever an
// agent writes in a place of the group that is no conversation's reaches no one, and they are told.
import { FilesHeldBack, type InboundMessage } from '../types.ts';
import type { Conversation, Tx } from '../store/types.ts';
import { messageOrPartOf } from '../store/sent-parts.ts';
import { blank } from '../shared/text.ts';
import { drainFor, giveTo } from './assignment/assign.ts';
import { cardOf } from './card-of.ts';
import { close, unseenInApp } from './closing.ts';
import { line, word, type Line, type ThreadCommand } from './lines.ts';
import { act, type AgentAction, type HandBack } from './actions.ts';
import { agentState, saveAgentState } from './agent-state.ts';
import { closingNote, commandText, endingStyles, parseAgentCommand, type AgentCommand, type AgentCommandName } from './commands.ts';
import { stamp, threadKey, type DeskContext, type DeskEffects, type DeskThread } from './context.ts';
import { closingOf, holderOf, mayTouch, notOpen, threadLanguage, threadZone } from './lookups.ts';
import { correctForCustomer, fromAgentToCustomer, relayedIn } from './relay.ts';
import { toThread } from './outgoing.ts';
import type { Agent } from './team.ts';

/** Posts a desk conversation's card as the first message of its thread, once the thread exists, in the team's language. */
export async function postCard(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
  if (!conversation.deskThread) return;
  const language = threadLanguage(ctx, conversation);
  // Passed on from another team or desk: the team reads who passed it and what was said lately, by either side.
  const card = await cardOf(ctx, tx, conversation, { language });
  if (!card) return;
  const holder = holderOf(ctx, conversation);
  await toThread(ctx, tx, conversation, { ...card, text: `${card.text}\n\n${word(holder ? line('threadHeldBy', holder.name) : line('threadOpenToAll'), language)}` }, fx);
}

/**
 * An agent writing in a desk thread: a command for its conversation (see `commandInThread`); anything else goes to the
 * customer, and claims it, unless a colleague holds it: then it goes nowhere, and the thread says so. In a place of the
 * desk's group no conversation has, nothing goes anywhere, and the writer is told (see `notAConversation`).
 * The bot answers there in the team's language, whoever wrote: the whole team reads the thread.
 */
export async function agentInThread(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, thread: string, fx: DeskEffects, handBack: HandBack): Promise<void> {
  const desk = await tx.doc<DeskThread>('desk-threads', threadKey(inbound.channel, thread));
  const text = inbound.text ?? '';
  const conversation = desk ? await tx.conversation(desk.conversationId) : undefined;
  if (!conversation) return notAConversation(ctx, tx, agent, inbound, thread, fx);
  // Passed to another team (or to an agent outside this one) since: the thread is no longer the conversation's.
  if (conversation.deskThread?.channel !== inbound.channel || conversation.deskThread.address !== thread) {
    const customer = (await tx.contact(conversation.contactId))?.name;
    return notAConversation(ctx, tx, agent, inbound, thread, fx, line('threadMoved', conversation.id, agent.name, customer, holderOf(ctx, conversation)?.name ?? conversation.team));
  }
  tx.addMessage({
    conversationId: conversation.id, channel: inbound.channel, address: thread, direction: 'in', from: 'agent', agentId: agent.id, text,
    ...(inbound.attachments ? { attachments: inbound.attachments } : {}), channelMessageId: inbound.id,
    ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: stamp(ctx),
  });
  const reply = (answer: string) => toThread(ctx, tx, conversation, answer, fx);
  const language = threadLanguage(ctx, conversation);
  // The rest of an album held for a command in a caption: kept, sent to no one, the topic told once already.
  if (inbound.album !== undefined && (await agentState(tx, agent, stamp(ctx))).heldAlbum === inbound.album) return;
  if (conversation.status !== 'open') {
    // Who closed it and when, by name (the whole team reads the thread): a command about it is answered each time, as
    // in the agent's chat with the bot.
    const command = parseAgentCommand(text, language);
    // A command it does not know (`/foo`, `/clsoe`), or one written wrong: that, as in an open one's topic, then that it
    // is closed; never "not sent to the customer", which it was never meant for.
    if (command && 'error' in command) return reply(`${command.error} ${word(notOpen(ctx, conversation.id, conversation, undefined, threadZone(ctx, conversation)), language)}`);
    if (command && !('error' in command) && HOLDERS_COMMANDS.has(command.name)) return reply(word(notOpen(ctx, conversation.id, conversation, undefined, threadZone(ctx, conversation)), language));
    // A note is still left on it, as /note N does from the agent's chat; /list, /online… are the chat's, not "not sent".
    if (command && !('error' in command) && command.name === 'note') return noteInThread(ctx, tx, agent, inbound, conversation, command, fx, handBack);
    if (command && !('error' in command)) return reply(word(line('onlyInChatClosed', conversation.id, command.name, closingOf(ctx, conversation, undefined, threadZone(ctx, conversation))), language));
    if (await toldLately(ctx, tx, agent, inbound.channel, thread)) return;
    const customer = (await tx.contact(conversation.contactId))?.name;
    return reply(word(line('threadClosed', conversation.id, agent.name, customer, closingOf(ctx, conversation, undefined, threadZone(ctx, conversation))), language));
  }
  if (!mayTouch(conversation, agent)) return reply(word(line('notInThreadTeam', agent.name, conversation.team === undefined ? undefined : ctx.directory.titled(conversation.team)), language));
  const command = parseAgentCommand(text, language);
  // A command in a file's caption is neither carried out nor is the file sent, as in the agent's chat with the bot.
  if (command && (inbound.attachments?.length ?? 0) > 0) {
    if (inbound.album !== undefined) {
      const state = await agentState(tx, agent, stamp(ctx));
      state.heldAlbum = inbound.album;
      saveAgentState(tx, agent, state);
    }
    return reply(word(line('commandWithFile', commandText(text).split(/\s/)[0] ?? ''), language));
  }
  if (command && 'error' in command) return reply(command.error);
  if (command) return commandInThread(ctx, tx, agent, inbound, thread, conversation, command, fx, handBack);
  if (!text.trim() && !inbound.attachments?.length) {
    if (inbound.unsupported !== undefined) await reply(word(line('kindNotSent', conversation.id, inbound.unsupported), language));
    return;
  }
  // Another agent holds it: the customer was told who is with them, and hears them alone. The colleague learns at once
  // that their words went nowhere, rather than believing the customer read them.
  const holder = holderOf(ctx, conversation);
  if (holder && holder.id !== agent.id) {
    const customer = (await tx.contact(conversation.contactId))?.name;
    return reply(word(line('threadNotYours', conversation.id, agent.name, holder.name, customer), language));
  }
  // Not fetched on a check made before this transaction, which they reach a customer in (passed to this agent since):
  // nothing is kept, and the channel fetches them and brings the message again.
  if (inbound.filesHeldBack) throw new FilesHeldBack();
  if (conversation.stage !== 'assigned') {
    await giveTo(ctx, tx, conversation, agent, fx, { announce: true });
    // "Omar has joined the conversation." before Omar's first words, which took the conversation.
    await fx.noticesNow();
  }
  // A Reply on the relay of one of the customer's messages in the thread answers that message.
  const quoted = inbound.replyTo !== undefined ? await messageOrPartOf(tx, inbound.channel, inbound.replyTo) : undefined;
  await fromAgentToCustomer(ctx, tx, agent, conversation, inbound, fx, (said) => reply(word(said, language)), relayedIn(conversation, quoted));
}

/**
 * An agent's edit (`of`: the channel message id of what they wrote) in a desk thread: a message of theirs that went to
 * the customer, in a conversation they still hold, is corrected for the customer (`correctForCustomer`), as an edit in
 * their chat with the bot is; any other edit goes nowhere, and the thread says why, since the agent's app shows it
 * done. In a place of the group that is no conversation's, nothing went anywhere to correct.
 */
export async function editInThread(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, thread: string, edit: { of: string }, fx: DeskEffects): Promise<void> {
  const desk = await tx.doc<DeskThread>('desk-threads', threadKey(inbound.channel, thread));
  const conversation = desk ? await tx.conversation(desk.conversationId) : undefined;
  if (!conversation) return;
  const text = inbound.text ?? '';
  tx.addMessage({
    conversationId: conversation.id, channel: inbound.channel, address: thread, direction: 'in', from: 'agent', agentId: agent.id, text,
    edit: { of: edit.of, text }, channelMessageId: inbound.id, at: stamp(ctx),
  });
  const language = threadLanguage(ctx, conversation);
  const says = (said: Line) => toThread(ctx, tx, conversation, word(said, language), fx);
  const original = await tx.messageByChannelId(inbound.channel, edit.of);
  const own = original?.direction === 'in' && original.from === 'agent' && original.agentId === agent.id && original.conversationId === conversation.id ? original : undefined;
  if ((own && parseAgentCommand(own.text, language)) || parseAgentCommand(text, language)) return says(line('editedCommand'));
  if (!own) return says(line('editNotRelayed'));
  const id = conversation.id;
  // Blanked out: a blank correction would tell the customer nothing, and no channel here takes back what they got.
  if (blank(text)) return says(line('editLeavesNothing', id));
  // The whole team reads the thread: the closer by name, never 'you'.
  if (conversation.status !== 'open') return says(line('editOnClosed', id, closingOf(ctx, conversation, undefined, threadZone(ctx, conversation))));
  if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) return says(line('editNotYours', id, holderOf(ctx, conversation)?.name));
  await correctForCustomer(ctx, tx, agent, conversation, { of: edit.of, text, was: own.text }, fx, says);
}

/**
 * Whether what `agent` wrote in the place `inbound` came from (`place`) of a desk's group would go to a customer, as
 * `agentInThread` decides it: a channel asks before it fetches the message's files, so that a file that would go to no
 * one (where no conversation is, in a closed one's thread or a colleague's, with a command) is never downloaded.
 *
 *     if (!(await reachesCustomer(ctx, store, sara, inbound))) return; // her photo is not fetched
 */
export async function reachesCustomer(ctx: DeskContext, reader: Pick<Tx, 'doc' | 'conversation'>, agent: Agent, inbound: InboundMessage): Promise<boolean> {
  if (inbound.place === undefined) return true;
  const desk = await reader.doc<DeskThread>('desk-threads', threadKey(inbound.channel, inbound.place));
  const conversation = desk ? await reader.conversation(desk.conversationId) : undefined;
  if (conversation?.status !== 'open' || !mayTouch(conversation, agent)) return false;
  if (conversation.deskThread?.channel !== inbound.channel || conversation.deskThread.address !== inbound.place) return false;
  if (parseAgentCommand(inbound.text ?? '') !== undefined) return false;
  const holder = holderOf(ctx, conversation);
  return !holder || holder.id === agent.id;
}

/** The commands about a conversation (rather than about the agent: /online, /list…), which only its holder may give. */
const HOLDERS_COMMANDS: ReadonlySet<AgentCommandName> = new Set(['close', 'transfer', 'handback', 'template', 'claim', 'use']);

/**
 * A command typed in a desk thread, under the rule of the agent's chat with the bot: whoever holds the conversation
 * (or anyone of its team, while nobody does) may /close it there, and its holder /transfer or /handback it, with the
 * answers of their chat (refused alike: only its holder passes it on); anyone of its team may leave a /note on it, as
 * in their chat. A colleague's command about a conversation another agent holds does nothing, and they are told whom
 * to ask; any other command works in the agent's chat with the bot only.
 */
async function commandInThread(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, thread: string, conversation: Conversation, command: AgentCommand, fx: DeskEffects,
  handBack: HandBack,
): Promise<void> {
  const reply = (answer: string) => toThread(ctx, tx, conversation, answer, fx);
  const language = threadLanguage(ctx, conversation);
  const says = (said: Line) => reply(word(said, language));
  if (isThreadCommand(command) && command.conversationId !== undefined && command.conversationId !== conversation.id) {
    return says(line('closeInOwnThread', conversation.id, command.conversationId, command.name));
  }
  if (command.name === 'note') return noteInThread(ctx, tx, agent, inbound, conversation, command, fx, handBack);
  const holder = holderOf(ctx, conversation);
  const colleague = holder && holder.id !== agent.id ? holder : undefined;
  if (colleague && HOLDERS_COMMANDS.has(command.name)) return says(line('threadCommandNotYours', conversation.id, command.name, agent.name, colleague.name));
  if (command.name === 'transfer' || command.name === 'handback') {
    // Answered in this thread, which a transfer to another team leaves; before the cards the freed seat brings.
    const here = { ...conversation };
    const action: AgentAction = command.name === 'transfer' ? { kind: 'transfer', conversationId: conversation.id, to: command.to } : { kind: 'handBack', conversationId: conversation.id };
    await act(ctx, tx, agent, action, fx, handBack, (result) => toThread(ctx, tx, here, word(result.line, language), fx));
    return;
  }
  if (command.name !== 'close') return says(line('onlyCloseInThread', conversation.id, command.name, agent.name, colleague?.name));
  const unseen = await unseenInApp(ctx, tx, conversation, agent.id, { channel: inbound.channel, address: thread, messageId: inbound.id }, 'topic');
  if (unseen) return reply(word(unseen, language));
  const { note, shared, styles } = closingNote(command.note, inbound);
  close(ctx, tx, conversation, agent.id, note, fx, { shared, ...(styles ? { styles } : {}) });
  await says(line('closed', conversation.id, note));
  if (holder) await drainFor(ctx, tx, holder, fx);
}

/**
 * A /note typed in a desk thread, left on the thread's conversation, open or closed (as /note N in the agent's chat
 * takes a closed one); one naming another conversation is sent to that one's own topic.
 */
async function noteInThread(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, conversation: Conversation, command: Extract<AgentCommand, { name: 'note' }>, fx: DeskEffects,
  handBack: HandBack,
): Promise<void> {
  const says = (said: Line) => toThread(ctx, tx, conversation, word(said, threadLanguage(ctx, conversation)), fx);
  if (command.conversationId !== conversation.id) return says(line('closeInOwnThread', conversation.id, command.conversationId, 'note'));
  const styles = endingStyles(command.text, inbound);
  const result = await act(ctx, tx, agent, { kind: 'note', conversationId: conversation.id, text: command.text, ...(styles.length > 0 ? { styles } : {}) }, fx, handBack);
  return says(result.line);
}

/** The commands a desk thread carries out for its own conversation, which may name it by number. */
function isThreadCommand(command: AgentCommand): command is Extract<AgentCommand, { name: ThreadCommand }> {
  return command.name === 'close' || command.name === 'note' || command.name === 'transfer' || command.name === 'handback';
}

/**
 * How long an agent who wrote where nothing reaches a customer (a closed conversation's topic, a place of the desk's
 * group no conversation has) is not told so again there: colleagues talk in the General topic, and one line tells
 * them, not one a message.
 */
const NOTHING_SENT_TOLD_FOR_MS = 8 * 60 * 60_000;

/** When an agent was last told, in one place of a desk's group, that nothing written there reaches a customer (collection `nothing-sent-told`). */
interface ToldThere {
  at: string;
}

/** Whether `agent` was told lately, in `place`, that nothing written there reaches a customer; if not, it is noted that they are now. */
async function toldLately(ctx: DeskContext, tx: Tx, agent: Agent, channel: string, place: string): Promise<boolean> {
  const key = `${channel}:${place}:${agent.id}`;
  const told = await tx.doc<ToldThere>('nothing-sent-told', key);
  if (told && ctx.now().getTime() - Date.parse(told.at) < NOTHING_SENT_TOLD_FOR_MS) return true;
  tx.putDoc('nothing-sent-told', key, { at: stamp(ctx) } satisfies ToldThere);
  return false;
}

/**
 * An agent writing where the desk has no conversation (the group's General topic, a topic someone opened by hand, one
 * whose conversation is gone, or was passed to another team: `said`): nothing reaches a customer, and a reply to their
 * message says so and where to write, in the language of the team whose desk it is, at most once in a while per agent
 * and place. Kept, so a repeated delivery is not answered twice.
 */
async function notAConversation(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, place: string, fx: DeskEffects, said: Line = line('notAConversationTopic', agent.name),
): Promise<void> {
  tx.addMessage({
    channel: inbound.channel, address: place, direction: 'in', from: 'agent', agentId: agent.id, text: inbound.text ?? '',
    ...(inbound.attachments ? { attachments: inbound.attachments } : {}), channelMessageId: inbound.id, at: stamp(ctx),
  });
  if (await toldLately(ctx, tx, agent, inbound.channel, place)) return;
  const desks = ctx.directory.teams().filter((team) => team.desk?.channel === inbound.channel && team.desk.group === inbound.group);
  const team = desks.find((each) => agent.teams.some((name) => name.toLowerCase() === each.name.toLowerCase())) ?? desks[0];
  fx.send({
    channel: inbound.channel, address: place, direction: 'out', from: 'bot', text: word(said, team?.language ?? 'en'),
    replyTo: inbound.id, at: stamp(ctx), status: 'pending',
  });
}
