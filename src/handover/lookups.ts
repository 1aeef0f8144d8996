// Questions the handover asks about conversations and agents: who holds it, may this agent touch it, which one
// does an agent mean, what is the customer called.
import type { Conversation, Tx } from '../store/types.ts';
import { isolateRtl } from '../shared/text.ts';
import { customerLabel } from './card.ts';
import type { DeskContext } from './context.ts';
import { line, type Closing, type DeskLanguage, type Line } from './lines.ts';
import type { Agent } from './team.ts';

/** A conversation an agent may act on, or the one-line reason they may not. */
export type Held = { conversation: Conversation } | { problem: Line };

/** The agent holding the conversation, if an agent holds it. */
export function holderOf(ctx: DeskContext, conversation: Pick<Conversation, 'stage' | 'agentId'>): Agent | undefined {
  return conversation.stage === 'assigned' && conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
}

/** The language of what the bot says in a conversation's desk thread: its team's (`language:` in team.yaml), else English. */
export function threadLanguage(ctx: DeskContext, conversation: Pick<Conversation, 'team'>): DeskLanguage {
  return (conversation.team ? ctx.directory.team(conversation.team)?.language : undefined) ?? 'en';
}

/** The time zone of the times the bot says in a desk conversation's thread: its team's (team.yaml's `timezone:`). */
export function threadZone(ctx: DeskContext, conversation: Pick<Conversation, 'team'>): string | undefined {
  return conversation.team ? ctx.directory.team(conversation.team)?.timeZone : undefined;
}

/** An agent may act on conversations of their teams, and on those not routed to any team yet. */
export function mayTouch(conversation: Conversation, agent: Agent): boolean {
  if (conversation.agentId === agent.id) return true;
  const team = conversation.team?.toLowerCase();
  return team === undefined || agent.teams.some((name) => name.toLowerCase() === team);
}

/** Conversation `id` if `agent` holds it, else why not. */
export async function heldBy(ctx: DeskContext, tx: Tx, agent: Agent, id: number): Promise<Held> {
  const conversation = await tx.conversation(id);
  if (!conversation || conversation.status !== 'open') return { problem: notOpen(ctx, id, conversation, agent) };
  if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) return { problem: line('notYours', id, holderOf(ctx, conversation)?.name) };
  return { conversation };
}

/** The `closedBy` of a conversation closed because its customer left the chat (see `customerLeft`). */
export const CUSTOMER_LEFT = 'contact';

/**
 * Why a decision (an admin's, an agent's) on conversation `id`, not open, does nothing: who closed it and when, rather
 * than only that it is not open (a colleague's close that landed first, inactivity, the customer leaving); `reader`,
 * the agent told, reads "by you" of a close of their own.
 *
 *     word(notOpen(ctx, 1, conversation)); // '#1 was closed by Nadia on 2026-12-07 at 02:41 UTC. Nothing was changed.'
 */
export function notOpen(ctx: DeskContext, id: number, conversation: Conversation | undefined, reader?: Agent, zone = reader?.timeZone): Line {
  const closing = conversation && closingOf(ctx, conversation, reader, zone);
  return closing ? line('closedAlready', id, closing) : line('notOpen', id);
}

/**
 * Who closed a conversation and when (undefined while it is open, or for a close recorded without its time): a person
 * by their name (an agent by team.yaml's, an admin by the one they signed with), `reader` themselves, inactivity, the
 * customer leaving the chat, else the bot (a flow's `close` step, a close recorded without its closer); the time said in
 * `zone` (an admin's, see `Admin.timeZone`; a desk thread's, `threadZone`), else the reader's own (team.yaml's
 * `timezone:`), UTC without one.
 */
export function closingOf(ctx: DeskContext, conversation: Conversation, reader?: Agent, zone = reader?.timeZone): Closing | undefined {
  const { closedAt, closedBy } = conversation;
  if (conversation.status !== 'closed' || closedAt === undefined) return undefined;
  const at = { at: closedAt, ...(zone !== undefined ? { zone } : {}) };
  if (closedBy === 'auto') return { ...at, how: 'inactivity' };
  if (closedBy === CUSTOMER_LEFT) return { ...at, how: 'customerLeft' };
  if (closedBy === undefined || closedBy === 'bot' || closedBy === 'workflow') return { ...at, how: 'bot' };
  if (closedBy === reader?.id) return { ...at, how: 'you' };
  return { ...at, how: 'person', who: closedBy.startsWith(ADMIN) ? closedBy.slice(ADMIN.length) : ctx.directory.agent(closedBy)?.name ?? closedBy };
}

/** How an admin's `closedBy` starts (`admin:Nadia`, see `adminActorId`). */
const ADMIN = 'admin:';

/** The agent called `nameOrId` (`/transfer 42 omar`, `agent: Omar` in a flow). */
export function findAgent(ctx: DeskContext, nameOrId: string): Agent | undefined {
  const wanted = nameOrId.trim().toLowerCase();
  return ctx.directory.agents().find((agent) => agent.id === wanted || agent.name.toLowerCase() === wanted);
}

/** The customer's name as agents see it, in the agent's `language` (`customerLabel`: a nameless one is told apart too). */
export async function customerName(tx: Tx, conversation: Conversation, language?: DeskLanguage): Promise<string> {
  const contact = await tx.contact(conversation.contactId);
  return isolateRtl(contact ? customerLabel(contact, language) : 'customer');
}

/** The team desk groups the bot was removed from, by `channel:group`, with since when: their agents were told (runtime.ts). */
export const DESKS_LOST = 'desks-lost';

/**
 * Whether the bot is out of the desk group `desk` (removed or banned, and not back): nothing reaches its threads.
 *
 *     if (await deskIsLost(tx, team.desk)) conversation.heldOutOfDesk = agent.id; // worked in the agent's chat
 */
export async function deskIsLost(tx: Pick<Tx, 'doc'>, desk: { channel: string; group: string }): Promise<boolean> {
  return (await tx.doc(DESKS_LOST, `${desk.channel}:${desk.group}`)) !== undefined;
}
