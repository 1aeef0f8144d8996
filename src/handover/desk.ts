// The handover's face to the runtime: one object holding the directory, the clock and the log, whose methods
// are the handover's decisions (each in its own module) on a transaction.
import type { InboundMessage, KnownFailure } from '../types.ts';
import type { Contact, Conversation, Message, Tx } from '../store/types.ts';
import { act, type ActionResult, type AgentAction, type HandBack } from './actions.ts';
import { adminAct, type Admin, type AdminAction } from './admin-actions.ts';
import { assign, drainFor, rehome, requeue, stranded, type AssignRequest } from './assignment/assign.ts';
import { placeInLine } from './assignment/places.ts';
import { passOnFromAway, passOnUnanswered, remindUnanswered } from './away.ts';
import { autoClose, close, closeByFlow, closeLeftWithBot, customerBlocked, customerLeft, mergedAway } from './closing.ts';
import { deskLost } from './desk-loss.ts';
import { tellErased } from './erasing.ts';
import { holderOf } from './lookups.ts';
import { whyNoHandBack, type DeskContext, type DeskEffects } from './context.ts';
import type { Line } from './lines.ts';
import { fromAgent, replyFromConsole, toFormerAgent } from './from-agents.ts';
import { tell, toAgentElsewhere } from './outgoing.ts';
import { reengage } from './reengage.ts';
import { relay, relayDeletion, relayEdit, relayReaction, type CustomerSaid, type EditKept } from './relay.ts';
import type { Agent } from './team.ts';
import { postCard, reachesCustomer } from './threads.ts';
import { agentBlocked, refusedFor } from './unreachable.ts';

export interface DeskOptions extends DeskContext {
  /** What the bot does with a conversation an agent hands back (resume its flow). */
  handBack: HandBack;
}

/**
 * The handover's decisions, on a transaction.
 *
 *     const desk = new Desk({ directory, now, log, handBack });
 *     await desk.assign(tx, conversation, { team: 'Billing' }, effects);
 */
export class Desk {
  readonly #ctx: DeskContext;
  readonly #handBack: HandBack;

  constructor(options: DeskOptions) {
    this.#ctx = {
      directory: options.directory, now: options.now, log: options.log,
      ...(options.templates ? { templates: options.templates } : {}),
      ...(options.reengage ? { reengage: options.reengage } : {}),
      ...(options.running ? { running: options.running } : {}),
      ...(options.quotes ? { quotes: options.quotes } : {}),
      ...(options.reacts ? { reacts: options.reacts } : {}),
      ...(options.styles ? { styles: options.styles } : {}),
      ...(options.shows ? { shows: options.shows } : {}),
      ...(options.botCanResume ? { botCanResume: options.botCanResume } : {}),
      ...(options.cameAfter ? { cameAfter: options.cameAfter } : {}),
      ...(options.wording ? { wording: options.wording } : {}),
    };
    this.#handBack = options.handBack;
  }

  /** The agent behind a channel address, if it is one: their messages are agent messages. */
  agentOf(channel: string, id: string): Agent | undefined {
    return this.#ctx.directory.agentByIdentity(channel, id);
  }

  /**
   * Sends the re-engagement template (WHATSAPP_REENGAGE_TEMPLATE) in place of an agent's reply a closed 24-hour
   * window refused, once until the customer writes again; resolves to its name when it went (see reengage.ts).
   *
   *     await desk.reengage(tx, refusedReply, fx); // 'reply_waiting'
   */
  reengage(tx: Tx, failed: Message, fx: DeskEffects): Promise<string | undefined> {
    return reengage(this.#ctx, tx, failed, fx);
  }

  /**
   * Why a hand back of `conversation` would be refused (its flow ended at the step that handed it over, no flow to go
   * on with), said before anyone asks: the dashboard shows it in place of Hand back. Undefined when the bot goes on.
   *
   *     await desk.whyNoHandBack(conversation); // line('flowEndsAtHandover', 4, 'inbound', 'cannot')
   */
  whyNoHandBack(conversation: Conversation): Promise<Line | undefined> {
    return whyNoHandBack(this.#ctx, conversation, 'cannot');
  }

  /** The names of the message templates agents may send (`/template`), as configured (WHATSAPP_TEMPLATES). */
  templateNames(): string[] {
    return (this.#ctx.templates ?? []).map((template) => template.name);
  }

  /** The team that takes what no flow or team names: the first in team.yaml (undefined when it lists none). */
  defaultTeam(): string | undefined {
    return this.#ctx.directory.defaultTeam()?.name;
  }

  /** How a customer speaking `language` reads a team's name: its title from team.yaml. */
  teamTitle(team: string, language: string | undefined): string {
    return this.#ctx.directory.title(team, language);
  }

  assign(tx: Tx, conversation: Conversation, request: AssignRequest, fx: DeskEffects): Promise<void> {
    return assign(this.#ctx, tx, conversation, request, fx);
  }

  /** Places the conversations queued in `team` since its last placing, and tells them their place (see `placeInLine`). */
  placeInLine(tx: Tx, team: string, fx: DeskEffects): Promise<boolean> {
    return placeInLine(this.#ctx, tx, team, fx);
  }

  relay(tx: Tx, conversation: Conversation, contact: Contact, said: CustomerSaid, fx: DeskEffects): Promise<void> {
    return relay(this.#ctx, tx, conversation, contact, said, fx);
  }

  /** A customer's reaction (to a message on `channel`), for the agent holding the conversation or its desk thread. */
  relayReaction(
    tx: Tx, conversation: Conversation, contact: Contact, reaction: { emoji: string; to: string; channel: string }, fx: DeskEffects, stored?: Pick<Message, 'text' | 'attachments'>,
  ): Promise<void> {
    return relayReaction(this.#ctx, tx, conversation, contact, reaction, fx, stored);
  }

  /** A customer's edit of a message (`was`: what it said before), for the agent holding the conversation or its desk thread. */
  relayEdit(tx: Tx, conversation: Conversation, contact: Contact, edit: { text: string; was: string; of: string; corrected?: CustomerSaid['corrected']; kept?: EditKept }, fx: DeskEffects): Promise<void> {
    return relayEdit(this.#ctx, tx, conversation, contact, edit, fx);
  }
  /** A customer's deletion of a message of theirs, for the agent holding the conversation or its desk thread. */
  relayDeletion(tx: Tx, conversation: Conversation, contact: Contact, deletion: { was: string; of: string }, fx: DeskEffects): Promise<void> {
    return relayDeletion(this.#ctx, tx, conversation, contact, deletion, fx);
  }


  /**
   * Puts a conversation whose agent left team.yaml back in its queue (see `requeue`); `removed`: that agent as team.yaml
   * had them, when known, who is told where it went.
   */
  requeue(tx: Tx, conversation: Conversation, fx: DeskEffects, removed?: Agent): Promise<void> {
    return requeue(this.#ctx, tx, conversation, fx, undefined, removed);
  }

  /** Whether nobody in team.yaml could take this queued conversation (see `rehome`). */
  stranded(conversation: Conversation): boolean {
    return stranded(this.#ctx, conversation);
  }

  /** Gives a queued conversation nobody could take to a team whose agents can: `renamed`, the name its team has now, if it has one. */
  rehome(tx: Tx, conversation: Conversation, fx: DeskEffects, renamed?: string): Promise<void> {
    return rehome(this.#ctx, tx, conversation, fx, renamed);
  }

  /**
   * Gives `agent` the longest-waiting conversations of their queues they have room for (see `drainFor`): team.yaml gave
   * them more (a higher `max_open`, a team more, or they are new in it). Resolves with how many it gave.
   */
  drain(tx: Tx, agent: Agent, fx: DeskEffects): Promise<number> {
    return drainFor(this.#ctx, tx, agent, fx);
  }

  close(tx: Tx, conversation: Conversation, by: string, note: string | undefined, fx: DeskEffects): void {
    close(this.#ctx, tx, conversation, by, note, fx);
  }

  /** Closes a conversation its flow ended; its desk thread is told why (see `closeByFlow`). */
  closeByFlow(tx: Tx, conversation: Conversation, note: string | undefined, fx: DeskEffects): Promise<void> {
    return closeByFlow(this.#ctx, tx, conversation, note, fx);
  }

  /**
   * Passes on a conversation whose customer waited `afterMs` for an agent who is away (see `passOnFromAway`); false
   * when that is not due.
   */
  passOnFromAway(tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
    return passOnFromAway(this.#ctx, tx, conversation, afterMs, fx);
  }

  /** Gives a conversation whose customer waited `afterMs` for their online agent to a free colleague (see `passOnUnanswered`); false when not. */
  passOnUnanswered(tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
    return passOnUnanswered(this.#ctx, tx, conversation, afterMs, fx);
  }

  /** Reminds the agent that the customer has waited `afterMs` for their answer (see `remindUnanswered`); false when not due. */
  remindUnanswered(tx: Tx, conversation: Conversation, afterMs: number, fx: DeskEffects): Promise<boolean> {
    return remindUnanswered(this.#ctx, tx, conversation, afterMs, fx);
  }

  autoClose(tx: Tx, conversation: Conversation, idleForMs: number, fx: DeskEffects): Promise<void> {
    return autoClose(this.#ctx, tx, conversation, idleForMs, fx);
  }

  /** Closes a conversation its customer left with the bot for `idleForMs` (see `closeLeftWithBot`). */
  closeLeftWithBot(tx: Tx, conversation: Conversation, idleForMs: number, fx: DeskEffects): Promise<void> {
    return closeLeftWithBot(this.#ctx, tx, conversation, idleForMs, fx);
  }

  /** Closes the conversation of a customer who left the chat, telling its agent (see `customerLeft`). */
  customerLeft(tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
    return customerLeft(this.#ctx, tx, conversation, fx);
  }

  /** Tells the agent holding a conversation, or its desk thread, that its customer blocked the bot (see `customerBlocked`). */
  customerBlocked(tx: Tx, conversation: Conversation, fx: DeskEffects, options: { appRemoved?: boolean } = {}): Promise<void> {
    return customerBlocked(this.#ctx, tx, conversation, fx, options);
  }

  /** A command or a numbered message from someone team.yaml no longer lists (`was`): told they are no agent here any more. */
  tellFormerAgent(tx: Tx, was: Agent, inbound: InboundMessage, fx: DeskEffects): void {
    toFormerAgent(this.#ctx, tx, was, inbound, fx);
  }

  /** Whether a team's desk is the group `desk` (team.yaml). */
  hasDesk(desk: { channel: string; group: string }): boolean {
    return this.#ctx.directory.teams().some((team) => team.desk?.channel === desk.channel && team.desk.group === desk.group);
  }

  /**
   * The bot was removed from the desk group `desk` (or banned from it): each agent of the teams whose desk it is is told,
   * in their language, where they are reached, and the conversations held in its threads come to their holders' chats
   * (see desk-loss.ts). False when no team's desk is there.
   *
   *     await desk.deskLost(tx, { channel: 'telegram', group: '-1001234567890' }, fx); // Omar reads 'The bot was removed from Billing's desk group…'
   */
  deskLost(tx: Tx, desk: { channel: string; group: string }, fx: DeskEffects): Promise<boolean> {
    return deskLost(this.#ctx, tx, desk, fx);
  }

  /** The agent at `at` blocked the bot, as the channel said at once: as a notice refused there (see `agentBlocked`). */
  agentBlocked(tx: Tx, agent: Agent, at: { channel: string; id: string }, fx: DeskEffects): Promise<void> {
    return agentBlocked(this.#ctx, tx, agent, at, fx);
  }

  /** Everything an agent writes to the bot: a command, or a message for one of their customers. */
  handleAgentMessage(tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects): Promise<void> {
    return fromAgent(this.#ctx, tx, agent, inbound, fx, this.#handBack);
  }

  /**
   * A reply an agent wrote in the console for one conversation (`answered`: the customer's message it answers, by its
   * channel message id); refused when they no longer hold it.
   */
  replyFromConsole(tx: Tx, agent: Agent, inbound: InboundMessage, conversationId: number, fx: DeskEffects, answered?: string): Promise<ActionResult> {
    return replyFromConsole(this.#ctx, tx, agent, inbound, conversationId, fx, answered);
  }

  /** An agent's decision, from a command or from the console (`runtime.act`). */
  act(tx: Tx, agent: Agent, action: AgentAction, fx: DeskEffects): Promise<ActionResult> {
    return act(this.#ctx, tx, agent, action, fx, this.#handBack);
  }

  /** An admin's decision, from the dashboard (`runtime.act` with an `Admin`). */
  adminAct(tx: Tx, admin: Admin, action: AdminAction, fx: DeskEffects): Promise<ActionResult> {
    return adminAct(this.#ctx, tx, admin, action, fx, this.#handBack);
  }

  /** Whether what `agent` wrote in a desk's group (`inbound.place`) would go to a customer (see `reachesCustomer`). */
  reachesCustomer(reader: Pick<Tx, 'doc' | 'conversation'>, agent: Agent, inbound: InboundMessage): Promise<boolean> {
    return reachesCustomer(this.#ctx, reader, agent, inbound);
  }

  postCard(tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
    return postCard(this.#ctx, tx, conversation, fx);
  }

  /**
   * What the erase of the contact `contactId` left to tell (see `tellErased`): their agents and desk threads are told
   * once, and the freed seats offered to the queues.
   */
  tellErased(tx: Tx, contactId: string, fx: DeskEffects): Promise<void> {
    return tellErased(this.#ctx, tx, contactId, fx);
  }

  /**
   * A notice that could not reach an agent: sent to their next address in team.yaml; refused for good (`known`: they
   * blocked the bot…) where it was their last, they are set offline and their customers passed on (unreachable.ts).
   */
  async toAgentElsewhere(tx: Tx, failed: Message, reason: string, fx: DeskEffects, known?: KnownFailure): Promise<void> {
    if (await refusedFor(this.#ctx, tx, failed, known, fx)) return;
    await toAgentElsewhere(this.#ctx, tx, failed, reason, fx);
  }

  /** Closes the new number's conversation of a customer who changed number as part of `into` (see `mergedAway`). */
  mergedAway(tx: Tx, conversation: Conversation, into: number, customer: string | undefined, fx: DeskEffects): Promise<void> {
    return mergedAway(this.#ctx, tx, conversation, into, customer, fx);
  }

  /** The agent holding `conversation` now, if any. */
  holderOf(conversation: Conversation): Agent | undefined {
    return holderOf(this.#ctx, conversation);
  }

  tell(tx: Tx, agentId: string, said: Line, fx: DeskEffects, conversationId?: number): Promise<void> {
    return tell(this.#ctx, tx, agentId, said, fx, conversationId);
  }
}
