// The WhatsApp Cloud API channel, wired from its parts: Meta posts batches to the signed webhook (meta/webhook.ts),
// which are read (decode.ts) and handed to the runtime (receive.ts, files.ts for customers' files); replies go out
// through the Graph API (send.ts, render.ts for the messages, errors.ts for what a failure means, meta/graph.ts for
// the calls).
// The same number may also be used from the WhatsApp Business app (coexistence): what is written there arrives as
// echoes, and the app's past chats as history.
import type { Express } from 'express';
import type { Channel, ChannelHost, OutboundMessage } from '../../types.ts';
import { showsOutsideTelegram } from '../../shared/attachments.ts';
import type { Logger } from '../../shared/log.ts';
import { GraphApi } from '../meta/graph.ts';
import { Memory } from '../meta/memory.ts';
import { mountWebhook } from '../meta/webhook.ts';
import { CHANNEL, decodeBatch, type Item } from './decode.ts';
import { receiveBatch } from './receive.ts';
import { Sender } from './send.ts';
import { WHATSAPP_STYLES } from '../whatsapp/markup.ts';

const WEBHOOK_PATH = '/webhooks/whatsapp';

export interface WhatsAppCloudOptions {
  /** WHATSAPP_TOKEN: a system user's access token with whatsapp_business_messaging. */
  token: string;
  /** WHATSAPP_PHONE_NUMBER_ID: the number messages are sent from; changes about other numbers are ignored. */
  phoneNumberId: string;
  /** WHATSAPP_APP_SECRET: the key of the webhook's X-Hub-Signature-256. */
  appSecret: string;
  /** WHATSAPP_VERIFY_TOKEN: what Meta must send to verify the webhook. */
  verifyToken: string;
  /** GRAPH_API_ROOT, e.g. https://graph.facebook.com. */
  graphRoot: string;
  /** WHATSAPP_API_VERSION, e.g. v21.0. */
  version: string;
  log: Logger;
  /** The clock of the 24-hour window; the runtime's, so that both count alike (default: the system clock). */
  now?: () => Date;
  /** WHATSAPP_NOTICE_TEMPLATE: reaches an agent whose 24-hour window is closed. */
  noticeTemplate?: string;
  /** The agents' WhatsApp addresses (team.yaml): history and echoes of chats with them are not customers'. */
  agentAddresses?: () => string[];
  /** WHATSAPP_TEMPLATES: the approved templates with their languages. */
  templates?: readonly { name: string; language?: string }[];
  /** Inbound files: delay before the second of three tries to fetch one (default 1000 ms, then doubled). */
  fileRetryMs?: number;
  /** How long one Graph API call may take before it counts as failed (API_TIMEOUT; default 30 s). */
  callTimeoutMs?: number;
  /** Inbound files: how long one try (the lookup and the download) may take (default 60 s). */
  fileTimeoutMs?: number;
}

/**
 * The WhatsApp Cloud API channel.
 *
 *     const whatsapp = createWhatsAppCloudChannel({ token, phoneNumberId, appSecret, verifyToken, graphRoot, version: 'v21.0', log });
 *     whatsapp.mount?.(app); await whatsapp.start(host);
 */
export function createWhatsAppCloudChannel(options: WhatsAppCloudOptions): Channel {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const graph = new GraphApi({ root: options.graphRoot, version: options.version, token: options.token, ...(options.callTimeoutMs !== undefined ? { timeoutMs: options.callTimeoutMs } : {}) });
  const sender = new Sender({
    graph, phoneNumberId: options.phoneNumberId, log, now,
    ...(options.noticeTemplate ? { noticeTemplate: options.noticeTemplate } : {}),
    ...(options.templates ? { templates: options.templates } : {}),
  });
  const memory = new Memory();
  let host: ChannelHost | undefined;
  /** Batches being handed over: awaited by stop(). */
  const receiving = new Set<Promise<unknown>>();

  function receive(items: readonly Item[]): Promise<number> {
    if (!host) return Promise.reject(new Error('the WhatsApp Cloud channel is not started'));
    const work = receiveBatch(items, {
      host,
      log,
      memory,
      isAgent: (address) => (options.agentAddresses?.() ?? []).includes(address),
      files: {
        graph,
        ...(options.fileRetryMs !== undefined ? { retryMs: options.fileRetryMs } : {}),
        ...(options.fileTimeoutMs !== undefined ? { timeoutMs: options.fileTimeoutMs } : {}),
      },
    });
    receiving.add(work);
    void work.finally(() => receiving.delete(work)).catch(() => {});
    return work;
  }

  return {
    name: CHANNEL,
    quotes: true,
    styles: WHATSAPP_STYLES,
    // WhatsApp shows any emoji as a reaction on the customer's message.
    reacts: (emoji: string) => emoji.trim() !== '',
    // WhatsApp's stickers are WebP pictures: Telegram's animated ones would arrive as a document named "file".
    shows: (attachment) => showsOutsideTelegram(attachment),
    mount(app: Express) {
      mountWebhook<Item>(app, {
        path: WEBHOOK_PATH,
        label: 'WhatsApp',
        appSecret: options.appSecret,
        verifyToken: options.verifyToken,
        log,
        decode: (body) => decodeBatch(body, { phoneNumberId: options.phoneNumberId, receivedAt: now() }),
        receiver: () => (host ? receive : undefined),
      });
    },
    async start(started: ChannelHost) {
      host = started;
    },
    send(to: string, message: OutboundMessage, sentPart?: (id: string) => void) {
      return sender.send(to, message, host, sentPart);
    },
    async stop() {
      while (receiving.size > 0) await Promise.allSettled([...receiving]);
    },
  };
}
