// What an agent in the console and an admin in the dashboard read of what a WhatsApp customer did rather than wrote (a
// reaction, an edit, a deletion) and of a poll sent from the WhatsApp Business app, in the page's language: Arabic
// where the page is Arabic, where they read the transcript's English lines. Rows kept by the previous version (no
// field saying a deletion is one, an echo's poll without its kind) read the same.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';
import { LINA_TOKEN, SAID, mixedTranscript, read } from './mixed-transcript.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  await cleanupDirs();
});

const isolated = (text: string) => `\u2068${text}\u2069`;
const joined = 'انضم ⁨Lina⁩ إلى المحادثة.';

/** The transcript after Sheena's first message, as each page shows it. */
const shown = {
  en: [
    ['agent', SAID.answer],
    ['contact', `[reacted 👍 to "${SAID.answer}"]`],
    ['contact', `[edited "${isolated(SAID.typo)}"] ${SAID.fixed}`],
    ['contact', SAID.card],
    ['contact', `[deleted "${isolated(SAID.card)}"]`],
    ['contact', SAID.caption],
    ['agent', '[a message that cannot be shown here (poll), sent from the business app]'],
    ['note', SAID.note],
  ],
  ar: [
    ['agent', SAID.answer],
    ['contact', `[تفاعل بـ 👍 على «${isolated(SAID.answer)}»]`],
    ['contact', `[رسالة معدَّلة، كانت: «${isolated(SAID.typo)}»] ${isolated(SAID.fixed)}`],
    ['contact', SAID.card],
    ['contact', `[رسالة محذوفة: «${isolated(SAID.card)}»]`],
    ['contact', SAID.caption],
    ['agent', '[رسالة لا يمكن عرضها هنا (استطلاع رأي)، أُرسلت من تطبيق الأعمال]'],
    ['note', SAID.note],
  ],
};

async function started(): Promise<CloudServer> {
  const cloud = await mixedTranscript();
  running.push(cloud);
  return cloud;
}

/** A deletion and a business app's poll as the previous version kept them: the English line alone, no field saying which. */
async function keptBefore(cloud: CloudServer): Promise<void> {
  const [contact] = await cloud.app.store.contacts();
  const row = { contactId: contact!.id, conversationId: 1, channel: 'whatsapp-cloud', address: contact!.identities[0]!.id, at: '2026-03-02T09:30:00.000Z' };
  await cloud.app.store.transaction('rows kept before', async (tx) => {
    tx.addMessage({ ...row, direction: 'in', from: 'contact', text: `[deleted "${SAID.caption}"]`, channelMessageId: 'wamid.OLD-D' });
    tx.addMessage({ ...row, direction: 'out', from: 'agent', text: '[a message of a kind that cannot be shown here: poll]', channelMessageId: 'wamid.OLD-POLL', status: 'sent' });
  });
}

describe('a WhatsApp customer\'s reaction, edit and deletion, and a poll from the business app, as agents and admins read them', () => {
  it('read in the agent console\'s language, the Reply offered only on what the customer wrote and did not delete', async () => {
    const cloud = await started();
    for (const language of ['en', 'ar'] as const) {
      const page = await read(cloud, '/agent/api/conversations/1/messages', language);
      expect(page.messages.map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([['contact', SAID.typo], ['bot', joined], ...shown[language]]);
      // Not on the card number she deleted since: that one says it was deleted. The poll says it came from the business's app.
      expect(page.messages.filter((m: { answerable?: true }) => m.answerable).map((m: { text: string }) => m.text)).toEqual([SAID.typo, SAID.caption]);
      expect(page.messages.filter((m: { deleted?: true }) => m.deleted).map((m: { text: string }) => m.text)).toEqual([SAID.card]);
      expect(page.messages.filter((m: { inApp?: true }) => m.inApp).map((m: { from: string }) => m.from)).toEqual(['agent']);
    }
  }, 30_000);

  it('refuses a reply to the message the customer deleted (pressed Reply on a moment before), in the console\'s language: nothing sent, the reply kept to send plain', async () => {
    const cloud = await started();
    const card = (await cloud.app.store.messagesOfConversation(1)).find((m) => m.text === SAID.card)!;
    const before = (await cloud.app.store.messagesOfConversation(1)).length;
    for (const [language, said] of [
      ['en', 'The customer deleted the message you were replying to in #1. Your reply was not sent: it is still in the box, to send as a plain reply.'],
      ['ar', 'حذف العميل الرسالة التي كنت تردّ عليها في المحادثة #1. لم يُرسَل ردك: ما زال في المربع، لترسله ردًا عاديًا.'],
    ] as const) {
      const res = await fetch(`${cloud.app.url}/agent/api/conversations/1/messages`, {
        method: 'POST', headers: { authorization: `Bearer ${LINA_TOKEN}`, 'content-type': 'application/json', 'accept-language': language },
        body: JSON.stringify({ text: 'I removed your card number from our records.', replyTo: card.id }),
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toBe(said);
    }
    await settled(cloud);
    expect((await cloud.app.store.messagesOfConversation(1)).length).toBe(before);
  }, 30_000);

  it('read in the dashboard\'s language, with what each stands for and no "teach this intent" on them', async () => {
    const cloud = await started();
    for (const language of ['en', 'ar'] as const) {
      const transcript = await read(cloud, '/api/conversations/1', language);
      expect(transcript.messages.map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([['contact', SAID.typo], ['bot', joined], ...shown[language]]);
      expect(transcript.messages.map((m: { event?: string }) => m.event ?? null)).toEqual([null, null, null, 'reaction', 'edit', null, 'deletion', null, null, null]);
    }
  }, 30_000);

  it('is found by the dashboard\'s search in the words the admin reads: an Arabic admin\'s «تفاعل» or «رسالة محذوفة» finds it, and the transcript\'s English "reacted" does not', async () => {
    const cloud = await started();
    const found = async (q: string, language: string) => (await read(cloud, `/api/conversations?q=${encodeURIComponent(q)}`, language)).conversations.map((c: { id: number }) => c.id);
    expect(await found('تفاعل بـ 👍', 'ar')).toEqual([1]);
    expect(await found('رسالة محذوفة', 'ar')).toEqual([1]);
    expect(await found('استطلاع رأي', 'ar')).toEqual([1]);
    expect(await found('reacted', 'ar')).toEqual([]);
    expect(await found('edited', 'ar')).toEqual([]);
    // The English admin reads the English lines, and finds them so.
    expect(await found('reacted 👍', 'en')).toEqual([1]);
    expect(await found('تفاعل', 'en')).toEqual([]);
    // What the customer wrote is found in either language.
    expect(await found('A-1234', 'ar')).toEqual([1]);
  }, 30_000);

  it('tells Lina, who holds the conversation, of the poll sent from the business app in her language (team.yaml: ar)', async () => {
    const cloud = await started();
    const told = (await cloud.app.store.messagesOfAddress('webchat', 'agent-lina')).map((m) => m.text);
    expect(told.at(-1)).toBe(`#1 Sheena Nelson: ${isolated('[رسالة لا يمكن عرضها هنا (استطلاع رأي)، أُرسلت من تطبيق الأعمال]')}`);
  }, 30_000);

  it('reads in Arabic on the card of Lina (team.yaml: ar), who takes the conversation after them from the queue', async () => {
    const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${LINA_TOKEN}\n    language: ar\n    teams: [Billing]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n' }, team });
    running.push(cloud);
    const typo = text(SAID.typo);
    expect((await cloud.post(messagesBody([typo]))).status).toBe(200);
    await settled(cloud);
    const wait = (await cloud.app.store.messagesOfConversation(1)).find((m) => m.text === 'Please wait for an agent.')!.channelMessageId!;
    const reaction = { from: SHEENA, id: 'wamid.Q-R', timestamp: '1763950400', type: 'reaction', reaction: { message_id: wait, emoji: '👍' } };
    const edit = { from: SHEENA, id: 'wamid.Q-E', timestamp: '1763950410', type: 'edit', edit: { original_message_id: typo.id, message: { type: 'text', text: { body: SAID.fixed } } } };
    expect((await cloud.post(messagesBody([reaction, edit]))).status).toBe(200);
    const online = await fetch(`${cloud.app.url}/agent/api/act`, {
      method: 'POST', headers: { authorization: `Bearer ${LINA_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }),
    });
    expect(online.status).toBe(200);
    await expect.poll(async () => (await cloud.app.store.conversation(1))?.agentId).toBe('lina');
    const card = (await cloud.app.store.messagesOfAddress('webchat', 'agent-lina')).map((m) => m.text).find((line) => line.startsWith('#1 ·'));
    expect(card?.split('\n').filter((line) => line.startsWith('›'))).toEqual([
      `› ${isolated(SAID.typo)}`,
      `› ${isolated(`[تفاعل بـ 👍 على «${isolated('Please wait for an agent.')}»]`)}`,
      `› ${isolated(`[رسالة معدَّلة، كانت: «${isolated(SAID.typo)}»] ${isolated(SAID.fixed)}`)}`,
    ]);
  }, 30_000);

  it('reads rows kept by the previous version the same way', async () => {
    const cloud = await started();
    await keptBefore(cloud);
    const console = await read(cloud, '/agent/api/conversations/1/messages', 'ar');
    expect(console.messages.slice(-2).map((m: { text: string; answerable?: true }) => [m.text, m.answerable ?? null])).toEqual([
      [`[رسالة محذوفة: «${isolated(SAID.caption)}»]`, null],
      ['[رسالة لا يمكن عرضها هنا (استطلاع رأي)، أُرسلت من تطبيق الأعمال]', null],
    ]);
    const dashboard = await read(cloud, '/api/conversations/1', 'ar');
    expect(dashboard.messages.slice(-2).map((m: { text: string; event?: string }) => [m.text, m.event ?? null])).toEqual([
      [`[رسالة محذوفة: «${isolated(SAID.caption)}»]`, 'deletion'],
      ['[رسالة لا يمكن عرضها هنا (استطلاع رأي)، أُرسلت من تطبيق الأعمال]', null],
    ]);
    expect((await read(cloud, '/api/conversations/1', 'en')).messages.at(-2).text).toBe(`[deleted "${isolated(SAID.caption)}"]`);
  }, 30_000);
});
