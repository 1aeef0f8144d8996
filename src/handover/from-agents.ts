// Everything an agent writes to the bot from their own app: a command (carried out through the action API), or
// a message for one of their customers: the quoted conversation's, else the only one they hold, else the one
// picked with /use (none, after an erase, until they choose again). An edit of such a message is a correction for
// that customer.
import { createHash } from 'node:crypto';
import type { InboundMessage } from '../types.ts';
import type { Conversation, Message, Tx } from '../store/types.ts';
import { wasErased } from '../store/erased-relays.ts';
import { asciiDigits, blank } from '../shared/text.ts';
import { messageOrPartOf } from '../store/sent-parts.ts';
import { within } from '../shared/text-styles.ts';
import { act, actionResult, type ActionResult, type AgentAction, type HandBack } from './actions.ts';
import { agentState, saveAgentState, type AgentState } from './agent-state.ts';
import { bareCommand, commandText, looksLikeCommand, parseAgentCommand, runAgentCommand } from './commands.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word, type LeftFor, type Line } from './lines.ts';
import { closingOf, customerName, CUSTOMER_LEFT, heldBy, holderOf, mayTouch, type Held } from './lookups.ts';
import { toAgent } from './outgoing.ts';
import { correctForCustomer, fromAgentToCustomer, reactForCustomer, relayedIn } from './relay.ts';
import { agentInThread, editInThread } from './threads.ts';
import type { Agent } from './team.ts';
import { wroteFromUnreachable } from './unreachable.ts';

/**
 * Stores what an agent wrote and carries it out.
 *
 *     await fromAgent(ctx, tx, omar, inbound, fx, handBack);
 */
export async function fromAgent(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects,
  handBack: HandBack,
): Promise<void> {
  await wroteFromUnreachable(ctx, tx, agent, inbound, fx);
  if (inbound.edit) return editFromAgent(ctx, tx, agent, inbound, inbound.edit, fx);
  if (inbound.place !== undefined) return agentInThread(ctx, tx, agent, inbound, inbound.place, fx, handBack);
  if (inbound.reaction) return reactionFromAgent(ctx, tx, agent, inbound, inbound.reaction, fx);
  if (inbound.deletion) return notPassedOn(ctx, tx, agent, inbound, fx);
  const text = inbound.text ?? '';
  const command = parseAgentCommand(text, agent.language);
  // The rest of an album held for a command in a caption: kept, sent to no one, the agent told once already.
  if (inbound.album !== undefined && (await agentState(tx, agent, stamp(ctx))).heldAlbum === inbound.album) {
    await keep(ctx, tx, agent, inbound);
    return;
  }
  // A poll or a dice is meant for a customer too: the agent hears it did not go, rather than how commands work.
  const forCustomer = !command && (text.trim() !== '' || (inbound.attachments?.length ?? 0) > 0 || inbound.unsupported !== undefined);
  // Where a message for a customer goes is known before it is kept: an edit of it later finds the conversation.
  // What the agent's app quoted (a relay of a customer's message, a card): which conversation it is for, what it answers.
  const quoted = inbound.replyTo !== undefined ? await messageOrPartOf(tx, inbound.channel, inbound.replyTo) : undefined;
  // Or a relay about a customer erased since: that customer's, and no one else's (one the store never knew the id of,
  // sent to an agent who held an erased customer, may be theirs).
  const erased = inbound.replyTo !== undefined && quoted === undefined && (await wasErased(tx, inbound.channel, inbound.replyTo, agent.id, ctx.now()));
  // Or the conversation whose number it starts with, as relays are tagged ("#2 Your invoice is fixed"), quoting nothing.
  const numbered = forCustomer && inbound.replyTo === undefined ? await numberedFor(ctx, tx, agent, text) : undefined;
  // Or a number that says one conversation while the quote says another: it goes to neither (nor is it theirs to edit).
  const quotedFor = forCustomer ? quotedConversation(agent, quoted) : undefined;
  const renumbered = quotedFor !== undefined ? await numberedFor(ctx, tx, agent, text) : undefined;
  const crossed = renumbered !== undefined && renumbered.id !== quotedFor ? { numbered: renumbered.id, quoted: quotedFor! } : undefined;
  const held = !forCustomer || crossed ? undefined
    : numbered ? await heldBy(ctx, tx, agent, numbered.id) : await targetOf(ctx, tx, agent, await agentState(tx, agent, stamp(ctx)), quoted, erased);
  const chosen = quoted !== undefined || numbered !== undefined;
  const state = await keep(ctx, tx, agent, inbound, held && 'conversation' in held ? held.conversation.id : undefined);
  // A Reply that reaches a customer they hold (or a message numbered for them) is the choice an erase waited for: their
  // plain messages go on as before. So is a mark an erase that never happened left on a conversation that is no longer
  // theirs (closed, or with another agent): a later erase of it is none of their plain messages' business. (Not while it
  // is still theirs: the erase may be under way.)
  if (state.erased !== undefined && ((chosen && held && 'conversation' in held) || (await notTheirsAnyMore(tx, agent, state.erased)))) {
    delete state.erased;
    saveAgentState(tx, agent, state);
  }
  const reply = (answer: string, conversationId?: number) => toAgent(ctx, tx, agent, answer, fx, conversationId);
  const target = async () => toldOf(tx, agent, state, await targetOf(ctx, tx, agent, state, quoted, erased));
  if (command && (inbound.attachments?.length ?? 0) > 0) {
    if (inbound.album !== undefined) {
      state.heldAlbum = inbound.album;
      saveAgentState(tx, agent, state);
    }
    return reply(word(line('commandWithFile', commandText(text).split(/\s/)[0] ?? ''), agent.language));
  }
  if (command && 'error' in command) return reply(command.error);
  if (command) {
    return runAgentCommand({ desk: ctx, tx, agent, state, inbound, reply, target, act: (action: AgentAction, confirm) => act(ctx, tx, agent, action, fx, handBack, confirm) }, command);
  }
  if (crossed) return reply(word(line('numberNotQuoted', await named(tx, agent, crossed.numbered), await named(tx, agent, crossed.quoted)), agent.language));
  if (!held) return reply(word(line('onlyTextAndFiles'), agent.language));
  const meant = (inbound.attachments?.length ?? 0) === 0 ? bareCommand(text) : undefined;
  if (meant !== undefined) return reply(word(line('bareCommand', meant), agent.language));
  toldOf(tx, agent, state, held);
  if ('problem' in held) return reply(word((await closedSince(ctx, tx, agent, numbered?.id ?? quotedConversation(agent, quoted))) ?? forReply(held.problem), agent.language));
  if (inbound.unsupported !== undefined && text.trim() === '' && (inbound.attachments?.length ?? 0) === 0) {
    return reply(word(line('kindNotSent', held.conversation.id, inbound.unsupported), agent.language), held.conversation.id);
  }
  await wroteTo(ctx, tx, agent, state, held.conversation.id, chosen);
  // The number is the agent's tag, not the customer's to read: also on a reply to a message of that conversation.
  const tagged = numbered ?? renumbered;
  const said = tagged ? { ...inbound, text: tagged.text, ...(inbound.styles ? { styles: within(inbound.styles, text.length - tagged.text.length, text.length) } : {}) } : inbound;
  await fromAgentToCustomer(ctx, tx, agent, held.conversation, said, fx, (line) => reply(word(line, agent.language), held.conversation.id), relayedIn(held.conversation, quoted));
}

/** Why a message for a customer did not reach them: a conversation not theirs says so, not the commands' "nothing was changed". */
function forReply(problem: Line): Line {
  return problem.key === 'notYours' ? line('replyNotYours', ...problem.args) : problem;
}

/**
 * The conversation of the message an agent's app quoted: a relay's, a card's, a notice's, or, for a message of the
 * agent's own that went to a customer (their Reply on it, to add to it), that customer's.
 */
function quotedConversation(agent: Agent, quoted: Message | undefined): number | undefined {
  if (quoted?.conversationId !== undefined) return quoted.conversationId;
  return quoted?.direction === 'in' && quoted.from === 'agent' && quoted.agentId === agent.id ? quoted.relayedTo : undefined;
}

/** Conversation `id` and its customer's name, in the agent's language. */
async function named(tx: Tx, agent: Agent, id: number): Promise<{ id: number; customer: string }> {
  const conversation = await tx.conversation(id);
  return { id, customer: conversation ? await customerName(tx, conversation, agent.language) : `#${id}` };
}

/** A message that starts with a conversation's number, `#2 Your invoice is fixed` or `#2: …`: the number, and the rest. */
const NUMBERED = /^\s*#([\d\u0660-\u0669\u06f0-\u06f9]{1,15})(?:\s*:\s*|\s+)(\S[\s\S]*)$/;

/**
 * The conversation a message is numbered for, as the relays and cards tag them (`#2 Your invoice is fixed`), and its
 * text without the number: one of the agent's, or of their teams' (a number that is not one of those is the agent's
 * own words, `#1 priority`). Undefined for a message not numbered so.
 */
async function numberedFor(ctx: DeskContext, tx: Tx, agent: Agent, text: string): Promise<{ id: number; text: string } | undefined> {
  const match = NUMBERED.exec(text);
  if (!match) return undefined;
  const conversation = await tx.conversation(Number(asciiDigits(match[1] ?? '')));
  return conversation && mayTouch(conversation, agent) ? { id: conversation.id, text: match[2] ?? '' } : undefined;
}

/**
 * Whether a message is written as agents write to the bot: a command, or a message numbered for a conversation
 * ("#3 here is your refund"). What someone no longer in team.yaml writes so is answered as theirs (`toFormerAgent`).
 *
 *     writtenAsAgent('/close'); // true
 *     writtenAsAgent('I need help with #3 of my order'); // false
 */
export function writtenAsAgent(text: string | undefined): boolean {
  return text !== undefined && (looksLikeCommand(text) || NUMBERED.test(text));
}

/**
 * Someone team.yaml no longer lists writes a command or a numbered message as they did as an agent: it is kept, carried
 * out for no one, and they are told, where they wrote from and in the language they had, that they are no agent here
 * any more (their other messages are a customer's).
 *
 *     await toFormerAgent(ctx, tx, removedOmar, inbound, fx);
 */
export function toFormerAgent(ctx: DeskContext, tx: Tx, was: Agent, inbound: InboundMessage, fx: DeskEffects): void {
  tx.addMessage({
    channel: inbound.channel, address: inbound.from.id, direction: 'in', from: 'agent', agentId: was.id, text: inbound.text ?? '',
    channelMessageId: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: stamp(ctx),
  });
  fx.send({
    channel: inbound.channel, address: inbound.from.id, agentId: was.id, direction: 'out', from: 'bot',
    text: word(line('noLongerAgent'), was.language), toAgent: true, at: stamp(ctx), status: 'pending',
  });
}

/** `text` without the number of conversation `id` it starts with, if it does (an agent's edit of a numbered message). */
function withoutNumber(text: string, id: number): string {
  const match = NUMBERED.exec(text);
  return match && Number(asciiDigits(match[1] ?? '')) === id ? match[2] ?? '' : text;
}

/**
 * An agent's edit of a message they wrote to the bot (`of`: its channel message id): a message relayed to a customer
 * whose conversation they still hold is corrected for the customer (`correctForCustomer`), unless it now starts with
 * another conversation's number. An edited command is not carried out again, nor sent to anyone; any other edit goes
 * nowhere, and the agent is told so, since they expect the customer to read the new version. Kept like any message of
 * theirs, so a repeated delivery changes nothing.
 */
async function editFromAgent(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, edit: { of: string }, fx: DeskEffects): Promise<void> {
  if (inbound.place !== undefined) return editInThread(ctx, tx, agent, inbound, inbound.place, edit, fx);
  const text = inbound.text ?? '';
  const original = await tx.messageByChannelId(inbound.channel, edit.of);
  const own = original?.direction === 'in' && original.from === 'agent' && original.agentId === agent.id ? original : undefined;
  await keep(ctx, tx, agent, inbound);
  const reply = (answer: string, conversationId?: number) => toAgent(ctx, tx, agent, answer, fx, conversationId);
  if ((own && parseAgentCommand(own.text)) || parseAgentCommand(text)) return reply(word(line('editedCommand'), agent.language));
  if (own?.relayedTo === undefined) return reply(word(line('editNotRelayed'), agent.language));
  const id = own.relayedTo;
  // Blanked out (only spaces or invisible characters): a blank correction would tell the customer nothing, and no
  // channel here takes back a message they got.
  if (blank(text)) return reply(word(line('editLeavesNothing', id), agent.language), id);
  const conversation = await tx.conversation(id);
  if (conversation?.status !== 'open') return reply(word(line('editOnClosed', id, conversation && closingOf(ctx, conversation, agent)), agent.language), id);
  if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) {
    const holder = holderOf(ctx, conversation)?.name;
    return reply(word(line('editNotYours', id, holder), agent.language), id);
  }
  // Numbered now for another conversation of theirs: which customer it is for is not known, so it goes to neither.
  const renumbered = await numberedFor(ctx, tx, agent, text);
  if (renumbered !== undefined && renumbered.id !== id) {
    return reply(word(line('editNumberedOther', await named(tx, agent, renumbered.id), await named(tx, agent, id)), agent.language), id);
  }
  // A correction goes plain: what the agent hid in it would show.
  if (inbound.styles?.some((style) => style.style === 'spoiler')) return reply(word(line('spoilerNotSent', id, true), agent.language), id);
  await correctForCustomer(ctx, tx, agent, conversation, { of: edit.of, text: withoutNumber(text, id), was: withoutNumber(own.text, id) }, fx, (said) => reply(word(said, agent.language), id));
}

/**
 * A reply an agent wrote in the agent console for conversation `conversationId`: relayed to its customer if the
 * agent holds it when the transaction runs, else refused with the reason and nothing stored (the console answers
 * 409 and keeps the text in the reply box). The console's own check before it may be stale by then: an admin or a
 * colleague on another process may have closed or moved the conversation meanwhile. `answered`, the channel message id
 * of the customer's message the agent picked Reply on in the console, makes it an answer to that message.
 *
 *     const result = await replyFromConsole(ctx, tx, omar, inbound, 42, fx); // { ok: false, line, message: '#42 was closed by Nadia on …: that did not reach the customer.' }
 */
export async function replyFromConsole(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, conversationId: number, fx: DeskEffects, answered?: string,
): Promise<ActionResult> {
  if (await tx.hasInbound(inbound.channel, inbound.id)) return replySentAgain(ctx, tx, agent, inbound, conversationId, fx);
  const held = await heldBy(ctx, tx, agent, conversationId);
  if ('problem' in held) return actionResult(false, (await closedSince(ctx, tx, agent, conversationId)) ?? held.problem, conversationId);
  await keep(ctx, tx, agent, inbound, conversationId);
  await fromAgentToCustomer(ctx, tx, agent, held.conversation, inbound, fx, (said) => toAgent(ctx, tx, agent, word(said, agent.language), fx, conversationId), answered);
  return actionResult(true, line('replySent', conversationId), conversationId);
}

/**
 * A console reply sent again under the id it was stored with (its answer lost with the connection): the same text is
 * that reply, already sent; another text (the agent edited it in its box before sending it again) is their edit of it,
 * which the customer gets as a correction, as an edit in their own app would be: never the reply a second time. Each
 * text is one correction, however often it is sent again.
 */
async function replySentAgain(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, conversationId: number, fx: DeskEffects): Promise<ActionResult> {
  const sent = actionResult(true, line('replySent', conversationId), conversationId);
  const first = await tx.messageByChannelId(inbound.channel, inbound.id);
  const text = inbound.text ?? '';
  if (first?.direction !== 'in' || first.agentId !== agent.id || first.relayedTo !== conversationId || first.text === text) return sent;
  const edit: InboundMessage = { ...inbound, id: `${inbound.id}~${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`, edit: { of: inbound.id } };
  if (await tx.hasInbound(edit.channel, edit.id)) return actionResult(true, line('replyCorrected', conversationId), conversationId);
  const held = await heldBy(ctx, tx, agent, conversationId);
  if ('problem' in held) return actionResult(false, held.problem, conversationId);
  await keep(ctx, tx, agent, edit);
  const reply = (said: Line) => toAgent(ctx, tx, agent, word(said, agent.language), fx, conversationId);
  await correctForCustomer(ctx, tx, agent, held.conversation, { of: inbound.id, text, was: first.text }, fx, reply);
  return actionResult(true, line('replyCorrected', conversationId), conversationId);
}

/**
 * An agent's reaction (`emoji`, '' when they took it back) to a message in their chat with the bot. On the relay of a
 * customer's message, in a conversation they hold, it goes on that message in the customer's own app where their
 * channel shows that reaction from the business (`reactForCustomer`). Anywhere else it reaches no one, and the agent
 * is told why, since their app shows it done: a card or a notice is no customer's message, the conversation is closed
 * or someone else's now (nothing may reach the customer who has it), or the customer's app cannot show it. Taking
 * back a reaction that reached no one is nothing to tell.
 */
async function reactionFromAgent(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, reaction: { emoji: string; to: string }, fx: DeskEffects): Promise<void> {
  await keep(ctx, tx, agent, inbound);
  const reacted = await messageOrPartOf(tx, inbound.channel, reaction.to);
  const conversation = reacted?.conversationId !== undefined ? await tx.conversation(reacted.conversationId) : undefined;
  const to = conversation ? { id: conversation.id, customer: await customerName(tx, conversation, agent.language) } : undefined;
  const reply = (said: Line) => (reaction.emoji === '' ? Promise.resolve() : toAgent(ctx, tx, agent, word(said, agent.language), fx, to?.id));
  const customers = conversation ? relayedIn(conversation, reacted) : undefined;
  if (!conversation || !to || customers === undefined) return reply(line('reactionNotOnCustomers', reaction.emoji, to));
  const held = await heldBy(ctx, tx, agent, conversation.id);
  if (!('conversation' in held)) {
    return reply(conversation.status !== 'open' ? line('reactionOnClosed', reaction.emoji, to, closingOf(ctx, conversation, agent)) : line('reactionNotYours', reaction.emoji, to, holderOf(ctx, conversation)?.name));
  }
  const shown = await reactForCustomer(ctx, tx, agent, held.conversation, { emoji: reaction.emoji, to: customers }, fx);
  if (shown !== true) await reply(line('reactionNotShown', reaction.emoji, to, shown.someShown));
}

/**
 * An agent's deletion for everyone of a message of theirs: it does not reach a customer, so the agent is told, since
 * their app shows it done. A deletion of a message relayed to a customer says that the customer still has it (no
 * channel here takes a sent message back): it may have gone to the wrong one. A deleted command, or any message that
 * reached nobody, is nothing to tell.
 */
async function notPassedOn(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects): Promise<void> {
  await keep(ctx, tx, agent, inbound);
  const reply = (said: Line, conversationId?: number) => toAgent(ctx, tx, agent, word(said, agent.language), fx, conversationId);
  const about = async (id: number | undefined) => {
    const conversation = id !== undefined ? await tx.conversation(id) : undefined;
    return conversation ? { id: conversation.id, customer: await customerName(tx, conversation, agent.language) } : undefined;
  };
  const deleted = inbound.deletion ? await tx.messageByChannelId(inbound.channel, inbound.deletion.of) : undefined;
  const own = deleted?.direction === 'in' && deleted.from === 'agent' && deleted.agentId === agent.id ? deleted : undefined;
  const conversation = await about(own?.relayedTo);
  if (own && conversation) await reply(line('deletedStillThere', conversation, own.text), conversation.id);
}

/**
 * Stores what the agent wrote (`relayedTo`: the conversation whose customer it is for), in their own thread with the
 * bot, and that they last wrote from there; their state.
 */
async function keep(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, relayedTo?: number): Promise<AgentState> {
  const identity = { channel: inbound.channel, id: inbound.from.id, ...(inbound.from.reference ? { reference: inbound.from.reference } : {}) };
  tx.addMessage({
    channel: inbound.channel, address: identity.id, direction: 'in', from: 'agent', agentId: agent.id, text: inbound.text ?? '',
    ...(inbound.attachments ? { attachments: inbound.attachments } : {}), ...(inbound.edit ? { edit: { of: inbound.edit.of, text: inbound.text ?? '' } } : {}),
    ...(relayedTo !== undefined ? { relayedTo } : {}),
    channelMessageId: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: stamp(ctx),
  });
  const state = await agentState(tx, agent, stamp(ctx));
  if (state.replyTo?.channel !== identity.channel || state.replyTo.id !== identity.id || JSON.stringify(state.replyTo.reference) !== JSON.stringify(identity.reference)) {
    state.replyTo = identity;
    saveAgentState(tx, agent, state);
  }
  return state;
}

/**
 * What an agent is told of their Reply on the relay of a conversation (`id`) closed since, of a message numbered for it,
 * or of their reply to it in the console: that it reached no one, who closed it and when, and which conversation of
 * that customer is open now, when they hold it. A new conversation is not answered in the closed one's place: the agent
 * may have meant something only true of the old one.
 */
async function closedSince(ctx: DeskContext, tx: Tx, agent: Agent, id: number | undefined): Promise<Line | undefined> {
  const conversation = id !== undefined ? await tx.conversation(id) : undefined;
  if (conversation?.status !== 'closed') return undefined;
  const now = await tx.openConversationOf(conversation.contactId);
  return line('repliedToClosed', conversation.id, closingOf(ctx, conversation, agent), now?.stage === 'assigned' && now.agentId === agent.id ? now.id : undefined);
}

/**
 * Remembers the conversation an agent's message from their app reached (`AgentState.writingTo`); a Reply (`replied`)
 * is their choice of whom they write to, as /use is, so a pick of theirs that is no longer theirs is dropped.
 */
async function wroteTo(ctx: DeskContext, tx: Tx, agent: Agent, state: AgentState, id: number, replied: boolean): Promise<void> {
  const stalePick = replied && state.current !== undefined && state.current !== id && 'problem' in (await heldBy(ctx, tx, agent, state.current));
  if (state.writingTo === id && !stalePick) return;
  state.writingTo = id;
  if (stalePick) delete state.current;
  saveAgentState(tx, agent, state);
}

/**
 * `held`, once the agent is told by it that where their plain messages went is no longer theirs and where they go now:
 * told that, their pick and where they last wrote are dropped. Told only that they hold no other conversation, they
 * keep them: a message after a new customer comes may still be meant for the one who left.
 */
function toldOf(tx: Tx, agent: Agent, state: AgentState, held: Held): Held {
  if (!('problem' in held) || held.problem.key !== 'wroteAfterLeft' || held.problem.args[3] === undefined) return held;
  delete state.current;
  delete state.writingTo;
  saveAgentState(tx, agent, state);
  return held;
}

/** Whether conversation `id` is there, and not open with `agent`. */
async function notTheirsAnyMore(tx: Tx, agent: Agent, id: number): Promise<boolean> {
  const conversation = await tx.conversation(id);
  return conversation !== undefined && !(conversation.status === 'open' && conversation.stage === 'assigned' && conversation.agentId === agent.id);
}

/**
 * Which conversation an agent's message is for: the one of the message their app `quoted`, the only one they hold, the
 * one picked with /use. A Reply on a relay about a customer `erased` since is for none: the agent meant that customer,
 * not whichever one they hold now. Nor is a message that quotes nothing, once a conversation it might have been for
 * was erased (is gone), until the agent chooses again (`AgentState.erased`).
 */
async function targetOf(ctx: DeskContext, tx: Tx, agent: Agent, state: AgentState, quoted: Message | undefined, erased: boolean): Promise<Held> {
  if (erased) return { problem: line('repliedToErased') };
  const of = quotedConversation(agent, quoted);
  if (of !== undefined) return heldBy(ctx, tx, agent, of);
  // Once it is gone: an erase that failed before its delete leaves it there, and the agent writing as before.
  if (state.erased !== undefined && (await tx.conversation(state.erased)) === undefined) return { problem: line('wroteAfterErase', state.erased) };
  const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id });
  if (state.current !== undefined && held.some((c) => c.id === state.current)) return heldBy(ctx, tx, agent, state.current);
  // Where their plain messages went (their pick, else where they last wrote) left them since, by someone else's doing:
  // this one may be for that customer, whom the one conversation they hold now is not.
  const went = state.current ?? state.writingTo;
  const only = held.length === 1 ? held[0] : undefined;
  if (went !== undefined && held.length <= 1 && went !== only?.id) return { problem: await wroteAfterLeft(ctx, tx, agent, went, only) };
  if (only) return heldBy(ctx, tx, agent, only.id);
  if (held.length === 0) return { problem: line('holdNone') };
  return { problem: line('holdSeveral', held.map((c) => c.id)) };
}

/**
 * What an agent reads of a plain message that went nowhere because the conversation `id` their messages went to is no
 * longer theirs, and `next`, the one they hold, would have had it; names in the agent's language.
 */
async function wroteAfterLeft(ctx: DeskContext, tx: Tx, agent: Agent, id: number, next: Conversation | undefined): Promise<Line> {
  const left = await tx.conversation(id);
  const holder = left ? holderOf(ctx, left)?.name : undefined;
  const now: LeftFor = !left ? 'gone' : left.status === 'closed' ? (left.closedBy === CUSTOMER_LEFT ? 'customerLeft' : 'closed') : holder !== undefined ? { holder } : left.stage === 'queued' ? 'queued' : 'bot';
  const customer = left ? await customerName(tx, left, agent.language) : undefined;
  return line('wroteAfterLeft', id, customer, now, next && { id: next.id, customer: await customerName(tx, next, agent.language) });
}
