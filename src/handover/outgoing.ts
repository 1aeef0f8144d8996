// The messages the handover sends: to a customer on their conversation's channel, to an agent where they last
// wrote from, into a team desk's thread. Each is stored with the transaction and sent after it commits.
import type { Attachment, Conversation, Identity, Message, Tx } from '../store/types.ts';
import { agentState, unreachableAt } from './agent-state.ts';
import { stamp, threadKey, type DeskContext, type DeskEffects, type DeskThread } from './context.ts';
import { word, type Line } from './lines.ts';
import { threadLanguage } from './lookups.ts';
import type { Agent } from './team.ts';

/** What an outgoing message says: text, and files, locations or contact cards. */
export interface Said {
  text: string;
  attachments?: Attachment[];
  /**
   * A relay of the message with this channel message id (so it can be found later): for the agent, of the customer's
   * (to quote it); for the customer, of the agent's (to correct it when the agent edits it).
   */
  relayOf?: string;
  /** For the agent: quotes the relay of the customer's message with this channel message id, where it was relayed to. */
  quoting?: string;
  /** How `text` is styled (bold, a spoiler…), shown where the reader's app shows it (`Channel.styles`). */
  styles?: Message['styles'];
}

/** The styles said, when there are any. */
const withStyles = (said: Pick<Said, 'styles'>) => (said.styles && said.styles.length > 0 ? { styles: said.styles } : {});

/** The files said, with the language of whoever reads them (`language`: a channel names a file it cannot send in it). */
const withAttachments = (said: Pick<Said, 'attachments'>, language: string | undefined) =>
  (said.attachments && said.attachments.length > 0 ? { attachments: said.attachments, ...(language !== undefined ? { language } : {}) } : {});

/** How far back in a conversation the relay a message quotes is looked for. */
const QUOTED_RELAY_WITHIN = 100;

/** What a message to an agent or a thread says about relays: which message it relays, which relay it quotes. */
async function relayFields(tx: Tx, said: Said, conversationId: number | undefined, to: { channel: string; address: string }): Promise<Pick<Message, 'relayOf' | 'replyTo'>> {
  const fields: Pick<Message, 'relayOf' | 'replyTo'> = said.relayOf !== undefined ? { relayOf: said.relayOf } : {};
  if (said.quoting === undefined || conversationId === undefined) return fields;
  // Only a relay sent to this very chat can be quoted in it.
  const recent = await tx.recentMessages(conversationId, QUOTED_RELAY_WITHIN);
  const relayed = recent.reverse().find((message) => message.relayOf === said.quoting && message.direction === 'out'
    && message.channel === to.channel && message.address === to.address && message.channelMessageId !== undefined);
  return relayed?.channelMessageId !== undefined ? { ...fields, replyTo: relayed.channelMessageId } : fields;
}

/** The customer's address on the conversation's channel. */
export async function customerAddress(tx: Tx, conversation: Conversation): Promise<string | undefined> {
  return (await customerOf(tx, conversation)).address;
}

/** The customer's address on the conversation's channel, and the language they read. */
async function customerOf(tx: Tx, conversation: Conversation): Promise<{ address?: string; language?: string }> {
  const contact = await tx.contact(conversation.contactId);
  const address = contact?.identities.find((identity) => identity.channel === conversation.channel)?.id;
  return { ...(address !== undefined ? { address } : {}), ...(contact?.language !== undefined ? { language: contact.language } : {}) };
}

/**
 * A message to the customer of `conversation`, from the bot or from an agent; `replyTo` quotes a message of their chat
 * (its channel message id, with `quote`, what it said) where the channel can, `edit` says which agent's message it corrects,
 * and `reaction` makes it an agent's reaction to one of the customer's messages (sent only where the channel shows it).
 */
export async function toCustomer(
  ctx: DeskContext, tx: Tx, conversation: Conversation,
  said: Said & { from: 'bot' | 'agent'; agentId?: string; template?: Message['template']; replyTo?: string; quote?: string; edit?: Message['edit']; reaction?: Message['reaction'] },
  fx: DeskEffects,
): Promise<void> {
  const { address: to, language } = await customerOf(tx, conversation);
  if (to === undefined) {
    ctx.log.error({ conversation: conversation.id }, 'the customer has no address on the conversation\'s channel');
    return;
  }
  fx.send({
    contactId: conversation.contactId, conversationId: conversation.id, channel: conversation.channel, address: to, direction: 'out',
    from: said.from, ...(said.agentId ? { agentId: said.agentId } : {}), text: said.text, ...(said.styles ? { styles: said.styles } : {}), ...withAttachments(said, language),
    ...(said.template ? { template: said.template } : {}), ...(said.relayOf !== undefined ? { relayOf: said.relayOf } : {}),
    ...(said.replyTo !== undefined ? { replyTo: said.replyTo, ...(said.quote !== undefined ? { quote: said.quote } : {}) } : {}), ...(said.edit ? { edit: said.edit } : {}),
    ...(said.reaction ? { reaction: said.reaction } : {}), at: stamp(ctx), status: 'pending',
  });
}

/**
 * A message to the agent, where they last wrote from (else their first address in team.yaml), on a channel that
 * runs here: else their first address on one that does. Where they last wrote from counts only while team.yaml still
 * gives them that address: one an admin changed (a new phone, a Telegram id corrected) may be someone else's now.
 */
export async function toAgent(ctx: DeskContext, tx: Tx, agent: Agent, said: Said | string, fx: DeskEffects, conversationId?: number): Promise<void> {
  const { text, ...rest } = typeof said === 'string' ? { text: said } : said;
  const state = await agentState(tx, agent, stamp(ctx));
  // Nothing reaches them anywhere (they blocked the bot…) until they write again: what is for them now waits for nobody.
  if (agent.identities.length > 0 && agent.identities.every((each) => unreachableAt(state, each))) return;
  const identity = reachedAt(agent, state.replyTo, (each) => runsHere(ctx, each) && !unreachableAt(state, each));
  if (!identity) return;
  const relays = await relayFields(tx, rest as Said, conversationId, { channel: identity.channel, address: identity.id });
  fx.send({
    ...(conversationId !== undefined ? { conversationId } : {}), channel: identity.channel, address: identity.id,
    agentId: agent.id, direction: 'out', from: 'bot', text, ...withStyles(rest), ...withAttachments(rest as Said, agent.language), ...relays, toAgent: true, at: stamp(ctx), status: 'pending',
  });
}

/**
 * Where a message to `agent` goes (see `toAgent`): `written`, where they last wrote from, while team.yaml gives them that
 * address and it `runs` (its channel runs here, and it is not known unreachable); else their first address that does;
 * else their first.
 *
 *     reachedAt(omar, state.replyTo, () => true); // { channel: 'telegram', id: '9005' } once team.yaml says 9005
 */
export function reachedAt(agent: Agent, written: Identity | undefined, runs: (identity: Identity) => boolean): Identity | undefined {
  const last = written && agent.identities.some((each) => each.channel === written.channel && each.id === written.id) ? written : undefined;
  return last && runs(last) ? last : agent.identities.find((each) => runs(each)) ?? last ?? agent.identities[0];
}

/** Whether an address is on a channel this process runs (every channel counts as running when the context cannot say). */
function runsHere(ctx: DeskContext, identity: { channel: string }): boolean {
  return ctx.running?.(identity.channel) ?? true;
}

/**
 * A notice that could not reach an agent where it was sent (a closed service window, a blocked chat) goes to
 * the first of their addresses in team.yaml not tried yet, nor known unreachable; past the last one, the log says they
 * could not be reached at all.
 */
export async function toAgentElsewhere(ctx: DeskContext, tx: Tx, failed: Message, reason: string, fx: DeskEffects): Promise<void> {
  const agent = failed.agentId ? ctx.directory.agent(failed.agentId) : undefined;
  if (!agent) return;
  const { tried, untried: left } = addressesLeft(agent, failed);
  const state = await agentState(tx, agent, stamp(ctx));
  const untried = left.filter((identity) => !unreachableAt(state, identity));
  const next = untried.find((identity) => runsHere(ctx, identity)) ?? untried[0];
  if (!next) {
    ctx.log.error({ agent: agent.id, channel: failed.channel, reason }, `${agent.name} could not be reached on any of their addresses in team.yaml`);
    return;
  }
  fx.send({
    ...(failed.conversationId !== undefined ? { conversationId: failed.conversationId } : {}), channel: next.channel, address: next.id,
    agentId: agent.id, direction: 'out', from: 'bot', text: failed.text, ...withAttachments(failed, agent.language), toAgent: true, triedAddresses: tried, at: stamp(ctx), status: 'pending',
  });
}

/**
 * The addresses in team.yaml of the agent a notice was for that it has not been tried at (`channel:address`, the
 * one it failed at last among `tried`).
 *
 *     addressesLeft(omar, failed).untried.length === 0; // nowhere else to tell Omar: the outbox keeps trying this one
 */
export function addressesLeft(agent: Agent, notice: Pick<Message, 'channel' | 'address' | 'triedAddresses'>): { tried: string[]; untried: Agent['identities'] } {
  const tried = [...(notice.triedAddresses ?? []), `${notice.channel}:${notice.address}`];
  return { tried, untried: agent.identities.filter((identity) => !tried.includes(`${identity.channel}:${identity.id}`)) };
}

/** A message into the conversation's team desk thread, if it has one. */
export async function toThread(ctx: DeskContext, tx: Tx, conversation: Conversation, said: Said | string, fx: DeskEffects): Promise<void> {
  const thread = conversation.deskThread;
  if (!thread) return;
  const { channel, address } = thread;
  const { text, ...rest } = typeof said === 'string' ? { text: said } : said;
  const key = threadKey(channel, address);
  if (!(await tx.doc<DeskThread>('desk-threads', key))) tx.putDoc('desk-threads', key, { conversationId: conversation.id } satisfies DeskThread);
  const relays = await relayFields(tx, rest as Said, conversation.id, { channel, address });
  fx.send({
    conversationId: conversation.id, channel, address, direction: 'out', from: 'bot', text, ...withStyles(rest), ...withAttachments(rest as Said, threadLanguage(ctx, conversation)), ...relays,
    at: stamp(ctx), status: 'pending',
  });
}

/** Tells an agent something in their app, in their language (a message of theirs that failed, say). */
export async function tell(ctx: DeskContext, tx: Tx, agentId: string, said: Line, fx: DeskEffects, conversationId?: number): Promise<void> {
  const agent = ctx.directory.agent(agentId);
  if (agent) await toAgent(ctx, tx, agent, word(said, agent.language), fx, conversationId);
}
