// People's names from the profile API (GET /{psid}?fields=…), asked once per person and kept in memory. A lookup that
// fails (Meta refusing it, its servers, the network) leaves the message without a name, and is tried again at the
// person's first message a minute or more later, until the name is had: without it agents read "Customer 3f9a".
// A minute apart, a fast writer's batch is not held up by one failing lookup a message.
import type { Logger } from '../../shared/log.ts';
import type { GraphApi } from '../meta/graph.ts';
import type { Platform } from './platforms.ts';

/** People whose names are remembered (the most recently asked). */
const REMEMBERED = 10_000;
/** A lookup holds a webhook batch up: it gets this long. */
const LOOKUP_TIMEOUT_MS = 5_000;
/** After a failed lookup, the person's messages go on without a name for this long before it is tried again. */
const ASK_AGAIN_AFTER_MS = 60_000;

/**
 * The names of the people of one platform.
 *
 *     const profiles = new Profiles({ graph, platform: MESSENGER, log });
 *     await profiles.nameOf('6789012345678901'); // 'Layla Haddad', or undefined
 */
export class Profiles {
  /** Id → name; null when the profile named nobody. */
  readonly #names = new Map<string, string | null>();
  /** Id → when its last lookup failed (ms). */
  readonly #failed = new Map<string, number>();
  readonly #asking = new Map<string, Promise<string | undefined>>();

  /** `now`: the clock that says when a failed lookup may be tried again (default: the system clock). */
  constructor(private readonly options: { graph: GraphApi; platform: Platform; log: Logger; now?: () => Date }) {}

  /** The person's name, asked the first time (again a while after a failed lookup); undefined while there is none. */
  nameOf(id: string): Promise<string | undefined> {
    const known = this.#names.get(id);
    if (known !== undefined) return Promise.resolve(known ?? undefined);
    const failed = this.#failed.get(id);
    if (failed !== undefined && this.#now() - failed < ASK_AGAIN_AFTER_MS) return Promise.resolve(undefined);
    const asking = this.#asking.get(id) ?? this.#ask(id).finally(() => this.#asking.delete(id));
    this.#asking.set(id, asking);
    return asking;
  }

  async #ask(id: string): Promise<string | undefined> {
    const { graph, platform, log } = this.options;
    try {
      const profile = await graph.get<Record<string, unknown>>(`${encodeURIComponent(id)}?fields=${platform.profileFields}`, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
      const name = platform.nameOf(profile);
      this.#failed.delete(id);
      remember(this.#names, id, name ?? null);
      return name;
    } catch (error) {
      remember(this.#failed, id, this.#now());
      log.info({ err: error instanceof Error ? error.message : String(error), person: id }, `${platform.label} profile not read; the message goes on without a name, and it is asked again at a later message`);
      return undefined;
    }
  }

  #now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}

/** Keeps `value` for `id` in `map`, forgetting the longest kept past `REMEMBERED`. */
function remember<T>(map: Map<string, T>, id: string, value: T): void {
  map.delete(id);
  map.set(id, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}
