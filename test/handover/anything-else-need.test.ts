// The shipped flow's "Is there anything else we can help you with?" (asked when an agent hands a customer back to the
// bot) answered with a new need in a sentence instead of a button, through web chat on the shipped defaults
// (data/flows/inbound.yaml, data/team.yaml, data/nlp): the need is routed to its team, in English and in Arabic, not
// answered "Please pick one of the options" twice and then closed with a goodbye.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

let app: Switchboard;
beforeAll(async () => {
  app = await start(await shippedDataDir());
});
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

const QUESTION = { en: 'Is there anything else we can help you with?', ar: 'هل هناك أي شيء آخر يمكننا مساعدتك به؟' };
const PICK_ONE = /Please pick one of the options|يُرجى اختيار أحد الخيارات/;

it.each([
  { who: 'nour', language: 'en' as const, hello: 'hello', need: 'I was charged twice', another: 'no, I still cannot log in', team: 'Support' },
  { who: 'huda', language: 'ar' as const, hello: 'مرحبا', need: 'لا أستطيع تسجيل الدخول إلى حسابي', another: 'نعم، عنوان الفاتورة خطأ أيضًا', team: 'Billing' },
])('a customer handed back who writes a new need as a sentence ($language) is routed with it, not closed', async ({ who, language, hello, need, another, team }) => {
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-omar') }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const act = (action: object) => fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  expect((await act({ kind: 'status', status: 'online' })).status).toBe(200);

  const customer = visitor(app.url, who);
  await customer.say(hello);
  await customer.say(`${who}@example.com`);
  await customer.say(need);
  const mine = async () => {
    const contact = await app.store.contactByIdentity('webchat', (await customer.credentials()).session);
    return (await app.store.conversations()).find((c) => c.contactId === contact?.id);
  };
  await expect.poll(async () => (await mine())?.stage, { timeout: 30_000 }).toBe('assigned');
  const id = (await mine())!.id;

  // Omar (Billing and Support) answered the first need, of the other team, and hands the customer back.
  expect((await mine())!.team).not.toBe(team);
  expect((await act({ kind: 'handBack', conversationId: id })).status).toBe(200);
  await expect.poll(async () => (await customer.botTexts()).at(-1)).toBe(QUESTION[language]);
  const asked = (await customer.botTexts()).length;

  await customer.say(another);
  const routed = async () => {
    const now = await app.store.conversation(id);
    return now && { status: now.status, team: now.team, need: now.fields.need, handedOver: now.stage === 'assigned' || now.stage === 'queued' };
  };
  await expect.poll(routed, { timeout: 30_000 }).toEqual({ status: 'open', team, need: another, handedOver: true });
  // Before: "Please pick one of the options", twice, then the goodbye and the close.
  expect((await customer.botTexts()).slice(asked).join('\n')).not.toMatch(PICK_ONE);
}, 60_000);
