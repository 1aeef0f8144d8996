// The WhatsApp Web channel on whatsapp-web.js, wired from its parts: the session's life (session.ts: QR codes, ready,
// reconnects) over a client behind our own interface (client.ts; library.ts is the real one), the QR page
// (qr-page.ts), messages in (receive.ts, decode.ts for the wire format, identities.ts for lid ↔ phone, catch-up.ts for
// those written while the session was away) and out (send.ts, render.ts), with own-sends.ts telling our sends from the
// phone owner's and choices.ts the numbered lists.
import type { Express, Request } from 'express';
import QRCode from 'qrcode';
import type { CatchUpStatus, Channel, ChannelHost, OutboundMessage } from '../../types.ts';
import { showsOutsideTelegram } from '../../shared/attachments.ts';
import type { Logger } from '../../shared/log.ts';
import { catchUp } from './catch-up.ts';
import { ChoiceMemory } from './choices.ts';
import type { WaMessage, WhatsAppClient, WhatsAppClientFactory } from './client.ts';
import { Identities } from './identities.ts';
import { chromiumArgs, createLibraryClient } from './library.ts';
import { OwnSends } from './own-sends.ts';
import { mountQrPage } from './qr-page.ts';
import { Receiver } from './receive.ts';
import { Sender } from './send.ts';
import { Session, type SessionStatus } from './session.ts';
import { WHATSAPP_STYLES } from '../whatsapp/markup.ts';

export type { WhatsAppClient, WhatsAppClientFactory, WaMessage, OutgoingContent, ClientSettings, DownloadedMedia } from './client.ts';
export type { SessionStatus } from './session.ts';

/** The channel's name, in messages, identities and team.yaml's `whatsapp:`. */
export const WHATSAPP_WEB = 'whatsapp-web';

/** How far back a catch-up reads by default: a day. */
const CATCH_UP_WITHIN_MS = 24 * 3_600_000;

/** People known to be on WhatsApp, remembered at most. */
const MAX_KNOWN = 20_000;

export interface WhatsAppWebOptions {
  /** `DATA_DIR/whatsapp-web`: the linked session (LocalAuth) and WhatsApp Web's cached page live there. */
  dataDir: string;
  /** The Chromium to run (default Debian's `/usr/bin/chromium`). */
  chromiumPath?: string;
  /** ADMIN_TOKEN, for the QR page; the page is off without it. */
  adminToken?: string;
  /** Whether a request comes from an admin signed in to the dashboard: the QR page takes its cookie too. */
  adminSignedIn?: (req: Request) => boolean;
  /** Link by phone number (digits with country code) rather than by QR code. */
  pairingNumber?: string;
  log: Logger;
  /** The agents' WhatsApp numbers (digits with country code): an agent writing from a lid chat is known by them. */
  agentNumbers?: () => readonly string[];
  /** Makes the client (default: whatsapp-web.js, imported on the first start); tests give a fake. */
  createClient?: WhatsAppClientFactory;
  /** Pause before a new client after a failure (default 1000 ms, doubling up to `maxRetryMs`, default 60 s). */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long `ready` may take after the session is linked (default 60 s). */
  readyTimeoutMs?: number;
  /** How long a new client may take to open WhatsApp Web (its `initialize()`) before it is replaced (default 120 s). */
  startTimeoutMs?: number;
  /** How long a start or a reconnection may take before the channel counts as down (default 60 s). */
  downAfterMs?: number;
  /** Pause before trying again to store a message that could not be (default 1000 ms, then doubled). */
  deliverRetryMs?: number;
  /** How long one send may take before it fails for now (default 120 s): WhatsApp Web's page may stop answering. */
  sendTimeoutMs?: number;
  /**
   * How far back a catch-up reads, when the session becomes ready, the messages written while it was away (default
   * 24 h, `WHATSAPP_CATCH_UP_WITHIN`; 0: none are read). Older ones stay unread, counted in the log.
   */
  catchUpWithinMs?: number;
  /** Chats one catch-up reads at most (default 50): the ones waiting longest first. */
  catchUpMaxChats?: number;
  /** Messages one catch-up reads at most in a chat (default 20): its newest. */
  catchUpMaxMessages?: number;
  /** Shows a new QR code in the terminal (default: drawn on stderr). */
  showQr?: (qr: string) => void;
  /** Chromium runs without its sandbox as root (default: whether this process runs as root). */
  root?: boolean;
}

/** The channel, with the session's state for the health check. */
export interface WhatsAppWebChannel extends Channel {
  status(): SessionStatus & { catchUp?: CatchUpStatus };
}

/**
 * The WhatsApp Web channel.
 *
 *     const whatsapp = createWhatsAppWebChannel({ dataDir: join(DATA_DIR, 'whatsapp-web'), adminToken, log });
 *     whatsapp.mount(app); await whatsapp.start(host); whatsapp.status().up;
 */
export function createWhatsAppWebChannel(options: WhatsAppWebOptions): WhatsAppWebChannel {
  const { log } = options;
  const own = new OwnSends();
  const choices = new ChoiceMemory();
  const identities = new Identities(log);
  const known = new Set<string>();
  const seen = (address: string) => {
    known.delete(address);
    known.add(address);
    if (known.size > MAX_KNOWN) known.delete(known.values().next().value!);
  };
  let host: ChannelHost | undefined;
  let receiver: Receiver | undefined;
  // The time of the newest message handled (seconds since the epoch), kept in the store: a catch-up reads from there.
  let mark: number | undefined;
  let marking = Promise.resolve();
  /** The catch-up under way, or the last one's count, for the health check. */
  let caughtUp: CatchUpStatus | undefined;
  const handled = (message: WaMessage) => {
    // WhatsApp's clock may run ahead of ours: a mark in the future would hide what comes before it.
    const at = Math.min(message.timestamp ?? 0, Math.floor(Date.now() / 1000));
    if (at <= (mark ?? 0)) return;
    mark = at;
    marking = marking
      .then(() => host?.mark?.write(new Date(at * 1000).toISOString()))
      .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not keep how far WhatsApp Web has read'));
  };
  const readMissed = async () => {
    const client = session.ready();
    const withinMs = options.catchUpWithinMs ?? CATCH_UP_WITHIN_MS;
    if (!client || !receiver || withinMs <= 0) return;
    const taking = receiver;
    const release = taking.hold();
    caughtUp = { state: 'reading', since: new Date().toISOString() };
    try {
      const count = await catchUp({
        client, mark, withinMs, log,
        maxChats: options.catchUpMaxChats ?? 50,
        maxMessages: options.catchUpMaxMessages ?? 20,
        missed: (message) => taking.missed(client, message),
      });
      // Shown only when there is something to tell, as the log says it.
      caughtUp = count.messages > 0 || count.tooOld > 0 || count.leftOver > 0 ? { state: 'done', at: new Date().toISOString(), ...count } : undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      caughtUp = { state: 'failed', at: new Date().toISOString(), reason };
      log.warn({ err: reason }, 'WhatsApp Web could not read the messages written while it was away');
    } finally {
      release();
    }
  };

  const session = new Session({
    createClient: options.createClient ?? createLibraryClient,
    settings: {
      dataPath: options.dataDir,
      chromiumPath: options.chromiumPath ?? '/usr/bin/chromium',
      browserArgs: chromiumArgs({ root: options.root ?? process.getuid?.() === 0 }),
    },
    log,
    ...(options.pairingNumber !== undefined ? { pairingNumber: options.pairingNumber } : {}),
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    ...(options.maxRetryMs !== undefined ? { maxRetryMs: options.maxRetryMs } : {}),
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
    ...(options.downAfterMs !== undefined ? { downAfterMs: options.downAfterMs } : {}),
    showQr: options.showQr ?? drawQr,
    ready: () => {
      host?.up?.();
      void readMissed();
    },
    attach: (client: WhatsAppClient) => {
      client.on('message', (message) => receiver?.received(client, message));
      client.on('message_create', (message) => receiver?.created(client, message));
      client.on('message_ack', (message, ack) => receiver?.acked(message, ack));
      client.on('message_edit', (message, newBody, prevBody) => receiver?.edited(client, message, newBody, prevBody));
      client.on('message_revoke_everyone', (message) => receiver?.revoked(client, message));
      client.on('message_reaction', (message) => receiver?.reacted(client, message));
      client.on('message_ciphertext_failed', (message) => receiver?.undecrypted(client, message));
      client.on('contact_changed', (oldId, newId, isContact) => receiver?.changedNumber(oldId, newId, isContact));
    },
  });

  const sender = new Sender({
    client: () => session.ready() ?? { notReady: session.status().reason ?? session.status().state },
    own,
    choices,
    known: (address) => known.has(address),
    seen,
    media: () => host?.media,
    ...(options.sendTimeoutMs !== undefined ? { timeoutMs: options.sendTimeoutMs } : {}),
    unanswered: () => void session.check(),
  });

  return {
    name: WHATSAPP_WEB,
    // A reply is sent quoting the message it answers (whatsapp-web.js's quotedMessageId), as the customer's app shows it.
    quotes: true,
    styles: WHATSAPP_STYLES,
    // WhatsApp's stickers are WebP pictures: Telegram's animated ones would arrive as a file no one opens.
    shows: (attachment) => showsOutsideTelegram(attachment),
    mount(app: Express) {
      mountQrPage(app, { token: options.adminToken, status: () => session.status(), ...(options.adminSignedIn ? { signedIn: options.adminSignedIn } : {}) });
    },
    async start(started: ChannelHost) {
      host = started;
      receiver = new Receiver({
        channel: WHATSAPP_WEB,
        host: started,
        log,
        own,
        choices,
        identities,
        agentNumbers: options.agentNumbers ?? (() => []),
        seen,
        handled,
        ...(options.deliverRetryMs !== undefined ? { retryMs: options.deliverRetryMs } : {}),
      });
      const kept = await started.mark?.read();
      const at = kept !== undefined ? Date.parse(kept) : NaN;
      if (!Number.isNaN(at)) mark = Math.floor(at / 1000);
      // Linking may wait for a person: the server serves meanwhile, and the session's state is in the health check.
      session.start();
    },
    send(to: string, message: OutboundMessage, sentPart?: (id: string) => void) {
      return sender.send(to, message, sentPart);
    },
    status() {
      return { ...session.status(), ...(caughtUp ? { catchUp: caughtUp } : {}) };
    },
    async stop() {
      await session.stop();
      await receiver?.stop();
      await marking;
      own.clear();
    },
  };
}

/** Draws a QR code on stderr, beside the JSON log lines on stdout, for whoever watches the terminal. */
function drawQr(qr: string): void {
  QRCode.toString(qr, { type: 'terminal', small: true }).then(
    (art) => process.stderr.write(`Scan this with WhatsApp on the phone (Linked devices → Link a device):\n${art}\n`),
    () => undefined,
  );
}
