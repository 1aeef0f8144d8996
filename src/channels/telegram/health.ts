// Whether the bot can reach Telegram now, as its Bot API calls tell it (long polling's getUpdates, the webhook's
// registration, every send): for /healthz and the dashboard's banner. A refusal about one chat (blocked, no such chat)
// says nothing of the channel and changes nothing; the token refused or another poller says the channel is down at
// once. Telegram out of reach (the network, its 5xx) is a blip until calls have failed for `unreachableAfterMs` with
// none answered: one failed send must not take the process out of a load balancer's pool while the outbox retries it.
// In webhook mode nothing else calls Telegram meanwhile, so a short getMe asks again (1 s, then doubling up to 30 s)
// until one answers; any call answered brings the channel back at once. A webhook Telegram has not taken yet
// (setWebhook failed at start, and is being tried again) keeps the channel down whatever else answers: no update comes.
import { GrammyError, HttpError } from 'grammy';
import type { ChannelStatus } from '../../types.ts';

/** What keeps the channel from sending and receiving: `receiving` is up, the others are down. */
export type TelegramState = 'receiving' | 'token-refused' | 'conflict' | 'unreachable' | 'webhook-unregistered';

export interface TelegramHealthOptions {
  now?: () => number;
  /**
   * Asks Telegram whether it answers (getMe, with a short timeout): after a failed call, and again with a backoff
   * while calls fail. Without it (long polling) the channel's own calls keep asking.
   */
  probe?: () => Promise<unknown>;
  /** How long calls must fail for the network or a 5xx, none answering, before the channel counts as unreachable (default 5 s). */
  unreachableAfterMs?: number;
  /** The pause before the first probe (default 1 s), doubled after each failed one up to 30 s. */
  probeMs?: number;
}

/** How long Telegram may fail to answer before it counts as unreachable. */
export const UNREACHABLE_AFTER_MS = 5_000;
export const PROBE_MS = 1_000;
export const MAX_PROBE_MS = 30_000;

/**
 * The channel's state, fed by the outcome of its calls.
 *
 *     const health = new TelegramHealth({ probe: () => api.getMe() });
 *     api.sendMessage(…).then(() => health.answered(), (error) => health.failed(error));
 */
export class TelegramHealth {
  #state: TelegramState = 'receiving';
  #reason: string | undefined;
  #downSince: number | undefined;
  /** When calls began failing for the network or a 5xx, none answering since. */
  #failingSince: number | undefined;
  readonly #now: () => number;
  readonly #probe: (() => Promise<unknown>) | undefined;
  readonly #unreachableAfterMs: number;
  readonly #probeMs: number;
  #probeDelay: number;
  #probeTimer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;
  #stopped = false;
  /** Telegram's words for the last setWebhook that failed, and since when, while none has succeeded. */
  #unregistered: { words: string; since: number } | undefined;

  constructor(options: TelegramHealthOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#probe = options.probe;
    this.#unreachableAfterMs = options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;
    this.#probeMs = options.probeMs ?? PROBE_MS;
    this.#probeDelay = this.#probeMs;
  }

  /** Telegram answered a call: the channel is up. */
  answered(): void {
    this.#state = 'receiving';
    this.#reason = undefined;
    this.#downSince = undefined;
    this.#failingSince = undefined;
    this.#probeDelay = this.#probeMs;
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  /**
   * A call failed: down at once when Telegram refuses the token or another program takes the updates; out of reach
   * only once calls have failed for `unreachableAfterMs`; unchanged when the failure is about one chat.
   */
  failed(error: unknown): void {
    const state = stateOf(error);
    if (!state) return;
    const now = this.#now();
    this.#reason = wordsOf(error);
    if (state === 'unreachable') {
      this.#failingSince ??= now;
      if (this.#state === 'receiving' && now - this.#failingSince < this.#unreachableAfterMs) {
        this.#askAgain();
        return;
      }
    }
    this.#state = state;
    this.#downSince ??= state === 'unreachable' ? this.#failingSince : now;
    this.#askAgain();
  }

  /** setWebhook failed: down, whatever else Telegram answers, until `webhookRegistered()`. */
  webhookRefused(error: unknown): void {
    this.#unregistered = { words: wordsOf(error), since: this.#unregistered?.since ?? this.#now() };
  }

  /** Telegram took the webhook: updates come. */
  webhookRegistered(): void {
    this.#unregistered = undefined;
    this.answered();
  }

  status(): ChannelStatus {
    if (this.#unregistered) {
      const { words, since } = this.#unregistered;
      return { up: false, state: 'webhook-unregistered', reason: `the webhook is not registered yet: ${words}`, downSince: new Date(since).toISOString() };
    }
    if (this.#state === 'receiving') return { up: true, state: this.#state };
    return {
      up: false,
      state: this.#state,
      ...(this.#reason !== undefined ? { reason: this.#reason } : {}),
      ...(this.#downSince !== undefined ? { downSince: new Date(this.#downSince).toISOString() } : {}),
    };
  }

  /** Stops asking Telegram, and waits for a probe under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#probeTimer);
    await this.#probing;
  }

  /** Schedules the next probe, unless one is due or under way. */
  #askAgain(): void {
    const probe = this.#probe;
    if (!probe || this.#stopped || this.#probeTimer || this.#probing) return;
    const delay = this.#probeDelay;
    this.#probeDelay = Math.min(delay * 2, MAX_PROBE_MS);
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined;
      this.#probing = probe().then(
        () => this.answered(),
        (error: unknown) => {
          this.#probing = undefined;
          this.failed(error);
        },
      ).finally(() => {
        this.#probing = undefined;
      });
    }, delay);
    this.#probeTimer.unref();
  }
}

/** A failed call as Telegram words it (`502: Bad Gateway`), or the network's error. */
function wordsOf(error: unknown): string {
  return error instanceof GrammyError ? `${error.error_code}: ${error.description}` : error instanceof Error ? error.message : String(error);
}

/** What a failed call says of the channel: 401 and 404 (the token unknown, or not a token), 409, Telegram's 5xx and the network. */
function stateOf(error: unknown): TelegramState | undefined {
  if (error instanceof HttpError) return 'unreachable';
  if (!(error instanceof GrammyError)) return undefined;
  if (error.error_code === 401 || error.error_code === 404) return 'token-refused';
  if (error.error_code === 409) return 'conflict';
  if (error.error_code >= 500) return 'unreachable';
  return undefined;
}
