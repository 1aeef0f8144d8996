// Long-polling mode (no webhook secret set): getUpdates in a loop. The offset, which confirms updates to
// Telegram, only moves past an update once it is received (stored, ignored or refused for good); one that could
// not be stored is fetched again after a pause, so none is lost and none is skipped.
import type { Api } from 'grammy';
import type { Logger } from '../../shared/log.ts';
import { ConflictLog } from './conflicts.ts';
import { TOKEN_FIX, wordsOf, type TelegramHealth } from './health.ts';
import { ALLOWED_UPDATES, updateId } from './receive.ts';

/** The longest pause between failed tries. */
const MAX_RETRY_MS = 30_000;

export interface PollingOptions {
  api: Api;
  log: Logger;
  /** Receives one update (receive.ts); rejects when it was not stored. */
  receive: (update: unknown) => Promise<unknown>;
  /** Seconds a getUpdates call waits for updates (default 30). */
  timeoutSeconds?: number;
  /** Pause after a failed getUpdates or receive (default 1000 ms, doubling up to 30 s). */
  retryMs?: number;
  /**
   * Told how each call went: a token refused or Telegram out of reach shows in /healthz and on the dashboard. With it,
   * 409s (another poller) are logged as a run (conflicts.ts), not one by one.
   */
  health?: TelegramHealth;
}

/**
 * Starts polling; `stop` ends the loop, cutting a waiting getUpdates short, and resolves once it has ended.
 *
 *     const polling = startPolling({ api, log, receive });
 *     await polling.stop();
 */
export function startPolling(options: PollingOptions): { stop(): Promise<void> } {
  const { api, log } = options;
  const timeout = options.timeoutSeconds ?? 30;
  const retryMs = options.retryMs ?? 1000;
  const aborted = new AbortController();
  const stopped = () => aborted.signal.aborted;
  const conflicts = options.health ? new ConflictLog(log, options.health) : undefined;

  const pause = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      aborted.signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
    });

  async function loop(): Promise<void> {
    // A webhook left registered makes getUpdates fail with 409.
    await api.deleteWebhook().then(() => options.health?.answered(), (error: unknown) => {
      options.health?.failed(error);
      log.warn({ err: String(error) }, 'Telegram deleteWebhook failed');
    });
    let offset: number | undefined;
    let delay = retryMs;
    // A failure that lasts (a refused token stays refused until someone changes it; a network down for hours) is told
    // once, with what to do, and again when it ends, not at every try (every 30 s).
    let told: 'failing' | 'token-refused' | 'unreachable' | undefined;
    while (!stopped()) {
      conflicts?.check();
      let updates: unknown[];
      try {
        updates = await api.getUpdates(
          { ...(offset !== undefined ? { offset } : {}), timeout, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal as the abort-controller shim's; Node's own works the same at run time.
          aborted.signal as unknown as Parameters<Api['getUpdates']>[1],
        );
      } catch (error) {
        if (stopped()) return;
        options.health?.failed(error);
        const health = options.health?.status();
        const err = wordsOf(error);
        if (health?.state === 'token-refused' || health?.state === 'unreachable') {
          if (told !== health.state) {
            const quietly = `until then getUpdates is asked again every ${MAX_RETRY_MS / 1000} s, without a line each time`;
            log.error({ err, ...(health.downSince ? { since: health.downSince } : {}) }, health.state === 'token-refused'
              ? `Telegram refuses the bot's token (${health.reason ?? ''}): ${TOKEN_FIX}; ${quietly}`
              : `Telegram is out of reach (${err}): check that this machine can reach Telegram (its network, DNS, firewall or proxy, and TELEGRAM_API_ROOT when set); ${quietly}`);
          } else log.debug({ err, retryInMs: delay }, 'Telegram getUpdates failed again');
          told = health.state;
        } else if (!conflicts?.failed(error)) {
          if (told === undefined) log.warn({ err, retryInMs: delay }, 'Telegram getUpdates failed; trying again');
          else log.debug({ err, retryInMs: delay }, 'Telegram getUpdates failed again');
          told ??= 'failing';
        }
        await pause(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        continue;
      }
      options.health?.answered();
      if (told === 'token-refused') log.info('Telegram accepts the bot\'s token again: updates are received');
      if (told === 'unreachable') log.info('Telegram answers again: updates are received');
      told = undefined;
      delay = retryMs;
      for (const update of updates) {
        if (stopped()) return;
        const id = updateId(update);
        try {
          await options.receive(update);
        } catch (error) {
          // Not stored: the offset stays, so the next getUpdates serves this update again.
          log.error({ err: String(error), update: id }, 'Telegram update could not be stored; will fetch it again');
          await pause(delay);
          delay = Math.min(delay * 2, MAX_RETRY_MS);
          break;
        }
        if (id !== undefined) offset = id + 1;
      }
    }
  }

  const running = loop().finally(() => conflicts?.stop());
  log.info('Telegram long polling started');
  return {
    async stop() {
      aborted.abort();
      await running.catch(() => undefined);
    },
  };
}

