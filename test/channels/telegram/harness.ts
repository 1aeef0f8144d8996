// The Telegram channel's end-to-end set-up, shared by its test files: a server with the Telegram channel on a fake Bot
// API on 127.0.0.1 (TELEGRAM_API_ROOT), webhook or long polling, the ask-a-team flow and Omar in Billing, or the
// shipped data.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startSwitchboard, type StartOptions, type Switchboard } from '../../../src/server/switchboard.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { cleanupDirs, dataDirWith, quietLog, shippedDataDir } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';

export const TOKEN = '123456:TEST-token';
export const SECRET = 'webhook-secret-0123456789';
export const LAYLA = 5001;
export const OMAR = 9001;

/** A real update's shape from `fixtures/<name>.json`. */
export const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

export const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: billing, title: Billing }
      - { id: sales, title: Sales }
    save: conversation.topic
  - assign: { team: Billing }
`;

export const teamFile = `
teams:
  - name: Billing
    strategy: least_open
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 3
`;

export interface TelegramSetUp {
  webhook: boolean;
  publicUrl?: string;
  team?: string;
  log?: Logger;
  /** Flow files; with `shipped`, added to the shipped ones. */
  flows?: Record<string, string>;
  /**
   * The shipped data (inbound flow, team.yaml, NLP examples) instead of the ask-a-team flow and Omar in Billing; a
   * message waits for the NLP model however loaded the machine, since the routing by it is what is tested.
   */
  shipped?: boolean;
  /** ADMIN_TOKEN, for tests that act as an admin too. */
  adminToken?: string;
  /** The server's clock, for tests that move time on (an inactivity timeout). */
  now?: () => Date;
  /** Readies the fake Bot API before the server starts (a call that fails at boot). */
  apiBeforeStart?: (api: FakeBotApi) => void;
  /** The outbox's delays (`StartOptions.outbox`): a reply waiting for Telegram is still waiting when the test acts. */
  outbox?: StartOptions['outbox'];
  /** The Telegram channel's delays (`StartOptions.telegram`): getMe and setWebhook asked again sooner. */
  telegram?: StartOptions['telegram'];
  /** The DATA_DIR of a server stopped before, started again as it is (flows, team.yaml and store). */
  dir?: string;
}

/**
 * Starts servers on the fake Bot API, each stopped (with its API) after the test that started it; `stopAfterTest`
 * adds something else to stop then.
 *
 *     const { setUp } = telegramServers();
 *     const { app, api } = await setUp({ webhook: true });
 */
export function telegramServers(): {
  setUp: (mode: TelegramSetUp) => Promise<{ app: Switchboard; api: FakeBotApi; dir: string }>;
  stopAfterTest: (item: { stop(): Promise<unknown> }) => void;
} {
  const running: { stop(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.stop();
    await cleanupDirs();
  });
  const setUp = async (mode: TelegramSetUp) => {
    const api = await FakeBotApi.start();
    running.push({ stop: () => api.close() });
    mode.apiBeforeStart?.(api);
    const dir = mode.dir ?? (mode.shipped ? await shippedDataDir() : await dataDirWith(mode.flows ?? { 'inbound.yaml': flow }));
    if (mode.dir === undefined) {
      if (mode.shipped) for (const [name, source] of Object.entries(mode.flows ?? {})) await writeFile(join(dir, 'flows', name), source);
      if (!mode.shipped || mode.team !== undefined) await writeFile(join(dir, 'team.yaml'), mode.team ?? teamFile);
    }
    const app = await startSwitchboard({
      config: {
        PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir,
        TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url,
        // The fuzzing sends hundreds of updates from a few chats: the per-customer rate limit is tested on its own.
        CONTACT_RATE_LIMIT: { capacity: 100_000, perMs: 60_000 },
        ...(mode.webhook ? { TELEGRAM_WEBHOOK_SECRET: SECRET } : {}),
        ...(mode.publicUrl ? { PUBLIC_URL: mode.publicUrl } : {}),
        ...(mode.adminToken ? { ADMIN_TOKEN: mode.adminToken } : {}),
      },
      log: mode.log ?? quietLog,
      watch: false,
      sweepEveryMs: 0,
      ...(mode.shipped ? { modelWaitMs: 120_000 } : {}),
      ...(mode.now ? { now: mode.now } : {}),
      ...(mode.outbox ? { outbox: mode.outbox } : {}),
      ...(mode.telegram ? { telegram: mode.telegram } : {}),
    });
    running.push(app);
    return { app, api, dir };
  };
  return { setUp, stopAfterTest: (item) => running.push(item) };
}

let nextUpdate = 900_000;
let nextMessage = 90_000;
/**
 * A private text message from `chat`, dated now, rounded up to Telegram's whole seconds: a rating must be written
 * after the close it answers, and a customer does not answer within the second of it.
 */
export function textNow(chat: number, body: string): Record<string, unknown> {
  const person = { id: chat, first_name: chat === OMAR ? 'Omar' : 'Layla' };
  return {
    update_id: nextUpdate++,
    message: { message_id: nextMessage++, date: Math.ceil(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body },
  };
}

/** Posts an update to the webhook the way Telegram does (`secret`: null sends no secret header). */
export async function post(app: Switchboard, body: unknown, secret: string | null = SECRET): Promise<number> {
  const res = await fetch(`${app.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}
