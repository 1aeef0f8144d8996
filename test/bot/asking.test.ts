// What a customer reads while the bot asks for their details (the shipped flow's email question, a phone number, an
// order number): which answers are taken as people type or dictate them, what a refused answer is told, and what they
// hear when the bot gives up, in English and Arabic, through a fake WhatsApp channel.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const team = `
teams:
  - name: Support
  - name: Billing
  - name: Sales
`;

const shipped = fileURLToPath(new URL('../../data/flows/inbound.yaml', import.meta.url));

async function setUp(flow?: string) {
  const wa = fakeChannel('whatsapp-cloud');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow ?? (await readFile(shipped, 'utf8')) }, team);
  const h = await harness(dir, [wa]);
  const customer = (id: string, text: string) => h.send('whatsapp-cloud', id, text, { from: { id, name: 'Maya' } });
  const email = async (id: string) => (await h.store.contactByIdentity('whatsapp-cloud', id))?.fields.email;
  return { h, wa, customer, email };
}

describe('the shipped flow\'s email question', () => {
  it.each([
    ['maya @ example . com'],
    ['Maya @ Example.com'],
    ['maya@ example . com'],
    ['maya at example dot com'],
    ['Maya.Smith at example dot co dot uk'],
  ])('takes an address spaced out or spoken as phone keyboards and dictation write it: %j', async (answer) => {
    const { h, wa, customer, email } = await setUp();
    await customer('m', 'hi');
    await customer('m', answer);
    expect(wa.textsTo('m')).toEqual([
      'Hi Maya! Thanks for getting in touch.',
      "What's your email address, in case we need to follow up?",
      'How can we help you today?',
    ]);
    expect(await email('m')).toBe(answer.startsWith('Maya.Smith') ? 'maya.smith@example.co.uk' : 'maya@example.com');
    await h.close();
  });

  const inWords = 'I couldn\'t tell your email address apart from the other words. Please send just the address, written like name@example.com.';
  const notOne = "That doesn't look like an email address. Please write it like name@example.com.";

  it.each([
    ['maya smith @ example.com', 'smith@ or mayasmith@', inWords],
    ['maya @ example.com. thanks', 'a sentence after the address', inWords],
    ['look at example dot com', 'a website, not look@example.com', inWords],
    ['i am at home dot com', 'a sentence, not am@home.com', inWords],
    ['contact me at gmail dot com', 'an account at Gmail, not me@gmail.com', inWords],
    ['me at gmail dot com', 'not me@gmail.com', inWords],
    ['email at gmail dot com', 'not email@gmail.com', inWords],
    ['write to support at the shop', 'no address', notOne],
    ['I am at home', 'no address', notOne],
  ])('does not take %j (%s) for an address, and says why', async (answer, _why, told) => {
    const { h, wa, customer, email } = await setUp();
    await customer('m', 'hi');
    await customer('m', answer);
    expect(wa.textsTo('m').at(-1)).toBe(told);
    expect(await email('m')).toBeUndefined();
    await h.close();
  });

  it('says what was wrong with each refused answer and how to write it, then that it goes on without the email', async () => {
    const { h, wa, customer, email } = await setUp();
    await customer('m', 'hi');
    await customer('m', 'maya@example');
    await customer('m', 'maya @ example.com or maya@work.example');
    await customer('m', 'maya at example');
    expect(wa.textsTo('m').slice(2)).toEqual([
      'That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.',
      "That's more than one email address. Please send just the one we should use.",
      "I couldn't take that as an email address, so let's go on without it.",
      'How can we help you today?',
    ]);
    expect(await email('m')).toBeUndefined();
    await h.close();
  });

  it('speaks Arabic to an Arabic customer: takes the spaced address, and words each refusal and the giving up in Arabic', async () => {
    const { h, wa, customer, email } = await setUp();
    await customer('a', 'مرحبا');
    await customer('a', 'maya @ example . com');
    expect(wa.textsTo('a')).toEqual([
      'مرحبًا Maya! شكرًا لتواصلك معنا.',
      'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟',
      'كيف يمكننا مساعدتك اليوم؟',
    ]);
    expect(await email('a')).toBe('maya@example.com');

    await customer('b', 'مرحبا');
    await customer('b', 'maya@example');
    await customer('b', 'maya@example.com و maya@work.example');
    await customer('b', 'مايا');
    expect(wa.textsTo('b').slice(2)).toEqual([
      'يبدو أن عنوان البريد الإلكتروني هذا ينقصه الامتداد، مثل \u2066.com\u2069 أو \u2066.co.uk\u2069. يُرجى كتابته بهذا الشكل: name@example.com',
      'هذا أكثر من عنوان بريد إلكتروني. يُرجى إرسال العنوان الذي نستخدمه فقط.',
      'لم أتمكن من اعتبار ذلك عنوان بريد إلكتروني، لذا سنكمل من دونه.',
      'كيف يمكننا مساعدتك اليوم؟',
    ]);
    expect(await email('b')).toBeUndefined();
    await h.close();
  });

  it.each([
    ['maya آت example دوت com', 'maya@example.com'],
    ['Maya أت example نقطة كوم', 'maya@example.com'],
    ['maya٩٥ @ example . com', 'maya95@example.com'],
    ['بريدي هو maya٩٥@example.com', 'maya95@example.com'],
  ])('takes an address an Arabic customer spells with the Arabic words for "at" and "dot", or with Arabic-Indic digits: %j', async (answer, saved) => {
    const { h, wa, customer, email } = await setUp();
    await customer('a', 'مرحبا');
    await customer('a', answer);
    expect(wa.textsTo('a').at(-1)).toBe('كيف يمكننا مساعدتك اليوم؟');
    expect(await email('a')).toBe(saved);
    await h.close();
  });
});

describe('a need said beside the email', () => {
  const need = (h: Awaited<ReturnType<typeof setUp>>['h']) => h.store.conversations().then((all) => all.map((c) => c.fields.need));

  it('is not asked again, whether the email beside it was refused or taken', async () => {
    const { h, wa, customer, email } = await setUp();
    await customer('m', 'hi');
    await customer('m', 'my email is bob at, I need a refund for order 123');
    await customer('m', 'bob@example.com');
    expect(wa.textsTo('m').slice(2)).toEqual([
      "That doesn't look like an email address. Please write it like name@example.com.",
      'Is this about billing, a technical problem, or a purchase?',
    ]);
    expect(await email('m')).toBe('bob@example.com');

    await customer('n', 'hello');
    await customer('n', "It's nora@example.com, and my parcel never arrived");
    expect(wa.textsTo('n').slice(2)).toEqual(['Is this about billing, a technical problem, or a purchase?']);
    expect(await need(h)).toEqual(['I need a refund for order 123', 'my parcel never arrived']);
    await h.close();
  });

  it('in Arabic too', async () => {
    const { h, wa, customer } = await setUp();
    await customer('a', 'مرحبا');
    await customer('a', 'بريدي bob آت، وعندي مشكلة في الفاتورة');
    await customer('a', 'bob@example.com');
    expect(wa.textsTo('a').at(-1)).toBe('هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟');
    expect(await need(h)).toEqual(['وعندي مشكلة في الفاتورة']);
    await h.close();
  });

  it('is nothing when the words beside the email are courtesies, a correction, or no email at all: the need is asked', async () => {
    const { h, wa, customer } = await setUp();
    const asked = ['Hi Maya! Thanks for getting in touch.', "What's your email address, in case we need to follow up?", 'How can we help you today?'];
    await customer('m', 'hi');
    await customer('m', "sure, it's maya@example.com, thanks a lot!");
    await customer('n', 'hi');
    await customer('n', 'maya@example');
    await customer('n', 'oops, typo. maya@example.com');
    await customer('o', 'hi');
    await customer('o', "I'd rather not say");
    await customer('a', 'مرحبا');
    await customer('a', 'تفضل maya@example.com شكرا');
    expect(wa.textsTo('m')).toEqual(asked);
    expect(wa.textsTo('n').at(-1)).toBe(asked[2]);
    expect(wa.textsTo('o').at(-1)).toBe(asked[2]);
    expect(wa.textsTo('a').at(-1)).toBe('كيف يمكننا مساعدتك اليوم؟');
    expect((await h.store.conversations()).map((c) => c.fields.first_message)).toEqual([undefined, undefined, undefined, undefined]);
    await h.close();
  });
});

describe('a customer who declines to give their email', () => {
  it.each([
    ['no thanks', 'hi', "No problem, let's go on without it.", 'How can we help you today?'],
    ["I'd rather not say.", 'hi', "No problem, let's go on without it.", 'How can we help you today?'],
    ['لا شكرًا', 'مرحبا', 'لا بأس، سنكمل من دونه.', 'كيف يمكننا مساعدتك اليوم؟'],
  ])('is let go at once when they say %j, not told it is no email address', async (answer, hello, told, next) => {
    const { h, wa, customer, email } = await setUp();
    await customer('m', hello);
    await customer('m', answer);
    expect(wa.textsTo('m').slice(2)).toEqual([told, next]);
    expect(await email('m')).toBeUndefined();
    await h.close();
  });

  it('after a wrong try too; a sentence that says more is still asked again', async () => {
    const { h, wa, customer } = await setUp();
    await customer('m', 'hi');
    await customer('m', 'maya@example');
    await customer('m', 'no');
    expect(wa.textsTo('m').slice(3)).toEqual(["No problem, let's go on without it.", 'How can we help you today?']);
    await customer('n', 'hi');
    await customer('n', 'no, wait: it is maya@example');
    expect(wa.textsTo('n').at(-1)).toBe('That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.');
    await h.close();
  });
});

describe('a phone number and an order number', () => {
  const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your mobile number?", ar: "رقم هاتفك المحمول؟" }
    expect: phone
    country: EG
    save: contact.phone
    retries: 1
  - ask: { en: "Your order number?", ar: "رقم طلبك؟" }
    expect: "regex:ORD-\\\\d{4}"
    save: conversation.order
    retries: 1
    invalid: { en: "Order numbers look like ORD-1234. Could you check yours?", ar: "أرقام الطلبات تبدو هكذا: ORD-1234. هل يمكنك التحقق من رقمك؟" }
    failed: { en: "No problem: an agent will ask you for it.", ar: "لا بأس، سيطلبه منك أحد موظفينا." }
  - say: { en: "Thanks!", ar: "شكرًا!" }
`;

  it('shows a refused phone number how the country writes one, and the flow\'s own words for the order number', async () => {
    const { h, wa, customer } = await setUp(flow);
    await customer('m', 'hi');
    await customer('m', '12345');
    await customer('m', '0100 123 4567');
    await customer('m', 'A-12');
    await customer('m', 'I lost it');
    expect(wa.textsTo('m')).toEqual([
      'Your mobile number?',
      "That doesn't look like a phone number. Please write it like 010 01234567.",
      'Your order number?',
      'Order numbers look like ORD-1234. Could you check yours?',
      'No problem: an agent will ask you for it.',
      'Thanks!',
    ]);
    expect((await h.store.contactByIdentity('whatsapp-cloud', 'm'))?.fields.phone).toBe('+201001234567');
    await h.close();
  });

  it('in Arabic, with the example number kept left to right', async () => {
    const { h, wa, customer } = await setUp(flow);
    await customer('a', 'مرحبا');
    await customer('a', '١٢٣');
    await customer('a', '١٢٣');
    expect(wa.textsTo('a')).toEqual([
      'رقم هاتفك المحمول؟',
      'لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مثل \u2066010 01234567\u2069.',
      'لم أتمكن من اعتبار ذلك رقم هاتف، لذا سنكمل من دونه.',
      'رقم طلبك؟',
    ]);
    await h.close();
  });
});

describe('a phone number written in a sentence', () => {
  const flow = (country?: string) => `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your mobile number?", ar: "رقم هاتفك المحمول؟" }
    expect: phone${country ? `\n    country: ${country}` : ''}
    save: contact.phone
  - say: { en: "Thanks, we'll call {{contact.phone}}.", ar: "شكرًا، سنتصل بالرقم {{contact.phone}}." }
`;
  const phone = async (h: Awaited<ReturnType<typeof setUp>>['h'], id: string) => (await h.store.contactByIdentity('whatsapp-cloud', id))?.fields.phone;

  it.each([
    ['my number is +44 7400 123456', undefined],
    ['call me on 07400 123456 please', 'GB'],
    ['Sure! It\'s 07400 123456, after 5pm is best', 'GB'],
  ])('takes the one number among the words: %j', async (answer, country) => {
    const { h, wa, customer } = await setUp(flow(country));
    await customer('m', 'hi');
    await customer('m', answer);
    expect(wa.textsTo('m')).toEqual(['Your mobile number?', "Thanks, we'll call +447400123456."]);
    expect(await phone(h, 'm')).toBe('+447400123456');
    await h.close();
  });

  it('takes an Arabic customer\'s «رقمي 0501234567», in Arabic-Indic digits too', async () => {
    const { h, wa, customer } = await setUp(flow('SA'));
    await customer('a', 'مرحبا');
    await customer('a', 'رقمي 0501234567');
    await customer('b', 'مرحبا');
    await customer('b', 'رقمي ٠٥٠١٢٣٤٥٦٧ شكرًا');
    for (const id of ['a', 'b']) {
      expect(wa.textsTo(id)).toEqual(['رقم هاتفك المحمول؟', 'شكرًا، سنتصل بالرقم +966501234567.']);
      expect(await phone(h, id)).toBe('+966501234567');
    }
    await h.close();
  });

  it('asks for just one of two numbers, in English and Arabic, and saves the one then sent', async () => {
    const { h, wa, customer } = await setUp(flow('GB'));
    await customer('m', 'hi');
    await customer('m', 'my mobile is 07400 123456 or the office, 020 7946 0958');
    await customer('m', 'the mobile: 07400 123456');
    expect(wa.textsTo('m')).toEqual([
      'Your mobile number?',
      "That's more than one phone number. Please send just the one we should use.",
      "Thanks, we'll call +447400123456.",
    ]);
    await customer('a', 'مرحبا');
    await customer('a', 'رقمي 07400 123456 أو 07400 654321');
    expect(wa.textsTo('a').at(-1)).toBe('هذا أكثر من رقم هاتف. يُرجى إرسال الرقم الذي نستخدمه فقط.');
    expect(await phone(h, 'a')).toBeUndefined();
    await h.close();
  });

  it('tells a customer who gave no number, or one without its country code, to write it with the code', async () => {
    const { h, wa, customer } = await setUp(flow());
    await customer('m', 'hi');
    await customer('m', 'call me on 07400 123456 please');
    expect(wa.textsTo('m').at(-1)).toBe("That doesn't look like a phone number. Please write it with the country code, like +44 20 7946 0958.");
    await customer('m', 'ok: +44 7400 123456');
    expect(wa.textsTo('m').at(-1)).toBe("Thanks, we'll call +447400123456.");
    await h.close();
  });
});

describe('an order number question that gives an example instead of its own words', () => {
  const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your order number?", ar: "رقم طلبك؟" }
    expect: "regex:ORD-\\\\d{4}"
    example: ORD-1234
    save: conversation.order
  - say: { en: "Looking up {{conversation.order}} now.", ar: "نبحث الآن عن {{conversation.order}}." }
`;

  it('shows the example on a wrong answer, shorter the second time, and takes the number in Arabic-Indic digits', async () => {
    const { h, wa, customer } = await setUp(flow);
    await customer('m', 'hi');
    await customer('m', 'A-12');
    await customer('m', 'B-7');
    await customer('m', 'ORD-١٢٣٤');
    expect(wa.textsTo('m')).toEqual([
      'Your order number?',
      "That doesn't look right. Please write it like ORD-1234.",
      "Sorry, that's still not it. Like ORD-1234, please.",
      'Looking up ORD-1234 now.',
    ]);
    await h.close();
  });

  it('in Arabic, with the example kept left to right', async () => {
    const { h, wa, customer } = await setUp(flow);
    await customer('a', 'مرحبا');
    await customer('a', 'طلب ١٢');
    await customer('a', 'لا أعرف');
    await customer('a', 'ORD-٤٣٢١');
    expect(wa.textsTo('a')).toEqual([
      'رقم طلبك؟',
      'لا يبدو هذا صحيحًا. يُرجى كتابته بهذا الشكل: \u2068ORD-1234\u2069',
      'عذرًا، ما زال هذا غير صحيح. مثل: \u2068ORD-1234\u2069',
      'نبحث الآن عن ORD-4321.',
    ]);
    await h.close();
  });
});

describe('the same mistake twice in a row', () => {
  it('is told shorter the second time, with the example; a different mistake is told in full', async () => {
    const { h, wa, customer } = await setUp();
    await customer('m', 'hi');
    await customer('m', 'maya');
    await customer('m', 'maya smith');
    expect(wa.textsTo('m').slice(2)).toEqual([
      "That doesn't look like an email address. Please write it like name@example.com.",
      "Sorry, that's still not an email address. Just the address, like name@example.com.",
    ]);

    await customer('n', 'hi');
    await customer('n', 'maya@example');
    await customer('n', 'maya');
    expect(wa.textsTo('n').slice(2)).toEqual([
      'That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.',
      "That doesn't look like an email address. Please write it like name@example.com.",
    ]);
    await h.close();
  });

  it('in Arabic too, and for a phone number of the question\'s country', async () => {
    const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Your email?", ar: "بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
  - ask: { en: "Your mobile number?", ar: "رقم هاتفك المحمول؟" }
    expect: phone
    country: EG
    save: contact.phone
  - say: { en: "Thanks!", ar: "شكرًا!" }
`;
    const { h, wa, customer } = await setUp(flow);
    await customer('a', 'مرحبا');
    await customer('a', 'مايا');
    await customer('a', 'مايا سميث');
    await customer('a', 'maya آت example دوت com');
    await customer('a', '١٢٣');
    await customer('a', '٤٥٦');
    await customer('a', '٠١٠٠ ١٢٣ ٤٥٦٧');
    expect(wa.textsTo('a')).toEqual([
      'بريدك الإلكتروني؟',
      'لا يبدو هذا عنوان بريد إلكتروني صحيحًا. يُرجى كتابته بهذا الشكل: name@example.com',
      'عذرًا، ما زال هذا ليس عنوان بريد إلكتروني. العنوان فقط، مثل: name@example.com',
      'رقم هاتفك المحمول؟',
      'لا يبدو هذا رقم هاتف صحيحًا. يُرجى كتابته مثل \u2066010 01234567\u2069.',
      'عذرًا، ما زال هذا ليس رقم هاتف. مثل \u2066010 01234567\u2069 من فضلك.',
      'شكرًا!',
    ]);
    const contact = await h.store.contactByIdentity('whatsapp-cloud', 'a');
    expect(contact?.fields).toMatchObject({ email: 'maya@example.com', phone: '+201001234567' });
    await h.close();
  });
});
