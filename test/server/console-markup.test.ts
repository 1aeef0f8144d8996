// What an agent writes in the agent console is read as WhatsApp's markup, as from an agent on WhatsApp: Omar's console
// reply "*Sorry* about that" and his shared closing note "Your *refund* is on its way" reach Layla on Telegram with
// bold entities on those words (and no asterisks), in Arabic as in English, and Dana on the web chat with the same
// styles in what her page reads. A lone "5 * 3" and an address's "_" stay as written; Send again keeps the styles.
// Lina's console reply reaches Sheena on WhatsApp in its markup, and Sam on Messenger as the words without markers.
// A note is read the same way, and so is Nadia's closing note from the dashboard, which Omar's console tells of.
import { describe, expect, it } from 'vitest';
import { agentToken, eventually, visitor } from '../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { batch, PSID, startMessenger, textEvent } from '../channels/messenger/harness.ts';
import { messagesBody, text as cloudText } from '../channels/whatsapp-cloud/harness.ts';
import { LAYLA as SHEENA, startLinaCloud, stopCloudsAfterEach } from './lina-on-cloud.ts';

const OMAR_TOKEN = 'omar-token-0123456789abcdef';
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: 'Thanks for writing, {{contact.name}}.'
  - assign: { team: Billing }
`;
const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: ${OMAR}
    webchat: agent-omar
    webchat_token: ${OMAR_TOKEN}
    teams: [Billing]
    max_open: 5
`;

stopCloudsAfterEach();

/** An agent (Omar, unless `token` says who) signed in at /agent, speaking the console's API. */
async function console(url: string, token = OMAR_TOKEN) {
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(login.status).toBe(204);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${url}/agent/api${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    reply: (conversationId: number, text: string) => call(`/conversations/${conversationId}/messages`, { text }),
    act: (action: Record<string, unknown>) => call('/act', { action }),
    again: (conversationId: number, message: number) => call(`/conversations/${conversationId}/messages/${message}/again`, {}),
    transcript: async (conversationId: number) => ((await (await fetch(`${url}/agent/api/conversations/${conversationId}/messages`, { headers: { cookie } })).json()) as { messages: Record<string, unknown>[] }).messages,
    outcome: async (conversationId: number) => (await fetch(`${url}/agent/api/conversations/${conversationId}/outcome`, { headers: { cookie } })).json(),
  };
}

describe('a reply and a closing note written in the agent console', () => {
  const servers = telegramServers();

  it('reach a Telegram customer with entities where the agent wrote WhatsApp markup, and the web chat with its styles', async () => {
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team });
    const omar = await console(app.url);
    expect((await omar.act({ kind: 'status', status: 'online' })).body.ok).toBe(true);
    expect(await post(app, textNow(LAYLA, 'Where is my refund?'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.agentId === 'omar', 15_000);
    const toLayla = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA));

    const written = '*Sorry* about that, _Layla_: 5 * 3 ~items~ on `R-42` https://acme.example/my_refund_page';
    expect(await omar.reply(1, written)).toMatchObject({ status: 202 });
    await eventually(() => toLayla().some((call) => String(call.params.text).startsWith('Sorry')), 15_000);
    const reply = toLayla().find((call) => String(call.params.text).startsWith('Sorry'))!.params;
    const said = 'Sorry about that, Layla: 5 * 3 items on R-42 https://acme.example/my_refund_page';
    expect(reply.text).toBe(said);
    expect(reply.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'italic', offset: said.indexOf('Layla'), length: 5 },
      { type: 'strikethrough', offset: said.indexOf('items'), length: 5 },
      { type: 'code', offset: said.indexOf('R-42'), length: 4 },
    ]);

    // Arabic and emoji: the entity covers the Arabic word, counted in UTF-16 units as Telegram counts them.
    expect(await omar.reply(1, '🙏 «*عذرا* على ذلك»')).toMatchObject({ status: 202 });
    await eventually(() => toLayla().some((call) => String(call.params.text).startsWith('🙏')), 15_000);
    const arabic = toLayla().find((call) => String(call.params.text).startsWith('🙏'))!.params;
    expect(arabic.text).toBe('🙏 «عذرا على ذلك»');
    expect(arabic.entities).toEqual([{ type: 'bold', offset: 4, length: 4 }]);

    // Refused by Telegram, then sent again from the console: with its bold still.
    api.fail('sendMessage', 1, { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } });
    expect(await omar.reply(1, '*Refunded* today')).toMatchObject({ status: 202 });
    const failed = async () => (await app.store.messagesOfConversation(1)).find((message) => message.from === 'agent' && !message.toAgent && message.text === 'Refunded today' && message.status === 'failed');
    await eventually(async () => (await failed()) !== undefined, 15_000);
    expect(await omar.again(1, (await failed())!.id)).toMatchObject({ status: 202 });
    const refunded = () => toLayla().filter((call) => call.params.text === 'Refunded today');
    // The fake Bot API records the refused call too.
    await eventually(() => refunded().length === 2, 15_000);
    expect(refunded()[1]!.params.entities).toEqual([{ type: 'bold', offset: 0, length: 8 }]);

    const closed = await omar.act({ kind: 'close', conversationId: 1, note: 'Your *refund* is on its way', shareNote: true });
    expect(closed).toMatchObject({ status: 200, body: { ok: true } });
    await eventually(() => toLayla().some((call) => String(call.params.text).includes('refund is on its way')), 15_000);
    const notice = toLayla().find((call) => String(call.params.text).includes('refund is on its way'))!.params;
    expect(String(notice.text)).not.toContain('*');
    expect(notice.entities).toEqual([{ type: 'bold', offset: String(notice.text).indexOf('refund'), length: 6 }]);
    // Kept as read: the dashboard shows the note with its bold.
    expect(await app.store.conversation(1)).toMatchObject({ closingNote: 'Your refund is on its way', closingNoteStyles: [{ style: 'bold', offset: 5, length: 6 }] });

    // Dana on the web chat: her page reads the words without markers, and their styles.
    const dana = visitor(app.url, 'dana-console-markup', 'Dana');
    expect((await dana.say('Hello?')).status).toBe(202);
    await eventually(async () => (await app.store.conversation(2))?.agentId === 'omar', 15_000);
    expect(await omar.reply(2, '*Sorry* about that')).toMatchObject({ status: 202 });
    await eventually(async () => (await dana.messages()).some((message) => message.from === 'agent'), 15_000);
    expect((await dana.messages()).find((message) => message.from === 'agent')).toMatchObject({ text: 'Sorry about that', styles: [{ style: 'bold', offset: 0, length: 5 }] });
  }, 60_000);

  it('a note written in the console, and the note of an admin\'s close the console tells, are read as its replies are', async () => {
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team, adminToken: ADMIN_TOKEN });
    const omar = await console(app.url);
    expect((await omar.act({ kind: 'status', status: 'online' })).body.ok).toBe(true);
    expect(await post(app, textNow(LAYLA, 'Where is my refund?'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.agentId === 'omar', 15_000);

    // Before: the note showed in Omar's console and the dashboard as written, asterisks and backticks included.
    expect(await omar.act({ kind: 'note', conversationId: 1, text: '*VIP*, refund `R-42`; 5 * 3 items' })).toMatchObject({ status: 200, body: { ok: true } });
    const styled = { from: 'note', text: 'VIP, refund R-42; 5 * 3 items', styles: [{ style: 'bold', offset: 0, length: 3 }, { style: 'code', offset: 'VIP, refund '.length, length: 4 }] };
    expect((await omar.transcript(1)).find((message) => message.from === 'note')).toMatchObject(styled);
    const admin = adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia' });
    const dashboard = await admin.get<{ messages: Record<string, unknown>[] }>('/conversations/1');
    expect(dashboard.body.messages.find((message) => message.from === 'note')).toMatchObject(styled);

    // Nadia closes it from the dashboard with a note in the same markup: Omar's console reads what became of it without
    // the markers (before: "(Your *refund* is on its way)"), as his Telegram does.
    expect(await admin.post('/conversations/1/close', { note: 'Your *refund* is on its way' })).toMatchObject({ status: 200 });
    const told = '#1 was closed by Nadia (Your refund is on its way).';
    expect(await omar.outcome(1)).toEqual({ message: told });
    await eventually(() => api.callsOf('sendMessage').some((call) => String(call.params.chat_id) === String(OMAR) && call.params.text === told), 15_000);
    expect(await app.store.conversation(1)).toMatchObject({ closingNote: 'Your refund is on its way' });
  }, 60_000);

  it('reach a WhatsApp customer in its markup, and a Messenger customer as the words without the markers', async () => {
    const cloud = await startLinaCloud();
    const lina = await console(cloud.app.url, agentToken('agent-lina'));
    expect((await lina.act({ kind: 'status', status: 'online' })).body.ok).toBe(true);
    expect((await cloud.post(messagesBody([cloudText('Is my refund on its way?', { from: SHEENA })], { from: SHEENA, name: 'Sheena' }))).status).toBe(200);
    await eventually(async () => (await cloud.app.store.conversation(1))?.agentId === 'lina', 15_000);
    expect(await lina.reply(1, '*Sorry* about that, _Sheena_: 5 * 3')).toMatchObject({ status: 202 });
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('*Sorry* about that, _Sheena_: 5 * 3'), 15_000);

    const messenger = await startMessenger({ flows: { 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n' }, team: `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n` });
    try {
      const linaThere = await console(messenger.app.url, agentToken('agent-lina'));
      expect((await linaThere.act({ kind: 'status', status: 'online' })).body.ok).toBe(true);
      expect((await messenger.post(batch([textEvent('Is my refund on its way?')]))).status).toBe(200);
      await eventually(async () => (await messenger.app.store.conversation(1))?.agentId === 'lina', 15_000);
      expect(await linaThere.reply(1, '*Sorry* about that, _Sam_: 5 * 3')).toMatchObject({ status: 202 });
      await eventually(() => messenger.graph.saidTo(PSID).some((said) => said.startsWith('Sorry')), 15_000);
      expect(messenger.graph.saidTo(PSID)).toContain('Sorry about that, Sam: 5 * 3');
    } finally {
      await messenger.stop();
    }
  }, 60_000);
});
