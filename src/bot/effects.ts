// What one attempt of a transaction produced: outbound messages (stored with it), events to announce, closed
// conversations whose flows start, desk threads to open or close, queues to place. Announced and acted on only once
// it commits.
import type { Conversation, Message, Tx } from '../store/types.ts';
import type { DeskEffects } from '../handover/context.ts';
import type { DomainEvent } from './events.ts';

export class Effects implements DeskEffects {
  readonly events: DomainEvent[] = [];
  /** How many outbound messages were stored: the outbox is kicked after the commit if any. */
  outbound = 0;
  /**
   * Where the agents' messages to customers stored went (channel and address): the outbox tells their agents at once
   * when one waits behind another message held up by its channel (`Outbox.kick`).
   */
  readonly answered: { channel: string; address: string }[] = [];
  readonly closedConversations: Conversation[] = [];
  readonly threadsToOpen: { conversationId: number; desk: { channel: string; group: string }; title: string }[] = [];
  readonly threadsToClose: { channel: string; thread: string }[] = [];
  /** Teams whose queue has conversations waiting for their place, placed once this transaction is on disk. */
  readonly queuesToPlace = new Set<string>();

  /** How many of `events` the customer notices were added for (they may be added mid-transaction: `noticesNow`). */
  noticed = 0;

  /** `notices`: adds the customer notices of the events not yet noticed (the runtime's `Notices.add`). */
  constructor(private readonly tx: Tx, private readonly notices?: (tx: Tx, fx: Effects) => Promise<void>) {}

  send(message: Omit<Message, 'id'>): void {
    this.tx.addMessage(message);
    this.outbound++;
    if (message.from === 'agent' && !message.toAgent) this.answered.push({ channel: message.channel, address: message.address });
  }

  emit(event: DomainEvent): void {
    this.events.push(event);
  }

  async noticesNow(): Promise<void> {
    await this.notices?.(this.tx, this);
  }

  placeInLine(team: string): void {
    this.queuesToPlace.add(team);
  }

  closed(conversation: Conversation): void {
    this.closedConversations.push(conversation);
  }

  openThread(conversation: Conversation, desk: { channel: string; group: string }, title: string): void {
    this.threadsToOpen.push({ conversationId: conversation.id, desk, title });
  }

  closeThread(channel: string, thread: string): void {
    this.threadsToClose.push({ channel, thread });
  }
}
