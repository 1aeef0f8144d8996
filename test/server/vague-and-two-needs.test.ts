// A customer's need that names no team ("I have a problem", «عندي مشكلة»), on the shipped flow and intents, through the
// real server's web chat: what the customer reads, and where the conversation goes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

let app: Switchboard;
let omar: ReturnType<typeof visitor>;
beforeAll(async () => {
  app = await start(await shippedDataDir());
  // Omar, of Billing in the shipped team.yaml, in his web chat.
  omar = visitor(app.url, 'agent-omar');
  await omar.say('/online');
  expect((await omar.messages()).at(-1)?.text).toMatch(/You are online/);
}, 120_000);
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

/** A customer says hello, their email and then `need`; gives their conversation once the bot has answered the need. */
async function asks(who: string, need: string, arabic: boolean) {
  const customer = visitor(app.url, who, who);
  const help = arabic ? 'كيف يمكننا مساعدتك اليوم؟' : 'How can we help you today?';
  await customer.say(arabic ? 'مرحبا' : 'hello');
  await expect.poll(async () => (await customer.botTexts()).length, { timeout: 20_000 }).toBeGreaterThan(1);
  await customer.say(`${who}@example.com`);
  await expect.poll(async () => (await customer.botTexts()).at(-1), { timeout: 20_000 }).toBe(help);
  const before = (await customer.messages()).length;
  await customer.say(need);
  await expect.poll(async () => (await customer.messages()).slice(before).filter((m) => m.from === 'bot').length, { timeout: 20_000 }).toBeGreaterThan(0);
  const contact = await app.store.contactByIdentity('webchat', (await customer.credentials()).session);
  const conversation = (await app.store.conversations()).find((c) => c.contactId === contact?.id)!;
  return { customer, conversation, said: (await customer.messages()).slice(before).filter((m) => m.from === 'bot') };
}

it.each([
  // Before: Sales at 0.57 (the letters of "problem" are those of Sales' "pro plan", "promo code", "product").
  { who: 'hank', need: 'I have a problem', arabic: false },
  // Before: Support at 0.66, on the two Support examples that say مشكلة (فنية, تقنية).
  { who: 'huda', need: 'عندي مشكلة', arabic: true },
  { who: 'ivan', need: 'there is a problem', arabic: false },
  { who: 'iman', need: 'أحتاج مساعدة', arabic: true },
])('asks $need, a need that names no team, which team it is for, with the buttons ($who)', async ({ who, need, arabic }) => {
  const { conversation, said } = await asks(who, need, arabic);
  expect(said.at(-1)).toMatchObject(arabic
    ? { text: 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟', choices: [{ title: 'الفواتير' }, { title: 'الدعم الفني' }, { title: 'المبيعات' }] }
    : { text: 'Is this about billing, a technical problem, or a purchase?', choices: [{ title: 'Billing' }, { title: 'Support' }, { title: 'Sales' }] });
  expect(conversation).toMatchObject({ stage: 'bot' });
  expect(conversation.team).toBeUndefined();
}, 120_000);

it.each([
  { who: 'pete', need: 'I have a problem with my invoice', team: 'Billing', arabic: false },
  { who: 'rana', need: 'عندي مشكلة في التطبيق', team: 'Support', arabic: true },
])('still routes a problem that says what it is about ($need to $team)', async ({ who, need, team, arabic }) => {
  const { conversation } = await asks(who, need, arabic);
  expect(conversation.team).toBe(team);
  // Omar (Billing and Support) keeps room for the next customers.
  await omar.say(`/close ${conversation.id}`);
}, 120_000);
