// The Telegram channel on grammY, wired from its parts: updates come in by webhook (webhook.ts) when a secret is
// set, by long polling (polling.ts; conflicts.ts for how its 409s are logged) otherwise, and are handed to the
// runtime by receive.ts (decode.ts for the wire format, files.ts for attachments' bytes); replies go out through
// send.ts (render.ts for the Bot API calls, errors.ts for what a failure means, order.ts for which of two messages of
// a chat came first); agents get their commands in the menu (menu.ts); health.ts says whether Telegram answers.
import type { Express } from 'express';
import { Api } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { ChannelSendError, type Channel, type ChannelHost, type FastRoutes, type OutboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { createBotApiClient } from './client.ts';
import { TOKEN_FIX, TelegramHealth } from './health.ts';
import { LostDesks, notInGroup } from './desks.ts';
import { OpenKeyboards } from './keyboards.ts';
import { CommandMenu } from './menu.ts';
import { cameAfter } from './order.ts';
import { startPolling } from './polling.ts';
import { receiveUpdate } from './receive.ts';
import { botReaction } from './reactions.ts';
import { Sender } from './send.ts';
import { TELEGRAM_STYLES } from './render.ts';
import { keepRegistering, mountWebhook } from './webhook.ts';

export interface TelegramOptions {
  token: string;
  /** The Bot API's base URL, e.g. https://api.telegram.org or a self-hosted Bot API server; files are fetched from it too. */
  apiRoot: string;
  /** Webhook mode when set: Telegram must send it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret?: string;
  /** With a webhook secret: the bot registers `${publicUrl}/webhooks/telegram` at start. */
  publicUrl?: string;
  log: Logger;
  /** The private chats of agents (their Telegram user ids): they get the agent commands in the bot's menu. */
  agentChatIds?: () => string[];
  /** The language of the agent of a private chat (`language:` in team.yaml), for their menu's descriptions. */
  agentLanguage?: (chatId: string) => string | undefined;
  /** The supergroups that are team desks (`telegram_desk` in team.yaml): their topic messages are delivered. */
  deskChats?: () => string[];
  /** The names of the teams whose desk a supergroup is, for what /healthz says of one the bot is out of. */
  deskTeams?: (group: string) => string[];
  /** Subscribes to changes of the agent list (team.yaml edits): agents added later get the menu too. */
  onAgentsChange?: (listener: () => void) => () => void;
  /** Long polling: seconds a getUpdates call waits for updates (default 30). */
  pollTimeoutSeconds?: number;
  /** Long polling: delay after a failed getUpdates or deliver before trying again (default 1000 ms, doubling up to `pollMaxRetryMs`). */
  pollRetryMs?: number;
  /** Long polling: the longest of those delays (default 30 s). */
  pollMaxRetryMs?: number;
  /** Inbound files: delay before the second of three tries to fetch one (default 1000 ms, then doubled). */
  fileRetryMs?: number;
  /** Inbound files: how long one try (getFile and the download) may take (default 60 s). */
  fileTimeoutMs?: number;
  /**
   * How long one Bot API call may take before it counts as failed (default: the long-polling wait plus 15 s, 45 s);
   * a send that timed out is tried again by the outbox. grammY's own default is 500 s.
   */
  callTimeoutSeconds?: number;
  /** How long calls must fail for the network or a 5xx before the channel counts as unreachable (default 5 s, health.ts). */
  unreachableAfterMs?: number;
  /**
   * Webhook mode: the pause before getMe asks whether Telegram answers again after a failed call, and before setWebhook
   * is tried again after it failed (default 1 s, doubling up to 30 s).
   */
  probeMs?: number;
  /** Long polling: how long getUpdates may keep meeting 409 (another poller) before the channel counts as down (default 30 s). */
  conflictAfterMs?: number;
  /** Webhook mode: the pause before setWebhook is tried again after Telegram refused its URL (a 400; default 10 minutes). */
  webhookRefusedRetryMs?: number;
}

/** How long a getMe asking whether Telegram answers again may take. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * The Telegram channel.
 *
 *     const telegram = createTelegramChannel({ token, apiRoot: 'https://api.telegram.org', webhookSecret, log });
 *     telegram.mount?.(app); await telegram.start(host);
 */
export function createTelegramChannel(options: TelegramOptions): Channel {
  const { log, webhookSecret } = options;
  const client = createBotApiClient();
  const api = new Api(options.token, {
    apiRoot: options.apiRoot,
    fetch: client.fetch as never,
    timeoutSeconds: options.callTimeoutSeconds ?? (options.pollTimeoutSeconds ?? 30) + 15,
  });
  // Only short flood waits (up to 5 s) are waited out here, with one more try; auto-retry also waits before giving
  // up, so a call is held 10 s at most. A longer wait comes out as ChannelSendError with retryAfterMs, for the
  // outbox to wait without holding an HTTP call. Telegram's 5xx and network errors come out at once: the outbox
  // retries sends, the polling loop getUpdates, files.ts its downloads, each with its own bound.
  api.config.use(autoRetry({ maxRetryAttempts: 1, maxDelaySeconds: 5, rethrowHttpErrors: true, rethrowInternalServerErrors: true }));
  // Under long polling getUpdates keeps asking Telegram; with a webhook nothing would until the next send.
  const health = new TelegramHealth({
    ...(webhookSecret !== undefined ? { probe: () => api.getMe(AbortSignal.timeout(PROBE_TIMEOUT_MS) as unknown as Parameters<Api['getMe']>[0]) } : {}),
    ...(options.unreachableAfterMs !== undefined ? { unreachableAfterMs: options.unreachableAfterMs } : {}),
    ...(options.probeMs !== undefined ? { probeMs: options.probeMs } : {}),
    ...(options.conflictAfterMs !== undefined ? { conflictAfterMs: options.conflictAfterMs } : {}),
  });

  let host: ChannelHost | undefined;
  let polling: { stop(): Promise<void> } | undefined;
  let offAgents: (() => void) | undefined;
  /** Bot API calls started in the background (answers, set-up): awaited by stop(). */
  const background = new Set<Promise<unknown>>();
  /** Aborted by stop(): setWebhook is tried no more. */
  const stopping = new AbortController();

  function track(what: string, work: () => Promise<unknown>): void {
    const running = work().catch((error: unknown) => log.warn({ err: String(error), call: what }, 'Telegram call failed'));
    background.add(running);
    void running.finally(() => background.delete(running));
  }

  const keyboards = new OpenKeyboards(api, log, track, () => host?.keyboards);
  const sender = new Sender(api, keyboards);

  // Each person's messages in the order they come, however many requests Telegram's webhook makes at once.
  const senders = new Map<string, Promise<unknown>>();
  // The latest edit received of each message edited lately: an older one coming after it is not delivered.
  const edits = new Map<string, number>();

  // Made once, not at each update: under tsx (`npm start`) each arrow function made is named at run time (esbuild's `keepNames`).
  const isDesk = (chatId: string): boolean => (options.deskChats?.() ?? []).includes(chatId);
  const lostDesks = new LostDesks(Date.now, (group) => options.deskTeams?.(group) ?? []);
  /** What the host was last told of each desk group (in it, or out of it), so a call that works there tells it once. */
  const toldHost = new Map<string, boolean>();
  /** Tells the host the bot is in `group` or out of it: at every `my_chat_member` (`always`), else when it changed. */
  const tellHost = (group: string, present: boolean, always = false): void => {
    const said = host?.deskMembership;
    if (!said || (!always && toldHost.get(group) === present)) return;
    toldHost.set(group, present);
    track('deskMembership', () => said(group, present).catch((error: unknown) => {
      // Told again at the next sign.
      toldHost.delete(group);
      throw error;
    }));
  };
  const deskMembership = (group: string, present: boolean, title?: string): void => {
    if (present) lostDesks.back(group);
    else lostDesks.removed(group, title);
    tellHost(group, present, true);
  };
  /** Whether a call to `to` (a chat, or a desk's `group/thread`) told that the bot is out of that desk's group, or in it. */
  const deskCall = (to: string, error?: unknown): void => {
    // A person's chat id is positive, a group's negative: the sends to customers, nearly all of them, look no further.
    if (!to.startsWith('-')) return;
    const group = to.split('/')[0]!;
    if (!isDesk(group)) return;
    if (error === undefined) {
      lostDesks.back(group);
      tellHost(group, true);
    } else if (notInGroup(error)) {
      lostDesks.removed(group);
      tellHost(group, false);
    }
  };

  function receive(update: unknown, followed?: boolean): Promise<string | undefined> {
    if (!host) return Promise.reject(new Error('the Telegram channel is not started'));
    return receiveUpdate(update, {
      ...(followed ? { followed: true as const } : {}),
      senders,
      keyboards,
      edits,
      api,
      host,
      log,
      isDesk,
      deskMembership,
      files: {
        apiRoot: options.apiRoot,
        token: options.token,
        ...(options.fileRetryMs !== undefined ? { retryMs: options.fileRetryMs } : {}),
        ...(options.fileTimeoutMs !== undefined ? { timeoutMs: options.fileTimeoutMs } : {}),
      },
      track,
    });
  }

  return {
    name: 'telegram',
    quotes: true,
    styles: TELEGRAM_STYLES,
    mount(app: Express, fast?: FastRoutes) {
      if (webhookSecret === undefined) return;
      mountWebhook(app, { secret: webhookSecret, log, receiver: () => (host ? receive : undefined) }, fast);
    },
    async start(started: ChannelHost) {
      host = started;
      const menu = new CommandMenu(api, (chatId) => {
        const language = options.agentLanguage?.(chatId);
        return language && started.commandsIn ? started.commandsIn(language) : started.commands;
      }, track);
      const giveMenu = () => menu.give(options.agentChatIds?.() ?? []);
      giveMenu();
      offAgents = options.onAgentsChange?.(giveMenu);
      if (webhookSecret === undefined) {
        polling = startPolling({
          api,
          log,
          receive,
          health,
          ...(options.pollTimeoutSeconds !== undefined ? { timeoutSeconds: options.pollTimeoutSeconds } : {}),
          ...(options.pollRetryMs !== undefined ? { retryMs: options.pollRetryMs } : {}),
          ...(options.pollMaxRetryMs !== undefined ? { maxRetryMs: options.pollMaxRetryMs } : {}),
        });
      } else if (options.publicUrl) {
        const publicUrl = options.publicUrl;
        track('setWebhook', async () => {
          const url = await keepRegistering(api, publicUrl, webhookSecret, {
            signal: stopping.signal,
            failed: (error, url, retryInMs) => {
              health.webhookRefused(error, url);
              const { state, reason } = health.status();
              if (state === 'webhook-refused') log.error({ err: String(error), url, retryInMs }, `Telegram webhook refused: ${reason ?? ''}`);
              else if (state === 'token-refused') log.error({ err: String(error), url, retryInMs }, `Telegram webhook not registered: Telegram refuses the bot's token (${reason ?? ''}): ${TOKEN_FIX}`);
              else log.warn({ err: String(error), retryInMs }, 'Telegram webhook not registered; trying again');
            },
            ...(options.probeMs !== undefined ? { retryMs: options.probeMs } : {}),
            ...(options.webhookRefusedRetryMs !== undefined ? { refusedRetryMs: options.webhookRefusedRetryMs } : {}),
          });
          if (url === undefined) return;
          health.webhookRegistered();
          log.info({ url }, 'Telegram webhook registered');
        });
      }
    },
    async send(to: string, message: OutboundMessage, sentPart?: (id: string) => void) {
      try {
        const id = await sender.send(to, message, host?.media, sentPart);
        health.answered();
        deskCall(to);
        return id;
      } catch (error) {
        health.failed(error instanceof ChannelSendError ? error.cause : error);
        deskCall(to, error instanceof ChannelSendError ? error.cause : error);
        throw error;
      }
    },
    status() {
      // Telegram out of reach says more than a desk group lost.
      const status = health.status();
      return status.up ? lostDesks.status() ?? status : status;
    },
    async openThread(group: string, title: string) {
      // Telegram takes topic names of 1-128 characters.
      try {
        const topic = await api.createForumTopic(group, [...title].slice(0, 128).join(''));
        deskCall(group);
        return `${group}/${topic.message_thread_id}`;
      } catch (error) {
        deskCall(group, error);
        throw error;
      }
    },
    async closeThread(thread: string) {
      const [chat, id] = thread.split('/') as [string, string];
      await api.closeForumTopic(chat, Number(id));
    },
    cameAfter,
    reacts: (emoji: string) => botReaction(emoji) !== undefined && emoji !== '',
    async stop() {
      stopping.abort();
      offAgents?.();
      await polling?.stop();
      await health.stop();
      while (background.size > 0) await Promise.allSettled([...background]);
      await client.close();
    },
  };
}
