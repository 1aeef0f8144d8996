// The agents' side of a customer's life, killed (kill -9) at each point: while a customer's message is relayed to
// her agent; while his answer is sent to her (and again while the restarted server sends it); while a /transfer to a
// team where nobody is online tells her her place and him where it went; while the colleague who comes online is
// given it (her card, the customer's "has joined": not queued forever). After each restart each of them is told once,
// in order (a send held when the process died never reached Telegram: README "Replies are claimed before they are
// sent"), and the conversation is where the last acknowledged action put it. Embedded store only (a child process's
// DATA_DIR), so it stands aside when STORE=postgres; test/server/kills-closing.test.ts kills /close and its survey.
import { expect, it } from 'vitest';
import { cleanUpAfterEach, LAYLA, Life, OMAR, SARA } from './kill-points.ts';

cleanUpAfterEach();

it.skipIf(process.env.STORE === 'postgres')('tells each side once what the relay both ways, a transfer to a queue and an agent coming online said when killed while sending it', async () => {
  const life = await Life.begin();
  await life.omarHoldsLayla();

  await life.killWhileSending([OMAR], () => life.say(LAYLA, 'Where is my refund?'));
  await life.sees(OMAR, '#1 Layla: Where is my refund?');

  // Killed twice: the restarted server is killed while it sends his answer again.
  await life.killWhileSending([LAYLA], () => life.say(OMAR, 'Refunded today'), 2);
  await life.sees(LAYLA, 'Refunded today');

  // Passed to Support, where nobody is online: queued, Layla told her place, Omar that it left him.
  await life.killWhileSending([LAYLA, OMAR], () => life.say(OMAR, '/transfer Support'));
  await life.sees(LAYLA, 'Your conversation was passed to our Support team. You are number 1 in line.');
  await life.sees(OMAR, '#1 is transferred to Support (waiting in its queue).');
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'open', stage: 'queued', team: 'Support' }]);

  // Sara comes online and is given Layla at once: her card and Layla's "has joined" on their way.
  await life.killWhileSending([SARA, LAYLA], () => life.say(SARA, '/online'));
  await life.sees(SARA, /^#1 · /);
  await life.sees(LAYLA, '\u2068Sara\u2069 has joined the conversation.');
  expect(await life.conversations()).toMatchObject([{ id: 1, status: 'open', stage: 'assigned', agentId: 'sara' }]);

  // Each chat's sends go in order, those in doubt at a restart first: a copy sent late would have come before these.
  expect(life.sent(LAYLA)).toEqual([
    'What is your email address?', 'Which team?', '\u2068Omar\u2069 has joined the conversation.', 'Refunded today',
    'Your conversation was passed to our Support team. You are number 1 in line.', '\u2068Sara\u2069 has joined the conversation.',
  ]);
  expect(life.sent(OMAR)).toEqual([
    expect.stringMatching(/online/), expect.stringMatching(/^#1 · new conversation/), '#1 Layla: Where is my refund?',
    '#1 is transferred to Support (waiting in its queue).',
  ]);
  expect(life.sent(SARA)).toEqual([expect.stringMatching(/online/), expect.stringMatching(/^#1 · passed on by Omar from Billing to Support\n[^]*› Omar: Refunded today/)]);
  await life.stop();
}, 180_000);
