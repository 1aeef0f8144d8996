// Long polling through a graceful restart while customers' updates are still being taken: none lost, none handled
// twice, and the admin's log shows no error for what the next start takes.
import { describe, expect, it } from 'vitest';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { eventually, quietLog, recordingLog } from '../../helpers.ts';
import { TOKEN, telegramServers, textNow } from './harness.ts';

const { setUp, stopAfterTest } = telegramServers();

describe('Telegram long polling, a restart mid-batch', () => {
  it('greets each of 30 customers once across the restart, and logs no error for the updates left to the next start', async () => {
    const { log, lines } = recordingLog();
    const { app, api, dir } = await setUp({ webhook: false, log });
    await eventually(() => api.callsOf('getUpdates').length >= 1);
    const chats = Array.from({ length: 30 }, (_, index) => 7000 + index);
    const updates = chats.map((chat) => textNow(chat, 'hello'));
    for (const update of updates) api.push(update);
    await eventually(() => api.callsOf('sendMessage').length >= 1, 20_000);
    await app.stop();
    expect(chats.filter((chat) => api.sentTo(chat).length === 0).length, 'some customers left for the next start').toBeGreaterThan(0);
    expect(lines.filter((line) => Number(line.level) >= 50).map((line) => `${String(line.msg)}: ${String(line.err)}`)).toEqual([]);

    const again = await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, CONTACT_RATE_LIMIT: { capacity: 100_000, perMs: 60_000 } },
      log: quietLog, watch: false, sweepEveryMs: 0,
    });
    stopAfterTest(again);
    await eventually(() => chats.every((chat) => api.sentTo(chat).length >= 2), 30_000);
    // Every update is confirmed to Telegram, and each customer was greeted once.
    const confirmed = Number(updates.at(-1)!.update_id) + 1;
    await eventually(() => api.callsOf('getUpdates').some((call) => call.params.offset === confirmed), 10_000);
    for (const chat of chats) expect(api.sentTo(chat), String(chat)).toEqual(['Hi Layla!', 'Which team?']);
  }, 60_000);
});
