// Agents their own app no longer lets the bot reach: they blocked the bot, deleted their account, never started it, or
// WhatsApp refuses their number. A notice refused so marks that address (nothing more is sent there); their notices go
// to their other addresses (the agent console, another app). Once no address of theirs on a channel that runs here is
// left, they are set offline and the conversations they hold go back to their teams' queues (to a free colleague at
// once), their customers told as when an agent leaves, rather than writing on to someone nothing reaches. Writing
// again from an address clears its mark (from-agents.ts); they take conversations again at /online. On Telegram the
// block itself marks the address at once (my_chat_member, `agentBlocked`), the same way.
import type { InboundMessage, KnownFailure } from '../types.ts';
import type { Message, Tx } from '../store/types.ts';
import { agentState, saveAgentState, unreachableAt } from './agent-state.ts';
import { requeue } from './assignment/assign.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word } from './lines.ts';
import { toAgent } from './outgoing.ts';
import type { Agent } from './team.ts';

/** What a refused notice is known to mean that leaves nothing reaching the agent there until they write from it again. */
const GONE_FROM: ReadonlySet<KnownFailure> = new Set(['blocked', 'noChat', 'cannotReceive', 'unavailable', 'writeFirst']);

/**
 * Marks the address a notice to an agent was refused at for good (`known`, see `GONE_FROM`), and, when no address of
 * theirs is left that the bot can reach, sets them offline and passes on the conversations they hold. Resolves true
 * then (nowhere else to tell them); false when the notice may go to another address of theirs.
 *
 *     if (!(await refusedFor(ctx, tx, failed, 'blocked', fx))) await toAgentElsewhere(ctx, tx, failed, reason, fx);
 */
export async function refusedFor(ctx: DeskContext, tx: Tx, failed: Message, known: KnownFailure | undefined, fx: DeskEffects): Promise<boolean> {
  const agent = failed.agentId !== undefined ? ctx.directory.agent(failed.agentId) : undefined;
  if (!agent || known === undefined || !GONE_FROM.has(known)) return false;
  return goneFrom(ctx, tx, agent, { channel: failed.channel, id: failed.address }, known, fx);
}

/**
 * The channel said at once that the agent blocked the bot at `at` (Telegram's `my_chat_member`): the same as the first
 * notice refused there (`refusedFor`), before any is. An unblock clears nothing by itself: their next message does.
 *
 *     await agentBlocked(ctx, tx, omar, { channel: 'telegram', id: '9001' }, fx);
 */
export async function agentBlocked(ctx: DeskContext, tx: Tx, agent: Agent, at: { channel: string; id: string }, fx: DeskEffects): Promise<void> {
  await goneFrom(ctx, tx, agent, at, 'blocked', fx);
}

/** Marks `at` unreachable for `agent` (see `refusedFor`); true when no address of theirs is left. */
async function goneFrom(ctx: DeskContext, tx: Tx, agent: Agent, at: { channel: string; id: string }, known: KnownFailure, fx: DeskEffects): Promise<boolean> {
  const now = stamp(ctx);
  const state = await agentState(tx, agent, now);
  const marked = !unreachableAt(state, at);
  if (marked) {
    state.unreachable = [...(state.unreachable ?? []), { ...at, failure: known, since: now }];
    saveAgentState(tx, agent, state);
    // The Team page shows it at once, also when their status stays (another address still reaches them).
    fx.emit({ type: 'agent.reachability', payload: { agentId: agent.id, channel: at.channel, reachable: false } });
  }
  const left = agent.identities.filter((identity) => (ctx.running?.(identity.channel) ?? true) && !unreachableAt(state, identity));
  if (left.length > 0) {
    // Told once, where the bot still reaches them (the agent console, another app): a mark set now, not one seen again.
    if (marked) await toAgent(ctx, tx, agent, word(line('unreachableThere', at.channel, known), agent.language), fx);
    ctx.log.warn({ agent: agent.id, channel: at.channel, failure: known }, `${agent.name} cannot be reached on ${at.channel} (${known}); the bot writes to them at their other addresses until they write from it again`);
    return false;
  }
  const held = (await tx.openConversations({ stage: 'assigned', agentId: agent.id })).filter((conversation) => !conversation.deskThread && !conversation.takenOver);
  if (state.status !== 'offline') {
    ctx.log.error({ agent: agent.id, channel: at.channel, failure: known, conversations: held.map((conversation) => conversation.id) },
      `${agent.name} cannot be reached on any of their addresses (${known}): set offline until they write again, and the conversations they hold go back to their queues`);
    state.status = 'offline';
    state.since = now;
    delete state.awayBecause;
    state.leftUnreachable = { passedOn: held.map((conversation) => conversation.id) };
    saveAgentState(tx, agent, state);
    fx.emit({ type: 'agent.status', payload: { agentId: agent.id, status: 'offline', because: 'unreachable' } });
  }
  for (const conversation of held) await requeue(ctx, tx, conversation, fx, undefined, undefined, { unreachable: agent.id });
  return true;
}

/**
 * An agent writes from an address the bot could not reach: they unblocked it, so it reaches them again. One set offline
 * for it is told, there and in their language, why, and which conversations were passed on meanwhile.
 *
 *     await wroteFromUnreachable(ctx, tx, omar, inbound, fx); // first, as anything Omar writes comes in
 */
export async function wroteFromUnreachable(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects): Promise<void> {
  const state = await agentState(tx, agent, stamp(ctx));
  const at = { channel: inbound.channel, id: inbound.from.id };
  const mark = state.unreachable?.find((each) => each.channel === at.channel && each.id === at.id);
  if (!mark) return;
  state.unreachable = state.unreachable!.filter((each) => each !== mark);
  if (state.unreachable.length === 0) delete state.unreachable;
  const left = state.leftUnreachable;
  delete state.leftUnreachable;
  saveAgentState(tx, agent, state);
  fx.emit({ type: 'agent.reachability', payload: { agentId: agent.id, channel: at.channel, reachable: true } });
  ctx.log.warn({ agent: agent.id, channel: at.channel }, `${agent.name} wrote from ${at.channel} again, which the bot could not reach: it writes to them there again`);
  if (left) await toAgent(ctx, tx, agent, word(line('reachableAgain', mark.failure, left.passedOn), agent.language), fx);
}
