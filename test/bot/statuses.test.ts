// Delivery statuses of messages this server does not know (sent from the WhatsApp Business app, say): the wait for a
// late id is spent once per id, not once per status; a failure for an id the outbox has not recorded yet is kept in
// the store, within bounds, until it does.
import { afterAll, expect, it } from 'vitest';
import { Statuses } from '../../src/bot/statuses.ts';
import { EventBus } from '../../src/bot/events.ts';
import type { Transactions } from '../../src/bot/transactions.ts';
import type { Desk } from '../../src/handover/desk.ts';
import type { Store } from '../../src/store/types.ts';
import { quietLog } from '../helpers.ts';
import { openIn, outbound, tempDirs } from '../store/helpers.ts';

afterAll(() => tempDirs.cleanup());

it('waits for a late id once: the next status of a message still unknown is looked up once, and a known one is recorded', async () => {
  const lookups: string[] = [];
  let known = false;
  const recorded: string[] = [];
  const store = {
    async messageByChannelId(_channel: string, id: string) {
      lookups.push(id);
      return known ? { id: 7, direction: 'out', channel: 'whatsapp', address: '1555', text: 'hi', at: new Date().toISOString() } : undefined;
    },
    async recordDelivery(_id: number, delivery: string) {
      recorded.push(delivery);
    },
  } as unknown as Store;
  const statuses = new Statuses({ store, bus: new EventBus(), log: quietLog, desk: {} as Desk, transactions: {} as Transactions, lateIdDelaysMs: [1, 1, 1] });
  const at = new Date().toISOString();
  await statuses.report({ channel: 'whatsapp', messageId: 'wamid.APP', status: 'sent', at });
  expect(lookups).toHaveLength(4);
  await statuses.report({ channel: 'whatsapp', messageId: 'wamid.APP', status: 'delivered', at });
  expect(lookups).toHaveLength(5);
  // Another id still gets the whole wait; and an id found at last is recorded as usual.
  await statuses.report({ channel: 'whatsapp', messageId: 'wamid.OTHER', status: 'sent', at });
  expect(lookups).toHaveLength(9);
  known = true;
  await statuses.report({ channel: 'whatsapp', messageId: 'wamid.APP', status: 'read', at });
  expect(recorded).toEqual(['read']);
});

it('keeps a failure for an id not recorded yet 5 minutes, the newest 1,000, and applies it once when the outbox records that id', async () => {
  const store = await openIn(await tempDirs.make());
  try {
    let now = Date.parse('2026-03-02T09:00:00.000Z');
    const statuses = new Statuses({ store, bus: new EventBus(), log: quietLog, desk: {} as Desk, transactions: {} as Transactions, now: () => new Date(now), lateIdDelaysMs: [] });
    const at = new Date(now).toISOString();
    const fail = (messageId: string) => statuses.report({ channel: 'whatsapp-cloud', messageId, status: 'failed', reason: 'Message undeliverable (#131026)', at });
    // The bot's message, in no conversation: nobody to tell, the store's mark is what shows.
    const sent = async (channelMessageId: string): Promise<string | undefined> => {
      await store.transaction('whatsapp-cloud:1555', async (tx) => tx.addMessage({ ...outbound('c1', 1, 'hi', '1555'), channel: 'whatsapp-cloud' }));
      const [claimed] = await store.claimOutbound(1);
      await store.markDelivery(claimed!.id, { channelMessageId });
      const message = (await store.messageByChannelId('whatsapp-cloud', channelMessageId))!;
      await statuses.sent(message);
      await statuses.sent(message);
      return (await store.messageByChannelId('whatsapp-cloud', channelMessageId))?.status;
    };

    await fail('wamid.LATE');
    now += 6 * 60_000;
    expect(await sent('wamid.LATE')).toBe('sent');

    await fail('wamid.SOON');
    now += 4 * 60_000;
    expect(await sent('wamid.SOON')).toBe('failed');

    await fail('wamid.OLDEST');
    for (let n = 0; n < 1_000; n++) await fail(`wamid.APP${n}`);
    expect(await sent('wamid.OLDEST')).toBe('sent');
    expect(await sent('wamid.APP999')).toBe('failed');
  } finally {
    await store.close();
  }
}, 60_000);
