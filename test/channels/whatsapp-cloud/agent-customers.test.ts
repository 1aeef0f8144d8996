// An agent answering several customers from their own WhatsApp, through the real server, the fake Graph API and the
// fake Bot API: where their plain messages go when the conversation they went to is taken from them (an admin closes
// it, inactivity does) and the one customer they hold now is someone else. Nothing reaches that other customer; the
// agent is told, in their language, and their next message goes on as usual.
import { describe, expect, it } from 'vitest';
import { visitor } from '../../helpers.ts';
import { FakeBotApi } from '../telegram/fake-bot-api.ts';
import { SECRET, TOKEN, post, telegramServers } from '../telegram/harness.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import { clock, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const OMAR = '15550001234';
const LAYLA = 5001;
const HOUR = 3_600_000;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n    max_open: 3\n${language}`;

const servers = telegramServers();

let nextMessage = 80_000;
/** A private Telegram message from Layla saying `body`. */
function fromLayla(body: string): Record<string, any> {
  const person = { id: LAYLA, first_name: 'Layla' };
  return { update_id: nextMessage, message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body } };
}

/** Layla on Telegram, Sam on the web chat, Omar on WhatsApp; `now`, the server's clock. */
async function desk(options: { language?: string; now?: () => Date } = {}) {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  const cloud: CloudServer = await startCloud({
    flows: { 'inbound.yaml': assignFlow }, team: team(options.language), ...(options.now ? { now: options.now } : {}),
    config: { ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
  });
  servers.stopAfterTest(cloud);
  // Sam's session, on whichever server runs now (a restart keeps it).
  const sam = () => visitor(cloud.app.url, 'sam', 'Sam');
  /** Omar writes from WhatsApp; resolves to what the bot answered him, once every reply has left. */
  const omar = async (body: string): Promise<string[]> => {
    const before = cloud.graph.saidTo(OMAR).length;
    expect((await cloud.post(messagesBody([text(body, { from: OMAR })], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    return cloud.graph.saidTo(OMAR).slice(before);
  };
  const layla = async (body: string) => {
    expect(await post(cloud.app, fromLayla(body))).toBe(200);
    await settled(cloud, OMAR);
  };
  const samSays = async (body: string) => {
    expect((await sam().say(body)).status).toBe(202);
    for (let waited = 0; waited < 3000 && !cloud.graph.saidTo(OMAR).some((said) => said.includes(body)); waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    await settled(cloud, OMAR);
  };
  const samGot = async () => (await sam().messages()).filter((m) => m.from !== 'contact').map((m) => m.text);
  return { api, cloud, omar, layla, samSays, samGot };
}

describe('an agent on WhatsApp whose conversation was taken from them while they held another', () => {
  it('holds back a plain message after an admin closed the conversation they picked with /use, rather than sending it to the other customer', async () => {
    const { api, cloud, omar, layla, samSays, samGot } = await desk();
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    await samSays('Hello, a question about my invoice');
    expect(await omar('/use 1')).toEqual(['Your messages now go to #1 (Layla).']);
    expect((await adminClient(cloud.app.url).post('/conversations/1/close', { note: 'duplicate' })).status).toBe(200);
    await settled(cloud, OMAR);

    // Omar had not read the admin's close: his answer for Layla must not reach Sam.
    expect(await omar('Layla, your refund of 50 EUR for order 4521 was approved.')).toEqual([
      'Nothing was sent or done: #1 (Layla), where your messages went, is closed now. They go to #2 (Sam) from now on: send it again if it is meant for them.',
    ]);
    expect(await samGot()).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
    expect(api.sentTo(LAYLA).join('\n')).not.toContain('50 EUR');

    // Told once: his next message is Sam's.
    expect(await omar('Hi Sam, let me look at your invoice.')).toEqual([]);
    expect((await samGot()).at(-1)).toBe('Hi Sam, let me look at your invoice.');
  });

  it('holds back a plain message and a /close after the only conversation they wrote to was closed for inactivity and a new customer came, across a restart, in Arabic', async () => {
    const time = clock(new Date().toISOString());
    const { cloud, omar, layla, samSays, samGot } = await desk({ language: '    language: ar\n', now: time.now });
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    expect(await omar('Let me check with our bank.')).toEqual([]);
    time.advance(25 * HOUR);
    await cloud.app.runtime.sweep();
    await settled(cloud, OMAR);
    expect((await cloud.app.store.conversation(1))?.status).toBe('closed');
    // The next morning (his WhatsApp window open again) he writes to Layla, and is told what became of #1; then a new customer comes.
    expect(await omar('Are you still there?')).toEqual([
      'لم يُرسَل شيء ولم يُنفَّذ شيء: المحادثة #1 (\u2068Layla\u2069) التي كانت تصلها رسائلك أُغلقت. ليست معك محادثة أخرى: يعرض \u2068/list\u2069 قائمة الانتظار، ويستلم \u2068/claim N\u2069 محادثة منها.',
    ]);
    await samSays('Hello, a question about my invoice');
    await cloud.restart();

    const heldBack = 'لم يُرسَل شيء ولم يُنفَّذ شيء: المحادثة #1 (\u2068Layla\u2069) التي كانت تصلها رسائلك أُغلقت. تصل رسائلك من الآن إلى المحادثة #2 (\u2068Sam\u2069): أعد إرسالها إن كانت لهذا العميل.';
    expect(await omar('/close')).toEqual([heldBack]);
    expect((await cloud.app.store.conversation(2))?.status).toBe('open');
    expect(await omar('/use 2')).toEqual(['تصل رسائلك الآن إلى المحادثة #2 (\u2068Sam\u2069).']);
    expect(await omar('The bank approved your refund of 50 EUR.')).toEqual([]);
    expect((await samGot()).at(-1)).toBe('The bank approved your refund of 50 EUR.');
  });

  it('sends on as before after the agent closed the conversation they wrote to themselves', async () => {
    const { cloud, omar, layla, samSays, samGot } = await desk();
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    expect(await omar('Your refund is on its way.')).toEqual([]);
    expect(await omar('/close')).toEqual(['Closed #1.']);
    await samSays('Hello, a question about my invoice');
    // An admin closing the one Omar writes to now, after he had closed Layla's himself: held back for Sam's sake, not Layla's.
    expect(await omar('Hi Sam!')).toEqual([]);
    expect((await samGot()).at(-1)).toBe('Hi Sam!');
    await layla('One more thing about order 4521');
    expect((await adminClient(cloud.app.url).post('/conversations/2/close', {})).status).toBe(200);
    await settled(cloud, OMAR);
    expect(await omar('Sam, your invoice is corrected.')).toEqual([
      'Nothing was sent or done: #2 (Sam), where your messages went, is closed now. They go to #3 (Layla) from now on: send it again if it is meant for them.',
    ]);
  });
});

describe('an agent on WhatsApp who reacts to a message, or deletes one of theirs for everyone', () => {
  /** Omar's WhatsApp message `message` (a reaction, a revoke); resolves to what the bot answered him. */
  async function omarDoes(cloud: CloudServer, message: Record<string, unknown>): Promise<string[]> {
    const before = cloud.graph.saidTo(OMAR).length;
    expect((await cloud.post(messagesBody([{ from: OMAR, timestamp: '1763950300', ...message }], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    return cloud.graph.saidTo(OMAR).slice(before);
  }

  /** The reactions the bot put on (or took off) Layla's Telegram messages since call `from`. */
  const reactionsOnLayla = (api: FakeBotApi, from = 0) => api.callsOf('setMessageReaction').slice(from)
    .filter((call) => String(call.params?.chat_id) === String(LAYLA)).map((call) => ({ on: call.params?.message_id, reaction: call.params?.reaction }));

  it('puts his 👍 on the customer\'s own Telegram message, takes it off again, and puts nothing on another customer\'s', async () => {
    const { api, cloud, omar, layla, samSays, samGot } = await desk();
    await omar('/online');
    await layla('Did my refund go out?');
    const arrived = nextMessage;
    await layla('Thanks, the refund arrived!');
    await samSays('Hello, a question about my invoice');
    const relay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body === '#1 Layla: Thanks, the refund arrived!')!;
    const texts = api.sentTo(LAYLA).length;

    expect(await omarDoes(cloud, { id: 'wamid.OMARREACT', type: 'reaction', reaction: { message_id: relay.id, emoji: '👍' } })).toEqual([]);
    expect(reactionsOnLayla(api)).toEqual([{ on: arrived, reaction: [{ type: 'emoji', emoji: '👍' }] }]);
    // WhatsApp's ❤️ is Telegram's ❤, which Telegram takes from a bot.
    expect(await omarDoes(cloud, { id: 'wamid.OMARREACT2', type: 'reaction', reaction: { message_id: relay.id, emoji: '❤️' } })).toEqual([]);
    expect(reactionsOnLayla(api, 1)).toEqual([{ on: arrived, reaction: [{ type: 'emoji', emoji: '❤' }] }]);
    // Taken back in his WhatsApp: taken off her message.
    expect(await omarDoes(cloud, { id: 'wamid.OMARUNREACT', type: 'reaction', reaction: { message_id: relay.id, emoji: '' } })).toEqual([]);
    expect(reactionsOnLayla(api, 2)).toEqual([{ on: arrived, reaction: [] }]);
    expect(api.sentTo(LAYLA).length).toBe(texts);
    // The transcript says what Omar did to her message, in the admin's language.
    const transcript = async (language: string) => ((await adminClient(cloud.app.url).get<{ messages: { from: string; text: string }[] }>('/conversations/1', { 'accept-language': language })).body.messages)
      .filter((message) => message.from === 'agent').map((message) => message.text);
    expect(await transcript('en')).toEqual(['[reacted 👍 to "Thanks, the refund arrived!"]', '[reacted ❤️ to "Thanks, the refund arrived!"]', '[took back the reaction to "Thanks, the refund arrived!"]']);
    expect((await transcript('ar')).at(-1)).toBe('[سحب التفاعل على «\u2068Thanks, the refund arrived!\u2069»]');

    // Sam's web chat shows no reactions: Omar is told, and Sam gets nothing.
    await samSays('It is invoice 77.');
    const samsRelay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body === '#2 Sam: It is invoice 77.')!;
    expect(await omarDoes(cloud, { id: 'wamid.OMARREACT3', type: 'reaction', reaction: { message_id: samsRelay.id, emoji: '👍' } })).toEqual([
      '#2: your reaction 👍 did not reach Sam: reactions are not passed on to their chat. Write it to them instead.',
    ]);
    expect(await samGot()).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
    expect(api.callsOf('setMessageReaction').length).toBe(3);
  });

  it('tells him which emoji Telegram takes from the business, and that a reaction reaches no one once the conversation is closed, in Arabic', async () => {
    const { api, cloud, omar, layla } = await desk({ language: '    language: ar\n' });
    await omar('/online');
    await layla('Did my refund go out?');
    await layla('Thanks, the refund arrived!');
    const relay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body?.endsWith('Thanks, the refund arrived!'))!;

    expect(await omarDoes(cloud, { id: 'wamid.OMARMELT', type: 'reaction', reaction: { message_id: relay.id, emoji: '🫠' } })).toEqual([
      'المحادثة #1: لم يصل تفاعلك 🫠 إلى \u2068Layla\u2069: لا يقبل تطبيقه من الشركة إلا بعض التفاعلات (منها 👍 ❤ 🔥 🙏 👌). تفاعل بأحدها، أو اكتب له ما تريد.',
    ]);
    expect((await adminClient(cloud.app.url).post('/conversations/1/close', {}, { 'x-admin-name': 'Nadia' })).status).toBe(200);
    await settled(cloud, OMAR);
    expect(await omarDoes(cloud, { id: 'wamid.OMARLATE', type: 'reaction', reaction: { message_id: relay.id, emoji: '👍' } })).toEqual([
      // Who closed it and when: Nadia, from the dashboard, a moment ago.
      expect.stringMatching(/^أُغلقت المحادثة #1 بواسطة \u2068Nadia\u2069 في \u2068\d{4}-\d\d-\d\d\u2069 الساعة \u2068\d\d:\d\d UTC\u2069: لم يصل تفاعلك 👍 إلى \u2068Layla\u2069\.$/),
    ]);
    expect(reactionsOnLayla(api)).toEqual([]);
  });

  it('puts his 🙏 on a WhatsApp customer\'s own message as a WhatsApp reaction, and takes it off again', async () => {
    const { cloud, omar } = await desk();
    const KARIM = '15550009876';
    const karim = async (message: Record<string, unknown>) => {
      expect((await cloud.post(messagesBody([message], { from: KARIM, name: 'Karim' }))).status).toBe(200);
      await settled(cloud, OMAR);
    };
    await omar('/online');
    await karim(text('Is the shop open on Friday?', { from: KARIM }));
    const thanks = text('Thank you so much!', { from: KARIM });
    await karim(thanks);
    const relay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body === '#1 Karim: Thank you so much!')!;
    const reactionsOnKarim = () => cloud.graph.sent.filter((sent) => sent.body.to === KARIM && sent.body.type === 'reaction').map((sent) => sent.body.reaction);

    expect(await omarDoes(cloud, { id: 'wamid.OMARPRAY', type: 'reaction', reaction: { message_id: relay.id, emoji: '🙏' } })).toEqual([]);
    expect(await omarDoes(cloud, { id: 'wamid.OMARUNPRAY', type: 'reaction', reaction: { message_id: relay.id, emoji: '' } })).toEqual([]);
    expect(reactionsOnKarim()).toEqual([{ message_id: thanks.id, emoji: '🙏' }, { message_id: thanks.id, emoji: '' }]);
    expect(cloud.graph.saidTo(KARIM).filter((said) => said.includes('🙏'))).toEqual([]);
  });

  it('tells him his reaction reaches no one once an admin gave the conversation to Sara, and who closed it and when once she did, and takes nothing off her message', async () => {
    const { api, cloud, omar, layla } = await desk({ language: '  - name: Sara\n    whatsapp: "+15550007777"\n    teams: [Billing]\n' });
    await omar('/online');
    await layla('Did my refund go out?');
    await layla('Thanks, the refund arrived!');
    const relay = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body === '#1 Layla: Thanks, the refund arrived!')!;
    const SARA = '15550007777';
    expect((await cloud.post(messagesBody([text('/online', { from: SARA })], { from: SARA, name: 'Sara' }))).status).toBe(200);
    await settled(cloud, SARA);
    expect((await adminClient(cloud.app.url).post('/conversations/1/transfer', { agentId: 'sara' })).status).toBe(200);
    await settled(cloud, OMAR);
    const told = cloud.graph.saidTo(OMAR).length;
    expect(await omarDoes(cloud, { id: 'wamid.OMARAFTER', type: 'reaction', reaction: { message_id: relay.id, emoji: '👍' } })).toEqual([
      '#1 is not yours any more (Sara has it): your reaction 👍 did not reach Layla.',
    ]);
    expect(await omarDoes(cloud, { id: 'wamid.OMARAFTER2', type: 'reaction', reaction: { message_id: relay.id, emoji: '' } })).toEqual([]);
    expect(cloud.graph.saidTo(OMAR).length).toBe(told + 1);
    // Sara closes it: his next reaction is told who closed it and when.
    expect((await cloud.post(messagesBody([text('/close 1', { from: SARA })], { from: SARA, name: 'Sara' }))).status).toBe(200);
    await settled(cloud, SARA);
    expect(await omarDoes(cloud, { id: 'wamid.OMARAFTER3', type: 'reaction', reaction: { message_id: relay.id, emoji: '❤️' } })).toEqual([
      expect.stringMatching(/^#1 was closed by Sara on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: your reaction ❤️ did not reach Layla\.$/),
    ]);
    expect(reactionsOnLayla(api)).toEqual([]);
  });

  it('tells him his reaction to a card reaches no customer', async () => {
    const { api, cloud, omar, layla } = await desk();
    await omar('/online');
    await layla('Where is my refund?');
    const card = cloud.graph.sent.find((sent) => sent.body.to === OMAR && sent.body.text?.body?.startsWith('#1 ') && sent.body.text.body.includes('\n'))!;
    expect(await omarDoes(cloud, { id: 'wamid.OMARCARD', type: 'reaction', reaction: { message_id: card.id, emoji: '👍' } })).toEqual([
      '#1: your reaction 👍 did not reach Layla: only a reaction to one of their own messages does.',
    ]);
    expect(reactionsOnLayla(api)).toEqual([]);
  });

  it('is told in Arabic that the customer still has a message they deleted for everyone, which was sent to them', async () => {
    const { cloud, omar, samSays, samGot } = await desk({ language: '    language: ar\n' });
    await omar('/online');
    await samSays('Hello, a question about my invoice');
    const wrong = text('Your refund of 50 EUR for order 4521 was approved.', { from: OMAR });
    expect((await cloud.post(messagesBody([wrong], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    expect((await samGot()).at(-1)).toBe('Your refund of 50 EUR for order 4521 was approved.');
    expect(await omarDoes(cloud, { id: 'wamid.OMARREVOKE', type: 'revoke', revoke: { original_message_id: wrong.id } })).toEqual([
      'المحادثة #1: ما زالت الرسالة التي حذفتها («\u2068Your refund of 50 EUR for order 4521 was approved.\u2069») لدى \u2068Sam\u2069: لا يمكن استرجاع رسالة وصلت إلى العميل. إن كانت خاطئة فأخبره بذلك.',
    ]);
    // A deleted command took nothing back from anyone: nothing to tell.
    const list = text('/list', { from: OMAR });
    expect((await cloud.post(messagesBody([list], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    expect(await omarDoes(cloud, { id: 'wamid.OMARREVOKE2', type: 'revoke', revoke: { original_message_id: list.id } })).toEqual([]);
  });
});

describe('an agent on WhatsApp who starts a message with a conversation\'s number, as the relays are tagged', () => {
  it('sends "#2 …" to #2 without the number, though /use picked #1, and refuses it for a conversation closed since', async () => {
    const { api, cloud, omar, layla, samSays, samGot } = await desk();
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    await samSays('Hello, a question about my invoice');
    expect(await omar('/use 1')).toEqual(['Your messages now go to #1 (Layla).']);

    expect(await omar('#2 Your invoice is fixed, Sam.')).toEqual([]);
    expect((await samGot()).at(-1)).toBe('Your invoice is fixed, Sam.');
    expect(api.sentTo(LAYLA).join('\n')).not.toContain('invoice');
    expect(await omar('#1: The refund left our bank yesterday.')).toEqual([]);
    expect(api.sentTo(LAYLA).at(-1)).toBe('The refund left our bank yesterday.');
    // A number that is no conversation of his teams is his own words, to the conversation he picked.
    expect(await omar('#40 is the number of your parcel locker.')).toEqual([]);
    expect(api.sentTo(LAYLA).at(-1)).toBe('#40 is the number of your parcel locker.');

    // His edit of a numbered message corrects it for Sam, without the number either.
    const numbered = text('#2 Your credit is 50 EUR.', { from: OMAR });
    expect((await cloud.post(messagesBody([numbered], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    const edit = { from: OMAR, id: 'wamid.OMAREDIT', timestamp: '1763950400', type: 'edit', edit: { original_message_id: numbered.id, message: { type: 'text', text: { body: '#2 Your credit is 15 EUR.' } } } };
    expect((await cloud.post(messagesBody([edit], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    expect((await samGot()).slice(-2)).toEqual(['Your credit is 50 EUR.', 'Correction: Your credit is 15 EUR.']);

    expect((await adminClient(cloud.app.url).post('/conversations/2/close', {})).status).toBe(200);
    await settled(cloud, OMAR);
    expect(await omar('#2 One more thing about your invoice')).toEqual([expect.stringMatching(/^#2 was closed by \S+ on \d{4}-\d\d-\d\d at \d\d:\d\d UTC: that did not reach the customer\.$/)]);
    expect(api.sentTo(LAYLA).join('\n')).not.toContain('One more thing');
  });
});

describe('an agent on WhatsApp who forgets the slash of a command', () => {
  it('sends the customer nothing for "Close" or "use 2" alone and asks whether they meant the command', async () => {
    const { api, cloud, omar, layla } = await desk();
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    const toLayla = api.sentTo(LAYLA).length;
    expect(await omar(' Close ')).toEqual(['Nothing was sent to the customer: did you mean /close? Commands start with "/".']);
    expect(await omar('use #1')).toEqual(['Nothing was sent to the customer: did you mean /use 1? Commands start with "/".']);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect((await cloud.app.store.conversation(1))?.status).toBe('open');
    // Words around it make it a message.
    expect(await omar('Close to done: one more check.')).toEqual([]);
    expect(api.sentTo(LAYLA).at(-1)).toBe('Close to done: one more check.');
  });

  it('asks in Arabic an agent with language: ar', async () => {
    const { omar, layla } = await desk({ language: '    language: ar\n' });
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    expect(await omar('LIST')).toEqual(['لم يُرسَل شيء إلى العميل: هل تقصد \u2068/list\u2069؟ تبدأ الأوامر بـ «/».']);
  });
});

describe('an agent on WhatsApp who replies to a message of their own', () => {
  it('adds to what they told that customer, not to the customer picked with /use', async () => {
    const { api, cloud, omar, layla, samSays, samGot } = await desk();
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    await samSays('Hello, a question about my invoice');
    expect(await omar('/use 1')).toEqual(['Your messages now go to #1 (Layla).']);
    const told = text('Your refund of 50 EUR left our bank yesterday.', { from: OMAR });
    expect((await cloud.post(messagesBody([told], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    expect(await omar('/use 2')).toEqual(['Your messages now go to #2 (Sam).']);

    // WhatsApp's Reply on his own message to Layla, to add to it.
    const more = { ...text('It should reach your card by Monday.', { from: OMAR }), context: { from: OMAR, id: told.id } };
    expect((await cloud.post(messagesBody([more], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
    expect(api.sentTo(LAYLA).at(-1)).toBe('It should reach your card by Monday.');
    expect((await samGot()).join('\n')).not.toContain('Monday');
  });
});

describe('an agent on WhatsApp with language: ar who types conversation numbers in Arabic-Indic digits', () => {
  it('takes "/use ٢", "#١ …" and "/close ٢" as /use 2, #1 and /close 2', async () => {
    const { api, cloud, omar, layla, samSays, samGot } = await desk({ language: '    language: ar\n' });
    await omar('/online');
    await layla('Where is my refund for order 4521?');
    await samSays('Hello, a question about my invoice');
    expect(await omar('/use ٢')).toEqual(['تصل رسائلك الآن إلى المحادثة #2 (\u2068Sam\u2069).']);
    expect(await omar('#١ استُرد المبلغ أمس.')).toEqual([]);
    expect(api.sentTo(LAYLA).at(-1)).toBe('استُرد المبلغ أمس.');
    expect((await samGot()).join('\n')).not.toContain('استُرد');
    expect(await omar('/close ٢')).toEqual(['أُغلقت المحادثة #2.']);
    expect((await cloud.app.store.conversation(2))?.status).toBe('closed');
  });
});
