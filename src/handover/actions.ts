// The agent action API: every decision an agent makes that changes state (status, claim, transfer, note,
// close, hand back to the bot) goes through `act`, whether it was typed as a command in a messaging app or
// clicked in the agent console or the dashboard.
import type { Conversation, TextStyle, Tx } from '../store/types.ts';
import { agentState, saveAgentState, type AgentState } from './agent-state.ts';
import { assign, drainFor, giveTo } from './assignment/assign.ts';
import { close, unseenByCloser, unseenInApp, type WrittenIn } from './closing.ts';
import { recordFirstResponse, recordHandOver, stamp, whyNoHandBack, type DeskContext, type DeskEffects } from './context.ts';
import { customerAddress, toCustomer } from './outgoing.ts';
import { line, word, type Line } from './lines.ts';
import { findAgent, heldBy, holderOf, mayTouch, notOpen } from './lookups.ts';
import { inTeam, type Agent } from './team.ts';

/** What an agent decides. `conversationId` is the number people see as #42. */
export type AgentAction =
  | { kind: 'status'; status: 'online' | 'away' }
  /**
   * Not the agent's click: no console of theirs was connected for too long (see src/server/console-presence.ts).
   * `stillDue` decides again in the action's own transaction, on what it reads there: a sign of their console, or a
   * status they set themselves, committed since the decision was first made wins, and nothing is done.
   */
  | { kind: 'status'; status: 'away'; because: 'noConsole'; stillDue: (tx: Tx, state: AgentState) => Promise<boolean> }
  | { kind: 'claim'; conversationId: number }
  | { kind: 'transfer'; conversationId: number; to: string }
  /** `styles`: how the agent styled `text` (WhatsApp's markup in the console, read into the words and their styles). */
  | { kind: 'note'; conversationId: number; text: string; styles?: TextStyle[] }
  /**
   * `seen`: the newest message id the agent's screen showed; the close is refused when the customer wrote since.
   * `typed`: the agent's /close in their messaging app; the close is refused when a customer message relayed to them
   * had not reached that app when they sent it.
   */
  | { kind: 'close'; conversationId: number; note?: string; shareNote?: boolean; noteStyles?: TextStyle[]; seen?: number; typed?: WrittenIn }
  | { kind: 'handBack'; conversationId: number }
  | { kind: 'template'; conversationId: number; name: string; params: string[] };

/** The outcome of an action: done or refused, with the line the agent reads either way. */
export interface ActionResult {
  ok: boolean;
  /** What the agent reads, to be worded in their language (`word(result.line, 'ar')`). */
  line: Line;
  /** The line in English, as the messaging apps say it. */
  message: string;
  conversationId?: number;
}

/** What the bot does with a conversation handed back to it (the runtime resumes its flow), in the same transaction. */
export type HandBack = (tx: Tx, conversation: Conversation, fx: DeskEffects) => Promise<void>;

/**
 * An action's result from its line.
 *
 *     actionResult(true, line('claimed', 42), 42); // { ok: true, line, message: '#42 is yours.', conversationId: 42 }
 */
export function actionResult(ok: boolean, said: Line, conversationId?: number): ActionResult {
  return { ok, line: said, message: word(said), ...(conversationId !== undefined ? { conversationId } : {}) };
}

const done = (said: Line, conversationId?: number): ActionResult => actionResult(true, said, conversationId);
const refused = (said: Line, conversationId?: number): ActionResult => actionResult(false, said, conversationId);

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
  if (result.ok && (action.kind === 'close' || action.kind === 'transfer' || action.kind === 'handBack')) await letGo(ctx, tx, agent, action.conversationId);
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
      if ('because' in action && !(await action.stillDue(tx, state))) return only(refused(line('listStatus', state.status)));
      state.status = action.status;
      state.since = stamp(ctx);
      if ('because' in action) state.awayBecause = action.because;
      else delete state.awayBecause;
      saveAgentState(tx, agent, state);
      fx.emit({ type: 'agent.status', payload: { agentId: agent.id, status: action.status, ...('because' in action ? { because: action.because } : {}) } });
      return {
        result: done(line(action.status === 'online' ? 'online' : 'away')),
        drain: action.status === 'online',
      };
    }
    case 'claim': {
      const conversation = await tx.conversation(action.conversationId);
      const refusal = claimRefusal(ctx, conversation, agent, action.conversationId);
      if (refusal || !conversation) return only(refused(refusal ?? line('noConversation', action.conversationId)));
      // Its desk has no thread for it (the bot out of the group): worked in the claimer's chat, the card sent there.
      if (!conversation.deskThread && conversation.team !== undefined && ctx.directory.team(conversation.team)?.desk) conversation.heldOutOfDesk = agent.id;
      await giveTo(ctx, tx, conversation, agent, fx);
      return only(done(line('claimed', conversation.id), conversation.id));
    }
    case 'note': {
      const conversation = await tx.conversation(action.conversationId);
      if (!conversation || !mayTouch(conversation, agent)) return only(refused(line('notInYourTeams', action.conversationId)));
      tx.addMessage({
        contactId: conversation.contactId, conversationId: conversation.id, channel: conversation.channel,
        address: (await customerAddress(tx, conversation)) ?? '', direction: 'in', from: 'note', agentId: agent.id, text: action.text, ...(action.styles?.length ? { styles: action.styles } : {}), at: stamp(ctx),
      });
      return only(done(line('noteAdded', conversation.id), conversation.id));
    }
    case 'close': {
      const held = await heldBy(ctx, tx, agent, action.conversationId);
      if ('problem' in held) return only(refused(held.problem, action.conversationId));
      const unseen = (action.seen !== undefined ? await unseenByCloser(tx, held.conversation, action.seen) : undefined)
        ?? (action.typed ? await unseenInApp(ctx, tx, held.conversation, agent.id, action.typed) : undefined);
      if (unseen) return only(refused(unseen, action.conversationId));
      close(ctx, tx, held.conversation, agent.id, action.note, fx, { shared: action.shareNote === true, ...(action.noteStyles ? { styles: action.noteStyles } : {}) });
      return { result: done(line('closed', held.conversation.id, action.note), held.conversation.id), drain: true };
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
        return only(refused(templates.length === 0 ? line('noTemplates') : line('noTemplate', action.name, templates.map((known) => known.name)), action.conversationId));
      }
      const { conversation } = held;
      const text = `[template ${template.name}${action.params.length > 0 ? `: ${action.params.join(' | ')}` : ''}]`;
      await toCustomer(ctx, tx, conversation, { from: 'agent', agentId: agent.id, text, template: { name: template.name, ...(template.language ? { language: template.language } : {}), params: action.params } }, fx);
      // A template is the agent answering, as a reply is: often their first words when the customer's window had closed.
      recordFirstResponse(conversation, agent.id, stamp(ctx));
      conversation.lastAgentMessageAt = stamp(ctx);
      tx.putConversation(conversation);
      return only(done(line('templateSent', template.name, conversation.id), conversation.id));
    }
    case 'handBack': {
      const held = await heldBy(ctx, tx, agent, action.conversationId);
      if ('problem' in held) return only(refused(held.problem, action.conversationId));
      const { conversation } = held;
      // Handed back with no flow to go on with, the customer would hear from nobody (or be queued for an agent again).
      const noHandBack = await whyNoHandBack(ctx, conversation, 'stays');
      if (noHandBack) return only(refused(noHandBack, conversation.id));
      conversation.stage = 'bot';
      delete conversation.agentId;
      delete conversation.passedOn;
      tx.putConversation(conversation);
      fx.emit({ type: 'conversation.handedBack', payload: { conversation, agentId: agent.id } });
      await handBack(tx, conversation, fx);
      return { result: done(line('handedBack', conversation.id), conversation.id), drain: true };
    }
  }
}

/**
 * A conversation the agent closed, passed on or handed back themselves is no longer where their plain messages go, and
 * they know it: their next one goes by the usual rules, not held back as after a close by someone else (`writingTo`).
 */
async function letGo(ctx: DeskContext, tx: Tx, agent: Agent, conversationId: number): Promise<void> {
  const state = await agentState(tx, agent, stamp(ctx));
  if (state.current !== conversationId && state.writingTo !== conversationId) return;
  if (state.current === conversationId) delete state.current;
  if (state.writingTo === conversationId) delete state.writingTo;
  saveAgentState(tx, agent, state);
}

async function transfer(ctx: DeskContext, tx: Tx, agent: Agent, conversationId: number, to: string, fx: DeskEffects): Promise<ActionResult> {
  const held = await heldBy(ctx, tx, agent, conversationId);
  if ('problem' in held) return refused(held.problem, conversationId);
  const { conversation } = held;
  const team = ctx.directory.team(to);
  // An agent named as a mention, "@Sara", as an agent used to a chat app writes a colleague's name.
  const colleague = team ? undefined : findAgent(ctx, to) ?? (/^\s*@/.test(to) ? findAgent(ctx, to.replace(/^\s*@/, '')) : undefined);
  if (!team && !colleague) {
    return refused(line('noTeamOrAgent', to, ctx.directory.teams().map((t) => t.name)), conversationId);
  }
  if (colleague?.id === agent.id) return refused(line('alreadyYours', conversation.id), conversationId);
  // Its queue would be seen by nobody.
  if (team && ctx.directory.agentsOfTeam(team.name).length === 0) return refused(line('teamHasNoAgents', ctx.directory.titled(team.name), conversation.id, 'stays'), conversationId);
  if (colleague && (await agentState(tx, colleague, stamp(ctx))).status !== 'online') return refused(line('agentNotOnline', colleague.name, conversation.id, 'stays'), conversationId);
  // Given by name, the colleague would hold more than team.yaml lets them (`max_open`), and nobody chose that: not
  // the colleague, as with a /claim, nor an admin. The team's queue seats it with the first agent who has room.
  if (colleague) {
    const holds = await tx.countOpenConversations({ stage: 'assigned', agentId: colleague.id });
    if (holds >= colleague.maxOpen) {
      const queue = conversation.team !== undefined && inTeam(colleague, conversation.team) ? conversation.team : colleague.teams[0];
      return refused(line('colleagueFull', colleague.name, holds, colleague.maxOpen, conversation.id, queue === undefined ? undefined : ctx.directory.titled(queue)), conversationId);
    }
  }
  recordHandOver(conversation, stamp(ctx));
  delete conversation.agentId;
  conversation.passedOn = { by: agent.name, ...(conversation.team !== undefined ? { team: conversation.team } : {}) };
  tx.putConversation(conversation);
  fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: agent.id, to: colleague?.name ?? (team as NonNullable<typeof team>).name } });
  let result: ActionResult;
  if (colleague) {
    await giveTo(ctx, tx, conversation, colleague, fx);
    result = done(line('nowWith', conversation.id, colleague.name), conversation.id);
  } else {
    const name = (team as NonNullable<typeof team>).name;
    conversation.stage = 'queued';
    conversation.queuedAt = stamp(ctx);
    await assign(ctx, tx, conversation, { team: name }, fx);
    const taker = holderOf(ctx, conversation);
    result = done(line('transferred', conversation.id, ctx.directory.titled(name), taker?.name), conversation.id);
  }
  return result;
}

function claimRefusal(ctx: DeskContext, conversation: Conversation | undefined, agent: Agent, id: number): Line | undefined {
  if (!conversation || conversation.status !== 'open') return notOpen(ctx, id, conversation, agent);
  if (conversation.stage === 'assigned') return conversation.agentId === agent.id ? line('alreadyYours', id) : line('alreadyWith', id, holderOf(ctx, conversation)?.name);
  if (!mayTouch(conversation, agent)) return line('notYourTeam', id, conversation.team === undefined ? undefined : ctx.directory.titled(conversation.team));
  return undefined;
}
