// Puts the parts together: store, flows, runtime, channels and the HTTP server, and takes them down in order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from 'express';
import { isDown, type Channel, type Deliver } from '../types.ts';
import { FileMediaStore, openStore, type LowdbStoreOptions } from '../store/index.ts';
import { COPIED_MARK, copiedMark } from '../store/copied-mark.ts';
import type { Message, Store } from '../store/types.ts';
import { StoreBeingCopiedError, StoreUnavailableError } from '../store/errors.ts';
import { FlowLibrary } from '../flows/index.ts';
import { EventBus } from '../bot/events.ts';
import { Outbox, type OutboxOptions, type WaitingReplies } from '../bot/outbox.ts';
import { refuseWhileUnavailable, Runtime } from '../bot/runtime.ts';
import { logLifecycle } from '../bot/lifecycle-log.ts';
import { keptKeyboards } from '../bot/kept-keyboards.ts';
import { waitingReferrals } from '../bot/waiting-referrals.ts';
import { channelMark } from '../bot/channel-marks.ts';
import { createWebchatChannel, type WebchatChannel } from '../channels/webchat/index.ts';
import { AgentSignIn, type WebchatAgent, type WebchatAgents, type WebchatSession, type WebchatSessions } from '../channels/webchat/auth.ts';
import type { WhatsAppWebOptions } from '../channels/whatsapp-web/index.ts';
import type { TelegramOptions } from '../channels/telegram/index.ts';
import { TeamDirectory } from '../handover/directory.ts';
import { servedLastRun } from '../handover/agents-on-file.ts';
import { TeamFileError } from '../handover/team-file.ts';
import { ADDRESS_KEYS } from '../channels/index.ts';
import { trustedChannels, TRUSTABLE_CHANNELS } from '../channels/botframework/address.ts';
import { AGENT_COMMANDS, agentCommandsIn } from '../handover/commands.ts';
import { deskLanguage } from '../handover/lines.ts';
import { addressesLeft } from '../handover/outgoing.ts';
import type { AgentState } from '../handover/agent-state.ts';
import type { Agent } from '../handover/team.ts';
import { IntentService } from '../bot/nlp/service.ts';
import { AdminAuth, mountAdmin } from './admin/index.ts';
import { SignedOut } from './signed-out.ts';
import type { NamedChannelStatus } from './admin/context.ts';
import { FlowPublisher } from '../flows/publishing.ts';
import { deliveryChange, feedFromBus, LocalLiveFeed, SharedLiveFeed, type LiveFeed } from '../bot/live.ts';
import type { PostgresStore } from '../store/postgres/store.ts';
import type { Fanout } from '../shared/fanout.ts';
import { mountAgentConsole } from './agent-console.ts';
import { sharedWaitingLook } from '../bot/waiting-replies.ts';
import { ConsolePresence } from './console-presence.ts';
import { mountDashboard } from './dashboard.ts';
import { createApp, type ChannelHealth } from './app.ts';
import { ConfigError, ListenError, type Config } from './config.ts';
import { dataDirError, seedDataDir } from './data-dir.ts';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../shared/confidence.ts';
import { logged } from '../shared/file-error.ts';
import type { Logger } from '../shared/log.ts';

/**
 * How long a message waits for the NLP model when none serves yet and one is training (training data fixed
 * while running); after that its classify step asks its clarify question. The shipped examples train in about 3 s
 * on a quiet 2-core machine.
 */
const MODEL_WAIT_MS = 5_000;
/**
 * How long a stop waits for the database before giving up on what waits for it (see `Store.interrupt`); `npm start`
 * exits anyway after 10 s (src/server/main.ts).
 */
const STOP_GRACE_MS = 5_000;
/** How long a console-only agent stays Online with no console of theirs connected, when CONSOLE_AWAY_AFTER is not given. */
const DEFAULT_CONSOLE_AWAY_AFTER_MS = 120_000;
/** How often a stop asks again whether the database answers, after STOP_GRACE_MS. */
const STOP_PROBE_MS = 1_000;

/**
 * How long replies may wait for their channel (a token refused, the API down) before `/healthz` says degraded: past
 * the outbox's first few attempts, so a blip or one customer's rate limit is no outage.
 */
const REPLIES_WAIT_DEGRADES_MS = 5 * 60_000;

/** The fan-out topic of "flows or team.yaml were published". */
const PUBLISHED_TOPIC = 'published';

const MESSENGER_SETTINGS = ['MESSENGER_PAGE_TOKEN', 'MESSENGER_APP_SECRET', 'MESSENGER_VERIFY_TOKEN'] as const;
/** Channels that start when all of their settings are set; some without the others is a mistake. */
const CHANNEL_SETTINGS = [
  { channel: 'the WhatsApp Cloud API channel', settings: ['WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'] },
  { channel: 'the Messenger channel', settings: MESSENGER_SETTINGS },
] as const;
/** The hosts BOTFRAMEWORK_NO_AUTH=1 is allowed on: nobody but this machine can reach the unchecked /api/messages. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1', '[::1]'];

export interface Switchboard {
  /** The base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  store: Store;
  flows: FlowLibrary;
  directory: TeamDirectory;
  intents: IntentService;
  bus: EventBus;
  /** The dashboard's live changes (`GET /api/events`). */
  feed: LiveFeed;
  runtime: Runtime;
  /** Stops taking requests, finishes the work under way, flushes the store and releases its lock. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The configuration (`readConfig`); tests give just what they need beside the port, host and data folder. */
  config: Pick<Config, 'PORT' | 'HOST' | 'DATA_DIR'> & Partial<Omit<Config, 'PORT' | 'HOST' | 'DATA_DIR'>>;
  log: Logger;
  /** Watch flow files and team.yaml for changes (default true). */
  watch?: boolean;
  /** How often the periodic check runs (default `SWEEP_EVERY`, 30 s; timeouts fire when due, between checks; 0: never, tests call `runtime.sweep()`). */
  sweepEveryMs?: number;
  now?: () => Date;
  /** How often the admin event stream sends its heartbeat (default 20 s). */
  adminHeartbeatMs?: number;
  /**
   * How often the agent console's streams (`GET /agent/api/events`, and the web chat's event streams, agents' and
   * visitors') send their heartbeat, at which an agent's ended sign-in ends them (default 20 s and 15 s).
   */
  consoleHeartbeatMs?: number;
  /** How often the dashboard's "Replies not sent yet" banner is looked at without a notice (default 5 s; tests lengthen it). */
  adminWaitingLookMs?: number;
  /** How often the dashboard's channel banners look at the channels' state (default 2 s; tests shorten it). */
  adminChannelsLookMs?: number;
  /** How long a message waits for a first NLP model in training (default 5 s, `MODEL_WAIT_MS`). */
  modelWaitMs?: number;
  /**
   * With WHATSAPP_WEB=1: the client and timings of WhatsApp Web. Tests give a fake client (`createClient`) and short
   * delays; by default whatsapp-web.js runs Chromium, with the delays documented on `WhatsAppWebOptions`.
   */
  whatsappWeb?: Pick<WhatsAppWebOptions, 'createClient' | 'catchUpMaxChats' | 'catchUpMaxMessages' | 'retryMs' | 'maxRetryMs' | 'readyTimeoutMs' | 'startTimeoutMs' | 'downAfterMs' | 'deliverRetryMs' | 'sendTimeoutMs' | 'showQr' | 'root'>;
  /**
   * With TELEGRAM_BOT_TOKEN: the channel's delays (`TelegramOptions`); tests give short ones, by default those documented
   * there.
   */
  telegram?: Pick<TelegramOptions, 'probeMs'>;
  /** The outbox's delays between attempts at a send (`OutboxOptions`); tests give short ones, a clock they move tells the age. */
  outbox?: Pick<OutboxOptions, 'retryDelaysMs' | 'longWaitMs'>;
  /** Aborting it ends a start that waits for the database (the start then rejects with the signal's reason). */
  signal?: AbortSignal;
  /** The waits between attempts to reach the database at start (default `REACH_DELAYS_MS`). */
  reachDelaysMs?: readonly number[];
  /** Where the dashboard's bundle is looked for (`DashboardOptions.uiDir`); tests give one bundled once per run. */
  dashboardDir?: string;
}

/** The waits between attempts to reach the database at start, in ms; the last one repeats. */
const REACH_DELAYS_MS = [1_000, 2_000, 5_000, 10_000];
const OPENING_STORE = 'opening the store';

/**
 * Calls `open` until the database answers: again after each `StoreUnavailableError`, waiting `delaysMs` in turn
 * (the last one repeats), each wait logged and told to `waiting` (why, and how long). Any other failure, or `signal`
 * aborted, ends it.
 *
 *     const store = await whenReachable(() => openStore({ kind: 'postgres', url, log }), { log, waiting: (why) => { reason = why; } });
 */
export async function whenReachable<T>(
  open: () => Promise<T>,
  options: { log: Logger; waiting: (reason: string, delayMs: number) => void; signal?: AbortSignal; delaysMs?: readonly number[] },
): Promise<T> {
  const delays = options.delaysMs ?? REACH_DELAYS_MS;
  for (let attempt = 0; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const delayMs = delays[Math.min(attempt, delays.length - 1)] ?? 1_000;
      options.waiting(`${error.message.replace(/; [^;]* was not done$/, '')}; trying again in ${delayMs / 1000} s`, delayMs);
      const why = error instanceof StoreBeingCopiedError ? 'the database is being copied into (npm run migrate-store)' : 'the database is out of reach';
      options.log.warn({ err: error.message, attempt: attempt + 1 }, `${why}; Switchboard waits for it and tries again in ${delayMs / 1000} s`);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {}).catch((failure: unknown) => {
        throw options.signal?.aborted ? options.signal.reason : failure;
      });
    }
  }
}

/**
 * Starts Switchboard with the embedded defaults. The port is bound first, so a port in use fails before the
 * store is locked; `/healthz` answers 503 with the reasons until the store, the flows and the first NLP model
 * are ready, and the channels take messages only from then on. A failed start closes what it opened.
 *
 *     const app = await startSwitchboard({ config: readConfig(process.env), log }); // ListenError: PORT in use
 *     process.on('SIGTERM', () => app.stop());
 */
export async function startSwitchboard(options: StartOptions): Promise<Switchboard> {
  const { config, log } = options;
  const watch = options.watch ?? true;
  const dataDir = resolve(config.DATA_DIR);
  const now = options.now ?? (() => new Date());
  checkChannelSettings(config);

  const waitingFor = new Set([OPENING_STORE, 'loading the flows and team.yaml', 'preparing the NLP model', 'starting the channels']);
  let state: 'starting' | 'ok' | 'stopping' = 'starting';
  /** Why the store could not be opened yet, while start-up waits for it, and when (ms since the epoch) it tries again. */
  let storeWait: string | undefined;
  let storeRetryAt: number | undefined;
  let fileErrors = (): string[] => [];
  let channelHealth = new Map<string, () => ChannelHealth>();
  /** The replies waiting for their channel as the dashboard's banner counts them (`reachable`: the store answers). */
  let waitingReplies = async (_reachable: boolean): Promise<WaitingReplies[]> => [];
  const startingReasons = () => [...waitingFor].map((what) => (what === OPENING_STORE && storeWait ? `${what}: ${storeWait}` : what));
  const { handler, routes, fast } = createApp({
    log,
    health: async () => {
      if (state === 'starting') return { status: 'starting', reasons: startingReasons() };
      if (state === 'stopping') return { status: 'stopping' };
      const unreachable = await store?.unreachable?.();
      if (state !== 'ok') return { status: 'stopping' };
      const refused = fileErrors();
      const channels = Object.fromEntries([...channelHealth].map(([name, health]) => [name, health()]));
      const waiting = await waitingReplies(unreachable === undefined);
      const longWaits = waiting.filter((each) => now().getTime() - Date.parse(each.since) >= REPLIES_WAIT_DEGRADES_MS);
      const reasons = [
        ...(unreachable !== undefined ? [`the store is out of reach: ${unreachable}`] : []),
        ...refused.map((error) => `refused: ${error}`),
        // A part down (a Telegram team's desk group) is said as that part, not the channel: its customers are served.
        ...Object.entries(channels).filter(([, channel]) => isDown(channel)).map(([name, channel]) => `${channel.part !== undefined ? `${name}: only ${channel.part} is down, its customers are served` : `${name} is down`}: ${channel.reason ?? channel.state}`),
        ...longWaits.map((each) => `${each.channel}: ${each.replies === 1 ? '1 reply waits' : `${each.replies} replies wait`} for the channel since ${each.since}: ${each.reason}`),
      ];
      return {
        status: reasons.length > 0 ? 'degraded' : 'ok',
        ...(reasons.length > 0 ? { reasons } : {}),
        ...(refused.length > 0 ? { fileErrors: refused } : {}),
        ...(channelHealth.size > 0 ? { channels } : {}),
        ...(waiting.length > 0 ? { waitingReplies: waiting } : {}),
      };
    },
    // Ready as long as this process serves: a refused file or a channel down is /healthz's, not a reason to send no traffic here.
    ready: async () => {
      if (state === 'starting') return { status: 'starting', reasons: startingReasons() };
      if (state === 'stopping') return { status: 'stopping' };
      const unreachable = await store?.unreachable?.();
      if (state !== 'ok') return { status: 'stopping' };
      return unreachable === undefined ? { status: 'ready' } : { status: 'unavailable', reasons: [`the store is out of reach: ${unreachable}`] };
    },
    starting: () => state === 'starting',
    // Start-up's next try at the database is a wait the server knows: a webhook's sender (Telegram) waits that long.
    startWaitMs: () => {
      const left = storeRetryAt === undefined ? 0 : storeRetryAt - Date.now();
      return left > 0 ? left : undefined;
    },
  });
  const server = createServer(handler);
  await listen(server, config.PORT, config.HOST);
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ url, dataDir }, 'Switchboard is starting');

  let store: Store | undefined;
  let flows: FlowLibrary | undefined;
  let directory: TeamDirectory | undefined;
  let offTeamChange: (() => void) | undefined;
  let intents: IntentService | undefined;
  let runtime: Runtime | undefined;
  let presence: ConsolePresence | undefined;
  const started: Channel[] = [];
  const bus = new EventBus((error, type) => log.error({ err: error, event: type }, 'event listener failed'));
  // Shared between processes once the store says there are several (PostgreSQL).
  let feed: LiveFeed = new LocalLiveFeed();
  let fanout: Fanout | undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      state = 'stopping';
      const closed = new Promise<void>((done) => server.close(() => done()));
      // A database that does not answer (a frozen network) would hold the stop for as long as the network stays
      // frozen: past STOP_GRACE_MS, and every STOP_PROBE_MS after, the store is asked to give up on it if it does not
      // answer (what waits for it fails: 503s, the senders try again). A database that answers is waited for: what
      // is slow then (a channel's send) finishes and is recorded.
      let stopped = false;
      let giveUp: NodeJS.Timeout | undefined;
      const probeLater = (ms: number): void => {
        giveUp = setTimeout(() => {
          void (store?.interrupt?.() ?? Promise.resolve(false)).catch(() => false).then((gaveUp) => {
            if (gaveUp) fanout?.interrupt?.();
            else if (!stopped) probeLater(STOP_PROBE_MS);
          });
        }, ms);
        giveUp.unref();
      };
      probeLater(STOP_GRACE_MS);
      try {
        await presence?.stop();
        await runtime?.stop();
        for (const channel of started) await channel.stop();
      } finally {
        // Answers already written leave first; a keep-alive or event stream connection is then cut.
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), 200);
        await closed;
        clearTimeout(cut);
        offTeamChange?.();
        flows?.close();
        directory?.close();
        intents?.close();
        await fanout?.close();
        // Last, so the writes of what stopped above are flushed; in a finally, so no lock outlives a failure.
        try {
          await store?.close();
        } finally {
          stopped = true;
          clearTimeout(giveUp);
        }
      }
      log.info('Switchboard stopped');
    })();
    return stopping;
  };

  try {
    if (await seedDataDir(dataDir).catch((error: unknown) => { throw dataDirError(error, config.DATA_DIR); })) log.info({ dataDir }, 'DATA_DIR was empty: copied the shipped flows and settings');
    const storeLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => log[level](extra ?? {}, msg);
    // A database out of reach at start (started after this process, restarting) is waited for, not a failed start.
    store = config.STORE === 'postgres'
      ? await whenReachable(
        () => openStore({ kind: 'postgres', url: config.DATABASE_URL as string, log: storeLog, ...(config.DATABASE_POOL_SIZE ? { poolSize: config.DATABASE_POOL_SIZE } : {}) }),
        { log, ...(options.signal ? { signal: options.signal } : {}), ...(options.reachDelaysMs ? { delaysMs: options.reachDelaysMs } : {}), waiting: (reason, delayMs) => { storeWait = reason; storeRetryAt = Date.now() + delayMs; } },
      )
      : await openEmbeddedStore(resolve(dataDir, 'store'), { log: storeLog, compactAfterBytes: (config.STORE_COMPACT_AFTER_KB ?? 16_384) * 1024 })
        .catch((error: unknown) => { throw dataDirError(error, config.DATA_DIR); });
    if (config.STORE === 'postgres') {
      // Loaded here, as openStore loads the store: pg stays out of a process on the embedded store.
      const { PostgresFanout } = await import('../store/postgres/notify.ts');
      const { PostgresStore } = await import('../store/postgres/store.ts');
      if (!(store instanceof PostgresStore)) throw new Error('STORE=postgres opened another store');
      // Live streams (the dashboard's, the web chat's) are woken in every process, whichever one committed.
      fanout = await PostgresFanout.open({ url: config.DATABASE_URL as string, schema: store.schema, log: storeLog });
      feed = new SharedLiveFeed(fanout);
      await warnOfUncopiedStore(store, resolve(dataDir, 'store'), log);
    }
    waitingFor.delete(OPENING_STORE);
    storeWait = undefined;
    storeRetryAt = undefined;
    feedFromBus(bus, feed);
    const media = new FileMediaStore({ dir: resolve(dataDir, 'media'), maxBytes: (config.MAX_ATTACHMENT_MB ?? 20) * 1024 * 1024 });

    // team.yaml first: a flow naming a team it does not have is refused at load.
    // Deleted or emptied while the server was down, it would queue every customer for nobody: refused, as a bad setting.
    directory = await TeamDirectory.load({ file: resolve(dataDir, 'team.yaml'), addressKeys: ADDRESS_KEYS, log: log.child({ part: 'team' }), watch, lastRun: await servedLastRun(store) })
      .catch((error: unknown) => { throw error instanceof TeamFileError ? new ConfigError(`Cannot start:\n  ${String(error)}`) : error; });
    const teams = directory;
    flows = await FlowLibrary.load({
      dir: resolve(dataDir, 'flows'),
      store,
      legacyVersionsDir: resolve(dataDir, 'store', 'flow-versions'),
      teams: () => teams.teams().map((team) => team.name),
      agents: () => teams.agents().map((agent) => agent.name),
      log: log.child({ part: 'flows' }),
      watch,
    });
    waitingFor.delete('loading the flows and team.yaml');
    // A team.yaml saved without a team a flow in service hands customers to: the flow is checked again, so its
    // line shows in the log and /healthz (the admin API refuses such a team.yaml; a hand edit cannot be refused
    // before it is written). Its last good version keeps serving, its customers going to the first team.
    const served = flows;
    offTeamChange = directory.onChange((before, after) => {
      const names = (roster: typeof before) => roster.teams.map((team) => team.name).join('\n');
      if (names(before) === names(after)) return;
      served.reload().catch((error: unknown) => log.error({ err: error }, 'could not check the flows against the new team.yaml'));
    });

    intents = await IntentService.start({
      dir: resolve(dataDir, 'nlp'),
      cacheDir: resolve(dataDir, 'store', 'nlp-cache'),
      log: log.child({ part: 'nlp' }),
      watch,
      // The dashboard's eval figures, at the threshold a classify step uses unless it sets its own.
      ...(config.ADMIN_TOKEN ? { evaluateAt: DEFAULT_CONFIDENCE_THRESHOLD } : {}),
    });
    const parts = { store, flows, directory, intents };
    // What an admin published or taught in another process is read here too, at once (it shares DATA_DIR).
    fanout?.subscribe(PUBLISHED_TOPIC, (data) => {
      const file = (data as { file?: unknown }).file;
      const reload = file === 'team' ? parts.directory.reload() : file === 'nlp' ? parts.intents.ready() : parts.flows.reload();
      reload.catch((error: unknown) => log.error({ err: error }, 'could not read again what another process published'));
    });
    // Each as its log line reads, `file:line:column: reason`: the loaders keep their refusals at their columns.
    fileErrors = () => [...parts.flows.errors(), ...parts.directory.errors(), ...parts.intents.errors()].map((error) => logged(error).message);

    // Sign-outs (the dashboard's, the agents') kept in the store and heard from the other processes: a copied cookie
    // stays signed out after a restart and on every process.
    const signedOut = new SignedOut({ store, ...(fanout ? { fanout } : {}), now: () => now().getTime() });
    await signedOut.load();
    const signIn = new AgentSignIn({ agents: webchatAgents(directory), now: () => now().getTime(), signedOut });
    if (config.WEBCHAT_OPEN_SESSIONS === '1') {
      log.warn('WEBCHAT_OPEN_SESSIONS=1: anyone who knows or guesses a web chat session name reads and writes in it; for development only, never in production');
    }
    // One set of sign-in checks for the admin API and the WhatsApp QR page, so a cookie signed out is refused by both.
    const adminAuth = config.ADMIN_TOKEN ? new AdminAuth({ token: config.ADMIN_TOKEN, now: () => now().getTime(), signedOut }) : undefined;
    const awayAfterMs = config.CONSOLE_AWAY_AFTER ?? DEFAULT_CONSOLE_AWAY_AFTER_MS;
    const { channels, webchat } = await createChannels(config, {
      ...parts, signIn,
      streamsChanged: (session: string, open: boolean) => presence?.streams(session, open),
      agentSessionUsed: (session: string) => presence?.sessionUsed(session) ?? Promise.resolve(),
      ...(awayAfterMs > 0 ? { agentStreamRenewMs: Math.max(1_000, Math.floor(awayAfterMs / 2)) } : {}),
      ...(options.consoleHeartbeatMs !== undefined ? { heartbeatMs: options.consoleHeartbeatMs } : {}),
      ...(adminAuth ? { adminSignedIn: (req: Request) => adminAuth.signedIn(req) } : {}),
      ...(fanout ? { fanout } : {}),
    }, log, now, options.whatsappWeb, options.telegram);
    channelHealth = new Map(channels.flatMap((channel) => {
      const status = channel.status?.bind(channel);
      return status ? [[channel.name, (): ChannelHealth => {
        const { up, state, reason, down, catchUp, part } = status();
        return { up, ...(down !== undefined ? { down } : {}), state, ...(reason !== undefined ? { reason } : {}), ...(catchUp !== undefined ? { catchUp } : {}), ...(part !== undefined ? { part } : {}) };
      }] as const] : [];
    }));
    const statuses = channels.flatMap((channel) => {
      const status = channel.status?.bind(channel);
      return status ? [(): NamedChannelStatus => {
        const { up, down, state, reason, downSince, part } = status();
        return { channel: channel.name, up, ...(down !== undefined ? { down } : {}), state, ...(reason !== undefined ? { reason } : {}), ...(downSince !== undefined ? { downSince } : {}), ...(part !== undefined ? { part } : {}) };
      }] : [];
    });
    const channelsByName = new Map(channels.map((channel) => [channel.name, channel]));
    const outbox = new Outbox({
      store, channels: channelsByName, log, now, ...options.outbox,
      elsewhere: (notice) => {
        // An agent no longer in team.yaml has nowhere to be told: their notice is not kept for them.
        const agent = notice.agentId !== undefined ? teams.agent(notice.agentId) : undefined;
        return agent === undefined || addressesLeft(agent, notice).untried.length > 0;
      },
    });
    // The agent consoles showing the conversation, in every process, say "Not sent yet" (or no more) at once, and an
    // agent's reply's ticks (sent here; delivered, read or failed as its channel reports, `message.status`).
    const delivered = (message: Message) => {
      const change = deliveryChange(message);
      if (change) feed.publish(change);
    };
    outbox.listen({
      waiting: (message) => message.conversationId !== undefined && feed.publish({ type: 'delivery', data: { conversationId: message.conversationId, waiting: true } }),
      sent: delivered,
      failed: delivered,
    });
    bus.on('message.status', ({ message }) => delivered(message));
    // Every process's, as the banner says (a store query per customer waiting, up to `LOOKED_INTO`); this process's
    // own while the store is out of reach, or a look fails.
    const waitingLook = sharedWaitingLook(store);
    waitingReplies = async (reachable) => (reachable ? waitingLook().catch(() => outbox.waiting()) : outbox.waiting());
    const running = new Runtime({
      store, flows, directory, bus, outbox, log, now, media, channels: channelsByName,
      classify: (text) => parts.intents.classify(text),
      ...(config.WHATSAPP_TEMPLATES ? { templates: config.WHATSAPP_TEMPLATES } : {}),
      ...(config.WHATSAPP_REENGAGE_TEMPLATE ? { reengage: listedTemplate(config.WHATSAPP_REENGAGE_TEMPLATE, config.WHATSAPP_TEMPLATES) } : {}),
      ...(config.CONTACT_RATE_LIMIT ? { contactRate: config.CONTACT_RATE_LIMIT } : {}),
      ...(config.AUTO_CLOSE_AFTER ? { autoCloseAfterMs: config.AUTO_CLOSE_AFTER } : {}),
      ...(config.BOT_IDLE_CLOSE_AFTER !== undefined ? { botIdleCloseAfterMs: config.BOT_IDLE_CLOSE_AFTER } : {}),
      ...(config.AWAY_REQUEUE_AFTER !== undefined ? { awayRequeueAfterMs: config.AWAY_REQUEUE_AFTER } : {}),
      ...(config.UNANSWERED_REMIND_AFTER !== undefined ? { unansweredRemindAfterMs: config.UNANSWERED_REMIND_AFTER } : {}),
      ...(config.UNANSWERED_PASS_ON_AFTER !== undefined ? { unansweredPassOnAfterMs: config.UNANSWERED_PASS_ON_AFTER } : {}),
      ...(options.sweepEveryMs !== undefined ? { sweepEveryMs: options.sweepEveryMs } : config.SWEEP_EVERY ? { sweepEveryMs: config.SWEEP_EVERY } : {}),
      ...(fanout ? { fanout } : {}),
    });
    runtime = running;
    const consoles = awayAfterMs > 0 ? new ConsolePresence({ store, directory, act: running.act, awayAfterMs, running: (channel) => channelsByName.has(channel), log: log.child({ part: 'console-presence' }) }) : undefined;
    presence = consoles;
    logLifecycle(bus, log);
    for (const channel of channels) channel.mount?.(routes, fast);
    mountAdmin(routes, {
      token: config.ADMIN_TOKEN, store, directory, flows, intents, media, feed, now,
      ...(adminAuth ? { auth: adminAuth } : {}),
      publisher: new FlowPublisher({ dir: resolve(dataDir, 'flows'), library: flows, store, now }),
      act: running.act,
      whyNoHandBack: running.whyNoHandBack,
      reply: (agent, message, conversationId, moment) => webchat.accept(message, (given) => running.reply(agent, given, conversationId, undefined, moment)),
      erased: running.erased,
      webchatErased: (sessions) => webchat.endSessions(sessions),
      roomGivenBy: running.roomGivenBy,
      log: log.child({ part: 'admin' }),
      teamFile: resolve(dataDir, 'team.yaml'),
      ...(awayAfterMs > 0 ? { consoleAwayAfterMs: awayAfterMs } : {}),
      ...(fanout ? { published: (file: 'flows' | 'team' | 'nlp') => fanout?.publish(PUBLISHED_TOPIC, { file }) } : {}),
      nlpDir: resolve(dataDir, 'nlp'),
      addressKeys: ADDRESS_KEYS,
      channels: () => statuses.map((status) => status()),
      waitingReplies: waitingLook,
      dashboard: (app) => mountDashboard(app, { whatsappWeb: config.WHATSAPP_WEB === '1', ...(options.dashboardDir !== undefined ? { uiDir: options.dashboardDir } : {}) }),
      ...(options.adminHeartbeatMs !== undefined ? { heartbeatMs: options.adminHeartbeatMs } : {}),
      ...(options.adminWaitingLookMs !== undefined ? { waitingLookMs: options.adminWaitingLookMs } : {}),
      ...(options.adminChannelsLookMs !== undefined ? { channelsLookMs: options.adminChannelsLookMs } : {}),
    });
    mountAgentConsole(routes, {
      store, directory, signIn, media, feed, log: log.child({ part: 'agent-console' }),
      waiting: (id) => outbox.waitingReply(id),
      act: running.act,
      ...(consoles ? { seen: (agent: Agent, now?: boolean) => consoles.seen(agent, now), awayAfterMs } : {}),
      reply: (agent, message, conversationId, answered) => webchat.accept(message, (given) => running.reply(agent, given, conversationId, answered)),
      ...(config.WHATSAPP_TEMPLATES ? { templates: config.WHATSAPP_TEMPLATES } : {}),
      ...(config.AUTO_CLOSE_AFTER ? { autoCloseAfterMs: config.AUTO_CLOSE_AFTER } : {}),
      ...(config.AWAY_REQUEUE_AFTER ? { awayRequeueAfterMs: config.AWAY_REQUEUE_AFTER } : {}),
      ...(config.UNANSWERED_PASS_ON_AFTER ? { unansweredPassOnAfterMs: config.UNANSWERED_PASS_ON_AFTER } : {}),
      wording: (conversation) => served.wording(conversation),
      whyNoHandBack: running.whyNoHandBack,
      ...(options.consoleHeartbeatMs !== undefined ? { heartbeatMs: options.consoleHeartbeatMs } : {}),
    });

    // A classify step without a model asks its clarify question, even for the clearest need: the first
    // model is waited for here, and a message arriving while a later first model trains waits for it too.
    await intents.whenServing();
    waitingFor.delete('preparing the NLP model');
    const deliver: Deliver = async (message) => {
      await parts.intents.whenServing(options.modelWaitMs ?? MODEL_WAIT_MS);
      return running.deliver(message);
    };
    for (const channel of channels) {
      started.push(channel);
      await channel.start({
        deliver, report: running.report, updateIdentity: running.updateIdentity, filesReachCustomer: running.filesReachCustomer, media,
        left: (address) => running.left(channel.name, address),
        // A reply to them waiting for the channel (a long flood wait) is tried now, and refused, rather than at its time.
        blocked: async (address, blocked, options) => {
          await running.blocked(channel.name, address, blocked, options);
          if (blocked) outbox.wake(channel.name, address);
        },
        up: () => outbox.wake(channel.name),
        deskMembership: (group, present) => running.deskMembership(channel.name, group, present),
        commands: AGENT_COMMANDS.map((command) => ({ command: command.name, description: command.description })),
        commandsIn: (language) => agentCommandsIn(deskLanguage(language)).map((command) => ({ command: command.name, description: command.description })),
        // Read before a delivery (a Web Chat visitor's earlier address, say): the store out of reach is a 503 there too.
        lastInboundAt: (address) => refuseWhileUnavailable(lastInboundOfPerson(parts.store, channel.name, address)),
        sentUpTo: (address, upTo, status) => refuseWhileUnavailable(sentUpTo(parts.store, channel.name, address, upTo, status)),
        referenceOf: (address) => refuseWhileUnavailable(referenceOf(parts.store, channel.name, address)),
        keyboards: keptKeyboards(parts.store, channel.name),
        mark: channelMark(parts.store, channel.name),
        referrals: waitingReferrals(parts.store, channel.name),
      });
    }
    await running.start();
    consoles?.start();
    waitingFor.delete('starting the channels');
  } catch (error) {
    await stop().catch((failure: unknown) => log.error({ err: failure }, 'could not close what the failed start opened'));
    throw error;
  }

  state = 'ok';
  log.info({ url, dataDir }, 'Switchboard is listening');
  return { url, store, flows, directory, intents, bus, feed, runtime, stop };
}

/**
 * Refuses, before anything is opened, settings that start a channel only in part, and INSTAGRAM=1 without the
 * Messenger settings it rides on.
 *
 *     checkChannelSettings({ WHATSAPP_TOKEN: 'EAAG…' }); // ConfigError naming the three WhatsApp Cloud settings missing
 */
function checkChannelSettings(config: StartOptions['config']): void {
  const problems: string[] = [];
  for (const { channel, settings } of CHANNEL_SETTINGS) {
    const missing = settings.filter((name) => !config[name]);
    if (missing.length === 0 || missing.length === settings.length) continue;
    const set = settings.filter((name) => !missing.includes(name));
    problems.push(`${missing.join(', ')}: missing; ${channel} needs all of ${settings.join(', ')} (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set). Set the missing ones, or unset the others to leave the channel off.`);
  }
  if (config.INSTAGRAM === '1' && MESSENGER_SETTINGS.every((name) => !config[name])) {
    problems.push(`INSTAGRAM=1: Instagram Direct rides on the Messenger channel's Meta app and Page; set ${MESSENGER_SETTINGS.join(', ')} too (the Page linked to the Instagram account), or unset INSTAGRAM.`);
  }
  checkBotFrameworkSettings(config);
  if (problems.length > 0) throw new ConfigError(`Bad configuration:\n  ${problems.join('\n  ')}`);
}

/**
 * The Bot Framework channel needs its app id and password together, a tenant for a single-tenant app, and runs
 * without authentication only where nobody else can reach it.
 *
 *     checkBotFrameworkSettings({ BOTFRAMEWORK_NO_AUTH: '1', HOST: '0.0.0.0' }); // ConfigError: loopback HOST only
 */
function checkBotFrameworkSettings(config: StartOptions['config']): void {
  const problems: string[] = [];
  const noAuth = config.BOTFRAMEWORK_NO_AUTH === '1';
  if (noAuth && !LOOPBACK_HOSTS.includes(config.HOST)) {
    problems.push(`BOTFRAMEWORK_NO_AUTH=1 with HOST=${config.HOST}: turning authentication off is for development on this machine only; set HOST=127.0.0.1, or unset BOTFRAMEWORK_NO_AUTH and set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.`);
  }
  if (config.MICROSOFT_APP_ID && !config.MICROSOFT_APP_PASSWORD && !noAuth) {
    problems.push('MICROSOFT_APP_PASSWORD: missing; the Bot Framework channel needs the app\'s client secret beside MICROSOFT_APP_ID (Azure portal: the bot\'s app registration, Certificates & secrets).');
  }
  if (config.MICROSOFT_APP_PASSWORD && !config.MICROSOFT_APP_ID) {
    problems.push('MICROSOFT_APP_ID: missing; MICROSOFT_APP_PASSWORD is set, but not the app id it belongs to. Set it, or unset MICROSOFT_APP_PASSWORD to leave the channel off.');
  }
  if (config.MICROSOFT_APP_TYPE === 'SingleTenant' && !config.MICROSOFT_APP_TENANT_ID) {
    problems.push('MICROSOFT_APP_TENANT_ID: missing; a SingleTenant app takes its tokens from its own tenant: set the directory (tenant) id of the app registration.');
  }
  for (const name of trustedChannels(config.BOTFRAMEWORK_TRUSTED_USER_IDS).refused) {
    problems.push(`BOTFRAMEWORK_TRUSTED_USER_IDS: "${name}" is not a channel whose page chooses its user ids; name ${TRUSTABLE_CHANNELS.join(' and/or ')} (the Azure Bot's channels with Enhanced authentication on)`);
  }
  if (problems.length > 0) throw new ConfigError(`Bad configuration:\n  ${problems.join('\n  ')}`);
}

/**
 * When the person at `address` last wrote on `channel`, from any of their addresses there (a WhatsApp user may
 * write from their user id and be answered on their number: the window is theirs, not the address's).
 */
async function lastInboundOfPerson(store: Store, channel: string, address: string): Promise<string | undefined> {
  const contact = await store.contactByIdentity(channel, address);
  const addresses = contact ? contact.identities.filter((identity) => identity.channel === channel).map((identity) => identity.id) : [address];
  const times = await Promise.all(addresses.map((each) => store.lastInboundAt(channel, each)));
  return times.filter((time): time is string => time !== undefined).sort().at(-1);
}

/** See `ChannelHost.sentUpTo`: the messages of the person's latest conversation sent to `address` by then, not yet `status`. */
async function sentUpTo(store: Store, channel: string, address: string, upTo: string, status: 'delivered' | 'read'): Promise<string[]> {
  const contact = await store.contactByIdentity(channel, address);
  const latest = contact ? (await store.conversationsOfContacts([contact.id])).at(-1) : undefined;
  if (!latest) return [];
  const by = Date.parse(upTo);
  return (await store.messagesOfConversation(latest.id))
    .filter((message) => message.direction === 'out' && message.channel === channel && message.address === address && message.status === 'sent'
      && message.delivery !== 'read' && message.delivery !== status && Date.parse(message.at) <= by)
    .flatMap((message) => (message.channelMessageId !== undefined ? [message.channelMessageId] : []));
}

/** The reference a channel keeps for an address: on the customer's identity, or where an agent last wrote from. */
async function referenceOf(store: Store, channel: string, address: string): Promise<Record<string, string> | undefined> {
  const contact = await store.contactByIdentity(channel, address);
  const own = contact?.identities.find((identity) => identity.channel === channel && identity.id === address)?.reference;
  if (own) return own;
  for (const state of (await store.docs<AgentState>('agents')).values()) {
    if (state.replyTo?.channel === channel && state.replyTo.id === address && state.replyTo.reference) return state.replyTo.reference;
  }
  return undefined;
}

/**
 * Opens the embedded store in `dir`, unless `npm run migrate-store` copied it into PostgreSQL (its mark, `COPIED.json`):
 * served from here again (STORE left at its default on one host, a rollback), customers would go on from before the
 * copy, beside those PostgreSQL serves, and the replies waiting in it would be sent a second time.
 */
async function openEmbeddedStore(dir: string, options: Omit<LowdbStoreOptions, 'dir'>): Promise<Store> {
  const mark = await copiedMark(dir);
  if (mark) {
    throw new ConfigError(
      `Bad configuration:\n  STORE=lowdb (the default): the embedded store in ${dir} was copied into PostgreSQL (${mark.into ?? 'the database of the copy'}) by npm run migrate-store` +
        `${mark.copiedAt ? ` at ${mark.copiedAt}` : ''}, and is served from there. Start with STORE=postgres and that database's DATABASE_URL. ` +
        `To serve from the embedded store again anyway (it holds nothing of what PostgreSQL received since), delete ${join(dir, COPIED_MARK)}.`,
    );
  }
  return openStore({ dir, ...options });
}

/**
 * On PostgreSQL, says so when the database holds no contact while DATA_DIR/store holds an embedded store: the
 * embedded store was most likely not copied (`npm run migrate-store`), and every customer would start over unseen.
 */
async function warnOfUncopiedStore(store: PostgresStore, embeddedDir: string, log: Logger): Promise<void> {
  const names = await readdir(embeddedDir).catch(() => [] as string[]);
  if (!names.some((name) => name === 'journal.jsonl' || name === 'state.json' || name === 'messages.jsonl')) return;
  if ((await store.contactsBefore(undefined, 1)).length > 0) return;
  const mark = await copiedMark(embeddedDir).catch(() => undefined);
  if (mark) {
    log.warn({ embeddedStore: embeddedDir, copiedInto: mark.into },
      `PostgreSQL holds no contacts, but the embedded store in DATA_DIR/store was copied into ${mark.into ?? 'another database'}: is DATABASE_URL that database's? Customers and agents will not find their conversations here.`);
    return;
  }
  log.warn({ embeddedStore: embeddedDir },
    'PostgreSQL holds no contacts, but DATA_DIR/store holds an embedded store that was not copied into it: customers and agents will not find their conversations. ' +
      'Stop every Switchboard process and run `npm run migrate-store -- --force` with this DATA_DIR and DATABASE_URL (see Scaling out on PostgreSQL).');
}

/** Where web chat sessions are kept: one small document per session, holding a hash of its token. */
const WEBCHAT_SESSIONS = 'webchat-sessions';

/** Customers' web chat sessions, in the store's documents. */
/** A template named by a setting, with its language when WHATSAPP_TEMPLATES lists it with one. */
function listedTemplate(name: string, templates: readonly { name: string; language?: string }[] | undefined): { name: string; language?: string } {
  const language = templates?.find((template) => template.name === name)?.language;
  return language ? { name, language } : { name };
}

function webchatSessions(store: Store): WebchatSessions {
  return {
    get: (session) => store.doc<WebchatSession>(WEBCHAT_SESSIONS, session),
    put: (session, record) => store.transaction(`${WEBCHAT_SESSIONS}:${session}`, async (tx) => tx.putDoc(WEBCHAT_SESSIONS, session, record)),
  };
}

/** The agents with a web chat session and what signs them in, as team.yaml has them now. */
function webchatAgents(directory: TeamDirectory): WebchatAgents {
  const toWebchat = (agent: Agent): WebchatAgent | undefined => {
    const session = agent.identities.find((identity) => identity.channel === 'webchat')?.id;
    if (session === undefined) return undefined;
    const token = agent.secrets?.webchat;
    const missingVariable = agent.missingSecrets?.webchat;
    return { id: agent.id, name: agent.name, session, ...(token !== undefined ? { token } : {}), ...(missingVariable !== undefined ? { missingVariable } : {}) };
  };
  return {
    all: () => directory.agents().flatMap((agent) => toWebchat(agent) ?? []),
    bySession: (session) => {
      const agent = directory.agentByIdentity('webchat', session);
      return agent ? toWebchat(agent) : undefined;
    },
    nameOf: (agentId) => directory.agent(agentId)?.name,
  };
}

/**
 * The web chat always; Telegram when its token is set; WhatsApp Cloud when its four settings are; Messenger when its
 * three are (and Instagram Direct with it, with INSTAGRAM=1); the Bot Framework (Teams, Web Chat) when
 * MICROSOFT_APP_ID is set, or with BOTFRAMEWORK_NO_AUTH=1; WhatsApp Web with WHATSAPP_WEB=1.
 *
 * Each channel but the web chat is loaded only when set: botbuilder (with @azure/identity and the rest) and qrcode are
 * some 600 of the 1,300 modules a server loads otherwise, and their code stays on the heap that every full garbage
 * collection walks (an idle server's took 88-118 ms with them); grammy and the Telegram, WhatsApp Cloud and Messenger
 * modules a fifth of the CPU a web-chat-only `npm start` spent loading before it listened (see README, Benchmark).
 */
async function createChannels(
  config: StartOptions['config'],
  parts: { store: Store; directory: TeamDirectory; signIn: AgentSignIn; adminSignedIn?: (req: Request) => boolean; fanout?: Fanout; streamsChanged?: (session: string, open: boolean) => void; agentSessionUsed?: (session: string) => Promise<void>; agentStreamRenewMs?: number; heartbeatMs?: number },
  log: Logger,
  now: () => Date,
  whatsappWeb: StartOptions['whatsappWeb'],
  telegram: StartOptions['telegram'],
): Promise<{ channels: Channel[]; webchat: WebchatChannel }> {
  const { store, directory, signIn, adminSignedIn } = parts;
  const [perSession, perAddress] = config.WEBCHAT_RATE_LIMIT ?? [];
  const [streamsPerSession, streamsPerAddress] = config.WEBCHAT_STREAM_LIMIT ?? [];
  const webchat = createWebchatChannel({
    history: (session, after, limit) => store.messagesOfAddress('webchat', session, after, limit),
    sessions: webchatSessions(store),
    agents: webchatAgents(directory),
    signIn,
    openSessions: config.WEBCHAT_OPEN_SESSIONS === '1',
    limits: {
      ...(perSession ? { postsPerSession: perSession } : {}),
      ...(perAddress ? { postsPerAddress: perAddress } : {}),
      ...(config.WEBCHAT_SESSION_LIMIT?.[0] ? { sessionsPerAddress: config.WEBCHAT_SESSION_LIMIT[0] } : {}),
      ...(streamsPerSession ? { streamsPerSession } : {}),
      ...(streamsPerAddress ? { streamsPerAddress } : {}),
    },
    pages: {
      ...(config.WEBCHAT_TITLE ? { title: config.WEBCHAT_TITLE } : {}),
      ...(config.WEBCHAT_COLOR ? { color: config.WEBCHAT_COLOR } : {}),
      ...(config.WEBCHAT_EMBED_ORIGINS ? { embedOrigins: config.WEBCHAT_EMBED_ORIGINS } : {}),
    },
    log: log.child({ channel: 'webchat' }),
    now: () => now().getTime(),
    ...(parts.fanout ? { fanout: parts.fanout } : {}),
    ...(parts.streamsChanged ? { streamsChanged: parts.streamsChanged } : {}),
    ...(parts.agentSessionUsed ? { agentSessionUsed: parts.agentSessionUsed } : {}),
    ...(parts.agentStreamRenewMs !== undefined ? { agentStreamRenewMs: parts.agentStreamRenewMs } : {}),
    ...(parts.heartbeatMs !== undefined ? { heartbeatSeconds: parts.heartbeatMs / 1000 } : {}),
  });
  const channels: Channel[] = [webchat];
  if (config.TELEGRAM_BOT_TOKEN) {
    const { createTelegramChannel } = await import('../channels/telegram/index.ts');
    channels.push(createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
      ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
      log: log.child({ channel: 'telegram' }),
      agentChatIds: () => directory.agents().flatMap((agent) => agent.identities.filter((i) => i.channel === 'telegram').map((i) => i.id)),
      agentLanguage: (chatId) => directory.agents().find((agent) => agent.identities.some((i) => i.channel === 'telegram' && i.id === chatId))?.language,
      onAgentsChange: (listener) => directory.onChange(() => listener()),
      deskChats: () => directory.teams().flatMap((team) => (team.desk?.channel === 'telegram' ? [team.desk.group] : [])),
      deskTeams: (group) => directory.teams().flatMap((team) => (team.desk?.channel === 'telegram' && team.desk.group === group ? [team.name] : [])),
      // Under long polling (no webhook secret) a getUpdates call holds its 30 s wait: calls keep that plus 15 s at least.
      ...(config.API_TIMEOUT !== undefined ? { callTimeoutSeconds: Math.max(config.API_TIMEOUT / 1000, config.TELEGRAM_WEBHOOK_SECRET ? 0 : 45) } : {}),
      ...telegram,
    }));
  }
  const { WHATSAPP_TOKEN: token, WHATSAPP_PHONE_NUMBER_ID: phoneNumberId, WHATSAPP_APP_SECRET: appSecret, WHATSAPP_VERIFY_TOKEN: verifyToken } = config;
  if (token && phoneNumberId && appSecret && verifyToken) {
    const { createWhatsAppCloudChannel } = await import('../channels/whatsapp-cloud/index.ts');
    channels.push(createWhatsAppCloudChannel({
      token, phoneNumberId, appSecret, verifyToken, now,
      graphRoot: config.GRAPH_API_ROOT ?? 'https://graph.facebook.com',
      version: config.WHATSAPP_API_VERSION ?? 'v21.0',
      log: log.child({ channel: 'whatsapp-cloud' }),
      agentAddresses: () => directory.agents().flatMap((agent) => agent.identities.filter((i) => i.channel === 'whatsapp-cloud').map((i) => i.id)),
      ...(config.WHATSAPP_NOTICE_TEMPLATE ? { noticeTemplate: config.WHATSAPP_NOTICE_TEMPLATE } : {}),
      ...(config.WHATSAPP_TEMPLATES ? { templates: config.WHATSAPP_TEMPLATES } : {}),
      ...(config.CONTACT_RATE_LIMIT ? { contactRate: config.CONTACT_RATE_LIMIT } : {}),
      ...(config.API_TIMEOUT !== undefined ? { callTimeoutMs: config.API_TIMEOUT } : {}),
    }));
  }
  const { MESSENGER_PAGE_TOKEN: pageToken, MESSENGER_APP_SECRET: messengerSecret, MESSENGER_VERIFY_TOKEN: messengerVerifyToken } = config;
  if (pageToken && messengerSecret && messengerVerifyToken) {
    const { createMessengerChannels } = await import('../channels/messenger/index.ts');
    channels.push(...createMessengerChannels({
      pageToken, appSecret: messengerSecret, verifyToken: messengerVerifyToken, now,
      graphRoot: config.GRAPH_API_ROOT ?? 'https://graph.facebook.com',
      version: config.MESSENGER_API_VERSION ?? 'v21.0',
      instagram: config.INSTAGRAM === '1',
      ...(config.MESSENGER_HUMAN_AGENT_TAG === 'off' ? { humanAgentTag: false } : {}),
      log: log.child({ channel: 'messenger' }),
      ...(config.API_TIMEOUT !== undefined ? { callTimeoutMs: config.API_TIMEOUT } : {}),
    }));
  }
  if (config.MICROSOFT_APP_ID || config.BOTFRAMEWORK_NO_AUTH === '1') {
    const singleTenant = config.MICROSOFT_APP_TYPE === 'SingleTenant';
    const { createBotFrameworkChannel } = await import('../channels/botframework/index.ts');
    channels.push(createBotFrameworkChannel({
      ...(config.MICROSOFT_APP_ID ? { appId: config.MICROSOFT_APP_ID } : {}),
      ...(config.MICROSOFT_APP_PASSWORD ? { password: config.MICROSOFT_APP_PASSWORD } : {}),
      ...(singleTenant && config.MICROSOFT_APP_TENANT_ID ? { tenantId: config.MICROSOFT_APP_TENANT_ID } : {}),
      noAuth: config.BOTFRAMEWORK_NO_AUTH === '1',
      ...(config.BOTFRAMEWORK_OPENID_METADATA_URL ? { openIdMetadataUrl: config.BOTFRAMEWORK_OPENID_METADATA_URL } : {}),
      ...(config.BOTFRAMEWORK_LOGIN_URL ? { loginUrl: config.BOTFRAMEWORK_LOGIN_URL } : {}),
      trustedUserIds: trustedChannels(config.BOTFRAMEWORK_TRUSTED_USER_IDS).channels,
      log: log.child({ channel: 'botframework' }),
      ...(config.API_TIMEOUT !== undefined ? { sendTimeoutMs: config.API_TIMEOUT } : {}),
    }));
  }
  if (config.WHATSAPP_WEB === '1') {
    const { createWhatsAppWebChannel, WHATSAPP_WEB } = await import('../channels/whatsapp-web/index.ts');
    channels.push(createWhatsAppWebChannel({
      dataDir: resolve(config.DATA_DIR, 'whatsapp-web'),
      ...(config.CHROMIUM_PATH ? { chromiumPath: config.CHROMIUM_PATH } : {}),
      ...(config.ADMIN_TOKEN ? { adminToken: config.ADMIN_TOKEN } : {}),
      ...(adminSignedIn ? { adminSignedIn } : {}),
      ...(config.WHATSAPP_PAIRING_NUMBER ? { pairingNumber: config.WHATSAPP_PAIRING_NUMBER } : {}),
      catchUpWithinMs: config.WHATSAPP_CATCH_UP_WITHIN,
      log: log.child({ channel: WHATSAPP_WEB }),
      agentNumbers: () => directory.agents().flatMap((agent) => agent.identities.filter((i) => i.channel === WHATSAPP_WEB).map((i) => i.id)),
      ...whatsappWeb,
    }));
  }
  return { channels, webchat };
}

/** Binds `server`; what a person must change when that fails is a ListenError naming PORT or HOST. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(describeListenError(error, port, host));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolveListen();
    });
  });
}

function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`PORT=${port} is in use by another program; set PORT to a free port (or 0)`, 'PORT', error.code);
    case 'EACCES':
      return new ListenError(`PORT=${port} needs privileges this process does not have; set PORT to 1024 or above (or 0)`, 'PORT', error.code);
    case 'EADDRNOTAVAIL':
      return new ListenError(`HOST=${host} is not an address of this machine; set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all)`, 'HOST', error.code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(`HOST=${host} does not resolve to an address; set HOST to an address of this machine (127.0.0.1, or 0.0.0.0 for all)`, 'HOST', error.code);
    default:
      return error;
  }
}
