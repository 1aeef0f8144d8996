// What a Telegram customer already wrote is not asked of them, end to end against the fake Bot API with the shipped
// inbound flow, team.yaml and NLP data: an email written in the first message beside the need, in English or Arabic,
// is taken (the email question is not asked), and a returning customer who writes their new email days later has it
// kept, rather than skipped for the old one; and an order number put right by editing the message that gave it is
// the order number kept.
import { describe, expect, it } from 'vitest';
import { eventually, TEST_AGENT_TOKEN } from '../../helpers.ts';
import { LAYLA, OMAR, post, teamFile, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();
const ADMIN = 'admin-token-0123456789abcdef';

const ORDER_FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your order number?", ar: "ما رقم طلبك؟" }
    expect: regex:\\d{5}
    example: "12345"
    save: conversation.order
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
const EMAIL_FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your email?", ar: "ما بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
const CLOSED = 'This conversation is now closed. Write to us any time.';
const EMAIL = { en: "What's your email address, in case we need to follow up?", ar: 'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟' };

/** Served by `setUp`: what the edit tests below use of it. */
type Served = Awaited<ReturnType<typeof setUp>>;

type Sent = { message: Record<string, unknown> };

/** Telegram's update for `sent` edited into `text`, `seconds` after it was sent. */
const edited = (sent: Sent, text: string, seconds: number, updateId = Date.now()) => ({ update_id: updateId, edited_message: { ...sent.message, text, edit_date: (sent.message.date as number) + seconds } });

/**
 * Omar goes online; Layla says hello, answers the flow's question with `answer` and says `need`, and Omar gets her card:
 * the message that answered, for an edit of it.
 */
async function layForOmar({ app, api }: Pick<Served, 'app' | 'api'>, answer: string, need: string): Promise<Sent> {
  const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
  await say(text(OMAR, '/online'));
  await eventually(() => api.sentTo(OMAR).length === 1);
  await say(text(LAYLA, 'hello'));
  const sent = text(LAYLA, answer) as Sent;
  await say(sent);
  await eventually(() => api.sentTo(LAYLA).length === 2);
  await say(text(LAYLA, need));
  await eventually(() => api.sentTo(OMAR).some((line) => line.startsWith('#')));
  return sent;
}

/**
 * The customer in `chat` says `hello`, answers the email question with `answer`, then edits that answer into `into`:
 * what the bot said to them after the edit (its third message), and the email the contact keeps.
 */
async function editedEmail({ app, api }: Pick<Served, 'app' | 'api'>, chat: number, hello: string, answer: string, into: string): Promise<{ told: string | undefined; email: unknown }> {
  const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
  await say(text(chat, hello));
  const sent = text(chat, answer) as Sent;
  await say(sent);
  await eventually(() => api.sentTo(chat).length === 2);
  await say(edited(sent, into, 20, Date.now() + chat));
  await eventually(() => api.sentTo(chat).length === 3);
  return { told: api.sentTo(chat).at(-1), email: (await app.store.contactByIdentity('telegram', String(chat)))?.fields.email };
}

describe('what a Telegram customer already wrote', () => {
  it('is not asked again: the email beside the need in the first message, in English and Arabic', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    const say = async (chat: number, body: string) => expect(await post(app, text(chat, body))).toBe(200);
    const stateOf = async (chat: number) => {
      const contact = await app.store.contactByIdentity('telegram', String(chat));
      const conversation = (await app.store.conversations()).find((c) => c.contactId === contact?.id);
      return { email: contact?.fields.email, stage: conversation?.stage, team: conversation?.team };
    };

    const [sam, sara] = [6101, 6102];
    await say(sam, "hi I'm sam@example.com, my card was charged twice this month");
    await eventually(() => api.sentTo(sam).length === 2);
    // Before: "What's your email address…?", though it was in the message.
    expect(api.sentTo(sam)).toEqual([
      'Hi Layla! Thanks for getting in touch.',
      "Nobody on our Billing team is free right now: you are number 1 in line. Stay here, we'll be with you shortly.",
    ]);
    expect(await stateOf(sam)).toEqual({ email: 'sam@example.com', stage: 'queued', team: 'Billing' });

    await say(sara, 'تم خصم المبلغ مرتين من بطاقتي، وبريدي sara@example.com');
    await eventually(() => api.sentTo(sara).length === 2);
    expect(api.sentTo(sara)).not.toContain(EMAIL.ar);
    expect(api.sentTo(sara)).toHaveLength(2);
    expect(await stateOf(sara)).toEqual({ email: 'sara@example.com', stage: 'queued', team: 'Billing' });
  }, 60_000);

  it('keeps the new email a returning customer writes days later, and asks nothing they gave before', async () => {
    let later = 0;
    const { app, api } = await setUp({ webhook: true, shipped: true, now: () => new Date(Date.now() + later) });
    const say = async (chat: number, body: string) => expect(await post(app, text(chat, body))).toBe(200);
    const layla = 6103;
    const emailOf = async () => (await app.store.contactByIdentity('telegram', String(layla)))?.fields.email;

    await say(OMAR, '/online');
    await eventually(() => api.sentTo(OMAR).some((t) => /online/i.test(t)));
    await say(layla, 'hello');
    await say(layla, 'layla@old.example.com');
    await say(layla, 'I was charged twice this month');
    await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#1')));
    await say(OMAR, '/close');
    await eventually(() => api.sentTo(layla).at(-1) === CLOSED);
    const before = api.sentTo(layla).length;

    later = 3 * 24 * 60 * 60 * 1000;
    await say(layla, 'my new email is layla@new.example.com, and the refund never came');
    await eventually(() => api.sentTo(OMAR).some((t) => t.includes('#2')));
    expect(api.sentTo(layla).slice(before)).not.toContain(EMAIL.en);
    // Before: layla@old.example.com stayed, and the team would have written to an address she no longer reads.
    expect(await emailOf()).toBe('layla@new.example.com');
    const card = api.sentTo(OMAR).find((t) => t.includes('#2'));
    expect(card).toContain('Email: layla@new.example.com');
    // What she wrote beside it is her need, routed without a question: not "Is this about billing…?" for her address.
    expect(card).toContain('Need: the refund never came');

    await say(OMAR, '/close');
    await eventually(() => api.sentTo(layla).at(-1) === CLOSED);
    later = 6 * 24 * 60 * 60 * 1000;
    const again = api.sentTo(layla).length;
    await say(layla, 'my order arrived broken');
    await eventually(() => api.sentTo(layla).length >= again + 2);
    expect(api.sentTo(layla)[again]).toBe('Hi Layla! Thanks for getting in touch.');
    expect(api.sentTo(layla).slice(again)).not.toContain(EMAIL.en);
    expect(await emailOf()).toBe('layla@new.example.com');
  }, 60_000);

  it('keeps the order number a customer put right by editing the message that gave it, in English and Arabic', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': ORDER_FLOW } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const orderOf = async (chat: number) => {
      const contact = await app.store.contactByIdentity('telegram', String(chat));
      return (await app.store.conversations()).find((c) => c.contactId === contact?.id)?.fields.order;
    };
    for (const [chat, hello, typo, fixed, told] of [
      [6104, 'hello', 'My order is 12345', 'My order is 12346', "Thanks, I've changed it to 12346."],
      [6105, 'مرحبا', 'رقم طلبي ١٢٣٤٥', 'رقم طلبي ١٢٣٤٦', 'شكرًا، عدّلتُه إلى \u206812346\u2069.'],
    ] as const) {
      await say(text(chat, hello));
      const sent = text(chat, typo) as Sent;
      await say(sent);
      await eventually(() => api.sentTo(chat).length === 2);
      await say(edited(sent, fixed, 20, Date.now() + chat));
      // Before: the order stayed 12345, and the team would have looked up the wrong order.
      await eventually(async () => (await orderOf(chat)) === '12346');
      await eventually(() => api.sentTo(chat).length === 3);
      expect(api.sentTo(chat).at(-1)).toBe(told);
    }
  }, 60_000);

  it('changes the answer an edit puts right once Omar holds the conversation, and tells him what changed beside the edit', async () => {
    const flow = ORDER_FLOW.replace('    save: conversation.order\n', '    save: conversation.order\n    label: { en: Order number, ar: رقم الطلب }\n');
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': flow } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const orderOf = async () => {
      const contact = await app.store.contactByIdentity('telegram', String(LAYLA));
      return (await app.store.conversations()).find((c) => c.contactId === contact?.id)?.fields.order;
    };
    const sent = await layForOmar({ app, api }, 'My order is 12345', 'It never arrived');
    // Layla is told Omar joined, after his card.
    await eventually(() => api.sentTo(LAYLA).length === 3);
    const toOmar = api.sentTo(OMAR).length;
    const toLayla = api.sentTo(LAYLA).length;

    await say(edited(sent, 'My order is 12346', 60));
    // Before: Omar read the edit, but the card and the conversation kept 12345.
    await eventually(() => api.sentTo(OMAR).length === toOmar + 1);
    expect(api.sentTo(OMAR).at(-1)).toBe('#1 Layla edited a message: My order is 12346 (was "My order is 12345")\nLayla corrected Order number: 12345 → 12346');
    expect(await orderOf()).toBe('12346');
    // The bot says nothing to the customer while Omar has her: his next words are the next thing she gets.
    await say(text(OMAR, 'Thanks, I am looking at order 12346'));
    await eventually(() => api.sentTo(LAYLA).length > toLayla);
    expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Thanks, I am looking at order 12346']);
  }, 60_000);

  it('keeps an email edited into one that is no email address while the bot asks on, and tells the customer (English, Arabic)', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your email?", ar: "ما بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
    const served = await setUp({ webhook: true, flows: { 'inbound.yaml': flow } });
    for (const [chat, hello, good, bad, told] of [
      [6106, 'hello', 'sam@example.com', 'sam@example', "Your edit doesn't give a valid email address, so I've kept sam@example.com. To change it, write \"I meant\" and the right one."],
      [6107, 'مرحبا', 'sara@example.com', 'sara@example', 'لا يحتوي تعديلك على بريد إلكتروني صالح، لذا أبقيتُ \u2068sara@example.com\u2069. لتغييره، اكتب «أقصد» ثم الصحيح.'],
    ] as const) {
      // Before: nothing was said, and the customer thought the address they see now was the one kept.
      expect(await editedEmail(served, chat, hello, good, bad)).toEqual({ told, email: good });
    }
  }, 60_000);

  it('keeps an email edited into one that is no email address once Omar holds the conversation, and tells him so (English, Arabic)', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your email?", ar: "ما بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
    for (const [language, told] of [
      ['en', "#1 Layla edited a message: sam@example (was \"sam@example.com\")\nLayla's edit gives no valid email address, so Email stays sam@example.com. The bot did not tell Layla."],
      ['ar', 'لا يحتوي تعديل \u2068Layla\u2069 على بريد إلكتروني صالح، لذا بقي \u2068البريد الإلكتروني\u2069 \u2068sam@example.com\u2069. لم يُخبر البوتُ العميلَ بذلك.'],
    ] as const) {
      const team = language === 'ar' ? teamFile.replace('    telegram: 9001\n', '    telegram: 9001\n    language: ar\n') : teamFile;
      const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team });
      const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
      const sent = await layForOmar({ app, api }, 'sam@example.com', 'I was charged twice');
      await eventually(() => api.sentTo(LAYLA).length === 3);
      const toOmar = api.sentTo(OMAR).length;
      const toLayla = api.sentTo(LAYLA).length;

      await say(edited(sent, 'sam@example', 60));
      // Before: Omar read the edit only, and could take sam@example for the address kept; Layla was told nothing either.
      await eventually(() => api.sentTo(OMAR).length === toOmar + 1);
      if (language === 'en') expect(api.sentTo(OMAR).at(-1)).toBe(told);
      else expect(api.sentTo(OMAR).at(-1)).toContain(`\n${told}`);
      expect((await app.store.contactByIdentity('telegram', String(LAYLA)))?.fields.email).toBe('sam@example.com');
      // The bot says nothing to Layla while Omar has her: he tells her, his words the next thing she gets.
      await say(text(OMAR, 'Your edit did not change your email: is sam@example.com right?'));
      await eventually(() => api.sentTo(LAYLA).length > toLayla);
      expect(api.sentTo(LAYLA).slice(toLayla)).toEqual(['Your edit did not change your email: is sam@example.com right?']);
    }
  }, 90_000);

  it('names a field no label names by the answer to its question for an Arabic desk, on the card and when an edit changes it', async () => {
    const team = teamFile.replace('    telegram: 9001\n', '    telegram: 9001\n    language: ar\n');
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': ORDER_FLOW }, team });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const sent = await layForOmar({ app, api }, 'My order is 12345', 'It never arrived');
    const order = '\u2068إجابة «\u2068ما رقم طلبك؟\u2069»\u2069';
    // Before: «order: 12345», a name in Latin letters in an Arabic card.
    expect(api.sentTo(OMAR).find((line) => line.startsWith('#1'))).toContain(`\n${order}: \u206812345\u2069`);
    const toOmar = api.sentTo(OMAR).length;
    await say(edited(sent, 'My order is 12346', 60));
    await eventually(() => api.sentTo(OMAR).length === toOmar + 1);
    // Before: «صحّح Layla order من 12345 إلى 12346».
    expect(api.sentTo(OMAR).at(-1)).toContain(`\nصحّح \u2068Layla\u2069 ${order} من \u206812345\u2069 إلى \u206812346\u2069`);
  }, 60_000);

  it('does not show again an email the customer took out of the message by an edit, and says it is still kept (English, Arabic, with Omar)', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your email?", ar: "ما بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
    const served = await setUp({ webhook: true, flows: { 'inbound.yaml': flow } });
    const { app, api } = served;
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    for (const [chat, hello, good, removed, told] of [
      [6108, 'hello', 'My email is sam@example.com', 'My email is (removed)', 'You took the email address out of your message, but I still have it. To change it, write "I meant" and the right one; to have it removed, ask us.'],
      [6109, 'مرحبا', 'بريدي sara@example.com', 'بريدي (محذوف)', 'حُذف البريد الإلكتروني من رسالتك المعدَّلة، لكنه ما زال محفوظًا لدينا. لتغييره، اكتب «أقصد» ثم الصحيح؛ ولحذفه، اطلب ذلك منّا.'],
    ] as const) {
      // Before: "Your edit doesn't give a valid email address, so I've kept sam@example.com.": the address shown again.
      expect(await editedEmail(served, chat, hello, good, removed)).toEqual({ told, email: good.split(' ').at(-1) });
    }

    // With Omar holding the conversation, he reads that it was taken out, and that it is kept.
    const sent = await layForOmar({ app, api }, 'layla@example.com', 'I was charged twice');
    await eventually(() => api.sentTo(LAYLA).length === 3);
    const toOmar = api.sentTo(OMAR).length;
    await say(edited(sent, 'removed', 60));
    await eventually(() => api.sentTo(OMAR).length === toOmar + 1);
    expect(api.sentTo(OMAR).at(-1)).toMatch(/\nLayla took the answer out of the edited message: Email stays layla@example\.com\. The bot did not tell Layla\.$/);
    expect((await app.store.contactByIdentity('telegram', String(LAYLA)))?.fields.email).toBe('layla@example.com');
  }, 90_000);

  it('changes the answer an edit puts right while the conversation waits in the queue, for the agent who takes it', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': ORDER_FLOW } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    await say(text(LAYLA, 'hello'));
    const sent = text(LAYLA, 'My order is 12345') as Sent;
    await say(sent);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    await say(text(LAYLA, 'It never arrived'));
    await eventually(async () => (await app.store.conversations())[0]?.stage === 'queued');
    const toLayla = api.sentTo(LAYLA).length;
    await say(edited(sent, 'My order is 12346', 60));
    // Before: the card Omar got read 12345.
    await say(text(OMAR, '/online'));
    await eventually(() => api.sentTo(OMAR).some((line) => line.startsWith('#1')));
    expect(api.sentTo(OMAR).find((line) => line.startsWith('#1'))).toContain('\nAnswer to “What\'s your order number?”: 12346');
    expect(api.sentTo(LAYLA).slice(toLayla).filter((line) => /changed|kept/.test(line))).toEqual([]);
  }, 60_000);

  it('names a field no label names by the answer to its question for an English agent: card, edit line, console and dashboard', async () => {
    const team = teamFile.replace('    telegram: 9001\n', `    telegram: 9001\n    webchat: agent-omar\n    webchat_token: ${TEST_AGENT_TOKEN}\n`);
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': ORDER_FLOW }, team, adminToken: ADMIN });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const sent = await layForOmar({ app, api }, 'My order is 12345', 'It never arrived');
    const order = 'Answer to “What\'s your order number?”';
    // Before: "order: 12345", the field's name in the flow file.
    expect(api.sentTo(OMAR).find((line) => line.startsWith('#1'))).toContain(`\n${order}: 12345\nAnswer to “How can we help?”: It never arrived\n`);
    const toOmar = api.sentTo(OMAR).length;
    await say(edited(sent, 'My order is 12346', 60));
    await eventually(() => api.sentTo(OMAR).length === toOmar + 1);
    // Before: "Layla corrected order: 12345 → 12346".
    expect(api.sentTo(OMAR).at(-1)).toContain(`\nLayla corrected ${order}: 12345 → 12346`);

    const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TEST_AGENT_TOKEN }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const state = (await (await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).json()) as { held: { shown: { label?: string; name: string; value: unknown }[] }[] };
    expect(state.held[0]?.shown).toEqual(expect.arrayContaining([expect.objectContaining({ label: order, value: '12346' })]));
    const panel = (await (await fetch(`${app.url}/api/conversations/1`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { conversation: { shown: { label?: string; value: unknown }[] } };
    expect(panel.conversation.shown).toEqual(expect.arrayContaining([expect.objectContaining({ label: order, value: '12346' }), expect.objectContaining({ label: 'Answer to “How can we help?”' })]));
  }, 60_000);

  it('tells a queued customer an edit into no email address, or one taking it out, changed nothing, and the card Omar takes says what stands', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': EMAIL_FLOW } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const cases = [
      [6111, 'hello', 'sam@example.com', 'sam@example', "Your edit doesn't give a valid email address, so I've kept sam@example.com. To change it, write \"I meant\" and the right one.", "Layla's edit gives no valid email address, so Email stays sam@example.com. The bot told Layla."],
      [6112, 'مرحبا', 'بريدي sara@example.com', 'بريدي (محذوف)', 'حُذف البريد الإلكتروني من رسالتك المعدَّلة، لكنه ما زال محفوظًا لدينا. لتغييره، اكتب «أقصد» ثم الصحيح؛ ولحذفه، اطلب ذلك منّا.', 'Layla took the answer out of the edited message: Email stays sara@example.com. The bot told Layla it is still kept.'],
    ] as const;
    for (const [chat, hello, answer, into, told] of cases) {
      await say(text(chat, hello));
      const sent = text(chat, answer) as Sent;
      await say(sent);
      await eventually(() => api.sentTo(chat).length === 2);
      await say(text(chat, 'I was charged twice'));
      await eventually(async () => (await app.store.conversations()).filter((c) => c.stage === 'queued').length === cases.indexOf(cases.find(([c]) => c === chat)!) + 1);
      await eventually(() => api.sentTo(chat).length === 3);
      await say(edited(sent, into, 60, Date.now() + chat));
      // Before: nothing; the customer took the edit for the address kept.
      await eventually(() => api.sentTo(chat).length === 4);
      expect(api.sentTo(chat).at(-1)).toBe(told);
      expect((await app.store.contactByIdentity('telegram', String(chat)))?.fields.email).toBe(answer.split(' ').at(-1));
    }
    await say(text(OMAR, '/online'));
    await eventually(() => api.sentTo(OMAR).filter((line) => /^#\d/.test(line)).length === 2);
    // Before: the card showed the address and the edit, without a word of which stands.
    for (const [index, [, , , , , onCard]] of cases.entries()) {
      expect(api.sentTo(OMAR).find((line) => line.startsWith(`#${index + 1} `))).toContain(`\n\n${onCard}\n\n`);
    }
  }, 90_000);

  it('says what stands on the card Omar takes of an edit that kept an email, though the customer wrote more since than the card shows', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': EMAIL_FLOW } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    await say(text(LAYLA, 'hello'));
    const sent = text(LAYLA, 'sam@example.com') as Sent;
    await say(sent);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    await say(text(LAYLA, 'I was charged twice'));
    await eventually(async () => (await app.store.conversations())[0]?.stage === 'queued');
    await eventually(() => api.sentTo(LAYLA).length === 3);
    await say(edited(sent, 'sam@example', 60));
    await eventually(() => api.sentTo(LAYLA).length === 4);
    // Six more messages while she waits: the card shows the last five, and the edit is not among them.
    for (const words of ['Are you there?', 'It was 40 euros', 'Both on Monday', 'Card ending 1234', 'Please refund one', 'Thanks']) await say(text(LAYLA, words));
    await eventually(async () => (await app.store.messagesOfConversation(1)).filter((message) => message.text === 'Thanks').length === 1);
    await say(text(OMAR, '/online'));
    await eventually(() => api.sentTo(OMAR).some((line) => line.startsWith('#1 ')));
    const card = api.sentTo(OMAR).find((line) => line.startsWith('#1 '))!;
    expect(card).toContain('\n› Thanks\n');
    expect(card).not.toContain('sam@example (');
    // Before: the card showed sam@example.com among the answers, without a word of the edit that kept it.
    expect(card).toContain("\n\nLayla's edit gives no valid email address, so Email stays sam@example.com. The bot told Layla.\n\n");
  }, 60_000);

  it('tells a customer waiting in a team desk\'s topic that an edit into no email address changed nothing, the topic that the bot told her, and the card of an agent outside the desk who takes her what stands, as without a desk', async () => {
    const DESK = -1001234567890;
    const SARA = 9002;
    const team = `${teamFile.replace('    strategy: least_open', `    strategy: least_open\n    telegram_desk: "${DESK}"\n  - name: Sales\n    strategy: least_open`)}  - name: Sara
    telegram: ${SARA}
    teams: [Sales]
    max_open: 3
`;
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': EMAIL_FLOW }, team, adminToken: ADMIN });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    await say(text(LAYLA, 'hello'));
    const sent = text(LAYLA, 'sam@example.com') as Sent;
    await say(sent);
    await eventually(() => api.sentTo(LAYLA).length === 2);
    await say(text(LAYLA, 'I was charged twice'));
    await eventually(() => api.sentTo(DESK).some((line) => line.startsWith('#1 ·')));
    await eventually(() => api.sentTo(LAYLA).length === 3);
    expect((await app.store.conversations())[0]?.stage).toBe('queued');
    await say(edited(sent, 'sam@example', 60));
    await eventually(() => api.sentTo(DESK).some((line) => line.includes('edited a message')));
    // Before: the topic read "The bot did not tell Layla.", and Layla, whom nobody had taken yet, was told nothing.
    expect(api.sentTo(DESK).find((line) => line.includes('edited a message'))).toBe(
      "#1 Layla edited a message: sam@example (was \"sam@example.com\")\nLayla's edit gives no valid email address, so Email stays sam@example.com. The bot told Layla.",
    );
    await eventually(() => api.sentTo(LAYLA).length === 4);
    expect(api.sentTo(LAYLA).at(-1)).toBe("Your edit doesn't give a valid email address, so I've kept sam@example.com. To change it, write \"I meant\" and the right one.");
    expect((await app.store.contactByIdentity('telegram', String(LAYLA)))?.fields.email).toBe('sam@example.com');

    // An admin gives her to Sara, who works outside the desk: Sara's card says what stands, as a queue's would.
    await say(text(SARA, '/online'));
    await eventually(() => api.sentTo(SARA).length === 1);
    const moved = await fetch(`${app.url}/api/conversations/1/transfer`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'x-admin-name': 'Nadia' }, body: JSON.stringify({ agentId: 'sara' }),
    });
    expect(moved.status).toBe(200);
    await eventually(() => api.sentTo(SARA).some((line) => line.startsWith('#1 ')));
    // Before: Sara's card showed sam@example.com, without a word of the edit that kept it.
    expect(api.sentTo(SARA).find((line) => line.startsWith('#1 '))).toContain("\n\nLayla's edit gives no valid email address, so Email stays sam@example.com. The bot told Layla.\n\n");
  }, 60_000);

  it('keeps an answer an edit hides behind stars, and tells the customer so briefly, rather than as a typo or a new answer (English, Arabic)', async () => {
    const served = await setUp({ webhook: true, flows: { 'inbound.yaml': EMAIL_FLOW } });
    for (const [chat, hello, good, hidden, told] of [
      [6131, 'hello', 'sam@example.com', '***@***.***', "Your edit hides the email address, so I've kept the one you gave before."],
      [6132, 'مرحبا', 'sara@example.com', 's***@e******.com', 'يُخفي تعديلك البريد الإلكتروني، لذا أبقيتُ ما أرسلته من قبل.'],
    ] as const) {
      // Before: "Your edit doesn't give a valid email address, so I've kept sam@example.com. …", as if she had mistyped it.
      expect(await editedEmail(served, chat, hello, good, hidden)).toEqual({ told, email: good });
    }
  }, 60_000);

  it('keeps an order number an edit hides behind stars, and changes one put in stars for emphasis', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': ORDER_FLOW } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    for (const [chat, into, told, kept] of [
      // Before: "Your edit doesn't give a valid answer, so I've kept 12345. …", as if she had mistyped it.
      [6133, 'My order is 12**5', "Your edit hides the answer, so I've kept the one you gave before.", '12345'],
      [6134, 'My order is **12346**', "Thanks, I've changed it to 12346.", '12346'],
    ] as const) {
      await say(text(chat, 'hello'));
      const sent = text(chat, 'My order is 12345') as Sent;
      await say(sent);
      await eventually(() => api.sentTo(chat).length === 2);
      await say(edited(sent, into, 20, Date.now() + chat));
      await eventually(() => api.sentTo(chat).length === 3);
      expect(api.sentTo(chat).at(-1)).toBe(told);
      const contact = await app.store.contactByIdentity('telegram', String(chat));
      expect((await app.store.conversations()).find((c) => c.contactId === contact?.id)?.fields.order).toBe(kept);
    }
  }, 60_000);

  it('says a booking code of letters taken out by an edit is still kept, without showing it, and a mistyped one that it was kept (English, Arabic)', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your booking code?", ar: "ما رمز حجزك؟" }
    expect: regex:[A-Z]{6}
    example: QKZWPT
    save: conversation.booking
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': flow } });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    for (const [chat, hello, into, told] of [
      [6121, 'hello', '[removed]', 'You took the answer out of your message, but I still have it. To change it, write "I meant" and the right one; to have it removed, ask us.'],
      [6122, 'مرحبا', '(محذوف)', 'حُذف الجواب من رسالتك المعدَّلة، لكنه ما زال محفوظًا لدينا. لتغييره، اكتب «أقصد» ثم الصحيح؛ ولحذفه، اطلب ذلك منّا.'],
      [6123, 'hello', 'QKZWP', "Your edit doesn't give a valid answer, so I've kept QKZWPT. To change it, write \"I meant\" and the right one."],
      [6124, 'hello', 'QKZWPX', "Thanks, I've changed it to QKZWPX."],
    ] as const) {
      await say(text(chat, hello));
      const sent = text(chat, 'QKZWPT') as Sent;
      await say(sent);
      await eventually(() => api.sentTo(chat).length === 2);
      await say(edited(sent, into, 20, Date.now() + chat));
      // Before: nothing was said, and the edit changed nothing (an answer of letters alone was not read in an edit).
      await eventually(() => api.sentTo(chat).length === 3);
      expect(api.sentTo(chat).at(-1)).toBe(told);
      const contact = await app.store.contactByIdentity('telegram', String(chat));
      const booking = (await app.store.conversations()).find((c) => c.contactId === contact?.id)?.fields.booking;
      expect(booking).toBe(into === 'QKZWPX' ? 'QKZWPX' : 'QKZWPT');
    }
  }, 60_000);
});
