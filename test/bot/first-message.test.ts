// Which opening messages say what the customer needs (conversation.first_message), and which only say hello.
import { describe, expect, it } from 'vitest';
import { firstMessage } from '../../src/bot/first-message.ts';
import { saysMoreThanHello } from '../../src/shared/small-talk.ts';

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

  it('reads the worst first message a customer can send at once: a long run of "@"', () => {
    // Looking for an address with /\S+@\S+\.\S+/ took time with the cube of a word's length: 3,000 "@" held the
    // server's one thread for some 6 s, the 20,000 a Messenger message may hold for minutes. CPU time of this process.
    const before = process.cpuUsage();
    for (const text of ['@'.repeat(3_000), 'a@'.repeat(1_500), `hi ${'@'.repeat(3_000)}.com`]) expect(saysMoreThanHello(text), text.slice(0, 9)).toBe(false);
    const { user, system } = process.cpuUsage(before);
    expect((user + system) / 1000).toBeLessThan(500);
    expect(saysMoreThanHello(`${'@'.repeat(3_000)} refund`)).toBe(true);
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
