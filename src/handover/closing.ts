// Closing a conversation: by its agent, by a flow's `close` step, after too long without activity (of its agent, or
// of a customer who left the bot's question unanswered), or as its customer left the chat; and telling its agent when
// its customer blocked the bot, which leaves the closing to them.
import type { Conversation, RecentMessage, TextStyle, Tx } from '../store/types.ts';
import { describeDuration } from '../shared/duration.ts';
import { takenFrom } from './agent-state.ts';
import { drainFor } from './assignment/assign.ts';
import { recordFirstResponse, stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word, type Line } from './lines.ts';
import { CUSTOMER_LEFT, holderOf, threadLanguage } from './lookups.ts';
import { tell, toAgent, toThread } from './outgoing.ts';

/** How many of a conversation's latest messages are looked through for one its closer has not seen. */
const UNSEEN_LOOKED_AT = 50;

/**
 * Closes a conversation; its desk thread closes with it, the flow it was in is over, and its `conversation.closed`
 * flows start. `shared`: the person closing chose to tell the customer the note.
 *
 *     close(ctx, tx, conversation, agent.id, 'refunded', fx);
 *     close(ctx, tx, conversation, agent.id, 'Your refund is on its way', fx, { shared: true });
 */
export function close(ctx: DeskContext, tx: Tx, conversation: Conversation, by: string, note: string | undefined, fx: DeskEffects, options: { shared?: boolean; styles?: TextStyle[] } = {}): void {
  tx.putConversation(conversation);
  conversation.status = 'closed';
  conversation.closedAt = stamp(ctx);
  conversation.closedBy = by;
  if (note) conversation.closingNote = note;
  if (note && options.shared) {
    conversation.closingNoteShared = true;
    if (options.styles && options.styles.length > 0) conversation.closingNoteStyles = options.styles;
    // A person's own words reach the customer with the closing notice: an answer, as a public reply that solves a
    // ticket is its first reply in Zendesk or Freshdesk; without it the conversation would fall out of first response.
    recordFirstResponse(conversation, by, conversation.closedAt);
  }
  // The flow that greeted them is over, though it waited (a question, a queue): after a close, the customer's next
  // words answer only a question a `conversation.closed` flow asks (that flow takes the conversation's place);
  // anything else opens a new conversation, which the flow greets.
  if (conversation.flow && !conversation.flow.done) conversation.flow = { ...conversation.flow, done: true };
  if (conversation.deskThread) fx.closeThread(conversation.deskThread.channel, conversation.deskThread.address);
  fx.emit({ type: 'conversation.closed', payload: { conversation } });
  fx.closed(conversation);
}

/** Closes a conversation nobody wrote in for `idleForMs`, tells its agent how long in their language, and frees their capacity. */
export async function autoClose(ctx: DeskContext, tx: Tx, conversation: Conversation, idleForMs: number, fx: DeskEffects): Promise<void> {
  const agent = conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
  close(ctx, tx, conversation, 'auto', `closed automatically after ${describeDuration(idleForMs)} without activity`, fx);
  if (agent) {
    await toAgent(ctx, tx, agent, word(line('autoClosed', conversation.id, idleForMs), agent.language), fx, conversation.id);
    await takenFrom(tx, agent, conversation.id, stamp(ctx));
    await drainFor(ctx, tx, agent, fx);
  }
}


/**
 * Closes the open conversation of a customer who left the chat (the web chat's New visitor: their browser no longer
 * holds the chat, so nothing said in it reaches them). Its agent, or its desk thread, is told in their language, and
 * the agent's seat goes to the queue. The customer is told nothing and no `conversation.closed` flow asks them
 * anything: nobody is there to read it. The reports count it as closed by nobody at the business, not as resolved.
 *
 *     await customerLeft(ctx, tx, conversation, fx);
 */
export async function customerLeft(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
  const holder = holderOf(ctx, conversation);
  const customer = (await tx.contact(conversation.contactId))?.name;
  await tellThreadWhy(ctx, tx, conversation, () => line('customerLeft', conversation.id, customer), fx);
  close(ctx, tx, conversation, CUSTOMER_LEFT, 'the customer left the chat', fx);
  if (holder) {
    await tell(ctx, tx, holder.id, line('customerLeft', conversation.id, customer), fx, conversation.id);
    await takenFrom(tx, holder, conversation.id, stamp(ctx));
    await drainFor(ctx, tx, holder, fx);
  }
}

/**
 * Tells the agent holding the conversation, or its desk thread, in their language, that its customer blocked the bot:
 * nothing written to them reaches them now. It stays open, as the agent may still close it, and their next message
 * (once they unblock it) comes to the agent as any other. With the bot or in the queue, nobody is told: the card of
 * whoever takes it comes, and the transcript says it. `appRemoved`: they removed the bot's app from their Teams, and
 * were not blocking anything: the agent reads that, and that adding the app back brings them.
 *
 *     await customerBlocked(ctx, tx, conversation, fx);
 *     await customerBlocked(ctx, tx, conversation, fx, { appRemoved: true });
 */
export async function customerBlocked(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects, options: { appRemoved?: boolean } = {}): Promise<void> {
  const key = options.appRemoved ? 'customerRemovedApp' : 'customerBlocked';
  await tellThreadWhy(ctx, tx, conversation, (customer) => line(key, conversation.id, customer), fx);
  const holder = conversation.deskThread ? undefined : holderOf(ctx, conversation);
  if (holder) await tell(ctx, tx, holder.id, line(key, conversation.id, (await tx.contact(conversation.contactId))?.name), fx, conversation.id);
}

/**
 * Closes a conversation whose customer left the bot waiting for `idleForMs` (a question unanswered, say), as the
 * inactivity timer (`auto`): the reports count it as auto-closed, without a resolution time. Its stage stays `bot`.
 * The customer is told nothing: they walked away long ago, and on WhatsApp their 24-hour window has closed. Their
 * next message opens a new conversation. One an agent handed back from a team desk's thread is said closed there,
 * and why, in the team's language, before the thread closes: the team saw it last with an agent.
 *
 *     await closeLeftWithBot(ctx, tx, conversation, 24 * 3_600_000, fx);
 */
export async function closeLeftWithBot(ctx: DeskContext, tx: Tx, conversation: Conversation, idleForMs: number, fx: DeskEffects): Promise<void> {
  await tellThreadWhy(ctx, tx, conversation, (customer) => line('threadLeftWithBot', conversation.id, customer, idleForMs), fx);
  close(ctx, tx, conversation, 'auto', `closed automatically after ${describeDuration(idleForMs)} without an answer from the customer`, fx);
}

/**
 * Closes a conversation its flow ended (a `close` step, with its note, or a flow that ran out of steps). One in a team
 * desk's thread is said closed there, and why, in the team's language, before the thread closes, as a close by its
 * agent or by inactivity is: the team saw it last waiting, or with an agent who handed it back.
 *
 *     await closeByFlow(ctx, tx, conversation, 'Answered by the FAQ', fx);
 */
export async function closeByFlow(ctx: DeskContext, tx: Tx, conversation: Conversation, note: string | undefined, fx: DeskEffects): Promise<void> {
  await tellThreadWhy(ctx, tx, conversation, (customer) => line('threadClosedByFlow', conversation.id, customer, note), fx);
  close(ctx, tx, conversation, 'bot', note, fx);
}

/** Tells a conversation's desk thread, in its team's language, why it closes (`why` of the customer's name); nothing without a thread. */
async function tellThreadWhy(ctx: DeskContext, tx: Tx, conversation: Conversation, why: (customer: string | undefined) => Line, fx: DeskEffects): Promise<void> {
  if (!conversation.deskThread) return;
  const customer = (await tx.contact(conversation.contactId))?.name;
  await toThread(ctx, tx, conversation, word(why(customer), threadLanguage(ctx, conversation)), fx);
}

/**
 * Why a close from a screen (the dashboard, the agent console) is refused: the customer wrote after the newest
 * message that screen showed (`seen`, its id), and whoever closes would end the conversation on words they never
 * read. Undefined when nothing new came from the customer. Looked at in the close's own transaction, so a message
 * stored before the close is either seen or refuses it.
 *
 *     word(await unseenByCloser(tx, conversation, 118)); // 'Layla wrote in #42 since your screen last showed it: "one more thing". Nothing was closed: read it, then close again.'
 */
export async function unseenByCloser(tx: Tx, conversation: Conversation, seen: number): Promise<Line | undefined> {
  const unseen = (await tx.recentMessages(conversation.id, UNSEEN_LOOKED_AT)).filter((message) => message.from === 'contact' && message.id !== undefined && message.id > seen);
  return unseenRefusal(tx, conversation, unseen);
}

/** Where an agent wrote a message from their messaging app, and the channel's id for it (a `/close`, say). */
export interface WrittenIn {
  channel: string;
  /** The agent's address on that channel: their chat with the bot. */
  address: string;
  messageId: string;
}

/**
 * Why an agent's `/close` from their messaging app (`closing`: in their chat with the bot, or in a team desk's thread,
 * `where` for them) is refused: a customer message of the conversation relayed to that agent, or into that thread, had
 * not reached it when they sent it. Its relay is still in the outbox (or being sent), or it came into the chat the
 * /close came from after the /close did, where the channel's message ids tell (`DeskContext.cameAfter`: Telegram's do,
 * WhatsApp's do not). A relay sent to another chat of theirs, or to this one on a channel that cannot tell, counts as
 * seen; one that failed, and a message never relayed to them (written before they held the conversation), refuse
 * nothing: the agent can always close once the relays are through.
 *
 *     word(await unseenInApp(ctx, tx, conversation, 'omar', { channel: 'telegram', address: '9001', messageId: '9001:310' }));
 *     // 'Layla wrote in #42 what your chat had not shown you when you sent /close: "one more thing". Nothing was closed: read it, then close again.'
 */
export async function unseenInApp(
  ctx: DeskContext, tx: Tx, conversation: Conversation, agentId: string, closing: WrittenIn, where: 'chat' | 'topic' = 'chat',
): Promise<Line | undefined> {
  const recent = await tx.recentMessages(conversation.id, UNSEEN_LOOKED_AT);
  const toCloser = (message: RecentMessage) => (message.toAgent && message.agentId === agentId) || (message.channel === closing.channel && message.address === closing.address);
  const late = new Set(recent.filter((message) => message.direction === 'out' && message.relayOf !== undefined && toCloser(message)
    && !countsAsSeen(ctx, message, closing)).map((message) => message.relayOf));
  const unseen = recent.filter((message) => message.from === 'contact' && message.channelMessageId !== undefined && late.has(message.channelMessageId));
  return unseenRefusal(tx, conversation, unseen, where);
}

/**
 * Whether a relay to an agent counts as seen at their `closing`: it was in one of their chats before it, as far as can be
 * told. One still to send is not; one that failed is, since no later try brings it (a close waiting for it would wait
 * forever).
 */
function countsAsSeen(ctx: DeskContext, relayed: RecentMessage, closing: WrittenIn): boolean {
  if (relayed.status === 'pending' || relayed.status === 'sending') return false;
  if (relayed.status !== 'sent' || relayed.channelMessageId === undefined) return true;
  if (relayed.channel !== closing.channel || relayed.address !== closing.address) return true;
  return ctx.cameAfter?.(relayed.channel, relayed.channelMessageId, closing.messageId) !== true;
}

/**
 * The refusal of a close on the customer's messages `unseen` (oldest first), or undefined when there are none; `where`
 * for a /close from a messaging app.
 */
async function unseenRefusal(tx: Tx, conversation: Conversation, unseen: readonly RecentMessage[], where?: 'chat' | 'topic'): Promise<Line | undefined> {
  const newest = unseen.at(-1);
  if (!newest) return undefined;
  const customer = (await tx.contact(conversation.contactId))?.name;
  return where ? line('unseenInApp', conversation.id, customer, newest.text, unseen.length - 1, where) : line('unseen', conversation.id, customer, newest.text, unseen.length - 1);
}

/**
 * Closes `conversation`, the one a customer's new number opened before the channel said the number was theirs, as part
 * of `into` (their conversation from before, kept open): its agent is told in their language and their seat goes to
 * the queue; its desk thread is told why. The customer is told nothing: their conversation goes on in `into`.
 *
 *     await mergedAway(ctx, tx, conversation, 1, 'Sheena Nelson', fx);
 */
export async function mergedAway(ctx: DeskContext, tx: Tx, conversation: Conversation, into: number, customer: string | undefined, fx: DeskEffects): Promise<void> {
  const holder = holderOf(ctx, conversation);
  await tellThreadWhy(ctx, tx, conversation, () => line('numberMergedAway', conversation.id, customer, into), fx);
  close(ctx, tx, conversation, 'bot', `the customer changed their number; part of #${into} now`, fx);
  if (holder) {
    await tell(ctx, tx, holder.id, line('numberMergedAway', conversation.id, customer, into), fx, conversation.id);
    await takenFrom(tx, holder, conversation.id, stamp(ctx));
    await drainFor(ctx, tx, holder, fx);
  }
}
