// The one typed event bus for domain events: flow triggers, reports and the web chat stream read it.
import { EventEmitter } from 'node:events';
import type { DomainEvent, DomainEvents } from '../shared/events.ts';

export type { DomainEvent, DomainEvents };

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
