// A web chat customer whose first message gives their phone number and a date, through the real server: a flow's
// phone and date questions with skip_if_known are not asked, in English and Arabic.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your phone number?", ar: "ما رقم هاتفك؟" }
    expect: phone
    country: GB
    save: contact.phone
    skip_if_known: true
  - ask: { en: "The date of your flight?", ar: "ما تاريخ رحلتك؟" }
    expect: date
    save: conversation.flight_date
    skip_if_known: true
  - ask: { en: "Anything else we should know?", ar: "هل هناك ما يجب أن نعرفه أيضًا؟" }
    save: conversation.notes
  - say: { en: "Thanks: we will call {{contact.phone}} about the flight of {{conversation.flight_date}}.", ar: "شكرًا: سنتصل بالرقم {{contact.phone}} بشأن رحلة {{conversation.flight_date}}." }
`;

let app: Switchboard;
beforeAll(async () => {
  app = await start(await dataDirWith({ 'inbound.yaml': FLOW }));
});
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

it.each([
  { who: 'nadia', first: 'my flight on 15/06/2026 was cancelled, call me on 07400 123456', asked: 'Anything else we should know?', done: 'Thanks: we will call +447400123456 about the flight of 2026-06-15.' },
  { who: 'huda', first: 'أُلغيت رحلتي يوم ١٥/٠٦/٢٠٢٦، رقمي ٠٧٤٠٠١٢٣٤٥٦', asked: 'هل هناك ما يجب أن نعرفه أيضًا؟', done: 'شكرًا: سنتصل بالرقم +447400123456 بشأن رحلة 2026-06-15.' },
])('does not ask a phone number and a date the first message gave ($who)', async ({ who, first, asked, done }) => {
  const customer = visitor(app.url, who);
  await customer.say(first);
  // Before: "Your phone number?", then "The date of your flight?".
  await expect.poll(async () => customer.botTexts(), { timeout: 15_000 }).toEqual([asked]);
  await customer.say('no');
  // The answers taken are the ones saved (the template isolates what it fills in).
  await expect.poll(async () => (await customer.botTexts()).at(-1)?.replace(/[\u2066-\u2069]/g, ''), { timeout: 15_000 }).toBe(done);
}, 60_000);
