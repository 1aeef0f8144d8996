// Send again, under a reply of an agent's that did not reach the customer, in the agent console and on the dashboard:
// which replies may go once more, and the copy that goes. The copy is the writer's reply from their web chat session
// with an id made of the failed reply's, so whoever presses (the agent, an admin, twice) it goes once.
import type { InboundMessage } from '../types.ts';
import type { Conversation, Message } from '../store/types.ts';
import { leftUnreachable, line, type Line } from '../handover/lines.ts';
import type { Agent } from '../handover/team.ts';

/**
 * The failed reply `id` (as the URL gives it) of conversation `conversationId` that may be sent again, or the line
 * saying why not: not an agent's text reply that failed, sent again already, or nothing would reach the customer
 * (blocked, their window closed) and they have not written since.
 *
 *     const found = sendAgainOrWhyNot(42, await store.messagesOfConversation(42), req.params.message);
 *     if ('refused' in found) return res.status(409).json({ error: word(found.refused, 'en') });
 */
export function sendAgainOrWhyNot(conversationId: number, messages: readonly Message[], id: string): { failed: Message } | { refused: Line } {
  const failed = messages.find((message) => String(message.id) === id);
  if (!failed || !isFailedText(failed)) return { refused: line('sendAgainNotFailed', conversationId) };
  if (sentAgainIds(messages).has(failed.id)) return { refused: line('alreadySentAgain', conversationId) };
  if (unreachableSince(failed, lastWrote(messages))) return { refused: line('sendAgainUnreachable', conversationId, failed.failure!) };
  return { failed };
}

/**
 * Why Send again is not offered under a failed reply it would be refused for (`sendAgainOrWhyNot`'s rule: nothing
 * would reach the customer and they have not written since), by the reply's id: said beside it instead of a button
 * the agent or admin would press only to read why. `asWriter` (the dashboard's, which sends the copy as its writer's
 * reply): also those whose writer let the open `conversation` go (`writerLetGo`), named by `name`.
 *
 *     sendAgainWithheld(messages).get(17); // line('sendAgainWithheld'): her window closed, she has not written since
 */
export function sendAgainWithheld(messages: readonly Message[], asWriter?: { conversation: Conversation; name: (agentId: string) => string }): Map<number, Line> {
  const withheld = new Map<number, Line>();
  const resent = sentAgainIds(messages);
  const wrote = lastWrote(messages);
  for (const message of messages) {
    if (!isFailedText(message) || resent.has(message.id)) continue;
    if (unreachableSince(message, wrote)) withheld.set(message.id, line('sendAgainWithheld'));
    else if (asWriter && asWriter.conversation.status === 'open' && message.agentId !== undefined && writerLetGo(asWriter.conversation, message)) {
      withheld.set(message.id, line('sendAgainWithheldNotHeld', asWriter.name(message.agentId)));
    }
  }
  return withheld;
}

/**
 * Whether the dashboard's Send again of `failed` is refused as its writer no longer holds `conversation` (the copy goes
 * as the writer's reply): refused when pressed, and not offered, saying so, while the conversation is open.
 *
 *     if (writerLetGo(conversation, failed)) return refuse(line('sendAgainNotHeld', conversation.id, writer.name));
 */
export function writerLetGo(conversation: Conversation, failed: Message): boolean {
  return conversation.status !== 'open' || conversation.stage !== 'assigned' || conversation.agentId !== failed.agentId;
}

/** Whether `message` is an agent's text reply to the customer that failed: what Send again is for. */
function isFailedText(message: Message): boolean {
  return message.direction === 'out' && message.from === 'agent' && !message.toAgent && message.status === 'failed' && !!message.text && !message.attachments?.length && !message.reaction;
}

/**
 * Whether `failed` failed as nothing could reach the customer (blocked, their window closed) and they have not written
 * since (`wrote`: the id of their newest message).
 */
function unreachableSince(failed: Message, wrote: number): boolean {
  return failed.failure !== undefined && leftUnreachable(failed.failure) && wrote < failed.id;
}

/** The id of the customer's newest message among `messages`, 0 without one. */
function lastWrote(messages: readonly Message[]): number {
  let newest = 0;
  for (const message of messages) if (message.direction === 'in' && message.from === 'contact' && message.id > newest) newest = message.id;
  return newest;
}

/**
 * The copy of `failed` that goes as `agent`'s reply from their web chat session `session`, shown in their own thread as a
 * reply to the customer's last web chat message when there is one.
 */
export function againCopy(session: string, agent: Agent, failed: Message, messages: readonly Message[]): InboundMessage {
  const quoted = lastWebchatMessage(messages);
  return { channel: 'webchat', id: `${session}:again-${failed.id}`, from: { id: session, name: agent.name }, text: failed.text, ...(failed.styles?.length ? { styles: failed.styles } : {}), ...(quoted !== undefined ? { replyTo: quoted } : {}), at: new Date().toISOString() };
}

/** The ids of the failed replies Send again sent once more (their copy is relayed from `<session>:again-<id>`). */
export function sentAgainIds(messages: readonly Message[]): Set<number> {
  const ids = new Set<number>();
  for (const message of messages) {
    const again = message.relayOf !== undefined ? /:again-(\d+)$/.exec(message.relayOf) : null;
    if (again) ids.add(Number(again[1]));
  }
  return ids;
}

/** The agent's web chat session from team.yaml (`webchat:`), through which the console writes for them. */
export function webchatSession(agent: Agent): string | undefined {
  return agent.identities.find((identity) => identity.channel === 'webchat')?.id;
}

/** The channel message id of the conversation's newest message sent through the web chat (its store id there). */
export function lastWebchatMessage(messages: readonly Message[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as Message;
    if (message.channel === 'webchat' && message.direction === 'out' && message.channelMessageId === String(message.id)) return message.channelMessageId;
  }
  return undefined;
}
