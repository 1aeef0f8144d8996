// An agent's state kept in the store (collection `agents`), across restarts: status, last assignment, the
// conversation picked with /use (or one erased before they picked again), and where they last wrote from.
import type { Identity, Tx } from '../store/types.ts';
import type { KnownFailure } from '../types.ts';
import type { Agent, AgentStatus } from './team.ts';

export interface AgentState {
  status: AgentStatus;
  since: string;
  /** Set Away for them, not by them: no agent console of theirs was connected for CONSOLE_AWAY_AFTER. */
  awayBecause?: 'noConsole';
  lastAssignedAt?: string;
  /** The conversation picked with `/use N`. */
  current?: number;
  /**
   * The conversation the agent's last message from their app reached, until they closed it, passed it on or handed it
   * back themselves. When it left them otherwise (an admin, inactivity) their next plain message, which may still be
   * meant for that customer, reaches no one rather than whichever one customer they hold then (see `targetOf`).
   */
  writingTo?: number;
  /**
   * A conversation of theirs erased (data protection) while their plain messages went to it, or might have gone to it
   * (they had not picked another with /use): until they choose whom they write to again (a Reply on a customer's
   * message, /use), a plain message reaches no one, rather than whichever customer they hold now.
   */
  erased?: number;
  /**
   * The album (`InboundMessage.album`) whose photo carried a command as its caption: the command was not carried out,
   * and the album's photos after it reach no one either, rather than part of it reaching the customer.
   */
  heldAlbum?: string;
  /** Where the agent last wrote from: cards and relays go there. */
  replyTo?: Identity;
  /**
   * When a drain last found the agent online with room for more (see `drainFor`): written then, so that a
   * transaction that queued a conversation on what it saw of them before runs again.
   */
  roomAt?: string;
  /**
   * Their addresses the bot's notices were refused at for good (they blocked the bot, their account is gone, a number
   * WhatsApp refuses), with why and since when: nothing is sent there until they write from it again (see unreachable.ts).
   */
  unreachable?: { channel: string; id: string; failure: KnownFailure; since: string }[];
  /** Set offline because nothing reached them anywhere, with the conversations then passed on: told as they write again. */
  leftUnreachable?: { passedOn: number[] };
}

/**
 * Whether the bot's notices to `identity` were refused for good since the agent last wrote from it.
 *
 *     if (unreachableAt(state, { channel: 'telegram', id: '9001' })) …; // Omar blocked the bot
 */
export function unreachableAt(state: Pick<AgentState, 'unreachable'>, identity: Pick<Identity, 'channel' | 'id'>): boolean {
  return (state.unreachable ?? []).some((mark) => mark.channel === identity.channel && mark.id === identity.id);
}

/** Offline states made for agents with no document yet, per transaction: every part of it gets the same object. */
const fresh = new WeakMap<Tx, Map<string, AgentState>>();

/**
 * The agent's state in this transaction: their live document, or one offline state for an agent who has none
 * yet (not written unless put). Whoever changes it puts it with `saveAgentState`.
 *
 *     const state = await agentState(tx, agent, now);
 *     state.status = 'online'; saveAgentState(tx, agent, state);
 */
export async function agentState(tx: Tx, agent: Agent, now: string): Promise<AgentState> {
  const stored = await tx.doc<AgentState>('agents', agent.id);
  if (stored) return stored;
  let made = fresh.get(tx);
  if (!made) fresh.set(tx, (made = new Map()));
  let state = made.get(agent.id);
  if (!state) made.set(agent.id, (state = { status: 'offline', since: now }));
  return state;
}

/** Writes the agent's state in this transaction. */
export function saveAgentState(tx: Tx, agent: Agent, state: AgentState): void {
  tx.putDoc('agents', agent.id, state);
}

/**
 * The conversation `id`, taken from `agent` by someone else (an admin), is remembered as where their plain messages
 * went when it was the one conversation they held and they had picked none with /use: its card may be the last thing
 * they read, and what they type next their answer to that customer. It then reaches no one, and they are told so
 * (see `targetOf`), rather than whichever customer the seat it freed brings them. Call once it is no longer theirs.
 *
 *     close(ctx, tx, conversation, by, note, fx);
 *     await takenFrom(tx, holder, conversation.id, stamp(ctx));
 */
export async function takenFrom(tx: Tx, agent: Agent, id: number, now: string): Promise<void> {
  const state = await agentState(tx, agent, now);
  if (state.current !== undefined || state.writingTo === id) return;
  if ((await tx.openConversations({ stage: 'assigned', agentId: agent.id })).length > 0) return;
  state.writingTo = id;
  saveAgentState(tx, agent, state);
}
