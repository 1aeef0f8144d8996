// The one typed event bus for domain events: flow triggers, reports and the web chat stream read it.
import { EventEmitter } from 'node:events';
import type { Contact, Conversation, ConversationSource, Message } from '../store/types.ts';

/** Every domain event and what it carries. Events are emitted after the change is durably stored. */
export interface DomainEvents {
  'conversation.opened': { conversation: Conversation; source: ConversationSource };
  'message.received': { message: Message; conversation?: Conversation };
  'message.sent': { message: Message };
  'contact.updated': { contact: Contact };
  'intent.classified': { conversation: Conversation; intent: string; confidence: number };
  'conversation.queued': { conversation: Conversation };
  'conversation.assigned': { conversation: Conversation };
  'conversation.closed': { conversation: Conversation };
}

export type DomainEvent = {
  [K in keyof DomainEvents]: { type: K; payload: DomainEvents[K] };
}[keyof DomainEvents];

/**
 * Typed publish/subscribe. A listener that throws is reported through `onError` and never breaks the
 * publisher, so a faulty report or stream cannot stop a customer's message from being handled.
 *
 *     const off = bus.on('conversation.opened', ({ conversation }) => count(conversation));
 *     bus.emit({ type: 'conversation.opened', payload: { conversation, source: 'contact' } });
 */
export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #onError: (error: unknown, type: string) => void;

  constructor(onError: (error: unknown, type: string) => void = () => {}) {
    this.#onError = onError;
    this.#emitter.setMaxListeners(0);
  }

  on<K extends keyof DomainEvents>(type: K, listener: (payload: DomainEvents[K]) => void): () => void {
    const guarded = (payload: DomainEvents[K]) => {
      try {
        listener(payload);
      } catch (error) {
        this.#onError(error, type);
      }
    };
    this.#emitter.on(type, guarded);
    return () => this.#emitter.off(type, guarded);
  }

  emit(event: DomainEvent): void {
    this.#emitter.emit(event.type, event.payload);
  }
}
