// Delivery statuses of messages this server does not know (sent from the WhatsApp Business app, say): the wait for a
// late id is spent once per id, not once per status; a failure for an id the outbox has not recorded yet is kept,
// within bounds, until it does.
import { expect, it } from 'vitest';
import { Statuses } from '../../src/bot/statuses.ts';
import { EventBus } from '../../src/bot/events.ts';
import type { Transactions } from '../../src/bot/transactions.ts';
import type { Desk } from '../../src/handover/desk.ts';
import type { Store } from '../../src/store/types.ts';
import { quietLog } from '../helpers.ts';

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
  const failed: number[] = [];
  const store = {
    async messageByChannelId() {
      return undefined;
    },
    async markDelivery(id: number) {
      failed.push(id);
    },
  } as unknown as Store;
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  const statuses = new Statuses({ store, bus: new EventBus(), log: quietLog, desk: {} as Desk, transactions: {} as Transactions, now: () => new Date(now), lateIdDelaysMs: [] });
  const at = new Date(now).toISOString();
  const fail = (messageId: string) => statuses.report({ channel: 'whatsapp', messageId, status: 'failed', reason: 'Message undeliverable (#131026)', at });
  // The bot's message, in no conversation: nobody to tell, the store's mark is what shows.
  const sent = (id: number, channelMessageId: string) => statuses.sent({ id, channelMessageId, channel: 'whatsapp', address: '1555', direction: 'out', from: 'bot', status: 'sent', text: 'hi', at });

  await fail('wamid.LATE');
  now += 6 * 60_000;
  await sent(1, 'wamid.LATE');
  expect(failed).toEqual([]);

  await fail('wamid.SOON');
  now += 4 * 60_000;
  await sent(2, 'wamid.SOON');
  await sent(2, 'wamid.SOON');
  expect(failed).toEqual([2]);

  await fail('wamid.OLDEST');
  for (let n = 0; n < 1_000; n++) await fail(`wamid.APP${n}`);
  await sent(3, 'wamid.OLDEST');
  await sent(4, 'wamid.APP999');
  expect(failed).toEqual([2, 4]);
});
