// A failure a channel reported before the answer to its send was stored (Meta's webhook can beat the Graph API's
// answer): kept in the store, so that it is applied, once, after a restart, by whichever process stores the id.
import { expect, it } from 'vitest';
import { EventBus } from '../../../src/bot/events.ts';
import { Statuses } from '../../../src/bot/statuses.ts';
import type { Transactions } from '../../../src/bot/transactions.ts';
import type { Desk } from '../../../src/handover/desk.ts';
import type { Store } from '../../../src/store/types.ts';
import { quietLog } from '../../helpers.ts';
import { outbound } from '../helpers.ts';
import type { OpenStore } from './harness.ts';

/** Failures reported before their send's id was stored, on stores from `open`. */
export function earlyFailures(open: OpenStore): void {
  it('keeps a failure reported before its send\'s id was stored through a restart, and applies it once when the id is stored', async () => {
    const { store, reopen } = await open();
    const bus = new EventBus();
    const told: string[] = [];
    bus.on('message.status', ({ message, status }) => told.push(`${message.channelMessageId} ${status}`));
    // The bot's message, in no conversation: nobody to tell, the store's mark and the event are what show.
    const statuses = (on: Store) => new Statuses({ store: on, bus, log: quietLog, desk: {} as Desk, transactions: {} as Transactions, lateIdDelaysMs: [] });
    await statuses(store).report({ channel: 'whatsapp-cloud', messageId: 'wamid.LATE', status: 'failed', reason: 'Message undeliverable (#131026)', at: new Date().toISOString() });

    const restarted = await reopen();
    await restarted.transaction('whatsapp-cloud:16505551234', async (tx) => tx.addMessage({ ...outbound('c1', 1, 'Your refund is on its way', '16505551234'), channel: 'whatsapp-cloud' }));
    const [claimed] = await restarted.claimOutbound(1);
    await restarted.markDelivery(claimed!.id, { channelMessageId: 'wamid.LATE' });
    const message = (await restarted.messageByChannelId('whatsapp-cloud', 'wamid.LATE'))!;
    // Two runtimes hear of the stored id: one applies the failure.
    await Promise.all([statuses(restarted).sent(message), statuses(restarted).sent(message)]);

    expect(await restarted.messageByChannelId('whatsapp-cloud', 'wamid.LATE')).toMatchObject({ status: 'failed', error: 'Message undeliverable (#131026)' });
    expect(told).toEqual(['wamid.LATE failed']);
  });
}
