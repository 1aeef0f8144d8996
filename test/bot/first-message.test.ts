// Which opening messages say what the customer needs (conversation.first_message), and which only say hello.
import { describe, expect, it } from 'vitest';
import { firstMessage, saysMoreThanHello } from '../../src/bot/first-message.ts';

describe('what a conversation\'s first message says the customer needs', () => {
  it('is nothing for a greeting, small talk, a plea for help without a subject, their own name or an email address', () => {
    for (const text of [
      'hi', 'Hello there!', 'hey 👋', 'Good morning, how are you?', 'hi, can someone help me?', 'I have a question',
      'Hi, this is Layla', 'hello, layla@example.com', 'مرحبا', 'السلام عليكم ورحمة الله وبركاته', 'صباح الخير، ممكن مساعدة؟', 'أهلاً 🙂',
    ]) expect(saysMoreThanHello(text, 'Layla'), text).toBe(false);
  });

  it('is the message when a word says more, however short', () => {
    for (const text of [
      'refund please', 'my order A-1234 never arrived', 'hi, my order A-1234 never arrived', 'I would like to buy the premium plan, who can help?',
      'hello, the app crashes when I log in', 'تم خصم المبلغ مرتين', 'مرحبا، أريد استرداد أموالي',
    ]) expect(saysMoreThanHello(text), text).toBe(true);
  });

  it('keeps a returning customer\'s first message whatever it says, and nobody\'s button or chat command', () => {
    expect(firstMessage({ text: ' hello? any news? ' }, { returning: true })).toBe('hello? any news?');
    expect(firstMessage({ text: 'hello there!' }, { returning: false })).toBeUndefined();
    expect(firstMessage({ text: 'my parcel is late' }, { returning: false })).toBe('my parcel is late');
    for (const returning of [true, false]) {
      expect(firstMessage({ text: '/start' }, { returning })).toBeUndefined();
      expect(firstMessage({ text: '/start summer-ad' }, { returning })).toBeUndefined();
      expect(firstMessage({ text: 'Get Started', choice: 'GET_STARTED' }, { returning })).toBeUndefined();
    }
  });
});
