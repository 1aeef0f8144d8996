// An agent passes a conversation by name to a colleague who already holds their `max_open`: through the real server
// (a child process), the Bot API faked on 127.0.0.1. The transfer is refused, in the agent's language, saying who is
// full and how many they hold, and what to do instead (the team's queue); the conversation stays with the agent, the
// colleague gets no card and the customer is told nothing. Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, SARA, until } from './kill-points.ts';

cleanUpAfterEach();

/** Omar and Sara (in Arabic), Billing, one seat each. */
const oneSeatEach = `teams:
  - name: Billing
    title: { en: Billing, ar: الفواتير }
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 1
  - name: Sara
    telegram: ${SARA}
    teams: [Billing]
    max_open: 1
    language: ar
`;

it.skipIf(process.env.STORE === 'postgres')('refuses a transfer to a colleague who holds their max_open, saying so to the agent in their language, and changes nothing', async () => {
  const life = await Life.begin(oneSeatEach);
  await life.omarHoldsLayla();
  await life.say(SARA, '/online');
  await life.sees(SARA, /.+/);
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(SARA, /^#2 · /);
  const layla = life.sent(LAYLA).length;
  const karim = life.sent(KARIM).length;
  const sara = life.sent(SARA).length;

  await life.say(OMAR, '/transfer 1 Sara');
  await life.sees(OMAR, 'Sara is full: they hold 1 conversation and take 1 at most (max_open); #1 stays with you. /transfer 1 Billing puts it in the team\'s queue for the first agent free.');
  await life.say(SARA, '/transfer 2 @Omar');
  await life.sees(SARA, 'لا يتسع \u2068Omar\u2069 لمحادثة أخرى: لديه 1 من المحادثات المفتوحة وأقصى ما يُعطى 1 (\u2068max_open\u2069)؛ تبقى المحادثة #2 معك. \u2068/transfer 2 الفواتير\u2069 تضعها في قائمة انتظار الفريق لأول موظف يتفرغ.');
  const held = await life.conversations();
  expect(held.find((c) => c.id === 1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });
  expect(held.find((c) => c.id === 2)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara' });
  // Nobody else heard of it: no card for the colleague, nothing to the customers.
  expect(life.sent(SARA).slice(sara).filter((text) => /^#1/.test(text))).toEqual([]);
  expect(life.sent(LAYLA).slice(layla)).toEqual([]);
  expect(life.sent(KARIM).slice(karim)).toEqual([]);

  // With a seat free again, the same transfer goes through.
  await life.say(SARA, '/close 2');
  await until('#2 closed', async () => (await life.conversations()).find((c) => c.id === 2)?.status === 'closed');
  await life.say(OMAR, '/transfer 1 Sara');
  await life.sees(OMAR, '#1 is now with Sara.');
  await life.sees(SARA, /^#1 · /);
  // Layla hears of a colleague only now that one took her.
  await life.sees(LAYLA, '\u2068Sara\u2069 has joined the conversation.');
  expect(life.sent(LAYLA).slice(layla)).toEqual(['\u2068Sara\u2069 has joined the conversation.']);
  await life.stop();
}, 180_000);
