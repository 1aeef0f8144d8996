// What every handover decision works with: the team directory, the clock, the log, and the effects a decision
// asks of the transaction's owner (messages to send, events to announce, threads to open or close).
import type { DomainEvent } from '../shared/events.ts';
import type { Attachment, Conversation, Message } from '../store/types.ts';
import type { Wording } from '../flows/labels.ts';
import type { TeamDirectory } from './directory.ts';
import { line, type HandBackOutcome, type Line } from './lines.ts';

export interface DeskContext {
  directory: TeamDirectory;
  now: () => Date;
  log: { warn(o: object, msg: string): void; error(o: object, msg: string): void };
  /** The approved message templates agents may send with /template (WhatsApp's, from the configuration). */
  templates?: readonly { name: string; language?: string }[];
  /**
   * An approved template with one body parameter (WHATSAPP_REENGAGE_TEMPLATE) that goes once in place of an agent's
   * reply refused because the customer's 24-hour window closed, with the reply on one line as its parameter: the
   * customer's answer to it reopens the window. Without it, the agent is only told.
   */
  reengage?: { name: string; language?: string };
  /**
   * Whether a channel runs in this process: a notice to an agent goes to an address on one that does (their
   * `telegram:` address with no Telegram token set would fail). Without it, every channel counts as running.
   */
  running?: (channel: string) => boolean;
  /** Whether the customer sees a message's `replyTo` as a quote on a channel (`Channel.quotes`). Without it, no channel quotes. */
  quotes?: (channel: string) => boolean;
  /** The styles the customer's app shows on a channel (`Channel.styles`). Without it, no channel shows any. */
  styles?: (channel: string) => readonly string[];
  /** Whether the customer sees `emoji` as a reaction to their message on a channel (`Channel.reacts`). Without it, no channel does. */
  reacts?: (channel: string, emoji: string) => boolean;
  /** Whether the customer sees a file of this kind and type as what it is on a channel (`Channel.shows`). Without it, every file. */
  shows?: (channel: string, attachment: Pick<Attachment, 'kind' | 'mime'>) => boolean;
  /**
   * Whether the bot has a flow to go on with in `conversation` if it were handed back (the one that handed it over,
   * else a `conversation.opened` flow): `goesOn`; `noFlow` when none; `{ flowEnds }` when the flow that handed it over
   * ends at that step (handed back, the conversation would close at once). Without it, the bot always has.
   */
  botCanResume?: (conversation: Conversation) => Promise<BotResume>;
  /**
   * Whether the message `id` came into its chat after the message `than`, both channel message ids on `channel`, where
   * the channel's ids tell (`Channel.cameAfter`); undefined where they do not. Without it, no channel's ids tell.
   */
  cameAfter?: (channel: string, id: string, than: string) => boolean | undefined;
  /**
   * How `conversation`'s fields and intent read on an agent's card: the labels and route titles of its flows
   * (`FlowLibrary.wording`). Without it, fields read as their paths and the intent as it is.
   */
  wording?: (conversation: Conversation) => Promise<Wording>;
}

/** What the handover asks of the transaction's owner; all of it happens once the transaction is on disk. */
export interface DeskEffects {
  /** Stores an outbound message (to its `address`) in this transaction; it is sent once the transaction is on disk. */
  send(message: Omit<Message, 'id'>): void;
  emit(event: DomainEvent): void;
  /**
   * Adds now the customer notices the events so far call for ("Omar has joined the conversation."), which otherwise
   * come at the end of the transaction: what is sent to the customer after this call follows them.
   */
  noticesNow(): Promise<void>;
  /**
   * Conversations were queued in `team`: once the transaction is on disk, the team's placing gives them their place
   * in line and tells them it (`placeInLine`, in a transaction of its own).
   */
  placeInLine(team: string): void;
  /** A conversation was closed: its `conversation.closed` flows should start. */
  closed(conversation: Conversation): void;
  /** Asks for a thread in a team desk's group (on the desk's channel) for this conversation. */
  openThread(conversation: Conversation, desk: { channel: string; group: string }, title: string): void;
  /** Asks to close a desk thread. */
  closeThread(channel: string, thread: string): void;
}

/** A team desk's thread (collection `desk-threads`, keyed by channel and thread address): the conversation it is about. */
export interface DeskThread {
  conversationId: number;
}

/** The key of a desk thread's document. */
export const threadKey = (channel: string, thread: string): string => `${channel}:${thread}`;

/** Whether a conversation handed back would find the bot with something to go on with (see `botCanResume`). */
export type BotResume = 'goesOn' | 'noFlow' | { flowEnds: string };

/**
 * Why a hand back is refused (`outcome`: the agent keeps it, nothing moved for an admin, or, before anyone asks, that it
 * cannot be), or undefined when the bot goes on.
 *
 *     const refusal = await whyNoHandBack(ctx, conversation, 'stays'); // line('flowEndsAtHandover', 4, 'inbound', 'stays')
 */
export async function whyNoHandBack(ctx: DeskContext, conversation: Conversation, outcome: HandBackOutcome): Promise<Line | undefined> {
  const resume = ctx.botCanResume ? await ctx.botCanResume(conversation) : 'goesOn';
  if (resume === 'goesOn') return undefined;
  if (resume === 'noFlow') return line('noFlowToHandBackTo', conversation.id, outcome);
  return line('flowEndsAtHandover', conversation.id, resume.flowEnds, outcome);
}

/** The clock as an ISO string, for records. */
export const stamp = (ctx: DeskContext): string => ctx.now().toISOString();

/**
 * Records `by`'s words to the customer at `at` as the conversation's first response, when it has none yet (see
 * `Conversation.firstResponseBy`), for the team it was with at `at`: its team now, unless it was passed on since (a
 * reply that failed, found out after a `/transfer`, makes an earlier one the first response: Billing's, not Support's).
 *
 *     recordFirstResponse(conversation, agent.id, stamp(ctx));
 */
export function recordFirstResponse(conversation: Conversation, by: string, at: string): void {
  if (conversation.firstResponseAt !== undefined) return;
  conversation.firstResponseAt = at;
  conversation.firstResponseBy = by;
  // A hand-over names the team it was passed on from; one at the same instant by the same agent came after their words.
  const since = (conversation.handOvers ?? []).find((handOver) => handOver.at > at || (handOver.at === at && handOver.agent === by));
  const team = since ? since.team : conversation.team;
  if (team !== undefined) conversation.firstResponseTeam = team;
  else delete conversation.firstResponseTeam;
}

/**
 * Records that the conversation is being passed on from the agent holding it (see `Conversation.handOvers`), before
 * they let go of it; nothing when no agent holds it. `by`: who passed it on, when not that agent (`admin:<name>`).
 *
 *     recordHandOver(conversation, stamp(ctx)); // then delete conversation.agentId
 */
export function recordHandOver(conversation: Conversation, at: string, by?: string): void {
  if (conversation.agentId === undefined) return;
  (conversation.handOvers ??= []).push({ agent: conversation.agentId, ...teamOf(conversation), at, ...(by !== undefined ? { by } : {}) });
}

/**
 * Records that a conversation no agent holds, waiting in its team's queue (or for an agent by name), is moved on `by`
 * someone: an admin who gives it to an agent or another team (`admin:<name>`), or the bot when no agent in team.yaml
 * could take it where it waits (`auto`, see `rehome`). A hand-over of its team's, nobody's of the agents.
 *
 *     recordQueuedHandOver(conversation, stamp(ctx), 'admin:Nadia');
 */
export function recordQueuedHandOver(conversation: Conversation, at: string, by: string): void {
  (conversation.handOvers ??= []).push({ ...teamOf(conversation), at, by });
}

const teamOf = ({ team }: Conversation): { team?: string } => (team !== undefined ? { team } : {});
