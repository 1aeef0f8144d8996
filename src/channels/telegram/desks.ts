// The team desk groups the bot is no longer in (an admin removed it, or it was banned): said on /healthz and the
// dashboard's banner as the Telegram channel's state, since nothing else would say it (the team's new conversations
// wait in its queue without a topic, and whatever goes to their topics is refused). Known from Telegram's
// `my_chat_member` at once, or from a call to the group it refused for that (a bot removed before it asked for
// `my_chat_member`, or while it was stopped); back once Telegram says it is a member again, or a call there works.
import { GrammyError } from 'grammy';
import type { ChannelStatus } from '../../types.ts';

/**
 * Whether a failed call to a group says the bot is not in it (Telegram's 403 "bot is not a member of the supergroup
 * chat", "bot was kicked from the supergroup chat").
 *
 *     notInGroup(error); // true for 403: Forbidden: bot was kicked from the supergroup chat
 */
export function notInGroup(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403 && /not a member|kicked/i.test(error.description);
}

/**
 * The desk groups the bot is out of, with since when and what said it.
 *
 *     const lost = new LostDesks();
 *     lost.removed('-1001234567890', 'Billing desk');
 *     lost.status(); // { up: true, state: 'desk-removed', part: 'the team desk group', reason: 'the bot is not in the team desk group "Billing desk" (-1001234567890)…' }
 */
export class LostDesks {
  readonly #lost = new Map<string, { since: number; title?: string }>();
  readonly #now: () => number;
  readonly #teams: (group: string) => string[];

  /** `teams`: the names of the teams whose desk a group is (team.yaml), for what is said of it. */
  constructor(now: () => number = Date.now, teams: (group: string) => string[] = () => []) {
    this.#now = now;
    this.#teams = teams;
  }

  /** The bot is out of `group` (`title`: its name, when Telegram said it). True when it was not known out of it. */
  removed(group: string, title?: string): boolean {
    const known = this.#lost.get(group);
    this.#lost.set(group, { since: known?.since ?? this.#now(), ...(title ?? known?.title ? { title: title ?? known?.title } : {}) });
    return known === undefined;
  }

  /** The bot is in `group` again. True when it was known out of it. */
  back(group: string): boolean {
    return this.#lost.delete(group);
  }

  /**
   * The channel's state while a desk group is lost (the earliest one's time), Telegram answering: `up`, since its
   * customers are served, and the lost group its own `part`. Undefined while none is lost.
   */
  status(): ChannelStatus | undefined {
    if (this.#lost.size === 0) return undefined;
    const groups = [...this.#lost].map(([group, { title }]) => (title !== undefined ? `"${title}" (${group})` : group));
    const since = Math.min(...[...this.#lost.values()].map((lost) => lost.since));
    const teams = [...new Set([...this.#lost.keys()].flatMap((group) => this.#teams(group)))];
    return {
      up: true,
      state: 'desk-removed',
      part: teams.length > 0 ? `the desk group${groups.length > 1 ? 's' : ''} of ${teams.join(', ')}` : `the team desk group${groups.length > 1 ? 's' : ''}`,
      reason: `the bot is not in the team desk group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} any more (removed from it): that team's new conversations get no topic and wait in its queue (/claim takes them), and nothing said in their topics reaches anyone; add the bot back to the group as an admin that can manage topics`,
      downSince: new Date(since).toISOString(),
    };
  }
}
