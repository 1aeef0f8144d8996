// An admin takes a conversation from its agent on the dashboard (closes it, moves it to another team) just as the agent
// answers it from Telegram, and the seat it freed brings the agent the next customer of the queue: through the real
// server (a child process), the Bot API faked on 127.0.0.1. The agent's answer, meant for the customer who was taken
// from them, must reach no one else; the agent is told so. Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { cleanUpAfterEach, KARIM, LAYLA, Life, OMAR } from './kill-points.ts';

cleanUpAfterEach();

/** Omar has room for one conversation at a time, so the seat an admin frees goes at once to whoever waits. */
const oneSeat = `teams:
  - name: Billing
  - name: Support
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 1
  - name: Sara
    telegram: 9002
    teams: [Support]
`;

const decisions = [
  { what: 'closes', path: '/conversations/1/close', body: {}, told: '#1 was closed by Nadia.' },
  { what: 'moves to Support', path: '/conversations/1/transfer', body: { team: 'Support' }, told: '#1 was moved to Support by Nadia.' },
] as const;

it.skipIf(process.env.STORE === 'postgres').each(decisions)('an admin $what the conversation an agent was answering: his answer does not reach the next customer', async ({ path, body, told }) => {
  const life = await Life.begin(oneSeat);
  await life.omarHoldsLayla();
  // Karim waits in Billing's queue: Omar's one seat is Layla's.
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(KARIM, /number 1 in line/);

  expect(await life.admin(path, body)).toMatchObject({ status: 200, body: { ok: true } });
  await life.sees(OMAR, told);
  await life.sees(OMAR, /^#2 · new conversation/);
  // Typed for Layla before he read the two notices (the answer to the one customer he held), then Karim greeted.
  await life.say(OMAR, 'Layla, your refund of 50 EUR is on its way.');
  await life.say(OMAR, 'Hello Karim, how can I help?');
  await life.sees(KARIM, 'Hello Karim, how can I help?');
  // Karim hears nothing meant for Layla (his chat gets Omar's messages in order: it would have come first).
  expect(life.sent(KARIM).filter((text) => text.includes('refund'))).toEqual([]);
  expect(life.sent(LAYLA).filter((text) => text.includes('refund'))).toEqual([]);
  const answer = await life.sees(OMAR, /^Nothing was sent or done/);
  expect(answer).toContain('#1 (Layla)');
  expect(answer).toContain('#2 (Karim)');
  await life.stop();
}, 180_000);
