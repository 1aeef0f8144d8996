import { describe, expect, it } from 'vitest';
import { assignmentCard, editText, relayText } from '../../src/handover/card.ts';
import type { Contact, Message } from '../../src/store/types.ts';
import { conversation } from './helpers.ts';

const layla: Contact = {
  id: 'c42',
  identities: [{ channel: 'webchat', id: 's1' }],
  name: 'Layla',
  fields: { email: 'layla@example.com', phone: null },
  tags: [],
  createdAt: '2025-03-03T09:00:00.000Z',
  updatedAt: '2025-03-03T09:00:00.000Z',
};

function message(id: number, from: Message['from'], text: string): Message {
  return { id, contactId: 'c42', conversationId: 42, channel: 'webchat', address: 'layla', direction: from === 'contact' ? 'in' : 'out', from, text, at: '2025-03-03T09:00:00.000Z' };
}

describe('assignmentCard', () => {
  const billingConversation = conversation(42, {
    team: 'Billing',
    intent: 'billing',
    stage: 'assigned',
    fields: { need: 'I was charged twice', order: 1234, urgent: true, empty: '' },
  });

  it('shows the number, contact, channel, team, intent, every field and the customer\'s last messages', () => {
    const card = assignmentCard({
      conversation: billingConversation,
      contact: layla,
      team: { name: 'Billing', strategy: 'least_open' },
      messages: [
        message(1, 'bot', 'What is your email address?'),
        message(2, 'contact', 'layla@example.com'),
        message(3, 'bot', 'How can we help?'),
        message(4, 'contact', 'I was charged twice'),
      ],
    });
    expect(card).toBe(
      [
        '#42 · new conversation for Billing',
        // The intent says no more than the team; a field no flow labels reads as its name.
        'Layla on the web chat',
        'email: layla@example.com',
        'need: I was charged twice',
        'order: 1234',
        'urgent: true',
        '',
        'Layla wrote:',
        '› layla@example.com',
        '› I was charged twice',
        '',
        'Reply here to answer Layla. /close 42 when done.',
      ].join('\n'),
    );
  });

  it('names an unlabelled field in words, and by its path only when the contact and the conversation both have it', () => {
    const card = assignmentCard({
      conversation: { ...billingConversation, fields: { order_number: 'A-77', email: 'work@example.com' } },
      contact: layla,
      team: 'Billing',
      messages: [],
    });
    expect(card.split('\n').slice(2, 5)).toEqual(['contact.email: layla@example.com', 'order number: A-77', 'conversation.email: work@example.com']);
  });

  it('says a conversation an agent held before is returning', () => {
    const card = assignmentCard({ conversation: billingConversation, contact: layla, team: 'Billing', messages: [], returning: true });
    expect(card.split('\n')[0]).toBe('#42 · returning conversation for Billing');
  });

  it('starts with the conversation tag, so replying to the card targets the conversation', () => {
    const card = assignmentCard({ conversation: billingConversation, contact: layla, messages: [] });
    expect(card).toMatch(/^#42(?!\d)/);
  });

  it('takes the team from the conversation when none is given, and works without a name or intent', () => {
    const card = assignmentCard({
      conversation: conversation(7, { team: 'Support', channel: 'telegram' }),
      contact: { ...layla, id: '3f9a2c61-5b1e-4c7a-9d0e-8a1b2c3d4e5f', name: undefined, fields: {} },
      messages: [],
    });
    // Named by the start of the contact id: two customers without a name are told apart.
    expect(card).toBe(['#7 · new conversation for Support', 'Customer 3f9a on Telegram', '', 'Reply here to answer Customer 3f9a. /close 7 when done.'].join('\n'));
  });

  it('shows only the last five customer messages, each cut to a readable length', () => {
    const messages = Array.from({ length: 7 }, (_, i) => message(i + 1, 'contact', `message ${i + 1}`));
    messages.push(message(8, 'contact', 'x'.repeat(1000)));
    const card = assignmentCard({ conversation: billingConversation, contact: layla, messages });
    expect(card).not.toContain('message 3');
    expect(card).toContain('› message 4\n');
    expect(card).toContain(`› ${'x'.repeat(299)}…\n`);
  });
});

describe('relayText', () => {
  it('tags a relayed customer message with the conversation number and name', () => {
    // The quoted text of the Telegram fixture agent-reply-to.json (an agent replying to a relayed message).
    expect(relayText({ id: 42 }, 'Layla', 'I was charged twice')).toBe('#42 Layla: I was charged twice');
  });

  it('relays without a name when the contact has none', () => {
    expect(relayText({ id: 42 }, undefined, 'hello')).toBe('#42: hello');
  });

  it('names the line of the bot\'s numbered list a typed number picked, after the quote or in an edit, in English and Arabic', () => {
    expect(relayText({ id: 42 }, 'Layla', '2', { replyingTo: 'Which team?', picked: '2. Sales' })).toBe('#42 Layla, replying to "Which team?" (2. Sales): 2');
    expect(relayText({ id: 42 }, 'Layla', '2', { language: 'ar', replyingTo: 'Which team?', picked: '2. Sales' })).toBe('#42 \u2068Layla\u2069 ردًا على «\u2068Which team?\u2069» (\u20682. Sales\u2069): 2');
    expect(editText({ id: 42 }, 'Layla', '1', '2', 'en', '1. Billing')).toBe('#42 Layla edited a message: 1 (1. Billing) (was "2")');
    expect(editText({ id: 42 }, 'Layla', '1', '2', 'ar', '1. Billing')).toBe('#42 تعديل من \u2068Layla\u2069 لرسالة: \u20681\u2069 (\u20681. Billing\u2069) (كانت: «\u20682\u2069»)');
  });
});
