// A WhatsApp Web customer asked a question who sends a text of only invisible characters (a zero-width space, a word
// joiner and a byte order mark, a lone variation selector): through the real server and the fake client, what she
// reads, and what is kept.
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { incoming } from './fake-client.ts';
import { linkedSwitchboard } from './linked.ts';

const LAYLA = '15551234567@c.us';
const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [{ id: billing, title: Billing }, { id: sales, title: Sales }]
    save: conversation.topic
  - say: "Topic: {{conversation.topic}}"
`;

const running: Switchboard[] = [];
afterEach(async () => {
  for (const app of running.splice(0).reverse()) await app.stop();
  await cleanupDirs();
});

it('asks the question again after a text that shows nothing, instead of saying nothing; nothing is kept as her answer', async () => {
  const { app, whatsapp } = await linkedSwitchboard(flow);
  running.push(app);
  const client = whatsapp.current;

  client.emit('message', incoming(LAYLA, 'hello', { notifyName: 'Layla' }));
  await eventually(() => whatsapp.textsTo(LAYLA).length === 1);
  // Before: nothing at all; she waited for an answer to a message that showed nothing.
  for (const [index, invisible] of ['\u200b', '\u2060\ufeff', '\ufe0f'].entries()) {
    client.emit('message', incoming(LAYLA, invisible));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2 + index);
  }
  expect(whatsapp.textsTo(LAYLA).map((text) => text.split('\n')[0])).toEqual(['Which team?', 'Which team?', 'Which team?', 'Which team?']);
  const [conversation] = await app.store.conversations();
  const texts = (await app.store.messagesOfConversation(conversation!.id)).filter((message) => message.from === 'contact').map((message) => message.text);
  expect(texts).toEqual(['hello']);
  // Her next words answer the question as ever.
  client.emit('message', incoming(LAYLA, 'Billing'));
  await eventually(async () => (await app.store.conversation(conversation!.id))?.fields.topic === 'billing');
  await eventually(() => whatsapp.textsTo(LAYLA).at(-1) === 'Topic: billing');
});
