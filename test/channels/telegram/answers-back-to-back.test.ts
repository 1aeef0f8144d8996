// A Telegram customer who types her hello, email and need back to back, before the bot answers: under long polling
// one getUpdates answer brings all three. Through the real server, the shipped data and the fake Bot API: each
// message answers the question it can, and no question is said for what she has just given.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers.ts';
import { telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();

const CUSTOMERS = [
  {
    who: 'in English', chat: 5002, hello: 'hi', email: 'layla@example.com', need: 'my parcel never came',
    greeting: 'Hi Layla! Thanks for getting in touch.', askEmail: "What's your email address, in case we need to follow up?", askNeed: 'How can we help you today?',
  },
  {
    who: 'in Arabic', chat: 5003, hello: 'مرحبا', email: 'layla@example.com', need: 'طلبي لم يصل',
    greeting: 'مرحبًا Layla! شكرًا لتواصلك معنا.', askEmail: 'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟', askNeed: 'كيف يمكننا مساعدتك اليوم؟',
  },
] as const;

describe('a customer\'s hello, email and need typed back to back (one getUpdates answer)', () => {
  for (const customer of CUSTOMERS) {
    it(`asks neither her email nor her need, and routes her: ${customer.who}`, async () => {
      const { app, api } = await setUp({
        webhook: false, shipped: true,
        apiBeforeStart: (fake) => {
          for (const body of [customer.hello, customer.email, customer.need]) fake.push(text(customer.chat, body));
        },
      });
      // The routing's words come after any question stored before them (one recipient's replies go in order).
      await eventually(() => api.sentTo(customer.chat).length >= 2, 60_000);
      const said = api.sentTo(customer.chat);
      // Before: the email question and "How can we help you today?", both answered already.
      expect(said[0]).toBe(customer.greeting);
      expect(said).not.toContain(customer.askEmail);
      expect(said).not.toContain(customer.askNeed);
      const [contact] = await app.store.contacts();
      expect(contact?.fields.email).toBe(customer.email);
      const [conversation] = await app.store.conversationsOfContacts([contact!.id]);
      expect((await app.store.conversation(conversation!.id))?.fields.need).toBe(customer.need);
    }, 90_000);
  }
});
