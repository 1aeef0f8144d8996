// Meta delivers a person's messages in no promised order: one batch may list them reversed. Through the real server
// and the fake Graph API: the answers are taken in the order the customer wrote them (by the events' timestamps), on
// Messenger and on Instagram.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { IGSID, IG_ACCOUNT, PSID, batch, settled, startMessenger, textEvent, type MessengerServer } from './harness.ts';

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
