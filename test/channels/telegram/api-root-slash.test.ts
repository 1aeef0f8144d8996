// TELEGRAM_API_ROOT written with a trailing slash (copied from a browser's address bar, `http://127.0.0.1:8081/`):
// the start read it as it was and grammY refused it with a stack trace naming its own `apiRoot` option, not the
// variable. The setting now drops the slash, as GRAPH_API_ROOT's calls already do, and the bot answers.
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/server/config.ts';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, quietLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { TOKEN, flow, teamFile, textNow } from './harness.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

describe('TELEGRAM_API_ROOT with a trailing slash', () => {
  it('starts, and the bot greets a customer through the Bot API at that address', async () => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    await writeFile(join(dir, 'team.yaml'), teamFile);
    const config = readConfig({ PORT: '0', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: `${api.url}/` });
    const app: Switchboard = await startSwitchboard({ config, log: quietLog, watch: false, sweepEveryMs: 0 });
    running.push(app);
    api.push(textNow(5001, 'hello'));
    await eventually(() => api.sentTo(5001).length >= 2, 20_000);
    expect(api.sentTo(5001)).toEqual(['Hi Layla!', 'Which team?']);
  }, 60_000);
});
