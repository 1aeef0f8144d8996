// An agent acts from their messaging app on a conversation closed since their chat showed it (an admin's close, their
// own from elsewhere): through the real server (a child process), the Bot API faked on 127.0.0.1. They read who closed
// it and when, in their language, rather than only that it is not open; a reply says it did not reach the customer.
// Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, SARA, until } from './kill-points.ts';

cleanUpAfterEach();

/** Omar (Billing, in Arabic) and Sara (Billing), one seat each: Layla's #1 goes to Sara, Karim's #2 to Omar. */
const billingPair = `teams:
  - name: Billing
  - name: Support
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 1
    language: ar
  - name: Sara
    telegram: ${SARA}
    teams: [Billing, Support]
    max_open: 1
`;

/** A customer (`chat`) with an email picks Billing, and `agent` gets the card of conversation `id`. */
async function toBilling(life: Life, chat: number, email: string, agent: number, id: number): Promise<void> {
  await life.say(chat, 'hi');
  await life.say(chat, email);
  await life.say(chat, 'Billing');
  await life.sees(agent, new RegExp(`^#${id} · `));
}

it.skipIf(process.env.STORE === 'postgres')('tells an agent acting on a conversation an admin closed meanwhile (a command, /use N) who closed it and when, and that their reply did not reach the customer', async () => {
  const life = await Life.begin(billingPair);
  await life.say(SARA, '/online');
  await life.sees(SARA, /online/i);
  await toBilling(life, LAYLA, 'layla@example.com', SARA, 1);

  // Nadia closes #1 from the dashboard; Sara's chat still shows it hers.
  const before = Date.now();
  expect(await life.admin('/conversations/1/close', { holder: 'sara' })).toMatchObject({ status: 200, body: { message: 'Closed #1.' } });
  const after = Date.now();
  await life.sees(SARA, '#1 was closed by Nadia.');

  await life.say(SARA, '/close 1 refunded');
  const said = await life.sees(SARA, /^#1 was closed by Nadia on/);
  const when = /^#1 was closed by Nadia on (\d{4}-\d\d-\d\d) at (\d\d:\d\d) UTC\. Nothing was changed\.$/.exec(said);
  expect(when, said).not.toBeNull();
  const at = Date.parse(`${when![1]}T${when![2]}:00Z`);
  expect(at).toBeGreaterThan(before - 60_000);
  expect(at).toBeLessThanOrEqual(after);
  const closedLine = `#1 was closed by Nadia on ${when![1]} at ${when![2]} UTC`;
  await life.say(SARA, '/transfer 1 Support');
  await life.say(SARA, '/handback 1');
  await life.say(SARA, '/use 1');
  await life.say(SARA, '#1 Your refund is on its way.');
  await life.sees(SARA, `${closedLine}: that did not reach the customer.`);
  expect(life.sent(SARA).filter((text) => text.startsWith(closedLine))).toEqual([
    `${closedLine}. Nothing was changed.`, `${closedLine}. Nothing was changed.`, `${closedLine}. Nothing was changed.`,
    `${closedLine}. Nothing was changed.`, `${closedLine}: that did not reach the customer.`,
  ]);
  expect(life.sent(SARA).some((text) => /not an open conversation|You do not hold/.test(text))).toBe(false);
  expect(life.sent(LAYLA).some((text) => /refund is on its way/.test(text))).toBe(false);

  // Omar, in Arabic, closes Karim's #2, then his /close 2 arrives again (sent twice from a slow app): closed by him.
  await life.say(OMAR, '/online');
  await life.sees(OMAR, /.+/);
  await toBilling(life, KARIM, 'karim@example.com', OMAR, 2);
  await life.say(OMAR, '/close 2');
  await life.sees(OMAR, /^أُغلقت المحادثة #2\.$/);
  await life.say(OMAR, '/close 2');
  const closedByHim = /^أُغلقت المحادثة #2 بواسطتك في \u2068\d{4}-\d\d-\d\d\u2069 الساعة \u2068\d\d:\d\d UTC\u2069\. لم يتغير شيء\.$/;
  await life.sees(OMAR, closedByHim);
  // His /use 2 then, to write to Karim again: closed by him, and when.
  await life.say(OMAR, '/use 2');
  await until('Omar told twice', () => life.sent(OMAR).filter((text) => closedByHim.test(text)).length === 2);
  expect(life.sent(OMAR).some((text) => /ليست معك/.test(text))).toBe(false);
  await life.stop();
}, 180_000);
