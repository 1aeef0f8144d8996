// Customers left waiting by an agent who is away (Away pressed or typed, or set Away with no console open): once one
// has waited for an answer for AWAY_REQUEUE_AFTER, counted from their first unanswered message (or from when the agent
// went away, or was given the conversation, if later), the conversation goes back to its team's queue, where a free
// colleague takes it at once. The customer is told their agent is away; the agent, what was passed on and why.
// A customer waiting for an agent who stays online is never closed for inactivity (that counts only the agent's
// silence after their own last words); the agent is reminded, every UNANSWERED_REMIND_AFTER, that they wait, and once
// they have waited UNANSWERED_PASS_ON_AFTER, a free colleague, if there is one, takes them.
import type { Conversation, Tx } from '../store/types.ts';
import { agentState, takenFrom, type AgentState } from './agent-state.ts';
import { drainFor, passToColleague, rehome, requeue, stranded } from './assignment/assign.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word } from './lines.ts';
import { toAgent } from './outgoing.ts';

/**
 * Notes that the customer of a conversation an agent holds now waits for an answer, unless they already did: from
 * their first message after the agent's last one.
 *
 *     markAwaitingAnswer(ctx, tx, conversation); // as their message is relayed to the agent
 */
export function markAwaitingAnswer(ctx: DeskContext, tx: Tx, conversation: Conversation): void {
  if (conversation.stage !== 'assigned' || conversation.deskThread || conversation.takenOver) return;
  if (waitingSince(conversation) !== undefined) return;
  conversation.customerWaitingSince = stamp(ctx);
  tx.putConversation(conversation);
}

/**
 * Since when (ms) the customer has waited for an answer from the agent who holds the conversation now: their first
 * message since the last agent message, or the moment this agent was given it, if later; undefined when they wait for
 * none (the agent wrote after them), or the conversation is in a desk's thread or the business's own app.
 *
 *     if (waitingSince(conversation) === undefined) await autoClose(…); // the agent spoke last
 */
export function waitingSince(conversation: Conversation): number | undefined {
  if (conversation.customerWaitingSince === undefined || conversation.deskThread || conversation.takenOver) return undefined;
  const since = Date.parse(conversation.customerWaitingSince);
  if (conversation.lastAgentMessageAt !== undefined && Date.parse(conversation.lastAgentMessageAt) >= since) return undefined;
  return conversation.heldSince === undefined ? since : Math.max(since, Date.parse(conversation.heldSince));
}

/**
 * When (ms) a conversation goes to someone else because its agent is not online (`state`: theirs, as stored; none
 * stored is an agent who never came online): `afterMs` after its customer began waiting for an answer or the agent
 * went away, whichever is later. Undefined while the agent is online, the customer waits for nothing, or `afterMs` is
 * 0 (off).
 *
 *     awayDueAt(conversation, await tx.doc('agents', 'omar'), 10 * 60_000);
 */
export function awayDueAt(conversation: Conversation, state: Pick<AgentState, 'status' | 'since'> | undefined, afterMs: number): number | undefined {
  if (afterMs <= 0 || conversation.status !== 'open' || conversation.stage !== 'assigned' || state?.status === 'online') return undefined;
  const since = waitingSince(conversation);
  if (since === undefined) return undefined;
  return Math.max(since, state ? Date.parse(state.since) : 0) + afterMs;
}

/**
 * Passes on a conversation whose customer has waited `afterMs` for its away agent (see `awayDueAt`, read again here):
 * back in its team's queue, behind those waiting, or to a free colleague at once; the customer hears that their agent
 * is away, and the agent is told where it went, in their language. Resolves false, changing nothing, when it is not
 * due (the agent came back online, or answered).
 *
 *     if (await passOnFromAway(ctx, tx, conversation, 10 * 60_000, fx)) await turns.closedFlows(tx, fx);
 */
export async function passOnFromAway(ctx: DeskContext, tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
  const agent = conversation.agentId !== undefined ? ctx.directory.agent(conversation.agentId) : undefined;
  if (!agent || conversation.takenOver || conversation.deskThread) return false;
  const now = Date.parse(stamp(ctx));
  const due = awayDueAt(conversation, await tx.doc<AgentState>('agents', agent.id), afterMs);
  const since = waitingSince(conversation);
  if (due === undefined || due > now || since === undefined) return false;
  const team = conversation.team ?? '';
  ctx.log.warn({ conversation: conversation.id, agent: agent.id, team, waitedMs: now - since }, 'the customer waited too long for an agent who is away (AWAY_REQUEUE_AFTER); conversation back in its queue');
  await requeue(ctx, tx, conversation, fx, { agent: agent.name, id: agent.id });
  let after = await tx.conversation(conversation.id);
  // Its team left team.yaml while the agent kept it: on to the first team with agents before its placing, its customer
  // told once where they are, not their place in a line nobody serves, then the move.
  if (after?.stage === 'queued' && stranded(ctx, after)) {
    await rehome(ctx, tx, after, fx);
    after = await tx.conversation(conversation.id);
  }
  const taker = after?.stage === 'assigned' && after.agentId !== undefined ? ctx.directory.agent(after.agentId)?.name : undefined;
  const customer = (await tx.contact(conversation.contactId))?.name;
  await toAgent(ctx, tx, agent, word(line('passedOnWhileAway', conversation.id, customer, roughly(now - since), ctx.directory.title(after?.team ?? team, agent.language), taker), agent.language), fx, conversation.id);
  // Back online, the first thing they type may be their answer to this customer: not for whoever comes to them then.
  await takenFrom(tx, agent, conversation.id, stamp(ctx));
  return true;
}

/**
 * When (ms) the agent holding a conversation is reminded that its customer waits for their answer: `afterMs` after
 * the customer began waiting (see `waitingSince`), then `afterMs` after each reminder while no answer comes.
 * Undefined when the customer waits for nothing, or `afterMs` is 0 (off).
 *
 *     remindDueAt(conversation, 30 * 60_000);
 */
export function remindDueAt(conversation: Conversation, afterMs: number): number | undefined {
  if (afterMs <= 0 || conversation.status !== 'open' || conversation.stage !== 'assigned') return undefined;
  const since = waitingSince(conversation);
  if (since === undefined) return undefined;
  const reminded = conversation.answerRemindedAt === undefined ? undefined : Date.parse(conversation.answerRemindedAt);
  return (reminded !== undefined && reminded >= since ? reminded : since) + afterMs;
}

/**
 * Reminds the agent holding a conversation, in their language, that its customer has waited for their answer, and
 * how long (see `remindDueAt`, read again here). Resolves false, changing nothing, when no reminder is due.
 *
 *     if (await remindUnanswered(ctx, tx, conversation, 30 * 60_000, fx)) return;
 */
export async function remindUnanswered(ctx: DeskContext, tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
  const agent = conversation.agentId !== undefined ? ctx.directory.agent(conversation.agentId) : undefined;
  const now = stamp(ctx);
  const due = remindDueAt(conversation, afterMs);
  const since = waitingSince(conversation);
  if (!agent || due === undefined || due > Date.parse(now) || since === undefined) return false;
  conversation.answerRemindedAt = now;
  tx.putConversation(conversation);
  const customer = (await tx.contact(conversation.contactId))?.name;
  await toAgent(ctx, tx, agent, word(line('awaitsAnswer', conversation.id, customer, roughly(Date.parse(now) - since)), agent.language), fx, conversation.id);
  return true;
}

/**
 * Gives a conversation whose customer has waited `afterMs` for an answer from its agent, online, to a free colleague
 * of its team (never back to that agent): the customer hears another agent will answer, and the agent is told where
 * it went and why, in their language. Resolves false, changing nothing, when that is not due, or no colleague is
 * free (it stays, and the reminders go on).
 *
 *     if (await passOnUnanswered(ctx, tx, conversation, 2 * 3_600_000, fx)) return;
 */
export async function passOnUnanswered(ctx: DeskContext, tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
  const agent = conversation.agentId !== undefined ? ctx.directory.agent(conversation.agentId) : undefined;
  const since = waitingSince(conversation);
  const now = stamp(ctx);
  if (!agent || afterMs <= 0 || conversation.status !== 'open' || conversation.stage !== 'assigned' || since === undefined || since + afterMs > Date.parse(now)) return false;
  if ((await agentState(tx, agent, now)).status !== 'online') return false;
  const colleague = await passToColleague(ctx, tx, conversation, agent, fx);
  if (!colleague) return false;
  ctx.log.warn({ conversation: conversation.id, agent: agent.id, to: colleague.id, waitedMs: Date.parse(now) - since }, 'the customer waited too long for an answer from their online agent (UNANSWERED_PASS_ON_AFTER); conversation given to a colleague');
  const customer = (await tx.contact(conversation.contactId))?.name;
  await toAgent(ctx, tx, agent, word(line('passedOnUnanswered', conversation.id, customer, roughly(Date.parse(now) - since), colleague.name), agent.language), fx, conversation.id);
  await takenFrom(tx, agent, conversation.id, now);
  await drainFor(ctx, tx, agent, fx);
  return true;
}

/** A wait as people say it: whole minutes from a minute on (`10 min`, not `623 s`), else whole seconds. */
function roughly(ms: number): number {
  return ms >= 60_000 ? Math.floor(ms / 60_000) * 60_000 : Math.round(ms / 1_000) * 1_000;
}
