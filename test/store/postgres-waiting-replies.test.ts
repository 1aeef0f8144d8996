// The replies waiting for their channel as the dashboard's banner counts them, with two processes sharing PostgreSQL:
// each process's outbox tries again the reply it claimed, and the count read from either store is every process's,
// with the replies waiting their turn behind the one tried for the same customer; none once they went, and no record
// kept of a reply a killed process left behind.
import { afterAll, expect, it } from 'vitest';
import { Outbox } from '../../src/bot/outbox.ts';
import { WAITING_REPLIES, waitingFromStore, type WaitingReply } from '../../src/bot/waiting-replies.ts';
import type { PostgresStore } from '../../src/store/postgres/store.ts';
import { quietLog } from '../helpers.ts';
import { fakeChannel } from '../bot/harness.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres } from './postgres-helpers.ts';

const schemas: string[] = [];
const stores: PostgresStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close().catch(() => {});
  if (databaseUrl) for (const schema of schemas) await dropSchema(schema);
});

it.skipIf(!databaseUrl)('counts the replies every process tries again and those behind them, from either process', async () => {
  const schema = freshSchema();
  schemas.push(schema);
  const [first, second] = [await openPostgres(schema), await openPostgres(schema)];
  stores.push(first, second);
  const reply = (address: string, text: string) => first.transaction(`telegram:${address}`, async (tx) => {
    tx.addMessage({ channel: 'telegram', address, direction: 'out', from: 'agent', agentId: 'lina', text, at: new Date().toISOString(), status: 'pending' });
  });
  // Telegram refuses everything; each process tries again every 100 ms what it claimed.
  const telegrams = [fakeChannel('telegram'), fakeChannel('telegram')];
  for (const telegram of telegrams) telegram.failNextSends(1_000_000);
  const outboxes = [first, second].map((store, index) => new Outbox({ store, channels: new Map([['telegram', telegrams[index]!.channel]]), log: quietLog, retryDelaysMs: Array(1000).fill(100) }));
  const held = (outbox: Outbox) => outbox.waiting().reduce((sum, each) => sum + each.replies, 0);
  // The first process tries Layla's first reply; her second waits behind it. The second process tries Omar's.
  await reply('layla', 'Your refund went out.');
  await reply('layla', 'It should arrive tomorrow.');
  outboxes[0]!.kick();
  await expect.poll(() => held(outboxes[0]!), { timeout: 20_000 }).toBe(1);
  await reply('omar', 'Your card is on its way.');
  outboxes[1]!.kick();
  await expect.poll(() => held(outboxes[1]!), { timeout: 20_000 }).toBe(1);

  // Each process holds one; the store says three, from either.
  for (const store of [first, second]) {
    await expect.poll(() => waitingFromStore(store), { timeout: 20_000 }).toEqual([{ channel: 'telegram', replies: 3, since: expect.any(String), reason: 'connection refused' }]);
  }

  // Telegram is back: all three go, and nothing waits any more.
  for (const telegram of telegrams) telegram.failNextSends(0);
  await expect.poll(() => telegrams.flatMap((telegram) => telegram.sent.map((sent) => sent.message.text)).sort(), { timeout: 20_000 })
    .toEqual(['It should arrive tomorrow.', 'Your card is on its way.', 'Your refund went out.']);
  for (const outbox of outboxes) await outbox.drain();
  expect(await waitingFromStore(first)).toEqual([]);
  for (const outbox of outboxes) await outbox.stop();
}, 60_000);

it.skipIf(!databaseUrl)('removes the record a process killed while trying a reply again left, once another sent it', async () => {
  const schema = freshSchema();
  schemas.push(schema);
  const store = await openPostgres(schema);
  stores.push(store);
  await store.transaction('telegram:layla', async (tx) => {
    tx.addMessage({ channel: 'telegram', address: 'layla', direction: 'out', from: 'agent', agentId: 'lina', text: 'Your refund went out.', at: new Date().toISOString(), status: 'pending' });
  });
  const { id } = (await store.messagesOfAddress('telegram', 'layla'))[0]!;
  // What the killed process's outbox kept of it while Telegram refused it, and never removed.
  const at = new Date().toISOString();
  await store.transaction(`${WAITING_REPLIES}:${id}`, async (tx) => {
    tx.putDoc(WAITING_REPLIES, String(id), { channel: 'telegram', address: 'layla', since: at, reason: 'connection refused', at } satisfies WaitingReply);
  });
  expect(await waitingFromStore(store)).toEqual([{ channel: 'telegram', replies: 1, since: at, reason: 'connection refused' }]);

  // Put back and sent by a process of its own (Telegram is back): not counted, and not kept.
  const telegram = fakeChannel('telegram');
  const outbox = new Outbox({ store, channels: new Map([['telegram', telegram.channel]]), log: quietLog });
  outbox.kick();
  await expect.poll(() => telegram.sent.map((sent) => sent.message.text), { timeout: 20_000 }).toEqual(['Your refund went out.']);
  await outbox.stop();
  expect(await waitingFromStore(store)).toEqual([]);
  expect([...(await store.docs(WAITING_REPLIES)).keys()]).toEqual([]);
}, 60_000);
