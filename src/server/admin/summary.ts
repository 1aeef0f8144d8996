// Conversations as the admin API lists them (`ConversationSummary` of the contract): who, where, which stage, how
// long they have waited, and their last message.
import type { TeamDirectory } from '../../handover/directory.ts';
import { appOf, lastWords, previewText } from '../../handover/card.ts';
import type { DeskLanguage } from '../../handover/lines.ts';
import type { Contact, Conversation, Message } from '../../store/types.ts';

export interface ConversationSummary {
  id: number;
  status: Conversation['status'];
  stage: Conversation['stage'];
  team?: string;
  agentId?: string;
  agentName?: string;
  intent?: string;
  channel: string;
  /** The app the customer writes from where `channel` carries several (`msteams`: Teams, on `botframework`), as the agent's card names it. */
  app?: string;
  contact: { id: string; name?: string };
  openedAt: string;
  queuedAt?: string;
  assignedAt?: string;
  closedAt?: string;
  /** For a queued conversation: since it was queued. */
  waitingSeconds?: number;
  lastMessage?: { text: string; from: Message['from']; at: string };
}

/** A message the transcript shows: what the customer, the bot, an agent or a note said (notices to agents are not). */
export const inTranscript = (message: Message): boolean => !message.toAgent;

/**
 * A conversation as the admin API lists it; its last message worded (a kind nothing here can show) in `language`.
 *
 *     summarize(conversation, { contact, directory, messages, now: new Date() });
 */
export function summarize(
  conversation: Conversation,
  context: { contact: Contact | undefined; directory: TeamDirectory; messages?: readonly Message[]; now: Date; language?: DeskLanguage },
): ConversationSummary {
  const { contact, directory, now } = context;
  // The customer's last words (or the agent's reply), as the agent console's list shows: not the bot's "Nobody on our
  // Billing team is free…" that follows them in every queued conversation.
  const last = context.messages ? lastWords(context.messages.filter(inTranscript)) : undefined;
  const agentName = conversation.agentId ? directory.agent(conversation.agentId)?.name : undefined;
  const waiting = conversation.status === 'open' && conversation.stage === 'queued' && conversation.queuedAt
    ? Math.max(0, Math.round((now.getTime() - Date.parse(conversation.queuedAt)) / 1000))
    : undefined;
  return {
    id: conversation.id,
    status: conversation.status,
    stage: conversation.stage,
    ...(conversation.team !== undefined ? { team: conversation.team } : {}),
    ...(conversation.agentId !== undefined ? { agentId: conversation.agentId } : {}),
    ...(agentName !== undefined ? { agentName } : {}),
    ...(conversation.intent !== undefined ? { intent: conversation.intent } : {}),
    channel: conversation.channel,
    ...appOf(conversation, contact),
    contact: { id: conversation.contactId, ...(contact?.name !== undefined ? { name: contact.name } : {}) },
    openedAt: conversation.openedAt,
    ...(conversation.queuedAt !== undefined ? { queuedAt: conversation.queuedAt } : {}),
    ...(conversation.assignedAt !== undefined ? { assignedAt: conversation.assignedAt } : {}),
    ...(conversation.closedAt !== undefined ? { closedAt: conversation.closedAt } : {}),
    ...(waiting !== undefined ? { waitingSeconds: waiting } : {}),
    ...(last ? { lastMessage: { text: previewText(last, context.language ?? 'en'), from: last.from, at: last.at } } : {}),
  };
}
