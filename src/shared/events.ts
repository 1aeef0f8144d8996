// The domain events every part may raise: the runtime and the handover produce them, reports and streams read them.
import type { Contact, Conversation, ConversationSource, Message } from '../store/types.ts';

/** Every domain event and what it carries. Events are emitted after the change is durably stored. */
export interface DomainEvents {
  'conversation.opened': { conversation: Conversation; source: ConversationSource };
  'message.received': { message: Omit<Message, 'id'>; conversation?: Conversation };
  'message.sent': { message: Message };
  /** A channel reported on a message it sent: delivered, read, or failed after all. */
  'message.status': { message: Message; status: 'sent' | 'delivered' | 'read' | 'failed'; reason?: string };
  'contact.updated': { contact: Contact };
  'intent.classified': { conversation: Conversation; intent: string; confidence: number };
  /**
   * `by`: `auto` when it went back to its queue because its customer waited too long (`because: 'away'`) for the agent
   * who is away, `from` (their id), or because nothing reaches that agent any more (`because: 'unreachable'`: they
   * blocked the bot, their account is gone).
   */
  'conversation.queued': { conversation: Conversation; by?: 'auto'; from?: string; because?: 'away' | 'unreachable' };
  'conversation.assigned': { conversation: Conversation };
  'conversation.closed': { conversation: Conversation };
  /**
   * An agent moved the conversation to another team or a colleague; `agentId: 'auto'`: nobody did, it went to the
   * colleague `to` because its customer waited too long (`because: 'unanswered'`) for an answer from `from` (the id of
   * the agent who held it).
   */
  'conversation.transferred': { conversation: Conversation; agentId: string; to: string; from?: string; because?: 'unanswered' };
  /**
   * An agent went online or away, or offline; `because` when the agent did not choose it (`noConsole`: no console of
   * theirs connected; `unreachable`: nothing the bot sends reaches them any more).
   */
  'agent.status': { agentId: string; status: 'online' | 'away' | 'offline'; because?: 'noConsole' | 'unreachable' };
  /**
   * One of an agent's addresses was marked as one nothing reaches any more (`reachable: false`: they blocked the bot…),
   * or cleared as they wrote from it again; their status may be unchanged (another app still reaches them).
   */
  'agent.reachability': { agentId: string; channel: string; reachable: boolean };
  /** An agent handed the conversation back to the bot. */
  'conversation.handedBack': { conversation: Conversation; agentId: string };
}

export type DomainEvent = {
  [K in keyof DomainEvents]: { type: K; payload: DomainEvents[K] };
}[keyof DomainEvents];
