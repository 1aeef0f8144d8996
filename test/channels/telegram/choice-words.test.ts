// A Telegram customer answering a choice question with a few words, end to end against the fake Bot API: a choice
// said with a word or two beside it ("billing please help", "no - all good", «نعم، استرداد») is that choice, not
// "Please pick one of the options"; with `otherwise:`, their own words beside it ("yes, refund") or a sentence are
// kept, in the shipped flow's "anything else?" and in a closing survey, which opens no new conversation for them.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from './harness.ts';

const HALA = 5002;
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
language: en
steps:
  - ask: { en: "Which team?", ar: "أي فريق؟" }
    expect: choice
    choices:
      - { id: billing, title: { en: Billing, ar: الفواتير } }
      - { id: sales, title: { en: Sales, ar: المبيعات } }
    save: conversation.topic
  - ask: { en: "Shall we call you back?", ar: "هل نتصل بك؟" }
    expect: choice
    choices:
      - { id: "yes", title: { en: "Yes", ar: "نعم" } }
      - { id: "no", title: { en: "No, that's all", ar: "لا، هذا كل شيء" } }
    save: conversation.callback
  - say: "{{conversation.topic}}, {{conversation.callback}}"
  - assign: { team: Billing }
`;
const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "Did we solve your problem?"
    expect: choice
    choices: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }]
    save: conversation.solved
    otherwise: { save: conversation.comment }
  - say: "Thanks for telling us."
`;

const { setUp } = telegramServers();
// Asked to pick again, in either wording ("Please tap one of the options…" where there are buttons), English or Arabic.
const PICK = /options|الخيارات/;

/** A text from `chat`, whose Telegram app is in `language`. */
function text(chat: number, body: string, language?: string) {
  const update = textNow(chat, body) as { message: { from: Record<string, unknown> } };
  if (language) update.message.from.language_code = language;
  return update;
}

describe('a choice answered with a few words, on Telegram', () => {
  it('takes a choice said with a word or two beside it, in English and Arabic, and keeps a closing survey\'s sentence as its comment', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': flow, 'survey.yaml': survey } });
    const say = async (chat: number, body: string, language?: string) => expect(await post(app, text(chat, body, language))).toBe(200);
    const last = (chat: number) => api.sentTo(chat).at(-1);

    await say(LAYLA, 'hi');
    await eventually(() => last(LAYLA) === 'Which team?');
    await say(LAYLA, 'billing please help');
    await eventually(() => last(LAYLA) === 'Shall we call you back?');
    await say(LAYLA, 'no - all good');
    await eventually(() => api.sentTo(LAYLA).includes('billing, no'));

    await say(HALA, 'مرحبا', 'ar');
    await eventually(() => last(HALA) === 'أي فريق؟');
    await say(HALA, 'المبيعات من فضلك', 'ar');
    await eventually(() => last(HALA) === 'هل نتصل بك؟');
    await say(HALA, 'نعم، استرداد', 'ar');
    await eventually(() => api.sentTo(HALA).includes('sales, yes'));
    expect([...api.sentTo(LAYLA), ...api.sentTo(HALA)].filter((sent) => PICK.test(sent))).toEqual([]);

    // Omar closes Layla's conversation: a sentence to the survey is its comment, not a new conversation greeted.
    await say(OMAR, '/online');
    await eventually(() => api.sentTo(OMAR).some((sent) => /online/i.test(sent)));
    const layla = (await app.store.conversations()).find((conversation) => conversation.fields.topic === 'billing')!;
    await eventually(async () => (await app.store.conversation(layla.id))?.agentId === 'omar');
    await say(OMAR, `/close ${layla.id}`);
    await eventually(() => last(LAYLA) === 'Did we solve your problem?');
    const asked = api.sentTo(LAYLA).length;
    await say(LAYLA, 'the refund still has not arrived');
    await eventually(() => api.sentTo(LAYLA).length > asked);
    expect(api.sentTo(LAYLA).slice(asked)).toEqual(['Thanks for telling us.']);
    expect((await app.store.conversation(layla.id))?.fields).toMatchObject({ comment: 'the refund still has not arrived' });
    expect((await app.store.conversations()).filter((conversation) => conversation.contactId === layla.contactId)).toHaveLength(1);
  }, 60_000);

  it('in the shipped flow\'s "anything else?", keeps "yes, refund" as the need and takes "no - all good" as no', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    const say = async (chat: number, body: string) => expect(await post(app, textNow(chat, body))).toBe(200);
    const last = () => api.sentTo(LAYLA).at(-1);
    const handBack = async () => {
      await eventually(async () => (await app.store.conversations())[0]?.agentId === 'omar');
      await say(OMAR, '/handback');
      await eventually(() => last() === 'Is there anything else we can help you with?');
    };

    await say(OMAR, '/online');
    await eventually(() => api.sentTo(OMAR).some((sent) => /online/i.test(sent)));
    await say(LAYLA, 'hi');
    await say(LAYLA, 'layla@example.com');
    await say(LAYLA, 'I was charged twice this month');
    await handBack();
    const asked = api.sentTo(LAYLA).length;
    await say(LAYLA, 'yes, refund');
    await eventually(async () => (await app.store.conversations())[0]?.fields.need === 'yes, refund');
    expect((await app.store.conversations())[0]?.fields.anything_else).toBeUndefined();
    // Routed at once (or asked which team, when the model is unsure), never "Please pick one of the options".
    await eventually(async () => (await app.store.conversations())[0]?.agentId === 'omar' || last() === 'Is this about billing, a technical problem, or a purchase?');
    if (last() === 'Is this about billing, a technical problem, or a purchase?') await say(LAYLA, 'Billing');
    expect(api.sentTo(LAYLA).slice(asked).filter((sent) => PICK.test(sent))).toEqual([]);

    await handBack();
    await say(LAYLA, 'no - all good');
    await eventually(() => last() === 'Thanks for getting in touch. Write to us any time.');
    expect((await app.store.conversations())[0]).toMatchObject({ status: 'closed', fields: { anything_else: 'no', need: 'yes, refund' } });
  }, 120_000);

  it('in the shipped flow\'s "anything else?", keeps "no, I still cannot log in" (and in Arabic) as the customer\'s own words', async () => {
    const { app, api } = await setUp({ webhook: true, shipped: true });
    const say = async (chat: number, body: string, language?: string) => expect(await post(app, text(chat, body, language))).toBe(200);
    await say(OMAR, '/online');
    await eventually(() => api.sentTo(OMAR).some((sent) => /online/i.test(sent)));
    const cases = [[LAYLA, 'en', 'no, I still cannot log in', 'Is there anything else we can help you with?'], [HALA, 'ar', 'لا، ما زلت لا أستطيع تسجيل الدخول', 'هل هناك أي شيء آخر يمكننا مساعدتك به؟']] as const;
    const handled = new Set<number>();
    for (const [chat, language, words, question] of cases) {
      await say(chat, language === 'ar' ? 'مرحبا' : 'hi', language);
      await say(chat, `${chat}@example.com`, language);
      await say(chat, language === 'ar' ? 'تم خصم المبلغ مرتين هذا الشهر' : 'I was charged twice this month', language);
      // One customer at a time: theirs is the conversation Omar holds that was not handed back yet.
      const mine = async () => (await app.store.conversations()).find((conversation) => conversation.agentId === 'omar' && !handled.has(conversation.id));
      await eventually(async () => (await mine()) !== undefined, 30_000);
      const conversation = (await mine())!;
      handled.add(conversation.id);
      await say(OMAR, `/handback ${conversation.id}`);
      await eventually(() => api.sentTo(chat).at(-1) === question);
      const asked = api.sentTo(chat).length;
      await say(chat, words, language);
      await eventually(async () => (await app.store.conversation(conversation.id))?.fields.need === words);
      expect((await app.store.conversation(conversation.id))?.fields.anything_else).toBeUndefined();
      await eventually(() => api.sentTo(chat).length > asked);
      expect(api.sentTo(chat).slice(asked).filter((sent) => PICK.test(sent))).toEqual([]);
    }
  }, 120_000);
});

