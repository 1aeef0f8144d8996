// The agent action API: every decision an agent makes that changes state (status, claim, transfer, note,
// close, hand back to the bot) goes through `act`, whether it was typed as a command in a messaging app or
// clicked in the agent console or the dashboard.
import type { Conversation, Tx } from '../store/types.ts';
import { agentState, saveAgentState } from './agent-state.ts';
import { assign, drainFor, giveTo } from './assignment/assign.ts';
import { close, closedLine, unseenByCloser, unseenInApp, type WrittenIn } from './closing.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { customerAddress, toCustomer } from './outgoing.ts';
import { findAgent, heldBy, holderOf, mayTouch } from './lookups.ts';
import type { Agent } from './team.ts';

/** What an agent decides. `conversationId` is the number people see as #42. */
export type AgentAction =
  | { kind: 'status'; status: 'online' | 'away' }
  | { kind: 'claim'; conversationId: number }
  | { kind: 'transfer'; conversationId: number; to: string }
  | { kind: 'note'; conversationId: number; text: string }
  /**
   * `seen`: the newest message id the agent's screen showed; the close is refused when the customer wrote since.
   * `typed`: the agent's /close in their messaging app; the close is refused when a customer message relayed to them
   * had not reached that app when they sent it.
   */
  | { kind: 'close'; conversationId: number; note?: string; shareNote?: boolean; seen?: number; typed?: WrittenIn }
  | { kind: 'handBack'; conversationId: number }
  | { kind: 'template'; conversationId: number; name: string; params: string[] };

/** The outcome of an action: done or refused, with the line the agent reads either way. */
export interface ActionResult {
  ok: boolean;
  message: string;
  conversationId?: number;
}

/** What the bot does with a conversation handed back to it (the runtime resumes its flow), in the same transaction. */
export type HandBack = (tx: Tx, conversation: Conversation, fx: DeskEffects) => Promise<void>;

/** The refusal of a hand back when the bot has no flow to go on with. */
export const noFlowToHandBackTo = (id: number, outcome: string): string =>
  `The bot has no flow to go on with in #${id} (no flow starts on conversation.opened); ${outcome}.`;

const done = (message: string, conversationId?: number): ActionResult => ({ ok: true, message, ...(conversationId !== undefined ? { conversationId } : {}) });
const refused = (message: string, conversationId?: number): ActionResult => ({ ok: false, message, ...(conversationId !== undefined ? { conversationId } : {}) });

/**
 * Carries out an agent's action in a transaction. Refusals change nothing and say why. `confirm`, when given, says
 * the result to the agent before the conversations that come to them next (going online, closing or passing one on
 * frees a place): their cards follow the confirmation.
 *
 *     const result = await act(ctx, tx, omar, { kind: 'close', conversationId: 42, note: 'refunded' }, fx, handBack);
 *     result.message; // 'Closed #42 (refunded).'
 */
export async function act(
  ctx: DeskContext, tx: Tx, agent: Agent, action: AgentAction, fx: DeskEffects,
  handBack: HandBack, confirm?: (result: ActionResult) => Promise<void>,
): Promise<ActionResult> {
  const { result, drain } = await decide(ctx, tx, agent, action, fx, handBack);
  await confirm?.(result);
  if (drain) await drainFor(ctx, tx, agent, fx);
  return result;
}

/** An action's result, and whether the agent may take more conversations now (their queue is drained after). */
async function decide(
  ctx: DeskContext, tx: Tx, agent: Agent, action: AgentAction, fx: DeskEffects,
  handBack: HandBack,
): Promise<{ result: ActionResult; drain: boolean }> {
  const only = (result: ActionResult): { result: ActionResult; drain: boolean } => ({ result, drain: false });
  switch (action.kind) {
    case 'status': {
      const state = await agentState(tx, agent, stamp(ctx));
      state.status = action.status;
      state.since = stamp(ctx);
      saveAgentState(tx, agent, state);
      fx.emit({ type: 'agent.status', payload: { agentId: agent.id, status: action.status } });
      return {
        result: done(action.status === 'online' ? 'You are online: new conversations will come to you.' : 'You are away: no new conversations until you are online again (/online).'),
        drain: action.status === 'online',
      };
    }
    case 'claim': {
      const conversation = await tx.conversation(action.conversationId);
      const refusal = claimRefusal(ctx, conversation, agent, action.conversationId);
      if (refusal || !conversation) return only(refused(refusal ?? `There is no conversation #${action.conversationId}.`));
      await giveTo(ctx, tx, conversation, agent, fx);
      return only(done(`#${conversation.id} is yours.`, conversation.id));
    }
    case 'note': {
      const conversation = await tx.conversation(action.conversationId);
      if (!conversation || !mayTouch(conversation, agent)) return only(refused(`There is no conversation #${action.conversationId} in your teams.`));
      tx.addMessage({
        contactId: conversation.contactId, conversationId: conversation.id, channel: conversation.channel,
        address: (await customerAddress(tx, conversation)) ?? '', direction: 'in', from: 'note', agentId: agent.id, text: action.text, at: stamp(ctx),
      });
      return only(done(`Note added to #${conversation.id} (only agents see it).`, conversation.id));
    }
    case 'close': {
      const held = await heldBy(ctx, tx, agent, action.conversationId);
      if ('problem' in held) return only(refused(held.problem, action.conversationId));
      const unseen = (action.seen !== undefined ? await unseenByCloser(tx, held.conversation, action.seen) : undefined)
        ?? (action.typed ? await unseenInApp(ctx, tx, held.conversation, agent.id, action.typed) : undefined);
      if (unseen) return only(refused(unseen, action.conversationId));
      close(ctx, tx, held.conversation, agent.id, action.note, fx);
      if (action.note && action.shareNote) held.conversation.closingNoteShared = true;
      return { result: done(closedLine(`Closed #${held.conversation.id}`, action.note), held.conversation.id), drain: true };
    }
    case 'transfer': {
      const result = await transfer(ctx, tx, agent, action.conversationId, action.to, fx);
      return { result, drain: result.ok };
    }
    case 'template': {
      const held = await heldBy(ctx, tx, agent, action.conversationId);
      if ('problem' in held) return only(refused(held.problem, action.conversationId));
      const templates = ctx.templates ?? [];
      const template = templates.find((known) => known.name === action.name);
      if (!template) {
        return only(refused(templates.length === 0 ? 'No message templates are configured (WHATSAPP_TEMPLATES).' : `There is no template "${action.name}". Templates: ${templates.map((known) => known.name).join(', ')}.`, action.conversationId));
      }
      const { conversation } = held;
      const text = `[template ${template.name}${action.params.length > 0 ? `: ${action.params.join(' | ')}` : ''}]`;
      await toCustomer(ctx, tx, conversation, { from: 'agent', agentId: agent.id, text, template: { name: template.name, ...(template.language ? { language: template.language } : {}), params: action.params } }, fx);
      conversation.lastAgentMessageAt = stamp(ctx);
      tx.putConversation(conversation);
      return only(done(`Template ${template.name} sent to #${conversation.id}.`, conversation.id));
    }
    case 'handBack': {
      const held = await heldBy(ctx, tx, agent, action.conversationId);
      if ('problem' in held) return only(refused(held.problem, action.conversationId));
      const { conversation } = held;
      // Handed back with no flow to go on with, the customer would hear from nobody (or be queued for an agent again).
      if (ctx.botCanResume && !(await ctx.botCanResume(conversation))) return only(refused(noFlowToHandBackTo(conversation.id, 'it stays with you'), conversation.id));
      conversation.stage = 'bot';
      delete conversation.agentId;
      tx.putConversation(conversation);
      fx.emit({ type: 'conversation.handedBack', payload: { conversation, agentId: agent.id } });
      await handBack(tx, conversation, fx);
      return { result: done(`#${conversation.id} is back with the bot.`, conversation.id), drain: true };
    }
  }
}

async function transfer(ctx: DeskContext, tx: Tx, agent: Agent, conversationId: number, to: string, fx: DeskEffects): Promise<ActionResult> {
  const held = await heldBy(ctx, tx, agent, conversationId);
  if ('problem' in held) return refused(held.problem, conversationId);
  const { conversation } = held;
  const team = ctx.directory.team(to);
  const colleague = team ? undefined : findAgent(ctx, to);
  if (!team && !colleague) {
    const teams = ctx.directory.teams().map((t) => t.name).join(', ');
    return refused(`There is no team or agent named "${to}". Teams: ${teams || 'none'}.`, conversationId);
  }
  if (colleague?.id === agent.id) return refused(`#${conversation.id} is already yours.`, conversationId);
  // Its queue would be seen by nobody.
  if (team && ctx.directory.agentsOfTeam(team.name).length === 0) return refused(`${team.name} has no agents in team.yaml; #${conversation.id} stays with you.`, conversationId);
  if (colleague && (await agentState(tx, colleague, stamp(ctx))).status !== 'online') return refused(`${colleague.name} is not online; #${conversation.id} stays with you.`, conversationId);
  delete conversation.agentId;
  tx.putConversation(conversation);
  fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: agent.id, to: colleague?.name ?? (team as NonNullable<typeof team>).name } });
  let result: ActionResult;
  if (colleague) {
    await giveTo(ctx, tx, conversation, colleague, fx);
    result = done(`#${conversation.id} is now with ${colleague.name}.`, conversation.id);
  } else {
    const name = (team as NonNullable<typeof team>).name;
    conversation.stage = 'queued';
    conversation.queuedAt = stamp(ctx);
    await assign(ctx, tx, conversation, { team: name }, fx);
    const taker = holderOf(ctx, conversation);
    result = done(`#${conversation.id} is transferred to ${name}${taker ? ` (${taker.name} has it)` : ' (waiting in its queue)'}.`, conversation.id);
  }
  return result;
}

function claimRefusal(ctx: DeskContext, conversation: Conversation | undefined, agent: Agent, id: number): string | undefined {
  if (!conversation || conversation.status !== 'open') return `#${id} is not an open conversation.`;
  if (conversation.stage === 'assigned') {
    const holder = holderOf(ctx, conversation)?.name;
    return conversation.agentId === agent.id ? `#${id} is already yours.` : `#${id} is already with ${holder ?? 'another agent'}.`;
  }
  if (!mayTouch(conversation, agent)) return `#${id} belongs to ${conversation.team}, which is not one of your teams.`;
  return undefined;
}
