// Customers their channel no longer lets anything reach, as the agent holding them meets them, through the real server
// and fakes of Telegram's Bot API and Meta's Graph API speaking the real refusals: a customer who blocked the bot or
// whose account is gone (Telegram's 403s), who is not available to the Page (Messenger's 551), whose window Meta closed
// (Instagram's 2534022), whose 24-hour WhatsApp window closed with no template set up. The agent reads why and what is
// left to do (wait for the customer's next message, or /close), in English or Arabic; the refused reply is not tried
// again; and when the customer writes again, it reaches the agent, and the agent's answer reaches them.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, visitor } from '../helpers.ts';
import { LAYLA, OMAR, SECRET, TOKEN, fixture as telegramFixture, post, telegramServers, textNow } from './telegram/harness.ts';
import { FakeBotApi } from './telegram/fake-bot-api.ts';
import { batch, clock, fixture as messengerFixture, IG_ACCOUNT, IGSID, settled as messengerSettled, startMessenger, textEvent, type MessengerServer } from './messenger/harness.ts';
import { fixture as cloudFixture, messagesBody, SHEENA, settled as cloudSettled, startCloud, text as cloudText, type CloudServer } from './whatsapp-cloud/harness.ts';
import { metaError } from './meta/fake-graph-api.ts';

const HOUR = 3_600_000;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const teamWith = (language?: 'ar') =>
  `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n${language ? `    language: ${language}\n` : ''}`;
const FSI = '\u2068';
const PDI = '\u2069';
const isolated = (text: string) => `${FSI}${text}${PDI}`;

const telegram = telegramServers();
const meta: (MessengerServer | CloudServer)[] = [];
afterEach(async () => {
  for (const server of meta.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

/** Polls the agent's web chat until a message says `part` (after the `skip` first such); resolves to it. */
/**
 * Lina, an agent on the web chat, goes online and is given Sheena's WhatsApp message; then a day passes (her 24-hour
 * window closed). The agent, whose messages the test writes.
 */
async function linaHoldsSheenaADayAgo(cloud: CloudServer, time: ReturnType<typeof clock>): Promise<ReturnType<typeof visitor>> {
  meta.push(cloud);
  const lina = visitor(cloud.app.url, 'agent-lina');
  await lina.say('/online');
  expect((await cloud.post(cloudFixture('text'))).status).toBe(200);
  await toldInWebchat(lina, '#1');
  await cloudSettled(cloud);
  time.advance(25 * HOUR);
  return lina;
}

async function toldInWebchat(agent: ReturnType<typeof visitor>, part: string, skip = 0): Promise<string> {
  let found: string | undefined;
  await eventually(async () => {
    found = (await agent.messages()).map((m) => m.text).filter((line) => line.includes(part))[skip];
    return found !== undefined;
  }).catch((error: unknown) => {
    throw new Error(`the agent was not told "${part}"`, { cause: error });
  });
  return found!;
}

describe('a Telegram customer who blocked the bot or whose account is gone', () => {
  it('tells the agent why and what is left (their next message, or /close); the refused reply is not tried again, and when they write again both ways work', async () => {
    const { app, api } = await telegram.setUp({ webhook: true, team: teamWith(), flows: { 'inbound.yaml': assignFlow } });
    const lina = visitor(app.url, 'agent-lina');
    await lina.say('/online');
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await toldInWebchat(lina, 'My invoice is wrong');
    const callsBefore = api.callsOf('sendMessage').length;

    api.fail('sendMessage', 1, { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    await lina.say('Here is the corrected invoice');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to Layla was not delivered ("Here is the corrected invoice"): the customer has blocked the bot. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    // Telegram was asked once: a refusal for good is not tried again every 10 minutes for a day.
    expect(api.callsOf('sendMessage')).toHaveLength(callsBefore + 1);
    expect(await app.store.openConversations()).toMatchObject([{ id: 1, stage: 'assigned', agentId: 'lina' }]);

    // Layla unblocks the bot (Telegram sends /start) and writes: it reaches Lina, who is reminded once that her
    // message did not reach Layla; Lina's answer reaches her.
    expect(await post(app, textNow(LAYLA, '/start'))).toBe(200);
    expect(await toldInWebchat(lina, '/start')).toBe('#1 Layla: /start\n(your message before this did not reach them: send again what still matters)');
    expect(await post(app, textNow(LAYLA, 'Sorry, I blocked you by mistake'))).toBe(200);
    expect(await toldInWebchat(lina, 'Sorry, I blocked you by mistake')).toBe('#1 Layla: Sorry, I blocked you by mistake');
    await lina.say('No problem: here is the corrected invoice');
    await eventually(() => api.sentTo(LAYLA).includes('No problem: here is the corrected invoice'));
  });

  it('tells the agent in the console at once when the customer blocks the bot (Telegram\'s my_chat_member), before any reply of theirs fails', async () => {
    const { app, api } = await telegram.setUp({ webhook: true, team: teamWith(), flows: { 'inbound.yaml': assignFlow } });
    const lina = visitor(app.url, 'agent-lina');
    await lina.say('/online');
    expect(await post(app, textNow(LAYLA, 'My invoice is wrong'))).toBe(200);
    await toldInWebchat(lina, 'My invoice is wrong');
    // What the bot says to her on the way in (who is with her) has gone.
    await eventually(async () => (await app.store.messagesOfAddress('telegram', String(LAYLA))).every((message) => message.direction === 'in' || message.status === 'sent'));
    const toLayla = api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA)).length;
    const blocked = telegramFixture('private-blocked');
    blocked.update_id = Number(textNow(LAYLA, '').update_id);
    expect(await post(app, blocked)).toBe(200);
    expect(await toldInWebchat(lina, 'blocked the bot')).toBe(
      '#1: Layla blocked the bot: your replies cannot reach them now. If they unblock it and write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    // Nothing was tried on Layla meanwhile.
    expect(api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA))).toHaveLength(toLayla);
  });

  it('says it in Arabic to an agent who reads Arabic, for a deleted account too', async () => {
    const { app, api } = await telegram.setUp({ webhook: true, team: teamWith('ar'), flows: { 'inbound.yaml': assignFlow } });
    const lina = visitor(app.url, 'agent-lina');
    await lina.say('/online');
    expect(await post(app, textNow(LAYLA, 'فاتورتي خاطئة'))).toBe(200);
    await toldInWebchat(lina, 'فاتورتي خاطئة');

    api.fail('sendMessage', 2, { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: user is deactivated' } });
    await lina.say('هذه الفاتورة المصححة');
    expect(await toldInWebchat(lina, 'لم تُسلَّم')).toBe(
      `المحادثة #1: لم تُسلَّم رسالتك إلى ${isolated('Layla')} («${isolated('هذه الفاتورة المصححة')}»): لم تعد دردشة العميل موجودة (ربما حُذف حسابه). `
      + `لن يصل إليه شيء مما ترسله الآن؛ وإن كتب من جديد وصلتك رسالته هنا. أرسل ${isolated('/close 1')} إن لم يبق ما تفعله.`,
    );
    await lina.say('هل تسمعني؟');
    await toldInWebchat(lina, 'لم تُسلَّم', 1);

    // Layla is back (a new account on the same chat id, say): Lina reads how many of hers did not reach her, in Arabic.
    expect(await post(app, textNow(LAYLA, 'أنا هنا'))).toBe(200);
    expect(await toldInWebchat(lina, 'أنا هنا')).toBe(`#1 Layla: ${isolated('أنا هنا\n(لم تصله 2 من رسائلك التي سبقت هذه: أعد إرسال ما زال يهمّ منها)')}`);
  });
});

describe('a Messenger or Instagram customer Meta refuses to reach', () => {
  async function messengerWithLina(): Promise<{ messenger: MessengerServer; lina: ReturnType<typeof visitor>; time: ReturnType<typeof clock> }> {
    const time = clock();
    const messenger = await startMessenger({ flows: { 'inbound.yaml': assignFlow }, team: teamWith(), now: time.now, config: { INSTAGRAM: '1' } });
    meta.push(messenger);
    const lina = visitor(messenger.app.url, 'agent-lina');
    await lina.say('/online');
    return { messenger, lina, time };
  }

  it('tells the agent a person "not available right now" (551) cannot be reached, not that their account is gone; Meta is asked once', async () => {
    const { messenger, lina } = await messengerWithLina();
    expect((await messenger.post(batch([textEvent('Where is my parcel?')]))).status).toBe(200);
    await toldInWebchat(lina, 'Where is my parcel?');
    await messengerSettled(messenger);
    const before = messenger.graph.callsTo('/me/messages').length;

    messenger.graph.fail(1, { status: 400, body: { error: { message: '(#551) This person isn\'t available right now.', type: 'OAuthException', code: 551, error_subcode: 1545041, fbtrace_id: 'AbCdEf' } } });
    await lina.say('It left our warehouse today');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to the customer was not delivered ("It left our warehouse today"): the customer is not available to the business right now; they may have turned off its messages or blocked it. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    await messengerSettled(messenger);
    expect(messenger.graph.callsTo('/me/messages')).toHaveLength(before + 1);
    expect(await messenger.app.store.messagesOfConversation(1)).toContainEqual(expect.objectContaining({ text: 'It left our warehouse today', status: 'failed', failure: 'unavailable', error: '(#551) This person isn\'t available right now.' }));
  });

  it('tells the agent an Instagram customer whose window Meta closed (2534022) is reached again once they write', async () => {
    const { messenger, lina, time } = await messengerWithLina();
    expect((await messenger.post(messengerFixture('instagram-text'))).status).toBe(200);
    await toldInWebchat(lina, '#1');
    await messengerSettled(messenger);
    time.advance(30 * HOUR);
    const before = messenger.graph.callsTo('/me/messages').length;

    messenger.graph.fail(1, { status: 400, body: { error: { message: '(#10) This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2534022, fbtrace_id: 'AbCdEf' } } });
    await lina.say('Your order shipped');
    expect(await toldInWebchat(lina, 'was not delivered')).toMatch(
      /\("Your order shipped"\): the customer's app takes no message from here until they write again\. Nothing you send reaches them now; if they write again, their message comes to you here\. \/close 1 if there is nothing more to do\.$/,
    );
    await messengerSettled(messenger);
    expect(messenger.graph.callsTo('/me/messages')).toHaveLength(before + 1);

    // The customer writes again: it reaches Lina, and her answer reaches them (within the window again).
    expect((await messenger.post(batch([textEvent('Any news?', { from: IGSID, to: IG_ACCOUNT, timestamp: 1763950500000 })], { object: 'instagram' }))).status).toBe(200);
    await toldInWebchat(lina, 'Any news?');
    await lina.say('Yes: it shipped yesterday');
    await messengerSettled(messenger);
    expect(messenger.graph.sentTo(IGSID).at(-1)).toMatchObject({ messaging_type: 'RESPONSE', message: { text: 'Yes: it shipped yesterday' } });
  });
});

describe('a WhatsApp customer whose 24-hour window closed', () => {
  it('tells the agent no template is set up, rather than to send one, and that the customer\'s next message reopens the window', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: teamWith(), now: time.now });
    const lina = await linaHoldsSheenaADayAgo(cloud, time);
    const before = cloud.graph.callsTo('/messages').length;

    await lina.say('Are you still there?');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to Sheena Nelson was not delivered ("Are you still there?"): the customer last wrote more than 24 hours ago; only an approved template can reach them now, and none is set up (WHATSAPP_TEMPLATES). Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.',
    );
    expect(cloud.graph.callsTo('/messages')).toHaveLength(before);
    expect(cloud.graph.saidTo(SHEENA)).not.toContain('Are you still there?');
  });

  it('sends the re-engagement template once in place of a reply the closed window refused, tells the agent, and goes back to free text once the customer answers', async () => {
    const time = clock();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team: teamWith(), now: time.now,
      config: { WHATSAPP_REENGAGE_TEMPLATE: 'reply_waiting', WHATSAPP_TEMPLATES: [{ name: 'reply_waiting', language: 'ar' }] },
    });
    const lina = await linaHoldsSheenaADayAgo(cloud, time);

    await lina.say('Your refund went out this morning.\nIt reaches your bank tomorrow.');
    expect(await toldInWebchat(lina, 'last wrote more than 24 hours ago')).toBe(
      '#1: Sheena Nelson last wrote more than 24 hours ago, so your message could not go as written ("Your refund went out this morning.\nIt reaches your bank t…"); it went inside the approved template reply_waiting. Their answer to it reopens the window, and comes to you here.',
    );
    await cloudSettled(cloud);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'template',
      template: { name: 'reply_waiting', language: { code: 'ar' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your refund went out this morning. It reaches your bank tomorrow.' }] }] },
    });
    // The template is the customer's first word from anyone: the reports count it as the first response.
    expect((await cloud.app.store.conversation(1))?.firstResponseAt).toBeDefined();

    // A second reply before Sheena answers sends no second template: Lina is told what reaches her.
    const calls = cloud.graph.callsTo('/messages').length;
    await lina.say('Anything else?');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to Sheena Nelson was not delivered ("Anything else?"): the customer last wrote more than 24 hours ago; only an approved template can reach them now: /template reply_waiting',
    );
    await cloudSettled(cloud);
    expect(cloud.graph.callsTo('/messages')).toHaveLength(calls);

    // Sheena answers the template: her message reaches Lina, and Lina's answer goes as free text.
    expect((await cloud.post(messagesBody([cloudText('Thank you!', { from: SHEENA })], { from: SHEENA, name: 'Sheena Nelson' }))).status).toBe(200);
    await toldInWebchat(lina, 'Thank you!');
    await lina.say('You are welcome');
    await cloudSettled(cloud);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('You are welcome');
  });

  it('sends no re-engagement template for an agent\'s reaction the closed window refused: it says nothing on its own', async () => {
    const time = clock();
    const api = await FakeBotApi.start();
    telegram.stopAfterTest({ stop: () => api.close() });
    const omarTeam = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n';
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team: omarTeam, now: time.now,
      config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, WHATSAPP_REENGAGE_TEMPLATE: 'reply_waiting' },
    });
    meta.push(cloud);
    expect(await post(cloud.app, textNow(OMAR, '/online'))).toBe(200);
    expect((await cloud.post(messagesBody([cloudText('Where is my parcel?', { from: SHEENA })], { from: SHEENA, name: 'Sheena Nelson' }))).status).toBe(200);
    await eventually(() => api.messagesTo(OMAR).some((m) => m.text.startsWith('#1 · new conversation')));
    expect((await cloud.post(messagesBody([cloudText('The parcel came, thanks', { from: SHEENA })], { from: SHEENA, name: 'Sheena Nelson' }))).status).toBe(200);
    await eventually(() => api.messagesTo(OMAR).some((m) => m.text === '#1 Sheena Nelson: The parcel came, thanks'));
    const relayed = api.messagesTo(OMAR).find((m) => m.text === '#1 Sheena Nelson: The parcel came, thanks')!;
    await cloudSettled(cloud);
    time.advance(25 * HOUR);
    const calls = cloud.graph.callsTo('/messages').length;

    expect(await post(cloud.app, {
      update_id: 990_001,
      message_reaction: {
        chat: { id: OMAR, type: 'private', first_name: 'Omar' }, message_id: relayed.message_id, user: { id: OMAR, is_bot: false, first_name: 'Omar' },
        date: Math.floor(Date.now() / 1000), old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    })).toBe(200);
    // Omar is told his reaction, as a reaction, did not reach her; no template goes in its place.
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1: your reaction 👍')));
    expect(api.sentTo(OMAR).at(-1)).toBe('#1: your reaction 👍 did not reach Sheena Nelson: the customer last wrote more than 24 hours ago; only an approved template reaches them now');
    await cloudSettled(cloud);
    expect(cloud.graph.callsTo('/messages')).toHaveLength(calls);
    expect((await cloud.app.store.messagesOfConversation(1)).filter((m) => m.template !== undefined)).toEqual([]);
  });
});
