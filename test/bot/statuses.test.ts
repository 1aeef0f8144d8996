// Delivery statuses of messages this server does not know (sent from the WhatsApp Business app, say): the wait for a
// late id is spent once per id, not once per status.
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
