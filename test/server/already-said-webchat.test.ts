// A web chat customer asked a flow's email, order number and need, who answers ahead of the questions and corrects
// themselves, through the real server: the order number given before its question (while the email was asked) is not
// asked again, and "sorry, I meant 12346" changes it rather than becoming the need, named by its label since the email
// was answered too, in English and Arabic.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: { en: "Hi! Thanks for writing.", ar: "مرحبًا! شكرًا لتواصلك." }
  - ask: { en: "What's your email address?", ar: "ما عنوان بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
    skip_if_known: true
  - ask: { en: "What's your order number?", ar: "ما رقم طلبك؟" }
    expect: regex:\\d{5}
    example: "12345"
    save: conversation.order
    label: { en: Order number, ar: رقم الطلب }
    skip_if_known: true
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
    queued: { en: "Someone from our team will answer you here.", ar: "سيرد عليك أحد أعضاء فريقنا هنا." }
`;

let app: Switchboard;
beforeAll(async () => {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n    teams: [Billing]\n');
  app = await start(dir);
});
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

it.each([
  {
    who: 'nadia', hello: 'hello', early: '#12345', email: 'nadia@example.com', correction: 'sorry, I meant 12346', need: 'my card was charged twice',
    texts: ['Hi! Thanks for writing.', "What's your email address?", "That doesn't look like an email address. Please write it like name@example.com.", 'How can we help?', "Thanks, I've changed the order number to 12346.", 'How can we help?', 'Someone from our team will answer you here.'],
  },
  {
    who: 'huda', hello: 'مرحبا', early: 'رقم الطلب ١٢٣٤٥', email: 'بريدي huda@example.com', correction: 'عفوًا، أقصد ١٢٣٤٦', need: 'تم خصم المبلغ مرتين',
    texts: ['مرحبًا! شكرًا لتواصلك.', 'ما عنوان بريدك الإلكتروني؟', 'لا يبدو هذا عنوان بريد إلكتروني صحيحًا. يُرجى كتابته بهذا الشكل: name@example.com', 'كيف يمكننا مساعدتك؟', 'شكرًا، عدّلتُ \u2068رقم الطلب\u2069 إلى \u206812346\u2069.', 'كيف يمكننا مساعدتك؟', 'سيرد عليك أحد أعضاء فريقنا هنا.'],
  },
])('an order number given before its question is not asked again, and a correction changes it ($who)', async ({ who, hello, early, email, correction, need, texts }) => {
  const customer = visitor(app.url, who);
  // Written one after the other, the order number while the email question is on its way.
  for (const text of [hello, early, email, correction, need]) expect((await customer.say(text)).status).toBeLessThan(300);
  await expect.poll(async () => (await customer.botTexts()).length, { timeout: 15_000 }).toBe(texts.length);
  // Before: "What's your order number?" after the email, and the correction saved as the need.
  expect(await customer.botTexts()).toEqual(texts);
  const contact = await app.store.contactByIdentity('webchat', (await customer.credentials()).session);
  const conversation = (await app.store.conversations()).find((c) => c.contactId === contact?.id);
  expect(contact?.fields.email).toBe(`${who}@example.com`);
  expect(conversation).toMatchObject({ stage: 'queued', fields: { order: '12346', need } });
}, 60_000);

it('does not set an English label in an Arabic sentence: the field is named by what it is, or goes unnamed', async () => {
  const flow = FLOW.replace('label: { en: Email, ar: البريد الإلكتروني }', 'label: { en: Email }').replace('label: { en: Order number, ar: رقم الطلب }', 'label: { en: Order number }');
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    webchat: agent-omar\n    teams: [Billing]\n');
  const own = await start(dir);
  try {
    const customer = visitor(own.url, 'mona');
    for (const text of ['مرحبا', 'mona@example.com', 'رقم الطلب ١٢٣٤٥', 'عفوًا، أقصد ١٢٣٤٦', 'عفوًا، أقصد mona@example.org']) expect((await customer.say(text)).status).toBeLessThan(300);
    await expect.poll(async () => (await customer.botTexts()).length, { timeout: 15_000 }).toBe(8);
    // Before: «شكرًا، عدّلتُ Order number إلى 12346.» and «… Email إلى …».
    expect((await customer.botTexts()).slice(4)).toEqual([
      'شكرًا، عدّلتُه إلى \u206812346\u2069.', 'كيف يمكننا مساعدتك؟',
      'شكرًا، عدّلتُ \u2068البريد الإلكتروني\u2069 إلى \u2068mona@example.org\u2069.', 'كيف يمكننا مساعدتك؟',
    ]);
    // An English customer reads the labels as written.
    const english = visitor(own.url, 'nora');
    for (const text of ['hello', 'nora@example.com', '12345', 'sorry, I meant 12346']) expect((await english.say(text)).status).toBeLessThan(300);
    await expect.poll(async () => (await english.botTexts()).at(-2), { timeout: 15_000 }).toBe("Thanks, I've changed the order number to 12346.");
  } finally {
    await own.stop();
  }
}, 60_000);
