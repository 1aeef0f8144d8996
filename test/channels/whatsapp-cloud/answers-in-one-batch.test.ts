// A customer who answers the questions before they are asked, in messages written within a moment: Meta sends them in
// one webhook batch. Through the real server, the shipped inbound flow and the fake Graph API: each message answers
// the question it can, in the order written, and no question is said for what she has just given.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { messagesBody, settled, startCloud, text, SHEENA, type CloudServer } from './harness.ts';

const shipped = readFileSync(new URL('../../../data/flows/inbound.yaml', import.meta.url), 'utf8');
const LAYLA = '971501234567';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const CUSTOMERS = [
  {
    who: 'Sheena, in English', from: SHEENA, name: 'Sheena Nelson', email: 'sheena@example.com', need: 'my parcel never came', hello: 'hi',
    greeting: 'Hi Sheena Nelson! Thanks for getting in touch.', clarify: 'Is this about billing, a technical problem, or a purchase?', askEmail: "What's your email address, in case we need to follow up?", askNeed: 'How can we help you today?',
  },
  {
    who: 'Layla, in Arabic', from: LAYLA, name: 'ليلى', email: 'layla@example.com', need: 'طلبي لم يصل', hello: 'مرحبا',
    greeting: 'مرحبًا ليلى! شكرًا لتواصلك معنا.', clarify: 'هل استفسارك بخصوص الفواتير، أم مشكلة فنية، أم عملية شراء؟', askEmail: 'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟', askNeed: 'كيف يمكننا مساعدتك اليوم؟',
  },
] as const;

describe('a customer\'s hello, email and need in one batch', () => {
  for (const customer of CUSTOMERS) {
    it(`asks neither her email nor her need: ${customer.who}`, async () => {
      const cloud = await startCloud({ flows: { 'inbound.yaml': shipped } });
      running.push(cloud);
      const batch = messagesBody([
        text(customer.hello, { from: customer.from, timestamp: '1763950300' }),
        text(customer.email, { from: customer.from, timestamp: '1763950301' }),
        text(customer.need, { from: customer.from, timestamp: '1763950302' }),
      ], { from: customer.from, name: customer.name });
      expect((await cloud.post(batch)).status).toBe(200);
      await settled(cloud);
      await eventually(() => cloud.graph.saidTo(customer.from).length >= 2);
      await settled(cloud);
      // Before: she read the email question and "How can we help you today?" after she had answered both. Now the
      // need is routed (no NLP model here: she picks the team).
      expect(cloud.graph.saidTo(customer.from)).toEqual([customer.greeting, customer.clarify]);
      const [contact] = await cloud.app.store.contacts();
      expect(contact?.fields.email).toBe(customer.email);
      const [conversation] = await cloud.app.store.conversationsOfContacts([contact!.id]);
      expect((await cloud.app.store.conversation(conversation!.id))?.fields.need).toBe(customer.need);
    }, 30_000);
  }

  for (const customer of CUSTOMERS) {
    it(`asks her email once, and not her need, when the batch has her need and no email: ${customer.who}`, async () => {
      const cloud = await startCloud({ flows: { 'inbound.yaml': shipped } });
      running.push(cloud);
      const batch = messagesBody([
        text(customer.hello, { from: customer.from, timestamp: '1763950300' }),
        text(customer.need, { from: customer.from, timestamp: '1763950301' }),
      ], { from: customer.from, name: customer.name });
      expect((await cloud.post(batch)).status).toBe(200);
      await settled(cloud);
      await eventually(() => cloud.graph.saidTo(customer.from).length >= 2);
      await settled(cloud);
      // Before: the email question, then her need refused as no email address.
      expect(cloud.graph.saidTo(customer.from)).toEqual([customer.greeting, customer.askEmail]);
      expect((await cloud.post(messagesBody([text(customer.email, { from: customer.from, timestamp: '1763950330' })], { from: customer.from, name: customer.name }))).status).toBe(200);
      await eventually(() => cloud.graph.saidTo(customer.from).length >= 3);
      await settled(cloud);
      expect(cloud.graph.saidTo(customer.from)).toEqual([customer.greeting, customer.askEmail, customer.clarify]);
      const [contact] = await cloud.app.store.contacts();
      expect(contact?.fields.email).toBe(customer.email);
      const [conversation] = await cloud.app.store.conversationsOfContacts([contact!.id]);
      expect((await cloud.app.store.conversation(conversation!.id))?.fields.need).toBe(customer.need);
    }, 30_000);
  }
});
