// People's names from the profile API (GET /{psid}?fields=…), asked once per person and kept in memory. A name is
// only a nicety: a lookup that fails leaves the message without one, and is not tried again for that person unless
// the failure may pass (the network, Meta's own errors).
import type { Logger } from '../../shared/log.ts';
import { GraphError, type GraphApi } from '../meta/graph.ts';
import type { Platform } from './platforms.ts';

/** People whose names are remembered (the most recently asked). */
const REMEMBERED = 10_000;
/** A lookup holds a webhook batch up: it gets this long. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The names of the people of one platform.
 *
 *     const profiles = new Profiles({ graph, platform: MESSENGER, log });
 *     await profiles.nameOf('6789012345678901'); // 'Layla Haddad', or undefined
 */
export class Profiles {
  /** Id → name; null when the profile named nobody or cannot be read. */
  readonly #names = new Map<string, string | null>();
  readonly #asking = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: { graph: GraphApi; platform: Platform; log: Logger }) {}

  /** The person's name, asked the first time only; undefined when there is none to be had. */
  nameOf(id: string): Promise<string | undefined> {
    const known = this.#names.get(id);
    if (known !== undefined) return Promise.resolve(known ?? undefined);
    const asking = this.#asking.get(id) ?? this.#ask(id).finally(() => this.#asking.delete(id));
    this.#asking.set(id, asking);
    return asking;
  }

  async #ask(id: string): Promise<string | undefined> {
    const { graph, platform, log } = this.options;
    try {
      const profile = await graph.get<Record<string, unknown>>(`${encodeURIComponent(id)}?fields=${platform.profileFields}`, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
      const name = platform.nameOf(profile);
      this.#remember(id, name ?? null);
      return name;
    } catch (error) {
      const passing = !(error instanceof GraphError) || error.status === undefined || error.status >= 500 || error.status === 429 || error.badToken;
      if (!passing) this.#remember(id, null);
      log.info({ err: error instanceof Error ? error.message : String(error), person: id }, `${platform.label} profile not read; the message goes on without a name`);
      return undefined;
    }
  }

  #remember(id: string, name: string | null): void {
    this.#names.set(id, name);
    if (this.#names.size > REMEMBERED) this.#names.delete(this.#names.keys().next().value!);
  }
}
