// The records of replies waiting for their channel (what the dashboard's banner counts), as the embedded store keeps
// them: a process killed while trying a reply again leaves its record behind; once the reply went (sent by the next
// process), the banner counts nothing and the store keeps nothing of it. Through an outage with more customers waiting
// than a look goes into, the count looks into the longest waiting only and says "at least".
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Outbox } from '../../src/bot/outbox.ts';
import { LOOKED_INTO, TIDIED_PER_CHECK, WAITING_REPLIES, forgetStaleWaiting, sharedWaitingLook, waitingFromStore, type WaitingReply } from '../../src/bot/waiting-replies.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { fakeChannel } from './harness.ts';

afterEach(cleanupDirs);

async function reply(store: Store, address: string, text: string): Promise<void> {
  await store.transaction(`telegram:${address}`, async (tx) => {
    tx.addMessage({ channel: 'telegram', address, direction: 'out', from: 'agent', agentId: 'lina', text, at: new Date().toISOString(), status: 'pending' });
  });
}

it('removes the records a process killed while trying replies again left, once those replies went', async () => {
  const dir = join(await dataDirWith({}), 'store');
  const first = await openStore({ dir });
  const down = fakeChannel('telegram');
  down.failNextSends(1_000_000);
  // The first process tries Layla's reply again in a minute; Omar's waits behind his own.
  const killed = new Outbox({ store: first, channels: new Map([['telegram', down.channel]]), log: quietLog, retryDelaysMs: [60_000] });
  await reply(first, 'layla', 'Your refund went out.');
  await reply(first, 'omar', 'Your card is on its way.');
  await reply(first, 'omar', 'It should arrive tomorrow.');
  killed.kick();
  await expect.poll(async () => (await first.docs(WAITING_REPLIES)).size, { timeout: 20_000 }).toBe(2);
  expect(await waitingFromStore(first)).toEqual([{ channel: 'telegram', replies: 3, since: expect.any(String), reason: 'connection refused' }]);
  // Killed: its store is gone under it, nothing of the outbox's removes its records.
  await first.close();

  // The next process finds the replies in doubt, puts them back and sends them: Telegram is back.
  const second = await openStore({ dir });
  await second.retryOutbound((await second.outboundInDoubt()).map((message) => message.id));
  const up = fakeChannel('telegram');
  const outbox = new Outbox({ store: second, channels: new Map([['telegram', up.channel]]), log: quietLog });
  outbox.kick();
  await expect.poll(() => up.sent.map((sent) => sent.message.text).sort(), { timeout: 20_000 })
    .toEqual(['It should arrive tomorrow.', 'Your card is on its way.', 'Your refund went out.']);
  await outbox.drain();

  // The banner counts none, and the records are gone once read: not read again every 5 s, forever.
  expect(await waitingFromStore(second)).toEqual([]);
  expect([...(await second.docs(WAITING_REPLIES)).keys()]).toEqual([]);
  await outbox.stop();
  await killed.stop();
  await second.close();
}, 60_000);

it('looks into the longest-waiting customers only when more wait, and says the figure is a floor', async () => {
  const store = await openStore({ dir: join(await dataDirWith({}), 'store') });
  const down = fakeChannel('telegram');
  down.failNextSends(1_000_000);
  const outbox = new Outbox({ store, channels: new Map([['telegram', down.channel]]), log: quietLog, retryDelaysMs: [60_000], batch: 100 });
  // Ten customers more than a look goes into, each with a reply tried again and one behind it.
  const customers = Array.from({ length: LOOKED_INTO + 10 }, (_, index) => `customer-${index}`);
  for (const customer of customers) {
    await reply(store, customer, 'Your refund went out.');
    await reply(store, customer, 'It should arrive tomorrow.');
  }
  outbox.kick();
  await expect.poll(async () => (await store.docs(WAITING_REPLIES)).size, { timeout: 20_000 }).toBe(customers.length);

  let queries = 0;
  const messagesOfAddress = store.messagesOfAddress.bind(store);
  const counting = { docs: store.docs.bind(store), transaction: store.transaction.bind(store), messagesOfAddress: (...args: Parameters<Store['messagesOfAddress']>) => (queries++, messagesOfAddress(...args)) };
  // Both replies of the longest waiting counted, the tried one of the rest: at least 110 of the 120.
  expect(await waitingFromStore(counting)).toEqual([{ channel: 'telegram', replies: LOOKED_INTO * 2 + 10, since: expect.any(String), reason: 'connection refused', atLeast: true }]);
  expect(queries).toBe(LOOKED_INTO);
  await outbox.stop();
  await store.close();
}, 60_000);

it('gives /healthz and the banner one look at the store a second, however often they ask', async () => {
  const store = await openStore({ dir: join(await dataDirWith({}), 'store') });
  const down = fakeChannel('telegram');
  down.failNextSends(1_000_000);
  const outbox = new Outbox({ store, channels: new Map([['telegram', down.channel]]), log: quietLog, retryDelaysMs: [60_000] });
  await reply(store, 'layla', 'Your refund went out.');
  outbox.kick();
  await expect.poll(async () => (await store.docs(WAITING_REPLIES)).size, { timeout: 20_000 }).toBe(1);
  let looks = 0;
  const counted = { ...store, docs: ((collection: string) => (looks++, store.docs(collection))) as Store['docs'], messagesOfAddress: store.messagesOfAddress.bind(store), transaction: store.transaction.bind(store) };
  const look = sharedWaitingLook(counted, 60_000);
  const answers = await Promise.all(Array.from({ length: 20 }, () => look()));
  expect(answers.every((answer) => answer[0]?.replies === 1)).toBe(true);
  expect(looks).toBe(1);
  await outbox.stop();
  await store.close();
});

it('tidies at a check the records of replies that went, a bounded number at a time going on where it stopped, and keeps those of replies still waiting', async () => {
  const store = await openStore({ dir: join(await dataDirWith({}), 'store') });
  const at = new Date().toISOString();
  const record = (id: number, address: string) => store.transaction(`${WAITING_REPLIES}:${id}`, async (tx) => {
    tx.putDoc(WAITING_REPLIES, String(id), { channel: 'telegram', address, since: at, reason: 'connection refused', at } satisfies WaitingReply);
  });
  // Layla's reply still waits (no outbox here sends it): the oldest record, kept at every check.
  await reply(store, 'layla', 'Your refund went out.');
  await record((await store.messagesOfAddress('telegram', 'layla'))[0]!.id, 'layla');
  // Omar's went: their records are what a killed process left.
  for (let i = 0; i < TIDIED_PER_CHECK + 20; i++) {
    await store.transaction('telegram:omar', async (tx) => {
      tx.addMessage({ channel: 'telegram', address: 'omar', direction: 'out', from: 'agent', agentId: 'lina', text: `reply ${i}`, at, status: 'sent' });
    });
  }
  for (const message of await store.messagesOfAddress('telegram', 'omar')) await record(message.id, 'omar');
  let after = await forgetStaleWaiting(store);
  expect((await store.docs(WAITING_REPLIES)).size).toBe(1 + 21);
  after = await forgetStaleWaiting(store, after);
  expect([...(await store.docs(WAITING_REPLIES)).values()]).toEqual([expect.objectContaining({ address: 'layla' })]);
  // Past the last: from the first again, which still waits.
  await forgetStaleWaiting(store, after);
  expect([...(await store.docs(WAITING_REPLIES)).values()]).toEqual([expect.objectContaining({ address: 'layla' })]);
  await store.close();
});
