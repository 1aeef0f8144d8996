// The agents' side of a customer's life, killed (kill -9) at each point: while a customer's message is relayed to her
// agent and his answer to her, while a /transfer tells the colleague, the customer and the agent, while /close says
// so and the closing survey asks its question, and while the survey thanks her. After each restart each of them is
// told once (a send held when the process died never reached Telegram: README "Replies are claimed before they are
// sent"), and the conversation is where the last acknowledged action put it. A send that reached Telegram and lost
// its answer at the kill may come twice, no more. Embedded store only (a child process's DATA_DIR).
import { expect, it } from 'vitest';
import { cleanUpAfterEach, LAYLA, Life, OMAR, SARA } from './kill-points.ts';

cleanUpAfterEach();

it.skipIf(process.env.STORE === 'postgres')('tells each side once what the relay, a transfer, /close and the survey said when killed while sending it', async () => {
  const life = await Life.begin();
  await life.say(OMAR, '/online');
  await life.say(SARA, '/online');
  await life.sees(SARA, /online/i);
  await life.say(LAYLA, 'hi');
  await life.say(LAYLA, 'layla@example.com');
  await life.say(LAYLA, 'Billing');
  await life.sees(OMAR, /#1/);

  await life.killWhileSending([OMAR], () => life.say(LAYLA, 'Where is my refund?'));
  await life.sees(OMAR, '#1 Layla: Where is my refund?');

  await life.killWhileSending([LAYLA], () => life.say(OMAR, 'Refunded today'));
  await life.sees(LAYLA, 'Refunded today');

  await life.killWhileSending([SARA, OMAR, LAYLA], () => life.say(OMAR, '/transfer Sara'));
  await life.sees(SARA, /^#1 · passed on by Omar/);
  await life.sees(OMAR, '#1 is now with Sara.');
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'open', stage: 'assigned', agentId: 'sara' }]);

  await life.killWhileSending([LAYLA, SARA], () => life.say(SARA, '/close'));
  await life.sees(LAYLA, 'How did we do, from 1 to 5?');
  await life.sees(SARA, 'Closed #1.');
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'closed' }]);

  await life.killWhileSending([LAYLA], () => life.say(LAYLA, '5'));
  await life.sees(LAYLA, 'Thanks! You rated us 5.');

  // Each chat's sends go in order, those in doubt at a restart first: a copy sent late would have come before these.
  expect(life.sent(LAYLA)).toEqual([
    'What is your email address?', 'Which team?', '\u2068Omar\u2069 has joined the conversation.', 'Refunded today',
    '\u2068Sara\u2069 has joined the conversation.', 'This conversation is now closed. Write to us any time.',
    'How did we do, from 1 to 5?', 'Thanks! You rated us 5.',
  ]);
  expect(life.sent(OMAR)).toEqual([expect.stringMatching(/online/), expect.stringMatching(/^#1 · new conversation/), '#1 Layla: Where is my refund?', '#1 is now with Sara.']);
  expect(life.sent(SARA)).toEqual([expect.stringMatching(/online/), expect.stringMatching(/^#1 · passed on by Omar from Billing\n[^]*› Omar: Refunded today/), 'Closed #1.']);
  // The rating taken in the closed conversation: no second one opened.
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'closed' }]);
  await life.stop();
}, 240_000);
