// getUpdates' 409s (another program polling with this bot's token) as the log tells them. Two processes overlapping
// in a rolling deploy meet one every few seconds for up to 30 s, which as a warning each said the same thing over and
// over: the first is told at once, then one line when the run takes the channel down (health.ts) and one when it is
// over (a minute without one) or polling stops, saying how many came and since when.
import { GrammyError } from 'grammy';
import type { Logger } from '../../shared/log.ts';
import type { ConflictRun, TelegramHealth } from './health.ts';

/**
 * The log of one poller's 409s, fed by getUpdates' outcomes after the health has been told them.
 *
 *     const conflicts = new ConflictLog(log, health);
 *     if (!conflicts.failed(error)) log.warn({ err: String(error) }, 'Telegram getUpdates failed');
 */
export class ConflictLog {
  readonly #log: Logger;
  readonly #health: TelegramHealth;
  /** The run the log has told of, as it last stood. */
  #told: ConflictRun | undefined;

  constructor(log: Logger, health: TelegramHealth) {
    this.#log = log;
    this.#health = health;
  }

  /** getUpdates failed with `error`: true when it was a 409, told here (the first of a run, or the run turning down). */
  failed(error: unknown): boolean {
    if (!(error instanceof GrammyError && error.error_code === 409)) return false;
    const run = this.#health.conflictRun();
    if (!run) return false;
    const told = this.#told;
    if (told && told.since !== run.since) this.#tellEnd(told, 'over');
    if (!told || told.since !== run.since) {
      this.#log.warn(
        { err: `${error.error_code}: ${error.description}`, since: iso(run.since) },
        "Telegram getUpdates answered 409: another program is taking this bot's updates (a rolling deploy's other process does for a few seconds); the next 409s are counted, and told when they stop or take the channel down",
      );
    } else if (run.down && !told.down) {
      this.#log.error(
        { err: `${error.error_code}: ${error.description}`, since: iso(run.since), count: run.count },
        `Telegram channel down: another program has kept taking this bot's updates since ${iso(run.since)} (${run.count} 409s): stop the other program using this token (a second Switchboard, or a webhook another program set), or give each its own bot`,
      );
    }
    this.#told = run;
    return true;
  }

  /** Tells the end of the run told of, once it is over (none for a while); call it as getUpdates goes on. */
  check(): void {
    const told = this.#told;
    if (!told || !this.#health.conflictRun()?.over) return;
    this.#tellEnd(told, 'over');
  }

  /** Polling stops: tells the run told of, if any, as it stood. */
  stop(): void {
    if (this.#told) this.#tellEnd(this.#told, 'stopped');
  }

  #tellEnd(run: ConflictRun, why: 'over' | 'stopped'): void {
    this.#told = undefined;
    const fields = { since: iso(run.since), last: iso(run.last), count: run.count };
    const until = why === 'over' ? 'none since' : 'until polling stopped';
    const what = `Telegram getUpdates answered 409 ${run.count} time${run.count === 1 ? '' : 's'} from ${iso(run.since)} to ${iso(run.last)}, ${until}`;
    if (run.down) this.#log.warn(fields, `${what}: another program was taking this bot's updates, and the channel was down for it`);
    else this.#log.info(fields, `${what}: another program took this bot's updates for a while (a rolling deploy's overlap), not long enough to take the channel down`);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
