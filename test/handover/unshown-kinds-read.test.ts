// What an agent in the console and an admin in the dashboard read of a customer's message nothing here can show (a
// poll sent on Telegram, against the fake Bot API): a line naming it in the page's language, English or Arabic, where
// they read the transcript's English line.
import { describe, expect, it } from 'vitest';
import { LAYLA, post, textNow, telegramServers } from '../channels/telegram/harness.ts';

const { setUp } = telegramServers();
const ADMIN = 'admin-token-0123456789abcdef';
const LINA = 'lina-token-0123456789abcdef';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${LINA}\n    teams: [Billing]\n`;

const shown = {
  en: '[a message that cannot be shown here (poll): ask the customer to write it]',
  ar: '[رسالة لا يمكن عرضها هنا (استطلاع رأي): اطلب من العميل كتابتها]',
};

/** Layla with Lina (online in her console), her poll the last thing said in the conversation. */
async function pollWaiting() {
  const { app } = await setUp({ webhook: true, flows: { 'inbound.yaml': assignFlow }, team, adminToken: ADMIN });
  const online = await fetch(`${app.url}/agent/api/act`, {
    method: 'POST', headers: { authorization: `Bearer ${LINA}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }),
  });
  expect(online.status).toBe(200);
  expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
  expect((await app.store.conversation(1))?.stage).toBe('assigned');
  const poll = textNow(LAYLA, '') as { message: Record<string, unknown> };
  delete poll.message.text;
  poll.message.poll = { id: '5003', question: 'Which refund?', options: [{ text: 'Card' }, { text: 'Voucher' }], is_anonymous: false, type: 'regular' };
  expect(await post(app, poll)).toBe(200);
  // The webhook answers once the message is stored.
  expect((await app.store.messagesOfConversation(1)).some((m) => m.unsupported === 'poll')).toBe(true);
  const get = async (path: string, token: string, language: string) =>
    (await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}`, 'accept-language': language } })).json() as Promise<any>;
  return { get };
}

describe('a customer\'s poll, as the people who read the transcript see it', () => {
  it('is named in the agent console\'s language, in the transcript and in the list', async () => {
    const { get } = await pollWaiting();
    for (const language of ['en', 'ar'] as const) {
      const page = await get('/agent/api/conversations/1/messages', LINA, language);
      expect(page.messages.map((m: { text: string }) => m.text)).toEqual(['hello', '\u2068Lina\u2069 has joined the conversation.', shown[language]]);
      expect(page.conversation.lastMessage.text).toBe(shown[language]);
      const state = await get('/agent/api/state', LINA, language);
      expect(state.held[0].lastMessage.text).toBe(shown[language]);
    }
  }, 30_000);

  it('is named in the dashboard\'s language, in the conversation\'s transcript and in the lists', async () => {
    const { get } = await pollWaiting();
    for (const language of ['en', 'ar'] as const) {
      const transcript = await get('/api/conversations/1', ADMIN, language);
      expect(transcript.messages.at(-1)).toMatchObject({ from: 'contact', text: shown[language], unsupported: 'poll' });
      expect(transcript.conversation.lastMessage.text).toBe(shown[language]);
      const list = await get('/api/conversations?status=open', ADMIN, language);
      expect(list.conversations[0].lastMessage.text).toBe(shown[language]);
      const contact = await get(`/api/contacts/${transcript.contact.id}`, ADMIN, language);
      expect(contact.conversations[0].lastMessage.text).toBe(shown[language]);
    }
  }, 30_000);
});
