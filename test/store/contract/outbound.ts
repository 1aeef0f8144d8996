// Outbound delivery: messages leave pending → sending (claimed, durably) → sent or failed; one at a time per address,
// in the order stored, never to two claimers; those found sending after a restart are in doubt until retried.
import { expect, it } from 'vitest';
import type { Message, Store } from '../../../src/store/types.ts';
import { outbound as outboundMessage } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { delay, pause } from './timing.ts';

const byId = (a: Message, b: Message): number => a.id - b.id;

/** Stores `count` messages to each address, round by round: `<address> #<n>`, one transaction each. */
async function storeOutbound(store: Store, addresses: string[], count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    for (const to of addresses) await store.transaction(`webchat:${to}`, async (tx) => tx.addMessage(outboundMessage(to, 1, `${to} #${n}`)));
  }
}

/** Claiming, outcomes and doubt of outbound messages, on stores from `open`. */
export function outbound(open: OpenStore): void {
  it('claims for each address its oldest pending message, so each address gets its messages in the order stored', async () => {
    const { store } = await open();
    const addresses = Array.from({ length: 12 }, (_, n) => `s${n}`);
    await storeOutbound(store, addresses, 4);
    const delivered = new Map<string, string[]>();
    for (;;) {
      const pending = (await store.pendingOutbound()).sort(byId);
      const claimed = await store.claimOutbound(5);
      const oldestOfEachAddress = pending.filter((message, index) => pending.findIndex((other) => other.address === message.address) === index);
      expect(claimed).toHaveLength(Math.min(5, oldestOfEachAddress.length));
      if (claimed.length === 0) break;
      for (const message of claimed) expect(oldestOfEachAddress.map((m) => m.id)).toContain(message.id);
      expect(claimed.map((m) => m.status)).toEqual(claimed.map(() => 'sending'));
      for (const message of claimed) {
        delivered.set(message.address, [...(delivered.get(message.address) ?? []), message.text]);
        await store.markDelivery(message.id, { channelMessageId: `wire-${message.id}` });
      }
    }
    for (const to of addresses) expect(delivered.get(to), to).toEqual([1, 2, 3, 4].map((n) => `${to} #${n}`));
    expect(await store.pendingOutbound()).toEqual([]);
  });

  it('never hands one message to two concurrent claimers, nor two messages of one address at once', async () => {
    const { store } = await open();
    const addresses = Array.from({ length: 20 }, (_, n) => `s${n}`);
    await storeOutbound(store, addresses, 5);
    const claims = new Map<number, number>();
    const delivered = new Map<string, string[]>();
    const sending = new Set<string>();
    const claimer = async (): Promise<void> => {
      for (;;) {
        const claimed = await store.claimOutbound(4);
        if (claimed.length === 0) {
          if (sending.size === 0 && (await store.pendingOutbound()).length === 0) return;
          await pause();
          continue;
        }
        for (const message of claimed) {
          claims.set(message.id, (claims.get(message.id) ?? 0) + 1);
          expect(sending.has(message.address), `two messages to ${message.address} sending at once`).toBe(false);
          sending.add(message.address);
          delivered.set(message.address, [...(delivered.get(message.address) ?? []), message.text]);
        }
        await Promise.all(
          claimed.map(async (message) => {
            await delay(message.id % 2);
            sending.delete(message.address);
            await store.markDelivery(message.id, { channelMessageId: `wire-${message.id}` });
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 6 }, claimer));
    expect(claims.size).toBe(100);
    expect([...claims.values()].every((count) => count === 1)).toBe(true);
    for (const to of addresses) expect(delivered.get(to), to).toEqual([1, 2, 3, 4, 5].map((n) => `${to} #${n}`));
  });

  it('holds back the next message to an address while one to it is sending, and only that address', async () => {
    const { store } = await open();
    await storeOutbound(store, ['ann', 'bob'], 2);
    const claimed = (await store.claimOutbound(10)).sort(byId);
    expect(claimed.map((m) => m.text)).toEqual(['ann #1', 'bob #1']);
    expect(await store.claimOutbound(10)).toEqual([]);
    expect((await store.pendingOutbound()).map((m) => m.text).sort()).toEqual(['ann #2', 'bob #2']);
    const [ann1, bob1] = claimed;
    await store.markDelivery(ann1?.id ?? 0, { channelMessageId: 'wire-ann-1' });
    expect((await store.claimOutbound(10)).map((m) => m.text)).toEqual(['ann #2']);
    expect(await store.claimOutbound(10)).toEqual([]);
    await store.markDelivery(bob1?.id ?? 0, { error: 'blocked by user' });
    expect((await store.claimOutbound(10)).map((m) => m.text)).toEqual(['bob #2']);
    expect(await store.pendingOutbound()).toEqual([]);
  });

  it('records the outcome of a send durably: sent with its channel message id, failed with its error and what it is known to mean', async () => {
    const { store, reopen } = await open();
    await storeOutbound(store, ['ann', 'bob', 'cid'], 1);
    const [ann1, bob1, cid1] = (await store.claimOutbound(10)).sort(byId);
    if (!ann1 || !bob1 || !cid1) throw new Error('three messages should have been claimed');
    await store.markDelivery(ann1.id, { channelMessageId: 'wire-ann-1' });
    await store.markDelivery(bob1.id, { error: 'Forbidden: bot was blocked by the user', failure: 'blocked' });
    await store.markDelivery(cid1.id, { error: 'HTTP 418' });
    const outcomes = async (view: Store): Promise<unknown[]> =>
      (await Promise.all(['ann', 'bob', 'cid'].map((address) => view.messagesOfAddress('webchat', address)))).flat().map((m) => [m.text, m.status, m.channelMessageId, m.error, m.failure]);
    const recorded = [
      ['ann #1', 'sent', 'wire-ann-1', undefined, undefined],
      ['bob #1', 'failed', undefined, 'Forbidden: bot was blocked by the user', 'blocked'],
      ['cid #1', 'failed', undefined, 'HTTP 418', undefined],
    ];
    expect(await outcomes(store)).toEqual(recorded);
    expect(await store.messageByChannelId('webchat', 'wire-ann-1')).toMatchObject({ id: ann1.id, status: 'sent', text: 'ann #1' });
    expect(await store.pendingOutbound()).toEqual([]);
    const reopened = await reopen();
    expect(await outcomes(reopened)).toEqual(recorded);
    expect(await reopened.outboundInDoubt()).toEqual([]);
    // Sent after all (by hand): the error goes, and what it meant.
    await reopened.markDelivery(bob1.id, { channelMessageId: 'wire-bob-1' });
    const sent = await reopened.messageByChannelId('webchat', 'wire-bob-1');
    expect([sent?.error, sent?.failure]).toEqual([undefined, undefined]);
  });

  it('puts the messages found sending at a restart in doubt, holding their addresses until retried or their outcome is recorded', async () => {
    const { store, reopen } = await open();
    await storeOutbound(store, ['ann', 'bob', 'cid'], 2);
    const [ann1, bob1, cid1] = (await store.claimOutbound(10)).sort(byId);
    if (!ann1 || !bob1 || !cid1) throw new Error('three messages should have been claimed');
    await store.markDelivery(ann1.id, { channelMessageId: 'wire-ann-1' });
    // Claimed by this store and still being sent: not in doubt.
    expect(await store.outboundInDoubt()).toEqual([]);

    const restarted = await reopen();
    expect((await restarted.outboundInDoubt()).sort(byId)).toEqual([bob1, cid1]);
    const [ann2] = await restarted.claimOutbound(10);
    expect(ann2?.text).toBe('ann #2');
    expect(await restarted.claimOutbound(10)).toEqual([]);
    // The send had happened after all: recorded, the address moves on.
    await restarted.markDelivery(cid1.id, { channelMessageId: 'wire-cid-1' });
    expect((await restarted.outboundInDoubt()).map((m) => m.id)).toEqual([bob1.id]);
    await restarted.retryOutbound([bob1.id, ann1.id]);
    expect(await restarted.outboundInDoubt()).toEqual([]);
    expect((await restarted.pendingOutbound()).map((m) => m.text).sort()).toEqual(['bob #1', 'bob #2', 'cid #2']);
    expect((await restarted.messageByChannelId('webchat', 'wire-ann-1'))?.status).toBe('sent');
    await restarted.markDelivery(ann2?.id ?? 0, { channelMessageId: 'wire-ann-2' });

    const again = await reopen();
    expect(await again.outboundInDoubt()).toEqual([]);
    expect((await again.claimOutbound(10)).map((m) => m.text).sort()).toEqual(['bob #1', 'cid #2']);
  });
}
