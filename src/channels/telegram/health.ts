// Whether the bot can reach Telegram now, as its Bot API calls tell it (long polling's getUpdates, the webhook's
// registration, every send): for /healthz and the dashboard's banner. A refusal about one chat (blocked, no such chat)
// says nothing of the channel and changes nothing; the token refused says the channel is down at once, wherever it is
// refused (setWebhook too). Another poller (getUpdates' 409) is down only once 409s have kept coming for
// `conflictAfterMs`: in a rolling deploy two processes poll together for a few seconds, and Telegram answers the older
// one's getUpdates with 409 each time the newer one asks. Telegram out of reach (the network, its 5xx) is a blip until
// calls have failed for `unreachableAfterMs` with none answered: one failed send must not take the process out of a
// load balancer's pool while the outbox retries it.
// In webhook mode nothing else calls Telegram meanwhile, so a short getMe asks again (1 s, then doubling up to 30 s)
// until one answers; any call answered brings the channel back at once. A webhook Telegram has not taken yet
// (setWebhook failed at start, and is being tried again) keeps the channel down whatever else answers: no update comes;
// one Telegram refused for its address (a 400: PUBLIC_URL not HTTPS, a port it does not call) is the operator's to fix,
// as is one refused for the token, which stays a refused token.
import { GrammyError, HttpError } from 'grammy';
import type { ChannelStatus } from '../../types.ts';

/** What keeps the channel from sending and receiving: `receiving` is up, the others are down. */
export type TelegramState = 'receiving' | 'token-refused' | 'conflict' | 'unreachable' | 'webhook-unregistered' | 'webhook-refused';

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
  /** How long getUpdates must keep meeting 409 (another poller) before the channel counts as down (default 30 s). */
  conflictAfterMs?: number;
}

/** What the operator does about a token Telegram refuses, as the log says it (the dashboard's banner says the same). */
export const TOKEN_FIX = 'set TELEGRAM_BOT_TOKEN to the token @BotFather gives for this bot (it may have been revoked) and restart';

/** How long Telegram may fail to answer before it counts as unreachable. */
export const UNREACHABLE_AFTER_MS = 5_000;
export const PROBE_MS = 1_000;
export const MAX_PROBE_MS = 30_000;
/** How long 409s may keep coming (two pollers in a rolling deploy) before the channel counts as down. */
export const CONFLICT_AFTER_MS = 30_000;
/**
 * A run of 409s is over once none has come for this many times `conflictAfterMs`: with a second poller that stays, the
 * poll's pause (up to 30 s) and its long wait (30 s) can keep two 409s a minute apart, and an answered getUpdates
 * between them (the two pollers' calls race) does not mean the other one left.
 */
const CONFLICT_QUIET = 2;

/** A run of getUpdates' 409s (another poller), as `conflictRun()` tells it: times in ms since the epoch. */
export interface ConflictRun {
  since: number;
  last: number;
  count: number;
  down: boolean;
  over: boolean;
}

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
  #unregistered: { words: string; since: number; refused?: { url: string } } | undefined;
  readonly #conflictAfterMs: number;
  /** The first and the last 409 of the run under way, and how many; down once the run has lasted `conflictAfterMs`. */
  #conflict: { first: number; last: number; count: number; down: boolean } | undefined;

  constructor(options: TelegramHealthOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#probe = options.probe;
    this.#unreachableAfterMs = options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;
    this.#probeMs = options.probeMs ?? PROBE_MS;
    this.#probeDelay = this.#probeMs;
    this.#conflictAfterMs = options.conflictAfterMs ?? CONFLICT_AFTER_MS;
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
    if (state === 'conflict') {
      const run = this.#conflict;
      const same = run !== undefined && now - run.last <= CONFLICT_QUIET * this.#conflictAfterMs;
      const first = same ? run.first : now;
      this.#conflict = { first, last: now, count: same ? run.count + 1 : 1, down: now - first >= this.#conflictAfterMs };
    }
    if (state === 'unreachable') {
      this.#failingSince ??= now;
      if (this.#state === 'receiving' && now - this.#failingSince < this.#unreachableAfterMs) {
        this.#askAgain();
        return;
      }
    }
    this.#state = state;
    this.#downSince ??= state === 'unreachable' ? this.#failingSince : state === 'conflict' ? this.#conflict?.first : now;
    this.#askAgain();
  }

  /**
   * setWebhook of `url` failed: down, whatever else Telegram answers, until `webhookRegistered()`; as a refused token
   * when Telegram refused the token, as the operator's to fix when it refused the address (a 400).
   */
  webhookRefused(error: unknown, url: string): void {
    if (stateOf(error) === 'token-refused') this.failed(error);
    this.#unregistered = {
      words: wordsOf(error),
      since: this.#unregistered?.since ?? this.#now(),
      ...(refusedForGood(error) ? { refused: { url } } : {}),
    };
  }

  /** Telegram took the webhook: updates come. */
  webhookRegistered(): void {
    this.#unregistered = undefined;
    this.answered();
  }

  /**
   * The run of getUpdates' 409s under way, or the last one, for the log (polling.ts): its first and last 409, how many,
   * whether it took the channel down, and whether it is over (none for a while: see CONFLICT_QUIET).
   *
   *     const run = health.conflictRun(); // { since: 1733480000000, last: 1733480007000, count: 4, down: false, over: false }
   */
  conflictRun(): ConflictRun | undefined {
    const run = this.#conflict;
    if (!run) return undefined;
    return { since: run.first, last: run.last, count: run.count, down: run.down, over: this.#now() - run.last > CONFLICT_QUIET * this.#conflictAfterMs };
  }

  status(): ChannelStatus {
    if (this.#unregistered && this.#state !== 'token-refused') {
      const { words, since, refused } = this.#unregistered;
      const downSince = new Date(since).toISOString();
      if (refused) return { up: false, state: 'webhook-refused', reason: webhookRefusedReason(refused.url, words), downSince };
      return { up: false, state: 'webhook-unregistered', reason: `the webhook is not registered yet: ${words}`, downSince };
    }
    if (this.#state === 'receiving') return { up: true, state: this.#state };
    return {
      up: false,
      state: this.#state,
      ...(this.#reason !== undefined ? { reason: this.#reason } : {}),
      ...(this.#downSince !== undefined ? { downSince: new Date(this.#downSince).toISOString() } : {}),
      // Two pollers overlapping (a rolling deploy): not down yet.
      ...(this.#state === 'conflict' && !this.#conflict?.down ? { down: false } : {}),
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
/**
 * A failed call in words, as /healthz and the log say it: Telegram's own, or a network failure with its cause, which
 * grammY's message leaves out.
 *
 *     wordsOf(error); // "Network request for 'getUpdates' failed! (connect ECONNREFUSED 149.154.167.220:443)"
 */
export function wordsOf(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code}: ${error.description}`;
  if (error instanceof HttpError && error.error instanceof Error) return `${error.message} (${error.error.message})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether setWebhook was refused for what it was given (a 400: `bad webhook: HTTPS url must be provided for webhook`,
 * a port Telegram does not call, a host it cannot resolve), which trying again every few seconds will not change.
 *
 *     refusedForGood(error) ? retryRarely() : retrySoon();
 */
export function refusedForGood(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400;
}

/**
 * Whether Telegram refused the bot's token (401: revoked; 404: not a token), which only a new TELEGRAM_BOT_TOKEN and a
 * restart change: a call it refused is not worth asking again every few seconds.
 *
 *     refusesToken(error) ? retryRarely() : retrySoon();
 */
export function refusesToken(error: unknown): boolean {
  return stateOf(error) === 'token-refused';
}

/** What /healthz says of a webhook Telegram refused for its address: Telegram's words and what to change. */
function webhookRefusedReason(url: string, words: string): string {
  return `Telegram refuses the webhook ${url} (${words}): set PUBLIC_URL to this server's public HTTPS address, on port 443, 80, 88 or 8443, and restart`;
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
