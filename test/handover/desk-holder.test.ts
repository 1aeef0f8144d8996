// What the agent holding a conversation gets from /transfer and /handback typed in its Telegram desk topic, against
// the fake Bot API: they act on that conversation, as /close does there, with the confirmations, refusals and
// customer's lines of their private chat, in the team's language.
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { DESK, SARA, inTopic, isolated, takenByOmar as takeByOmar, team } from './desk-topics.ts';

const { setUp } = telegramServers();
const takenByOmar = (language = '', options: Parameters<typeof takeByOmar>[2] = {}) => takeByOmar(setUp, language, options);
const omar = { id: OMAR, name: 'Omar' };

/** Billing's flow hands Layla to the desk, and asks one more question when an agent hands her back. */
const askAfterFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
  - ask: "Anything else we can help you with?"
    save: conversation.more
  - say: "Noted, thank you."
  - close: true
`;

/** Posts `update` and waits until the desk shows `count` more messages than it did. */
async function deskSays(app: Parameters<typeof post>[0], api: { sentTo(chat: number): string[] }, update: Record<string, unknown>, count = 1): Promise<string[]> {
  const before = api.sentTo(DESK).length;
  expect(await post(app, update)).toBe(200);
  await eventually(() => api.sentTo(DESK).length >= before + count);
  return api.sentTo(DESK).slice(before);
}

describe('the holder\'s /transfer in the desk topic of their conversation', () => {
  it('passes it to a colleague who is online, named with or without its number; the customer hears who joined', async () => {
    const { app, api } = await takenByOmar();
    const toLayla = api.sentTo(LAYLA).length;
    // Sara is not online yet: refused as in Omar's chat, and nothing moves.
    expect(await deskSays(app, api, inTopic(omar, '/transfer Sara'))).toEqual(['Sara is not online; #1 stays with you.']);
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(await post(app, textNow(SARA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(SARA).length > 0);
    expect(await deskSays(app, api, inTopic(omar, '/transfer 1 Sara'))).toEqual(['#1 is now with Sara.']);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara' });
    await eventually(() => api.sentTo(LAYLA).length > toLayla);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([`${isolated('Sara')} has joined the conversation.`]);
    // Sara's words there reach Layla now; Omar's do not.
    expect(await post(app, inTopic({ id: SARA, name: 'Sara' }, 'Hi Layla, Sara here.'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Hi Layla, Sara here.'));
    expect(await deskSays(app, api, inTopic(omar, 'One more thing'))).toEqual([
      'Omar, that was not sent to Layla: #1 is with Sara. Ask Sara to pass it to you (/transfer 1 Omar, here or in their chat with the bot).',
    ]);
    expect(api.sentTo(LAYLA)).not.toContain('One more thing');
  }, 30_000);

  it('names another conversation\'s number: refused, that one is passed on in its own topic', async () => {
    const { app, api } = await takenByOmar();
    expect(await deskSays(app, api, inTopic(omar, '/transfer 2 Sara'))).toEqual(['This topic is #1; pass #2 on in its own topic.']);
    expect(await deskSays(app, api, inTopic(omar, '/handback 2'))).toEqual(['This topic is #1; hand #2 back in its own topic.']);
    expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  }, 30_000);

  it('is answered in Arabic in the topic of a team with language: ar', async () => {
    const { app, api } = await takenByOmar('    language: ar\n');
    expect(await deskSays(app, api, inTopic(omar, '/transfer Sara'))).toEqual([`${isolated('Sara')} غير متصل الآن؛ تبقى المحادثة #1 معك.`]);
    expect(await deskSays(app, api, inTopic(omar, '/handback 2'))).toEqual(['هذا الموضوع للمحادثة #1؛ أعد المحادثة #2 إلى البوت في موضوعها.']);
  }, 30_000);
});

describe('the holder\'s /handback in the desk topic of their conversation', () => {
  it('hands it back to the bot, whose flow goes on with the customer: their answer goes to it, not to the topic', async () => {
    const { app, api } = await takenByOmar('', { flows: { 'inbound.yaml': askAfterFlow } });
    const toLayla = api.sentTo(LAYLA).length;
    expect(await deskSays(app, api, inTopic(omar, '/handback'))).toEqual(['#1 is back with the bot.']);
    await eventually(() => api.sentTo(LAYLA).length >= toLayla + 2);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['You are back with our assistant.', 'Anything else we can help you with?']);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'bot' });
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, textNow(LAYLA, 'No, that was all'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).includes('Noted, thank you.'));
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', fields: { more: 'No, that was all' } });
    expect(api.sentTo(DESK).slice(inDesk).join('\n')).not.toContain('No, that was all');
  }, 30_000);

  /** Layla answers the bot's question after Omar handed #1 back in its topic (team `language`): what the topic is told as the flow closes it. */
  async function closedByFlow(language = '', close = 'true') {
    const { app, api } = await takenByOmar(language, { flows: { 'inbound.yaml': askAfterFlow.replace('close: true', `close: ${close}`) } });
    expect(await post(app, inTopic(omar, '/handback'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'Anything else we can help you with?');
    await eventually(() => api.sentTo(DESK).length === 3);
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, textNow(LAYLA, 'No, that was all'))).toBe(200);
    await eventually(() => api.callsOf('closeForumTopic').length === 1 && api.sentTo(DESK).length > inDesk);
    expect(api.callsOf('closeForumTopic').map((call) => call.params.message_thread_id)).toEqual([55]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'bot' });
    return api.sentTo(DESK).slice(inDesk);
  }

  it('says in the topic why, when the flow goes on to a close step, before the topic closes', async () => {
    expect(await closedByFlow()).toEqual(['#1 is closed: it was with the bot, and its flow ended the conversation. When Layla writes again, they start a new conversation.']);
  }, 30_000);

  it('says it with the close step\'s note, in Arabic for a team with language: ar', async () => {
    expect(await closedByFlow('    language: ar\n', '"Resolved by the bot"')).toEqual([
      `أُغلقت المحادثة #1: كانت مع البوت، وأنهى مسارُ المحادثة الحديثَ (${isolated('Resolved by the bot')}). حين يكتب ${isolated('Layla')} مجددًا تبدأ محادثة جديدة.`,
    ]);
  }, 30_000);

  it('says in the topic, and to its holder, that the customer left the chat (the web chat\'s New visitor), then closes it', async () => {
    const { app, api } = await takenByOmar();
    const inDesk = api.sentTo(DESK).length;
    expect(await app.runtime.left('telegram', String(LAYLA))).toBe(1);
    const said = '#1 is closed: Layla left the chat (they started over as a new visitor). Nothing more you write reaches them.';
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([said]);
    await eventually(() => api.sentTo(OMAR).includes(said));
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'contact' });
  }, 30_000);

  const HOUR = 3_600_000;
  /** Layla's conversation handed back by Omar in its topic, the bot asking her one more question, on a clock moved by `later`. */
  async function handedBack(language = '') {
    const clock = { moved: 0 };
    const { app, api } = await takenByOmar(language, { flows: { 'inbound.yaml': askAfterFlow }, now: () => new Date(Date.now() + clock.moved) });
    expect(await post(app, inTopic(omar, '/handback'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).at(-1) === 'Anything else we can help you with?');
    await eventually(() => api.sentTo(DESK).length === 3);
    const later = async (hours: number) => {
      clock.moved = hours * HOUR;
      await app.runtime.sweep();
    };
    return { app, api, later };
  }

  it('closes once the customer left the bot\'s question unanswered for BOT_IDLE_CLOSE_AFTER: the topic says why, then closes', async () => {
    const { app, api, later } = await handedBack();
    const toLayla = api.sentTo(LAYLA).length;
    const inDesk = api.sentTo(DESK).length;
    await later(23);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'bot' });
    await later(24.1);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      '#1 is closed: it was back with the bot, and Layla left its question unanswered for 24 h. When they write again, they start a new conversation.',
    ]);
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', stage: 'bot', closedBy: 'auto' });
    await eventually(() => api.callsOf('closeForumTopic').length === 1);
    expect(api.callsOf('closeForumTopic').map((call) => call.params.message_thread_id)).toEqual([55]);
    // Layla is told nothing; her next words open a new conversation, which the flow hands to the desk in a topic of its own.
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
    expect(await post(app, textNow(LAYLA, 'Hello again'))).toBe(200);
    await eventually(() => api.callsOf('createForumTopic').length === 2);
    expect(await app.store.conversation(2)).toMatchObject({ status: 'open', stage: 'queued', team: 'Billing' });
  }, 30_000);

  it('says so in Arabic in the topic of a team with language: ar', async () => {
    const { api, later } = await handedBack('    language: ar\n');
    const inDesk = api.sentTo(DESK).length;
    await later(24.1);
    await eventually(() => api.sentTo(DESK).length > inDesk);
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([
      `أُغلقت المحادثة #1: كانت قد عادت إلى البوت، ولم يُجب ${isolated('Layla')} عن سؤاله طوال 24 ساعة. حين يكتب مجددًا تبدأ محادثة جديدة.`,
    ]);
  }, 30_000);
});

const LINA = 9003;

describe('a desk conversation passed to another team', () => {
  const withSupport = team('', `  - name: Lina
    telegram: ${LINA}
    teams: [Support]
`).replace('agents:', '  - name: Support\nagents:');

  it('goes to that team\'s agent: the customer\'s words reach them, no longer the desk topic, which closes', async () => {
    const { app, api } = await takenByOmar('', { teamFile: withSupport });
    expect(await post(app, textNow(LINA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(LINA).length > 0);
    expect(await deskSays(app, api, inTopic(omar, '/transfer Support'))).toEqual(['#1 is transferred to Support (Lina has it).']);
    await eventually(() => api.sentTo(LINA).some((text) => text.startsWith('#1 ')));
    // Lina, in her private chat, reads who passed it on as Support's desk would.
    expect(api.sentTo(LINA).find((text) => text.startsWith('#1 '))).toMatch(/^#1 · passed on by Omar from Billing to Support\n[^]*\nLately:\n› Layla: I was charged twice\n› Omar: Looking into it now\n/);
    // Layla is told Lina joined, sent apart from the desk's and Lina's lines: what is counted of hers starts after it.
    await eventually(() => api.sentTo(LAYLA).at(-1) === `${isolated('Lina')} has joined the conversation.`);
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, textNow(LAYLA, 'Is anyone there?'))).toBe(200);
    await eventually(() => api.sentTo(LINA).some((text) => text.includes('Is anyone there?')));
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([]);
    expect(api.callsOf('closeForumTopic').map((call) => call.params.message_thread_id)).toEqual([55]);
    // Sara, in the Billing desk, writes in the old topic: Layla does not get it, and Sara learns where it went.
    const toLayla = api.sentTo(LAYLA).length;
    expect(await deskSays(app, api, inTopic({ id: SARA, name: 'Sara' }, 'Layla, did it work?'))).toEqual([
      'Sara, that was not sent to Layla: #1 was passed to Lina, and this topic is no longer its own.',
    ]);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual([]);
  }, 30_000);

  it('to a team with a desk of its own opens a topic there, which gets the customer\'s words', async () => {
    const SUPPORT_DESK = -1009876543210;
    const { app, api } = await takenByOmar('', { teamFile: withSupport.replace('  - name: Support\n', `  - name: Support\n    telegram_desk: "${SUPPORT_DESK}"\n`) });
    expect(await post(app, textNow(LINA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(LINA).length > 0);
    expect(await deskSays(app, api, inTopic(omar, '/transfer Support'))).toEqual(['#1 is transferred to Support (Lina has it).']);
    await eventually(() => api.sentTo(SUPPORT_DESK).length === 1);
    expect(api.callsOf('createForumTopic').map((call) => String(call.params.chat_id))).toEqual([String(DESK), String(SUPPORT_DESK)]);
    expect(api.sentTo(SUPPORT_DESK)[0]).toMatch(/^#1 · passed on by Omar from Billing to Support\n/);
    const inDesk = api.sentTo(DESK).length;
    expect(await post(app, textNow(LAYLA, 'Is anyone there?'))).toBe(200);
    await eventually(() => api.sentTo(SUPPORT_DESK).length === 2);
    expect(api.sentTo(SUPPORT_DESK)[1]).toContain('Is anyone there?');
    expect(api.sentTo(DESK).slice(inDesk)).toEqual([]);
  }, 30_000);

  const SUPPORT_DESK = -1009876543210;
  const withSupportDesk = (language = '') => withSupport.replace('  - name: Support\n', `  - name: Support\n    telegram_desk: "${SUPPORT_DESK}"\n${language}`);

  /** Layla and Omar talk in Billing's topic, Sara leaves a note, and Omar passes #1 to Support; Support's card, once posted. */
  async function passedToSupport(language = '') {
    const { app, api } = await takenByOmar('', { teamFile: withSupportDesk(language) });
    expect(await post(app, textNow(LAYLA, 'It was on the 3rd, two payments of 40 EUR'))).toBe(200);
    await eventually(() => api.sentTo(DESK).some((text) => text.includes('two payments')));
    expect(await deskSays(app, api, inTopic({ id: SARA, name: 'Sara' }, '/note 1 the card issuer confirmed one refund'))).toEqual(['Note added to #1 (only agents see it).']);
    expect(await post(app, textNow(LINA, '/online'))).toBe(200);
    await eventually(() => api.sentTo(LINA).length > 0);
    expect(await deskSays(app, api, inTopic(omar, '/transfer Support'))).toEqual(['#1 is transferred to Support (Lina has it).']);
    await eventually(() => api.sentTo(SUPPORT_DESK).length === 1);
    return api.sentTo(SUPPORT_DESK)[0];
  }

  it('moved into another team\'s desk, opens its topic with a card saying who passed it on from which team, and what was said lately', async () => {
    expect(await passedToSupport()).toBe([
      '#1 · passed on by Omar from Billing to Support',
      'Layla on Telegram',
      'First message: I was charged twice',
      '',
      'Lately:',
      '› Layla: I was charged twice',
      '› Omar: Looking into it now',
      '› Layla: It was on the 3rd, two payments of 40 EUR',
      '› Sara (note): the card issuer confirmed one refund',
      '',
      'Reply here to answer Layla. /close 1 when done.',
      '',
      'Lina has it.',
    ].join('\n'));
  }, 30_000);

  it('in Arabic for a desk with language: ar', async () => {
    expect(await passedToSupport('    language: ar\n')).toBe([
      `#1 · محادثة حوّلها ${isolated('Omar')} من فريق ${isolated('Billing')} إلى فريق ${isolated('Support')}`,
      `${isolated('Layla')} عبر ${isolated('Telegram')}`,
      `${isolated('الرسالة الأولى')}: ${isolated('I was charged twice')}`,
      '',
      'آخر ما دار فيها:',
      `› ${isolated('Layla')}: ${isolated('I was charged twice')}`,
      `› ${isolated('Omar')}: ${isolated('Looking into it now')}`,
      `› ${isolated('Layla')}: ${isolated('It was on the 3rd, two payments of 40 EUR')}`,
      `› ${isolated(`${isolated('Sara')} (ملاحظة)`)}: ${isolated('the card issuer confirmed one refund')}`,
      '',
      `ردّ هنا للإجابة على ${isolated('Layla')}، وأرسل ${isolated('/close 1')} عند الانتهاء.`,
      '',
      `المحادثة مع ${isolated('Lina')}.`,
    ].join('\n'));
  }, 30_000);

  it('keeps a note written in the topic with the styles Omar gave it (Telegram\'s bold): before, its words alone', async () => {
    const { app } = await takenByOmar();
    const note = inTopic(omar, '/note 1 VIP customer, refund R-42');
    note.message.entities = [{ type: 'bold', offset: '/note 1 '.length, length: 3 }];
    expect(await post(app, note)).toBe(200);
    await eventually(async () => (await app.store.messagesOfConversation(1)).some((message) => message.from === 'note'));
    expect((await app.store.messagesOfConversation(1)).find((message) => message.from === 'note')).toMatchObject({ text: 'VIP customer, refund R-42', styles: [{ style: 'bold', offset: 0, length: 3 }] });
  });
});
