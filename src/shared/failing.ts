// A job that runs again and again (a periodic check, a claim at every kick) and fails while its store is away: logged
// once when it starts failing and once when it works again (how long it failed, how many attempts), so that an outage
// of an hour does not write a line at every check into the operator's log.
import type { Logger } from './log.ts';

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The failures of one repeated job, logged at their start and at their end.
 *
 *     const looking = new Failing(log, { failing: 'could not look for …; the next check looks again', recovered: 'looking for … works again' });
 *     await look().then(() => looking.worked(), (error: unknown) => looking.failed(error));
 */
export class Failing {
  #failure: { since: number; attempts: number; error: string } | undefined;

  constructor(
    private readonly log: Logger,
    private readonly messages: { failing: string; recovered: string },
    private readonly level: 'warn' | 'error' = 'warn',
  ) {}

  /** Whether the job's last attempt failed. */
  get failing(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * The job failed: logged if it worked before (or never ran), with `fields` (what it was doing: the agents whose
   * room waits, say), counted otherwise.
   */
  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    if (this.#failure) {
      this.#failure.attempts += 1;
      return;
    }
    this.#failure = { since: Date.now(), attempts: 1, error: describe(error) };
    this.log[this.level]({ ...fields, err: this.#failure.error }, this.messages.failing);
  }

  /** The job worked: logged if it was failing, with how long (`failedForMs`), the attempts and the first error. */
  worked(): void {
    if (!this.#failure) return;
    const { since, attempts, error } = this.#failure;
    this.#failure = undefined;
    this.log.info({ failedForMs: Date.now() - since, attempts, error }, this.messages.recovered);
  }
}
