// The Bot Framework channel (Microsoft Teams, Web Chat, Direct Line) on botbuilder's CloudAdapter, wired from its
// parts: activities come in at POST /api/messages (webhook.ts), checked by the adapter (auth.ts), read (decode.ts,
// files.ts) and handed to the runtime (receive.ts); every reply is proactive, to the conversation reference the
// person's last message left (reference.ts), rendered by render.ts and sent by send.ts (errors.ts for what a
// failure means). botbuilder is archived upstream: nothing outside this folder knows of it, so its successor can
// replace it here alone.
import type { Express } from 'express';
import type { Channel, ChannelHost, OutboundMessage } from '../../types.ts';
import { showsOutsideTelegram } from '../../shared/attachments.ts';
import type { Logger } from '../../shared/log.ts';
import { createAdapter, type AuthOptions } from './auth.ts';
import { CHANNEL } from './address.ts';
import { GroupChats } from './group-chats.ts';
import { receiveActivity, type Reply } from './receive.ts';
import { TEAMS_STYLES } from './render.ts';
import { Sender } from './send.ts';
import { mountWebhook, WEBHOOK_PATH } from './webhook.ts';

export interface BotFrameworkOptions extends AuthOptions {
  log: Logger;
  /** Inbound files: how long one download may take (default 10 s, inside the Bot Framework's 15 s). */
  fileTimeoutMs?: number;
  /**
   * BOTFRAMEWORK_TRUSTED_USER_IDS: the channels (webchat, directline) whose Azure site has Enhanced authentication on,
   * so that their `dl_` user ids are the person's across conversations; elsewhere a visitor is their conversation.
   */
  trustedUserIds?: readonly string[];
  /** Outbound: how long one send may wait for the Bot Connector before it counts as failed and is tried again (default 30 s). */
  sendTimeoutMs?: number;
}

/**
 * The Bot Framework channel.
 *
 *     const botframework = createBotFrameworkChannel({ appId, password, log });
 *     botframework.mount?.(app); await botframework.start(host);
 */
export function createBotFrameworkChannel(options: BotFrameworkOptions): Channel {
  const { log } = options;
  const noAuth = options.noAuth === true;
  const { adapter, tokens } = createAdapter(options);
  const sender = new Sender({ adapter, appId: options.appId ?? '', log, tokens, ...(options.sendTimeoutMs !== undefined ? { timeoutMs: options.sendTimeoutMs } : {}) });
  const trustedUserIds = new Set(options.trustedUserIds);
  const groupChats = new GroupChats(log);
  let host: ChannelHost | undefined;
  /** Activities being handed over: awaited by stop(). */
  const receiving = new Set<Promise<unknown>>();

  function receive(activity: unknown, reply?: Reply): Promise<string | undefined> {
    if (!host) return Promise.reject(new Error('the Bot Framework channel is not started'));
    const work = receiveActivity(activity, {
      host,
      log,
      trustedUserIds,
      groupChats,
      files: { token: async () => tokens?.token(), forgetToken: () => tokens?.forget(), ...(options.fileTimeoutMs !== undefined ? { timeoutMs: options.fileTimeoutMs } : {}) },
    }, reply);
    receiving.add(work);
    void work.finally(() => receiving.delete(work)).catch(() => {});
    return work;
  }

  return {
    name: CHANNEL,
    // Teams and Web Chat show pictures: Telegram's animated stickers would be a file no one opens.
    shows: (attachment) => showsOutsideTelegram(attachment),
    // Teams shows them in its markdown; Web Chat and Direct Line get the words plain.
    styles: TEAMS_STYLES,
    mount(app: Express) {
      mountWebhook(app, { adapter, authenticated: !noAuth, log, receiver: () => (host ? receive : undefined) });
    },
    async start(started: ChannelHost) {
      host = started;
      if (noAuth) {
        log.warn(
          { path: WEBHOOK_PATH },
          'BOTFRAMEWORK_NO_AUTH=1: AUTHENTICATION IS OFF. Anyone who reaches this server can post activities to /api/messages as anyone, and replies carry no token. For local development with the Bot Framework Emulator only; never in production',
        );
      }
    },
    send(to: string, message: OutboundMessage, sentPart?: (id: string) => void) {
      return sender.send(to, message, host, sentPart);
    },
    async stop() {
      while (receiving.size > 0) await Promise.allSettled([...receiving]);
    },
  };
}
