// Re-reading files admins edit while the bot runs (flow scripts, team.yaml, training data): one reload at a
// time, in call order, and a reload once the folder has stopped changing.
import { watch, type FSWatcher } from 'node:fs';

/**
 * How long the folder must be quiet before a change is read. One save is several events (truncate, write, rename),
 * and a file copied or written in pieces (an upload, a script appending, a slow disk) is quiet between its writes:
 * read then, a flow cut after any of its steps still parses and goes into service, and the customers who start on it
 * keep that version to its cut, where they are met with silence. A pause of a second is a write that has ended.
 */
const QUIET_MS = 1_000;

export interface ReloaderOptions {
  /** Reads the files again; a rejection is logged, the last good state stays in service. */
  read: () => Promise<void>;
  /** What the log calls it, e.g. `flows` or `team.yaml`. */
  label: string;
  log: { warn(o: object, msg: string): void; error(o: object, msg: string): void };
}

/**
 * Serial, debounced reloading.
 *
 *     const reloader = new Reloader({ read: () => this.read(), label: 'team.yaml', log });
 *     await reloader.reload(); reloader.watch(dirname(file), (name) => name === 'team.yaml');
 */
export class Reloader {
  #queue: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: ReloaderOptions) {}

  /** Reads again, after any reload under way. */
  reload(): Promise<void> {
    const next = this.#queue.then(() => this.options.read());
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Reloads when a file of `dir` that `accepts` changes. The folder is watched, not the file: editors that
   * save by writing a new file and renaming it over the old one would leave a file watcher on the original.
   */
  watch(dir: string, accepts: (name: string | null) => boolean = () => true): void {
    const { label, log } = this.options;
    try {
      this.#watcher = watch(dir, (_event, name) => {
        if (accepts(name)) this.#schedule();
      });
      this.#watcher.on('error', (error) => log.warn({ dir }, `stopped watching ${label}: ${error.message}`));
      this.#watcher.unref();
    } catch (error) {
      log.warn({ dir }, `cannot watch ${label} for changes: ${(error as Error).message}`);
    }
  }

  /** Stops watching. */
  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#closed) return;
      this.reload().catch((error: Error) => this.options.log.error({}, `reloading ${this.options.label} failed: ${error.message}`));
    }, QUIET_MS);
    this.#timer.unref();
  }
}
