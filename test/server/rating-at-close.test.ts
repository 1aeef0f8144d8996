// The closing survey's rating, written in the very second the agent closes: through the real server (a child process),
// the Bot API faked on 127.0.0.1. Telegram stamps a message with the whole second it was sent, so an answer given in the
// second of the close (the question came at once, the customer answered at once, or wrote it as the agent closed) is
// stamped before the close's own moment. The rating is kept on the closed conversation and thanked for, never taken as
// the first message of a new conversation the bot greets from the start. Embedded store only (see
// test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { postUpdate } from '../reliability/processes.ts';
import { ADMIN_TOKEN, cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, until } from './kill-points.ts';

cleanUpAfterEach();

const QUESTION = 'How did we do, from 1 to 5?';

let update = 800_000;
/** A private message from `chat` stamped `date` (Telegram's: whole seconds). */
function written(chat: number, body: string, date: number): Record<string, unknown> {
  const n = update++;
  const person = { id: chat, first_name: chat === OMAR ? 'Omar' : chat === KARIM ? 'Karim' : 'Layla' };
  return { update_id: n, message: { message_id: n, date, chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body } };
}

async function conversation(life: Life, id: number): Promise<{ status: string; closedAt?: string; fields: Record<string, unknown> }> {
  const res = await fetch(`${life.server.url}/api/conversations/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { conversation: { status: string; closedAt?: string; fields: Record<string, unknown> } }).conversation;
}

it.skipIf(process.env.STORE === 'postgres')('keeps a rating written in the second the agent closed on the closed conversation, and thanks for it', async () => {
  const life = await Life.begin();
  await life.omarHoldsLayla();
  await life.say(OMAR, '/close 1');
  await life.sees(LAYLA, QUESTION);
  const { closedAt } = await conversation(life, 1);
  // Layla answers at once: her message carries the second the close was made in.
  expect(await postUpdate(life.server.url, written(LAYLA, '5', Math.floor(Date.parse(closedAt!) / 1000)))).toBe(200);
  await life.sees(LAYLA, 'Thanks! You rated us 5.');
  expect(await conversation(life, 1)).toMatchObject({ status: 'closed', fields: { rating: 5 } });
  expect(life.sent(LAYLA).slice(life.sent(LAYLA).indexOf(QUESTION))).toEqual([QUESTION, 'Thanks! You rated us 5.']);
  expect((await life.conversations()).map((listed) => listed.id)).toEqual([1]);

  // Karim's rating, in Arabic digits, written as Omar closes: relayed to Omar before the close, or his rating after it.
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(OMAR, /^#2 · new conversation/);
  const now = Math.floor(Date.now() / 1000);
  await Promise.all([life.say(OMAR, '/close 2'), postUpdate(life.server.url, written(KARIM, '٤', now))]);
  await life.sees(KARIM, QUESTION);
  await until('Karim\'s ٤ relayed to Omar or taken as his rating', async () => life.sent(OMAR).includes('#2 Karim: ٤') || (await conversation(life, 2)).fields.rating === 4);
  if (!life.sent(OMAR).includes('#2 Karim: ٤')) await life.sees(KARIM, 'Thanks! You rated us 4.');
  expect((await life.conversations()).map((listed) => listed.id).sort()).toEqual([1, 2]);
  expect(life.sent(KARIM).filter((text) => text === 'Which team?')).toHaveLength(1);
  await life.stop();
}, 180_000);
