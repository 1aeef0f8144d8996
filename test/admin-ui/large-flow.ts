// A long flow as a real business keeps one: a greeting, the customer's email, routing by intent over many intents,
// and for each intent its own answer, a question whether it helped, a detail asked and the hand-over, every text in
// English and Arabic. Used by the editor's benchmark (bench/editor.ts) and its browser test (large-flow.test.ts).
// Valid against the shipped-like team.yaml of the tests (teams Billing, Support, Sales).

const TEAMS = ['Billing', 'Support', 'Sales'] as const;
const SUBJECTS = [
  ['invoice', 'an invoice', 'فاتورة'],
  ['refund', 'a refund', 'استرداد المبلغ'],
  ['delivery', 'a delivery', 'التوصيل'],
  ['password', 'your password', 'كلمة المرور'],
  ['plan', 'your plan', 'الباقة'],
  ['order', 'an order', 'الطلب'],
  ['warranty', 'the warranty', 'الضمان'],
  ['account', 'your account', 'الحساب'],
] as const;

/** The lines of one intent's part of the flow (about 36). */
function intentPart(index: number): string[] {
  const [key, en, ar] = SUBJECTS[index % SUBJECTS.length]!;
  const id = `${key}_${index}`;
  const detail = index % 3 === 0 ? 'email' : index % 3 === 1 ? 'number' : 'date';
  const detailSave = index % 3 === 0 ? `contact.${id}_email` : `conversation.${id}_detail`;
  return [
    '',
    `  # ${id}: questions about ${en} (intent ${id} in nlp/intents.yaml).`,
    `  - id: ${id}`,
    '    say:',
    `      en: "About ${en}, {{contact.name | there}}: most answers are in your account under Settings, section ${index}. Here is what usually helps."`,
    `      ar: "بخصوص ${ar} يا {{contact.name | عزيزي العميل}}: ستجد معظم الإجابات في حسابك ضمن الإعدادات، القسم ${index}. إليك ما يساعد عادةً."`,
    `  - id: ${id}_helped`,
    '    ask:',
    `      en: "Did that answer your question about ${en}?"`,
    `      ar: "هل أجاب ذلك عن سؤالك بخصوص ${ar}؟"`,
    '    expect: choice',
    '    choices:',
    '      - { id: "yes", title: { en: "Yes, thanks", ar: "نعم، شكرًا" } }',
    '      - { id: "no", title: { en: "No, I need a person", ar: "لا، أحتاج إلى موظف" } }',
    '      - { id: "more", title: { en: "Tell me more", ar: "أخبرني المزيد" } }',
    `    save: conversation.${id}_helped`,
    '    retries: 1',
    '    invalid:',
    '      en: "Please pick one of the buttons, or type its number."',
    '      ar: "يُرجى اختيار أحد الأزرار، أو كتابة رقمه."',
    '    on_fail: goto:agent',
    '  - branch:',
    `      - if: { conversation.${id}_helped: "yes" }`,
    '        goto: goodbye',
    `      - if: { conversation.${id}_helped: "no" }`,
    '        goto: agent',
    '  - say:',
    `      en: "Some more about ${en}: changes take up to two working days, and you get an email when they are done."`,
    `      ar: "المزيد بخصوص ${ar}: تستغرق التغييرات حتى يومي عمل، وستصلك رسالة بريد إلكتروني عند اكتمالها."`,
    '  - ask:',
    `      en: "${detail === 'email' ? 'Which email address is it about?' : detail === 'number' ? 'What is the number on it?' : 'On which date did it happen?'}"`,
    `      ar: "${detail === 'email' ? 'ما عنوان البريد الإلكتروني المعني؟' : detail === 'number' ? 'ما الرقم المكتوب عليه؟' : 'في أي تاريخ حدث ذلك؟'}"`,
    `    expect: ${detail}`,
    `    save: ${detailSave}`,
    `  - set: { conversation.topic: ${id}, conversation.priority: ${index % 4 === 0 ? 'high' : 'normal'} }`,
    '  - goto: agent',
  ];
}

/**
 * A valid flow of about `lines` lines (3,000 by default; the count is exact but for a part that does not fit).
 *
 *     const source = largeFlow();          // 3,000 lines, 75 intents
 *     const small = largeFlow(33);         // its beginning and end only: greeting, email, need, hand-over
 */
export function largeFlow(lines = 3000): string {
  const head = [
    '# The first thing a customer meets: greeting, email, then an answer per intent, in English and Arabic.',
    'flow: inbound',
    'trigger: { on: conversation.opened, source: contact }',
    'language: en',
    'steps:',
    '  - say:',
    '      en: "Hi {{contact.name | there}}! Thanks for getting in touch."',
    '      ar: "مرحبًا {{contact.name | بك}}! شكرًا لتواصلك معنا."',
    '  - id: ask_email',
    '    ask:',
    '      en: "What\'s your email address, in case we need to follow up?"',
    '      ar: "هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟"',
    '    expect: email',
    '    save: contact.email',
    '    skip_if_known: true',
    '  - id: ask_need',
    '    ask:',
    '      en: "How can we help you today?"',
    '      ar: "كيف يمكننا مساعدتك اليوم؟"',
    '    save: conversation.need',
  ];
  const tail = [
    '',
    '  - id: agent',
    '    assign: { team: "{{conversation.team | Support}}" }',
    '    queued:',
    '      en: "You are number {{queue.position}} in line. Stay here, we\'ll be with you shortly."',
    '      ar: "ترتيبك {{queue.position}} في قائمة الانتظار. يُرجى البقاء هنا، وسنكون معك قريبًا."',
    '    timeout: 30m',
    '    on_timeout: goto:goodbye',
    '  - id: goodbye',
    '    say:',
    '      en: "Thanks for getting in touch. Write to us any time."',
    '      ar: "شكرًا لتواصلك معنا. يسعدنا تواصلك في أي وقت."',
    '  - close: "answered by the bot"',
  ];
  // Each intent: its part (36 lines), its route (1 line) and its case of the branch (2 lines).
  const fixed = head.length + tail.length + 6 + 3;
  const intents = Math.max(0, Math.floor((lines - fixed) / 39));
  const ids = Array.from({ length: intents }, (_, index) => `${SUBJECTS[index % SUBJECTS.length]![0]}_${index}`);
  const routing = intents === 0 ? [] : [
    '  - id: route',
    '    classify: conversation.need',
    '    routes:',
    ...ids.map((id, index) => `      ${id}: ${TEAMS[index % TEAMS.length]}`),
    '    clarify:',
    '      en: "What is it about? Pick the closest."',
    '      ar: "بخصوص ماذا؟ اختر الأقرب."',
    '  - branch:',
    ...ids.flatMap((id) => [`      - if: { conversation.intent: ${id} }`, `        goto: ${id}`]),
    '      - else: agent',
  ];
  const body = [...head, ...routing, ...ids.flatMap((_, index) => intentPart(index))];
  // Padding up to the count asked for, as comments an admin leaves.
  const padding = Math.max(0, lines - body.length - tail.length);
  const notes = Array.from({ length: padding }, (_, index) => `  # note ${index + 1}: reviewed with the support team`);
  return [...body, ...notes, ...tail].join('\n') + '\n';
}

/** The flow in service before the long one is put in: it runs past its last step, so its checks say "1 warning". */
export const SHORT_FLOW = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
`;

/** The team.yaml beside it: the teams the long flow routes to, and one agent in all of them. */
export function largeFlowTeam(token: string): string {
  return `teams:
  - name: Billing
  - name: Support
  - name: Sales
agents:
  - name: Omar
    webchat: agent-omar
    webchat_token: ${token}
    teams: [Billing, Support, Sales]
`;
}
