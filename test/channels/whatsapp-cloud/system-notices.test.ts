// WhatsApp Cloud's own notices about a customer (a `system` message other than a number change: their
// security code changed after a reinstall or a new phone) are not the customer writing: nothing opens, nobody is
// greeted, and a question that waits is not told "that kind of message cannot be read".
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { messagesBody, settled, SHEENA, startCloud, text, type CloudServer } from './harness.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "What is your order number?"
    save: conversation.order
  - close: "done"
`;

const running: CloudServer[] = [];
afterEach(async () => {
  for (const cloud of running.splice(0)) await cloud.stop();
  await cleanupDirs();
});

function identityChanged(id: string) {
  const body = messagesBody([]);
  (body.entry as any[])[0].changes[0].value.messages = [{
    from: SHEENA, id, timestamp: '1763950320', type: 'system',
    system: { body: 'Sheena Nelson\'s security code changed.', customer: SHEENA, identity: 'abcdef0123', type: 'customer_identity_changed' },
  }];
  return body;
}

describe('WhatsApp Cloud system notices', () => {
  it('a customer_identity_changed notice with no conversation open greets nobody and opens nothing', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    expect((await cloud.post(identityChanged('wamid.SYS-ID-1'))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.sentTo(SHEENA)).toEqual([]);
    expect(await cloud.app.store.openConversations()).toEqual([]);
  });

  it('mid-question, the notice is not answered with "that kind of message cannot be read"', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('hi')]))).status).toBe(200);
    await settled(cloud);
    const before = cloud.graph.sentTo(SHEENA).length;
    expect((await cloud.post(identityChanged('wamid.SYS-ID-2'))).status).toBe(200);
    await settled(cloud);
    const after = cloud.graph.sentTo(SHEENA).slice(before).map((m) => m.text?.body);
    expect(after).toEqual([]);
  });
});

describe('statuses for messages not sent from here', () => {
  it('30 unknown statuses in a batch with a customer message: answered within a few seconds, and the customer is answered', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    const statuses = Array.from({ length: 30 }, (_, n) => ({ id: `wamid.UNKNOWN${n}`, status: n % 3 === 0 ? 'failed' : 'delivered', timestamp: '1763950300', recipient_id: SHEENA, ...(n % 3 === 0 ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}) }));
    const started = Date.now();
    const res = await cloud.post(messagesBody([text('hi')], { statuses }));
    const took = Date.now() - started;
    await settled(cloud);
    expect(res.status).toBe(200);
    expect(took).toBeLessThan(8_000);
    expect(cloud.graph.sentTo(SHEENA).map((m) => m.text?.body)).toEqual(['Hi Sheena Nelson!', 'What is your order number?']);
  });
});
