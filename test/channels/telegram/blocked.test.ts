// A Telegram customer who blocks the bot (or deletes the chat with it), through the real server and the fake Bot API:
// Telegram says so at once (`my_chat_member`, the bot's membership of her private chat turned "kicked"), and the agent
// holding her conversation is told then, in their language, once, and the dashboard's transcript shows it, where before
// the agent heard of it only when a reply of theirs failed. She unblocks ("member") and writes again: her message
// reaches the same agent in the same conversation, as any other.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import type { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, fixture, post, telegramServers, textNow } from './harness.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n';
const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n    max_open: 5\n${language}`;

const servers = telegramServers();

/**
 * Layla's `my_chat_member` of the fixture: the bot's membership of her chat turned `status` ("kicked": blocked,
 * "member": unblocked). Its update_id follows those of `textNow`'s, as Telegram's increase (long polling confirms by them).
 */
function membership(status: 'kicked' | 'member', updateId = Number(textNow(LAYLA, '').update_id)): Record<string, any> {
  const update = fixture('private-blocked');
  const { old_chat_member: was, new_chat_member: now } = update.my_chat_member;
  update.update_id = updateId;
  update.my_chat_member.date = Math.floor(Date.now() / 1000);
  if (status === 'member') {
    update.my_chat_member.old_chat_member = { ...now };
    update.my_chat_member.new_chat_member = { user: was.user, status: 'member' };
  }
  return update;
}

/** Layla with Omar in conversation #1, on the webhook or long polling; `language`, Omar's in team.yaml. */
async function laylaWithOmar(webhook: boolean, language = '') {
  const { app, api } = await servers.setUp({ webhook, ...(webhook ? { publicUrl: 'https://bot.example.com' } : {}), team: team(language), flows: { 'inbound.yaml': assignFlow }, adminToken: ADMIN_TOKEN });
  const send = async (update: Record<string, unknown>) => {
    if (webhook) expect(await post(app, update)).toBe(200);
    else api.push(update);
  };
  await send(textNow(OMAR, '/online'));
  await eventually(() => api.sentTo(OMAR).length > 0);
  await send(textNow(LAYLA, 'My invoice is wrong'));
  await eventually(() => api.sentTo(OMAR).some((text) => text.includes('My invoice is wrong')));
  return { app, api, send };
}

const toldOmar = (api: FakeBotApi, words: string) => api.sentTo(OMAR).filter((text) => text.includes(words));

describe('a Telegram customer who blocks the bot', () => {
  it('asks Telegram for my_chat_member, on the webhook and on long polling', async () => {
    const { api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com' });
    await eventually(() => api.callsOf('setWebhook').length > 0);
    expect(api.callsOf('setWebhook')[0]!.params.allowed_updates).toContain('my_chat_member');
    const polling = await servers.setUp({ webhook: false });
    await eventually(() => polling.api.callsOf('getUpdates').length > 0);
    expect(polling.api.callsOf('getUpdates')[0]!.params.allowed_updates).toContain('my_chat_member');
  });

  it('tells Omar at once, once, and the dashboard\'s transcript says it; her replies refused, nothing else lost', async () => {
    const { app, api, send } = await laylaWithOmar(true);
    const blocked = membership('kicked');
    api.blocked.add(String(LAYLA));
    await send(blocked);
    await eventually(() => toldOmar(api, 'Layla blocked the bot').length > 0);
    expect(toldOmar(api, 'Layla blocked the bot')[0]).toBe('#1: Layla blocked the bot: your replies cannot reach them now. If they unblock it and write again, their message comes to you here. /close 1 if there is nothing more to do.');
    // Telegram's redelivery of the same update, and a second one alike, tell him nothing more.
    await send(blocked);
    await send(membership('kicked'));
    // His reply is refused at once, said once, and not tried again.
    await send(textNow(OMAR, 'I have fixed the invoice'));
    await eventually(() => toldOmar(api, 'was not delivered').length > 0);
    expect(toldOmar(api, 'was not delivered')).toEqual(['#1: your message to Layla was not delivered ("I have fixed the invoice"): the customer has blocked the bot. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.']);
    await send(textNow(OMAR, '/list'));
    await eventually(() => toldOmar(api, 'You are online').length >= 2);
    expect(toldOmar(api, 'blocked the bot')).toHaveLength(2);
    expect(toldOmar(api, 'Layla blocked the bot')).toHaveLength(1);
    expect(api.callsOf('sendMessage').filter((call) => call.params.text === 'I have fixed the invoice')).toHaveLength(1);

    const admin = adminClient(app.url);
    const { body } = await admin.get<{ events: { type: string }[]; messages: { text: string }[] }>('/conversations/1');
    expect(body.events.filter((event) => event.type === 'blocked')).toEqual([{ at: expect.any(String), type: 'blocked' }]);
    // Her message before it is still there; the conversation stays open, with Omar.
    expect(body.messages.map((message) => message.text)).toContain('My invoice is wrong');
    expect((await app.store.conversation(1))).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });
  });

  it('tells an agent who reads Arabic in Arabic', async () => {
    const { api, send } = await laylaWithOmar(true, '    language: ar\n');
    await send(membership('kicked'));
    await eventually(() => toldOmar(api, 'البوت').some((text) => text.startsWith('#1: حظر')));
  });

  it('on long polling too; once she unblocks and writes again, her message reaches Omar in the same conversation', async () => {
    const { app, api, send } = await laylaWithOmar(false);
    await send(membership('kicked'));
    await eventually(() => toldOmar(api, 'Layla blocked the bot').length > 0);
    await send(membership('member'));
    await send(textNow(LAYLA, 'Sorry, that was a mistake'));
    await eventually(() => toldOmar(api, 'Sorry, that was a mistake').length > 0).catch((error: unknown) => { throw new Error(JSON.stringify(api.sentTo(OMAR)), { cause: error }); });
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', agentId: 'omar' });
    const { body } = await adminClient(app.url).get<{ events: { type: string }[] }>('/conversations/1');
    expect(body.events.map((event) => event.type)).toEqual(expect.arrayContaining(['blocked', 'unblocked']));
    // Blocked again, Omar hears of it again.
    await send(membership('kicked'));
    await eventually(() => toldOmar(api, 'Layla blocked the bot').length === 2);
  });

  it('ends a reply of Omar\'s waiting for Telegram (a long flood wait) as refused when she blocks the bot, not after the wait', async () => {
    const { app, api, send } = await laylaWithOmar(true);
    // Telegram asks for an hour's pause at Omar's reply to her.
    api.fail('sendMessage', 1, { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3600', parameters: { retry_after: 3600 } } });
    await send(textNow(OMAR, 'Let me check'));
    await eventually(() => toldOmar(api, 'has not gone yet').length > 0);
    api.blocked.add(String(LAYLA));
    await send(membership('kicked'));
    await eventually(() => toldOmar(api, 'was not delivered ("Let me check"): the customer has blocked the bot').length > 0);
    const reply = (await app.store.messagesOfConversation(1)).find((message) => message.text === 'Let me check');
    expect(reply).toMatchObject({ status: 'failed', failure: 'blocked' });
  });

  it('tells a team desk\'s topic, where the conversation is, once', async () => {
    const DESK = -1001234567890;
    const deskTeam = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n`;
    const { api, app } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#1')));
    expect(await post(app, membership('kicked'))).toBe(200);
    const said = '#1: Layla blocked the bot: your replies cannot reach them now. If they unblock it and write again, their message comes to you here. /close 1 if there is nothing more to do.';
    await eventually(() => api.sentTo(DESK).includes(said));
    expect(api.callsOf('sendMessage').find((call) => call.params.text === said)?.params.message_thread_id).toBe(55);
    expect(await post(app, membership('kicked'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'hello?'))).toBe(200);
    await eventually(() => api.sentTo(DESK).includes('#1 Layla: hello?'));
    expect(api.sentTo(DESK).filter((text) => text === said)).toHaveLength(1);
  });
});

describe('a bot removed from a team desk group', () => {
  const DESK = -1001234567890;
  const deskTeam = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n`;
  const bot = { id: 7000000001, is_bot: true, first_name: 'Acme Bot', username: 'acme_bot' };
  /** The bot's membership of the desk group changed from `was` to `now`, as Telegram says it (`my_chat_member`). */
  const inDesk = (was: string, now: string) => ({
    update_id: Number(textNow(LAYLA, '').update_id),
    my_chat_member: {
      chat: { id: DESK, title: 'Billing desk', type: 'supergroup', is_forum: true },
      from: { id: 8001, is_bot: false, first_name: 'Nadia' },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: bot, status: was, ...(was === 'administrator' ? { can_manage_topics: true } : {}) },
      new_chat_member: { user: bot, status: now, ...(now === 'administrator' ? { can_manage_topics: true } : {}) },
    },
  });
  const health = async (app: { url: string }) => {
    const res = await fetch(`${app.url}/healthz`);
    return { status: res.status, body: (await res.json()) as { status?: string; reasons?: string[]; channels?: Record<string, { up: boolean; state: string; reason?: string }> } };
  };

  it('says so on /healthz at once, and no more once it is back', async () => {
    const { app } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    await eventually(async () => (await health(app)).status === 200);
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    const down = await health(app);
    expect(down.status).toBe(503);
    // Telegram itself answers: `up` says so, and the lost desk is its own line (`part`, the reason).
    expect(down.body.channels?.telegram).toMatchObject({ up: true, state: 'desk-removed', part: 'the desk group of Billing' });
    expect(down.body.channels?.telegram?.reason).toContain('"Billing desk" (-1001234567890)');
    expect(down.body.reasons?.join('\n')).toContain('add the bot back to the group as an admin that can manage topics');
    // What is down is that team's desk group, not Telegram: customers still reach the bot there.
    expect(down.body.reasons).toEqual([expect.stringMatching(/^telegram: only the desk group of Billing is down, its customers are served: the bot is not in the team desk group "Billing desk"/)]);
    expect(down.body).toMatchObject({ status: 'degraded' });
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    expect((await health(app)).status).toBe(200);
  });

  it('says so when Telegram refuses a topic for that (removed before it asked for my_chat_member), until a topic opens again', async () => {
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    await eventually(async () => (await health(app)).status === 200);
    api.fail('createForumTopic', 1, { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' } });
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(async () => (await health(app)).body.channels?.telegram?.state === 'desk-removed');
    expect((await health(app)).status).toBe(503);
    // Added back, the next customer's conversation gets its topic: the group works again.
    expect(await post(app, textNow(5002, 'Hello'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').some((call) => call.status === 200));
    await eventually(async () => (await health(app)).status === 200);
  });

  it('opens, once it is back, the topics it gave up on, in order, once, and not again after a restart', async () => {
    const notMember = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' } };
    const { app, api, dir } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    api.fail('createForumTopic', 10, notMember);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 1);
    expect(await post(app, textNow(5002, 'I was charged twice'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 2);
    // Each check tries again, 5 attempts in all, then gives up on both: they stay without a topic.
    for (let check = 0; check < 5; check++) await app.runtime.sweep();
    expect(api.callsOf('createForumTopic')).toHaveLength(10);
    expect(api.callsOf('createForumTopic').every((call) => call.status === 403)).toBe(true);
    // An admin adds the bot back: Telegram says so, and both get their topic, #1 first, and their card there.
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#2')));
    const opened = api.callsOf('createForumTopic').filter((call) => call.status === 200);
    expect(opened.map((call) => call.params.name)).toEqual([expect.stringMatching(/^#1 /), expect.stringMatching(/^#2 /)]);
    expect(api.sentTo(DESK).some((text) => text.startsWith('#1'))).toBe(true);
    // Said again (a redelivery), or a check meanwhile: no topic opens twice.
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    await app.runtime.sweep();
    expect(api.callsOf('createForumTopic').filter((call) => call.status === 200)).toHaveLength(2);
    await app.stop();
    const again = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', dir });
    expect(await post(again.app, inDesk('left', 'administrator'))).toBe(200);
    await again.app.runtime.sweep();
    expect(await post(again.app, textNow(LAYLA, 'any news?'))).toBe(200);
    await eventually(() => again.api.sentTo(DESK).some((text) => text.includes('any news?')));
    expect(again.api.callsOf('createForumTopic')).toHaveLength(0);
  });

  it('once back, opens no topic for a conversation an agent took with /claim into their own chat meanwhile', async () => {
    const notMember = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' } };
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    api.fail('createForumTopic', 2, notMember);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    expect(await post(app, textNow(5002, 'I was charged twice'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 2);
    // Omar takes Layla's (#1) into his own chat while the desk is gone; #2 waits in the queue.
    expect(await post(app, textNow(OMAR, '/claim 1'))).toBe(200);
    // The card comes to his chat, as the desk has no topic to post it in.
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1') && text.includes('My invoice is wrong')));
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').some((call) => call.status === 200));
    await app.runtime.sweep();
    // Only the desk's own (#2, still waiting) gets its topic; Layla's words go on reaching Omar's chat.
    expect(api.callsOf('createForumTopic').filter((call) => call.status === 200).map((call) => call.params.name)).toEqual([expect.stringMatching(/^#2 /)]);
    expect(await post(app, textNow(LAYLA, 'any news?'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.includes('any news?')));
    expect(api.sentTo(DESK).some((text) => text.includes('any news?'))).toBe(false);
  });

  it('passes the conversations held in its topics to their agents\' own chats, where they go on, and opens no topic for them once back', async () => {
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    // Omar holds #1 in its topic: the customer's words go there.
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#1') && text.includes('Omar has it.')));
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    // The card comes to his chat, and where #1 is now, once.
    const here = '#1 with Layla comes to this chat now: you held it in Billing\'s desk group, which the bot was removed from.';
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith(here)));
    expect(api.sentTo(OMAR).some((text) => text.startsWith('#1') && text.includes('My invoice is wrong'))).toBe(true);
    expect(await post(app, textNow(LAYLA, 'hello?'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: hello?'));
    expect(api.sentTo(DESK).some((text) => text.includes('hello?'))).toBe(false);
    expect(await post(app, textNow(OMAR, 'Looking into it now'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((text) => text.includes('Looking into it now')));
    // Said again (a redelivery): not passed on twice. Back: no topic opens for #1, which stays with Omar in his chat.
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    await app.runtime.sweep();
    expect(await post(app, textNow(LAYLA, 'thanks'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).includes('#1 Layla: thanks'));
    expect(api.sentTo(OMAR).filter((text) => text.startsWith(here))).toHaveLength(1);
    expect(api.callsOf('createForumTopic')).toHaveLength(1);
  });

  it('keeps a conversation nobody took yet in the queue while the desk is gone, and opens it a new topic once back', async () => {
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: deskTeam, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#1')));
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    // Nothing goes to the lost topic; /claim takes #1 as any waiting in the queue.
    expect(await post(app, textNow(LAYLA, 'hello?'))).toBe(200);
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 2);
    expect(api.callsOf('createForumTopic').map((call) => call.params.name)).toEqual([expect.stringMatching(/^#1 /), expect.stringMatching(/^#1 /)]);
    expect(api.sentTo(DESK)).not.toContain('#1 Layla: hello?');
  });

  it('passes a conversation held in its topic whose agent nothing reaches to a free colleague\'s chat, the customer told as when an agent cannot be reached', async () => {
    const SARA = 9002;
    const teams = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n  - name: Sara\n    telegram: ${SARA}\n    teams: [Billing]\n`;
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: teams, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#1') && text.includes('Omar has it.')));
    expect(await post(app, textNow(SARA, '/online'))).toBe(200);
    // Omar blocks the bot: his own chat no longer reaches him.
    const blocked = fixture('private-blocked');
    blocked.update_id = Number(textNow(OMAR, '').update_id);
    Object.assign(blocked.my_chat_member, { chat: { id: OMAR, first_name: 'Omar', type: 'private' }, from: { id: OMAR, is_bot: false, first_name: 'Omar' }, date: Math.floor(Date.now() / 1000) });
    expect(await post(app, blocked)).toBe(200);
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('The agent who was helping you is no longer available.'));
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1') && text.includes('My invoice is wrong')));
    expect(await post(app, textNow(LAYLA, 'hello?'))).toBe(200);
    await eventually(() => api.sentTo(SARA).includes('#1 Layla: hello?'));
  });

  it('passes a conversation held in an agent\'s chat since the loss to a colleague\'s chat, with its card, when its agent transfers it once the bot is back', async () => {
    const SARA = 9002;
    const teams = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n  - name: Sara\n    telegram: ${SARA}\n    teams: [Billing]\n`;
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: teams, flows: { 'inbound.yaml': assignFlow } });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.startsWith('#1') && text.includes('Omar has it.')));
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((text) => text.startsWith('#1 with Layla comes to this chat now')));
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    expect(await post(app, textNow(SARA, '/online'))).toBe(200);
    expect(await post(app, textNow(OMAR, '/transfer 1 Sara'))).toBe(200);
    await eventually(() => api.sentTo(SARA).some((text) => text.startsWith('#1') && text.includes('My invoice is wrong')));
    expect(await post(app, textNow(LAYLA, 'hello?'))).toBe(200);
    await eventually(() => api.sentTo(SARA).includes('#1 Layla: hello?'));
  });

  it('tells the team\'s agents in their own chats, in their language, once per loss', async () => {
    const SARA = 9002;
    const NADIA = 9003;
    const teams = `teams:\n  - name: Billing\n    telegram_desk: "${DESK}"\n  - name: Support\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n  - name: Sara\n    telegram: ${SARA}\n    teams: [Billing]\n    language: ar\n  - name: Nadia\n    telegram: ${NADIA}\n    teams: [Support]\n`;
    const notMember = { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' } };
    const { app, api } = await servers.setUp({ webhook: true, publicUrl: 'https://bot.example.com', team: teams, flows: { 'inbound.yaml': assignFlow } });
    const english = "The bot was removed from Billing's desk group on Telegram: Billing's new conversations get no topic there and wait in the queue (/claim takes them), and nothing written in its topics reaches anyone. Ask an admin to add the bot back to the group as an admin that can manage topics; the missing topics open then.";
    const told = (chat: number, words: string) => api.sentTo(chat).filter((text) => text.includes(words));
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    await eventually(() => told(OMAR, english).length === 1 && told(SARA, 'أُزيل البوت من مجموعة مكتب فريق').length === 1);
    expect(told(SARA, 'أُزيل البوت')[0]).toContain('/claim');
    // Said again by Telegram (a redelivery), then by a refused topic: the same loss, not told again.
    expect(await post(app, inDesk('administrator', 'left'))).toBe(200);
    api.fail('createForumTopic', 1, notMember);
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 1);
    await app.runtime.sweep();
    await eventually(() => api.callsOf('createForumTopic').some((call) => call.status === 200));
    // Back, then removed again: a second loss, told again.
    expect(await post(app, inDesk('left', 'administrator'))).toBe(200);
    expect(await post(app, inDesk('administrator', 'kicked'))).toBe(200);
    await eventually(() => told(OMAR, english).length === 2 && told(SARA, 'أُزيل البوت').length === 2);
    expect(api.sentTo(NADIA)).toHaveLength(0);
  });
});
