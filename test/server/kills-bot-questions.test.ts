// The bot's side of a customer's life, killed (kill -9) at each point: after the customer's message is acknowledged and
// before the bot's question went out, while an answer that is no email is refused, and after the routing while the
// agent's card and the customer's "has joined" are on their way (routing and assignment commit together). After each
// restart Layla is asked each question once (a send held when the process died never reached Telegram, so it comes
// exactly once: README "Replies are claimed before they are sent"), Omar gets her card once, and the conversation is
// his, open once. It runs on the embedded store (a child process's DATA_DIR), so it stands aside when STORE=postgres.
import { expect, it } from 'vitest';
import { cleanUpAfterEach, LAYLA, Life, OMAR } from './kill-points.ts';

cleanUpAfterEach();

it.skipIf(process.env.STORE === 'postgres')('killed before each question of the bot went out, asks each once after the restart and hands Layla to Omar', async () => {
  const life = await Life.begin();
  await life.say(OMAR, '/online');
  await life.sees(OMAR, /online/i);

  // Her first message acknowledged, the bot's first question on its way.
  await life.killWhileSending([LAYLA], () => life.say(LAYLA, 'hi'));
  await life.sees(LAYLA, 'What is your email address?');

  // Her answer acknowledged and found no email: the bot's "check it" on its way.
  await life.killWhileSending([LAYLA], () => life.say(LAYLA, 'layla at example'));
  await life.sees(LAYLA, "That doesn't look like an email address. Could you check it?");

  // A good answer: the next question on its way.
  await life.killWhileSending([LAYLA], () => life.say(LAYLA, 'layla@example.com'));
  await life.sees(LAYLA, 'Which team?');

  // Routed to Billing and assigned: the card to Omar and the word to Layla on their way.
  await life.killWhileSending([OMAR, LAYLA], () => life.say(LAYLA, 'Billing'));
  await life.sees(OMAR, /^#1 · new conversation for Billing/);
  await life.sees(LAYLA, '\u2068Omar\u2069 has joined the conversation.');

  // Each chat's sends go in order, those in doubt at a restart first: a copy sent late would have come before these.
  expect(life.sent(LAYLA)).toEqual([
    'What is your email address?', "That doesn't look like an email address. Could you check it?", 'Which team?',
    '\u2068Omar\u2069 has joined the conversation.',
  ]);
  expect(life.sent(OMAR)).toEqual([expect.stringMatching(/online/), expect.stringMatching(/^#1 · new conversation for Billing\n[^]*› layla@example\.com\n› Billing/)]);
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'open', stage: 'assigned', team: 'Billing', agentId: 'omar' }]);
  await life.stop();
}, 180_000);
