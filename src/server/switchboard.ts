// Puts the parts together: store, flows, runtime, channels and the HTTP server, and takes them down in order.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Channel } from '../types.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { FlowLibrary } from '../flows/index.ts';
import { EventBus } from '../bot/events.ts';
import { Outbox } from '../bot/outbox.ts';
import { Runtime } from '../bot/runtime.ts';
import { createWebchatChannel } from '../channels/webchat/index.ts';
import { createTelegramChannel } from '../channels/telegram/index.ts';
import { TeamDirectory } from '../handover/team-file.ts';
import { IntentService } from '../bot/nlp/service.ts';
import { mountAdmin } from './admin.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { seedDataDir } from './data-dir.ts';
import type { Logger } from './log.ts';

export interface Switchboard {
  /** The base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  intents: IntentService;
  bus: EventBus;
  runtime: Runtime;
  /** Stops taking requests, finishes the work under way, flushes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Pick<Config, 'PORT' | 'HOST' | 'DATA_DIR'> & Partial<Pick<Config, 'ADMIN_TOKEN' | 'AUTO_CLOSE_AFTER' | 'TELEGRAM_BOT_TOKEN' | 'TELEGRAM_API_ROOT' | 'TELEGRAM_WEBHOOK_SECRET' | 'PUBLIC_URL'>>;
  log: Logger;
  /** Watch flow files and team.yaml for changes (default true). */
  watch?: boolean;
  /** How often timeouts are checked (default 30 s; 0: never, tests call `runtime.sweep()`). */
  sweepEveryMs?: number;
  now?: () => Date;
}

/**
 * Starts Switchboard with the embedded defaults.
 *
 *     const app = await startSwitchboard({ config: readConfig(process.env), log });
 *     process.on('SIGTERM', () => app.stop());
 */
export async function startSwitchboard(options: StartOptions): Promise<Switchboard> {
  const { config, log } = options;
  let ready = false;
  const dataDir = resolve(config.DATA_DIR);
  if (await seedDataDir(dataDir)) log.info({ dataDir }, 'DATA_DIR was empty: copied the shipped flows and settings');

  const store = await openStore({ dir: resolve(dataDir, 'store'), log: (level, msg, extra) => log[level](extra ?? {}, msg) });
  let flows: FlowLibrary;
  let directory: TeamDirectory;
  try {
    directory = await TeamDirectory.load({ file: resolve(dataDir, 'team.yaml'), log: log.child({ part: 'team' }), watch: options.watch ?? true });
    const teams = directory;
    flows = await FlowLibrary.load({
      dir: resolve(dataDir, 'flows'),
      store,
      legacyVersionsDir: resolve(dataDir, 'store', 'flow-versions'),
      teams: () => teams.teams().map((team) => team.name),
      log: log.child({ part: 'flows' }),
      watch: options.watch ?? true,
    });
  } catch (error) {
    await store.close();
    throw error;
  }

  const intents = await IntentService.start({
    dir: resolve(dataDir, 'nlp'),
    cacheDir: resolve(dataDir, 'store', 'nlp-cache'),
    log: log.child({ part: 'nlp' }),
    watch: options.watch ?? true,
  });
  const webchat = createWebchatChannel({ store, log: log.child({ channel: 'webchat' }) });
  const channels: Channel[] = [webchat];
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegramDirectory = directory;
    channels.push(createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
      ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
      log: log.child({ channel: 'telegram' }),
      agentChatIds: () => telegramDirectory.agents().flatMap((agent) => agent.identities.filter((i) => i.channel === 'telegram').map((i) => i.id)),
      onAgentsChange: (listener) => telegramDirectory.onChange(() => listener()),
      deskChats: () => telegramDirectory.teams().flatMap((team) => (team.telegramDesk ? [team.telegramDesk] : [])),
    }));
  }
  const channelsByName = new Map(channels.map((channel) => [channel.name, channel]));
  const bus = new EventBus((error, type) => log.error({ err: error, event: type }, 'event listener failed'));
  const outbox = new Outbox({ store, channels: channelsByName, log, onSent: (message) => bus.emit({ type: 'message.sent', payload: { message } }) });
  const now = options.now ?? (() => new Date());
  const runtime = new Runtime({
    store, flows, directory, bus, outbox, log, now, channels: channelsByName,
    classify: (text) => intents.classify(text),
    ...(config.AUTO_CLOSE_AFTER ? { autoCloseAfterMs: config.AUTO_CLOSE_AFTER } : {}),
    ...(options.sweepEveryMs !== undefined ? { sweepEveryMs: options.sweepEveryMs } : {}),
  });

  const app = createApp({
    channels, log, ready: () => ready,
    fileErrors: () => [...flows.errors(), ...directory.errors(), ...intents.errors()].map(String),
    mount: (express) => mountAdmin(express, { token: config.ADMIN_TOKEN, store, directory, now }),
  });
  for (const channel of channels) await channel.start(runtime.deliver);
  await runtime.start();

  const server: Server = await new Promise((resolveListen, reject) => {
    const listening = app.listen(config.PORT, config.HOST, () => resolveListen(listening));
    listening.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  ready = true;
  log.info({ url, dataDir }, 'Switchboard is listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      ready = false;
      const closed = new Promise<void>((done) => server.close(() => done()));
      await runtime.stop();
      for (const channel of channels) await channel.stop();
      // Answers already written leave first; a keep-alive or event stream connection is then cut.
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 200);
      await closed;
      clearTimeout(cut);
      flows.close();
      directory.close();
      intents.close();
      await store.close();
      log.info('Switchboard stopped');
    })();
    return stopping;
  };
  return { url, store, flows, directory, intents, bus, runtime, stop };
}
