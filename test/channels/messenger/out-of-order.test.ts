// Meta delivers a person's messages in no promised order: one batch may list them reversed. Through the real server
// and the fake Graph API: the answers are taken in the order the customer wrote them (by the events' timestamps), on
// Messenger and on Instagram.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { IGSID, IG_ACCOUNT, PAGE_ID, PSID, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const running: MessengerServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, {{conversation.need}} noted."
`;

describe('a batch listing a customer\'s messages out of order', () => {
  for (const platform of ['page', 'instagram'] as const) {
    it(`takes them in the order they were written (${platform === 'page' ? 'Messenger' : 'Instagram'})`, async () => {
      const messenger = await startMessenger({ flows: { 'inbound.yaml': flow }, ...(platform === 'instagram' ? { config: { INSTAGRAM: '1' } } : {}) });
      running.push(messenger);
      const person = platform === 'page' ? PSID : IGSID;
      const to = platform === 'page' ? undefined : IG_ACCOUNT;
      const event = (text: string, timestamp: number) => textEvent(text, { from: person, timestamp, ...(to ? { to } : {}) });
      expect((await messenger.post(batch([event('hi', 1763950400000)], { object: platform }))).status).toBe(200);
      await eventually(() => messenger.graph.saidTo(person).includes('What is your email address?'));
      await settled(messenger);
      const reversed = batch([event('my parcel never came', 1763950430000), event('sheena@example.com', 1763950420000)], { object: platform });
      expect((await messenger.post(reversed)).status).toBe(200);
      await eventually(() => messenger.graph.saidTo(person).length >= 3);
      await settled(messenger);
      // Before: "my parcel never came" was taken as the email, refused as none, and the email as the need.
      expect(messenger.graph.saidTo(person)).toEqual(['What is your email address?', 'What can we help you with?', 'Thanks, my parcel never came noted.']);
    }, 30_000);
  }
});

const orderFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks: {{conversation.order}}, {{conversation.need}}."
`;

describe('a customer\'s message that comes after one she wrote later, in another webhook', () => {
  it('is kept in her conversation and answers no question asked since (Messenger)', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': orderFlow } });
    running.push(messenger);
    const said = async (count: number) => {
      await eventually(() => messenger.graph.saidTo(PSID).length >= count);
      await settled(messenger);
      return messenger.graph.saidTo(PSID);
    };
    expect((await messenger.post(batch([textEvent('hi', { timestamp: 1763950400000 })]))).status).toBe(200);
    await said(1);
    expect((await messenger.post(batch([textEvent('it never arrived', { timestamp: 1763950430000 })]))).status).toBe(200);
    expect((await said(2)).at(-1)).toBe('What can we help you with?');
    // Written a second before the message above, delivered after it: before, it became the need.
    const late = textEvent('A-1234', { timestamp: 1763950429000 });
    expect((await messenger.post(batch([late]))).status).toBe(200);
    await settled(messenger);
    const [contact] = await messenger.app.store.contacts();
    const stored = (await messenger.app.store.messagesOfContact(contact!.id)).find((m) => m.text === 'A-1234');
    expect(stored).toBeDefined();
    expect(stored!.answers).toBeUndefined();
    expect((await messenger.post(batch([textEvent('my parcel', { timestamp: 1763950440000 })]))).status).toBe(200);
    expect(await said(3)).toEqual(['What is your order number?', 'What can we help you with?', 'Thanks: it never arrived, my parcel.']);
  }, 30_000);
});

describe('a referral listed after the message that followed it', () => {
  it('is the referral of that message: the m.me link\'s ref is kept on the contact at once (Messenger)', async () => {
    const messenger = await startMessenger({ flows: { 'inbound.yaml': flow } });
    running.push(messenger);
    const referral = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, referral: { ref: 'spring-coupon', source: 'SHORTLINK', type: 'OPEN_THREAD' } };
    // Before: the referral waited for her next message, and the contact had none.
    expect((await messenger.post(batch([textEvent('I have a coupon', { timestamp: 1763950405000 }), referral]))).status).toBe(200);
    expect((await messenger.app.store.contacts())[0]!.fields.referral).toBe('spring-coupon');
  }, 30_000);
});
