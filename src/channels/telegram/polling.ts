// Long-polling mode (no webhook secret set): getUpdates in a loop. The offset, which confirms updates to
// Telegram, only moves past an update once it is received (stored, ignored or refused for good); one that could
// not be stored is fetched again after a pause, so none is lost and none is skipped.
import type { Api } from 'grammy';
import type { Logger } from '../../shared/log.ts';
import { ConflictLog } from './conflicts.ts';
import { TOKEN_FIX, type TelegramHealth } from './health.ts';
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
    // A refused token stays refused until someone changes it: said once, with what to do, not at every try (every 30 s).
    let tokenRefusedTold = false;
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
        if (health?.state === 'token-refused') {
          if (!tokenRefusedTold) log.error({ err: String(error) }, `Telegram refuses the bot's token (${health.reason ?? ''}): ${TOKEN_FIX}; until then getUpdates is asked again every ${MAX_RETRY_MS / 1000} s, without a line each time`);
          else log.debug({ err: String(error), retryInMs: delay }, 'Telegram getUpdates failed: the token is still refused');
          tokenRefusedTold = true;
        } else if (!conflicts?.failed(error)) log.warn({ err: String(error), retryInMs: delay }, 'Telegram getUpdates failed');
        await pause(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        continue;
      }
      options.health?.answered();
      if (tokenRefusedTold) log.info('Telegram accepts the bot\'s token again: updates are received');
      tokenRefusedTold = false;
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
