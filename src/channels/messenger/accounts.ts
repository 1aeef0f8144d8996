// Which Page (and which Instagram account) this channel answers for, so that a webhook entry of another one is not
// taken as ours. One Meta app may be subscribed to several Pages, and Meta posts all of their events to the same
// webhook: an entry whose `id` is another Page's (or another Instagram account's) holds people that Page's own bot
// answers, with its own token. The Page is the one the token belongs to, asked of the Graph API once (GET
// me?fields=id, and instagram_business_account with Instagram on), at the first batch rather than at start, so a
// start never waits for Meta. While it cannot be learned (Meta unreachable, the token refused) entries are taken
// unchecked, as before this check existed, and the log says so: a Graph API outage must not cost customers' messages.
import type { Logger } from '../../shared/log.ts';
import type { GraphApi } from '../meta/graph.ts';
import type { Platform } from './platforms.ts';

/** How long a failed lookup is trusted before the Graph API is asked again. */
const ASK_AGAIN_MS = 60_000;
/** How long the first batch may wait for the answer: Meta gives up on a webhook that answers slowly. */
const LOOKUP_TIMEOUT_MS = 5_000;

interface Known {
  /** The Page's id: `entry[].id` of `object: page` bodies. */
  page: string;
  /** The Instagram professional account linked to the Page: `entry[].id` of `object: instagram` bodies. */
  instagram?: string;
}

export interface AccountsOptions {
  graph: GraphApi;
  /** True when the Instagram channel is on: the linked account is asked for too. */
  instagram: boolean;
  log: Logger;
  /** Monotonic enough for "a minute later" (default Date.now). */
  now?: () => number;
}

/**
 * The Page and Instagram account whose entries are this channel's.
 *
 *     const accounts = new Accounts({ graph, instagram: false, log });
 *     if (!(await accounts.owns(MESSENGER, entryId))) return; // another Page's customer: its own bot answers
 */
export class Accounts {
  readonly #options: AccountsOptions;
  #known: Known | undefined;
  #asking: Promise<Known | undefined> | undefined;
  #failedAt: number | undefined;
  /** Foreign accounts already logged: each is said once per process, not once per event. */
  readonly #logged = new Set<string>();

  constructor(options: AccountsOptions) {
    this.#options = options;
  }

  /** False only when `account` (an entry's id) is known not to be this channel's Page or Instagram account. */
  async owns(platform: Platform, account: string): Promise<boolean> {
    const known = await this.#learn();
    const own = known === undefined ? undefined : platform.channel === 'instagram' ? known.instagram : known.page;
    if (own === undefined || own === account) return true;
    const key = `${platform.channel}:${account}`;
    if (!this.#logged.has(key)) {
      this.#logged.add(key);
      this.#options.log.warn({ account, own }, `${platform.label} webhook events for another ${platform.channel === 'instagram' ? 'Instagram account' : 'Page'} (${account}) acknowledged and not answered: this channel answers for ${own}, the one MESSENGER_PAGE_TOKEN belongs to (the Meta app is subscribed to both; the other's own bot answers it)`);
    }
    return false;
  }

  async #learn(): Promise<Known | undefined> {
    if (this.#known) return this.#known;
    const now = this.#options.now ?? Date.now;
    if (this.#failedAt !== undefined && now() - this.#failedAt < ASK_AGAIN_MS) return undefined;
    this.#asking ??= this.#ask().finally(() => {
      this.#asking = undefined;
    });
    return this.#asking;
  }

  async #ask(): Promise<Known | undefined> {
    const { graph, instagram, log } = this.#options;
    try {
      const answer = await graph.get<{ id?: unknown; instagram_business_account?: { id?: unknown } }>(`me?fields=${instagram ? 'id,instagram_business_account' : 'id'}`, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
      if (typeof answer.id !== 'string' || answer.id === '') throw new Error('the answer names no id');
      const linked = answer.instagram_business_account?.id;
      this.#known = { page: answer.id, ...(typeof linked === 'string' && linked !== '' ? { instagram: linked } : {}) };
      this.#failedAt = undefined;
      if (instagram && this.#known.instagram === undefined) log.warn({ page: answer.id }, 'the Page has no Instagram account linked: Instagram webhook events are taken without checking whose account they are for');
      return this.#known;
    } catch (error) {
      this.#failedAt = (this.#options.now ?? Date.now)();
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not learn which Page MESSENGER_PAGE_TOKEN is for; webhook events are taken without checking their Page until it can (asked again in a minute)');
      return undefined;
    }
  }
}
