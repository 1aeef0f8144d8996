// Long-polling mode (no webhook secret set): getUpdates in a loop. The offset, which confirms updates to
// Telegram, only moves past an update once it is received (stored, ignored or refused for good); one that could
// not be stored is fetched again after a pause, so none is lost and none is skipped.
import { setTimeout as sleep } from 'node:timers/promises';
import { GrammyError, type Api } from 'grammy';
import { DeliveryRefused, RateLimited } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { ConflictLog } from './conflicts.ts';
import { TOKEN_FIX, wordsOf, type TelegramHealth } from './health.ts';
import { ALLOWED_UPDATES, updateId } from './receive.ts';

/** The longest pause between failed tries. */
const MAX_RETRY_MS = 30_000;

export interface PollingOptions {
  api: Api;
  log: Logger;
  /**
   * Receives one update (receive.ts); rejects when it was not stored. `followed`: a later message of the same person
   * is in the same getUpdates answer (`InboundMessage.followed`).
   */
  receive: (update: unknown, followed?: boolean) => Promise<unknown>;
  /** Seconds a getUpdates call waits for updates (default 30). */
  timeoutSeconds?: number;
  /** Pause after a failed getUpdates or receive (default 1000 ms, doubling up to `maxRetryMs`). */
  retryMs?: number;
  /** The longest pause between tries (default 30 s). */
  maxRetryMs?: number;
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
  const maxRetryMs = options.maxRetryMs ?? MAX_RETRY_MS;
  const aborted = new AbortController();
  const stopped = () => aborted.signal.aborted;
  const conflicts = options.health ? new ConflictLog(log, options.health) : undefined;

  // Ends early when polling stops; each pause takes its listener off the signal as it ends, so a long outage's
  // thousands of pauses leave none behind (Node warned of a leak after 11).
  const pause = (ms: number) => sleep(ms, undefined, { signal: aborted.signal }).catch(() => undefined);

  async function loop(): Promise<void> {
    // A webhook left registered makes getUpdates fail with 409.
    await api.deleteWebhook().then(() => options.health?.answered(), (error: unknown) => {
      options.health?.failed(error);
      log.warn({ err: String(error) }, 'Telegram deleteWebhook failed');
    });
    let offset: number | undefined;
    /** Updates received past the offset (it waits at a fast writer's update held back): not handed over again. */
    const taken = new Set<number>();
    /** The fast writers whose holding was told, until none is held. */
    const slow = new Set<string>();
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
        // A flood wait (429) Telegram asks for is waited out: asking sooner only meets another (auto-retry waits the
        // short ones itself, once).
        const asked = error instanceof GrammyError && error.error_code === 429 ? error.parameters.retry_after : undefined;
        const wait = typeof asked === 'number' && Number.isFinite(asked) ? Math.max(delay, asked * 1000) : delay;
        if (health?.state === 'token-refused' || health?.state === 'unreachable') {
          if (told !== health.state) {
            const quietly = `until then getUpdates is asked again every ${maxRetryMs / 1000} s, without a line each time`;
            log.error({ err, ...(health.downSince ? { since: health.downSince } : {}) }, health.state === 'token-refused'
              ? `Telegram refuses the bot's token (${health.reason ?? ''}): ${TOKEN_FIX}; ${quietly}`
              : `Telegram is out of reach (${err}): check that this machine can reach Telegram (its network, DNS, firewall or proxy, and TELEGRAM_API_ROOT when set); ${quietly}`);
          } else log.debug({ err, retryInMs: wait }, 'Telegram getUpdates failed again');
          told = health.state;
        } else if (!conflicts?.failed(error)) {
          if (told === undefined) log.warn({ err, retryInMs: wait }, 'Telegram getUpdates failed; trying again');
          else log.debug({ err, retryInMs: wait }, 'Telegram getUpdates failed again');
          told ??= 'failing';
        }
        await pause(wait);
        delay = Math.min(delay * 2, maxRetryMs);
        continue;
      }
      options.health?.answered();
      if (told === 'token-refused') log.info('Telegram accepts the bot\'s token again: updates are received');
      if (told === 'unreachable') log.info('Telegram answers again: updates are received');
      told = undefined;
      delay = retryMs;
      // People who write faster than the runtime takes (RateLimited): their next updates wait with the one refused,
      // the others' are received all the same. The offset stays at the first one held, so it comes again.
      const held = new Set<string>();
      let holding: RateLimited | undefined;
      const followed = followedUpdates(updates);
      for (const update of updates) {
        if (stopped()) return;
        const id = updateId(update);
        const person = senderOf(update);
        if (person !== undefined && held.has(person)) continue;
        try {
          // Not when received in an earlier round, behind a fast writer's update held back.
          if (id === undefined || !taken.has(id)) await options.receive(update, followed.has(update));
        } catch (error) {
          if (error instanceof RateLimited && person !== undefined) {
            if (!slow.has(person)) log.info({ update: id, person, retryInMs: error.retryAfterMs }, 'a Telegram customer writes faster than the bot takes: their next messages wait, the other customers\' are received');
            slow.add(person);
            held.add(person);
            holding ??= error;
            continue;
          }
          // Not stored: the offset stays, so the next getUpdates serves this update again. Refused by the runtime for a
          // reason it says (shutting down mid-batch at a restart, the store out of reach, which logs its own outage)
          // is no failure of this update's: told at info, after the wait the refusal asks for.
          if (error instanceof DeliveryRefused) {
            const wait = Math.max(delay, error.retryAfterMs ?? 0);
            log.info({ err: error.message, update: id, retryInMs: wait }, 'Telegram update not taken now; will fetch it again');
            await pause(wait);
          } else {
            log.error({ err: String(error), update: id }, 'Telegram update could not be stored; will fetch it again');
            await pause(delay);
          }
          delay = Math.min(delay * 2, maxRetryMs);
          break;
        }
        if (id === undefined) continue;
        if (held.size === 0) offset = id + 1;
        else taken.add(id);
      }
      for (const id of taken) if (offset !== undefined && id < offset) taken.delete(id);
      if (held.size === 0) slow.clear();
      // The held updates come again at the next getUpdates at once: it waits until their writer's allowance is back.
      if (holding) await pause(Math.max(retryMs, holding.retryAfterMs ?? retryMs));
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

/**
 * The message updates with a later message of the same person in `updates` (one getUpdates answer): written back to
 * back, before she could read the bot's answer to the first, so the flow's question waits for the next ("hi",
 * "layla@example.com", "my parcel never came": neither the email nor the need is asked). A button's press does not
 * count: it is of a question she read.
 */
function followedUpdates(updates: readonly unknown[]): Set<unknown> {
  const followed = new Set<unknown>();
  const later = new Set<string>();
  for (const update of [...updates].reverse()) {
    const person = senderOf(update);
    if (person === undefined || typeof update !== 'object' || update === null || !('message' in update)) continue;
    if (later.has(person)) followed.add(update);
    later.add(person);
  }
  return followed;
}

/**
 * Who sent an update, as the runtime counts their messages (the sender's id, else the chat's): known before it is
 * decoded, since it only sorts updates, which receive.ts checks.
 *
 *     senderOf({ update_id: 7, message: { chat: { id: 5001 }, from: { id: 5001 } } }); // '5001'
 */
function senderOf(update: unknown): string | undefined {
  if (typeof update !== 'object' || update === null) return undefined;
  for (const [key, value] of Object.entries(update)) {
    if (key === 'update_id' || typeof value !== 'object' || value === null) continue;
    const { from, user, chat } = value as { from?: { id?: unknown }; user?: { id?: unknown }; chat?: { id?: unknown } };
    const id = from?.id ?? user?.id ?? chat?.id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
  }
  return undefined;
}
