// A platform delivering a message again (Telegram or the Bot Framework retrying a webhook whose answer it did not get)
// is not the customer writing: the repeats do not spend the customer's CONTACT_RATE_LIMIT, so their next messages
// are taken, and a repeat that comes while they are past their allowance is acknowledged, not refused.
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { webchatText } from '../channels/botframework/harness.ts';
import { cleanupDirs, dataDirWith, inboundFlow, quietLog } from '../helpers.ts';

const TELEGRAM_SECRET = 'telegram-secret-0123456789';

let app: Switchboard | undefined;
let telegram: FakeBotApi | undefined;
afterAll(async () => {
  await app?.stop();
  await telegram?.close();
  await cleanupDirs();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

it('takes a customer\'s next messages however often the platform delivered their earlier one again', async () => {
  telegram = await FakeBotApi.start();
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  // Two messages at once per customer, on a clock that stands still: nothing comes back during the test.
  const now = new Date('2026-03-02T09:00:00.000Z');
  app = await startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, CONTACT_RATE_LIMIT: { capacity: 2, perMs: 60_000 },
      TELEGRAM_BOT_TOKEN: '123456:repeats', TELEGRAM_API_ROOT: telegram.url, TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      BOTFRAMEWORK_NO_AUTH: '1',
    },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
    now: () => now,
  });
  const url = app.url;
  const update = (n: number) => ({
    update_id: 990_000 + n,
    message: { message_id: n, date: 1763950300, chat: { id: 4343, type: 'private', first_name: 'Layla' }, from: { id: 4343, is_bot: false, first_name: 'Layla' }, text: `hello ${n}` },
  });
  const activities = [webchatText('hello 1', 'http://127.0.0.1:9/'), webchatText('hello 2', 'http://127.0.0.1:9/'), webchatText('hello 3', 'http://127.0.0.1:9/')];
  const channels = {
    telegram: (n: number) => post(`${url}/webhooks/telegram`, update(n), { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    botframework: (n: number) => post(`${url}/api/messages`, activities[n - 1]),
  };

  const statuses: Record<string, number[]> = {};
  for (const [channel, deliver] of Object.entries(channels)) {
    // The first message, then the platform delivering it again three times; then the customer's second message.
    statuses[channel] = [await deliver(1), await deliver(1), await deliver(1), await deliver(1), await deliver(2)];
  }
  expect(statuses).toEqual({ telegram: [200, 200, 200, 200, 200], botframework: [200, 200, 200, 200, 200] });
  expect(await app.store.messageByChannelId('botframework', `${activities[1]!.conversation.id}:${activities[1]!.id}`)).toMatchObject({ direction: 'in', text: 'hello 2' });

  // Past the allowance, a new message waits; the platform's repeat of a stored one is acknowledged.
  for (const [channel, deliver] of Object.entries(channels)) {
    expect(await deliver(3), `${channel}'s third message`).toBe(503);
    expect(await deliver(2), `${channel}'s second message delivered again`).toBe(200);
  }
}, 60_000);
