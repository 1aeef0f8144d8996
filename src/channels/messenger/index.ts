// The Messenger channel, and the Instagram Direct channel riding on the same Meta app and Page token, wired from
// their parts: Meta posts batches of both to one signed webhook, /webhooks/messenger (meta/webhook.ts), read by
// their `object` (decode.ts) and handed to the runtime (receive.ts: files, names from profiles.ts, echoes and
// receipts against own-sends.ts; entries of another Page than the token's left alone by accounts.ts); replies go out through the Send API (send.ts, render.ts, errors.ts). What differs
// between the two platforms is a row of platforms.ts.
import type { Express } from 'express';
import type { Channel, ChannelHost, OutboundMessage } from '../../types.ts';
import { showsOutsideTelegram } from '../../shared/attachments.ts';
import type { Logger } from '../../shared/log.ts';
import { GraphApi } from '../meta/graph.ts';
import { Memory } from '../meta/memory.ts';
import { mountWebhook } from '../meta/webhook.ts';
import { Accounts } from './accounts.ts';
import { decodeBatch, type Item } from './decode.ts';
import { OwnSends } from './own-sends.ts';
import { INSTAGRAM, MESSENGER, type Platform } from './platforms.ts';
import { Profiles } from './profiles.ts';
import { receiveBatch, type PlatformSide } from './receive.ts';
import { Sender } from './send.ts';

/** Where Meta posts the webhooks of the Page (`object: page`) and of its Instagram account (`object: instagram`). */
const WEBHOOK_PATH = '/webhooks/messenger';

export interface MessengerOptions {
  /** MESSENGER_PAGE_TOKEN: the Page's access token (pages_messaging; instagram_manage_messages for Instagram). */
  pageToken: string;
  /** MESSENGER_APP_SECRET: the key of the webhook's X-Hub-Signature-256. */
  appSecret: string;
  /** MESSENGER_VERIFY_TOKEN: what Meta must send to verify the webhook. */
  verifyToken: string;
  /** GRAPH_API_ROOT, e.g. https://graph.facebook.com. */
  graphRoot: string;
  /** MESSENGER_API_VERSION, e.g. v21.0. */
  version: string;
  /** MESSENGER_HUMAN_AGENT_TAG (on by default): agents' late replies go tagged HUMAN_AGENT; off, they are not sent (`SenderOptions.humanAgentTag`). */
  humanAgentTag?: boolean;
  /** INSTAGRAM=1: also the Instagram Direct channel, for the Instagram account linked to the Page. */
  instagram?: boolean;
  log: Logger;
  /** The clock of the messaging window; the runtime's, so that both count alike (default: the system clock). */
  now?: () => Date;
  /** Inbound files: delay before the second of three tries to fetch one (default 1000 ms, then doubled). */
  fileRetryMs?: number;
  /** How long one Graph API call may take before it counts as failed (API_TIMEOUT; default 30 s). */
  callTimeoutMs?: number;
  /** Inbound files: how long one try may take (default 60 s). */
  fileTimeoutMs?: number;
}

/**
 * The Messenger channel, and the Instagram one when `instagram` is set: one webhook, one Page token.
 *
 *     const channels = createMessengerChannels({ pageToken, appSecret, verifyToken, graphRoot, version: 'v21.0', log });
 *     for (const channel of channels) { channel.mount?.(app); await channel.start(host); }
 */
export function createMessengerChannels(options: MessengerOptions): Channel[] {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const graph = new GraphApi({ root: options.graphRoot, version: options.version, token: options.pageToken, ...(options.callTimeoutMs !== undefined ? { timeoutMs: options.callTimeoutMs } : {}) });
  const memory = new Memory();
  const accounts = new Accounts({ graph, instagram: options.instagram === true, log });
  const platforms = options.instagram ? [MESSENGER, INSTAGRAM] : [MESSENGER];
  const sides = new Map<string, PlatformSide>(platforms.map((platform) => [platform.channel, {
    platform, host: undefined, sends: new OwnSends(), profiles: new Profiles({ graph, platform, log, now }), referrals: new Map<string, string>(),
  }]));
  /** Batches being handed over: awaited by stop(). */
  const receiving = new Set<Promise<unknown>>();

  function receive(items: readonly Item[]): Promise<number> {
    const work = receiveBatch(items, {
      log, graph, memory,
      side: (channel) => sides.get(channel),
      owns: (platform, account) => accounts.owns(platform, account),
      files: {
        ...(options.fileRetryMs !== undefined ? { retryMs: options.fileRetryMs } : {}),
        ...(options.fileTimeoutMs !== undefined ? { timeoutMs: options.fileTimeoutMs } : {}),
      },
    });
    receiving.add(work);
    void work.finally(() => receiving.delete(work)).catch(() => {});
    return work;
  }

  const channel = (platform: Platform): Channel => {
    const side = sides.get(platform.channel)!;
    const sender = new Sender({ graph, platform, sends: side.sends, log, now, ...(options.humanAgentTag === false ? { humanAgentTag: false } : {}) });
    return {
      name: platform.channel,
      // Telegram's animated stickers would arrive as a file no app here opens.
      shows: (attachment) => showsOutsideTelegram(attachment),
      // No `quotes`: Meta's Send API reference names a `reply_to` parameter but documents neither its shape nor its
      // fields (only the webhook's `message.reply_to.mid` is), so an answer names the message it answers in its text.
      // One route for both: the Messenger channel mounts it, and it hands each item to its platform's side. Messenger
      // shows any emoji the Page reacts with (sender_action react); Instagram's reactions are not sent from here.
      ...(platform === MESSENGER
        ? {
          reacts: (emoji: string) => emoji.trim() !== '',
          mount(app: Express) {
            mountWebhook<Item>(app, {
              path: WEBHOOK_PATH,
              label: 'Messenger',
              appSecret: options.appSecret,
              verifyToken: options.verifyToken,
              log,
              decode: (body) => decodeBatch(body, { receivedAt: now() }),
              receiver: () => (side.host ? receive : undefined),
            });
          },
        }
        : {}),
      async start(host: ChannelHost) {
        side.host = host;
      },
      send(to: string, message: OutboundMessage, sentPart?: (id: string) => void) {
        return sender.send(to, message, side.host, sentPart);
      },
      async stop() {
        while (receiving.size > 0) await Promise.allSettled([...receiving]);
      },
    };
  };
  return platforms.map(channel);
}
