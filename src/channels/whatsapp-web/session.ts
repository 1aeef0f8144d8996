// The life of the WhatsApp Web session: a client is made and initialized; while it is not linked it shows QR codes (or
// a pairing code) to scan; once linked it must become ready within a bound. A client that fails to start (or takes
// too long to), is disconnected, or never becomes ready is replaced by a new one after a pause (1 s doubling to 60 s). A logout from
// the phone is not a failure to retry: the session waits for a new scan. Nothing here throws to the caller: every
// state, and the last problem, is in `status()` for the health check and the QR page. Not ready is not always down:
// a start, or a reconnection after the connection dropped, takes its seconds (see `downAfterMs`).
import type { Logger } from '../../shared/log.ts';
import type { ClientSettings, WhatsAppClient, WhatsAppClientFactory } from './client.ts';
import { withTimeout } from './identities.ts';

export type SessionState =
  /** Chromium and WhatsApp Web are starting. */
  | 'starting'
  /** Not linked: a QR code (or a pairing code) waits to be used. */
  | 'waiting-for-scan'
  /** Linked; WhatsApp Web loads the chats before it is ready. */
  | 'authenticating'
  | 'ready'
  /** The client was lost; a new one starts after a pause. */
  | 'reconnecting'
  /** The phone unlinked this device: the session is gone until someone scans a new QR code. */
  | 'logged-out'
  | 'stopped';

export interface SessionStatus {
  state: SessionState;
  /** True only when messages can be sent and received. */
  up: boolean;
  /** What a person reads: why it is not up, and what to do. */
  reason?: string;
  /** When it entered this state (ISO 8601). */
  since: string;
  /** While not up: since when it has not been (its start, or its last ready), whatever states it went by meanwhile. */
  downSince?: string;
  /**
   * While not up: whether it counts as down for the health check and the dashboard. Not linked, logged out, a client
   * that failed to start (Chromium) or to become ready: at once; starting or reconnecting: after `downAfterMs`.
   */
  down?: boolean;
  /** While reconnecting: when the next client starts (ISO 8601); the reason leaves the countdown out, so it stays the same. */
  retryAt?: string;
  /** The QR code's text, while one waits to be scanned. */
  qr?: string;
  /** The code to enter on the phone, when linking by phone number. */
  pairingCode?: string;
}

export interface SessionOptions {
  createClient: WhatsAppClientFactory;
  settings: ClientSettings;
  log: Logger;
  /** Link by phone number (digits with country code) instead of a QR code. */
  pairingNumber?: string;
  /** Pause before the first new client after a failure (default 1000 ms), doubled each time up to `maxRetryMs`. */
  retryMs?: number;
  /** The longest pause (default 60 s). */
  maxRetryMs?: number;
  /** How long `ready` may take after `authenticated` before the client is replaced (default 60 s). */
  readyTimeoutMs?: number;
  /** How long a client's `initialize()` may take (opening WhatsApp Web) before it is replaced (default 120 s). */
  startTimeoutMs?: number;
  /** How long starting or reconnecting may take before the session counts as down (default 60 s, `DOWN_AFTER_MS`). */
  downAfterMs?: number;
  /** Called with each new client before it initializes: the channel listens to its messages there. */
  attach: (client: WhatsAppClient) => void;
  /** Shows a new QR code to whoever watches the terminal. */
  showQr?: (qr: string) => void;
  /** Told each time the session becomes ready: what waited for it can go. */
  ready?: () => void;
  now?: () => Date;
}

/** How long a client's destroy (closing Chromium) is waited for. */
const DESTROY_TIMEOUT_MS = 10_000;
/** How long a ready client may take to tell its state when a send went unanswered. */
const STATE_TIMEOUT_MS = 10_000;
/** How long a start or a reconnection may take before the session counts as down: Chromium, the page and the chats load. */
export const DOWN_AFTER_MS = 60_000;

/**
 * The WhatsApp Web session.
 *
 *     const session = new Session({ createClient, settings, log, attach: (client) => client.on('message', receive) });
 *     session.start(); session.status(); // { state: 'waiting-for-scan', up: false, qr: '2@…', … }
 */
export class Session {
  readonly #options: SessionOptions;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #readyTimeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #downAfterMs: number;
  #client: WhatsAppClient | undefined;
  /** Grows with every client made: events of a client that was replaced are ignored. */
  #generation = 0;
  #state: SessionState = 'stopped';
  #since: string;
  #downSince: string | undefined;
  #qr: string | undefined;
  #pairingCode: string | undefined;
  #pairingAsked = false;
  /** The last thing that went wrong, until the session is ready again. */
  #problem: string | undefined;
  /** Whether that was a failure (a client that did not start or become ready), not a dropped connection. */
  #failing = false;
  #delay: number;
  #retryAt: number | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #readyTimer: NodeJS.Timeout | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #qrShown = false;
  readonly #closing = new Set<Promise<void>>();

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1_000;
    this.#maxRetryMs = options.maxRetryMs ?? 60_000;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.#startTimeoutMs = options.startTimeoutMs ?? 120_000;
    this.#downAfterMs = options.downAfterMs ?? DOWN_AFTER_MS;
    this.#delay = this.#retryMs;
    this.#since = this.#now();
  }

  /** Makes the first client; returns at once (linking may wait for a person for as long as it takes). */
  start(): void {
    void this.#launch();
  }

  /** The client, when it is ready to send. */
  ready(): WhatsAppClient | undefined {
    return this.#state === 'ready' ? this.#client : undefined;
  }

  status(): SessionStatus {
    const reason = this.#reason();
    return {
      state: this.#state,
      up: this.#state === 'ready',
      ...(reason !== undefined ? { reason } : {}),
      since: this.#since,
      ...(this.#state !== 'ready' ? { downSince: this.#downSince ?? this.#since, down: this.#down() } : {}),
      ...(this.#state === 'reconnecting' && this.#retryAt !== undefined ? { retryAt: new Date(this.#retryAt).toISOString() } : {}),
      ...(this.#state === 'waiting-for-scan' && this.#qr !== undefined ? { qr: this.#qr } : {}),
      ...(this.#state === 'waiting-for-scan' && this.#pairingCode !== undefined ? { pairingCode: this.#pairingCode } : {}),
    };
  }

  /**
   * Asks the ready client for its state after a send it left unanswered: WhatsApp Web's page can hang while the session
   * still looks ready. A client that does not answer either is replaced, as a disconnected one is.
   *
   *     new Sender({ …, unanswered: () => void session.check() });
   */
  async check(): Promise<void> {
    const client = this.#client;
    const generation = this.#generation;
    if (!client || this.#state !== 'ready') return;
    try {
      await withTimeout(client.getState(), STATE_TIMEOUT_MS);
    } catch (error) {
      if (generation !== this.#generation || this.#state !== 'ready') return;
      this.#problem = 'WhatsApp Web stopped answering';
      this.#failing = false;
      this.#options.log.warn({ err: describe(error), retryInMs: this.#delay }, 'WhatsApp Web left a send unanswered and does not answer either; starting a new client');
      this.#rebuild(generation);
    }
  }

  /** Closes the client and cancels any retry; safe to call twice. */
  async stop(): Promise<void> {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#readyTimer);
    clearTimeout(this.#startTimer);
    this.#set('stopped');
    if (this.#client) this.#close(this.#client);
    this.#client = undefined;
    while (this.#closing.size > 0) await Promise.allSettled([...this.#closing]);
  }

  async #launch(): Promise<void> {
    const generation = ++this.#generation;
    this.#retryAt = undefined;
    this.#qr = undefined;
    this.#pairingCode = undefined;
    this.#pairingAsked = false;
    this.#set('starting');
    let client: WhatsAppClient;
    try {
      client = await this.#options.createClient(this.#options.settings);
    } catch (error) {
      this.#failed(generation, 'could not load whatsapp-web.js', error);
      return;
    }
    if (generation !== this.#generation) {
      this.#close(client);
      return;
    }
    this.#client = client;
    this.#listen(client, generation);
    this.#options.attach(client);
    // whatsapp-web.js loads WhatsApp Web's page without a time limit: a network that swallows it would leave the
    // client starting forever.
    this.#startTimer = setTimeout(() => {
      if (generation !== this.#generation || this.#state !== 'starting') return;
      const seconds = Math.round(this.#startTimeoutMs / 1000);
      this.#failed(generation, `did not load within ${seconds} s`, 'no QR code and no session');
    }, this.#startTimeoutMs);
    try {
      await client.initialize();
      if (generation === this.#generation) clearTimeout(this.#startTimer);
    } catch (error) {
      this.#failed(generation, 'could not start', error);
    }
  }

  #listen(client: WhatsAppClient, generation: number): void {
    const { log } = this.#options;
    const current = () => generation === this.#generation;
    client.on('qr', (qr) => {
      if (!current()) return;
      this.#qr = qr;
      this.#set('waiting-for-scan');
      // WhatsApp rotates the code about every 20 s: the first one is news, the next ones are not.
      log[this.#qrShown ? 'debug' : 'info']({ page: '/whatsapp/qr' }, 'WhatsApp Web is not linked: scan the QR code at /whatsapp/qr (needs ADMIN_TOKEN) or the one printed below, from the phone: WhatsApp → Linked devices → Link a device');
      this.#qrShown = true;
      this.#options.showQr?.(qr);
      this.#askPairingCode(client, generation);
    });
    client.on('code', (code) => {
      if (current()) this.#gotPairingCode(code);
    });
    client.on('authenticated', () => {
      if (!current()) return;
      this.#qr = undefined;
      this.#pairingCode = undefined;
      this.#set('authenticating');
      log.info('WhatsApp Web is linked; loading chats');
      clearTimeout(this.#readyTimer);
      this.#readyTimer = setTimeout(() => {
        if (!current() || this.#state !== 'authenticating') return;
        const seconds = Math.round(this.#readyTimeoutMs / 1000);
        this.#problem = `linked, but not ready ${seconds} s later`;
        this.#failing = true;
        log.error(
          { readyTimeoutMs: this.#readyTimeoutMs, retryInMs: this.#delay },
          `WhatsApp Web was linked but not ready ${seconds} s later (WhatsApp Web may have changed: try a newer whatsapp-web.js); starting a new client`,
        );
        this.#rebuild(generation);
      }, this.#readyTimeoutMs);
    });
    client.on('ready', () => {
      if (!current()) return;
      clearTimeout(this.#readyTimer);
      this.#delay = this.#retryMs;
      this.#problem = undefined;
      this.#failing = false;
      this.#qrShown = false;
      this.#set('ready');
      log.info({ account: client.ownId() }, 'WhatsApp Web is ready');
      this.#options.ready?.();
    });
    client.on('auth_failure', (message) => {
      if (!current()) return;
      this.#problem = `the saved session was refused (${message})`;
      this.#failing = true;
      log.error({ reason: message, retryInMs: this.#delay }, 'WhatsApp Web refused the saved session; starting a new client, which will show a QR code');
      this.#rebuild(generation);
    });
    client.on('disconnected', (reason) => {
      if (!current()) return;
      clearTimeout(this.#readyTimer);
      if (reason === 'LOGOUT') {
        // The library reloads WhatsApp Web without the session: it shows a new QR code on the same client.
        this.#problem = 'logged out from the phone';
        this.#set('logged-out');
        log.warn('WhatsApp Web was logged out (the phone unlinked this device): the session is gone; scan a new QR code at /whatsapp/qr');
        return;
      }
      this.#problem = `disconnected (${reason})`;
      this.#failing = false;
      log.warn({ reason, retryInMs: this.#delay }, 'WhatsApp Web was disconnected; starting a new client');
      this.#rebuild(generation);
    });
    client.on('change_state', (state) => {
      if (current()) log.debug({ state }, 'WhatsApp Web connection state');
    });
  }

  #askPairingCode(client: WhatsAppClient, generation: number): void {
    const number = this.#options.pairingNumber;
    if (number === undefined || this.#pairingAsked) return;
    this.#pairingAsked = true;
    client.requestPairingCode(number).then(
      (code) => {
        if (generation === this.#generation) this.#gotPairingCode(code);
      },
      (error: unknown) => this.#options.log.warn({ err: describe(error) }, 'WhatsApp Web could not make a pairing code; scan the QR code instead'),
    );
  }

  #gotPairingCode(code: string): void {
    if (code === this.#pairingCode) return;
    this.#pairingCode = code;
    this.#options.log.info(
      { pairingCode: code, phone: `+${this.#options.pairingNumber ?? ''}` },
      'WhatsApp Web pairing code: on that phone open WhatsApp → Linked devices → Link a device → Link with phone number instead, and enter it',
    );
  }

  #failed(generation: number, what: string, error: unknown): void {
    if (generation !== this.#generation) return;
    const reason = describe(error);
    this.#problem = `${what}: ${reason}`;
    this.#failing = true;
    this.#options.log.error(
      { err: reason, chromium: this.#options.settings.chromiumPath, retryInMs: this.#delay },
      `WhatsApp Web ${what}: ${reason}. Is Chromium installed at CHROMIUM_PATH (${this.#options.settings.chromiumPath}) and is web.whatsapp.com reachable? Trying again`,
    );
    this.#rebuild(generation);
  }

  /** Replaces the client of `generation` after the current pause, and doubles the pause. */
  #rebuild(generation: number): void {
    if (generation !== this.#generation) return;
    this.#generation++;
    clearTimeout(this.#readyTimer);
    clearTimeout(this.#startTimer);
    if (this.#client) this.#close(this.#client);
    this.#client = undefined;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#maxRetryMs);
    this.#retryAt = Date.now() + delay;
    this.#set('reconnecting');
    this.#retryTimer = setTimeout(() => void this.#launch(), delay);
  }

  #close(client: WhatsAppClient): void {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.race([
      client.destroy().catch((error: unknown) => this.#options.log.debug({ err: describe(error) }, 'WhatsApp Web client did not close cleanly')),
      new Promise<void>((done) => {
        timer = setTimeout(done, DESTROY_TIMEOUT_MS);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      this.#closing.delete(closing);
    });
    this.#closing.add(closing);
  }

  #set(state: SessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#since = this.#now();
    if (state === 'ready') this.#downSince = undefined;
    else this.#downSince ??= this.#since;
  }

  /** Whether not being ready counts as down: see `SessionStatus.down`. */
  #down(): boolean {
    if (this.#state !== 'starting' && this.#state !== 'authenticating' && this.#state !== 'reconnecting') return true;
    if (this.#failing) return true;
    const since = Date.parse(this.#downSince ?? this.#since);
    return Date.parse(this.#now()) - since >= this.#downAfterMs;
  }

  #reason(): string | undefined {
    const last = this.#problem !== undefined ? ` (last problem: ${this.#problem})` : '';
    switch (this.#state) {
      case 'ready':
        return undefined;
      case 'starting':
        return `starting Chromium and WhatsApp Web${last}`;
      case 'waiting-for-scan':
        return this.#pairingCode !== undefined
          ? `not linked: enter the pairing code ${this.#pairingCode} on the phone, or scan the QR code at /whatsapp/qr`
          : 'not linked: scan the QR code at /whatsapp/qr';
      case 'authenticating':
        return 'linked; loading chats';
      case 'reconnecting':
        return `${this.#problem ?? 'disconnected'}; starting again`;
      case 'logged-out':
        return 'logged out from the phone: scan a new QR code at /whatsapp/qr';
      case 'stopped':
        return 'stopped';
    }
  }

  #now(): string {
    return (this.#options.now ?? (() => new Date()))().toISOString();
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Puppeteer's messages run over several lines (a call log): the first says what happened.
  return text.split('\n')[0]!.slice(0, 500);
}
