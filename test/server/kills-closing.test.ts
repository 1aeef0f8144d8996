// The end of a customer's conversation, killed (kill -9) at each point: while an agent's /close tells the customer and
// the closing survey asks its question, and while the survey thanks her for her rating. After each restart each is
// said once (a send held when the process died never reached Telegram: README "Replies are claimed before they are
// sent"), the conversation is closed, and her rating is taken in it rather than opening a new one. Embedded store only
// (a child process's DATA_DIR), so it stands aside when STORE=postgres; see test/server/kill-points.ts.
import { expect, it } from 'vitest';
import { cleanUpAfterEach, LAYLA, Life, OMAR } from './kill-points.ts';

cleanUpAfterEach();

it.skipIf(process.env.STORE === 'postgres')('says the close, asks the survey and thanks for the rating once each when killed while sending them', async () => {
  const life = await Life.begin();
  await life.omarHoldsLayla();

  await life.killWhileSending([LAYLA, OMAR], () => life.say(OMAR, '/close'));
  await life.sees(LAYLA, 'How did we do, from 1 to 5?');
  await life.sees(OMAR, 'Closed #1.');
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'closed' }]);

  await life.killWhileSending([LAYLA], () => life.say(LAYLA, '5'));
  await life.sees(LAYLA, 'Thanks! You rated us 5.');

  // Each chat's sends go in order, those in doubt at a restart first: a copy sent late would have come before these.
  expect(life.sent(LAYLA)).toEqual([
    'What is your email address?', 'Which team?', '\u2068Omar\u2069 has joined the conversation.',
    'This conversation is now closed. Write to us any time.', 'How did we do, from 1 to 5?', 'Thanks! You rated us 5.',
  ]);
  expect(life.sent(OMAR)).toEqual([expect.stringMatching(/online/), expect.stringMatching(/^#1 · new conversation/), 'Closed #1.']);
  // The rating taken in the closed conversation: no second one opened.
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'closed' }]);
  await life.stop();
}, 180_000);
