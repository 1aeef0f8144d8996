// The records of replies tried again that a process stopped short left behind (killed while WhatsApp was down, its
// replies sent since by another): removed at the next start and at each periodic check, by the process running the
// timers, a bounded number at a time; not only once someone opens the dashboard or asks /healthz.
import { afterEach, expect, it } from 'vitest';
import { WAITING_REPLIES, TIDIED_PER_CHECK, type WaitingReply } from '../../src/bot/waiting-replies.ts';
import type { Store } from '../../src/store/types.ts';
import { cleanupDirs, shippedDataDir, start } from '../helpers.ts';

afterEach(cleanupDirs);

/** `count` replies to Layla that went, each with the record a killed process kept of it while trying it again. */
async function leftBehind(store: Store, count: number): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    await store.transaction('whatsapp-cloud:966501234567', async (tx) => {
      tx.addMessage({ channel: 'whatsapp-cloud', address: '966501234567', direction: 'out', from: 'agent', agentId: 'lina', text: `reply ${i}`, at, status: 'sent' });
    });
  }
  for (const message of (await store.messagesOfAddress('whatsapp-cloud', '966501234567')).slice(-count)) {
    await store.transaction(`${WAITING_REPLIES}:${message.id}`, async (tx) => {
      tx.putDoc(WAITING_REPLIES, String(message.id), { channel: 'whatsapp-cloud', address: '966501234567', since: at, reason: 'Service temporarily unavailable (#2)', at } satisfies WaitingReply);
    });
  }
}

const records = async (store: Store) => (await store.docs(WAITING_REPLIES)).size;

it('removes at start the records a stopped process left of replies that went since, with nobody reading them', async () => {
  const dir = await shippedDataDir();
  const first = await start(dir);
  await leftBehind(first.store, 3);
  await first.stop();
  // The next start's first check (the periodic check on, as in production) finds them.
  const again = await start(dir, { sweepEveryMs: 60_000 });
  try {
    await expect.poll(() => records(again.store), { timeout: 20_000 }).toBe(0);
  } finally {
    await again.stop();
  }
}, 60_000);

it('removes them at each check, a bounded number at a time', async () => {
  const app = await start(await shippedDataDir());
  try {
    await leftBehind(app.store, TIDIED_PER_CHECK + 20);
    await app.runtime.sweep();
    expect(await records(app.store)).toBe(20);
    await app.runtime.sweep();
    expect(await records(app.store)).toBe(0);
  } finally {
    await app.stop();
  }
}, 60_000);
