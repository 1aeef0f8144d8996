// One inbound message, decided inside its transaction: a repeated delivery changes nothing; an agent's goes to
// the handover; a customer's finds or makes their contact and their conversation (one open per contact), then
// goes to the flow, to the queue, or to the agent holding it.
import type { InboundMessage } from '../types.ts';
import type { Attachment, Contact, Conversation, ConversationSource, Fields, Message, Tx } from '../store/types.ts';
import type { Desk } from '../handover/desk.ts';
import type { Effects } from './effects.ts';
import type { Turns } from './turns.ts';

/** How long after closing a question asked by a `conversation.closed` flow still takes the customer's answer. */
const POST_CLOSE_ANSWER_WINDOW_MS = 60 * 60 * 1000;

export interface IntakeOptions {
  desk: Desk;
  turns: Turns;
  now: () => Date;
}

/**
 * Decides what one inbound message changes.
 *
 *     const handled = await intake.decide(tx, inbound, fx); // false: a repeated delivery
 */
export class Intake {
  constructor(private readonly options: IntakeOptions) {}

  /** Everything one message changes, inside one transaction. Returns false for a repeated delivery. */
  async decide(tx: Tx, inbound: InboundMessage, fx: Effects): Promise<boolean> {
    const { desk, turns } = this.options;
    if (await tx.hasInbound(inbound.channel, inbound.id)) return false;
    const agent = desk.agentOf(inbound.channel, inbound.from.id);
    // In a desk's group only agents are heard; anyone else's message there is not a customer's.
    if (!agent && inbound.place !== undefined) return false;
    if (agent) {
      await desk.handleAgentMessage(tx, agent, inbound, fx);
      await turns.closedFlows(tx, fx);
      return true;
    }

    const now = this.options.now().toISOString();
    const contact = await this.#contactOf(tx, inbound, now, fx);
    let conversation = await tx.openConversationOf(contact.id);
    let opened = false;
    if (!conversation) {
      const latest = await tx.latestConversationOf(contact.id);
      // A flow started by `conversation.closed` (a satisfaction question, say) takes the answer, for a while.
      const recentlyClosed = latest?.closedAt !== undefined && Date.parse(now) - Date.parse(latest.closedAt) < POST_CLOSE_ANSWER_WINDOW_MS;
      if (latest?.flow?.waiting && !latest.flow.done && recentlyClosed) conversation = latest;
      else {
        conversation = await this.#open(tx, contact, inbound.channel, 'contact', now);
        opened = true;
      }
    }

    const text = inbound.text ?? (inbound.choice ? await choiceTitle(tx, conversation.id, inbound.choice) : '');
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id,
      conversationId: conversation.id,
      channel: inbound.channel,
      address: inbound.from.id,
      direction: 'in',
      from: 'contact',
      text,
      ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
      ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
      channelMessageId: inbound.id,
      ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}),
      at: now,
    };
    tx.addMessage(stored);
    fx.emit({ type: 'message.received', payload: { message: stored, conversation } });

    const turn = turns.turn(contact, conversation, fx);
    const refused = (inbound.attachments ?? []).filter((attachment) => attachment.refused !== undefined);
    // The customer learns at once that a file did not come through, whoever is answering them.
    if (refused.length > 0) turn.say({ text: refusalText(refused) });
    if (opened) {
      fx.emit({ type: 'conversation.opened', payload: { conversation, source: 'contact' } });
      turns.start(turn, 'conversation.opened', 'contact');
    } else if (conversation.status === 'open' && (conversation.stage === 'assigned' || conversation.deskThread)) {
      await desk.relay(tx, conversation, contact, { text, ...(inbound.attachments ? { attachments: inbound.attachments } : {}) }, fx);
    } else if (conversation.stage === 'bot' || conversation.status === 'closed') {
      // The flow's question, or the one a `conversation.closed` flow asked after an agent closed it.
      await turns.resume(turn, {
        ...(inbound.text !== undefined ? { text: inbound.text } : {}),
        ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
        ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
      });
    }
    // A queued customer's messages wait in the conversation: the agent who takes it sees them on the card.
    await turns.settle(tx, turn, fx);
    await turns.closedFlows(tx, fx, turn);
    return true;
  }

  async #contactOf(tx: Tx, inbound: InboundMessage, now: string, fx: Effects): Promise<Contact> {
    const known = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    const referral: Fields = inbound.referral ? { referral: inbound.referral } : {};
    if (known) {
      // The name a customer gave us is kept; a channel's profile name only fills a gap.
      const name = known.name ?? inbound.from.name;
      const language = known.language ?? inbound.from.language;
      const identity = known.identities.find((own) => own.channel === inbound.channel && own.id === inbound.from.id);
      const reference = inbound.from.reference;
      const newReference = reference !== undefined && JSON.stringify(identity?.reference) !== JSON.stringify(reference);
      if (name !== known.name || language !== known.language || newReference || (inbound.referral && inbound.referral !== known.fields.referral)) {
        Object.assign(known, { updatedAt: now, fields: { ...known.fields, ...referral }, ...(name ? { name } : {}), ...(language ? { language } : {}) });
        // What the channel needs to reach them later is the one their last message came with.
        if (identity && newReference) identity.reference = reference;
        tx.putContact(known);
        fx.emit({ type: 'contact.updated', payload: { contact: known } });
      }
      return known;
    }
    const contact: Contact = {
      id: await tx.newContactId(),
      identities: [{ channel: inbound.channel, id: inbound.from.id, ...(inbound.from.reference ? { reference: inbound.from.reference } : {}) }],
      ...(inbound.from.name ? { name: inbound.from.name } : {}),
      ...(inbound.from.language ? { language: inbound.from.language } : {}),
      fields: { ...referral },
      tags: [],
      createdAt: now,
      updatedAt: now,
    };
    // Put at once: from now on every read of it in this transaction (the agent's card, say) sees this object.
    tx.putContact(contact);
    fx.emit({ type: 'contact.updated', payload: { contact } });
    return contact;
  }

  async #open(tx: Tx, contact: Contact, channel: string, source: ConversationSource, now: string): Promise<Conversation> {
    const conversation: Conversation = { id: await tx.newConversationId(), contactId: contact.id, channel, status: 'open', stage: 'bot', fields: {}, source, openedAt: now };
    tx.putConversation(conversation);
    return conversation;
  }
}

/** The title of the button a customer pressed, from the message that offered it. */
async function choiceTitle(tx: Tx, conversationId: number, choice: string): Promise<string> {
  const recent = await tx.recentMessages(conversationId, 10);
  for (const message of recent.reverse()) {
    const title = message.choices?.find((option) => option.id === choice)?.title;
    if (title) return title;
  }
  return choice;
}

/** What the customer is told about files that did not come through. */
function refusalText(refused: readonly Attachment[]): string {
  const reasons = [...new Set(refused.map((attachment) => attachment.refused))].join('; ');
  return `Sorry, your ${refused.length === 1 ? (refused[0]?.kind === 'image' ? 'photo' : 'file') : 'files'} could not be received (${reasons}). Could you send ${refused.length === 1 ? 'a smaller one, or describe it' : 'smaller ones'}?`;
}
