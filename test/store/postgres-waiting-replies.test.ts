// The replies waiting for their channel as the dashboard's banner counts them, with two processes sharing PostgreSQL:
// each process's outbox tries again the reply it claimed, and the count read from either store is every process's,
// with the replies waiting their turn behind the one tried for the same customer; none once they went.
import { afterAll, expect, it } from 'vitest';
import { Outbox } from '../../src/bot/outbox.ts';
import { waitingFromStore } from '../../src/bot/waiting-replies.ts';
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
