// A question with skip_if_known is not asked when the customer already wrote its answer in this conversation (the
// opening message, an answer to another question, what was beside an answer), and a correction of an earlier answer
// ("sorry, I meant 12346") changes that answer instead of being taken as the answer to the question at hand.
import { describe, expect, it } from 'vitest';
import { resumeFlow, startFlow } from '../../src/flows/index.ts';
import { editedAnswer } from '../../src/flows/heard.ts';
import { compile, newRun, script, takeSaid } from './helpers.ts';

const ENRICH = script(`  - ask: { en: "Your email?", ar: "بريدك؟" }
    expect: email
    save: contact.email
    skip_if_known: true
  - ask: { en: "Your order number?", ar: "رقم طلبك؟" }
    expect: regex:\\d{5}
    example: "12345"
    save: conversation.order
    skip_if_known: true
  - ask: { en: "How can we help?", ar: "كيف نساعدك؟" }
    save: conversation.need
    skip_if_known: true
  - say: "Done"
`);

describe('questions whose answer the customer already wrote', () => {
  it('takes the email and the order number from the opening message, in English and Arabic, and asks only what is left', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run, { said: "hi I'm Sam@Example.com, order #12345 was charged twice" });
    expect(takeSaid(run)).toEqual(['How can we help?']);
    expect(run.contact.fields.email).toBe('sam@example.com');
    expect(run.conversation.fields.order).toBe('12345');

    const arabic = newRun({ language: 'ar' });
    startFlow(flow, arabic, { said: 'طلبي رقم ١٢٣٤٥ وبريدي sam@example.com' });
    expect(takeSaid(arabic)).toEqual(['كيف نساعدك؟']);
    expect(arabic.contact.fields.email).toBe('sam@example.com');
    expect(arabic.conversation.fields.order).toBe('12345');
  });

  it('takes a new email written in the opening message over the one the contact had', () => {
    const flow = compile(ENRICH);
    const run = newRun({ fields: { email: 'old@example.com' } });
    startFlow(flow, run, { said: 'my new email is sam@new.example.com' });
    expect(takeSaid(run)).toEqual(['Your order number?']);
    expect(run.contact.fields.email).toBe('sam@new.example.com');
  });

  it('keeps an order number given when asked the email, and does not ask it after the email', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run, { said: 'hello' });
    expect(takeSaid(run)).toEqual(['Your email?']);
    resumeFlow(flow, run, { text: '12345' });
    expect(takeSaid(run)).toEqual(["That doesn't look like an email address. Please write it like name@example.com."]);
    resumeFlow(flow, run, { text: 'sam@example.com' });
    expect(takeSaid(run)).toEqual(['How can we help?']);
    expect(run.conversation.fields.order).toBe('12345');
  });

  it('takes two answers written in one message', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run);
    takeSaid(run);
    resumeFlow(flow, run, { text: 'sam@example.com, order 12345' });
    expect(takeSaid(run)).toEqual(['How can we help?']);
    expect(run.contact.fields.email).toBe('sam@example.com');
    expect(run.conversation.fields.order).toBe('12345');
  });

  it('asks when the text holds two different order numbers, or none with a digit', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run, { said: 'sam@example.com: orders 12345 and 54321 never came' });
    expect(takeSaid(run)).toEqual(['Your order number?']);
  });

  it('does not take one answer for two questions that take the same shape', () => {
    const flow = compile(script(`  - ask: "Order?"
    expect: regex:\\d{5}
    save: conversation.order
    skip_if_known: true
  - ask: "Order of the other item?"
    expect: regex:\\d{5}
    save: conversation.other
    skip_if_known: true
`));
    const run = newRun();
    startFlow(flow, run, { said: 'order 12345 came broken' });
    expect(takeSaid(run)).toEqual(['Order of the other item?']);
    expect(run.conversation.fields.order).toBe('12345');
  });

  it('asks a question without skip_if_known as written', () => {
    const flow = compile(script(`  - ask: "Confirm your email?"\n    expect: email\n    save: contact.email\n`));
    const run = newRun();
    startFlow(flow, run, { said: 'sam@example.com here' });
    expect(takeSaid(run)).toEqual(['Confirm your email?']);
  });

  it('takes "sorry, I meant 12346" as a correction of the order number, and asks the question at hand again', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'sam@example.com' });
    resumeFlow(flow, run, { text: '12345' });
    takeSaid(run);
    resumeFlow(flow, run, { text: 'sorry, I meant 12346' });
    expect(takeSaid(run)).toEqual(["Thanks, I've changed it to 12346.", 'How can we help?']);
    expect(run.conversation.fields).toEqual({ order: '12346' });
    resumeFlow(flow, run, { text: 'oops, typo: sam@example.org' });
    expect(run.contact.fields.email).toBe('sam@example.org');
    resumeFlow(flow, run, { text: 'my card was charged twice' });
    expect(run.conversation.fields).toEqual({ order: '12346', need: 'my card was charged twice' });

    const arabic = newRun({ language: 'ar' });
    startFlow(flow, arabic);
    resumeFlow(flow, arabic, { text: 'sam@example.com' });
    resumeFlow(flow, arabic, { text: '١٢٣٤٥' });
    takeSaid(arabic);
    resumeFlow(flow, arabic, { text: 'أقصد ١٢٣٤٦' });
    expect(takeSaid(arabic)).toEqual(['شكرًا، عدّلتُه إلى \u206812346\u2069.', 'كيف نساعدك؟']);
    expect(arabic.conversation.fields.order).toBe('12346');
  });

  it('takes a need that names another order as the need, not as a correction', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'sam@example.com' });
    resumeFlow(flow, run, { text: '12345' });
    resumeFlow(flow, run, { text: 'order 12346 came broken too' });
    expect(run.conversation.fields).toEqual({ order: '12345', need: 'order 12346 came broken too' });
  });
});

describe('an order number written in a sentence', () => {
  it('answers the order number question: "it\'s #12345", «رقم طلبي ١٢٣٤٥»', () => {
    const flow = compile(ENRICH);
    for (const [said, language] of [["it's #12345, thanks", 'en'], ['رقم طلبي ١٢٣٤٥', 'ar']] as const) {
      const run = newRun({ language });
      startFlow(flow, run, { said: 'sam@example.com' });
      takeSaid(run);
      resumeFlow(flow, run, { text: said });
      expect(run.conversation.fields.order).toBe('12345');
      expect(takeSaid(run)).toEqual([language === 'en' ? 'How can we help?' : 'كيف نساعدك؟']);
    }
  });

  it('asks again when the sentence holds two different ones', () => {
    const flow = compile(ENRICH);
    const run = newRun();
    startFlow(flow, run, { said: 'sam@example.com' });
    takeSaid(run);
    resumeFlow(flow, run, { text: 'either 12345 or 54321' });
    expect(run.conversation.fields.order).toBeUndefined();
    expect(takeSaid(run)).toEqual(["That doesn't look right. Please write it like 12345."]);
  });
});

describe('a need told first', () => {
  it('answers the email and order number questions after it', () => {
    const flow = compile(script(`  - ask: "How can we help?"
    save: conversation.need
  - ask: "Your email?"
    expect: email
    save: contact.email
    skip_if_known: true
  - ask: "Your order number?"
    expect: regex:\\d{5}
    save: conversation.order
    skip_if_known: true
  - say: "Done"
`));
    const run = newRun();
    startFlow(flow, run, { said: 'hello' });
    takeSaid(run);
    resumeFlow(flow, run, { text: 'order 12345 never came, write to sam@example.com' });
    expect(takeSaid(run)).toEqual(['Done']);
    expect(run.contact.fields.email).toBe('sam@example.com');
    expect(run.conversation.fields).toEqual({ need: 'order 12345 never came, write to sam@example.com', order: '12345' });
  });
});

describe('a correction when several questions were answered', () => {
  const LABELLED = script(`  - ask: { en: "Your email?", ar: "بريدك؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
    skip_if_known: true
  - ask: { en: "Your order number?", ar: "رقم طلبك؟" }
    expect: regex:\\d{5}
    example: "12345"
    save: conversation.order
    label: { en: Order number, ar: رقم الطلب }
    skip_if_known: true
  - ask: { en: "How can we help?", ar: "كيف نساعدك؟" }
    save: conversation.need
  - say: "Done"
`);

  it('names the field it changed by its question\'s label, in English and Arabic', () => {
    const flow = compile(LABELLED);
    for (const [language, said] of [['en', ["Thanks, I've changed the order number to 12346.", 'How can we help?']], ['ar', ['شكرًا، عدّلتُ \u2068رقم الطلب\u2069 إلى \u206812346\u2069.', 'كيف نساعدك؟']]] as const) {
      const run = newRun({ language });
      startFlow(flow, run);
      resumeFlow(flow, run, { text: 'sam@example.com' });
      resumeFlow(flow, run, { text: '12345' });
      takeSaid(run);
      resumeFlow(flow, run, { text: language === 'en' ? 'sorry, I meant 12346' : 'أقصد ١٢٣٤٦' });
      expect(takeSaid(run)).toEqual(said);
      expect(run.conversation.fields.order).toBe('12346');
    }
  });

  it('says "it" when one question was answered', () => {
    const flow = compile(LABELLED);
    const run = newRun();
    startFlow(flow, run);
    resumeFlow(flow, run, { text: 'no thanks' });
    resumeFlow(flow, run, { text: '12345' });
    takeSaid(run);
    resumeFlow(flow, run, { text: 'sorry, I meant 12346' });
    expect(takeSaid(run)).toEqual(["Thanks, I've changed it to 12346.", 'How can we help?']);
  });
});

describe('a phone number and a date written before their questions', () => {
  const BOOKING = script(`  - ask: { en: "Your phone number?", ar: "رقم هاتفك؟" }
    expect: phone
    country: GB
    save: contact.phone
    skip_if_known: true
  - ask: { en: "The date of your flight?", ar: "تاريخ رحلتك؟" }
    expect: date
    save: conversation.flight_date
    skip_if_known: true
  - ask: { en: "How can we help?", ar: "كيف نساعدك؟" }
    save: conversation.need
  - say: "Done"
`);

  it('takes them from the opening message, in English and Arabic, and asks only what is left', () => {
    const flow = compile(BOOKING);
    const run = newRun();
    startFlow(flow, run, { said: 'my flight on 15/06/2026 was cancelled, call me on 07400 123456' });
    expect(takeSaid(run)).toEqual(['How can we help?']);
    expect(run.contact.fields.phone).toBe('+447400123456');
    expect(run.conversation.fields.flight_date).toBe('2026-06-15');

    const arabic = newRun({ language: 'ar' });
    startFlow(flow, arabic, { said: 'أُلغيت رحلتي يوم ١٥/٠٦/٢٠٢٦، رقمي ٠٧٤٠٠١٢٣٤٥٦' });
    expect(takeSaid(arabic)).toEqual(['كيف نساعدك؟']);
    expect(arabic.contact.fields.phone).toBe('+447400123456');
    expect(arabic.conversation.fields.flight_date).toBe('2026-06-15');
  });

  it('takes a date given when the phone number was asked, and asks a date when two are written', () => {
    const flow = compile(BOOKING);
    const run = newRun();
    startFlow(flow, run, { said: 'hello' });
    expect(takeSaid(run)).toEqual(['Your phone number?']);
    resumeFlow(flow, run, { text: '07400 123456, the flight was 2026-06-15' });
    expect(takeSaid(run)).toEqual(['How can we help?']);
    expect(run.conversation.fields.flight_date).toBe('2026-06-15');
    resumeFlow(flow, run, { text: 'sorry, I meant 07400 654321' });
    expect(takeSaid(run)).toEqual(["Thanks, I've changed it to +447400654321.", 'How can we help?']);
    expect(run.contact.fields.phone).toBe('+447400654321');

    const two = newRun();
    startFlow(flow, two, { said: 'flights on 15/06/2026 and 16/06/2026, phone +44 7400 123456' });
    expect(takeSaid(two)).toEqual(['The date of your flight?']);
    expect(two.contact.fields.phone).toBe('+447400123456');
  });
});

describe('an edit that hides an answer behind stars', () => {
  const order = { type: 'regex' as const, pattern: /^(?:\d{5})$/u };
  it('changes no answer, though the pattern would read another number left beside it', () => {
    // Before: { index: 0, value: '41111' }, the other number taken for the order number.
    expect(editedAnswer([{ expect: order, value: '12345' }], 'order 12345 card 4111', 'order 12**5 card 41111')).toEqual({ index: 0, refused: true, removed: true, masked: true });
    expect(editedAnswer([{ expect: { type: 'email' }, value: 'sam@example.com' }], 'sam@example.com', '***@***.***')).toEqual({ index: 0, refused: true, removed: true, masked: true });
  });

  it('is no mask where the stars hide nothing: emphasis, a correction marked with one, the answer still whole', () => {
    expect(editedAnswer([{ expect: order, value: '12345' }], 'order 12345', 'order **12346**')).toEqual({ index: 0, value: '12346' });
    expect(editedAnswer([{ expect: order, value: '12345' }], 'order 12345', 'order 12346*')).toEqual({ index: 0, value: '12346' });
    expect(editedAnswer([{ expect: order, value: '12345' }], 'order 12345 card 4111', 'order 12345 card ****')).toBeUndefined();
  });
});
