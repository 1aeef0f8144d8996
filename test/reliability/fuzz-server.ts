// The server the fuzz and fault tests attack: every webhook channel on at once (Telegram webhook, WhatsApp Cloud,
// Messenger with Instagram, Bot Framework, web chat), their APIs faked on 127.0.0.1, the per-contact and web chat
// rate limits raised out of the way. The configuration is read from the environment like `npm start` reads it, so
// STORE and DATABASE_URL choose the store the suite runs on; only the test's own settings are laid over it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readConfig } from '../../src/server/config.ts';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { APP_ID, APP_PASSWORD, FakeBotService } from '../channels/botframework/fake-bot-service.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { dataDirWith, quietLog } from '../helpers.ts';

export const TELEGRAM_SECRET = 'fuzz-telegram-secret';
export const GRAPH_TOKEN = 'EAAG-fuzz-token-0123456789';
export const WHATSAPP_SECRET = 'fuzz-whatsapp-app-secret';
export const MESSENGER_SECRET = 'fuzz-messenger-app-secret';
/** The WhatsApp fixtures' business number id. */
export const PHONE_NUMBER_ID = '106540352242922';
/** Agents of the fixtures: Omar on Telegram (9001) and Teams. */
export const TEAM = 'teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: 9001\n    msteams: 0F8F4C7E-2B1D-4C59-9A5E-3F2D8E6B1A90\n    teams: [Support]\n    max_open: 3\n';
const INTENTS = 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong, a payment failed, charged for nothing]\n  tech_support: [the app crashes, I cannot log in, the page is blank, error on login, app freezes]\n';
/** Every message is answered, and a need routes to a team: the handover runs too. */
const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "What can we help you with?"
    save: conversation.need
  - classify: conversation.need
    routes: { billing: Support, tech_support: Support }
    threshold: 0.6
    clarify: "Billing or a technical problem?"
  - assign: { team: Support }
    queued: "You are number {{queue.position}} in line."
`;

export interface FuzzServer {
  app: Switchboard;
  telegram: FakeBotApi;
  graph: FakeGraphApi;
  botService: FakeBotService;
  stop(): Promise<void>;
}

/** Environment settings that describe the store (STORE, DATABASE_URL), passed through from the test's environment. */
export function storeSettings(): Record<string, string> {
  return Object.fromEntries(['STORE', 'DATABASE_URL'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

export interface FuzzServerOptions {
  flow?: string;
  /** The root the server calls for the Bot API and the Graph API, given the fake's (a proxy in front of it). */
  telegramRoot?: (fake: string) => Promise<string>;
  graphRoot?: (fake: string) => Promise<string>;
  /** API_TIMEOUT: how long a call to the Bot API, the Graph API or the Bot Connector may hang (default: the product's). */
  apiTimeout?: string;
}

/** Starts the fakes and the server over a fresh DATA_DIR. */
export async function startFuzzServer(options: FuzzServerOptions = {}): Promise<FuzzServer> {
  const flow = options.flow ?? FLOW;
  const [telegram, graph, botService] = await Promise.all([FakeBotApi.start(), FakeGraphApi.start(GRAPH_TOKEN), FakeBotService.start()]);
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), TEAM);
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), INTENTS);
  const config = readConfig({
    ...storeSettings(),
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent',
    CONTACT_RATE_LIMIT: '1000000/1m', WEBCHAT_RATE_LIMIT: '1000000/1s,1000000/1s', WEBCHAT_SESSION_LIMIT: '1000000/1s',
    TELEGRAM_BOT_TOKEN: '123456:fuzz', TELEGRAM_API_ROOT: options.telegramRoot ? await options.telegramRoot(telegram.url) : telegram.url, TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    GRAPH_API_ROOT: options.graphRoot ? await options.graphRoot(graph.url) : graph.url,
    WHATSAPP_TOKEN: GRAPH_TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_APP_SECRET: WHATSAPP_SECRET, WHATSAPP_VERIFY_TOKEN: 'verify',
    MESSENGER_PAGE_TOKEN: GRAPH_TOKEN, MESSENGER_APP_SECRET: MESSENGER_SECRET, MESSENGER_VERIFY_TOKEN: 'verify', INSTAGRAM: '1',
    MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    BOTFRAMEWORK_OPENID_METADATA_URL: botService.openIdMetadataUrl, BOTFRAMEWORK_LOGIN_URL: botService.url,
    ...(options.apiTimeout ? { API_TIMEOUT: options.apiTimeout } : {}),
  });
  const app = await startSwitchboard({ config, log: quietLog, watch: false, sweepEveryMs: 0 });
  return {
    app, telegram, graph, botService,
    async stop() {
      await app.stop();
      await Promise.all([telegram.close(), graph.close(), botService.close()]);
    },
  };
}
