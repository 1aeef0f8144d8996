// Customers of a flow that asks an email, an order number and a need, then routes it, writing as they do rather than
// as the questions expect, through the real server's web chat: what they read, and what the conversation keeps.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
language: en
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
  - set: { conversation.need: "{{conversation.first_message}}" }
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
    skip_if_known: true
  - classify: conversation.need
    routes:
      billing: { team: Billing, title: { en: Billing, ar: الفواتير } }
      tech_support: { team: Support, title: { en: Support, ar: الدعم الفني } }
      sales: { team: Sales, title: { en: Sales, ar: المبيعات } }
    threshold: 0.45
    clarify: { en: "Is this about billing, a technical problem, or a purchase?", ar: "هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟" }
  - assign: { team: "{{conversation.team | Support}}" }
    queued: { en: "You are in line for {{conversation.team}}.", ar: "أنت في قائمة انتظار {{conversation.team}}." }
`;

let app: Switchboard;
beforeAll(async () => {
  const dir = await shippedDataDir();
  await writeFile(join(dir, 'flows', 'inbound.yaml'), FLOW);
  // More visitors, and messages, than one address may send by default: every visitor here writes from 127.0.0.1.
  const many = { count: 1000, perMs: 10_000 };
  app = await start(dir, { config: { WEBCHAT_SESSION_LIMIT: [many], WEBCHAT_RATE_LIMIT: [many, many] } });
}, 120_000);
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

/** Writes `texts` one at a time, each once the bot has said `replies[i]` (its last words before the next text). */
async function talk(who: string, turns: [text: string, reply: string][]) {
  const customer = visitor(app.url, who);
  for (const [text, reply] of turns) {
    const before = (await customer.botTexts()).length;
    expect((await customer.say(text)).status).toBeLessThan(300);
    await expect.poll(async () => (await customer.botTexts()).slice(before).at(-1), { timeout: 20_000 }).toBe(reply);
  }
  const contact = await app.store.contactByIdentity('webchat', (await customer.credentials()).session);
  const conversation = (await app.store.conversations()).find((c) => c.contactId === contact?.id);
  return { customer, contact, conversation };
}

it('reads full-width digits as digits: an order number and a clarify button typed on a Japanese keyboard', async () => {
  // Before: "That doesn't look right. Please write it like 12345." and "Please pick one of the options…".
  const { conversation } = await talk('kenji', [
    ['hello', "What's your email address?"],
    ['kenji@example.com', "What's your order number?"],
    ['１２３４５', 'How can we help?'],
    ['hmm', 'Is this about billing, a technical problem, or a purchase?'],
    ['２', 'You are in line for Support.'],
  ]);
  expect(conversation).toMatchObject({ stage: 'queued', team: 'Support', fields: { order: '12345' } });
}, 90_000);

it.each([
  { who: 'sam', said: 'sorry, my email is sam2@example.com', told: "Thanks, I've changed the email to sam2@example.com.", email: 'sam2@example.com', order: '12345' },
  { who: 'tom', said: 'no wait, order 12346', told: "Thanks, I've changed the order number to 12346.", email: 'tom@example.com', order: '12346' },
  { who: 'rami', said: 'انتظر، الطلب ١٢٣٤٦', told: 'شكرًا، عدّلتُ \u2068رقم الطلب\u2069 إلى \u206812346\u2069.', email: 'rami@example.com', order: '12346' },
])('takes "$said" to "How can we help?" as the correction it is, not as the need ($who)', async ({ who, said, told, email, order }) => {
  const arabic = /[\u0600-\u06ff]/u.test(said);
  const help = arabic ? 'كيف يمكننا مساعدتك؟' : 'How can we help?';
  // Before: the correction became the need, and the clarify question followed; the old answer stayed.
  const { customer, contact, conversation } = await talk(who, [
    [arabic ? 'مرحبا' : 'hello', arabic ? 'ما عنوان بريدك الإلكتروني؟' : "What's your email address?"],
    [`${who}@example.com`, arabic ? 'ما رقم طلبك؟' : "What's your order number?"],
    ['12345', help],
    [said, help],
  ]);
  expect((await customer.botTexts()).slice(-2)).toEqual([told, help]);
  expect(contact?.fields.email).toBe(email);
  expect(conversation?.fields).toMatchObject({ order });
  expect(conversation?.fields.need ?? null).toBe(null);
}, 90_000);

it('keeps "sorry, order 12346 is missing too" as the need: another order, no correction', async () => {
  const { conversation } = await talk('lena', [
    ['hello', "What's your email address?"],
    ['lena@example.com', "What's your order number?"],
    ['12345', 'How can we help?'],
    ['sorry, order 12346 is missing too', 'Is this about billing, a technical problem, or a purchase?'],
  ]);
  expect(conversation?.fields).toMatchObject({ order: '12345', need: 'sorry, order 12346 is missing too' });
}, 90_000);

it.each([
  { who: 'omar', first: 'hi, I paid AED 12345 for order 54321 and it never came', order: '54321' },
  { who: 'dana', first: 'order 54321 placed 2025-03-12, total $12345, never arrived', order: '54321' },
  { who: 'yusuf', first: 'دفعت ١٢٣٤٥ درهم للطلب ٥٤٣٢١ ولم يصل', order: '54321' },
])('does not take an amount for the order number given up front ($who)', async ({ who, first, order }) => {
  const arabic = /[\u0600-\u06ff]/u.test(first);
  // Before: two numbers, so the order number was asked; or the amount taken for it.
  const { customer, conversation } = await talk(who, [
    [first, arabic ? 'ما عنوان بريدك الإلكتروني؟' : "What's your email address?"],
    [`${who}@example.com`, arabic ? 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟' : 'Is this about billing, a technical problem, or a purchase?'],
  ]);
  expect(await customer.botTexts()).not.toContain(arabic ? 'ما رقم طلبك؟' : "What's your order number?");
  expect(conversation?.fields).toMatchObject({ order });
}, 90_000);

it('asks again when the answer to the order number is an amount', async () => {
  // Before: "I paid AED 12345 and nothing came" saved 12345 as the order number.
  const { customer, conversation } = await talk('hana', [
    ['hello', "What's your email address?"],
    ['hana@example.com', "What's your order number?"],
    ['I paid AED 12345 and nothing came', "That doesn't look right. Please write it like 12345."],
    ['54321', 'How can we help?'],
  ]);
  expect(await customer.botTexts()).toContain("That doesn't look right. Please write it like 12345.");
  expect(conversation?.fields).toMatchObject({ order: '54321' });
}, 90_000);

it.each([
  { who: 'nils', need: 'I have a technical issue', help: 'How can we help?', queued: 'You are in line for Support.' },
  { who: 'samir', need: 'مشكلة فنية', help: 'كيف يمكننا مساعدتك؟', queued: 'أنت في قائمة انتظار الدعم الفني.' },
])('routes a technical problem said in so many words to Support ($who)', async ({ who, need, help, queued }) => {
  const arabic = help !== 'How can we help?';
  // Before: "Is this about billing, a technical problem, or a purchase?": the words of its own question.
  const { conversation } = await talk(who, [
    [arabic ? 'مرحبا' : 'hello', arabic ? 'ما عنوان بريدك الإلكتروني؟' : "What's your email address?"],
    [`${who}@example.com`, arabic ? 'ما رقم طلبك؟' : "What's your order number?"],
    ['12345', help],
    [need, queued],
  ]);
  expect(conversation).toMatchObject({ stage: 'queued', team: 'Support' });
}, 120_000);

it('understands "technical problem", the clarify question\'s own words, typed instead of its button', async () => {
  // Before: "Please pick one of the options (you can also type its number)."
  const { conversation } = await talk('ines', [
    ['hello', "What's your email address?"],
    ['ines@example.com', "What's your order number?"],
    ['12345', 'How can we help?'],
    ['hmm', 'Is this about billing, a technical problem, or a purchase?'],
    ['technical problem', 'You are in line for Support.'],
  ]);
  expect(conversation).toMatchObject({ stage: 'queued', team: 'Support' });
}, 120_000);

it.each([
  { who: 'noura', typed: 'عملية شراء' },
  { who: 'huda', typed: 'شراء' },
])('understands $typed, the Arabic clarify question\'s own word for a purchase, as Sales ($who)', async ({ who, typed }) => {
  // Before: «يُرجى اختيار أحد الخيارات»: the English "purchase" went to Sales, the Arabic «عملية شراء» was refused.
  const { conversation } = await talk(who, [
    ['مرحبا', 'ما عنوان بريدك الإلكتروني؟'],
    [`${who}@example.com`, 'ما رقم طلبك؟'],
    ['12345', 'كيف يمكننا مساعدتك؟'],
    ['همم', 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟'],
    [typed, 'أنت في قائمة انتظار المبيعات.'],
  ]);
  expect(conversation).toMatchObject({ stage: 'queued', team: 'Sales' });
}, 120_000);

it.each([
  { who: 'alex', typed: 'option 2', queued: 'You are in line for Support.', team: 'Support' },
  { who: 'beth', typed: 'the first one', queued: 'You are in line for Billing.', team: 'Billing' },
  { who: 'carl', typed: '3rd', queued: 'You are in line for Sales.', team: 'Sales' },
  { who: 'maha', typed: 'الخيار الثاني', queued: 'أنت في قائمة انتظار الدعم الفني.', team: 'Support' },
])('takes "$typed" to the clarify buttons as the choice at that place ($who)', async ({ who, typed, queued, team }) => {
  const arabic = /[\u0600-\u06ff]/u.test(typed);
  // Before: "Please pick one of the options (you can also type its number)."
  const { conversation } = await talk(who, [
    [arabic ? 'مرحبا' : 'hello', arabic ? 'ما عنوان بريدك الإلكتروني؟' : "What's your email address?"],
    [`${who}@example.com`, arabic ? 'ما رقم طلبك؟' : "What's your order number?"],
    ['12345', arabic ? 'كيف يمكننا مساعدتك؟' : 'How can we help?'],
    [arabic ? 'همم' : 'hmm', arabic ? 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟' : 'Is this about billing, a technical problem, or a purchase?'],
    [typed, queued],
  ]);
  expect(conversation).toMatchObject({ stage: 'queued', team });
}, 120_000);

it.each([
  { who: 'pia', turns: [['hello', "What's your email address?"], ['my email is pia@example.com and my order is 12345', 'How can we help?']] },
  { who: 'rob', turns: [['hi, my email is rob@example.com and order number 12345', 'How can we help?']] },
])('asks the need of a customer who gave only their email and order number, at once ($who)', async ({ who, turns }) => {
  // Before: "my order is 12345" became the need, and the clarify buttons came instead of "How can we help?".
  const { conversation } = await talk(who, turns as [string, string][]);
  expect(conversation?.fields).toMatchObject({ order: '12345' });
  expect(conversation?.fields.first_message).toBeUndefined();
}, 90_000);

it('keeps the need said beside the order number', async () => {
  const { conversation } = await talk('tara', [
    ['hello', "What's your email address?"],
    ['tara@example.com, order 12345 never arrived', 'Is this about billing, a technical problem, or a purchase?'],
  ]);
  expect(conversation?.fields).toMatchObject({ order: '12345', need: 'order 12345 never arrived' });
}, 90_000);

it.each([
  { who: 'ugo', first: 'hi, my email is <ugo@example.com>. Order 12345 never arrived', need: 'Order 12345 never arrived' },
  { who: 'vera', first: 'Hi, I am Vera (vera@example.com), my order 12345 has not arrived', need: 'my order 12345 has not arrived' },
])('keeps the need of a first message whose email is in brackets ($who)', async ({ who, first, need }) => {
  // Before: "How can we help?", as if the first message had said no need.
  const { conversation } = await talk(who, [[first, 'Is this about billing, a technical problem, or a purchase?']]);
  expect(conversation?.fields).toMatchObject({ order: '12345', need });
}, 90_000);

it('takes an email address typed with a full-width "＠" and "．"', async () => {
  // Before: "That doesn't look like an email address. Please write it like name@example.com."
  const { contact } = await talk('yuki', [
    ['hello', "What's your email address?"],
    ['yuki＠example．com', "What's your order number?"],
  ]);
  expect(contact?.fields.email).toBe('yuki@example.com');
}, 90_000);

it.each([
  { who: 'ahmed', hello: 'مرحبا', typed: 'أحمد@مثال.مصر', saved: 'أحمد@مثال.مصر' },
  { who: 'jose', hello: 'hello', typed: 'jose\u0301@exa\u0308mple.com', saved: 'jos\u00e9@ex\u00e4mple.com' },
  { who: 'user', hello: 'hello', typed: 'user@xn--mgbh0fb.xn--wgbh1c', saved: 'user@xn--mgbh0fb.xn--wgbh1c' },
  { who: 'olga', hello: 'hello', typed: 'Пример@Почта.рф', saved: 'пример@почта.рф' },
])('takes an internationalised email address, composed and with its domain as typed: $typed', async ({ who, hello, typed, saved }) => {
  // Before: "That doesn't look like an email address. Please write it like name@example.com." (in Arabic to Ahmed).
  const arabic = /[\u0600-\u06ff]/u.test(hello);
  const { contact } = await talk(who, [
    [hello, arabic ? 'ما عنوان بريدك الإلكتروني؟' : "What's your email address?"],
    [typed, arabic ? 'ما رقم طلبك؟' : "What's your order number?"],
  ]);
  expect(contact?.fields.email).toBe(saved);
}, 90_000);

it.each(['ahmed at gmail', 'a@b', 'mona.@example.com', 'mona@example..com', 'أحمد@مثال..مصر', 'أحمد @مثال'].map((typed, i) => [typed, i] as const))('still refuses %j as an email address', async (typed, i) => {
  const customer = visitor(app.url, `not-an-address-${i}`);
  expect((await customer.say('hello')).status).toBeLessThan(300);
  await expect.poll(async () => (await customer.botTexts()).at(-1), { timeout: 20_000 }).toBe("What's your email address?");
  expect((await customer.say(typed)).status).toBeLessThan(300);
  await expect.poll(async () => (await customer.botTexts()).length, { timeout: 20_000 }).toBe(3);
  expect((await customer.botTexts()).at(-1)).not.toBe("What's your order number?");
  const contact = await app.store.contactByIdentity('webchat', (await customer.credentials()).session);
  expect(contact?.fields.email).toBeUndefined();
}, 90_000);
