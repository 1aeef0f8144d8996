// Everything an agent writes to the bot from their own app: a command (carried out through the action API), or
// a message for one of their customers: the quoted conversation's, else the only one they hold, else the one
// picked with /use.
import type { InboundMessage } from '../types.ts';
import type { Tx } from '../store/types.ts';
import { act, type ActionResult, type AgentAction, type HandBack } from './actions.ts';
import { agentState, saveAgentState, type AgentState } from './agent-state.ts';
import { parseAgentCommand, runAgentCommand } from './commands.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { heldBy, type Held } from './lookups.ts';
import { toAgent } from './outgoing.ts';
import { fromAgentToCustomer } from './relay.ts';
import { agentInThread } from './threads.ts';
import type { Agent } from './team.ts';

/**
 * Stores what an agent wrote and carries it out.
 *
 *     await fromAgent(ctx, tx, omar, inbound, fx, handBack);
 */
export async function fromAgent(
  ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects,
  handBack: HandBack,
): Promise<void> {
  if (inbound.place !== undefined) return agentInThread(ctx, tx, agent, inbound, inbound.place, fx);
  const text = inbound.text ?? '';
  const state = await keep(ctx, tx, agent, inbound);
  const reply = (answer: string, conversationId?: number) => toAgent(ctx, tx, agent, answer, fx, conversationId);
  const target = () => targetOf(ctx, tx, agent, state, inbound);
  const command = parseAgentCommand(text);
  if (command && 'error' in command) return reply(command.error);
  if (command) {
    return runAgentCommand({ desk: ctx, tx, agent, state, inbound, reply, target, act: (action: AgentAction, confirm) => act(ctx, tx, agent, action, fx, handBack, confirm) }, command);
  }
  if (!text.trim() && !inbound.attachments?.length) return reply('Only text and files reach the customer. Send /help for the commands.');
  const held = await target();
  if ('problem' in held) return reply(held.problem);
  await fromAgentToCustomer(ctx, tx, agent, held.conversation, inbound, fx, (line) => reply(line, held.conversation.id));
}

/**
 * A reply an agent wrote in the agent console for conversation `conversationId`: relayed to its customer if the
 * agent holds it when the transaction runs, else refused with the reason and nothing stored (the console answers
 * 409 and keeps the text in the reply box). The console's own check before it may be stale by then: an admin or a
 * colleague on another process may have closed or moved the conversation meanwhile.
 *
 *     const result = await replyFromConsole(ctx, tx, omar, inbound, 42, fx); // { ok: false, message: '#42 is not an open conversation.' }
 */
export async function replyFromConsole(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage, conversationId: number, fx: DeskEffects): Promise<ActionResult> {
  const held = await heldBy(ctx, tx, agent, conversationId);
  if ('problem' in held) return { ok: false, message: held.problem, conversationId };
  await keep(ctx, tx, agent, inbound);
  await fromAgentToCustomer(ctx, tx, agent, held.conversation, inbound, fx, (line) => toAgent(ctx, tx, agent, line, fx, conversationId));
  return { ok: true, message: `Sent to #${conversationId}.`, conversationId };
}

/** Stores what the agent wrote, in their own thread with the bot, and that they last wrote from there; their state. */
async function keep(ctx: DeskContext, tx: Tx, agent: Agent, inbound: InboundMessage): Promise<AgentState> {
  const identity = { channel: inbound.channel, id: inbound.from.id, ...(inbound.from.reference ? { reference: inbound.from.reference } : {}) };
  tx.addMessage({
    channel: inbound.channel, address: identity.id, direction: 'in', from: 'agent', agentId: agent.id, text: inbound.text ?? '',
    ...(inbound.attachments ? { attachments: inbound.attachments } : {}),
    channelMessageId: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: stamp(ctx),
  });
  const state = await agentState(tx, agent, stamp(ctx));
  if (state.replyTo?.channel !== identity.channel || state.replyTo.id !== identity.id || JSON.stringify(state.replyTo.reference) !== JSON.stringify(identity.reference)) {
    state.replyTo = identity;
    saveAgentState(tx, agent, state);
  }
  return state;
}

/** Which conversation an agent's message is for: the quoted one, the only one, the one picked with /use. */
async function targetOf(ctx: DeskContext, tx: Tx, agent: Agent, state: AgentState, inbound: InboundMessage): Promise<Held> {
  if (inbound.replyTo !== undefined) {
    const quoted = await tx.messageByChannelId(inbound.channel, inbound.replyTo);
    if (quoted?.conversationId !== undefined) return heldBy(ctx, tx, agent, quoted.conversationId);
  }
  const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id });
  if (held.length === 1 && held[0]) return heldBy(ctx, tx, agent, held[0].id);
  if (state.current !== undefined && held.some((c) => c.id === state.current)) return heldBy(ctx, tx, agent, state.current);
  if (held.length === 0) return { problem: 'You hold no conversation right now. /list shows the queue and /claim N takes one.' };
  return { problem: `You hold ${held.map((c) => `#${c.id}`).join(', ')}: reply to one of their messages, or pick one with /use N.` };
}
