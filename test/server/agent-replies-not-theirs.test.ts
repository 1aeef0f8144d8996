// An agent's reply to a conversation that is not theirs (passed to a colleague a moment before, or waiting in the
// queue): through the real server (a child process), the Bot API faked on 127.0.0.1. They read, in their language,
// that it did not reach the customer and who has the conversation, not the commands' "nothing was changed".
// Embedded store only (see test/server/kill-points.ts).
import { expect, it } from 'vitest';
import { postUpdate } from '../reliability/processes.ts';
import { cleanUpAfterEach, KARIM, LAYLA, Life, OMAR, SARA, until } from './kill-points.ts';

cleanUpAfterEach();

const NOOR = 5003;

/** Omar (Billing, in Arabic) and Sara (Billing), one seat each. */
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

let update = 700_000;
/** Omar's Reply (his app's quote) on the message `quoted` of his chat. */
function omarReplies(quoted: number, body: string): Record<string, unknown> {
  const n = update++;
  const omar = { id: OMAR, first_name: 'Omar' };
  return { update_id: n, message: { message_id: n, date: Math.ceil(Date.now() / 1000), chat: { ...omar, type: 'private' }, from: { ...omar, is_bot: false }, text: body, reply_to_message: { message_id: quoted } } };
}

it.skipIf(process.env.STORE === 'postgres')('tells an agent whose reply went to a conversation now with a colleague, or waiting in the queue, that it did not reach the customer, in their language', async () => {
  const life = await Life.begin(billingPair);
  await life.say(OMAR, '/online');
  await life.sees(OMAR, /.+/);
  await life.say(LAYLA, 'hi');
  await life.say(LAYLA, 'layla@example.com');
  await life.say(LAYLA, 'Billing');
  await life.sees(OMAR, /^#1 · /);
  await life.say(LAYLA, 'where is my refund?');
  await life.sees(OMAR, '#1 Layla: where is my refund?');
  const relay = life.api.messagesTo(OMAR).find((message) => message.text === '#1 Layla: where is my refund?')!;

  // Omar passes #1 to Sara; his reply typed before he read that, numbered or on Layla's message, goes nowhere.
  await life.say(SARA, '/online');
  await life.sees(SARA, /online/);
  await life.say(OMAR, '/transfer 1 Sara');
  await life.sees(SARA, /^#1 · passed on by Omar/);
  await life.say(OMAR, '#1 sure, one moment');
  const notSent = 'المحادثة #1 مع \u2068Sara\u2069: لم يصل ذلك إلى العميل.';
  await life.sees(OMAR, notSent);
  expect(await postUpdate(life.server.url, omarReplies(relay.message_id, 'it is on its way'))).toBe(200);
  await until('Omar told twice', () => life.sent(OMAR).filter((text) => text === notSent).length === 2);

  // Karim takes Omar's free seat; Noor waits; Sara's reply numbered for Noor's #3 (of her team, in the queue) goes nowhere.
  await life.say(KARIM, 'hi');
  await life.say(KARIM, 'karim@example.com');
  await life.say(KARIM, 'Billing');
  await life.sees(OMAR, /^#2 · /);
  await life.say(NOOR, 'hi');
  await life.say(NOOR, 'noor@example.com');
  await life.say(NOOR, 'Billing');
  await life.sees(NOOR, /number 1 in line/);
  await life.say(SARA, '#3 hello Noor');
  await life.sees(SARA, '#3 is not yours: that did not reach the customer. /claim 3 takes it.');
  await life.say(SARA, '#2 hello Karim');
  await life.sees(SARA, '#2 is with Omar: that did not reach the customer.');

  expect(life.sent(LAYLA).some((text) => /one moment|on its way/.test(text))).toBe(false);
  expect(life.sent(NOOR).some((text) => /hello/.test(text))).toBe(false);
  expect(life.sent(KARIM).some((text) => /hello/.test(text))).toBe(false);
  expect([...life.sent(OMAR), ...life.sent(SARA)].some((text) => /nothing was changed|لم يتغير شيء/.test(text))).toBe(false);
  await life.stop();
}, 180_000);
