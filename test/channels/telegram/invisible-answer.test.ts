// A Telegram customer asked a question who sends a text of only invisible characters (a zero-width space, a word
// joiner, a byte order mark, a lone variation selector): through the real server and the fake Bot API, what she
// reads, and what is kept.
import { expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { LAYLA, post, telegramServers, textNow } from './harness.ts';

const { setUp } = telegramServers();

it('asks the question again after a text that shows nothing, instead of saying nothing; nothing is kept as her answer', async () => {
  const { app, api } = await setUp({ webhook: true });
  expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
  await eventually(() => api.sentTo(LAYLA).length === 2);
  // Before: nothing at all; she waited for an answer to a message that showed nothing.
  for (const [index, invisible] of ['\u200b', '\u2060\ufeff', '\ufe0f'].entries()) {
    expect(await post(app, textNow(LAYLA, invisible))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).length === 3 + index);
  }
  expect(api.sentTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?', 'Which team?', 'Which team?', 'Which team?']);
  const [conversation] = await app.store.conversations();
  const texts = (await app.store.messagesOfConversation(conversation!.id)).filter((message) => message.from === 'contact').map((message) => message.text);
  expect(texts).toEqual(['hello']);
  // Her next words answer the question as ever.
  expect(await post(app, textNow(LAYLA, 'Billing'))).toBe(200);
  await eventually(async () => (await app.store.conversation(conversation!.id))?.fields.topic === 'billing');
});
