// Long polling while one customer writes faster than the bot takes (CONTACT_RATE_LIMIT): forwarding a pile of
// messages at once must not hold up every other customer behind them, nor lose or repeat any of the fast writer's.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, TOKEN, flow, teamFile, textNow } from './harness.ts';

const SARA = 5002;
const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

describe('Telegram long polling, a customer who forwards 20 messages at once', () => {
  it('greets another customer who writes meanwhile while the fast writer\'s messages are still being taken, and keeps each of those once, in order', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    const { log, lines } = recordingLog();
    const app = await startSwitchboard({
      // Three messages at once, then one a second.
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, CONTACT_RATE_LIMIT: { capacity: 3, perMs: 3_000 } },
      log, watch: false, sweepEveryMs: 0,
    });
    running.push(app);
    await eventually(() => api.callsOf('getUpdates').length >= 1);
    const forwarded = Array.from({ length: 20 }, (_, index) => `forwarded ${index + 1}`);
    for (const text of forwarded) api.push(textNow(LAYLA, text));
    api.push(textNow(SARA, 'hello, I need help'));

    const storedOfLayla = async () => (await app.store.messagesOfAddress('telegram', String(LAYLA))).filter((message) => message.direction === 'in');
    await eventually(() => api.sentTo(SARA).length >= 2, 30_000);
    // Sara did not wait for Layla's twenty (a second each past the first three): the poller took hers meanwhile.
    expect((await storedOfLayla()).length).toBeLessThan(forwarded.length);

    await eventually(async () => (await storedOfLayla()).length >= forwarded.length, 60_000);
    expect((await storedOfLayla()).map((message) => message.text)).toEqual(forwarded);
    expect(api.sentTo(SARA).slice(0, 2)).toEqual(['Hi Layla!', 'Which team?']);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  }, 90_000);
});
