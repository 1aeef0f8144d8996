// Agents and the 24-hour window through the real server: an agent's free-form reply to a customer who last wrote 25
// hours ago is not sent and the agent is told; /template reaches them; an agent on WhatsApp whose own window is closed
// gets their notices as the notice template, or on their next address; a typed number picks from a numbered list.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, visitor } from '../../helpers.ts';
import { EARLY_CHANGES, earlyChangesKey } from '../../../src/bot/early-changes.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import { metaError } from '../meta/fake-graph-api.ts';
import { SHEENA, clock, fixture, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const HOUR = 3_600_000;
const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

/** Polls the agent's web chat until a message says `part`; resolves to it. */
async function toldInWebchat(agent: ReturnType<typeof visitor>, part: string): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const found = (await agent.messages()).map((m) => m.text).find((line) => line.includes(part));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the agent was not told "${part}"`);
}

describe('the customer\'s 24-hour window', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';

  it('does not send an agent\'s free-form reply 25 hours after the customer wrote, tells the agent, and /template reaches the customer', async () => {
    const time = clock();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team, now: time.now,
      config: { WHATSAPP_TEMPLATES: [{ name: 'order_update', language: 'en_US' }] },
    });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await lina.say('Looking into it now 🔍');
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['\u2068Lina\u2069 has joined the conversation.', 'Looking into it now 🔍']);

    time.advance(25 * HOUR);
    const messagesBefore = cloud.graph.callsTo('/messages').length;
    await lina.say('هل ما زلت هنا؟ Are you still there?');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(
      '#1: your message to Sheena Nelson was not delivered ("هل ما زلت هنا؟ Are you still there?"): the customer last wrote more than 24 hours ago; only an approved template can reach them now: /template order_update',
    );
    expect(cloud.graph.callsTo('/messages')).toHaveLength(messagesBefore);

    await lina.say('/template order_update Layla | #4521');
    expect(await toldInWebchat(lina, 'Template order_update')).toBe('Template order_update sent to #1.');
    await settled(cloud);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Layla' }, { type: 'text', text: '#4521' }] }] },
    });
  });

  it('tells an agent with language: ar in Arabic that their reply was not sent, and what reaches the customer now', async () => {
    const time = clock();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team: `${team}    language: ar\n`, now: time.now,
      config: { WHATSAPP_TEMPLATES: [{ name: 'order_update', language: 'en_US' }, { name: 'card_notice', language: 'ar' }] },
    });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await lina.say('Looking into it now');
    await settled(cloud);

    time.advance(25 * HOUR);
    await lina.say('Are you still there?');
    expect(await toldInWebchat(lina, 'لم تُسلَّم')).toBe(
      'المحادثة #1: لم تُسلَّم رسالتك إلى \u2068Sheena Nelson\u2069 («\u2068Are you still there?\u2069»): كتب العميل آخر مرة قبل أكثر من 24 ساعة؛ لا يصل إليه الآن إلا قالب رسالة معتمد: \u2068/template order_update\u2069 أو \u2068/template card_notice\u2069',
    );
  });
});

describe('Meta refusing a reply with 131047 (the window closed by Meta\'s clock)', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
  const worded = '#1: your message to Sheena Nelson was not delivered ("Are you still there?"): the customer last wrote more than 24 hours ago; only an approved template can reach them now, and none is set up (WHATSAPP_TEMPLATES). Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.';

  it('tells the agent the worded line, not Meta\'s English sentence, when the send is refused', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);

    cloud.graph.fail(1, metaError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'));
    await lina.say('Are you still there?');
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(worded);
  });

  it('tells the agent the worded line when Meta reports the message failed with 131047 later', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await lina.say('Are you still there?');
    await settled(cloud);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;

    const failed = fixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid }];
    expect((await cloud.post(failed)).status).toBe(200);
    expect(await toldInWebchat(lina, 'was not delivered')).toBe(worded);
  });
});

describe('an agent working from WhatsApp', () => {
  const omar = '15550001234';
  const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${omar}"\n    webchat: agent-omar\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n`;

  async function omarOnlineThenADayLater(config: Parameters<typeof startCloud>[0]['config'] = {}) {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, now: time.now, config });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('/online', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, omar);
    expect(cloud.graph.sentTo(omar)).toHaveLength(1);
    time.advance(25 * HOUR);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud, omar);
    return cloud;
  }

  it('gets the card of a new conversation as the notice template when their window is closed', async () => {
    const cloud = await omarOnlineThenADayLater({ WHATSAPP_NOTICE_TEMPLATE: 'card_notice' });
    const notice = cloud.graph.sentTo(omar).at(-1)!;
    expect(notice).toMatchObject({ to: omar, type: 'template', template: { name: 'card_notice', language: { code: 'en_US' } } });
    const [parameter] = notice.template.components[0].parameters;
    expect(parameter.text).toContain('#1');
    expect(parameter.text).not.toMatch(/\n/);
  });

  it('gets the card on their next address when their window is closed and no notice template is set', async () => {
    const cloud = await omarOnlineThenADayLater();
    expect(cloud.graph.sentTo(omar)).toHaveLength(1);
    const card = await toldInWebchat(visitor(cloud.app.url, 'agent-omar'), '#1');
    expect(card).toContain('Sheena Nelson');
  });
});

describe('a file that is no longer kept when it is sent', () => {
  const omar = '15550001234';
  const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${omar}"\n    teams: [Billing]\n`;

  it('is named in Arabic for a customer who writes Arabic', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('/online', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('مرحبا، أين طلبي؟')]))).status).toBe(200);
    await settled(cloud, omar);

    // Omar's photo is kept; Meta fails its first send, and its bytes are gone before the outbox tries again.
    cloud.graph.addMedia('omar-photo', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { mime: 'image/jpeg' });
    cloud.graph.fail(1, { status: 500, body: {} });
    const photo = { from: omar, id: 'wamid.OMARPHOTO', timestamp: '1763950300', type: 'image', image: { mime_type: 'image/jpeg', sha256: 'c0ffee', id: 'omar-photo' } };
    expect((await cloud.post(messagesBody([photo], { from: omar, name: 'Omar' }))).status).toBe(200);
    await eventually(() => cloud.graph.callsTo('/messages').some((call) => call.status === 500));
    for (const file of await readdir(join(cloud.dir, 'media'))) if (!file.endsWith('.json')) await rm(join(cloud.dir, 'media', file));

    await eventually(() => cloud.graph.saidTo(SHEENA).at(-1)!.startsWith('['));
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('[تعذّر إرسال صورة: لم يعد الملف محفوظًا لدينا]');
  });
});

describe('a customer\'s photo relayed to an agent on WhatsApp', () => {
  const omar = '15550001234';
  const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${omar}"\n    teams: [Billing]\n`;

  it('is captioned with the conversation and the customer alone when it has no caption, nothing after the colon', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('/online', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('I was charged twice')]))).status).toBe(200);
    await settled(cloud, omar);

    cloud.graph.addMedia('sheena-photo', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { mime: 'image/jpeg' });
    const photo = { from: SHEENA, id: 'wamid.SHEENAPHOTO', timestamp: '1763950300', type: 'image', image: { mime_type: 'image/jpeg', sha256: 'c0ffee', id: 'sheena-photo' } };
    expect((await cloud.post(messagesBody([photo]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(omar).at(-1)?.type === 'image');
    expect(cloud.graph.sentTo(omar).at(-1)!.image.caption).toBe('#1 Sheena Nelson:');
  });
});

describe('choices', () => {
  it('takes a typed number as the choice of a numbered list too long for buttons or a list', async () => {
    const plans = Array.from({ length: 11 }, (_, index) => `Plan ${index + 1}`);
    const flow = `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Which plan?"\n    expect: choice\n    choices: [${plans.join(', ')}]\n    save: conversation.plan\n  - say: "Noted: {{conversation.plan}}"\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 1);
    expect(cloud.graph.saidTo(SHEENA)[0]).toBe(`Which plan?\n\n${plans.map((plan, index) => `${index + 1}. ${plan}`).join('\n')}`);

    // Arabic-Indic digits count as well: "٢" is 2.
    expect((await cloud.post(messagesBody([text('٢')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    expect(cloud.graph.saidTo(SHEENA)[1]).toBe('Noted: plan-2');
  });

  it('words the button that opens a list of choices in the customer\'s language: Arabic for a customer who writes Arabic', async () => {
    const topics = ['Billing', 'Delivery', 'Returns', 'Account', 'Other'];
    const flow = `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Which topic?"\n    expect: choice\n    choices: [${topics.join(', ')}]\n`;
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    const omar = '15550001234';
    expect((await cloud.post(messagesBody([text('مرحبا، عندي سؤال', { from: omar })], { from: omar, name: 'عمر' }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('Hello, a question')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(omar).length === 1 && cloud.graph.sentTo(SHEENA).length === 1);
    expect(cloud.graph.sentTo(omar)[0]!.interactive.action.button).toBe('اختر');
    expect(cloud.graph.sentTo(SHEENA)[0]!.interactive.action.button).toBe('Choose');
  });

  it('sends three choices as reply buttons and takes the button pressed', async () => {
    const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Is this about billing, a technical problem, or a purchase?"\n    expect: choice\n    choices: [{ id: billing, title: Billing }, { id: tech, title: Technical }, { id: sales, title: Sales }]\n    save: conversation.topic\n  - say: "Topic: {{conversation.topic}}"\n';
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 1);
    expect(cloud.graph.sentTo(SHEENA)[0]!.interactive.action.buttons.map((button: { reply: { id: string } }) => button.reply.id)).toEqual(['billing', 'tech', 'sales']);

    expect((await cloud.post(fixture('button-reply'))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    expect(cloud.graph.saidTo(SHEENA)[1]).toBe('Topic: billing');
  });
});

describe('Meta reporting a message of an agent with language: ar failed', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    language: ar\n';

  it('tells why in Arabic when Meta\'s code says (a rate limit, a person WhatsApp cannot deliver to), else quotes Meta\'s own words; the message keeps them', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    const failAs = async (said: string, error: Record<string, unknown>) => {
      await lina.say(said);
      await settled(cloud);
      const wamid = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;
      const failed = fixture('statuses');
      failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid, errors: [error] }];
      expect((await cloud.post(failed)).status).toBe(200);
      return (await toldInWebchat(lina, `(«\u2068${said}\u2069»)`)).split('»): ')[1];
    };
    expect(await failAs('Are you still there?', { code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit', message: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' }))
      .toBe('أُرسلت رسائل كثيرة في وقت قصير فرفض تطبيق العميل المزيد مؤقتًا؛ أعد إرسالها بعد بضع دقائق');
    expect(await failAs('Hello?', { code: 131026, title: 'Message undeliverable', message: 'Message Undeliverable.' }))
      .toBe('لا يستطيع تطبيق العميل استلامها؛ ربما لا يستخدم رقمُه التطبيق، أو يحتاج تطبيقه إلى تحديث. لن يصل إليه شيء مما ترسله الآن؛ وإن كتب من جديد وصلتك رسالته هنا. أرسل \u2068/close 1\u2069 إن لم يبق ما تفعله.');
    expect(await failAs('Anyone?', { code: 135000, title: 'Generic user error', message: 'Message failed to send because of an unknown error with your request parameters.' }))
      .toBe('ردّت القناة: «\u2068Generic user error: Message failed to send because of an unknown error with your request parameters. (#135000)\u2069»');
    const messages = await cloud.app.store.messagesOfConversation(1);
    expect(messages.find((m) => m.text === 'Are you still there?' && m.direction === 'out')).toMatchObject({ error: '(Business Account, Consumer Account) pair rate limit hit: Too many messages sent from the sender phone number to the same recipient phone number in a short period of time. (#131056)' });
  });
});

describe('a customer\'s forwarded message', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';

  it('reaches the agent marked as forwarded (WhatsApp\'s "Forwarded" label), so another\'s words are not read as the customer\'s', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    const forwarded = { ...text('Your parcel is held at customs: pay 3.20 EUR at acme-parcels.example'), context: { forwarded: true } };
    expect((await cloud.post(messagesBody([forwarded]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'held at customs')).toBe('#1 Sheena Nelson, forwarded: Your parcel is held at customs: pay 3.20 EUR at acme-parcels.example');
  });
});

describe('a message the customer deleted for everyone', () => {
  const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n${language}`;

  it('is told to the agent holding the conversation, whose app still shows it; the customer hears nothing', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team() });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    expect((await cloud.post(messagesBody([{ ...text('Please cancel order 4521'), id: 'wamid.DEL1' }]))).status).toBe(200);
    await toldInWebchat(lina, 'Please cancel order 4521');
    await settled(cloud);
    const toSheena = cloud.graph.saidTo(SHEENA).length;
    const revoke = { from: SHEENA, id: 'wamid.DEL2', timestamp: '1763950320', type: 'revoke', revoke: { original_message_id: 'wamid.DEL1' } };
    expect((await cloud.post(messagesBody([revoke]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'deleted')).toBe('#1 Sheena Nelson deleted a message: "Please cancel order 4521"');
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual([]);
  });

  it('is told right after the message when Meta delivers the deletion first (the message\'s batch sent again later)', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team() });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    const revoke = { from: SHEENA, id: 'wamid.DEL6', timestamp: '1763950320', type: 'revoke', revoke: { original_message_id: 'wamid.DEL5' } };
    expect((await cloud.post(messagesBody([revoke]))).status).toBe(200);
    expect((await cloud.post(messagesBody([{ ...text('My card is 4111 1111 1111 1111'), id: 'wamid.DEL5' }]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'deleted')).toBe('#1 Sheena Nelson deleted a message: "My card is 4111 1111 1111 1111"');
    const lines = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('4111'));
    expect(lines).toEqual(['#1 Sheena Nelson: My card is 4111 1111 1111 1111', '#1 Sheena Nelson deleted a message: "My card is 4111 1111 1111 1111"']);
  });

  it('of a message that never comes is erased with the customer', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team(), config: { ADMIN_TOKEN } });
    running.push(cloud);
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    const revoke = { from: SHEENA, id: 'wamid.DEL8', timestamp: '1763950320', type: 'revoke', revoke: { original_message_id: 'wamid.DEL7' } };
    expect((await cloud.post(messagesBody([revoke]))).status).toBe(200);
    const waiting = () => cloud.app.store.doc(EARLY_CHANGES, earlyChangesKey('whatsapp-cloud', SHEENA));
    expect(await waiting()).toBeDefined();
    const [contact] = await cloud.app.store.contacts();
    expect((await adminClient(cloud.app.url).delete(`/contacts/${contact!.id}`)).status).toBe(200);
    expect(await waiting()).toBeUndefined();
  });

  it('is told in Arabic to an agent with language: ar', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team('    language: ar\n') });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    expect((await cloud.post(messagesBody([{ ...text('Please cancel order 4521'), id: 'wamid.DEL3' }]))).status).toBe(200);
    await toldInWebchat(lina, 'Please cancel order 4521');
    const revoke = { from: SHEENA, id: 'wamid.DEL4', timestamp: '1763950320', type: 'revoke', revoke: { original_message_id: 'wamid.DEL3' } };
    expect((await cloud.post(messagesBody([revoke]))).status).toBe(200);
    expect(await toldInWebchat(lina, 'حذف')).toBe('#1 حذف من \u2068Sheena Nelson\u2069 لرسالة: «\u2068Please cancel order 4521\u2069»');
  });
});

describe('a customer\'s reaction that Meta delivers before the message it reacts to', () => {
  const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n${language}`;
  const reaction = { from: SHEENA, id: 'wamid.REACT2', timestamp: '1763950321', type: 'reaction', reaction: { message_id: 'wamid.REACT1', emoji: '👆' } };
  const message = { ...text('Order 4521 arrived broken'), id: 'wamid.REACT1', timestamp: '1763950320' };

  /** Lina holds Sheena's conversation; the reaction comes (twice: Meta sends its batch again), then its message, then the reaction once more. */
  async function reactedFirst(language = ''): Promise<string[]> {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team(language) });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await toldInWebchat(lina, 'Hi, my order never arrived');
    for (const batch of [[reaction], [reaction], [message], [reaction]]) expect((await cloud.post(messagesBody(batch))).status).toBe(200);
    await toldInWebchat(lina, '👆');
    await settled(cloud);
    const transcript = await cloud.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.reaction).map((m) => [m.text, m.reaction])).toEqual([['[reacted 👆]', { emoji: '👆', to: 'wamid.REACT1' }]]);
    return (await lina.messages()).map((m) => m.text).filter((line) => line.includes('Order 4521'));
  }

  it('is told to the agent right after the message, with the words it answers, once however often Meta sends it', async () => {
    expect(await reactedFirst()).toEqual(['#1 Sheena Nelson: Order 4521 arrived broken', '#1 Sheena Nelson reacted 👆 to "Order 4521 arrived broken"']);
  });

  it('is told without its words at the customer\'s next message once its message has not come in 2 minutes', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: team(), now: time.now });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await toldInWebchat(lina, 'Hi, my order never arrived');
    // A 👍 to a message the store never had (sent before Switchboard was): it waits for it first.
    const old = { ...reaction, id: 'wamid.REACT9', reaction: { message_id: 'wamid.BEFORE', emoji: '👍' } };
    expect((await cloud.post(messagesBody([old]))).status).toBe(200);
    time.advance(60_000);
    expect((await cloud.post(messagesBody([{ ...text('Is it on its way?'), id: 'wamid.NEXT1' }]))).status).toBe(200);
    await toldInWebchat(lina, 'Is it on its way?');
    time.advance(61_000);
    expect((await cloud.post(messagesBody([{ ...text('Hello?'), id: 'wamid.NEXT2' }]))).status).toBe(200);
    expect(await toldInWebchat(lina, '👍')).toBe('#1 Sheena Nelson reacted 👍 to a message');
    await settled(cloud);
    const told = (await lina.messages()).map((m) => m.text);
    expect(told.filter((line) => line.includes('👍'))).toHaveLength(1);
    // Told once its 2 minutes were up, not at the message a minute in.
    expect(told.indexOf('#1 Sheena Nelson reacted 👍 to a message')).toBeGreaterThan(told.indexOf('#1 Sheena Nelson: Is it on its way?'));
    const transcript = await cloud.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.reaction).map((m) => [m.text, m.reaction])).toEqual([['[reacted 👍]', { emoji: '👍', to: 'wamid.BEFORE' }]]);
  });

  it('is told in Arabic to an agent with language: ar, with the words it answers', async () => {
    expect((await reactedFirst('    language: ar\n')).at(-1)).toBe('#1 تفاعل من \u2068Sheena Nelson\u2069: 👆 على «\u2068Order 4521 arrived broken\u2069»');
  });
});

describe('a reply that never reached the customer, in the reports', () => {
  const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';

  it('is no first response: the first one is the agent\'s first reply that was not refused or reported failed', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, now: time.now, config: { ADMIN_TOKEN } });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);

    // 2 minutes in, Meta refuses Lina's reply at once.
    time.advance(2 * 60_000);
    cloud.graph.fail(1, metaError(400, 131026, '(#131026) Message undeliverable', 'Message failed to send because the recipient could not be reached.'));
    await lina.say('Looking into it');
    await toldInWebchat(lina, '("Looking into it")');
    // 10 minutes in, Meta takes her next one, and reports later that it failed.
    time.advance(8 * 60_000);
    await lina.say('Are you there?');
    await settled(cloud);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;
    const failed = fixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid }];
    expect((await cloud.post(failed)).status).toBe(200);
    await toldInWebchat(lina, '("Are you there?")');
    // 15 minutes in, her third reply reaches Sheena: that is when Sheena first heard from anyone.
    time.advance(5 * 60_000);
    await lina.say('Your refund is on its way');
    await settled(cloud);

    const report = (await adminClient(cloud.app.url).get<{ total: { firstResponse: unknown }; agents: Record<string, { firstResponse: unknown }> }>('/reports')).body;
    expect(report.total.firstResponse).toEqual({ count: 1, median: 900, p90: 900 });
    expect(report.agents.lina?.firstResponse).toEqual({ count: 1, median: 900, p90: 900 });
  });

  it('reported failed after the agent transferred the customer to another team: the next reply counts for the team it was written in', async () => {
    const twoTeams = 'teams:\n  - name: Billing\n  - name: Support\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n'
      + '  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Support]\n';
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team: twoTeams, now: time.now, config: { ADMIN_TOKEN } });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    const sara = visitor(cloud.app.url, 'agent-sara');
    await lina.say('/online');
    await sara.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);

    // Lina of Billing answers 2 minutes in (Meta takes it, and reports later it failed) and again at 3 minutes.
    time.advance(2 * 60_000);
    await lina.say('Looking into it');
    await settled(cloud);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;
    time.advance(60_000);
    await lina.say('It is an app problem: Support will help you');
    await settled(cloud);
    // At 4 minutes she passes Sheena to Support, where Sara takes her; then Meta reports the first reply failed.
    time.advance(60_000);
    await lina.say('/transfer Support');
    await toldInWebchat(sara, 'Sheena');
    time.advance(60_000);
    const failed = fixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ ...failed.entry[0].changes[0].value.statuses[1], id: wamid }];
    expect((await cloud.post(failed)).status).toBe(200);
    await toldInWebchat(lina, '("Looking into it")');

    // Sheena first heard from Billing's Lina, 3 minutes in: Billing's answer, not Support's (which gave none).
    const report = (await adminClient(cloud.app.url).get<{ teams: Record<string, { firstResponse: unknown }>; agents: Record<string, { firstResponse: unknown }> }>('/reports')).body;
    expect(report.agents.lina?.firstResponse).toEqual({ count: 1, median: 180, p90: 180 });
    expect(report.teams.Billing?.firstResponse).toEqual({ count: 1, median: 180, p90: 180 });
    expect(report.teams.Support?.firstResponse).toEqual({ count: 0, median: null, p90: null });
  });
});
