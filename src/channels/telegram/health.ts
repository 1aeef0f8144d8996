// Whether the bot can reach Telegram now, as its last Bot API calls tell it (long polling's getUpdates, the webhook's
// registration, every send): for /healthz and the dashboard's banner. A refusal about one chat (blocked, no such chat)
// says nothing of the channel and changes nothing; the token refused, another poller, or Telegram out of reach do.
import { GrammyError, HttpError } from 'grammy';
import type { ChannelStatus } from '../../types.ts';

/** What keeps the channel from sending and receiving: `receiving` is up, the others are down. */
export type TelegramState = 'receiving' | 'token-refused' | 'conflict' | 'unreachable';

/**
 * The channel's state, fed by the outcome of its calls.
 *
 *     const health = new TelegramHealth();
 *     api.getUpdates(…).then(() => health.answered(), (error) => health.failed(error));
 */
export class TelegramHealth {
  #state: TelegramState = 'receiving';
  #reason: string | undefined;
  #downSince: string | undefined;
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Telegram answered a call: the channel is up. */
  answered(): void {
    this.#state = 'receiving';
    this.#reason = undefined;
    this.#downSince = undefined;
  }

  /** A call failed: down when the failure is about the bot or the way to Telegram, unchanged when about one chat. */
  failed(error: unknown): void {
    const state = stateOf(error);
    if (!state) return;
    this.#state = state;
    this.#reason = error instanceof GrammyError ? `${error.error_code}: ${error.description}` : error instanceof Error ? error.message : String(error);
    this.#downSince ??= this.#now().toISOString();
  }

  status(): ChannelStatus {
    if (this.#state === 'receiving') return { up: true, state: this.#state };
    return { up: false, state: this.#state, ...(this.#reason !== undefined ? { reason: this.#reason } : {}), ...(this.#downSince !== undefined ? { downSince: this.#downSince } : {}) };
  }
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
